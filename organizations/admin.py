from __future__ import annotations

from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group
from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from organizations.forms import KeepsStoredValuesMixin, PhoneField, RegistrationNumberField
from organizations.models import (
    Municipality,
    MunicipalityMembership,
    Organization,
    OrganizationDocument,
    OrganizationMembership,
    User,
)
from organizations.services import accounts as account_services
from organizations.services import organizations as organization_services
from ssp_portal.admin_mixins import CheckedInputMixin, PortalModelAdmin
from ssp_portal.validators import REGISTRATION, limit_dates

admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(CheckedInputMixin, BaseGroupAdmin):
    pass


admin.site.unregister(Authenticator)


def _titled(base: type[admin.FieldListFilter], title: str) -> type[admin.FieldListFilter]:
    """A list filter with a translated title (allauth's fields have no verbose names)."""

    class Titled(base):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.title = title

    return Titled


@admin.register(Authenticator)
class AuthenticatorAdmin(CheckedInputMixin, admin.ModelAdmin):
    """Who has which second factor. The administrator never sees a secret and adds none; they
    remove a lost one (the person then enrols again at their next log-in), with an audit event."""

    list_display = ("person", "kind", "added", "last_used")
    list_filter = (
        ("type", _titled(admin.ChoicesFieldListFilter, _("kind"))),
        ("created_at", _titled(admin.DateFieldListFilter, _("created at"))),
        ("last_used_at", _titled(admin.DateFieldListFilter, _("last used"))),
    )
    search_fields = ("user__email", "user__full_name")
    fields = ("person", "kind", "added", "last_used")
    readonly_fields = fields

    @admin.display(description=_("person"), ordering="user__email")
    def person(self, obj: Authenticator) -> str:
        return str(obj.user)

    @admin.display(description=_("kind"), ordering="type")
    def kind(self, obj: Authenticator) -> str:
        return obj.get_type_display()

    @admin.display(description=_("created at"), ordering="created_at")
    def added(self, obj: Authenticator):
        return obj.created_at

    @admin.display(description=_("last used"), ordering="last_used_at")
    def last_used(self, obj: Authenticator):
        return obj.last_used_at

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def delete_model(self, request, obj: Authenticator) -> None:
        account_services.second_factor_remove(authenticator=obj, by=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for authenticator in queryset.select_related("user"):
            account_services.second_factor_remove(authenticator=authenticator, by=request.user)


# Addresses typed without a scheme are read as https (Django 6's default).
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


def _https_urls(db_field: models.Field, **kwargs) -> forms.Field | None:
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


# The administration site checks phones and registration numbers as the portal's forms do.


class UserAdminForm(KeepsStoredValuesMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        field_classes = {"phone": PhoneField}


class MunicipalityAdminForm(KeepsStoredValuesMixin, forms.ModelForm):
    class Meta:
        model = Municipality
        fields = "__all__"  # noqa: DJ007 (the admin narrows them)
        field_classes = {"phone": PhoneField}
        formfield_callback = _https_urls


class OrganizationAdminForm(KeepsStoredValuesMixin, forms.ModelForm):
    class Meta:
        model = Organization
        fields = "__all__"  # noqa: DJ007 (the admin narrows them)
        field_classes = {"phone": PhoneField, "registration_number": RegistrationNumberField}
        formfield_callback = _https_urls

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        limit_dates(self, registration_date=REGISTRATION)


class MunicipalityMembershipAdminForm(forms.ModelForm):
    """An appointment, with what each role may do said beside the role."""

    class Meta:
        model = MunicipalityMembership
        fields = "__all__"  # noqa: DJ007 (the admin narrows them)
        help_texts = {
            "role": _(
                "Finance staff run the municipality's competitions and projects; a monitoring "
                "consultant reviews its reports; an auditor reads everything of it once the "
                "applications are unsealed and changes nothing. Each logs in with a second factor."
            )
        }


class MunicipalityMembershipInline(CheckedInputMixin, admin.TabularInline):
    model = MunicipalityMembership
    form = MunicipalityMembershipAdminForm
    extra = 0
    autocomplete_fields = ["user", "municipality"]


class OrganizationMembershipInline(CheckedInputMixin, admin.TabularInline):
    """Shown, not added or changed: a person joins an organization only by accepting an
    invitation on the portal."""

    model = OrganizationMembership
    extra = 0
    fields = ["user", "organization", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(User)
class UserAdmin(CheckedInputMixin, BaseUserAdmin):
    form = UserAdminForm
    ordering = ["email"]
    list_display = ["email", "full_name", "language", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff", "is_superuser", "language"]
    search_fields = ["email", "full_name", "phone"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "phone", "language"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})
    ]
    inlines = [MunicipalityMembershipInline, OrganizationMembershipInline]


@admin.register(Municipality)
class MunicipalityAdmin(PortalModelAdmin):
    form = MunicipalityAdminForm
    formfield_overrides = URL_FIELDS
    list_display = ["name", "code", "kind", "region", "min_submission_days", "is_active"]
    list_filter = ["region", "kind", "is_active"]
    search_fields = ["name", "code", "slug", "authority"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MunicipalityMembershipInline]


@admin.register(MunicipalityMembership)
class MunicipalityMembershipAdmin(PortalModelAdmin):
    form = MunicipalityMembershipAdminForm
    list_display = ["user", "municipality", "role", "position", "created_at"]
    list_filter = ["role", "municipality"]
    search_fields = ["user__email", "user__full_name", "municipality__name", "position"]
    autocomplete_fields = ["user", "municipality"]
    list_select_related = ["user", "municipality"]


class OrganizationDocumentInline(CheckedInputMixin, admin.TabularInline):
    model = OrganizationDocument
    extra = 0
    fields = ["kind", "download", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("file"))
    def download(self, obj: OrganizationDocument) -> str:
        # Through the view that checks permission: uploads have no public URL.
        if obj.pk is None:  # a row posted with an id that names no document
            return self.get_empty_value_display()
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.original_name)


@admin.register(Organization)
class OrganizationAdmin(PortalModelAdmin):
    form = OrganizationAdminForm
    formfield_overrides = URL_FIELDS
    list_display = ["name", "legal_form", "inn", "region", "state", "created_at"]
    list_filter = ["state", "legal_form", "region"]
    search_fields = ["name", "inn", "registration_number", "email", "head_name"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "state",
        "state_reason",
        "state_changed_at",
        "state_changed_by",
        "created_by",
        "created_at",
        "portal_page",
    ]
    inlines = [OrganizationMembershipInline, OrganizationDocumentInline]
    list_select_related = True

    # Deleting goes through the service: the documents' files are removed after the commit and
    # the deletion is recorded. (An organization that applied is protected by the database.)
    def delete_model(self, request, obj: Organization) -> None:
        organization_services.organizations_delete(organizations=[obj], by=request.user)

    def delete_queryset(self, request, queryset) -> None:
        organization_services.organizations_delete(organizations=list(queryset), by=request.user)

    @admin.display(description=_("page on the portal"))
    def portal_page(self, obj: Organization) -> str:
        if obj.pk is None:  # not saved yet: no page
            return self.get_empty_value_display()
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.name)


