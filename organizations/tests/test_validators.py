from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from organizations.validators import (
    inn_embedded_date,
    phone_normalized,
    registration_number_normalized,
    validate_inn,
    validate_organization_inn,
)


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


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("+996 555 123 456", "+996555123456"),
        ("+996555123456", "+996555123456"),
        ("996 555 12-34-56", "+996555123456"),
        ("00996 555 123456", "+996555123456"),
        ("0555 123 456", "+996555123456"),
        ("0 (555) 12-34-56", "+996555123456"),
        ("555 123 456", "+996555123456"),
        ("+996 (312) 62-45-11", "+996312624511"),  # Bishkek
        ("0 (3922) 5-00-01", "+996392250001"),  # Karakol
        ("+996\u00a0700\u00a0123\u00a0456", "+996700123456"),
        (" +996.220.123.456 ", "+996220123456"),
    ],
)
def test_phones_are_accepted_as_people_type_them_and_stored_in_one_form(typed, stored):
    assert phone_normalized(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "hello",
        "",
        "+996",
        "+996 555 123 45",  # eight digits
        "+996 555 123 4567",  # ten digits
        "+7 912 345 67 89",  # Russia
        "8 555 123 456",
        "+996 055 123 456",  # a national number cannot start with 0
        "+996 155 123 456",
        "+996 555 123 456 ext 2",
        "+996 ５５５ 123 456",  # full-width digits
        "+ 996 555 123 456 +",
        "555-123-456-789-000",
    ],
)
def test_other_phones_are_refused_with_an_example(typed):
    with pytest.raises(ValidationError) as info:
        phone_normalized(typed)
    assert info.value.code == "phone_format"
    assert "+996 555 123 456" in info.value.messages[0]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("197575-3301-ОФ", "197575-3301-ОФ"),  # public foundation
        ("223865-3301-ООО", "223865-3301-ООО"),
        ("19065-3301-ООО", "19065-3301-ООО"),
        ("309655-3303-ОФ", "309655-3303-ОФ"),
        ("55786-3301-У-е", "55786-3301-У-е"),  # institution
        ("12345-3301-ОЮЛ", "12345-3301-ОЮЛ"),  # association of legal entities
        ("197575-3301-оф", "197575-3301-ОФ"),
        ("197575 - 3301 - ОФ", "197575-3301-ОФ"),
        ("197575–3301—ОФ", "197575-3301-ОФ"),
        ("№ 197575-3301-ОФ", "197575-3301-ОФ"),
        ("№197575-3301-ОФ", "197575-3301-ОФ"),
        ("  197575-3301-OO ", "197575-3301-ОО"),  # Latin O typed for Cyrillic О
        ("55786-3301-Y-e", "55786-3301-У-е"),
    ],
)
def test_registration_numbers_in_the_ministry_of_justice_form(typed, stored):
    assert registration_number_normalized(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "abc",
        "",
        "12345",
        "12345-3301",
        "12345-3301-PF",  # Latin letters with no Cyrillic twin
        "DEMO-12345-3301-ОФ",
        "12345-33011-ОФ",  # a five-digit office code
        "12345678-3301-ОФ",  # an eight-digit number
        "12345-3301-ОФОФОФ",
        "12345-3301-ОФ-ЕЕ",
        "12345/3301/ОФ",
        "１２３４５-3301-ОФ",  # full-width digits
        "<script>alert(1)</script>",
    ],
)
def test_other_registration_numbers_are_refused_with_an_example(typed):
    with pytest.raises(ValidationError) as info:
        registration_number_normalized(typed)
    assert info.value.code == "registration_number_format"
    assert "123456-3301-ОФ" in info.value.messages[0]
