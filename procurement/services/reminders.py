"""Reminders to organizations with an unsent draft (7, 3 and 1 days before the deadline) and to
commission members with work left (3 and 7 days into the evaluation).

Each run asks the database only for the reminders due now and not sent yet (the key of each is
built in SQL and looked up with ``NOT EXISTS``): a repeated run reads one empty query and tries
no insert. The unique key still decides between two runs at once.
"""

from __future__ import annotations

import datetime

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from organizations.models import OrganizationMembership
from procurement.models import (
    Application,
    CommissionMember,
    Competition,
    ConflictDeclaration,
    ConflictedOrganization,
    ScoreSheet,
)
from ssp_portal.notifications.selectors import not_reminded, reminder_key
from ssp_portal.notifications.services import reminder_send

# Days before the deadline; each is sent once per draft and person, in the window it opens.
DRAFT_REMINDER_DAYS = (7, 3, 1)

# The draft of a membership's organization, in the queries below.
DRAFT = "organization__applications__"


def _draft_step(now: datetime.datetime) -> Case:
    """The reminder whose window ``now`` is in: the smallest threshold already reached."""
    return Case(
        *(
            When(
                **{f"{DRAFT}competition__deadline__lte": now + datetime.timedelta(days=days)},
                then=Value(days),
            )
            for days in sorted(DRAFT_REMINDER_DAYS)
        ),
        output_field=IntegerField(),
    )


def _drafts_to_remind(now: datetime.datetime) -> QuerySet[OrganizationMembership]:
    """Each active member of an organization with a draft in a competition closing within the
    longest reminder's window, annotated with the draft and the days, whose reminder of that
    step is not sent yet (one query)."""
    horizon = now + datetime.timedelta(days=max(DRAFT_REMINDER_DAYS))
    # One filter() call and annotations after it: one join to the draft, read by all of them.
    return (
        OrganizationMembership.objects.filter(
            user__is_active=True,
            **{
                f"{DRAFT}state": Application.State.DRAFT,
                f"{DRAFT}competition__state": Competition.State.PUBLISHED,
                f"{DRAFT}competition__deadline__gt": now,
                f"{DRAFT}competition__deadline__lte": horizon,
            },
        )
        .annotate(application_id=F(f"{DRAFT}pk"), days=_draft_step(now))
        .filter(
            not_reminded(
                reminder_key(
                    "draft-reminder:application-",
                    OuterRef("application_id"),
                    ":user-",
                    OuterRef("user_id"),
                    ":",
                    OuterRef("days"),
                    "d",
                )
            )
        )
        .select_related("user")
        .order_by("application_id", "pk")
    )


def remind_unsent_drafts(*, now: datetime.datetime | None = None) -> int:
    """E-mail the members of every organization with a draft in a competition closing soon.

    Safe to run as often as wanted, and twice at once: each reminder has a unique key.
    Returns how many e-mails this run queued.
    """
    now = now or timezone.now()
    due = list(_drafts_to_remind(now))
    if not due:
        return 0
    applications = Application.objects.select_related("competition__municipality", "organization").in_bulk(
        {membership.application_id for membership in due}
    )
    sent = 0
    for membership in due:
        application = applications[membership.application_id]
        sent += reminder_send(
            key=f"draft-reminder:application-{application.pk}:user-{membership.user_id}:{membership.days}d",
            user=membership.user,
            template="procurement/email/draft_reminder",
            context={
                "application": application,
                "competition": application.competition,
                "days": membership.days,
            },
            about=application,
        )
    return sent


# Days after the evaluation started; each sent once per member and competition while work is missing.
SCORING_REMINDER_DAYS = (3, 7)


def _unscored() -> QuerySet[Application]:
    """The applications of the outer member's competition they may score and have not submitted
    a sheet for: neither conflicted by their declaration nor of their own organization."""
    member = OuterRef(OuterRef("pk"))
    return (
        Application.objects.filter(competition=OuterRef("competition"), state__in=Application.SCORED_STATES)
        .exclude(
            organization__in=ConflictedOrganization.objects.filter(declaration__member=member).values(
                "organization"
            )
        )
        .exclude(
            organization__in=OrganizationMembership.objects.filter(user=OuterRef(OuterRef("user"))).values(
                "organization"
            )
        )
        .exclude(
            Exists(
                ScoreSheet.objects.filter(
                    application=OuterRef("pk"), member=member, state=ScoreSheet.State.SUBMITTED
                )
            )
        )
    )


def _members_to_remind(now: datetime.datetime) -> QuerySet[CommissionMember]:
    """Each active member of a commission whose evaluation started at least the first reminder's
    days ago, who has not declared or has sheets to submit, and whose reminder of the current
    step is not sent yet, with the step, whether they declared and how many sheets are left
    (one query)."""
    unscored = _unscored().order_by().values("competition").annotate(n=Count("pk")).values("n")
    started = Coalesce("competition__evaluation_started_at", "competition__deadline")
    step = Case(
        *(
            When(started__lte=now - datetime.timedelta(days=days), then=Value(days))
            for days in sorted(SCORING_REMINDER_DAYS, reverse=True)
        ),
        output_field=IntegerField(),
    )
    return (
        CommissionMember.objects.filter(competition__state=Competition.State.EVALUATION, user__is_active=True)
        .alias(started=started)
        .filter(started__lte=now - datetime.timedelta(days=min(SCORING_REMINDER_DAYS)))
        .annotate(
            days=step,
            declared=Exists(ConflictDeclaration.objects.filter(member=OuterRef("pk"))),
            missing=Coalesce(Subquery(unscored), 0),
        )
        .filter(Q(declared=False) | Q(missing__gt=0))
        .filter(
            not_reminded(
                reminder_key(
                    "score-reminder:competition-",
                    OuterRef("competition_id"),
                    ":member-",
                    OuterRef("pk"),
                    ":",
                    OuterRef("days"),
                    "d",
                )
            )
        )
        .select_related("user", "competition__municipality")
        .order_by("competition_id", "pk")
    )


def remind_missing_score_sheets(*, now: datetime.datetime | None = None) -> int:
    """E-mail commission members who have not declared or not submitted every sheet they can."""
    now = now or timezone.now()
    sent = 0
    for member in _members_to_remind(now):
        sent += reminder_send(
            key=f"score-reminder:competition-{member.competition_id}:member-{member.pk}:{member.days}d",
            user=member.user,
            template="procurement/email/score_reminder",
            context={
                "competition": member.competition,
                "declared": member.declared,
                "missing": member.missing,
            },
        )
    return sent
