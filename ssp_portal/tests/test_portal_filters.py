from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.utils import translation

from ssp_portal.templatetags.portal import in_zone, plain_number, quantity, soms


@pytest.mark.parametrize(
    ("language", "amount", "expected"),
    [
        ("ru", Decimal("400000"), "400\u00a0000\u00a0сом"),
        ("ky", Decimal("200000.00"), "200\u00a0000\u00a0сом"),
        ("ru", Decimal("1234567.5"), "1\u00a0234\u00a0567,50\u00a0сом"),
        ("en", Decimal("400000"), "KGS\u00a0400,000"),
        ("en", Decimal("999.99"), "KGS\u00a0999.99"),
        ("en", Decimal("-15"), "-KGS\u00a015"),
        ("ru", Decimal("0"), "0\u00a0сом"),
    ],
)
def test_soms(language, amount, expected):
    with translation.override(language):
        assert soms(amount) == expected


def test_soms_leaves_non_numbers_alone():
    assert soms(None) == ""
    assert soms("n/a") == "n/a"


def test_in_zone_shows_bishkek_time():
    noon_utc = datetime(2026, 3, 14, 11, 0, tzinfo=UTC)
    assert in_zone(noon_utc, "Asia/Bishkek").hour == 17


@pytest.mark.parametrize(
    ("language", "value", "expected"),
    [
        # Stored as DECIMAL(14, 2): 40 comes back as 40.00 and must not read 4E+1.
        ("en", Decimal("40.00"), "40"),
        ("ru", Decimal("40.00"), "40"),
        ("en", Decimal("1250.50"), "1,250.5"),
        ("ky", Decimal("1250.50"), "1\u00a0250,5"),
        ("ru", Decimal("0.00"), "0"),
        ("en", Decimal("-3.25"), "-3.25"),
    ],
)
def test_quantity(language, value, expected):
    with translation.override(language):
        assert quantity(value) == expected
    assert quantity(None) == ""


def test_plain_number_is_what_a_person_would_type():
    assert plain_number(Decimal("40.00")) == "40"
    assert plain_number(Decimal("4E+1")) == "40"
    assert plain_number(Decimal("12.50")) == "12.5"
