"""State changes of organizations and memberships. Each writes an audit event."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organizations import permissions
from organizations.models import (
    INVITATION_VALID_FOR,
    Municipality,
    MunicipalityMembership,
    Organization,
    OrganizationDocument,
    OrganizationInvitation,
    OrganizationMembership,
    User,
)
from organizations.selectors import suspension_contact
from ssp_portal.audit.services import audit_record
from ssp_portal.documents.services import documents_delete_for
from ssp_portal.files import CheckedUpload
from ssp_portal.notifications.services import email_notify, email_queue, email_render
from ssp_portal.private_files import delete_file_on_commit, discard, store

# Why the last member can be neither removed nor leave (the confirmation page says it too).
KEEPS_ONE_MEMBER = gettext_lazy(
    "An organization keeps at least one member. Invite a colleague, and leave once they have joined."
)

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
    return count


@dataclass(frozen=True)
class Invited:
    invitation: OrganizationInvitation
    resent: bool  # the address had an invitation waiting: it was sent again


def _normalized_email(email: str) -> str:
    return User.objects.normalize_email(email.strip()).lower()


def account_for_address(email: str) -> User | None:
    """The active account that logs in with ``email``, or has it as a confirmed address."""
    email = _normalized_email(email)
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        address = (
            EmailAddress.objects.filter(email__iexact=email, verified=True).select_related("user").first()
        )
        user = address.user if address is not None else None
    return user if user is not None and user.is_active else None


def owns_address(user: User, email: str) -> bool:
    """``user`` is logged in with ``email``, or has confirmed it as another address of theirs."""
    if not user.is_authenticated or not user.is_active:
        return False
    email = _normalized_email(email)
    if user.email.lower() == email:
        return True
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


def invitation_url(invitation: OrganizationInvitation) -> str:
    return f"{settings.SSP_SITE_URL}{invitation.get_absolute_url()}"


def _invitation_email(invitation: OrganizationInvitation, *, by: User) -> None:
    """The e-mail with the link, in the language of the invited person's account, or else the
    inviting member's."""
    account = account_for_address(invitation.email)
    language = (account.language if account else "") or by.language or settings.LANGUAGE_CODE
    template = "organizations/email/invitation"
    rendered = email_render(
        template=template,
        context={
            "invitation": invitation,
            "organization": invitation.organization,
            "inviter": by,
            "account": account,
            "accept_url": invitation_url(invitation),
        },
        language=language,
    )
    email_queue(
        to=invitation.email, rendered=rendered, template=template, language=language, recipient=account
    )


def _locked_for_member(organization_id: int, by: User) -> Organization:
    """The organization, locked, for a change that only its members make.

    Memberships and invitations of one organization change one at a time. The person is checked
    under the lock, so a member removed while their request was on its way changes nothing.
    """
    locked = Organization.objects.select_for_update().get(pk=organization_id)
    if not permissions.can_edit_organization(by, locked):
        raise PermissionDenied
    return locked


def _refuse_member_address(locked: Organization, by: User, email: str) -> None:
    """One's own address and a member's are not invited."""
    if owns_address(by, email):
        raise ValidationError(_("This is your own address: you are already a member."))
    account = account_for_address(email)
    if account is not None and locked.memberships.filter(user=account).exists():
        raise ValidationError(
            _("%(email)s is already a member of %(organization)s.")
            % {"email": email, "organization": locked.name}
        )


def _invitation_sent(
    locked: Organization, *, by: User, email: str, now: datetime.datetime
) -> tuple[OrganizationInvitation, bool]:
    """The address's waiting invitation, valid for another period from ``now``, or a new one; and
    whether it was waiting."""
    invitation = (
        OrganizationInvitation.objects.select_for_update()
        .filter(organization=locked, email=email, state=OrganizationInvitation.State.OPEN)
        .first()
    )
    if invitation is None:
        invitation = OrganizationInvitation.objects.create(
            organization=locked,
            email=email,
            invited_by=by,
            created_at=now,
            sent_at=now,
            expires_at=now + INVITATION_VALID_FOR,
        )
        return invitation, False
    invitation.sent_at = now
    invitation.expires_at = now + INVITATION_VALID_FOR
    invitation.save(update_fields=["sent_at", "expires_at"])
    invitation.organization = locked
    return invitation, True


