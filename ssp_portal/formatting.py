"""How the portal writes money, numbers and dates in the active language.

One form per language, the same wherever a person reads it: pages (through the filters in
``ssp_portal.templatetags.portal``), messages and errors built in Python, e-mails and PDFs.

- Money: ``400 000 сом`` in Kyrgyz and Russian, ``KGS 400,000`` in English; tyiyn only when
  there are any (``1 234,50 сом``, ``KGS 1,234.50``).
- Other numbers (indicator values, percentages): ``1 250,5`` / ``1,250.5``; a criterion's score
  without a decimal when it is whole (``9``, ``7,5``); totals of scores with two (``72,50``).
- Dates: day first (``1 Dec 2026``, ``01.12.2026``), from the format modules in
  ``ssp_portal/formats/``, which also give the separators used here, so that one page never mixes
  ``12.5`` and ``12,5``.

The spaces inside a number are no-break spaces: an amount never breaks across two lines.
"""

from __future__ import annotations

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.utils import formats, timezone, translation

NBSP = "\u00a0"


def _separators() -> tuple[str, str]:
    """The active language's (thousands, decimal) separators."""
    return formats.get_format("THOUSAND_SEPARATOR"), formats.get_format("DECIMAL_SEPARATOR")


def _group(digits: str, separator: str) -> str:
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return separator.join(groups)


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def plain_number(value: Decimal) -> str:
    """A decimal as typed into an input: no exponent, no grouping, no trailing zeros
    (``40``, ``12.5``), whatever the language."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _write(number: Decimal, *, places: int | None) -> str:
    """``number`` grouped with the language's separators; ``places`` fixes the decimals,
    ``None`` keeps those that are not zero."""
    thousands, point = _separators()
    text = f"{abs(number):.{places}f}" if places is not None else plain_number(abs(number))
    whole, _, fraction = text.partition(".")
    sign = "-" if number < 0 and any(c not in "0." for c in text) else ""
    return sign + _group(whole, thousands) + (f"{point}{fraction}" if fraction else "")


def format_soms(value: object) -> str:
    """An amount in Kyrgyz soms, as the portal writes money everywhere."""
    if value is None or value == "":
        return ""
    number = _decimal(value)
    if number is None:
        return str(value)
    try:
        amount = number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more digits than any amount of money has (a mistyped 1e309)
        amount = number
    places = 0 if amount == amount.to_integral_value() else 2
    text = _write(amount, places=places)
    if (translation.get_language() or "").startswith("en"):
        sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
        return f"{sign}KGS{NBSP}{digits}"
    return f"{text}{NBSP}сом"


def format_quantity(value: object) -> str:
    """A number that is not money (an indicator's target or value): no trailing zeros."""
    if value is None or value == "":
        return ""
    number = _decimal(value)
    if number is None:
        return str(value)
    return _write(number, places=None)


def format_score(value: object) -> str:
    """A commission member's score for a criterion, the same wherever it is shown (the sheet, the
    other members' sheets, the protocol): a whole score without decimals (``9``, never ``9,0``),
    else with its one decimal (``7,5`` / ``7.5``), as the score sheet's own field writes it."""
    if value is None or value == "":
        return ""
    number = _decimal(value)
    if number is None:
        return str(value)
    return _write(number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), places=None)


def format_number(value: object, places: int = 2) -> str:
    """A number with a fixed count of decimals (a score of ``72,50``), grouped."""
    if value is None or value == "":
        return ""
    number = _decimal(value)
    if number is None:
        return str(value)
    return _write(number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP), places=places)


def format_percent(value: object) -> str:
    """A share in percent: ``34 %`` / ``34%``, ``12,5 %`` / ``12.5%``."""
    text = format_quantity(value)
    if not text or _decimal(value) is None:
        return text
    english = (translation.get_language() or "").startswith("en")
    return f"{text}%" if english else f"{text}{NBSP}%"


def format_date(value: datetime.date | None, *, short: bool = False) -> str:
    """A date, day first: ``1 December 2026`` or, short, ``1 Dec 2026`` / ``01.12.2026``."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return formats.date_format(value, "SHORT_DATE_FORMAT" if short else "DATE_FORMAT")


def format_datetime(
    value: datetime.datetime | None, *, zone: str | datetime.tzinfo | None = None, short: bool = False
) -> str:
    """A moment in a municipality's zone (the portal's zone by default), day first, 24 hours."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value, ZoneInfo(zone) if isinstance(zone, str) and zone else zone or None)
    return formats.date_format(value, "SHORT_DATETIME_FORMAT" if short else "DATETIME_FORMAT")


# Reading numbers as people type them ----------------------------------------------------------

# Spaces people put between groups of digits: ordinary, no-break, narrow no-break, thin.
_GROUPING = re.compile(r"[\s\u00a0\u202f\u2009]+")
_DECIMAL_COMMA = re.compile(r"^(-?\d*),(\d{1,2})$")
# The currency people write after an amount: сом, som(s), KGS, с. and the som sign (U+20C0).
_CURRENCY = re.compile(r"(?<=\d)(сом|soms?|kgs|с\.?|\u20c0)$", re.IGNORECASE)
_PLAIN = re.compile(r"^-?(\d+\.?\d*|\.\d+)$")


def typed_number(value: object) -> object:
    """What a person typed, made plain: spaces between thousands dropped, a decimal comma read as a
    point (``24 000,50`` → ``24000.50``, ``12,5`` → ``12.5``), the currency after it dropped
    (``18 000 сом`` → ``18000``). A comma before three digits (``1,500``) could mean either, so it
    stays, for the reader to refuse. Other values pass."""
    if not isinstance(value, str):
        return value
    return _DECIMAL_COMMA.sub(r"\1.\2", _CURRENCY.sub("", _GROUPING.sub("", value.strip())))


def read_number(value: object) -> Decimal | None:
    """A number as people type it (``150 000``, ``150000,50``, ``2.5``), or None when it is not
    one: words, exponents (``1e3``), an ambiguous comma (``1,500``), infinities."""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        number = Decimal(value)
        return number if number.is_finite() else None
    text = typed_number(str(value or ""))
    if not _PLAIN.match(text):
        return None
    return Decimal(text)
