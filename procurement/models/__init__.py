"""Procurement models: competitions and their terms; applications and their contents."""

from procurement.models.applications import (
    ActivityLine,
    Application,
    ApplicationAttachment,
    BudgetLine,
)
from procurement.models.competitions import (
    MONEY,
    POSITIVE_MONEY,
    Amendment,
    CommissionMember,
    Competition,
    EligibilityRequirement,
    EvaluationCriterion,
    Ordered,
    PriorityIssue,
    RequiredDocument,
    Subscription,
)
from procurement.models.evaluation import (
    Award,
    ConflictDeclaration,
    ConflictedOrganization,
    CriterionScore,
    ScoreSheet,
)

__all__ = [
    "MONEY",
    "POSITIVE_MONEY",
    "ActivityLine",
    "Amendment",
    "Application",
    "ApplicationAttachment",
    "Award",
    "BudgetLine",
    "CommissionMember",
    "Competition",
    "ConflictDeclaration",
    "ConflictedOrganization",
    "CriterionScore",
    "EligibilityRequirement",
    "EvaluationCriterion",
    "Ordered",
    "PriorityIssue",
    "RequiredDocument",
    "ScoreSheet",
    "Subscription",
]
