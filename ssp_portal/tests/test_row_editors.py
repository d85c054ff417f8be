"""Every row editor of the portal, used as its page is used: the form read from the HTML, changed
the way a person changes it, and posted.

For each editor: saved unchanged, the rows stay exactly as they were (same ids, no audit event);
one field of one row changed, the other rows stay; one row removed, only it goes; one row added,
it comes last; an invalid row saves nothing and its message stands beside the field.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from monitoring.services import projects as project_services
from monitoring.tests.contracted_project import build
from organizations.factories import OrganizationMembershipFactory, UserFactory
from procurement.factories import (
    ApplicationFactory,
    CompetitionFactory,
    EligibilityRequirementFactory,
    RequiredDocumentFactory,
    fill_application,
)
from procurement.models import ActivityLine
from ssp_portal.audit.models import AuditEvent
from ssp_portal.tests.html_forms import form_of

pytestmark = pytest.mark.django_db


@dataclass
class Editable:
    """A draft competition, a draft application and a project: each has rows to edit."""

    competition: object
    application: object
    project: object
    staff: object
    member: object


@pytest.fixture
def editable(municipality, finance_staff, organization, nco_member):
    competition = CompetitionFactory(municipality=municipality, criteria=True, commission=True)
    for position, name in enumerate(("Charter", "Registration certificate", "Budget justification")):
        RequiredDocumentFactory(
            competition=competition, position=position, name=name, description=f"{name}: a scan"
        )
    for position, text in enumerate(("Registered for a year", "No tax arrears", "Works in the city")):
        EligibilityRequirementFactory(competition=competition, position=position, text=text)
    application = ApplicationFactory(
        competition=CompetitionFactory(municipality=municipality, published=True), organization=organization
    )
    fill_application(application)
    ActivityLine.objects.create(
        application=application, position=1, title="Shelter", start_month=2, end_month=5
    )
    ActivityLine.objects.create(
        application=application, position=2, title="Follow-up", start_month=5, end_month=6
    )
    project_org = OrganizationMembershipFactory(organization__verified=True).organization
    project = build(municipality, project_org, finance_staff).project
    return Editable(competition, application, project, finance_staff, nco_member)


Data = dict[str, str]


@dataclass(frozen=True)
class Editor:
    url: Callable[[Editable], str]
    user: Callable[[Editable], object]
    prefix: str
    stored: Callable[[Editable], list[dict]]
    change: tuple[str, str]  # (field, value) for the first row
    new: dict[str, str]
    invalid: tuple[int, str, str]  # (row, field, value)
    message: str  # part of the message shown beside the invalid field
    remove: int = 1  # the row removed
    # What else a person changes so that the list stays valid after adding or removing a row.
    after_add: Callable[[Data, str], None] = field(default=lambda data, prefix: None)
    after_remove: Callable[[Data, str], None] = field(default=lambda data, prefix: None)


def _add(data: Data, key: str, amount: Decimal) -> None:
    data[key] = str(Decimal(data[key].replace("\u00a0", "").replace(" ", "")) + amount)


def _competition(path: str) -> Callable[[Editable], str]:
    return lambda w: reverse(f"procurement:competition-{path}", args=[w.competition.reference])


EDITORS = {
    "criteria": Editor(
        url=_competition("criteria"),
        user=lambda w: w.staff,
        prefix="criteria",
        stored=lambda w: list(w.competition.criteria.values()),
        change=("name", "Relevance to the need"),
        new={"name": "Innovation", "max_score": "10", "weight": "10"},
        invalid=(0, "max_score", "0"),
        message="greater than or equal to 1",
        # 50, 30, 20: a new criterion of 10 takes it from the first; removing the second gives it back.
        after_add=lambda data, p: _add(data, f"{p}-0-weight", Decimal(-10)),
        after_remove=lambda data, p: _add(data, f"{p}-0-weight", Decimal(30)),
    ),
    "documents": Editor(
        url=_competition("documents"),
        user=lambda w: w.staff,
        prefix="documents",
        stored=lambda w: list(w.competition.required_documents.values()),
        change=("description", "A certified copy"),
        new={"name": "Letters of support", "description": ""},
        invalid=(2, "name", ""),
        message="This field is required.",
    ),
    "eligibility": Editor(
        url=_competition("eligibility"),
        user=lambda w: w.staff,
        prefix="eligibility",
        stored=lambda w: list(w.competition.eligibility_requirements.values()),
        change=("text", "Registered in the Kyrgyz Republic for a year"),
        new={"text": "Has worked with the target group"},
        invalid=(1, "text", "x" * 501),
        message="at most 500 characters",
    ),
    "commission": Editor(
        url=_competition("commission"),
        user=lambda w: w.staff,
        prefix="commission",
        stored=lambda w: list(w.competition.commission.order_by("pk").values()),
        change=("affiliation", "Deputy of the city council"),
        new={
            "email": "aidai@example.org",
            "full_name": "Aidai Beishenova",
            "role": "member",
            "affiliation": "",
        },
        invalid=(1, "role", "dictator"),
        message="Select a valid choice.",
    ),
    "activities": Editor(
        url=lambda w: reverse("procurement:application-activities", args=[w.application.pk]),
        user=lambda w: w.member,
        prefix="activities",
        stored=lambda w: list(w.application.activities.values()),
        change=("title", "Outreach at night"),
        new={"title": "Report to the city", "description": "", "start_month": "6", "end_month": "6"},
        invalid=(1, "end_month", "20"),
        message="The project lasts",
    ),
    "budget": Editor(
        url=lambda w: reverse("procurement:application-budget", args=[w.application.pk]),
        user=lambda w: w.member,
        prefix="lines",
        stored=lambda w: [
            *w.application.budget_lines.values(),
            {"requested": type(w.application).objects.get(pk=w.application.pk).requested_amount},
        ],
        change=("description", "Social worker"),
        new={
            "category": "travel",
            "description": "Bus fares",
            "unit": "trip",
            "quantity": "10",
            "unit_cost": "150",
        },
        invalid=(0, "quantity", "abc"),
        message="Enter a number",
        # The requested amount left empty asks for the new total of the lines.
        after_add=lambda data, p: data.update(requested_amount=""),
        after_remove=lambda data, p: data.update(requested_amount=""),
    ),
    "indicators": Editor(
        url=lambda w: reverse("monitoring:project-indicators", args=[w.project.pk]),
        user=lambda w: w.staff,
        prefix="indicators",
        stored=lambda w: list(w.project.indicators.values()),
        change=("target", "120"),
        new={"name": "Meals served", "unit": "meals", "kind": "count", "baseline": "0", "target": "500"},
        invalid=(1, "target", "150"),
        message="A percentage is at most 100.",
    ),
    "tranches": Editor(
        url=lambda w: reverse("monitoring:project-tranches", args=[w.project.pk]),
        user=lambda w: w.staff,
        prefix="tranches",
        stored=lambda w: list(w.project.tranches.values()),
        change=("planned_date", "2026-01-15"),
        new={"planned_date": "2026-11-01", "amount": "15000", "condition_report": ""},
        invalid=(0, "amount", "-5"),
        message="The amount must be more than zero.",
        after_add=lambda data, p: _add(data, f"{p}-1-amount", Decimal(-15000)),
        after_remove=lambda data, p: _add(data, f"{p}-0-amount", Decimal(75000)),
    ),
    "schedule": Editor(
        url=lambda w: reverse("monitoring:project-schedule", args=[w.project.pk]),
        user=lambda w: w.staff,
        prefix="reports",
        stored=lambda w: list(w.project.reports.values()),
        change=("due_date", "2026-04-15"),
        # A fifth report: the fourth now ends at the end of November, the new one with the project.
        new={"period_end": "2026-12-31", "due_date": ""},
        invalid=(2, "period_end", "2025-05-01"),
        message="Choose a date within the project",
        remove=2,
        after_add=lambda data, p: data.update({f"{p}-3-period_end": "2026-11-30"}),
    ),
}


def _shown(value: object) -> str:
    """A stored value as the form writes it."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _plain(html: str) -> str:
    """The page with amounts as text (the ``soms`` filter wraps them in a span)."""
    return re.sub(r'<span class="amount">([^<]*)</span>', r"\1", html)


