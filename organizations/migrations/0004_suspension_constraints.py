"""A suspension has a reason and a status to return to; no other status has the latter.

Its own migration, after the rows are filled, so that PostgreSQL adds the checks in a fresh
transaction.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0003_suspension_returns_to_its_earlier_status_and_invitations_declined"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="organization",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("verification_status", "suspended"), _negated=True),
                    models.Q(
                        models.Q(("status_reason", ""), _negated=True),
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
                condition=models.Q(("verification_status", "suspended"), ("suspended_from", ""), _connector="OR"),
                name="organization_suspended_from_only_when_suspended",
            ),
        ),
    ]
