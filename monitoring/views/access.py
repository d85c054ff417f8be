"""Which project, report, award or municipality a request may reach, and how it is refused.

Every monitoring view finds its object here: what the person may not see at all is 404 (another
organization's project, an award of another municipality), what they may see but not do is 403.
The rules themselves are :mod:`monitoring.permissions`; these helpers only apply them to a request.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from monitoring import permissions
from monitoring.models import MonitoringReport, Project
from organizations.models import Municipality
from procurement.models import Award


def contracting_municipality(request: HttpRequest, slug: str) -> Municipality:
    """The municipality's finance staff only; to everyone else it is 404."""
    municipality = get_object_or_404(Municipality, slug=slug, is_active=True)
    if not permissions.can_contract(request.user, municipality):
        raise Http404
    return municipality


def contracted_award(request: HttpRequest, pk: int) -> Award:
    """An award to sign the grant agreement of: its municipality's finance staff only (else 404)."""
    award = get_object_or_404(
        Award.objects.select_related("competition__municipality", "application__organization"), pk=pk
    )
    if not permissions.can_contract(request.user, award.competition.municipality):
        raise Http404
    return award


def visible_project(request: HttpRequest, pk: int) -> Project:
    return get_object_or_404(Project.objects.visible_to(request.user).select_related("municipality"), pk=pk)


def managed_project(request: HttpRequest, pk: int) -> Project:
    """The municipality's finance staff; others who may see it get 403, everyone else 404."""
    project = visible_project(request, pk)
    if not permissions.can_manage_project(request.user, project):
        raise PermissionDenied
    return project


def visited_project(request: HttpRequest, pk: int) -> Project:
    """A project whose site visits the person records (a consultant or finance staff); others who
    may see it get 403."""
    project = visible_project(request, pk)
    if not permissions.can_record_visit(request.user, project):
        raise PermissionDenied
    return project


def visible_report(request: HttpRequest, pk: int) -> MonitoringReport:
    return get_object_or_404(
        MonitoringReport.objects.visible_to(request.user).select_related(
            "project__municipality", "project__organization"
        ),
        pk=pk,
    )


def written_report(request: HttpRequest, pk: int) -> MonitoringReport:
    """Only the project's organization writes its reports; others who may see it get 403."""
    report = visible_report(request, pk)
    if not permissions.can_write_report(request.user, report):
        raise PermissionDenied
    return report


def reviewed_report(request: HttpRequest, pk: int) -> MonitoringReport:
    """A report of a municipality the person reviews for (a consultant or finance staff); others
    who may see it get 403."""
    report = visible_report(request, pk)
    if not permissions.reviews_for(request.user, report.project.municipality):
        raise PermissionDenied
    return report
