"""``{% dashboard_municipalities as municipalities %}``: the municipalities that have a dashboard
worth opening (an announced competition), for the links of the home page (one query)."""

from __future__ import annotations

from django import template

from insights.figures import ANNOUNCED
from organizations.models import Municipality

register = template.Library()


@register.simple_tag
def dashboard_municipalities() -> list[Municipality]:
    return list(
        Municipality.objects.filter(is_active=True, competitions__state__in=ANNOUNCED)
        .distinct()
        .order_by("name")
    )
