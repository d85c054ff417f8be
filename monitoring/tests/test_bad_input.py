"""Bad input through the pages: a message beside the field, a 400, and nothing changed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from monitoring.factories import ProjectFactory
from monitoring.models import MonitoringReport
from monitoring.services import reports as report_services
from monitoring.tests.contracted_project import fill
from monitoring.tests.pages import form_with
from monitoring.views.setup import tranche_rows
from procurement.factories import CompetitionFactory
from ssp_portal.tests.rows import rows_post

pytestmark = pytest.mark.django_db


def stored(report: MonitoringReport) -> tuple:
    report.refresh_from_db()
    return (
        report.state,
        report.activities,
        list(report.expenditures.values_list("budget_line", "amount", "explanation")),
        list(report.indicator_values.values_list("indicator", "value")),
    )


def field_error(response, text: str) -> None:
    assert response.status_code == 400
    page = response.content.decode()
    assert text in page, page[page.find("invalid-feedback") - 400 : page.find("invalid-feedback") + 400]
    assert "invalid-feedback" in page or "alert-danger" in page


def lines(contracted):
    return list(contracted.project.budget_lines.all())


def draft_form(client, report):
    """The report's one draft form, as the page renders it."""
    page = client.get(reverse("monitoring:report-detail", args=[report.pk])).content.decode()
    return form_with(page, "activities")


def test_negative_spending_is_refused_beside_the_line(contracted, client_for):
    report = contracted.reports[0]
    before = stored(report)
    staff, supplies = lines(contracted)
    client = client_for(contracted.member)
    form = draft_form(client, report)
    response = client.post(
        form.action, form.data(**{f"amount_{staff.pk}": "-5", f"amount_{supplies.pk}": "100"})
    )
    field_error(response, "The amount cannot be negative.")
    assert stored(report) == before


def test_going_over_a_line_without_an_explanation_is_refused_with_the_numbers(contracted, client_for):
    report = contracted.reports[0]
    before = stored(report)
    staff, supplies = lines(contracted)
    client = client_for(contracted.member)
    form = draft_form(client, report)
    over = {f"amount_{staff.pk}": "1000", f"amount_{supplies.pk}": "50000.50"}
    response = client.post(form.action, form.data(**over))
    field_error(response, "Supplies: spending reaches KGS\u00a050,000.50 of KGS\u00a050,000 approved")
    assert stored(report) == before

    response = client.post(
        form.action, form.data(**over, **{f"explanation_{supplies.pk}": "The price of paper rose."})
    )
    assert response.status_code == 302
    assert report.expenditures.get(budget_line=supplies).overspent


@pytest.mark.parametrize(
    ("people", "message"),
    [
        ("12.5", "People reached is counted in whole numbers."),
        ("many", "People reached: enter a number."),
        ("-3", "People reached: enter a number of 0 or more."),
    ],
)
def test_indicator_values_of_the_wrong_kind_are_refused_beside_the_field(
    contracted, client_for, people, message
):
    report = contracted.reports[0]
    before = stored(report)
    people_indicator, satisfaction = contracted.project.indicators.all()
    client = client_for(contracted.member)
    form = draft_form(client, report)
    response = client.post(
        form.action,
        form.data(**{f"value_{people_indicator.pk}": people, f"value_{satisfaction.pk}": "70"}),
    )
    field_error(response, message)
    assert stored(report) == before


def test_a_revision_without_a_comment_is_refused(contracted, client_for):
    report = contracted.reports[0]
    fill(contracted, report)
    report_services.report_submit(report=report, by=contracted.member)
    before = stored(report)
    response = client_for(contracted.consultant).post(
        reverse("monitoring:report-review", args=[report.pk]), {"decision": "revise"}
    )
    field_error(response, "comment at least one section")
    assert stored(report) == before
    assert report.rounds.get().decision == ""


def test_submitting_an_incomplete_report_lists_what_is_missing(contracted, client_for):
    report = contracted.reports[0]
    client = client_for(contracted.member)
    form = draft_form(client, report)
    response = client.post(form.action, {**form.data(), "submit_report": "1"}, follow=True)
    page = response.content.decode()
    assert "The report is not submitted yet:" in page
    assert "Describe the activities carried out." in page
    report.refresh_from_db()
    assert report.state == MonitoringReport.State.DRAFT


def test_tranches_that_do_not_add_up_are_refused(contracted, client_for):
    project = contracted.project
    before = list(project.tranches.values_list("number", "amount"))
    response = client_for(contracted.finance).post(
        reverse("monitoring:project-tranches", args=[project.pk]),
        rows_post(
            "tranches",
            [
                {"id": t.pk, "planned_date": t.planned_date, "amount": "25000", "condition_report": ""}
                for t in project.tranches.all()
            ],
            shown=tranche_rows(project.tranches.all()),
        ),
    )
    assert response.status_code == 400
    assert (
        "The tranches add up to KGS\u00a050,000; change them so that they add up to the awarded amount, "
        "KGS\u00a0150,000." in response.content.decode()
    )
    assert list(project.tranches.values_list("number", "amount")) == before


def test_a_schedule_date_outside_the_project_is_refused(contracted, client_for, finance_staff):
    fresh = ProjectFactory(
        award__application__competition=CompetitionFactory(
            municipality=contracted.project.municipality, completed=True
        )
    )
    response = client_for(finance_staff).post(
        reverse("monitoring:project-schedule-fill", args=[fresh.pk]),
        {"every_months": "", "period_ends": "2026-06-30, 2027-03-31", "due_days": "10"},
    )
    field_error(response, "2027-03-31")
    assert not fresh.reports.exists()
    response = client_for(finance_staff).post(
        reverse("monitoring:project-schedule-fill", args=[fresh.pk]),
        {"every_months": "", "period_ends": "30/06/2026", "due_days": "10"},
    )
    field_error(response, "“30/06/2026” is not a date like 2026-06-30.")
    assert not fresh.reports.exists()
