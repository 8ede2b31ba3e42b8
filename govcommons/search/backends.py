"""The two full-text backends behind one interface: SQLite FTS5 (the embedded default) and
PostgreSQL full-text search. Each writes a document's text and answers a query with SQL that
selects matching document ids (and a rank), so that filters, facets, counts and pages are the
same SQL around it for both.

SQLite: an FTS5 table (rowid = item id) holding stems made in Python by the item's language
(search.text); a query word matches any language's stem of it. BM25 ranks, title first.
PostgreSQL: a tsvector column (title weight A, body weight C) built with the item's language
configuration (ours fold accents); websearch_to_tsquery in every configuration, ts_rank_cd
ranks, ts_headline cuts snippets.

Candidates: a broad query ("project") matches most of the index, and ranking, counting facets
over and sorting every match grows with the index. So each backend considers the most recent
`limit` matches anywhere, plus the most recent `limit` matches in the title, and ranks those:
a few thousand rows whatever the size of the index. Both scans walk the newest first and stop
early; a query matching fewer than `limit` documents is complete and exact. See
docs/decisions/0010-search.md, "Speed at scale".
"""

import json
import re

from django.db import connection

from .query import Query, Term
from .text import PG_CONFIGS, fold, query_stems, stems, words

# A lexeme in tsquery text ('it''s', 'pothol':*), to restrict it to a weight.
LEXEME_RE = re.compile(r"'(?:[^']|'')*'(:\*)?")
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

    def match_expression(self, query: Query, columns: str = "{title body}") -> str:
        """The FTS5 query; `columns` restricts what must match (the exclusions always hold for
        the title and the body)."""
        clauses = []
        for index, clause in enumerate(query.clauses):
            last = index == len(query.clauses) - 1
            alternatives = [
                self._term(t, prefix=query.prefix_last and last and t is clause[-1]) for t in clause
            ]
            clauses.append("(" + " OR ".join(alternatives) + ")")
        expression = columns + " : (" + " AND ".join(clauses) + ")"
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

    def candidates(self, query: Query, where: str, params: list, limit: int) -> tuple[str, list]:
        """SQL of (id, rank, published_at, adoption_count, newest_count) of the candidates (see
        the module's docstring) among documents `d` that satisfy `where`; newest_count is how
        many of the most recent matches anywhere were found (more than `limit`: there are more).
        CROSS JOIN keeps the full-text scan outside, newest first, so that LIMIT stops it."""
        newest = (
            "SELECT f.rowid AS id FROM search_fts f CROSS JOIN search_searchdocument d "  # noqa: S608
            f"ON d.item_id = f.rowid WHERE search_fts MATCH %s AND {where} "
            "ORDER BY f.rowid DESC LIMIT %s"
        )
        full = self.match_expression(query)
        in_title = self.match_expression(query, columns="{title}")
        sql = (
            f"WITH newest AS MATERIALIZED ({newest}), titled AS MATERIALIZED ({newest}) "  # noqa: S608
            "SELECT f.rowid AS id, -bm25(search_fts, 10.0, 1.0, 0.0) AS rank, d.published_at, "
            "d.adoption_count, (SELECT COUNT(*) FROM newest) FROM search_fts f "
            "CROSS JOIN search_searchdocument d ON d.item_id = f.rowid "
            # "+": the candidates filter the one scan of the matches; without it SQLite would
            # run the full-text query once per candidate (rowid = ?).
            "WHERE search_fts MATCH %s "
            "AND +f.rowid IN (SELECT id FROM newest UNION SELECT id FROM titled)"
        )
        return sql, [full, *params, limit + 1, in_title, *params, limit, full]

    @staticmethod
    def in_ids(column: str, ids: list[int]) -> tuple[str, list]:
        """`column` is one of the ids: one parameter however many."""
        return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(ids)]  # noqa: S608

    def title_prefix_matches(self, word: str, limit: int) -> tuple[str, list]:
        """(id, rank) of the newest `limit` titles with a word starting with `word`."""
        return (
            "SELECT rowid AS id, -bm25(search_fts, 0.0, 0.0, 1.0) AS rank "
            "FROM search_fts WHERE search_fts MATCH %s ORDER BY rowid DESC LIMIT %s",
            ["{words} : " + _fts_string(fold(word)) + "*", limit],
        )

    def headlines(self, passages: dict[int, tuple[str, str]], query: Query) -> dict[int, str]:
        """No server-side headline on SQLite: snippets are highlighted in Python (snippets)."""
        return {}


