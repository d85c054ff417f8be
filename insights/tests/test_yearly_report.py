"""The municipality's yearly report: the PDF holds the year's figures (summed here from the rows,
not by the report's selectors), in Kyrgyz and Russian; sealed competitions show no applicants,
drafts do not appear; the page asks for it and offers its download."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from insights.documents import YEARLY_REPORT, yearly_report
from insights.models import YearlyReport
from monitoring.factories import ProjectFactory
from monitoring.models import (
    Expenditure,
    Indicator,
    IndicatorValue,
    MonitoringReport,
    PaymentTranche,
    ProjectBudgetLine,
)
from organizations.factories import OrganizationFactory
from procurement.factories import ApplicationFactory, AwardFactory, CompetitionFactory
from procurement.models import Application
from ssp_portal.documents.models import Document
from ssp_portal.documents.rendering import html_to_pdf
from ssp_portal.documents.tests.conftest import pdf_text
from ssp_portal.formatting import format_quantity, format_soms

pytestmark = pytest.mark.django_db

YEAR = 2025
TODAY = datetime.date(2025, 6, 1)


def pdf_of(report: YearlyReport, language: str) -> str:
    """The report's PDF rendered in ``language`` as the worker renders it, as one line of text."""
    with translation.override(language):
        context = {
            **yearly_report.context(report),
            "generated_at": timezone.now(),
            "site_url": settings.SSP_SITE_URL,
        }
        html = render_to_string(yearly_report.template, context)
    return " ".join(pdf_text(html_to_pdf(html)).replace("\xa0", " ").split())


def soms(amount: Decimal, language: str) -> str:
    with translation.override(language):
        return format_soms(amount).replace("\xa0", " ")


@dataclass
class Year:
    municipality: object
    completed: object
    sealed: object
    draft: object
    awards: list
    projects: list
    paid: list
    spent: list


def _project_with_money(award, *, paid: Decimal, unpaid: Decimal, spent: Decimal, latest: Decimal):
    """A contracted project: one tranche paid, one not; an accepted report with spending and an
    indicator value, and a later report still submitted whose figures do not count."""
    project = ProjectFactory(award=award, title=f"Project of {award.application.organization.name}")
    PaymentTranche.objects.create(project=project, number=1, planned_date=TODAY, amount=paid, paid_on=TODAY)
    PaymentTranche.objects.create(project=project, number=2, planned_date=TODAY, amount=unpaid)
    line = ProjectBudgetLine.objects.create(
        project=project,
        category="staff",
        category_label="Staff",
        description="Teachers",
        approved_amount=paid,
    )
    indicator = Indicator.objects.create(
        project=project, name="Өнүгүү sessions", unit="sessions", baseline=Decimal("3"), target=Decimal("40")
    )
    accepted, submitted = (
        MonitoringReport.objects.create(
            project=project,
            number=number,
            period_start=TODAY,
            period_end=TODAY + datetime.timedelta(days=30 * number),
            due_date=TODAY + datetime.timedelta(days=30 * number + 5),
            state=state,
        )
        for number, state in ((1, MonitoringReport.State.ACCEPTED), (2, MonitoringReport.State.SUBMITTED))
    )
    Expenditure.objects.create(report=accepted, budget_line=line, amount=spent)
    Expenditure.objects.create(report=submitted, budget_line=line, amount=Decimal("999"))
    IndicatorValue.objects.create(report=accepted, indicator=indicator, value=latest)
    IndicatorValue.objects.create(report=submitted, indicator=indicator, value=Decimal("39"))
    return project


@pytest.fixture
def year(municipality):
    """A year of Karakol: a completed competition with three applicants (two awarded), a published
    one whose deadline is ahead (sealed) with an application, a draft; and another year."""
    completed = CompetitionFactory(
        municipality=municipality, year=YEAR, completed=True, budget=Decimal("400000")
    )
    sealed = CompetitionFactory(
        municipality=municipality,
        year=YEAR,
        published=True,
        budget=Decimal("150000"),
        max_grant=Decimal("150000"),
        title="Sealed call",
    )
    draft = CompetitionFactory(
        municipality=municipality,
        year=YEAR,
        budget=Decimal("90000"),
        max_grant=Decimal("90000"),
        title="Draft call",
    )
    CompetitionFactory(
        municipality=municipality,
        year=YEAR - 1,
        completed=True,
        budget=Decimal("70000"),
        max_grant=Decimal("70000"),
    )
    names = ["Коомдук фонд «Үмүт»", "Көмөк борбору", "Таң уюму"]
    applications = [
        ApplicationFactory(
            competition=completed, organization=OrganizationFactory(name=name, verified=True), submit=True
        )
        for name in names
    ]
    Application.objects.filter(pk=applications[2].pk).update(state=Application.State.NOT_AWARDED)
    awards = [
        AwardFactory(application=applications[0], amount=Decimal("230000"), rank=1),
        AwardFactory(application=applications[1], amount=Decimal("170000"), rank=2),
    ]
    ApplicationFactory(
        competition=sealed,
        organization=OrganizationFactory(name="Hidden Applicant", verified=True),
        submit=True,
    )
    paid, spent = [Decimal("115000"), Decimal("85000")], [Decimal("64000.50"), Decimal("41000")]
    projects = [
        _project_with_money(
            awards[0], paid=paid[0], unpaid=Decimal("115000"), spent=spent[0], latest=Decimal("32")
        ),
        _project_with_money(
            awards[1], paid=paid[1], unpaid=Decimal("85000"), spent=spent[1], latest=Decimal("12")
        ),
    ]
    return Year(municipality, completed, sealed, draft, awards, projects, paid, spent)


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_the_pdf_holds_the_years_figures_summed_from_the_rows(year, language):
    report = YearlyReport.objects.create(municipality=year.municipality, year=YEAR)
    text = pdf_of(report, language)

    allocated = year.completed.budget + year.sealed.budget  # the draft and the other year left out
    awarded = sum(award.amount for award in year.awards)
    disbursed = sum(year.paid)
    reported = sum(year.spent)
    for amount in (allocated, awarded, disbursed, reported, year.completed.budget, year.sealed.budget):
        assert soms(amount, language) in text, amount
    for award in year.awards:
        assert soms(award.amount, language) in text
        assert award.application.organization.name in text
    for project in year.projects:
        assert project.title in text
    # Each indicator: its baseline, target and the value of the latest *accepted* report.
    with translation.override(language):
        assert f"3 40 {format_quantity(Decimal('32'))}" in text
        assert f"3 40 {format_quantity(Decimal('12'))}" in text
        for label in ("Competitions", "Priority issue", "Organization", "Total", "Baseline", "Target"):
            assert gettext(label) in text, label
        assert gettext("Awarded") in text  # the outcome of the winners
        assert gettext("Not awarded") in text
        heading = gettext("Yearly report of %(name)s for %(year)s") % {
            "name": year.municipality.name,
            "year": YEAR,
        }
    assert " ".join(heading.split()) in text
    assert "Таң уюму" in text
    if language == "ky":
        assert set("ңөү") <= set(text)
    assert "Competitions" not in text  # the catalog's labels, not the English ones


