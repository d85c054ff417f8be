"""A competition is found by its reference, title or description in any language, typed in any
case (``search_text``); on PostgreSQL also by words in each language's configuration and by
likeness to its reference or titles (``search_title``), through GIN indexes (``ssp_portal.search``)."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models

from ssp_portal.search import SearchIndex, Trigrams, folded

SEARCHED = (
    "reference",
    "title_ky",
    "title_ru",
    "title_en",
    "description_ky",
    "description_ru",
    "description_en",
)
#: Each language's vector, as ``procurement.filters.COMPETITION_SEARCH`` queries it.
CONFIGS = {"ky": "simple", "ru": "russian", "en": "english"}


def fill_search_text(apps, schema_editor):
    Competition = apps.get_model("procurement", "Competition")
    rows = []
    for row in Competition.objects.only(*SEARCHED).iterator(chunk_size=1000):
        texts = [getattr(row, name) for name in SEARCHED]
        row.search_text, row.search_title = folded(*texts), folded(*texts[:4])
        rows.append(row)
    Competition.objects.bulk_update(rows, ["search_text", "search_title"], batch_size=1000)


def language_vector(language: str) -> SearchIndex:
    config = CONFIGS[language]
    vector = SearchVector(f"title_{language}", config=config, weight="A") + SearchVector(
        f"description_{language}", config=config, weight="B"
    )
    return SearchIndex("competition", GinIndex(vector, name=f"competition_fts_{language}"))


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0006_organization_search"),
        ("procurement", "0007_priority_issue_state"),
    ]

    operations = [
        migrations.AddField(
            model_name="competition",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="searched text"),
        ),
        migrations.AddField(
            model_name="competition",
            name="search_title",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="searched title"),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop, elidable=True),
        Trigrams(),
        SearchIndex(
            "competition",
            GinIndex(fields=["search_text"], opclasses=["gin_trgm_ops"], name="competition_search_trgm"),
        ),
        SearchIndex(
            "competition",
            GinIndex(fields=["search_title"], opclasses=["gin_trgm_ops"], name="competition_title_trgm"),
        ),
        *(language_vector(language) for language in CONFIGS),
    ]
