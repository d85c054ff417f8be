"""The open-data feeds (OCDS 1.1.5 release and record packages) and the page that explains them.

Anyone may read them, logged in or not: they hold only what the public pages show, at the moment
of the request (``opendata.selectors`` decides what). A feed is streamed, and carries a weak
``ETag`` and ``Last-Modified`` computed from two small queries before any competition is read, so
that an aggregator polling it with a conditional GET is answered 304 when nothing changed.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable, Iterator

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from opendata import ocds, selectors, streaming
from opendata.selectors import CompetitionRecord, Scope
from ssp_portal.public_cache import public_page

JSON = "application/json; charset=utf-8"


def _bad_request(message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=400, json_dumps_params={"ensure_ascii": False})


def _scope(request: HttpRequest) -> Scope | JsonResponse:
    """The feed's filters, ``?municipality=<slug>&year=<yyyy>``, or a 400 that says what is wrong."""
    slug = request.GET.get("municipality", "").strip()
    year = request.GET.get("year", "").strip()
    municipality = None
    if slug:
        municipality = selectors.ocds_municipality(slug=slug)
        if municipality is None:
            return _bad_request(
                _("No active municipality has the short name “%(slug)s”.") % {"slug": slug[:60]}
            )
    if year and not (year.isascii() and year.isdigit() and len(year) == 4 and 2000 <= int(year) <= 2100):
        return _bad_request(_("The year must be four digits, from 2000 to 2100."))
    return Scope(municipality=municipality, year=int(year) if year else None)


def _etag(request: HttpRequest, freshness: selectors.Freshness, config: ocds.Publication) -> str:
    """A weak validator of what the answer would hold: the feed asked for (its path and filters),
    the publication settings, and the freshness of the data."""
    parts = (request.path, sorted(request.GET.lists()), config, *freshness.parts)
    return f"W/{quote_etag(hashlib.sha256(repr(parts).encode()).hexdigest()[:32])}"


def _validators(response: HttpResponse, etag: str, last_modified: datetime.datetime | None) -> HttpResponse:
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    # Public data: any cache may keep it, and asks again each time (a 304 is cheap).
    patch_cache_control(response, public=True, no_cache=True)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _releases(records: Iterable[CompetitionRecord], config: ocds.Publication) -> Iterator[list[dict]]:
    for record in records:
        yield ocds.releases(record, config)


def _records(records: Iterable[CompetitionRecord], config: ocds.Publication) -> Iterator[list[dict]]:
    for record in records:
        yield [ocds.record(ocds.releases(record, config))]


def _feed(request: HttpRequest, scope: Scope, *, records: bool = False) -> HttpResponse:
    """A release (or record) package of ``scope``, streamed; 304 when the client's copy is current."""
    now = timezone.now()
    freshness = selectors.ocds_freshness(scope=scope, now=now)
    if scope.reference is not None and freshness.competitions == 0:
        raise Http404
    config = ocds.Publication.from_settings()
    etag, last_modified = _etag(request, freshness, config), freshness.last_modified
    unchanged = get_conditional_response(
        request, etag=etag, last_modified=int(last_modified.timestamp()) if last_modified else None
    )
    if unchanged is not None:
        return _validators(unchanged, etag, last_modified)
    head = ocds.package_head(config, uri=config.url(request.get_full_path()), published=last_modified or now)
    competitions = selectors.ocds_competitions(scope=scope, now=now)
    pieces = (_records if records else _releases)(competitions, config)
    body = streaming.json_object(head, "records" if records else "releases", pieces)
    return _validators(StreamingHttpResponse(body, content_type=JSON), etag, last_modified)


@require_GET
def release_package(request: HttpRequest) -> HttpResponse:
    """Every published competition's releases, filtered by municipality and year."""
    scope = _scope(request)
    return scope if isinstance(scope, HttpResponse) else _feed(request, scope)


@require_GET
def record_package(request: HttpRequest) -> HttpResponse:
    """Every published competition's record: its releases and the compiled release."""
    scope = _scope(request)
    return scope if isinstance(scope, HttpResponse) else _feed(request, scope, records=True)


@require_GET
def competition_package(request: HttpRequest, reference: str) -> HttpResponse:
    """One competition's releases; 404 for a draft or an unknown reference."""
    return _feed(request, Scope(reference=reference))


@require_GET
@public_page
def index(request: HttpRequest) -> HttpResponse:
    """The page that says, in plain words, what the feeds hold and where they are."""
    municipalities = selectors.open_data_municipalities()
    example = municipalities[0] if municipalities else None
    feeds = {
        "releases": request.build_absolute_uri(reverse("opendata:ocds-release-package")),
        "records": request.build_absolute_uri(reverse("opendata:ocds-record-package")),
    }
    return render(
        request,
        "opendata/index.html",
        {
            "feeds": feeds,
            "municipalities": municipalities,
            "example": example,
            "year": timezone.localdate().year,
        },
    )
