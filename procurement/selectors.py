"""Queries for procurement pages, each in a fixed number of SQL queries."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page
from django.db.models import (
    Case,
    Count,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from organizations.models import (
    Municipality,
    Organization,
    OrganizationDocument,
    OrganizationMembership,
    User,
)
from procurement import rules
from procurement.amendments import MONEY
from procurement.models import (
    Amendment,
    Application,
    ApplicationAttachment,
    CommissionMember,
    Competition,
    ConflictedOrganization,
    EvaluationCriterion,
    PriorityIssue,
    RequiredDocument,
    ScoreSheet,
    Subscription,
)
from procurement.models.competitions import commission_order
from procurement.scoring import Criterion, Ranked, rank
from ssp_portal.languages import as_read


def competition_list(*, user: User) -> QuerySet[Competition]:
    """Competitions a person may see, with what the list shows (one query per page)."""
    return (
        Competition.objects.visible_to(user)
        .with_effective_state()
        .select_related("municipality", "priority_issue")
        .order_by("-published_at", "-year", "-sequence")
    )


def competition_detail(*, user: User, reference: str) -> Competition | None:
    return (
        Competition.objects.visible_to(user)
        .with_effective_state()
        .select_related("municipality", "priority_issue")
        .prefetch_related(
            "criteria",
            "required_documents",
            "eligibility_requirements",
            Prefetch("amendments", queryset=Amendment.objects.order_by("number")),
            Prefetch(
                "commission",
                queryset=CommissionMember.objects.select_related("user").order_by(*commission_order()),
            ),
        )
        .filter(reference=reference)
        .first()
    )


@dataclass(frozen=True)
class ApplyOptions:
    """A signed-in person's organizations and their applications to one competition."""

    own_applications: list[Application]
    organizations: list[Organization]


def apply_options(*, user: User, competition: Competition) -> ApplyOptions | None:
    """What ``permissions.next_step`` decides from (two queries; None when logged out)."""
    if not user.is_authenticated:
        return None
    own = Application.objects.of_member(user).filter(competition=competition).select_related("organization")
    return ApplyOptions(
        own_applications=list(own),
        organizations=list(Organization.objects.filter(memberships__user=user).order_by("name")),
    )


def is_official(*, user: User, competition: Competition) -> bool:
    """Works for a municipality, or sits on this competition's commission (one query)."""
    return (
        user.municipality_memberships.exists()
        or CommissionMember.objects.filter(user=user, competition=competition).exists()
    )


SUBMITTED_STATES = [
    Application.State.SUBMITTED,
    Application.State.ELIGIBLE,
    Application.State.INELIGIBLE,
    Application.State.AWARDED,
    Application.State.NOT_AWARDED,
]


def _count(queryset: QuerySet) -> Subquery:
    """A correlated COUNT(*) of ``queryset`` (which filters on OuterRef), 0 when empty.

    Each count is its own subquery, so that counting several relations never multiplies the rows of
    the outer query (as ``Count(..., distinct=True)`` over several joins does).
    """
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def competition_for_staff(*, municipality: Municipality) -> QuerySet[Competition]:
    """The municipality's competitions with counts only: how many drafts and submissions, never what.

    One row per competition: each count is a correlated subquery (one query per page).
    """
    applications = Application.objects.filter(competition=OuterRef("pk"))
    return (
        Competition.objects.filter(municipality=municipality)
        .with_effective_state()
        .select_related("priority_issue")
        .annotate(
            criteria_count=_count(EvaluationCriterion.objects.filter(competition=OuterRef("pk"))),
            commission_count=_count(CommissionMember.objects.filter(competition=OuterRef("pk"))),
            draft_count=_count(applications.filter(state=Application.State.DRAFT)),
            submitted_count=_count(applications.filter(state__in=SUBMITTED_STATES)),
        )
        .order_by("-year", "-sequence")
    )


