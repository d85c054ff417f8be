"""The audit log's hash chain: links, the database's clock, one writer at a time, the guards."""

from __future__ import annotations

import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import DatabaseError
from django.utils import timezone

from organizations.factories import MunicipalityFactory, OrganizationFactory, UserFactory
from ssp_portal.audit import chain
from ssp_portal.audit.models import AuditEvent, PublishedHead
from ssp_portal.audit.services import audit_record
from ssp_portal.audit.verification import chain_verify

pytestmark = pytest.mark.django_db

CONTENT = {
    "position": 7,
    "created_at": datetime.datetime(2026, 11, 26, 17, 0, tzinfo=datetime.UTC),
    "recorded_at": datetime.datetime(2026, 11, 26, 17, 0, 1, tzinfo=datetime.UTC),
    "actor_id": 3,
    "actor_label": "G. Tolumbekova",
    "verb": "competition.published",
    "target_type": "procurement.competition",
    "target_id": "12",
    "target_label": "KRK-2026-003",
    "details": {"budget": "400000.00"},
    "scope_type": "organizations.municipality",
    "scope_id": "1",
    "previous_hash": "a" * 64,
}


def stored_hash(event: AuditEvent) -> str:
    row = AuditEvent.objects.values(*chain.STORED_FIELDS).get(pk=event.pk)
    return chain.stored_hash(row, chain.type_labels(ContentType.objects))


