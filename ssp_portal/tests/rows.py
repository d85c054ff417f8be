"""Posting to a row editor (ssp_portal/rows) the way its page does: stored rows with their ids."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ssp_portal.rows.forms import rows_version


def rows_post(
    prefix: str,
    stored: Iterable[Mapping[str, Any]] = (),
    new: Iterable[Mapping[str, Any]] = (),
    *,
    remove: Iterable[int] = (),
    extra: int = 0,
    shown: list[dict[str, Any]] | None = None,
) -> dict[str, str]:
    """The POST of a row editor: ``stored`` rows (each with its ``id``), then ``new`` rows, then
    ``extra`` blank rows; the ids in ``remove`` have their Remove box ticked. ``shown`` are the
    stored rows as the page showed them (the view's row builder), whose version the page posts."""
    stored, new, remove = list(stored), list(new), set(remove)
    data: dict[str, str] = {
        f"{prefix}-TOTAL_FORMS": str(len(stored) + len(new) + extra),
        f"{prefix}-INITIAL_FORMS": str(len(stored)),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
        f"{prefix}-VERSION": rows_version(shown or []),
    }
    for index, row in enumerate([*stored, *new]):
        for name, value in row.items():
            data[f"{prefix}-{index}-{name}"] = "" if value is None else str(value)
        if row.get("id") in remove:
            data[f"{prefix}-{index}-DELETE"] = "on"
    return data
