"""An organization's own documents attached to an application without an upload: the application
gets its own copy (new stored name, the upload's checks and audit event), so its receipt still
verifies after the organization replaces or removes the document."""

from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.factories import PDF_BYTES, OrganizationDocumentFactory, OrganizationMembershipFactory
from organizations.models import OrganizationDocument
from organizations.services import organizations as organization_services
from procurement import receipts, rules
from procurement.factories import (
    ApplicationFactory,
    CompetitionFactory,
    RequiredDocumentFactory,
    fill_application,
)
from procurement.models import Application, ApplicationAttachment, Competition
from procurement.selectors import fitting_required_document
from procurement.services import applications as services
from procurement.services import attachments as attachment_services
from ssp_portal.audit.models import AuditEvent
from ssp_portal.files import PDF, CheckedUpload, PrivateFileField
from ssp_portal.tests.samples import pdf_bytes, photo_bytes

pytestmark = pytest.mark.django_db

CHARTER_BYTES = pdf_bytes(["Charter of the organization", "Adopted by the founders"])


@pytest.fixture
def competition(municipality):
    """In place of the shared one (conftest.py): a competition that asks for three documents, so
    that the organization's own files can fill them."""
    competition = CompetitionFactory(municipality=municipality, published=True)
    RequiredDocumentFactory(competition=competition, name="Charter of the organization", position=0)
    RequiredDocumentFactory(competition=competition, name="Certificate of state registration", position=1)
    RequiredDocumentFactory(competition=competition, name="Certificate of no tax arrears", position=2)
    return competition


@pytest.fixture
def charter(organization, nco_member):
    file = CheckedUpload(ContentFile(CHARTER_BYTES, name="Устав.pdf"), PDF)
    return organization_services.organization_document_add(
        organization=organization, by=nco_member, kind=OrganizationDocument.Kind.CHARTER, file=file
    )


def required(competition, name):
    return competition.required_documents.get(name=name)


def attach_url(application, document):
    return reverse("procurement:attachment-from-organization", args=[application.pk, document.pk])


def post(client, application, document, required_document=None):
    value = required_document.pk if required_document else ""
    return client.post(
        attach_url(application, document), {f"document-{document.pk}-required_document": value}
    )


def missing_documents(application) -> list[str]:
    application = Application.objects.get(pk=application.pk)
    return [p for p in rules.application_problems(application) if p.startswith("Attach:")]


# Attaching ------------------------------------------------------------------------------------------


