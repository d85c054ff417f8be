"""Lists as files: CSV and XLSX of what a list page shows, with its filters applied.

A list declares its columns beside it: the header a person reads and how a row gives the value
(``Column``). Its view asks ``requested(request)`` and, when a format is asked for
(``?export=csv`` or ``?export=xlsx`` beside the list's own filters), answers with
``response(...)`` over the same filtered rows instead of the page: the same permission, the same
filters, every row rather than one page of them. The page offers the links with
``{% export_links %}`` (``ssp_portal/templatetags/exports.py``).

- Headers and words (states, yes and no) are in the person's language; moments are written in
  the zone the column names (a municipality's), the portal's zone otherwise.
- CSV is UTF-8 with a byte-order mark (so that spreadsheet programs read Cyrillic), numbers with
  a decimal point and no grouping, dates and times in ISO 8601: a file for programs as much as
  for people. It is streamed: memory stays flat however long the list.
- XLSX (openpyxl, write-only) holds money and numbers as numbers, dates as dates, with formats a
  person reads; it is written to a temporary file, then streamed.
- Text that a spreadsheet would take for a formula (``=``, ``+``, ``-``, ``@`` first) gets an
  apostrophe first, in both formats, in headers too (a column may be named after a person): what
  someone typed is shown, never run.
- A queryset is read in chunks (``iterator(chunk_size=...)``, prefetches included), so a list
  costs the same number of queries at 10 rows and at 100,000.
"""

from __future__ import annotations

import csv
import datetime
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ssp_portal.downloads import content_disposition, download_filename

PARAMETER = "export"
FORMATS = {
    "csv": ("CSV", "text/csv; charset=utf-8"),
    "xlsx": ("Excel (XLSX)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
CHUNK_SIZE = 2000
# What the XLSX cells show (the value stays a number or a date).
MONEY_FORMAT = "#,##0.00"
NUMBER_FORMAT = "#,##0.##"
DATE_FORMAT = "DD.MM.YYYY"
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"
SHEET_TITLE_CHARS = 31
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Control characters XML (and so XLSX) cannot hold; tab, line feed and carriage return can.
_CONTROL = dict.fromkeys([*range(9), 11, 12, *range(14, 32)])


@dataclass(frozen=True)
class Column:
    """One column of an exported list."""

    header: str | Promise
    # The row's value: text, a number (Decimal, int), a date, a moment, a bool, or None.
    value: Callable[[Any], object]
    # For moments: the zone they are written in (a municipality's ``time_zone``), from the row.
    zone: Callable[[Any], str] | None = None
    # For numbers in XLSX: money shows two decimals.
    money: bool = False


def requested(request: HttpRequest) -> str:
    """The format asked for (``csv``, ``xlsx``), or "" for the page itself."""
    asked = request.GET.get(PARAMETER, "")
    return asked if asked in FORMATS else ""


def response(
    rows: Iterable[Any], columns: Sequence[Column], *, fmt: str, name: Sequence[object]
) -> HttpResponse:
    """The rows as a download in ``fmt``, named from ``name`` (parts a person recognises: the
    list's title, a municipality, a reference number) and today's date."""
    filename = download_filename(*name, timezone.localdate().isoformat(), extension=fmt)
    if fmt == "xlsx":
        answer: HttpResponse = FileResponse(_xlsx(rows, columns, title=str(name[0]) if name else ""))
    else:
        answer = StreamingHttpResponse(_csv_lines(rows, columns))
    answer["Content-Type"] = FORMATS[fmt][1]
    answer["Content-Disposition"] = content_disposition(filename)
    answer["X-Content-Type-Options"] = "nosniff"
    answer["Cache-Control"] = "private, no-store"
    return answer


def each(rows: Iterable[Any]) -> Iterator[Any]:
    """The rows one by one; a queryset in chunks, with its prefetches."""
    if isinstance(rows, QuerySet):
        return rows.iterator(chunk_size=CHUNK_SIZE)
    return iter(rows)


def value_of(column: Column, row: Any) -> object:
    """The column's value for ``row``, typed: words translated, moments in the column's zone
    (without a zone of their own, as spreadsheets keep them)."""
    value = column.value(row)
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        return shown_text(value)
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        zone = column.zone(row) if column.zone else None
        local = timezone.localtime(value, ZoneInfo(zone) if zone else None)
        return local.replace(tzinfo=None, microsecond=0)
    return value


def shown_text(text: str) -> str:
    """Text as a cell holds it: without the characters XML cannot hold, never a formula."""
    text = text.translate(_CONTROL)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(value: object) -> str:
    """A typed value as CSV writes it: numbers plain, dates and times in ISO 8601."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


class _Line:
    """A file that hands back what the csv writer writes to it."""

    def write(self, text: str) -> str:
        return text


def _csv_lines(rows: Iterable[Any], columns: Sequence[Column]) -> Iterator[str]:
    """The file, line by line, in the language and zone of the request that asked for it: they are
    read here, as the view answers, since the lines are written after it has returned."""
    return _csv_written(rows, columns, translation.get_language(), timezone.get_current_timezone())


def _csv_written(
    rows: Iterable[Any], columns: Sequence[Column], language: str, zone: datetime.tzinfo
) -> Iterator[str]:
    writer = csv.writer(_Line())
    with translation.override(language), timezone.override(zone):
        yield "\ufeff" + writer.writerow([shown_text(str(column.header)) for column in columns])
        for row in each(rows):
            yield writer.writerow([csv_text(value_of(column, row)) for column in columns])


def _xlsx_cell(sheet: Any, value: object, column: Column) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, datetime.datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, datetime.date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, Decimal | int | float):
        cell.number_format = MONEY_FORMAT if column.money else NUMBER_FORMAT
    return cell


def sheet_title(title: str) -> str:
    """A worksheet's name as Excel allows it: 31 characters, none of ``[]:*?/\\``."""
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in title).strip()
    return cleaned[:SHEET_TITLE_CHARS].strip() or str(_("List"))


def _xlsx(rows: Iterable[Any], columns: Sequence[Column], *, title: str) -> Any:
    """The workbook in a temporary file, rewound for reading."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(title))
    headers = []
    for column in columns:
        header = _xlsx_cell(sheet, shown_text(str(column.header)), column)
        header.font = Font(bold=True)
        headers.append(header)
    sheet.append(headers)
    for row in each(rows):
        sheet.append([_xlsx_cell(sheet, value_of(column, row), column) for column in columns])
    stream = tempfile.TemporaryFile()  # noqa: SIM115 -- closed by the response once it is sent
    workbook.save(stream)
    stream.seek(0)
    return stream
