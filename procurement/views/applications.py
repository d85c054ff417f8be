from __future__ import annotations

from typing import Any

from allauth.core.internal import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from organizations.context_processors import request_roles
from organizations.models import Organization, OrganizationDocument
from procurement import exports as procurement_exports
from procurement import exports_nco, permissions, rules, selectors
from procurement.filters import ApplicationFilter, MemberApplicationFilter
from procurement.forms import applications as forms
from procurement.models import Application, ApplicationAttachment, Competition
from procurement.receipts import FIELDS, FORMAT, verify
from procurement.services import applications as services
from procurement.services import attachments as attachment_services
from procurement.views import access
from ssp_portal import exports, web
from ssp_portal.arrival import arrived_at
from ssp_portal.audit.selectors import audit_timeline
from ssp_portal.formatting import format_soms
from ssp_portal.rows.views import edit_rows
from ssp_portal.rules import Answer

# Rows on a page of a list.
PAGE_SIZE = 25

# The organization's pages ------------------------------------------------------------------------


@login_required
@require_POST
def application_start(request: HttpRequest, reference: str) -> HttpResponse:
    competition = access.visible_competition(request, reference)
    organizations = Organization.objects.verified().filter(memberships__user=request.user)
    form = forms.ApplyForm(request.POST, organizations=organizations)
    if not organizations.exists():
        messages.error(request, _("Only members of a verified organization can apply."))
        return redirect(competition)
    if not form.is_valid():
        messages.error(request, _("Choose the organization you apply for."))
        return redirect(competition)
    try:
        application = services.application_start(
            competition=competition, organization=form.cleaned_data["organization"], by=request.user
        )
    except ValidationError as exc:
        return web.refused(request, exc, competition)
    return redirect(application)


@login_required
@require_GET
def my_applications(request: HttpRequest) -> HttpResponse:
    """The person's organizations' applications; as a file (``?export=csv|xlsx``), all of them."""
    organizations = request_roles(request).organizations
    filterset = MemberApplicationFilter(
        request.GET or None,
        queryset=selectors.application_ids_of_member(user=request.user, organizations=organizations),
    )
    applications = selectors.applications_of_member(user=request.user, organizations=organizations)
    if fmt := exports.requested(request):
        return exports_nco.my_applications_file(applications.filter(pk__in=filterset.qs), fmt=fmt)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.page_of(applications, page)
    return render(request, "procurement/my_applications.html", {"filter": filterset, "page": page})


@login_required
@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_detail(user=request.user, pk=pk)
    if application is None:
        raise Http404
    member = permissions.can_edit_application(request.user, application)
    actions = permissions.application_actions(request.user, application)
    context: dict[str, Any] = {
        **_detail_context(application, actions),
        "member": member,
        "manager": permissions.can_manage_competition(request.user, application.competition),
        "maximum_lowered": selectors.maximum_lowered(application=application) if member else None,
    }
    if actions["change"]:
        context["attachment_form"] = forms.AttachmentForm(competition=application.competition)
        context["reusable"] = _reusable(application)
    if application.competition.state == Competition.State.COMPLETED and application.is_submitted:
        # After the results: the organization's own total and place, never the members' sheets.
        rows = selectors.ranking(competition=application.competition)
        context["own_result"] = next((row for row in rows if row.application.pk == application.pk), None)
        context["ranked_count"] = sum(1 for row in rows if row.rank)
    return render(request, "procurement/application_detail.html", context)


def _detail_context(application: Application, actions: dict[str, Answer]) -> dict[str, Any]:
    """What the application's page shows whoever opens it: what is missing, what may be done."""
    return {
        "application": application,
        "competition": application.competition,
        "actions": actions,
        "problems": rules.application_problems(application) if application.is_draft else [],
        "events": audit_timeline(target=application),
    }


def _unchangeable(request: HttpRequest, application: Application) -> HttpResponse | None:
    """Back to the application's page, saying why, when it can no longer change; else None."""
    change = permissions.can_change_application(request.user, application)
    if change:
        return None
    messages.error(request, change.reason)
    return redirect(application)


