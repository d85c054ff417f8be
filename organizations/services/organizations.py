"""State changes of an organization: registration, its profile, verification, suspension, its documents."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations import permissions
from organizations.models import (
    Organization,
    OrganizationDocument,
    OrganizationMembership,
    User,
)
from organizations.selectors import suspension_contact
from ssp_portal.audit.services import audit_record
from ssp_portal.documents.services import documents_delete_for
from ssp_portal.files import CheckedUpload
from ssp_portal.notifications.services import email_notify
from ssp_portal.private_files import delete_file_on_commit, discard, store
from ssp_portal.public_cache import public_changed

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
        identity_changed = any(name in IDENTITY_FIELDS for name in changed)
        reverified = locked.is_verified and identity_changed
        if locked.is_suspended and identity_changed and locked.suspended_from:
            # Lifting the suspension then leads to a new verification.
            locked.suspended_from = Organization.State.PENDING
            update_fields.append("suspended_from")
        if reverified:
            locked.state = Organization.State.PENDING
            locked.state_reason = ""
            locked.state_changed_at = timezone.now()
            locked.state_changed_by = by
            update_fields += [
                "state",
                "state_reason",
                "state_changed_at",
                "state_changed_by",
            ]
        locked.full_clean()
        locked.save(update_fields=update_fields)
        audit_record(
            actor=by,
            verb="organization.updated",
            target=locked,
            details={"fields": changed, "returned_to_pending": reverified},
        )
        public_changed()
    return locked


def _status_recorded(
    *,
    locked: Organization,
    by: User,
    state: str,
    verb: str,
    reason: str = "",
    suspended_from: str = "",
) -> Organization:
    """Write the organization's new status, its audit event, and the e-mail to each member (in
    their language), inside the caller's transaction and lock."""
    previous = locked.state
    locked.state = state
    locked.state_reason = reason
    locked.suspended_from = suspended_from
    locked.state_changed_at = timezone.now()
    locked.state_changed_by = by
    locked.save(
        update_fields=[
            "state",
            "state_reason",
            "suspended_from",
            "state_changed_at",
            "state_changed_by",
        ]
    )
    audit_record(
        actor=by,
        verb=verb,
        target=locked,
        details={"from": previous, "to": state, **({"reason": reason} if reason else {})},
    )
    public_changed()
    contact = suspension_contact(organization=locked) if locked.is_suspended else None
    for membership in locked.memberships.select_related("user"):
        email_notify(
            user=membership.user,
            template="organizations/email/status_changed",
            context={"organization": locked, "reason": reason, "verb": verb, "suspension_contact": contact},
        )
    return locked


def _locked_for_status_change(organization: Organization, by: User) -> Organization:
    own = permissions.own_organization_refusal(by, organization)
    if own:
        raise ValidationError(own)
    return Organization.objects.select_for_update().get(pk=organization.pk)


def _refuse_unless(locked: Organization, allowed_from: tuple[str, ...]) -> None:
    if locked.state not in allowed_from:
        raise ValidationError(
            _("This organization is %(status)s; that cannot be changed this way.")
            % {"status": locked.get_state_display().lower()}
        )


def organization_verify(*, organization: Organization, by: User) -> Organization:
    """Finance staff confirm a pending organization's details against its documents.

    A suspended organization is not verified: its suspension is lifted, with a reason, by
    someone other than the person who suspended it (``organization_suspension_lift``).
    """
    if not permissions.can_verify_organizations(by):
        raise PermissionDenied
    with transaction.atomic():
        locked = _locked_for_status_change(organization, by)
        if locked.is_suspended:
            raise ValidationError(
                permissions.suspension_lift_refusal(by, locked)
                or _("%(name)s is suspended: lift the suspension, with a reason, instead of verifying it.")
                % {"name": locked.name}
            )
        _refuse_unless(locked, (Organization.State.PENDING,))
        return _status_recorded(
            locked=locked, by=by, state=Organization.State.VERIFIED, verb="organization.verified"
        )


def organization_suspend(*, organization: Organization, by: User, reason: str) -> Organization:
    """Finance staff of any municipality stop an organization from applying, saying why.

    The members read the reason, and whom to contact, on the organization's page and in an
    e-mail in their language. Lifting the suspension returns the organization to the status it
    had (``suspended_from``), and is for someone else (``permissions.suspension_lift_refusal``).
    """
    if not permissions.can_suspend_organizations(by):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the organization is suspended."))
    with transaction.atomic():
        locked = _locked_for_status_change(organization, by)
        _refuse_unless(locked, (Organization.State.PENDING, Organization.State.VERIFIED))
        return _status_recorded(
            locked=locked,
            by=by,
            state=Organization.State.SUSPENDED,
            verb="organization.suspended",
            reason=reason,
            suspended_from=locked.state,
        )


