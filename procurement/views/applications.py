from __future__ import annotations

from typing import Any

from allauth.core.internal import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from organizations.models import Organization, OrganizationDocument
from procurement import permissions, selectors
from procurement.filters import ApplicationFilter
from procurement.forms import applications as forms
from procurement.models import Application, ApplicationAttachment, Competition
from procurement.receipts import FIELDS, FORMAT, verify
from procurement.services import applications as services
from procurement.views import access
from ssp_portal import web
from ssp_portal.arrival import arrived_at
from ssp_portal.audit.selectors import audit_timeline
from ssp_portal.formatting import format_soms
from ssp_portal.rows.views import edit_rows

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
        web.refuse(request, exc)
        return redirect(competition)
    return redirect(application)


@login_required
@require_GET
def my_applications(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "procurement/my_applications.html",
        {"applications": selectors.applications_of_member(user=request.user)},
    )


@login_required
@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_detail(user=request.user, pk=pk)
    if application is None:
        raise Http404
    member = permissions.can_edit_application(request.user, application)
    context: dict[str, Any] = {
        "application": application,
        "competition": application.competition,
        "member": member,
        "manager": permissions.can_manage_competition(request.user, application.competition),
        "screener": permissions.can_screen_application(request.user, application),
        "own_refusal": permissions.own_organization_refusal(request.user, application.organization, "screen")
        if permissions.can_manage_competition(request.user, application.competition)
        else "",
        "editable": member and application.is_draft and application.competition.is_open,
        "problems": services.application_problems(application) if application.is_draft else [],
        "maximum_lowered": selectors.maximum_lowered(application=application) if member else None,
        "events": audit_timeline(target=application),
    }
    if context["editable"]:
        context["attachment_form"] = forms.AttachmentForm(competition=application.competition)
        context["reusable"] = _reusable(application)
    if application.competition.state == Competition.State.COMPLETED and application.is_submitted:
        # After the results: the organization's own total and place, never the members' sheets.
        rows = selectors.ranking(competition=application.competition)
        context["own_result"] = next((row for row in rows if row.application.pk == application.pk), None)
        context["ranked_count"] = sum(1 for row in rows if row.rank)
    return render(request, "procurement/application_detail.html", context)


def _editable(request: HttpRequest, pk: int) -> Application | None:
    application = access.own_application(request, pk)
    if not (application.is_draft and application.competition.is_open):
        messages.error(request, _("This application can no longer be changed."))
        return None
    return application


@login_required
@require_http_methods(["GET", "POST"])
def application_section(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    if section not in forms.SECTION_FORMS:
        raise Http404
    application = _editable(request, pk)
    if application is None:
        return redirect("procurement:application-detail", pk=pk)
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
            if hasattr(exc, "error_dict"):
                # Saved by someone else meanwhile: the message above the form, the text as typed.
                form.add_error(None, exc)
            else:
                web.refuse(request, exc)
        else:
            messages.success(request, _("Saved. You can come back to it at any time before the deadline."))
            return redirect(f"{application.get_absolute_url()}#section-{section}")
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
    application = _editable(request, pk)
    if application is None:
        return redirect("procurement:application-detail", pk=pk)
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
    application = _editable(request, pk)
    if application is None:
        return redirect("procurement:application-detail", pk=pk)
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
    application = _editable(request, pk)
    if application is None:
        return redirect("procurement:application-detail", pk=pk)
    form = forms.AttachmentForm(request.POST, request.FILES, competition=application.competition)
    if form.is_valid():
        try:
            services.application_attach(
                application=application,
                by=request.user,
                file=form.cleaned_data["file"],
                required_document=form.cleaned_data["required_document"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and set(exc.error_dict) <= {*form.fields, NON_FIELD_ERRORS}:
                form.add_error(None, exc)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, _("The file is attached."))
            return redirect(f"{application.get_absolute_url()}#section-attachments")
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
            "application": detail,
            "competition": detail.competition,
            "member": True,
            "editable": True,
            "problems": services.application_problems(detail),
            "attachment_form": attachment_form or forms.AttachmentForm(competition=detail.competition),
            "reusable": _reusable(detail, refused),
            "events": audit_timeline(target=detail),
        },
        status=400,
    )


