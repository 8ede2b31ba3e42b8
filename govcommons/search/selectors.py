"""Search reads: results ranked by relevance (or newest, most adopted) with snippets and facet
counts, in a constant number of queries whatever the size of the index. Only published Items
the viewer may read are ever in the candidate set (visibility is a column of the document).
A search ranks a bounded set of candidates (search.backends), so its cost does not grow with
the index: when more match, the page says so ("more than N")."""

import math
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.utils.safestring import SafeString

from govcommons.accounts.permissions import can_moderate
from govcommons.core.models import Item, Visibility
from govcommons.core.permissions import readable_levels

from . import snippets
from .backends import backend
from .models import SearchDocument
from .query import Query, parse

FACET_NAMES = (
    "kind", "type", "topic", "sector", "level", "country", "organization", "language",
    "evidence", "peer_reviewed",
)  # fmt: skip
SORTS = ("relevance", "newest", "adopted")
# Facets with many values, each on few documents: their lists are short (see _conditions).
NARROW_FACETS = {"organization"}
# Which chosen value a list without words is walked from: the kinds of facet with the most
# values first, so the fewest documents are walked (see _filtered_newest).
DRIVING_FACETS = (
    "organization", "topic", "country", "sector", "type", "language", "evidence", "level",
    "kind", "peer_reviewed",
)  # fmt: skip
PER_PAGE = 20
MAX_PAGE = 500  # deeper than anyone reads; past it the last page is shown
FACET_VALUES_SHOWN = 12
MAX_VALUES_PER_FACET = 20


@dataclass
class SearchFilters:
    """Facet values chosen (facet name -> values): values of one facet are alternatives (OR),
    different facets all apply (AND)."""

    values: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_params(cls, params) -> "SearchFilters":
        """Lenient reading of the address: unknown facets, empty or odd values are dropped."""
        values = {}
        for name in FACET_NAMES:
            chosen = [
                v.replace("\x00", "").strip()[:100]
                for v in (
                    params.getlist(name) if hasattr(params, "getlist") else params.get(name, [])
                )
            ]
            chosen = list(dict.fromkeys(v for v in chosen if v))[:MAX_VALUES_PER_FACET]
            if chosen:
                values[name] = chosen
        return cls(values)

    def __bool__(self) -> bool:
        return bool(self.values)

    def is_selected(self, name: str, value: str) -> bool:
        return value in self.values.get(name, [])


@dataclass
class FacetValue:
    value: str
    count: int
    selected: bool
    label: str = ""


@dataclass
class SearchHit:
    item: Item
    document: SearchDocument
    snippet: SafeString
    rank: float


@dataclass
class SearchResults:
    text: str
    query: Query
    filters: SearchFilters
    sort: str
    hits: list[SearchHit]
    total: int
    page_number: int
    num_pages: int
    facets: dict[str, list[FacetValue]]
    # When more documents match than were considered (see _candidates), how many at least:
    # the page says "more than"; `total` and the facet counts are of those considered.
    more_than: int = 0

    @property
    def has_previous(self) -> bool:
        return self.page_number > 1

    @property
    def has_next(self) -> bool:
        return self.page_number < self.num_pages


