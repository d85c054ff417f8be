from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from procurement import selectors
from procurement.forms import competitions as forms
from procurement.models import PriorityIssue
from procurement.services import priority_issues as services
from procurement.views import access
from ssp_portal import web
from ssp_portal.public_cache import public_page


@require_GET
@public_page
def priority_issue_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.priority_issues_public(), 25).get_page(request.GET.get("page"))
    return render(request, "procurement/priority_issue_list.html", {"page": page})


@login_required
@require_GET
def priority_issue_manage(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access.read_municipality(request, slug)
    return render(
        request,
        "procurement/priority_issue_manage.html",
        {
            "municipality": municipality,
            "issues": selectors.priority_issues_for_staff(municipality=municipality),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def priority_issue_create(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access.managed_municipality(request, slug)
    form = forms.PriorityIssueForm(request.POST or None, instance=PriorityIssue(municipality=municipality))
    if request.method == "POST" and form.is_valid():
        services.priority_issue_create(municipality=municipality, by=request.user, data=form.cleaned_data)
        saved = _("The priority issue is saved as a draft. Approve it to make it public.")
        return web.done(request, saved, "procurement:priority-issue-manage", municipality.slug)
    return render(
        request, "procurement/priority_issue_form.html", {"form": form, "municipality": municipality}
    )


@login_required
@require_http_methods(["GET", "POST"])
def priority_issue_edit(request: HttpRequest, pk: int) -> HttpResponse:
    issue = access.managed_priority_issue(request, pk)
    form = forms.PriorityIssueForm(request.POST or None, instance=issue)
    if request.method == "POST" and form.is_valid():
        fresh = PriorityIssue.objects.get(pk=issue.pk)
        services.priority_issue_update(issue=fresh, by=request.user, data=form.cleaned_data)
        return web.done(
            request,
            _("The priority issue is saved."),
            "procurement:priority-issue-manage",
            issue.municipality.slug,
        )
    return render(
        request,
        "procurement/priority_issue_form.html",
        {"form": form, "municipality": issue.municipality, "issue": issue},
    )


@login_required
@require_POST
def priority_issue_approve(request: HttpRequest, pk: int) -> HttpResponse:
    issue = access.managed_priority_issue(request, pk)
    manage = reverse("procurement:priority-issue-manage", args=[issue.municipality.slug])
    try:
        services.priority_issue_approve(issue=issue, by=request.user)
    except ValidationError as exc:
        return web.refused(request, exc, manage)
    return web.done(request, _("The priority issue is approved and public."), manage)
