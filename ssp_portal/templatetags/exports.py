"""``{% export_links %}``: the links that download a list as CSV and XLSX, with its filters
(``ssp_portal/exports.py``)."""

from __future__ import annotations

from django import template
from django.http import HttpRequest

from ssp_portal import exports

register = template.Library()


def export_url(request: HttpRequest, fmt: str) -> str:
    """The page's address with its filters, without its page number, asking for ``fmt``."""
    query = request.GET.copy()
    query.pop("page", None)
    query[exports.PARAMETER] = fmt
    return f"{request.path}?{query.urlencode()}"


@register.inclusion_tag("partials/export_links.html", takes_context=True)
def export_links(context: template.Context, label: str = "") -> dict:
    """``label`` names the list for screen readers ("Download the projects")."""
    request = context["request"]
    links = [(name, export_url(request, fmt)) for fmt, (name, _type) in exports.FORMATS.items()]
    return {"links": links, "label": label}
