"""The work lists: the consultant's (or finance officer's) queue, the organization's reports due."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from monitoring import selectors
from monitoring.filters import WorkListFilter
from organizations.selectors import user_roles


@login_required
@require_GET
def reviewer_queue(request: HttpRequest) -> HttpResponse:
    roles = user_roles(user=request.user)
    if not roles.municipalities:
        raise PermissionDenied
    work = WorkListFilter(request.GET, queryset=selectors.reviewed_projects(user=request.user))
    return render(
        request,
        "monitoring/reviewer_queue.html",
        {
            "queue": selectors.reviewer_queue(projects=work.qs, sections=work.sections),
            # Reports of organizations the person belongs to are someone else's to review.
            "own_organizations": set(
                request.user.organization_memberships.values_list("organization_id", flat=True)
            ),
            "municipalities": roles.municipalities,
            "filter": work,
            "sections": work.sections,
            "current_municipality": work.form["municipality"].value() or "",
        },
    )


@login_required
@require_GET
def reports_due(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "monitoring/reports_due.html",
        {
            "reports": selectors.reports_due_for_member(user=request.user),
            "paused": selectors.reports_paused_for_member(user=request.user),
        },
    )
