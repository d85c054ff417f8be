"""The work lists: the consultant's queue, the organization's reports due, the staff's projects."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from monitoring.models import MonitoringReport
from monitoring.services import reports as report_services
from monitoring.tests.contracted_project import build, fill
from monitoring.tests.test_access import JPEG_BYTES, checked
from organizations.factories import OrganizationFactory, OrganizationMembershipFactory

pytestmark = pytest.mark.django_db


def month_start(months_from_now: int) -> datetime.date:
    today = timezone.localdate()
    year, month = divmod(today.year * 12 + today.month - 1 + months_from_now, 12)
    return datetime.date(year, month + 1, 1)


# A year of quarters that ends with this month: the reports of the first three quarters are
# past due (the third was due on the 10th of last month), the final one is not.
PERIOD = {
    "start": month_start(-11),
    "end": month_start(1) - datetime.timedelta(days=1),
}


def project(*args, **kwargs):
    return build(*args, **PERIOD, **kwargs)


@pytest.fixture
def late(municipality, organization, nco_member, finance_staff):
    """A contracted project in its last month: the first three of its quarterly reports are past due."""
    return project(municipality, organization, finance_staff)


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_queue_shows_reports_to_review_overdue_and_projects_at_risk(
    late, consultant, client_for, other_municipality, other_staff
):
    project(other_municipality, OrganizationFactory(verified=True), other_staff, contract="NRN-1")
    first = late.reports[0]
    fill(late, first, supplies="51000", explanations={"supplies": "Prices rose in spring."})
    report_services.report_submit(report=first, by=late.member)
    client = client_for(consultant)

    page = client.get(reverse("monitoring:queue")).content.decode()
    to_review = page.split('data-testid="to-review"')[1].split("</section>")[0]
    overdue = page.split('data-testid="overdue"')[1].split("</section>")[0]
    at_risk = page.split('data-testid="at-risk"')[1].split("</section>")[0]
    assert "Interim report 1" in to_review
    assert "Interim report 2" in overdue and "Interim report 3" in overdue
    assert "Interim report 1" not in overdue and "Final report 4" not in overdue
    assert "2 overdue report(s)" in at_risk and "a budget line is overspent" in at_risk
    # Only the consultant's municipality.
    assert "NRN-1" not in page

    review_only = client.get(reverse("monitoring:queue"), {"show": "review"}).content.decode()
    assert 'data-testid="to-review"' in review_only
    assert 'data-testid="overdue"' not in review_only and 'data-testid="at-risk"' not in review_only
    elsewhere = client.get(reverse("monitoring:queue"), {"municipality": other_municipality.slug})
    assert "Interim report" not in elsewhere.content.decode()


def test_the_queue_makes_the_same_queries_whatever_its_size(
    municipality, finance_staff, consultant, client_for
):
    client = client_for(consultant)
    url = reverse("monitoring:queue")

    def add(n: int) -> None:
        organization = OrganizationFactory(verified=True)
        OrganizationMembershipFactory(organization=organization)
        late = project(municipality, organization, finance_staff, contract=f"Q-{n}")
        fill(late, late.reports[0])
        report_services.report_submit(report=late.reports[0], by=late.member)

    add(0)
    queries(client, url)
    few = queries(client, url)
    for n in range(1, 5):
        add(n)
    assert queries(client, url) == few


def test_an_organization_sees_what_it_has_to_submit(late, client_for):
    client = client_for(late.member)
    fill(late, late.reports[0])
    report_services.report_submit(report=late.reports[0], by=late.member)
    page = client.get(reverse("monitoring:reports-due")).content.decode()
    listed = page.split('data-testid="reports-due"')[1]
    assert "Interim report 1" not in listed  # submitted: nothing to do
    assert (
        listed.index("Interim report 2") < listed.index("Interim report 3") < listed.index("Final report 4")
    )
    assert listed.count('data-report-state="overdue"') == 2


def test_reports_due_make_the_same_queries_whatever_their_number(
    municipality, organization, nco_member, finance_staff, client_for
):
    client = client_for(nco_member)
    url = reverse("monitoring:reports-due")
    project(municipality, organization, finance_staff, contract="D-0")
    queries(client, url)
    few = queries(client, url)
    for n in range(1, 4):
        project(municipality, organization, finance_staff, contract=f"D-{n}")
    assert MonitoringReport.objects.count() == 16
    assert queries(client, url) == few


def test_the_project_and_report_pages_make_a_fixed_number_of_queries(late, client_for):
    client = client_for(late.finance)
    project_url = late.project.get_absolute_url()
    report_url = late.reports[1].get_absolute_url()
    fill(late, late.reports[0])
    report_services.report_submit(report=late.reports[0], by=late.member)
    queries(client, project_url)
    project_few, report_few = queries(client, project_url), queries(client, report_url)

    for report in late.reports[1:3]:
        fill(late, report, staff="1000", supplies="1000")
        for name in ("a.jpg", "b.jpg"):
            report_services.report_attach(
                report=report, by=late.member, kind="photo", file=checked(name, JPEG_BYTES)
            )
        report_services.report_submit(report=report, by=late.member)
    assert queries(client, project_url) == project_few
    assert queries(client, report_url) == report_few


def test_the_staff_list_shows_spending_against_the_amount(late, client_for):
    first = late.reports[0]
    fill(late, first, staff="20000", supplies="10000")
    report_services.report_submit(report=first, by=late.member)
    report_services.report_review(report=first, by=late.consultant, accept=True, comments={})
    page = client_for(late.finance).get(
        reverse("monitoring:municipality-projects", args=[late.project.municipality.slug])
    )
    # 30,000 of 150,000 accepted: 20 %.
    assert "KGS\u00a030,000" in page.content.decode()
    assert "20%" in page.content.decode()


def test_a_report_in_russian_shows_saved_amounts_and_values_as_typed(late, client_for):
    """Amounts are written in their fields with the page's decimal sign and no grouping (24000,50 in
    Russian), which the field reads back; targets read 100, not 1E+2."""
    report = late.reports[0]
    fill(late, report, staff="24000.50", people="30")
    late.member.language = "ru"
    late.member.save(update_fields=["language"])
    page = client_for(late.member).get(report.get_absolute_url()).content.decode()
    assert '<html lang="ru">' in page
    staff = late.project.budget_lines.get(description="Staff")
    assert f'name="amount_{staff.pk}" id="id_amount_{staff.pk}" value="24000,50"' in page
    people = late.project.indicators.get(name="People reached")
    assert f'name="value_{people.pk}" value="30"' in page
    assert "E+" not in page


def test_the_review_history_names_the_sections(late, client_for):
    report = late.reports[0]
    fill(late, report)
    report_services.report_submit(report=report, by=late.member)
    report_services.report_review(
        report=report,
        by=late.consultant,
        accept=False,
        comments={"expenditure": "Attach the invoices.", "narrative": "Say who came."},
    )
    page = client_for(late.member).get(report.get_absolute_url()).content.decode()
    history = page.split('data-testid="rounds"')[1]
    assert history.index("Narrative: Say who came.") < history.index("Expenditure: Attach the invoices.")
    comments = page.split('data-testid="revision-comments"')[1]
    assert "<strong>Expenditure</strong>: Attach the invoices." in comments


def test_the_tranche_rows_in_russian_keep_dates_and_amounts_typable(late, client_for):
    late.finance.language = "ru"
    late.finance.save(update_fields=["language"])
    page = (
        client_for(late.finance)
        .get(reverse("monitoring:project-tranches", args=[late.project.pk]))
        .content.decode()
    )
    assert '<html lang="ru">' in page
    assert f'value="{late.project.start_date.isoformat()}"' in page
    assert 'value="75000"' in page


def test_the_queue_reads_its_filter_as_before(late, consultant, client_for):
    """An unknown section shows all three; a municipality the person does not review lists nothing."""
    fill(late, late.reports[0])
    report_services.report_submit(report=late.reports[0], by=late.member)
    client = client_for(consultant)
    url = reverse("monitoring:queue")

    unknown = client.get(url, {"show": "everything-else"}).content.decode()
    for section in ("to-review", "overdue", "at-risk"):
        assert f'data-testid="{section}"' in unknown
    overdue = client.get(url, {"show": "overdue"}).content.decode()
    assert 'data-testid="overdue"' in overdue and 'data-testid="to-review"' not in overdue
    assert '<option value="overdue" selected>' in overdue
    elsewhere = client.get(url, {"municipality": "nowhere"}).content.decode()
    assert "Interim report" not in elsewhere
