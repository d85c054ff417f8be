"""An organization's verification status is its ``state``, as every model's state is called, and
the reason and time of its last change are ``state_reason``, ``state_changed_at`` and
``state_changed_by``.

The checks and the index that name the renamed columns are dropped before and made again after.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0004_suspension_constraints"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="organization", name="org_status_name_idx"),
        migrations.RemoveConstraint(model_name="organization", name="organization_status_valid"),
        migrations.RemoveConstraint(model_name="organization", name="organization_suspension_has_reason"),
        migrations.RemoveConstraint(
            model_name="organization", name="organization_suspended_from_only_when_suspended"
        ),
        migrations.RenameField(model_name="organization", old_name="verification_status", new_name="state"),
        migrations.RenameField(model_name="organization", old_name="status_reason", new_name="state_reason"),
        migrations.RenameField(
            model_name="organization", old_name="status_changed_at", new_name="state_changed_at"
        ),
        migrations.RenameField(
            model_name="organization", old_name="status_changed_by", new_name="state_changed_by"
        ),
        migrations.AddIndex(
            model_name="organization",
            index=models.Index(fields=["state", "name"], name="org_state_name_idx"),
        ),
        migrations.AddConstraint(
            model_name="organization",
            constraint=models.CheckConstraint(
                condition=models.Q(("state__in", ["pending", "verified", "suspended"])),
                name="organization_state_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="organization",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("state", "suspended"), _negated=True),
                    models.Q(
                        models.Q(("state_reason", ""), _negated=True),
                        ("suspended_from__in", ["pending", "verified"]),
                    ),
                    _connector="OR",
                ),
                name="organization_suspension_has_reason",
            ),
        ),
        migrations.AddConstraint(
            model_name="organization",
            constraint=models.CheckConstraint(
                condition=models.Q(("state", "suspended"), ("suspended_from", ""), _connector="OR"),
                name="organization_suspended_from_only_when_suspended",
            ),
        ),
    ]
