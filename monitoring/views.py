from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from monitoring import forms, permissions, selectors
from monitoring.changes import round_changes
from monitoring.models import (
    Indicator,
    MonitoringReport,
    PaymentTranche,
    Project,
    ReportAttachment,
    ReportRound,
    SiteVisitPhoto,
)
from monitoring.services import projects as project_services
from monitoring.services import reports as report_services
from monitoring.spending import spend_for_report, spend_totals
from organizations.models import Municipality
from procurement.models import Award
from ssp_portal import web
from ssp_portal.audit.selectors import audit_timeline
from ssp_portal.confirmation import confirmation_token, entered, is_confirmed, is_stale
from ssp_portal.files import accepts_files, stored_file_response
from ssp_portal.formatting import format_soms
from ssp_portal.rows.views import edit_rows


def _contracting_municipality(request: HttpRequest, slug: str) -> Municipality:
    municipality = get_object_or_404(Municipality, slug=slug, is_active=True)
    if not permissions.can_contract(request.user, municipality):
        raise Http404
    return municipality


def _visible_project(request: HttpRequest, pk: int) -> Project:
    return get_object_or_404(Project.objects.visible_to(request.user).select_related("municipality"), pk=pk)


def _managed_project(request: HttpRequest, pk: int) -> Project:
    """The municipality's finance staff; others who may see it get 403, everyone else 404."""
    project = _visible_project(request, pk)
    if not permissions.can_manage_project(request.user, project):
        raise PermissionDenied
    return project


def _visible_report(request: HttpRequest, pk: int) -> MonitoringReport:
    return get_object_or_404(
        MonitoringReport.objects.visible_to(request.user).select_related(
            "project__municipality", "project__organization"
        ),
        pk=pk,
    )


def _written_report(request: HttpRequest, pk: int) -> MonitoringReport:
    report = _visible_report(request, pk)
    if not permissions.can_write_report(request.user, report):
        raise PermissionDenied
    return report


# Contracting and the municipality's projects ---------------------------------------------------------


def _contract_forms(awards, bound: tuple[int, forms.ContractForm] | None = None) -> list:
    rows = []
    for award in awards:
        if bound and bound[0] == award.pk:
            rows.append((award, bound[1]))
            continue
        competition = award.competition
        initial = {
            "contract_number": f"{competition.reference}/{award.rank}",
            "start_date": competition.project_start,
            "end_date": competition.project_end,
        }
        rows.append((award, forms.ContractForm(prefix=f"award-{award.pk}", initial=initial)))
    return rows


def _projects_page(
    request: HttpRequest, municipality: Municipality, bound=None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "monitoring/municipality_projects.html",
        {
            "municipality": municipality,
            "to_contract": _contract_forms(selectors.awards_to_contract(municipality=municipality), bound),
            "rows": selectors.projects_of_municipality(municipality=municipality),
        },
        status=status,
    )


@login_required
@require_GET
def municipality_projects(request: HttpRequest, slug: str) -> HttpResponse:
    return _projects_page(request, _contracting_municipality(request, slug))


