"""Small generated files for the upload tests: well-formed ones, and the hostile ones the portal
must refuse (scripts in a PDF, macros in an Office file, a zip bomb, an image with a page behind it).

Each is built here, in a few hundred bytes (the 1 GiB zip bomb in about one megabyte), so that the
tests need no sample files on disk and say exactly what each sample holds.
"""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib
from collections.abc import Iterable

from PIL import Image
from PIL.PngImagePlugin import PngInfo

# PDF ---------------------------------------------------------------------------------------------


def _pdf_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf_bytes(
    lines: Iterable[str] = ("SSP Portal test document",),
    *,
    catalog: str = "",
    page: str = "",
    objects: Iterable[str] = (),
    pages: bool = True,
) -> bytes:
    """A PDF with a classic cross-reference table: one page of text (none with ``pages=False``).

    ``catalog`` and ``page`` are added to those dictionaries; ``objects`` are further objects,
    numbered from 6 (``6 0 R`` is the first of them).
    """
    text = "BT /F1 14 Tf 50 780 Td " + " ".join(f"({_pdf_text(line)}) Tj 0 -22 Td" for line in lines) + " ET"
    kids = "/Kids [3 0 R] /Count 1" if pages else "/Kids [] /Count 0"
    bodies = [
        f"<< /Type /Catalog /Pages 2 0 R {catalog} >>",
        f"<< /Type /Pages {kids} >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        f"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R {page} >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(text)} >>\nstream\n{text}\nendstream",
        *objects,
    ]
    body, offsets = "%PDF-1.4\n", []
    for number, content in enumerate(bodies, start=1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n{content}\nendobj\n"
    xref = len(body)
    body += f"xref\n0 {len(bodies) + 1}\n0000000000 65535 f \n"
    body += "".join(f"{offset:010d} 00000 n \n" for offset in offsets)
    body += f"trailer\n<< /Size {len(bodies) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return body.encode("latin-1")


def pdf_in_object_stream(*, catalog: str = "") -> bytes:
    """A PDF 1.5 whose catalog, pages and page sit in a compressed object stream, listed by a
    compressed cross-reference stream: nothing of them is readable in the file's bytes."""
    inner = [
        f"<< /Type /Catalog /Pages 3 0 R {catalog} >>",
        "<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 3 0 R /MediaBox [0 0 595 842] >>",
    ]
    header, data, position = [], b"", 0
    for number, content in enumerate(inner, start=2):
        header.append(f"{number} {position}")
        encoded = content.encode("latin-1") + b"\n"
        data += encoded
        position += len(encoded)
    prefix = (" ".join(header) + "\n").encode("latin-1")
    packed = zlib.compress(prefix + data)
    out = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"
    stream_offset = len(out)
    out += (
        f"1 0 obj\n<< /Type /ObjStm /N {len(inner)} /First {len(prefix)} /Filter /FlateDecode "
        f"/Length {len(packed)} >>\nstream\n"
    ).encode("latin-1")
    out += packed + b"\nendstream\nendobj\n"
    xref_offset = len(out)
    rows = [struct.pack(">BIH", 0, 0, 65535), struct.pack(">BIH", 1, stream_offset, 0)]
    rows += [struct.pack(">BIH", 2, 1, index) for index in range(len(inner))]
    rows.append(struct.pack(">BIH", 1, xref_offset, 0))
    table = zlib.compress(b"".join(rows))
    size = len(rows)
    out += (
        f"{size - 1} 0 obj\n<< /Type /XRef /Size {size} /W [1 4 2] /Root 2 0 R /Filter /FlateDecode "
        f"/Length {len(table)} >>\nstream\n"
    ).encode("latin-1")
    out += table + b"\nendstream\nendobj\n"
    out += f"startxref\n{xref_offset}\n%%EOF\n".encode("latin-1")
    return out


def _written(writer) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_by_pypdf(*, attachment: bytes = b"", user_password: str | None = None) -> bytes:
    """A one-page PDF written by pypdf, with an embedded file, or encrypted with ``user_password``
    ("" opens it without a password, as a PDF that only restricts printing or copying)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if attachment:
        writer.add_attachment("invoice.exe", attachment)
    if user_password is not None:
        writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-256")
    return _written(writer)


JAVASCRIPT_ACTION = "<< /S /JavaScript /JS (app.alert\\(1\\)) >>"
LAUNCH_ACTION = "<< /S /Launch /F (cmd.exe) /Win << /F (cmd.exe) /P (/c calc) >> >>"
WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
# A Windows program that starts with the PDF signature (as a .pdf, it passes a first-bytes check).
PROGRAM_BEHIND_PDF_SIGNATURE = b"%PDF-1.7\n" + WINDOWS_PROGRAM + b"\x00" * 256


# Office files and ZIP archives --------------------------------------------------------------------

CONTENT_TYPES_DOCX = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="{main}"/>'
    "{extra}</Types>"
)
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def zip_bytes(parts: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docx_bytes(
    *, main: str = DOCX_MAIN, extra_types: str = "", parts: dict[str, bytes | str] | None = None
) -> bytes:
    """A DOCX (or, with another main content type and parts, a macro-enabled DOCM)."""
    return zip_bytes(
        {
            "[Content_Types].xml": CONTENT_TYPES_DOCX.format(main=main, extra=extra_types),
            "word/document.xml": '<w:document xmlns:w="urn:w"><w:body><w:p/></w:body></w:document>',
            **(parts or {}),
        }
    )


def xlsx_bytes(*, parts: dict[str, bytes | str] | None = None, extra_types: str = "") -> bytes:
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Override PartName="/xl/workbook.xml" ContentType="{XLSX_MAIN}"/>{extra_types}</Types>'
    )
    return zip_bytes(
        {"[Content_Types].xml": content_types, "xl/workbook.xml": "<workbook/>", **(parts or {})}
    )


def _raw_zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A ZIP archive of entries already deflated: (name, deflated bytes, CRC-32, unpacked size)."""
    out, directory = b"", b""
    for name, data, crc, size in entries:
        encoded = name.encode()
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), size, len(encoded), 0)
        out += encoded + data
        directory += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0,
            8,
            0,
            0,
            crc,
            len(data),
            size,
            len(encoded),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        directory += encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), len(out), 0)
    return out + directory + end


