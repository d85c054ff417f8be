"""Checks shared by the forms of every app."""

from __future__ import annotations

import datetime
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Nothing the portal records happened before its first competitions.
PORTAL_EARLIEST = datetime.date(2000, 1, 1)


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@deconstructible
class DateWindow:
    """A date within a window around today: from ``earliest`` to ``years_ahead`` years after
    today (0: today at the latest).

    It checks dates, date-times (by their date in the current time zone) and years (integers,
    for fields that hold a year). ``apply(field)`` adds the check to a form field and gives the
    browser's date picker the same bounds.
    """

    def __init__(self, *, years_ahead: int, earliest: datetime.date = PORTAL_EARLIEST) -> None:
        self.years_ahead = years_ahead
        self.earliest = earliest

    @property
    def latest(self) -> datetime.date:
        return _add_years(timezone.localdate(), self.years_ahead)

    def __call__(self, value: datetime.date | datetime.datetime | int | None) -> None:
        if value is None:
            return
        latest = self.latest
        if isinstance(value, int):
            if not self.earliest.year <= value <= latest.year:
                raise ValidationError(
                    _("Enter a year from %(earliest)d to %(latest)d."),
                    code="year_out_of_window",
                    params={"earliest": self.earliest.year, "latest": latest.year},
                )
            return
        day = value
        if isinstance(value, datetime.datetime):
            day = (timezone.localtime(value) if timezone.is_aware(value) else value).date()
        if not self.earliest <= day <= latest:
            raise ValidationError(
                _("Enter a date from %(earliest)s to %(latest)s."),
                code="date_out_of_window",
                params={
                    "earliest": formats.date_format(self.earliest),
                    "latest": formats.date_format(latest),
                },
            )

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, DateWindow)
            and other.years_ahead == self.years_ahead
            and other.earliest == self.earliest
        )

    def apply(self, field: forms.Field) -> forms.Field:
        field.validators.append(self)
        widget = field.widget
        if isinstance(field, forms.IntegerField):
            widget.attrs.update(min=self.earliest.year, max=self.latest.year)
        elif getattr(widget, "input_type", "") == "date":
            widget.attrs.update(min=self.earliest.isoformat(), max=self.latest.isoformat())
        elif getattr(widget, "input_type", "") == "datetime-local":
            widget.attrs.update(
                min=f"{self.earliest.isoformat()}T00:00", max=f"{self.latest.isoformat()}T23:59"
            )
        return field


def limit_dates(form: forms.BaseForm, **windows: DateWindow) -> None:
    """Apply a window to each named field of a form: ``limit_dates(self, deadline=DEADLINE)``."""
    for name, window in windows.items():
        if name in form.fields:
            window.apply(form.fields[name])


# The windows of the portal's dates, in one place.
ANNOUNCEMENT = DateWindow(years_ahead=1)
DEADLINE = DateWindow(years_ahead=2)
PROJECT_START = DateWindow(years_ahead=3)
PROJECT_END = DateWindow(years_ahead=5)
PLANNED = DateWindow(years_ahead=6)  # tranches, reporting periods: up to a year after a project ends
CONTRACT = DateWindow(years_ahead=1)
PAST = DateWindow(years_ahead=0)  # what has happened: payments, site visits
BUDGET_YEAR = DateWindow(years_ahead=5)
# Organizations were registered in the Kyrgyz Republic's own register from its independence.
REGISTRATION = DateWindow(years_ahead=0, earliest=datetime.date(1991, 1, 1))


# Hidden characters ------------------------------------------------------------------------------

# Control characters (Cc), and format characters (Cf): the bidirectional controls U+202A–U+202E
# and U+2066–U+2069, the marks U+200E/U+200F, zero-width spaces and joiners, the byte-order mark,
# the soft hyphen. None is typed on purpose into a single line; each can make text read
# differently from what it is (an address that looks like another).
HIDDEN_CATEGORIES = ("Cc", "Cf", "Zl", "Zp")


def hidden_character(value: str) -> str | None:
    """The first hidden character of ``value``, or None."""
    return next((c for c in value if unicodedata.category(c) in HIDDEN_CATEGORIES), None)


@deconstructible
class NoHiddenCharacters:
    """Refuses text of one line with a control, direction or zero-width character in it."""

    def __call__(self, value: str) -> None:
        if not isinstance(value, str):
            return
        character = hidden_character(value)
        if character is not None:
            name = unicodedata.name(character, "")
            raise ValidationError(
                _(
                    "This contains a hidden character (%(character)s) that can make the text look "
                    "like something else. Type it again without it."
                ),
                code="hidden_character",
                params={"character": f"U+{ord(character):04X}" + (f" {name}" if name else "")},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoHiddenCharacters)


no_hidden_characters = NoHiddenCharacters()


class RefusesHiddenCharacters:
    """A form field mixin: text with a hidden character is refused before the field's other
    checks, with that one message (``class PlainEmailField(RefusesHiddenCharacters, EmailField)``)."""

    def to_python(self, value):
        value = super().to_python(value)
        no_hidden_characters(value)
        return value
