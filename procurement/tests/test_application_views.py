"""The application's pages: bad input by the field, uploads, receipts, lists, reminders."""

from __future__ import annotations

import datetime
import hashlib
import io
import zipfile
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from organizations.factories import PDF_BYTES, OrganizationMembershipFactory
from procurement.factories import (
    ApplicationFactory,
    CompetitionFactory,
    EligibilityRequirementFactory,
    fill_application,
    mark_submitted,
)
from procurement.models import Application, ApplicationAttachment
from procurement.services.reminders import remind_unsent_drafts
from procurement.tasks import remind_unsent_drafts as remind_task
from ssp_portal.notifications.models import Reminder
from ssp_portal.tests import samples
from ssp_portal.tests.samples import image_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_client(nco_member, client_for):
    return client_for(nco_member)


def test_apply_from_the_competition_page(competition, organization, member_client):
    page = member_client.get(competition.get_absolute_url()).content.decode()
    assert f"Apply for {organization.name}" in page.replace("&quot;", '"')
    response = member_client.post(
        reverse("procurement:application-start", args=[competition.reference]),
        {"organization": organization.pk},
    )
    application = Application.objects.get()
    assert response["Location"] == application.get_absolute_url()
    # A second press opens the same application.
    member_client.post(
        reverse("procurement:application-start", args=[competition.reference]),
        {"organization": organization.pk},
    )
    assert Application.objects.count() == 1


def test_an_organization_of_someone_else_cannot_be_chosen(competition, member_client, other_organization):
    member_client.post(
        reverse("procurement:application-start", args=[competition.reference]),
        {"organization": other_organization.pk},
    )
    assert not Application.objects.exists()


def budget_data(**overrides) -> dict:
    data = {
        "requested_amount": "150000",
        "cofinancing_own": "10000",
        "cofinancing_other": "0",
        "cofinancing_sources": "",
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-0-category": "staff",
        "lines-0-description": "Worker",
        "lines-0-unit": "month",
        "lines-0-quantity": "6",
        "lines-0-unit_cost": "10000",
        "lines-1-category": "premises",
        "lines-1-description": "Shelter",
        "lines-1-unit": "month",
        "lines-1-quantity": "3",
        "lines-1-unit_cost": "30000",
    }
    data.update(overrides)
    return data


def test_the_budget_page_saves_amounts_and_lines(draft, member_client):
    response = member_client.post(reverse("procurement:application-budget", args=[draft.pk]), budget_data())
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.requested_amount == Decimal("150000")
    assert draft.budget_total == Decimal("150000.00")
    page = member_client.get(draft.get_absolute_url()).content.decode()
    assert "KGS\u00a0150,000" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("requested_amount", "-100", "The amount must be more than zero."),
        ("requested_amount", "0", "The amount must be more than zero."),
        ("requested_amount", "100.555", "Soms have at most two decimals (tyiyn)."),
        ("requested_amount", "99999999999999", "This amount is far larger than any grant; check the digits."),
        ("requested_amount", "1e400", "Enter an amount in soms, for example 150000 or 150000.50."),
        ("requested_amount", "сто тысяч", "Enter an amount in soms, for example 150000 or 150000.50."),
        ("cofinancing_own", "-1", "The amount cannot be negative."),
    ],
)
def test_bad_amounts_are_refused_beside_the_field(draft, member_client, field, value, message):
    response = member_client.post(
        reverse("procurement:application-budget", args=[draft.pk]), budget_data(**{field: value})
    )
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert f'id="error_1_id_{field}"' in response.content.decode()
    draft.refresh_from_db()
    assert draft.requested_amount is None
    assert not draft.budget_lines.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("lines-0-unit_cost", "0", "The amount must be more than zero."),
        ("lines-0-quantity", "-2", "The quantity must be more than zero."),
        ("lines-0-quantity", "1.234", "At most two decimals."),
        ("lines-0-unit_cost", "abc", "Enter an amount in soms"),
    ],
)
def test_bad_budget_lines_are_refused_beside_the_field(draft, member_client, field, value, message):
    response = member_client.post(
        reverse("procurement:application-budget", args=[draft.pk]), budget_data(**{field: value})
    )
    row_field = field.split("-")[-1]
    errors = response.context["formset"].forms[0].errors[row_field]
    assert any(message in error for error in errors), errors
    assert not draft.budget_lines.exists()


