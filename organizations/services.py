"""State changes of organizations and memberships. Each writes an audit event."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations import permissions
from organizations.models import (
    Municipality,
    MunicipalityMembership,
    Organization,
    OrganizationDocument,
    OrganizationMembership,
    User,
)
from ssp_portal.audit.services import audit_record
from ssp_portal.files import FileType, display_name
from ssp_portal.notifications.services import email_notify

# Changing any of these after verification sends the organization back to be verified again.
IDENTITY_FIELDS = ("name", "legal_form", "registration_number", "inn", "registration_date")

PROFILE_FIELDS = (
    *IDENTITY_FIELDS,
    "region",
    "address",
    "phone",
    "email",
    "website",
    "head_name",
    "mission",
)


def organization_register(*, user: User, data: dict[str, Any]) -> Organization:
    """A person registers an NCO: it starts pending, with them as its first member."""
    unknown = set(data) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not organization profile fields: {sorted(unknown)}")
    with transaction.atomic():
        organization = Organization(**data, created_by=user)
        organization.full_clean()
        organization.save()
        OrganizationMembership.objects.create(user=user, organization=organization)
        audit_record(actor=user, verb="organization.registered", target=organization)
    return organization


def organization_update(*, organization: Organization, by: User, data: dict[str, Any]) -> Organization:
    """A member edits the profile. New identity details are verified again."""
    if not permissions.can_edit_organization(by, organization):
        raise PermissionDenied
    with transaction.atomic():
        locked = Organization.objects.select_for_update().get(pk=organization.pk)
        changed = [name for name in PROFILE_FIELDS if name in data and getattr(locked, name) != data[name]]
        if not changed:
            return locked
        for name in changed:
            setattr(locked, name, data[name])
        update_fields = list(changed)
        reverified = locked.is_verified and any(name in IDENTITY_FIELDS for name in changed)
        if reverified:
            locked.verification_status = Organization.Status.PENDING
            locked.status_reason = ""
            locked.status_changed_at = timezone.now()
            locked.status_changed_by = by
            update_fields += [
                "verification_status",
                "status_reason",
                "status_changed_at",
                "status_changed_by",
            ]
        locked.full_clean()
        locked.save(update_fields=update_fields)
        audit_record(
            actor=by,
            verb="organization.updated",
            target=locked,
            details={"fields": changed, "returned_to_pending": reverified},
        )
    return locked


def _organization_set_status(
    *,
    organization: Organization,
    by: User,
    status: str,
    allowed_from: tuple[str, ...],
    verb: str,
    reason: str = "",
) -> Organization:
    if not permissions.can_verify_organizations(by):
        raise PermissionDenied
    with transaction.atomic():
        locked = Organization.objects.select_for_update().get(pk=organization.pk)
        if locked.verification_status not in allowed_from:
            raise ValidationError(
                _("This organization is %(status)s; that cannot be changed this way.")
                % {"status": locked.get_verification_status_display().lower()}
            )
        previous = locked.verification_status
        locked.verification_status = status
        locked.status_reason = reason
        locked.status_changed_at = timezone.now()
        locked.status_changed_by = by
        locked.save(
            update_fields=["verification_status", "status_reason", "status_changed_at", "status_changed_by"]
        )
        audit_record(
            actor=by,
            verb=verb,
            target=locked,
            details={"from": previous, "to": status, **({"reason": reason} if reason else {})},
        )
        for membership in locked.memberships.select_related("user"):
            email_notify(
                user=membership.user,
                template="organizations/email/status_changed",
                context={"organization": locked, "reason": reason},
            )
    return locked


def organization_verify(*, organization: Organization, by: User) -> Organization:
    """Finance staff confirm the organization's details against its documents."""
    return _organization_set_status(
        organization=organization,
        by=by,
        status=Organization.Status.VERIFIED,
        allowed_from=(Organization.Status.PENDING, Organization.Status.SUSPENDED),
        verb="organization.verified",
    )


def organization_suspend(*, organization: Organization, by: User, reason: str) -> Organization:
    """Finance staff stop an organization from applying, saying why."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the organization is suspended."))
    return _organization_set_status(
        organization=organization,
        by=by,
        status=Organization.Status.SUSPENDED,
        allowed_from=(Organization.Status.PENDING, Organization.Status.VERIFIED),
        verb="organization.suspended",
        reason=reason,
    )


def organization_document_add(
    *, organization: Organization, by: User, kind: str, file: UploadedFile
) -> OrganizationDocument:
    """Store a founding document under a random name; the form checked its type and size."""
    if not permissions.can_edit_organization(by, organization):
        raise PermissionDenied
    detected: FileType | None = getattr(file, "detected_type", None)
    if detected is None:
        raise ValueError("Upload the file through PrivateFileField, which checks its content.")
    with transaction.atomic():
        document = OrganizationDocument(
            organization=organization,
            kind=kind,
            original_name=display_name(file.name),
            content_type=detected.content_type,
            size=file.size,
            uploaded_by=by,
        )
        document.file_extension = detected.extension
        document.file.save("upload", file, save=False)
        document.save()
        audit_record(
            actor=by,
            verb="organization.document_added",
            target=organization,
            details={"document": document.pk, "kind": kind, "name": document.original_name},
        )
    return document


def organization_document_remove(*, document: OrganizationDocument, by: User) -> None:
    organization = document.organization
    if not permissions.can_edit_organization(by, organization):
        raise PermissionDenied
    with transaction.atomic():
        audit_record(
            actor=by,
            verb="organization.document_removed",
            target=organization,
            details={"document": document.pk, "kind": document.kind, "name": document.original_name},
        )
        storage, name = document.file.storage, document.file.name
        document.delete()
        transaction.on_commit(lambda: storage.delete(name))


def organization_member_add(*, organization: Organization, by: User, user: User) -> OrganizationMembership:
    """A member adds a colleague who already has an account."""
    if not permissions.can_edit_organization(by, organization):
        raise PermissionDenied
    with transaction.atomic():
        membership, created = OrganizationMembership.objects.get_or_create(
            user=user, organization=organization
        )
        if created:
            audit_record(
                actor=by,
                verb="organization.member_added",
                target=organization,
                details={"member": user.email},
            )
    return membership


def municipality_membership_add(
    *, municipality: Municipality, user: User, role: str, position: str = "", by: User | None = None
) -> MunicipalityMembership:
    """Appoint finance staff or a consultant (the administrator does this)."""
    with transaction.atomic():
        existing = MunicipalityMembership.objects.filter(user=user, municipality=municipality).first()
        if existing is not None and existing.role != role:
            raise ValidationError(
                _("%(user)s is already %(role)s of %(municipality)s; one person holds one role there.")
                % {"user": user, "role": existing.get_role_display().lower(), "municipality": municipality}
            )
        membership, created = MunicipalityMembership.objects.get_or_create(
            user=user, municipality=municipality, defaults={"role": role, "position": position}
        )
        if created:
            audit_record(
                actor=by,
                verb="municipality.member_appointed",
                target=municipality,
                details={"member": user.email, "role": role},
            )
    return membership
