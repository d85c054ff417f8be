from django.db import migrations, models


def fill_from_the_audit_trail(apps, schema_editor):
    """Amendments made before the field existed: the audit event says whether the deadline moved
    by itself; the municipality's minimum period is the one it kept."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    Amendment = apps.get_model("procurement", "Amendment")
    competition_type = ContentType.objects.filter(app_label="procurement", model="competition").first()
    if competition_type is None:
        return
    events = AuditEvent.objects.filter(target_type=competition_type, verb="competition.amended")
    for event in events.iterator():
        details = event.details or {}
        if not details.get("deadline_extended_for_minimum_period"):
            continue
        amendment = (
            Amendment.objects.filter(competition_id=event.target_id, number=details.get("number"))
            .select_related("competition__municipality")
            .first()
        )
        if amendment is not None and amendment.minimum_period_days is None:
            amendment.minimum_period_days = amendment.competition.municipality.min_submission_days
            amendment.save(update_fields=["minimum_period_days"])


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_audit_event_scope"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("procurement", "0003_evaluation"),
    ]

    operations = [
        migrations.AddField(
            model_name="amendment",
            name="minimum_period_days",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="Set when the deadline moved by itself so that applicants keep this many days.",
                null=True,
                verbose_name="minimum period kept (days)",
            ),
        ),
        migrations.RunPython(fill_from_the_audit_trail, migrations.RunPython.noop),
    ]