@login_required
@require_POST
def contract(request: HttpRequest, pk: int) -> HttpResponse:
    award = get_object_or_404(
        Award.objects.select_related("competition__municipality", "application__organization"), pk=pk
    )
    municipality = award.competition.municipality
    if not permissions.can_contract(request.user, municipality):
        raise Http404
    form = forms.ContractForm(request.POST, prefix=f"award-{award.pk}")
    if form.is_valid():
        try:
            project = project_services.project_create_from_award(
                award=award, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            web.form_errors(form, exc)
        else:
            messages.success(request, _("The grant agreement is recorded; the project has started."))
            return redirect(project)
    return _projects_page(request, municipality, bound=(award.pk, form), status=400)


# The project ---------------------------------------------------------------------------------------


@login_required
@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_detail(user=request.user, pk=pk)
    if project is None:
        raise Http404
    [row] = selectors.project_rows(Project.objects.filter(pk=project.pk))
    values = selectors.latest_values([project])
    return render(
        request,
        "monitoring/project_detail.html",
        {
            "project": project,
            "row": row,
            "indicators": [(indicator, values.get(indicator.pk)) for indicator in project.indicators.all()],
            "manager": permissions.can_manage_project(request.user, project),
            "payer": permissions.can_pay_tranches(request.user, project),
            "payment_refusal": permissions.own_organization_refusal(request.user, project, "pay")
            if permissions.can_manage_project(request.user, project)
            else "",
            "member": permissions.is_project_member(request.user, project),
            "visitor": permissions.can_record_visit(request.user, project),
            "paid_form": forms.TranchePaidForm(),
            "events": audit_timeline(target=project),
        },
    )


def _project_rows(
    request: HttpRequest, project: Project, formset, save, saved: str, title: str, help_text: str
):
    """A project's rows edited as a whole (indicators, tranches), with the row editor."""
    return edit_rows(
        request,
        formset=formset,
        save=save,
        template="monitoring/project_rows.html",
        context={
            "project": project,
            "title": title,
            "help": help_text,
            "back_url": project.get_absolute_url(),
        },
        done=project.get_absolute_url(),
        saved=saved,
    )


def indicator_rows(project: Project) -> list[dict[str, Any]]:
    """The project's indicators as their row editor shows them."""
    return [
        {
            "id": i.pk,
            "name": i.name,
            "unit": i.unit,
            "kind": i.kind,
            "baseline": i.baseline,
            "target": i.target,
        }
        for i in project.indicators.all()
    ]


def tranche_rows(tranches) -> list[dict[str, Any]]:
    """Tranches as their row editor shows them."""
    return [
        {
            "id": t.pk,
            "planned_date": t.planned_date,
            "amount": t.amount,
            "condition_report": str(t.condition_report_id or ""),
        }
        for t in tranches
    ]


def report_period_rows(project: Project) -> list[dict[str, Any]]:
    """The project's reports as the schedule's row editor shows them."""
    return [{"id": r.pk, "period_end": r.period_end, "due_date": r.due_date} for r in project.reports.all()]


@login_required
@require_http_methods(["GET", "POST"])
def project_indicators(request: HttpRequest, pk: int) -> HttpResponse:
    project = _managed_project(request, pk)
    rows = indicator_rows(project)
    reported = set(
        Indicator.objects.filter(project=project, values__isnull=False).values_list("pk", flat=True)
    )
    formset = forms.IndicatorFormSet(
        request.POST or None,
        rows=rows,
        locked=reported,
        read_only=project_services.project_setup_refusal(project),
        prefix="indicators",
    )
    return _project_rows(
        request,
        project,
        formset,
        lambda: project_services.project_set_indicators(
            project=project,
            by=request.user,
            indicators=[project_services.IndicatorData(**row) for row in formset.rows()],
        ),
        saved=_("The indicators are saved."),
        title=_("Indicators"),
        help_text=_("What the project will change, with the value at the start and the value it aims for."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_tranches(request: HttpRequest, pk: int) -> HttpResponse:
    project = _managed_project(request, pk)
    tranches = list(project.tranches.all())
    formset = forms.TrancheFormSet(
        request.POST or None,
        rows=tranche_rows(tranches),
        locked={t.pk for t in tranches if t.is_paid},
        read_only=project_services.project_setup_refusal(project),
        prefix="tranches",
        project=project,
    )
    return _project_rows(
        request,
        project,
        formset,
        lambda: project_services.project_set_tranches(
            project=project,
            by=request.user,
            tranches=[project_services.TrancheData(**row) for row in formset.rows()],
        ),
        saved=_("The payment schedule is saved."),
        title=_("Payment tranches"),
        help_text=_(
            "The tranches add up to the awarded amount, %(amount)s. A tranche tied to a report is paid only "
            "once the report is accepted."
        )
        % {"amount": format_soms(project.amount)},
    )


def _schedule_formset(request: HttpRequest, project: Project, data=None):
    return forms.ReportPeriodFormSet(
        data,
        rows=report_period_rows(project),
        locked=project_services.started_reports(project),
        read_only=project_services.project_setup_refusal(project),
        prefix="reports",
        project=project,
    )


def _schedule_context(project: Project, generator: forms.ScheduleForm) -> dict[str, Any]:
    return {
        "project": project,
        "title": _("Reporting schedule"),
        "back_url": project.get_absolute_url(),
        "generator": generator,
    }


@login_required
@require_http_methods(["GET", "POST"])
def project_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    """The reports of the project, edited as rows."""
    project = _managed_project(request, pk)
    formset = _schedule_formset(request, project, request.POST or None)
    return edit_rows(
        request,
        formset=formset,
        save=lambda: project_services.project_set_report_periods(
            project=project,
            by=request.user,
            periods=[project_services.PeriodData(**row) for row in formset.rows()],
        ),
        template="monitoring/project_schedule.html",
        context=_schedule_context(project, forms.ScheduleForm()),
        done=project.get_absolute_url(),
        saved=_("The reporting schedule is saved."),
    )


@login_required
@require_POST
def project_schedule_fill(request: HttpRequest, pk: int) -> HttpResponse:
    """The reports filled in at once, every few months or ending on given dates."""
    project = _managed_project(request, pk)
    generator = forms.ScheduleForm(request.POST)
    if generator.is_valid():
        try:
            project_services.project_set_schedule(
                project=project,
                by=request.user,
                every_months=generator.cleaned_data["every_months"],
                period_ends=generator.cleaned_data["period_ends"],
                due_days=generator.cleaned_data["due_days"],
            )
        except ValidationError as exc:
            web.form_errors(generator, exc)
        else:
            messages.success(request, _("The reporting schedule is filled in; adjust it below if needed."))
            return redirect("monitoring:project-schedule", pk=project.pk)
    return render(
        request,
        "monitoring/project_schedule.html",
        {**_schedule_context(project, generator), "formset": _schedule_formset(request, project)},
        status=400,
    )


def project_state_token(change: project_services.StateChange, reason: str) -> str:
    """What the confirmation of a state change shows: the change, the reason, the reports still
    due, the tranches not paid and who is e-mailed."""
    return confirmation_token(
        change.project.pk,
        change.project.state,
        change.state,
        reason,
        [(report.pk, report.state) for report in change.pending],
        [(tranche.pk, tranche.amount) for tranche in change.unpaid],
        [user.pk for user in change.recipients],
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_state(request: HttpRequest, pk: int, state: str) -> HttpResponse:
    """The reason (to suspend or terminate), then what the change means, then the change."""
    project = _managed_project(request, pk)
    if state not in Project.State.values:
        raise Http404
    label = Project.State(state).label.lower()
    if project.state == state:
        # The confirmation was sent twice, or another tab did it.
        messages.info(request, _("The project is %(state)s.") % {"state": label})
        return redirect(project)
    change = project_services.state_change(project=project, state=state)
    reasoned = state in project_services.REASONED
    form = forms.ReasonForm(entered(request) if reasoned else None, state=state)
    context: dict[str, Any] = {
        "project": project,
        "state": state,
        "state_label": Project.State(state).label,
        "change": change,
        "form": form,
        "back_url": project.get_absolute_url(),
        "final": state in project_services.FINAL,
        "problems": [
            (message, report.get_absolute_url() if report else None) for message, report in change.problems
        ],
    }
    if change.problems:
        status = web.form_status(request)
        return render(request, "monitoring/confirm_project_state.html", context, status=status)
    if reasoned and not (form.is_bound and form.is_valid()):
        context["entering"] = True
        return render(
            request, "monitoring/confirm_project_state.html", context, status=400 if form.is_bound else 200
        )
    reason = form.cleaned_data["reason"] if reasoned else ""
    token = project_state_token(change, reason)
    if is_confirmed(request, token):
        try:
            project_services.project_change_state(
                project=project, by=request.user, state=state, reason=reason
            )
        except ValidationError as exc:
            context["problems"] = [(message, None) for message in exc.messages]
            return render(request, "monitoring/confirm_project_state.html", context, status=400)
        messages.success(request, _("The project is now %(state)s.") % {"state": label})
        return redirect(project)
    context.update(reason=reason, token=token, stale=is_stale(request, token))
    return render(request, "monitoring/confirm_project_state.html", context)


def tranche_paid_token(tranche: PaymentTranche, paid_on: datetime.date) -> str:
    return confirmation_token(tranche.pk, tranche.amount, paid_on.isoformat())


@login_required
@require_http_methods(["GET", "POST"])
def tranche_paid(request: HttpRequest, pk: int, tranche_pk: int) -> HttpResponse:
    """The date of the payment, then what recording it means, then the record (it stays)."""
    project = _managed_project(request, pk)
    tranche = get_object_or_404(
        PaymentTranche.objects.select_related("condition_report", "project"), project=project, pk=tranche_pk
    )
    back_url = f"{project.get_absolute_url()}#tranches"
    own = permissions.own_organization_refusal(request.user, project, "pay")
    if own:
        messages.error(request, own)
        return redirect(back_url)
    if tranche.is_paid:
        messages.info(request, _("Tranche %(number)d is recorded as paid.") % {"number": tranche.number})
        return redirect(back_url)
    form = forms.TranchePaidForm(entered(request), initial={"paid_on": timezone.localdate()})
    context: dict[str, Any] = {
        "project": project,
        "tranche": tranche,
        "form": form,
        "back_url": back_url,
        "entering": True,
    }
    if not form.is_bound:
        # What stands in the way whatever the date (a report not accepted yet) is said at once.
        early = project_services.tranche_payment_refusal(tranche=tranche, paid_on=timezone.localdate())
        if early is not None and not hasattr(early, "error_dict"):
            context["problems"] = [(message, None) for message in early.messages]
    if not form.is_bound or not form.is_valid():
        return render(
            request, "monitoring/confirm_tranche_paid.html", context, status=400 if form.is_bound else 200
        )
    paid_on = form.cleaned_data["paid_on"]
    token = tranche_paid_token(tranche, paid_on)
    refusal = project_services.tranche_payment_refusal(tranche=tranche, paid_on=paid_on)
    if refusal is None and is_confirmed(request, token):
        try:
            project_services.tranche_mark_paid(tranche=tranche, by=request.user, paid_on=paid_on)
        except ValidationError as exc:
            refusal = exc
        else:
            messages.success(
                request, _("Tranche %(number)d is recorded as paid.") % {"number": tranche.number}
            )
            return redirect(back_url)
    if refusal is not None:
        if hasattr(refusal, "error_dict"):
            web.form_errors(form, refusal)
        else:
            context["problems"] = [(message, None) for message in refusal.messages]
        return render(request, "monitoring/confirm_tranche_paid.html", context, status=400)
    context.update(
        entering=False, confirming=True, paid_on=paid_on, token=token, stale=is_stale(request, token)
    )
    return render(request, "monitoring/confirm_tranche_paid.html", context)


@accepts_files(forms.MAX_VISIT_PHOTOS)
@login_required
@require_http_methods(["GET", "POST"])
def site_visit_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = _visible_project(request, pk)
    if not permissions.can_record_visit(request.user, project):
        raise PermissionDenied
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
            messages.success(request, _("The site visit is recorded."))
            return redirect(f"{project.get_absolute_url()}#visits")
    return render(
        request,
        "monitoring/site_visit_form.html",
        {"project": project, "form": form},
        status=web.form_status(request),
    )


@login_required
@require_GET
def visit_photo(request: HttpRequest, pk: int, photo_pk: int) -> FileResponse:
    project = _visible_project(request, pk)
    photo = get_object_or_404(
        SiteVisitPhoto.objects.select_related("visit__project"), visit__project=project, pk=photo_pk
    )
    return stored_file_response(photo, name=photo.download_name())


# Reports ------------------------------------------------------------------------------------------


def _draft_form(report: MonitoringReport, data=None) -> forms.ReportDraftForm:
    return forms.ReportDraftForm(
        data,
        report=report,
        rows=spend_for_report(report),
        answering=report_services.answerable_round(report),
    )


def _report_context(request: HttpRequest, report: MonitoringReport, **forms_: Any) -> dict[str, Any]:
    writer = permissions.can_write_report(request.user, report)
    reviewer = permissions.can_review_report(request.user, report)
    review_refusal = (
        permissions.own_organization_refusal(request.user, report.project, "review")
        if permissions.reviews_for(request.user, report.project.municipality)
        else ""
    )
    editable = writer and report.editable and report.project.state == Project.State.ACTIVE
    rounds = list(report.rounds.all())
    context: dict[str, Any] = {
        "report": report,
        "project": report.project,
        "writer": writer,
        "reviewer": reviewer,
        "review_refusal": review_refusal,
        "editable": editable,
        "problems": report_services.report_problems(report) if editable else [],
        "rounds": rounds,
        "events": audit_timeline(target=report),
    }
    latest = rounds[-1] if rounds else None
    context["latest_comments"] = (
        latest.section_comments
        if latest and latest.decision == ReportRound.Decision.REVISION_REQUESTED
        else []
    )
    if editable:
        context["form"] = forms_.get("form") or _draft_form(report)
        context["attachment_form"] = forms_.get("attachment_form") or forms.ReportAttachmentForm()
    else:
        context["spend"] = spend_for_report(report)
        context["totals"] = spend_totals(context["spend"])
        # What the latest round changed, beside the comments of the round before and their answers.
        context["changes"] = round_changes(rounds)
        context["answered"] = rounds[-2] if context["changes"] else None
    if reviewer and report.state == MonitoringReport.State.SUBMITTED:
        context["review_form"] = forms_.get("review_form") or forms.ReviewForm()
    return context


def _report_page(
    request: HttpRequest, report: MonitoringReport, status: int = 200, **forms_: Any
) -> HttpResponse:
    fresh = selectors.report_detail(user=request.user, pk=report.pk)
    return render(
        request, "monitoring/report_detail.html", _report_context(request, fresh, **forms_), status=status
    )


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_detail(user=request.user, pk=pk)
    if report is None:
        raise Http404
    return render(request, "monitoring/report_detail.html", _report_context(request, report))


def _save(request: HttpRequest, report: MonitoringReport, action, form_name: str, form) -> HttpResponse:
    if form.is_valid():
        try:
            action(form)
        except ValidationError as exc:
            web.form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(f"{report.get_absolute_url()}#{form_name}")
    return _report_page(request, report, status=400, **{form_name: form})


@login_required
@require_POST
def report_save(request: HttpRequest, pk: int) -> HttpResponse:
    """The report's draft, saved whole by one service call; with "Submit the report"
    (``submit_report``) it is then submitted if nothing is missing. Whatever is wrong is shown
    beside its field, with everything as typed, and then nothing is saved or submitted."""
    _written_report(request, pk)
    report = selectors.report_detail(user=request.user, pk=pk)
    form = _draft_form(report, request.POST)
    submitting = "submit_report" in request.POST
    if form.is_valid():
        missing: list[str] = []
        try:
            if submitting:
                changed, missing = report_services.report_save_and_submit(
                    report=report, by=request.user, draft=form.draft()
                )
            else:
                changed = report_services.report_save_draft(
                    report=report, by=request.user, draft=form.draft()
                )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                form.add_error(None, exc)
            else:
                # The report cannot change now (submitted, or the project stopped).
                web.refuse(request, exc)
        else:
            if submitting and not missing:
                messages.success(request, _("The report is submitted for review."))
                return redirect(report)
            if submitting:
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
            return redirect(f"{report.get_absolute_url()}#report-form")
    return render(
        request, "monitoring/report_detail.html", _report_context(request, report, form=form), status=400
    )


@login_required
@require_POST
def report_attach(request: HttpRequest, pk: int) -> HttpResponse:
    report = _written_report(request, pk)
    form = forms.ReportAttachmentForm(request.POST, request.FILES)
    return _save(
        request,
        report,
        lambda f: report_services.report_attach(
            report=report, by=request.user, kind=f.cleaned_data["kind"], file=f.cleaned_data["file"]
        ),
        "attachment_form",
        form,
    )


@login_required
@require_GET
def report_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    report = _visible_report(request, pk)
    attachment = get_object_or_404(
        ReportAttachment.objects.select_related("report__project"), report=report, pk=attachment_pk
    )
    return stored_file_response(attachment, name=attachment.download_name())


@login_required
@require_POST
def report_detach(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    report = _written_report(request, pk)
    attachment = get_object_or_404(ReportAttachment, report=report, pk=attachment_pk)
    try:
        report_services.report_detach(attachment=attachment, by=request.user)
    except ValidationError as exc:
        web.refuse(request, exc)
    return redirect(f"{report.get_absolute_url()}#attachment_form")


@login_required
@require_POST
def report_review(request: HttpRequest, pk: int) -> HttpResponse:
    report = _visible_report(request, pk)
    if not permissions.reviews_for(request.user, report.project.municipality):
        raise PermissionDenied
    own = permissions.own_organization_refusal(request.user, report.project, "review")
    if own:
        messages.error(request, own)
        return redirect(report)
    form = forms.ReviewForm(request.POST)
    if form.is_valid():
        try:
            report_services.report_review(
                report=report,
                by=request.user,
                accept=form.cleaned_data["decision"] == "accept",
                comments=form.comments(),
            )
        except ValidationError as exc:
            web.form_errors(form, exc)
        else:
            messages.success(request, _("The review is recorded; the organization is told."))
            return redirect(report)
    return _report_page(request, report, status=400, review_form=form)


# Work lists ---------------------------------------------------------------------------------------


@login_required
@require_GET
def reviewer_queue(request: HttpRequest) -> HttpResponse:
    from organizations.selectors import user_roles

    roles = user_roles(user=request.user)
    if not roles.municipalities:
        raise PermissionDenied
    show = request.GET.get("show", "")
    municipality = request.GET.get("municipality", "")
    return render(
        request,
        "monitoring/reviewer_queue.html",
        {
            "queue": selectors.reviewer_queue(user=request.user, municipality=municipality, show=show),
            # Reports of organizations the person belongs to are someone else's to review.
            "own_organizations": set(
                request.user.organization_memberships.values_list("organization_id", flat=True)
            ),
            "municipalities": roles.municipalities,
            "show": show,
            "current_municipality": municipality,
        },
    )


@login_required
@require_GET
def reports_due(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "monitoring/reports_due.html",
        {
            "reports": selectors.reports_due_for_member(user=request.user),
            "paused": selectors.reports_paused_for_member(user=request.user),
        },
    )
