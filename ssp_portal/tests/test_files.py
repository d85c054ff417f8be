from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from monitoring.models import SiteVisitPhoto
from ssp_portal import file_checks
from ssp_portal.files import (
    CheckedUpload,
    PrivateFileField,
    detect_file_type,
    display_name,
    private_upload_to,
)
from ssp_portal.private_files import store
from ssp_portal.tests import samples

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


def test_field_hands_over_a_checked_upload_named_for_display_only():
    cleaned = PrivateFileField().clean(SimpleUploadedFile("C:\\Мои документы\\Устав.docx", DOCX))
    assert isinstance(cleaned, CheckedUpload)
    assert cleaned.original_name == "Устав.docx"
    assert cleaned.read() == DOCX


def test_store_refuses_an_upload_the_field_did_not_check():
    with pytest.raises(ValueError, match="PrivateFileField"):
        store(SiteVisitPhoto(), SimpleUploadedFile("charter.docx", DOCX))


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


# What a file holds ---------------------------------------------------------------------------


def refusal(content: bytes, name: str = "upload", **field) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        PrivateFileField(**field).clean(SimpleUploadedFile(name, content))
    return info.value


def accepted(content: bytes, name: str = "upload", **field):
    return PrivateFileField(**field).clean(SimpleUploadedFile(name, content))


def annotation(entries: str) -> dict[str, object]:
    """A page with one annotation (object 6) holding ``entries``."""
    return {
        "page": "/Annots [6 0 R]",
        "objects": [f"<< /Type /Annot /Rect [0 0 10 10] {entries} >>"],
    }


JS = samples.JAVASCRIPT_ACTION
HOSTILE_PDFS = {
    "a script run on opening": {"catalog": f"/OpenAction {JS}"},
    "a script in the document's /JavaScript names": {
        "catalog": "/Names << /JavaScript << /Names [(init) 6 0 R] >> >>",
        "objects": [JS],
    },
    "a script on closing the document (/AA of the catalog)": {"catalog": f"/AA << /WC {JS} >>"},
    "a script on opening a page (/AA of a page)": {"page": f"/AA << /O {JS} >>"},
    "a script on entering a form field (/AA of an annotation)": annotation(
        f"/Subtype /Widget /AA << /E {JS} >>"
    ),
    "a link that launches a program": annotation(f"/Subtype /Link /A {samples.LAUNCH_ACTION}"),
    "a launch whose name is written with #xx escapes": annotation(
        "/Subtype /Link /A << /S /#4Caunch /F (cmd) >>"
    ),
    "a launch whose kind is a reference": {
        "catalog": "/OpenAction << /S 6 0 R /F (cmd) >>",
        "objects": ["/Launch"],
    },
    "a bare /JS entry": {
        "page": "/Annots [6 0 R]",
        "objects": ["<< /Subtype /Link /JS (app.alert\\(1\\)) >>"],
    },
}


@pytest.mark.parametrize("parts", HOSTILE_PDFS.values(), ids=HOSTILE_PDFS.keys())
def test_a_pdf_with_scripts_or_actions_that_run_by_themselves_is_refused(parts):
    error = refusal(samples.pdf_bytes(**parts), "charter.pdf")
    assert error.code == "pdf_active_content"
    assert "Save the document as PDF without scripts" in error.messages[0]


def test_a_script_inside_a_compressed_object_stream_is_found():
    content = samples.pdf_in_object_stream(catalog=f"/OpenAction {JS}")
    assert b"JavaScript" not in content and b"OpenAction" not in content  # no byte scan sees it
    assert accepted(samples.pdf_in_object_stream(), "plain.pdf").detected_type.code == "pdf"
    assert refusal(content, "report.pdf").code == "pdf_active_content"


@pytest.mark.parametrize(
    "content",
    [
        samples.pdf_by_pypdf(attachment=samples.WINDOWS_PROGRAM),
        samples.pdf_bytes(**annotation("/Subtype /FileAttachment /FS (invoice.exe)")),
    ],
    ids=["embedded files (names tree)", "a file attachment annotation"],
)
def test_a_pdf_with_files_embedded_in_it_is_refused(content):
    error = refusal(content, "invoice.pdf")
    assert error.code == "pdf_embedded_files"
    assert "attach each file on its own" in error.messages[0]


