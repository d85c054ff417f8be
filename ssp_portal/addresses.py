"""Addresses that no person types: a control character in the path or the query.

A link, a form or a typed address never holds one (browsers percent-encode what they send, and
no one types a NUL or an escape); PostgreSQL refuses a NUL in any query a view would make with
it. ssp_portal.middleware.InvalidAddressMiddleware answers such an address with the 404 page.
"""

from __future__ import annotations

import re

from django.http import HttpRequest

# C0 controls, DEL and C1 controls (Unicode category Cc), tab and line breaks included.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f]")


def has_control_characters(request: HttpRequest) -> bool:
    """Whether the path, or a name or value of the query string, holds a control character."""
    if CONTROL_CHARACTERS.search(request.path):
        return True
    return any(
        CONTROL_CHARACTERS.search(name) or any(CONTROL_CHARACTERS.search(value) for value in values)
        for name, values in request.GET.lists()
    )
