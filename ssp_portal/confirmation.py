"""A confirmation step before what cannot be undone, that works without JavaScript.

The button on a page leads to a confirmation page (GET, with what was entered on the way, or an
older form posted without the field) that says in plain words what will happen. Its form posts
the request again with ``confirm`` set to a token of the details it showed. A view acts only when
that token matches the details as they are now, so an old form without the field, a second post of
the first step, or a confirmation of details that have changed since (another tab took back an
award, the organization edited its registration number) shows the confirmation page again
instead of acting.
"""

from __future__ import annotations

import hashlib
import hmac
import json

from django.http import HttpRequest, QueryDict

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


def entered(request: HttpRequest) -> QueryDict | None:
    """What the person entered on the way to a confirmation (an amount, a date, a reason).

    The form before a confirmation is sent with GET, so that the confirmation page has an address
    of its own (switching the language keeps what was entered); an older form's POST also counts.
    """
    data = request.POST if request.method == "POST" else request.GET
    return data or None
