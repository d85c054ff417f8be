"""Queries for the monitoring pages, each in a fixed number of SQL queries."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring.models import (
    Indicator,
    IndicatorValue,
    MonitoringReport,
    PaymentTranche,
    Project,
    ReportRound,
    SiteVisit,
    local_today,
)
from monitoring.spending import accepted_spend, overspent_projects
from organizations.models import Municipality, MunicipalityMembership, User
from procurement.models import Award, Competition


def awards_to_contract(*, municipality: Municipality) -> QuerySet[Award]:
    """Awards of published results that have no grant agreement yet."""
    return (
        Award.objects.filter(
            competition__municipality=municipality,
            competition__state=Competition.State.COMPLETED,
            project__isnull=True,
        )
        .select_related("competition", "application__organization")
        .order_by("competition__reference", "rank")
    )


@dataclass
class ProjectRow:
    project: Project
    spent: Decimal
    overdue: int = 0
    risks: list[str] = field(default_factory=list)

    @property
    def share_spent(self) -> int:
        return int(self.spent / self.project.amount * 100) if self.project.amount else 0


def _risks(projects: list[Project], now: datetime.datetime | None = None) -> dict[int, list[str]]:
    """Why a project is at risk: overdue reports, overspent lines, targets missed at the end."""
    overdue = {}
    for report in MonitoringReport.objects.overdue(now).filter(project__in=projects).values("project"):
        overdue[report["project"]] = overdue.get(report["project"], 0) + 1
    overspent = overspent_projects(projects)
    missed = missed_targets(projects, now)
    risks: dict[int, list[str]] = {}
    for project in projects:
        reasons = []
        if overdue.get(project.pk):
            reasons.append(_("%(count)d overdue report(s)") % {"count": overdue[project.pk]})
        if project.pk in overspent:
            reasons.append(_("a budget line is overspent"))
        if missed.get(project.pk):
            reasons.append(_("targets missed: %(names)s") % {"names": ", ".join(missed[project.pk])})
        risks[project.pk] = reasons
    return risks


def latest_values(projects: list[Project]) -> dict[int, Decimal]:
    """The latest value reported for each indicator, from submitted or accepted reports (one query)."""
    latest: dict[int, tuple[int, Decimal]] = {}
    for value in IndicatorValue.objects.filter(
        indicator__project__in=projects,
        report__state__in=[MonitoringReport.State.SUBMITTED, MonitoringReport.State.ACCEPTED],
    ).values("indicator_id", "report__number", "value"):
        current = latest.get(value["indicator_id"])
        if current is None or value["report__number"] > current[0]:
            latest[value["indicator_id"]] = (value["report__number"], value["value"])
    return {indicator: value for indicator, (_number, value) in latest.items()}


def missed_targets(projects: list[Project], now: datetime.datetime | None = None) -> dict[int, list[str]]:
    """Indicators below target once the project's period is over (two queries)."""
    today = timezone.localdate(now) if now else timezone.localdate()
    ended = [p for p in projects if p.end_date < today]
    values = latest_values(ended)
    missed: dict[int, list[str]] = {}
    for indicator in Indicator.objects.filter(project__in=ended):
        value = values.get(indicator.pk)
        if value is None or value < indicator.target:
            missed.setdefault(indicator.project_id, []).append(indicator.name)
    return missed


def project_rows(projects: QuerySet[Project]) -> list[ProjectRow]:
    projects = list(projects)
    spent = accepted_spend(projects)
    risks = _risks(projects)
    return [ProjectRow(project=p, spent=spent[p.pk], risks=risks[p.pk]) for p in projects]


def projects_of_municipality(*, municipality: Municipality) -> list[ProjectRow]:
    """The staff's list: each project with its accepted spending against its amount, and risks."""
    return project_rows(
        Project.objects.filter(municipality=municipality).select_related("organization", "award__competition")
    )


def project_detail(*, user: User, pk: int) -> Project | None:
    return (
        Project.objects.visible_to(user)
        .select_related(
            "organization", "municipality", "award__competition", "award__application", "created_by"
        )
        .prefetch_related(
            "budget_lines",
            "indicators",
            Prefetch(
                "tranches", queryset=PaymentTranche.objects.select_related("condition_report", "paid_by")
            ),
            Prefetch("reports", queryset=MonitoringReport.objects.order_by("number")),
            Prefetch(
                "site_visits",
                queryset=SiteVisit.objects.select_related("recorded_by").prefetch_related("photos"),
            ),
        )
        .filter(pk=pk)
        .first()
    )


def report_detail(*, user: User, pk: int) -> MonitoringReport | None:
    return (
        MonitoringReport.objects.visible_to(user)
        .select_related("project__organization", "project__municipality")
        .prefetch_related(
            Prefetch("indicator_values", queryset=IndicatorValue.objects.select_related("indicator")),
            "expenditures",
            "attachments",
            Prefetch("rounds", queryset=ReportRound.objects.select_related("submitted_by", "reviewer")),
            "project__indicators",
            "project__budget_lines",
        )
        .filter(pk=pk)
        .first()
    )


