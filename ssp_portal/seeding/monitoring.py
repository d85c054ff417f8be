"""Projects of the awards, in every state, with their approved budgets, indicators, reports in
every state (and their review rounds, values and spending) and tranches that add up to the
awarded amount, paid once their report is accepted.

A project whose final report was due over a month ago is mostly completed (every report
accepted); one still running is mostly active. A report not yet due is a draft; one past its
due date was submitted, reviewed or is overdue. A review takes four days, so a report submitted
less than that ago still waits for its reviewer.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.utils import translation

from monitoring.models import (
    Expenditure,
    Indicator,
    IndicatorValue,
    MonitoringReport,
    PaymentTranche,
    Project,
    ProjectBudgetLine,
    ReportRound,
)
from monitoring.services.projects import REPORT_DUE_DAYS
from monitoring.services.reports import NARRATIVE
from procurement.models import Award, BudgetLine
from ssp_portal.seeding.plan import allocate
from ssp_portal.seeding.texts import INDICATORS, REPORT_NARRATIVE, REVIEW_ANSWER, REVIEW_COMMENT
from ssp_portal.seeding.world import Bench, bulk, local, utc

PState, RState = Project.State, MonitoringReport.State
FINISHED_MIX = {PState.COMPLETED: 80, PState.TERMINATED: 8, PState.SUSPENDED: 4, PState.ACTIVE: 8}
RUNNING_MIX = {PState.ACTIVE: 85, PState.SUSPENDED: 10, PState.TERMINATED: 5}
DUE_MIX = {RState.ACCEPTED: 70, RState.REVISION_REQUESTED: 10, RState.SUBMITTED: 10, RState.DRAFT: 10}
REVIEW_TAKES = datetime.timedelta(days=4)
CENT = Decimal("0.01")
Decision = ReportRound.Decision


@dataclass
class Contract:
    """A project being seeded and its rows."""

    project: Project
    award: Award
    lines: list[ProjectBudgetLine] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    reports: list[MonitoringReport] = field(default_factory=list)


def _project(bench: Bench, award: Award) -> Project:
    competition, application = award.competition, award.application
    signed = competition.completed_at + datetime.timedelta(days=5)
    return Project(
        award=award,
        municipality=competition.municipality,
        organization=application.organization,
        title=application.project_title,
        contract_number=f"{competition.reference}/{award.rank}",
        contract_date=signed.date(),
        amount=award.amount,
        start_date=competition.project_start,
        end_date=competition.project_end,
        created_at=signed,
        created_by=bench.staff[competition.municipality_id],
    )


def _finished(bench: Bench, project: Project) -> bool:
    return project.end_date + datetime.timedelta(days=REPORT_DUE_DAYS + 30) < bench.today


def _states(bench: Bench, projects: list[Project]) -> None:
    """Each project's state by its age; every state at least once."""
    for project in projects:
        mix = FINISHED_MIX if _finished(bench, project) else RUNNING_MIX
        project.state = bench.rng.choices(list(mix), weights=list(mix.values()))[0]
    for state in PState.values:
        groups = Counter(project.state for project in projects)
        if groups[state]:
            continue
        donors = [
            p for p in projects if groups[p.state] > 1 and (state != PState.COMPLETED or _finished(bench, p))
        ]
        if donors:
            donors[-1].state = state
    for project in projects:
        if project.state in (PState.SUSPENDED, PState.TERMINATED):
            project.state_reason = "The organization did not keep to the agreement's schedule."
            project.state_changed_at = utc(bench.now - bench.days(3, 30))


def _approved_lines(contract: Contract) -> list[ProjectBudgetLine]:
    lines = sorted(contract.award.application.seeded_lines, key=lambda line: line.position)
    with translation.override("en"):
        return [
            ProjectBudgetLine(
                project=contract.project,
                position=i,
                category=line.category,
                category_label=str(BudgetLine.Category(line.category).label),
                description=line.description,
                approved_amount=line.total,
            )
            for i, line in enumerate(lines)
        ]


def _indicators(contract: Contract) -> list[Indicator]:
    return [
        Indicator(
            project=contract.project,
            position=i,
            name=name,
            unit=unit,
            kind=kind,
            baseline=Decimal(0),
            target=Decimal(80 if kind == Indicator.Kind.PERCENT else 100),
        )
        for i, (name, unit, kind) in enumerate(INDICATORS)
    ]


