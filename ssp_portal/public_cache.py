"""Public pages kept in the cache for visitors who are not logged in, and the conditional GET.

``@public_page`` on a view anyone may read keeps its page, for an anonymous GET, in the default
cache (Redis in production) under the page's path and query, the language the page was rendered
in (``request.LANGUAGE_CODE``: the first visit follows Accept-Language, later ones the language
cookie) and the *public generation*. Every service that changes what a public page shows calls
``public_changed()`` inside its transaction; after the commit the generation goes up, and every
kept page is left behind at once (they expire by themselves, ``SSP_PUBLIC_CACHE_SECONDS``, which
also bounds how long a change made outside the services, in the admin, takes to show).

A page that changes by itself at a known moment, with nothing written (a competition's page at
its deadline: it closes and shows the receipt ledger), says so with ``changes_at``: it is kept
until that moment at most, and rendered afresh after.

What a kept page must not carry from the visit that rendered it:

- the CSRF token (the language switch posts with one): the page is rendered with a placeholder
  (``csrf_placeholder``, a context processor) that each answer replaces with a token of its own
  visitor's cookie, so the language switch works on a kept page as on a fresh one;
- messages ("You have logged out"): a visitor with messages waiting gets a fresh page, which is
  not kept;
- a CSP nonce: a page that used one is not kept (the portal's pages use none; their scripts are
  files, ``script-src 'self'``), so a kept page works under the policy sent with any answer.

A logged-in person always gets a fresh page, and never one kept for someone else. A list asked
for as a file (``?export=csv|xlsx``, ``ssp_portal.exports``) is never answered from the cache nor
kept in it: the view answers it each time.

Every answer of a public page has a weak ``ETag`` (the kept page, with the visitor's CSRF
cookie: a browser whose cookie changed, when logging in or out, gets the page again) and
``Last-Modified`` (when the page was kept), ``Cache-Control: private, no-cache`` (a browser may
keep it and asks again each time; no proxy keeps it) and ``Vary: Accept-Language, Cookie``; a
conditional GET whose page has not changed is answered 304.

``not_modified(request, etag=..., last_modified=...)`` answers the conditional GET of a file whose
permission the view has already checked (generated documents).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import logging
import math
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.response import SimpleTemplateResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, quote_etag

from ssp_portal import exports

logger = logging.getLogger(__name__)

GENERATION_KEY = "public-pages:generation"
# What a page kept in the cache has where its CSRF token goes; each answer puts its own there.
CSRF_PLACEHOLDER = "public-page-csrf-token"
_RENDERING = "_public_page_rendering"
_CHANGES_AT = "_public_page_changes_at"

View = Callable[..., HttpResponse]


# The generation ---------------------------------------------------------------------------------


def generation() -> int:
    """The public generation: a page kept under an older one is never served again.

    It starts (and starts again, should the cache lose it) at the clock's nanoseconds, which no
    generation counted before reaches.
    """
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        value = cache.get(GENERATION_KEY, 0)
    return value


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # never set, or lost: any new start leaves every kept page behind
        cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


def public_changed() -> None:
    """What public pages show changes in this transaction: after its commit, they are rendered
    afresh. A cache that does not answer then is logged, not raised: the change is made, and the
    kept pages expire by themselves."""
    transaction.on_commit(_bump, robust=True)


# The page -----------------------------------------------------------------------------------


def csrf_placeholder(request: HttpRequest) -> dict[str, str]:
    """Context processor: while a public page is rendered to be kept, its CSRF token is the
    placeholder (it comes after Django's own ``csrf`` processor, whose value it replaces)."""
    if getattr(request, _RENDERING, False):
        return {"csrf_token": CSRF_PLACEHOLDER}
    return {}


def _has_messages(request: HttpRequest) -> bool:
    # len() reads the messages without marking them shown: the fresh page still shows them.
    return len(messages.get_messages(request)) > 0


def _cacheable(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return (
        request.method == "GET"
        and user is not None
        and not user.is_authenticated
        and not exports.requested(request)
        and not _has_messages(request)
    )


def _key(request: HttpRequest) -> str | None:
    """The page's key; None when the cache does not answer (the page is then rendered)."""
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    try:
        return f"public-pages:{generation()}:{request.LANGUAGE_CODE}:{path}"
    except Exception:
        logger.warning("Public page cache: cannot read the generation", exc_info=True)
        return None


def _render(view: View, request: HttpRequest, args: Any, kwargs: Any) -> HttpResponse:
    setattr(request, _RENDERING, True)
    try:
        response = view(request, *args, **kwargs)
        if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
            response.render()
        return response
    finally:
        setattr(request, _RENDERING, False)


def changes_at(response: HttpResponse, moment: datetime.datetime) -> HttpResponse:
    """The page changes by itself at ``moment``, with nothing written: it is kept until then at most."""
    setattr(response, _CHANGES_AT, moment.timestamp())
    return response


def _keepable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not bool(getattr(request, "csp_nonce", None))  # evaluated: the page carries it
    )


def _entry(response: HttpResponse) -> dict[str, Any]:
    return {
        "content": response.content,
        "content_type": response["Content-Type"],
        "digest": hashlib.sha256(response.content).hexdigest(),
        "kept_at": int(time.time()),
        "until": getattr(response, _CHANGES_AT, None),
    }


def _seconds_left(entry: dict[str, Any]) -> float:
    """How long the kept page holds: the setting, or less when it changes by itself before."""
    seconds = settings.SSP_PUBLIC_CACHE_SECONDS
    until = entry.get("until")
    return seconds if until is None else min(seconds, until - time.time())


def _answer(request: HttpRequest, entry: dict[str, Any]) -> HttpResponse:
    """The kept page for this visitor: their CSRF token in it, its validators, or a 304."""
    token = get_token(request)  # sets the visitor's CSRF cookie when they have none
    secret = request.META.get("CSRF_COOKIE", "")
    content = entry["content"].replace(CSRF_PLACEHOLDER.encode(), token.encode())
    response = HttpResponse(content, content_type=entry["content_type"])
    etag = hashlib.sha256(f"{entry['digest']}:{secret}".encode()).hexdigest()[:32]
    response["ETag"] = f"W/{quote_etag(etag)}"
    response["Last-Modified"] = http_date(entry["kept_at"])
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return get_conditional_response(
        request, etag=response["ETag"], last_modified=entry["kept_at"], response=response
    )


def _cache_get(key: str) -> dict[str, Any] | None:
    try:
        return cache.get(key)
    except Exception:  # a cache that does not answer only costs the rendering
        logger.warning("Public page cache: cannot read %s", key, exc_info=True)
        return None


def _cache_set(key: str, entry: dict[str, Any]) -> None:
    seconds = _seconds_left(entry)
    if seconds <= 0:
        return
    try:
        cache.set(key, entry, timeout=math.ceil(seconds))
    except Exception:
        logger.warning("Public page cache: cannot keep %s", key, exc_info=True)


def public_page(view: View) -> View:
    """Keep the view's page for anonymous visitors (see the module's docstring)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        key = _key(request) if settings.SSP_PUBLIC_CACHE_SECONDS > 0 else None
        entry = _cache_get(key) if key else None
        if entry is not None and _seconds_left(entry) <= 0:  # the cache's timeout is in whole seconds
            entry = None
        if entry is None:
            response = _render(view, request, args, kwargs)
            if not _keepable(request, response):
                return _fresh(request, response)
            entry = _entry(response)
            if key:
                _cache_set(key, entry)
        return _answer(request, entry)

    return wrapper


def _fresh(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A page rendered to be kept and not kept after all: its own visitor's token in it."""
    if not response.streaming and CSRF_PLACEHOLDER.encode() in response.content:
        response.content = response.content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
    return response


# Files ----------------------------------------------------------------------------------------


def not_modified(
    request: HttpRequest, *, etag: str = "", last_modified: datetime.datetime | None = None
) -> HttpResponse | None:
    """A 304 when the request's validators match the file's (``etag``: its digest), else None.

    Call it only after the permission check: a 304 says the file is there.
    """
    response = get_conditional_response(
        request,
        etag=quote_etag(etag) if etag else None,
        last_modified=int(last_modified.timestamp()) if last_modified else None,
    )
    if response is not None:
        validators(response, etag=etag, last_modified=last_modified)
    return response


def validators(
    response: HttpResponse, *, etag: str = "", last_modified: datetime.datetime | None = None
) -> None:
    """The file's validators on its answer."""
    if etag:
        response["ETag"] = quote_etag(etag)
    if last_modified:
        response["Last-Modified"] = http_date(last_modified.timestamp())
