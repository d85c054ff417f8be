"""Addresses that no person types: a control character in the path or the query.

A link or a typed address never holds one, and no one types a NUL or an escape; PostgreSQL
refuses a NUL in any query a view would make with it. The one exception is a form sent by GET:
the text of a multi-line field holds tabs and line breaks (a confirmation page carries a reason
so), which query values may hold. ssp_portal.middleware.InvalidAddressMiddleware answers any
other such address with the 404 page.
"""

from __future__ import annotations

import re

from django.http import HttpRequest

# C0 controls, DEL and C1 controls (Unicode category Cc), tab and line breaks included.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f]")
# The same without tab, line feed and carriage return, which typed text holds.
CONTROL_CHARACTERS_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control_characters(request: HttpRequest) -> bool:
    """Whether the path, or a name or value of the query string, holds a control character."""
    if CONTROL_CHARACTERS.search(request.path):
        return True
    return any(
        CONTROL_CHARACTERS.search(name) or any(CONTROL_CHARACTERS_IN_TEXT.search(value) for value in values)
        for name, values in request.GET.lists()
    )
