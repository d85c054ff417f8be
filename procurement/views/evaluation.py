from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from organizations.models import Organization
from procurement import permissions, selectors
from procurement.forms.evaluation import AwardForm, DeclarationForm, ReasonForm, ScoreSheetForm
from procurement.models import Application, Award, Competition, ScoreSheet
from procurement.scoring import TIE_RULE
from procurement.services import evaluation as services
from procurement.views import access
from ssp_portal import web
from ssp_portal.confirmation import confirmation_token, entered, is_confirmed, is_stale


def _can_see_ranking(request: HttpRequest, competition: Competition, progress: dict) -> bool:
    return permissions.can_see_scores(request.user, competition, progress)


@login_required
@require_GET
def commission_home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "procurement/commission_home.html",
        {"commission_work": selectors.commission_work(user=request.user)},
    )


@login_required
@require_GET
def evaluation_overview(request: HttpRequest, reference: str) -> HttpResponse:
    competition = access.followed_competition(request, reference)
    seat = permissions.commission_seat(request.user, competition)
    progress = selectors.evaluation_progress(competition=competition)
    my_rows = []
    if seat is not None:
        sheets = selectors.member_sheets(seat=seat)
        conflicts = services.conflicted_organizations(seat)
        own = services.own_organizations(request.user)
        my_rows = [
            (
                application,
                sheets.get(application.pk),
                "own" if application.organization_id in own else application.organization_id in conflicts,
            )
            for application in progress["applications"]
        ]
    reopens = (seat is not None and seat.role == "chair") or permissions.can_manage_competition(
        request.user, competition
    )
    return render(
        request,
        "procurement/evaluation_overview.html",
        {
            "competition": competition,
            "seat": seat,
            "declaration": getattr(seat, "declaration", None) if seat else None,
            "progress": progress,
            "my_rows": my_rows,
            # Sheets this person may reopen: never their own.
            "submitted_sheets": selectors.submitted_sheets(competition=competition).exclude(
                member__user=request.user
            )
            if reopens
            else [],
            "can_see_ranking": _can_see_ranking(request, competition, progress),
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
        own=frozenset(services.own_organizations(request.user)),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.declaration_sign(competition=competition, by=request.user, conflicts=form.conflicts())
        except ValidationError as exc:
            web.form_errors(form, exc)
        else:
            messages.success(request, _("Your declaration is signed. You can now open the applications."))
            return redirect("procurement:evaluation", reference=reference)
    return render(request, "procurement/declaration.html", {"competition": competition, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def score_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    # Applications a member may not open (before declaring, or conflicted) are 404 here too.
    application = get_object_or_404(
        Application.objects.visible_to(request.user).select_related(
            "competition__municipality", "organization"
        ),
        pk=pk,
    )
    competition = application.competition
    seat = permissions.commission_seat(request.user, competition)
    if seat is None:
        raise PermissionDenied
    own = permissions.own_organization_refusal(request.user, application.organization, "score")
    if own:
        messages.error(request, own)
        return redirect("procurement:evaluation", reference=competition.reference)
    criteria = list(competition.criteria.all())
    sheet = ScoreSheet.objects.filter(application=application, member=seat).prefetch_related("scores").first()
    form = ScoreSheetForm(request.POST or None, criteria=criteria, sheet=sheet)
    if request.method == "POST" and form.is_valid():
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
        else:
            messages.success(request, _("The sheet is submitted.") if submit else _("The draft is saved."))
            return redirect("procurement:score-sheet", pk=pk)
    own_submitted = sheet is not None and sheet.is_submitted
    return render(
        request,
        "procurement/score_sheet.html",
        {
            "application": application,
            "competition": competition,
            "form": form,
            "sheet": sheet,
            "locked": own_submitted,
            # Blind scoring: the others' sheets only once one's own is submitted.
            "others": [
                s for s in selectors.sheets_for_application(application=application) if s.member_id != seat.pk
            ]
            if own_submitted
            else None,
            "is_chair": seat.role == "chair",
        },
    )


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
            web.refuse(request, exc)
        else:
            messages.success(request, _("The sheet is open again for its member."))
        return redirect("procurement:evaluation", reference=competition.reference)
    return render(
        request, "procurement/sheet_reopen.html", {"sheet": sheet, "competition": competition, "form": form}
    )


@login_required
@require_GET
def ranking(request: HttpRequest, reference: str) -> HttpResponse:
    competition = access.followed_competition(request, reference)
    progress = selectors.evaluation_progress(competition=competition)
    if not _can_see_ranking(request, competition, progress):
        messages.info(request, _("The ranking opens to you once you have submitted all your score sheets."))
        return redirect("procurement:evaluation", reference=reference)
    members = [row["member"] for row in progress["members"]]
    return render(
        request,
        "procurement/ranking.html",
        {
            "competition": competition,
            "rows": selectors.ranking(competition=competition),
            "members": members,
            "tie_rule": TIE_RULE,
            "manager": permissions.can_manage_competition(request.user, competition),
        },
    )


@login_required
@require_GET
def awards(request: HttpRequest, reference: str) -> HttpResponse:
    competition = access.managed_competition(request, reference)
    rows = selectors.ranking(competition=competition)
    total = sum((row.application.award.amount for row in rows if hasattr(row.application, "award")), 0)
    return render(
        request,
        "procurement/awards.html",
        {
            "competition": competition,
            "rows": rows,
            "awarded_total": total,
            "remaining": competition.budget - total,
            "tie_rule": TIE_RULE,
            "problems": services.completion_problems(competition),
            "form": AwardForm(),
            # Applications of organizations the person belongs to are not theirs to award.
            "own_organizations": services.own_organizations(request.user),
        },
    )


def _awarded(competition: Competition) -> Decimal:
    return Award.objects.filter(competition=competition).aggregate(total=Sum("amount"))["total"] or Decimal(0)


def award_token(application: Application, amount: Decimal, reason: str) -> str:
    """What the award confirmation shows: the amount, the reason, and the budget already awarded."""
    return confirmation_token(
        application.pk, amount.quantize(Decimal("0.01")), reason.strip(), _awarded(application.competition)
    )


@login_required
@require_http_methods(["GET", "POST"])
def award_grant(request: HttpRequest, pk: int) -> HttpResponse:
    """The amount (and a reason, out of order), then what the award means, then the award."""
    application = get_object_or_404(
        Application.objects.visible_to(request.user).select_related(
            "competition__municipality", "organization"
        ),
        pk=pk,
    )
    competition = application.competition
    if not permissions.can_manage_competition(request.user, competition):
        raise PermissionDenied
    own = permissions.own_organization_refusal(request.user, application.organization, "award")
    if own:
        messages.error(request, own)
        return redirect("procurement:awards", reference=competition.reference)
    form = AwardForm(entered(request), initial={"amount": application.requested_amount})
    context = {
        "application": application,
        "competition": competition,
        "form": form,
        "back_url": reverse("procurement:awards", args=[competition.reference]),
        "entering": True,
    }
    if not form.is_bound:
        # What stands in the way whatever the amount (the scoring, an award made) is said at once.
        early, _rank = services.award_refusal(
            competition=competition,
            application=application,
            amount=application.requested_amount,
            departure_reason="-",
            at=timezone.now(),
        )
        if early is not None and not hasattr(early, "error_dict"):
            context["problems"] = [(message, None) for message in early.messages]
    if not form.is_bound or not form.is_valid():
        return render(
            request, "procurement/confirm_award.html", context, status=400 if form.is_bound else 200
        )
    amount, reason = form.cleaned_data["amount"], form.cleaned_data["departure_reason"].strip()
    token = award_token(application, amount, reason)
    refusal, _rank = services.award_refusal(
        competition=competition,
        application=application,
        amount=amount,
        departure_reason=reason,
        at=timezone.now(),
    )
    if refusal is None and is_confirmed(request, token):
        try:
            services.award_grant(
                application=application, by=request.user, amount=amount, departure_reason=reason
            )
        except ValidationError as exc:
            refusal = exc
        else:
            messages.success(request, _("%(name)s is awarded.") % {"name": application.organization.name})
            return redirect("procurement:awards", reference=competition.reference)
    if refusal is not None:
        if hasattr(refusal, "error_dict"):
            web.form_errors(form, refusal)
        else:
            context["problems"] = [(message, None) for message in refusal.messages]
        return render(request, "procurement/confirm_award.html", context, status=400)
    row = next(r for r in selectors.ranking(competition=competition) if r.application.pk == application.pk)
    return render(
        request,
        "procurement/confirm_award.html",
        {
            **context,
            "entering": False,
            "confirming": True,
            "row": row,
            "amount": amount,
            "reason": reason,
            "remaining": competition.budget - _awarded(competition) - amount,
            "token": token,
            "stale": is_stale(request, token),
        },
    )


@login_required
@require_POST
def award_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    award = get_object_or_404(Award.objects.select_related("competition", "application__organization"), pk=pk)
    if not permissions.can_manage_competition(request.user, award.competition):
        raise Http404
    try:
        services.award_revoke(award=award, by=request.user)
    except ValidationError as exc:
        web.refuse(request, exc)
    else:
        messages.success(request, _("The award is taken back."))
    return redirect("procurement:awards", reference=award.competition.reference)
