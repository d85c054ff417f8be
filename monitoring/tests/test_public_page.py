"""A project's public page: what anyone may read, and nothing of what stays private.

Anonymous visitors, other organizations and other municipalities' staff get it at the project's
address; those who read the project get its working page there, with a link to the public one.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags

from monitoring.factories import ProjectFactory
from monitoring.models import (
    Expenditure,
    Indicator,
    IndicatorValue,
    MonitoringReport,
    PaymentTranche,
    ProjectBudgetLine,
)
from monitoring.services import projects as project_services
from monitoring.services import reports as report_services
from monitoring.services.reports import ReportDraft
from monitoring.tests.contracted_project import fill
from monitoring.tests.pages import form_with
from organizations.factories import PDF_BYTES
from procurement.factories import AwardFactory
from ssp_portal.files import DOCUMENT_TYPES, PrivateFileField

pytestmark = pytest.mark.django_db

PUBLIC_TEXT = "Forty children attended the club every week."
PRIVATE = {
    "attachment": "secret-invoice.pdf",
    "comment": "Reviewer-comment-ZX81",
    "answer": "Organization-answer-QW22",
    "draft": "Draft-text-not-yet-sent-HY77",
    "submitted": "Submitted-not-accepted-text-JK55",
    "private section": "Private-problems-of-accepted-report-PL09",
    "visit": "Site-visit-finding-VB31",
}
# Who do not read the project: they get its public page.
OUTSIDERS = ("anonymous", "no_role", "other_member", "other_staff", "commission_member")


def public_url(project) -> str:
    return reverse("monitoring:project-public", args=[project.pk])


def save(contracted, report, **narrative) -> None:
    report_services.report_save_draft(
        report=report,
        by=contracted.member,
        draft=ReportDraft(narrative=narrative.pop("text", {}), **narrative),
    )


def accept(contracted, report) -> None:
    report_services.report_submit(report=report, by=contracted.member)
    report_services.report_review(report=report, by=contracted.consultant, accept=True, comments={})


@pytest.fixture
def reported(contracted):
    """Report 1 accepted after a revision (a comment and its answer), its results public and its
    problems not; report 2 submitted, report 3 a draft; an attachment, a site visit; tranche 1 paid."""
    first, second, third = contracted.reports[:3]
    fill(contracted, first, people="35", satisfaction="70")
    report_services.report_attach(
        report=first,
        by=contracted.member,
        kind="receipt",
        file=PrivateFileField(allowed=DOCUMENT_TYPES).clean(
            SimpleUploadedFile(PRIVATE["attachment"], PDF_BYTES)
        ),
    )
    report_services.report_submit(report=first, by=contracted.member)
    report_services.report_review(
        report=first, by=contracted.consultant, accept=False, comments={"narrative": PRIVATE["comment"]}
    )
    save(
        contracted,
        first,
        text={"results": PUBLIC_TEXT, "problems": PRIVATE["private section"]},
        public=["results", "beneficiaries_reached"],
        answers={"narrative": PRIVATE["answer"]},
    )
    accept(contracted, first)
    fill(contracted, second, people="60", staff="30000", supplies="5000")
    save(contracted, second, text={"activities": PRIVATE["submitted"]}, public=["activities"])
    report_services.report_submit(report=second, by=contracted.member)
    fill(contracted, third, people="90")
    save(contracted, third, text={"activities": PRIVATE["draft"]}, public=["activities"])
    report_services.site_visit_record(
        project=contracted.project,
        by=contracted.consultant,
        data={
            "visited_on": datetime.date(2026, 3, 2),
            "visitors": "A. Consultant",
            "observed": "Classes.",
            "findings": PRIVATE["visit"],
        },
        photos=[],
    )
    tranche = contracted.project.tranches.get(number=1)
    project_services.tranche_mark_paid(
        tranche=tranche, by=contracted.finance, paid_on=datetime.date(2026, 1, 10)
    )
    return contracted


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_the_public_page_shows_the_public_summary_and_nothing_private(reported, persona, request, client_for):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    with translation.override("en"):
        response = client_for(user).get(reported.project.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert PUBLIC_TEXT in html
    assert "Beneficiaries reached" in html
    for what, text in PRIVATE.items():
        assert text not in html, f"{what} is on the public page for {persona}"
    assert "See the public page" not in html
    assert reverse("monitoring:report-detail", args=[reported.reports[0].pk]) not in html


@pytest.mark.parametrize("persona", ("finance_staff", "consultant", "auditor", "nco_member"))
def test_who_reads_the_project_gets_its_working_page_and_a_link_to_the_public_one(
    reported, persona, request, client_for
):
    client = client_for(request.getfixturevalue(persona))
    with translation.override("en"):
        html = client.get(reported.project.get_absolute_url()).content.decode()
        preview = client.get(public_url(reported.project)).content.decode()
    assert PRIVATE["visit"] in html
    assert f'href="{public_url(reported.project)}"' in html
    assert PUBLIC_TEXT in preview
    for what, text in PRIVATE.items():
        assert text not in preview, f"{what} is on the public page as {persona} previews it"


def test_indicators_show_the_latest_accepted_value(reported, client):
    """Report 1 (accepted) has 35 people; report 2 (submitted, 60) and 3 (a draft, 90) do not count."""
    project = reported.project
    people, satisfaction = project.indicators.all()
    later = reported.reports[3]
    report_services.report_save_draft(
        report=later, by=reported.member, draft=ReportDraft(values={satisfaction.pk: "75"})
    )
    html = client.get(public_url(project)).content.decode()
    assert _cell(html, f'data-indicator="{people.pk}"') == "35"
    assert _cell(html, f'data-indicator="{satisfaction.pk}"') == "70"


def _cell(html: str, row: str) -> str:
    """The "reached" cell of an indicator's row."""
    start = html.index(row)
    cell = html.index('data-testid="reached">', start) + len('data-testid="reached">')
    return html[cell : html.index("</td>", cell)]


