from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ssp_portal.files import PrivateFileField, detect_file_type, display_name, private_upload_to

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
PDF = b"%PDF-1.7\n" + b"\x00" * 32


def office(parts: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in parts:
            archive.writestr(part, "<xml/>")
    return buffer.getvalue()


DOCX = office(["[Content_Types].xml", "word/document.xml"])
XLSX = office(["[Content_Types].xml", "xl/workbook.xml"])


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PDF, "pdf"),
        (PNG, "png"),
        (JPEG, "jpeg"),
        (DOCX, "docx"),
        (XLSX, "xlsx"),
        (b"MZ\x90\x00 a Windows program", None),
        (b"<script>alert(1)</script>", None),
        (office(["readme.txt"]), None),
        (b"PK\x03\x04 broken archive", None),
        (b"", None),
    ],
)
def test_type_is_judged_by_content(content, expected):
    detected = detect_file_type(SimpleUploadedFile("whatever.pdf", content))
    assert (detected.code if detected else None) == expected


def test_field_rejects_a_program_named_like_a_pdf():
    field = PrivateFileField()
    with pytest.raises(ValidationError) as info:
        field.clean(SimpleUploadedFile("charter.pdf", b"MZ\x90\x00program"))
    assert "allowed types" in info.value.messages[0]


def test_field_rejects_a_type_outside_its_allow_list():
    field = PrivateFileField(allowed={"pdf"})
    with pytest.raises(ValidationError) as info:
        field.clean(SimpleUploadedFile("photo.png", PNG))
    assert "PDF" in info.value.messages[0]


def test_field_rejects_a_file_over_the_limit_with_sizes_in_the_message():
    field = PrivateFileField(max_bytes=1024)
    with pytest.raises(ValidationError) as info:
        field.clean(SimpleUploadedFile("big.pdf", PDF + b"\x00" * 2048))
    message = info.value.messages[0]
    assert "limit" in message
    assert "1.0\xa0KB" in message


def test_field_accepts_an_allowed_file_and_records_its_type():
    cleaned = PrivateFileField().clean(SimpleUploadedFile("Устав.docx", DOCX))
    assert cleaned.detected_type.code == "docx"


def test_stored_names_are_random_and_keep_only_the_detected_extension():
    class Instance:
        file_extension = "pdf"

    upload_to = private_upload_to("organization-documents")
    first = upload_to(Instance(), "../../etc/passwd")
    second = upload_to(Instance(), "../../etc/passwd")
    assert first != second
    assert first.startswith("organization-documents/")
    assert first.endswith(".pdf")
    assert "passwd" not in first


def test_display_name_drops_any_path():
    assert display_name("C:\\Users\\me\\Устав.pdf") == "Устав.pdf"
    assert display_name("../../secret.pdf") == "secret.pdf"
    assert display_name("") == "file"