@login_required
@require_POST
def attachment_from_organization(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    """Attach one of the organization's documents: the application gets its own copy."""
    application = access.own_application(request, pk)
    document = get_object_or_404(OrganizationDocument, organization=application.organization, pk=document_pk)
    if not (application.is_draft and application.competition.is_open):
        messages.error(request, _("This application can no longer be changed."))
        return redirect("procurement:application-detail", pk=pk)
    form = forms.AttachFromOrganizationForm(
        request.POST, competition=application.competition, prefix=f"document-{document.pk}"
    )
    if form.is_valid():
        try:
            attachment = services.application_attach_organization_document(
                application=application,
                by=request.user,
                document=document,
                required_document=form.cleaned_data["required_document"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                _("%(name)s is attached from your organization's documents.")
                % {"name": attachment.original_name},
            )
            return redirect(f"{application.get_absolute_url()}#section-attachments")
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
        services.application_detach(attachment=attachment, by=request.user)
    except ValidationError as exc:
        web.refuse(request, exc)
    else:
        messages.success(request, _("The file is removed."))
    return redirect(f"{application.get_absolute_url()}#section-attachments")


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
        web.refuse(request, exc)
        return redirect(application)
    messages.success(request, _("The application is submitted. Keep this receipt."))
    return redirect("procurement:application-receipt", pk=submitted.pk)


@login_required
@require_POST
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = access.own_application(request, pk)
    try:
        services.application_withdraw(application=application, by=request.user)
    except ValidationError as exc:
        web.refuse(request, exc)
    else:
        messages.success(
            request, _("The application is withdrawn. You may submit a new version before the deadline.")
        )
    return redirect(application)


@login_required
@require_POST
def application_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    application = access.own_application(request, pk)
    try:
        copy = services.application_new_version(application=application, by=request.user)
    except ValidationError as exc:
        web.refuse(request, exc)
        return redirect(application)
    messages.success(request, _("A new version is ready to edit, copied from the withdrawn one."))
    return redirect(copy)


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
    competition = access.visible_competition(request, reference)
    if not permissions.can_manage_competition(request.user, competition):
        raise PermissionDenied
    counts = selectors.application_counts(competition=competition)
    context: dict[str, Any] = {
        "competition": competition,
        "counts": counts,
        "sealed": competition.is_sealed,
        # Applications of organizations the person belongs to are not theirs to screen.
        "own_organizations": set(
            request.user.organization_memberships.values_list("organization_id", flat=True)
        ),
    }
    if not competition.is_sealed:
        filterset = ApplicationFilter(
            request.GET or None,
            queryset=selectors.applications_for_staff(competition=competition),
            competition=competition,
        )
        context["filter"] = filterset
        context["page"] = Paginator(filterset.qs, 25).get_page(request.GET.get("page"))
    return render(request, "procurement/competition_applications.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def application_screen(request: HttpRequest, pk: int) -> HttpResponse:
    application = access.visible_application(request, pk)
    if not permissions.can_manage_competition(request.user, application.competition):
        raise PermissionDenied
    own = permissions.own_organization_refusal(request.user, application.organization, "screen")
    if own:
        messages.error(request, own)
        return redirect("procurement:competition-applications", reference=application.competition.reference)
    form = forms.ScreeningForm(request.POST or None, competition=application.competition)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_screen(
                application=application,
                by=request.user,
                eligible=form.cleaned_data["decision"] == "eligible",
                requirement=form.cleaned_data["requirement"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            web.refuse(request, exc)
        else:
            messages.success(request, _("The screening decision is recorded; the organization is told."))
        return redirect("procurement:competition-applications", reference=application.competition.reference)
    return render(
        request,
        "procurement/application_screen.html",
        {"application": application, "competition": application.competition, "form": form},
    )
