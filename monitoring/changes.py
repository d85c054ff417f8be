"""What changed in a report from one round to the next, for the reviewer of a revised report.

Two rounds' snapshots (what each submitted, see ``_snapshot`` in services/reports.py) are compared:

- the narrative section by section: a text that changed is shown as a word-level diff, removed
  words in ``<del>``, added words in ``<ins>``, everything else as it was; every piece of text is
  escaped, so what an organization wrote never becomes markup;
- the beneficiaries reached, and each indicator's value (matched by the indicator's name, which is
  unique in a project and fixed once reported on): old → new;
- the spending of each approved line (matched by the line's id, or by its description in
  snapshots that predate ids): amount and explanation, old → new;
- the attachments' names: added and removed.

Sections that did not change are left out.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import capfirst

from monitoring.models import MonitoringReport, ReportRound

TEXTS = ("activities", "results", "problems")
# Words, runs of spaces, and single marks: a changed comma does not mark the word beside it.
TOKENS = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)
WORD = re.compile(r"\w+", re.UNICODE)
# Below this share of common words, a text is shown as replaced as a whole.
SIMILAR = 0.5
REMOVED = '<del class="diff-removed bg-danger-subtle me-1">{}</del>'
ADDED = '<ins class="diff-added bg-success-subtle">{}</ins>'


def _escaped(text: str) -> SafeString:
    return linebreaksbr(text, autoescape=True)


def _segments(before: list[str], after: list[str]) -> list[tuple[str, str, str]]:
    """(kind, old text, new text) runs: "equal" or "change". Texts that share fewer than half
    of the words of the shorter one are one change; spaces or marks kept between two changes join
    them, so that the diff reads as phrases rather than alternating fragments."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    kept = sum(
        1
        for block in matcher.get_matching_blocks()
        for token in before[block.a : block.a + block.size]
        if WORD.fullmatch(token)
    )
    shorter = min(sum(1 for t in before if WORD.fullmatch(t)), sum(1 for t in after if WORD.fullmatch(t)))
    if shorter and kept / shorter < SIMILAR:
        return [("change", "".join(before), "".join(after))]
    segments: list[tuple[str, str, str]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        kind = "equal" if op == "equal" else "change"
        segments.append((kind, "".join(before[i1:i2]), "".join(after[j1:j2])))
    merged: list[tuple[str, str, str]] = []
    for index, (kind, old, new) in enumerate(segments):
        between_changes = 0 < index < len(segments) - 1
        if kind == "equal" and between_changes and not WORD.search(old):
            kind = "change"
        if kind == "change" and merged and merged[-1][0] == "change":
            _kind, old_before, new_before = merged.pop()
            old, new = old_before + old, new_before + new
        merged.append((kind, old, new))
    return merged


def word_diff(old: str, new: str) -> SafeString:
    """``new`` with the words removed from ``old`` in ``<del>`` and those added in ``<ins>``."""
    parts: list[SafeString] = []
    for kind, removed, added in _segments(TOKENS.findall(old or ""), TOKENS.findall(new or "")):
        if kind == "equal":
            parts.append(_escaped(added))
            continue
        if removed.strip():
            parts.append(format_html(REMOVED, _escaped(removed)))
        if added.strip():
            parts.append(format_html(ADDED, _escaped(added)))
        elif added:
            parts.append(_escaped(added))
    return format_html_join("", "{}", ((part,) for part in parts))


def _number(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


@dataclass(frozen=True)
class TextChange:
    label: str
    old: str
    new: str

    @property
    def marked(self) -> SafeString:
        return word_diff(self.old, self.new)


@dataclass(frozen=True)
class ValueChange:
    name: str
    old: Decimal | None
    new: Decimal | None


@dataclass(frozen=True)
class SpendingChange:
    line: str
    old: Decimal | None
    new: Decimal | None
    old_explanation: str
    new_explanation: str

    @property
    def amount_changed(self) -> bool:
        return self.old != self.new


@dataclass(frozen=True)
class RoundChanges:
    since: int  # the number of the earlier round
    texts: list[TextChange] = field(default_factory=list)
    beneficiaries: ValueChange | None = None
    indicators: list[ValueChange] = field(default_factory=list)
    spending: list[SpendingChange] = field(default_factory=list)
    attachments_added: list[str] = field(default_factory=list)
    attachments_removed: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(
            self.texts
            or self.beneficiaries
            or self.indicators
            or self.spending
            or self.attachments_added
            or self.attachments_removed
        )


def _spending(snapshot: dict, by_id: bool) -> dict[Any, dict]:
    return {item["line_id"] if by_id else item["line"]: item for item in snapshot.get("expenditure", [])}


def snapshot_changes(previous: dict, current: dict, *, since: int) -> RoundChanges:
    """What ``current`` changed from ``previous`` (two rounds' snapshots)."""
    old_text, new_text = previous.get("narrative", {}), current.get("narrative", {})
    texts = [
        TextChange(
            label=capfirst(MonitoringReport._meta.get_field(name).verbose_name),
            old=old_text.get(name, ""),
            new=new_text.get(name, ""),
        )
        for name in TEXTS
        if old_text.get(name, "") != new_text.get(name, "")
    ]
    beneficiaries = None
    old_people = _number(old_text.get("beneficiaries_reached"))
    new_people = _number(new_text.get("beneficiaries_reached"))
    if old_people != new_people:
        beneficiaries = ValueChange(
            capfirst(MonitoringReport._meta.get_field("beneficiaries_reached").verbose_name),
            old_people,
            new_people,
        )

    old_values, new_values = previous.get("indicators", {}), current.get("indicators", {})
    indicators = [
        ValueChange(name, _number(old_values.get(name)), _number(new_values.get(name)))
        for name in [*new_values, *(n for n in old_values if n not in new_values)]
        if _number(old_values.get(name)) != _number(new_values.get(name))
    ]

    items = [*previous.get("expenditure", []), *current.get("expenditure", [])]
    by_id = all("line_id" in item for item in items)
    old_spent, new_spent = _spending(previous, by_id), _spending(current, by_id)
    spending = []
    for key in [*new_spent, *(k for k in old_spent if k not in new_spent)]:
        old, new = old_spent.get(key, {}), new_spent.get(key, {})
        change = SpendingChange(
            line=new.get("line") or old.get("line", ""),
            old=_number(old.get("amount")),
            new=_number(new.get("amount")),
            old_explanation=old.get("explanation", ""),
            new_explanation=new.get("explanation", ""),
        )
        if change.amount_changed or change.old_explanation != change.new_explanation:
            spending.append(change)

    old_files, new_files = previous.get("attachments", []), current.get("attachments", [])
    return RoundChanges(
        since=since,
        texts=texts,
        beneficiaries=beneficiaries,
        indicators=indicators,
        spending=spending,
        attachments_added=[name for name in new_files if name not in old_files],
        attachments_removed=[name for name in old_files if name not in new_files],
    )


def round_changes(rounds: list[ReportRound]) -> RoundChanges | None:
    """What the latest of a report's rounds changed from the one before; None for a first round."""
    if len(rounds) < 2:
        return None
    previous, current = sorted(rounds, key=lambda r: r.number)[-2:]
    return snapshot_changes(previous.snapshot, current.snapshot, since=previous.number)