class PostgresBackend:
    vendor = "postgresql"
    CONFIGS = sorted(set(PG_CONFIGS.values()))
    # The opening characters of the body that count for ranking, with the title.
    LEAD_CHARACTERS = 400

    def write(self, item_id: int, *, title: str, body: str, language: str) -> None:
        config = PG_CONFIGS.get(language, "gc_simple")
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE search_searchdocument SET search_vector = "
                "setweight(to_tsvector(%s::regconfig, %s), 'A') || "
                "setweight(to_tsvector(%s::regconfig, %s), 'C'), rank_vector = "
                "setweight(to_tsvector(%s::regconfig, %s), 'A') || "
                "setweight(to_tsvector(%s::regconfig, left(%s, %s)), 'B'), facet_keys = ARRAY("
                "SELECT name || ':' || value FROM search_searchfacet WHERE document_id = %s "
                "ORDER BY name, value) WHERE item_id = %s",
                [config, title, config, body, config, title, config, body,
                 self.LEAD_CHARACTERS, item_id, item_id],
            )  # fmt: skip

    def delete(self, item_id: int) -> None:
        """The vector is a column of the document row, deleted with it."""

    def tsquery_text(self, query: Query) -> str:
        """The query as tsquery text: what must match in any language, none of the exclusions
        in any language, and while typing the last word as a prefix. Each language's reading is
        asked of the server once, then duplicates are dropped ("data" reads "data" in most
        languages): the planner then estimates how many documents match correctly and chooses
        to stop early for common words. Kept on the query: asked once per request."""
        cached = getattr(query, "_tsquery_text", None)
        if cached is not None:
            return cached
        typing = query.prefix_last and query.clauses
        before_last = Query(clauses=query.clauses[:-1]).websearch() if typing else ""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT websearch_to_tsquery(c::regconfig, %s)::text, "
                "websearch_to_tsquery(c::regconfig, %s)::text, "
                "websearch_to_tsquery(c::regconfig, %s)::text FROM unnest(%s::text[]) c",
                [query.websearch(), query.websearch_excluded(), before_last, self.CONFIGS],
            )
            rows = cursor.fetchall()

        def any_of(texts) -> str:
            texts = list(dict.fromkeys(t for t in texts if t))
            return " | ".join(f"( {t} )" for t in texts)

        text = any_of(row[0] for row in rows)
        if typing:
            last = query.clauses[-1][-1].words[-1]
            prefix = "".join(ch for ch in fold(last) if ch.isalnum())
            if prefix:
                # "pothole rep": the earlier words, and "rep" as the start of a word.
                earlier = any_of(row[2] for row in rows)
                typed = f"'{prefix}':*" if not earlier else f"( {earlier} ) & '{prefix}':*"
                text = f"( {text} ) | ( {typed} )" if text else typed
        excluded = any_of(row[1] for row in rows)
        if text and excluded:
            text = f"( {text} ) & !( {excluded} )"
        query._tsquery_text = text
        return text

    def matches(self, query: Query) -> tuple[str, list]:
        """SQL selecting (id, rank) of every document matching (rank: ts_rank_cd)."""
        text = self.tsquery_text(query)
        return (
            "SELECT item_id AS id, ts_rank_cd(rank_vector, %s::tsquery) AS rank "
            "FROM search_searchdocument WHERE search_vector @@ %s::tsquery",
            [text, text],
        )

    def candidates(self, query: Query, where: str, params: list, limit: int) -> tuple[str, list]:
        """As SqliteBackend.candidates. Ranked by ts_rank_cd over the title and the opening
        lines (rank_vector: small, kept in the row), not the whole text, whose vector is
        stored apart and compressed: reading it for thousands of rows is what made broad
        queries slow. Matching itself uses the whole text's index."""
        text = self.tsquery_text(query)
        if not text:
            # Only stop words in every language: nothing to look for.
            return "SELECT 0, 0.0, NULL, 0, 0 WHERE 1 = 0", []
        in_title = LEXEME_RE.sub(lambda m: m.group(0) + ("A" if m.group(1) else ":A"), text)
        excluded_too = "AND d.search_vector @@ %s::tsquery " if query.excluded else ""
        sql = (
            "WITH newest AS MATERIALIZED (SELECT d.item_id AS id FROM search_searchdocument d "  # noqa: S608
            f"WHERE d.search_vector @@ %s::tsquery AND {where} "
            "ORDER BY d.item_id DESC LIMIT %s), "
            # The title is weight A of the small vector (the opening lines are B).
            "titled AS MATERIALIZED (SELECT d.item_id AS id FROM search_searchdocument d "
            f"WHERE d.rank_vector @@ %s::tsquery {excluded_too}AND {where} "
            "ORDER BY d.item_id DESC LIMIT %s) "
            "SELECT d.item_id AS id, ts_rank_cd(d.rank_vector, %s::tsquery) AS rank, "
            "d.published_at, d.adoption_count, (SELECT COUNT(*) FROM newest) "
            "FROM search_searchdocument d "
            "WHERE d.item_id IN (SELECT id FROM newest UNION SELECT id FROM titled)"
        )
        titled_params = [in_title, *([text] if query.excluded else []), *params, limit]
        return sql, [text, *params, limit + 1, *titled_params, text]

    @staticmethod
    def in_ids(column: str, ids: list[int]) -> tuple[str, list]:
        return f"{column} = ANY(%s)", [ids]

    def title_prefix_matches(self, word: str, limit: int) -> tuple[str, list]:
        """(id, rank) of the newest `limit` titles with a word starting with `word`: the vector
        holds stems, so the word's stems in every language are prefixes too ("pothole" ->
        "pothol"). The small title vector (rank_vector, title weight A) is read, not the whole
        text's."""
        options = {
            "".join(ch for ch in option if ch.isalnum())
            for option in {fold(word), *query_stems(word)}
        }
        options.discard("")
        tsquery = " | ".join(f"{option}:*A" for option in sorted(options)) or "''"
        return (
            "SELECT item_id AS id, ts_rank_cd(rank_vector, q.query) AS rank "
            "FROM search_searchdocument, (SELECT to_tsquery('gc_simple', %s) AS query) q "
            "WHERE rank_vector @@ q.query ORDER BY item_id DESC LIMIT %s",
            [tsquery, limit],
        )

    @staticmethod
    def config_of_row() -> str:
        """The row's own configuration, so the headline stems its words as the index did."""
        cases = " ".join(f"WHEN '{lang}' THEN '{cfg}'" for lang, cfg in sorted(PG_CONFIGS.items()))
        return f"(CASE language {cases} ELSE 'gc_simple' END)::regconfig"

    def headlines(self, passages: dict[int, tuple[str, str]], query: Query) -> dict[int, str]:
        """ts_headline over each result's passage ({id: (text, language)}: the words around
        the first match, cut in Python by search.snippets), so that the words highlighted are
        those PostgreSQL's stemming matched. Over the whole body it cost several milliseconds
        a result: parsing the whole text again."""
        text = self.tsquery_text(query)
        if not passages or not text:
            return {}
        ids = list(passages)
        configs = [PG_CONFIGS.get(passages[i][1], "gc_simple") for i in ids]
        options = f"StartSel={MARK_START}, StopSel={MARK_END}, HighlightAll=true"
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT p.id, ts_headline(p.config::regconfig, p.passage, %s::tsquery, %s) "
                "FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS p(id, passage, config)",
                [text, options, ids, [passages[i][0] for i in ids], configs],
            )
            return dict(cursor.fetchall())


def backend():
    return PostgresBackend() if connection.vendor == "postgresql" else SqliteBackend()