@login_required
@require_http_methods(["GET", "POST"])
def application_section(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    if section not in forms.SECTION_FORMS:
        raise Http404
    application = access.own_application(request, pk)
    refusal = _unchangeable(request, application)
    if refusal:
        return refusal
    title, form_class = forms.SECTION_FORMS[section]
    form = form_class(request.POST or None, instance=application)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_save_section(
                application=application,
                by=request.user,
                section=section,
                data=form.cleaned_data,
                version=form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            # Saved by someone else meanwhile: the message above the form, the text as typed.
            web.show_refusal(request, form, exc)
        else:
            message = _("Saved. You can come back to it at any time before the deadline.")
            return web.done(request, message, f"{application.get_absolute_url()}#section-{section}")
    return render(
        request,
        "procurement/application_section.html",
        {"application": application, "form": form, "title": title, "section": section},
    )


def activity_rows(application: Application) -> list[dict[str, Any]]:
    """The application's activities as its row editor shows them."""
    return [
        {
            "id": a.pk,
            "title": a.title,
            "description": a.description,
            "start_month": a.start_month,
            "end_month": a.end_month,
        }
        for a in application.activities.all()
    ]


def budget_line_rows(application: Application) -> list[dict[str, Any]]:
    """The application's budget lines as its row editor shows them."""
    return [
        {
            "id": line.pk,
            "category": line.category,
            "description": line.description,
            "unit": line.unit,
            "quantity": line.quantity,
            "unit_cost": line.unit_cost,
        }
        for line in application.budget_lines.all()
    ]


def _rows_context(application: Application, title: str, help_text: str) -> dict[str, Any]:
    return {
        "application": application,
        "title": title,
        "help": help_text,
        "back_url": application.get_absolute_url(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def application_activities(request: HttpRequest, pk: int) -> HttpResponse:
    application = access.own_application(request, pk)
    refusal = _unchangeable(request, application)
    if refusal:
        return refusal
    competition = application.competition
    rows = activity_rows(application)
    formset = forms.ActivityFormSet(
        request.POST or None, rows=rows, prefix="activities", months=competition.project_months
    )
    return edit_rows(
        request,
        formset=formset,
        save=lambda: services.application_set_activities(
            application=application,
            by=request.user,
            activities=[services.ActivityData(**row) for row in formset.rows()],
        ),
        template="procurement/application_rows.html",
        context=_rows_context(
            application,
            _("Activities"),
            ngettext(
                "Months count from the start of the project: it runs %(months)d month, %(start)s to %(end)s.",
                "Months count from the start of the project: it runs %(months)d months, from month 1 "
                "(%(start)s) to month %(months)d (%(end)s).",
                competition.project_months,
            )
            % {
                "months": competition.project_months,
                "start": date_format(competition.project_start, "YEAR_MONTH_FORMAT"),
                "end": date_format(competition.project_end, "YEAR_MONTH_FORMAT"),
            },
        ),
        done=f"{application.get_absolute_url()}#section-activities",
        saved=_("The activities are saved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_budget(request: HttpRequest, pk: int) -> HttpResponse:
    application = access.own_application(request, pk)
    refusal = _unchangeable(request, application)
    if refusal:
        return refusal
    rows = budget_line_rows(application)
    form = forms.BudgetSectionForm(request.POST or None, instance=application)
    formset = forms.BudgetLineFormSet(
        request.POST or None, rows=rows, prefix="lines", requested=application.requested_amount
    )
    context = _rows_context(
        application,
        _("Budget"),
        _(
            "The requested amount may be at most %(max)s, and the budget lines must add up to it exactly. "
            "Leave the requested amount empty to ask for the total of the lines."
        )
        % {"max": format_soms(application.competition.max_grant)},
    )
    return edit_rows(
        request,
        formset=formset,
        others=[form],
        save=lambda: services.application_save_budget(
            application=application,
            by=request.user,
            amounts={k: v for k, v in form.cleaned_data.items() if k != "version"},
            lines=[services.BudgetLineData(**row) for row in formset.rows()],
            version=form.cleaned_data.get("version"),
        ),
        template="procurement/application_budget.html",
        context={**context, "form": form},
        done=f"{application.get_absolute_url()}#section-budget",
        saved=_("The budget is saved."),
    )


@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    application = access.own_application(request, pk)
    refusal = _unchangeable(request, application)
    if refusal:
        return refusal
    form = forms.AttachmentForm(request.POST, request.FILES, competition=application.competition)
    if form.is_valid():
        try:
            attachment_services.application_attach(
                application=application,
                by=request.user,
                file=form.cleaned_data["file"],
                required_document=form.cleaned_data["required_document"],
            )
        except ValidationError as exc:
            web.form_errors(form, exc)
        else:
            return web.done(request, _("The file is attached."), _attachments(application))
    return _refused_attachment(request, pk, attachment_form=form)


def _reusable(application: Application, refused: tuple[int, forms.AttachFromOrganizationForm] | None = None):
    """The organization's documents, each with its form, preset to the required document it fits."""
    rows = []
    for row in selectors.reusable_documents(application=application):
        if refused and refused[0] == row.document.pk:
            form = refused[1]
        else:
            form = forms.AttachFromOrganizationForm(
                competition=application.competition,
                prefix=f"document-{row.document.pk}",
                initial={"required_document": row.fits.pk if row.fits else ""},
            )
        rows.append((row, form))
    return rows


def _refused_attachment(request: HttpRequest, pk: int, *, attachment_form=None, refused=None) -> HttpResponse:
    """The draft's page again with the refused attachment's form and its message (400)."""
    detail = selectors.application_detail(user=request.user, pk=pk)
    return render(
        request,
        "procurement/application_detail.html",
        {
            **_detail_context(detail, permissions.application_actions(request.user, detail)),
            "member": True,
            "attachment_form": attachment_form or forms.AttachmentForm(competition=detail.competition),
            "reusable": _reusable(detail, refused),
        },
        status=400,
    )


@login_required
@require_POST
def attachment_from_organization(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    """Attach one of the organization's documents: the application gets its own copy."""
    application = access.own_application(request, pk)
    document = get_object_or_404(OrganizationDocument, organization=application.organization, pk=document_pk)
    refusal = _unchangeable(request, application)
    if refusal:
        return refusal
    form = forms.AttachFromOrganizationForm(
        request.POST, competition=application.competition, prefix=f"document-{document.pk}"
    )
    if form.is_valid():
        try:
            attachment = attachment_services.application_attach_organization_document(
                application=application,
                by=request.user,
                document=document,
                required_document=form.cleaned_data["required_document"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            message = _("%(name)s is attached from your organization's documents.")
            return web.done(request, message % {"name": attachment.original_name}, _attachments(application))
    return _refused_attachment(request, pk, refused=(document.pk, form))


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    application = access.visible_application(request, pk)
    attachment = get_object_or_404(
        ApplicationAttachment.objects.select_related("application__competition", "required_document"),
        application=application,
        pk=attachment_pk,
    )
    return attachment.file_response()


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    application = access.own_application(request, pk)
    attachment = get_object_or_404(ApplicationAttachment, application=application, pk=attachment_pk)
    try:
        attachment_services.application_detach(attachment=attachment, by=request.user)
    except ValidationError as exc:
        return web.refused(request, exc, _attachments(application))
    return web.done(request, _("The file is removed."), _attachments(application))


def _attachments(application: Application) -> str:
    return f"{application.get_absolute_url()}#section-attachments"


@login_required
@require_POST
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    application = access.own_application(request, pk)
    try:
        submitted = services.application_submit(
            application=application, by=request.user, arrived_at=arrived_at(request)
        )
    except services.AlreadySubmittedError as already:
        messages.info(request, _("This application was already submitted; here is its receipt."))
        return redirect("procurement:application-receipt", pk=already.application.pk)
    except ValidationError as exc:
        messages.error(request, _("The application was not submitted:"))
        return web.refused(request, exc, application)
    return web.done(
        request,
        _("The application is submitted. Keep this receipt."),
        "procurement:application-receipt",
        submitted.pk,
    )


@login_required
@require_POST
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = access.own_application(request, pk)
    try:
        services.application_withdraw(application=application, by=request.user)
    except ValidationError as exc:
        return web.refused(request, exc, application)
    return web.done(
        request,
        _("The application is withdrawn. You may submit a new version before the deadline."),
        application,
    )


@login_required
@require_POST
def application_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    application = access.own_application(request, pk)
    try:
        copy = services.application_new_version(application=application, by=request.user)
    except ValidationError as exc:
        return web.refused(request, exc, application)
    return web.done(request, _("A new version is ready to edit, copied from the withdrawn one."), copy)


@login_required
@require_GET
def application_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    application = access.visible_application(request, pk)
    if not application.receipt_number:
        raise Http404
    return render(
        request,
        "procurement/application_receipt.html",
        {
            "application": application,
            "competition": application.competition,
            "format": FORMAT,
            "fields": FIELDS,
            "member": permissions.can_edit_application(request.user, application),
        },
    )


@require_GET
def receipt_verify(request: HttpRequest) -> HttpResponse:
    """Anyone holding a receipt checks it against the stored application: match or no match."""
    form = forms.VerifyReceiptForm(request.GET or None)
    result = None
    status = 200
    if form.is_bound and form.is_valid():
        # Limited per address (ACCOUNT_RATE_LIMITS["receipt_verify"]): no trying numbers by the thousand.
        if ratelimit.consume(request, app="allauth.account", action="receipt_verify", limit_get=True):
            result = verify(
                receipt_number=form.cleaned_data["receipt_number"], digest=form.cleaned_data["digest"]
            )
        else:
            form.add_error(None, _("Too many checks from your address. Wait a minute and check again."))
            status = 429
    return render(
        request,
        "procurement/receipt_verify.html",
        {"form": form, "result": result, "format": FORMAT},
        status=status,
    )


# Finance staff ---------------------------------------------------------------------------------


@login_required
@require_GET
def competition_applications(request: HttpRequest, reference: str) -> HttpResponse:
    """The applications of a competition, for its staff: their numbers alone while sealed; as a
    file with ``?export=csv|xlsx``, the same."""
    competition = access.read_competition(request, reference)
    sealed = competition.is_sealed
    counts = selectors.application_counts(competition=competition)
    context: dict[str, Any] = {"competition": competition, "counts": counts, "sealed": sealed}
    fmt = exports.requested(request)
    if sealed:
        if fmt:
            return procurement_exports.applications_file(competition, None, counts, fmt=fmt)
        return render(request, "procurement/competition_applications.html", context)
    filterset = ApplicationFilter(
        request.GET or None,
        queryset=selectors.applications_for_staff(competition=competition),
        competition=competition,
    )
    if fmt:
        return procurement_exports.applications_file(competition, filterset.qs, counts, fmt=fmt)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    answers = permissions.screen_answers(request.user, competition, page.object_list)
    context["filter"] = filterset
    context["page"] = page
    # Each with whether the person may screen it (not their own organization's).
    context["rows"] = [(application, answers[application.pk]) for application in page.object_list]
    return render(request, "procurement/competition_applications.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def application_screen(request: HttpRequest, pk: int) -> HttpResponse:
    application = access.visible_application(request, pk)
    listed = reverse("procurement:competition-applications", args=[application.competition.reference])
    if not permissions.can_manage_competition(request.user, application.competition):
        raise PermissionDenied
    screen = permissions.can_screen_application(request.user, application)
    if not screen:
        return web.refused(request, ValidationError(screen.reason), listed)
    form = forms.ScreeningForm(request.POST or None, competition=application.competition)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_screen(
                application=application,
                by=request.user,
                eligible=form.cleaned_data["decision"] == Application.State.ELIGIBLE,
                requirement=form.cleaned_data["requirement"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            return web.refused(request, exc, listed)
        return web.done(request, _("The screening decision is recorded; the organization is told."), listed)
    return render(
        request,
        "procurement/application_screen.html",
        {"application": application, "competition": application.competition, "form": form},
    )