def organization_invite(
    *, organization: Organization, by: User, email: str, now: datetime.datetime | None = None
) -> Invited:
    """A member invites a colleague by e-mail address; nobody becomes a member by this.

    An address with an invitation waiting (expired or not) gets the same link again, valid for
    another period. One's own address and a member's are refused, and nothing is sent.
    """
    email = _normalized_email(email)
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_for_member(organization.pk, by)
        _refuse_member_address(locked, by, email)
        invitation, resent = _invitation_sent(locked, by=by, email=email, now=now)
        audit_record(
            actor=by,
            verb="organization.invitation_resent" if resent else "organization.invitation_sent",
            target=locked,
            details={"member": email, "invitation": invitation.pk},
            at=now,
        )
        _invitation_email(invitation, by=by)
    return Invited(invitation=invitation, resent=resent)


def _locked_open_invitation(
    invitation: OrganizationInvitation, *, member: User | None = None
) -> OrganizationInvitation:
    """The invitation, locked after its organization (checking ``member`` is one of its members);
    refused unless it is still waiting."""
    if member is not None:
        _locked_for_member(invitation.organization_id, member)
    else:
        Organization.objects.select_for_update().get(pk=invitation.organization_id)
    locked = (
        OrganizationInvitation.objects.select_for_update(of=("self",))
        .select_related("organization", "invited_by")
        .get(pk=invitation.pk)
    )
    if locked.state == OrganizationInvitation.State.ACCEPTED:
        raise ValidationError(_("This invitation has already been accepted."))
    if locked.state == OrganizationInvitation.State.DECLINED:
        raise ValidationError(_("This invitation was declined."))
    if locked.state == OrganizationInvitation.State.CANCELLED:
        raise ValidationError(_("This invitation was cancelled."))
    return locked


def _close_invitation(
    locked: OrganizationInvitation,
    state: str,
    by: User,
    now: datetime.datetime,
    verb: str,
    **details: Any,
) -> None:
    """Close a locked open invitation (its link stops working) and record who closed it and how."""
    locked.state = state
    locked.closed_at = now
    locked.closed_by = by
    locked.save(update_fields=["state", "closed_at", "closed_by"])
    audit_record(
        actor=by,
        verb=verb,
        target=locked.organization,
        details={"member": locked.email, "invitation": locked.pk, **details},
        at=now,
    )


def organization_invitation_cancel(
    *, invitation: OrganizationInvitation, by: User, now: datetime.datetime | None = None
) -> OrganizationInvitation:
    """A member takes back an invitation that is waiting (or has expired): its link stops working."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_open_invitation(invitation, member=by)
        _close_invitation(
            locked, OrganizationInvitation.State.CANCELLED, by, now, "organization.invitation_cancelled"
        )
    return locked


def organization_invitation_accept(
    *, invitation: OrganizationInvitation, user: User, now: datetime.datetime | None = None
) -> OrganizationMembership:
    """The invited person, logged in with the invited address, joins the organization."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_open_invitation(invitation)
        if not owns_address(user, locked.email):
            raise PermissionDenied(
                _("This invitation is for %(email)s. Log in with that address to accept it.")
                % {"email": locked.email}
            )
        if locked.is_expired(now):
            raise ValidationError(
                _(
                    "This invitation expired on %(date)s. "
                    "Ask a member of %(organization)s to invite you again."
                )
                % {
                    "date": formats.date_format(timezone.localtime(locked.expires_at), "DATE_FORMAT"),
                    "organization": locked.organization.name,
                }
            )
        membership, _created = OrganizationMembership.objects.get_or_create(
            user=user, organization=locked.organization, defaults={"created_at": now}
        )
        _close_invitation(
            locked,
            OrganizationInvitation.State.ACCEPTED,
            user,
            now,
            "organization.invitation_accepted",
            member=user.email,
            invited_by=locked.invited_by.email if locked.invited_by else "",
        )
    return membership


