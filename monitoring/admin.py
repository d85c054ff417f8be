from __future__ import annotations

from django.contrib import admin

from monitoring.models import Project


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = [
        "contract_number",
        "title",
        "organization",
        "municipality",
        "amount",
        "state",
        "start_date",
    ]
    list_filter = ["state", "municipality"]
    search_fields = ["contract_number", "title", "organization__name"]
    list_select_related = ["organization", "municipality"]
    readonly_fields = ["award", "municipality", "organization", "amount", "state", "created_at", "created_by"]

    def has_add_permission(self, request) -> bool:
        # A project starts from an award, on the portal's contracting page.
        return False
