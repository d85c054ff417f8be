"""The monitoring lists as CSV and XLSX (monitoring/exports.py): each file holds the rows its page
shows with the page's filters, every page of them, with the page's values, money as numbers in
XLSX, headers in the person's language, in the same number of queries at 3 rows and at 15; and
whoever may not see the page gets what they get for the page."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from monitoring.factories import ProjectFactory
from monitoring.models import MonitoringReport, PaymentTranche, Project
from monitoring.services import reports as report_services
from monitoring.tests.contracted_project import build, fill
from organizations.factories import OrganizationFactory
from procurement.factories import AwardFactory
from ssp_portal import exports
from ssp_portal.tests.test_exports import read_csv, read_xlsx

pytestmark = pytest.mark.django_db

FORMATS = ["csv", "xlsx"]
TODAY = timezone.localdate()


def table(client, url: str, fmt: str, **params) -> list[dict]:
    """The file the list's export link downloads, as one dict per row (header → value)."""
    response = client.get(url, {**params, exports.PARAMETER: fmt})
    # The server writes the file after the view has returned, in a thread whose language may be
    # another request's: the file keeps the language of the request that asked for it.
    translation.activate("en")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert response["Content-Type"] == exports.FORMATS[fmt][1]
    header, *rows = read_csv(response) if fmt == "csv" else read_xlsx(response)
    return [dict(zip(header, row, strict=True)) for row in rows]


def number(value, fmt: str) -> Decimal:
    """A cell's amount: a number in XLSX, plain text (a decimal point, no grouping) in CSV."""
    if fmt == "xlsx":
        assert isinstance(value, int | float), f"{value!r} is not a number"
        return Decimal(str(value))
    return Decimal(value)


def export_queries(client, url: str, fmt: str, **params) -> int:
    """The queries of the whole download, the file read to its end."""
    with CaptureQueriesContext(connection) as captured:
        table(client, url, fmt, **params)
    return len(captured)


def small_project(municipality, organization=None, **fields) -> Project:
    """A project with nothing set up: no indicators, reports or tranches."""
    application = {"application__competition__municipality": municipality}
    if organization is not None:
        application["application__organization"] = organization
    return ProjectFactory(award=AwardFactory(**application), **fields)


@pytest.fixture
def karakol(municipality, organization, nco_member, finance_staff, other_municipality, other_staff):
    """Two projects of Karakol (one suspended; the active one with its first report accepted and
    its first tranche paid) and a project of Naryn."""
    active = build(municipality, organization, finance_staff, contract="KRK-1")
    fill(active, active.reports[0])
    MonitoringReport.objects.filter(pk=active.reports[0].pk).update(state=MonitoringReport.State.ACCEPTED)
    PaymentTranche.objects.filter(project=active.project, number=1).update(paid_on=datetime.date(2026, 1, 20))
    suspended = build(municipality, OrganizationFactory(verified=True), finance_staff, contract="KRK-2")
    Project.objects.filter(pk=suspended.project.pk).update(state=Project.State.SUSPENDED)
    build(other_municipality, OrganizationFactory(verified=True), other_staff, contract="NRN-1")
    return active


