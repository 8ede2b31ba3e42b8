"""PostgreSQL: each document's facet values also as an array column with a GIN index
("country:FR", "level:local"...), so that a search with words and filters is intersected in the
indexes (the words' GIN and this one) before any row is read. SQLite keeps using the facet table
(search.selectors._conditions). Filled from the facet table for what is already indexed; kept
current by search.backends.PostgresBackend.write."""

from django.db import migrations

FILL = (
    "UPDATE search_searchdocument d SET facet_keys = k.keys FROM ("
    "SELECT document_id, array_agg(name || ':' || value ORDER BY name, value) AS keys "
    "FROM search_searchfacet GROUP BY document_id) k WHERE k.document_id = d.item_id"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE search_searchdocument "
            "ADD COLUMN IF NOT EXISTS facet_keys text[] NOT NULL DEFAULT '{}'"
        )
        cursor.execute(FILL)
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS searchdoc_facet_keys_idx ON search_searchdocument "
            "USING gin (facet_keys)"
        )
        cursor.execute("ANALYZE search_searchdocument")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS facet_keys")


class Migration(migrations.Migration):
    dependencies = [("search", "0005_facet_statistics")]

    operations = [migrations.RunPython(create, drop)]