def competition_state_counts(*, municipality: Municipality) -> dict[str, int]:
    """How many competitions of a municipality are in each state, as every read sees it (one query)."""
    now = timezone.now()
    published_open = Q(state=Competition.State.PUBLISHED, deadline__gt=now)
    passed = Q(state=Competition.State.PUBLISHED, deadline__lte=now)
    counts = Competition.objects.filter(municipality=municipality).aggregate(
        draft=Count("pk", filter=Q(state=Competition.State.DRAFT)),
        published=Count("pk", filter=published_open),
        closed=Count("pk", filter=Q(state=Competition.State.CLOSED) | passed),
        evaluation=Count("pk", filter=Q(state=Competition.State.EVALUATION)),
        completed=Count("pk", filter=Q(state=Competition.State.COMPLETED)),
        cancelled=Count("pk", filter=Q(state=Competition.State.CANCELLED)),
    )
    return counts


def priority_issues_public() -> QuerySet[PriorityIssue]:
    return (
        PriorityIssue.objects.filter(state=PriorityIssue.State.APPROVED, municipality__is_active=True)
        .select_related("municipality")
        .annotate(
            competition_count=Count("competitions", filter=~Q(competitions__state=Competition.State.DRAFT))
        )
        .order_by("-year", "municipality__name", as_read("title"))
    )


def priority_issues_for_staff(*, municipality: Municipality) -> QuerySet[PriorityIssue]:
    return (
        PriorityIssue.objects.filter(municipality=municipality)
        .annotate(competition_count=Count("competitions"))
        .order_by("-year", as_read("title"))
    )


def subscriptions_of(*, user: User) -> QuerySet[Subscription]:
    return Subscription.objects.filter(user=user).select_related(
        "municipality", "priority_issue__municipality"
    )


def followed(
    *, user: User, municipality: Municipality, priority_issue: PriorityIssue
) -> dict[str, Subscription | None]:
    """The person's subscriptions to a competition's municipality and priority issue (one query)."""
    if not user.is_authenticated:
        return {"municipality": None, "priority_issue": None}
    rows = list(
        Subscription.objects.filter(user=user).filter(
            Q(municipality=municipality) | Q(priority_issue=priority_issue)
        )
    )
    return {
        "municipality": next((s for s in rows if s.municipality_id == municipality.pk), None),
        "priority_issue": next((s for s in rows if s.priority_issue_id == priority_issue.pk), None),
    }


def competition_followers(*, competition: Competition) -> QuerySet[User]:
    """People who follow the competition's municipality or priority issue: e-mailed when it is published."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(subscriptions__municipality=competition.municipality_id)
            | Q(subscriptions__priority_issue=competition.priority_issue_id)
        )
        .distinct()
    )


@dataclass(frozen=True)
class Recipient:
    """A person told of an amendment, and the organizations for which they are told (none: a follower)."""

    user: User
    organizations: tuple[str, ...]


def amendment_recipients(*, competition: Competition) -> list[Recipient]:
    """Each person to tell of an amendment once: the members of the organizations with a live
    application (a draft or submitted, not withdrawn), and the competition's followers (two queries)."""
    live = (
        Application.objects.filter(competition=competition)
        .exclude(state=Application.State.WITHDRAWN)
        .values("organization")
    )
    memberships = (
        OrganizationMembership.objects.filter(user__is_active=True, organization__in=live)
        .select_related("user", "organization")
        .order_by("user__email", "organization__name")
    )
    organizations: dict[int, list[str]] = defaultdict(list)
    people: dict[int, User] = {}
    for membership in memberships:
        people.setdefault(membership.user_id, membership.user)
        if membership.organization.name not in organizations[membership.user_id]:
            organizations[membership.user_id].append(membership.organization.name)
    for user in competition_followers(competition=competition).order_by("email"):
        people.setdefault(user.pk, user)
    return [Recipient(user=user, organizations=tuple(organizations[pk])) for pk, user in people.items()]


def competitions_open(*, limit: int = 6) -> list[Competition]:
    """Competitions accepting proposals now, the nearest deadline first."""
    return list(
        Competition.objects.open_for_submissions()
        .with_effective_state()
        .select_related("municipality", "priority_issue")
        .order_by("deadline")[:limit]
    )


# Applications -----------------------------------------------------------------------------


def _of_member(user: User, organizations: Collection[Organization] | None) -> QuerySet[Application]:
    """The person's organizations' applications; by the organizations' ids when they are known
    already (the planner then expects the right number of rows, not a guess through the memberships)."""
    if organizations is None:
        return Application.objects.of_member(user)
    return Application.objects.filter(organization__in=[organization.pk for organization in organizations])


