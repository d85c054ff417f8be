"""A priority issue's status is its ``state``, as every model's state is called."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("procurement", "0006_uploaded_by_label"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="priorityissue", name="priority_issue_status_valid"),
        migrations.RenameField(model_name="priorityissue", old_name="status", new_name="state"),
        migrations.AddConstraint(
            model_name="priorityissue",
            constraint=models.CheckConstraint(
                condition=models.Q(("state__in", ["draft", "approved"])), name="priority_issue_state_valid"
            ),
        ),
    ]
