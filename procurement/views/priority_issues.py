from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from procurement import permissions, selectors
from procurement.forms import competitions as forms
from procurement.models import PriorityIssue
from procurement.services import priority_issues as services
from procurement.views import access


def _managed_issue(request: HttpRequest, pk: int) -> PriorityIssue:
    """Drafts are their municipality's staff's alone (404 to others); approved ones are public (403)."""
    issue = get_object_or_404(PriorityIssue.objects.select_related("municipality"), pk=pk)
    if permissions.can_manage_priority_issue(request.user, issue):
        return issue
    if issue.is_approved:
        raise PermissionDenied
    raise Http404


@require_GET
def priority_issue_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.priority_issues_public(), 25).get_page(request.GET.get("page"))
    return render(request, "procurement/priority_issue_list.html", {"page": page})


@login_required
@require_GET
def priority_issue_manage(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access.managed_municipality(request, slug)
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
        messages.success(request, _("The priority issue is saved as a draft. Approve it to make it public."))
        return redirect("procurement:priority-issue-manage", slug=municipality.slug)
    return render(
        request, "procurement/priority_issue_form.html", {"form": form, "municipality": municipality}
    )


@login_required
@require_http_methods(["GET", "POST"])
def priority_issue_edit(request: HttpRequest, pk: int) -> HttpResponse:
    issue = _managed_issue(request, pk)
    form = forms.PriorityIssueForm(request.POST or None, instance=issue)
    if request.method == "POST" and form.is_valid():
        fresh = PriorityIssue.objects.get(pk=issue.pk)
        services.priority_issue_update(issue=fresh, by=request.user, data=form.cleaned_data)
        messages.success(request, _("The priority issue is saved."))
        return redirect("procurement:priority-issue-manage", slug=issue.municipality.slug)
    return render(
        request,
        "procurement/priority_issue_form.html",
        {"form": form, "municipality": issue.municipality, "issue": issue},
    )


@login_required
@require_POST
def priority_issue_approve(request: HttpRequest, pk: int) -> HttpResponse:
    issue = _managed_issue(request, pk)
    try:
        services.priority_issue_approve(issue=issue, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The priority issue is approved and public."))
    return redirect("procurement:priority-issue-manage", slug=issue.municipality.slug)