def _page(client, url: str) -> tuple[Data, str]:
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    return dict(form_of(html, data_row_editor="").data()), html


def _stored_count(data: Data, prefix: str) -> int:
    return int(data[f"{prefix}-INITIAL_FORMS"])


def _without(rows: list[dict], index: int) -> list[dict]:
    return [row for i, row in enumerate(rows) if i != index]


@pytest.fixture(params=list(EDITORS))
def editor(request, editable, client_for):
    spec = EDITORS[request.param]
    client = client_for(spec.user(editable))
    return spec, client, spec.url(editable)


def test_saved_unchanged_the_rows_stay_as_they_were(editor, editable):
    spec, client, url = editor
    before = spec.stored(editable)
    events = AuditEvent.objects.count()
    data, _html = _page(client, url)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data)
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and "django_session" not in q["sql"]
    ]
    assert writes == []
    assert response.status_code == 302, response.content.decode()[:3000]
    assert spec.stored(editable) == before
    assert AuditEvent.objects.count() == events
    page = client.get(response["Location"]).content.decode()
    assert "Nothing was changed, so there was nothing to save." in page


def test_one_field_of_one_row_changed_the_others_stay(editor, editable):
    spec, client, url = editor
    before = spec.stored(editable)
    data, _html = _page(client, url)
    name, value = spec.change
    data[f"{spec.prefix}-0-{name}"] = value
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    after = spec.stored(editable)
    assert after[1:] == before[1:]
    assert after[0]["id"] == before[0]["id"]
    assert _shown(after[0][name]) == value
    assert {k: v for k, v in after[0].items() if k != name} == {
        k: v for k, v in before[0].items() if k != name
    }


