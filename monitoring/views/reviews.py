"""The review of a submitted report: accepted, or sent back with comments per section."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from monitoring import forms, permissions
from monitoring.services import reports as report_services
from monitoring.views import access
from monitoring.views.reports import report_page
from ssp_portal import web


@login_required
@require_POST
def report_review(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.reviewed_report(request, pk)
    reviewer = permissions.can_review_report(request.user, report)
    if not reviewer:
        return web.refused(request, ValidationError(reviewer.reason), report)
    form = forms.ReviewForm(request.POST)
    reviewed = web.form_saved(
        form,
        lambda: report_services.report_review(
            report=report,
            by=request.user,
            accept=form.cleaned_data["decision"] == "accept",
            comments=form.comments(),
        ),
    )
    if reviewed:
        return web.done(request, _("The review is recorded; the organization is told."), report)
    return report_page(request, report, status=400, review_form=form)
