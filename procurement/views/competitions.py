"""A competition's public pages (the list, the competition and its next step), and its staff's list and
forms."""

from __future__ import annotations

import datetime
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
from django.views.decorators.http import require_GET, require_http_methods

from procurement import exports as procurement_exports
from procurement import ledger, permissions, rules, selectors
from procurement.filters import CompetitionFilter, StaffCompetitionFilter
from procurement.forms import competitions as forms
from procurement.models import Competition
from procurement.services import competitions as services
from procurement.views import access
from ssp_portal import exports, web
from ssp_portal.audit.selectors import audit_scope_timeline, audit_timeline
from ssp_portal.languages import STATE_LANGUAGES, text_in
from ssp_portal.public_cache import changes_at, public_page

PAGE_SIZE = 20


# Public -------------------------------------------------------------------------------------


@require_GET
@public_page
def competition_list(request: HttpRequest) -> HttpResponse:
    """Published competitions, with filters; as a file with ``?export=csv|xlsx``."""
    filterset = CompetitionFilter(request.GET or None, queryset=selectors.competition_list(user=request.user))
    if fmt := exports.requested(request):
        return procurement_exports.competitions_file(filterset.qs, fmt=fmt)
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


def _receipts(competition: Competition) -> dict[str, Any]:
    """The receipt ledger (``receipts`` is None while it is not public), with its files."""
    return {
        "receipts": ledger.receipt_ledger(competition=competition),
        "receipts_named": ledger.names_public(competition),
        "receipt_links": ledger.file_links(competition),
    }


@require_GET
@public_page
def competition_detail(request: HttpRequest, reference: str) -> HttpResponse:
    competition = selectors.competition_detail(user=request.user, reference=reference)
    if competition is None:
        raise Http404
    if fmt := exports.requested(request):
        # The results the page shows (none until they are published), as a file.
        results = selectors.public_results(competition=competition)
        return procurement_exports.results_file(competition, results, fmt=fmt)
    manager = permissions.can_manage_competition(request.user, competition)
    # Its auditors read what its staff read, without the actions.
    reader = manager or permissions.can_read_competition(request.user, competition)
    context: dict[str, Any] = {
        "competition": competition,
        "manager": manager,
        "reader": reader,
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
        **_receipts(competition),
        **_next_step(request, competition, manager),
    }
    if reader:
        context["events"] = audit_timeline(target=competition)
        context["application_counts"] = selectors.application_counts(competition=competition)
    if manager:
        context["checklist"] = (
            publish_checklist(competition, at=timezone.now()) if competition.is_draft else None
        )
        context["actions"] = permissions.competition_actions(competition)
    response = render(request, "procurement/competition_detail.html", context)
    # At the deadline the page changes with nothing written: it closes, and shows the ledger.
    return changes_at(response, competition.deadline) if competition.deadline > timezone.now() else response


@require_GET
def competition_receipts(request: HttpRequest, reference: str) -> HttpResponse:
    """The receipt ledger as a file (``?export=csv|xlsx``); without a format, the ledger on the
    competition's page. Not found while the applications are sealed."""
    competition = ledger.ledger_competition(user=request.user, reference=reference)
    if competition is None:
        raise Http404
    fmt = exports.requested(request)
    if not fmt:
        return redirect(f"{competition.get_absolute_url()}#receipts")
    return exports.response(
        ledger.receipt_ledger(competition=competition) or [],
        ledger.columns(competition),
        fmt=fmt,
        name=[_("Receipts"), competition.reference],
    )


# Staff --------------------------------------------------------------------------------------


@login_required
@require_GET
def staff_competitions(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access.read_municipality(request, slug)
    filterset = StaffCompetitionFilter(
        request.GET or None,
        queryset=selectors.competition_for_staff(municipality=municipality),
        municipality=municipality,
    )
    if fmt := exports.requested(request):
        return procurement_exports.staff_competitions_file(filterset.qs, fmt=fmt, municipality=municipality)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "procurement/staff_competitions.html",
        {
            "municipality": municipality,
            "filter": filterset,
            "page": page,
            "counts": selectors.competition_state_counts(municipality=municipality),
            "states": Competition.State.choices,
            "current": request.GET.get("state", ""),
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
