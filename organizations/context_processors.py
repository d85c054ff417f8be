from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from organizations import mfa
from organizations.permissions import mfa_required
from organizations.selectors import Roles, user_roles


def roles(request: HttpRequest) -> dict:
    """``roles`` in every template: what the person is, loaded only when a template asks."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"roles": SimpleLazyObject(lambda: request_roles(request))}


def request_roles(request: HttpRequest) -> Roles:
    """The person's roles, loaded once per request."""
    if not hasattr(request, "_ssp_roles"):
        request._ssp_roles = user_roles(user=request.user)
    return request._ssp_roles


@dataclass(frozen=True)
class SecondFactor:
    """What the second-factor pages and the warning of every page need to know."""

    required: bool = False
    enrolled: bool = False
    postpone_allowed: bool = False
    continue_url: str = ""


def second_factor(request: HttpRequest) -> dict:
    """``second_factor`` in every template, loaded only when a template asks (the second-factor
    pages do; other pages read ``request.second_factor_postponed``, set by the middleware)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"second_factor": SimpleLazyObject(lambda: _second_factor(request))}


def _second_factor(request: HttpRequest) -> SecondFactor:
    if not mfa_required(request.user):
        return SecondFactor()
    enrolled = mfa.has_second_factor(request.user)
    return SecondFactor(
        required=True,
        enrolled=enrolled,
        postpone_allowed=mfa.postpone_allowed() and not enrolled,
        continue_url=mfa.next_after_enrolment(request) if enrolled else "",
    )
