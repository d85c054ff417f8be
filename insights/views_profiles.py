"""The public profile of an organization: what it is and its track record (insights/records.py)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from insights import records
from monitoring.models import Project
from ssp_portal import charts
from ssp_portal.public_cache import public_page

PAGE_SIZE = 20


def profile_charts(record: records.TrackRecord, years: list[records.Year]) -> list[charts.Chart]:
    """Awards by year (soms) and projects by state (the states it has projects in)."""
    states = [state for state in Project.State if record.projects.get(state)]
    return [
        charts.Chart(
            "awards-by-year",
            _("Awarded by year, soms"),
            [str(year.year) for year in years],
            [charts.Series(_("Awarded"), [year.awarded for year in years])],
            money=True,
            label_header=_("Year"),
            note=_("The year of the competition's submission deadline."),
        ),
        charts.Chart(
            "projects-by-state",
            _("Projects by state"),
            [state.label for state in states],
            [charts.Series(_("Projects"), [record.projects[state] for state in states])],
            kind="pie",
            label_header=_("State"),
        ),
    ]


@public_page
@require_GET
def organization_profile(request: HttpRequest, pk: int) -> HttpResponse:
    organization = records.public_organizations().filter(pk=pk).first()
    if organization is None:
        raise Http404
    record = records.track_record(organization)
    figures = profile_charts(record, records.by_year(organization))
    if answer := charts.export(request, figures, name=[organization.name]):
        return answer
    page = Paginator(records.past_applications(organization), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "insights/profile.html",
        {"organization": organization, "record": record, "charts": figures, "page": page},
    )
