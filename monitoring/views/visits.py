"""Site visits: a consultant (or finance staff) records a visit to the project, with photos."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from monitoring import forms
from monitoring.models import SiteVisitPhoto
from monitoring.services import reports as report_services
from monitoring.views import access
from ssp_portal import web
from ssp_portal.files import accepts_files, stored_file_response


@accepts_files(forms.MAX_VISIT_PHOTOS)
@login_required
@require_http_methods(["GET", "POST"])
def site_visit_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.visited_project(request, pk)
    form = forms.SiteVisitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("visited_on", "visitors", "observed", "findings")}
        try:
            report_services.site_visit_record(
                project=project, by=request.user, data=data, photos=form.cleaned_data["photos"]
            )
        except ValidationError as exc:
            web.form_errors(form, exc)
        else:
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
    project = access.visible_project(request, pk)
    photo = get_object_or_404(
        SiteVisitPhoto.objects.select_related("visit__project"), visit__project=project, pk=photo_pk
    )
    return stored_file_response(photo, name=photo.download_name())
