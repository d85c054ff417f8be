"""The commission of a competition: members, one chair, at most one secretary.

A member without an account gets one, with a confirmed address, and an invitation to choose a
password; a member with an account is told of the appointment.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import User
from procurement import permissions
from procurement.models import CommissionMember, Competition
from ssp_portal.audit.services import audit_record
from ssp_portal.notifications.services import email_notify

# Once evaluation starts, the commission is fixed.
EDITABLE_STATES = (Competition.State.DRAFT, Competition.State.PUBLISHED, Competition.State.CLOSED)


@dataclass(frozen=True)
class MemberData:
    email: str
    full_name: str
    role: str
    affiliation: str = ""
    id: int | None = None


def _validate(members: list[MemberData]) -> None:
    emails = [m.email.strip().lower() for m in members]
    if len(set(emails)) != len(emails):
        raise ValidationError(_("Each member appears once."))
    roles = [m.role for m in members]
    if members and roles.count(CommissionMember.Role.CHAIR) != 1:
        raise ValidationError(_("The commission needs exactly one chair."))
    if roles.count(CommissionMember.Role.SECRETARY) > 1:
        raise ValidationError(_("The commission has at most one secretary."))


def _account_for(member: MemberData, *, language: str) -> tuple[User, bool]:
    """The member's account, created with a confirmed address when there is none; a new account
    reads ``language`` (that of whoever appointed the person) until they choose their own."""
    email = member.email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        if not user.full_name and member.full_name:
            user.full_name = member.full_name
            user.save(update_fields=["full_name"])
        return user, False
    if not member.full_name.strip():
        raise ValidationError(
            _("%(email)s has no account yet: give the person's full name for the invitation.")
            % {"email": email}
        )
    user = User.objects.create_user(email, None, full_name=member.full_name.strip(), language=language)
    # The invitation goes to this address, so following its link confirms it.
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user, True


def password_link(user: User) -> str:
    """A one-time link where a new account chooses its password (the password-reset link)."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
    return f"{settings.SSP_SITE_URL}{path}"


def commission_refusal(competition: Competition) -> str:
    """Why the commission cannot change, or "": it is fixed once evaluation has started."""
    if competition.state not in EDITABLE_STATES:
        return _("The commission cannot change once evaluation has started.")
    return ""


def _seat_new_member(
    competition: Competition, data: MemberData, *, by: User, at: datetime.datetime
) -> CommissionMember:
    """A new member's seat, with an account made when they have none, and the e-mail that tells them
    (an invitation to choose a password, or the appointment)."""
    user, created = _account_for(data, language=by.language or settings.LANGUAGE_CODE)
    member = CommissionMember.objects.create(
        competition=competition, user=user, role=data.role, affiliation=data.affiliation, invited_at=at
    )
    context = {"competition": competition, "member": member}
    if created:
        context["password_url"] = password_link(user)
        email_notify(user=user, template="procurement/email/commission_invitation", context=context)
    else:
        email_notify(user=user, template="procurement/email/commission_appointed", context=context)
    return member


def _commission_seats(
    competition: Competition,
    existing: dict[str, CommissionMember],
    wanted: dict[str, MemberData],
    *,
    by: User,
    at: datetime.datetime,
) -> tuple[list[CommissionMember], list[CommissionMember]]:
    """The seats made as ``wanted`` (by e-mail address): the members kept and added, and those removed."""
    removed = [existing[email] for email in existing if email not in wanted]
    # Free the chair and secretary seats before anyone takes them.
    CommissionMember.objects.filter(pk__in=[m.pk for m in removed]).delete()
    CommissionMember.objects.filter(competition=competition).update(role=CommissionMember.Role.MEMBER)
    result = []
    for email, data in wanted.items():
        current = existing.get(email)
        if current is None:
            result.append(_seat_new_member(competition, data, by=by, at=at))
            continue
        current.role, current.affiliation = data.role, data.affiliation
        current.save(update_fields=["role", "affiliation"])
        result.append(current)
    return result, removed


def commission_set(
    *, competition: Competition, by: User, members: list[MemberData], at: datetime.datetime | None = None
) -> bool:
    """Make the commission exactly ``members``, inviting the new ones by e-mail; False (and nothing
    written, no one e-mailed) when it is already so."""
    if not permissions.can_manage_competition(by, competition):
        raise PermissionDenied
    _validate(members)
    now = at or timezone.now()
    with transaction.atomic():
        locked = Competition.objects.select_for_update().select_related("municipality").get(pk=competition.pk)
        refusal = commission_refusal(locked)
        if refusal:
            raise ValidationError(refusal)
        existing = {m.user.email.lower(): m for m in locked.commission.select_related("user")}
        wanted = {m.email.strip().lower(): m for m in members}
        if {email: (m.role, m.affiliation) for email, m in existing.items()} == {
            email: (m.role, m.affiliation.strip()) for email, m in wanted.items()
        }:
            return False
        result, removed = _commission_seats(locked, existing, wanted, by=by, at=now)
        audit_record(
            actor=by,
            verb="competition.commission_set",
            target=locked,
            scope=locked.municipality,
            details={
                "members": [f"{m.user.email} ({m.role})" for m in result],
                "removed": [m.user.email for m in removed],
            },
            at=now,
        )
    return True
