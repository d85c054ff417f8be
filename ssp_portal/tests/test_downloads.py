"""Every file the portal sends is a download named by the portal, of the type its content was
checked to be, that no browser may read as another type."""

from __future__ import annotations

import datetime
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from monitoring.services import reports as report_services
from organizations.documents import REGISTRATION_CARD
from organizations.models import OrganizationDocument
from organizations.services import organizations as organization_services
from procurement.factories import (
    ApplicationFactory,
    CompetitionFactory,
    RequiredDocumentFactory,
    mark_submitted,
)
from procurement.services import attachments as attachment_services
from ssp_portal.documents.services import document_request
from ssp_portal.downloads import ascii_filename, content_disposition, download_filename
from ssp_portal.files import DOCUMENT_TYPES, IMAGE_TYPES, PrivateFileField
from ssp_portal.tests import samples

pytestmark = pytest.mark.django_db

# What an uploader may call a file: a path, quotes and a header of their own, markup, a program.
HOSTILE_NAME = '..\\..\\evil"; filename="run.exe\r\nX-Injected: yes <script>.pdf'


def checked(content: bytes, allowed=DOCUMENT_TYPES):
    return PrivateFileField(allowed=allowed).clean(SimpleUploadedFile(HOSTILE_NAME, content))


def filenames(response) -> tuple[str, str]:
    """The ASCII ``filename`` and the UTF-8 ``filename*`` of an attachment (the first when alone)."""
    header = response["Content-Disposition"]
    assert header.startswith('attachment; filename="')
    fallback = header.split('filename="', 1)[1].split('"', 1)[0]
    utf8 = unquote(header.split("filename*=UTF-8''", 1)[1]) if "filename*=" in header else fallback
    return fallback, utf8


def assert_served_safely(response, content_type: str) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    header = response["Content-Disposition"]
    for part in ("evil", "run.exe", "script", "Injected", "\r", "\n", ".."):
        assert part not in header


# The naming ----------------------------------------------------------------------------------


def test_a_cyrillic_name_goes_out_in_utf_8_with_a_transliterated_ascii_fallback():
    name = download_filename("KRK-2026-003-0001", "Устав организации", 12, extension="pdf")
    assert name == "KRK-2026-003-0001 Устав организации 12.pdf"
    header = content_disposition(name)
    assert header.startswith('attachment; filename="KRK-2026-003-0001-Ustav-organizatsii-12.pdf"; ')
    assert unquote(header.split("filename*=UTF-8''")[1]) == name
    assert ascii_filename("Күбөлүк ңжёЩ.pdf") == "Kuboluk-ngzhyoShch.pdf"


def test_an_ascii_name_goes_out_once():
    assert content_disposition("receipt-KRK-2026-003-0001.pdf") == (
        'attachment; filename="receipt-KRK-2026-003-0001.pdf"'
    )


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("a/b\\c", 'd"e', "f;g"), "a-b-c d-e f-g.pdf"),
        (("line\r\nbreak", "\x00nul"), "line-break -nul.pdf"),
        (("..", "."), "file.pdf"),
        (("", None), "file.pdf"),
        (("Ж" * 300,), "Ж" * 120 + ".pdf"),
    ],
)
def test_a_name_keeps_nothing_a_file_name_or_a_header_must_not_hold(parts, expected):
    assert download_filename(*parts, extension="pdf") == expected


def test_an_unknown_extension_is_bin():
    assert download_filename("x", extension="../p d f") == "x.pdf"
    assert download_filename("x", extension="") == "x.bin"


# The views -----------------------------------------------------------------------------------


def test_an_application_attachment_is_named_by_the_reference_then_the_receipt_number(
    organization, nco_member, client_for
):
    competition = CompetitionFactory(published=True)
    document = RequiredDocumentFactory(
        competition=competition, name="Charter", name_ru="Устав организации", name_ky="Уюмдун уставы"
    )
    application = ApplicationFactory(competition=competition, organization=organization)
    attachment = attachment_services.application_attach(
        application=application, by=nco_member, file=checked(samples.pdf_bytes()), required_document=document
    )
    nco_member.language = "ru"
    nco_member.save(update_fields=["language"])
    client = client_for(nco_member)

    response = client.get(attachment.get_absolute_url())
    assert_served_safely(response, "application/pdf")
    reference = competition.reference
    assert filenames(response) == (
        f"{reference}-Ustav-organizatsii-{attachment.pk}.pdf",
        f"{reference} Устав организации {attachment.pk}.pdf",
    )
    assert b"".join(response.streaming_content) == samples.pdf_bytes()

    mark_submitted(application)
    response = client.get(attachment.get_absolute_url())
    assert filenames(response)[1] == f"{application.receipt_number} Устав организации {attachment.pk}.pdf"


def test_an_image_attached_to_an_application_is_a_download_of_its_checked_type(
    organization, nco_member, client_for
):
    application = ApplicationFactory(organization=organization)
    attachment = attachment_services.application_attach(
        application=application, by=nco_member, file=checked(samples.png_html_polyglot())
    )
    response = client_for(nco_member).get(attachment.get_absolute_url())
    assert_served_safely(response, "image/png")
    assert filenames(response)[0] == f"{application.competition.reference}-attachment-{attachment.pk}.png"
    assert b"<script" not in b"".join(response.streaming_content)


def test_an_organization_document_is_named_by_the_registration_number_and_its_kind(
    organization, nco_member, client_for
):
    document = organization_services.organization_document_add(
        organization=organization,
        by=nco_member,
        kind=OrganizationDocument.Kind.CHARTER,
        file=checked(samples.pdf_bytes()),
    )
    response = client_for(nco_member).get(document.get_absolute_url())
    assert_served_safely(response, "application/pdf")
    number = organization.registration_number  # "000001-3301-ОФ"
    assert filenames(response) == (
        f"{number.replace('ОФ', 'OF')}-Charter-{document.pk}.pdf",
        f"{number} Charter {document.pk}.pdf",
    )


def test_a_report_attachment_is_named_by_the_contract_the_report_and_what_it_is(contracted, client_for):
    report = contracted.reports[0]
    attachment = report_services.report_attach(
        report=report,
        by=contracted.member,
        kind="receipt",
        file=checked(samples.xlsx_bytes()),
    )
    response = client_for(contracted.member).get(attachment.get_absolute_url())
    assert_served_safely(response, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert filenames(response)[0] == (
        f"KRK-2026-001-1-Interim-report-1-Receipt-or-invoice-{attachment.pk}.xlsx"
    )


def test_a_site_visit_photo_is_a_download_named_by_the_contract_and_the_day(contracted, client_for):
    visit = report_services.site_visit_record(
        project=contracted.project,
        by=contracted.consultant,
        data={
            "visited_on": datetime.date(2026, 3, 2),
            "visitors": "A. Consultant",
            "observed": "Classes.",
            "findings": "Fine.",
        },
        photos=[checked(samples.image_bytes("JPEG"), IMAGE_TYPES)],
    )
    photo = visit.photos.get()
    response = client_for(contracted.consultant).get(photo.get_absolute_url())
    assert_served_safely(response, "image/jpeg")
    assert filenames(response)[0] == f"KRK-2026-001-1-site-visit-photo-2026-03-02-{photo.pk}.jpg"


def test_a_generated_document_is_a_download_with_nosniff(
    organization, nco_member, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        document = document_request(
            subject=organization, kind=REGISTRATION_CARD, requested_by=nco_member, language="en"
        )
    response = client_for(nco_member).get(reverse("documents:download", args=[document.pk]))
    assert_served_safely(response, "application/pdf")
    assert filenames(response)[0].startswith("registration-card-")
