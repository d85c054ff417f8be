"""Priority issues and competitions in every state, with their criteria, eligibility requirements
and commissions (and the members' declarations once the evaluation has begun)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max
from django.utils import translation

from organizations.models import Municipality
from procurement.models import (
    Application,
    CommissionMember,
    Competition,
    ConflictDeclaration,
    EligibilityRequirement,
    EvaluationCriterion,
    PriorityIssue,
)
from procurement.services.evaluation import declaration_statement
from ssp_portal.seeding.plan import allocate, by_mix
from ssp_portal.seeding.texts import (
    CRITERIA,
    DESCRIPTION,
    REQUIREMENTS,
    TARGET_GROUP,
    THEMES,
    in_each_language,
)
from ssp_portal.seeding.world import Bench, bulk, local, utc

State = Competition.State
COMPETITION_MIX = {
    State.DRAFT: 8,
    State.PUBLISHED: 12,
    State.CLOSED: 6,
    State.EVALUATION: 12,
    State.COMPLETED: 56,
    State.CANCELLED: 6,
}
# Every fifth competition is Karakol's: the demo finance officer's, consultant's and commission's lists.
KARAKOL_EVERY = 5
DECLARED = (State.EVALUATION, State.COMPLETED)


@dataclass
class Call:
    """A competition being seeded and what the later steps need to know of it."""

    competition: Competition
    awards: int = 0
    commission_size: int = 3
    sheet_quota: int = 0
    criteria: list[EvaluationCriterion] = field(default_factory=list)
    requirements: list[EligibilityRequirement] = field(default_factory=list)
    commission: list[CommissionMember] = field(default_factory=list)
    applications: list[Application] = field(default_factory=list)

    @property
    def state(self) -> str:
        return self.competition.state

    @property
    def scored(self) -> list[Application]:
        """The applications the commission scores, in the order of the ranking."""
        return [a for a in self.applications if a.state in Application.SCORED_STATES]


def _timeline(bench: Bench, state: str) -> dict:
    """The moments of a competition in ``state`` now: a deadline ahead of an open one, behind a
    closed one, and so on; a completed one anything from two months to three years ago."""
    now, days = bench.now, bench.days
    deadline = {
        State.DRAFT: now + days(45, 70),
        State.PUBLISHED: now + days(10, 30),
        State.CLOSED: now - days(2, 20),
        State.EVALUATION: now - days(15, 60),
        State.COMPLETED: now - days(60, 1100),
        State.CANCELLED: now - days(-20, 150),
    }[state]
    deadline = local(deadline.date(), 17)
    published = deadline - days(36, 45)
    moments = {"deadline": deadline, "published_at": None if state == State.DRAFT else published}
    if state in (State.CLOSED, *DECLARED):
        moments["closed_at"] = deadline
    if state in DECLARED:
        moments["evaluation_started_at"] = deadline + datetime.timedelta(days=2)
    if state == State.COMPLETED:
        moments["completed_at"] = deadline + datetime.timedelta(days=12)
    if state == State.CANCELLED:
        moments["cancelled_at"] = utc(min(published + days(5, 20), now))
    start = deadline.date() + datetime.timedelta(days=25)
    return moments | {"project_start": start, "project_end": start + datetime.timedelta(days=364)}


def _places(bench: Bench, count: int) -> list[Municipality]:
    others = [*bench.municipalities, bench.naryn]
    return [bench.karakol if i % KARAKOL_EVERY == 0 else others[i % len(others)] for i in range(count)]


def _numbers(competitions: list[Competition]) -> None:
    """Reference numbers after those each municipality already gave in the year."""
    last = {
        (row["municipality"], row["year"]): row["n"]
        for row in Competition.objects.order_by().values("municipality", "year").annotate(n=Max("sequence"))
    }
    for competition in sorted(competitions, key=lambda c: c.created_at):
        key = (competition.municipality_id, competition.year)
        last[key] = competition.sequence = last.get(key, 0) + 1
        competition.reference = (
            f"{competition.municipality.code}-{competition.year}-{competition.sequence:03d}"
        )


def _competition(bench: Bench, n: int, place: Municipality, state: str) -> Competition:
    theme = THEMES[n % len(THEMES)]
    moments = _timeline(bench, state)
    max_grant = Decimal(100_000 + 50_000 * (n % 10))
    expected = 1 + n % 5
    created = (moments["published_at"] or bench.now) - bench.days(3, 10)
    announced = (moments["published_at"] or bench.now + datetime.timedelta(days=10)).date()
    return Competition(
        municipality=place,
        year=announced.year,
        announcement_date=announced,
        **in_each_language("title", ("{t}", "{t}", "{t}"), t=theme),
        **in_each_language("description", DESCRIPTION, theme=theme),
        budget=max_grant * expected,
        max_grant=max_grant,
        projects_expected=expected,
        contact="+996 312 000 000",
        state=state,
        created_at=utc(created),
        created_by=bench.staff[place.pk],
        cancel_reason="The municipality's budget for the year was cut." if state == State.CANCELLED else "",
        **moments,
    )


def seed_competitions(bench: Bench) -> list[Call]:
    states = by_mix(bench.counts.competitions, COMPETITION_MIX)
    bench.rng.shuffle(states)
    places = _places(bench, len(states))
    pairs = enumerate(zip(places, states, strict=True))
    competitions = [_competition(bench, n, place, state) for n, (place, state) in pairs]
    _numbers(competitions)
    calls = [Call(competition) for competition in competitions]
    plan_awards(bench, calls)
    issues = _issues(bench, competitions)
    for competition, issue in zip(competitions, issues, strict=False):
        competition.priority_issue = issue
    for competition in competitions:
        competition.fold_search()
    bulk(Competition, competitions)
    _criteria_and_requirements(calls)
    return calls


def plan_awards(bench: Bench, calls: list[Call]) -> None:
    """The projects to be, shared among the completed competitions."""
    completed = [call for call in calls if call.state == State.COMPLETED]
    if not completed:
        return
    projects = bench.counts.projects
    minimum = 1 if projects >= len(completed) else 0
    shares = allocate(projects, [1.0] * len(completed), [minimum] * len(completed))
    for call, awards in zip(completed, shares, strict=True):
        call.awards = awards
        call.competition.projects_expected = max(1, awards)
        call.competition.budget = call.competition.max_grant * call.competition.projects_expected


def _issue(bench: Bench, place: Municipality, year: int, label: str, theme, approved_at) -> PriorityIssue:
    return PriorityIssue(
        municipality=place,
        **in_each_language("title", ("{t}, {label}", "{t}, {label}", "{t}, {label}"), t=theme, label=label),
        **in_each_language("description", DESCRIPTION, theme=theme),
        **in_each_language("target_group", TARGET_GROUP, theme=theme),
        need_source=PriorityIssue.NeedSource.values[year % 3],
        year=year,
        planned_budget=Decimal(500_000),
        state=PriorityIssue.State.APPROVED if approved_at else PriorityIssue.State.DRAFT,
        approved_at=approved_at,
        created_at=utc((approved_at or bench.now) - datetime.timedelta(days=20)),
    )


def _issues(bench: Bench, competitions: list[Competition]) -> list[PriorityIssue]:
    """A priority issue for each competition (approved before it was published; half of the
    drafts' still drafts), and a few drafts no competition is announced on yet."""
    rows = []
    for n, competition in enumerate(competitions):
        draft = competition.state == State.DRAFT and n % 2 == 0
        approved = None if draft else utc(competition.created_at - datetime.timedelta(days=5))
        theme = THEMES[n % len(THEMES)]
        issue = _issue(
            bench, competition.municipality, competition.year, competition.reference, theme, approved
        )
        issue.planned_budget = competition.budget
        rows.append(issue)
    year = bench.today.year
    for n in range(max(1, len(competitions) // 20)):
        place = competitions[n].municipality
        rows.append(
            _issue(bench, place, year, f"{place.code}-{year}-P{n + 1:03d}", THEMES[n % len(THEMES)], None)
        )
    return bulk(PriorityIssue, rows)


def _criteria_and_requirements(calls: list[Call]) -> None:
    criteria, requirements = [], []
    for call in calls:
        call.criteria = [
            EvaluationCriterion(
                competition=call.competition,
                position=position,
                **in_each_language("name", names),
                **in_each_language("description", descriptions),
                max_score=max_score,
                weight=weight,
            )
            for position, (names, descriptions, max_score, weight) in enumerate(CRITERIA)
        ]
        call.requirements = [
            EligibilityRequirement(
                competition=call.competition, position=position, **in_each_language("text", texts)
            )
            for position, texts in enumerate(REQUIREMENTS)
        ]
        criteria += call.criteria
        requirements += call.requirements
    bulk(EvaluationCriterion, criteria)
    bulk(EligibilityRequirement, requirements)


def seed_commissions(bench: Bench, calls: list[Call]) -> None:
    """A chair, a secretary and members; a draft may still lack its third member. Once the
    evaluation has begun every member has signed a declaration of no conflict."""
    rows = []
    for n, call in enumerate(calls):
        pool = bench.commission_pool[call.competition.municipality_id]
        size = 2 if call.state == State.DRAFT and n % 2 else call.commission_size
        invited = None if call.state == State.DRAFT else call.competition.published_at
        roles = [CommissionMember.Role.CHAIR, CommissionMember.Role.SECRETARY]
        call.commission = [
            CommissionMember(
                competition=call.competition,
                user=user,
                role=roles[i] if i < len(roles) else CommissionMember.Role.MEMBER,
                affiliation="Representative of civil society",
                invited_at=invited,
            )
            for i, user in enumerate(pool[:size])
        ]
        rows += call.commission
    bulk(CommissionMember, rows)
    _declarations([call for call in calls if call.state in DECLARED])


def _declarations(calls: list[Call]) -> None:
    rows = []
    with translation.override("en"):
        for call in calls:
            signed = call.competition.evaluation_started_at + datetime.timedelta(days=1)
            rows += [
                ConflictDeclaration(
                    competition=call.competition,
                    member=member,
                    signed_by=member.user,
                    has_conflict=False,
                    statement=declaration_statement(
                        user=member.user, competition=call.competition, conflicts=[]
                    ),
                    declared_at=signed,
                )
                for member in call.commission
            ]
    bulk(ConflictDeclaration, rows)
