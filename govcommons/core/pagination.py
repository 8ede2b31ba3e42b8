"""One way to paginate every list: page numbers in the URL, out-of-range pages clamp."""

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import QueryDict

DEFAULT_PER_PAGE = 20


def paginate(
    items: QuerySet | list, page_param: str | None, per_page: int = DEFAULT_PER_PAGE
) -> Page:
    """A page of `items`; a missing, malformed or past-the-end number gives the nearest page."""
    return Paginator(items, per_page).get_page(page_param)


def querystring_without_page(params: QueryDict) -> str:
    """The current filters, so that page links keep them."""
    params = params.copy()
    params.pop("page", None)
    return params.urlencode()
