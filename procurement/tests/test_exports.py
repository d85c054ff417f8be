"""The procurement lists as files (``procurement/exports.py``): each opens as CSV and XLSX, holds the
rows its page shows with its filters, in the reader's language, at a fixed number of queries; sealed
applications stay sealed; who may not see the page gets the same refusal for its file."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from procurement import exports as procurement_exports
from procurement.factories import ApplicationFactory, CommissionMemberFactory, CompetitionFactory
from procurement.models import Competition
from procurement.services import competitions as competition_services
from procurement.services import evaluation as evaluation_services
from procurement.tests.competition_in_evaluation import score, sign

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    if response.streaming:
        return b"".join(
            part if isinstance(part, bytes) else part.encode() for part in response.streaming_content
        )
    return response.content


def rows_of(response, fmt: str) -> list[list]:
    """The file's lines (the header first), each cell as text, None for an empty one."""
    assert response.status_code == 200
    data = body(response)
    if fmt == "csv":
        assert response["Content-Type"].startswith("text/csv")
        text = data.decode("utf-8")
        assert text.startswith("\ufeff")
        return [[cell or None for cell in line] for line in csv.reader(io.StringIO(text[1:]))]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(data)).active
    return [
        [None if cell is None else str(cell) for cell in line] for line in sheet.iter_rows(values_only=True)
    ]


def export(client, url: str, fmt: str, **params) -> list[list]:
    return rows_of(client.get(url, {**params, "export": fmt}), fmt)


def column(rows: list[list], header: str) -> list:
    index = rows[0].index(header)
    return [line[index] for line in rows[1:]]