def applications_of_member(
    *, user: User, organizations: Collection[Organization] | None = None
) -> QuerySet[Application]:
    """The person's organizations' applications, newest first, with their competitions (one query
    per page: the list is paginated and filtered by ``MemberApplicationFilter``). ``organizations``:
    the person's, when known already (``Roles.organizations``)."""
    return (
        _of_member(user, organizations)
        .select_related("competition__municipality", "organization", "ineligible_requirement")
        .with_effective_competition_state()
        .order_by("-created_at", "-pk")
    )


def application_ids_of_member(
    *, user: User, organizations: Collection[Organization] | None = None
) -> QuerySet[Application]:
    """The ids of ``applications_of_member``, in its order, for the filter and the paginator: the
    count and the page's ids need neither the competitions nor their effective states."""
    return _of_member(user, organizations).order_by("-created_at", "-pk").values("pk")


def page_of(queryset: QuerySet, page: Page) -> QuerySet:
    """The rows of ``page``, a page of ``queryset.values("pk")``, read whole in one query: the
    narrow ids are sorted and cut to the page first, so the database does not sort every row of
    a long list at full width, joined rows and all, to keep a page of them."""
    return queryset.filter(pk__in=page.object_list)


# How many drafts and how many submissions the home page shows: the nearest deadlines first.
HOME_LIMIT = 5


@dataclass(frozen=True)
class MemberApplications:
    drafts: list[Application]  # drafts of open competitions, each with ``missing``: what stops submitting
    waiting: list[Application]  # submitted or eligible, the results not yet published
    drafts_total: int = 0  # how many of each there are in all, of which the lists show the first
    waiting_total: int = 0

    @property
    def more(self) -> int:
        """How many the lists leave out: the person's list of applications shows them."""
        return self.drafts_total - len(self.drafts) + self.waiting_total - len(self.waiting)


def _in_progress(now: datetime.datetime) -> tuple[Q, Q]:
    """Drafts of competitions still open; submissions whose results are not yet published."""
    drafts = Q(
        state=Application.State.DRAFT,
        competition__state=Competition.State.PUBLISHED,
        competition__deadline__gt=now,
    )
    waiting = Q(
        state__in=[Application.State.SUBMITTED, Application.State.ELIGIBLE],
        competition__state__in=[
            Competition.State.PUBLISHED,
            Competition.State.CLOSED,
            Competition.State.EVALUATION,
        ],
    )
    return drafts, waiting


def member_applications_in_progress(
    *,
    user: User,
    now: datetime.datetime | None = None,
    limit: int = HOME_LIMIT,
    organizations: Collection[Organization] | None = None,
) -> MemberApplications:
    """The person's organizations' drafts still open and submissions awaiting results, the nearest
    deadline first, at most ``limit`` of each, with how many there are in all (seven queries; three
    without drafts, whose four prefetches are then not run). ``organizations``: the person's, when
    known already (``Roles.organizations``).

    Each list is found by its ids first (a narrow subquery sorted and cut to ``limit``), and only
    those rows are read with their competitions and organizations: a country's organization has
    hundreds of applications, and sorting them all at full width costs more than the page."""
    now = now or timezone.now()
    drafts_q, waiting_q = _in_progress(now)
    of_member = _of_member(user, organizations)
    order = ("competition__deadline", "pk")
    mine = (
        Application.objects.select_related("competition__municipality", "organization")
        .with_effective_competition_state(now)
        .order_by(*order)
    )
    totals = of_member.aggregate(drafts=Count("pk", filter=drafts_q), waiting=Count("pk", filter=waiting_q))
    first_drafts = of_member.filter(drafts_q).order_by(*order).values("pk")[:limit]
    drafts = list(
        mine.filter(pk__in=first_drafts).prefetch_related(
            "activities", "budget_lines", "attachments", "competition__required_documents"
        )
    )
    for draft in drafts:
        draft.missing = rules.application_problems(draft)
    first_waiting = of_member.filter(waiting_q).order_by(*order).values("pk")[:limit]
    waiting = list(mine.filter(pk__in=first_waiting))
    return MemberApplications(
        drafts=drafts, waiting=waiting, drafts_total=totals["drafts"], waiting_total=totals["waiting"]
    )


