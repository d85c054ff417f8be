"""The monitoring work lists at size: what is at risk, pages, filters, and queries that do not
grow with the rows."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from monitoring import selectors
from monitoring.factories import ProjectFactory
from monitoring.models import Indicator, MonitoringReport, PaymentTranche, Project
from monitoring.services import reports as report_services
from monitoring.tests.contracted_project import build, fill
from procurement.factories import CompetitionFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def queries(client, url: str, data: dict | None = None) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, data or {})
    assert response.status_code == 200
    return len(captured), response.content.decode()


def ended(municipality, organization, finance_staff, contract: str, **values):
    """A contracted project whose period is over, its first report's targets missed (30 people
    of 100, satisfaction 60 of 80) and its supplies line overspent (unless ``values`` say
    otherwise); no report is overdue."""
    late = build(
        municipality,
        organization,
        finance_staff,
        start=TODAY - 400 * DAY,
        end=TODAY - 35 * DAY,
        contract=contract,
    )
    values = {"supplies": "51000", "explanations": {"supplies": "Prices rose."}, **values}
    fill(late, late.reports[0], **values)
    report_services.report_submit(report=late.reports[0], by=late.member)
    # The other reports are handed in: none is overdue.
    late.project.reports.exclude(pk=late.reports[0].pk).update(state=MonitoringReport.State.SUBMITTED)
    return late


@pytest.mark.parametrize("state", [Project.State.COMPLETED, Project.State.TERMINATED])
def test_a_completed_or_terminated_project_is_never_at_risk(
    state, municipality, organization, finance_staff, consultant, client_for
):
    closed = ended(municipality, organization, finance_staff, "KRK-1").project
    still_open = ended(municipality, organization, finance_staff, "KRK-2").project
    Project.objects.filter(pk=closed.pk).update(state=state)

    rows = {row.project.pk: row.risks for row in selectors.project_rows(Project.objects.all())}
    assert rows[closed.pk] == []
    assert rows[still_open.pk] == [
        "a budget line is overspent",
        "targets missed: People reached, Satisfaction",
    ]
    assert list(selectors.at_risk(Project.objects.all())) == [still_open]
    page = client_for(consultant).get(reverse("monitoring:queue"), {"show": "risk"}).content.decode()
    assert "KRK-2" in page and "KRK-1" not in page


def test_what_sql_finds_at_risk_is_what_the_rows_say(municipality, organization, finance_staff):
    """``at_risk`` (the SQL filter the lists page by) and ``_risks`` (the reasons shown) agree."""
    missed = ended(municipality, organization, finance_staff, "A-1").project
    on_target = ended(
        municipality, organization, finance_staff, "A-2", supplies="10000", people="100", satisfaction="90"
    ).project
    running = build(  # nothing due yet
        municipality, organization, finance_staff, start=TODAY, end=TODAY + 365 * DAY, contract="A-3"
    ).project
    overdue = build(
        municipality,
        organization,
        finance_staff,
        start=TODAY - 200 * DAY,
        end=TODAY + 200 * DAY,
        contract="A-4",
    ).project

    rows = selectors.project_rows(Project.objects.all())
    assert {row.project for row in rows if row.risks} == set(selectors.at_risk(Project.objects.all()))
    assert set(selectors.at_risk(Project.objects.all())) == {missed, overdue}
    assert not {on_target, running} & set(selectors.at_risk(Project.objects.all()))


# Lists of many rows, made cheaply: projects of one competition, each with a report to review, an
# overdue report, a tranche, and (its period over, an indicator never reported) at risk.


def many(municipality, organization, n: int, start: int = 0) -> list[Project]:
    competition = CompetitionFactory(municipality=municipality, completed=True)
    projects = []
    for i in range(start, start + n):
        if organization:  # one application of the organization to each competition
            competition = CompetitionFactory(municipality=municipality, completed=True)
        project = ProjectFactory(
            award__application__competition=competition,
            **({"award__application__organization": organization} if organization else {}),
            contract_number=f"M-{i:03d}",
            start_date=TODAY - 300 * DAY,
            end_date=TODAY - 10 * DAY,
            contract_date=TODAY - 300 * DAY,
        )
        Indicator.objects.create(project=project, name="People reached", unit="people", target=100)
        period = {"period_start": TODAY - 300 * DAY, "period_end": TODAY - 200 * DAY}
        submitted = MonitoringReport.objects.create(
            project=project,
            number=1,
            due_date=TODAY - 190 * DAY,
            state=MonitoringReport.State.SUBMITTED,
            submitted_at=timezone.now(),
            **period,
        )
        MonitoringReport.objects.create(project=project, number=2, due_date=TODAY - 20 * DAY, **period)
        PaymentTranche.objects.create(
            project=project, number=1, planned_date=TODAY - 100 * DAY, amount=10, condition_report=submitted
        )
        projects.append(project)
    return projects


def grow(municipality, organization=None):
    """Lists of 3 rows, then of 30."""
    many(municipality, organization, 3)
    yield 3
    many(municipality, organization, 27, start=3)
    yield 30


def assert_same_queries(client, url: str, data: dict, rows, expected: int, shown: str) -> None:
    client.get(url, data)  # sessions and caches warmed
    for n in rows:
        count, page = queries(client, url, data)
        assert count == expected, f"{n} rows: {count} queries"
        assert shown in page


@pytest.mark.parametrize(
    # The whole list also shows the red flags of the projects (insights.flags.project_flags): four more.
    ("show", "expected"),
    [("", 25), ("review", 12), ("overdue", 12), ("risk", 17)],
    ids=str,
)
def test_the_queue_makes_the_same_queries_at_3_and_at_30_rows(
    show, expected, municipality, consultant, client_for
):
    client = client_for(consultant)
    assert_same_queries(
        client, reverse("monitoring:queue"), {"show": show}, grow(municipality), expected, "M-002"
    )


def test_the_queue_pages_each_section(municipality, consultant, client_for):
    many(municipality, None, 30)
    client = client_for(consultant)
    url = reverse("monitoring:queue")

    overview = client.get(url).content.decode()
    to_review = overview.split('data-testid="to-review"')[1].split("</section>")[0]
    assert to_review.count("<li") == 10 and ">30</span>" in to_review
    assert 'href="?show=review"' in to_review  # the whole section, from its first page

    first = client.get(url, {"show": "overdue", "municipality": municipality.slug}).content.decode()
    assert first.count("Interim report 2") == 25
    assert f"?show=overdue&amp;municipality={municipality.slug}&amp;page=2" in first
    rest = client.get(url, {"show": "overdue", "municipality": municipality.slug, "page": 2}).content.decode()
    assert rest.count("Interim report 2") == 5
    assert "Page 2 of 2" in rest
    # The oldest due first: the section as a whole, page after page.
    listed = [report.pk for report in selectors.reviewer_queue(projects=Project.objects.all()).overdue]
    assert len(listed) == len(set(listed)) == 30

    risk = client.get(url, {"show": "risk", "page": 2}).content.decode()
    assert risk.count("targets missed: People reached") == 5


def test_the_projects_list_makes_the_same_queries_at_3_and_at_30_rows(
    municipality, finance_staff, client_for
):
    url = reverse("monitoring:municipality-projects", args=[municipality.slug])
    assert_same_queries(client_for(finance_staff), url, {}, grow(municipality), 18, "M-002")


def test_the_projects_list_is_paged_and_filtered(municipality, organization, finance_staff, client_for):
    organization.name = "Kind Hands"
    organization.save(update_fields=["name"])
    projects = many(municipality, None, 28)
    mine = many(municipality, organization, 2, start=28)
    Project.objects.filter(pk__in=[p.pk for p in projects[:3]]).update(state=Project.State.COMPLETED)
    client = client_for(finance_staff)
    url = reverse("monitoring:municipality-projects", args=[municipality.slug])

    first = client.get(url, {"state": "active"}).content.decode()
    assert first.count("<tr>") == 25 + 1  # and the head
    assert "27 projects" in first
    assert "?state=active&amp;page=2" in first
    rest = client.get(url, {"state": "active", "page": 2}).content.decode()
    assert rest.count("<tr>") == 2 + 1
    assert '<option value="active" selected>' in rest

    # The completed ones are not at risk, though their period ended with the target missed.
    risky = client.get(url, {"at_risk": "on"}).content.decode()
    assert "27 projects" in risky and "M-000" not in risky
    found = client.get(url, {"q": "kind  HANDS"}).content.decode()
    assert "2 projects" in found and mine[0].contract_number in found
    competition = mine[0].award.competition
    by_competition = client.get(url, {"competition": competition.reference}).content.decode()
    assert "1 project<" in by_competition and mine[0].contract_number in by_competition
    mine[1].award.competition.priority_issue = competition.priority_issue
    mine[1].award.competition.save(update_fields=["priority_issue"])
    issue = client.get(url, {"priority_issue": competition.priority_issue_id}).content.decode()
    assert "2 projects" in issue and "M-000" not in issue


def test_the_projects_are_found_by_a_russian_name_typed_in_any_case(
    municipality, organization, finance_staff, client_for
):
    organization.name = "Добрые Руки Ёлкина"
    organization.save(update_fields=["name"])
    mine = many(municipality, organization, 1)
    many(municipality, None, 2, start=1)
    url = reverse("monitoring:municipality-projects", args=[municipality.slug])
    found = client_for(finance_staff).get(url, {"q": "добрые РУКИ елкина"}).content.decode()
    assert "1 project<" in found and mine[0].contract_number in found and "M-001" not in found


def test_the_spending_is_summed_for_the_rows(late_project, client_for):
    first = late_project.reports[0]
    fill(late_project, first, staff="20000", supplies="10000")
    report_services.report_submit(report=first, by=late_project.member)
    report_services.report_review(report=first, by=late_project.consultant, accept=True, comments={})
    [row] = selectors.project_rows(
        selectors.projects_of_municipality(municipality=late_project.project.municipality)
    )
    assert (row.spent, row.share_spent) == (Decimal("30000"), 20)


@pytest.fixture
def late_project(municipality, organization, nco_member, finance_staff):
    return build(municipality, organization, finance_staff)


def test_the_tranches_list_makes_the_same_queries_at_3_and_at_30_rows(
    municipality, finance_staff, client_for
):
    url = reverse("monitoring:municipality-tranches", args=[municipality.slug])
    assert_same_queries(client_for(finance_staff), url, {}, grow(municipality), 11, "M-002")


def test_the_tranches_list_is_paged_and_filtered(municipality, other_municipality, finance_staff, client_for):
    many(municipality, None, 30)
    many(other_municipality, None, 1, start=90)
    PaymentTranche.objects.filter(project__contract_number__in=["M-000", "M-001"]).update(
        paid_on=TODAY - 5 * DAY
    )
    client = client_for(finance_staff)
    url = reverse("monitoring:municipality-tranches", args=[municipality.slug])

    page = client.get(url).content.decode()
    assert '30 tranches: <span class="amount">KGS\u00a0300</span>' in page and "M-090" not in page
    assert page.count('data-tranche="') == 25
    # The ones still to pay first.
    assert "M-000" not in page and "after Interim report 1 is accepted" in page
    due = client.get(url, {"paid": "due", "page": 2}).content.decode()
    assert due.count('data-tranche="') == 3 and "28 tranches" in due
    assert '<option value="due" selected>' in due and "?paid=due&amp;page=1" in due
    paid = client.get(url, {"paid": "paid"}).content.decode()
    assert (
        '2 tranches: <span class="amount">KGS\u00a020</span>' in paid
        and "M-000" in paid
        and "M-005" not in paid
    )


def test_the_projects_page_links_the_tranches(municipality, finance_staff, client_for):
    page = client_for(finance_staff).get(
        reverse("monitoring:municipality-projects", args=[municipality.slug])
    )
    assert reverse("monitoring:municipality-tranches", args=[municipality.slug]) in page.content.decode()


def test_reports_due_make_the_same_queries_at_3_and_at_30_rows(
    municipality, organization, nco_member, client_for
):
    assert_same_queries(
        client_for(nco_member),
        reverse("monitoring:reports-due"),
        {},
        grow(municipality, organization),
        9,
        "Interim report 2",
    )


def test_reports_due_are_paged_and_filtered(municipality, organization, nco_member, client_for):
    projects = many(municipality, organization, 30)
    MonitoringReport.objects.filter(project=projects[0], number=2).update(
        state=MonitoringReport.State.REVISION_REQUESTED
    )
    client = client_for(nco_member)
    url = reverse("monitoring:reports-due")

    first = client.get(url).content.decode().split('data-testid="reports-due"')[1]
    assert first.count("Interim report 2") == 25
    rest = client.get(url, {"page": 2}).content.decode().split('data-testid="reports-due"')[1]
    assert rest.count("Interim report 2") == 5
    revised = client.get(url, {"state": "revision_requested"}).content.decode()
    assert revised.split('data-testid="reports-due"')[1].count("Interim report 2") == 1
    other = client.get(url, {"organization": organization.pk, "state": "draft", "page": 2}).content.decode()
    assert f"?organization={organization.pk}&amp;state=draft&amp;page=1" in other
