from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from procurement import permissions, rules, selectors
from procurement.amendments import AmendmentPlan, version_amendment
from procurement.filters import CompetitionFilter
from procurement.forms import competitions as forms
from procurement.models import Application, Competition
from procurement.models.competitions import commission_order
from procurement.services import commission as commission_services
from procurement.services import competitions as services
from procurement.services.evaluation import completion_problems
from procurement.views import access
from ssp_portal import web
from ssp_portal.audit.selectors import audit_scope_timeline, audit_timeline
from ssp_portal.confirmation import confirmation_token, entered, is_confirmed, is_stale
from ssp_portal.formatting import format_datetime
from ssp_portal.languages import LANGUAGES, NATIVE_NAMES, STATE_LANGUAGES, current_language, text_in
from ssp_portal.rows.forms import RowsFormSet
from ssp_portal.rows.views import edit_rows

PAGE_SIZE = 20


# Public -------------------------------------------------------------------------------------


@require_GET
def competition_list(request: HttpRequest) -> HttpResponse:
    filterset = CompetitionFilter(request.GET or None, queryset=selectors.competition_list(user=request.user))
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "procurement/competition_list.html", {"filter": filterset, "page": page})


def publish_checklist(competition: Competition, *, at: datetime.datetime) -> list[tuple[rules.Check, str]]:
    """The publishing checks, each with the page where it is done."""
    pages = {
        rules.EDIT: reverse("procurement:competition-edit", args=[competition.reference]),
        rules.CRITERIA: reverse("procurement:competition-criteria", args=[competition.reference]),
        rules.COMMISSION: reverse("procurement:competition-commission", args=[competition.reference]),
        rules.DOCUMENTS: reverse("procurement:competition-documents", args=[competition.reference]),
        rules.ELIGIBILITY: reverse("procurement:competition-eligibility", args=[competition.reference]),
        rules.PRIORITY_ISSUE: reverse(
            "procurement:priority-issue-manage", args=[competition.municipality.slug]
        ),
    }
    return [
        (check, pages[check.where] + (f"?lang={check.language}" if check.language else ""))
        for check in rules.publish_checks(competition, at=at)
    ]


def _next_step(request: HttpRequest, competition: Competition, manager: bool) -> dict[str, Any]:
    """What the person can do about this competition now, and if not, why and what happens next.

    Two queries for a signed-in person (their applications, their organizations), one more when they
    have no organization (whether they work for a municipality or sit on this commission).
    """
    options = selectors.apply_options(user=request.user, competition=competition)
    step = permissions.next_step(request.user, competition, options, manager=manager)
    if options is None:
        return {"next_step": step.step}
    return {
        "own_applications": options.own_applications,
        "apply_organizations": step.apply_organizations,
        "waiting_organizations": step.waiting_organizations,
        "next_step": step.step,
    }


@require_GET
def competition_detail(request: HttpRequest, reference: str) -> HttpResponse:
    competition = selectors.competition_detail(user=request.user, reference=reference)
    if competition is None:
        raise Http404
    manager = permissions.can_manage_competition(request.user, competition)
    context: dict[str, Any] = {
        "competition": competition,
        "manager": manager,
        "followed": selectors.followed(
            user=request.user,
            municipality=competition.municipality,
            priority_issue=competition.priority_issue,
        ),
        "results": selectors.public_results(competition=competition),
        # The announcement in each state language, and in English when it is written in English.
        "announcement_languages": [
            *STATE_LANGUAGES,
            *(
                ["en"]
                if text_in(competition, "title", "en") and text_in(competition, "description", "en")
                else []
            ),
        ],
        "receipts": selectors.receipt_ledger(competition=competition),
        **_next_step(request, competition, manager),
    }
    if manager:
        context["checklist"] = (
            publish_checklist(competition, at=timezone.now()) if competition.is_draft else None
        )
        context["events"] = audit_timeline(target=competition)
        context["application_counts"] = selectors.application_counts(competition=competition)
        context["actions"] = permissions.competition_actions(competition)
    return render(request, "procurement/competition_detail.html", context)


