from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from organizations.models import Municipality
from procurement import selectors
from procurement.models import PriorityIssue, Subscription
from procurement.services import subscriptions as services
from ssp_portal.web import safe_next


def _back(request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect(safe_next(request, reverse("procurement:subscription-list")))


@login_required
@require_GET
def subscription_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "procurement/subscription_list.html",
        {"subscriptions": selectors.subscriptions_of(user=request.user)},
    )


@login_required
@require_POST
def follow(request: HttpRequest) -> HttpResponse:
    slug, issue_id = request.POST.get("municipality", ""), request.POST.get("priority_issue", "")
    if slug:
        municipality = get_object_or_404(Municipality, slug=slug, is_active=True)
        services.subscription_follow(user=request.user, municipality=municipality)
        messages.success(
            request,
            _("You will get an e-mail when %(name)s publishes a competition.") % {"name": municipality},
        )
    elif issue_id.isdigit():
        issue = get_object_or_404(PriorityIssue, pk=issue_id, state=PriorityIssue.State.APPROVED)
        services.subscription_follow(user=request.user, priority_issue=issue)
        messages.success(
            request,
            _("You will get an e-mail when a competition on “%(title)s” is published.")
            % {"title": issue.title},
        )
    else:
        messages.error(request, _("Choose a municipality or a priority issue to follow."))
    return _back(request)


@login_required
@require_POST
def unfollow(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_object_or_404(Subscription, pk=pk, user=request.user)
    services.subscription_unfollow(subscription=subscription, by=request.user)
    messages.success(request, _("You no longer follow it."))
    return _back(request)
