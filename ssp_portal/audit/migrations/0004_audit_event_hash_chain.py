"""Audit events become links of one hash chain: position, recorded_at, previous_hash and hash.

The existing events are chained in id order. When they were recorded is not known: their
``recorded_at`` is their ``created_at``. On PostgreSQL the trigger that refuses updates is
dropped for the backfill and created again at once, in the same transaction.
"""

from django.db import migrations, models

from ssp_portal.audit import chain

DROP_TRIGGER = "DROP TRIGGER IF EXISTS audit_event_no_update_delete ON audit_auditevent;"
CREATE_TRIGGER = """
CREATE TRIGGER audit_event_no_update_delete
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_immutable();
"""
BATCH = 1000


def chain_existing_events(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    postgresql = schema_editor.connection.vendor == "postgresql"
    if postgresql:
        schema_editor.execute(DROP_TRIGGER)
    labels = chain.type_labels(ContentType.objects)
    content = [name for name in chain.STORED_FIELDS if name not in {"previous_hash", "hash"}]
    fields = ["position", "recorded_at", "previous_hash", "hash"]
    position, previous_hash, last_id = 0, chain.GENESIS, 0
    while True:
        # Batches by id, each read whole before it is written (SQLite has no isolation
        # between a cursor and the updates of the same connection).
        rows = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id").values(*content)[:BATCH])
        if not rows:
            break
        events = []
        for row in rows:
            position += 1
            row = {**row, "position": position, "recorded_at": row["created_at"], "previous_hash": previous_hash}
            previous_hash = chain.stored_hash(row, labels)
            events.append(
                AuditEvent(
                    pk=row["id"],
                    position=position,
                    recorded_at=row["recorded_at"],
                    previous_hash=row["previous_hash"],
                    hash=previous_hash,
                )
            )
        AuditEvent.objects.bulk_update(events, fields)
        last_id = rows[-1]["id"]
    if postgresql:
        schema_editor.execute(CREATE_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_audit_event_scope"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="position",
            field=models.PositiveBigIntegerField(editable=False, null=True, verbose_name="position in the chain"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="recorded_at",
            field=models.DateTimeField(editable=False, null=True, verbose_name="recorded at"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="previous_hash",
            field=models.CharField(editable=False, max_length=64, null=True, verbose_name="previous hash"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(editable=False, max_length=64, null=True, verbose_name="hash"),
        ),
        migrations.RunPython(chain_existing_events, migrations.RunPython.noop),
    ]
