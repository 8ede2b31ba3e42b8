"""Arbitrary text thrown at search, straight at the selector and through the API, on whichever
database the suite runs (both in CI): it never raises, never answers 500, and never shows an
item the caller may not read, whatever the words, operators, quotes or control characters."""

import pytest
from django.contrib.auth.models import AnonymousUser
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from govcommons.api.tests.helpers import bearer
from govcommons.core.models import Item, ItemStatus, Visibility
from govcommons.core.permissions import readable_levels
from govcommons.practices.tests.factories import write_draft, write_published
from govcommons.search import services
from govcommons.search.selectors import FACET_NAMES, SORTS, SearchFilters, search

SEARCH = "/api/v1/search"

# What search engines and SQL treat specially, and words that are in the index.
SPECIAL = [
    '"', "'", "*", "-", "+", ":", "(", ")", "{", "}", "[", "]", "^", "~", "&", "|", "!", "\\",
    "%", "_", ";", "--", "/*", "NEAR(", "NEAR/2", "OR", "AND", "NOT", "<->", ":*", "{title}",
    "' OR 1=1 --", "\x00", "\x01", "\t", "\n", "\u200b", "\ufeff",
]  # fmt: skip
WORDS = ["pothole", "potholes", "Montréal", "montreal", "clinic", "budget", "members"]
tokens = st.one_of(st.sampled_from(SPECIAL), st.sampled_from(WORDS), st.text(max_size=12))
queries = st.one_of(
    # Any characters at all, control characters included (surrogates cannot be sent).
    st.text(max_size=300),
    st.text(min_size=1_000, max_size=4_000),
    # Operators, quotes and indexed words mixed, so that some searches find something.
    st.lists(tokens, max_size=16).map(" ".join),
    st.lists(tokens, max_size=16).map("".join),
    # An indexed word wrapped in operators ('"pothole*', "-(montreal"): these find things.
    st.lists(
        st.tuples(
            st.sampled_from(["", *SPECIAL]), st.sampled_from(WORDS), st.sampled_from(["", *SPECIAL])
        ).map("".join),
        min_size=1,
        max_size=3,
    ).map(" ".join),
)
callers = st.sampled_from(["anonymous", "member", "verified_member"])
FAST = {
    "deadline": None,
    "database": None,  # nothing written into the checkout; a failure prints its example
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
}


def publish(author, title, summary, **fields):
    practice = write_published(author, title=title, summary=summary, **fields)
    services.index_item(practice.pk)
    return practice.item


@pytest.fixture
def indexed(make_member, member, verified_member):
    """A handful of items, some of which nobody (or not everybody) may find."""
    author = make_member()
    publish(author, "Fixing potholes with a reporting app", "Residents report potholes.")
    publish(author, "Le budget participatif de Montréal", "Les habitants votent.", language="fr")
    publish(author, "Clinic waits for members", "Pothole of waits.", visibility=Visibility.MEMBERS)
    publish(author, "Verified pothole contracts", "Clinic.", visibility=Visibility.VERIFIED)
    removed = publish(author, "Removed pothole story", "Potholes and clinics.")
    Item.objects.filter(pk=removed.pk).update(status=ItemStatus.REMOVED)
    services.index_item(removed.pk)
    draft = write_draft(author, title="Draft pothole plan", summary="Potholes at the clinic.")
    services.index_item(draft.pk)
    return {"anonymous": AnonymousUser(), "member": member, "verified_member": verified_member}


@pytest.fixture
def tokens(indexed):
    """The Authorization header of each caller (none for anonymous), made once per test."""
    return {who: bearer(user) if user.is_authenticated else {} for who, user in indexed.items()}


def readable_ids(user) -> set[int]:
    """What the caller may find: published items at a level they may read (asked directly of
    the Items, not of the index)."""
    return set(
        Item.objects.filter(
            status=ItemStatus.PUBLISHED, visibility__in=readable_levels(user)
        ).values_list("pk", flat=True)
    )