# The staff's projects -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_projects_file_holds_the_rows_and_values_of_the_page(karakol, finance_staff, client_for, fmt):
    client = client_for(finance_staff)
    url = reverse("monitoring:municipality-projects", args=["karakol"])
    shown = client.get(url).context["rows"]
    rows = table(client, url, fmt)

    assert [row["Contract number"] for row in rows] == [r.project.contract_number for r in shown]
    assert {row["Contract number"] for row in rows} == {"KRK-1", "KRK-2"}, "Naryn's are not Karakol's"
    active = next(row for row in rows if row["Contract number"] == "KRK-1")
    page_row = next(r for r in shown if r.project.contract_number == "KRK-1")
    assert number(active["Awarded amount"], fmt) == Decimal("150000")
    assert number(active["Paid out (tranches)"], fmt) == Decimal("75000")
    assert number(active["Spent (accepted reports)"], fmt) == page_row.spent == Decimal("30000")
    assert number(active["Share spent (%)"], fmt) == page_row.share_spent == 20
    assert active["State"] == "Active"
    assert active["Competition"] == karakol.project.award.competition.reference
    assert active["Risks"] == "; ".join(page_row.risks) and "overdue report(s)" in active["Risks"]
    planned_end = active["Planned end"]
    assert (planned_end.date() if fmt == "xlsx" else planned_end) == (
        datetime.date(2026, 12, 31) if fmt == "xlsx" else "2026-12-31"
    )


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("params", [{"state": "suspended"}, {"q": "KRK-1"}, {"at_risk": "on"}])
def test_a_filter_of_the_projects_page_filters_the_file(karakol, finance_staff, client_for, fmt, params):
    client = client_for(finance_staff)
    url = reverse("monitoring:municipality-projects", args=["karakol"])
    shown = [r.project.contract_number for r in client.get(url, params).context["rows"]]
    assert len(shown) < 2, "the filter leaves a project out"
    assert [row["Contract number"] for row in table(client, url, fmt, **params)] == shown


def test_every_page_of_the_projects_is_in_the_file(municipality, finance_staff, client_for):
    for n in range(28):
        small_project(municipality, contract_number=f"P-{n:02d}")
    client = client_for(finance_staff)
    url = reverse("monitoring:municipality-projects", args=["karakol"])
    assert len(client.get(url).context["rows"]) == 25
    assert len(table(client, url, "csv", page="2")) == 28


def test_the_projects_file_is_in_the_persons_language(karakol, finance_staff, client_for):
    finance_staff.language = "ru"
    finance_staff.save(update_fields=["language"])
    client = client_for(finance_staff)
    url = reverse("monitoring:municipality-projects", args=["karakol"])
    for fmt in FORMATS:
        (first, _second) = table(client, url, fmt)
        assert "Номер договора" in first and "Contract number" not in first
        with translation.override("ru"):
            assert first["Статус"] in (str(Project.State.ACTIVE.label), str(Project.State.SUSPENDED.label))
        assert first["Статус"] not in ("Active", "Suspended")


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_projects_file_makes_the_same_queries_at_3_rows_and_at_15(
    municipality, organization, finance_staff, client_for, fmt
):
    client = client_for(finance_staff)
    url = reverse("monitoring:municipality-projects", args=["karakol"])
    counts = []
    for size in (3, 15):
        while Project.objects.count() < size:
            small_project(municipality)
        counts.append(export_queries(client, url, fmt))
    assert counts[0] == counts[1]


def test_who_may_not_see_the_projects_gets_what_the_page_gives(
    karakol, consultant, other_staff, nco_member, no_role, client_for
):
    url = reverse("monitoring:municipality-projects", args=["karakol"])
    for person in (None, no_role, nco_member, consultant, other_staff):
        client = client_for(person)
        page = client.get(url)
        for fmt in FORMATS:
            response = client.get(url, {exports.PARAMETER: fmt})
            assert response.status_code == page.status_code != 200
            assert not response.has_header("Content-Disposition")


