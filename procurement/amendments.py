"""What an amendment changes, and where it leaves the deadline.

One plan serves the confirmation page, which says what will happen, and the service, which does it.

- An amendment changes only the terms in ``AMENDABLE``; a term sent as it is stored is no change.
- The deadline never moves earlier.
- After an amendment, applicants keep at least the municipality's minimum submission period. When
  they would have less, the deadline moves later by itself: to the same time of day, in the
  municipality's zone, on the first day that leaves the whole period (a deadline of 17:00 stays at
  17:00).
- An amendment is made to the terms as the person saw them when they opened its form: when the
  terms have changed since (someone else published an amendment), it is refused, not applied over
  the other one (``terms_version``).
- The amendment records each changed term as it was and as it became (the deadline as it became,
  moved or not), so the public record shows old → new; stored values are text (``400000.00``, ISO
  dates), read back here by the kind of the term.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ssp_portal.languages import LANGUAGES, NATIVE_NAMES

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from procurement.models import Competition

# In the order an amendment lists them: the terms of one line first, the description last.
AMENDABLE = (
    "budget",
    "max_grant",
    "projects_expected",
    "deadline",
    "project_start",
    "project_end",
    "contact",
    # The description in each language; ``description`` alone is the page's language.
    *[f"description_{language}" for language in LANGUAGES],
    "description",
)

# How a term is written: money in soms, a moment in the municipality's zone, a day, a count, text.
MONEY, MOMENT, DAY, COUNT, TEXT = "money", "moment", "day", "count", "text"
KINDS = {
    "description": TEXT,
    **{f"description_{language}": TEXT for language in LANGUAGES},
    "budget": MONEY,
    "max_grant": MONEY,
    "projects_expected": COUNT,
    "deadline": MOMENT,
    "project_start": DAY,
    "project_end": DAY,
    "contact": TEXT,
}
LABELS = {
    "description": _("Description"),
    **{
        f"description_{language}": format_lazy("{} — {}", _("Description"), NATIVE_NAMES[language])
        for language in LANGUAGES
    },
    "budget": _("Total budget"),
    "max_grant": _("Maximum grant per project"),
    "projects_expected": _("Number of projects expected"),
    "deadline": _("Submission deadline"),
    "project_start": _("Project start"),
    "project_end": _("Project end"),
    "contact": _("Contact for questions"),
}


@dataclass(frozen=True)
class TermChange:
    """One term of the competition as it was and as it becomes."""

    name: str
    old: Any
    new: Any

    @property
    def label(self) -> str:
        return str(LABELS.get(self.name, self.name))

    @property
    def kind(self) -> str:
        return KINDS.get(self.name, TEXT)

    @property
    def long(self) -> bool:
        """A text shown in full apart (a description), not on one line."""
        return self.name.startswith("description")

    @property
    def old_kind(self) -> str:
        return _kind_of(self.kind, self.old)

    @property
    def new_kind(self) -> str:
        return _kind_of(self.kind, self.new)


_TYPES = {
    MONEY: (Decimal, int),
    MOMENT: (datetime.datetime,),
    DAY: (datetime.date,),
    COUNT: (int,),
}


def _kind_of(kind: str, value: Any) -> str:
    """How to write ``value``: as its term's kind, or as text when it is not of that kind (a
    stored value that could not be read back)."""
    types = _TYPES.get(kind)
    return kind if types is None or isinstance(value, types) else TEXT


def minimum_deadline(
    deadline: datetime.datetime, *, at: datetime.datetime, days: int, zone: ZoneInfo
) -> datetime.datetime:
    """``deadline``, or, when it leaves fewer than ``days`` days after ``at``, the first later
    deadline at the same time of day (in ``zone``) that leaves them."""
    earliest = at + datetime.timedelta(days=days)
    if deadline >= earliest:
        return deadline
    wall = timezone.localtime(deadline, zone).time()
    day = timezone.localtime(earliest, zone).date()
    moved = timezone.make_aware(datetime.datetime.combine(day, wall), zone)
    if moved < earliest:
        moved = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), wall), zone)
    return moved


@dataclass(frozen=True)
class AmendmentPlan:
    """What an amendment would do to a competition at a moment."""

    typed: tuple[TermChange, ...]  # the terms the person changed, in the order of AMENDABLE
    previous_deadline: datetime.datetime
    deadline: datetime.datetime  # after the amendment
    minimum_days: int
    moved_for_minimum: bool  # the deadline moves later by itself

    @property
    def changed(self) -> bool:
        return bool(self.typed)

    @property
    def chosen_deadline(self) -> datetime.datetime | None:
        """The deadline the person typed, when they changed it."""
        return next((change.new for change in self.typed if change.name == "deadline"), None)

    @property
    def changes(self) -> tuple[TermChange, ...]:
        """What the record shows: the typed changes, with the deadline as it becomes."""
        others = tuple(change for change in self.typed if change.name != "deadline")
        if self.deadline == self.previous_deadline:
            return others
        moved = TermChange("deadline", self.previous_deadline, self.deadline)
        return tuple(sorted((*others, moved), key=lambda change: AMENDABLE.index(change.name)))

    def values(self) -> dict[str, Any]:
        """The new values of the terms that change, the deadline as it becomes."""
        return {change.name: change.new for change in self.changes}


def amendment_plan(
    competition: Competition, changes: Mapping[str, Any], *, at: datetime.datetime
) -> AmendmentPlan:
    """What amending ``competition`` with ``changes`` (new values by term) at ``at`` does."""
    unknown = set(changes) - set(AMENDABLE)
    if unknown:
        raise ValueError(f"Not amendable: {sorted(unknown)}")
    typed = tuple(
        TermChange(name, getattr(competition, name), changes[name])
        for name in AMENDABLE
        if name in changes and not _same(getattr(competition, name), changes[name])
    )
    previous = competition.deadline
    chosen = next((change.new for change in typed if change.name == "deadline"), previous)
    days = competition.municipality.min_submission_days
    deadline = minimum_deadline(chosen, at=at, days=days, zone=competition.zone)
    return AmendmentPlan(
        typed=typed,
        previous_deadline=previous,
        deadline=deadline,
        minimum_days=days,
        moved_for_minimum=deadline != chosen,
    )


def terms_version(competition: Competition, *, last_amendment: int) -> str:
    """The version of the amendable terms as they are now, after amendment ``last_amendment`` (0
    when none): ``"2-…"``, the number and a digest of the terms. A form carries the version it was
    opened with; any amendment since changes it, even one that restored the same terms."""
    values = []
    for name in AMENDABLE:
        value = getattr(competition, name)
        if KINDS[name] == MONEY and isinstance(value, Decimal | int):
            value = f"{Decimal(value):.2f}"  # 400000 and 400000.00 are the same amount
        elif isinstance(value, str):
            value = value.replace("\r\n", "\n")
        values.append(_stored(value))
    digest = hashlib.sha256(json.dumps(values, ensure_ascii=False).encode()).hexdigest()[:16]
    return f"{last_amendment}-{digest}"


def version_amendment(version: str) -> int | None:
    """The number of the last amendment a version was taken after, or None when it is not a
    version (an empty or altered field)."""
    number, _, digest = (version or "").partition("-")
    return int(number) if number.isdigit() and digest else None


def _same(old: Any, new: Any) -> bool:
    """A text sent back with other line ends (a browser sends CR LF) is the same text."""
    if old in ("", None) and new in ("", None):  # a language the text is not written in
        return True
    if isinstance(old, str) and isinstance(new, str):
        return old.replace("\r\n", "\n") == new.replace("\r\n", "\n")
    return old == new


def _stored(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


def record(changes: Iterable[TermChange]) -> dict[str, list[str | None]]:
    """Changes as the amendment stores them: ``{"budget": ["400000.00", "450000"]}``."""
    return {change.name: [_stored(change.old), _stored(change.new)] for change in changes}


def _read(name: str, value: Any) -> Any:
    if value is None or not isinstance(value, str):
        return value
    kind = KINDS.get(name, TEXT)
    try:
        if kind == MONEY:
            number = Decimal(value)
            return number if number.is_finite() else value
        if kind == MOMENT:
            return datetime.datetime.fromisoformat(value)
        if kind == DAY:
            return datetime.date.fromisoformat(value)
        if kind == COUNT:
            return int(value)
    except (ValueError, InvalidOperation):
        return value  # shown as it was stored
    return value


def read(stored: Mapping[str, Any]) -> list[TermChange]:
    """The stored changes, each term read back as its kind, in the order of AMENDABLE."""
    order = {name: index for index, name in enumerate(AMENDABLE)}
    changes = []
    for name in sorted(stored, key=lambda name: (order.get(name, len(order)), name)):
        pair = stored[name]
        old, new = (pair[0], pair[1]) if isinstance(pair, list | tuple) and len(pair) == 2 else (None, pair)
        changes.append(TermChange(name, _read(name, old), _read(name, new)))
    return changes
