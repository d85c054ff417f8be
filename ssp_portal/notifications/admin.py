from __future__ import annotations

from django.contrib import admin

from ssp_portal.admin_mixins import ReadOnlyAdmin
from ssp_portal.notifications.models import OutgoingEmail, Reminder
from ssp_portal.seals import exclude_sealed


class SealedRowsAdmin(ReadOnlyAdmin):
    """Messages about objects still sealed (applications before the deadline) are not listed:
    their recipients would tell who applied."""

    def get_queryset(self, request):
        return exclude_sealed(super().get_queryset(request), type_field="about_type", id_field="about_id")


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(SealedRowsAdmin):
    list_display = ["created_at", "to", "subject", "template", "language", "state", "attempts"]
    list_filter = ["state", "template", "language"]
    search_fields = ["to", "subject", "template"]
    date_hierarchy = "created_at"
    # The body may hold one-time links (password reset): it is not shown.
    exclude = ["text", "html"]


@admin.register(Reminder)
class ReminderAdmin(SealedRowsAdmin):
    list_display = ["created_at", "key", "recipient"]
    list_filter = ["created_at"]
    search_fields = ["key", "recipient__email"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]
