"""PostgreSQL: the title's own vector with a GIN index, for matching in titles and suggestions
while typing. The small ranking vector's GIN index served that through its title weight, which
the index does not store: every row it found had to be read again to check the weight. That
index is dropped; the vector stays for ranking. A plain unused column on SQLite."""

import django.contrib.postgres.search
from django.db import migrations

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
        cursor.execute(f"UPDATE search_searchdocument SET title_vector = to_tsvector({config}, title)")
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS searchdoc_title_vector_idx ON search_searchdocument "
            "USING gin (title_vector)"
        )
        cursor.execute("DROP INDEX IF EXISTS searchdoc_rank_vector_idx")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS searchdoc_title_vector_idx")
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS searchdoc_rank_vector_idx ON search_searchdocument "
                "USING gin (rank_vector)"
            )


class Migration(migrations.Migration):
    dependencies = [("search", "0006_facet_keys")]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="title_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(create, drop),
    ]
