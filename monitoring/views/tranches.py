"""Recording the payment of a tranche: the date, then what it means, then the record (it stays)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from monitoring import forms, permissions
from monitoring.models import PaymentTranche
from monitoring.services import projects as project_services
from monitoring.views import access
from ssp_portal import web
from ssp_portal.confirmation import confirmation_token, entered, is_confirmed, is_stale

TEMPLATE = "monitoring/confirm_tranche_paid.html"


def tranche_paid_token(tranche: PaymentTranche, paid_on: datetime.date) -> str:
    return confirmation_token(tranche.pk, tranche.amount, paid_on.isoformat())


def _problems(refusal: ValidationError) -> list[tuple[str, None]]:
    """A refusal as the confirmation page lists what stands in the way."""
    return [(message, None) for message in refusal.messages]


def _entering(
    request: HttpRequest, tranche: PaymentTranche, form: forms.TranchePaidForm, context: dict[str, Any]
) -> HttpResponse:
    """The date asked for; what stands in the way whatever the date (a report not accepted yet) is
    said at once."""
    if not form.is_bound:
        early = project_services.tranche_payment_refusal(tranche=tranche, paid_on=timezone.localdate())
        if early is not None and not hasattr(early, "error_dict"):
            context["problems"] = _problems(early)
    return render(request, TEMPLATE, context, status=400 if form.is_bound else 200)


def _mark_paid(
    request: HttpRequest, tranche: PaymentTranche, paid_on: datetime.date
) -> ValidationError | None:
    """Record the payment; the refusal, if it is refused."""
    try:
        project_services.tranche_mark_paid(tranche=tranche, by=request.user, paid_on=paid_on)
    except ValidationError as exc:
        return exc
    return None


@login_required
@require_http_methods(["GET", "POST"])
def tranche_paid(request: HttpRequest, pk: int, tranche_pk: int) -> HttpResponse:
    """The date of the payment, then what recording it means, then the record (it stays)."""
    project = access.managed_project(request, pk)
    tranche = get_object_or_404(
        PaymentTranche.objects.select_related("condition_report", "project"), project=project, pk=tranche_pk
    )
    back_url = f"{project.get_absolute_url()}#tranches"
    payer = permissions.can_pay_tranches(request.user, project)
    if not payer:
        return web.refused(request, ValidationError(payer.reason), back_url)
    recorded = _("Tranche %(number)d is recorded as paid.") % {"number": tranche.number}
    if tranche.is_paid:
        messages.info(request, recorded)
        return redirect(back_url)
    form = forms.TranchePaidForm(entered(request), initial={"paid_on": timezone.localdate()})
    context: dict[str, Any] = {"project": project, "tranche": tranche, "form": form, "back_url": back_url}
    context.update(entering=True)
    if not form.is_bound or not form.is_valid():
        return _entering(request, tranche, form, context)
    paid_on = form.cleaned_data["paid_on"]
    token = tranche_paid_token(tranche, paid_on)
    refusal = project_services.tranche_payment_refusal(tranche=tranche, paid_on=paid_on)
    if refusal is None and is_confirmed(request, token):
        refusal = _mark_paid(request, tranche, paid_on)
        if refusal is None:
            return web.done(request, recorded, back_url)
    if refusal is not None:
        if hasattr(refusal, "error_dict"):
            web.form_errors(form, refusal)
        else:
            context["problems"] = _problems(refusal)
        return render(request, TEMPLATE, context, status=400)
    context.update(
        entering=False, confirming=True, paid_on=paid_on, token=token, stale=is_stale(request, token)
    )
    return render(request, TEMPLATE, context)
