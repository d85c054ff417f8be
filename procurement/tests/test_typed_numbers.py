"""Money and decimals are typed as people type them: ``150 000``, ``150000,50``; ``1,500``, ``1e3``
and words are refused beside the field, and nothing is saved.

A number input would not do: Chromium drops a decimal comma from ``150000,50`` and sends
``15000050``. So no form of the portal renders a decimal as ``type="number"``.
"""

from __future__ import annotations

import datetime
import importlib
import inspect
import re
from decimal import Decimal
from pathlib import Path

import django_filters
import pytest
from django import forms
from django.conf import settings
from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django_filters.utils import get_model_field

from procurement.factories import (
    ApplicationFactory,
    CompetitionFactory,
    EvaluationCriterionFactory,
    PriorityIssueFactory,
)
from procurement.forms.evaluation import ScoreSheetForm
from procurement.models import Application, Competition, CriterionScore, PriorityIssue
from procurement.tests.competition_in_evaluation import build, score, sign
from ssp_portal.rows.forms import DecimalInput, NumberField

pytestmark = pytest.mark.django_db

INVALID_AMOUNT = "Enter an amount in soms, for example 150000 or 150000.50."


def new_competition(municipality, **overrides) -> dict:
    deadline = timezone.localtime() + datetime.timedelta(days=40)
    return {
        "title_en": "Support for older people",
        "priority_issue": PriorityIssueFactory(municipality=municipality).pk,
        "description_en": "Home visits.",
        "budget": "300000",
        "max_grant": "150000",
        "projects_expected": "2",
        "announcement_date": timezone.localdate().isoformat(),
        "deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
        "project_start": (deadline.date() + datetime.timedelta(days=10)).isoformat(),
        "project_end": (deadline.date() + datetime.timedelta(days=200)).isoformat(),
        "contact": "",
        **overrides,
    }


def edited(competition: Competition, **overrides) -> dict:
    """The draft's edit form as it is shown, with ``overrides`` typed in."""
    local = timezone.localtime(competition.deadline, competition.zone)
    return {
        "title_en": competition.title,
        "priority_issue": competition.priority_issue_id,
        "description_en": competition.description,
        "budget": str(competition.budget),
        "max_grant": str(competition.max_grant),
        "projects_expected": str(competition.projects_expected),
        "announcement_date": competition.announcement_date.isoformat(),
        "deadline": local.strftime("%Y-%m-%dT%H:%M"),
        "project_start": competition.project_start.isoformat(),
        "project_end": competition.project_end.isoformat(),
        "contact": competition.contact,
        "score_spread_margin": str(competition.score_spread_margin),
        **overrides,
    }


