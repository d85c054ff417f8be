"""The arithmetic of the ranking, with numbers worked out by hand."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from procurement.scoring import Criterion, rank, rounded, sheet_total

A, B, C = (
    Criterion(1, weight=50, max_score=10),
    Criterion(2, weight=30, max_score=5),
    Criterion(3, weight=20, max_score=20),
)
CRITERIA = [A, B, C]


@dataclass
class App:
    pk: int


def d(*values: float) -> dict[int, Decimal]:
    return {criterion.id: Decimal(str(value)) for criterion, value in zip(CRITERIA, values, strict=True)}


def test_a_members_total_is_the_weighted_share_of_each_maximum():
    # 8/10×50 + 4/5×30 + 10/20×20 = 40 + 24 + 10
    assert sheet_total(d(8, 4, 10), CRITERIA) == Decimal("74")
    # 6/10×50 + 5/5×30 + 20/20×20 = 30 + 30 + 20
    assert sheet_total(d(6, 5, 20), CRITERIA) == Decimal("80")
    # 10/10×50 + 2/5×30 + 5/20×20 = 50 + 12 + 5
    assert sheet_total(d(10, 2, 5), CRITERIA) == Decimal("67")
    assert sheet_total(d(10, 5, 20), CRITERIA) == Decimal("100")
    assert sheet_total(d(0, 0, 0), CRITERIA) == Decimal("0")
    # Half points: 7.5/10×50 = 37.5
    assert sheet_total(d(7.5, 0, 0), CRITERIA) == Decimal("37.5")


def test_the_total_is_the_mean_of_the_members_and_the_spread_their_range():
    sheets = {1: {11: d(8, 4, 10), 12: d(6, 5, 20), 13: d(10, 2, 5)}}
    [row] = rank([App(1)], CRITERIA, sheets, margin=Decimal("20"))
    assert row.member_totals == {11: Decimal("74"), 12: Decimal("80"), 13: Decimal("67")}
    # (74 + 80 + 67) / 3 = 221 / 3 = 73.666…
    assert row.mean_shown == Decimal("73.67")
    assert row.spread_shown == Decimal("13.00")
    assert row.flagged is False
    assert row.rank == 1


def test_a_spread_above_the_margin_is_flagged():
    sheets = {1: {11: d(8, 4, 10), 12: d(6, 5, 20), 13: d(10, 2, 5)}}
    [row] = rank([App(1)], CRITERIA, sheets, margin=Decimal("12.99"))
    assert row.flagged is True
    [row] = rank([App(1)], CRITERIA, sheets, margin=Decimal("13"))
    assert row.flagged is False  # equal to the margin is not above it


def test_only_members_who_scored_count():
    sheets = {1: {11: d(8, 4, 10)}}  # one member scored
    [row] = rank([App(1)], CRITERIA, sheets, margin=Decimal("20"))
    assert row.mean_shown == Decimal("74.00")
    assert row.spread_shown == Decimal("0.00")


def test_ranking_by_total_then_the_tie_rule():
    # Two ways to total 70, with first-criterion means 6 and 8, and one total of 60.
    first = d(6, 5, 10)  # 30 + 30 + 10 = 70
    second = d(8, 0, 20)  # 40 + 0 + 20 = 60
    assert sheet_total(first, CRITERIA) == Decimal("70")
    assert sheet_total(second, CRITERIA) == Decimal("60")
    tie_high_first = d(8, 5, 0)  # 40 + 30 + 0 = 70
    assert sheet_total(tie_high_first, CRITERIA) == Decimal("70")
    sheets = {1: {11: first}, 2: {11: tie_high_first}, 3: {11: second}}
    rows = rank([App(1), App(2), App(3), App(4)], CRITERIA, sheets, margin=Decimal("20"))
    # 2 and 1 tie at 70: 2 has the higher first-criterion mean (8 > 6); 3 has 60; 4 is unscored.
    assert [(row.application.pk, row.rank) for row in rows] == [(2, 1), (1, 2), (3, 3), (4, None)]


def test_a_complete_tie_goes_to_the_earlier_submission():
    same = d(8, 4, 10)
    sheets = {1: {11: same}, 2: {11: same}}
    early, late = datetime.datetime(2026, 3, 1, 9), datetime.datetime(2026, 3, 2, 9)
    rows = rank([App(1), App(2)], CRITERIA, sheets, margin=Decimal("20"), submitted_at={1: late, 2: early})
    assert [row.application.pk for row in rows] == [2, 1]


def test_totals_that_round_equal_are_a_tie():
    # 221/3 = 73.666… and 73.67 exactly round to the same two decimals: the tie rule decides.
    sheets = {
        1: {11: d(8, 4, 10), 12: d(6, 5, 20), 13: d(10, 2, 5)},
        # 6.734/10×50 + 5/5×30 + 10/20×20 = 33.67 + 30 + 10 = 73.67
        2: {11: {A.id: Decimal("6.734"), B.id: Decimal("5"), C.id: Decimal("10")}},
    }
    rows = rank([App(1), App(2)], CRITERIA, sheets, margin=Decimal("100"))
    assert rows[0].mean_shown == rows[1].mean_shown == Decimal("73.67")
    # First-criterion means: app 1 = (8+6+10)/3 = 8, app 2 = 6.734 → app 1 first.
    assert [row.application.pk for row in rows] == [1, 2]


def test_rounding_is_half_up():
    assert rounded(Decimal("73.665")) == Decimal("73.67")
    assert rounded(Decimal("73.664999")) == Decimal("73.66")
