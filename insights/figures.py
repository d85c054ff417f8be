"""The figures of a municipality or of the portal: where the money went and how the work goes.

Every figure is public by the portal's rules, so the same numbers serve the public dashboards,
the staff's, the yearly report and their CSVs:

- **allocated**: the budgets of announced competitions (published and after; drafts and
  cancelled competitions count nothing);
- **awarded**: the grants of completed competitions (results are final and public only then);
- **contracted**: the amounts of the grant agreements (projects);
- **disbursed**: the tranches paid;
- **reported**: the spending in accepted monitoring reports (what a reviewer has checked).

Money is grouped by the competition it came from: its year (the year of its reference number,
when it was announced) and its priority issue, so that one year's allocation can be followed to
what was paid and spent. Each measure is one grouped query, whatever the size of the data.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Case, Count, F, OuterRef, Q, QuerySet, Subquery, Sum, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from monitoring.models import Expenditure, MonitoringReport, PaymentTranche, Project, ReportRound
from organizations.models import Municipality
from procurement.models import Application, Award, Competition, PriorityIssue

ZERO = Decimal("0")
MEASURES = ("allocated", "awarded", "contracted", "disbursed", "reported")
# Competitions whose budget is allocated: announced and not cancelled.
ANNOUNCED = [
    Competition.State.PUBLISHED,
    Competition.State.CLOSED,
    Competition.State.EVALUATION,
    Competition.State.COMPLETED,
]
# Applications that were submitted in time and stayed in the competition.
COUNTED_APPLICATIONS = [
    Application.State.SUBMITTED,
    Application.State.ELIGIBLE,
    Application.State.INELIGIBLE,
    Application.State.AWARDED,
    Application.State.NOT_AWARDED,
]


@dataclass(frozen=True)
class Scope:
    """What the figures cover: one municipality or every one (``None``), one year or all."""

    municipality: Municipality | None = None
    year: int | None = None

    def competitions(self, prefix: str = "") -> Q:
        """The condition on competitions, seen from a model ``prefix`` away (``"competition__"``)."""
        condition = Q()
        if self.municipality is not None:
            condition &= Q(**{f"{prefix}municipality": self.municipality})
        if self.year is not None:
            condition &= Q(**{f"{prefix}year": self.year})
        return condition


@dataclass
class Money:
    """The five measures of one group (a year, a priority issue, a municipality, or all)."""

    label: str
    allocated: Decimal = ZERO
    awarded: Decimal = ZERO
    contracted: Decimal = ZERO
    disbursed: Decimal = ZERO
    reported: Decimal = ZERO
    key: object = None

    def add(self, measure: str, amount: Decimal | None) -> None:
        setattr(self, measure, getattr(self, measure) + (amount or ZERO))


@dataclass
class MoneyFigures:
    """The measures by year, by group (priority issue, or municipality for the portal) and in all."""

    by_year: list[Money] = field(default_factory=list)
    by_group: list[Money] = field(default_factory=list)
    total: Money = field(default_factory=lambda: Money(""))


# Each measure: its rows, the path from them to their competition, and the amount summed.
def _measure_rows(scope: Scope) -> dict[str, tuple[QuerySet, str, str]]:
    completed = Competition.State.COMPLETED
    return {
        "allocated": (Competition.objects.filter(scope.competitions(), state__in=ANNOUNCED), "", "budget"),
        "awarded": (
            Award.objects.filter(scope.competitions("competition__"), competition__state=completed),
            "competition__",
            "amount",
        ),
        "contracted": (
            Project.objects.filter(scope.competitions("award__competition__")),
            "award__competition__",
            "amount",
        ),
        "disbursed": (
            PaymentTranche.objects.filter(
                scope.competitions("project__award__competition__"), paid_on__isnull=False
            ),
            "project__award__competition__",
            "amount",
        ),
        "reported": (
            Expenditure.objects.filter(
                scope.competitions("report__project__award__competition__"),
                report__state=MonitoringReport.State.ACCEPTED,
            ),
            "report__project__award__competition__",
            "amount",
        ),
    }


def _grouped(scope: Scope, by: str) -> Iterable[tuple[str, int, object, Decimal]]:
    """(measure, year, group key, amount) for every measure: one query each."""
    for measure, (rows, prefix, amount) in _measure_rows(scope).items():
        grouped = (
            rows.order_by()
            .values(money_year=F(f"{prefix}year"), money_group=F(f"{prefix}{by}"))
            .annotate(total=Sum(amount))
            .values_list("money_year", "money_group", "total")
        )
        for year, group, total in grouped:
            yield measure, year, group, total


def money(scope: Scope) -> MoneyFigures:
    """The money by year, by priority issue (by municipality when the scope is the portal) and
    in all: five grouped queries and one for the groups' names."""
    by = "municipality" if scope.municipality is None else "priority_issue"
    years: dict[int, Money] = {}
    groups: dict[object, Money] = {}
    figures = MoneyFigures()
    for measure, year, group, total in _grouped(scope, by):
        years.setdefault(year, Money(str(year), key=year)).add(measure, total)
        groups.setdefault(group, Money("", key=group)).add(measure, total)
        figures.total.add(measure, total)
    names = _group_names(by, list(groups))
    for key, row in groups.items():
        row.label = names.get(key, "")
    figures.by_year = [years[year] for year in sorted(years)]
    figures.by_group = sorted(groups.values(), key=lambda row: (-row.allocated, row.label))
    return figures


