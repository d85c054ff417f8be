from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from organizations.models import Organization, User
from procurement import exports as procurement_exports
from procurement import permissions, selectors
from procurement.filters import CommissionWorkFilter
from procurement.forms.evaluation import AwardForm, DeclarationForm, ReasonForm, ScoreSheetForm
from procurement.models import Application, Award, CommissionMember, ScoreSheet
from procurement.scoring import TIE_RULE
from procurement.services import evaluation as services
from procurement.views import access
from ssp_portal import exports, web
from ssp_portal.confirmation import confirmation_token, entered, is_confirmed, is_stale
from ssp_portal.rules import Answer

# Competitions on a page of a commission member's list.
PAGE_SIZE = 20


def _refused(request: HttpRequest, answer: Answer, to: Any, *args: Any) -> HttpResponse:
    """A refused permission: 403 when nothing may be said, else its reason on the page ``to``."""
    if not answer.reason:
        raise PermissionDenied
    return web.refused(request, ValidationError(answer.reason), to, *args)


@login_required
@require_GET
def commission_home(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    filterset = CommissionWorkFilter(
        request.GET or None, queryset=selectors.commission_competitions(user=request.user, now=now)
    )
    if fmt := exports.requested(request):
        work = selectors.commission_work(user=request.user, competitions=filterset.qs, now=now)
        return procurement_exports.commission_file(work, fmt=fmt)
    work = selectors.CommissionWorkList(user=request.user, competitions=filterset.qs, now=now)
    page = Paginator(work, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "procurement/commission_home.html",
        {"filter": filterset, "page": page, "commission_work": page.object_list},
    )


def _my_rows(
    user: User, seat: CommissionMember | None, applications: list[Application]
) -> list[tuple[Application, ScoreSheet | None, Answer]]:
    """The member's applications, each with their sheet and whether it is theirs to score."""
    if seat is None:
        return []
    sheets = selectors.member_sheets(seat=seat)
    answers = permissions.score_answers(user, seat, applications)
    return [
        (application, sheets.get(application.pk), answers[application.pk]) for application in applications
    ]


@login_required
@require_GET
def evaluation_overview(request: HttpRequest, reference: str) -> HttpResponse:
    competition = access.followed_competition(request, reference)
    seat = permissions.commission_seat(request.user, competition)
    progress = selectors.evaluation_progress(competition=competition)
    return render(
        request,
        "procurement/evaluation_overview.html",
        {
            "competition": competition,
            "seat": seat,
            "declaration": getattr(seat, "declaration", None),
            "can_declare": permissions.can_declare(competition, seat=seat),
            "progress": progress,
            "my_rows": _my_rows(request.user, seat, progress["applications"]),
            "submitted_sheets": permissions.reopenable_sheets(
                request.user, competition, selectors.submitted_sheets(competition=competition), seat=seat
            ),
            "reopening_open": permissions.reopening_open(competition),
            "can_see_ranking": permissions.can_see_scores(request.user, competition, progress, seat=seat),
            "manager": permissions.can_manage_competition(request.user, competition),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def declaration(request: HttpRequest, reference: str) -> HttpResponse:
    competition = access.visible_competition(request, reference)
    seat = permissions.commission_seat(request.user, competition)
    if seat is None:
        raise PermissionDenied
    if hasattr(seat, "declaration"):
        messages.info(request, _("You have signed your declaration."))
        return redirect("procurement:evaluation", reference=reference)
    organizations = (
        Organization.objects.filter(
            applications__competition=competition, applications__state__in=selectors.SUBMITTED_STATES
        )
        .distinct()
        .order_by("name")
    )
    form = DeclarationForm(
        request.POST or None,
        organizations=organizations,
        own=frozenset(permissions.own_organizations(request.user)),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.declaration_sign(competition=competition, by=request.user, conflicts=form.conflicts())
        except ValidationError as exc:
            web.form_errors(form, exc)
        else:
            message = _("Your declaration is signed. You can now open the applications.")
            return web.done(request, message, "procurement:evaluation", reference)
    return render(request, "procurement/declaration.html", {"competition": competition, "form": form})


def _save_sheet(request: HttpRequest, application: Application, form: ScoreSheetForm) -> HttpResponse | None:
    """The sheet saved as a draft or submitted, then the sheet again; None when the service refused
    it (the refusal is on the form)."""
    submit = "submit" in request.POST
    try:
        services.sheet_save(
            application=application,
            by=request.user,
            scores=[services.ScoreData(cid, score, comment) for cid, score, comment in form.scores()],
            overall_comment=form.cleaned_data["overall_comment"],
            submit=submit,
        )
    except ValidationError as exc:
        web.form_errors(form, exc)
        return None
    message = _("The sheet is submitted.") if submit else _("The draft is saved.")
    return web.done(request, message, "procurement:score-sheet", application.pk)


def _sheet_context(
    request: HttpRequest, application: Application, seat: CommissionMember, sheet: ScoreSheet | None
) -> dict[str, Any]:
    competition = application.competition
    see_others = permissions.can_see_others_scores(sheet)
    return {
        "application": application,
        "competition": competition,
        "sheet": sheet,
        "locked": not permissions.can_edit_sheet(sheet),
        "see_others": see_others,
        "others": [
            s for s in selectors.sheets_for_application(application=application) if s.member_id != seat.pk
        ]
        if see_others
        else None,
        "is_chair": permissions.is_chair(request.user, competition, seat=seat),
    }


@login_required
@require_http_methods(["GET", "POST"])
def score_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    # Applications a member may not open (before declaring, or conflicted) are 404 here too.
    application = access.visible_application(request, pk)
    competition = application.competition
    seat = permissions.commission_seat(request.user, competition)
    if seat is None:
        raise PermissionDenied
    organization = permissions.score_answers(request.user, seat, [application])[application.pk]
    if not organization:
        return _refused(request, organization, "procurement:evaluation", competition.reference)
    sheet = ScoreSheet.objects.filter(application=application, member=seat).prefetch_related("scores").first()
    form = ScoreSheetForm(request.POST or None, criteria=list(competition.criteria.all()), sheet=sheet)
    if request.method == "POST" and form.is_valid():
        saved = _save_sheet(request, application, form)
        if saved is not None:
            return saved
    context = _sheet_context(request, application, seat, sheet)
    return render(request, "procurement/score_sheet.html", {**context, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def sheet_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = get_object_or_404(
        ScoreSheet.objects.select_related("application__competition", "member__user"), pk=pk
    )
    competition = sheet.application.competition
    if not permissions.can_reopen_sheet(request.user, sheet):
        raise Http404
    form = ReasonForm(request.POST or None, submit_label=_("Reopen the sheet"))
    if request.method == "POST" and form.is_valid():
        try:
            services.sheet_reopen(sheet=sheet, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            return web.refused(request, exc, "procurement:evaluation", competition.reference)
        message = _("The sheet is open again for its member.")
        return web.done(request, message, "procurement:evaluation", competition.reference)
    return render(
        request, "procurement/sheet_reopen.html", {"sheet": sheet, "competition": competition, "form": form}
    )


@login_required
@require_GET
def ranking(request: HttpRequest, reference: str) -> HttpResponse:
    competition = access.followed_competition(request, reference)
    progress = selectors.evaluation_progress(competition=competition)
    see_scores = permissions.can_see_scores(request.user, competition, progress)
    if not see_scores:
        # Said as where the member stands in the scoring, not as an error.
        messages.info(request, see_scores.reason)
        return redirect("procurement:evaluation", reference=reference)
    members = [row["member"] for row in progress["members"]]
    rows = selectors.ranking(competition=competition)
    if fmt := exports.requested(request):
        return procurement_exports.ranking_file(competition, rows, members, fmt=fmt)
    return render(
        request,
        "procurement/ranking.html",
        {
            "competition": competition,
            "rows": rows,
            "members": members,
            "tie_rule": TIE_RULE,
            "manager": permissions.can_manage_competition(request.user, competition),
        },
    )


@login_required
@require_GET
def awards(request: HttpRequest, reference: str) -> HttpResponse:
    competition = access.read_competition(request, reference)
    rows = selectors.ranking(competition=competition)
    if fmt := exports.requested(request):
        return procurement_exports.awards_file(competition, rows, fmt=fmt)
    answers = permissions.award_answers(request.user, competition, [row.application for row in rows])
    total = sum((row.application.award.amount for row in rows if hasattr(row.application, "award")), 0)
    return render(
        request,
        "procurement/awards.html",
        {
            "competition": competition,
            # Each row with whether the person may decide its award (not their own organization's).
            "rows": [(row, answers[row.application.pk]) for row in rows],
            "awards_open": permissions.awards_open(competition),
            "awarded_total": total,
            "remaining": competition.budget - total,
            "tie_rule": TIE_RULE,
            "problems": services.completion_problems(competition),
            "form": AwardForm(),
        },
    )


def award_token(application: Application, amount: Decimal, reason: str) -> str:
    """What the award confirmation shows: the amount, the reason, and the budget already awarded."""
    return confirmation_token(
        application.pk,
        amount.quantize(Decimal("0.01")),
        reason.strip(),
        services.awarded_total(application.competition),
    )


def _award_context(application: Application, form: AwardForm) -> dict[str, Any]:
    competition = application.competition
    return {
        "application": application,
        "competition": competition,
        "form": form,
        "back_url": reverse("procurement:awards", args=[competition.reference]),
        "entering": True,
    }


def _standing_problems(application: Application) -> list[tuple[str, None]]:
    """What stands in the way whatever the amount (the scoring, an award made), said at once."""
    early, _rank = services.award_refusal(
        competition=application.competition,
        application=application,
        amount=application.requested_amount,
        departure_reason="-",
        at=timezone.now(),
    )
    if early is None or hasattr(early, "error_dict"):
        return []
    return [(message, None) for message in early.messages]


def _award_refused(
    request: HttpRequest, form: AwardForm, context: dict[str, Any], refusal: ValidationError
) -> HttpResponse:
    """The entry again: a refusal of the amount or the reason beside its field, others above it."""
    if hasattr(refusal, "error_dict"):
        web.form_errors(form, refusal)
    else:
        context["problems"] = [(message, None) for message in refusal.messages]
    return render(request, "procurement/confirm_award.html", context, status=400)


def _award_confirmation(
    request: HttpRequest, application: Application, context: dict[str, Any], amount: Decimal, reason: str
) -> HttpResponse:
    """What the award means (its rank, the budget left after it), to be confirmed."""
    competition = application.competition
    token = award_token(application, amount, reason)
    return render(
        request,
        "procurement/confirm_award.html",
        {
            **context,
            "entering": False,
            "confirming": True,
            "row": next(
                r for r in selectors.ranking(competition=competition) if r.application.pk == application.pk
            ),
            "amount": amount,
            "reason": reason,
            "remaining": competition.budget - services.awarded_total(competition) - amount,
            "token": token,
            "stale": is_stale(request, token),
        },
    )


def _award_decide(
    request: HttpRequest, application: Application, form: AwardForm, context: dict[str, Any]
) -> HttpResponse:
    """A valid entry: the award when it is confirmed, else what it means, to be confirmed."""
    competition = application.competition
    amount, reason = form.cleaned_data["amount"], form.cleaned_data["departure_reason"].strip()
    refusal, _rank = services.award_refusal(
        competition=competition,
        application=application,
        amount=amount,
        departure_reason=reason,
        at=timezone.now(),
    )
    if refusal is None and is_confirmed(request, award_token(application, amount, reason)):
        try:
            services.award_grant(
                application=application, by=request.user, amount=amount, departure_reason=reason
            )
        except ValidationError as exc:
            refusal = exc
        else:
            message = _("%(name)s is awarded.") % {"name": application.organization.name}
            return web.done(request, message, "procurement:awards", competition.reference)
    if refusal is not None:
        return _award_refused(request, form, context, refusal)
    return _award_confirmation(request, application, context, amount, reason)


@login_required
@require_http_methods(["GET", "POST"])
def award_grant(request: HttpRequest, pk: int) -> HttpResponse:
    """The amount (and a reason, out of order), then what the award means, then the award."""
    application = access.visible_application(request, pk)
    may_award = permissions.can_award(request.user, application)
    if not may_award:
        return _refused(request, may_award, "procurement:awards", application.competition.reference)
    form = AwardForm(entered(request), initial={"amount": application.requested_amount})
    context = _award_context(application, form)
    if not form.is_bound:
        context["problems"] = _standing_problems(application)
        return render(request, "procurement/confirm_award.html", context)
    if not form.is_valid():
        return render(request, "procurement/confirm_award.html", context, status=400)
    return _award_decide(request, application, form, context)


@login_required
@require_POST
def award_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    award = get_object_or_404(Award.objects.select_related("competition", "application__organization"), pk=pk)
    competition = award.competition
    if not permissions.can_manage_competition(request.user, competition):
        raise Http404
    try:
        services.award_revoke(award=award, by=request.user)
    except ValidationError as exc:
        return web.refused(request, exc, "procurement:awards", competition.reference)
    return web.done(request, _("The award is taken back."), "procurement:awards", competition.reference)
