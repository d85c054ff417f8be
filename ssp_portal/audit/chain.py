"""The audit log's hash chain: each event's SHA-256 covers its content and the hash before it.

The canonical form (format ``ssp-audit-v1``) of an event is a JSON object, serialised with keys
in sorted order, no spaces, UTF-8:

- ``format``; ``position``, the event's place in the one chain of the portal (1, 2, 3, ...);
- ``created_at`` (when it happened, which a service may set in the past) and ``recorded_at``
  (when the database wrote it, by its own clock), both UTC, ISO 8601 with microseconds;
- ``actor_id`` (a number, or null when the system acted) and ``actor_label``;
- ``verb``; ``target_type`` (``app_label.model``), ``target_id`` and ``target_label``;
- ``details``, as stored (JSON; a number without a fractional part is written as an integer);
- ``scope_type`` (``app_label.model`` or "") and ``scope_id``;
- ``previous_hash``: the hash of the event at the position before, 64 zeros for the first.

The event's ``hash`` is the SHA-256 of those bytes, in lower-case hex. Changing anything in an
event changes its hash; removing or reordering events breaks the links after them; and the
heads published once a day (``PublishedHead``) fix the whole chain up to them, so that it
cannot be rewritten without the published copies showing it.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

FORMAT = "ssp-audit-v1"
GENESIS = "0" * 64

# What a stored event is hashed over, as ``QuerySet.values()`` names it.
STORED_FIELDS = (
    "id",
    "position",
    "created_at",
    "recorded_at",
    "actor_id",
    "actor_label",
    "verb",
    "target_type_id",
    "target_id",
    "target_label",
    "details",
    "scope_type_id",
    "scope_id",
    "previous_hash",
    "hash",
)


def _plain(value: Any) -> Any:
    """JSON as the database gives it back: whole floats as integers (PostgreSQL's jsonb
    writes ``1e20`` as ``100000000000000000000``)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def stored_details(details: Mapping[str, Any] | None) -> dict[str, Any]:
    """Details as they will read back from the database (dates, decimals and ids as text)."""
    return _plain(json.loads(json.dumps(dict(details or {}), cls=DjangoJSONEncoder)))


def _time(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def canonical(
    *,
    position: int,
    created_at: datetime.datetime,
    recorded_at: datetime.datetime,
    actor_id: int | None,
    actor_label: str,
    verb: str,
    target_type: str,
    target_id: str,
    target_label: str,
    details: Mapping[str, Any],
    scope_type: str,
    scope_id: str,
    previous_hash: str,
) -> bytes:
    document = {
        "format": FORMAT,
        "position": position,
        "created_at": _time(created_at),
        "recorded_at": _time(recorded_at),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "verb": verb,
        "target_type": target_type,
        "target_id": target_id,
        "target_label": target_label,
        "details": _plain(dict(details)),
        "scope_type": scope_type,
        "scope_id": scope_id,
        "previous_hash": previous_hash,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_hash(**content: Any) -> str:
    return hashlib.sha256(canonical(**content)).hexdigest()


def stored_hash(row: Mapping[str, Any], type_labels: Mapping[int, str]) -> str:
    """The hash a stored event (a ``values(*STORED_FIELDS)`` row) should carry.

    ``type_labels`` names each content type id as ``app_label.model``.
    """
    return event_hash(
        position=row["position"],
        created_at=row["created_at"],
        recorded_at=row["recorded_at"],
        actor_id=row["actor_id"],
        actor_label=row["actor_label"],
        verb=row["verb"],
        target_type=type_labels.get(row["target_type_id"], ""),
        target_id=row["target_id"],
        target_label=row["target_label"],
        details=row["details"] or {},
        scope_type=type_labels.get(row["scope_type_id"], "") if row["scope_type_id"] else "",
        scope_id=row["scope_id"],
        previous_hash=row["previous_hash"],
    )


def type_labels(content_types) -> dict[int, str]:
    """``{id: "app_label.model"}`` for a ContentType manager (the real one or a migration's)."""
    return {pk: f"{app}.{model}" for pk, app, model in content_types.values_list("pk", "app_label", "model")}
