"""Which competition, municipality, priority issue or application a request may reach, and how it is refused.

Every procurement view finds its object here: what the person may not see at all is 404 (a sealed
application, a draft competition), what they may see but not change is 403. The rules themselves are
:mod:`procurement.permissions`; these helpers only apply them to a request.

Reads and writes are apart: a ``read_…`` helper lets in the municipality's finance staff and its
auditors (who read what the staff read and change nothing), a ``managed_…`` one its finance staff
alone. A page with a form, and every POST, finds its object with a ``managed_…`` helper.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from organizations.models import Municipality
from procurement import permissions
from procurement.models import Application, Competition, PriorityIssue


def visible_competition(request: HttpRequest, reference: str) -> Competition:
    return get_object_or_404(
        Competition.objects.visible_to(request.user).select_related("municipality", "priority_issue"),
        reference=reference,
    )


def managed_competition(request: HttpRequest, reference: str) -> Competition:
    """Its municipality's staff only: others who can see it get 403, a draft is 404 to them."""
    competition = visible_competition(request, reference)
    if not permissions.can_manage_competition(request.user, competition):
        raise PermissionDenied
    return competition


def read_competition(request: HttpRequest, reference: str) -> Competition:
    """Its municipality's staff and auditors: others who can see it get 403, a draft is 404 to them."""
    competition = visible_competition(request, reference)
    if not permissions.can_read_competition(request.user, competition):
        raise PermissionDenied
    return competition


def read_municipality(request: HttpRequest, slug: str) -> Municipality:
    """The staff's pages of a municipality, to read: its staff and auditors; 404 to everyone else."""
    municipality = get_object_or_404(Municipality, slug=slug, is_active=True)
    if not permissions.can_read_municipality(request.user, municipality):
        raise Http404
    return municipality


def managed_municipality(request: HttpRequest, slug: str) -> Municipality:
    """Its staff only: its auditors, who read its pages, get 403; everyone else 404."""
    municipality = read_municipality(request, slug)
    if not permissions.can_manage_municipality(request.user, municipality):
        raise PermissionDenied
    return municipality


def followed_competition(request: HttpRequest, reference: str) -> Competition:
    """The commission and the municipality's staff and auditors; others get 404 for a draft, 403
    otherwise."""
    competition = visible_competition(request, reference)
    if not permissions.can_follow_evaluation(request.user, competition):
        raise PermissionDenied
    return competition


def managed_priority_issue(request: HttpRequest, pk: int) -> PriorityIssue:
    """Its municipality's staff. Drafts are 404 to others but its auditors, who read them (403);
    approved ones are public (403)."""
    issue = get_object_or_404(PriorityIssue.objects.select_related("municipality"), pk=pk)
    if permissions.can_manage_priority_issue(request.user, issue):
        return issue
    if issue.is_approved or permissions.can_read_municipality(request.user, issue.municipality):
        raise PermissionDenied
    raise Http404


def visible_application(request: HttpRequest, pk: int) -> Application:
    """An application the person may see: sealed ones are their organization's alone (else 404)."""
    return get_object_or_404(
        Application.objects.visible_to(request.user).select_related(
            "competition__municipality", "organization", "ineligible_requirement"
        ),
        pk=pk,
    )


def own_application(request: HttpRequest, pk: int) -> Application:
    """Only the organization's members change it; others who may see it get 403."""
    application = visible_application(request, pk)
    if not permissions.can_edit_application(request.user, application):
        raise PermissionDenied
    return application