def test_one_row_removed_only_it_goes(editor, editable):
    spec, client, url = editor
    before = spec.stored(editable)
    data, _html = _page(client, url)
    data[f"{spec.prefix}-{spec.remove}-DELETE"] = "on"
    spec.after_remove(data, spec.prefix)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    after = spec.stored(editable)
    kept_ids = [row.get("id") for row in after if "id" in row]
    assert before[spec.remove]["id"] not in kept_ids
    assert kept_ids == [row["id"] for row in _without(before, spec.remove) if "id" in row]


def test_one_row_added_it_comes_last(editor, editable):
    spec, client, url = editor
    before = spec.stored(editable)
    data, _html = _page(client, url)
    index = _stored_count(data, spec.prefix)
    for name, value in spec.new.items():
        data[f"{spec.prefix}-{index}-{name}"] = value
    spec.after_add(data, spec.prefix)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    after = [row for row in spec.stored(editable) if "id" in row]
    stored_before = [row for row in before if "id" in row]
    assert len(after) == len(stored_before) + 1
    assert [row["id"] for row in after[:-1]] == [row["id"] for row in stored_before]
    assert after[-1]["id"] not in {row["id"] for row in stored_before}


def test_an_invalid_row_saves_nothing_and_says_why_beside_the_field(editor, editable):
    spec, client, url = editor
    before = spec.stored(editable)
    data, _html = _page(client, url)
    # Another row is changed too: nothing of the post may be saved.
    name, value = spec.change
    data[f"{spec.prefix}-0-{name}"] = value
    row, bad_field, bad_value = spec.invalid
    data[f"{spec.prefix}-{row}-{bad_field}"] = bad_value
    response = client.post(url, data)
    assert response.status_code == 400
    assert spec.stored(editable) == before
    html = response.content.decode()
    control = f"id_{spec.prefix}-{row}-{bad_field}"
    error = re.search(
        rf'<div class="invalid-feedback d-block" id="{re.escape(control)}-error">([^<]*)</div>', html
    )
    assert error, f"no message beside {control}"
    assert spec.message in error.group(1).replace("&#x27;", "'")
    assert re.search(rf'id="{re.escape(control)}"[^>]*aria-invalid="true"', html)
    # What was typed is still there.
    again = form_of(html, data_row_editor="").data()
    assert again[f"{spec.prefix}-0-{name}"] == value


