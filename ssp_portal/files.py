"""Private uploads: an allow-list checked by content, a size limit, random stored names.

An upload passes, in order: the size limit; its type judged by its first bytes (the name and the
browser's word count for nothing); what its content holds for that type (ssp_portal/file_checks.py:
a PDF without scripts, an Office file without macros that is no zip bomb, an image decoded and
encoded again); and, when ``SSP_CLAMD_ADDRESS`` is set, the virus scanner (ssp_portal/clamd.py),
which refuses the file when it finds a threat and when it cannot be asked (the file is then not
known to be clean).

What passes comes out of the form's field as a ``CheckedUpload``: the file with the type the
checks found. ``ssp_portal.private_files.store`` is the one way such an upload becomes a record
(the models of private files share ``ssp_portal.private_files.PrivateFile``).

Files live in the storage (MEDIA_ROOT, or an S3 bucket: docs/deploy.md), read and written only
through Django's storage API; no URL serves them. Views that repeat the permission check stream
them, under a name the portal makes (ssp_portal/downloads.py). The name a person gave a file is
kept only as display text.
"""

from __future__ import annotations

import logging
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from ssp_portal import clamd
from ssp_portal.downloads import download_filename, download_response
from ssp_portal.file_checks import check_content

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileType:
    code: str
    extension: str
    content_type: str
    label: str


PDF = FileType("pdf", "pdf", "application/pdf", "PDF")
DOCX = FileType(
    "docx",
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "DOCX",
)
XLSX = FileType("xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX")
JPEG = FileType("jpeg", "jpg", "image/jpeg", "JPEG")
PNG = FileType("png", "png", "image/png", "PNG")

FILE_TYPES = {t.code: t for t in (PDF, DOCX, XLSX, JPEG, PNG)}
FILE_TYPES_BY_CONTENT_TYPE = {t.content_type: t for t in FILE_TYPES.values()}
DOCUMENT_TYPES = frozenset({"pdf", "docx", "xlsx", "jpeg", "png"})
IMAGE_TYPES = frozenset({"jpeg", "png"})
# What a form sends besides its files, in a request's length (ssp_portal.middleware.RequestSizeMiddleware).
FORM_MARGIN_BYTES = 1024 * 1024

# Files the portal does not take, named in the refusal so that the person knows what to do.
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word and Excel 97-2003 (.doc, .xls)
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")

TYPE_NOT_ALLOWED = _("This file is not one of the allowed types (%(types)s), judged by its content.")
LEGACY_OFFICE_REFUSED = _(
    "Word 97–2003 (.doc) and Excel 97–2003 (.xls) files are not accepted, as they may hide macros. "
    "Save the file as one of the allowed types (%(types)s) and attach it again."
)
ARCHIVE_REFUSED = _(
    "Archives (ZIP) are not accepted. Attach each document on its own, as one of the allowed types "
    "(%(types)s)."
)
VIRUS_FOUND = _(
    "The virus check found a threat in this file (%(threat)s), so it was not accepted. Do not open "
    "it: check your computer for viruses and attach a clean copy of the document."
)
VIRUS_CHECK_UNAVAILABLE = _(
    "The virus check is not available at the moment, so the file was not accepted. Try again later."
)


def _office_type(file: UploadedFile) -> FileType | None:
    """DOCX and XLSX are ZIP archives; their part names tell them apart."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def _is_plain_archive(file: UploadedFile) -> bool:
    """A ZIP archive that is no document format built on ZIP (OOXML, OpenDocument)."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        file.seek(0)
    return not names & {"[Content_Types].xml", "mimetype"}


def detect_file_type(file: UploadedFile) -> FileType | None:
    """The type of a file judged by its first bytes (and, for Office files, its parts)."""
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    detected: FileType | None = None
    if head.startswith(b"%PDF-"):
        detected = PDF
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        detected = PNG
    elif head.startswith(b"\xff\xd8\xff"):
        detected = JPEG
    elif head.startswith(b"PK\x03\x04"):
        detected = _office_type(file)
    file.seek(0)
    return detected


class CheckedUpload(File):
    """An upload that passed the checks (``PrivateFileField``), with the type they found.

    It reads as the file to store (for an image, the one encoded again) and keeps the name it was
    uploaded with, which is display text only. Only the field makes one from what a person sent;
    the demo and tests make one for bytes whose type they know.
    """

    def __init__(self, file: File, detected_type: FileType) -> None:
        super().__init__(file)
        self.detected_type = detected_type

    @property
    def original_name(self) -> str:
        """The name it was uploaded with, reduced to display text."""
        return display_name(self.name or "")


def accepts_files(count: int):
    """Mark a view whose form takes up to ``count`` files at once: its requests may be ``count``
    times the upload limit long (ssp_portal.middleware.RequestSizeMiddleware)."""

    def mark(view):
        view.upload_files = count
        return view

    return mark


@deconstructible
class private_upload_to:  # noqa: N801 (used like a function in model fields)
    """An ``upload_to`` that ignores the given name: ``<prefix>/<random>.<extension>``.

    The extension is the instance's ``file_extension``: the detected type's, which
    ``ssp_portal.private_files.store`` sets.
    """

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def __call__(self, instance: object, filename: str) -> str:
        extension = getattr(instance, "file_extension", "") or "bin"
        return f"{self.prefix}/{uuid.uuid4().hex}.{extension}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, private_upload_to) and other.prefix == self.prefix

    def __hash__(self) -> int:
        return hash(self.prefix)


