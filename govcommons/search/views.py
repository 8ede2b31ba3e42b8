"""Search pages: the results page (ranked hits with snippets, facets, sorts, pages, help when
nothing is found) and the suggestions under the header search box. The results page is a GET
form that works without JavaScript; htmx swaps the results area when a filter changes."""

from dataclasses import dataclass, field

from django.http import QueryDict
from django.shortcuts import render
from django.utils.safestring import SafeString
from django.utils.text import slugify

from govcommons.core.models import Item

from . import selectors, snippets, suggest
from .forms import read_search_request, read_suggest_text
from .labels import FACET_TITLES, facet_value_labels
from .models import SearchDocument
from .selectors import FacetValue, SearchResults

# Values shown at once under each facet; the rest (up to the selector's dozen) behind "more".
FACET_VALUES_VISIBLE = 5
# Facets whose values read best in their own order rather than by count.
ORDERED_FACETS = {"evidence"}


@dataclass
class FacetChoice:
    value: str
    label: str
    count: int
    selected: bool
    input_id: str


@dataclass
class FacetGroup:
    name: str
    title: str
    choices: list[FacetChoice]
    more: list[FacetChoice]
    selected_count: int
    clear_url: str


@dataclass
class ActiveFilter:
    title: str
    label: str
    remove_url: str


@dataclass
class ShownHit:
    item: Item
    document: SearchDocument
    title: SafeString
    snippet: SafeString


@dataclass
class ResultsPage:
    """What components/pagination.html reads from a Django Page, for the selector's pages."""

    number: int
    num_pages: int
    has_previous: bool
    has_next: bool
    previous_page_number: int = 0
    next_page_number: int = 0
    paginator: "ResultsPage | None" = field(default=None, repr=False)

    @classmethod
    def of(cls, results: SearchResults) -> "ResultsPage":
        page = cls(
            number=results.page_number,
            num_pages=results.num_pages,
            has_previous=results.has_previous,
            has_next=results.has_next,
            previous_page_number=results.page_number - 1,
            next_page_number=results.page_number + 1,
        )
        page.paginator = page
        return page


def _address(params: QueryDict, *, drop: str = "", drop_value: str | None = None) -> str:
    """The current search's address (without its page number), less one facet or one value."""
    params = params.copy()
    params.pop("page", None)
    if drop and drop_value is None:
        params.pop(drop, None)
    elif drop:
        params.setlist(drop, [v for v in params.getlist(drop) if v != drop_value])
    query = params.urlencode()
    return f"?{query}" if query else "?"


def _words_only_address(results: SearchResults, text: str | None = None) -> str:
    params = QueryDict(mutable=True)
    params["q"] = results.text if text is None else text
    if results.sort != "relevance":
        params["sort"] = results.sort
    return f"?{params.urlencode()}"


def _with_text(params: QueryDict, text: str) -> str:
    params = params.copy()
    params.pop("page", None)
    params["q"] = text
    return f"?{params.urlencode()}"


def _facet_groups(
    params: QueryDict, results: SearchResults
) -> tuple[list[FacetGroup], list[ActiveFilter]]:
    """Each facet's values with counts and labels; a chosen value that nothing matches any more
    is still shown, ticked with 0, so that it can be unticked."""
    chosen = results.filters.values
    labels = facet_value_labels(
        {
            name: [v.value for v in results.facets.get(name, [])] + chosen.get(name, [])
            for name in FACET_TITLES
        }
    )
    groups, active = [], []
    for name, title in FACET_TITLES.items():
        values = list(results.facets.get(name, []))
        present = {v.value for v in values}
        values += [FacetValue(v, 0, True) for v in chosen.get(name, []) if v not in present]
        if name in ORDERED_FACETS:
            values.sort(key=lambda v: v.value)
        values.sort(key=lambda v: not v.selected)  # stable: chosen ones first
        used_ids: set[str] = set()
        choices = []
        for index, value in enumerate(values):
            input_id = f"facet-{name}-{slugify(value.value) or index}"
            if input_id in used_ids:
                input_id = f"{input_id}-{index}"
            used_ids.add(input_id)
            label = labels.get(name, {}).get(value.value, value.value)
            choices.append(FacetChoice(value.value, label, value.count, value.selected, input_id))
            if value.selected:
                active.append(
                    ActiveFilter(
                        str(title), label, _address(params, drop=name, drop_value=value.value)
                    )
                )
        if not choices:
            continue
        selected_count = sum(1 for c in choices if c.selected)
        visible = max(FACET_VALUES_VISIBLE, selected_count)
        groups.append(
            FacetGroup(
                name=name,
                title=str(title),
                choices=choices[:visible],
                more=choices[visible:],
                selected_count=selected_count,
                clear_url=_address(params, drop=name),
            )
        )
    return groups, active


def _shown_hits(results: SearchResults) -> list[ShownHit]:
    query_words = results.query.all_words()
    return [
        ShownHit(
            item=hit.item,
            document=hit.document,
            title=snippets.highlight(
                hit.document.title, hit.document.language, query_words, window=100
            ),
            snippet=hit.snippet,
        )
        for hit in results.hits
    ]


def search_results(request):
    """Permission: anyone; results hold only what the viewer may read (see selectors)."""
    wanted = read_search_request(request.GET)
    results = selectors.search(
        request.user, wanted.text, wanted.filters, sort=wanted.sort, page=wanted.page
    )
    groups, active = _facet_groups(request.GET, results)
    has_words = not results.query.is_empty
    first_index = (results.page_number - 1) * selectors.PER_PAGE + 1
    context = {
        "first_index": first_index,
        "last_index": first_index + len(results.hits) - 1,
        "results": results,
        "hits": _shown_hits(results),
        "page_obj": ResultsPage.of(results),
        "facet_groups": groups,
        "active_filters": active,
        "has_words": has_words,
        # Nothing to look for: the page explains how to search instead.
        "show_help": not has_words and not results.filters,
        "zero": suggest.zero_results_help(request.user, results) if not results.total else None,
        "clear_all_url": _words_only_address(results),
        "correction_url": "",
    }
    zero = context["zero"]
    if zero and zero.correction:
        context["correction_url"] = _with_text(request.GET, zero.correction)
    template = (
        "search/_search_area.html"
        if request.htmx and not request.htmx.boosted
        else "search/results.html"
    )
    return render(request, template, context)


def search_suggestions(request):
    """Permission: anyone; only titles the viewer may read are suggested (see suggest)."""
    text = read_suggest_text(request.GET)
    return render(
        request,
        "search/_suggestions.html",
        {"text": text, "suggestions": suggest.suggestions(request.user, text)},
    )