def _periods(
    start: datetime.date, end: datetime.date, count: int
) -> list[tuple[datetime.date, datetime.date]]:
    days = (end - start).days + 1
    bounds = [start + datetime.timedelta(days=round(i * days / count)) for i in range(count + 1)]
    return [(bounds[i], bounds[i + 1] - datetime.timedelta(days=1)) for i in range(count)]


def _schedule(contract: Contract, count: int) -> None:
    project = contract.project
    periods = _periods(project.start_date, project.end_date, count)
    contract.reports = [
        MonitoringReport(
            project=project,
            number=number,
            kind=MonitoringReport.Kind.FINAL if number == count else MonitoringReport.Kind.INTERIM,
            period_start=period_start,
            period_end=period_end,
            due_date=period_end + datetime.timedelta(days=REPORT_DUE_DAYS),
            updated_at=project.created_at,
        )
        for number, (period_start, period_end) in enumerate(periods, start=1)
    ]


def _report_state(bench: Bench, project: Project, report: MonitoringReport) -> str:
    """Accepted in a completed project; a draft until due (or once its project stopped);
    after that by ``DUE_MIX``, a review not yet four days old still waiting."""
    if project.state == PState.COMPLETED:
        return RState.ACCEPTED
    stopped = project.state_changed_at and report.period_end >= project.state_changed_at.date()
    if report.due_date >= bench.today or stopped:
        return RState.DRAFT
    state = bench.rng.choices(list(DUE_MIX), weights=list(DUE_MIX.values()))[0]
    reviewed = _submitted_at(bench, report) + REVIEW_TAKES
    if state in (RState.ACCEPTED, RState.REVISION_REQUESTED) and reviewed > bench.now:
        return RState.SUBMITTED
    return state


def _submitted_at(bench: Bench, report: MonitoringReport) -> datetime.datetime:
    return min(
        local(report.due_date - datetime.timedelta(days=3), 11), utc(bench.now - datetime.timedelta(hours=1))
    )


@dataclass
class Written:
    """The rows a submitted report brings."""

    values: list[IndicatorValue] = field(default_factory=list)
    spending: list[Expenditure] = field(default_factory=list)
    rounds: list[ReportRound] = field(default_factory=list)


def _write(contract: Contract, report: MonitoringReport, written: Written) -> tuple[list, list]:
    """The narrative, the indicators' values and the spending of a submitted report."""
    count = len(contract.reports)
    for name, text in REPORT_NARRATIVE.items():
        setattr(report, name, text)
    report.beneficiaries_reached = 10 * report.number
    values = [
        IndicatorValue(
            report=report,
            indicator=indicator,
            value=(indicator.target * report.number / count).quantize(CENT, ROUND_DOWN),
        )
        for indicator in contract.indicators
    ]
    spending = [
        Expenditure(
            report=report, budget_line=line, amount=(line.approved_amount / count).quantize(CENT, ROUND_DOWN)
        )
        for line in contract.lines
    ]
    written.values += values
    written.spending += spending
    return values, spending


def _snapshot(report: MonitoringReport, values: list, spending: list) -> dict:
    """What ``monitoring.services.reports._snapshot`` keeps of a submission."""
    return {
        "narrative": {name: str(getattr(report, name) or "") for name in NARRATIVE},
        "indicators": {value.indicator.name: str(value.value) for value in values},
        "expenditure": [
            {
                "line_id": row.budget_line.pk,
                "line": row.budget_line.description,
                "amount": str(row.amount),
                "explanation": "",
                "overspent": False,
            }
            for row in spending
        ],
        "attachments": [],
    }


def _round(report, number, submitted, by, snapshot, reviewer=None, decision="") -> ReportRound:
    revised = decision == Decision.REVISION_REQUESTED
    return ReportRound(
        report=report,
        number=number,
        submitted_at=submitted,
        submitted_by=by,
        snapshot=snapshot,
        reviewed_at=submitted + REVIEW_TAKES if decision else None,
        reviewer=reviewer if decision else None,
        decision=decision,
        comments=REVIEW_COMMENT if revised else {},
    )


