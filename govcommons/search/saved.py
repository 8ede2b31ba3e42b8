"""Saved searches: a member keeps a search (words and filters) and the worker emails one digest
per saved search when something new matches it. Services (save, delete, alerts on/off, the alert
sweep) and selectors (a member's saved searches, what newly matches, filters in words)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from govcommons.core.errors import DomainError
from govcommons.core.permissions import can_view_item
from govcommons.notifications.models import EmailCategory, Notification
from govcommons.notifications.services import notify

from .labels import FACET_TITLES, facet_value_labels
from .models import SavedSearch
from .selectors import FACET_NAMES, SearchFilters, SearchHit, search

# Alerts have their own category, so that a member can stop them alone.
SAVED_SEARCH_CATEGORY = EmailCategory.SEARCHES

# Enough for anything a person follows; a limit keeps the worker's sweep bounded.
MAX_SAVED_SEARCHES = 25
MAX_QUERY_LENGTH = 500
# An alert lists at most this many new items; the search link shows the rest.
DIGEST_ITEMS = 20
# Newest results read per alert: the digest's items, and room for those published since the
# window closed (they are listed first, newest first, and wait for the next alert).
# A contribution is published in a transaction that sets published_at before it commits. An
# alert only takes items published at least this long before it runs, so that one committing
# a moment after the sweep reads is not skipped; the next alert's window starts where this one
# ended. It also absorbs the worker's jitter between two periodic runs.
SETTLE = timedelta(seconds=60)


def alert_period() -> timedelta:
    """How often a saved search may send an alert: the periodic task's own period."""
    return timedelta(seconds=settings.SAVED_SEARCH_ALERT_SECONDS)


# --- Reading ----------------------------------------------------------------------------------


def canonical_filters(filters) -> dict[str, list[str]]:
    """The facet filters as stored and compared: known facets only, values sorted, nothing
    empty. Accepts SearchFilters, request parameters (a QueryDict) or a stored dict."""
    if isinstance(filters, SearchFilters):
        values = filters.values
    else:
        if filters is not None and not hasattr(filters, "getlist"):
            # A stored or hand-made dict: a lone string is one value, not its characters.
            filters = {
                name: [chosen] if isinstance(chosen, str) else [str(v) for v in chosen]
                for name, chosen in dict(filters).items()
                if isinstance(chosen, str | list | tuple)
            }
        values = SearchFilters.from_params(filters or {}).values
    return {name: sorted(values[name]) for name in FACET_NAMES if values.get(name)}


def saved_searches_of(member) -> QuerySet[SavedSearch]:
    """A member's own saved searches, newest first."""
    return SavedSearch.objects.filter(member=member).order_by("-created_at", "-pk")


def access_saved_search(member, saved_search_id: int, *, for_update: bool = False) -> SavedSearch:
    """The member's own saved search, or 404: another member's is not even said to exist."""
    rows = SavedSearch.objects.filter(pk=saved_search_id, member_id=member.pk)
    if for_update:
        rows = rows.select_for_update()
    saved_search = rows.first() if member.is_authenticated else None
    if saved_search is None:
        raise Http404(_("No saved search of yours has this number."))
    return saved_search


def search_path(query: str, filters: dict[str, list[str]]) -> str:
    """The address of the search page showing these results."""
    params = [("q", query)] if query else []
    params += [(name, value) for name, values in filters.items() for value in values]
    page = reverse("search:results")
    return f"{page}?{urlencode(params)}" if params else page


@dataclass
class FilterWords:
    """One facet of a saved search in words: "Country: France, Italy"."""

    name: str
    label: str
    values: list[str]

    def __str__(self) -> str:
        return f"{self.label}: {', '.join(self.values)}"


@dataclass
class SavedSearchView:
    """A saved search as people read it: its words, its filters named, its search link."""

    saved_search: SavedSearch
    filters: list[FilterWords]
    search_url: str

    @property
    def title(self) -> str:
        """The words in quotes, or the filters when there are no words."""
        query = self.saved_search.query
        if query:
            # Words with "phrases" of their own read better without quotes around them.
            return query if '"' in query else f"“{query}”"
        return " · ".join(str(f) for f in self.filters)


def describe(saved_searches) -> list[SavedSearchView]:
    """Saved searches with their filters in words, in one query per kind of row named (topics,
    sectors, organisations) whatever the number of saved searches."""
    saved_searches = list(saved_searches)
    chosen = [canonical_filters(s.filters) for s in saved_searches]
    wanted: dict[str, set[str]] = {}
    for filters in chosen:
        for name, values in filters.items():
            wanted.setdefault(name, set()).update(values)
    labels = facet_value_labels(wanted)
    return [
        SavedSearchView(
            saved_search,
            [
                FilterWords(name, str(FACET_TITLES[name]), [labels[name][v] for v in values])
                for name, values in filters.items()
            ],
            search_path(saved_search.query, filters),
        )
        for saved_search, filters in zip(saved_searches, chosen, strict=True)
    ]


@dataclass
class NewMatches:
    hits: list[SearchHit]
    # More new items matched than the digest lists.
    more: bool


def new_matches(
    saved_search: SavedSearch,
    since: datetime,
    *,
    until: datetime | None = None,
    limit: int = DIGEST_ITEMS,
) -> NewMatches:
    """What matches the saved search, published after `since` (and up to `until`), that its
    member may read and did not write, newest first."""
    results = search(
        saved_search.member,
        saved_search.query,
        SearchFilters(canonical_filters(saved_search.filters)),
        sort="newest",
        per_page=limit + 1,
        with_facets=False,
        published_after=since,
        published_before=until,
    )
    member = saved_search.member
    hits = [
        hit
        for hit in results.hits
        if hit.item.author_id != member.pk and can_view_item(member, hit.item)
    ]
    more = len(hits) > limit or results.has_next
    return NewMatches(hits[:limit], more)


