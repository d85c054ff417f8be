from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from procurement.models import CommissionMember


def commission(request: HttpRequest) -> dict:
    """``sits_on_commission`` for the navigation, asked only when a template uses it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"sits_on_commission": False}
    return {
        "sits_on_commission": SimpleLazyObject(lambda: CommissionMember.objects.filter(user=user).exists())
    }
