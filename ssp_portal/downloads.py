"""Files the portal sends: always as a download, under a name the portal makes.

A name is made of parts the portal knows (a receipt number, a contract number, the title of a
document) and never of the name a person gave their file. It goes out twice in the
Content-Disposition header (RFC 6266): as ``filename``, in ASCII (Cyrillic transliterated), for
old clients, and as ``filename*`` (RFC 5987), in UTF-8, for the others. The content type is the
one the file's content was checked to be, and ``X-Content-Type-Options: nosniff`` tells browsers
not to guess another.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from django.http import FileResponse

# Russian and Kyrgyz letters in Latin (the street-sign style; a fallback name, not a standard).
_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "ң": "ng", "о": "o", "ө": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ү": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip
# What no file system or header should get: path separators, quotes, control and reserved characters.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"*/:<>?\\|;]+')
_SPACES = re.compile(r"\s+")
_NOT_ASCII_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_NOT_ALPHANUMERIC = re.compile(r"[^A-Za-z0-9]+")
STEM_MAX_CHARS = 120


def _transliterated(text: str) -> str:
    out = []
    for char in text:
        latin = _LATIN.get(char.lower())
        if latin is None:
            out.append(char)
        else:
            out.append(latin.capitalize() if char.isupper() else latin)
    return "".join(out)


def download_filename(*parts: object, extension: str) -> str:
    """``parts`` joined by spaces, cleaned of what a file name must not hold, with ``extension``."""
    text = " ".join(str(part) for part in parts if part not in (None, ""))
    text = _SPACES.sub(" ", _UNSAFE.sub("-", unicodedata.normalize("NFC", text))).strip(" .-")
    stem = text[:STEM_MAX_CHARS].rstrip(" .-") or "file"
    extension = _NOT_ALPHANUMERIC.sub("", extension) or "bin"
    return f"{stem}.{extension}"


def ascii_filename(filename: str) -> str:
    """The name in ASCII: Cyrillic transliterated, other letters stripped of their accents."""
    stem, _dot, extension = filename.rpartition(".")
    latin = (
        unicodedata.normalize("NFKD", _transliterated(stem or filename)).encode("ascii", "ignore").decode()
    )
    latin = _NOT_ASCII_SAFE.sub("-", latin).strip("-.") or "file"
    return f"{latin}.{extension}" if stem else latin


def content_disposition(filename: str) -> str:
    """``attachment`` with the name in ASCII and, when it differs, in UTF-8 (RFC 5987)."""
    fallback = ascii_filename(filename)
    header = f'attachment; filename="{fallback}"'
    if fallback != filename:
        header += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return header


def download_response(stream, *, filename: str, content_type: str) -> FileResponse:
    """Stream ``stream`` (an open file) as a download named ``filename`` (see ``download_filename``)."""
    response = FileResponse(stream, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