# Staff --------------------------------------------------------------------------------------


@login_required
@require_GET
def staff_competitions(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access.managed_municipality(request, slug)
    state = request.GET.get("state", "")
    competitions = selectors.competition_for_staff(municipality=municipality)
    if state in Competition.State.values:
        competitions = competitions.filter(effective_state=state)
    return render(
        request,
        "procurement/staff_competitions.html",
        {
            "municipality": municipality,
            "competitions": competitions,
            "counts": selectors.competition_state_counts(municipality=municipality),
            "states": Competition.State.choices,
            "current": state,
            "events": audit_scope_timeline(scope=municipality, limit=15),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def competition_create(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access.managed_municipality(request, slug)
    form = forms.CompetitionForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        try:
            competition = services.competition_create(
                municipality=municipality, by=request.user, data=form.cleaned_data
            )
        except ValidationError as exc:
            web.form_errors(form, exc)
        else:
            saved = _(
                "Draft %(reference)s is saved. Add its criteria, documents and commission, then publish it."
            )
            return web.done(request, saved % {"reference": competition.reference}, competition)
    return render(request, "procurement/competition_form.html", {"form": form, "municipality": municipality})


@login_required
@require_http_methods(["GET", "POST"])
def competition_edit(request: HttpRequest, reference: str) -> HttpResponse:
    competition = access.managed_competition(request, reference)
    if not competition.is_draft:
        messages.info(request, _("A published competition is corrected with an amendment."))
        return redirect("procurement:competition-amend", reference=reference)
    form = forms.CompetitionForm(
        request.POST or None, instance=competition, municipality=competition.municipality
    )
    if request.method == "POST" and web.form_saved(
        form,
        lambda: services.competition_update(
            competition=Competition.objects.get(pk=competition.pk), by=request.user, data=form.cleaned_data
        ),
    ):
        return web.done(request, _("The draft is saved."), competition)
    return render(
        request,
        "procurement/competition_form.html",
        {"form": form, "municipality": competition.municipality, "competition": competition},
    )


@dataclass(frozen=True)
class RowsPage:
    """One kind of rows edited on the competition's page: criteria, documents, requirements, commission.

    Rows with ``texts`` are edited one language at a time (``?lang=ky``): the page's language by
    default, the other languages' texts of each row shown under its fields.
    """

    title: str
    formset: type[RowsFormSet]
    rows: Callable[[Competition, str], list[dict[str, Any]]]
    save: Callable[[Competition, Any, list[dict[str, Any]], str], bool]
    #: Why the list cannot change now ("" when it can): the page is then shown read-only.
    refusal: Callable[[Competition], str]
    help: str = ""
    texts: tuple[str, ...] = ()


def _in_language(
    objects: Any, language: str | None, texts: tuple[str, ...], shared: tuple[str, ...] = ()
) -> list:
    """Rows as the editor of ``language`` (the page's by default) shows them: that language's
    texts, the shared fields, and the other languages' texts (``other_languages``: shown only)."""
    language = language or current_language()
    return [
        {
            "id": x.pk,
            **{name: getattr(x, f"{name}_{language}") or "" for name in texts},
            **{name: getattr(x, name) for name in shared},
            "other_languages": {
                name: [
                    (code, getattr(x, f"{name}_{code}"))
                    for code in LANGUAGES
                    if code != language and getattr(x, f"{name}_{code}")
                ]
                for name in texts
            },
        }
        for x in objects
    ]


def _save_criteria(
    competition: Competition, by: Any, rows: list[dict[str, Any]], language: str | None = None
) -> bool:
    return services.competition_set_criteria(
        competition=competition,
        by=by,
        criteria=[services.CriterionData(**row) for row in rows],
        language=language,
    )


def _save_commission(
    competition: Competition, by: Any, rows: list[dict[str, Any]], language: str | None = None
) -> bool:
    return commission_services.commission_set(
        competition=competition, by=by, members=[commission_services.MemberData(**row) for row in rows]
    )


ROWS_PAGES = {
    "criteria": RowsPage(
        title=gettext_lazy("Evaluation criteria"),
        formset=forms.CriterionFormSet,
        rows=lambda c, language=None: _in_language(
            c.criteria.all(), language, ("name", "description"), ("max_score", "weight")
        ),
        save=_save_criteria,
        refusal=lambda c: services.competition_rows_refusal(c, services.CRITERIA.what),
        help=gettext_lazy("In the order the commission scores them. The weights add up to 100."),
        texts=("name", "description"),
    ),
    "documents": RowsPage(
        title=gettext_lazy("Documents applicants attach"),
        formset=forms.RequiredDocumentFormSet,
        rows=lambda c, language=None: _in_language(
            c.required_documents.all(), language, ("name", "description")
        ),
        save=lambda c, by, rows, language=None: services.competition_set_required_documents(
            competition=c, by=by, documents=[services.DocumentData(**row) for row in rows], language=language
        ),
        refusal=lambda c: services.competition_rows_refusal(c, services.DOCUMENTS.what),
        texts=("name", "description"),
    ),
    "eligibility": RowsPage(
        title=gettext_lazy("Eligibility requirements"),
        formset=forms.EligibilityFormSet,
        rows=lambda c, language=None: _in_language(c.eligibility_requirements.all(), language, ("text",)),
        save=lambda c, by, rows, language=None: services.competition_set_eligibility(
            competition=c,
            by=by,
            requirements=[services.RequirementData(**row) for row in rows],
            language=language,
        ),
        refusal=lambda c: services.competition_rows_refusal(c, services.REQUIREMENTS.what),
        help=gettext_lazy("Applications are screened against these after the deadline."),
        texts=("text",),
    ),
    "commission": RowsPage(
        title=gettext_lazy("Commission"),
        formset=forms.CommissionFormSet,
        rows=lambda c, language=None: [
            {
                "id": m.pk,
                "email": m.user.email,
                "full_name": m.user.full_name,
                "role": m.role,
                "affiliation": m.affiliation,
            }
            for m in c.commission.select_related("user").order_by(*commission_order())
        ],
        save=_save_commission,
        refusal=commission_services.commission_refusal,
        help=gettext_lazy(
            "At least three members and one chair. People without an account get an e-mail invitation "
            "to choose a password. To replace a member, remove the row and add the new person."
        ),
    ),
}


def texts_language(request: HttpRequest) -> str:
    """The language whose texts a row editor edits: ``?lang=``, else the page's."""
    asked = request.GET.get("lang", "")
    return asked if asked in LANGUAGES else current_language()


def _rows_view(kind: str) -> Callable[[HttpRequest, str], HttpResponse]:
    page = ROWS_PAGES[kind]

    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest, reference: str) -> HttpResponse:
        competition = access.managed_competition(request, reference)
        language = texts_language(request)
        formset = page.formset(
            request.POST or None,
            rows=page.rows(competition, language),
            read_only=page.refusal(competition),
            prefix=kind,
        )
        here = reverse(f"procurement:competition-{kind}", args=[reference])
        return edit_rows(
            request,
            formset=formset,
            save=lambda: page.save(competition, request.user, formset.rows(), language),
            template="procurement/competition_rows.html",
            context={
                "competition": competition,
                "title": page.title,
                "help": page.help,
                "back_url": competition.get_absolute_url(),
                "texts_language": language if page.texts else None,
                "languages": [(code, NATIVE_NAMES[code], f"{here}?lang={code}") for code in LANGUAGES]
                if page.texts
                else [],
            },
            done=competition.get_absolute_url(),
            saved=_("%(what)s: saved.") % {"what": page.title},
        )

    view.__name__ = f"competition_{kind}"
    return view


competition_criteria = _rows_view("criteria")
competition_documents = _rows_view("documents")
competition_eligibility = _rows_view("eligibility")
competition_commission = _rows_view("commission")


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