def test_an_extra_row_left_blank_is_ignored_but_a_stored_row_left_blank_is_not(editable, client_for):
    client = client_for(editable.staff)
    url = EDITORS["documents"].url(editable)
    data, _html = _page(client, url)
    data["documents-1-name"] = ""
    data["documents-1-description"] = ""
    response = client.post(url, data)
    assert response.status_code == 400
    assert editable.competition.required_documents.count() == 3


def test_a_list_changed_since_the_page_was_opened_is_not_overwritten(editable, client_for):
    client = client_for(editable.staff)
    url = EDITORS["documents"].url(editable)
    data, _html = _page(client, url)
    # Someone else removes a document meanwhile.
    editable.competition.required_documents.first().delete()
    data["documents-1-description"] = "Changed here"
    response = client.post(url, data)
    assert response.status_code == 400
    assert "changed by someone else since you opened it" in response.content.decode()
    assert not editable.competition.required_documents.filter(description="Changed here").exists()


@pytest.mark.parametrize("name", list(EDITORS))
def test_an_edit_made_meanwhile_in_another_tab_is_not_overwritten(name, editable, client_for):
    spec = EDITORS[name]
    client = client_for(spec.user(editable))
    url = spec.url(editable)
    first, _html = _page(client, url)
    second = dict(first)
    # Tab A changes the first row and saves.
    field_name, value = spec.change
    first[f"{spec.prefix}-0-{field_name}"] = value
    assert client.post(url, first).status_code == 302
    after_first = spec.stored(editable)
    # Tab B, opened before, changes nothing or another row: refused, A's edit stays.
    response = client.post(url, second)
    assert response.status_code == 400
    html = response.content.decode()
    assert "changed by someone else since you opened it" in html
    assert 'class="invalid-feedback' not in html  # no misleading messages on the fields
    assert spec.stored(editable) == after_first


def test_rows_of_another_list_cannot_be_named(editable, client_for, other_municipality):
    client = client_for(editable.staff)
    other = CompetitionFactory(municipality=editable.competition.municipality)
    RequiredDocumentFactory(competition=other, name="Theirs")
    url = EDITORS["documents"].url(editable)
    data, _html = _page(client, url)
    data["documents-0-id"] = str(other.required_documents.get().pk)
    response = client.post(url, data)
    assert response.status_code == 400
    assert other.required_documents.get().name == "Theirs"


def test_two_rows_can_swap_names(editable, client_for):
    client = client_for(editable.staff)
    url = EDITORS["documents"].url(editable)
    data, _html = _page(client, url)
    data["documents-0-name"], data["documents-1-name"] = data["documents-1-name"], data["documents-0-name"]
    response = client.post(url, data)
    assert response.status_code == 302
    assert list(editable.competition.required_documents.values_list("name", flat=True)) == [
        "Registration certificate",
        "Charter",
        "Budget justification",
    ]


def test_a_paid_tranche_is_shown_but_neither_changes_nor_goes(editable, client_for):
    tranche = editable.project.tranches.get(number=1)
    type(tranche).objects.filter(pk=tranche.pk).update(paid_on=datetime.date(2026, 1, 10))
    client = client_for(editable.staff)
    url = EDITORS["tranches"].url(editable)
    data, html = _page(client, url)
    # Shown as text, not as a field: nothing of it is posted.
    assert 'name="tranches-0-amount"' not in html
    assert re.search(r'id="id_tranches-0-amount" data-row-field="amount" data-value="75000">KGS', html)
    assert "tranches-0-amount" not in data
    # Forged: the paid tranche's amount and Remove box.
    data.update({"tranches-0-amount": "1", "tranches-0-DELETE": "on", "tranches-1-amount": "75000"})
    response = client.post(url, data)
    assert response.status_code == 302
    assert editable.project.tranches.get(number=1).amount == Decimal("75000")