# --- Writing ----------------------------------------------------------------------------------


def _normalised_query(query: str) -> str:
    query = " ".join((query or "").replace("\x00", "").split())
    if len(query) > MAX_QUERY_LENGTH:
        raise DomainError(
            _("A saved search can be at most %(limit)d characters long.")
            % {"limit": MAX_QUERY_LENGTH},
            field="q",
        )
    return query


@transaction.atomic
def save_search(*, member, query: str, filters, alerts: bool = True) -> tuple[SavedSearch, bool]:
    """Keep a search for the member. Saving the same words and filters again returns the one
    already saved (False: nothing new). Refused past MAX_SAVED_SEARCHES."""
    query = _normalised_query(query)
    filters = canonical_filters(filters)
    if not query and not filters:
        raise DomainError(
            _("Type some words or choose a filter before saving a search."), field="q"
        )
    # One save at a time per member: the limit and the duplicate check hold under races.
    list(get_user_model().objects.select_for_update().filter(pk=member.pk).values_list("pk"))
    existing = list(saved_searches_of(member))
    for saved_search in existing:
        if (
            saved_search.query.casefold() == query.casefold()
            and canonical_filters(saved_search.filters) == filters
        ):
            return saved_search, False
    if len(existing) >= MAX_SAVED_SEARCHES:
        raise DomainError(
            _(
                "You already have %(limit)d saved searches, the most you can keep. "
                "Delete one you no longer need, then save this one."
            )
            % {"limit": MAX_SAVED_SEARCHES}
        )
    now = timezone.now()
    saved_search = SavedSearch(
        member=member, query=query, filters=filters, alerts=alerts, created_at=now, checked_at=now
    )
    saved_search.full_clean()
    saved_search.save()
    return saved_search, True


@transaction.atomic
def delete_saved_search(*, member, saved_search_id: int) -> None:
    access_saved_search(member, saved_search_id, for_update=True).delete()


@transaction.atomic
def set_alerts(*, member, saved_search_id: int, alerts: bool) -> SavedSearch:
    """Turn a saved search's email alerts on or off. Turned on again, it alerts about what is
    published from now on, not about everything missed while it was off."""
    saved_search = access_saved_search(member, saved_search_id, for_update=True)
    if saved_search.alerts == alerts:
        return saved_search
    saved_search.alerts = alerts
    fields = ["alerts"]
    if alerts:
        saved_search.checked_at = timezone.now()
        fields.append("checked_at")
    saved_search.save(update_fields=fields)
    return saved_search


def send_due_alerts(*, now: datetime | None = None) -> int:
    """Send one digest for each saved search with alerts on that was last checked a period ago
    or more and has new matches. Idempotent: a search is moved on in the transaction that
    queues its digest, and a digest's key (saved search, newest item) never sends twice.
    Returns how many digests were queued."""
    now = now or timezone.now()
    due_before = now - alert_period()
    until = now - SETTLE
    due = (
        SavedSearch.objects.filter(alerts=True, checked_at__lte=due_before, member__is_active=True)
        .order_by("checked_at", "pk")
        .values_list("pk", flat=True)
    )
    return sum(_send_alert(pk, due_before=due_before, until=until) for pk in list(due.iterator()))


@transaction.atomic
def _send_alert(saved_search_id: int, *, due_before: datetime, until: datetime) -> int:
    # Locked and due again inside the transaction: two sweeps at once send one digest.
    saved_search = (
        SavedSearch.objects.select_for_update(of=("self",))
        .select_related("member")
        .filter(pk=saved_search_id, alerts=True, checked_at__lte=due_before)
        .first()
    )
    if saved_search is None or saved_search.checked_at >= until:
        return 0
    matches = new_matches(saved_search, saved_search.checked_at, until=until)
    sent = 0
    if matches.hits:
        sent = _notify_matches(saved_search, matches)
    SavedSearch.objects.filter(pk=saved_search.pk).update(checked_at=until)
    return sent


def _notify_matches(saved_search: SavedSearch, matches: NewMatches) -> int:
    member = saved_search.member
    [view] = describe([saved_search])
    key = f"saved-search:{saved_search.pk}:{matches.hits[0].item.pk}"
    if Notification.objects.filter(key=key).exists():
        return 0
    count = len(matches.hits)
    if matches.more:
        message = _("More than %(count)d new results for your saved search %(search)s") % {
            "count": count,
            "search": view.title,
        }
    else:
        message = ngettext(
            "%(count)d new result for your saved search %(search)s",
            "%(count)d new results for your saved search %(search)s",
            count,
        ) % {"count": count, "search": view.title}
    site = settings.SITE_URL
    notify(
        key=key,
        recipient=member,
        category=SAVED_SEARCH_CATEGORY,
        message=message,
        url=view.search_url,
        email_template="search/email/alert",
        email_context={
            "search": view,
            "items": [
                {
                    "title": hit.item.title,
                    "url": site + hit.item.get_absolute_url(),
                    "kind": hit.item.get_kind_display(),
                    "organization": hit.item.organization.name if hit.item.organization else "",
                    "published_at": hit.document.published_at,
                }
                for hit in matches.hits
            ],
            "more": matches.more,
            "manage_url": site + reverse("saved_searches:list"),
        },
    )
    return 1
