"""Answers that Django gives bare, in the portal's look."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, QueryDict

from ssp_portal import errors
from ssp_portal.files import StoredFileMissingError


def _has_nul(data: QueryDict) -> bool:
    return any("\x00" in key or any("\x00" in value for value in data.getlist(key)) for key in data)


class ErrorPagesMiddleware:
    """The portal's error pages where Django would answer an empty page or a 500:

    - a 405 (a POST-only address opened as a page) gets the 405 page, its Allow header kept;
    - a file missing from storage gets the 404 page that says so;
    - a NUL character in the address, the query or a form is a 400: no one types it, and
      PostgreSQL refuses it in any query a view would make with it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed) and not response.content:
            return errors.method_not_allowed(request, allow=response["Allow"])
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if "\x00" in request.path or _has_nul(request.GET):
            return errors.bad_request(request)
        if request.method == "POST" and _has_nul(request.POST):
            return errors.bad_request(request)
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, StoredFileMissingError):
            return errors.file_missing(request)
        return None
