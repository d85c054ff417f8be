from __future__ import annotations

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils import timezone

from ssp_portal.audit import chain
from ssp_portal.audit.models import AuditEvent, PublishedHead
from ssp_portal.audit.registry import require_registered

# pg_advisory_xact_lock key of the chain's head: one writer appends at a time.
CHAIN_LOCK = 0x5353_5041_5544_4954  # "SSPAUDIT" in ASCII
HEAD = "SELECT position, hash FROM audit_auditevent ORDER BY position DESC LIMIT 1"
HEAD_AND_CLOCK = (
    "SELECT clock_timestamp(), head.position, head.hash FROM (SELECT 1) AS one LEFT JOIN "
    "(SELECT position, hash FROM audit_auditevent ORDER BY position DESC LIMIT 1) AS head ON TRUE"
)


def _type_label(content_type: ContentType | None) -> str:
    return f"{content_type.app_label}.{content_type.model}" if content_type is not None else ""


def _append_point() -> tuple[int, str, datetime.datetime]:
    """The next position, the hash it links to and the time it is recorded at, with the chain's
    lock held until the transaction ends.

    On PostgreSQL an advisory transaction lock serialises writers (a second one waits here, not
    at the unique constraints), and the time is the database's clock, read after the wait.
    SQLite lets one writer at a time into the database anyway.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
            # Read after the lock is granted: this statement sees what the previous writer committed.
            cursor.execute(HEAD_AND_CLOCK)
            now, position, previous_hash = cursor.fetchone()
        else:
            cursor.execute(HEAD)
            position, previous_hash = cursor.fetchone() or (None, None)
            now = datetime.datetime.now(datetime.UTC)
    if position is None:
        return 1, chain.GENESIS, now
    return position + 1, previous_hash, now


def _actor_label(actor: models.Model | None) -> str:
    if actor is None:
        return ""
    return (getattr(actor, "get_full_name", lambda: "")() or str(actor))[:255]


def _event_hash(event: AuditEvent) -> str:
    return chain.event_hash(
        position=event.position,
        created_at=event.created_at,
        recorded_at=event.recorded_at,
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        verb=event.verb,
        target_type=_type_label(event.target_type),
        target_id=event.target_id,
        target_label=event.target_label,
        details=event.details,
        scope_type=_type_label(event.scope_type),
        scope_id=event.scope_id,
        previous_hash=event.previous_hash,
    )


def audit_record(
    *,
    actor: models.Model | None,
    verb: str,
    target: models.Model,
    details: dict[str, Any] | None = None,
    scope: models.Model | None = None,
    at: datetime.datetime | None = None,
    label: str | None = None,
) -> AuditEvent:
    """Write one immutable audit event, the next link of the chain. Call it inside the
    service's transaction, as late as it can: the chain stays locked until that transaction ends.

    ``verb`` is one its app registered (``UnknownVerbError`` otherwise); ``scope`` is a larger
    object whose timeline also shows the event (a competition's municipality); ``at`` is when it
    happened, now unless a service records the past; ``label`` names the target in the log when
    its own name must not appear there.
    """
    if target.pk is None:
        raise ValueError("An audit event needs a saved target.")
    require_registered(verb)
    event = AuditEvent(
        actor=actor,
        actor_label=_actor_label(actor),
        verb=verb,
        target_type=ContentType.objects.get_for_model(target),
        target_id=str(target.pk),
        target_label=(label if label is not None else str(target))[:255],
        details=chain.stored_details(details),
        scope_type=ContentType.objects.get_for_model(scope) if scope is not None else None,
        scope_id=str(scope.pk) if scope is not None else "",
        created_at=at or timezone.now(),
    )
    # Everything above is prepared before the lock, so that it is held as briefly as possible.
    with transaction.atomic(savepoint=False):
        event.position, event.previous_hash, event.recorded_at = _append_point()
        event.hash = _event_hash(event)
        event.save(force_insert=True)
    return event


def chain_head_publish(*, date: datetime.date) -> PublishedHead | None:
    """Publish the chain's head at the end of ``date`` (the portal's time zone): the last event
    recorded before midnight. Safe to run again: a day is published once. Nothing to publish
    before the first event."""
    existing = PublishedHead.objects.filter(date=date).first()
    if existing is not None:
        return existing
    midnight = datetime.datetime.combine(
        date + datetime.timedelta(days=1), datetime.time(), tzinfo=timezone.get_default_timezone()
    )
    head = (
        AuditEvent.objects.filter(recorded_at__lt=midnight)
        .order_by("-position")
        .values("id", "position", "hash")
        .first()
    )
    if head is None:
        return None
    with transaction.atomic():
        published, _ = PublishedHead.objects.get_or_create(
            date=date,
            defaults={"last_event_id": head["id"], "count": head["position"], "hash": head["hash"]},
        )
    return published


def chain_heads_publish_due(*, now: datetime.datetime | None = None) -> list[PublishedHead]:
    """Publish every day that has ended since the last published one (yesterday, or more days
    when the task did not run); the first time, yesterday only."""
    today = timezone.localdate(now or timezone.now())
    last = PublishedHead.objects.order_by("-date").values_list("date", flat=True).first()
    day = last + datetime.timedelta(days=1) if last is not None else today - datetime.timedelta(days=1)
    published = []
    while day < today:
        head = chain_head_publish(date=day)
        if head is not None:
            published.append(head)
        day += datetime.timedelta(days=1)
    return published
