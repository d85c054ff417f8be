from django.db import migrations, models


class Migration(migrations.Migration):
    """A bundle of a competition's files may pass 2 GB: the size is a 64-bit number."""

    dependencies = [("documents", "0002_jobs_recover")]

    operations = [
        migrations.AlterField(
            model_name="document",
            name="size",
            field=models.PositiveBigIntegerField(blank=True, null=True, verbose_name="size in bytes"),
        ),
    ]