@admin.register(OrganizationMembership)
class OrganizationMembershipAdmin(PortalModelAdmin):
    list_display = ["user", "organization", "created_at"]
    list_filter = ["organization__state", "created_at"]
    search_fields = ["user__email", "user__full_name", "organization__name"]
    list_select_related = ["user", "organization"]
    readonly_fields = ["user", "organization", "created_at"]

    def has_add_permission(self, request) -> bool:
        # A person joins an organization only by accepting an invitation, never by being added.
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # Changing the person of a membership would add someone who never accepted.
        return False


@admin.register(OrganizationDocument)
class OrganizationDocumentAdmin(PortalModelAdmin):
    list_display = ["organization", "kind", "original_name", "content_type", "size", "uploaded_at"]
    list_filter = ["kind", "content_type"]
    search_fields = ["organization__name", "original_name"]
    list_select_related = ["organization"]
    fields = [
        "organization",
        "kind",
        "original_name",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
        "download",
    ]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        # Documents are uploaded by the organization's members on the portal, where the
        # content is checked.
        return False

    # Deleting, one or several, goes through the service: the file is removed after the commit
    # and the organization's history records it.
    def delete_model(self, request, obj: OrganizationDocument) -> None:
        organization_services.organization_documents_delete(documents=[obj], by=request.user)

    def delete_queryset(self, request, queryset) -> None:
        organization_services.organization_documents_delete(documents=list(queryset), by=request.user)

    @admin.display(description=_("file"))
    def download(self, obj: OrganizationDocument) -> str:
        if obj.pk is None:
            return self.get_empty_value_display()
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.original_name)
