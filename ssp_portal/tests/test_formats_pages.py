"""Pages write money, numbers and dates one way per language: Kyrgyz, Russian and English."""

from __future__ import annotations

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from monitoring.tests.contracted_project import build as build_project
from organizations.factories import MunicipalityMembershipFactory, OrganizationFactory
from procurement.factories import ApplicationFactory, CompetitionFactory
from procurement.models import Application, BudgetLine
from procurement.tests.competition_in_evaluation import build as build_evaluation
from procurement.tests.competition_in_evaluation import score, sign
from ssp_portal.audit.services import audit_record

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
US_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b")
SHORT_DATE = re.compile(r"\b\d{2}\.\d{2}\.\d{4}\b")


def visible_text(page: str) -> str:
    """The text of the page's main part, as a person reads it."""
    main = page[page.index("<main") : page.index("</main>")]
    main = re.sub(r"<(script|style)\b.*?</\1>", " ", main, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", main))


def decimal_points(text: str, language: str) -> list[str]:
    """Numbers written with the other language's decimal separator."""
    if language == "en":
        return re.findall(r"\d,\d{1,2}\b(?!,\d)", text)
    return re.findall(r"\d\.\d+", SHORT_DATE.sub(" ", text))


def get(client, user, language: str, url: str) -> str:
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("language", "period", "amount"),
    [
        ("en", "1 January 2026 – 31 March 2026", f"KGS{NBSP}150,000"),
        ("ru", "1 января 2026 – 31 марта 2026", f"150{NBSP}000{NBSP}сом"),
        ("ky", "2026-жылдын 1-январы – 2026-жылдын 31-марты", f"150{NBSP}000{NBSP}сом"),
    ],
)
def test_the_project_page_writes_dates_and_money_one_way(client, municipality, language, period, amount):
    staff = MunicipalityMembershipFactory(municipality=municipality).user
    contracted = build_project(municipality, OrganizationFactory(verified=True), staff)
    text = visible_text(get(client, staff, language, contracted.project.get_absolute_url()))
    assert period in " ".join(text.split())
    assert amount in text
    assert not US_DATE.search(text)
    assert not SHORT_DATE.search(text)  # one form of dates on the page: the long one
    assert not decimal_points(text, language)


@pytest.mark.parametrize(("language", "total"), [("en", "74.00"), ("ru", "74,00"), ("ky", "74,00")])
def test_the_ranking_writes_scores_with_the_decimal_separator_of_the_language(
    client, municipality, language, total
):
    evaluation = build_evaluation(municipality)
    for user in (evaluation.chair, evaluation.member1, evaluation.member2):
        sign(evaluation, user)
        for application, values in zip(evaluation.applications, ([7, 4], [5, 3], [9, 2]), strict=True):
            score(evaluation, user, application, values)
    text = visible_text(
        get(
            client,
            evaluation.chair,
            language,
            reverse("procurement:ranking", args=[evaluation.competition.reference]),
        )
    )
    assert total in text.split()
    assert not decimal_points(text, language)


@pytest.mark.parametrize(
    ("language", "quantity", "total"),
    [("en", "1,250.5", f"KGS{NBSP}12,505"), ("ky", f"1{NBSP}250,5", f"12{NBSP}505{NBSP}сом")],
)
def test_budget_lines_write_quantities_as_numbers_of_the_language(
    client, municipality, nco_member, organization, language, quantity, total
):
    competition = CompetitionFactory(municipality=municipality, published=True)
    application = ApplicationFactory(competition=competition, organization=organization)
    application.budget_lines.all().delete()
    BudgetLine.objects.create(
        application=application,
        position=0,
        category="equipment",
        description="Paper",
        unit="kg",
        quantity=Decimal("1250.5"),
        unit_cost=Decimal("10"),
    )
    assert application.state == Application.State.DRAFT
    text = visible_text(get(client, nco_member, language, application.get_absolute_url()))
    assert f"{quantity} kg" in text
    assert total in text


@pytest.mark.parametrize(
    ("language", "large", "small"),
    [
        ("en", f"KGS{NBSP}400,000", f"KGS{NBSP}90,000"),
        ("ru", f"400{NBSP}000{NBSP}сом", f"90{NBSP}000{NBSP}сом"),
    ],
)
def test_admin_lists_write_amounts_in_soms_and_sort_by_them(
    client, admin_user, municipality, language, large, small
):
    CompetitionFactory(municipality=municipality, budget=Decimal("400000"), max_grant=Decimal("200000"))
    CompetitionFactory(municipality=municipality, budget=Decimal("90000"), max_grant=Decimal("50000"))
    url = reverse("admin:procurement_competition_changelist")
    # The budget is the fifth column, counted from 0 (competitions are view-only in the admin: no
    # selection box before the reference).
    ascending = html.unescape(get(client, admin_user, language, f"{url}?o=4"))
    descending = html.unescape(get(client, admin_user, language, f"{url}?o=-4"))
    assert ascending.index(small) < ascending.index(large)
    assert descending.index(large) < descending.index(small)


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("en", "1 December 2026, 17:00"),
        ("ru", "1 декабря 2026, 17:00"),
        ("ky", "2026-жылдын 1-декабры, 17:00"),
    ],
)
def test_the_staff_competitions_list_writes_its_dates_one_way_day_first(
    client, finance_staff, municipality, language, written
):
    """The deadlines in the municipality's zone, and the history beside them, in the long form the
    other staff lists use: never ``01.12.2026`` beside ``1 декабря 2026``."""
    deadline = datetime.datetime(2026, 12, 1, 11, 0, tzinfo=datetime.UTC)  # 17:00 in Bishkek
    competition = CompetitionFactory(municipality=municipality, published=True, deadline=deadline)
    audit_record(actor=finance_staff, verb="competition.published", target=competition, scope=municipality)
    url = reverse("procurement:staff-competitions", args=[municipality.slug])
    text = " ".join(visible_text(get(client, finance_staff, language, url)).split())
    assert written in text
    assert not SHORT_DATE.search(text)
    assert not US_DATE.search(text)
    assert not re.search(r"\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b", text)
