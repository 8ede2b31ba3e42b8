"""Text for the index: accents and case folded, words split, and stemmed by the item's language
(Snowball, the same family of stemmers PostgreSQL uses), with one cache per language."""

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

from govcommons.core.markdown import render_markdown

# Item language -> Snowball stemmer and PostgreSQL text search configuration (ours add unaccent).
STEMMERS = {
    "en": "english",
    "fr": "french",
    "de": "german",
    "es": "spanish",
    "it": "italian",
    "nl": "dutch",
    "pt": "portuguese",
    "fi": "finnish",
    "et": "estonian",
    "da": "danish",
    "sv": "swedish",
    "pl": "polish",
}
# PostgreSQL has no Estonian or Polish stemmer: those items are indexed unstemmed there.
PG_CONFIGS = {
    "en": "gc_english",
    "fr": "gc_french",
    "de": "gc_german",
    "es": "gc_spanish",
    "it": "gc_italian",
    "nl": "gc_dutch",
    "pt": "gc_portuguese",
    "fi": "gc_finnish",
    "da": "gc_danish",
    "sv": "gc_swedish",
    "et": "gc_simple",
    "pl": "gc_simple",
}
WORD_RE = re.compile(r"\w+", re.UNICODE)
TAG_RE = re.compile(r"<[^>]+>")
MAX_WORD = 60


def fold(text: str) -> str:
    """Lower case without accents: "Montréal" and "montreal" are the same word."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    return [w for w in WORD_RE.findall(fold(text)) if len(w) <= MAX_WORD]


@lru_cache(maxsize=16)
def _stemmer(language: str):
    return snowballstemmer.stemmer(STEMMERS.get(language, "english"))


@lru_cache(maxsize=200_000)
def stem(word: str, language: str) -> str:
    if language not in STEMMERS:
        return word
    return _stemmer(language).stemWord(word)


def stems(text: str, language: str) -> str:
    """The text as space-separated stems, for the SQLite index."""
    return " ".join(stem(w, language) for w in words(text))


def query_stems(word: str) -> set[str]:
    """Every language's stem of a query word: the query does not know the item's language."""
    folded = fold(word)
    return {stem(folded, language) for language in STEMMERS} | {folded}


def plain_text(markdown: str) -> str:
    """Markdown as the words a reader sees (for snippets): rendered, tags dropped."""
    html = render_markdown(markdown or "")
    return " ".join(TAG_RE.sub(" ", html).replace("&amp;", "&").split())
