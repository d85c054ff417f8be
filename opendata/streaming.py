"""JSON written piece by piece: a package's head, then its releases (or records) one at a time.

The whole document is never held in memory: each item is encoded as it comes from its iterator
and handed to the response, so a package of thousands of competitions costs the memory of one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def json_object(head: dict[str, Any], key: str, items: Iterable[Iterable[dict[str, Any]]]) -> Iterator[bytes]:
    """``head`` with ``key`` added last, an array of every item of ``items`` (groups of items:
    one piece of the answer per group), written as the groups come."""
    opening = dumps(head)[:-1]
    yield f'{opening}{"," if head else ""}"{key}":['.encode()
    first = True
    for group in items:
        encoded = [dumps(item) for item in group]
        if not encoded:
            continue
        yield (("" if first else ",") + ",".join(encoded)).encode()
        first = False
    yield b"]}"
