"""The revision loop: the organization answers the reviewer's comments section by section, the
reviewer is e-mailed when a report arrives, and sees the answers and what changed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from monitoring.changes import snapshot_changes, word_diff
from monitoring.documents import REPORT
from monitoring.models import MonitoringReport
from monitoring.services import reports as report_services
from monitoring.services.reports import ReportDraft, Spending
from monitoring.tests.contracted_project import fill
from monitoring.tests.pages import form_with
from organizations.factories import MunicipalityMembershipFactory
from organizations.models import MunicipalityMembership
from ssp_portal.documents.models import Document
from ssp_portal.documents.services import document_request
from ssp_portal.documents.tests.conftest import pdf_text

pytestmark = pytest.mark.django_db

COMMENTS = {
    "narrative": "Say where the classes were held.",
    "expenditure": "The supplies line looks high: attach the invoices.",
}


def submitted(contracted, report, **fill_args):
    fill(contracted, report, **fill_args)
    return report_services.report_submit(report=report, by=contracted.member)


def send_back(contracted, report, by=None, comments=COMMENTS):
    return report_services.report_review(
        report=report, by=by or contracted.consultant, accept=False, comments=comments
    )


def page(client, report) -> str:
    response = client.get(reverse("monitoring:report-detail", args=[report.pk]))
    assert response.status_code == 200
    return response.content.decode()


# Answers ----------------------------------------------------------------------------------------------


def test_each_comment_has_its_answer_field_saved_with_the_draft_and_kept_with_the_round(
    contracted, client_for
):
    report = contracted.reports[0]
    submitted(contracted, report)
    send_back(contracted, report)
    client = client_for(contracted.member)
    html = page(client, report)
    form = form_with(html, "activities")
    assert {"answer_narrative", "answer_expenditure"} <= set(form.fields)
    assert "answer_indicators" not in form.fields  # no comment there
    narrative = html.split('data-testid="comment-narrative"', 1)[1].split('name="activities"')[0]
    assert COMMENTS["narrative"] in narrative and 'name="answer_narrative"' in narrative

    _staff, supplies = contracted.project.budget_lines.all()
    response = client.post(
        form.action,
        form.data(
            activities="Classes in the school gym.",
            answer_narrative="The gym of school no. 3.",
            answer_expenditure="Invoices attached.",
            **{f"amount_{supplies.pk}": "9000"},
        ),
    )
    assert response.status_code == 302
    first = report.rounds.get()
    assert first.answers == {"narrative": "The gym of school no. 3.", "expenditure": "Invoices attached."}
    # The answers stay in the form until the report is submitted again.
    assert (
        form_with(page(client, report), "activities").fields["answer_narrative"] == "The gym of school no. 3."
    )

    report_services.report_submit(report=report, by=contracted.member)
    report.refresh_from_db()
    assert report.state == MonitoringReport.State.SUBMITTED
    first.refresh_from_db()
    assert first.answers["expenditure"] == "Invoices attached."
    assert report.rounds.count() == 2 and report.rounds.get(number=2).answers == {}
    with pytest.raises(ValidationError, match="it can change only if a revision is requested"):
        report_services.report_save_draft(
            report=report, by=contracted.member, draft=ReportDraft(answers={"narrative": "Changed later."})
        )


def test_a_revised_report_is_submitted_only_with_every_comment_answered(contracted):
    report = contracted.reports[0]
    submitted(contracted, report)
    send_back(contracted, report)
    report_services.report_save_draft(
        report=report, by=contracted.member, draft=ReportDraft(answers={"narrative": "In the gym."})
    )
    with pytest.raises(ValidationError) as info:
        report_services.report_submit(report=report, by=contracted.member)
    assert info.value.messages == ["Answer the reviewer's comment on “Expenditure”."]
    report_services.report_save_draft(
        report=report, by=contracted.member, draft=ReportDraft(answers={"expenditure": "Attached."})
    )
    report_services.report_submit(report=report, by=contracted.member)


# What changed --------------------------------------------------------------------------------------------


def test_the_reviewer_sees_the_answers_and_what_changed(contracted, client_for):
    report = contracted.reports[0]
    submitted(contracted, report, people="25", supplies="10000")
    send_back(contracted, report)
    people, _satisfaction = contracted.project.indicators.all()
    _staff, supplies = contracted.project.budget_lines.all()
    report_services.report_save_draft(
        report=report,
        by=contracted.member,
        draft=ReportDraft(
            narrative={"activities": "Done in the gym of school no. 3."},
            values={people.pk: "31"},
            spending={supplies.pk: Spending(Decimal("9000"))},
            answers={"narrative": "Added where.", "expenditure": "Invoices <b>attached</b>."},
        ),
    )
    report_services.report_submit(report=report, by=contracted.member)

    html = page(client_for(contracted.consultant), report)
    changes = html.split('data-testid="changes"', 1)[1].split("</section>", 1)[0]
    assert "Since round 1" in changes
    answers = changes.split('data-testid="answers"', 1)[1].split("</dl>", 1)[0]
    assert COMMENTS["narrative"] in answers and "Added where." in answers
    assert "Invoices &lt;b&gt;attached&lt;/b&gt;." in answers  # what the organization wrote stays text
    # "Done." became "Done in the gym of school no. 3."
    assert '<ins class="diff-added bg-success-subtle"> in the gym of school no. 3.</ins>' in changes
    indicators = changes.split('data-testid="indicator-changes"', 1)[1].split("</table>", 1)[0]
    people_row = indicators.split('data-indicator="People reached"', 1)[1].split("</tr>", 1)[0]
    assert "data-old>25</span> → " in people_row and "data-new>31</span>" in people_row
    assert "Satisfaction" not in indicators  # unchanged
    spending = changes.split('data-testid="spending-changes"', 1)[1].split("</table>", 1)[0]
    supplies_row = spending.split('data-line="Supplies"', 1)[1].split("</tr>", 1)[0]
    assert (
        'data-old><span class="amount">KGS\u00a010,000</span></span> → ' in supplies_row
        and 'data-new><span class="amount">KGS\u00a09,000</span></span>' in supplies_row
    )
    assert "Staff" not in spending
    # The review history keeps the answers beside the comments.
    rounds = html.split('data-testid="rounds"', 1)[1]
    assert "Added where." in rounds


def test_a_first_submission_shows_no_changes(contracted, client_for):
    report = contracted.reports[0]
    submitted(contracted, report)
    assert 'data-testid="changes"' not in page(client_for(contracted.consultant), report)


def test_the_word_diff_marks_additions_and_removals_and_escapes_the_text():
    marked = word_diff(
        "Twelve classes were held.\nAll went well.",
        "Fourteen classes <script>x</script> were held.\nAll went well.",
    )
    assert marked == (
        '<del class="diff-removed bg-danger-subtle me-1">Twelve</del>'
        '<ins class="diff-added bg-success-subtle">Fourteen</ins> classes'
        '<ins class="diff-added bg-success-subtle"> &lt;script&gt;x&lt;/script&gt;</ins>'
        " were held.<br>All went well."
    )
    # Texts that share little are shown replaced as a whole, not as alternating fragments.
    assert word_diff("The targets are met.", "Ninety women were counselled in autumn.") == (
        '<del class="diff-removed bg-danger-subtle me-1">The targets are met.</del>'
        '<ins class="diff-added bg-success-subtle">Ninety women were counselled in autumn.</ins>'
    )
    assert word_diff("Same.", "Same.") == "Same."


def test_changes_between_snapshots_leave_out_what_did_not_change():
    before = {
        "narrative": {"activities": "A", "results": "R", "beneficiaries_reached": "30", "problems": ""},
        "indicators": {"People": "25.00", "Satisfaction": "60.00"},
        # An older snapshot: lines named by their description only.
        "expenditure": [{"line": "Staff", "amount": "100.00", "explanation": ""}],
        "attachments": ["a.pdf"],
    }
    after = {
        "narrative": {"activities": "A", "results": "R2", "beneficiaries_reached": "31", "problems": ""},
        "indicators": {"People": "25", "Satisfaction": "61.00"},
        "expenditure": [{"line_id": 7, "line": "Staff", "amount": "100", "explanation": "Why"}],
        "attachments": ["a.pdf", "b.pdf"],
    }
    changes = snapshot_changes(before, after, since=1)
    assert [c.label for c in changes.texts] == ["Results"]
    assert (changes.beneficiaries.old, changes.beneficiaries.new) == (Decimal("30"), Decimal("31"))
    assert [(c.name, c.old, c.new) for c in changes.indicators] == [
        ("Satisfaction", Decimal("60"), Decimal("61"))
    ]
    assert changes.attachments_added == ["b.pdf"] and changes.attachments_removed == []
    # Against a snapshot without ids, lines are matched by their description.
    assert [(c.line, c.amount_changed, c.old_explanation, c.new_explanation) for c in changes.spending] == [
        ("Staff", False, "", "Why")
    ]
    same = snapshot_changes(after, after, since=1)
    assert not same.any


def test_the_snapshot_names_each_line_by_its_id(contracted):
    report = contracted.reports[0]
    submitted(contracted, report)
    staff, supplies = contracted.project.budget_lines.all()
    snapshot = report.rounds.get().snapshot
    assert [(e["line_id"], e["line"], e["amount"]) for e in snapshot["expenditure"]] == [
        (staff.pk, "Staff", "20000.00"),
        (supplies.pk, "Supplies", "10000.00"),
    ]


# E-mails to the reviewer ------------------------------------------------------------------------------


def arrived(outbox) -> list:
    return [m for m in outbox if "waits for your review" in m.subject]


def test_a_first_submission_is_sent_to_every_consultant_of_the_municipality_once(
    contracted, django_capture_on_commit_callbacks, other_municipality, settings
):
    settings.SSP_SITE_URL = "https://ssp.example.kg"
    second = MunicipalityMembershipFactory(municipality=contracted.project.municipality, consultant=True).user
    MunicipalityMembershipFactory(municipality=other_municipality, consultant=True)
    report = contracted.reports[0]
    fill(contracted, report)
    with django_capture_on_commit_callbacks(execute=True):
        report_services.report_submit(report=report, by=contracted.member)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        report_services.report_submit(report=report, by=contracted.member)  # a second click
    messages = arrived(mail.outbox)
    assert sorted(m.to[0] for m in messages) == sorted([contracted.consultant.email, second.email])
    message = messages[0]
    assert message.subject == "KRK-2026-001/1: report 1 is submitted and waits for your review"
    link = f"https://ssp.example.kg{report.get_absolute_url()}"
    assert link in message.body
    html, kind = message.alternatives[0]
    assert kind == "text/html" and f'href="{link}"' in html


def test_without_a_consultant_the_finance_staff_are_told(contracted, django_capture_on_commit_callbacks):
    MunicipalityMembership.objects.filter(role=MunicipalityMembership.Role.CONSULTANT).delete()
    report = contracted.reports[0]
    fill(contracted, report)
    with django_capture_on_commit_callbacks(execute=True):
        report_services.report_submit(report=report, by=contracted.member)
    assert [m.to for m in arrived(mail.outbox)] == [[contracted.finance.email]]


def test_a_resubmission_goes_to_the_reviewer_of_the_previous_round(
    contracted, django_capture_on_commit_callbacks, settings
):
    other = MunicipalityMembershipFactory(municipality=contracted.project.municipality, consultant=True).user
    report = contracted.reports[0]
    submitted(contracted, report)
    send_back(contracted, report, by=contracted.finance, comments={"indicators": "Recount."})
    mail.outbox.clear()
    fill(contracted, report, answers={"indicators": "Recounted."})
    with django_capture_on_commit_callbacks(execute=True):
        report_services.report_submit(report=report, by=contracted.member)
    messages = arrived(mail.outbox)
    assert [m.to for m in messages] == [[contracted.finance.email]]  # not the consultants
    assert messages[0].subject == "KRK-2026-001/1: report 1 is revised and waits for your review"
    assert "after the review of round 1" in messages[0].body
    assert other.email not in {m.to[0] for m in mail.outbox}


def test_a_resubmission_goes_to_the_consultants_when_the_reviewer_left(
    contracted, django_capture_on_commit_callbacks
):
    report = contracted.reports[0]
    submitted(contracted, report)
    leaving = MunicipalityMembershipFactory(
        municipality=contracted.project.municipality, consultant=True
    ).user
    send_back(contracted, report, by=leaving, comments={"indicators": "Recount."})
    MunicipalityMembership.objects.filter(user=leaving).delete()
    mail.outbox.clear()
    fill(contracted, report, answers={"indicators": "Recounted."})
    with django_capture_on_commit_callbacks(execute=True):
        report_services.report_submit(report=report, by=contracted.member)
    assert [m.to for m in arrived(mail.outbox)] == [[contracted.consultant.email]]


def test_the_report_page_makes_the_same_queries_however_many_rounds(contracted, client_for):
    report = contracted.reports[0]
    client = client_for(contracted.consultant)
    counts = []
    submitted(contracted, report)
    for round_number in (1, 2, 3):
        with CaptureQueriesContext(connection) as captured:
            page(client, report)
        counts.append(len(captured))
        send_back(contracted, report, comments={"narrative": f"Round {round_number}: more detail."})
        fill(contracted, report, answers={"narrative": f"Answer {round_number}."})
        report_services.report_submit(report=report, by=contracted.member)
    assert counts[0] == counts[1] == counts[2], counts


def test_the_report_pdf_keeps_the_answers_with_the_comments(contracted, django_capture_on_commit_callbacks):
    report = contracted.reports[0]
    submitted(contracted, report)
    send_back(contracted, report, comments={"narrative": "Say where the classes were held."})
    fill(contracted, report, answers={"narrative": "In the gym of school no. 3."})
    report_services.report_submit(report=report, by=contracted.member)
    with django_capture_on_commit_callbacks(execute=True):
        document = document_request(
            subject=report, kind=REPORT, requested_by=contracted.member, language="en"
        )
    document = Document.objects.get(pk=document.pk)
    assert document.state == Document.State.READY
    with document.file.open("rb") as pdf:
        text = " ".join(pdf_text(pdf.read()).split())
    assert "Narrative: Say where the classes were held. Answer: In the gym of school no. 3." in text
