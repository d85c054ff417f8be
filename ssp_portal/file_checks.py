"""What an upload holds, checked after its type is known from its first bytes (ssp_portal/files.py).

The rules, per type:

- **PDF**: it parses as a PDF (pypdf) and has at least one page. It is refused when it carries
  JavaScript (an action of that kind anywhere, the document's /JavaScript name tree, a /JS entry),
  automatic actions (/AA on the catalog, a page, an annotation or a form field; an /OpenAction
  other than going to a page), /Launch actions, or embedded files (the /EmbeddedFiles name tree, a
  file specification with /EF, a file attachment annotation, a /GoToE action). The parsed objects
  are inspected, those inside compressed object streams included, and names written with ``#xx``
  escapes are read as what they spell: a byte scan would see neither. An encrypted PDF is checked
  when it opens without a password (it only restricts printing or copying); otherwise it is
  refused, as it cannot be checked.
- **DOCX, XLSX** (ZIP containers): refused before anything is unpacked when the archive lists more
  than ``OFFICE_MAX_ENTRIES`` parts, when its parts would unpack to more than
  ``OFFICE_MAX_UNPACKED_BYTES``, or when a part larger than a mebibyte unpacks to more than
  ``OFFICE_MAX_RATIO`` times its packed size (a zip bomb); refused when it holds macros (a
  vbaProject.bin or vbaData.xml part, Excel 4.0 macro sheets, a macro-enabled content type). Only
  [Content_Types].xml is read, and no further than its declared (small) size.
- **JPEG, PNG**: decoded with Pillow, refused above ``IMAGE_MAX_PIXELS`` (a decompression bomb
  is refused from its header, before its pixels are decoded), and encoded again. The portal stores
  the new encoding: whatever the file carried besides its pixels (text chunks, a web page or an
  archive after the image's end, EXIF data such as the place a photo was taken) is dropped. The
  photo is turned upright first, as its EXIF orientation said.

Each refusal is a ``ValidationError`` with a code and a message that says what to do.
"""

from __future__ import annotations

import contextlib
import io
import logging
import threading
import warnings
import zipfile

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFile, ImageOps
from pypdf import PasswordType, PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

logger = logging.getLogger(__name__)

OFFICE_MAX_ENTRIES = 5_000
OFFICE_MAX_UNPACKED_BYTES = 300 * 1024 * 1024
OFFICE_MAX_RATIO = 100
# Small parts may pack very well (a few repeated XML tags); the ratio is judged above this size.
OFFICE_RATIO_FROM_BYTES = 1024 * 1024
# [Content_Types].xml lists a few dozen parts; more than this is not an Office file's.
OFFICE_CONTENT_TYPES_MAX_BYTES = 1024 * 1024
# 50 megapixels: a full-resolution photo of a 48 MP phone camera; 200 MB of memory once decoded.
IMAGE_MAX_PIXELS = 50_000_000
# The objects a PDF may have for its check; a 10 MB report has a few thousand.
PDF_MAX_OBJECTS = 500_000

PDF_UNREADABLE = _(
    "This file cannot be read as a PDF document. Save the document as PDF again (for example with "
    "“Save as” or “Print to PDF”) and attach it again."
)
PDF_NO_PAGES = _("This PDF document has no pages. Save the document as PDF again and attach it again.")
PDF_ENCRYPTED = _(
    "This PDF document is protected by a password, so it cannot be checked. Save it again without "
    "a password and attach it again."
)
PDF_ACTIVE = _(
    "This PDF document contains scripts or actions that run by themselves or start programs. Save "
    "the document as PDF without scripts (for example with “Print to PDF”) and attach it again."
)
PDF_EMBEDDED = _(
    "This PDF document has other files embedded in it. Save the PDF without them and attach each "
    "file on its own."
)
PDF_TOO_COMPLEX = _(
    "This PDF document is too complex to be checked. Save it again as PDF (for example with “Print "
    "to PDF”) and attach it again."
)
OFFICE_MACROS = _(
    "This document contains macros. Save it as a document without macros (DOCX or XLSX) and attach it again."
)
OFFICE_PACKED = _(
    "This file would unpack to far more than its size, as a “zip bomb” does, so it cannot be "
    "accepted. Save the document again from your office program and attach it again."
)
IMAGE_UNREADABLE = _(
    "This image cannot be read: it may be damaged, or not really a %(type)s image. Save it again as "
    "%(type)s and attach it again."
)
IMAGE_TOO_MANY_PIXELS = _(
    "This image has too many pixels (more than %(limit)s megapixels). Reduce its size and attach it again."
)


