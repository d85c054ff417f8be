"""Applications in every state, with their activities, budget lines and receipts.

A submitted application's receipt digest is taken over the same canonical form as
``procurement.receipts.canonical`` (format ``ssp-application-v1``), computed here from the rows
before they are inserted; the self-check recomputes every receipt with ``receipts_check``. The
seeded competitions ask for no documents, so no application has attachments.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from organizations.models import Organization
from procurement.models import ActivityLine, Application, BudgetLine, Competition
from procurement.receipts import FIELDS, FORMAT, RECEIPT_ALPHABET, RECEIPT_CODE_LENGTH, _text
from ssp_portal.seeding.competitions import Call
from ssp_portal.seeding.plan import allocate, allocate_capped, by_mix
from ssp_portal.seeding.texts import ACTIVITIES, BUDGET_LINES, PROPOSAL, THEMES
from ssp_portal.seeding.world import Bench, between, bulk

State, Stage = Application.State, Competition.State
# Of the live applications of a competition in a state, the share in each application state.
LIVE_MIX = {
    Stage.PUBLISHED: {State.SUBMITTED: 70, State.DRAFT: 30},
    Stage.CLOSED: {State.SUBMITTED: 85, State.DRAFT: 15},
    Stage.CANCELLED: {State.SUBMITTED: 80, State.DRAFT: 20},
    Stage.EVALUATION: {State.ELIGIBLE: 70, State.INELIGIBLE: 10, State.SUBMITTED: 10, State.DRAFT: 10},
    Stage.COMPLETED: {State.NOT_AWARDED: 60, State.INELIGIBLE: 25, State.DRAFT: 15},
}
# The share of applications withdrawn before the deadline (and started again as a new version).
WITHDRAWN_SHARE = 0.06
SCREENED = (State.ELIGIBLE, State.INELIGIBLE, State.AWARDED, State.NOT_AWARDED)
INELIGIBLE_NOTE = "The certificate of no tax arrears was issued more than 30 days before the deadline."


@dataclass
class Draft:
    """An application before it is inserted, with its rows."""

    application: Application
    activities: list[ActivityLine]
    lines: list[BudgetLine]


def _capacity(bench: Bench) -> int:
    """The most applications one competition can have: one live application per organization,
    each withdrawn once at most."""
    return 2 * (min(2, len(bench.heavy)) + len(bench.applicants))


def _application_counts(bench: Bench, calls: list[Call]) -> list[int]:
    """How many applications each competition has: none for drafts; enough for a completed one's
    awards and an application that is not awarded; the rest in proportion, none above what its
    applicants can send (the excess goes to the others)."""
    weights = [0.0 if c.state == Stage.DRAFT else 1.0 for c in calls]
    minimums = [0 if c.state == Stage.DRAFT else c.awards + 2 for c in calls]
    shares = allocate(bench.counts.applications, weights, minimums)
    limit = _capacity(bench)
    excess = sum(max(0, share - limit) for share in shares)
    shares = [min(share, limit) for share in shares]
    room = [0 if c.state == Stage.DRAFT else limit - share for c, share in zip(calls, shares, strict=True)]
    extra = allocate_capped(excess, room)
    return [share + more for share, more in zip(shares, extra, strict=True)]


def _live_states(call: Call, live: int) -> list[str]:
    """The states of a competition's live applications, the ranked ones first."""
    if call.state == Stage.COMPLETED:
        return [State.AWARDED] * call.awards + by_mix(live - call.awards, LIVE_MIX[Stage.COMPLETED])
    return by_mix(live, LIVE_MIX[call.state])


def _window(call: Call, bench: Bench) -> tuple[datetime.datetime, datetime.datetime]:
    """When its applications were written and submitted: from publication to an hour before
    the deadline (or the cancellation, or now, whichever came first)."""
    competition = call.competition
    ends = [competition.deadline, bench.now, competition.cancelled_at or bench.now]
    return competition.published_at, min(ends) - datetime.timedelta(hours=1)