# The staff's tranches -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_tranches_file_holds_the_filtered_rows_with_amounts_as_numbers(
    karakol, finance_staff, client_for, fmt
):
    client = client_for(finance_staff)
    url = reverse("monitoring:municipality-tranches", args=["karakol"])
    everything = table(client, url, fmt)
    shown = client.get(url).context["page"].object_list
    assert [(row["Contract number"], number(row["Tranche"], fmt)) for row in everything] == [
        (t.project.contract_number, t.number) for t in shown
    ]
    assert len(everything) == 4, "two tranches of each Karakol project"
    paid = next(row for row in everything if row["Contract number"] == "KRK-1" and row["Paid on"])
    assert number(paid["Amount"], fmt) == Decimal("75000")
    assert paid["Paid on"] == (datetime.datetime(2026, 1, 20) if fmt == "xlsx" else "2026-01-20")
    second = next(row for row in everything if row["Contract number"] == "KRK-1" and not row["Paid on"])
    assert second["Condition"] == "after Interim report 1 is accepted"
    assert second["Report state"] == "Accepted"

    due = table(client, url, fmt, paid="due")
    assert len(due) == 3 and all(not row["Paid on"] for row in due), "the paid tranche is left out"
    assert {row["Contract number"] for row in table(client, url, fmt, q="KRK-2")} == {"KRK-2"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_tranches_file_makes_the_same_queries_at_3_rows_and_at_15(
    municipality, finance_staff, client_for, fmt
):
    client = client_for(finance_staff)
    url = reverse("monitoring:municipality-tranches", args=["karakol"])
    counts = []
    for size in (3, 15):
        while PaymentTranche.objects.count() < size:
            project = small_project(municipality)
            PaymentTranche.objects.create(project=project, number=1, planned_date=TODAY, amount=Decimal("10"))
        counts.append(export_queries(client, url, fmt))
    assert counts[0] == counts[1]


def test_who_may_not_see_the_tranches_gets_what_the_page_gives(
    karakol, consultant, other_staff, nco_member, client_for
):
    url = reverse("monitoring:municipality-tranches", args=["karakol"])
    for person in (None, nco_member, consultant, other_staff):
        client = client_for(person)
        status = client.get(url).status_code
        assert client.get(url, {exports.PARAMETER: "xlsx"}).status_code == status != 200


# The work list --------------------------------------------------------------------------------


@pytest.fixture
def reviewed(karakol):
    """Karakol's active project with its second report submitted for review."""
    fill(karakol, karakol.reports[1])
    report_services.report_submit(report=karakol.reports[1], by=karakol.member)
    return karakol


def sections(rows: list[dict]) -> list[str]:
    return [row["Section"] for row in rows]


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_work_list_file_holds_every_section_the_page_shows(reviewed, consultant, client_for, fmt):
    client = client_for(consultant)
    url = reverse("monitoring:queue")
    queue = client.get(url).context["queue"]
    rows = table(client, url, fmt)
    for name, title in (
        ("review", "Reports to review"),
        ("overdue", "Overdue reports"),
        ("risk", "Projects at risk"),
    ):
        assert sections(rows).count(title) == queue[name].page.paginator.count
    (review,) = [row for row in rows if row["Section"] == "Reports to review"]
    assert (review["Contract number"], review["Report"]) == ("KRK-1", "Interim report 2")
    assert review["Report state"] == "Submitted" and review["Municipality"] == "Karakol"
    submitted = MonitoringReport.objects.get(pk=reviewed.reports[1].pk).submitted_at
    local = timezone.localtime(submitted, ZoneInfo(reviewed.project.municipality.time_zone))
    if fmt == "xlsx":
        assert abs(review["Submitted at"] - local.replace(tzinfo=None)) < datetime.timedelta(seconds=1)
    else:
        assert review["Submitted at"] == local.isoformat(sep=" ", timespec="minutes")[:16]
    overdue = [row["Report"] for row in rows if row["Section"] == "Overdue reports"]
    assert overdue == ["Interim report 3"], "the suspended project's reports are not overdue"
    (risk,) = [row for row in rows if row["Section"] == "Projects at risk"]
    assert risk["Contract number"] == "KRK-1" and "overdue report(s)" in risk["Risks"]
    assert not risk["Report"]
    assert "NRN-1" not in {row["Contract number"] for row in rows}


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_work_list_file_keeps_the_section_and_municipality_asked_for(
    reviewed, consultant, client_for, fmt
):
    client = client_for(consultant)
    url = reverse("monitoring:queue")
    assert set(sections(table(client, url, fmt, show="overdue"))) == {"Overdue reports"}
    assert table(client, url, fmt, municipality="naryn") == [], "not the consultant's municipality"
    assert len(table(client, url, fmt, municipality="karakol")) == len(table(client, url, fmt))


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_work_list_file_makes_the_same_queries_at_3_projects_and_at_15(
    municipality, organization, consultant, client_for, fmt
):
    """Each project: a report to review, an overdue report, and so a place among those at risk."""
    client = client_for(consultant)
    url = reverse("monitoring:queue")
    past = TODAY - datetime.timedelta(days=40)
    counts = []
    for size in (3, 15):
        while Project.objects.count() < size:
            project = small_project(municipality, start_date=past, contract_date=past)
            report = {"project": project, "period_start": past, "period_end": past, "due_date": past}
            MonitoringReport.objects.create(
                **report, number=1, state=MonitoringReport.State.SUBMITTED, submitted_at=timezone.now()
            )
            MonitoringReport.objects.create(**report, number=2)
        counts.append(export_queries(client, url, fmt))
        assert len(table(client, url, fmt)) == 3 * size
    assert counts[0] == counts[1]


def test_who_has_no_work_list_gets_what_the_page_gives(reviewed, nco_member, no_role, client_for):
    url = reverse("monitoring:queue")
    for person in (None, no_role, nco_member):
        client = client_for(person)
        status = client.get(url).status_code
        assert client.get(url, {exports.PARAMETER: "csv"}).status_code == status != 200


# An organization's reports to submit -------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_reports_file_holds_the_organizations_reports_to_submit(reviewed, nco_member, client_for, fmt):
    client = client_for(nco_member)
    url = reverse("monitoring:reports-due")
    shown = client.get(url).context["page"].object_list
    rows = table(client, url, fmt)
    assert [row["Report"] for row in rows] == [f"{r.get_kind_display()} {r.number}" for r in shown]
    assert [row["Report"] for row in rows] == ["Interim report 3", "Final report 4"]
    assert [row["Overdue"] for row in rows] == ["Yes", "No"]
    assert rows[0]["Contract number"] == "KRK-1" and rows[0]["State"] == "Draft"
    assert rows[0]["Due"] == (
        datetime.datetime.combine(reviewed.reports[2].due_date, datetime.time())
        if fmt == "xlsx"
        else reviewed.reports[2].due_date.isoformat()
    )
    MonitoringReport.objects.filter(pk=reviewed.reports[3].pk).update(
        state=MonitoringReport.State.REVISION_REQUESTED
    )
    asked = table(client, url, fmt, state=MonitoringReport.State.REVISION_REQUESTED)
    assert [row["Report"] for row in asked] == ["Final report 4"], "the filter leaves the draft out"


def test_another_organizations_member_finds_none_of_its_reports(reviewed, other_member, client_for):
    client = client_for(other_member)
    url = reverse("monitoring:reports-due")
    assert list(client.get(url).context["page"].object_list) == []
    assert table(client, url, "csv") == []


def test_the_reports_file_needs_a_log_in_as_the_page_does(client_for):
    client = client_for(None)
    url = reverse("monitoring:reports-due")
    assert client.get(url, {exports.PARAMETER: "xlsx"}).status_code == client.get(url).status_code == 302


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_reports_file_makes_the_same_queries_at_3_rows_and_at_15(
    municipality, organization, nco_member, client_for, fmt
):
    client = client_for(nco_member)
    url = reverse("monitoring:reports-due")
    counts = []
    for size in (3, 15):
        while MonitoringReport.objects.count() < size:
            project = small_project(municipality, organization)
            due = {"period_start": TODAY, "period_end": TODAY, "due_date": TODAY}
            MonitoringReport.objects.create(project=project, number=1, **due)
        counts.append(export_queries(client, url, fmt))
    assert counts[0] == counts[1]
