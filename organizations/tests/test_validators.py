from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from organizations.validators import inn_embedded_date, validate_inn, validate_organization_inn


@pytest.mark.parametrize(
    "inn",
    [
        "01405201210123",  # organization registered 14.05.2012
        "02109201510456",  # organization registered 21.09.2015
        "12503199000017",  # a woman born 25.03.1990
        "20101198512345",  # a man born 01.01.1985
    ],
)
def test_valid_inns(inn):
    validate_inn(inn)


@pytest.mark.parametrize(
    ("inn", "code"),
    [
        ("0140520121012", "inn_format"),  # 13 digits
        ("014052012101234", "inn_format"),  # 15 digits
        ("0140520121012A", "inn_format"),
        ("01405 01210123", "inn_format"),
        ("", "inn_format"),
        ("31405201210123", "inn_kind"),  # first digit 3
        ("03102201510456", "inn_date"),  # 31 February
        ("01413201210123", "inn_date"),  # month 13
        ("00001201210123", "inn_date"),  # day 0
        ("01405189910123", "inn_date"),  # before 1900
        ("01401209910123", "inn_date"),  # 2099: in the future
    ],
)
def test_invalid_inns_say_why(inn, code):
    with pytest.raises(ValidationError) as info:
        validate_inn(inn)
    assert info.value.code == code


def test_an_organizations_inn_starts_with_zero():
    validate_organization_inn("01405201210123")
    with pytest.raises(ValidationError) as info:
        validate_organization_inn("12503199000017")
    assert info.value.code == "inn_not_organization"


def test_embedded_date():
    assert inn_embedded_date("01405201210123") == datetime.date(2012, 5, 14)
    assert inn_embedded_date("03102201510456") is None