def application_detail(*, user: User, pk: int) -> Application | None:
    return (
        Application.objects.visible_to(user)
        .select_related(
            "competition__municipality",
            "competition__priority_issue",
            "organization",
            "ineligible_requirement",
            "submitted_by",
            "previous",
        )
        .prefetch_related(
            "activities",
            "budget_lines",
            Prefetch(
                "attachments", queryset=ApplicationAttachment.objects.select_related("required_document")
            ),
            "competition__required_documents",
            "competition__eligibility_requirements",
        )
        .filter(pk=pk)
        .first()
    )


@dataclass(frozen=True)
class MaximumLowered:
    """An application that requests more than the maximum grant, which an amendment lowered."""

    problem: str  # the budget check's own words (``rules.max_grant_check``)
    amendment: int | None  # the number of the amendment that lowered it, if one did
    previous: Decimal | None  # the maximum before that amendment


def maximum_lowered(*, application: Application) -> MaximumLowered | None:
    """While the competition is open, a draft or submitted application that now requests more than
    the maximum grant, with the last amendment that lowered it (one query; none when within)."""
    competition = application.competition
    if application.state not in (Application.State.DRAFT, Application.State.SUBMITTED):
        return None
    within = rules.max_grant_check(competition=competition, requested=application.requested_amount)
    if within.ok or not competition.is_open:
        return None
    problem = within.message
    for amendment in competition.amendments.filter(changes__has_key="max_grant").order_by("-number"):
        change = next(change for change in amendment.changed_terms if change.name == "max_grant")
        if change.old_kind == change.new_kind == MONEY and change.new < change.old:
            return MaximumLowered(problem=problem, amendment=amendment.number, previous=change.old)
    return MaximumLowered(problem=problem, amendment=None, previous=None)


# Words by which a required document's name asks for a kind of organization document, in the
# portal's languages: a competition names its documents in its own words.
DOCUMENT_KIND_WORDS = {
    OrganizationDocument.Kind.CHARTER: ("charter", "statute", "устав"),
    OrganizationDocument.Kind.REGISTRATION_CERTIFICATE: ("registration", "регистрац", "каттоо"),
}


def fitting_required_document(
    kind: str, required: list[RequiredDocument], attached: Collection[int] = ()
) -> RequiredDocument | None:
    """The required document an organization document of ``kind`` answers, one not yet attached
    first; None when its name asks for no such document (an "other" document fits none)."""
    words = DOCUMENT_KIND_WORDS.get(kind, ())
    fitting = [d for d in required if any(word in d.name.casefold() for word in words)]
    return next((d for d in fitting if d.pk not in attached), fitting[0] if fitting else None)


@dataclass(frozen=True)
class ReusableDocument:
    document: OrganizationDocument
    fits: RequiredDocument | None
    attached: ApplicationAttachment | None  # the application's copy of it, when it has one


def reusable_documents(*, application: Application) -> list[ReusableDocument]:
    """The organization's documents that an application can attach without an upload (one query;
    the application comes from ``application_detail``, with its attachments and documents)."""
    required = list(application.competition.required_documents.all())
    attachments = list(application.attachments.all())
    attached = {a.required_document_id for a in attachments}
    rows = []
    for document in OrganizationDocument.objects.filter(organization=application.organization_id):
        copy = next(
            (a for a in attachments if (a.original_name, a.size) == (document.original_name, document.size)),
            None,
        )
        rows.append(
            ReusableDocument(
                document=document,
                fits=fitting_required_document(document.kind, required, attached),
                attached=copy,
            )
        )
    return rows


def application_counts(*, competition: Competition) -> dict[str, int]:
    """Counts by state: all staff may know while the applications are sealed (one query)."""
    return Application.objects.filter(competition=competition).aggregate(
        drafts=Count("pk", filter=Q(state=Application.State.DRAFT)),
        submitted=Count("pk", filter=Q(state__in=SUBMITTED_STATES)),
        withdrawn=Count("pk", filter=Q(state=Application.State.WITHDRAWN)),
        eligible=Count("pk", filter=Q(state=Application.State.ELIGIBLE)),
        ineligible=Count("pk", filter=Q(state=Application.State.INELIGIBLE)),
    )


