"""Queries for procurement pages, each in a fixed number of SQL queries."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from organizations.models import Municipality, User
from procurement.models import (
    Amendment,
    CommissionMember,
    Competition,
    PriorityIssue,
    Subscription,
)


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
            Prefetch("commission", queryset=CommissionMember.objects.select_related("user")),
        )
        .filter(reference=reference)
        .first()
    )


def competition_for_staff(*, municipality: Municipality) -> QuerySet[Competition]:
    return (
        Competition.objects.filter(municipality=municipality)
        .with_effective_state()
        .select_related("priority_issue")
        .annotate(
            criteria_count=Count("criteria", distinct=True),
            commission_count=Count("commission", distinct=True),
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


def competitions_open(*, limit: int = 6) -> list[Competition]:
    """Competitions accepting proposals now, the nearest deadline first."""
    return list(
        Competition.objects.open_for_submissions()
        .with_effective_state()
        .select_related("municipality", "priority_issue")
        .order_by("deadline")[:limit]
    )
