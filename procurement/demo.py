"""Karakol's priority issues and its three competitions.

The announcement names two completed competitions, 400,000 soms for both (the split is not
given: 200,000 each here), and a third, "Maintaining Public Order", announced later. The completed
ones are placed in the previous year; the open one is published 10 days ago with 35 days to go,
so that it is open whenever the demo is loaded.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from organizations.demo import DemoWorld
from procurement.models import Competition, PriorityIssue
from procurement.services import competitions as services
from procurement.services.commission import MemberData, commission_set
from procurement.services.priority_issues import priority_issue_approve, priority_issue_create

ZONE = ZoneInfo("Asia/Bishkek")

CRITERIA = [
    services.CriterionData(
        "Relevance to the priority issue",
        "How well the project answers the need of the target group.",
        10,
        30,
    ),
    services.CriterionData(
        "Quality of the approach", "Activities, methods and schedule are clear and realistic.", 10, 25
    ),
    services.CriterionData(
        "Experience and capacity", "The organization's track record with this target group.", 10, 20
    ),
    services.CriterionData("Budget", "Costs are necessary, reasonable and justified.", 10, 15),
    services.CriterionData("Sustainability", "Results last after the project ends.", 10, 10),
]
ELIGIBILITY = [
    "A non-commercial organization registered in the Kyrgyz Republic for at least one year",
    "No tax or social fund arrears",
    "Experience of work with the target group",
    "The project is carried out within the city of Karakol",
]
DOCUMENTS = [
    ("Project proposal", "On the portal's application form."),
    ("Charter of the organization", "A scan of the registered charter."),
    ("Certificate of state registration", ""),
    ("Certificate of no tax arrears", "Issued within the last 30 days."),
]
COMMISSION = [
    ("chair@karakol.example", "Nurlan Asanov", "chair", "Deputy mayor"),
    ("member1@karakol.example", "Aigul Mamytova", "member", "Deputy of the city council"),
    ("member2@karakol.example", "Bakyt Toktosunov", "member", "Representative of civil society"),
]


@dataclass(frozen=True)
class ProcurementWorld:
    children: Competition
    women: Competition
    public_order: Competition


def _issue(world: DemoWorld, *, title: str, **fields: object) -> PriorityIssue:
    finance = world.users["finance@karakol.example"]
    issue = PriorityIssue.objects.filter(municipality=world.karakol, title=title).first()
    if issue is None:
        issue = priority_issue_create(municipality=world.karakol, by=finance, data={"title": title, **fields})
    if not issue.is_approved:
        issue = priority_issue_approve(issue=issue, by=finance)
    return issue


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=ZONE)


def _competition(
    world: DemoWorld, *, title: str, issue: PriorityIssue, published: datetime.datetime, **terms
):
    """The competition as a draft with its criteria, eligibility, documents and commission, published."""
    finance = world.users["finance@karakol.example"]
    existing = Competition.objects.filter(municipality=world.karakol, title=title).first()
    if existing is not None:
        return existing
    competition = services.competition_create(
        municipality=world.karakol,
        by=finance,
        at=published - datetime.timedelta(days=3),
        data={
            "title": title,
            "priority_issue": issue,
            "announcement_date": published.date(),
            "contact": "Finance Department, Karakol Mayor's Office",
            **terms,
        },
    )
    drafted = published - datetime.timedelta(days=2)
    services.competition_set_criteria(competition=competition, by=finance, criteria=CRITERIA, at=drafted)
    services.competition_set_eligibility(
        competition=competition, by=finance, requirements=ELIGIBILITY, at=drafted
    )
    services.competition_set_required_documents(
        competition=competition, by=finance, documents=DOCUMENTS, at=drafted
    )
    commission_set(
        competition=competition,
        by=finance,
        members=[MemberData(email, name, role, affiliation) for email, name, role, affiliation in COMMISSION],
        at=drafted,
    )
    return services.competition_publish(competition=competition, by=finance, at=published)


def _complete(world: DemoWorld, competition: Competition) -> Competition:
    finance = world.users["finance@karakol.example"]
    if competition.state == Competition.State.PUBLISHED:
        competition = services.competition_start_evaluation(
            competition=competition, by=finance, at=competition.deadline + datetime.timedelta(days=2)
        )
    if competition.state == Competition.State.EVALUATION:
        competition = services.competition_complete(
            competition=competition, by=finance, at=competition.deadline + datetime.timedelta(days=12)
        )
    return competition


@transaction.atomic
def seed(world: DemoWorld) -> ProcurementWorld:
    today = timezone.localdate(timezone=ZONE)
    last_year = today.year - 1
    children_issue = _issue(
        world,
        title="Children of labor migrants",
        description=(
            "Many children in Karakol live with grandparents or relatives while their parents work in "
            "Russia or Kazakhstan. They need after-school care, psychological support and regular "
            "contact with their parents."
        ),
        target_group="Children of labor migrants aged 7-17",
        need_source=PriorityIssue.NeedSource.NEEDS_ASSESSMENT,
        year=last_year,
        planned_budget=Decimal("200000.00"),
    )
    women_issue = _issue(
        world,
        title="Women - victims of domestic violence",
        description=(
            "Women who suffer domestic violence need a safe place, legal and psychological help, and "
            "support to find work and housing."
        ),
        target_group="Women affected by domestic violence and their children",
        need_source=PriorityIssue.NeedSource.PUBLIC_HEARING,
        year=last_year,
        planned_budget=Decimal("200000.00"),
    )
    order_issue = _issue(
        world,
        title="Maintaining public order: work with homeless people",
        description=(
            "Homeless people in Karakol need shelter in winter, documents, medical help and a way back "
            "to work; the city council asked for a social approach to public order."
        ),
        target_group="Homeless people in Karakol",
        need_source=PriorityIssue.NeedSource.COUNCIL_DECISION,
        year=today.year,
        planned_budget=Decimal("200000.00"),
    )

    children = _competition(
        world,
        title="Children of Labor Migrants",
        issue=children_issue,
        published=_at(datetime.date(last_year, 2, 10)),
        description=(
            "The Karakol Mayor's Office invites non-commercial organizations to propose a project that "
            "protects the interests of labor migrants' children: after-school care, psychological "
            "support and help to keep in touch with their parents."
        ),
        budget=Decimal("200000.00"),
        max_grant=Decimal("200000.00"),
        projects_expected=1,
        deadline=_at(datetime.date(last_year, 3, 14), 17),
        project_start=datetime.date(last_year, 4, 1),
        project_end=datetime.date(last_year, 12, 31),
    )
    women = _competition(
        world,
        title="Women - Victims of Domestic Violence",
        issue=women_issue,
        published=_at(datetime.date(last_year, 2, 10)),
        description=(
            "The Karakol Mayor's Office invites non-commercial organizations to propose a project of "
            "assistance and support to female victims of domestic violence."
        ),
        budget=Decimal("200000.00"),
        max_grant=Decimal("200000.00"),
        projects_expected=1,
        deadline=_at(datetime.date(last_year, 3, 14), 17),
        project_start=datetime.date(last_year, 4, 1),
        project_end=datetime.date(last_year, 12, 31),
    )
    published = _at(today - datetime.timedelta(days=10))
    deadline = _at(today + datetime.timedelta(days=25), 17)
    public_order = _competition(
        world,
        title="Maintaining Public Order",
        issue=order_issue,
        published=published,
        description=(
            "The Karakol Mayor's Office invites non-commercial organizations to propose a project of work "
            "with homeless people: outreach, winter shelter, help with documents and medical care, and "
            "a way back to work."
        ),
        budget=Decimal("200000.00"),
        max_grant=Decimal("200000.00"),
        projects_expected=1,
        deadline=deadline,
        project_start=deadline.date() + datetime.timedelta(days=20),
        project_end=deadline.date() + datetime.timedelta(days=20 + 180),
    )
    return ProcurementWorld(
        children=_complete(world, children), women=_complete(world, women), public_order=public_order
    )