def test_activities_months_are_checked(draft, member_client):
    response = member_client.post(
        reverse("procurement:application-activities", args=[draft.pk]),
        {
            "activities-TOTAL_FORMS": "1",
            "activities-INITIAL_FORMS": "0",
            "activities-0-title": "Outreach",
            "activities-0-start_month": "5",
            "activities-0-end_month": "2",
        },
    )
    assert response.context["formset"].forms[0].errors["end_month"] == [
        "An activity cannot end before it starts."
    ]
    assert not draft.activities.exists()


def test_html_and_script_are_shown_as_text(draft, member_client):
    member_client.post(
        reverse("procurement:application-section", args=[draft.pk, "project"]),
        {"project_title": "<script>alert('x')</script>", "summary": "<img src=x onerror=alert(1)>"},
    )
    page = member_client.get(draft.get_absolute_url()).content.decode()
    assert "<script>alert('x')</script>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "<img src=x onerror=alert(1)>" not in page


# Uploads -------------------------------------------------------------------------------------------


def upload(client, application, name: str, content: bytes, document=None):
    return client.post(
        reverse("procurement:attachment-upload", args=[application.pk]),
        {"required_document": document.pk if document else "", "file": SimpleUploadedFile(name, content)},
    )


def test_a_renamed_executable_is_refused(draft, member_client):
    response = upload(member_client, draft, "charter.pdf", b"MZ\x90\x00\x03\x00\x00\x00 program")
    assert response.status_code == 400
    assert "not one of the allowed types" in response.context["attachment_form"].errors["file"][0]
    assert not ApplicationAttachment.objects.exists()


def test_an_oversize_file_is_refused_with_its_size(draft, member_client, settings):
    settings.SSP_UPLOAD_MAX_BYTES = 1024
    response = upload(member_client, draft, "charter.pdf", PDF_BYTES + b"0" * 2000)
    assert response.status_code == 400
    assert "the limit is 1.0\xa0KB" in response.context["attachment_form"].errors["file"][0]
    assert not ApplicationAttachment.objects.exists()


def test_a_path_traversal_name_is_display_text_only(draft, member_client, competition, settings):
    document = competition.required_documents.get()
    response = upload(member_client, draft, "../../../etc/passwd<b>.pdf", PDF_BYTES, document)
    assert response.status_code == 302
    attachment = ApplicationAttachment.objects.get()
    assert attachment.original_name == "passwd<b>.pdf"
    assert attachment.file.name.startswith("application-attachments/")
    assert ".." not in attachment.file.name and "passwd" not in attachment.file.name
    assert attachment.file.storage.exists(attachment.file.name)
    page = member_client.get(draft.get_absolute_url()).content.decode()
    assert "passwd&lt;b&gt;.pdf" in page