def _amounts(bench: Bench, competition: Competition) -> tuple[Decimal, list[tuple[Decimal, Decimal]]]:
    """A requested amount within the maximum grant, in whole thousands, and budget lines
    (quantity, unit cost) that add up to it exactly."""
    requested = int(competition.max_grant * bench.rng.randint(40, 100) / 100) // 1000 * 1000
    half, rest = requested // 2, requested * 3 // 10
    lines = [
        (Decimal(10), Decimal(half) / 10),
        (Decimal(1), Decimal(rest)),
        (Decimal(1), Decimal(requested - half - rest)),
    ]
    return Decimal(requested), lines


def _draft(bench: Bench, call: Call, organization: Organization, state: str, full: bool) -> Draft:
    competition = call.competition
    member = bench.members[organization.pk]
    start, end = _window(call, bench)
    created = between(bench.rng, start, end, 0.4)
    theme = THEMES[competition.pk % len(THEMES)][1]
    application = Application(
        competition=competition,
        organization=organization,
        state=state,
        project_title=f"{theme}: {organization.name}"[:250],
        summary=PROPOSAL["summary"],
        created_at=created,
        created_by=member,
        updated_at=created,
    )
    if not full and state == State.DRAFT:
        return Draft(application, [], [])
    requested, amounts = _amounts(bench, competition)
    for name in ("problem", "objectives", "target_group", "expected_results"):
        setattr(application, name, PROPOSAL[name])
    application.beneficiaries = 50 + competition.pk % 450
    application.requested_amount = requested
    application.cofinancing_own = Decimal(requested // 10)
    months = competition.project_months
    activities = [
        ActivityLine(
            position=i, title=title, description=text, start_month=1 + i * (months > 3), end_month=months
        )
        for i, (title, text) in enumerate(ACTIVITIES)
    ]
    lines = [
        BudgetLine(
            position=i, category=category, description=text, unit=unit, quantity=quantity, unit_cost=cost
        )
        for i, ((category, text, unit), (quantity, cost)) in enumerate(
            zip(BUDGET_LINES, amounts, strict=True)
        )
    ]
    return Draft(application, activities, lines)


def digest(draft: Draft) -> str:
    """The receipt's digest, as ``procurement.receipts.canonical`` takes it over the stored rows."""
    application = draft.application
    document = {
        "format": FORMAT,
        "receipt_number": application.receipt_number or "",
        "competition": application.competition.reference,
        "organization_inn": application.organization.inn,
        "version": application.version,
        "submitted_at": application.submitted_at.isoformat(timespec="microseconds"),
        "fields": {name: _text(getattr(application, name)) for name in FIELDS},
        "activities": [
            {
                "title": row.title,
                "description": row.description,
                "start_month": _text(row.start_month),
                "end_month": _text(row.end_month),
            }
            for row in draft.activities
        ],
        "budget_lines": [
            {
                "category": row.category,
                "description": row.description,
                "unit": row.unit,
                "quantity": _text(row.quantity),
                "unit_cost": _text(row.unit_cost),
            }
            for row in draft.lines
        ],
        "attachments": [],
    }
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    return hashlib.sha256(canonical).hexdigest()


def _receipt_number(bench: Bench, reference: str, issued: set[str]) -> str:
    while True:
        code = "".join(bench.rng.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_CODE_LENGTH))
        if f"{reference}-{code}" not in issued:
            issued.add(f"{reference}-{code}")
            return f"{reference}-{code}"


def _submit(
    bench: Bench, call: Call, draft: Draft, issued: set[str], before: datetime.datetime | None = None
) -> None:
    application = draft.application
    _start, end = _window(call, bench)
    application.submitted_at = between(bench.rng, application.created_at, before or end, 0.9)
    application.submitted_by = application.created_by
    application.updated_at = application.submitted_at
    application.receipt_number = _receipt_number(bench, call.competition.reference, issued)
    application.digest = digest(draft)


def screen(bench: Bench, call: Call, application: Application) -> None:
    if application.state not in SCREENED:
        return
    competition = call.competition
    application.screened_at = competition.evaluation_started_at + datetime.timedelta(days=1)
    application.screened_by = bench.staff[competition.municipality_id]
    if application.state == State.INELIGIBLE:
        application.ineligible_requirement = call.requirements[1]
        application.screening_note = INELIGIBLE_NOTE


