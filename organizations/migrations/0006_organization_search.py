"""An organization is found by part of its name, INN or registration number, typed in any case
(``search_text``), and on PostgreSQL by the words of its name and by likeness (GIN indexes)."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models

from ssp_portal.search import SearchIndex, Trigrams, folded


def fill_search_text(apps, schema_editor):
    Organization = apps.get_model("organizations", "Organization")
    rows = []
    for row in Organization.objects.only("name", "inn", "registration_number").iterator(chunk_size=1000):
        row.search_text = folded(row.name, row.inn, row.registration_number)
        rows.append(row)
    Organization.objects.bulk_update(rows, ["search_text"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0005_organization_state"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="searched text"),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop, elidable=True),
        Trigrams(),
        SearchIndex(
            "organization",
            GinIndex(fields=["search_text"], opclasses=["gin_trgm_ops"], name="organization_search_trgm"),
        ),
        SearchIndex(
            "organization",
            GinIndex(SearchVector("name", config="russian", weight="A"), name="organization_name_fts"),
        ),
    ]