class PrivateFileField(forms.FileField):
    """A file field that accepts only allow-listed types (by content) up to a size; it cleans to a
    ``CheckedUpload``."""

    def __init__(
        self,
        *,
        allowed: Iterable[str] = DOCUMENT_TYPES,
        max_bytes: int | None = None,
        **kwargs,
    ) -> None:
        self.allowed = frozenset(allowed)
        self.max_bytes = max_bytes
        super().__init__(**kwargs)
        accept = ",".join(sorted(f".{FILE_TYPES[code].extension}" for code in self.allowed))
        self.widget.attrs.setdefault("accept", accept)
        if not self.help_text:
            # Written when the form is shown, in the page's language ("10,0 МБ", "10.0 MB"), with
            # the limit then in force; forms are defined at import time, before any language is.
            self.help_text = lazy(self._allowed_text, str)()

    @property
    def limit(self) -> int:
        return self.max_bytes or settings.SSP_UPLOAD_MAX_BYTES

    def _type_labels(self) -> str:
        return ", ".join(sorted(FILE_TYPES[code].label for code in self.allowed))

    def _allowed_text(self) -> str:
        return _("Allowed: %(types)s, up to %(size)s.") % {
            "types": self._type_labels(),
            "size": filesizeformat(self.limit),
        }

    def _check_size(self, file: UploadedFile) -> None:
        if file.size > self.limit:
            raise forms.ValidationError(
                _("The file is %(size)s; the limit is %(limit)s."),
                code="too_large",
                params={"size": filesizeformat(file.size), "limit": filesizeformat(self.limit)},
            )

    def _refuse_type(self, file: UploadedFile) -> forms.ValidationError:
        """The refusal of a type outside the allow-list, naming the kinds of file people often try."""
        params = {"types": self._type_labels()}
        file.seek(0)
        head = file.read(8)
        file.seek(0)
        if self.allowed - IMAGE_TYPES:  # a field for documents
            if head.startswith(OLE_SIGNATURE):
                return forms.ValidationError(LEGACY_OFFICE_REFUSED, code="legacy_office", params=params)
            if head.startswith(ZIP_SIGNATURES) and _is_plain_archive(file):
                return forms.ValidationError(ARCHIVE_REFUSED, code="archive", params=params)
        return forms.ValidationError(TYPE_NOT_ALLOWED, code="type_not_allowed", params=params)

    def clean(self, data, initial=None):
        file = super().clean(data, initial)
        if not file or not isinstance(file, UploadedFile):
            return file
        self._check_size(file)
        detected = detect_file_type(file)
        if detected is None or detected.code not in self.allowed:
            raise self._refuse_type(file)
        checked = check_content(file, detected.code)
        if checked is not file:  # encoded again: the size that counts is that of the stored file
            self._check_size(checked)
        scan_for_viruses(file)
        return CheckedUpload(checked, detected)


def scan_for_viruses(file: UploadedFile) -> None:
    """The upload streamed to clamd when ``SSP_CLAMD_ADDRESS`` is set; refused when clamd finds a
    threat, and when clamd cannot be asked (fail closed: the operators are told in the log)."""
    if not settings.SSP_CLAMD_ADDRESS:
        return
    address = clamd.parse_address(settings.SSP_CLAMD_ADDRESS)
    file.seek(0)
    try:
        threat = clamd.instream(file.chunks(), address=address, timeout=settings.SSP_CLAMD_TIMEOUT)
    except clamd.ScannerUnavailableError as exc:
        logger.error("The virus scanner cannot check an upload, which is refused: %s", exc)
        raise forms.ValidationError(VIRUS_CHECK_UNAVAILABLE, code="virus_check_unavailable") from None
    finally:
        file.seek(0)
    if threat is not None:
        logger.warning(
            "The virus scanner found %s in an upload of %s bytes, which is refused.", threat, file.size
        )
        raise forms.ValidationError(VIRUS_FOUND, code="virus_found", params={"threat": threat[:100]})


def display_name(name: str) -> str:
    """The original name reduced to its last path part, for display only."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return base[:200] or "file"


class StoredFileMissingError(Exception):
    """A record names a file that storage does not have (lost, moved, unreadable).

    The error is logged where it is raised, with the record; the portal's middleware answers it
    with the 404 page that says so (ssp_portal/middleware.py).
    """


def open_stored_file(file: FieldFile):
    """A stored file opened for reading, or ``StoredFileMissingError`` (logged with the record)."""
    record = file.instance
    try:
        return file.open("rb")
    except (OSError, ValueError) as exc:  # ValueError: the record has no file name at all
        logger.error(
            "A stored file is missing: %s %s, file %r (%s: %s)",
            record._meta.label,
            record.pk,
            file.name,
            type(exc).__name__,
            exc,
        )
        raise StoredFileMissingError(f"{record._meta.label} {record.pk}: file missing") from None


def stored_file_response(upload, *, name: Iterable[object]) -> FileResponse:
    """Stream a private upload (a model with ``file`` and ``content_type``), once the view has
    checked that the person may see it: as a download named from the parts ``name`` (what the
    portal knows of the file: a receipt number, a document's title), with the extension and the
    type its content was judged to be; never under the name it was uploaded with. A file missing
    from storage is a 404 (and an error log)."""
    file_type = FILE_TYPES_BY_CONTENT_TYPE.get(upload.content_type)
    return download_response(
        open_stored_file(upload.file),
        filename=download_filename(*name, extension=file_type.extension if file_type else "bin"),
        content_type=file_type.content_type if file_type else "application/octet-stream",
    )