def test_a_windows_program_behind_the_pdf_signature_is_refused():
    assert detect_file_type(SimpleUploadedFile("a.pdf", samples.PROGRAM_BEHIND_PDF_SIGNATURE)).code == "pdf"
    error = refusal(samples.PROGRAM_BEHIND_PDF_SIGNATURE, "charter.pdf")
    assert error.code == "pdf_unreadable"
    assert "cannot be read as a PDF document" in error.messages[0]


def test_a_pdf_without_pages_is_refused():
    assert refusal(samples.pdf_bytes(pages=False), "charter.pdf").code == "pdf_no_pages"


def test_a_pdf_that_needs_a_password_is_refused_one_that_opens_without_is_accepted():
    error = refusal(samples.pdf_by_pypdf(user_password="secret"), "charter.pdf")
    assert error.code == "pdf_encrypted"
    assert "without a password" in error.messages[0]
    assert accepted(samples.pdf_by_pypdf(user_password=""), "charter.pdf").detected_type.code == "pdf"


@pytest.mark.parametrize(
    "catalog", ["", "/OpenAction [3 0 R /Fit]", "/OpenAction << /S /GoTo /D [3 0 R /Fit] >>"]
)
def test_a_plain_pdf_or_one_that_opens_on_its_page_is_accepted(catalog):
    cleaned = accepted(samples.pdf_bytes(catalog=catalog), "charter.pdf")
    assert cleaned.detected_type.code == "pdf"
    assert cleaned.read() == samples.pdf_bytes(catalog=catalog)  # a PDF is stored as it came


