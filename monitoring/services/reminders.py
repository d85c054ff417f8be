"""Reminders of monitoring, each sent once: reports due in 7 days and in 1 day, reports overdue,
and reports waiting too long for their review.

Each run asks the database only for the reminders due now and not sent yet (the key of each is
built in SQL and looked up with ``NOT EXISTS``): a repeated run reads a few empty queries and
tries no insert. The unique key still decides between two runs at once.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Case, CharField, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from monitoring.models import MonitoringReport, Project, ReportRound, local_today
from organizations.models import Municipality, MunicipalityMembership, OrganizationMembership
from ssp_portal.notifications.selectors import KeyTime, not_reminded, reminder_key
from ssp_portal.notifications.services import reminder_send

DUE_REMINDER_DAYS = (7, 1)
# An overdue report is reminded in the week after it became overdue: the day after its due date,
# or the day its revision was requested when that came later. A run every hour sends it on the
# first day; the week covers a stopped beat, and reports overdue for long are not read again.
OVERDUE_REMINDER_DAYS = 7

# The report of a membership's organization, in the queries below.
REPORT = "organization__projects__reports__"


def _due_step(todays: dict[str, datetime.date], now: datetime.datetime) -> Case:
    """Which reminder each report is at, by the date in its municipality's zone: 'overdue',
    '1d', '7d', or none."""
    returned = ReportRound.objects.filter(
        report=OuterRef("report_id"), reviewed_at__gte=now - datetime.timedelta(days=OVERDUE_REMINDER_DAYS)
    )
    recently_returned = Q(**{f"{REPORT}state": MonitoringReport.State.REVISION_REQUESTED}) & Exists(returned)
    due = f"{REPORT}due_date"
    whens = []
    for zone, today in todays.items():
        in_zone = Q(organization__projects__municipality__time_zone=zone)
        recent = Q(**{f"{due}__gte": today - datetime.timedelta(days=OVERDUE_REMINDER_DAYS)})
        whens.append(
            When(in_zone & Q(**{f"{due}__lt": today}) & (recent | recently_returned), then=Value("overdue"))
        )
        for days in sorted(DUE_REMINDER_DAYS):
            limit = today + datetime.timedelta(days=days)
            whens.append(
                When(in_zone & Q(**{f"{due}__gte": today, f"{due}__lte": limit}), then=Value(f"{days}d"))
            )
    return Case(*whens, output_field=CharField())


def _members_to_remind(now: datetime.datetime) -> QuerySet[OrganizationMembership]:
    """Each member of an organization with a report of an active project to write, annotated
    with the report and its step, whose reminder of that step is not sent yet (one query, and
    one for the zones in use)."""
    zones = Municipality.objects.order_by().values_list("time_zone", flat=True).distinct()
    todays = {zone: local_today(zone, now) for zone in zones}
    if not todays:
        return OrganizationMembership.objects.none()
    earliest = min(todays.values()) - datetime.timedelta(days=OVERDUE_REMINDER_DAYS)
    # One filter() call and annotations after it: one join to the report, read by all of them.
    return (
        OrganizationMembership.objects.filter(
            Q(**{f"{REPORT}due_date__gte": earliest})
            | Q(**{f"{REPORT}state": MonitoringReport.State.REVISION_REQUESTED}),
            organization__projects__state=Project.State.ACTIVE,
            **{
                f"{REPORT}state__in": [
                    MonitoringReport.State.DRAFT,
                    MonitoringReport.State.REVISION_REQUESTED,
                ],
                f"{REPORT}due_date__lte": max(todays.values())
                + datetime.timedelta(days=max(DUE_REMINDER_DAYS)),
            },
        )
        .annotate(report_id=F(f"{REPORT}pk"))
        .annotate(step=_due_step(todays, now))
        .filter(step__isnull=False)
        .filter(
            not_reminded(
                reminder_key(
                    "report-due:report-",
                    OuterRef("report_id"),
                    ":user-",
                    OuterRef("user_id"),
                    ":",
                    OuterRef("step"),
                )
            )
        )
        .select_related("user")
        .order_by("report_id", "pk")
    )


def remind_reports(*, now: datetime.datetime | None = None) -> int:
    """E-mail the organizations whose reports are due soon or overdue, and the reviewers whose
    queue has waited too long. Safe to run repeatedly and concurrently."""
    now = now or timezone.now()
    return _remind_due(now) + _remind_waiting(now)


def _with_reports(memberships: QuerySet, related: str) -> list[tuple]:
    """(membership, its report) for memberships annotated with ``report_id``: the reports, with
    ``related``, in one more query."""
    due = list(memberships)
    reports = MonitoringReport.objects.select_related(related).in_bulk(
        {membership.report_id for membership in due}
    )
    return [(membership, reports[membership.report_id]) for membership in due]


def _remind_due(now: datetime.datetime) -> int:
    """The organization's members, of each report due in 7 days, in 1 day, and overdue."""
    sent = 0
    for membership, report in _with_reports(_members_to_remind(now), "project__municipality"):
        sent += reminder_send(
            key=f"report-due:report-{report.pk}:user-{membership.user_id}:{membership.step}",
            user=membership.user,
            template="monitoring/email/report_due",
            context={"report": report, "project": report.project, "step": membership.step},
        )
    return sent


# The report of a reviewer's municipality, in the query below.
WAITING = "municipality__projects__reports__"


def _reviewers_to_remind(now: datetime.datetime) -> QuerySet[MunicipalityMembership]:
    """The reviewers of each report submitted ``SSP_REVIEW_WAIT_DAYS`` ago and not reviewed yet,
    annotated with the report, whose reminder of that submission is not sent yet (one query).

    Consultants review; a municipality without one has its finance staff remind themselves.
    """
    waiting_since = now - datetime.timedelta(days=settings.SSP_REVIEW_WAIT_DAYS)
    consultants = MunicipalityMembership.objects.filter(
        municipality=OuterRef("municipality"), role=MunicipalityMembership.Role.CONSULTANT
    )
    return (
        MunicipalityMembership.objects.filter(
            Q(role=MunicipalityMembership.Role.CONSULTANT) | ~Exists(consultants),
            **{
                f"{WAITING}state": MonitoringReport.State.SUBMITTED,
                f"{WAITING}submitted_at__lte": waiting_since,
            },
        )
        .annotate(report_id=F(f"{WAITING}pk"), report_submitted_at=F(f"{WAITING}submitted_at"))
        .filter(
            not_reminded(
                reminder_key(
                    "review-wait:report-",
                    OuterRef("report_id"),
                    ":submitted-",
                    KeyTime(OuterRef("report_submitted_at")),
                    ":user-",
                    OuterRef("user_id"),
                )
            )
        )
        .select_related("user")
        .order_by("report_id", "pk")
    )


def _remind_waiting(now: datetime.datetime) -> int:
    sent = 0
    for membership, report in _with_reports(_reviewers_to_remind(now), "project__organization"):
        sent += reminder_send(
            key=f"review-wait:report-{report.pk}:submitted-{report.submitted_at:%Y%m%d%H%M%S}:user-{membership.user_id}",
            user=membership.user,
            template="monitoring/email/review_waiting",
            context={"report": report, "project": report.project},
        )
    return sent
