"""Spending against the approved budget: arithmetic over expenditures, in a few queries."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from monitoring.models import Expenditure, MonitoringReport, Project, ProjectBudgetLine

COUNTED = (
    MonitoringReport.State.SUBMITTED,
    MonitoringReport.State.REVISION_REQUESTED,
    MonitoringReport.State.ACCEPTED,
)


@dataclass(frozen=True)
class LineSpend:
    line: ProjectBudgetLine
    in_period: Decimal  # this report's amount (0 where none is entered)
    before: Decimal  # earlier reports
    explanation: str = ""
    entered: bool = True  # whether this report has an amount for the line (0 is an amount)

    @property
    def cumulative(self) -> Decimal:
        return self.before + self.in_period

    @property
    def remaining(self) -> Decimal:
        return self.line.approved_amount - self.cumulative

    @property
    def overspent(self) -> bool:
        """The line's spending up to this report is above its approved amount."""
        return self.cumulative > self.line.approved_amount

    @property
    def needs_explanation(self) -> bool:
        """This report's spending takes the line above its approved amount, or further above it.

        A report that adds nothing (0, or no amount) to a line already over needs no explanation:
        the overspend was explained in the report that made it.
        """
        return self.in_period > 0 and self.overspent


def spend_for_report(
    report: MonitoringReport, amounts: dict[int, Decimal | None] | None = None
) -> list[LineSpend]:
    """Each approved line with this report's spending and the cumulative spending up to it.

    Earlier reports count once submitted (whatever their review); ``amounts`` replaces this
    report's stored amounts (a form being checked), None for a line left empty.
    """
    lines = list(report.project.budget_lines.all())
    earlier = dict(
        Expenditure.objects.filter(
            report__project=report.project, report__number__lt=report.number, report__state__in=COUNTED
        )
        .values("budget_line")
        .annotate(total=Sum("amount"))
        .values_list("budget_line", "total")
    )
    stored = {e.budget_line_id: e for e in report.expenditures.all()}
    rows = []
    for line in lines:
        own = stored.get(line.pk)
        amount = amounts[line.pk] if amounts is not None and line.pk in amounts else (own and own.amount)
        rows.append(
            LineSpend(
                line=line,
                in_period=Decimal("0") if amount is None else amount,
                before=earlier.get(line.pk) or Decimal("0"),
                explanation=own.explanation if own else "",
                entered=amount is not None,
            )
        )
    return rows


@dataclass(frozen=True)
class SpendTotals:
    approved: Decimal
    before: Decimal
    in_period: Decimal
    cumulative: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.approved - self.cumulative


def spend_totals(rows: list[LineSpend]) -> SpendTotals:
    """The running sums of a report's spending table."""
    zero = Decimal("0")
    return SpendTotals(
        approved=sum((row.line.approved_amount for row in rows), zero),
        before=sum((row.before for row in rows), zero),
        in_period=sum((row.in_period for row in rows), zero),
        cumulative=sum((row.cumulative for row in rows), zero),
    )


def overspent_projects(projects: list[Project]) -> set[int]:
    """Projects with a line whose reported spending is above its approved amount (two queries).

    Reports count once submitted, as in the cumulative spending the reviewer sees."""
    spent = (
        Expenditure.objects.filter(report__project__in=projects, report__state__in=COUNTED)
        .values("budget_line")
        .annotate(total=Sum("amount"))
        .values_list("budget_line", "total")
    )
    spent = dict(spent)
    over = set()
    for line in ProjectBudgetLine.objects.filter(project__in=projects, pk__in=list(spent)):
        if spent[line.pk] > line.approved_amount:
            over.add(line.project_id)
    return over


def spent_by_line(project: Project, states: tuple[str, ...] = COUNTED) -> dict[int, Decimal]:
    """Each approved line's spending in the project's reports in ``states`` (one query): what
    the staff count (``COUNTED``), or the accepted reports only, as the public sees them."""
    return dict(
        Expenditure.objects.filter(report__project=project, report__state__in=states)
        .order_by()
        .values("budget_line")
        .annotate(total=Sum("amount"))
        .values_list("budget_line", "total")
    )
