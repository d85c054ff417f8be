"""Queries for procurement pages, each in a fixed number of SQL queries."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from organizations.models import Municipality, User
from procurement.models import (
    Amendment,
    Application,
    ApplicationAttachment,
    CommissionMember,
    Competition,
    PriorityIssue,
    ScoreSheet,
    Subscription,
)
from procurement.models.competitions import commission_order
from procurement.scoring import Criterion, Ranked, rank


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


SCORED_STATES = [Application.State.ELIGIBLE, Application.State.AWARDED, Application.State.NOT_AWARDED]

SUBMITTED_STATES = [
    Application.State.SUBMITTED,
    Application.State.ELIGIBLE,
    Application.State.INELIGIBLE,
    Application.State.AWARDED,
    Application.State.NOT_AWARDED,
]


def competition_for_staff(*, municipality: Municipality) -> QuerySet[Competition]:
    """The municipality's competitions with counts only: how many drafts and submissions, never what."""
    return (
        Competition.objects.filter(municipality=municipality)
        .with_effective_state()
        .select_related("priority_issue")
        .annotate(
            criteria_count=Count("criteria", distinct=True),
            commission_count=Count("commission", distinct=True),
            draft_count=Count(
                "applications", filter=Q(applications__state=Application.State.DRAFT), distinct=True
            ),
            submitted_count=Count(
                "applications", filter=Q(applications__state__in=SUBMITTED_STATES), distinct=True
            ),
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
        PriorityIssue.objects.filter(status=PriorityIssue.Status.APPROVED, municipality__is_active=True)
        .select_related("municipality")
        .annotate(
            competition_count=Count("competitions", filter=~Q(competitions__state=Competition.State.DRAFT))
        )
        .order_by("-year", "municipality__name", "title")
    )


def priority_issues_for_staff(*, municipality: Municipality) -> QuerySet[PriorityIssue]:
    return (
        PriorityIssue.objects.filter(municipality=municipality)
        .annotate(competition_count=Count("competitions"))
        .order_by("-year", "title")
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


def receipt_ledger(*, competition: Competition) -> list[dict]:
    """After the deadline, the receipts of the applications that count: number, time, digest; no content.

    Empty while the applications are sealed (one query, or none).
    """
    if competition.is_sealed:
        return []
    return list(
        Application.objects.filter(competition=competition, state__in=SUBMITTED_STATES)
        .order_by("receipt_number")
        .values("receipt_number", "submitted_at", "digest")
    )


def competitions_open(*, limit: int = 6) -> list[Competition]:
    """Competitions accepting proposals now, the nearest deadline first."""
    return list(
        Competition.objects.open_for_submissions()
        .with_effective_state()
        .select_related("municipality", "priority_issue")
        .order_by("deadline")[:limit]
    )


# Applications -----------------------------------------------------------------------------


def applications_of_member(*, user: User) -> QuerySet[Application]:
    """The person's organizations' applications, newest first, with their competitions."""
    return (
        Application.objects.of_member(user)
        .select_related("competition__municipality", "organization", "ineligible_requirement")
        .with_effective_competition_state()
        .order_by("-created_at")
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
        Application.objects.filter(competition=competition, state__in=SCORED_STATES)
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
        .prefetch_related("declaration__conflicts__organization")
    )
    applications = list(
        Application.objects.filter(competition=competition, state__in=SCORED_STATES)
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
            submitted_sheets=Count("score_sheets", filter=Q(score_sheets__state="submitted"), distinct=True),
        )
        .order_by("-competition__deadline")
    )


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