def queries(client, url: str, fmt: str, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        export(client, url, fmt, **params)
    return len(captured)


def scored(evaluation) -> None:
    for user in (evaluation.chair, evaluation.member1, evaluation.member2):
        sign(evaluation, user)
    for user in (evaluation.chair, evaluation.member1, evaluation.member2):
        for application, values in zip(evaluation.applications, ([9, 5], [7, 4], [5, 3]), strict=True):
            score(evaluation, user, application, values)


def completed(evaluation, finance_staff) -> None:
    """Once scored: the first two awarded, the results published."""
    first, second, _third = evaluation.applications
    evaluation_services.award_grant(application=first, by=finance_staff, amount=Decimal("2000"))
    evaluation_services.award_grant(application=second, by=finance_staff, amount=Decimal("1500.50"))
    competition_services.competition_complete(competition=evaluation.competition, by=finance_staff)


FORMATS = pytest.mark.parametrize("fmt", ["csv", "xlsx"])


# The public competitions ------------------------------------------------------------------------


@FORMATS
def test_the_public_list_holds_what_the_filters_keep_in_the_readers_language(
    client, municipality, other_municipality, fmt
):
    kept = CompetitionFactory(municipality=municipality, published=True, title_ru="Тёплая зима")
    CompetitionFactory(municipality=other_municipality, published=True)
    CompetitionFactory(municipality=municipality)  # a draft: not public
    client.cookies["django_language"] = "ru"

    everything = export(client, "/competitions/", fmt)
    rows = export(client, "/competitions/", fmt, municipality="karakol")

    assert len(everything) == 3
    assert rows[0][:4] == [
        "Номер конкурса",
        "Конкурс",
        "Орган местного самоуправления",
        "Приоритетная социальная проблема",
    ]
    assert column(rows, "Номер конкурса") == [kept.reference]
    assert column(rows, "Конкурс") == ["Тёплая зима"]
    assert Decimal(column(rows, "Бюджет")[0]) == Decimal("400000")


def test_the_page_offers_the_files_with_its_filters(client, municipality):
    CompetitionFactory(municipality=municipality, published=True)
    page = client.get("/competitions/", {"municipality": "karakol", "page": "1"}).content.decode()
    assert 'data-testid="export-links"' in page
    assert "/competitions/?municipality=karakol&amp;export=csv" in page


@FORMATS
def test_the_public_list_costs_the_same_queries_at_3_and_at_15(client, municipality, fmt):
    counts = []
    for size in (3, 15):
        CompetitionFactory.create_batch(size - len(counts) * 3, municipality=municipality, published=True)
        counts.append(queries(client, "/competitions/", fmt))
    assert counts[0] == counts[1]


@pytest.mark.usefixtures("kept_public_pages")
def test_a_file_is_never_the_kept_page_nor_kept_as_it(client, municipality):
    CompetitionFactory(municipality=municipality, published=True)
    page = client.get("/competitions/")
    assert page["Content-Type"].startswith("text/html") and "ETag" in page
    for _ in range(2):
        answer = client.get("/competitions/", {"export": "csv"})
        assert answer["Content-Type"].startswith("text/csv") and "ETag" not in answer
        assert "no-store" in answer["Cache-Control"]
        assert b"<html" not in body(answer)
    assert client.get("/competitions/")["Content-Type"].startswith("text/html")


# A completed competition's results -------------------------------------------------------------------


@FORMATS
def test_the_results_file_holds_the_winners_and_totals_once_published(client, evaluation, finance_staff, fmt):
    url = evaluation.competition.get_absolute_url()
    scored(evaluation)
    assert export(client, url, fmt) == [["Rank", "Organization", "Total score", "Grant"]]

    completed(evaluation, finance_staff)
    rows = export(client, url, fmt)
    assert column(rows, "Organization") == ["Organization A", "Organization B", "Organization C"]
    assert [Decimal(grant) if grant else None for grant in column(rows, "Grant")] == [
        Decimal("2000"),
        Decimal("1500.5"),
        None,
    ]
    assert column(rows, "Rank") == ["1", "2", "3"]
    assert "Organization D" not in str(rows) and "Organization E" not in str(rows)


# The staff's competitions -------------------------------------------------------------------------


@FORMATS
def test_the_staff_list_keeps_its_tab_and_filters(staff_client, municipality, other_municipality, fmt):
    url = reverse("procurement:staff-competitions", args=["karakol"])
    draft = CompetitionFactory(municipality=municipality, title="Warm winter")
    published = CompetitionFactory(municipality=municipality, published=True)
    CompetitionFactory(municipality=other_municipality, published=True)

    rows = export(staff_client, url, fmt)
    drafts = export(staff_client, url, fmt, state="draft")
    found = export(staff_client, url, fmt, q="winter")

    assert sorted(column(rows, "Reference")) == sorted([draft.reference, published.reference])
    assert column(drafts, "Reference") == [draft.reference]
    assert column(drafts, "Drafts") == [None], "a draft has no applications, as the page's dash"
    assert column(found, "Reference") == [draft.reference]


@FORMATS
def test_the_staff_list_costs_the_same_queries_at_3_and_at_15(staff_client, municipality, fmt):
    url = reverse("procurement:staff-competitions", args=["karakol"])
    counts = []
    for size in (3, 15):
        for competition in CompetitionFactory.create_batch(
            size - len(counts) * 3, municipality=municipality, published=True
        ):
            ApplicationFactory(competition=competition)
        counts.append(queries(staff_client, url, fmt))
    assert counts[0] == counts[1]


def test_who_may_not_see_the_staff_list_gets_its_refusal(client_for, municipality, other_staff, nco_member):
    url = reverse("procurement:staff-competitions", args=["karakol"])
    for user in (other_staff, nco_member, None):
        client = client_for(user)
        assert client.get(url, {"export": "csv"}).status_code == client.get(url).status_code != 200


# A competition's applications ------------------------------------------------------------------------


@FORMATS
def test_sealed_applications_give_their_numbers_alone(staff_client, competition, submitted, fmt):
    url = reverse("procurement:competition-applications", args=[competition.reference])
    ApplicationFactory(competition=competition)  # a draft of another organization

    rows = export(staff_client, url, fmt, state="submitted")

    assert rows[0] == ["Deadline", "Drafts", "Submitted applications", "Withdrawn applications"]
    assert rows[1][1:] == ["1", "1", "0"]
    text = str(rows)
    assert submitted.organization.name not in text
    assert submitted.receipt_number not in text and submitted.project_title not in text


@FORMATS
def test_unsealed_applications_are_the_pages_rows_with_its_filters(staff_client, evaluation, fmt):
    url = reverse("procurement:competition-applications", args=[evaluation.competition.reference])
    client_rows = export(staff_client, url, fmt)
    ineligible = export(staff_client, url, fmt, state="ineligible")

    assert column(client_rows, "Organization") == [
        "Organization A",
        "Organization B",
        "Organization C",
        "Organization D",
    ], "the withdrawn application is not on the page, nor in the file"
    assert column(ineligible, "Organization") == ["Organization D"]
    assert column(ineligible, "Receipt number") == [evaluation.ineligible.receipt_number]


@FORMATS
def test_applications_headers_are_in_the_readers_language(client_for, finance_staff, evaluation, fmt):
    finance_staff.language = "ru"
    finance_staff.save(update_fields=["language"])
    staff_client = client_for(finance_staff)
    url = reverse("procurement:competition-applications", args=[evaluation.competition.reference])
    header = export(staff_client, url, fmt)[0]
    assert header[:4] == ["Номер квитанции", "Организация", "Проект", "Запрашиваемая сумма"]


@FORMATS
def test_applications_cost_the_same_queries_at_3_and_at_15(staff_client, evaluation, fmt):
    url = reverse("procurement:competition-applications", args=[evaluation.competition.reference])
    first = queries(staff_client, url, fmt)
    ApplicationFactory.create_batch(11, competition=evaluation.competition, eligible=True)
    assert queries(staff_client, url, fmt) == first


def test_who_may_not_see_the_applications_gets_its_refusal(client_for, evaluation, other_staff, nco_member):
    url = reverse("procurement:competition-applications", args=[evaluation.competition.reference])
    for user in (other_staff, nco_member, evaluation.chair, None):
        client = client_for(user)
        assert client.get(url, {"export": "xlsx"}).status_code == client.get(url).status_code != 200


# The ranking and the awards ---------------------------------------------------------------------------


@FORMATS
def test_the_ranking_file_has_a_column_per_member(staff_client, evaluation, fmt):
    scored(evaluation)
    rows = export(staff_client, reverse("procurement:ranking", args=[evaluation.competition.reference]), fmt)
    assert rows[0] == [
        "Rank",
        "Organization",
        "Project",
        "Nurlan Asanov",
        "Aigul Mamytova",
        "Bakyt Toktosunov",
        "Total (mean)",
        "Spread",
        "Flagged for discussion",
    ]
    assert column(rows, "Organization") == ["Organization A", "Organization B", "Organization C"]
    assert Decimal(column(rows, "Total (mean)")[0]) == Decimal("94")


def test_a_member_who_has_not_scored_gets_no_ranking_file(client_for, evaluation):
    url = reverse("procurement:ranking", args=[evaluation.competition.reference])
    client = client_for(evaluation.member1)
    answer = client.get(url, {"export": "csv"})
    assert answer.status_code == 302 and answer["Location"] == client.get(url)["Location"]


@FORMATS
def test_the_awards_file_holds_each_award(staff_client, evaluation, finance_staff, fmt):
    scored(evaluation)
    evaluation_services.award_grant(
        application=evaluation.applications[0], by=finance_staff, amount=Decimal("1800")
    )
    rows = export(staff_client, reverse("procurement:awards", args=[evaluation.competition.reference]), fmt)
    assert [Decimal(a) if a else None for a in column(rows, "Awarded amount")] == [
        Decimal("1800"),
        None,
        None,
    ]


@pytest.mark.parametrize("name", ["procurement:ranking", "procurement:awards"])
def test_ranking_and_awards_cost_the_same_queries_at_3_and_at_15(staff_client, evaluation, name):
    url = reverse(name, args=[evaluation.competition.reference])
    scored(evaluation)
    first = queries(staff_client, url, "csv")
    ApplicationFactory.create_batch(12, competition=evaluation.competition, eligible=True)
    assert queries(staff_client, url, "csv") == first


def test_who_may_not_decide_the_awards_gets_no_awards_file(client_for, evaluation, other_staff):
    url = reverse("procurement:awards", args=[evaluation.competition.reference])
    for user in (evaluation.chair, other_staff, None):
        client = client_for(user)
        assert client.get(url, {"export": "csv"}).status_code == client.get(url).status_code != 200


# A commission member's competitions ------------------------------------------------------------------


@FORMATS
def test_the_commission_file_holds_the_members_competitions_with_its_filter(client_for, evaluation, fmt):
    other = CommissionMemberFactory(user=evaluation.chair, competition__published=True).competition
    CommissionMemberFactory(competition__published=True)  # someone else's seat
    client = client_for(evaluation.chair)

    rows = export(client, "/commission/", fmt)
    evaluating = export(client, "/commission/", fmt, state="evaluation")

    assert column(rows, "Reference") == [evaluation.competition.reference, other.reference]
    assert column(rows, "Next step")[0] == "Sign your declaration of interest."
    assert column(evaluating, "Reference") == [evaluation.competition.reference]


@FORMATS
def test_the_commission_file_costs_the_same_queries_at_3_and_at_15(client_for, commission_member, fmt):
    client = client_for(commission_member)
    counts = []
    for size in (3, 15):
        CommissionMemberFactory.create_batch(
            size - len(counts) * 3 - (1 if not counts else 0),
            user=commission_member,
            competition__published=True,
        )
        counts.append(queries(client, "/commission/", fmt))
    assert counts[0] == counts[1]


def test_who_is_not_logged_in_gets_no_commission_file(client):
    assert client.get("/commission/", {"export": "csv"}).status_code == 302


# What the shared mechanism guarantees these lists -----------------------------------------------------


@FORMATS
def test_a_member_named_like_a_formula_heads_a_column_that_is_never_run(staff_client, evaluation, fmt):
    evaluation.member1.full_name = '=HYPERLINK("http://x")'
    evaluation.member1.save(update_fields=["full_name"])
    scored(evaluation)
    rows = export(staff_client, reverse("procurement:ranking", args=[evaluation.competition.reference]), fmt)
    assert rows[0][4] == '\'=HYPERLINK("http://x")'


def test_a_file_read_after_the_view_keeps_the_language_it_was_asked_in(evaluation):
    with translation.override("ru"):
        response = procurement_exports.competitions_file(
            Competition.objects.filter(pk=evaluation.competition.pk).select_related(
                "municipality", "priority_issue"
            ),
            fmt="csv",
        )
    # Streamed: the lines are written now, outside the request, in the language it was in.
    assert rows_of(response, "csv")[0][:2] == ["Номер конкурса", "Конкурс"]
