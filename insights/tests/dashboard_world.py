"""The rows the dashboard tests count: two municipalities' competitions in every state, awards,
projects, tranches paid and not, reports accepted and not; and the sums the dashboards must show,
computed here from the rows in Python (never through ``insights.figures``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from monitoring.factories import ProjectFactory
from monitoring.models import (
    Expenditure,
    MonitoringReport,
    PaymentTranche,
    Project,
    ProjectBudgetLine,
    ReportRound,
)
from organizations.factories import UserFactory
from procurement.factories import ApplicationFactory, AwardFactory, CompetitionFactory
from procurement.models import Application, Award, Competition

ANNOUNCED = {"published", "closed", "evaluation", "completed"}
COUNTED = {"submitted", "eligible", "ineligible", "awarded", "not_awarded"}


@dataclass
class World:
    municipality: object
    other: object
    this_year: int
    last_year: int
    open: Competition
    draft: Competition
    completed: Competition
    project: Project


def _award(competition: Competition, amount: str, rank: int) -> Award:
    application = ApplicationFactory(competition=competition, submit=True)
    return AwardFactory(application=application, competition=competition, amount=Decimal(amount), rank=rank)


def _report(project: Project, number: int, state: str, spent: str, *, due: datetime.date, submitted=None):
    line = ProjectBudgetLine.objects.create(
        project=project,
        category="staff",
        category_label="Staff",
        description=f"Line {number}",
        approved_amount=Decimal("100000"),
    )
    report = MonitoringReport.objects.create(
        project=project,
        number=number,
        period_start=due - datetime.timedelta(days=90),
        period_end=due - datetime.timedelta(days=10),
        due_date=due,
        state=state,
    )
    Expenditure.objects.create(report=report, budget_line=line, amount=Decimal(spent))
    if submitted is not None:
        ReportRound.objects.create(
            report=report, number=1, submitted_at=submitted, submitted_by=UserFactory()
        )
    return report


def build(municipality, other) -> World:
    now = timezone.now()
    this_year = timezone.localdate().year
    last_year = this_year - 1
    completed = CompetitionFactory(
        municipality=municipality, completed=True, year=last_year, budget=Decimal("400000")
    )
    first = ProjectFactory(award=_award(completed, "150000", 1))
    second = ProjectFactory(award=_award(completed, "100000", 2), amount=Decimal("90000"))
    ApplicationFactory(competition=completed, ineligible=True)
    ApplicationFactory(competition=completed)  # a draft never sent: not counted
    day = datetime.date(last_year, 6, 1)
    PaymentTranche.objects.create(
        project=first, number=1, planned_date=day, amount=Decimal("75000"), paid_on=day
    )
    PaymentTranche.objects.create(project=first, number=2, planned_date=day, amount=Decimal("75000"))
    PaymentTranche.objects.create(
        project=second, number=1, planned_date=day, amount=Decimal("40000"), paid_on=day
    )
    past = datetime.date(last_year, 9, 30)
    _report(first, 1, "accepted", "20000", due=past, submitted=now.replace(year=last_year, month=9, day=1))
    _report(first, 2, "submitted", "7000", due=past, submitted=now.replace(year=last_year, month=11, day=1))
    _report(second, 1, "draft", "3000", due=past)  # overdue
    open_one = CompetitionFactory(
        municipality=municipality, published=True, year=this_year, budget=Decimal("300000")
    )
    ApplicationFactory(competition=open_one, submit=True)
    ApplicationFactory(competition=open_one, submit=True)
    evaluation = CompetitionFactory(
        municipality=municipality, evaluation=True, year=this_year, budget=Decimal("200000")
    )
    _award(evaluation, "50000", 1)  # decided, not published: not awarded yet
    draft = CompetitionFactory(municipality=municipality, year=this_year, budget=Decimal("999999"))
    CompetitionFactory(municipality=municipality, cancelled=True, year=this_year, budget=Decimal("777777"))
    elsewhere = CompetitionFactory(
        municipality=other, completed=True, year=this_year, budget=Decimal("500000")
    )
    far = ProjectFactory(award=_award(elsewhere, "120000", 1))
    PaymentTranche.objects.create(
        project=far, number=1, planned_date=day, amount=Decimal("60000"), paid_on=day
    )
    return World(municipality, other, this_year, last_year, open_one, draft, completed, first)


def expected(municipality=None, year=None) -> dict[str, Decimal | int]:
    """The key figures of a scope, summed row by row in Python."""

    def inside(competition: Competition) -> bool:
        return (municipality is None or competition.municipality_id == municipality.pk) and (
            year is None or competition.year == year
        )

    competitions = {c.pk: c for c in Competition.objects.all() if inside(c)}
    projects = [p for p in Project.objects.select_related("award") if p.award.competition_id in competitions]
    ids = {p.pk for p in projects}
    return {
        "allocated": sum((c.budget for c in competitions.values() if c.state in ANNOUNCED), Decimal(0)),
        "awarded": sum(
            (
                a.amount
                for a in Award.objects.all()
                if a.competition_id in competitions and competitions[a.competition_id].state == "completed"
            ),
            Decimal(0),
        ),
        "contracted": sum((p.amount for p in projects), Decimal(0)),
        "disbursed": sum(
            (t.amount for t in PaymentTranche.objects.all() if t.project_id in ids and t.paid_on), Decimal(0)
        ),
        "reported": sum(
            (
                e.amount
                for e in Expenditure.objects.select_related("report")
                if e.report.project_id in ids and e.report.state == "accepted"
            ),
            Decimal(0),
        ),
        "projects": len(projects),
    }


def applications_counted(competition: Competition) -> int:
    return sum(1 for a in Application.objects.filter(competition=competition) if a.state in COUNTED)