def test_a_sealed_competition_shows_no_applicants_and_drafts_do_not_appear(year):
    report = YearlyReport.objects.create(municipality=year.municipality, year=YEAR)
    text = pdf_of(report, "en")
    assert year.sealed.reference in text
    assert "Hidden Applicant" not in text
    sealed_row = text[text.index(year.sealed.reference) : text.index(year.sealed.reference) + 200]
    assert "sealed" in sealed_row
    completed_row = text[text.index(year.completed.reference) :]
    assert " 3 " in completed_row[:300]  # three applicants once the deadline passed
    assert year.draft.reference not in text
    assert "Draft call" not in text
    assert soms(Decimal("90000"), "en") not in text


def test_the_demos_karakol_report_shows_400000_allocated_and_awarded(settings, tmp_path):
    settings.SSP_DEMO_ALLOWED = True
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--quiet", "--language", "ky")
    completed_year = (
        YearlyReport.objects.filter(municipality__slug="karakol")
        .order_by("year")
        .values_list("year", flat=True)
    )
    report = YearlyReport.objects.get(municipality__slug="karakol", year=min(completed_year))
    context = yearly_report.context(report)
    assert context["money"].allocated == Decimal("400000")
    assert context["money"].awarded == Decimal("400000")
    text = pdf_of(report, "ky")
    amount = soms(Decimal("400000"), "ky")
    # The chart's table: the year, then allocated and awarded.
    assert f"{report.year} {amount} {amount}" in text


def test_the_page_asks_for_the_pdf_and_offers_its_download(year, client, django_capture_on_commit_callbacks):
    url = reverse("insights:yearly-report", args=[year.municipality.slug, YEAR])
    page = client.get(url)
    assert page.status_code == 200
    assert not YearlyReport.objects.exists()  # a GET changes nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"language": "ru"})
    assert response.status_code == 302
    document = Document.objects.get(kind=YEARLY_REPORT)
    assert document.language == "ru" and document.is_ready, document.error
    again = client.post(url, {"language": "ru"})  # a visitor does not ask twice
    assert again.status_code == 302
    assert Document.objects.filter(kind=YEARLY_REPORT).count() == 1

    page = client.get(url)
    download = reverse("documents:download", args=[document.pk])
    assert download in page.content.decode()
    pdf = client.get(download)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert year.completed.reference in pdf_text(b"".join(pdf.streaming_content))


def test_the_staff_may_prepare_it_again(year, client_for, finance_staff, django_capture_on_commit_callbacks):
    url = reverse("insights:yearly-report", args=[year.municipality.slug, YEAR])
    client = client_for(finance_staff)
    for _time in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url, {"language": "ky"})
    assert Document.objects.filter(kind=YEARLY_REPORT, language="ky").count() == 2


def test_a_year_without_competitions_has_no_report(year, client):
    assert (
        client.get(reverse("insights:yearly-report", args=[year.municipality.slug, YEAR + 3])).status_code
        == 404
    )
    assert (
        client.post(reverse("insights:yearly-report", args=[year.municipality.slug, YEAR + 3])).status_code
        == 404
    )
    assert not YearlyReport.objects.exists()


def _queries_for_context(report: YearlyReport) -> int:
    with CaptureQueriesContext(connection) as queries:
        yearly_report.context(report)
    return len(queries)


def test_the_reports_figures_take_as_many_queries_at_two_projects_as_at_six(year):
    report = YearlyReport.objects.create(municipality=year.municipality, year=YEAR)
    few = _queries_for_context(report)
    competition = CompetitionFactory(municipality=year.municipality, year=YEAR, completed=True)
    for rank in range(1, 5):
        application = ApplicationFactory(competition=competition, submit=True)
        award = AwardFactory(application=application, amount=Decimal("50000"), rank=rank)
        _project_with_money(
            award, paid=Decimal("20000"), unpaid=Decimal("30000"), spent=Decimal("100"), latest=Decimal("1")
        )
    assert _queries_for_context(report) == few
