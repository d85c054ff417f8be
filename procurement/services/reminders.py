"""Reminders to organizations with an unsent draft: 7, 3 and 1 days before the deadline."""

from __future__ import annotations

import datetime

from django.utils import timezone

from procurement.models import Application, Competition, ScoreSheet
from ssp_portal.notifications.services import reminder_send

# Days before the deadline; each is sent once per draft and person, in the window it opens.
DRAFT_REMINDER_DAYS = (7, 3, 1)


def _due_threshold(deadline: datetime.datetime, now: datetime.datetime) -> int | None:
    """The reminder whose window ``now`` is in: the smallest threshold already reached."""
    if now >= deadline:
        return None
    reached = [days for days in DRAFT_REMINDER_DAYS if now >= deadline - datetime.timedelta(days=days)]
    return min(reached) if reached else None


def remind_unsent_drafts(*, now: datetime.datetime | None = None) -> int:
    """E-mail the members of every organization with a draft in a competition closing soon.

    Safe to run as often as wanted, and twice at once: each reminder has a unique key.
    Returns how many e-mails this run queued.
    """
    now = now or timezone.now()
    horizon = now + datetime.timedelta(days=max(DRAFT_REMINDER_DAYS))
    drafts = (
        Application.objects.filter(
            state=Application.State.DRAFT,
            competition__state=Competition.State.PUBLISHED,
            competition__deadline__gt=now,
            competition__deadline__lte=horizon,
        )
        .select_related("competition__municipality", "organization")
        .prefetch_related("organization__memberships__user")
    )
    sent = 0
    for application in drafts:
        days = _due_threshold(application.competition.deadline, now)
        if days is None:
            continue
        for membership in application.organization.memberships.all():
            if not membership.user.is_active:
                continue
            sent += reminder_send(
                key=f"draft-reminder:application-{application.pk}:user-{membership.user_id}:{days}d",
                user=membership.user,
                template="procurement/email/draft_reminder",
                context={"application": application, "competition": application.competition, "days": days},
                about=application,
            )
    return sent


# Days after the evaluation started; each sent once per member and competition while work is missing.
SCORING_REMINDER_DAYS = (3, 7)


def remind_missing_score_sheets(*, now: datetime.datetime | None = None) -> int:
    """E-mail commission members who have not declared or not submitted every sheet they can."""
    from procurement import selectors
    from procurement.models import CommissionMember

    now = now or timezone.now()
    sent = 0
    for competition in Competition.objects.filter(state=Competition.State.EVALUATION).select_related(
        "municipality"
    ):
        started = competition.evaluation_started_at or competition.deadline
        due = [days for days in SCORING_REMINDER_DAYS if now >= started + datetime.timedelta(days=days)]
        if not due:
            continue
        days = max(due)
        progress = selectors.evaluation_progress(competition=competition)
        for row in progress["members"]:
            member: CommissionMember = row["member"]
            missing = sum(1 for cell in row["cells"] if cell in ("missing", ScoreSheet.State.DRAFT))
            if row["declaration"] is not None and not missing:
                continue
            if not member.user.is_active:
                continue
            sent += reminder_send(
                key=f"score-reminder:competition-{competition.pk}:member-{member.pk}:{days}d",
                user=member.user,
                template="procurement/email/score_reminder",
                context={
                    "competition": competition,
                    "declared": row["declaration"] is not None,
                    "missing": missing,
                },
            )
    return sent