def applications_for_staff(*, competition: Competition) -> QuerySet[Application]:
    """Submitted applications of an unsealed competition (the view checks it is unsealed)."""
    return (
        Application.objects.unsealed()
        .filter(competition=competition, state__in=SUBMITTED_STATES)
        .select_related("organization", "ineligible_requirement")
        .order_by("receipt_number")
    )


# Evaluation ---------------------------------------------------------------------------------------


def ranking(*, competition: Competition) -> list[Ranked]:
    """The ranking from submitted score sheets (four queries whatever the size)."""
    from procurement.models import CriterionScore

    criteria = [Criterion(c.pk, c.weight, c.max_score) for c in competition.criteria.all()]
    applications = list(
        Application.objects.filter(competition=competition, state__in=Application.SCORED_STATES)
        .select_related("organization", "award")
        .order_by("receipt_number")
    )
    sheets: dict[int, dict[int, dict[int, Decimal]]] = defaultdict(lambda: defaultdict(dict))
    for score in CriterionScore.objects.filter(
        sheet__application__competition=competition, sheet__state=ScoreSheet.State.SUBMITTED
    ).values("sheet__application_id", "sheet__member_id", "criterion_id", "score"):
        sheets[score["sheet__application_id"]][score["sheet__member_id"]][score["criterion_id"]] = score[
            "score"
        ]
    return rank(
        applications,
        criteria,
        sheets,
        margin=competition.score_spread_margin,
        submitted_at={a.pk: a.submitted_at for a in applications},
    )


def evaluation_progress(*, competition: Competition) -> dict:
    """Who has declared and scored what (no numbers), for the chair, the members and the staff."""
    members = list(
        CommissionMember.objects.filter(competition=competition)
        .order_by(*commission_order())
        .select_related("user", "declaration")
        .prefetch_related("declaration__conflicts__organization", "user__organization_memberships")
    )
    applications = list(
        Application.objects.filter(competition=competition, state__in=Application.SCORED_STATES)
        .select_related("organization")
        .order_by("receipt_number")
    )
    sheets = {
        (sheet.application_id, sheet.member_id): sheet.state
        for sheet in ScoreSheet.objects.filter(application__competition=competition)
    }
    rows = []
    for member in members:
        declaration = getattr(member, "declaration", None)
        conflicts = {c.organization_id for c in declaration.conflicts.all()} if declaration else set()
        if declaration:
            # A member of an organization is conflicted with it, even if they joined after declaring.
            conflicts |= {m.organization_id for m in member.user.organization_memberships.all()}
        cells = []
        for application in applications:
            if application.organization_id in conflicts:
                cells.append("conflict")
            else:
                cells.append(sheets.get((application.pk, member.pk), "missing"))
        rows.append({"member": member, "declaration": declaration, "cells": cells})
    return {"members": rows, "applications": applications}


def member_sheets(*, seat: CommissionMember) -> dict[int, ScoreSheet]:
    return {sheet.application_id: sheet for sheet in ScoreSheet.objects.filter(member=seat)}


def commission_seats(*, user: User) -> QuerySet[CommissionMember]:
    """The competitions a person sits on, with their evaluation state."""
    return (
        CommissionMember.objects.filter(user=user)
        .select_related("competition__municipality", "declaration")
        .annotate(
            submitted_sheets=_count(
                ScoreSheet.objects.filter(member=OuterRef("pk"), state=ScoreSheet.State.SUBMITTED)
            ),
        )
        .order_by("-competition__deadline")
    )


@dataclass(frozen=True)
class CommissionWork:
    """What is left for one member in one competition, and how far the whole commission is."""

    seat: CommissionMember
    step: str
    scorable: int  # eligible applications the member may score (not conflicted)
    submitted: int  # of these, sheets the member has submitted
    drafts: int  # sheets saved as drafts, not submitted
    members_done: int  # members who have declared and submitted every sheet they can
    members: int

    @property
    def competition(self) -> Competition:
        return self.seat.competition

    @property
    def to_score(self) -> int:
        return max(self.scorable - self.submitted, 0)

    @property
    def needs_action(self) -> bool:
        return self.step in ("declare", "score")


# Steps in the order a member's list shows them: what asks for their work first.
COMMISSION_STEPS = (
    "declare",
    "score",
    "waiting",
    "decision",
    "screening",
    "accepting",
    "preparing",
    "results",
)


