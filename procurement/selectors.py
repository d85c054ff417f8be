"""Queries for procurement pages, each in a fixed number of SQL queries."""

from __future__ import annotations

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
