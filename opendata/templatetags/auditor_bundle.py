"""The auditor's bundle on a competition's page, for those who may have it (procurement's
templates include the partial; they never import opendata)."""

from __future__ import annotations

from django import template

from opendata.permissions import can_get_bundle
from procurement.models import Competition

register = template.Library()


@register.simple_tag(takes_context=True)
def bundle_allowed(context: template.Context, competition: Competition) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    return user is not None and can_get_bundle(user, competition)
