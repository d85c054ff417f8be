"""The second factor in a person's session: whether they have one, whether this session used it,
whether they postponed enrolment (development only), and where to go once enrolled.

The rule of who needs one is ``organizations.permissions.mfa_required``; allauth.mfa keeps the
authenticators and asks for them at log-in; ``SecondFactorMiddleware`` enforces the rule.
"""

from __future__ import annotations

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from organizations.models import User

POSTPONED_SESSION_KEY = "ssp_second_factor_postponed"
NEXT_SESSION_KEY = "ssp_second_factor_next"
# Recovery codes alone are no second factor: they back up one.
FACTOR_TYPES = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


def has_second_factor(user: User) -> bool:
    """An authenticator app or a security key is set up (one query)."""
    return is_mfa_enabled(user, FACTOR_TYPES)


def session_used_second_factor(request: HttpRequest) -> bool:
    """This session's log-in (or a later confirmation) included the authenticator or the key."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def postpone_allowed() -> bool:
    return bool(settings.SSP_MFA_POSTPONE_ALLOWED)


def is_postponed(request: HttpRequest) -> bool:
    """The person postponed enrolment in this session, where postponing is allowed."""
    return postpone_allowed() and request.session.get(POSTPONED_SESSION_KEY) == request.user.pk


def postpone(request: HttpRequest) -> None:
    request.session[POSTPONED_SESSION_KEY] = request.user.pk


def safe_next(request: HttpRequest, value: str | None) -> str:
    """``value`` when it is an address on this portal, else the home page."""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse("home")


def remember_next(request: HttpRequest, value: str) -> None:
    """Where the person was going when they were sent to enrol: the enrolment pages lead there."""
    request.session[NEXT_SESSION_KEY] = value


def next_after_enrolment(request: HttpRequest) -> str:
    return safe_next(request, request.session.get(NEXT_SESSION_KEY))


def enrolment_url() -> str:
    return reverse("mfa_index")
