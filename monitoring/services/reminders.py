"""Reminders of monitoring, each sent once: reports due in 7 days and in 1 day, reports overdue,
and reports waiting too long for their review."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from monitoring.models import MonitoringReport, Project, local_today
from organizations.models import MunicipalityMembership
from ssp_portal.notifications.services import reminder_send

DUE_REMINDER_DAYS = (7, 1)


def _due_step(report: MonitoringReport, today: datetime.date) -> str | None:
    """Which reminder the report is at: '7d', '1d', 'overdue', or none."""
    if today > report.due_date:
        return "overdue"
    days_left = (report.due_date - today).days
    reached = [days for days in DUE_REMINDER_DAYS if days_left <= days]
    return f"{min(reached)}d" if reached else None


def remind_reports(*, now: datetime.datetime | None = None) -> int:
    """E-mail the organizations whose reports are due soon or overdue, and the reviewers whose
    queue has waited too long. Safe to run repeatedly and concurrently."""
    now = now or timezone.now()
    return _remind_due(now) + _remind_waiting(now)


def _remind_due(now: datetime.datetime) -> int:
    """The organization's members, of each report due in 7 days, in 1 day, and overdue."""
    sent = 0
    pending = (
        MonitoringReport.objects.filter(
            state__in=[MonitoringReport.State.DRAFT, MonitoringReport.State.REVISION_REQUESTED],
            project__state=Project.State.ACTIVE,
            due_date__lte=now.date() + datetime.timedelta(days=max(DUE_REMINDER_DAYS) + 1),
        )
        .select_related("project__municipality", "project__organization")
        .prefetch_related("project__organization__memberships__user")
    )
    for report in pending:
        step = _due_step(report, local_today(report.project.municipality.time_zone, now))
        if step is None:
            continue
        for membership in report.project.organization.memberships.all():
            sent += reminder_send(
                key=f"report-due:report-{report.pk}:user-{membership.user_id}:{step}",
                user=membership.user,
                template="monitoring/email/report_due",
                context={"report": report, "project": report.project, "step": step},
            )
    return sent


def _remind_waiting(now: datetime.datetime) -> int:
    """The reviewers of each report submitted ``SSP_REVIEW_WAIT_DAYS`` ago and not reviewed yet."""
    sent = 0
    waiting_since = now - datetime.timedelta(days=settings.SSP_REVIEW_WAIT_DAYS)
    waiting = list(
        MonitoringReport.objects.filter(
            state=MonitoringReport.State.SUBMITTED, submitted_at__lte=waiting_since
        ).select_related("project__municipality")
    )
    # Consultants review; a municipality without one has its finance staff remind themselves.
    reviewers: dict[tuple[int, str], list[MunicipalityMembership]] = {}
    for membership in MunicipalityMembership.objects.filter(
        municipality__in={report.project.municipality_id for report in waiting}
    ).select_related("user"):
        reviewers.setdefault((membership.municipality_id, membership.role), []).append(membership)
    for report in waiting:
        municipality = report.project.municipality_id
        consultants = reviewers.get((municipality, MunicipalityMembership.Role.CONSULTANT))
        for membership in consultants or reviewers.get((municipality, MunicipalityMembership.Role.STAFF), []):
            sent += reminder_send(
                key=f"review-wait:report-{report.pk}:submitted-{report.submitted_at:%Y%m%d%H%M%S}:user-{membership.user_id}",
                user=membership.user,
                template="monitoring/email/review_waiting",
                context={"report": report, "project": report.project},
            )
    return sent
