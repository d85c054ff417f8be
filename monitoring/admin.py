from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from monitoring.models import (
    Expenditure,
    Indicator,
    IndicatorValue,
    MonitoringReport,
    PaymentTranche,
    Project,
    ProjectBudgetLine,
    ReportAttachment,
    ReportRound,
    SiteVisit,
)
from ssp_portal.admin_mixins import PortalModelAdmin, ReadOnlyAdmin, ReadOnlyInline, soms_column
from ssp_portal.validators import CONTRACT, PROJECT_END, PROJECT_START, limit_dates


class BudgetLineInline(ReadOnlyInline):
    model = ProjectBudgetLine
    fields = ["position", "category_shown", "description", "approved_amount"]
    readonly_fields = ["category_shown"]

    @admin.display(description=_("category"))
    def category_shown(self, line: ProjectBudgetLine) -> str:
        return line.category_name


class IndicatorInline(ReadOnlyInline):
    model = Indicator
    fields = ["position", "name", "unit", "kind", "baseline", "target"]


class TrancheInline(ReadOnlyInline):
    model = PaymentTranche
    fields = ["number", "planned_date", "amount", "condition_report", "paid_on"]


class ProjectAdminForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = "__all__"  # noqa: DJ007 (the admin narrows them)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        limit_dates(self, contract_date=CONTRACT, start_date=PROJECT_START, end_date=PROJECT_END)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The project cannot end before it starts."))
        return cleaned


@admin.register(Project)
class ProjectAdmin(PortalModelAdmin):
    form = ProjectAdminForm
    list_display = [
        "contract_number",
        "title",
        "organization",
        "municipality",
        soms_column("amount", _("amount")),
        "state",
    ]
    list_filter = ["state", "municipality"]
    search_fields = ["contract_number", "title", "organization__name"]
    list_select_related = ["organization", "municipality"]
    readonly_fields = [
        "award",
        "municipality",
        "organization",
        "amount",
        "state",
        "state_reason",
        "state_changed_at",
        "created_at",
        "created_by",
    ]
    inlines = [BudgetLineInline, IndicatorInline, TrancheInline]

    def has_add_permission(self, request) -> bool:
        # A project starts from an award, on the portal's contracting page.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # A grant agreement is a public record; deleting it would take its reports, their
        # attachments and the site-visit photos with it. It is terminated, with a reason.
        return False


class IndicatorValueInline(ReadOnlyInline):
    model = IndicatorValue
    fields = ["indicator", "value"]


class ExpenditureInline(ReadOnlyInline):
    model = Expenditure
    fields = ["budget_line", "amount", "overspent", "explanation"]


class RoundInline(ReadOnlyInline):
    model = ReportRound
    fields = ["number", "submitted_at", "submitted_by", "reviewed_at", "reviewer", "decision"]


@admin.register(MonitoringReport)
class MonitoringReportAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "period_start", "period_end", "due_date", "state"]
    list_filter = ["state", "kind", "project__municipality"]
    search_fields = ["project__contract_number", "project__organization__name"]
    list_select_related = ["project"]
    inlines = [IndicatorValueInline, ExpenditureInline, RoundInline]


@admin.register(ReportAttachment)
class ReportAttachmentAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "report", "kind", "size", "uploaded_at"]
    list_filter = ["kind"]
    search_fields = ["original_name", "report__project__contract_number"]
    list_select_related = ["report__project"]
    fields = ["report", "kind", "original_name", "content_type", "size", "uploaded_by", "uploaded_at"]


@admin.register(SiteVisit)
class SiteVisitAdmin(ReadOnlyAdmin):
    list_display = ["project", "visited_on", "visitors", "recorded_by"]
    list_filter = ["visited_on"]
    search_fields = ["project__contract_number", "visitors", "findings"]
    list_select_related = ["project", "recorded_by"]