def _review(bench: Bench, contract: Contract, report: MonitoringReport, written: Written) -> None:
    """The rounds of a submitted report: some were sent back once and submitted again."""
    values, spending = _write(contract, report, written)
    snapshot = _snapshot(report, values, spending)
    project = contract.project
    member = bench.members[project.organization_id]
    reviewer = bench.consultants[project.municipality_id]
    submitted = _submitted_at(bench, report)
    again = report.state != RState.REVISION_REQUESTED and report.number % 3 == 0
    rounds = []
    if again:
        first = _round(
            report,
            1,
            submitted - datetime.timedelta(days=6),
            member,
            snapshot,
            reviewer,
            Decision.REVISION_REQUESTED,
        )
        first.answers = REVIEW_ANSWER
        rounds.append(first)
    decision = {RState.ACCEPTED: Decision.ACCEPTED, RState.REVISION_REQUESTED: Decision.REVISION_REQUESTED}
    rounds.append(
        _round(report, len(rounds) + 1, submitted, member, snapshot, reviewer, decision.get(report.state, ""))
    )
    report.submitted_at = submitted
    report.accepted_at = rounds[-1].reviewed_at if report.state == RState.ACCEPTED else None
    report.updated_at = rounds[-1].reviewed_at or submitted
    written.rounds += rounds


def _tranches(bench: Bench, contract: Contract) -> list[PaymentTranche]:
    """Half at the start, three tenths after the first report, the rest after the final one;
    paid once due and, but for the first, once the report is accepted (not while stopped)."""
    project, first, final = contract.project, contract.reports[0], contract.reports[-1]
    half = (project.amount / 2).quantize(CENT, ROUND_DOWN)
    share = (project.amount * 3 / 10).quantize(CENT, ROUND_DOWN)
    plan = [
        (project.start_date, half, None),
        (first.due_date + datetime.timedelta(days=10), share, first),
        (final.due_date + datetime.timedelta(days=10), project.amount - half - share, final),
    ]
    stopped = project.state in (PState.SUSPENDED, PState.TERMINATED)
    tranches = []
    for number, (planned, amount, report) in enumerate(plan, start=1):
        paid = project.start_date if report is None else None
        if report is not None and report.accepted_at and not stopped:
            paid = report.accepted_at.date() + datetime.timedelta(days=5)
            paid = paid if paid <= bench.today else None
        tranches.append(
            PaymentTranche(
                project=project,
                number=number,
                planned_date=planned,
                amount=amount,
                condition_report=report,
                paid_on=paid,
                paid_by=bench.staff[project.municipality_id] if paid else None,
            )
        )
    return tranches


def _completed_at(project: Project) -> datetime.datetime:
    """When a completed project was completed: the day after its final report was accepted."""
    submitted = local(project.end_date + datetime.timedelta(days=REPORT_DUE_DAYS - 3), 11)
    return submitted + REVIEW_TAKES + datetime.timedelta(days=1)


def _contracts(bench: Bench, awards: list[Award]) -> list[Contract]:
    """The projects and their approved lines and indicators, inserted."""
    contracts = [Contract(_project(bench, award), award) for award in awards]
    projects = [contract.project for contract in contracts]
    _states(bench, projects)
    for project in projects:
        if project.state == PState.COMPLETED:
            project.state_changed_at = _completed_at(project)
    bulk(Project, projects)
    for contract in contracts:
        contract.lines = _approved_lines(contract)
        contract.indicators = _indicators(contract)
    bulk(ProjectBudgetLine, [line for contract in contracts for line in contract.lines])
    bulk(Indicator, [indicator for contract in contracts for indicator in contract.indicators])
    return contracts


def seed_projects(bench: Bench, awards: list[Award]) -> None:
    contracts = _contracts(bench, awards)
    if not contracts:
        return
    total = bench.counts.reports
    counts = allocate(total, [1.0] * len(contracts), [1 if total >= len(contracts) else 0] * len(contracts))
    written = Written()
    for contract, count in zip(contracts, counts, strict=True):
        _schedule(contract, max(1, count))
        for report in contract.reports:
            report.state = _report_state(bench, contract.project, report)
            if report.state != RState.DRAFT:
                _review(bench, contract, report, written)
    bulk(MonitoringReport, [report for contract in contracts for report in contract.reports])
    bulk(ReportRound, written.rounds)
    bulk(IndicatorValue, written.values)
    bulk(Expenditure, written.spending)
    bulk(PaymentTranche, [tranche for contract in contracts for tranche in _tranches(bench, contract)])
