"""What a municipality publishes, written in Kyrgyz and Russian (English optional).

Each field here gets a column per language of ``settings.MODELTRANSLATION_LANGUAGES``;
``ssp_portal.languages`` says how they are read. Empty texts are stored as NULL in the language
columns (``empty_values``), so that unique names per competition hold in each language without
two untranslated rows meeting.
"""

from modeltranslation.translator import TranslationOptions, register

from procurement.models import (
    Amendment,
    Competition,
    EligibilityRequirement,
    EvaluationCriterion,
    PriorityIssue,
    RequiredDocument,
)


@register(PriorityIssue)
class PriorityIssueTranslation(TranslationOptions):
    fields = ("title", "description", "target_group")
    empty_values = None


@register(Competition)
class CompetitionTranslation(TranslationOptions):
    fields = ("title", "description")
    empty_values = None


@register(EvaluationCriterion)
class EvaluationCriterionTranslation(TranslationOptions):
    fields = ("name", "description")
    empty_values = None


@register(RequiredDocument)
class RequiredDocumentTranslation(TranslationOptions):
    fields = ("name", "description")
    empty_values = None


@register(EligibilityRequirement)
class EligibilityRequirementTranslation(TranslationOptions):
    fields = ("text",)
    empty_values = None


@register(Amendment)
class AmendmentTranslation(TranslationOptions):
    fields = ("explanation",)
    empty_values = None
