"""Karakol's two projects: grant agreements, indicators, tranches, reports in several states and a
site visit. The projects ran from April to December of last year. Baldarga Tirek's second report
waits for a revision (the consultant's comments are there to answer) and its final report is
overdue; the accepted first reports show their activities, results and the people reached on the
public project pages; Ulukman Daryger's second report came back revised, with answers to the comments, and
waits for the consultant again, who sees what changed."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction

from monitoring.models import Project, ReportAttachment
from monitoring.services import projects as services
from monitoring.services import reports as report_services
from organizations.demo import DemoWorld, demo_pdf
from procurement.demo import ProcurementWorld

ZONE = ZoneInfo("Asia/Bishkek")

INDICATORS = {
    "baldarga@ngo.example": [
        ("Children attending the club at least 3 days a week", "children", "count", "0", "40"),
        ("Children whose grades improved", "%", "percent", "0", "66"),
    ],
    "ulukman@ngo.example": [
        ("Women counselled", "women", "count", "0", "120"),
        ("Women sheltered", "women", "count", "0", "30"),
        ("Women in work at the end", "women", "count", "0", "15"),
    ],
}
# Per report: indicator values, spending per approved line (in the order of the lines), the outcome.
REPORTS = {
    "baldarga@ngo.example": [
        (["32", "20"], ["24000", "18000", "24000", "2000"], "accepted"),
        (["38", "45"], ["24000", "18000", "26000", "1500"], "revision_requested"),
    ],
    "ulukman@ngo.example": [
        (["45", "9", "2"], ["24000", "13000", "21000", "8000"], "accepted"),
        (["90", "21", "8"], ["24000", "14000", "21000", "8000"], "resubmitted"),
    ],
}
NARRATIVE = {
    "activities": "The activities of the period went as planned; see the lists of participants.",
    "results": "The targets of the period are met or close to it.",
    "problems": "Winter heating cost more than planned; the organization covered the difference.",
}
# What the organizations show on the public project page of their accepted reports: what they did,
# what came of it and how many people it reached; the problems stay between them and the reviewers.
PUBLIC = ["activities", "results", "beneficiaries_reached"]
COMMENTS = {
    "revision_requested": {
        "expenditure": "The books line is over budget: attach the invoices.",
        "indicators": "Explain how the grades were measured.",
    },
    "resubmitted": {
        "narrative": "Say where the women who found work are employed, and how the shelter was used.",
        "expenditure": "The lawyer and psychologist line shows 14,000 soms; the contracts add up to 13,500.",
    },
}
# Ulukman Daryger's revision of its second report: what changed, and its answers to the comments.
REVISION = {
    "results": (
        "90 women were counselled and 21 sheltered. Eight found work: five at the Karakol sewing"
        " workshop and three in shops of the central market. The shelter's six beds were used on"
        " 74 nights of the quarter."
    ),
    "spending": {1: "13500"},  # the line's position and its corrected amount
    "values": {2: "9"},  # a ninth woman started work before the quarter ended
    "answers": {
        "narrative": "The results now say where the women work and how often the shelter was used.",
        "expenditure": "Corrected to 13,500 soms: one session of 500 soms was counted twice.",
    },
}


def _at(day: datetime.date, hour: int = 11) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=ZONE)


def _contract(world: DemoWorld, award, competition) -> Project:
    project = Project.objects.filter(award=award).first()
    if project is not None:
        return project
    signed = competition.completed_at + datetime.timedelta(days=5)
    return services.project_create_from_award(
        award=award,
        by=world.users["finance@karakol.example"],
        contract_number=f"{competition.reference}/{award.rank}",
        contract_date=signed.date(),
        start_date=competition.project_start,
        end_date=competition.project_end,
        at=signed,
    )


def _set_up(world: DemoWorld, project: Project, member_email: str) -> None:
    finance = world.users["finance@karakol.example"]
    if project.reports.exists():
        return
    # The agreement is set up the day after it is signed.
    set_up = _at(project.contract_date + datetime.timedelta(days=1))
    services.project_set_indicators(
        project=project,
        by=finance,
        indicators=[
            services.IndicatorData(name, unit, kind, Decimal(baseline), Decimal(target))
            for name, unit, kind, baseline, target in INDICATORS[member_email]
        ],
        at=set_up,
    )
    reports = services.project_set_schedule(project=project, by=finance, every_months=3, at=set_up)
    services.project_set_tranches(
        project=project,
        by=finance,
        tranches=[
            services.TrancheData(project.start_date, project.amount / 2),
            services.TrancheData(
                reports[0].due_date + datetime.timedelta(days=10), project.amount * 3 / 10, reports[0]
            ),
            services.TrancheData(
                reports[-1].due_date + datetime.timedelta(days=10), project.amount / 5, reports[-1]
            ),
        ],
        at=set_up,
    )
    first = project.tranches.get(number=1)
    services.tranche_mark_paid(
        tranche=first, by=finance, paid_on=project.start_date, at=_at(project.start_date, 15)
    )
    reviewer = world.users["consultant@dpi.example"]
    member = world.users[member_email]
    lines = list(project.budget_lines.all())
    indicators = list(project.indicators.all())
    for report, (values, spending, outcome) in zip(
        project.reports.order_by("number"), REPORTS[member_email], strict=False
    ):
        submitted = _at(report.due_date - datetime.timedelta(days=3))
        reviewed = submitted + datetime.timedelta(days=4)
        report_services.report_save_draft(
            report=report,
            by=member,
            at=submitted - datetime.timedelta(days=1),
            draft=report_services.ReportDraft(
                narrative={**NARRATIVE, "beneficiaries_reached": int(Decimal(values[0]))},
                values={i.pk: v for i, v in zip(indicators, values, strict=True)},
                spending={
                    line.pk: report_services.Spending(
                        Decimal(amount),
                        "More children joined; more books were needed."
                        if outcome == "revision_requested" and line.position == 3
                        else "",
                    )
                    for line, amount in zip(lines, spending, strict=True)
                },
                public=PUBLIC if outcome == "accepted" else [],
            ),
        )
        _attach_participants(report, member)
        report_services.report_submit(report=report, by=member, at=submitted)
        report_services.report_review(
            report=report,
            by=reviewer,
            accept=outcome == "accepted",
            comments=COMMENTS.get(outcome, {}),
            at=reviewed,
        )
        if outcome == "resubmitted":
            _revise(report, member, lines, indicators, at=reviewed + datetime.timedelta(days=2))
    visit = project.start_date + datetime.timedelta(days=80)
    if not project.site_visits.exists():
        report_services.site_visit_record(
            project=project,
            by=reviewer,
            data={
                "visited_on": visit,
                "visitors": "Azamat Jumabaev (Development Policy Institute), G. Tolumbekova",
                "observed": "The premises were open and in use; the register of participants was kept daily.",
                "findings": "Work as planned. Keep receipts for small purchases together with the register.",
            },
            photos=[],
            at=_at(visit, 17),
        )


def _attach_participants(report, member) -> None:
    """The register of participants of the period, as organizations attach it (private: only the
    organization, the municipality's staff and the reviewers read it)."""
    organization = report.project.organization
    name = f"participants-{organization.pk}-report-{report.number}.pdf"
    lines = [
        f"Register of participants, report {report.number}",
        f"{report.period_start} - {report.period_end}",
    ]
    report_services.report_attach(
        report=report, by=member, kind=ReportAttachment.Kind.PARTICIPANTS, file=demo_pdf(lines, name=name)
    )


def _revise(report, member, lines, indicators, *, at: datetime.datetime) -> None:
    """The organization answers the comments, corrects the report and submits it again."""
    report_services.report_save_draft(
        report=report,
        by=member,
        at=at,
        draft=report_services.ReportDraft(
            narrative={"results": REVISION["results"]},
            values={indicators[i].pk: value for i, value in REVISION["values"].items()},
            spending={
                lines[i].pk: report_services.Spending(Decimal(amount))
                for i, amount in REVISION["spending"].items()
            },
            answers=REVISION["answers"],
        ),
    )
    report_services.report_submit(report=report, by=member, at=at + datetime.timedelta(hours=2))


@transaction.atomic
def seed(world: DemoWorld, procurement: ProcurementWorld) -> list[Project]:
    projects = []
    for competition in (procurement.children, procurement.women):
        for award in competition.awards.select_related("competition", "application__organization"):
            project = _contract(world, award, competition)
            member = award.application.organization.memberships.first().user.email
            _set_up(world, project, member)
            projects.append(project)
    return projects
