"""Submitting a report is a button of its draft form: what was typed is saved first, then the
report is submitted if nothing is missing, in one request, so that nothing typed is dropped.

The finding: "Submit the report" was a form of its own, so pressing it after typing an answer to
the reviewer's comment left the page (the browser asked, and accepting dropped the answer) and
the submission was then refused because the answer was missing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from monitoring.models import MonitoringReport
from monitoring.services import reports as report_services
from monitoring.tests.contracted_project import fill
from monitoring.tests.pages import form_with, page_forms

pytestmark = pytest.mark.django_db

SUBMIT = {"submit_report": "1"}


def page(client, report) -> str:
    response = client.get(reverse("monitoring:report-detail", args=[report.pk]))
    assert response.status_code == 200
    return response.content.decode()


def state(report) -> tuple:
    report.refresh_from_db()
    return (
        report.state,
        report.activities,
        sorted(report.expenditures.values_list("budget_line", "amount")),
        list(report.rounds.order_by("number").values_list("number", "answers")),
    )


def sent_back(contracted, report):
    fill(contracted, report)
    report_services.report_submit(report=report, by=contracted.member)
    report_services.report_review(
        report=report,
        by=contracted.consultant,
        accept=False,
        comments={"narrative": "Say where the classes were."},
    )


def test_submit_is_a_button_of_the_draft_form_and_no_other_form_submits(contracted, client_for):
    report = contracted.reports[0]
    html = page(client_for(contracted.member), report)
    form = form_with(html, "activities")
    # Save first: it is the button Enter presses.
    assert form.buttons == ["Save the draft", "Submit the report"]
    assert '<button type="submit" name="submit_report"' in html
    assert [f.action for f in page_forms(html) if f.action.endswith("/submit/")] == []


def test_an_answer_typed_and_submitted_at_once_is_saved_and_submitted(contracted, client_for):
    report = contracted.reports[0]
    sent_back(contracted, report)
    client = client_for(contracted.member)
    form = form_with(page(client, report), "answer_narrative")
    response = client.post(form.action, {**form.data(answer_narrative="In the school canteen."), **SUBMIT})
    assert response.status_code == 302
    assert response["Location"] == report.get_absolute_url()
    report.refresh_from_db()
    assert report.state == MonitoringReport.State.SUBMITTED
    first, second = report.rounds.order_by("number")
    assert first.answers == {"narrative": "In the school canteen."}
    assert second.submitted_by == contracted.member
    follow = client.get(response["Location"])
    assert "The report is submitted for review." in follow.content.decode()


def test_changes_typed_and_submitted_at_once_go_into_the_submission(contracted, client_for):
    report = contracted.reports[0]
    fill(contracted, report)
    client = client_for(contracted.member)
    _people, _satisfaction = contracted.project.indicators.all()
    staff, _supplies = contracted.project.budget_lines.all()
    form = form_with(page(client, report), "activities")
    response = client.post(
        form.action, {**form.data(activities="Twelve classes.", **{f"amount_{staff.pk}": "21 000"}), **SUBMIT}
    )
    assert response.status_code == 302
    round_ = report.rounds.get()
    assert round_.snapshot["narrative"]["activities"] == "Twelve classes."
    assert report.expenditures.get(budget_line=staff).amount == Decimal("21000")


def test_an_invalid_draft_is_neither_saved_nor_submitted(contracted, client_for):
    report = contracted.reports[0]
    fill(contracted, report)
    client = client_for(contracted.member)
    before = state(report)
    people, _satisfaction = contracted.project.indicators.all()
    form = form_with(page(client, report), "activities")
    typed = {"activities": "Twelve classes.", f"value_{people.pk}": "12.5"}
    response = client.post(form.action, {**form.data(**typed), **SUBMIT})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The draft is not saved." in html
    after = html.split(f'name="value_{people.pk}"', 1)[1]
    assert "People reached is counted in whole numbers." in after[: after.find('name="')]
    again = form_with(html, "activities")
    assert {name: again.fields[name] for name in typed} == typed
    assert state(report) == before


def test_an_incomplete_draft_is_saved_and_says_what_is_missing(contracted, client_for):
    report = contracted.reports[0]
    client = client_for(contracted.member)
    form = form_with(page(client, report), "activities")
    response = client.post(form.action, {**form.data(activities="Twelve classes."), **SUBMIT}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "The draft is saved, but the report is not submitted yet:" in html
    assert "Describe the results." in html
    report.refresh_from_db()
    assert (report.state, report.activities) == (MonitoringReport.State.DRAFT, "Twelve classes.")
    assert not report.rounds.exists()


def test_a_second_press_submits_nothing_more(contracted, client_for):
    report = contracted.reports[0]
    fill(contracted, report)
    client = client_for(contracted.member)
    form = form_with(page(client, report), "activities")
    assert client.post(form.action, {**form.data(), **SUBMIT}).status_code == 302
    before = state(report)
    response = client.post(form.action, {**form.data(), **SUBMIT})
    assert response.status_code == 400
    assert "it can change only if a revision is requested" in response.content.decode()
    assert state(report) == before
    assert report.rounds.count() == 1