def _conditions(
    user,
    filters: SearchFilters,
    published_after=None,
    published_before=None,
    *,
    look_up: bool = False,
    skip: str = "",
) -> tuple[str, list]:
    """SQL condition on a document `d`: the viewer may read it, and it has the chosen facet
    values (but `skip`'s) and publication dates. Facet values are checked against their lists
    of documents, read once; with `look_up`, looked up for each document (see _candidates)."""
    # Moderators read every published item, as everywhere else (core.permissions).
    levels = list(Visibility.values) if can_moderate(user) else readable_levels(user)
    # The visibility indexes are kept out ("+" on SQLite, "|| ''" on PostgreSQL): most
    # documents are public, and reading the documents newest first (SQLite) or intersecting the
    # words' index with a window of ids (PostgreSQL) is what keeps a search fast; SQLite's
    # planner has no statistics, and PostgreSQL's read the whole index for nothing.
    column = "+d.visibility" if connection.vendor == "sqlite" else "(d.visibility || '')"
    where = [f"{column} IN ({', '.join(['%s'] * len(levels))})"]
    params: list = list(levels)
    if published_after is not None:
        where.append("d.published_at > %s")
        params.append(published_after)
    if published_before is not None:
        where.append("d.published_at <= %s")
        params.append(published_before)
    for name, values in sorted(filters.values.items()):
        if name == skip:
            continue
        listed = ", ".join(["%s"] * len(values))
        if connection.vendor == "postgresql":
            # The document's own array of values (migration 0006): its GIN index and the
            # words' are intersected before any row is read.
            where.append("d.facet_keys && %s::text[]")
            params.append([f"{name}:{value}" for value in values])
            continue
        if not look_up or name in NARROW_FACETS:
            where.append(
                "d.item_id IN (SELECT document_id FROM search_searchfacet "  # noqa: S608
                f"WHERE name = %s AND value IN ({listed}))"
            )
        else:
            where.append(
                "EXISTS (SELECT 1 FROM search_searchfacet f WHERE f.document_id = d.item_id "  # noqa: S608
                f"AND f.name = %s AND f.value IN ({listed}))"
            )
        params += [name, *values]
    return " AND ".join(where), params


def _candidates(user, query: Query, filters: SearchFilters, **dates) -> tuple[list[tuple], bool]:
    """The documents worth ranking, as (id, rank, published_at, adoption_count, facet values)
    rows (facet values: None where the backend has them in another table), and whether more
    match than were kept (see search.backends: the newest matches and the newest title matches,
    at most SEARCH_MAX_CANDIDATES of each)."""
    limit = settings.SEARCH_MAX_CANDIDATES
    if query.is_empty:
        return _filtered_newest(user, filters, limit, **dates)
    where, params = _conditions(user, filters, **dates)
    return backend().candidates(query, where, params, limit)


def _filtered_newest(user, filters: SearchFilters, limit: int, **dates) -> tuple[list, bool]:
    """Filters without words: the newest `limit` documents with the chosen values, and whether
    there are more. PostgreSQL has the values in the document's row and its index
    (_conditions). SQLite walks newest first from the documents of one chosen value (the
    narrowest kind of facet with a single value chosen), or from all documents, and looks the
    other values up for each document met, so the walk stops as soon as it has enough,
    whatever the size of the index. One query on SQLite."""
    if connection.vendor == "postgresql":
        where, params = _conditions(user, filters, **dates)
        return backend().filtered_newest(where, params, limit)
    driver = next((n for n in DRIVING_FACETS if len(filters.values.get(n, [])) == 1), "")
    where, params = _conditions(user, filters, look_up=True, skip=driver, **dates)
    columns = "d.item_id, 0.0, d.published_at, d.adoption_count, NULL"
    if not driver:
        sql = (
            f"SELECT {columns} FROM search_searchdocument d "  # noqa: S608
            f"WHERE {where} ORDER BY d.item_id DESC LIMIT %s"
        )
        params = [*params, limit + 1]
    else:
        # CROSS JOIN keeps the chosen value's documents outside, walked by its index.
        sql = (
            f"SELECT {columns} FROM search_searchfacet v CROSS JOIN search_searchdocument d "  # noqa: S608
            f"ON d.item_id = v.document_id WHERE v.name = %s AND v.value = %s AND {where} "
            "ORDER BY v.document_id DESC LIMIT %s"
        )
        params = [driver, filters.values[driver][0], *params, limit + 1]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return rows[:limit], len(rows) > limit


def _sort_key(sort: str):
    """Best first when sorted in reverse. Dates compare as they come from the database (ISO
    text on SQLite, datetimes on PostgreSQL), the same within one search."""
    if sort == "newest":
        return lambda row: (row[2], row[0])
    if sort == "adopted":
        return lambda row: (row[3], row[1] or 0.0, row[0])
    return lambda row: (row[1] or 0.0, row[2], row[0])


