from __future__ import annotations

from django.contrib import admin

from ssp_portal.admin_mixins import ReadOnlyAdmin
from ssp_portal.notifications.models import OutgoingEmail, Reminder


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "to", "subject", "template", "language", "state", "attempts"]
    list_filter = ["state", "template", "language"]
    search_fields = ["to", "subject", "template"]
    date_hierarchy = "created_at"
    # The body may hold one-time links (password reset): it is not shown.
    exclude = ["text", "html"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "key", "recipient"]
    list_filter = ["created_at"]
    search_fields = ["key", "recipient__email"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]