MACROS = {
    "a DOCX with a VBA project": samples.docx_bytes(parts={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 vba"}),
    "a DOCM (macro-enabled content type)": samples.docx_bytes(main=samples.DOCM_MAIN),
    "an XLSX with VBA data": samples.xlsx_bytes(parts={"xl/vbaData.xml": "<x/>"}),
    "an XLSX with Excel 4.0 macro sheets": samples.xlsx_bytes(parts={"xl/macrosheets/sheet1.xml": "<x/>"}),
    "a VBA project named in the content types only": samples.docx_bytes(
        extra_types='<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
    ),
}


@pytest.mark.parametrize("content", MACROS.values(), ids=MACROS.keys())
def test_an_office_file_with_macros_is_refused(content):
    error = refusal(content, "budget.docx")
    assert error.code == "office_macros"
    assert "without macros" in error.messages[0]


def test_a_zip_bomb_is_refused_from_its_directory_before_anything_is_unpacked(monkeypatch):
    bomb = samples.docx_zip_bomb()  # 1 GiB of zeros in a DOCX of about 1 MB
    assert len(bomb) < 2 * 1024 * 1024
    assert sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(bomb)).infolist()) > 1 << 30
    opened = []
    original = zipfile.ZipFile.open

    def spy(self, name, *args, **kwargs):
        opened.append(getattr(name, "filename", name))
        return original(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    error = refusal(bomb, "report.docx")
    assert error.code == "office_packed"
    assert "zip bomb" in error.messages[0]
    assert opened == []


def test_a_part_that_unpacks_to_a_hundred_times_its_size_is_refused():
    # 20 MiB of zeros: well under the total an Office file may unpack to, but packed 1000-fold.
    assert refusal(samples.docx_zip_bomb(20 << 20), "report.docx").code == "office_packed"


def test_an_office_file_of_more_parts_than_any_document_has_is_refused():
    parts = {f"word/media/p{n}.xml": "" for n in range(file_checks.OFFICE_MAX_ENTRIES)}
    assert refusal(samples.docx_bytes(parts=parts), "report.docx").code == "office_packed"


def test_an_ordinary_docx_and_xlsx_are_accepted_as_they_came():
    for content in (samples.docx_bytes(), samples.xlsx_bytes()):
        cleaned = accepted(content, "file")
        assert cleaned.read() == content


def test_a_word_97_document_is_refused_saying_what_to_save_it_as():
    error = refusal(samples.OLE_DOCUMENT, "charter.doc")
    assert error.code == "legacy_office"
    assert "Save the file as one of the allowed types (DOCX, JPEG, PDF, PNG, XLSX)" in error.messages[0]


def test_a_plain_zip_archive_is_refused_saying_to_attach_each_document():
    error = refusal(samples.zip_bytes({"charter.pdf": samples.pdf_bytes()}), "documents.zip")
    assert error.code == "archive"
    assert "Attach each document on its own" in error.messages[0]


def test_an_opendocument_file_is_refused_as_a_type_not_taken_not_as_an_archive():
    odt = samples.zip_bytes({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"})
    assert refusal(odt, "charter.odt").code == "type_not_allowed"


def test_a_photo_field_refuses_an_archive_as_a_type_it_does_not_take():
    error = refusal(samples.zip_bytes({"a.jpg": b""}), "photos.zip", allowed={"jpeg", "png"})
    assert error.code == "type_not_allowed"


def test_a_png_that_is_also_a_web_page_is_stored_as_its_pixels_only():
    polyglot = samples.png_html_polyglot()
    assert polyglot.count(samples.HTML_PAGE) == 2  # in a text chunk, and after the image's end
    cleaned = accepted(polyglot, "photo.png")
    stored = cleaned.read()
    assert b"<script" not in stored and b"<html" not in stored
    assert stored.endswith(b"IEND\xaeB`\x82")
    assert cleaned.size == len(stored)
    assert cleaned.name == "photo.png"
    with Image.open(io.BytesIO(stored)) as image:
        assert (image.format, image.size, image.getpixel((0, 0))) == ("PNG", (32, 24), (200, 30, 30))


def test_a_zip_archive_behind_a_jpeg_is_dropped():
    content = samples.image_bytes("JPEG") + samples.zip_bytes({"run.exe": samples.WINDOWS_PROGRAM})
    stored = accepted(content, "photo.jpg").read()
    assert b"PK\x03\x04" not in stored and b"run.exe" not in stored
    assert Image.open(io.BytesIO(stored)).format == "JPEG"


def test_a_photo_is_turned_upright_and_keeps_no_exif():
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees to show
    exif[0x010F] = "PhoneMaker"
    photo = samples.image_bytes("JPEG", size=(40, 20), exif=exif.tobytes())
    stored = accepted(photo, "visit.jpg").read()
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (20, 40)
        assert not image.getexif()
    assert b"PhoneMaker" not in stored


def test_an_image_of_ten_gigapixels_is_refused_from_its_header(monkeypatch):
    from PIL import ImageFile

    def no_decoding(self):
        raise AssertionError("the pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    error = refusal(samples.png_pixel_bomb(), "plan.png")
    assert error.code == "image_too_many_pixels"
    assert "more than 50 megapixels" in error.messages[0]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("scan.png", PNG),
        ("photo.jpg", JPEG),
        ("cut.png", samples.image_bytes("PNG")[:60]),
        ("cut.jpg", samples.photo_bytes((200, 200))[:2000]),
    ],
    ids=["a PNG signature and nothing else", "a JPEG signature and nothing else", "a cut PNG", "a cut JPEG"],
)
def test_an_image_that_does_not_decode_is_refused(name, content, monkeypatch):
    from PIL import ImageFile

    # As in a process that has imported WeasyPrint, which sets it for its own images.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    error = refusal(content, name)
    assert error.code == "image_unreadable"
    assert "Save it again as" in error.messages[0]


def test_an_image_that_grows_past_the_limit_when_encoded_again_is_refused():
    """A JPEG saved at low quality grows when encoded again at the portal's: the stored size counts."""
    content = samples.photo_bytes((200, 200), quality=20)
    assert accepted(content, "plan.jpg").size > len(content)
    error = refusal(content, "plan.jpg", max_bytes=len(content))
    assert error.code == "too_large"
