"""The dashboards: the portal's and each municipality's, public, with a year filter and each
chart's figures as CSV; the people who read a municipality's work see its staff part too.

An anonymous visitor's page is kept in the public page cache (``ssp_portal.public_cache``): the
services that change its figures (awards, grant agreements, tranches paid, projects' states,
reports accepted) renew the cache's generation, and the page is kept at most until the next
deadline in its scope, when a competition's count of applications becomes public.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from insights import dashboards, figures, permissions, selectors
from insights.figures import Scope
from insights.flags import municipality_flags
from organizations.context_processors import request_roles
from organizations.models import Municipality
from ssp_portal import charts, public_cache
from ssp_portal.paging import NarrowPaginator

PAGE_SIZE = 25


@dataclass(frozen=True)
class YearChoice:
    """The year asked for (``None``: all years), the years that have figures, and what was asked
    for when it was not one of them (the page says so and shows all years)."""

    year: int | None
    years: list[int]
    unknown: str = ""


def _year(request: HttpRequest, municipality: Municipality | None) -> YearChoice:
    years = figures.years_with_figures(Scope(municipality=municipality))
    asked = request.GET.get("year", "").strip()
    if not asked:
        return YearChoice(None, years)
    if asked.isascii() and asked.isdigit() and int(asked) in years:
        return YearChoice(int(asked), years)
    return YearChoice(None, years, unknown=asked[:20])


def _dashboard(request: HttpRequest, municipality: Municipality | None) -> HttpResponse:
    """The dashboard of ``municipality`` (of the portal when None), or one chart's CSV."""
    choice = _year(request, municipality)
    scope = Scope(municipality=municipality, year=choice.year)
    staff = permissions.sees_staff_dashboard(request.user, request_roles(request), municipality)
    board = dashboards.dashboard(scope, staff=staff)
    name = [municipality.name if municipality else gettext("SSP Portal"), choice.year or ""]
    answer = charts.export(request, board.charts, name=[part for part in name if part])
    if answer is not None:
        return answer
    context = {"municipality": municipality, "board": board, "choice": choice, "staff": staff}
    if municipality is not None:
        context["page"] = _projects_page(request, scope)
        if staff:
            context["flags"] = municipality_flags(municipality)
    response = render(request, "insights/dashboard.html", context)
    deadline = selectors.next_deadline(scope=Scope(municipality=municipality))
    return public_cache.changes_at(response, deadline) if deadline else response


def _projects_page(request: HttpRequest, scope: Scope) -> Page:
    """A page of the projects' table: contracted, paid and reported amounts are public figures,
    and each project has its public page."""
    return NarrowPaginator(selectors.dashboard_projects(scope=scope), PAGE_SIZE).get_page(
        request.GET.get("page")
    )


@require_GET
@public_cache.public_page
def portal_dashboard(request: HttpRequest) -> HttpResponse:
    """Every municipality's figures together, by municipality."""
    return _dashboard(request, None)


@require_GET
@public_cache.public_page
def municipality_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """One municipality's figures, by priority issue; its staff part for who reads its work."""
    return _dashboard(request, get_object_or_404(Municipality, slug=slug, is_active=True))
