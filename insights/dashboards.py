"""The dashboards: the figures of a municipality or of the portal (``insights.figures``) as key
figures and charts (``ssp_portal.charts``).

Everyone sees the public dashboard: money by year and by priority issue (by municipality for the
portal), applications per competition whose deadline has passed, projects by state. Those who read
the municipality's work (its finance staff, auditors and consultants, the administrators) also see
the reports on time, late and overdue. Each part is a fixed number of queries, whatever the data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from insights import figures
from insights.figures import Money, MoneyFigures, Scope
from ssp_portal.charts import Chart, Series

# The measures as the charts name them, in the order of figures.MEASURES.
# (A context of their own: "Awarded" alone is the state of an application.)
MEASURE_NAMES = {
    "allocated": pgettext_lazy("money measure", "Allocated"),
    "awarded": pgettext_lazy("money measure", "Awarded"),
    "contracted": pgettext_lazy("money measure", "Contracted"),
    "disbursed": pgettext_lazy("money measure", "Disbursed"),
    "reported": pgettext_lazy("money measure", "Reported spending"),
}
# How much height each bar of a horizontal chart needs, and what its axis, title and legend take.
BAR_HEIGHT = 14
CHART_FRAME = 150
# The most groups (priority issues, municipalities) a chart of money shows one by one.
GROUP_LIMIT = 10


@dataclass(frozen=True)
class KeyFigure:
    """One card above the charts: what it counts and its value (soms when ``money``)."""

    key: str
    label: str | Promise
    value: Decimal | int
    money: bool = True


@dataclass
class Dashboard:
    """What a dashboard page shows: its key figures and its charts, in order."""

    scope: Scope
    money: MoneyFigures
    key_figures: list[KeyFigure] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


def _height(labels: int, series: int) -> int:
    """A horizontal chart tall enough that its bars and labels do not touch."""
    return max(320, CHART_FRAME + labels * max(series, 1) * BAR_HEIGHT + labels * 8)


def money_by_year_chart(money: MoneyFigures) -> Chart:
    return Chart(
        "money-by-year",
        _("Money by year, soms"),
        [row.label for row in money.by_year],
        [Series(MEASURE_NAMES[m], [getattr(row, m) for row in money.by_year]) for m in figures.MEASURES],
        money=True,
        label_header=_("Year"),
        note=_("Each year is the year of the competition the money came from."),
        height=400,
    )


def _grouped_rows(rows: list[Money]) -> list[Money]:
    """The groups with the most money allocated, the others summed in one row: a chart of fifty
    municipalities would be taller than any screen."""
    if len(rows) <= GROUP_LIMIT:
        return rows
    rest = rows[GROUP_LIMIT - 1 :]
    others = Money(gettext("Others (%(count)d)") % {"count": len(rest)})
    for row in rest:
        for measure in figures.MEASURES:
            others.add(measure, getattr(row, measure))
    return [*rows[: GROUP_LIMIT - 1], others]


def money_by_group_chart(money: MoneyFigures, *, portal: bool) -> Chart:
    rows = _grouped_rows(money.by_group)
    return Chart(
        "money-by-municipality" if portal else "money-by-priority-issue",
        _("Money by municipality, soms") if portal else _("Money by priority issue, soms"),
        [row.label for row in rows],
        [Series(MEASURE_NAMES[m], [getattr(row, m) for row in rows]) for m in figures.MEASURES],
        kind="hbar",
        money=True,
        label_header=_("Municipality") if portal else _("Priority issue"),
        height=_height(len(rows), len(figures.MEASURES)),
    )


def _competition_label(competition) -> str:
    """The reference and the title (the drawing cuts it short; the table writes it whole)."""
    return f"{competition.reference} {competition.title}"


def applications_chart(scope: Scope) -> Chart:
    rows = figures.applications_per_competition(scope)
    return Chart(
        "applications",
        _("Applications per competition"),
        [_competition_label(row.competition) for row in rows],
        [Series(_("Applications"), [row.applications for row in rows])],
        kind="hbar",
        label_header=_("Competition"),
        note=_("Competitions whose deadline has passed: before it, the number of applications is sealed."),
        height=_height(len(rows), 1),
    )


def projects_chart(states: list[tuple[str, str, int]]) -> Chart:
    return Chart(
        "projects-by-state",
        _("Projects by state"),
        [label for _state, label, _count in states],
        [Series(_("Projects"), [count for _state, _label, count in states])],
        kind="pie",
        label_header=_("State"),
    )


def timeliness_chart(scope: Scope) -> Chart:
    rows = figures.report_timeliness(scope)
    return Chart(
        "report-timeliness",
        _("Monitoring reports by the year they were due"),
        [str(row.year) for row in rows],
        [
            Series(_("On time"), [row.on_time for row in rows]),
            Series(_("Late"), [row.late for row in rows]),
            Series(_("Overdue now"), [row.overdue for row in rows]),
        ],
        label_header=_("Year due"),
        note=_("On time: first submitted by the due date. Late: after it. Overdue: not submitted yet."),
    )


def key_figures(money: MoneyFigures, projects: int) -> list[KeyFigure]:
    total = money.total
    return [
        KeyFigure("allocated", MEASURE_NAMES["allocated"], total.allocated),
        KeyFigure("awarded", MEASURE_NAMES["awarded"], total.awarded),
        KeyFigure("disbursed", MEASURE_NAMES["disbursed"], total.disbursed),
        KeyFigure("reported", MEASURE_NAMES["reported"], total.reported),
        KeyFigure("projects", _("Projects"), projects, money=False),
    ]


def dashboard(scope: Scope, *, staff: bool = False) -> Dashboard:
    """The dashboard of ``scope``; with ``staff``, the reports' timeliness too. Eight queries, and
    three more for the timeliness."""
    money = figures.money(scope)
    states = figures.projects_by_state(scope)
    portal = scope.municipality is None
    charts = [
        money_by_year_chart(money),
        money_by_group_chart(money, portal=portal),
        applications_chart(scope),
        projects_chart(states),
    ]
    if staff:
        charts.append(timeliness_chart(scope))
    return Dashboard(
        scope=scope,
        money=money,
        key_figures=key_figures(money, sum(count for _state, _label, count in states)),
        charts=charts,
    )
