"""Organizations remember what a suspension returns them to; invitations can be declined.

An organization suspended before this migration returns to the status its suspension event
records (pending when none is found: it is then verified again).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill_suspended_from(apps, schema_editor):
    Organization = apps.get_model("organizations", "Organization")
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    content_type = ContentType.objects.filter(app_label="organizations", model="organization").first()
    for organization in Organization.objects.filter(verification_status="suspended"):
        event = None
        if content_type is not None:
            event = (
                AuditEvent.objects.filter(
                    target_type=content_type,
                    target_id=str(organization.pk),
                    verb="organization.suspended",
                )
                .order_by("-created_at", "-pk")
                .first()
            )
        previous = (event.details or {}).get("from") if event is not None else None
        organization.suspended_from = previous if previous in ("pending", "verified") else "pending"
        organization.status_reason = organization.status_reason or "No reason was recorded."
        organization.save(update_fields=["suspended_from", "status_reason"])


def clear_suspended_from(apps, schema_editor):
    Organization = apps.get_model("organizations", "Organization")
    Organization.objects.exclude(suspended_from="").update(suspended_from="")


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0002_organization_invitations"),
        ("audit", "0003_audit_event_scope"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="suspended_from",
            field=models.CharField(
                blank=True,
                choices=[("pending", "Pending verification"), ("verified", "Verified")],
                help_text="What lifting the suspension returns the organization to.",
                max_length=16,
                verbose_name="status before the suspension",
            ),
        ),
        migrations.RunPython(fill_suspended_from, clear_suspended_from),
        migrations.RemoveConstraint(
            model_name="organizationinvitation",
            name="organization_invitation_state_valid",
        ),
        migrations.AlterField(
            model_name="organizationinvitation",
            name="closed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="answered or cancelled at"),
        ),
        migrations.AlterField(
            model_name="organizationinvitation",
            name="closed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="answered or cancelled by",
            ),
        ),
        migrations.AlterField(
            model_name="organizationinvitation",
            name="state",
            field=models.CharField(
                choices=[
                    ("open", "Waiting for an answer"),
                    ("accepted", "Accepted"),
                    ("declined", "Declined"),
                    ("cancelled", "Cancelled"),
                ],
                default="open",
                max_length=16,
                verbose_name="state",
            ),
        ),
        migrations.AddConstraint(
            model_name="organizationinvitation",
            constraint=models.CheckConstraint(
                condition=models.Q(("state__in", ["open", "accepted", "declined", "cancelled"])),
                name="organization_invitation_state_valid",
            ),
        ),
    ]
