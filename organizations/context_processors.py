from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

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
