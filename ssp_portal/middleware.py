"""Answers that Django gives bare, in the portal's look."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed

from ssp_portal import errors
from ssp_portal.files import StoredFileMissingError


class ErrorPagesMiddleware:
    """A 405 (a POST-only address opened as a page) and a file missing from storage answer the
    portal's error pages, with a way back, instead of an empty page or a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed) and not response.content:
            return errors.method_not_allowed(request, allow=response["Allow"])
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, StoredFileMissingError):
            return errors.file_missing(request)
        return None