def check_content(file: UploadedFile, code: str) -> UploadedFile:
    """The file to store, once its content passes the rules of its type (``code``, as detected)."""
    if code == "pdf":
        check_pdf(file)
    elif code in {"docx", "xlsx"}:
        check_office(file)
    elif code in {"jpeg", "png"}:
        return reencode_image(file, code)
    file.seek(0)
    return file


# PDF ---------------------------------------------------------------------------------------------

# The kinds of action (/S) that run code, start a program or open an embedded file.
_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/RichMediaExecute"}
_EMBEDDING_ACTIONS = {"/GoToE"}
_ACTIVE_KEYS = {"/JS", "/JavaScript", "/AA"}
_EMBEDDING_KEYS = {"/EmbeddedFiles", "/EF", "/RichMediaContent"}
_EMBEDDING_ANNOTATIONS = {"/FileAttachment", "/RichMedia"}


def check_pdf(file: UploadedFile) -> None:
    file.seek(0)
    try:
        reader = PdfReader(file, strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception:  # an unknown algorithm, a missing library, a broken dictionary
                opened = PasswordType.NOT_DECRYPTED
            if opened == PasswordType.NOT_DECRYPTED:
                raise ValidationError(PDF_ENCRYPTED, code="pdf_encrypted")
        pages = len(reader.pages)
        problem = _pdf_problem(reader)
    except ValidationError:
        raise
    except Exception as exc:  # pypdf raises many kinds on a file that is not a PDF
        logger.info("An upload that begins like a PDF does not parse: %s: %s", type(exc).__name__, exc)
        raise ValidationError(PDF_UNREADABLE, code="pdf_unreadable") from None
    finally:
        file.seek(0)
    if pages < 1:
        raise ValidationError(PDF_NO_PAGES, code="pdf_no_pages")
    if problem is not None:
        raise problem


def _pdf_problem(reader) -> ValidationError | None:
    """The first active or embedded content among the objects reachable from the trailer."""
    pending: list[object] = [reader.trailer]
    seen: set[tuple[int, int]] = set()
    count = 0
    while pending:
        node = pending.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
        count += 1
        if count > PDF_MAX_OBJECTS:
            return ValidationError(PDF_TOO_COMPLEX, code="pdf_too_complex")
        if isinstance(node, DictionaryObject):
            problem = _dictionary_problem(node)
            if problem is not None:
                return problem
            # dict.items: the raw values, so that references are followed once each.
            pending.extend(value for name, value in dict.items(node) if name != "/Encrypt")
        elif isinstance(node, ArrayObject):
            pending.extend(list.__iter__(node))
    return None


def _entry(node, name: str):
    """A dictionary's entry, resolved when it is a reference (``/S 7 0 R`` names an action too)."""
    return node[name] if name in node else None  # noqa: SIM401 (dict.get would not resolve it)


def _name(node, name: str) -> str | None:
    value = _entry(node, name)
    return value if isinstance(value, str) else None


def _dictionary_problem(node) -> ValidationError | None:
    keys = set(node.keys())
    action = _name(node, "/S")
    if keys & _ACTIVE_KEYS or action in _ACTIVE_ACTIONS:
        return ValidationError(PDF_ACTIVE, code="pdf_active_content")
    opened = _entry(node, "/OpenAction")
    # A destination (an array) opens a page; an action dictionary does whatever it names.
    if isinstance(opened, DictionaryObject) and _name(opened, "/S") != "/GoTo":
        return ValidationError(PDF_ACTIVE, code="pdf_active_content")
    if (
        keys & _EMBEDDING_KEYS
        or action in _EMBEDDING_ACTIONS
        or _name(node, "/Type") == "/EmbeddedFile"
        or _name(node, "/Subtype") in _EMBEDDING_ANNOTATIONS
    ):
        return ValidationError(PDF_EMBEDDED, code="pdf_embedded_files")
    return None


# Office files ------------------------------------------------------------------------------------

_MACRO_PARTS = ("vbaproject.bin", "vbadata.xml")
_MACRO_FOLDERS = ("xl/macrosheets/", "xl/dialogsheets/")
_MACRO_CONTENT_TYPES = (b"macroenabled", b"vbaproject", b"macrosheet", b"vbadata")


def check_office(file: UploadedFile) -> None:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
            _check_packing(entries)
            names = [entry.filename.lower() for entry in entries]
            if any(name.rsplit("/", 1)[-1] in _MACRO_PARTS for name in names) or any(
                name.startswith(_MACRO_FOLDERS) for name in names
            ):
                raise ValidationError(OFFICE_MACROS, code="office_macros")
            listing = archive.getinfo("[Content_Types].xml")
            if listing.file_size > OFFICE_CONTENT_TYPES_MAX_BYTES:
                raise ValidationError(OFFICE_PACKED, code="office_packed")
            with archive.open(listing) as part:
                content_types = part.read(OFFICE_CONTENT_TYPES_MAX_BYTES + 1).lower()
    except ValidationError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, ValueError, EOFError) as exc:
        # The type was told by these very parts: a broken entry is a broken (or crafted) file.
        logger.info("An Office upload cannot be read: %s: %s", type(exc).__name__, exc)
        raise ValidationError(OFFICE_PACKED, code="office_packed") from None
    finally:
        file.seek(0)
    if any(marker in content_types for marker in _MACRO_CONTENT_TYPES):
        raise ValidationError(OFFICE_MACROS, code="office_macros")


