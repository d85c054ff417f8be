"""Django's flush, able to empty the audit log outside production.

On PostgreSQL the audit tables refuse TRUNCATE (a trigger). The test suite and developers empty
the database with flush; outside production this command lifts those triggers for its own
transaction only, as the tables' owner. In production (``DEBUG=false``) it does not, and the
triggers refuse, as they refuse any TRUNCATE of the audit log.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.commands import flush
from django.db import connections, transaction

from ssp_portal.audit.models import AuditEvent, PublishedHead

GUARDED = [AuditEvent._meta.db_table, PublishedHead._meta.db_table]


class Command(flush.Command):
    def handle(self, **options):
        database = options["database"]
        connection = connections[database]
        if connection.vendor != "postgresql" or settings.PRODUCTION:
            return super().handle(**options)
        guarded = [table for table in GUARDED if table in connection.introspection.table_names()]
        if not guarded:
            return super().handle(**options)
        if options["interactive"]:
            answer = input(
                f'This will IRREVERSIBLY DESTROY all data in the "{connection.settings_dict["NAME"]}" '
                "database, the audit log included.\nType 'yes' to continue, or 'no' to cancel: "
            )
            if answer != "yes":
                self.stdout.write("Flush cancelled.")
                return
        with transaction.atomic(using=database), connection.cursor() as cursor:
            for table in guarded:
                cursor.execute(f"ALTER TABLE {connection.ops.quote_name(table)} DISABLE TRIGGER USER")
            super().handle(**{**options, "interactive": False})
            for table in guarded:
                cursor.execute(f"ALTER TABLE {connection.ops.quote_name(table)} ENABLE TRIGGER USER")
