"""A competition under evaluation, for the evaluation tests."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from organizations.factories import OrganizationMembershipFactory, UserFactory
from procurement.factories import (
    ApplicationAttachmentFactory,
    ApplicationFactory,
    CommissionMemberFactory,
    CompetitionFactory,
)
from procurement.models import Application, CommissionMember, Competition, EvaluationCriterion
from procurement.services import evaluation as services


@dataclass
class CompetitionInEvaluation:
    competition: Competition
    criteria: list[EvaluationCriterion]
    chair: object
    member1: object
    member2: object
    applications: list[Application]  # eligible, in the order A, B, C
    ineligible: Application
    withdrawn: Application
    applicants: list[object]  # a member of each eligible application's organization


def build(municipality, *, budget: Decimal = Decimal("400000")) -> CompetitionInEvaluation:
    competition = CompetitionFactory(
        municipality=municipality, evaluation=True, budget=budget, max_grant=Decimal("200000")
    )
    criteria = [
        EvaluationCriterion.objects.create(
            competition=competition,
            position=0,
            name="Relevance",
            name_ky="Relevance (ky)",
            name_ru="Relevance (ru)",
            max_score=10,
            weight=60,
        ),
        EvaluationCriterion.objects.create(
            # Written in each language, as the publishing checklist asks: the page in Kyrgyz or
            # Russian shows no English name.
            competition=competition,
            position=1,
            name="Budget",
            name_ky="Бюджет",
            name_ru="Бюджет",
            max_score=5,
            weight=40,
        ),
    ]
    chair, member1, member2 = (
        UserFactory(full_name=name) for name in ("Nurlan Asanov", "Aigul Mamytova", "Bakyt Toktosunov")
    )
    CommissionMemberFactory(competition=competition, user=chair, role=CommissionMember.Role.CHAIR)
    CommissionMemberFactory(competition=competition, user=member1)
    CommissionMemberFactory(competition=competition, user=member2)
    applications, applicants = [], []
    for name in ("Organization A", "Organization B", "Organization C"):
        application = ApplicationFactory(competition=competition, organization__name=name, eligible=True)
        ApplicationAttachmentFactory(application=application)
        applications.append(application)
        applicants.append(OrganizationMembershipFactory(organization=application.organization).user)
    ineligible = ApplicationFactory(
        competition=competition, organization__name="Organization D", ineligible=True
    )
    withdrawn = ApplicationFactory(
        competition=competition, organization__name="Organization E", withdrawn=True
    )
    return CompetitionInEvaluation(
        competition, criteria, chair, member1, member2, applications, ineligible, withdrawn, applicants
    )


def sign(evaluation: CompetitionInEvaluation, user, conflicts=()):
    return services.declaration_sign(competition=evaluation.competition, by=user, conflicts=list(conflicts))


def score(evaluation: CompetitionInEvaluation, user, application, values, *, submit: bool = True):
    return services.sheet_save(
        application=application,
        by=user,
        scores=[
            services.ScoreData(
                criterion.pk, None if value is None else Decimal(str(value)), f"on {criterion.name}"
            )
            for criterion, value in zip(evaluation.criteria, values, strict=True)
        ],
        overall_comment="overall",
        submit=submit,
    )
