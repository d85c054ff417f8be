"""The portal's own pages: the home page per role, the health check, the language switch."""

from __future__ import annotations

import logging

import redis
from django.conf import settings
from django.db import connection
from django.db.models import Min
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from monitoring import selectors as monitoring_selectors
from organizations import selectors as organization_selectors
from organizations.context_processors import request_roles
from procurement import selectors as procurement_selectors
from ssp_portal.audit.selectors import audit_scope_timeline
from ssp_portal.documents.models import Document
from ssp_portal.notifications.models import OutgoingEmail
from ssp_portal.public_cache import public_page

logger = logging.getLogger(__name__)

# How many rows each list of the home page shows before its link to the whole list.
HOME_LIMIT = procurement_selectors.HOME_LIMIT


@require_GET
@public_page
def home(request: HttpRequest) -> HttpResponse:
    """Each role's work: a panel per role the person holds, a fixed number of queries in all."""
    if not request.user.is_authenticated:
        return render(
            request,
            "home.html",
            {
                "figures": organization_selectors.portal_figures(),
                "open_competitions": procurement_selectors.competitions_open(),
                "latest_projects": monitoring_selectors.latest_projects(limit=HOME_LIMIT),
            },
        )
    user = request.user
    roles = request_roles(request)
    # Each list is its first few rows, with a link to the whole list: the page's queries and rows
    # stay the same however much work a person has.
    commission = procurement_selectors.commission_work(user=user, limit=HOME_LIMIT)
    context: dict = {
        "commission_work": commission,
        "has_role": roles.has_role or bool(commission),
        # The navigation asks this too; the answer is known already.
        "sits_on_commission": bool(commission),
    }
    if roles.is_nco_member or not context["has_role"]:
        context["open_competitions"] = procurement_selectors.competitions_open()
    if roles.is_nco_member:
        context["member_applications"] = procurement_selectors.member_applications_in_progress(
            user=user, limit=HOME_LIMIT, organizations=roles.organizations
        )
        context["member_reports"] = monitoring_selectors.member_reports(user=user)
    if roles.is_finance_staff or roles.is_consultant:
        reviews = monitoring_selectors.review_counts(user=user)
        context["consultant_panels"] = [(m, reviews.get(m.pk, {})) for m in roles.consultant_of]
    if roles.is_finance_staff:
        context["organization_counts"] = organization_selectors.organization_state_counts()
        context["staff_panels"] = [
            (
                municipality,
                procurement_selectors.competition_state_counts(municipality=municipality),
                audit_scope_timeline(scope=municipality, limit=5),
                reviews.get(municipality.pk, {}),
            )
            for municipality in roles.staff_of
        ]
    context["auditor_panels"] = _auditor_panels(roles.auditor_of)
    return render(request, "home.html", context)


def _auditor_panels(municipalities: list) -> list[tuple]:
    """An auditor's way into each municipality they audit: its competitions by state and its
    latest events (two queries each), as the staff's panel shows them, without the actions."""
    return [
        (
            municipality,
            procurement_selectors.competition_state_counts(municipality=municipality),
            audit_scope_timeline(scope=municipality, limit=5),
        )
        for municipality in municipalities
    ]


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means the database does not answer
        logger.warning("Health check: database: %s", exc)
        return "unavailable"
    return "ok"


def _oldest_queued_job_seconds() -> int | None:
    """The age of the oldest document or e-mail still waiting for a worker (None: nothing waits).

    Monitoring alerts on it: the sweep sends stuck work again every few minutes, so a value that
    keeps growing means no worker runs.
    """
    oldest = [
        Document.objects.filter(state=Document.State.QUEUED).aggregate(first=Min("requested_at"))["first"],
        OutgoingEmail.objects.filter(state=OutgoingEmail.State.QUEUED).aggregate(first=Min("created_at"))[
            "first"
        ],
    ]
    waiting = [moment for moment in oldest if moment is not None]
    if not waiting:
        return None
    return max(0, int((timezone.now() - min(waiting)).total_seconds()))


def _broker_state() -> str:
    if not settings.REDIS_URL:
        return "in-process"
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
    except Exception as exc:  # any failure means the broker does not answer
        logger.warning("Health check: broker: %s", exc)
        return "unavailable"
    return "ok"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The database and the Celery broker: 200 when both answer, 503 otherwise.

    Without REDIS_URL tasks run in-process (development); the broker is then reported as
    ``in-process`` and does not count as down.
    """
    state = {"database": _database_state(), "broker": _broker_state()}
    healthy = state["database"] == "ok" and state["broker"] in {"ok", "in-process"}
    if state["database"] == "ok":
        state["oldest_queued_job_seconds"] = _oldest_queued_job_seconds()
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **state}, status=200 if healthy else 503
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, which also saves the choice in the person's profile (or, before
    they log in, in the session, for the profile once they do)."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if language in dict(settings.LANGUAGES):
        # Kept through logging in (organizations.adapters): the choice outlives the anonymous visit.
        request.session["chosen_language"] = language
    user = request.user
    if user.is_authenticated and language in dict(settings.LANGUAGES) and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return response
