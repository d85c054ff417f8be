"""Administration of procurement records.

Finance staff run competitions on the portal's own pages, where every change goes through a
service and is audited; here the life-cycle fields are read-only.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from procurement.models import (
    ActivityLine,
    Amendment,
    Application,
    ApplicationAttachment,
    Award,
    BudgetLine,
    CommissionMember,
    Competition,
    ConflictDeclaration,
    CriterionScore,
    EligibilityRequirement,
    EvaluationCriterion,
    PriorityIssue,
    RequiredDocument,
    ScoreSheet,
    Subscription,
)
from procurement.models.applications import unsealed
from ssp_portal.admin_mixins import PortalModelAdmin, ReadOnlyInline, soms_column
from ssp_portal.rows.forms import DecimalInput, NumberField
from ssp_portal.validators import BUDGET_YEAR, limit_dates


class CriterionInline(ReadOnlyInline):
    model = EvaluationCriterion
    fields = ["position", "name", "max_score", "weight"]


class RequiredDocumentInline(ReadOnlyInline):
    model = RequiredDocument
    fields = ["position", "name", "description"]


class EligibilityInline(ReadOnlyInline):
    model = EligibilityRequirement
    fields = ["position", "text"]


class CommissionInline(ReadOnlyInline):
    model = CommissionMember
    fields = ["user", "role", "affiliation", "invited_at"]


class AmendmentInline(ReadOnlyInline):
    model = Amendment
    fields = [
        "number",
        "explanation",
        "changes",
        "previous_deadline",
        "new_deadline",
        "minimum_period_days",
        "created_at",
        "created_by",
    ]


class PriorityIssueAdminForm(forms.ModelForm):
    class Meta:
        model = PriorityIssue
        fields = "__all__"  # noqa: DJ007 (the admin narrows them)
        # Read as typed (``150 000``, ``150000,50``): a number input drops a decimal comma.
        field_classes = {"planned_budget": NumberField}
        widgets = {"planned_budget": DecimalInput(money=True)}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        limit_dates(self, year=BUDGET_YEAR)


@admin.register(PriorityIssue)
class PriorityIssueAdmin(PortalModelAdmin):
    form = PriorityIssueAdminForm
    list_display = [
        "title",
        "municipality",
        "year",
        "need_source",
        soms_column("planned_budget", _("planned budget")),
        "state",
    ]
    list_filter = ["state", "need_source", "year", "municipality"]
    search_fields = ["title", "description", "target_group", "municipality__name"]
    list_select_related = ["municipality"]
    readonly_fields = ["state", "approved_at", "created_at"]


@admin.register(Competition)
class CompetitionAdmin(PortalModelAdmin):
    list_display = [
        "reference",
        "title",
        "municipality",
        "state",
        soms_column("budget", _("total budget")),
        "deadline",
    ]
    list_filter = ["state", "municipality", "year"]
    search_fields = ["reference", "title", "description"]
    date_hierarchy = "deadline"
    list_select_related = ["municipality"]
    readonly_fields = [
        "reference",
        "year",
        "sequence",
        "state",
        "published_at",
        "closed_at",
        "evaluation_started_at",
        "completed_at",
        "cancelled_at",
        "cancel_reason",
        "created_at",
        "created_by",
    ]
    inlines = [CriterionInline, EligibilityInline, RequiredDocumentInline, CommissionInline, AmendmentInline]

    def has_add_permission(self, request) -> bool:
        # A competition is drafted on the portal, which numbers and audits it.
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # Its terms (deadline, budget, maximum grant, criteria) change only through amendments,
        # which applicants see; the rest through the portal's audited pages.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # Proposals, scores and awards hang on it: the record stays (it can be cancelled).
        return False


@admin.register(CommissionMember)
class CommissionMemberAdmin(PortalModelAdmin):
    list_display = ["user", "competition", "role", "affiliation", "invited_at"]
    list_filter = ["role", "competition__municipality"]
    search_fields = ["user__email", "user__full_name", "competition__reference"]
    list_select_related = ["user", "competition"]
    readonly_fields = ["competition", "user", "role", "invited_at"]

    def has_add_permission(self, request) -> bool:
        # Finance staff appoint the commission on the competition's page (checked and audited).
        return False


@admin.register(Amendment)
class AmendmentAdmin(PortalModelAdmin):
    list_display = ["competition", "number", "created_at", "new_deadline"]
    list_filter = ["competition__municipality"]
    search_fields = ["competition__reference", "explanation"]
    list_select_related = ["competition"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Subscription)
class SubscriptionAdmin(PortalModelAdmin):
    list_display = ["user", "municipality", "priority_issue", "created_at"]
    list_filter = ["municipality"]
    search_fields = ["user__email", "municipality__name", "priority_issue__title"]
    list_select_related = ["user", "municipality", "priority_issue"]


# Applications: the administration site shows only what finance staff may see once unsealed ----


class SealedAdminMixin:
    """Rows of applications still sealed (before the deadline), drafts and withdrawn ones are not listed."""

    application_path = "application"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        prefix = f"{self.application_path}__" if self.application_path else ""
        return queryset.filter(unsealed(prefix=f"{prefix}competition__")).exclude(
            **{f"{prefix}state__in": [Application.State.DRAFT, Application.State.WITHDRAWN]}
        )

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ActivityInline(ReadOnlyInline):
    model = ActivityLine
    fields = ["position", "title", "start_month", "end_month"]


class BudgetLineInline(ReadOnlyInline):
    model = BudgetLine
    fields = ["position", "category", "description", "unit", "quantity", "unit_cost"]


class AttachmentInline(ReadOnlyInline):
    model = ApplicationAttachment
    fields = ["required_document", "download", "size", "sha256", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, obj: ApplicationAttachment) -> str:
        # Through the view that checks permission: files have no public URL.
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.original_name)


@admin.register(Application)
class ApplicationAdmin(SealedAdminMixin, PortalModelAdmin):
    application_path = ""
    list_display = [
        "receipt_number",
        "organization",
        "competition",
        "state",
        soms_column("requested_amount", _("requested amount")),
        "submitted_at",
    ]
    list_filter = ["state", "competition__municipality"]
    search_fields = ["receipt_number", "organization__name", "competition__reference", "project_title"]
    list_select_related = ["organization", "competition"]
    exclude = ["previous"]
    inlines = [ActivityInline, BudgetLineInline, AttachmentInline]


@admin.register(ApplicationAttachment)
class ApplicationAttachmentAdmin(SealedAdminMixin, PortalModelAdmin):
    list_display = ["original_name", "application", "content_type", "size", "uploaded_at"]
    list_filter = ["content_type"]
    search_fields = ["original_name", "application__receipt_number", "application__organization__name"]
    list_select_related = ["application__organization", "application__competition"]
    fields = [
        "application",
        "required_document",
        "original_name",
        "content_type",
        "size",
        "sha256",
        "uploaded_at",
    ]


# Evaluation: sheets and declarations are the commission's until the results are published -------


class AfterResultsAdminMixin(SealedAdminMixin):
    competition_path = "competition"

    def get_queryset(self, request):
        queryset = admin.ModelAdmin.get_queryset(self, request)
        return queryset.filter(**{f"{self.competition_path}__state": Competition.State.COMPLETED})


class CriterionScoreInline(ReadOnlyInline):
    model = CriterionScore
    fields = ["criterion", "score", "comment"]


@admin.register(ScoreSheet)
class ScoreSheetAdmin(AfterResultsAdminMixin, PortalModelAdmin):
    competition_path = "application__competition"
    list_display = ["application", "member", "state", "submitted_at"]
    list_filter = ["state"]
    search_fields = ["application__receipt_number", "member__user__email"]
    list_select_related = ["application__organization", "application__competition", "member__user"]
    inlines = [CriterionScoreInline]


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(AfterResultsAdminMixin, PortalModelAdmin):
    list_display = ["competition", "member", "has_conflict", "declared_at"]
    list_filter = ["has_conflict"]
    search_fields = ["competition__reference", "member__user__email", "statement"]
    list_select_related = ["competition", "member__user"]


@admin.register(Award)
class AwardAdmin(AfterResultsAdminMixin, PortalModelAdmin):
    list_display = [
        "application",
        "competition",
        soms_column("amount", _("awarded amount")),
        "rank",
        "decided_at",
    ]
    list_filter = ["competition__municipality"]
    search_fields = [
        "application__receipt_number",
        "application__organization__name",
        "competition__reference",
    ]
    list_select_related = ["application__organization", "competition"]
