"""PostgreSQL: statistics on facet names and values together. A value belongs to one facet
("national" is only a level), which the planner, assuming the two independent, underestimated
tenfold; it then chose plans that read far too many rows for searches with a filter."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "CREATE STATISTICS IF NOT EXISTS searchfacet_name_value (mcv, dependencies) "
                "ON name, value FROM search_searchfacet"
            )
            cursor.execute("ANALYZE search_searchfacet")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("DROP STATISTICS IF EXISTS searchfacet_name_value")


class Migration(migrations.Migration):
    dependencies = [("search", "0004_rank_vector")]

    operations = [migrations.RunPython(create, drop)]
