"""PostgreSQL roles: the owner migrates, the app role runs the portal and cannot undo the audit log.

The owner role owns the tables (``migrate`` runs as it): only an owner may ALTER a table or
disable its triggers. The app role (the web server, the Celery worker and beat) gets what the
portal needs and nothing more: SELECT, INSERT, UPDATE and DELETE on the tables, but SELECT and
INSERT only on the audit log, no TRUNCATE anywhere, and no superuser rights, which
``SET session_replication_role = replica`` (silencing every trigger) would need.
"""

from __future__ import annotations

import re

from django.db import connection, transaction

from ssp_portal.audit.models import AuditEvent, PublishedHead

# Written once, never changed: the app may read and append.
APPEND_ONLY = [AuditEvent._meta.db_table, PublishedHead._meta.db_table]
# Migrations run as the owner; the app reads which ones were applied.
READ_ONLY = ["django_migrations"]
ROLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


class RoleError(ValueError):
    """The role cannot be made the app's role: the message says why and what to do."""


def _fetch(cursor, sql: str, params: list | None = None):
    cursor.execute(sql, params or [])
    return cursor.fetchone()


def _check(cursor, role: str) -> None:
    if not ROLE_NAME.match(role):
        raise RoleError(f"{role!r} is not a plain role name (letters, digits and _, at most 63).")
    found = _fetch(
        cursor,
        "SELECT rolsuper, rolcreaterole, rolcanlogin FROM pg_roles WHERE rolname = %s",
        [role],
    )
    if found is None:
        raise RoleError(
            f"There is no role {role}: create it first (CREATE ROLE {role} LOGIN PASSWORD '...')."
        )
    superuser, createrole, login = found
    (current,) = _fetch(cursor, "SELECT current_user")
    (owner,) = _fetch(
        cursor,
        "SELECT tableowner FROM pg_tables WHERE schemaname = current_schema() AND tablename = %s",
        [APPEND_ONLY[0]],
    ) or (None,)
    if owner is None:
        raise RoleError("The portal's tables do not exist yet: run migrate (as the owner role) first.")
    if owner != current:
        raise RoleError(
            f"Run this as the owner of the portal's tables ({owner}), the role migrate uses, "
            f"not as {current}."
        )
    if role == owner:
        raise RoleError(f"{role} owns the tables: the app needs a separate role.")
    if superuser:
        raise RoleError(f"{role} is a superuser: it could silence the audit log's triggers.")
    if createrole:
        raise RoleError(f"{role} may create roles (CREATEROLE): it could grant itself the owner's rights.")
    if not login:
        raise RoleError(f"{role} cannot log in: ALTER ROLE {role} LOGIN first.")
    (member,) = _fetch(cursor, "SELECT pg_has_role(%s, %s, 'USAGE')", [role, owner])
    if member:
        raise RoleError(
            f"{role} is a member of {owner} and has its rights: REVOKE {owner} FROM {role} first."
        )


def app_role_grant(*, role: str) -> list[str]:
    """Grant ``role`` what the portal needs in the current database and schema, and again on
    tables created later (default privileges of the owner). Safe to run again after each
    migrate. Returns the statements run."""
    if connection.vendor != "postgresql":
        raise RoleError("Database roles are a PostgreSQL matter: DATABASE_URL names another database.")
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        _check(cursor, role)
        database, schema = _fetch(cursor, "SELECT current_database(), current_schema()")
        role_q, schema_q = quote(role), quote(schema)
        statements = [
            f"GRANT CONNECT ON DATABASE {quote(database)} TO {role_q}",
            f"GRANT USAGE ON SCHEMA {schema_q} TO {role_q}",
            f"REVOKE CREATE ON SCHEMA {schema_q} FROM {role_q}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema_q} TO {role_q}",
            *(f"REVOKE ALL ON {quote(table)} FROM {role_q}" for table in APPEND_ONLY + READ_ONLY),
            *(f"GRANT SELECT, INSERT ON {quote(table)} TO {role_q}" for table in APPEND_ONLY),
            *(f"GRANT SELECT ON {quote(table)} TO {role_q}" for table in READ_ONLY),
            f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema_q} TO {role_q}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema_q} "
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role_q}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema_q} GRANT USAGE ON SEQUENCES TO {role_q}",
        ]
        for statement in statements:
            cursor.execute(statement)
    return statements
