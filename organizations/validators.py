"""Validation of Kyrgyz identifiers."""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def inn_embedded_date(inn: str) -> datetime.date | None:
    """The date in digits 2 to 9 of an INN (DDMMYYYY), or None when it is not a real date."""
    try:
        return datetime.date(int(inn[5:9]), int(inn[3:5]), int(inn[1:3]))
    except ValueError:
        return None


def validate_inn(value: str) -> None:
    """A Kyrgyz INN (tax number): 14 digits.

    The first digit tells the kind of holder (0 an organization, 1 or 2 a person); digits 2 to 9
    are a date as DDMMYYYY (the organization's registration date, or the person's birth date).
    """
    if not isinstance(value, str) or len(value) != 14 or not value.isdigit():
        raise ValidationError(_("An INN has exactly 14 digits."), code="inn_format")
    if value[0] not in "012":
        raise ValidationError(
            _("An INN starts with 0 (an organization), 1 or 2 (a person)."), code="inn_kind"
        )
    embedded = inn_embedded_date(value)
    if embedded is None or embedded.year < 1900 or embedded > datetime.date.today():
        raise ValidationError(
            _("Digits 2 to 9 of an INN are a date (DDMMYYYY); %(digits)s is not a valid date."),
            code="inn_date",
            params={"digits": value[1:9]},
        )


def validate_organization_inn(value: str) -> None:
    """The INN of a legal entity: a valid INN that starts with 0."""
    validate_inn(value)
    if value[0] != "0":
        raise ValidationError(
            _("An organization's INN starts with 0; one starting with 1 or 2 belongs to a person."),
            code="inn_not_organization",
        )


# Phone numbers -------------------------------------------------------------------------------

PHONE_EXAMPLE = "+996 555 123 456"
_PHONE_PUNCTUATION = str.maketrans("", "", " \u00a0-‐‑‒–—().")


def phone_normalized(value: str) -> str:
    """A Kyrgyz phone number in one form, ``+996`` and nine digits (``+996555123456``).

    Accepted as people type them: with spaces, dashes, dots or brackets; with the country code
    (``+996``, ``996``, ``00996``), with the trunk prefix 0 instead (``0555 123 456``,
    ``0 (3922) 5-00-01``), or the nine digits alone. The nine digits start with 2 to 9 (mobile
    operators and the area codes of cities: 312 Bishkek, 3922 Karakol).
    """
    compact = str(value).strip().translate(_PHONE_PUNCTUATION)
    plus = compact.startswith("+")
    digits = compact[1:] if plus else compact
    national = None
    if digits.isascii() and digits.isdigit():
        if plus:
            national = digits[3:] if digits.startswith("996") and len(digits) == 12 else None
        elif digits.startswith("00996") and len(digits) == 14:
            national = digits[5:]
        elif digits.startswith("996") and len(digits) == 12:
            national = digits[3:]
        elif digits.startswith("0") and len(digits) == 10:
            national = digits[1:]
        elif len(digits) == 9:
            national = digits
    if national is None or national[0] in "01":
        raise ValidationError(
            _(
                "Enter a Kyrgyz phone number: +996 and nine digits, for example %(example)s "
                "(or 0555 123 456)."
            ),
            code="phone_format",
            params={"example": PHONE_EXAMPLE},
        )
    return f"+996{national}"


# State registration numbers ----------------------------------------------------------------

REGISTRATION_NUMBER_EXAMPLE = "123456-3301-ОФ"
# Latin letters that look like Cyrillic ones, as typed on a Latin keyboard layout.
_LOOKALIKES = str.maketrans("ABCEHKMOPTXY", "АВСЕНКМОРТХУ")
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—−", "-"))
_REGISTRATION_NUMBER = re.compile(
    r"^(?P<number>[0-9]{1,7})-(?P<office>[0-9]{4})-(?P<form>[А-ЯЁӨҮҢ]{1,5})(?:-(?P<suffix>[А-ЯЁӨҮҢ]))?$"
)


def registration_number_normalized(value: str) -> str:
    """The number of the certificate of state registration, as the Ministry of Justice writes it.

    Three parts joined by dashes: the entity's number in the register (up to seven digits), the
    four-digit code of the registering office, and the legal form in Cyrillic letters: ОФ a public
    foundation, ОО a public union, ОЮЛ an association of legal entities, У an institution
    (``197575-3301-ОФ``, ``55786-3301-У-е``). A leading ``№``, spaces around the dashes, long
    dashes, lower-case letters and Latin letters that look like Cyrillic ones are put right; the
    result is upper case but for the one-letter ending (``-е``), which the register writes small.
    """
    text = str(value).strip().translate(_DASHES)
    text = re.sub(r"^(№|N[oº]?\.?)\s*", "", text, flags=re.IGNORECASE)
    text = re.sub(r"\s*-\s*", "-", text).upper().translate(_LOOKALIKES)
    match = _REGISTRATION_NUMBER.match(text)
    if match is None:
        raise ValidationError(
            _(
                "Enter the number as on the certificate of state registration: digits, the "
                "four-digit code of the registering office and the legal form, for example "
                "%(example)s."
            ),
            code="registration_number_format",
            params={"example": REGISTRATION_NUMBER_EXAMPLE},
        )
    suffix = match["suffix"]
    return f"{match['number']}-{match['office']}-{match['form']}" + (f"-{suffix.lower()}" if suffix else "")
