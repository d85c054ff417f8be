"""``manage.py db_grant_app_role``: the app's PostgreSQL role runs the portal and cannot undo the
audit log: no TRUNCATE, no ALTER TABLE, no disabled triggers, no UPDATE or DELETE of events."""

from __future__ import annotations

from io import StringIO

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from organizations.factories import OrganizationFactory
from organizations.models import Organization
from ssp_portal.audit.models import AuditEvent
from ssp_portal.audit.services import audit_record
from ssp_portal.audit.verification import chain_verify

# Roles belong to the whole PostgreSQL server: a name used by these tests alone.
ROLE = "ssp_audit_test_app_role"
INSUFFICIENT_PRIVILEGE = "42501"


def _drop_role(cursor) -> None:
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [ROLE])
    if cursor.fetchone():
        cursor.execute(f"DROP OWNED BY {ROLE}")
        cursor.execute(f"DROP ROLE {ROLE}")


@pytest.fixture
def app_role(postgresql):
    with connection.cursor() as cursor:
        _drop_role(cursor)
        cursor.execute(f"CREATE ROLE {ROLE} LOGIN")
    yield ROLE
    connection.close()  # the test may have connected as the role
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS audit_test_created_later")
        _drop_role(cursor)


def connect_as(role: str):
    settings = connection.settings_dict
    database = psycopg2.connect(
        host=settings["HOST"] or None, port=settings["PORT"] or None, dbname=settings["NAME"], user=role
    )
    database.autocommit = True
    return database


def grant(role: str) -> str:
    out = StringIO()
    call_command("db_grant_app_role", role, stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_app_role_appends_to_the_audit_log_and_cannot_undo_it(app_role):
    organization = OrganizationFactory(name="Baldarga Tirek")
    first = audit_record(actor=None, verb="organization.registered", target=organization)
    assert "append-only" in grant(app_role)
    with connection.cursor() as cursor:  # a table a later migration creates, as the owner
        cursor.execute("CREATE TABLE audit_test_created_later (id bigint)")

    database = connect_as(app_role)
    try:
        with database.cursor() as cursor:
            for statement in (
                "TRUNCATE audit_auditevent",
                "TRUNCATE audit_auditevent CASCADE",
                "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
                "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update_delete",
                "UPDATE audit_auditevent SET verb = 'forged'",
                "DELETE FROM audit_auditevent",
                "SET session_replication_role = replica",
                "DELETE FROM audit_publishedhead",
                "TRUNCATE organizations_organization CASCADE",
                "CREATE TABLE audit_test_by_the_app (id bigint)",
            ):
                with pytest.raises(psycopg2.Error) as refusal:
                    cursor.execute(statement)
                assert refusal.value.pgcode == INSUFFICIENT_PRIVILEGE, statement
            # The database's own clock: a back-dated insert is refused too.
            with pytest.raises(psycopg2.Error, match="database's time"):
                cursor.execute(
                    "INSERT INTO audit_auditevent (created_at, actor_label, verb, target_type_id, target_id, "
                    "target_label, details, scope_id, position, previous_hash, hash, recorded_at) "
                    "SELECT created_at, actor_label, 'forged', target_type_id, target_id, target_label, "
                    "details, scope_id, 2, hash, repeat('f', 64), now() - interval '1 day' "
                    "FROM audit_auditevent WHERE id = %s",
                    [first.pk],
                )
            # What the portal needs it may do.
            cursor.execute(
                "UPDATE organizations_organization SET name = name WHERE id = %s", [organization.pk]
            )
            cursor.execute("INSERT INTO audit_test_created_later VALUES (1)")
            cursor.execute("SELECT count(*) FROM audit_auditevent")
            assert cursor.fetchone() == (1,)
    finally:
        database.close()

    # The portal itself, connected as the app role: audit_record appends the next link.
    owner = connection.settings_dict["USER"]
    connection.close()
    connection.settings_dict["USER"] = app_role
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone() == (app_role,)
        event = audit_record(
            actor=None, verb="organization.verified", target=Organization.objects.get(pk=organization.pk)
        )
        assert event.previous_hash == first.hash
        assert chain_verify().broken is None
    finally:
        connection.close()
        connection.settings_dict["USER"] = owner
    assert list(AuditEvent.objects.order_by("position").values_list("verb", flat=True)) == [
        "organization.registered",
        "organization.verified",
    ]


def test_a_role_with_the_rights_to_undo_the_log_is_refused(postgresql):
    with connection.cursor() as cursor:
        _drop_role(cursor)
        cursor.execute(f"CREATE ROLE {ROLE} LOGIN SUPERUSER")
        with pytest.raises(CommandError, match="is a superuser"):
            grant(ROLE)
        cursor.execute(f"ALTER ROLE {ROLE} NOSUPERUSER CREATEROLE")
        with pytest.raises(CommandError, match="CREATEROLE"):
            grant(ROLE)
        cursor.execute(f"ALTER ROLE {ROLE} NOCREATEROLE NOLOGIN")
        with pytest.raises(CommandError, match="cannot log in"):
            grant(ROLE)
        cursor.execute(f"ALTER ROLE {ROLE} LOGIN")
        cursor.execute(f"GRANT {connection.settings_dict['USER']} TO {ROLE}")
        with pytest.raises(CommandError, match="is a member of"):
            grant(ROLE)
    # All of it in the test's transaction, rolled back with the role.


def test_an_unknown_or_odd_role_name_is_refused(postgresql):
    with pytest.raises(CommandError, match="There is no role ssp_audit_no_such_role"):
        grant("ssp_audit_no_such_role")
    with pytest.raises(CommandError, match="not a plain role name"):
        grant('app"; DROP TABLE audit_auditevent; --')
    with pytest.raises(CommandError, match="owns the tables"):
        grant(connection.settings_dict["USER"])


@pytest.mark.django_db
def test_roles_are_a_postgresql_matter():
    if connection.vendor == "postgresql":
        pytest.skip("the PostgreSQL tests above cover PostgreSQL")
    with pytest.raises(CommandError, match="PostgreSQL"):
        grant("ssp_app")
