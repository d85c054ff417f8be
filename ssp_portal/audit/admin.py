from __future__ import annotations

from django.contrib import admin

from ssp_portal.admin_mixins import ReadOnlyAdmin
from ssp_portal.audit.models import AuditEvent, PublishedHead
from ssp_portal.seals import exclude_sealed


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = [
        "position",
        "created_at",
        "recorded_at",
        "actor_label",
        "verb",
        "target_type",
        "target_label",
    ]
    list_filter = ["verb", "target_type", "created_at"]
    search_fields = ["actor_label", "verb", "target_label", "target_id", "actor__email", "hash"]
    date_hierarchy = "created_at"
    list_select_related = ["target_type"]

    def get_queryset(self, request):
        # Events about applications still sealed would name who applied before the deadline.
        return exclude_sealed(super().get_queryset(request), type_field="target_type", id_field="target_id")


@admin.register(PublishedHead)
class PublishedHeadAdmin(ReadOnlyAdmin):
    list_display = ["date", "count", "last_event_id", "hash", "published_at"]
    date_hierarchy = "date"
