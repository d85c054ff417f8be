"""``manage.py audit_verify``: the chain checked link by link and against the published heads.

The attacks are made as the owner of the table could: on PostgreSQL the trigger that refuses
UPDATE and DELETE is disabled first (inside the test's transaction).
"""

from __future__ import annotations

import datetime
import json
from contextlib import contextmanager
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from ssp_portal.audit import chain
from ssp_portal.audit.models import AuditEvent
from ssp_portal.audit.services import chain_head_publish

pytestmark = pytest.mark.django_db

TRIGGERS = {
    "audit_auditevent": "audit_event_no_update_delete",
    "audit_publishedhead": "audit_published_head_no_update_delete",
}


@contextmanager
def as_table_owner(table: str = "audit_auditevent"):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The test's transaction holds deferred key checks, which ALTER TABLE would refuse.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {TRIGGERS[table]}")
        yield cursor
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {TRIGGERS[table]}")


def rehash_from(position: int) -> None:
    """What an attacker who knows the format does after changing an event: every hash from
    ``position`` on computed again, so that the chain is whole once more."""
    labels = chain.type_labels(ContentType.objects)
    rows = AuditEvent.objects.order_by("position").values(*chain.STORED_FIELDS)
    previous = chain.GENESIS
    with as_table_owner() as cursor:
        for row in rows:
            if row["position"] >= position:
                row["previous_hash"] = previous
                row["hash"] = chain.stored_hash(row, labels)
                cursor.execute(
                    "UPDATE audit_auditevent SET previous_hash = %s, hash = %s WHERE id = %s",
                    [row["previous_hash"], row["hash"], row["id"]],
                )
            previous = row["hash"]


def utc(event: AuditEvent) -> str:
    return event.created_at.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def verify(*args: str) -> str:
    out = StringIO()
    call_command("audit_verify", *args, stdout=out)
    return out.getvalue()


def broken(*args: str) -> str:
    with pytest.raises(CommandError) as info:
        verify(*args)
    return str(info.value)


def test_an_intact_chain_gives_its_count_and_head(events):
    assert verify() == (
        f"The audit log is intact: 3 events, head {events[2].hash} (event {events[2].pk}); "
        "0 published head(s) match.\n"
    )


def test_an_empty_log_is_intact():
    assert "intact: 0 events" in verify()


def test_a_changed_event_is_named(events):
    with as_table_owner() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET verb = 'organization.forged' WHERE id = %s", [events[1].pk]
        )

    message = broken()
    assert f"content changed at event {events[1].pk} ({utc(events[1])})" in message


def test_a_changed_time_is_named(events):
    with as_table_owner() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET created_at = %s WHERE id = %s",
            [events[2].created_at - datetime.timedelta(days=3), events[2].pk],
        )

    assert f"content changed at event {events[2].pk}" in broken()


def test_a_deleted_event_is_named(events):
    with as_table_owner() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])

    message = broken()
    assert f"event missing at event {events[2].pk} ({utc(events[2])})" in message
    assert f"1 event(s) missing before it, after event {events[0].pk} (positions 2 to 2)" in message


def test_a_deleted_first_event_is_named(events):
    with as_table_owner() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[0].pk])

    assert f"event missing at event {events[1].pk}" in broken()


def test_a_relinked_event_is_named(events):
    with as_table_owner() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET previous_hash = %s WHERE id = %s", ["b" * 64, events[2].pk]
        )

    assert f"link broken at event {events[2].pk}" in broken()


def test_a_rewritten_chain_differs_from_the_published_head(events):
    chain_head_publish(date=timezone.localdate())
    assert "1 published head(s) match" in verify()

    with as_table_owner() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET verb = 'organization.forged' WHERE id = %s", [events[1].pk]
        )
    rehash_from(2)

    message = broken()
    assert f"differs from a published head at event {events[2].pk}" in message
    assert f"the head of {timezone.localdate()} (published in the portal)" in message


def test_a_copy_of_the_published_heads_shows_a_rewrite_the_portal_hides(events, client, tmp_path):
    """An attacker who rewrites the chain and the portal's published heads is caught by a copy
    of /audit/chain.json kept elsewhere."""
    chain_head_publish(date=timezone.localdate())
    copy = tmp_path / "chain.json"
    copy.write_bytes(client.get(reverse("audit:chain-json")).content)

    with as_table_owner() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET verb = 'organization.forged' WHERE id = %s", [events[0].pk]
        )
    rehash_from(1)
    with as_table_owner("audit_publishedhead") as cursor:
        cursor.execute("DELETE FROM audit_publishedhead")

    assert "intact" in verify()  # the portal alone cannot tell
    message = broken("--heads", str(copy))
    assert f"differs from a published head at event {events[2].pk}" in message
    assert f"kept in {copy}" in message


def test_events_deleted_after_a_published_head_are_missing(events):
    chain_head_publish(date=timezone.localdate())
    with as_table_owner() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])

    message = broken()
    assert f"event missing at event {events[2].pk}" in message
    assert "counts 3 events" in message
    assert "the log ends at 2 events" in message


def test_an_unreadable_copy_of_the_heads_says_so(events, tmp_path):
    copy = tmp_path / "chain.json"
    copy.write_text(json.dumps({"heads": [{"date": "yesterday"}]}))

    assert "is not a readable copy of the published heads" in broken("--heads", str(copy))
    assert "is not a readable copy" in broken("--heads", str(tmp_path / "missing.json"))
