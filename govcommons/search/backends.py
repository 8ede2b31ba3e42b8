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

    def candidates(self, query: Query, where: str, params: list, limit: int):
        """The candidates (see the module's docstring) among documents `d` that satisfy
        `where`, as (id, rank, published_at, adoption_count, facet values) rows (no facet values
        here: None), and whether more match than the newest `limit`. One query: CROSS JOIN
        keeps the full-text scan outside, newest first, so that LIMIT stops it."""
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
            "d.adoption_count, NULL, (SELECT COUNT(*) FROM newest) FROM search_fts f "
            "CROSS JOIN search_searchdocument d ON d.item_id = f.rowid "
            # "+": the candidates filter the one scan of the matches; without it SQLite would
            # run the full-text query once per candidate (rowid = ?).
            "WHERE search_fts MATCH %s "
            "AND +f.rowid IN (SELECT id FROM newest UNION SELECT id FROM titled)"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [full, *params, limit + 1, in_title, *params, limit, full])
            rows = cursor.fetchall()
        more = bool(rows) and rows[0][5] > limit
        return [row[:5] for row in rows], more

    @staticmethod
    def in_ids(column: str, ids: list[int]) -> tuple[str, list]:
        """`column` is one of the ids: one parameter however many."""
        return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(ids)]  # noqa: S608

    def title_prefix_candidates(self, prefixes: list[str], limit: int) -> list[tuple]:
        """(id, rank) of the newest `limit` titles with a word starting with each of
        `prefixes` (a document found by several counts once, with its best rank). One query."""
        scans = [
            "SELECT rowid AS id, -bm25(search_fts, 0.0, 0.0, 1.0) AS rank "
            "FROM search_fts WHERE search_fts MATCH %s ORDER BY rowid DESC LIMIT %s"
        ] * len(prefixes)
        params = []
        for prefix in prefixes:
            params += ["{words} : " + _fts_string(fold(prefix)) + "*", limit]
        # Alone, a scan is used as it is: SQLite refuses bm25() under a GROUP BY that flattens
        # onto its scan.
        sql = scans[0]
        if len(scans) > 1:
            union = " UNION ALL ".join(
                f"SELECT id, rank FROM ({scan}) p{n}"  # noqa: S608
                for n, scan in enumerate(scans)
            )
            sql = f"SELECT id, MAX(rank) FROM ({union}) u GROUP BY id"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def headlines(self, passages: dict[int, tuple[str, str]], query: Query) -> dict[int, str]:
        """No server-side headline on SQLite: snippets are highlighted in Python (snippets)."""
        return {}