def _commission_step(state: str, *, declared: bool, to_score: int, all_done: bool) -> str:
    if state == Competition.State.DRAFT:
        return "preparing"
    if state == Competition.State.PUBLISHED:
        return "accepting"
    if state == Competition.State.COMPLETED:
        return "results"
    if state == Competition.State.CANCELLED:
        return "cancelled"
    if not declared:
        return "declare"
    if state == Competition.State.CLOSED:
        return "screening"
    if to_score:
        return "score"
    return "decision" if all_done else "waiting"


def _seats_with_counts(competitions: QuerySet[Competition]) -> list[CommissionMember]:
    """Every seat of ``competitions``, each with its member's numbers (one query)."""
    conflicted = ConflictedOrganization.objects.filter(declaration__member=OuterRef(OuterRef("pk"))).values(
        "organization"
    )
    scorable = Application.objects.filter(
        competition=OuterRef("competition"), state__in=Application.SCORED_STATES
    ).exclude(organization__in=conflicted)
    sheets = ScoreSheet.objects.filter(
        member=OuterRef("pk"), application__state__in=Application.SCORED_STATES
    )
    return list(
        CommissionMember.objects.filter(competition__in=competitions.values("pk"))
        .select_related("competition__municipality", "declaration")
        .annotate(
            scorable_count=_count(scorable),
            submitted_count=_count(sheets.filter(state=ScoreSheet.State.SUBMITTED)),
            draft_count=_count(sheets.filter(state=ScoreSheet.State.DRAFT)),
        )
    )


def commission_competitions(*, user: User, now: datetime.datetime | None = None) -> QuerySet[Competition]:
    """The competitions a person sits on, for ``CommissionWorkFilter`` to narrow."""
    return Competition.objects.filter(commission__user=user).with_effective_state(now)


def _members_done(seats: list[CommissionMember]) -> tuple[dict[int, int], dict[int, int]]:
    """Per competition: how many members have declared and submitted every sheet they can, of how many."""
    done: dict[int, int] = defaultdict(int)
    members: dict[int, int] = defaultdict(int)
    for seat in seats:
        members[seat.competition_id] += 1
        if hasattr(seat, "declaration") and seat.submitted_count >= seat.scorable_count:
            done[seat.competition_id] += 1
    return done, members


def _work_of(
    seat: CommissionMember, *, now: datetime.datetime, done: dict[int, int], members: dict[int, int]
) -> CommissionWork:
    competition = seat.competition
    competition.effective_state = competition.effective_state_at(now)
    step = _commission_step(
        competition.effective_state,
        declared=hasattr(seat, "declaration"),
        to_score=max(seat.scorable_count - seat.submitted_count, 0),
        all_done=done[competition.pk] == members[competition.pk],
    )
    return CommissionWork(
        seat=seat,
        step=step,
        scorable=seat.scorable_count,
        submitted=seat.submitted_count,
        drafts=seat.draft_count,
        members_done=done[competition.pk],
        members=members[competition.pk],
    )


def _work_list(
    user: User, competitions: QuerySet[Competition], now: datetime.datetime
) -> list[CommissionWork]:
    """The person's work in ``competitions``, what asks for work first, then by deadline (one query)."""
    seats = _seats_with_counts(competitions)
    done, members = _members_done(seats)
    work = [_work_of(seat, now=now, done=done, members=members) for seat in seats if seat.user_id == user.pk]
    order = {step: i for i, step in enumerate(COMMISSION_STEPS)}
    work.sort(
        key=lambda w: (order.get(w.step, len(order)), -w.competition.deadline.timestamp(), -w.competition.pk)
    )
    return work


# The steps of a closed competition or one under evaluation depend on the sheets and come first in
# a member's list; every other competition's step is its state's, in this order (COMMISSION_STEPS).
_EVALUATING = Q(effective_state__in=[Competition.State.CLOSED, Competition.State.EVALUATION])
_STATE_RANK = Case(
    When(effective_state=Competition.State.PUBLISHED, then=Value(1)),
    When(effective_state=Competition.State.DRAFT, then=Value(2)),
    When(effective_state=Competition.State.COMPLETED, then=Value(3)),
    default=Value(4),
)


