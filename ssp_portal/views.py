"""The portal's own pages: the home page per role, the health check, the language switch."""

from __future__ import annotations

import logging

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from organizations import selectors as organization_selectors
from organizations.context_processors import request_roles
from procurement import selectors as procurement_selectors
from ssp_portal.audit.selectors import audit_scope_timeline

logger = logging.getLogger(__name__)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    roles = request_roles(request)
    context: dict = {
        "figures": organization_selectors.portal_figures(),
        "open_competitions": procurement_selectors.competitions_open(),
    }
    if roles.is_finance_staff:
        context["organization_counts"] = organization_selectors.organization_status_counts()
        context["staff_panels"] = [
            (
                municipality,
                procurement_selectors.competition_state_counts(municipality=municipality),
                audit_scope_timeline(scope=municipality, limit=5),
            )
            for municipality in roles.staff_of
        ]
    return render(request, "home.html", context)


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means the database does not answer
        logger.warning("Health check: database: %s", exc)
        return "unavailable"
    return "ok"


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
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **state}, status=200 if healthy else 503
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, which also saves the choice in the person's profile."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    user = request.user
    if user.is_authenticated and language in dict(settings.LANGUAGES) and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return response
