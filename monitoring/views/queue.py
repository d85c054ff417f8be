"""The work lists: the consultant's (or finance officer's) queue, the organization's reports due."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from monitoring import exports as monitoring_exports
from monitoring import selectors
from monitoring.filters import ReportsDueFilter, WorkListFilter
from organizations.selectors import user_roles
from ssp_portal import exports

PAGE_SIZE = 25
# With all three sections shown, each shows its first rows and a link to the whole section.
OVERVIEW_SIZE = 10


@dataclass
class Section:
    page: Page
    rows: list  # the page's reports, or its projects as ``selectors.ProjectRow``


def _section(request: HttpRequest, name: str, rows: QuerySet, alone: bool) -> Section:
    """One page of a section: the one asked for when shown alone, else the first few."""
    size, number = (PAGE_SIZE, request.GET.get("page")) if alone else (OVERVIEW_SIZE, 1)
    # What a section lists is costly to find (what puts a project at risk, the zones of the due
    # dates): it is read once, as the ids, for the count and the page; then the page's rows.
    page = Paginator(list(rows.values_list("pk", flat=True)), size).get_page(number)
    pks = list(page.object_list)
    if name == "risk":
        return Section(page, selectors.project_rows_by_pk(pks))
    return Section(page, selectors.reports_by_pk(pks))


@login_required
@require_GET
def reviewer_queue(request: HttpRequest) -> HttpResponse:
    """The work list of the person's municipalities; as a file (``?export=csv|xlsx``), every line
    of the sections shown."""
    roles = user_roles(user=request.user)
    if not roles.municipalities:
        raise PermissionDenied
    work = WorkListFilter(request.GET, queryset=selectors.reviewed_projects(user=request.user))
    queue = selectors.reviewer_queue(projects=work.qs)
    if fmt := exports.requested(request):
        return monitoring_exports.queue_file(queue, work.sections, fmt=fmt)
    shown = {"review": queue.to_review, "overdue": queue.overdue, "risk": queue.at_risk}
    alone = len(work.sections) == 1
    return render(
        request,
        "monitoring/reviewer_queue.html",
        {
            "queue": {name: _section(request, name, shown[name], alone) for name in work.sections},
            # Reports of organizations the person belongs to are someone else's to review.
            "own_organizations": set(
                request.user.organization_memberships.values_list("organization_id", flat=True)
            ),
            "municipalities": roles.municipalities,
            "filter": work,
            "sections": work.sections,
            "alone": alone,
            "current_municipality": work.form["municipality"].value() or "",
        },
    )


@login_required
@require_GET
def reports_due(request: HttpRequest) -> HttpResponse:
    """The organization's reports to submit; as a file (``?export=csv|xlsx``), all of them."""
    due = ReportsDueFilter(
        request.GET, queryset=selectors.reports_due_for_member(user=request.user), request=request
    )
    if fmt := exports.requested(request):
        return monitoring_exports.reports_due_file(due.qs, fmt=fmt)
    return render(
        request,
        "monitoring/reports_due.html",
        {
            "filter": due,
            "page": Paginator(due.qs, PAGE_SIZE).get_page(request.GET.get("page")),
            "paused": selectors.reports_paused_for_member(user=request.user),
        },
    )