class CommissionWorkList:
    """A member's work in ``competitions`` (from ``commission_competitions``), in the order of
    ``commission_work``, for a ``Paginator``: its length in one query, a page in one more.

    A page reads the seats of every closed competition or one under evaluation (their steps, and so
    their order, depend on the sheets; a member has few at a time) and of the page's share of the
    others, whose order is their state's and deadline's, taken in SQL.
    """

    def __init__(self, *, user: User, competitions: QuerySet[Competition], now: datetime.datetime) -> None:
        self.user, self.now = user, now
        self.competitions = competitions
        self._evaluating: int | None = None
        self._total: int | None = None

    def count(self) -> int:
        if self._total is None:
            counts = self.competitions.order_by().aggregate(
                evaluating=Count("pk", filter=_EVALUATING), total=Count("pk")
            )
            self._evaluating, self._total = counts["evaluating"], counts["total"]
        return self._total

    def _page(self, start: int, stop: int, evaluating: int | None) -> list[CommissionWork]:
        """Rows ``start`` to ``stop``; ``evaluating`` is how many come first (None: unknown, start 0)."""
        ahead = evaluating or 0
        others = (
            self.competitions.exclude(_EVALUATING)
            .annotate(rank=_STATE_RANK)
            .order_by("rank", "-deadline", "-pk")
            .values("pk")[max(start - ahead, 0) : max(stop - ahead, 0)]
        )
        wanted = Q(pk__in=others)
        if evaluating is None or start < evaluating:
            wanted |= _EVALUATING
        work = _work_list(self.user, self.competitions.filter(wanted), self.now)
        return work[start:stop] if evaluating is None or start < evaluating else work

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[CommissionWork]:
        start, stop = index.start or 0, index.stop if index.stop is not None else self.count()
        if start == 0:
            return self._page(0, stop, None)
        self.count()
        return self._page(start, stop, self._evaluating)


def commission_work(
    *,
    user: User,
    competitions: QuerySet[Competition] | None = None,
    limit: int | None = None,
    now: datetime.datetime | None = None,
) -> list[CommissionWork]:
    """The competitions a person sits on (or those of ``competitions``, from
    ``commission_competitions``), each with the step they are at, what asks for work first; the
    first ``limit`` of them when it is given (one query).

    The member's own numbers and the progress of the whole commission come from one query over
    every seat of those competitions: no number of competitions or applications adds a query.
    """
    if not user.is_authenticated:
        return []
    now = now or timezone.now()
    if competitions is None:
        competitions = commission_competitions(user=user, now=now)
    if limit is None:
        return _work_list(user, competitions, now)
    return CommissionWorkList(user=user, competitions=competitions, now=now)[:limit]


def sheets_for_application(*, application: Application) -> list[ScoreSheet]:
    return list(
        ScoreSheet.objects.filter(application=application)
        .select_related("member__user")
        .prefetch_related("scores__criterion")
        .order_by("member__pk")
    )


def public_results(*, competition: Competition) -> list[Ranked]:
    """After completion: the eligible applications' organizations, totals and awards."""
    if competition.state != Competition.State.COMPLETED:
        return []
    return ranking(competition=competition)


def submitted_sheets(*, competition: Competition) -> QuerySet[ScoreSheet]:
    """Submitted sheets, for the chair who may reopen one."""
    return (
        ScoreSheet.objects.filter(application__competition=competition, state=ScoreSheet.State.SUBMITTED)
        .select_related("member__user", "application__organization")
        .order_by("application__receipt_number", "member__pk")
    )


def protocol_sheets(*, competition: Competition) -> dict[int, list[ScoreSheet]]:
    """The submitted score sheets of a competition by application, each member's in the order of
    their seats, with their scores (two queries whatever the size).

    A draft sheet is its member's alone: it is never read here.
    """
    sheets: dict[int, list[ScoreSheet]] = defaultdict(list)
    for sheet in (
        ScoreSheet.objects.filter(application__competition=competition, state=ScoreSheet.State.SUBMITTED)
        .select_related("member__user")
        .prefetch_related("scores")
        .order_by("application_id", "member__pk")
    ):
        sheets[sheet.application_id].append(sheet)
    return dict(sheets)