def test_budget_over_the_maximum_grant_is_refused_beside_the_requested_amount(editable, client_for):
    client = client_for(editable.member)
    url = EDITORS["budget"].url(editable)
    data, _html = _page(client, url)
    data["requested_amount"] = "250000"
    response = client.post(url, data)
    assert response.status_code == 400
    assert (
        response.context["form"]
        .errors["requested_amount"][0]
        .startswith("The maximum grant of this competition is")
    )
    editable.application.refresh_from_db()
    assert editable.application.requested_amount == Decimal("150000")


def test_budget_lines_that_do_not_add_up_are_refused_and_an_empty_request_takes_their_total(
    editable, client_for
):
    client = client_for(editable.member)
    url = EDITORS["budget"].url(editable)
    data, _html = _page(client, url)
    data["lines-0-quantity"] = "7"  # 70,000 + 90,000 = 160,000
    response = client.post(url, data)
    assert response.status_code == 400
    assert (
        "The budget lines add up to KGS\u00a0160,000, but the requested amount is KGS\u00a0150,000"
        in (response.context["form"].errors["requested_amount"][0])
    )
    data["requested_amount"] = ""
    assert client.post(url, data).status_code == 302
    editable.application.refresh_from_db()
    assert editable.application.requested_amount == Decimal("160000")


def test_the_budget_shows_line_totals_and_their_sum_as_typed(editable, client_for):
    client = client_for(editable.member)
    url = EDITORS["budget"].url(editable)
    data, html = _page(client, url)
    html = _plain(html)
    assert re.findall(r"<output data-row-total>([^<]*)</output>", html)[:2] == [
        "KGS\u00a060,000",
        "KGS\u00a090,000",
    ]
    assert re.search(r'<output data-sum="total"[^>]*class="text-success">KGS\u00a0150,000</output>', html)
    # Without a script, "Recalculate" shows the totals of what was typed, and saves nothing.
    data.update({"lines-0-quantity": "6,5", "recalculate": "1"})
    response = client.post(url, data)
    assert response.status_code == 200
    html = _plain(response.content.decode())
    assert re.findall(r"<output data-row-total>([^<]*)</output>", html)[0] == "KGS\u00a065,000"
    assert re.search(r'<output data-sum="total"[^>]*class="text-danger">KGS\u00a0155,000</output>', html)
    assert editable.application.budget_lines.get(position=0).quantity == Decimal("6")


def test_numbers_are_read_as_people_type_them(editable, client_for):
    client = client_for(editable.member)
    url = EDITORS["budget"].url(editable)
    data, _html = _page(client, url)
    data.update({"lines-1-unit_cost": "90 000,00", "requested_amount": "150\u00a0000"})
    assert client.post(url, data).status_code == 302
    assert editable.application.budget_lines.get(position=1).unit_cost == Decimal("90000")


@pytest.mark.parametrize(("language", "shown"), [("en", "6.5"), ("ru", "6,5"), ("ky", "6,5")])
def test_numbers_in_the_fields_use_the_page_s_decimal_sign(editable, client_for, language, shown):
    editable.application.budget_lines.filter(position=0).update(quantity=Decimal("6.5"))
    user = editable.member
    user.language = language
    user.save(update_fields=["language"])
    data, _html = _page(client_for(user), EDITORS["budget"].url(editable))
    assert data["lines-0-quantity"] == shown
    # Posted back as shown, it reads the same.
    data["requested_amount"] = ""
    assert client_for(user).post(EDITORS["budget"].url(editable), data).status_code == 302
    assert editable.application.budget_lines.get(position=0).quantity == Decimal("6.5")


def test_a_person_with_an_account_joins_the_commission_without_retyping_their_name(editable, client_for):
    known = UserFactory(full_name="Bakyt Toktosunov")
    client = client_for(editable.staff)
    url = EDITORS["commission"].url(editable)
    data, _html = _page(client, url)
    index = _stored_count(data, "commission")
    data.update({f"commission-{index}-email": known.email.upper(), f"commission-{index}-role": "member"})
    assert client.post(url, data).status_code == 302
    assert editable.competition.commission.filter(user=known).exists()
    # Someone without an account needs a name for the invitation.
    data, _html = _page(client, url)
    index = _stored_count(data, "commission")
    data.update({f"commission-{index}-email": "new.person@example.org", f"commission-{index}-role": "member"})
    response = client.post(url, data)
    assert response.status_code == 400
    assert "give their full name for the invitation" in response.content.decode()