def test_the_tranches_paid_and_their_total(reported, client):
    project = reported.project
    second = project.tranches.get(number=2)
    project_services.tranche_mark_paid(
        tranche=second, by=reported.finance, paid_on=datetime.date(2026, 4, 20)
    )
    with translation.override("en"):
        html = client.get(public_url(project)).content.decode()
    assert 'data-tranche="1"' in html and 'data-tranche="2"' in html
    assert "KGS\xa0150,000 of KGS\xa0150,000 (100%)" in strip_tags(html)


def test_a_tranche_not_paid_is_not_listed(reported, client):
    with translation.override("en"):
        html = client.get(public_url(reported.project)).content.decode()
    assert 'data-tranche="1"' in html and 'data-tranche="2"' not in html
    assert "KGS\xa075,000 of KGS\xa0150,000 (50%)" in strip_tags(html)


def chart_rows(client, url: str) -> list[tuple[str, Decimal, Decimal]]:
    """The chart's figures, as its CSV gives them."""
    response = client.get(url, {"chart": "spending", "export": "csv"})
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    rows = [line.split(",") for line in lines[1:]]
    return [(label, Decimal(approved), Decimal(spent)) for label, approved, spent in rows]


def expected(project, states) -> list[tuple[str, Decimal, Decimal]]:
    """Each line's approved amount and spending in ``states``, summed here from the rows."""
    rows = []
    for line in ProjectBudgetLine.objects.filter(project=project).order_by("position", "pk"):
        spent = sum(
            (e.amount for e in Expenditure.objects.filter(budget_line=line, report__state__in=states)),
            Decimal("0"),
        )
        rows.append((line.description, line.approved_amount, spent))
    return rows


def test_the_chart_counts_accepted_reports_in_public_and_submitted_ones_for_the_staff(
    reported, client_for, finance_staff
):
    project = reported.project
    with translation.override("en"):
        public = chart_rows(client_for(None), project.get_absolute_url())
        private = chart_rows(client_for(finance_staff), project.get_absolute_url())
    assert public == expected(project, [MonitoringReport.State.ACCEPTED])
    assert public == [("Staff", 100000, 20000), ("Supplies", 50000, 10000)]
    # The staff count every report once submitted, whatever its review (monitoring/spending.py).
    assert private == expected(
        project, [s for s in MonitoringReport.State if s != MonitoringReport.State.DRAFT]
    )
    assert private == [("Staff", 100000, 50000), ("Supplies", 50000, 15000)]