def test_events_are_linked_in_the_order_they_are_recorded():
    organization = OrganizationFactory()
    events = [
        audit_record(actor=None, verb="organization.registered", target=organization),
        audit_record(actor=UserFactory(), verb="organization.verified", target=organization),
        audit_record(actor=None, verb="organization.suspended", target=organization, details={"reason": "x"}),
    ]

    assert [e.position for e in events] == [1, 2, 3]
    assert events[0].previous_hash == chain.GENESIS
    assert [e.previous_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert len({e.hash for e in events}) == 3
    for event in events:
        assert stored_hash(event) == event.hash  # the stored row gives the hash back


def test_the_hash_holds_for_details_as_the_database_returns_them():
    """Decimals, dates, non-Latin text and whole floats come back from the database changed in
    form (text, integers); the hash is taken over what is stored."""
    details = {
        "amount": Decimal("200000.50"),
        "deadline": datetime.datetime(2026, 12, 1, 12, 0, tzinfo=datetime.UTC),
        "reason": "Мөөнөтү өтүп кеткен «отчёт»",
        "weights": [35, 30.0, 1e20, 0.1],
        "nested": {"b": 1, "a": [True, None]},
    }
    event = audit_record(
        actor=None, verb="organization.updated", target=OrganizationFactory(), details=details
    )
    event.refresh_from_db()
    assert event.details["amount"] == "200000.50"
    assert stored_hash(event) == event.hash


@pytest.mark.parametrize("field", sorted(CONTENT))
def test_the_hash_covers_every_part_of_an_event(field):
    changed = dict(CONTENT)
    value = changed[field]
    if isinstance(value, datetime.datetime):
        changed[field] = value + datetime.timedelta(microseconds=1)
    elif isinstance(value, int):
        changed[field] = value + 1
    elif isinstance(value, dict):
        changed[field] = {"budget": "400000.01"}
    else:
        changed[field] = value + "1"
    assert chain.event_hash(**changed) != chain.event_hash(**CONTENT)


def test_a_back_dated_event_shows_when_it_was_recorded():
    before = timezone.now()
    happened = before - datetime.timedelta(days=30)
    event = audit_record(actor=None, verb="organization.verified", target=OrganizationFactory(), at=happened)

    event.refresh_from_db()
    assert event.created_at == happened
    assert event.recorded_at >= before - datetime.timedelta(seconds=1)
    assert event.recorded_at <= timezone.now() + datetime.timedelta(seconds=1)


def test_scope_and_target_are_named_by_app_and_model():
    municipality = MunicipalityFactory()
    event = audit_record(
        actor=None, verb="organization.updated", target=OrganizationFactory(), scope=municipality
    )
    expected = chain.event_hash(
        position=event.position,
        created_at=event.created_at,
        recorded_at=event.recorded_at,
        actor_id=None,
        actor_label="",
        verb="organization.updated",
        target_type="organizations.organization",
        target_id=event.target_id,
        target_label=event.target_label,
        details={},
        scope_type="organizations.municipality",
        scope_id=str(municipality.pk),
        previous_hash=chain.GENESIS,
    )
    assert event.hash == expected


# PostgreSQL's own guards ---------------------------------------------------------------------


def refused(statement: str, params: list | None = None, match: str = "immutable") -> None:
    with pytest.raises(DatabaseError, match=match), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def test_postgresql_refuses_truncate_of_the_audit_log(postgresql):
    audit_record(actor=None, verb="organization.registered", target=OrganizationFactory())
    PublishedHead.objects.create(date=datetime.date(2026, 11, 26), last_event_id=1, count=1, hash="a" * 64)
    with connection.cursor() as cursor:
        # Inside the test's transaction the rows' deferred key checks would refuse TRUNCATE first.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    refused("TRUNCATE audit_auditevent")
    refused("TRUNCATE audit_auditevent CASCADE")
    refused("TRUNCATE audit_publishedhead")
    refused("UPDATE audit_publishedhead SET hash = 'forged'")
    refused("DELETE FROM audit_publishedhead")

    assert AuditEvent.objects.count() == 1
    assert PublishedHead.objects.get().hash == "a" * 64


def test_postgresql_refuses_an_event_recorded_at_another_time(postgresql):
    event = audit_record(actor=None, verb="organization.registered", target=OrganizationFactory())
    copy = (
        "INSERT INTO audit_auditevent (created_at, actor_label, verb, target_type_id, target_id, "
        "target_label, details, scope_id, position, previous_hash, hash, recorded_at) "
        "SELECT created_at, actor_label, 'forged', target_type_id, target_id, target_label, details, "
        "scope_id, position + 1, hash, repeat('f', 64), {} FROM audit_auditevent WHERE id = %s"
    )

    refused(copy.format("now() - interval '1 day'"), [event.pk], match="database's time")
    refused(copy.format("clock_timestamp() + interval '1 hour'"), [event.pk], match="database's time")
    assert AuditEvent.objects.count() == 1


def test_the_database_refuses_a_fork_of_the_chain():
    """Two events linked to the same one (a writer that skipped the lock) cannot both be stored."""
    first = audit_record(actor=None, verb="organization.registered", target=OrganizationFactory())
    fork = AuditEvent(
        verb="forged",
        target_type=first.target_type,
        target_id=first.target_id,
        position=2,
        previous_hash=chain.GENESIS,
        hash="f" * 64,
        recorded_at=timezone.now(),
    )
    with pytest.raises(DatabaseError, match="previous_hash"), transaction.atomic():
        fork.save()
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_extend_one_chain(postgresql, monkeypatch):
    organization = OrganizationFactory()
    event_hash = chain.event_hash

    def slow_hash(**content):
        # Between reading the head and writing the event: where a second writer would fork.
        time.sleep(0.2)
        return event_hash(**content)

    monkeypatch.setattr(chain, "event_hash", slow_hash)
    writers = 4
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            start.wait()
            with transaction.atomic():
                audit_record(
                    actor=None, verb="organization.updated", target=organization, details={"writer": n}
                )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=[n]) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(AuditEvent.objects.values_list("position", flat=True)) == [1, 2, 3, 4]
    assert chain_verify().broken is None


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_audit_log_outside_production_and_keeps_its_guards(postgresql):
    audit_record(actor=None, verb="organization.registered", target=OrganizationFactory())

    call_command("flush", interactive=False, verbosity=0)

    assert AuditEvent.objects.count() == 0
    audit_record(actor=None, verb="organization.registered", target=OrganizationFactory())
    refused("TRUNCATE audit_auditevent")


@pytest.mark.django_db(transaction=True)
def test_the_migration_chains_the_events_recorded_before_it():
    """Events written before the chain existed are chained in id order, and verify."""
    organization = OrganizationFactory()
    type_id = ContentType.objects.get_for_model(organization).pk
    before = [("audit", "0003_audit_event_scope")]
    chained = [("audit", "0005_audit_chain_guards_and_published_heads")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        with connection.cursor() as cursor:
            for n, created in enumerate(["2026-11-03", "2026-11-01", "2026-11-02"]):
                cursor.execute(
                    "INSERT INTO audit_auditevent (created_at, actor_label, verb, target_type_id, target_id, "
                    "target_label, details, scope_id) VALUES (%s, '', %s, %s, %s, 'old', '{}', '')",
                    [f"{created}T10:00:00+00:00", f"old.{n}", type_id, str(organization.pk)],
                )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(chained)

    events = list(AuditEvent.objects.order_by("id"))
    assert [e.verb for e in events] == ["old.0", "old.1", "old.2"]
    assert [e.position for e in events] == [1, 2, 3]
    assert all(e.recorded_at == e.created_at for e in events)
    assert chain_verify().broken is None
    assert (
        audit_record(actor=None, verb="organization.updated", target=organization).previous_hash
        == events[-1].hash
    )