def _organizations(bench: Bench, index: int, live: int) -> list[Organization]:
    """Two of the heavy applicants, then the next of everyone else in turn."""
    heavy = [bench.heavy[(index + i) % len(bench.heavy)] for i in range(min(2, len(bench.heavy), live))]
    others = []
    while len(others) < live - len(heavy):
        others.append(bench.applicants[bench.cursor % len(bench.applicants)])
        bench.cursor += 1
    return list(dict.fromkeys(heavy)) + others


def _copy(draft: Draft, state: str) -> Draft:
    """The next version of a withdrawn application: a copy of its sections and rows."""
    source = draft.application
    names = (
        "competition",
        "organization",
        "project_title",
        "beneficiaries",
        "requested_amount",
        "created_by",
    )
    names += ("summary", "problem", "objectives", "target_group", "expected_results", "cofinancing_own")
    copy = Application(
        state=state, version=source.version + 1, **{name: getattr(source, name) for name in names}
    )
    copy.created_at = copy.updated_at = source.withdrawn_at + datetime.timedelta(minutes=10)
    activities = [
        ActivityLine(
            position=r.position,
            title=r.title,
            description=r.description,
            start_month=r.start_month,
            end_month=r.end_month,
        )
        for r in draft.activities
    ]
    lines = [
        BudgetLine(
            position=r.position,
            category=r.category,
            description=r.description,
            unit=r.unit,
            quantity=r.quantity,
            unit_cost=r.unit_cost,
        )
        for r in draft.lines
    ]
    return Draft(copy, activities, lines)


def _withdrawn_and_again(
    bench: Bench, call: Call, organization, state: str, issued: set[str]
) -> tuple[Draft, Draft]:
    """An application submitted, withdrawn before the deadline, and started again as version 2."""
    start, end = _window(call, bench)
    middle = start + (end - start) / 2
    first = _draft(bench, call, organization, State.WITHDRAWN, full=True)
    first.application.created_at = between(bench.rng, start, middle, 0.5)
    _submit(bench, call, first, issued, before=middle)
    first.application.withdrawn_at = between(bench.rng, first.application.submitted_at, middle)
    first.application.updated_at = first.application.withdrawn_at
    again = _copy(first, state)
    again.application.previous = first.application
    if state != State.DRAFT:
        _submit(bench, call, again, issued)
    return first, again


def _call_drafts(bench: Bench, call: Call, index: int, count: int, issued: set[str]) -> tuple[list, list]:
    """A competition's withdrawn first versions and its live applications (``count`` in all)."""
    withdrawn = max(round(count * WITHDRAWN_SHARE), count - _capacity(bench) // 2)
    live = count - withdrawn
    if withdrawn > live:
        raise ValueError(f"Too few organizations for {count} applications to one competition.")
    states = _live_states(call, live)
    firsts, drafts = [], []
    for n, (organization, state) in enumerate(zip(_organizations(bench, index, live), states, strict=True)):
        if n >= live - withdrawn:
            first, draft = _withdrawn_and_again(bench, call, organization, state, issued)
            firsts.append(first)
        else:
            draft = _draft(bench, call, organization, state, full=False)
            if state != State.DRAFT:
                _submit(bench, call, draft, issued)
        screen(bench, call, draft.application)
        drafts.append(draft)
    return firsts, drafts


def plan_applications(bench: Bench, calls: list[Call]) -> list[Draft]:
    """Every competition's applications, heavy applicants first, withdrawn first versions
    before the versions that follow them; not inserted yet."""
    issued: set[str] = set()
    firsts, drafts = [], []
    for index, (call, count) in enumerate(zip(calls, _application_counts(bench, calls), strict=True)):
        if not count:
            continue
        withdrawn, live = _call_drafts(bench, call, index, count, issued)
        call.applications = [draft.application for draft in live]
        firsts += withdrawn
        drafts += live
    return firsts + drafts


def insert_applications(bench: Bench, drafts: list[Draft]) -> None:
    bulk(Application, [d.application for d in drafts if d.application.state == State.WITHDRAWN])
    bulk(Application, [d.application for d in drafts if d.application.state != State.WITHDRAWN])
    activities, lines = [], []
    for draft in drafts:
        for row in draft.activities + draft.lines:
            row.application = draft.application
        # What a project of the application is contracted from (seeding/monitoring.py).
        draft.application.seeded_lines = draft.lines
        activities += draft.activities
        lines += draft.lines
    bulk(ActivityLine, activities)
    bulk(BudgetLine, lines)
