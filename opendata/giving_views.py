"""The awards as 360Giving files: ``/360giving/grants.json`` and ``/360giving/grants.csv``.

Public, like the results they come from; filtered by ``?municipality=<slug>&year=<yyyy>`` (a
bad value is a 400 that says which, never a 500); streamed, so that memory stays flat with any
number of grants. Both carry an ``ETag`` and a ``Last-Modified`` and answer a conditional GET
with 304 when nothing in them changed, so that aggregators may poll:

- the ETag is a digest of the file's fingerprint (``giving_fingerprint``: the awards, the
  agreements, the payments), of the portal's public generation (``ssp_portal.public_cache``:
  a renamed organization or a corrected title renews it), of the filters, the language and the
  publication settings;
- ``Last-Modified`` (and the package's ``modified``) is when that version was first served.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from collections.abc import Iterable, Iterator
from decimal import Decimal
from operator import itemgetter
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from opendata import giving, giving_selectors
from opendata.giving_filters import GrantFilterForm
from ssp_portal import exports, public_cache

logger = logging.getLogger(__name__)

FORMATS = ("json", "csv")
FILE_NAME = "360giving-grants"
# How long the moment a version was first served is kept; forgotten, it is the next request's.
FIRST_SERVED_SECONDS = 90 * 24 * 3600
CSV_COLUMNS = [exports.Column(header=title, value=itemgetter(title)) for title, _path in giving.CSV_COLUMNS]


@require_GET
def grants_json(request: HttpRequest) -> HttpResponse:
    """The 360Giving package: its metadata, then ``grants``."""
    return _grants(request, fmt="json")


@require_GET
def grants_csv(request: HttpRequest) -> HttpResponse:
    """The same grants in the standard's flat CSV, one row per grant."""
    return _grants(request, fmt="csv")


def _grants(request: HttpRequest, *, fmt: str) -> HttpResponse:
    form = GrantFilterForm(request.GET)
    if not form.is_valid():
        return _refusal(form, fmt=fmt)
    filters = {"municipality": form.cleaned_data["municipality"], "year": form.cleaned_data["year"]}
    etag = _etag(fmt, form.query(), giving_selectors.giving_fingerprint(**filters))
    served = _first_served(etag)
    answer = public_cache.not_modified(request, etag=etag, last_modified=served)
    if answer is None:
        publication = _publication()
        rows = giving_selectors.giving_rows(**filters)
        if fmt == "csv":
            flat = (giving.flat(giving.grant(row, publication)) for row in rows)
            answer = exports.response(flat, CSV_COLUMNS, fmt="csv", name=[FILE_NAME, *form.query().values()])
        else:
            head = giving.package_head(
                publication,
                license_url=settings.SSP_360GIVING_LICENSE,
                publisher=settings.SSP_360GIVING_PUBLISHER,
                modified=served,
            )
            head["downloadURL"] = _address(request.path, form.query())
            answer = StreamingHttpResponse(
                _json_lines(head, rows, publication, language=translation.get_language()),
                content_type="application/json; charset=utf-8",
            )
        public_cache.validators(answer, etag=etag, last_modified=served)
    answer["X-Content-Type-Options"] = "nosniff"
    # Anyone may keep the file, and asks again each time (a 304 when it is the same).
    answer["Cache-Control"] = "public, no-cache"
    patch_vary_headers(answer, ("Accept-Language", "Cookie"))
    return answer


def _publication() -> giving.Publication:
    return giving.Publication(
        prefix=settings.SSP_360GIVING_PREFIX,
        funder_id=settings.SSP_360GIVING_FUNDER_ID,
        site_url=settings.SSP_SITE_URL,
        data_source=_address(reverse("opendata:giving-grants-json"), {}),
    )


def _address(path: str, query: dict[str, str]) -> str:
    return settings.SSP_SITE_URL + path + (f"?{urlencode(query)}" if query else "")


def _refusal(form: GrantFilterForm, *, fmt: str) -> HttpResponse:
    """A 400 naming each filter that cannot be used and why."""
    message = gettext("These filters cannot be used.")
    fields = {name: [str(error) for error in errors] for name, errors in form.errors.items()}
    if fmt == "json":
        return JsonResponse(
            {"error": message, "fields": fields}, status=400, json_dumps_params={"ensure_ascii": False}
        )
    lines = [message, *(f"{name}: {' '.join(errors)}" for name, errors in fields.items())]
    return HttpResponse("\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8")


def _etag(fmt: str, query: dict[str, str], fingerprint: giving_selectors.Fingerprint) -> str:
    try:
        generation = public_cache.generation()
    except Exception:  # a cache that does not answer: the fingerprint alone
        logger.warning("360Giving: cannot read the public generation", exc_info=True)
        generation = None
    publication = [
        settings.SSP_360GIVING_PREFIX,
        settings.SSP_360GIVING_FUNDER_ID,
        settings.SSP_360GIVING_LICENSE,
        settings.SSP_360GIVING_PUBLISHER,
        settings.SSP_SITE_URL,
    ]
    parts = [fmt, translation.get_language(), query, publication, fingerprint.awards, fingerprint.payments]
    return hashlib.sha256(json.dumps([*parts, generation], default=str).encode()).hexdigest()[:40]


def _first_served(etag: str) -> datetime.datetime:
    """When this version of the file was first served (now, if the cache does not answer)."""
    now = int(timezone.now().timestamp())
    key = f"opendata:360giving:served:{etag}"
    try:
        cache.add(key, now, timeout=FIRST_SERVED_SECONDS)
        served = cache.get(key, now)
    except Exception:
        logger.warning("360Giving: cannot keep when %s was first served", etag, exc_info=True)
        served = now
    return datetime.datetime.fromtimestamp(served, tz=datetime.UTC)


def _number(value: object) -> int | float:
    """Money as a JSON number: whole soms as integers, else the two decimals exactly (a float's
    shortest form)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def _json_lines(
    head: dict[str, object],
    rows: Iterable[giving.AwardRow],
    publication: giving.Publication,
    *,
    language: str,
) -> Iterator[str]:
    """The package, its metadata first and a grant a line, in the language of the request."""
    opening = json.dumps(head, ensure_ascii=False)[:-1]
    with translation.override(language):
        yield opening + ', "grants": [\n'
        separator = ""
        for row in rows:
            yield separator + json.dumps(giving.grant(row, publication), ensure_ascii=False, default=_number)
            separator = ",\n"
        yield "\n]}\n"