def test_allowed_office_files_and_images_are_accepted(draft, member_client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<x/>")
        archive.writestr("xl/workbook.xml", "<x/>")
    for name, content in [
        ("budget.xlsx", buffer.getvalue()),
        ("photo.jpg", image_bytes("JPEG")),
        ("scan.png", image_bytes("PNG")),
    ]:
        assert upload(member_client, draft, name, content).status_code == 302, name
    assert sorted(draft.attachments.values_list("content_type", flat=True)) == [
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "image/jpeg",
        "image/png",
    ]


def test_an_uploaded_file_downloads_as_it_was(draft, member_client):
    upload(member_client, draft, "Устав.pdf", PDF_BYTES)
    attachment = ApplicationAttachment.objects.get()
    response = member_client.get(attachment.get_absolute_url())
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"


# Submitting through the page --------------------------------------------------------------------


def test_the_page_lists_what_is_missing_and_submitting_says_it_again(draft, member_client):
    page = member_client.get(draft.get_absolute_url()).content.decode()
    assert "Still missing before you can submit" in page
    assert "Attach: Charter." in page
    response = member_client.post(reverse("procurement:application-submit", args=[draft.pk]), follow=True)
    assert "The application was not submitted:" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == Application.State.DRAFT


def test_submitting_shows_the_receipt_and_a_second_click_shows_it_again(draft, member_client):
    fill_application(draft)
    response = member_client.post(reverse("procurement:application-submit", args=[draft.pk]))
    assert response["Location"] == reverse("procurement:application-receipt", args=[draft.pk])
    draft.refresh_from_db()
    page = member_client.get(response["Location"]).content.decode()
    assert draft.receipt_number in page
    assert draft.digest in page
    assert "ssp-application-v1" in page
    again = member_client.post(reverse("procurement:application-submit", args=[draft.pk]), follow=True)
    assert "already submitted" in again.content.decode()
    assert Application.objects.exclude(receipt_number=None).count() == 1


def test_the_verification_page(draft, member_client, client):
    fill_application(draft)
    member_client.post(reverse("procurement:application-submit", args=[draft.pk]))
    draft.refresh_from_db()
    url = reverse("procurement:receipt-verify")
    match = client.get(url, {"receipt_number": draft.receipt_number, "digest": draft.digest.upper()})
    assert match.context["result"] is True
    page = match.content.decode()
    assert "Matches." in page
    assert draft.project_title not in page  # nothing of the application is shown
    wrong = client.get(url, {"receipt_number": draft.receipt_number, "digest": "f" * 64})
    assert wrong.context["result"] is False
    malformed = client.get(url, {"receipt_number": draft.receipt_number, "digest": "xyz"})
    assert malformed.context["result"] is None
    assert "A digest is 64 characters" in malformed.content.decode()


@pytest.mark.parametrize(
    "typed",
    [
        str.lower,  # krk-2026-001-0001
        lambda number: f" {number} ",
        lambda number: number.replace("-", "\u2013"),  # en dashes, as a word processor writes them
        lambda number: number.replace("-", " \u2014 ").lower(),
    ],
)
def test_a_receipt_number_typed_another_way_still_matches(draft, member_client, client, typed):
    fill_application(draft)
    member_client.post(reverse("procurement:application-submit", args=[draft.pk]))
    draft.refresh_from_db()
    number = typed(draft.receipt_number)
    assert number != draft.receipt_number
    response = client.get(
        reverse("procurement:receipt-verify"), {"receipt_number": number, "digest": draft.digest}
    )
    assert response.context["result"] is True
    assert "Matches." in response.content.decode()


# Lists ---------------------------------------------------------------------------------------------


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_my_applications_shows_the_next_step_in_fixed_queries(organization, nco_member, member_client):
    url = reverse("procurement:my-applications")
    ApplicationFactory(organization=organization)
    queries(member_client, url)
    few = queries(member_client, url)
    for _ in range(8):
        ApplicationFactory(organization=organization, submit=True)
    assert queries(member_client, url) == few
    assert "Complete every section and submit before the deadline." in member_client.get(url).content.decode()


def test_staff_list_filters_and_keeps_its_query_count(municipality, finance_staff, client_for):
    competition = CompetitionFactory(municipality=municipality, past_deadline=True)
    client = client_for(finance_staff)
    url = reverse("procurement:competition-applications", args=[competition.reference])
    for _ in range(3):
        ApplicationFactory(competition=competition, submit=True)
    queries(client, url)
    few = queries(client, url)
    for _ in range(20):
        ApplicationFactory(competition=competition, submit=True)
    assert queries(client, url) == few
    big = ApplicationFactory(competition=competition, complete=True)
    Application.objects.filter(pk=big.pk).update(requested_amount=Decimal("190000"))

    mark_submitted(Application.objects.get(pk=big.pk))
    response = client.get(url, {"min_amount": "180000"})
    assert [a.pk for a in response.context["page"].object_list] == [big.pk]
    response = client.get(url, {"organization": big.organization.name[-6:]})
    assert big.pk in [a.pk for a in response.context["page"].object_list]
    assert list(client.get(url, {"state": "eligible"}).context["page"].object_list) == []


def test_screening_through_the_page(
    municipality, finance_staff, client_for, django_capture_on_commit_callbacks
):
    competition = CompetitionFactory(municipality=municipality, past_deadline=True)
    requirement = EligibilityRequirementFactory(competition=competition, text="Registered for a year")
    application = ApplicationFactory(competition=competition, submit=True)
    member = OrganizationMembershipFactory(organization=application.organization).user
    client = client_for(finance_staff)
    url = reverse("procurement:application-screen", args=[application.pk])
    response = client.post(url, {"decision": "ineligible", "note": ""})
    assert response.context["form"].errors["requirement"] == [
        "Choose the requirement the application does not meet."
    ]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url, {"decision": "ineligible", "requirement": requirement.pk, "note": "Registered in 2025"}
        )
    application.refresh_from_db()
    assert application.state == Application.State.INELIGIBLE
    page = client_for(member).get(application.get_absolute_url()).content.decode()
    assert "Registered for a year" in page
    assert "Registered in 2025" in page