@dataclass
class Queue:
    to_review: list[MonitoringReport]
    overdue: list[MonitoringReport]
    at_risk: list[ProjectRow]


# The sections of the consultant's work list: reports to review, overdue reports, projects at risk.
QUEUE_SECTIONS = ("review", "overdue", "risk")


def _reviewed_municipalities(user: User) -> QuerySet[Municipality]:
    """Where the person reviews reports: as a consultant, or as finance staff."""
    return Municipality.objects.filter(
        memberships__user=user,
        memberships__role__in=[MunicipalityMembership.Role.CONSULTANT, MunicipalityMembership.Role.STAFF],
    )


def reviewed_projects(*, user: User) -> QuerySet[Project]:
    """The projects of the municipalities where the person reviews reports."""
    return Project.objects.filter(municipality__in=_reviewed_municipalities(user)).select_related(
        "organization", "municipality"
    )


def reviewer_queue(*, projects: QuerySet[Project], sections: Collection[str] = QUEUE_SECTIONS) -> Queue:
    """A consultant's (or finance officer's) work across ``projects`` (``reviewed_projects``,
    filtered by ``filters.WorkListFilter``); a section not in ``sections`` is left empty."""
    reports = MonitoringReport.objects.filter(project__in=projects).select_related(
        "project__organization", "project__municipality"
    )
    to_review = list(reports.filter(state=MonitoringReport.State.SUBMITTED)) if "review" in sections else []
    overdue = list(reports.overdue().order_by("due_date")) if "overdue" in sections else []
    at_risk = [row for row in project_rows(projects) if row.risks] if "risk" in sections else []
    return Queue(to_review=to_review, overdue=overdue, at_risk=at_risk)


def reports_due_for_member(*, user: User) -> QuerySet[MonitoringReport]:
    """An organization member's reports still to submit, the nearest due date first."""
    return (
        MonitoringReport.objects.filter(project__organization__memberships__user=user)
        .filter(Q(state=MonitoringReport.State.DRAFT) | Q(state=MonitoringReport.State.REVISION_REQUESTED))
        .filter(project__state=Project.State.ACTIVE)
        .select_related("project__organization", "project__municipality")
        .order_by("due_date")
    )


def reports_paused_for_member(*, user: User) -> QuerySet[MonitoringReport]:
    """An organization member's reports that wait because their project is suspended: they cannot
    be changed or submitted until the suspension is lifted. By project, then due date."""
    return (
        MonitoringReport.objects.filter(project__organization__memberships__user=user)
        .filter(Q(state=MonitoringReport.State.DRAFT) | Q(state=MonitoringReport.State.REVISION_REQUESTED))
        .filter(project__state=Project.State.SUSPENDED)
        .select_related("project__organization", "project__municipality")
        .order_by("project__contract_number", "project_id", "due_date")
    )


@dataclass(frozen=True)
class DueReport:
    report: MonitoringReport
    days_left: int  # until the due date, counted in the municipality's zone; negative once overdue

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def days_late(self) -> int:
        return -self.days_left


@dataclass(frozen=True)
class MemberReports:
    soon: list[DueReport]  # overdue, sent back for revision, or due within ``HORIZON_DAYS``
    later: int  # drafts due after that


# Reports due further ahead than this are counted on the home page, not listed.
HORIZON_DAYS = 30


def member_reports(*, user: User, now: datetime.datetime | None = None) -> MemberReports:
    """An organization member's reports to submit: the ones that need work now, and how many come
    later (one query)."""
    soon, later = [], 0
    for report in reports_due_for_member(user=user):
        days_left = (report.due_date - local_today(report.project.municipality.time_zone, now)).days
        if days_left <= HORIZON_DAYS or report.state == MonitoringReport.State.REVISION_REQUESTED:
            soon.append(DueReport(report=report, days_left=days_left))
        else:
            later += 1
    return MemberReports(soon=soon, later=later)


def review_counts(*, user: User) -> dict[int, dict[str, int]]:
    """Per municipality where the person reviews reports (consultant or finance staff): how many
    reports wait for a review and how many are overdue (three queries)."""
    municipalities = _reviewed_municipalities(user).values("pk")
    reports = MonitoringReport.objects.filter(project__municipality__in=municipalities).order_by()
    counts: dict[int, dict[str, int]] = defaultdict(lambda: {"to_review": 0, "overdue": 0})
    for row in (
        reports.filter(state=MonitoringReport.State.SUBMITTED)
        .values("project__municipality")
        .annotate(n=Count("pk"))
    ):
        counts[row["project__municipality"]]["to_review"] = row["n"]
    for row in reports.overdue().values("project__municipality").annotate(n=Count("pk")):
        counts[row["project__municipality"]]["overdue"] = row["n"]
    return dict(counts)