def organization_invitation_decline(
    *, invitation: OrganizationInvitation, user: User, now: datetime.datetime | None = None
) -> OrganizationInvitation:
    """The invited person, logged in with the invited address, says no: they do not join, and
    the link stops working. The organization's members may invite the address again later."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_open_invitation(invitation)
        if not owns_address(user, locked.email):
            raise PermissionDenied(
                _("This invitation is for %(email)s. Log in with that address to answer it.")
                % {"email": locked.email}
            )
        _close_invitation(
            locked, OrganizationInvitation.State.DECLINED, user, now, "organization.invitation_declined"
        )
    return locked


def invitation_account_create(
    *, invitation: OrganizationInvitation, full_name: str, password: str, language: str
) -> User:
    """An account for the invited address, made from the link in the invitation.

    The link reached that address, so the address counts as confirmed. The password was checked
    by the form. The person still accepts the invitation as a separate step.
    """
    with transaction.atomic():
        locked = _locked_open_invitation(invitation)
        if locked.is_expired():
            raise ValidationError(_("This invitation has expired. Ask a member to invite you again."))
        if (
            User.objects.filter(email__iexact=locked.email).exists()
            or EmailAddress.objects.filter(email__iexact=locked.email).exists()
        ):
            raise ValidationError(_("An account with this address exists already: log in to accept."))
        user = User.objects.create_user(
            locked.email, password, full_name=full_name.strip(), language=language
        )
        EmailAddress.objects.create(user=user, email=locked.email, verified=True, primary=True)
    return user


def organization_member_remove(
    *, membership: OrganizationMembership, by: User, now: datetime.datetime | None = None
) -> None:
    """A member removes another member, or leaves. The organization keeps at least one member.

    The person loses access at once: every scoped query follows the memberships.
    """
    now = now or timezone.now()
    with transaction.atomic():
        organization = _locked_for_member(membership.organization_id, by)
        locked = (
            OrganizationMembership.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=membership.pk, organization=organization)
            .first()
        )
        if locked is None:
            raise ValidationError(_("This person is no longer a member."))
        leaving = locked.user_id == by.pk
        if organization.memberships.count() <= 1:
            raise ValidationError(str(KEEPS_ONE_MEMBER))
        member = locked.user
        locked.delete()
        audit_record(
            actor=by,
            verb="organization.member_left" if leaving else "organization.member_removed",
            target=organization,
            details={"member": member.email},
            at=now,
        )
        if not leaving:
            email_notify(
                user=member,
                template="organizations/email/member_removed",
                context={"organization": organization, "by": by},
            )


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


def second_factor_postpone(*, user: User) -> None:
    """The person uses the portal without a second factor for one session (development only: the
    setting is refused in production). Recorded, so that the log shows who worked without one."""
    if not settings.SSP_MFA_POSTPONE_ALLOWED:
        raise PermissionDenied(_("A second factor cannot be postponed here."))
    if not permissions.mfa_required(user):
        raise PermissionDenied(_("Your account does not need a second factor."))
    with transaction.atomic():
        audit_record(actor=user, verb="account.second_factor_postponed", target=user)


def second_factor_remove(*, authenticator: Authenticator, by: User) -> None:
    """An administrator removes a person's lost authenticator app or security key. Recovery codes
    back a factor up: when no factor is left they go too, and the person enrols again."""
    with transaction.atomic():
        user = authenticator.user
        kind = authenticator.type
        Authenticator.objects.filter(pk=authenticator.pk).delete()
        factors = Authenticator.objects.filter(user=user).exclude(type=Authenticator.Type.RECOVERY_CODES)
        if not factors.exists():
            Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).delete()
        audit_record(actor=by, verb="account.second_factor_removed", target=user, details={"type": kind})
