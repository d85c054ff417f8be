"""The portal's own middleware (their order is in settings.MIDDLEWARE, each with its reason).

- SecurityHeadersMiddleware: Permissions-Policy on every answer; no-store on private ones.
- InvalidAddressMiddleware: an address with a control character is a 404, before anything reads it.
- IdleTimeoutMiddleware: the powerful roles are logged out after a while without a request.
- ErrorPagesMiddleware: the portal's error pages where Django would answer bare.
- RequestSizeMiddleware: a request longer than its view accepts is a 413, before its body is read.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth, messages
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    QueryDict,
)
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import ngettext
from django_htmx.http import HttpResponseClientRedirect

from organizations.permissions import is_auditor, is_consultant, is_finance_staff
from procurement.permissions import is_commission_member
from ssp_portal import errors
from ssp_portal.addresses import has_control_characters
from ssp_portal.files import FORM_MARGIN_BYTES, StoredFileMissingError

logger = logging.getLogger(__name__)

Middleware = Callable[[HttpRequest], HttpResponse]


class SecurityHeadersMiddleware:
    """Headers on every answer, besides those of Django's SecurityMiddleware and django-csp:

    - ``Permissions-Policy``: each feature of ``SSP_PERMISSIONS_POLICY`` off (``camera=()``);
    - ``Cache-Control: no-store`` (with Django's other never-cache headers) on every answer to a
      logged-in person and on every file download, so that no browser or proxy keeps a private
      page or file. Public pages for visitors, and static files, stay cacheable.
    """

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response
        self.permissions_policy = ", ".join(f"{feature}=()" for feature in settings.SSP_PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        if _is_file_download(response) or _is_logged_in(request):
            add_never_cache_headers(response)
        return response


def _is_file_download(response: HttpResponse) -> bool:
    # Django's FileResponse names its file in Content-Disposition, inline or as an attachment;
    # static files (whitenoise) have none.
    return "Content-Disposition" in response.headers


def _is_logged_in(request: HttpRequest) -> bool:
    # Static files are answered before AuthenticationMiddleware: they have no user.
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


class InvalidAddressMiddleware:
    """An address with a control character in its path or query (``/competitions/%00/``,
    ``?q=%1b``) answers the portal's 404 page before any view or lookup reads it
    (ssp_portal/addresses.py). Its ways back lead home, never to the address itself."""

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_control_characters(request):
            return errors.invalid_address(request)
        return self.get_response(request)


# The time of the person's last request (seconds since the epoch), kept in their session.
LAST_REQUEST_KEY = "ssp_last_request"
# The time is written at most once a minute, not on every request.
LAST_REQUEST_RESOLUTION = 60


def times_out_when_idle(user) -> bool:
    """Finance staff, commission members, consultants, auditors and administrators: whoever can
    change or see what others may not. NCO members (and people with no role) keep the session
    length."""
    return (
        user.is_staff
        or user.is_superuser
        or is_finance_staff(user)
        or is_consultant(user)
        or is_auditor(user)
        or is_commission_member(user)
    )


class IdleTimeoutMiddleware:
    """Logs out finance staff, commission members, consultants and administrators after
    ``SSP_IDLE_TIMEOUT_MINUTES`` without a request, and sends them to log in with ``?next=``
    the page they asked for, which says why.

    The time of the last request is written to the session at most once a minute (until then
    the time of the log-in stands for it), so a person is logged out once idle for longer than
    the timeout, by up to that minute, and never sooner. Their roles are looked up only then:
    an ordinary request costs no query and, most of the time, no write.
    """

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timeout = settings.SSP_IDLE_TIMEOUT_MINUTES * 60
        user = request.user
        if timeout and user.is_authenticated:
            now = int(time.time())
            last = _last_request(request, user)
            idle = now - last if last is not None else None
            expired = idle is not None and idle > timeout + LAST_REQUEST_RESOLUTION
            if expired and times_out_when_idle(user):
                return self.log_out(request)
            if idle is None or idle >= LAST_REQUEST_RESOLUTION:
                request.session[LAST_REQUEST_KEY] = now
        return self.get_response(request)

    def log_out(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        language = getattr(user, "language", "")
        minutes = settings.SSP_IDLE_TIMEOUT_MINUTES
        asked_for_a_page = request.method in ("GET", "HEAD")
        # A form was lost, unless it was the one that logs out.
        sent_a_form = not asked_for_a_page and request.path != reverse("account_logout")
        # A page asked for comes back after the log-in; a form sent comes back to its page.
        back = request.get_full_path() if asked_for_a_page else (errors.way_back(request) or reverse("home"))
        logger.info("Logged out user %s after %s minutes without a request.", user.pk, minutes)
        auth.logout(request)
        if sent_a_form:
            message = ngettext(
                "You were logged out after %(minutes)d minute without activity, so what you sent "
                "was not saved. Log in, then send it again.",
                "You were logged out after %(minutes)d minutes without activity, so what you sent "
                "was not saved. Log in, then send it again.",
                minutes,
            )
        else:
            message = ngettext(
                "You were logged out after %(minutes)d minute without activity. Log in to go on "
                "where you were.",
                "You were logged out after %(minutes)d minutes without activity. Log in to go on "
                "where you were.",
                minutes,
            )
        messages.warning(request, message % {"minutes": minutes})
        login_url = f"{reverse('account_login')}?{urlencode({'next': back})}"
        response: HttpResponse = (
            HttpResponseClientRedirect(login_url)
            if request.headers.get("HX-Request")
            else HttpResponseRedirect(login_url)
        )
        if language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            # The log-in page speaks the language the person chose in their profile.
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


def _last_request(request: HttpRequest, user) -> int | None:
    """The time of the person's last request in this session, to the minute; before the session
    has one, the time they last logged in."""
    last = request.session.get(LAST_REQUEST_KEY)
    if isinstance(last, int):
        return last
    return int(user.last_login.timestamp()) if user.last_login else None


def _has_nul(data: QueryDict) -> bool:
    return any("\x00" in key or any("\x00" in value for value in data.getlist(key)) for key in data)


class ErrorPagesMiddleware:
    """The portal's error pages where Django would answer an empty page or a 500:

    - a 405 (a POST-only address opened as a page) gets the 405 page, its Allow header kept;
    - a file missing from storage gets the 404 page that says so;
    - a NUL character in a form sent is a 400: no one types it, and PostgreSQL refuses it in
      any query a view would make with it (one in the address is a 404: InvalidAddressMiddleware).
    """

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed) and not response.content:
            return errors.method_not_allowed(request, allow=response["Allow"])
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
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
