"""Admin helpers shared by the apps."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin
from django.http import HttpRequest

from ssp_portal.formatting import format_soms


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records that are written by the system only (audit events, generated documents)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows shown under their parent as they were recorded (scores, budget lines, rounds)."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


def soms_column(field: str, description: str) -> Callable[[object], str]:
    """A list column of an amount written as the portal writes money (``400 000 сом``,
    ``KGS 400,000``), sortable by the field."""

    @admin.display(description=description, ordering=field)
    def column(obj: object) -> str:
        return format_soms(getattr(obj, field))

    column.__name__ = f"{field}_in_soms"
    return column