class PostgresBackend:
    vendor = "postgresql"
    CONFIGS = sorted(set(PG_CONFIGS.values()))
    # The opening characters of the body that count for ranking, with the title.
    LEAD_CHARACTERS = 400
    # The newest documents are looked for in windows of ids, newest first, each this many
    # times wider than the last (see _newest).
    FIRST_WINDOW = 4_000
    WINDOW_GROWTH = 8
    MAX_WINDOWS = 6  # so that a search is a fixed number of queries at any size

    def write(self, item_id: int, *, title: str, body: str, language: str) -> None:
        config = PG_CONFIGS.get(language, "gc_simple")
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE search_searchdocument SET search_vector = "
                "setweight(to_tsvector(%s::regconfig, %s), 'A') || "
                "setweight(to_tsvector(%s::regconfig, %s), 'C'), rank_vector = "
                "setweight(to_tsvector(%s::regconfig, %s), 'A') || "
                "setweight(to_tsvector(%s::regconfig, left(%s, %s)), 'B'), "
                "title_vector = to_tsvector(%s::regconfig, %s), facet_keys = ARRAY("
                "SELECT name || ':' || value FROM search_searchfacet WHERE document_id = %s "
                "ORDER BY name, value) WHERE item_id = %s",
                [config, title, config, body, config, title, config, body,
                 self.LEAD_CHARACTERS, config, title, item_id, item_id],
            )  # fmt: skip

    def delete(self, item_id: int) -> None:
        """The vectors are columns of the document row, deleted with it."""

    def tsquery_text(self, query: Query) -> str:
        """The query as tsquery text: what must match in any language, none of the exclusions
        in any language, and while typing the last word as a prefix. Each language's reading is
        asked of the server once, then duplicates are dropped ("data" reads "data" in most
        languages): the planner then estimates how many documents match correctly. Kept on the
        query, with the newest document's id (see _newest): asked once per request."""
        cached = getattr(query, "_tsquery_text", None)
        if cached is not None:
            return cached
        typing = query.prefix_last and query.clauses
        before_last = Query(clauses=query.clauses[:-1]).websearch() if typing else ""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT websearch_to_tsquery(c::regconfig, %s)::text, "
                "websearch_to_tsquery(c::regconfig, %s)::text, "
                "websearch_to_tsquery(c::regconfig, %s)::text, "
                "(SELECT MAX(item_id) FROM search_searchdocument) FROM unnest(%s::text[]) c",
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
        query._top_id = rows[0][3] if rows else None
        return text

    def matches(self, query: Query) -> tuple[str, list]:
        """SQL selecting (id, rank) of every document matching (rank: ts_rank_cd)."""
        text = self.tsquery_text(query)
        return (
            "SELECT item_id AS id, ts_rank_cd(rank_vector, %s::tsquery) AS rank "
            "FROM search_searchdocument WHERE search_vector @@ %s::tsquery",
            [text, text],
        )

    @staticmethod
    def top_id() -> int | None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT MAX(item_id) FROM search_searchdocument")
            return cursor.fetchone()[0]

    def _windows(self, top: int) -> list[tuple[int | None, int | None]]:
        """(lowest excluded, highest included) ids of each window, newest first (None: open),
        at most MAX_WINDOWS: the last one holds all that is older."""
        windows, high, width = [], None, self.FIRST_WINDOW
        while top - width > 0 and len(windows) < self.MAX_WINDOWS - 1:
            windows.append((top - width, high))
            high, width = top - width, width * self.WINDOW_GROWTH
        return [*windows, (None, high)]

    # What each scan of _newest reads of a document, for the columns made of them after.
    SCANNED = (
        "d.item_id, d.rank_vector, d.title_vector, d.published_at, d.adoption_count, d.facet_keys"
    )

    def _newest(self, columns: str, columns_params: list, scans: list, top: int | None):
        """For each scan (a condition on documents `d`, its parameters, a limit): `columns` (of
        the scanned row `s`) of the newest `limit` documents that satisfy the condition, newest
        first.

        Neither way PostgreSQL has on its own stays fast: walking the documents newest first
        and checking each one's text vector (stored apart, several microseconds a row) reads
        the whole table for a word in one document in fifty; fetching every match from the GIN
        index and sorting reads half the table for a common word. So the ids are taken in
        windows, newest first (2,000 ids, then 8,000 older, 32,000...), each a GIN lookup
        intersected with the window and sorted, until enough are found: a common word stops in
        the first window, a rarer one reads a few windows, each bounded by what matches in it.
        The windows are a partition of the ids, so the result is exact. `columns` are made
        only for the rows kept (ts_rank_cd costs microseconds a row). One query a window for
        all the scans (UNION ALL), at most MAX_WINDOWS."""
        found: list[list] = [[] for _ in scans]
        if top is None:
            return found
        for low, high in self._windows(top):
            bounds, more = "", []
            if low is not None:
                bounds += " AND d.item_id > %s"
                more.append(low)
            if high is not None:
                bounds += " AND d.item_id <= %s"
                more.append(high)
            parts, params = [], []
            for number, (condition, scan_params, limit) in enumerate(scans):
                if len(found[number]) >= limit:
                    continue
                # "+ 0": sorted after the lookup, not walked in the primary key's order.
                parts.append(
                    f"(SELECT {number}, {columns} FROM (SELECT {self.SCANNED} "  # noqa: S608
                    f"FROM search_searchdocument d WHERE {condition}{bounds} "
                    f"ORDER BY d.item_id + 0 DESC LIMIT %s) s)"
                )
                params += [*columns_params, *scan_params, *more, limit - len(found[number])]
            if not parts:
                break
            with connection.cursor() as cursor:
                cursor.execute(" UNION ALL ".join(parts), params)
                for row in cursor.fetchall():
                    found[row[0]].append(row[1:])
        return found

    # A candidate row (see search.selectors._candidates), of a scanned row `s`.
    # The date as seconds: only compared, and read in C (a datetime is parsed in Python).
    CANDIDATE_COLUMNS = (
        "s.item_id, ts_rank_cd(s.rank_vector, %s::tsquery), "
        "extract(epoch FROM s.published_at)::float8, s.adoption_count, s.facet_keys"
    )

    def candidates(self, query: Query, where: str, params: list, limit: int):
        """As SqliteBackend.candidates, with the facet values of each candidate (the facet
        counts need no other query). Ranked by ts_rank_cd over the title and the opening lines
        (rank_vector: small, kept in the row), not the whole text, whose vector is stored apart:
        reading it for thousands of rows is what made broad queries slow. Matching uses the
        whole text's index, and the title's (title_vector) for the title matches."""
        text = self.tsquery_text(query)
        if not text:
            # Only stop words in every language: nothing to look for.
            return [], False
        # The exclusions hold for the whole text, not only the title.
        excluded_too = " AND d.search_vector @@ %s::tsquery" if query.excluded else ""
        newest, titled = self._newest(
            self.CANDIDATE_COLUMNS,
            [text],
            [
                # The filters first: PostgreSQL checks conditions of the same estimated cost in
                # the order written, and a filter is far cheaper than the text vector (stored
                # apart) when a window is read row by row.
                (f"{where} AND d.search_vector @@ %s::tsquery", [*params, text], limit + 1),
                (
                    f"{where} AND d.title_vector @@ %s::tsquery{excluded_too}",
                    [*params, text, *([text] if query.excluded else [])],
                    limit,
                ),
            ],
            query._top_id,
        )
        rows = list({row[0]: row for row in newest + titled}.values())
        return rows, len(newest) > limit

    def filtered_newest(self, where: str, params: list, limit: int):
        """Filters without words: the newest `limit` documents `d` that satisfy `where`, as
        candidate rows, and whether there are more (the windows of _newest)."""
        (rows,) = self._newest(
            "s.item_id, 0.0, extract(epoch FROM s.published_at)::float8, s.adoption_count, "
            "s.facet_keys",
            [],
            [(where, params, limit + 1)],
            self.top_id(),
        )
        return rows[:limit], len(rows) > limit

    @staticmethod
    def in_ids(column: str, ids: list[int]) -> tuple[str, list]:
        return f"{column} = ANY(%s)", [ids]

    def title_prefix_candidates(self, prefixes: list[str], limit: int) -> list[tuple]:
        """(id, rank) of the newest `limit` titles with a word starting with one of `prefixes`
        (the typed word and its stems: the title vector holds stems, "pothole" -> "pothol"),
        through the title's own vector and the windows of _newest."""
        options = {"".join(ch for ch in prefix if ch.isalnum()) for prefix in prefixes}
        options.discard("")
        if not options:
            return []
        tsquery = " | ".join(f"{option}:*" for option in sorted(options))
        (rows,) = self._newest(
            "s.item_id, ts_rank_cd(s.title_vector, to_tsquery('gc_simple', %s))",
            [tsquery],
            [("d.title_vector @@ to_tsquery('gc_simple', %s)", [tsquery], limit)],
            self.top_id(),
        )
        return rows

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
