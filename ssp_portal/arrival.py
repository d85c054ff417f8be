"""The moment a request reached the server, recorded before anything makes it wait.

A submission at the deadline counts by this time (procurement/services/applications.py): a
request that arrived in time is not refused because it waited for a lock or for the database.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone


class ArrivalMiddleware:
    """Outermost: sets ``request.arrived_at``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.arrived_at = timezone.now()
        return self.get_response(request)


def arrived_at(request: HttpRequest) -> datetime.datetime:
    """When ``request`` arrived; now for a request that did not pass the middleware."""
    return getattr(request, "arrived_at", None) or timezone.now()