# Reminders -------------------------------------------------------------------------------------------


def test_draft_reminders_7_3_and_1_days_before_are_each_sent_once(
    municipality, organization, nco_member, django_capture_on_commit_callbacks
):
    colleague = OrganizationMembershipFactory(organization=organization).user
    deadline = timezone.now() + datetime.timedelta(days=10)
    competition = CompetitionFactory(municipality=municipality, published=True, deadline=deadline)
    ApplicationFactory(competition=competition, organization=organization)  # a draft
    ApplicationFactory(competition=competition, submit=True)  # submitted: no reminder
    members = {nco_member.email, colleague.email}

    def run(at: datetime.datetime) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return remind_unsent_drafts(now=at)

    assert run(deadline - datetime.timedelta(days=8)) == 0  # too early
    for days in (7, 3, 1):
        moment = deadline - datetime.timedelta(days=days, minutes=-5)
        assert run(moment) == 2
        assert run(moment) == 0  # the beat task runs again: nothing twice
        sent = [m for m in mail.outbox if f"{days} day" in m.subject]
        assert {m.to[0] for m in sent} == members
    assert run(deadline + datetime.timedelta(seconds=1)) == 0
    assert Reminder.objects.count() == 6
    assert len(mail.outbox) == 6


def test_the_beat_task_twice_sends_each_reminder_once(municipality, organization, nco_member):
    competition = CompetitionFactory(
        municipality=municipality, published=True, deadline=timezone.now() + datetime.timedelta(days=2)
    )
    ApplicationFactory(competition=competition, organization=organization)
    assert remind_task.delay().get() == 1
    assert remind_task.delay().get() == 0
    assert Reminder.objects.get().key.endswith(":3d")


def test_a_pdf_with_a_script_is_refused_beside_the_field_and_nothing_is_stored(draft, member_client):
    hostile = samples.pdf_in_object_stream(catalog=f"/OpenAction {samples.JAVASCRIPT_ACTION}")
    response = upload(member_client, draft, "charter.pdf", hostile)
    assert response.status_code == 400
    [message] = response.context["attachment_form"].errors["file"]
    assert "Save the document as PDF without scripts" in message
    assert "Save the document as PDF without scripts" in response.content.decode()
    assert not ApplicationAttachment.objects.exists()


def test_an_image_is_stored_as_encoded_again_and_its_digest_is_of_the_stored_file(draft, member_client):
    polyglot = samples.png_html_polyglot()
    assert upload(member_client, draft, "plan.png", polyglot).status_code == 302
    attachment = ApplicationAttachment.objects.get()
    with attachment.file.open("rb") as stored_file:
        stored = stored_file.read()
    assert b"<script" not in stored
    assert stored != polyglot
    assert attachment.size == len(stored)
    assert attachment.sha256 == hashlib.sha256(stored).hexdigest()
