"""Site visits: a consultant (or finance staff) records a visit to the project, with photos."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from monitoring import forms
from monitoring.services import reports as report_services
from monitoring.views import access
from ssp_portal import web
from ssp_portal.files import accepts_files


@accepts_files(forms.MAX_VISIT_PHOTOS)
@login_required
@require_http_methods(["GET", "POST"])
def site_visit_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.visited_project(request, pk)
    form = forms.SiteVisitForm(request.POST or None, request.FILES or None)
    recorded = request.method == "POST" and web.form_saved(
        form,
        lambda: report_services.site_visit_record(
            project=project,
            by=request.user,
            data={k: form.cleaned_data[k] for k in ("visited_on", "visitors", "observed", "findings")},
            photos=form.cleaned_data["photos"],
        ),
    )
    if recorded:
        return web.done(request, _("The site visit is recorded."), f"{project.get_absolute_url()}#visits")
    return render(
        request,
        "monitoring/site_visit_form.html",
        {"project": project, "form": form},
        status=web.form_status(request),
    )


@login_required
@require_GET
def visit_photo(request: HttpRequest, pk: int, photo_pk: int) -> FileResponse:
    photo = access.visit_photo(request, pk, photo_pk)
    return photo.file_response()
