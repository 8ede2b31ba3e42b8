"""What a search address asks for, read leniently: a search page never refuses its input, it
answers the nearest sensible question (odd sorts become relevance, odd pages the first)."""

from dataclasses import dataclass

from .query import MAX_QUERY_LENGTH
from .selectors import SORTS, SearchFilters

# Search-as-you-type looks at the start of a title, a topic or an organisation name.
MAX_SUGGEST_LENGTH = 100


@dataclass
class SearchRequest:
    text: str
    filters: SearchFilters
    sort: str
    page: str


def read_search_request(params) -> SearchRequest:
    """The query text (cut to what the parser reads), the facet filters, the sort and the page
    number as given (the selector clamps it)."""
    text = " ".join(params.get("q", "").replace("\x00", " ")[:MAX_QUERY_LENGTH].split())
    sort = params.get("sort", "")
    return SearchRequest(
        text=text,
        filters=SearchFilters.from_params(params),
        sort=sort if sort in SORTS else "relevance",
        page=params.get("page", "1")[:12],
    )


def read_suggest_text(params) -> str:
    return " ".join(params.get("q", "").replace("\x00", " ")[:MAX_SUGGEST_LENGTH].split())
