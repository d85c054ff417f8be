from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from organizations.factories import OrganizationFactory, UserFactory
from ssp_portal.audit.models import AuditEvent, ImmutableEventError
from ssp_portal.audit.registry import UnknownVerbError
from ssp_portal.audit.selectors import audit_timeline
from ssp_portal.audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_record_keeps_actor_verb_target_and_details():
    actor = UserFactory(full_name="G. Tolumbekova")
    organization = OrganizationFactory(name='Public Union "Ulukman Daryger"')

    event = audit_record(
        actor=actor, verb="organization.suspended", target=organization, details={"reason": "Expired"}
    )

    event.refresh_from_db()
    assert event.actor == actor
    assert event.actor_label == "G. Tolumbekova"
    assert event.target == organization
    assert event.target_label == 'Public Union "Ulukman Daryger"'
    assert event.details == {"reason": "Expired"}
    assert event.verb_label == "Organization suspended"


def test_system_events_have_no_actor():
    event = audit_record(actor=None, verb="organization.registered", target=OrganizationFactory())
    assert event.actor is None
    assert event.actor_label == ""


def test_an_unknown_verb_is_refused_and_nothing_is_written():
    organization = OrganizationFactory()
    with pytest.raises(UnknownVerbError, match=r"organization\.verifed"):
        audit_record(actor=None, verb="organization.verifed", target=organization)
    assert not AuditEvent.objects.exists()


def test_an_event_whose_verb_is_no_longer_registered_shows_its_code():
    assert AuditEvent(verb="organization.retired_verb").verb_label == "organization.retired_verb"


def test_timeline_lists_one_objects_events_newest_first(django_assert_num_queries):
    organization = OrganizationFactory()
    other = OrganizationFactory()
    first = audit_record(actor=None, verb="organization.registered", target=organization)
    audit_record(actor=None, verb="organization.registered", target=other)
    second = audit_record(actor=UserFactory(), verb="organization.verified", target=organization)

    with django_assert_num_queries(1):
        events = list(audit_timeline(target=organization))
        assert [e.actor_label for e in events]  # actors come with the same query

    assert [e.pk for e in events] == [second.pk, first.pk]


def test_an_event_cannot_be_changed_or_deleted():
    event = audit_record(actor=None, verb="organization.registered", target=OrganizationFactory())

    event.verb = "organization.verified"
    with pytest.raises(ImmutableEventError):
        event.save()
    with pytest.raises(ImmutableEventError):
        event.delete()
    with pytest.raises(ImmutableEventError):
        AuditEvent.objects.filter(pk=event.pk).update(verb="x")
    with pytest.raises(ImmutableEventError):
        AuditEvent.objects.filter(pk=event.pk).delete()

    event.refresh_from_db()
    assert event.verb == "organization.registered"


def test_postgresql_refuses_raw_updates_and_deletes(postgresql):
    event = audit_record(actor=None, verb="organization.registered", target=OrganizationFactory())

    for statement in (
        "UPDATE audit_auditevent SET verb = 'forged' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="immutable"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [event.pk])

    event.refresh_from_db()
    assert event.verb == "organization.registered"
