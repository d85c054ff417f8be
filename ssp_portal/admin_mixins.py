"""Admin helpers shared by the apps."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Field
from django.http import HttpRequest

from ssp_portal.formatting import format_soms


def can_name_a_row(target: Field, value: object) -> bool:
    """Could ``value`` be stored in ``target`` (a key)? ``abc`` cannot name an integer key, nor
    can a number past the database's integer range."""
    try:
        python = target.to_python(value)
    except (ValidationError, TypeError, ValueError):
        return False
    internal = target.get_internal_type()
    if isinstance(python, int) and internal in connection.ops.integer_field_ranges:
        low, high = connection.ops.integer_field_range(internal)
        return (low is None or python >= low) and (high is None or python <= high)
    return True


class CheckedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete that shows back only chosen values that can name a row.

    Django's widget looks the posted value up to show it again; a value such as ``abc`` or a
    number past the database's range then fails in the query instead of in the field, which
    says "Select a valid choice".
    """

    def optgroups(self, name, value, attr=None):
        meta = self.field.remote_field.model._meta
        target = meta.get_field(getattr(self.field.remote_field, "field_name", None) or meta.pk.name)
        return super().optgroups(name, [v for v in value if can_name_a_row(target, v)], attr)


class CheckedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field looks all chosen values up at once; a number past the database's range
    then fails in the query. Such a value is refused as any unknown choice is."""

    def _check_values(self, value):
        key = self.to_field_name or "pk"
        meta = self.queryset.model._meta
        target = meta.pk if key == "pk" else meta.get_field(key)
        for pk in value or ():
            if not can_name_a_row(target, pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


# The parts of a date a list can be filtered by (``?created_at__year=2026``), and their range.
DATE_PARTS = {"year": (1, 9999), "iso_year": (1, 9999), "month": (1, 12), "day": (1, 31), "week": (1, 53)}


class CheckedInputMixin:
    """For admins and inlines: chosen ids that cannot name a row are refused beside the field
    (``CheckedAutocompleteSelect``, ``CheckedModelMultipleChoiceField``), and a list filtered by
    an impossible part of a date (``?created_at__year=99999``) is a 400, never a 500."""

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        part = lookup.rsplit("__", 1)[-1]
        if part in DATE_PARTS:
            low, high = DATE_PARTS[part]
            text = str(value)
            if not (text.isascii() and text.isdigit() and low <= int(text) <= high):
                return False
        return super().lookup_allowed(lookup, value, request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", CheckedModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class PortalModelAdmin(CheckedInputMixin, admin.ModelAdmin):
    """The base of the portal's admins."""


class ReadOnlyAdmin(PortalModelAdmin):
    """For records that are written by the system only (audit events, generated documents)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ReadOnlyInline(CheckedInputMixin, admin.TabularInline):
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
