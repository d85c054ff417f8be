"""Private uploads: an allow-list checked by content, a size limit, random stored names.

Files live under MEDIA_ROOT, which no URL serves; views that repeat the permission check stream
them. The name a person gave a file is kept only as display text.
"""

from __future__ import annotations

import logging
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

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
DOCUMENT_TYPES = frozenset({"pdf", "docx", "xlsx", "jpeg", "png"})


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


@deconstructible
class private_upload_to:  # noqa: N801 (used like a function in model fields)
    """An ``upload_to`` that ignores the given name: ``<prefix>/<random>.<extension>``.

    The extension comes from the detected type, which the service sets on the instance as
    ``file_extension``.
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
    """A file field that accepts only allow-listed types (by content) up to a size."""

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

    def clean(self, data, initial=None):
        file = super().clean(data, initial)
        if not file or not isinstance(file, UploadedFile):
            return file
        if file.size > self.limit:
            raise forms.ValidationError(
                _("The file is %(size)s; the limit is %(limit)s."),
                code="too_large",
                params={"size": filesizeformat(file.size), "limit": filesizeformat(self.limit)},
            )
        detected = detect_file_type(file)
        if detected is None or detected.code not in self.allowed:
            raise forms.ValidationError(
                _("This file is not one of the allowed types (%(types)s), judged by its content."),
                code="type_not_allowed",
                params={"types": self._type_labels()},
            )
        file.detected_type = detected
        return file


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


def stored_file_response(upload, *, as_attachment: bool = True) -> FileResponse:
    """Stream a private upload (a model with ``file``, ``original_name`` and ``content_type``),
    once the view has checked that the person may see it: under the name it was given, with the
    type its content was judged to be. A file missing from storage is a 404 (and an error log)."""
    return FileResponse(
        open_stored_file(upload.file),
        as_attachment=as_attachment,
        filename=upload.original_name,
        content_type=upload.content_type,
    )
