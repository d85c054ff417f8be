"""Which project, report, award or municipality a request may reach, and how it is refused.

Every monitoring view finds its object here: what the person may not see at all is 404 (another
organization's report, an award of another municipality), what they may see but not do is 403. A
project's working page is the exception: who may not read it gets its public page instead.
The rules themselves are :mod:`monitoring.permissions`; these helpers only apply them to a request.

The municipality's auditors read what its finance staff read (``read_municipality``, and the
projects and reports ``Project.objects.visible_to`` shows them); every helper that leads to a
change asks a rule of the staff, the consultants or the organization, never the auditors.
"""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from monitoring import permissions, selectors
from monitoring.models import MonitoringReport, Project, ReportAttachment, SiteVisitPhoto
from organizations.models import Municipality
from procurement.models import Award

T = TypeVar("T")


def _allowed(found: T, allowed: bool) -> T:
    """``found``, which the person may see: 403 unless they may also do what they came for."""
    if not allowed:
        raise PermissionDenied
    return found


def _found(found: T | None, shown: bool = True) -> T:
    """``found``, unless it is None or not to be shown to the person: then 404."""
    if found is None or not shown:
        raise Http404
    return found


def read_municipality(request: HttpRequest, slug: str) -> Municipality:
    """The municipality's lists of projects and tranches, to read: its finance staff and its
    auditors; to everyone else it is 404."""
    municipality = get_object_or_404(Municipality, slug=slug, is_active=True)
    return _found(municipality, permissions.can_read_municipality(request.user, municipality))


def contracted_award(request: HttpRequest, pk: int) -> Award:
    """An award to sign the grant agreement of: its municipality's finance staff only (else 404)."""
    awards = Award.objects.select_related("competition__municipality", "application__organization")
    award = get_object_or_404(awards, pk=pk)
    return _found(award, permissions.can_contract(request.user, award.competition.municipality))


def visible_project(request: HttpRequest, pk: int) -> Project:
    return get_object_or_404(Project.objects.visible_to(request.user).select_related("municipality"), pk=pk)


def detailed_project(request: HttpRequest, pk: int) -> Project | None:
    """A project the person may see, with all its page shows (``selectors.project_detail``); None
    for everyone else, who read its public page instead (``views.public``)."""
    return selectors.project_detail(user=request.user, pk=pk)


def managed_project(request: HttpRequest, pk: int) -> Project:
    """The municipality's finance staff; others who may see it get 403, everyone else 404."""
    project = visible_project(request, pk)
    return _allowed(project, permissions.can_manage_project(request.user, project))


def visited_project(request: HttpRequest, pk: int) -> Project:
    """A project whose site visits the person records (a consultant or finance staff); others who
    may see it get 403."""
    project = visible_project(request, pk)
    return _allowed(project, permissions.can_record_visit(request.user, project))


def visit_photo(request: HttpRequest, pk: int, photo_pk: int) -> SiteVisitPhoto:
    """A photo of a visit to a project the person may see."""
    photos = SiteVisitPhoto.objects.select_related("visit__project")
    return get_object_or_404(photos, visit__project=visible_project(request, pk), pk=photo_pk)


def visible_report(request: HttpRequest, pk: int) -> MonitoringReport:
    return get_object_or_404(
        MonitoringReport.objects.visible_to(request.user).select_related(
            "project__municipality", "project__organization"
        ),
        pk=pk,
    )


def detailed_report(request: HttpRequest, pk: int) -> MonitoringReport:
    """A report the person may see, with all its page shows (``selectors.report_detail``)."""
    return _found(selectors.report_detail(user=request.user, pk=pk))


def written_report(request: HttpRequest, pk: int) -> MonitoringReport:
    """Only the project's organization writes its reports; others who may see it get 403."""
    report = visible_report(request, pk)
    return _allowed(report, permissions.can_write_report(request.user, report))


def reviewed_report(request: HttpRequest, pk: int) -> MonitoringReport:
    """A report of a municipality the person reviews for (a consultant or finance staff); others
    who may see it get 403."""
    report = visible_report(request, pk)
    return _allowed(report, permissions.reviews_for(request.user, report.project.municipality))


def report_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> ReportAttachment:
    """A file attached to a report the person may see."""
    attachments = ReportAttachment.objects.select_related("report__project")
    return get_object_or_404(attachments, report=visible_report(request, pk), pk=attachment_pk)


def written_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> ReportAttachment:
    """A file attached to a report the person writes (else 403, or 404 if they may not see it)."""
    return get_object_or_404(ReportAttachment, report=written_report(request, pk), pk=attachment_pk)
