"""The full-text part of the index, per database: an FTS5 table on SQLite; on PostgreSQL the
unaccent extension, a text search configuration per language that folds accents, and a GIN
index on the tsvector column."""

from django.db import migrations

LANGUAGES = [
    "english", "french", "german", "spanish", "italian", "dutch", "portuguese", "finnish",
    "danish", "swedish",
]  # fmt: skip


def create(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # rowid = the Item's id. Columns hold stems (see search.text); "words" holds the
            # folded, unstemmed title words that suggestions match by prefix.
            cursor.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
                "title, body, words, tokenize = 'unicode61 remove_diacritics 2', "
                "prefix = '2 3 4')"
            )
        elif connection.vendor == "postgresql":
            cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
            configs = [(f"gc_{name}", name, f"{name}_stem") for name in LANGUAGES]
            configs.append(("gc_simple", "simple", "simple"))
            for config, parent, dictionary in configs:
                cursor.execute(
                    "SELECT 1 FROM pg_ts_config WHERE cfgname = %s", [config]
                )
                if cursor.fetchone():
                    continue
                cursor.execute(f"CREATE TEXT SEARCH CONFIGURATION {config} (COPY = {parent})")
                cursor.execute(
                    f"ALTER TEXT SEARCH CONFIGURATION {config} ALTER MAPPING FOR "
                    f"hword, hword_part, word WITH unaccent, {dictionary}"
                )
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS searchdoc_vector_idx ON search_searchdocument "
                "USING gin (search_vector)"
            )


def drop(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TABLE IF EXISTS search_fts")
        elif connection.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS searchdoc_vector_idx")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
