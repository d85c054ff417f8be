"""Queries for the monitoring pages, each in a fixed number of SQL queries."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring.models import (
    Expenditure,
    Indicator,
    IndicatorValue,
    MonitoringReport,
    PaymentTranche,
    Project,
    ProjectBudgetLine,
    ReportRound,
    SiteVisit,
    local_today,
)
from monitoring.spending import COUNTED, overspent_projects
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


# A project that is over (completed, or terminated) is never at risk: nothing more is due of it.
CLOSED = (Project.State.COMPLETED, Project.State.TERMINATED)


def _open(projects: list[Project]) -> list[Project]:
    return [project for project in projects if project.state not in CLOSED]


def _risks(projects: list[Project], now: datetime.datetime | None = None) -> dict[int, list[str]]:
    """Why a project is at risk: overdue reports, overspent lines, targets missed at the end
    (``at_risk`` finds the same projects in SQL)."""
    open_projects = _open(projects)
    overdue = {}
    for report in MonitoringReport.objects.overdue(now).filter(project__in=open_projects).values("project"):
        overdue[report["project"]] = overdue.get(report["project"], 0) + 1
    overspent = overspent_projects(open_projects)
    missed = missed_targets(open_projects, now)
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


# The reports whose indicator values count as reported.
REPORTED = (MonitoringReport.State.SUBMITTED, MonitoringReport.State.ACCEPTED)


def latest_values(projects: list[Project]) -> dict[int, Decimal]:
    """The latest value reported for each indicator, from submitted or accepted reports (one query)."""
    latest: dict[int, tuple[int, Decimal]] = {}
    for value in IndicatorValue.objects.filter(
        indicator__project__in=projects, report__state__in=REPORTED
    ).values("indicator_id", "report__number", "value"):
        current = latest.get(value["indicator_id"])
        if current is None or value["report__number"] > current[0]:
            latest[value["indicator_id"]] = (value["report__number"], value["value"])
    return {indicator: value for indicator, (_number, value) in latest.items()}


def missed_targets(projects: list[Project], now: datetime.datetime | None = None) -> dict[int, list[str]]:
    """Indicators below target once the period of a project still open is over (two queries)."""
    today = timezone.localdate(now) if now else timezone.localdate()
    ended = [p for p in _open(projects) if p.end_date < today]
    values = latest_values(ended)
    missed: dict[int, list[str]] = {}
    for indicator in Indicator.objects.filter(project__in=ended):
        value = values.get(indicator.pk)
        if value is None or value < indicator.target:
            missed.setdefault(indicator.project_id, []).append(indicator.name)
    return missed


def at_risk(projects: QuerySet[Project], now: datetime.datetime | None = None) -> QuerySet[Project]:
    """The open projects of ``projects`` with an overdue report, an overspent line, or an indicator
    below target once their period is over: what ``_risks`` finds, as one SQL filter (and one
    query for the zones of the due dates)."""
    today = timezone.localdate(now) if now else timezone.localdate()
    projects = projects.exclude(state__in=CLOSED)
    scope = projects.order_by().values("pk")
    overdue = MonitoringReport.objects.overdue(now).filter(project=OuterRef("pk"))
    # The lines spent above their amount, summed in one pass over the expenditures.
    overspent = (
        ProjectBudgetLine.objects.filter(project__in=scope)
        .annotate(spent=Sum("expenditures__amount", filter=Q(expenditures__report__state__in=COUNTED)))
        .filter(spent__gt=F("approved_amount"))
        .values("project")
    )
    latest = (
        IndicatorValue.objects.filter(indicator=OuterRef("pk"), report__state__in=REPORTED)
        .order_by("-report__number")
        .values("value")[:1]
    )
    # The indicators of ended projects whose latest value (none counts as below) is below target.
    missed = (
        Indicator.objects.filter(project__in=scope, project__end_date__lt=today)
        .annotate(latest=Coalesce(Subquery(latest), F("target") - 1))
        .filter(latest__lt=F("target"))
        .values("project")
    )
    return projects.filter(Exists(overdue) | Q(pk__in=overspent) | Q(pk__in=missed))


def with_spent(projects: QuerySet[Project]) -> QuerySet[Project]:
    """Each project with ``spent``: its spending in accepted reports, summed in SQL."""
    spent = (
        Expenditure.objects.filter(
            report__project=OuterRef("pk"), report__state=MonitoringReport.State.ACCEPTED
        )
        .order_by()
        .values("report__project")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return projects.annotate(
        spent=Coalesce(
            Subquery(spent), Value(Decimal("0")), output_field=DecimalField(max_digits=14, decimal_places=2)
        )
    )


def project_rows(projects: QuerySet[Project] | list[Project]) -> list[ProjectRow]:
    """The rows of a list, or of one page of it (a queryset, or the projects read already, with
    ``spent``): spending and risks for these projects only (a fixed number of queries). Spending is
    ``with_spent``'s, added here to a queryset without it."""
    if isinstance(projects, QuerySet) and "spent" not in projects.query.annotations:
        projects = with_spent(projects)
    projects = list(projects)
    risks = _risks(projects)
    return [ProjectRow(project=p, spent=p.spent, risks=risks[p.pk]) for p in projects]