def test_a_project_that_does_not_exist_is_404(client):
    assert client.get(reverse("monitoring:project-public", args=[999999])).status_code == 404
    assert client.get(reverse("monitoring:project-detail", args=[999999])).status_code == 404


# Query counts ------------------------------------------------------------------------------------


def grown(size: int):
    """A project with ``size`` budget lines, indicators, paid tranches and accepted reports, each
    report with a value for every indicator and spending on every line."""
    project = ProjectFactory()
    lines = [
        ProjectBudgetLine.objects.create(
            project=project,
            position=i,
            category="staff",
            category_label="Staff",
            description=f"Line {i}",
            approved_amount=Decimal("1000"),
        )
        for i in range(size)
    ]
    indicators = [
        Indicator.objects.create(project=project, position=i, name=f"Indicator {i}", unit="people", target=10)
        for i in range(size)
    ]
    for number in range(1, size + 1):
        day = datetime.date(2026, 4, 1) + datetime.timedelta(days=number)
        report = MonitoringReport.objects.create(
            project=project,
            number=number,
            period_start=day,
            period_end=day,
            due_date=day,
            state=MonitoringReport.State.ACCEPTED,
            results=f"Result {number}",
            public_sections=["results"],
        )
        PaymentTranche.objects.create(
            project=project, number=number, planned_date=day, amount=Decimal("10"), paid_on=day
        )
        IndicatorValue.objects.bulk_create(
            IndicatorValue(report=report, indicator=indicator, value=number) for indicator in indicators
        )
        Expenditure.objects.bulk_create(
            Expenditure(report=report, budget_line=line, amount=5) for line in lines
        )
    return project


def test_the_public_page_makes_the_same_queries_whatever_the_size(client, django_assert_num_queries):
    small, large = grown(2), grown(12)
    client.get(public_url(small))  # the session and the language, read once
    with CaptureQueriesContext(connection) as captured:
        assert client.get(public_url(small)).status_code == 200
    queries = len(captured)
    assert queries <= 8
    with django_assert_num_queries(queries):
        response = client.get(public_url(large))
    html = response.content.decode()
    assert "Result 12" in html and 'data-tranche="12"' in html


# The marks in the report form --------------------------------------------------------------------


def test_the_form_saved_as_rendered_keeps_the_public_marks(contracted, client_for):
    report = contracted.reports[0]
    fill(contracted, report)
    save(contracted, report, public=["activities", "beneficiaries_reached"])
    client = client_for(contracted.member)
    page = client.get(report.get_absolute_url()).content.decode()
    form = form_with(page, "activities")
    assert "public_activities" in form.fields
    assert "public_results" not in form.fields
    response = client.post(form.action, form.data(), follow=True)
    assert "Nothing had changed: the report is as it was." in response.content.decode()
    report.refresh_from_db()
    assert report.public_sections == ["activities", "beneficiaries_reached"]


def test_a_tick_changed_in_the_form_is_saved(contracted, client_for):
    report = contracted.reports[0]
    fill(contracted, report)
    client = client_for(contracted.member)
    form = form_with(client.get(report.get_absolute_url()).content.decode(), "activities")
    client.post(form.action, {**form.data(), "public_problems": "on"})
    report.refresh_from_db()
    assert report.public_sections == ["problems"]


def test_a_draft_without_marks_keeps_them(contracted):
    """A save that does not carry the marks (``public`` left out) leaves them as they were."""
    report = contracted.reports[0]
    save(contracted, report, public=["results"])
    save(contracted, report, text={"results": "Changed."})
    report.refresh_from_db()
    assert report.public_sections == ["results"]


# The ways in -------------------------------------------------------------------------------------


def test_the_results_link_the_project_of_each_contracted_award(contracted, client):
    competition = contracted.project.award.competition
    AwardFactory(application__competition=competition, rank=2, amount=Decimal("50000"))
    html = client.get(competition.get_absolute_url()).content.decode()
    assert html.count('data-testid="project-link"') == 1
    assert f'href="{contracted.project.get_absolute_url()}" data-testid="project-link"' in html


def test_the_home_page_lists_the_latest_projects(contracted, client):
    html = client.get("/").content.decode()
    assert f'href="{contracted.project.get_absolute_url()}"' in html
    assert contracted.project.title in html
