"""Help around a search: suggestions while typing (titles, topics, organisations), a spelling
correction from the index's own vocabulary, and counts of nearby searches when one finds
nothing. Each is a fixed number of queries, and only shows what the viewer may read."""

import difflib
import re
from dataclasses import dataclass

from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length

from govcommons.core.models import Item, ItemStatus
from govcommons.core.permissions import readable_levels
from govcommons.organizations.models import Organization
from govcommons.taxonomy.models import Topic

from .backends import backend
from .models import SearchDocument, SearchFacet, SearchWord
from .query import MAX_QUERY_LENGTH, parse
from .selectors import SearchFilters, SearchResults
from .text import fold, query_stems, words

MAX_SUGGESTIONS = 8
# A single letter would match most titles: suggestions start at two.
MIN_PREFIX_LENGTH = 2
# Titles matching the last typed word, ranked; the earlier words are then checked in Python.
TITLE_CANDIDATES = 40
# Of the titles with a word starting as typed, the newest this many are ranked: a two-letter
# start matches a large part of the index, and suggestions must come back while typing.
TITLE_PREFIX_SCAN = 200
# Topics and organisations each keep at least this many places when titles are plenty.
RESERVED_PER_GROUP = 2

SPELLING_MIN_LENGTH = 3  # as the vocabulary (search.services.VOCABULARY_MIN_LENGTH)
SPELLING_LENGTH_SLACK = 2
SPELLING_CUTOFF = 0.75
MAX_SPELLING_CANDIDATES = 5000


@dataclass
class Suggestion:
    kind: str  # an ItemKind value, "topic" or "organization"
    label: str
    url: str


def suggestions(user, text: str) -> list[Suggestion]:
    """Up to eight links for what is being typed: titles the viewer may read with a word
    starting with the last word typed (and containing the earlier ones), then topics and
    organisations whose name starts with the text. Four queries (on PostgreSQL the titles take
    one more, and up to MAX_WINDOWS in a large index: backends.PostgresBackend._newest)."""
    typed = words(text)
    if typed and len(typed[-1]) < MIN_PREFIX_LENGTH:
        typed = typed[:-1]  # "pothole r": suggest for "pothole" until more is typed
    if not typed:
        return []
    titles = _title_suggestions(user, typed)
    topics = [
        Suggestion("topic", name, Topic(slug=slug).get_absolute_url())
        for slug, name in Topic.objects.filter(name__istartswith=text)
        .order_by("name")
        .values_list("slug", "name")[:MAX_SUGGESTIONS]
    ]
    organizations = [
        Suggestion("organization", name, Organization(slug=slug).get_absolute_url())
        for slug, name in Organization.objects.filter(name__istartswith=text)
        .order_by("name")
        .values_list("slug", "name")[:MAX_SUGGESTIONS]
    ]
    # Titles first, but topics and organisations keep a place or two each.
    kept_topics = topics[:RESERVED_PER_GROUP]
    kept_organizations = organizations[:RESERVED_PER_GROUP]
    kept_titles = titles[: MAX_SUGGESTIONS - len(kept_topics) - len(kept_organizations)]
    room = MAX_SUGGESTIONS - len(kept_titles) - len(kept_topics) - len(kept_organizations)
    more_topics = topics[RESERVED_PER_GROUP:][:room]
    room -= len(more_topics)
    more_organizations = organizations[RESERVED_PER_GROUP:][:room]
    return kept_titles + kept_topics + more_topics + kept_organizations + more_organizations


def _title_prefixes(word: str) -> list[str]:
    """The typed word and its stems: PostgreSQL's title vector holds stems, so "pothole" typed
    in full is found as "pothol" (a prefix of it, or of what it stems to)."""
    folded = fold(word)
    return sorted({folded} | {s for s in query_stems(folded) if len(s) >= MIN_PREFIX_LENGTH})