def _check_packing(entries: list[zipfile.ZipInfo]) -> None:
    """The archive's directory, judged before any part is unpacked."""
    unpacked = sum(entry.file_size for entry in entries)
    if len(entries) > OFFICE_MAX_ENTRIES or unpacked > OFFICE_MAX_UNPACKED_BYTES:
        raise ValidationError(OFFICE_PACKED, code="office_packed")
    for entry in entries:
        if entry.file_size > OFFICE_RATIO_FROM_BYTES and entry.file_size > OFFICE_MAX_RATIO * max(
            entry.compress_size, 1
        ):
            raise ValidationError(OFFICE_PACKED, code="office_packed")


# Images ------------------------------------------------------------------------------------------

_PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG"}
_JPEG_MODES = {"L", "RGB", "CMYK"}
_strict_lock = threading.Lock()


@contextlib.contextmanager
def _strict_decoding():
    """Pillow refuses a cut image unless ``ImageFile.LOAD_TRUNCATED_IMAGES`` is set, and importing
    WeasyPrint sets it for the whole process; an upload is decoded with it unset. (The PDFs the
    portal renders read only its own bundled images, which are whole.)"""
    with _strict_lock:
        lenient = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = lenient


def reencode_image(file: UploadedFile, code: str) -> UploadedFile:
    """The image decoded and encoded again, as a new upload of the same name and type."""
    image_format = _PILLOW_FORMATS[code]
    unreadable = ValidationError(IMAGE_UNREADABLE, code="image_unreadable", params={"type": image_format})
    too_large = ValidationError(
        IMAGE_TOO_MANY_PIXELS, code="image_too_many_pixels", params={"limit": IMAGE_MAX_PIXELS // 1_000_000}
    )
    file.seek(0)
    try:
        with _strict_decoding(), warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file, formats=[image_format]) as image:
                width, height = image.size
                if width * height > IMAGE_MAX_PIXELS:
                    raise too_large
                image.load()
                icc_profile = image.info.get("icc_profile")
                upright = ImageOps.exif_transpose(image)
                buffer = io.BytesIO()
                if image_format == "JPEG":
                    if upright.mode not in _JPEG_MODES:
                        upright = upright.convert("RGB")
                    upright.save(buffer, "JPEG", quality=90, icc_profile=icc_profile)
                else:
                    upright.save(buffer, "PNG", icc_profile=icc_profile)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_large from None
    except Exception as exc:  # Pillow raises many kinds on a damaged or crafted image
        logger.info("An image upload does not decode: %s: %s", type(exc).__name__, exc)
        raise unreadable from None
    finally:
        file.seek(0)
    content_type = getattr(file, "content_type", None) or f"image/{code}"
    return SimpleUploadedFile(file.name, buffer.getvalue(), content_type)