facet_values = st.one_of(
    st.sampled_from(["practice", "en", "fr", "local", "FR", "yes", "no", "3", "case_study"]),
    st.text(max_size=30),
)
filters = st.dictionaries(
    st.sampled_from(FACET_NAMES), st.lists(facet_values, max_size=3), max_size=3
)


@settings(max_examples=150, **FAST)
@given(
    text=queries,
    chosen=st.one_of(st.just({}), filters),
    sort=st.one_of(st.sampled_from(SORTS), st.text(max_size=10)),
    page=st.one_of(st.integers(), st.text(max_size=6), st.none()),
    prefix_last=st.booleans(),
    who=callers,
)
@example(text="\x00", chosen={}, sort="relevance", page=1, prefix_last=False, who="anonymous")
@example(text='"', chosen={}, sort="relevance", page=1, prefix_last=True, who="member")
@example(text="NEAR(", chosen={}, sort="newest", page=1, prefix_last=True, who="anonymous")
@example(text="pothole " * 500, chosen={}, sort="adopted", page=10**30, prefix_last=True,
         who="verified_member")  # fmt: skip
def test_the_selector_never_fails_and_never_shows_what_the_caller_may_not_read(
    indexed, text, chosen, sort, page, prefix_last, who
):
    user = indexed[who]
    results = search(
        user,
        text,
        SearchFilters.from_params(chosen),
        sort=sort,
        page=page,
        prefix_last=prefix_last,
    )

    event("found something" if results.hits else "found nothing")
    assert results.total >= 0
    assert 1 <= results.page_number <= results.num_pages
    assert len(results.hits) <= results.total
    assert {hit.item.pk for hit in results.hits} <= readable_ids(user)
    assert all(hit.item.status == ItemStatus.PUBLISHED for hit in results.hits)


@settings(max_examples=60, **FAST)
@given(
    text=queries,
    # Mostly valid parameters, so that most examples reach the search; some never are.
    sort=st.sampled_from([*SORTS, *SORTS, "best"]),
    page=st.one_of(
        st.integers(min_value=1, max_value=3),
        st.integers(min_value=1, max_value=1_000_000),
        st.sampled_from([0, -1, 1_000_001, "x", "1.5"]),
    ),
    facet=st.one_of(st.none(), st.none(), st.tuples(st.sampled_from(FACET_NAMES), facet_values)),
    who=callers,
)
@example(text="\x00", sort="relevance", page=1, facet=None, who="anonymous")
@example(text="' OR 1=1 --", sort="relevance", page=1, facet=None, who="member")
@example(text="pothole", sort="newest", page=1_000_000, facet=("level", "local"), who="member")
def test_the_api_never_answers_500_and_never_shows_what_the_caller_may_not_read(
    client, indexed, tokens, text, sort, page, facet, who
):
    user, headers = indexed[who], tokens[who]
    params = {"q": text, "sort": sort, "page": page}
    if facet is not None:
        params[facet[0]] = facet[1]

    response = client.get(SEARCH, params, **headers)

    assert response.status_code in (200, 422), response.content
    must_refuse = (
        "\x00" in text
        or sort not in SORTS
        or not isinstance(page, int)
        or not 1 <= page <= 1_000_000
        or (facet is not None and "\x00" in facet[1])
    )
    event(f"answered {response.status_code}")
    if must_refuse:
        assert response.status_code == 422
        assert response["Content-Type"] == "application/problem+json"
        return
    if response.status_code == 422:
        # Only a facet value the index cannot have may be refused.
        assert facet is not None
        [error] = response.json()["errors"]
        assert error["loc"][:2] == ["query", facet[0]]
        return
    body = response.json()
    event("found something" if body["results"] else "found nothing")
    assert body["total"] >= 0
    assert 1 <= body["page"] <= body["num_pages"]
    assert len(body["results"]) <= min(body["total"], body["page_size"])
    assert {hit["id"] for hit in body["results"]} <= readable_ids(user)
