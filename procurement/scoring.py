"""Totals and ranking: pure arithmetic on submitted score sheets.

A member's total for an application is the weighted sum of the criterion scores, each taken as a
share of the criterion's maximum, so that it lies between 0 and 100 (the weights add up to 100):

    total = Σ score(c) / max(c) × weight(c)

An application's total is the mean of the totals of the members who submitted a sheet for it.
The spread is the highest member total minus the lowest; above the competition's margin the
ranking flags it for discussion. Totals are kept exact and shown with two decimals.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")

TIE_RULE = _(
    "Applications with the same total (to two decimals) are ordered by the mean score of the first "
    "criterion, then of the second, and so on in the order of the criteria; if still equal, the "
    "application submitted earlier ranks higher."
)


def rounded(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Criterion:
    id: int
    weight: int
    max_score: int


def sheet_total(scores: dict[int, Decimal], criteria: Sequence[Criterion]) -> Decimal:
    """A member's total for an application, 0 to 100, not rounded."""
    return sum(
        (Decimal(scores.get(c.id, 0)) / Decimal(c.max_score) * Decimal(c.weight) for c in criteria),
        Decimal("0"),
    )


@dataclass
class Ranked:
    """One application's place in the ranking."""

    application: Any
    member_totals: dict[int, Decimal] = field(default_factory=dict)  # member id → total
    criterion_means: list[Decimal] = field(default_factory=list)
    mean: Decimal | None = None
    spread: Decimal | None = None
    flagged: bool = False
    rank: int | None = None

    @property
    def mean_shown(self) -> Decimal | None:
        return rounded(self.mean)

    @property
    def spread_shown(self) -> Decimal | None:
        return rounded(self.spread)


def rank(
    applications: Iterable[Any],
    criteria: Sequence[Criterion],
    sheets: dict[int, dict[int, dict[int, Decimal]]],
    *,
    margin: Decimal,
    submitted_at: dict[int, Any] | None = None,
) -> list[Ranked]:
    """Rank applications by their mean total, with the tie rule.

    ``sheets`` maps application id → member id → criterion id → score, submitted sheets only.
    Applications no one has scored come last, unranked.
    """
    submitted_at = submitted_at or {}
    rows = []
    for application in applications:
        by_member = sheets.get(application.pk, {})
        row = Ranked(application=application)
        row.member_totals = {member: sheet_total(scores, criteria) for member, scores in by_member.items()}
        if row.member_totals:
            totals = list(row.member_totals.values())
            row.mean = sum(totals, Decimal("0")) / len(totals)
            row.spread = max(totals) - min(totals)
            row.flagged = row.spread > margin
            row.criterion_means = [
                sum((Decimal(s.get(c.id, 0)) for s in by_member.values()), Decimal("0")) / len(by_member)
                for c in criteria
            ]
        rows.append(row)

    def order(row: Ranked) -> tuple:
        if row.mean is None:
            return (1,)
        tie = tuple(-mean for mean in row.criterion_means)
        moment = submitted_at.get(row.application.pk)
        return (0, -rounded(row.mean), *tie, moment.timestamp() if moment else 0, row.application.pk)

    rows.sort(key=order)
    for position, row in enumerate((r for r in rows if r.mean is not None), start=1):
        row.rank = position
    return rows
