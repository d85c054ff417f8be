"""Validation of Kyrgyz identifiers."""

from __future__ import annotations

import datetime

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