@pytest.mark.parametrize("name", list(EDITORS))
def test_a_stale_form_saved_again_is_still_refused(name, editable, client_for):
    """The page that refused a stale save shows the list as it is now, and Save on it is refused
    again: the other tab's edit is overwritten only after loading the list afresh."""
    spec = EDITORS[name]
    client = client_for(spec.user(editable))
    url = spec.url(editable)
    first, _html = _page(client, url)
    second = dict(first)
    field_name, value = spec.change
    first[f"{spec.prefix}-0-{field_name}"] = value
    assert client.post(url, first).status_code == 302
    after_first = spec.stored(editable)
    refused = client.post(url, second)
    assert refused.status_code == 400
    html = refused.content.decode()
    assert 'data-testid="rows-current"' in html
    assert 'data-testid="rows-reload"' in html
    # Saved again as the refusal showed it: refused again, nothing overwritten.
    again = dict(form_of(html, data_row_editor="").data())
    response = client.post(url, again)
    assert response.status_code == 400
    assert "changed by someone else since you opened it" in response.content.decode()
    assert spec.stored(editable) == after_first
    # Loaded afresh, the list saves.
    fresh, _html = _page(client, url)
    assert client.post(url, fresh).status_code == 302


def _freeze_project(editable, state: str) -> None:
    type(editable.project).objects.filter(pk=editable.project.pk).update(state=state)


def _freeze_competition(editable, state: str) -> None:
    type(editable.competition).objects.filter(pk=editable.competition.pk).update(
        state=state, published_at=timezone.now()
    )


FROZEN = [
    *(
        (editor, lambda w, s=state: _freeze_project(w, s), f"The project is {state}")
        for editor in ("indicators", "tranches", "schedule")
        for state in ("suspended", "terminated", "completed")
    ),
    *(
        (editor, lambda w: _freeze_competition(w, "published"), "of a published competition cannot change")
        for editor in ("criteria", "documents", "eligibility")
    ),
    (
        "commission",
        lambda w: _freeze_competition(w, "evaluation"),
        "cannot change once evaluation has started",
    ),
]


@pytest.mark.parametrize(("name", "freeze", "reason"), FROZEN, ids=[f"{n}-{r[:22]}" for n, _f, r in FROZEN])
def test_an_editor_of_rows_that_cannot_change_is_read_only_and_refuses_a_save(
    name, freeze, reason, editable, client_for
):
    spec = EDITORS[name]
    client = client_for(spec.user(editable))
    url = spec.url(editable)
    opened, _html = _page(client, url)  # opened while the rows could still change
    freeze(editable)
    before = spec.stored(editable)
    events = AuditEvent.objects.count()
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "data-row-editor" not in html
    assert ">Save</button>" not in html
    assert "data-rows-add" not in html
    assert 'data-testid="rows-read-only"' in html
    assert reason in html
    assert f'name="{spec.prefix}-0-' not in html  # the rows as text
    field_name, value = spec.change
    opened[f"{spec.prefix}-0-{field_name}"] = value
    response = client.post(url, opened)
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert spec.stored(editable) == before
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("state", ["suspended", "terminated", "completed"])
def test_the_services_refuse_to_set_up_a_project_that_is_not_active(state, editable):
    _freeze_project(editable, state)
    with pytest.raises(ValidationError, match=f"The project is {state}"):
        project_services.project_set_indicators(project=editable.project, by=editable.staff, indicators=[])
    with pytest.raises(ValidationError, match=f"The project is {state}"):
        project_services.project_set_schedule(project=editable.project, by=editable.staff, every_months=3)
    assert editable.project.indicators.count() == 2
