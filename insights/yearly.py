"""What a municipality's yearly report says: the competitions of one calendar year (the year of
their reference, as in ``insights.figures``), who applied and won, what was contracted, paid and
reported, and what the projects reached, with the charts of ``insights.figures``.

Everything here is public by the portal's rules: drafts and cancelled competitions are left out,
a competition's applicants are counted only once its deadline has passed (before it they are
sealed), and applicants are named only for completed competitions, whose results are public.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insights import figures
from insights.figures import ANNOUNCED, COUNTED_APPLICATIONS, Scope
from insights.models import YearlyReport
from monitoring.models import (
    Expenditure,
    Indicator,
    IndicatorValue,
    MonitoringReport,
    PaymentTranche,
    Project,
)
from organizations.models import Municipality
from procurement.models import Application, Award, Competition
from ssp_portal.charts import Chart, Series

MONEY = DecimalField(max_digits=14, decimal_places=2)


def report_for(municipality: Municipality, year: int) -> YearlyReport | None:
    """The report of a year with announced competitions (created the first time it is asked
    for), or None for a year with none: there is nothing to report on."""
    if year not in figures.years_with_figures(Scope(municipality)):
        return None
    report, _created = YearlyReport.objects.get_or_create(municipality=municipality, year=year)
    return report


@dataclass(frozen=True)
class CompetitionRow:
    competition: Competition
    # None while the deadline has not passed: the number of applicants is sealed until then.
    applicants: int | None

    @property
    def state_label(self) -> str:
        """The state as reads see it (past its deadline, a published competition is closed)."""
        return str(Competition.State(self.competition.current_state).label)


def competitions(scope: Scope) -> list[CompetitionRow]:
    """The competitions announced in the year (drafts and cancelled ones left out), in the
    order of their numbers, with their applicants once the deadline has passed: one query."""
    now = timezone.now()
    rows = (
        Competition.objects.filter(scope.competitions(), state__in=ANNOUNCED)
        .select_related("priority_issue", "municipality")
        .annotate(counted=Count("applications", filter=Q(applications__state__in=COUNTED_APPLICATIONS)))
        .order_by("sequence")
    )
    return [CompetitionRow(one, one.counted if one.deadline <= now else None) for one in rows]


def applicants(scope: Scope) -> QuerySet[Application]:
    """The organizations that applied to the year's completed competitions, with their outcome."""
    return (
        Application.objects.filter(
            scope.competitions("competition__"),
            competition__state=Competition.State.COMPLETED,
            state__in=COUNTED_APPLICATIONS,
        )
        .select_related("organization", "competition")
        .order_by("competition__sequence", "organization__name", "pk")
    )


def awards(scope: Scope) -> QuerySet[Award]:
    """The grants of the year's completed competitions, with their project once contracted."""
    return (
        Award.objects.filter(
            scope.competitions("competition__"), competition__state=Competition.State.COMPLETED
        )
        .select_related("application__organization", "competition", "project")
        .order_by("competition__sequence", "rank")
    )


def _sum(rows: QuerySet, **outer: str) -> Coalesce:
    """A subquery summing ``amount`` of ``rows`` for each project (joins would multiply rows)."""
    total = rows.filter(**{key: OuterRef(value) for key, value in outer.items()}).order_by().values(*outer)
    return Coalesce(
        Subquery(total.annotate(total=Sum("amount")).values("total")), Value(Decimal("0")), output_field=MONEY
    )


def projects(scope: Scope) -> QuerySet[Project]:
    """The projects of the year's competitions with what was paid (tranches) and what accepted
    reports say was spent: one query."""
    paid = PaymentTranche.objects.filter(paid_on__isnull=False)
    spent = Expenditure.objects.filter(report__state=MonitoringReport.State.ACCEPTED)
    return (
        Project.objects.filter(scope.competitions("award__competition__"))
        .select_related("organization", "award__competition")
        .annotate(disbursed=_sum(paid, project="pk"), reported=_sum(spent, report__project="pk"))
        .order_by("award__competition__sequence", "award__rank")
    )


def indicators(scope: Scope) -> QuerySet[Indicator]:
    """The indicators of the year's projects with the value of the latest accepted report."""
    latest = (
        IndicatorValue.objects.filter(indicator=OuterRef("pk"), report__state=MonitoringReport.State.ACCEPTED)
        .order_by("-report__period_end", "-report__number")
        .values("value")[:1]
    )
    return (
        Indicator.objects.filter(scope.competitions("project__award__competition__"))
        .select_related("project")
        .annotate(latest=Subquery(latest, output_field=MONEY))
        .order_by("project__award__competition__sequence", "project__award__rank", "position", "pk")
    )


MEASURE_NAMES = {
    "allocated": _("Allocated"),
    "awarded": _("Awarded"),
    "contracted": _("Contracted"),
    "disbursed": _("Disbursed"),
    "reported": _("Reported spending"),
}


def money_chart(year: int, total: figures.Money) -> Chart:
    """The year's money from the budgets announced to the spending reported: a bar each, named
    in the legend (five long names do not fit under the bars of a page's width)."""
    return Chart(
        "money",
        _("The year's money (soms)"),
        [str(year)],
        [Series(MEASURE_NAMES[measure], [getattr(total, measure)]) for measure in figures.MEASURES],
        money=True,
        label_header=_("Year"),
        height=440,
        note=_(
            "Allocated: the budgets of the competitions announced in the year. Awarded: the grants "
            "of its completed competitions. Disbursed: tranches paid. Reported spending: what "
            "accepted reports say was spent."
        ),
    )


def applications_chart(scope: Scope) -> Chart:
    """Applicants per competition whose deadline has passed (``figures.applications_per_competition``)."""
    rows = list(reversed(figures.applications_per_competition(scope)))
    return Chart(
        "applications",
        _("Applicants per competition"),
        [row.competition.reference for row in rows],
        [Series(_("Applicants"), [row.applications for row in rows])],
        kind="hbar",
        label_header=_("Competition"),
        height=max(200, 120 + 40 * len(rows)),
    )


def projects_chart(scope: Scope) -> Chart:
    """The year's projects by state (``figures.projects_by_state``), the empty states left out;
    bars, not a pie: a pie of one state is no picture."""
    rows = [(label, count) for _state, label, count in figures.projects_by_state(scope) if count]
    return Chart(
        "projects",
        _("Projects by state"),
        [label for label, _count in rows],
        [Series(_("Projects"), [count for _label, count in rows])],
        kind="hbar",
        label_header=_("State"),
        height=max(200, 120 + 40 * len(rows)),
    )
