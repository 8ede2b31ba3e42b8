"""A small vector of the title and the opening lines for ranking on PostgreSQL (with a GIN index
for matching in titles), filled for what is already indexed. A plain unused column on SQLite."""

import django.contrib.postgres.search
from django.db import migrations

LEAD_CHARACTERS = 400  # as search.backends.PostgresBackend.LEAD_CHARACTERS
CONFIGS = {
    "en": "gc_english", "fr": "gc_french", "de": "gc_german", "es": "gc_spanish",
    "it": "gc_italian", "nl": "gc_dutch", "pt": "gc_portuguese", "fi": "gc_finnish",
    "da": "gc_danish", "sv": "gc_swedish",
}  # fmt: skip


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    cases = " ".join(f"WHEN '{lang}' THEN '{cfg}'" for lang, cfg in sorted(CONFIGS.items()))
    config = f"(CASE language {cases} ELSE 'gc_simple' END)::regconfig"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE search_searchdocument SET rank_vector = "
            f"setweight(to_tsvector({config}, title), 'A') || "
            f"setweight(to_tsvector({config}, left(body, %s)), 'B')",
            [LEAD_CHARACTERS],
        )
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS searchdoc_rank_vector_idx ON search_searchdocument "
            "USING gin (rank_vector)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS searchdoc_rank_vector_idx")


class Migration(migrations.Migration):
    dependencies = [("search", "0003_index_existing_items")]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="rank_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(create, drop),
    ]
