"""Lists as files (``ssp_portal.exports``): CSV and XLSX with translated headers, typed values,
moments in the municipality's zone, formulas never run, and a query count that does not grow."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook

from organizations.factories import MunicipalityFactory
from organizations.models import Municipality
from ssp_portal import exports
from ssp_portal.templatetags.exports import export_url

MOMENT = datetime.datetime(2026, 3, 1, 18, 30, tzinfo=datetime.UTC)
ROWS = [
    {"name": "Добрые руки", "amount": Decimal("200000.00"), "at": MOMENT, "paid": True},
    {"name": '=HYPERLINK("http://x")', "amount": Decimal("-5.50"), "at": None, "paid": False},
]
COLUMNS = [
    exports.Column(_("Name"), lambda row: row["name"]),
    exports.Column(_("Amount"), lambda row: row["amount"], money=True),
    exports.Column(_("Submitted"), lambda row: row["at"], zone=lambda row: "Asia/Bishkek"),
    exports.Column(_("Paid"), lambda row: row["paid"]),
]


def body(response) -> bytes:
    if response.streaming:
        return b"".join(
            part if isinstance(part, bytes) else part.encode() for part in response.streaming_content
        )
    return response.content


def read_csv(response) -> list[list[str]]:
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff"), "a byte-order mark, for spreadsheet programs"
    return list(csv.reader(io.StringIO(text[1:])))


def read_xlsx(response) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(body(response))).active
    return list(sheet.iter_rows(values_only=True))


def test_csv_has_translated_headers_plain_numbers_local_times_and_no_formulas():
    with translation.override("ru"):
        response = exports.response(ROWS, COLUMNS, fmt="csv", name=["Projects", "Karakol"])
        expected = [str(column.header) for column in COLUMNS] + [str(_("Yes"))]
    # The lines are written as the server sends them, after the view returned.
    lines = read_csv(response)
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert lines[0] == expected[:4] and lines[0][0] != "Name", "headers in the person's language"
    assert lines[1] == ["Добрые руки", "200000.00", "2026-03-02 00:30", expected[4]]
    assert lines[2][0].startswith("'="), "text that looks like a formula is shown, not run"
    assert lines[2][1:3] == ["-5.50", ""]


def test_xlsx_keeps_money_as_numbers_and_moments_as_dates():
    response = exports.response(ROWS, COLUMNS, fmt="xlsx", name=["Projects"])
    header, first, second = read_xlsx(response)
    assert header == ("Name", "Amount", "Submitted", "Paid")
    assert first[1] == 200000 and isinstance(first[1], int | float)
    assert first[2] == datetime.datetime(2026, 3, 2, 0, 30)
    assert first[3] == "Yes" and second[3] == "No"
    assert second[0].startswith("'=")
    assert response["Content-Type"] == exports.FORMATS["xlsx"][1]


def test_control_characters_that_xml_cannot_hold_are_dropped():
    rows = [{"name": "a\x00b\x1fc\td", "amount": None, "at": None, "paid": False}]
    (_header, row) = read_xlsx(exports.response(rows, COLUMNS, fmt="xlsx", name=["x"]))
    assert row[0] == "abc\td"


def test_sheet_titles_are_what_excel_allows():
    assert exports.sheet_title("Projects: Karakol / 2026 [all]") == "Projects  Karakol   2026  all"
    assert len(exports.sheet_title("x" * 80)) == 31
    assert exports.sheet_title("  ") == "List"


def test_the_export_address_keeps_the_filters_and_drops_the_page():
    request = RequestFactory().get("/projects/", {"q": "руки", "state": "active", "page": "3"})
    url = export_url(request, "xlsx")
    assert url.startswith("/projects/?")
    assert "page=" not in url and "state=active" in url and "export=xlsx" in url


def test_only_known_formats_are_asked_for():
    assert exports.requested(RequestFactory().get("/", {"export": "csv"})) == "csv"
    assert exports.requested(RequestFactory().get("/", {"export": "pdf"})) == ""
    assert exports.requested(RequestFactory().get("/")) == ""


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_queryset_costs_one_query_at_3_rows_and_at_30(fmt):
    columns = [exports.Column(_("Name"), lambda m: m.name)]
    counts = []
    for size in (3, 30):
        Municipality.objects.all().delete()
        MunicipalityFactory.create_batch(size)
        with CaptureQueriesContext(connection) as queries:
            response = exports.response(Municipality.objects.order_by("name"), columns, fmt=fmt, name=["m"])
            rows = read_csv(response) if fmt == "csv" else read_xlsx(response)
        assert len(rows) == size + 1
        counts.append(len(queries))
    assert counts[0] == counts[1]
