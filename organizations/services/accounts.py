"""A person's account: the second factor."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from organizations import permissions
from organizations.models import (
    User,
)
from ssp_portal.audit.services import audit_record


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
