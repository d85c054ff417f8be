from __future__ import annotations

from django.contrib import admin

from ssp_portal.admin_mixins import ReadOnlyAdmin
from ssp_portal.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor_label", "verb", "target_type", "target_label"]
    list_filter = ["verb", "target_type", "created_at"]
    search_fields = ["actor_label", "verb", "target_label", "target_id", "actor__email"]
    date_hierarchy = "created_at"
    list_select_related = ["target_type"]
