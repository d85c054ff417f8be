"""A confirmation step before what cannot be undone, that works without JavaScript.

The button on a page leads to a confirmation page (GET, or the page's own form posted without the
field) that says in plain words what will happen. Its form posts the request again with
``confirm`` set to a token of the details it showed. A view acts only when that token matches the
details as they are now, so an old form without the field, a second post of the first step, or a
confirmation of details that have changed since (another tab took back an award, the organization
edited its registration number) shows the confirmation page again instead of acting.
"""

from __future__ import annotations

import hashlib
import hmac
import json

from django.http import HttpRequest

FIELD = "confirm"


def confirmation_token(*details: object) -> str:
    """A short digest of what the confirmation page showed; ``str`` of each detail counts.

    Line ends count as one: a text carried in a hidden field may come back with CR LF or LF.
    """
    text = json.dumps([str(detail).replace("\r\n", "\n") for detail in details], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def is_confirmed(request: HttpRequest, token: str) -> bool:
    return request.method == "POST" and hmac.compare_digest(request.POST.get(FIELD, ""), token)


def is_stale(request: HttpRequest, token: str) -> bool:
    """A confirmation was sent, but for details that are no longer the same."""
    return request.method == "POST" and bool(request.POST.get(FIELD)) and not is_confirmed(request, token)
