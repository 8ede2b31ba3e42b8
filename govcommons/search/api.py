"""The search API: /api/v1/search with the /search/ page's parameters and facets.

A thin adapter over `selectors.search` (the same call the page makes), so that the page and
the API can never disagree about what is found or who sees it. Stricter than the page: an
unknown sort or facet value is a 422 problem naming the parameter, where the page drops it.
"""

from django.utils.translation import gettext_lazy
from ninja import Query, Router
from ninja.errors import ValidationError

from govcommons.api.auth import caller
from govcommons.api.schemas import Problem
from govcommons.organizations.models import Organization
from govcommons.taxonomy.models import Sector, Topic

from . import selectors
from .labels import facet_value_labels
from .schemas import SearchOut, SearchQuery

router = Router(tags=["search"])


# --- Facet values -----------------------------------------------------------------------------

# Facets whose values are rows: the model and the field the index stores.
ROW_FACETS = {
    "topic": (Topic, "slug"),
    "sector": (Sector, "slug"),
    "organization": (Organization, "pk"),
}
UNKNOWN = {
    "topic": gettext_lazy("No topic has the slug %(values)s."),
    "sector": gettext_lazy("No sector has the slug %(values)s."),
    "organization": gettext_lazy("No organisation has the id %(values)s."),
}


def _refuse_unknown_rows(chosen: dict[str, list[str]]) -> None:
    """Topic and sector slugs and organisation ids that name nothing are refused (422), all
    of them at once, one query per facet given. (The schema checks the other facets.)"""
    errors = []
    for name, (model, key) in ROW_FACETS.items():
        if not chosen.get(name):
            continue
        rows = model.objects.filter(**{f"{key}__in": chosen[name]}).values_list(key, flat=True)
        known = {str(value) for value in rows}
        unknown = [v for v in chosen[name] if v not in known]
        if unknown:
            errors.append(
                {
                    "type": "value_error",
                    "loc": ["query", name],
                    "msg": UNKNOWN[name] % {"values": ", ".join(unknown)},
                }
            )
    if errors:
        raise ValidationError(errors)


def _labelled_facets(facets: dict[str, list[selectors.FacetValue]]) -> dict[str, list[dict]]:
    """Each facet value with the name the page shows for it (one query per model)."""
    labels = facet_value_labels(
        {name: [v.value for v in values] for name, values in facets.items()}
    )
    return {
        name: [
            {
                "value": v.value,
                "label": str(labels.get(name, {}).get(v.value, v.value)),
                "count": v.count,
                "selected": v.selected,
            }
            for v in values
        ]
        for name, values in facets.items()
    }


def _hit(request, hit: selectors.SearchHit) -> dict:
    item = hit.item
    organization = item.organization
    return {
        "id": item.pk,
        "kind": item.kind,
        "title": item.title,
        "url": request.build_absolute_uri(item.get_absolute_url()),
        "snippet_html": str(hit.snippet),
        "organization": (
            {
                "name": organization.name,
                "url": request.build_absolute_uri(organization.get_absolute_url()),
            }
            if organization is not None
            else None
        ),
        "published_at": hit.document.published_at,
        "rank": hit.rank,
    }


# --- Operations --------------------------------------------------------------------------------


@router.get(
    "",
    response={200: SearchOut, 401: Problem, 422: Problem},
    summary="Search",
    auth=None,
)
def search(request, params: Query[SearchQuery]):
    """Published items (contributions, questions, ideas) matching the words and filters, ranked
    by relevance (or newest, most adopted), with highlighted snippets and facet counts: exactly
    what the /search/ page finds.

    Permission: anyone. Anonymous callers find public items; members also members-only ones,
    verified public servants also verified-only ones. Send a token to search as yourself (an
    invalid token is a 401). Drafts and removed items are never found.

    Unknown sorts, facet values (topic or sector slugs, organisation ids, country codes,
    levels, kinds, types, languages, evidence levels 1-5, peer_reviewed yes or no) and NUL
    characters are 422 problems naming the parameter. A page past the last answers the last
    page; a page above 1,000,000 is a 422.
    """
    viewer = caller(request)
    chosen = params.facet_values()
    _refuse_unknown_rows(chosen)
    results = selectors.search(
        viewer,
        params.q,
        selectors.SearchFilters(chosen),
        sort=params.sort,
        page=params.page,
        per_page=params.page_size,
    )
    return {
        "query": params.q,
        "sort": results.sort,
        "total": results.total,
        "more": bool(results.more_than),
        "page": results.page_number,
        "num_pages": min(results.num_pages, selectors.MAX_PAGE),
        "page_size": params.page_size,
        "results": [_hit(request, hit) for hit in results.hits],
        "facets": _labelled_facets(results.facets),
    }
