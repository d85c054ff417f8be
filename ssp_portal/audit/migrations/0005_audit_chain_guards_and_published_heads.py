"""The chain's fields become required and unique, and on PostgreSQL the database guards more:

- TRUNCATE of the audit log is refused, as UPDATE and DELETE already are;
- an event must be recorded at the database's own time (``recorded_at`` between the start of
  its transaction and now), so that an event written with a past date still shows when it was
  written;
- published chain heads, new here, are refused UPDATE, DELETE and TRUNCATE too.
"""

import django.utils.timezone
from django.db import migrations, models

CREATE = """
CREATE TRIGGER audit_event_no_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_immutable();

CREATE OR REPLACE FUNCTION audit_event_recorded_now() RETURNS trigger AS $$
BEGIN
    IF NEW.recorded_at < transaction_timestamp() OR NEW.recorded_at > clock_timestamp() THEN
        RAISE EXCEPTION 'audit events are recorded at the database''s time (recorded_at % refused)',
            NEW.recorded_at;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_event_recorded_now
    BEFORE INSERT ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_recorded_now();

CREATE TRIGGER audit_published_head_no_update_delete
    BEFORE UPDATE OR DELETE ON audit_publishedhead
    FOR EACH ROW EXECUTE FUNCTION audit_event_immutable();

CREATE TRIGGER audit_published_head_no_truncate
    BEFORE TRUNCATE ON audit_publishedhead
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_immutable();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_published_head_no_truncate ON audit_publishedhead;
DROP TRIGGER IF EXISTS audit_published_head_no_update_delete ON audit_publishedhead;
DROP TRIGGER IF EXISTS audit_event_recorded_now ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_recorded_now();
DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_audit_event_hash_chain")]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="position",
            field=models.PositiveBigIntegerField(editable=False, verbose_name="position in the chain"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="recorded_at",
            field=models.DateTimeField(editable=False, verbose_name="recorded at"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="previous_hash",
            field=models.CharField(editable=False, max_length=64, verbose_name="previous hash"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(editable=False, max_length=64, verbose_name="hash"),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(fields=("position",), name="audit_event_position_unique"),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                fields=("previous_hash",), name="audit_event_previous_hash_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.CheckConstraint(
                condition=models.Q(("position__gte", 1)), name="audit_event_position_positive"
            ),
        ),
        migrations.CreateModel(
            name="PublishedHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("date", models.DateField(unique=True, verbose_name="date")),
                ("last_event_id", models.BigIntegerField(verbose_name="last event")),
                ("count", models.PositiveBigIntegerField(verbose_name="events")),
                ("hash", models.CharField(max_length=64, verbose_name="hash")),
                (
                    "published_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="published at"),
                ),
            ],
            options={
                "verbose_name": "published chain head",
                "verbose_name_plural": "published chain heads",
                "ordering": ["-date"],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
