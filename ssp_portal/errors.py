"""The error pages: what happened in plain words, and a way back.

Each page links to the page the person came from when it is a page of this site (never an
outside Referer), to the home page, and for a visitor to log in and come back. The handlers are
named in ssp_portal/urls.py (400, 403, 404, 500), in settings (CSRF_FAILURE_VIEW) and used by
ssp_portal/middleware.py (405, 413, a file missing from storage, an address with a control
character).
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def way_back(request: HttpRequest) -> str:
    """The page the person came from, when it is a page of this site."""
    referer = request.headers.get("referer", "")
    try:
        host = request.get_host()
    except DisallowedHost:
        return ""
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={host}, require_https=request.is_secure()
    ):
        return ""
    parts = urlsplit(referer)
    back = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    # A page that sent a form may be the way back; a page that refers to itself is not.
    return "" if back == request.get_full_path() and request.method == "GET" else back


def error_page(
    request: HttpRequest, template: str, status: int, *, after_login: str | None = None, **context
) -> HttpResponse:
    """An error page with its ways back; a visitor logs in and returns to ``after_login`` (by
    default the page asked for: it may be theirs to see once logged in)."""
    login_url = ""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        target = after_login if after_login is not None else request.get_full_path()
        login_url = f"{reverse('account_login')}?{urlencode({'next': target})}"
    context = {"back_url": way_back(request), "login_url": login_url, **context}
    return render(request, template, context, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, "400.html", 400, after_login="/")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, "403.html", 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, "404.html", 404)


def invalid_address(request: HttpRequest) -> HttpResponse:
    """An address with a control character (ssp_portal/addresses.py): the 404 page, whose log-in
    link leads home rather than back to that address."""
    return error_page(request, "404.html", 404, after_login="/")


def file_missing(request: HttpRequest) -> HttpResponse:
    """A record whose file storage does not have (the error is logged where it was found)."""
    return error_page(request, "404.html", 404, missing_file=True)


def method_not_allowed(request: HttpRequest, allow: str) -> HttpResponse:
    """An address that acts (POST only) opened as a page: the way back is the page with its button."""
    response = error_page(request, "405.html", 405, after_login=way_back(request) or "/")
    response["Allow"] = allow
    return response


def request_too_large(request: HttpRequest, *, limit: int, files: int = 1) -> HttpResponse:
    """A request longer than the form it is sent to takes (its files at most ``limit`` bytes each,
    ``files`` of them), answered before its body is read: nothing of it was saved."""
    return error_page(
        request,
        "413.html",
        413,
        after_login=way_back(request) or "/",
        limit_mb=limit // (1024 * 1024),
        files=files,
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """An expired form: back to the page, reload, send again."""
    return error_page(request, "403_csrf.html", 403, after_login=way_back(request) or "/")


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: the error may come from them.
    return HttpResponse(loader.get_template("500.html").render({}), status=500)