def _deflated(data: bytes) -> tuple[bytes, int, int]:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(), zlib.crc32(data), len(data)


@functools.cache
def docx_zip_bomb(unpacked: int = 1 << 30) -> bytes:
    """A DOCX whose one picture unpacks to ``unpacked`` bytes of zeros (1 GiB), about 1 MB packed.

    The deflate stream is one 1 MiB block of zeros, fully flushed, repeated: each copy stands on
    its own, so the whole is a valid stream without compressing a gibibyte here.
    """
    mebibyte = bytes(1 << 20)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = packer.compress(mebibyte) + packer.flush(zlib.Z_FULL_FLUSH)
    count = unpacked // len(mebibyte)
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(mebibyte, crc)
    bomb = (f"word/media/image{count}.png", block * count + b"\x03\x00", crc, count * len(mebibyte))
    content_types = CONTENT_TYPES_DOCX.format(main=DOCX_MAIN, extra="")
    return _raw_zip(
        [
            (name, *_deflated(content.encode()))
            for name, content in (
                ("[Content_Types].xml", content_types),
                ("word/document.xml", "<w:document xmlns:w='urn:w'/>"),
            )
        ]
        + [bomb]
    )


# A Word 97-2003 document: an OLE compound file (its first sector, enough for the signature).
OLE_DOCUMENT = (
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff" + b"\x00" * 482
)


# Images ------------------------------------------------------------------------------------------


def image_bytes(kind: str = "PNG", *, size: tuple[int, int] = (32, 24), mode: str = "RGB", **save) -> bytes:
    image = Image.new(mode, size, color=(200, 30, 30) if mode == "RGB" else 128)
    buffer = io.BytesIO()
    image.save(buffer, kind, **save)
    return buffer.getvalue()


def photo_bytes(size: tuple[int, int] = (64, 48), *, quality: int = 95) -> bytes:
    """A JPEG of noise, like a photo's detail: each encoding of it differs from the one before."""
    buffer = io.BytesIO()
    Image.effect_noise(size, 60).convert("RGB").save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


HTML_PAGE = b"<html><body><script>alert(document.cookie)</script></body></html>"


def png_html_polyglot() -> bytes:
    """A PNG that is also a web page: HTML in a text chunk and again after the image's end."""
    info = PngInfo()
    info.add_text("Comment", HTML_PAGE.decode())
    return image_bytes("PNG", pnginfo=info) + HTML_PAGE


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_pixel_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A PNG header that claims ``width`` x ``height`` pixels (ten gigapixels) in a few bytes."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _png_chunk(b"IEND", b"")
    )