def _title_suggestions(user, typed: list[str]) -> list[Suggestion]:
    matches = dict(backend().title_prefix_candidates(_title_prefixes(typed[-1]), TITLE_PREFIX_SCAN))
    if not matches:
        return []
    # The visibility is checked here, not in SQL: SQLite would then walk its visibility index,
    # nearly every document, instead of looking the few matches up.
    levels = set(readable_levels(user))
    found_rows = [
        row[:5]
        for row in SearchDocument.objects.filter(
            item_id__in=list(matches), item__status=ItemStatus.PUBLISHED
        ).values_list("item_id", "item__kind", "item__slug", "title", "published_at", "visibility")
        if row[5] in levels
    ]
    # Best rank first, then the newest.
    found_rows.sort(key=lambda row: (matches[row[0]] or 0.0, row[4], row[0]), reverse=True)
    rows = [row[:4] for row in found_rows[:TITLE_CANDIDATES]]
    earlier = typed[:-1]
    found = []
    for item_id, kind, slug, title in rows:
        title_words = words(title)
        if all(any(w.startswith(e) for w in title_words) for e in earlier):
            item = Item(pk=item_id, kind=kind, slug=slug)
            found.append(Suggestion(kind, title, item.get_absolute_url()))
    return found[:MAX_SUGGESTIONS]


def count_matches(user, text: str, filters: SearchFilters | None = None) -> int:
    """How many documents the viewer may read match the text and filters: one query, the same
    candidates as selectors.search counts."""
    query = parse(text)
    filters = filters or SearchFilters()
    if query.is_empty and not filters:
        return 0
    documents = SearchDocument.objects.filter(visibility__in=readable_levels(user))
    if not query.is_empty:
        match_sql, params = backend().matches(query)
        documents = documents.filter(
            # Our own SQL around the backend's; the text is in the parameters.
            item_id__in=RawSQL(f"SELECT id FROM ({match_sql}) m", params)  # noqa: S608, S611
        )
    for name, values in filters.values.items():
        documents = documents.filter(
            item_id__in=SearchFacet.objects.filter(name=name, value__in=values).values(
                "document_id"
            )
        )
    return documents.count()


def spelling_correction(text: str) -> str:
    """The text with each word unknown to the index's vocabulary replaced by the closest known
    word (same first letter, similar length, difflib's ratio), or "" when nothing changes. One
    query for the candidates of every word."""
    query_words = [
        w
        for w in dict.fromkeys(parse(text).all_words())
        if len(w) >= SPELLING_MIN_LENGTH and not w.isdigit()
    ]
    if not query_words:
        return ""
    near = Q(word__in=query_words)
    for word in query_words:
        near |= Q(
            word__startswith=word[0],
            length__gte=len(word) - SPELLING_LENGTH_SLACK,
            length__lte=len(word) + SPELLING_LENGTH_SLACK,
        )
    vocabulary = dict(
        SearchWord.objects.filter(document_count__gt=0)
        .annotate(length=Length("word"))
        .filter(near)
        .order_by("-document_count", "word")
        .values_list("word", "document_count")[:MAX_SPELLING_CANDIDATES]
    )
    corrections = {}
    for word in query_words:
        if word not in vocabulary:
            closest = _closest_word(word, vocabulary)
            if closest:
                corrections[word] = closest
    if not corrections:
        return ""
    return re.sub(
        r"\w+",
        lambda match: corrections.get(fold(match.group()), match.group()),
        text[:MAX_QUERY_LENGTH],
    )


def _closest_word(word: str, vocabulary: dict[str, int]) -> str:
    candidates = [
        known
        for known in vocabulary
        if known[0] == word[0] and abs(len(known) - len(word)) <= SPELLING_LENGTH_SLACK
    ]
    close = difflib.get_close_matches(word, candidates, n=5, cutoff=SPELLING_CUTOFF)
    if not close:
        return ""
    # Equally close words: the one more documents use.
    return max(
        close,
        key=lambda known: (
            round(difflib.SequenceMatcher(None, word, known).ratio(), 3),
            vocabulary[known],
        ),
    )


@dataclass
class ZeroResultsHelp:
    correction: str = ""  # the corrected query, when it finds something for this viewer
    correction_count: int = 0
    without_filters_count: int | None = None  # when filters were on


def zero_results_help(user, results: SearchResults) -> ZeroResultsHelp:
    """For a search that found nothing: a spelling correction that does find something (with
    the same filters) and how many the words alone find. Three queries at most."""
    found = ZeroResultsHelp()
    if results.total or results.query.is_empty:
        return found
    correction = spelling_correction(results.text)
    if correction:
        count = count_matches(user, correction, results.filters)
        if count:
            found.correction, found.correction_count = correction, count
    if results.filters:
        found.without_filters_count = count_matches(user, results.text)
    return found