def organization_suspension_lift(*, organization: Organization, by: User, reason: str) -> Organization:
    """Another finance staff member, or the administrator, lifts a suspension, saying why.

    The organization returns to the status it had when it was suspended (pending, if its legal
    details changed meanwhile); its members are told by e-mail.
    """
    if not permissions.may_lift_suspensions(by):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the suspension is lifted."))
    with transaction.atomic():
        locked = Organization.objects.select_for_update().get(pk=organization.pk)
        if not locked.is_suspended:
            raise ValidationError(_("%(name)s is not suspended.") % {"name": locked.name})
        # Checked under the lock: the person who suspended it is the one recorded now.
        refusal = permissions.suspension_lift_refusal(by, locked)
        if refusal:
            raise ValidationError(refusal)
        return _status_recorded(
            locked=locked,
            by=by,
            state=locked.suspended_from or Organization.State.PENDING,
            verb="organization.suspension_lifted",
            reason=reason,
        )


def organization_document_add(
    *, organization: Organization, by: User, kind: str, file: CheckedUpload
) -> OrganizationDocument:
    """Store a founding document under a random name; the form checked its type and size."""
    if not permissions.can_edit_organization(by, organization):
        raise PermissionDenied
    with transaction.atomic():
        document = store(OrganizationDocument(organization=organization, kind=kind, uploaded_by=by), file)
        audit_record(
            actor=by,
            verb="organization.document_added",
            target=organization,
            details={"document": document.pk, "kind": kind, "name": document.original_name},
        )
    return document


def _document_deleted(document: OrganizationDocument, *, by: User, verb: str) -> None:
    """Delete the row and record it in the organization's history; the stored file goes once the
    transaction commits (a rollback keeps row and file together)."""
    audit_record(
        actor=by,
        verb=verb,
        target=document.organization,
        details={"document": document.pk, "kind": document.kind, "name": document.original_name},
    )
    discard(document)


def organization_document_remove(*, document: OrganizationDocument, by: User) -> None:
    """A member removes one of the organization's documents on the portal."""
    organization = document.organization
    if not permissions.can_edit_organization(by, organization):
        raise PermissionDenied
    with transaction.atomic():
        _document_deleted(document, by=by, verb="organization.document_removed")


def organization_documents_delete(*, documents: Iterable[OrganizationDocument], by: User) -> int:
    """The administrator deletes organization documents in the admin, one or several at once.

    Each is an event in its organization's history; the files are removed after the commit.
    Returns how many were deleted (a document deleted meanwhile is skipped).
    """
    if not permissions.can_delete_organization_documents(by):
        raise PermissionDenied
    pks = [document.pk for document in documents]
    with transaction.atomic():
        locked = (
            OrganizationDocument.objects.select_for_update(of=("self",))
            .select_related("organization")
            .filter(pk__in=pks)
            .order_by("pk")
        )
        count = 0
        for document in locked:
            _document_deleted(document, by=by, verb="organization.document_deleted")
            count += 1
    return count


def organizations_delete(*, organizations: Iterable[Organization], by: User) -> int:
    """The administrator deletes organizations (a registration made in error, a duplicate).

    Their documents' files and generated PDFs are removed after the commit, and each deletion is
    recorded (the event outlives the organization). One that applied or holds a project is kept
    by the database (``PROTECT``); the admin says so before anything is deleted.
    """
    if not permissions.can_delete_organizations(by):
        raise PermissionDenied
    pks = [organization.pk for organization in organizations]
    with transaction.atomic():
        count = 0
        for organization in Organization.objects.select_for_update().filter(pk__in=pks).order_by("pk"):
            documents = list(organization.documents.order_by("pk"))
            audit_record(
                actor=by,
                verb="organization.deleted",
                target=organization,
                details={
                    "inn": organization.inn,
                    "registration_number": organization.registration_number,
                    "documents": [document.pk for document in documents],
                },
            )
            for document in documents:
                delete_file_on_commit(document)
            documents_delete_for(subject=organization)
            organization.delete()
            count += 1
        public_changed()
    return count