def test_a_member_attaches_the_charter_as_a_copy_of_its_own(
    draft, charter, competition, nco_member, client_for
):
    before = missing_documents(draft)
    response = post(
        client_for(nco_member), draft, charter, required(competition, "Charter of the organization")
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#section-attachments")

    attachment = draft.attachments.get()
    assert attachment.required_document.name == "Charter of the organization"
    assert attachment.original_name == "Устав.pdf"
    assert (attachment.content_type, attachment.size) == ("application/pdf", len(CHARTER_BYTES))
    assert attachment.sha256 == hashlib.sha256(CHARTER_BYTES).hexdigest()
    assert attachment.uploaded_by == nco_member
    # Its own stored file: a new random name, the same bytes.
    assert attachment.file.name != charter.file.name
    assert attachment.file.name.startswith("application-attachments/")
    with attachment.file.open("rb") as stored:
        assert stored.read() == CHARTER_BYTES
    assert missing_documents(draft) == [m for m in before if m != "Attach: Charter of the organization."]
    assert len(missing_documents(draft)) == len(before) - 1


def test_the_copy_and_an_upload_write_the_same_audit_event(
    draft, charter, competition, nco_member, client_for
):
    client = client_for(nco_member)
    post(client, draft, charter, required(competition, "Charter of the organization"))
    client.post(
        reverse("procurement:attachment-upload", args=[draft.pk]),
        {"required_document": "", "file": SimpleUploadedFile("plan.pdf", PDF_BYTES)},
    )
    copied, uploaded = AuditEvent.objects.filter(verb="application.file_attached").order_by("pk")
    assert copied.target_id == uploaded.target_id == str(draft.pk)
    assert copied.details["source"] == "organization_document"
    assert copied.details["organization_document"] == charter.pk
    assert copied.details["required_document"] == "Charter of the organization"
    assert uploaded.details["source"] == "upload"
    # Sealed: the events name no file and no organization.
    for event in (copied, uploaded):
        assert "Устав" not in str(event.details) and "plan.pdf" not in str(event.details)
        assert draft.organization.name not in event.target_label


def test_the_receipt_still_verifies_after_the_organization_replaces_and_removes_the_document(
    draft, charter, competition, nco_member, django_capture_on_commit_callbacks
):
    attachment_services.application_attach_organization_document(
        application=draft,
        by=nco_member,
        document=charter,
        required_document=required(competition, "Charter of the organization"),
    )
    fill_application(draft)  # the other required documents, and every section
    submitted = services.application_submit(application=Application.objects.get(pk=draft.pk), by=nco_member)
    assert receipts.verify(receipt_number=submitted.receipt_number, digest=submitted.digest)

    # The organization uploads a new charter and removes the old one, file and all.
    new = CheckedUpload(ContentFile(pdf_bytes(["Amended charter"]), name="Устав 2026.pdf"), PDF)
    organization_services.organization_document_add(
        organization=draft.organization, by=nco_member, kind=OrganizationDocument.Kind.CHARTER, file=new
    )
    storage, old_name = charter.file.storage, charter.file.name
    with django_capture_on_commit_callbacks(execute=True):
        organization_services.organization_document_remove(document=charter, by=nco_member)
    assert not storage.exists(old_name)

    # The application's own copy still gives the digest of its receipt.
    assert receipts.compute(Application.objects.get(pk=submitted.pk)) == submitted.digest
    copy = submitted.attachments.get(sha256=hashlib.sha256(CHARTER_BYTES).hexdigest())
    with copy.file.open("rb") as stored:
        assert stored.read() == CHARTER_BYTES


def test_the_same_document_twice_for_the_same_requirement_is_refused(
    draft, charter, competition, nco_member, client_for
):
    client = client_for(nco_member)
    document = required(competition, "Charter of the organization")
    post(client, draft, charter, document)
    response = post(client, draft, charter, document)  # a double click
    assert response.status_code == 400
    assert "This document is attached already." in response.content.decode()
    assert draft.attachments.count() == 1


def test_a_scanned_document_twice_is_refused_too_though_each_copy_is_encoded_again(
    draft, organization, competition, nco_member, client_for
):
    """A photo's copy is encoded again, as an upload is: the copies are told apart by what is stored."""
    scan = organization_services.organization_document_add(
        organization=organization,
        by=nco_member,
        kind=OrganizationDocument.Kind.CHARTER,
        file=PrivateFileField().clean(SimpleUploadedFile("charter.jpg", photo_bytes())),
    )
    client = client_for(nco_member)
    document = required(competition, "Charter of the organization")
    assert post(client, draft, scan, document).status_code == 302
    response = post(client, draft, scan, document)
    assert response.status_code == 400
    assert "This document is attached already." in response.content.decode()
    assert draft.attachments.count() == 1


# The upload's rules -----------------------------------------------------------------------------------


def test_a_document_that_is_not_an_allowed_type_by_its_content_is_refused(
    draft, organization, competition, nco_member, client_for
):
    text = OrganizationDocumentFactory(
        organization=organization, file=ContentFile(b"just some text", name="charter.pdf")
    )
    response = post(client_for(nco_member), draft, text, required(competition, "Charter of the organization"))
    assert response.status_code == 400
    assert "not one of the allowed types" in response.content.decode()
    assert not ApplicationAttachment.objects.exists()


def test_a_document_over_the_upload_limit_is_refused(
    draft, charter, competition, nco_member, client_for, settings
):
    settings.SSP_UPLOAD_MAX_BYTES = len(CHARTER_BYTES) - 1
    response = post(
        client_for(nco_member), draft, charter, required(competition, "Charter of the organization")
    )
    assert response.status_code == 400
    assert "the limit is" in response.content.decode()
    assert not ApplicationAttachment.objects.exists()


def test_the_copy_counts_towards_the_applications_limit(
    draft, charter, competition, nco_member, client_for, settings
):
    settings.SSP_APPLICATION_MAX_BYTES = len(CHARTER_BYTES) + 10
    client = client_for(nco_member)
    client.post(
        reverse("procurement:attachment-upload", args=[draft.pk]),
        {"required_document": "", "file": SimpleUploadedFile("plan.pdf", PDF_BYTES)},
    )
    response = post(client, draft, charter, required(competition, "Charter of the organization"))
    assert response.status_code == 400
    assert "in all" in response.content.decode()
    assert draft.attachments.count() == 1


def test_a_document_missing_from_storage_gets_a_message_not_an_error(
    draft, charter, competition, nco_member, client_for
):
    charter.file.storage.delete(charter.file.name)
    response = post(
        client_for(nco_member), draft, charter, required(competition, "Charter of the organization")
    )
    assert response.status_code == 400
    assert "cannot be read; upload the file instead" in response.content.decode()
    assert not ApplicationAttachment.objects.exists()


def test_a_requirement_of_another_competition_is_refused(
    draft, charter, nco_member, client_for, municipality
):
    elsewhere = RequiredDocumentFactory(
        competition=CompetitionFactory(municipality=municipality, published=True)
    )
    response = post(client_for(nco_member), draft, charter, elsewhere)
    assert response.status_code == 400
    assert not ApplicationAttachment.objects.exists()
    with pytest.raises(Exception, match="not one this competition asks for"):
        attachment_services.application_attach_organization_document(
            application=draft, by=nco_member, document=charter, required_document=elsewhere
        )


# Who, what, when ----------------------------------------------------------------------------------


def test_only_the_organizations_own_documents(draft, nco_member, client_for, other_organization):
    theirs = OrganizationDocumentFactory(organization=other_organization)
    # A member of both organizations still cannot attach the other's document to this application.
    OrganizationMembershipFactory(user=nco_member, organization=other_organization)
    assert post(client_for(nco_member), draft, theirs).status_code == 404
    with pytest.raises(PermissionDenied):
        attachment_services.application_attach_organization_document(
            application=draft, by=nco_member, document=theirs
        )
    assert not ApplicationAttachment.objects.exists()


def test_a_guessed_document_id_is_404(draft, charter, nco_member, client_for):
    url = reverse("procurement:attachment-from-organization", args=[draft.pk, charter.pk + 1000])
    assert client_for(nco_member).post(url, {}).status_code == 404


def test_a_submitted_application_or_a_passed_deadline_changes_nothing(
    draft, charter, competition, nco_member, client_for, organization
):
    client = client_for(nco_member)
    submitted = ApplicationFactory(
        competition=CompetitionFactory(municipality=competition.municipality, published=True),
        organization=organization,
        submit=True,
    )
    count = ApplicationAttachment.objects.count()
    response = client.post(attach_url(submitted, charter), {}, follow=True)
    assert "This application can no longer be changed." in response.content.decode()
    Competition.objects.filter(pk=competition.pk).update(state=Competition.State.CLOSED)
    response = client.post(attach_url(draft, charter), {}, follow=True)
    assert "This application can no longer be changed." in response.content.decode()
    assert ApplicationAttachment.objects.count() == count
    with pytest.raises(Exception, match="can no longer change"):
        attachment_services.application_attach_organization_document(
            application=draft, by=nco_member, document=charter
        )


# The page ------------------------------------------------------------------------------------------


def test_the_draft_offers_each_document_for_the_requirement_it_fits(
    draft, charter, organization, competition, nco_member, client_for
):
    certificate = OrganizationDocumentFactory(
        organization=organization,
        kind=OrganizationDocument.Kind.REGISTRATION_CERTIFICATE,
        original_name="certificate.pdf",
    )
    client = client_for(nco_member)
    page = client.get(draft.get_absolute_url()).content.decode()
    for document, fits in (
        (charter, "Charter of the organization"),
        (certificate, "Certificate of state registration"),
    ):
        assert attach_url(draft, document) in page
        selected = f'<option value="{required(competition, fits).pk}" selected>{fits}</option>'
        assert selected in page
    assert page.count("Attach from the organization's documents") == 2

    post(client, draft, charter, required(competition, "Charter of the organization"))
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "Attached as: Charter of the organization" in page
    assert attach_url(draft, charter) not in page
    assert attach_url(draft, certificate) in page


def test_without_documents_the_draft_says_where_to_keep_them(draft, nco_member, client_for):
    page = client_for(nco_member).get(draft.get_absolute_url()).content.decode()
    assert "Keep your charter and registration certificate among your organization" in page
    assert draft.organization.get_absolute_url() in page


def test_a_submitted_application_offers_no_documents(
    charter, organization, nco_member, client_for, competition
):
    submitted = ApplicationFactory(competition=competition, organization=organization, submit=True)
    page = client_for(nco_member).get(submitted.get_absolute_url()).content.decode()
    assert 'data-testid="organization-documents"' not in page


def test_the_draft_page_takes_the_same_queries_for_one_document_or_many(
    draft, charter, organization, nco_member, client_for
):
    client = client_for(nco_member)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(draft.get_absolute_url()).status_code == 200
        return len(captured)

    count()
    one = count()
    for _ in range(5):
        OrganizationDocumentFactory(organization=organization, kind=OrganizationDocument.Kind.OTHER)
    assert count() == one


# Which requirement a document fits ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "name", "fits"),
    [
        ("charter", "Charter of the organization", True),
        ("charter", "Устав организации", True),
        ("charter", "Уюмдун уставы", True),
        ("registration_certificate", "Certificate of state registration", True),
        ("registration_certificate", "Свидетельство о государственной регистрации", True),
        ("registration_certificate", "Мамлекеттик каттоодон өткөндүгү тууралуу күбөлүк", True),
        ("registration_certificate", "Certificate of no tax arrears", False),
        ("charter", "Certificate of state registration", False),
        ("other", "Charter of the organization", False),
    ],
)
def test_a_document_fits_the_requirement_its_name_asks_for(competition, kind, name, fits):
    document = RequiredDocumentFactory(competition=competition, name=name + " ")
    assert (fitting_required_document(kind, [document]) == document) is fits


def test_a_requirement_still_missing_is_preferred(competition):
    first = RequiredDocumentFactory(competition=competition, name="Charter (copy)")
    second = RequiredDocumentFactory(competition=competition, name="Charter (notarised)")
    assert fitting_required_document("charter", [first, second]) == first
    assert fitting_required_document("charter", [first, second], attached={first.pk}) == second
