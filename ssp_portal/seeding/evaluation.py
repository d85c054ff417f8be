"""Score sheets and awards.

A completed competition's every member submitted a sheet for every scored application (the rule
of ``completion_checks``); a competition under evaluation has some sheets, a few still drafts;
the share that makes the total asked is given to them. Every member scores an application alike
but for a fixed offset, so the ranking follows the order of the applications, the awarded first.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from procurement.models import Application, Award, Competition, CriterionScore, ScoreSheet
from ssp_portal.seeding import applications
from ssp_portal.seeding.competitions import Call
from ssp_portal.seeding.plan import allocate_capped
from ssp_portal.seeding.world import Bench, bulk

Stage, State = Competition.State, Application.State
SMALLEST, LARGEST = 3, 7
# Added to every score of a criterion (the weighted total moves alike for all) and of a member.
CRITERION_OFFSET = [Decimal("0.3"), Decimal("-0.3"), Decimal("0.1"), Decimal("-0.1"), Decimal("0")]
EVERY_DRAFT = 4


def plan_sheets(bench: Bench, calls: list[Call]) -> None:
    """Commission sizes (and each evaluation's number of sheets) that give the sheets asked."""
    completed = [call for call in calls if call.state == Stage.COMPLETED]
    evaluating = [call for call in calls if call.state == Stage.EVALUATION and call.scored]
    target = bench.counts.score_sheets
    base = sum(SMALLEST * len(call.scored) for call in completed)
    room = sum(LARGEST * len(call.scored) for call in evaluating)
    base -= _screen_out(bench, completed, base - target)
    for call in sorted(completed, key=lambda c: len(c.scored)):
        while target - base > room and call.commission_size < LARGEST and base + len(call.scored) <= target:
            call.commission_size += 1
            base += len(call.scored)
    if not 0 <= target - base <= room:
        raise ValueError(f"{target} score sheets do not fit these competitions ({base} to {base + room}).")
    shares = allocate_capped(target - base, [LARGEST * len(call.scored) for call in evaluating])
    for call, share in zip(evaluating, shares, strict=True):
        call.commission_size = max(SMALLEST, -(-share // len(call.scored)))
        call.sheet_quota = share


def _screen_out(bench: Bench, completed: list[Call], excess: int) -> int:
    """Fewer scored applications where the smallest commissions would score more than asked: some
    not awarded ones are found ineligible instead. The sheets taken off."""
    removed = 0
    while removed < excess:
        candidates = [c for c in completed if any(a.state == State.NOT_AWARDED for a in c.applications)]
        if not candidates:
            break
        call = max(candidates, key=lambda c: len(c.scored))
        application = next(a for a in reversed(call.applications) if a.state == State.NOT_AWARDED)
        application.state = State.INELIGIBLE
        applications.screen(bench, call, application)
        removed += SMALLEST
    return removed


def _score(position: int, count: int, criterion: int, member: int) -> Decimal:
    base = Decimal("9.0") - Decimal("5.0") * position / max(1, count - 1)
    score = base + CRITERION_OFFSET[criterion % len(CRITERION_OFFSET)] + Decimal("0.2") * (member % 3 - 1)
    return min(max(score, Decimal("0")), Decimal("10")).quantize(Decimal("0.1"))


def _pairs(call: Call) -> list[tuple[int, Application, int]]:
    """The (position, application, member's index) of each sheet of the competition."""
    pairs = [
        (position, application, member)
        for position, application in enumerate(call.scored)
        for member in range(len(call.commission))
    ]
    return pairs if call.state == Stage.COMPLETED else pairs[: call.sheet_quota]


def seed_sheets(bench: Bench, calls: list[Call]) -> None:
    sheets, scores = [], []
    for call in calls:
        if call.state not in (Stage.COMPLETED, Stage.EVALUATION):
            continue
        started = call.competition.evaluation_started_at
        for n, (position, application, member) in enumerate(_pairs(call)):
            draft = call.state == Stage.EVALUATION and n % EVERY_DRAFT == EVERY_DRAFT - 1
            moment = started + datetime.timedelta(days=2 + member, hours=n % 8)
            sheet = ScoreSheet(
                application=application,
                member=call.commission[member],
                state=ScoreSheet.State.DRAFT if draft else ScoreSheet.State.SUBMITTED,
                submitted_at=None if draft else moment,
                updated_at=moment,
            )
            sheets.append(sheet)
            count = len(call.scored)
            scores += [
                CriterionScore(sheet=sheet, criterion=criterion, score=_score(position, count, i, member))
                for i, criterion in enumerate(call.criteria)
            ]
    bulk(ScoreSheet, sheets)
    bulk(CriterionScore, scores)


def seed_awards(bench: Bench, calls: list[Call]) -> list[Award]:
    """The awards of the completed competitions: the first-ranked applications, as requested."""
    awards = []
    for call in calls:
        competition = call.competition
        for rank, application in enumerate(call.scored[: call.awards], start=1):
            awards.append(
                Award(
                    application=application,
                    competition=competition,
                    amount=application.requested_amount,
                    rank=rank,
                    decided_at=competition.deadline + datetime.timedelta(days=10),
                    decided_by=bench.staff[competition.municipality_id],
                )
            )
    return bulk(Award, awards)
