"""A project under a grant agreement, for the monitoring tests."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from monitoring.models import MonitoringReport, Project
from monitoring.services import projects as services
from monitoring.services import reports as report_services
from organizations.factories import MunicipalityMembershipFactory, OrganizationMembershipFactory
from procurement.factories import ApplicationFactory, AwardFactory, CompetitionFactory
from procurement.models import BudgetLine


@dataclass
class ContractedProject:
    project: Project
    member: object
    reports: list[MonitoringReport]
    finance: object
    consultant: object


def build(
    municipality,
    organization,
    finance_staff,
    *,
    start=datetime.date(2026, 1, 1),
    end=datetime.date(2026, 12, 31),
    contract="KRK-2026-001/1",
):
    """Staff lines 100,000 and supplies 50,000; indicators: people (count), satisfaction (%);
    four quarterly reports; tranches 75,000 at the start and 75,000 after report 1."""
    competition = CompetitionFactory(
        municipality=municipality, completed=True, budget=Decimal("400000"), max_grant=Decimal("200000")
    )
    application = ApplicationFactory(competition=competition, organization=organization, submit=True)
    application.budget_lines.all().delete()
    fields = ("category", "description", "unit", "quantity", "unit_cost")
    lines = [("staff", "Staff", "month", 10, 10000), ("equipment", "Supplies", "set", 50, 1000)]
    for position, values in enumerate(lines):
        BudgetLine.objects.create(
            application=application, position=position, **dict(zip(fields, values, strict=True))
        )
    award = AwardFactory(application=application, amount=Decimal("150000"))
    project = services.project_create_from_award(
        award=award,
        by=finance_staff,
        contract_number=contract,
        contract_date=start,
        start_date=start,
        end_date=end,
    )
    services.project_set_indicators(
        project=project,
        by=finance_staff,
        indicators=[
            services.IndicatorData("People reached", "people", "count", Decimal("0"), Decimal("100")),
            services.IndicatorData("Satisfaction", "%", "percent", Decimal("50"), Decimal("80")),
        ],
    )
    reports = services.project_set_schedule(project=project, by=finance_staff, every_months=3)
    services.project_set_tranches(
        project=project,
        by=finance_staff,
        tranches=[
            services.TrancheData(start, Decimal("75000")),
            services.TrancheData(reports[0].due_date, Decimal("75000"), reports[0]),
        ],
    )
    member = (
        OrganizationMembershipFactory(organization=organization).user
        if not organization.memberships.exists()
        else organization.memberships.first().user
    )
    consultant = MunicipalityMembershipFactory(municipality=municipality, consultant=True).user
    return ContractedProject(
        project, member, list(project.reports.order_by("number")), finance_staff, consultant
    )


def fill(
    contracted: ContractedProject,
    report: MonitoringReport,
    *,
    staff="20000",
    supplies="10000",
    people="30",
    satisfaction="60",
    explanations=None,
    answers=None,
) -> list[str]:
    """The whole draft of a report, saved as the organization saves it."""
    explanations = explanations or {}
    indicators = list(contracted.project.indicators.all())
    lines = list(contracted.project.budget_lines.all())
    return report_services.report_save_draft(
        report=report,
        by=contracted.member,
        draft=report_services.ReportDraft(
            narrative={
                "activities": "Done.",
                "results": "Results.",
                "beneficiaries_reached": 30,
                "problems": "",
            },
            values={indicators[0].pk: people, indicators[1].pk: satisfaction},
            spending={
                lines[0].pk: report_services.Spending(Decimal(staff), explanations.get("staff", "")),
                lines[1].pk: report_services.Spending(Decimal(supplies), explanations.get("supplies", "")),
            },
            answers=answers,
        ),
    )
