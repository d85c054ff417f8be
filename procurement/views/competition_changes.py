"""A competition's changes of state: publishing, evaluation, completion, cancellation and amendments,
each through its confirmation page."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from procurement import permissions, selectors
from procurement.amendments import AmendmentPlan, version_amendment
from procurement.forms import competitions as forms
from procurement.models import Application, Competition
from procurement.services import competitions as services
from procurement.services.evaluation import completion_problems
from procurement.views import access
from procurement.views.competitions import publish_checklist
from ssp_portal import web
from ssp_portal.confirmation import confirmation_token, entered, is_confirmed, is_stale
from ssp_portal.formatting import format_datetime
from ssp_portal.languages import LANGUAGES

PAGE_SIZE = 20


PAGE_SIZE = 20


def _transition(
    request: HttpRequest, reference: str, action: Callable[..., Any], success: str
) -> HttpResponse:
    competition = access.managed_competition(request, reference)
    try:
        action(competition=competition, by=request.user)
    except ValidationError as exc:
        return web.refused(request, exc, competition)
    return web.done(request, success, competition)


def _when_confirmed(
    request: HttpRequest, token: str, action: Callable[..., Any], competition: Competition, success: str
) -> tuple[HttpResponse | None, list[str]]:
    """A POST with the current confirmation does ``action``: then the response that says it is
    done, or what refused it, to show on the confirmation page again."""
    if not is_confirmed(request, token):
        return None, []
    try:
        action(competition=competition, by=request.user)
    except ValidationError as exc:
        return None, exc.messages
    return web.done(request, success, competition), []


def publish_token(competition: Competition) -> str:
    """What the publishing confirmation shows: the terms, the criteria and the commission."""
    return confirmation_token(
        competition.reference,
        competition.title,
        competition.deadline.isoformat(),
        services.announcement_date_at_publication(competition, at=timezone.now()),
        competition.budget,
        competition.max_grant,
        competition.priority_issue_id,
        [(c.name, c.max_score, c.weight) for c in competition.criteria.all()],
        [(m.user_id, m.role) for m in competition.commission.all()],
    )


@login_required
@require_http_methods(["GET", "POST"])
def competition_publish(request: HttpRequest, reference: str) -> HttpResponse:
    """GET, or a POST without a current confirmation: what publishing does; a confirmed POST publishes."""
    access.managed_competition(request, reference)
    competition = selectors.competition_detail(user=request.user, reference=reference)
    if not competition.is_draft:
        messages.info(request, _("%(reference)s is published.") % {"reference": reference})
        return redirect(competition)
    token = publish_token(competition)
    success = _("%(reference)s is published and open for proposals.") % {"reference": reference}
    published, refusal = _when_confirmed(request, token, services.competition_publish, competition, success)
    if published:
        return published
    now = timezone.now()
    checklist = publish_checklist(competition, at=now)
    problems = [(check.message, url) for check, url in checklist if not check.ok]
    return render(
        request,
        "procurement/confirm_publish.html",
        {
            "competition": competition,
            "token": token,
            "stale": is_stale(request, token),
            "problems": problems or [(message, None) for message in refusal],
            "days_left": (competition.deadline - now).days,
            "announced": services.announcement_date_at_publication(competition, at=now),
            "followers": selectors.competition_followers(competition=competition).count(),
            "back_url": competition.get_absolute_url(),
        },
    )


@login_required
@require_POST
def competition_start_evaluation(request: HttpRequest, reference: str) -> HttpResponse:
    return _transition(
        request, reference, services.competition_start_evaluation, _("The evaluation has started.")
    )


def complete_token(competition: Competition, rows: list) -> str:
    """What the results will say: who is awarded how much, who is not."""
    return confirmation_token(
        competition.reference,
        [
            (
                row.application.pk,
                row.application.state,
                getattr(row.application, "award", None) and row.application.award.amount,
            )
            for row in rows
        ],
    )


@login_required
@require_http_methods(["GET", "POST"])
def competition_complete(request: HttpRequest, reference: str) -> HttpResponse:
    """GET, or a POST without a current confirmation: the results as they will be published."""
    competition = access.managed_competition(request, reference)
    if competition.state == Competition.State.COMPLETED:
        messages.info(request, _("The results of %(reference)s are published.") % {"reference": reference})
        return redirect(competition)
    completable = permissions.may_complete(competition)
    if not completable:
        messages.error(request, completable.reason)
        return redirect(competition)
    rows = selectors.ranking(competition=competition)
    token = complete_token(competition, rows)
    success = _("The results of %(reference)s are published.") % {"reference": reference}
    completed, refusal = _when_confirmed(request, token, services.competition_complete, competition, success)
    if completed:
        return completed
    awarded = [row for row in rows if hasattr(row.application, "award")]
    counts = selectors.application_counts(competition=competition)
    return render(
        request,
        "procurement/confirm_complete.html",
        {
            "competition": competition,
            "token": token,
            "stale": is_stale(request, token),
            "problems": [(problem, None) for problem in completion_problems(competition) or refusal],
            "awarded": awarded,
            "awarded_total": sum((row.application.award.amount for row in awarded), Decimal("0")),
            "not_awarded": [row for row in rows if row.application.state == Application.State.ELIGIBLE],
            "applicants": counts["submitted"],
            "results": rows,
            "back_url": reverse("procurement:awards", args=[reference]),
        },
    )


def cancel_token(competition: Competition, reason: str) -> str:
    return confirmation_token(competition.reference, competition.state, reason)


@login_required
@require_http_methods(["GET", "POST"])
def competition_cancel(request: HttpRequest, reference: str) -> HttpResponse:
    """The reason first; then what cancelling does, with the reason carried to the confirmation."""
    competition = access.managed_competition(request, reference)
    cancellable = permissions.may_cancel(competition)
    if not cancellable:
        messages.error(request, cancellable.reason)
        return redirect(competition)
    form = forms.ReasonForm(entered(request), submit_label=_("Continue"))
    form.helper.form_method = "get"
    if form.is_bound and form.is_valid():
        reason = form.cleaned_data["reason"]
        token = cancel_token(competition, reason)
        if is_confirmed(request, token):
            try:
                services.competition_cancel(competition=competition, by=request.user, reason=reason)
            except ValidationError as exc:
                return web.refused(request, exc, competition)
            return web.done(request, _("%(reference)s is cancelled.") % {"reference": reference}, competition)
        return render(
            request,
            "procurement/confirm_cancel.html",
            {
                "competition": competition,
                "reason": reason,
                "token": token,
                "stale": is_stale(request, token),
                "counts": selectors.application_counts(competition=competition),
                "back_url": competition.get_absolute_url(),
            },
        )
    return render(request, "procurement/competition_cancel.html", {"competition": competition, "form": form})


def amend_token(competition: Competition, explanation: str, plan: AmendmentPlan) -> str:
    """What the amendment's confirmation shows: each change old → new and where the deadline goes."""
    return confirmation_token(
        competition.reference,
        explanation.strip(),
        # One detail per value, so that line ends count as one (``confirmation_token``).
        *[value for change in plan.changes for value in (change.name, change.old, change.new)],
        plan.deadline.isoformat(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def competition_amend(request: HttpRequest, reference: str) -> HttpResponse:
    """The new terms; then, on a POST, what the amendment changes and who is told; a POST with the
    current confirmation publishes it ("change" goes back to the form with what was typed). A form
    opened before someone else's amendment is refused, so that it never undoes the other one."""
    competition = access.managed_competition(request, reference)
    amendable = permissions.may_amend(competition)
    if not amendable:
        messages.error(request, amendable.reason)
        return redirect(competition)
    form = forms.AmendmentForm(request.POST or None, competition=competition)
    if form.superseded:
        return _amend_superseded(request, competition, form)
    if request.method == "POST" and form.is_valid() and "change" not in request.POST:
        explanation, plan = _explanation_text(form), form.plan()
        if not plan.changed:
            form.add_error(None, _("Nothing in the terms changed: change a term, or go back."))
        else:
            token = amend_token(competition, explanation, plan)
            if is_confirmed(request, token):
                return _amend(request, competition, form)
            return _amend_confirmation(request, competition, form, plan, token)
    return render(request, "procurement/competition_amend.html", {"competition": competition, "form": form})


def _explanation_text(form: forms.AmendmentForm) -> str:
    """The explanation in every language, as the confirmation shows it (one detail per language)."""
    return "\n\n".join(f"{language}: {text}" for language, text in form.explanations().items() if text)


def _amend(request: HttpRequest, competition: Competition, form: forms.AmendmentForm) -> HttpResponse:
    try:
        amendment = services.competition_amend(
            competition=competition,
            by=request.user,
            explanation=form.explanations(),
            changes=form.changes(),
            opened=form.opened_version,
        )
    except services.TermsChangedError:
        return _amend_superseded(request, access.managed_competition(request, competition.reference), form)
    except ValidationError as exc:
        web.form_errors(form, exc)
        return render(
            request, "procurement/competition_amend.html", {"competition": competition, "form": form}
        )
    if amendment.deadline_extended:
        messages.warning(
            request,
            _("Amendment %(number)d is published; the deadline moved to %(deadline)s.")
            % {
                "number": amendment.number,
                "deadline": format_datetime(amendment.new_deadline, zone=competition.zone),
            },
        )
        return redirect(competition)
    return web.done(
        request, _("Amendment %(number)d is published.") % {"number": amendment.number}, competition
    )


def _amend_superseded(
    request: HttpRequest, competition: Competition, form: forms.AmendmentForm
) -> HttpResponse:
    """The refusal of an amendment to terms that changed since its form was opened: nothing is
    published; the amendments published meanwhile, and the form again with the terms as they are
    now (the explanation kept)."""
    opened_after = version_amendment(form.opened_version)
    since = competition.amendments.select_related("created_by").order_by("number")
    since = since.filter(number__gt=opened_after) if opened_after is not None else since.none()
    fresh = forms.AmendmentForm(
        competition=competition,
        initial={
            f"explanation_{language}": form.data.get(form.add_prefix(f"explanation_{language}"), "")
            for language in LANGUAGES
        },
    )
    return render(
        request,
        "procurement/competition_amend.html",
        {"competition": competition, "form": fresh, "superseded": True, "since": list(since)},
    )


def _amend_confirmation(
    request: HttpRequest,
    competition: Competition,
    form: forms.AmendmentForm,
    plan: AmendmentPlan,
    token: str,
) -> HttpResponse:
    recipients = selectors.amendment_recipients(competition=competition)
    applicants = [recipient for recipient in recipients if recipient.organizations]
    maximum = plan.values().get("max_grant")
    # Whether any sealed application asks for more is not shown: that too is their content.
    maximum_lowered = maximum is not None and maximum < competition.max_grant
    return render(
        request,
        "procurement/confirm_amend.html",
        {
            "competition": competition,
            "form": form,
            "plan": plan,
            "explanations": [(language, text) for language, text in form.explanations().items() if text],
            "number": form.last_amendment + 1,
            "token": token,
            "stale": is_stale(request, token),
            "recipients": len(recipients),
            "applicant_people": len(applicants),
            "applicant_organizations": len({name for r in applicants for name in r.organizations}),
            "followers": len(recipients) - len(applicants),
            "maximum_lowered": maximum_lowered,
            "maximum": maximum,
            "back_url": competition.get_absolute_url(),
        },
    )