def project_rows_by_pk(pks: list[int]) -> list[ProjectRow]:
    """``project_rows`` of these projects, in this order: a page of a list whose filter is costly
    enough to be read once, as the ids (``Queue.at_risk``)."""
    order = {pk: position for position, pk in enumerate(pks)}
    projects = Project.objects.filter(pk__in=pks).select_related("organization", "municipality")
    return sorted(project_rows(projects), key=lambda row: order[row.project.pk])


def projects_of_municipality(*, municipality: Municipality) -> QuerySet[Project]:
    """The staff's list (``filters.ProjectFilter``, a page of it through ``project_rows``): each
    project with its accepted spending against its amount."""
    return with_spent(
        Project.objects.filter(municipality=municipality).select_related("organization", "award__competition")
    ).order_by("-contract_date", "contract_number", "pk")


def tranches_of_municipality(*, municipality: Municipality) -> QuerySet[PaymentTranche]:
    """The staff's tranches list (``filters.TrancheFilter``): the ones still to pay first, the
    nearest planned date first; then the paid ones, the latest payment first."""
    return (
        PaymentTranche.objects.filter(project__municipality=municipality)
        .select_related("project__organization", "condition_report")
        .order_by(F("paid_on").desc(nulls_first=True), "planned_date", "project__contract_number", "pk")
    )


def tranche_total(tranches: QuerySet[PaymentTranche]) -> Decimal:
    """The sum of the tranches listed, all pages together (one query)."""
    return tranches.order_by().aggregate(total=Sum("amount"))["total"] or Decimal("0")


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
    """The sections of the work list, each a query the page paginates."""

    to_review: QuerySet[MonitoringReport]
    overdue: QuerySet[MonitoringReport]
    at_risk: QuerySet[Project]


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


def reviewer_queue(*, projects: QuerySet[Project], now: datetime.datetime | None = None) -> Queue:
    """A consultant's (or finance officer's) work across ``projects`` (``reviewed_projects``,
    filtered by ``filters.WorkListFilter``): the reports waiting longest first, the most overdue
    first, the projects ending first. Nothing is read until a page of a section is (two queries
    now, for the zones of the due dates)."""
    reports = MonitoringReport.objects.filter(project__in=projects.values("pk")).select_related(
        "project__organization", "project__municipality"
    )
    return Queue(
        to_review=reports.filter(state=MonitoringReport.State.SUBMITTED).order_by("submitted_at", "pk"),
        overdue=reports.overdue(now).order_by("due_date", "pk"),
        at_risk=at_risk(projects, now).order_by("end_date", "contract_number", "pk"),
    )


