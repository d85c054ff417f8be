"""A monitoring report's page: the organization's draft, its attachments and its submission; what
the reviewer reads."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from monitoring import forms, permissions, selectors
from monitoring.changes import round_changes
from monitoring.models import MonitoringReport, ReportRound
from monitoring.services import reports as report_services
from monitoring.spending import spend_for_report, spend_totals
from monitoring.views import access
from organizations.models import User
from ssp_portal import web
from ssp_portal.audit.selectors import audit_timeline


def _draft_form(report: MonitoringReport, data=None) -> forms.ReportDraftForm:
    return forms.ReportDraftForm(
        data,
        report=report,
        rows=spend_for_report(report),
        answering=report_services.answerable_round(report),
    )


def _read_context(report: MonitoringReport, rounds: list[ReportRound]) -> dict[str, Any]:
    """What a report that cannot change shows: its spending, and what the latest round changed
    beside the comments of the round before and their answers."""
    spend = spend_for_report(report)
    changes = round_changes(rounds)
    return {
        "spend": spend,
        "totals": spend_totals(spend),
        "changes": changes,
        "answered": rounds[-2] if changes else None,
    }


def report_context(request: HttpRequest, report: MonitoringReport, **forms_: Any) -> dict[str, Any]:
    editable = permissions.can_edit_report(request.user, report)
    review = permissions.can_review_report(request.user, report)
    rounds = list(report.rounds.all())
    latest = rounds[-1] if rounds else None
    context: dict[str, Any] = {
        "report": report,
        "project": report.project,
        "review_refusal": review.reason,
        "editable": editable,
        "problems": report_services.report_problems(report) if editable else [],
        "rounds": rounds,
        "events": audit_timeline(target=report),
        "latest_comments": latest.section_comments
        if latest and latest.decision == ReportRound.Decision.REVISION_REQUESTED
        else [],
    }
    if editable:
        context["form"] = forms_.get("form") or _draft_form(report)
        context["attachment_form"] = forms_.get("attachment_form") or forms.ReportAttachmentForm()
    else:
        context.update(_read_context(report, rounds))
    if review and report.state == MonitoringReport.State.SUBMITTED:
        context["review_form"] = forms_.get("review_form") or forms.ReviewForm()
    return context


def report_page(
    request: HttpRequest, report: MonitoringReport, status: int = 200, **forms_: Any
) -> HttpResponse:
    """The report's page as it is stored now, with the forms given as they were sent."""
    fresh = selectors.report_detail(user=request.user, pk=report.pk)
    return render(
        request, "monitoring/report_detail.html", report_context(request, fresh, **forms_), status=status
    )


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.detailed_report(request, pk)
    return render(request, "monitoring/report_detail.html", report_context(request, report))


def _save_draft(
    report: MonitoringReport, by: User, form: forms.ReportDraftForm, submitting: bool
) -> tuple[list[str], list[str]]:
    """The draft saved, and submitted when ``submitting``: (the sections that changed, what is
    still missing before it can be submitted)."""
    if submitting:
        return report_services.report_save_and_submit(report=report, by=by, draft=form.draft())
    return report_services.report_save_draft(report=report, by=by, draft=form.draft()), []


def _say_saved(request: HttpRequest, submitting: bool, changed: list[str], missing: list[str]) -> None:
    if submitting and not missing:
        messages.success(request, _("The report is submitted for review."))
    elif submitting:
        messages.error(
            request,
            _("The draft is saved, but the report is not submitted yet:")
            if changed
            else _("The report is not submitted yet:"),
        )
        for message in missing:
            messages.error(request, message)
    elif changed:
        messages.success(request, _("The draft is saved."))
    else:
        messages.info(request, _("Nothing had changed: the report is as it was."))


@login_required
@require_POST
def report_save(request: HttpRequest, pk: int) -> HttpResponse:
    """The report's draft, saved whole by one service call; with "Submit the report"
    (``submit_report``) it is then submitted if nothing is missing. Whatever is wrong is shown
    beside its field, with everything as typed, and then nothing is saved or submitted."""
    access.written_report(request, pk)
    report = access.detailed_report(request, pk)
    form = _draft_form(report, request.POST)
    submitting = "submit_report" in request.POST
    if form.is_valid():
        try:
            changed, missing = _save_draft(report, request.user, form, submitting)
        except ValidationError as exc:
            # Beside the fields; or, when the report cannot change now (submitted, or the project
            # stopped), as messages.
            web.show_refusal(request, form, exc)
        else:
            _say_saved(request, submitting, changed, missing)
            if submitting and not missing:
                return redirect(report)
            return redirect(f"{report.get_absolute_url()}#report-form")
    return render(
        request, "monitoring/report_detail.html", report_context(request, report, form=form), status=400
    )


@login_required
@require_POST
def report_attach(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.written_report(request, pk)
    form = forms.ReportAttachmentForm(request.POST, request.FILES)
    attached = web.form_saved(
        form,
        lambda: report_services.report_attach(
            report=report, by=request.user, kind=form.cleaned_data["kind"], file=form.cleaned_data["file"]
        ),
    )
    if attached:
        return web.done(request, _("Saved."), f"{report.get_absolute_url()}#attachment_form")
    return report_page(request, report, status=400, attachment_form=form)


@login_required
@require_GET
def report_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    attachment = access.report_attachment(request, pk, attachment_pk)
    return attachment.file_response()


@login_required
@require_POST
def report_detach(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    attachment = access.written_attachment(request, pk, attachment_pk)
    try:
        report_services.report_detach(attachment=attachment, by=request.user)
    except ValidationError as exc:
        web.refuse(request, exc)
    return redirect(f"{attachment.report.get_absolute_url()}#attachment_form")
