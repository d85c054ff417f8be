"""Members of organizations and municipalities: invitations, joining, leaving, appointments."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
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
    OrganizationInvitation,
    OrganizationMembership,
    User,
)
from ssp_portal.audit.services import audit_record
from ssp_portal.notifications.services import email_notify, email_queue, email_render

# Why the last member can be neither removed nor leave (the confirmation page says it too).
KEEPS_ONE_MEMBER = gettext_lazy(
    "An organization keeps at least one member. Invite a colleague, and leave once they have joined."
)


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
    """Appoint finance staff, a consultant or an auditor (the administrator does this)."""
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