def _facet_counts(candidates: list[tuple], filters: SearchFilters) -> dict:
    """How many candidates have each facet value: counted from the candidates' own values
    when the backend gave them (PostgreSQL), otherwise in one query of the facet table."""
    if candidates and candidates[0][4] is not None:
        counted = Counter(key for row in candidates for key in row[4])
        rows = [(*key.split(":", 1), count) for key, count in counted.items()]
    else:
        condition, params = backend().in_ids("document_id", [row[0] for row in candidates])
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, value, COUNT(*) FROM search_searchfacet "  # noqa: S608
                f"WHERE {condition} GROUP BY name, value",
                params,
            )
            rows = cursor.fetchall()
    facets: dict[str, list[FacetValue]] = {name: [] for name in FACET_NAMES}
    for name, value, count in rows:
        if name in facets:
            facets[name].append(FacetValue(value, count, filters.is_selected(name, value)))
    for name, values in facets.items():
        values.sort(key=lambda v: (not v.selected, -v.count, v.value))
        chosen = [v for v in values if v.selected]
        facets[name] = (
            chosen
            + [v for v in values if not v.selected][: max(0, FACET_VALUES_SHOWN - len(chosen))]
        )
    return facets


def search(
    user,
    text: str,
    filters: SearchFilters | None = None,
    *,
    sort: str = "relevance",
    page: int | str | None = 1,
    per_page: int = PER_PAGE,
    prefix_last: bool = False,
    with_facets: bool = True,
    published_after=None,
    published_before=None,
    with_total: bool = True,
    with_snippets: bool = True,
) -> SearchResults:
    """One page of results. An empty query with no filter finds nothing (the page asks for
    words); with filters it lists the filtered items, newest first. `published_after` keeps
    only what was published since, `published_before` up to then (saved search alerts)."""
    filters = filters or SearchFilters()
    query = parse(text, prefix_last=prefix_last)
    if sort not in SORTS:
        sort = "relevance"
    if query.is_empty and sort == "relevance":
        sort = "newest"
    try:
        page_number = max(1, min(int(page or 1), MAX_PAGE))
    except (TypeError, ValueError):
        page_number = 1
    empty = SearchResults(text, query, filters, sort, [], 0, 1, 1, {n: [] for n in FACET_NAMES})
    if query.is_empty and not filters:
        return empty
    candidates, more = _candidates(
        user, query, filters, published_after=published_after, published_before=published_before
    )
    if not candidates:
        return empty
    candidates.sort(key=_sort_key(sort), reverse=True)
    if with_total:
        total = len(candidates)
        num_pages = max(1, min(MAX_PAGE, math.ceil(total / per_page)))
        page_number = min(page_number, num_pages)
    else:
        # The first page only, for lists that show a few (similar, related).
        total, num_pages, page_number = 0, 1, 1
    start = (page_number - 1) * per_page
    ranked = [(row[0], row[1]) for row in candidates[start : start + per_page]]
    ids = [row[0] for row in ranked]
    # The vectors are PostgreSQL's to match and rank with: never read back (one is large).
    documents = SearchDocument.objects.defer(
        "search_vector", "rank_vector", "title_vector"
    ).in_bulk(ids)
    items = Item.objects.select_related("organization", "author").in_bulk(ids)
    words = query.all_words()
    prefix = words[-1] if (prefix_last and words) else ""
    passages, headlines = {}, {}
    if with_snippets and not query.is_empty:
        passages = {
            item_id: snippets.passage(document.body, document.language, words, prefix=prefix)
            for item_id, document in documents.items()
        }
        headlines = backend().headlines(
            {i: (cut.text, documents[i].language) for i, cut in passages.items()}, query
        )
    hits = []
    for item_id, rank in ranked:
        document, item = documents.get(item_id), items.get(item_id)
        if document is None or item is None:
            continue
        if not with_snippets:
            snippet = SafeString("")
        elif item_id in headlines:
            snippet = snippets.from_headline(headlines[item_id], passages[item_id])
        else:
            snippet = snippets.highlight(document.body, document.language, words, prefix=prefix)
        hits.append(SearchHit(item, document, snippet, float(rank or 0)))
    facets = _facet_counts(candidates, filters) if with_facets else empty.facets
    total = total or len(hits)
    more_than = settings.SEARCH_MAX_CANDIDATES if more else 0
    return SearchResults(
        text, query, filters, sort, hits, total, page_number, num_pages, facets, more_than
    )