def _group_names(by: str, keys: list) -> dict[object, str]:
    """The names of the groups, in the reader's language (a priority issue's translated title)."""
    if not keys:
        return {}
    if by == "municipality":
        return {one.pk: one.name for one in Municipality.objects.filter(pk__in=keys)}
    return {one.pk: one.title for one in PriorityIssue.objects.filter(pk__in=keys)}


@dataclass(frozen=True)
class CompetitionApplications:
    competition: Competition
    applications: int


def applications_per_competition(scope: Scope, *, limit: int = 12) -> list[CompetitionApplications]:
    """How many organizations applied to each of the latest competitions whose deadline has passed
    (before it, the number is sealed), newest first: one query."""
    now = timezone.now()
    competitions = (
        Competition.objects.filter(scope.competitions(), state__in=ANNOUNCED, deadline__lte=now)
        .select_related("municipality")
        .annotate(counted=Count("applications", filter=Q(applications__state__in=COUNTED_APPLICATIONS)))
        .order_by("-deadline", "-pk")[:limit]
    )
    return [CompetitionApplications(one, one.counted) for one in competitions]


def projects_by_state(scope: Scope) -> list[tuple[str, str, int]]:
    """(state, its name, count) for every state of a project, zeros included: one query."""
    counts = dict(
        Project.objects.filter(scope.competitions("award__competition__"))
        .order_by()
        .values_list("state")
        .annotate(count=Count("pk"))
        .values_list("state", "count")
    )
    return [(state, str(label), counts.get(state, 0)) for state, label in Project.State.choices]


@dataclass
class Timeliness:
    """Reports of one year (of their due date): submitted on time, late, and overdue now."""

    year: int
    on_time: int = 0
    late: int = 0
    overdue: int = 0


def _first_submitted_on(zones: Iterable[str]) -> Case:
    """The local date of a report's first submission, in its municipality's zone."""
    return Case(
        *[
            When(
                project__municipality__time_zone=zone,
                then=TruncDate("first_submitted", tzinfo=ZoneInfo(zone)),
            )
            for zone in zones
        ],
        default=TruncDate("first_submitted"),
    )


def report_timeliness(scope: Scope, now: datetime.datetime | None = None) -> list[Timeliness]:
    """Reports that were due, by the year of their due date: first submitted by the due date (in
    the municipality's zone), after it, or not yet and overdue now. Three queries."""
    reports = MonitoringReport.objects.filter(scope.competitions("project__award__competition__"))
    zones = list(Municipality.objects.order_by().values_list("time_zone", flat=True).distinct())
    first_round = (
        ReportRound.objects.filter(report=OuterRef("pk")).order_by("number").values("submitted_at")[:1]
    )
    submitted = (
        reports.annotate(first_submitted=Subquery(first_round))
        .filter(first_submitted__isnull=False)
        .annotate(submitted_on=_first_submitted_on(zones))
        .order_by()
        .values_list("due_date__year")
        .annotate(
            on_time=Count("pk", filter=Q(submitted_on__lte=F("due_date"))),
            late=Count("pk", filter=Q(submitted_on__gt=F("due_date"))),
        )
        .values_list("due_date__year", "on_time", "late")
    )
    years = {year: Timeliness(year, on_time=on_time, late=late) for year, on_time, late in submitted}
    overdue = (
        reports.filter(rounds__isnull=True)
        .overdue(now)
        .order_by()
        .values_list("due_date__year")
        .annotate(count=Count("pk"))
        .values_list("due_date__year", "count")
    )
    for year, count in overdue:
        years.setdefault(year, Timeliness(year)).overdue = count
    return [years[year] for year in sorted(years)]


def years_with_figures(scope: Scope) -> list[int]:
    """The years of announced competitions in the scope's municipality (for a year filter)."""
    municipal = Scope(municipality=scope.municipality)
    return sorted(
        Competition.objects.filter(municipal.competitions(), state__in=ANNOUNCED)
        .order_by()
        .values_list("year", flat=True)
        .distinct(),
        reverse=True,
    )