def input_tag(page: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert match, f"no input {name}"
    return match.group(0)


# New competition, draft, priority issue ---------------------------------------------------------


def test_a_new_competition_reads_a_decimal_comma_and_spaces(municipality, staff_client):
    response = staff_client.post(
        reverse("procurement:competition-create", args=[municipality.slug]),
        new_competition(municipality, budget="150000,50", max_grant="150 000"),
    )
    assert response.status_code == 302
    competition = Competition.objects.get()
    assert (competition.budget, competition.max_grant) == (Decimal("150000.50"), Decimal("150000"))


def test_editing_a_draft_stores_150000_50_not_15000050(municipality, staff_client):
    competition = CompetitionFactory(municipality=municipality)
    url = reverse("procurement:competition-edit", args=[competition.reference])
    page = staff_client.get(url).content.decode()
    budget = input_tag(page, "budget")
    assert 'type="text"' in budget and 'inputmode="decimal"' in budget, budget
    assert 'value="400000"' in budget  # as a person would type it back

    response = staff_client.post(url, edited(competition, budget="150000,50", max_grant="100 000,25"))

    assert response.status_code == 302
    competition.refresh_from_db()
    assert competition.budget == Decimal("150000.50")
    assert competition.max_grant == Decimal("100000.25")
    # Shown again with its tyiyn, which the same field reads back.
    assert 'value="150000.50"' in input_tag(staff_client.get(url).content.decode(), "budget")


@pytest.mark.parametrize("typed", ["1,500", "1e3", "one hundred", "150000.505"])
def test_an_ambiguous_or_wrong_amount_is_refused_beside_the_field(municipality, staff_client, typed):
    competition = CompetitionFactory(municipality=municipality)
    url = reverse("procurement:competition-edit", args=[competition.reference])

    response = staff_client.post(url, edited(competition, budget=typed))

    assert response.status_code == 200
    errors = response.context["form"].errors["budget"]
    assert errors == (
        ["Soms have at most two decimals (tyiyn)."] if typed == "150000.505" else [INVALID_AMOUNT]
    )
    assert 'id="error_1_id_budget"' in response.content.decode()
    competition.refresh_from_db()
    assert competition.budget == Decimal("400000.00")


def test_the_score_spread_margin_reads_a_decimal_comma(municipality, staff_client):
    competition = CompetitionFactory(municipality=municipality)
    url = reverse("procurement:competition-edit", args=[competition.reference])
    response = staff_client.post(url, edited(competition, score_spread_margin="12,5"))
    assert response.status_code == 302
    competition.refresh_from_db()
    assert competition.score_spread_margin == Decimal("12.5")


def test_the_planned_budget_of_a_priority_issue_reads_a_decimal_comma(municipality, staff_client):
    issue = PriorityIssueFactory(municipality=municipality, draft=True)
    url = reverse("procurement:priority-issue-edit", args=[issue.pk])
    assert 'inputmode="decimal"' in input_tag(staff_client.get(url).content.decode(), "planned_budget")
    data = {
        "title_en": issue.title,
        "year": str(issue.year),
        "need_source": issue.need_source,
        "target_group_en": issue.target_group,
        "planned_budget": "150000,50",
        "description_en": issue.description,
    }
    assert staff_client.post(url, data).status_code == 302
    issue.refresh_from_db()
    assert issue.planned_budget == Decimal("150000.50")

    refused = staff_client.post(url, {**data, "planned_budget": "1,500"})
    assert refused.context["form"].errors["planned_budget"] == [INVALID_AMOUNT]
    assert PriorityIssue.objects.get(pk=issue.pk).planned_budget == Decimal("150000.50")


# The commission's scores and the award --------------------------------------------------------


def test_a_score_typed_with_a_decimal_comma_is_four_and_a_half(municipality, client_for):
    evaluation = build(municipality)
    sign(evaluation, evaluation.member1)
    application = evaluation.applications[0]
    client = client_for(evaluation.member1)
    url = reverse("procurement:score-sheet", args=[application.pk])
    page = client.get(url).content.decode()
    first = evaluation.criteria[0]
    assert 'type="number"' not in input_tag(page, f"score_{first.pk}")

    data = {f"score_{c.pk}": "4,5" for c in evaluation.criteria} | {"overall_comment": "", "save": "1"}
    assert client.post(url, data).status_code == 302
    assert set(CriterionScore.objects.values_list("score", flat=True)) == {Decimal("4.5")}

    refused = client.post(url, {**data, f"score_{first.pk}": "1e1"})
    assert refused.status_code == 200
    assert refused.context["form"].errors[f"score_{first.pk}"] == [
        "Enter a score as a number, for example 7 or 7.5."
    ]
    assert set(CriterionScore.objects.values_list("score", flat=True)) == {Decimal("4.5")}


def test_the_award_amount_is_offered_as_text_and_read_with_a_decimal_comma(
    municipality, finance_staff, client_for
):
    evaluation = build(municipality)
    for member in (evaluation.chair, evaluation.member1, evaluation.member2):
        sign(evaluation, member)
        for application in evaluation.applications:
            score(evaluation, member, application, [8, 4])
    client = client_for(finance_staff)
    page = client.get(reverse("procurement:awards", args=[evaluation.competition.reference])).content.decode()
    amount = input_tag(page, "amount")
    assert 'type="text"' in amount and 'inputmode="decimal"' in amount, amount

    application = evaluation.applications[0]
    response = client.get(reverse("procurement:award-grant", args=[application.pk]), {"amount": "120000,50"})
    assert response.status_code == 200
    assert response.context["amount"] == Decimal("120000.50")


# Every form of the portal ---------------------------------------------------------------------

# The admin's forms are checked as the admin builds them (its read-only fields are not inputs).
FORM_MODULES = [
    "procurement.forms.competitions",
    "procurement.forms.applications",
    "procurement.forms.evaluation",
    "monitoring.forms",
    "organizations.forms",
]


def decimal_fields(form_class: type[forms.BaseForm]) -> dict[str, forms.Field]:
    return {
        name: field
        for name, field in form_class.base_fields.items()
        if isinstance(field, forms.DecimalField | forms.FloatField)
    }


def test_no_form_of_the_portal_takes_a_decimal_in_a_number_input():
    offending = []
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for name, form_class in inspect.getmembers(module, inspect.isclass):
            if not issubclass(form_class, forms.BaseForm) or form_class.__module__ != module_name:
                continue
            for field_name, field in decimal_fields(form_class).items():
                if not isinstance(field, NumberField) or not isinstance(field.widget, DecimalInput):
                    offending.append(f"{module_name}.{name}.{field_name}")
    assert offending == []


def test_the_score_sheet_takes_its_scores_as_typed(municipality):
    criterion = EvaluationCriterionFactory(competition__municipality=municipality)
    field = ScoreSheetForm(criteria=[criterion]).fields[f"score_{criterion.pk}"]
    assert isinstance(field, NumberField) and isinstance(field.widget, DecimalInput)


def test_no_admin_page_takes_a_decimal_in_a_number_input(rf, admin_user):
    request = rf.get("/")
    request.user = admin_user
    offending = []
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_change_permission(request) and not model_admin.has_add_permission(request):
            continue
        form_class = model_admin.get_form(request)
        for name, field in decimal_fields(form_class).items():
            if isinstance(field.widget, forms.NumberInput):
                offending.append(f"{model.__name__}.{name}")
    assert offending == []


def test_no_template_writes_a_number_input_for_a_decimal():
    """A hand-written ``<input type="number" step="0.5">`` would drop a decimal comma as well."""
    roots = [Path(directory) for directory in settings.TEMPLATES[0]["DIRS"]]
    roots += [
        Path(settings.BASE_DIR) / app / "templates" for app in ("procurement", "monitoring", "organizations")
    ]
    decimal_step = re.compile(r'<input[^>]*type="number"[^>]*step="[0-9]*\.[0-9]*"', re.S)
    offending = [
        str(path)
        for root in roots
        if root.exists()
        for path in root.rglob("*.html")
        if decimal_step.search(path.read_text(encoding="utf-8"))
    ]
    assert offending == []


# Filters -------------------------------------------------------------------------------------------

FILTER_MODULES = ["procurement.filters", "monitoring.filters", "organizations.filters"]


def test_no_filter_of_the_portal_takes_a_decimal_in_a_number_input():
    offending = []
    for module_name in FILTER_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue
        for name, filterset in inspect.getmembers(module, inspect.isclass):
            if (
                not issubclass(filterset, django_filters.FilterSet)
                or filterset.__module__ != module_name
                or filterset._meta.model is None
            ):
                continue
            form = filterset().form
            for filter_name, declared in filterset.base_filters.items():
                # Filters on a stored decimal (an amount), not on a year or a count.
                stored = get_model_field(filterset._meta.model, declared.field_name)
                if not isinstance(stored, models.DecimalField):
                    continue
                field = form.fields[filter_name]
                if not isinstance(field, NumberField) or not isinstance(field.widget, DecimalInput):
                    offending.append(f"{module_name}.{name}.{filter_name}")
    assert offending == []


@pytest.fixture
def applications_list(municipality):
    """A competition past its deadline with submitted applications of 150 000, 200 000 and 200 000,50."""
    competition = CompetitionFactory(municipality=municipality, past_deadline=True)
    amounts = {}
    for amount in ("150000", "200000", "200000.50"):
        application = ApplicationFactory(competition=competition, submit=True)
        Application.objects.filter(pk=application.pk).update(requested_amount=Decimal(amount))
        amounts[amount] = application.pk
    return reverse("procurement:competition-applications", args=[competition.reference]), amounts


def listed(response) -> set[int]:
    return {application.pk for application in response.context["page"].object_list}


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_applications_filter_reads_amounts_with_spaces_and_a_decimal_comma(
    applications_list, staff_client, finance_staff, language
):
    finance_staff.language = language
    finance_staff.save(update_fields=["language"])
    url, amounts = applications_list
    page = staff_client.get(url).content.decode()
    for name in ("min_amount", "max_amount"):
        tag = input_tag(page, name)
        assert 'type="text"' in tag and 'inputmode="decimal"' in tag, tag

    assert listed(staff_client.get(url, {"min_amount": "200 000"})) == {
        amounts["200000"],
        amounts["200000.50"],
    }
    assert listed(staff_client.get(url, {"min_amount": "200000,5"})) == {amounts["200000.50"]}
    assert listed(staff_client.get(url, {"max_amount": "200\u00a0000"})) == {
        amounts["150000"],
        amounts["200000"],
    }
    # The amount typed stays in the field as it was typed.
    assert 'value="200 000"' in input_tag(
        staff_client.get(url, {"min_amount": "200 000"}).content.decode(), "min_amount"
    )


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("1,500", INVALID_AMOUNT),
        ("1e3", INVALID_AMOUNT),
        ("two hundred", INVALID_AMOUNT),
        ("-5", "The amount cannot be negative."),
    ],
)
def test_a_wrong_amount_in_the_applications_filter_is_refused_beside_the_field(
    applications_list, staff_client, typed, error
):
    url, amounts = applications_list
    response = staff_client.get(url, {"min_amount": typed})
    assert response.status_code == 200
    errors = response.context["filter"].form.errors["min_amount"]
    assert errors == [error]
    assert errors[0] in response.content.decode().replace("&#x27;", "'")
    assert listed(response) == set(amounts.values())  # no amount filters nothing
