"""Template filters shared by every app: money in soms, quantities, times in a municipality's zone."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django import template
from django.forms import BoundField
from django.utils import timezone, translation

register = template.Library()

NBSP = "\u00a0"


def _group(number: str, separator: str) -> str:
    digits = number
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return separator.join(groups)


@register.filter
def soms(value: object) -> str:
    """An amount in Kyrgyz soms: ``400 000 сом`` in Kyrgyz and Russian, ``KGS 400,000`` in English.

    Tyiyn (hundredths) show only when there are any.
    """
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return str(value)
    sign = "-" if amount < 0 else ""
    whole, _, cents = f"{abs(amount):.2f}".partition(".")
    english = (translation.get_language() or "").startswith("en")
    if english:
        text = _group(whole, ",") + (f".{cents}" if cents != "00" else "")
        return f"{sign}KGS{NBSP}{text}"
    text = _group(whole, NBSP) + (f",{cents}" if cents != "00" else "")
    return f"{sign}{text}{NBSP}сом"


def plain_number(value: Decimal) -> str:
    """A decimal as typed: no exponent, no trailing zeros (``40``, ``12.5``), for form inputs."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


@register.filter
def quantity(value: object) -> str:
    """A number that is not money (an indicator's target or value): ``1,250.5`` in English,
    ``1 250,5`` in Kyrgyz and Russian; no trailing zeros."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    text = plain_number(abs(number))
    sign = "-" if number < 0 else ""
    whole, _, fraction = text.partition(".")
    english = (translation.get_language() or "").startswith("en")
    separator, point = (",", ".") if english else (NBSP, ",")
    return sign + _group(whole, separator) + (f"{point}{fraction}" if fraction else "")


@register.filter
def input_value(field: BoundField) -> str:
    """A form field's value as its widget writes it into an input: ``24000.50`` and ``2026-05-01``
    whatever the language (a number or date input cannot read ``24 000,50`` or ``1 мая 2026``)."""
    value = field.field.widget.format_value(field.value())
    return "" if value is None else value


@register.filter
def in_zone(value: datetime | None, zone: str) -> datetime | None:
    """An aware time converted to a named zone (a municipality's ``time_zone``)."""
    if value is None:
        return None
    return timezone.localtime(value, ZoneInfo(zone or "Asia/Bishkek"))
