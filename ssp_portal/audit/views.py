"""The public page of the audit log's published chain heads, and the same as JSON."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ssp_portal.audit import chain
from ssp_portal.audit.selectors import published_heads

PAGE_SIZE = 50


@require_GET
def chain_heads(request: HttpRequest) -> HttpResponse:
    page = Paginator(published_heads(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/chain.html", {"page": page, "support_email": settings.SSP_SUPPORT_EMAIL})


@require_GET
def chain_heads_json(request: HttpRequest) -> JsonResponse:
    """Every published head, oldest first: the copy anyone may keep and compare later."""
    heads = [
        {
            "date": head.date.isoformat(),
            "last_event_id": head.last_event_id,
            "count": head.count,
            "hash": head.hash,
            "published_at": head.published_at.isoformat(),
        }
        for head in published_heads().order_by("date")
    ]
    return JsonResponse(
        {
            "format": chain.FORMAT,
            "description": (
                "The head of the SSP Portal's audit log at the end of each day: the number of "
                "events, the last event's id and its SHA-256 hash, which covers every event "
                "before it. Keep a copy; if a head published here ever changes or disappears, "
                "the log was altered."
            ),
            "heads": heads,
        },
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )
