"""The two full-text backends behind one interface: SQLite FTS5 (the embedded default) and
PostgreSQL full-text search. Each writes a document's text and answers a query with SQL that
selects matching document ids (and a rank), so that filters, facets, counts and pages are the
same SQL around it for both.

SQLite: an FTS5 table (rowid = item id) holding stems made in Python by the item's language
(search.text); a query word matches any language's stem of it. BM25 ranks, title first.
PostgreSQL: a tsvector column (title weight A, body weight C) built with the item's language
configuration (ours fold accents); websearch_to_tsquery in every configuration, ts_rank_cd
ranks, ts_headline cuts snippets.
"""

from django.db import connection

from .query import Query, Term
from .text import PG_CONFIGS, fold, query_stems, stems, words

# Snippet markers that cannot occur in text: escaped, then turned into <mark>.
MARK_START, MARK_END = "\x02", "\x03"


def _fts_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


class SqliteBackend:
    vendor = "sqlite"

    def write(self, item_id: int, *, title: str, body: str, language: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts WHERE rowid = %s", [item_id])
            cursor.execute(
                "INSERT INTO search_fts (rowid, title, body, words) VALUES (%s, %s, %s, %s)",
                [item_id, stems(title, language), stems(body, language), " ".join(words(title))],
            )

    def delete(self, item_id: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts WHERE rowid = %s", [item_id])

    def _term(self, term: Term, *, prefix: bool) -> str:
        if not term.is_phrase:
            word = term.words[0]
            options = sorted(query_stems(word))
            if prefix:
                # While typing, the last word may be incomplete: its folded start as a prefix.
                options = sorted({*options, fold(word)})
                return "(" + " OR ".join(f"{_fts_string(s)}*" for s in options) + ")"
            return "(" + " OR ".join(_fts_string(s) for s in options) + ")"
        # A phrase: its words stemmed alike by each language, in order.
        from .text import STEMMERS, stem

        phrases = sorted({" ".join(stem(w, lang) for w in term.words) for lang in STEMMERS})
        return "(" + " OR ".join(_fts_string(p) for p in phrases) + ")"

    def match_expression(self, query: Query) -> str:
        clauses = []
        for index, clause in enumerate(query.clauses):
            last = index == len(query.clauses) - 1
            alternatives = [
                self._term(t, prefix=query.prefix_last and last and t is clause[-1]) for t in clause
            ]
            clauses.append("(" + " OR ".join(alternatives) + ")")
        expression = "{title body} : (" + " AND ".join(clauses) + ")"
        for term in query.excluded:
            expression += " NOT {title body} : " + self._term(term, prefix=False)
        return expression

    def matches(self, query: Query) -> tuple[str, list]:
        """SQL selecting (id, rank) of the documents matching; lower rank is better here, so it
        is negated: higher is better in both backends."""
        return (
            "SELECT rowid AS id, -bm25(search_fts, 10.0, 1.0, 0.0) AS rank "
            "FROM search_fts WHERE search_fts MATCH %s",
            [self.match_expression(query)],
        )

    def title_prefix_matches(self, word: str) -> tuple[str, list]:
        return (
            "SELECT rowid AS id, -bm25(search_fts, 0.0, 0.0, 1.0) AS rank "
            "FROM search_fts WHERE search_fts MATCH %s",
            ["{words} : " + _fts_string(fold(word)) + "*"],
        )

    def headlines(self, ids: list[int], query: Query) -> dict[int, str]:
        """No server-side headline on SQLite: snippets are cut in Python (search.snippets)."""
        return {}


class PostgresBackend:
    vendor = "postgresql"
    CONFIGS = sorted(set(PG_CONFIGS.values()))

    def write(self, item_id: int, *, title: str, body: str, language: str) -> None:
        config = PG_CONFIGS.get(language, "gc_simple")
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE search_searchdocument SET search_vector = "
                "setweight(to_tsvector(%s::regconfig, %s), 'A') || "
                "setweight(to_tsvector(%s::regconfig, %s), 'C') WHERE item_id = %s",
                [config, title, config, body, item_id],
            )

    def delete(self, item_id: int) -> None:
        """The vector is a column of the document row, deleted with it."""

    def _in_every_language(self, text: str) -> tuple[str, list]:
        sql = " || ".join(f"websearch_to_tsquery('{config}', %s)" for config in self.CONFIGS)
        return f"({sql})", [text] * len(self.CONFIGS)

    def tsquery(self, query: Query) -> tuple[str, list]:
        """Matches in any language, and none of the exclusions in any language."""
        sql, params = self._in_every_language(query.websearch())
        if query.excluded:
            excluded, more = self._in_every_language(query.websearch_excluded())
            sql, params = f"({sql} && !!{excluded})", [*params, *more]
        return sql, params

    def matches(self, query: Query) -> tuple[str, list]:
        tsquery, params = self.tsquery(query)
        if query.prefix_last and query.clauses:
            last = query.clauses[-1][-1].words[-1]
            prefix = "".join(ch for ch in fold(last) if ch.isalnum())
            if prefix:
                # The last word as a prefix too, so that "pothol" finds "potholes" as typed.
                tsquery = f"({tsquery} || to_tsquery('gc_simple', %s))"
                params = [*params, f"{prefix}:*"]
        return (
            # Only our own SQL is formatted in; the user's text is in the parameters.
            f"SELECT item_id AS id, ts_rank_cd(search_vector, q.query) AS rank "  # noqa: S608
            f"FROM search_searchdocument, (SELECT {tsquery} AS query) q "
            f"WHERE search_vector @@ q.query",
            params,
        )

    def title_prefix_matches(self, word: str) -> tuple[str, list]:
        """Titles with a word starting with `word`: the vector holds stems, so the word's stems
        in every language are prefixes too ("pothole" -> "pothol")."""
        options = {
            "".join(ch for ch in option if ch.isalnum())
            for option in {fold(word), *query_stems(word)}
        }
        options.discard("")
        tsquery = " | ".join(f"{option}:*A" for option in sorted(options)) or "''"
        return (
            "SELECT item_id AS id, ts_rank_cd(search_vector, q.query) AS rank "
            "FROM search_searchdocument, (SELECT to_tsquery('gc_simple', %s) AS query) q "
            "WHERE search_vector @@ q.query",
            [tsquery],
        )

    @staticmethod
    def config_of_row() -> str:
        """The row's own configuration, so the headline stems its words as the index did."""
        cases = " ".join(f"WHEN '{lang}' THEN '{cfg}'" for lang, cfg in sorted(PG_CONFIGS.items()))
        return f"(CASE language {cases} ELSE 'gc_simple' END)::regconfig"

    def headlines(self, ids: list[int], query: Query) -> dict[int, str]:
        if not ids:
            return {}
        tsquery, params = self.tsquery(query)
        options = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=35, MinWords=15"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT item_id, ts_headline({self.config_of_row()}, body, {tsquery}, %s) "  # noqa: S608
                f"FROM search_searchdocument WHERE item_id = ANY(%s)",
                [*params, options, ids],
            )
            return dict(cursor.fetchall())


def backend():
    return PostgresBackend() if connection.vendor == "postgresql" else SqliteBackend()
