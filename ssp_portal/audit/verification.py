"""Checking the audit log: every link of the chain recomputed, and the published heads matched.

The walk goes through the events in chain order with a database cursor (constant memory) and
stops at the first event that is wrong, saying what is wrong with it:

- ``event missing``: positions are skipped (events were deleted), or a published head counts
  more events than the log has;
- ``link broken``: the event does not link to the hash of the event before it;
- ``content changed``: the event's content no longer gives the hash it was recorded with;
- ``differs from a published head``: the chain was rewritten since a head was published.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.contrib.contenttypes.models import ContentType

from ssp_portal.audit import chain
from ssp_portal.audit.models import AuditEvent, PublishedHead

CHUNK = 2000
EVENT_MISSING = "event missing"
LINK_BROKEN = "link broken"
CONTENT_CHANGED = "content changed"
HEAD_DIFFERS = "differs from a published head"


@dataclass(frozen=True)
class Head:
    """A published head: from the portal's table or from a copy kept elsewhere."""

    date: datetime.date
    last_event_id: int
    count: int
    hash: str
    source: str


@dataclass(frozen=True)
class Break:
    problem: str
    event_id: int | None
    created_at: datetime.datetime | None
    explanation: str

    def __str__(self) -> str:
        where = "the audit log"
        if self.event_id is not None:
            where = f"event {self.event_id}"
            if self.created_at is not None:
                where += f" ({_utc(self.created_at)})"
        return f"{self.problem} at {where}: {self.explanation}"


@dataclass(frozen=True)
class Outcome:
    count: int
    head_id: int | None
    head_hash: str
    heads_checked: int
    broken: Break | None


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def heads_in_portal() -> list[Head]:
    return [
        Head(row.date, row.last_event_id, row.count, row.hash, "published in the portal")
        for row in PublishedHead.objects.order_by("date")
    ]


class HeadsFileError(ValueError):
    pass


def heads_from_file(path: Path) -> list[Head]:
    """The heads of a saved copy of ``/audit/chain.json``."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
        return [
            Head(
                datetime.date.fromisoformat(item["date"]),
                int(item["last_event_id"]),
                int(item["count"]),
                str(item["hash"]),
                f"kept in {path}",
            )
            for item in document["heads"]
        ]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise HeadsFileError(f"{path} is not a readable copy of the published heads ({exc}).") from exc


def chain_verify(*, heads: Iterable[Head] = ()) -> Outcome:
    """Walk the chain from the first event and check each link and the ``heads`` given."""
    labels = chain.type_labels(ContentType.objects)
    pending = sorted(heads, key=lambda head: (head.count, head.date))
    checked = 0
    previous: dict | None = None

    def outcome(broken: Break | None = None) -> Outcome:
        return Outcome(
            count=previous["position"] if previous else 0,
            head_id=previous["id"] if previous else None,
            head_hash=previous["hash"] if previous else chain.GENESIS,
            heads_checked=checked,
            broken=broken,
        )

    events = AuditEvent.objects.order_by("position").values(*chain.STORED_FIELDS).iterator(chunk_size=CHUNK)
    for event in events:
        expected = previous["position"] + 1 if previous else 1
        if event["position"] != expected:
            missing = event["position"] - expected
            after = f"after event {previous['id']}" if previous else "at the start of the chain"
            return outcome(
                Break(
                    EVENT_MISSING,
                    event["id"],
                    event["created_at"],
                    f"{missing} event(s) missing before it, {after} "
                    f"(positions {expected} to {event['position'] - 1}).",
                )
            )
        if event["previous_hash"] != (previous["hash"] if previous else chain.GENESIS):
            before = f"the hash of event {previous['id']}" if previous else "the start of the chain"
            return outcome(
                Break(LINK_BROKEN, event["id"], event["created_at"], f"its previous hash is not {before}.")
            )
        if chain.stored_hash(event, labels) != event["hash"]:
            return outcome(
                Break(
                    CONTENT_CHANGED,
                    event["id"],
                    event["created_at"],
                    "its content no longer gives the hash it was recorded with.",
                )
            )
        while pending and pending[0].count <= event["position"]:
            head = pending.pop(0)
            if head.count == event["position"] and (head.last_event_id, head.hash) != (
                event["id"],
                event["hash"],
            ):
                return outcome(
                    Break(
                        HEAD_DIFFERS,
                        event["id"],
                        event["created_at"],
                        f"the head of {head.date} ({head.source}) is event {head.last_event_id} "
                        f"with hash {head.hash}; the log has event {event['id']} with hash {event['hash']}.",
                    )
                )
            checked += 1
        previous = event
    if pending:
        head = pending[0]
        ends = f"the log ends at {previous['position']} events" if previous else "the log is empty"
        return outcome(
            Break(
                EVENT_MISSING,
                head.last_event_id,
                None,
                f"the head of {head.date} ({head.source}) counts {head.count} events up to event "
                f"{head.last_event_id}, but {ends}.",
            )
        )
    return outcome()