def reports_by_pk(pks: list[int]) -> list[MonitoringReport]:
    """These reports, in this order, as the work list shows them: a page of a section read once,
    as the ids (``reviewer_queue``)."""
    order = {pk: position for position, pk in enumerate(pks)}
    reports = MonitoringReport.objects.filter(pk__in=pks).select_related(
        "project__organization", "project__municipality"
    )
    return sorted(reports, key=lambda report: order[report.pk])


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
    def returned(self) -> bool:
        """Sent back for a revision: submitted in time once, it waits for the organization again."""
        return self.report.state == MonitoringReport.State.REVISION_REQUESTED

    @property
    def overdue(self) -> bool:
        """Past the due date and never submitted (``MonitoringReport.objects.overdue``)."""
        return not self.returned and self.days_left < 0

    @property
    def days_late(self) -> int:
        return -self.days_left


@dataclass(frozen=True)
class MemberReports:
    soon: list[DueReport]  # the first of those overdue, sent back, or due within ``HORIZON_DAYS``
    more: int  # those beyond ``soon`` that need work now as well
    later: int  # drafts due after that


# Reports due further ahead than this are counted on the home page, not listed.
HORIZON_DAYS = 30
# The home page lists this many of the reports that need work now; "My reports" lists them all.
HOME_LIMIT = 5


def member_reports(
    *, user: User, now: datetime.datetime | None = None, limit: int = HOME_LIMIT
) -> MemberReports:
    """An organization member's reports to submit: the first ``limit`` of those that need work now,
    how many more do, and how many come later (two queries, whatever the number of reports)."""
    reports = reports_due_for_member(user=user)
    horizon = (timezone.localdate(now) if now else timezone.localdate()) + datetime.timedelta(
        days=HORIZON_DAYS
    )
    needs_work = Q(state=MonitoringReport.State.REVISION_REQUESTED) | Q(due_date__lte=horizon)
    soon = [
        DueReport(
            report=report,
            days_left=(report.due_date - local_today(report.project.municipality.time_zone, now)).days,
        )
        for report in reports.filter(needs_work)[:limit]
    ]
    counts = reports.order_by().aggregate(
        now=Count("pk", filter=needs_work), later=Count("pk", filter=~needs_work)
    )
    return MemberReports(soon=soon, more=counts["now"] - len(soon), later=counts["later"])


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


def latest_accepted_values(project: Project) -> dict[int, Decimal]:
    """Each indicator's value in the most recent accepted report that has one (one query): what
    the public page shows as reached."""
    latest: dict[int, Decimal] = {}
    for value in (
        IndicatorValue.objects.filter(
            indicator__project=project, report__state=MonitoringReport.State.ACCEPTED
        )
        .order_by("report__number")
        .values("indicator_id", "value")
    ):
        latest[value["indicator_id"]] = value["value"]
    return latest


def project_public(*, pk: int) -> Project | None:
    """A project as anyone may read it (any state): its organization, competition, budget and
    indicators, its paid tranches (``paid_tranches``) and its accepted reports
    (``accepted_reports``), and nothing else of its reports (five queries)."""
    return (
        Project.objects.select_related("organization", "municipality", "award__competition")
        .prefetch_related(
            "budget_lines",
            "indicators",
            Prefetch(
                "tranches",
                queryset=PaymentTranche.objects.filter(paid_on__isnull=False).order_by("number"),
                to_attr="paid_tranches",
            ),
            Prefetch(
                "reports",
                queryset=MonitoringReport.objects.filter(state=MonitoringReport.State.ACCEPTED).order_by(
                    "number"
                ),
                to_attr="accepted_reports",
            ),
        )
        .filter(pk=pk)
        .first()
    )


def latest_projects(*, limit: int) -> list[Project]:
    """The latest contracted projects of every municipality, for the home page (one query)."""
    return list(
        Project.objects.select_related("organization", "municipality").order_by("-contract_date", "-pk")[
            :limit
        ]
    )
