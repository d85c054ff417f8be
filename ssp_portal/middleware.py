"""Answers that Django gives bare, in the portal's look."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, QueryDict

from ssp_portal import errors
from ssp_portal.files import FORM_MARGIN_BYTES, StoredFileMissingError


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


class RequestSizeMiddleware:
    """A request that declares (``Content-Length``) more than its view takes is answered 413,
    with the portal's page in the person's language, before anything reads its body.

    A view takes one file of at most ``SSP_UPLOAD_MAX_BYTES``, or as many as it says with
    ``ssp_portal.files.accepts_files``, and ``FORM_MARGIN_BYTES`` for the rest of the form. It is
    placed before ``CsrfViewMiddleware``, whose ``process_view`` reads the form: every middleware's
    ``__call__`` (sessions, language, the person) has run by then, no ``process_view`` yet.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:  # Django reads no body with a length it cannot read
            return None
        files = getattr(view_func, "upload_files", 1)
        limit = settings.SSP_UPLOAD_MAX_BYTES
        if declared > files * limit + FORM_MARGIN_BYTES:
            return errors.request_too_large(request, limit=limit, files=files)
        return None
