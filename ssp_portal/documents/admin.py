from __future__ import annotations

from django.contrib import admin

from ssp_portal.admin_mixins import ReadOnlyAdmin
from ssp_portal.documents.models import Document


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["requested_at", "kind", "subject_type", "subject_id", "language", "state", "size"]
    list_filter = ["state", "kind", "language"]
    search_fields = ["id", "subject_id", "kind", "requested_by__email"]
    date_hierarchy = "requested_at"
    exclude = ["file"]
    readonly_fields = ["sha256", "error"]
