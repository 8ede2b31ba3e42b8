"""GET /api/v1/search: the page's search as JSON (same selector, same visibility), strict about
its parameters (422 problems naming them), never a 500 whatever the words. Runs on SQLite and
on PostgreSQL."""

from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from govcommons.api.tests.helpers import assert_problem, bearer
from govcommons.core.models import Item, ItemStatus, Visibility
from govcommons.practices.models import ContributionKind
from govcommons.practices.tests.factories import write_draft, write_published
from govcommons.search import selectors, services

SEARCH = "/api/v1/search"
FACETS = [
    "kind", "type", "topic", "sector", "level", "country", "organization", "language",
    "evidence", "peer_reviewed",
]  # fmt: skip


def publish(author, title, summary="", *, days_ago=0, **fields):
    """A published contribution whose only words are its title and summary, in the index."""
    fields = {"challenge": "", "approach": "", **fields}
    practice = write_published(author, title=title, summary=summary, **fields)
    Item.objects.filter(pk=practice.pk).update(
        published_at=timezone.now() - timedelta(days=days_ago)
    )
    services.index_item(practice.pk)
    return Item.objects.get(pk=practice.pk)


def found(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [hit["title"] for hit in response.json()["results"]]


@pytest.fixture
def library(make_member, make_organization, make_topic, sector):
    lyon = make_organization(name="Ville de Lyon", slug="lyon", country="FR")
    roads = make_topic(name="Roads", slug="roads")
    potholes = make_topic(name="Potholes", slug="potholes", parent=roads)
    health = make_topic(name="Health", slug="health")
    author = make_member(organization=lyon)
    return {
        "lyon": lyon,
        "roads": roads,
        "sector": sector,
        "pothole": publish(
            author,
            "Fixing potholes in 6 days with a citizen reporting app",
            "Residents report potholes from their phones; crews fix them within a week.",
            days_ago=2,
            organization=lyon,
            topics=[potholes],
            sectors=[sector],
            levels=["local"],
            countries=["FR"],
        ),
        "clinic": publish(
            author,
            "Shorter waits at the outpatient clinic",
            "Triage by phone cut waiting times for patients.",
            days_ago=1,
            contribution_kind=ContributionKind.BEST_PRACTICE,
            topics=[health],
            levels=["regional"],
            countries=["FI"],
        ),
        "members": publish(
            author,
            "Pothole budgets shared with members",
            "Members compare what pothole crews cost.",
            visibility=Visibility.MEMBERS,
        ),
        "verified": publish(
            author,
            "Pothole contracts for verified public servants",
            "Verified staff compare pothole repair contracts.",
            visibility=Visibility.VERIFIED,
        ),
    }


@pytest.fixture
def hidden(library, make_member):
    """A draft and a removed contribution that both mention potholes."""
    author = make_member()
    draft = write_draft(author, title="Draft pothole plan", summary="Potholes, unpublished.")
    services.index_item(draft.pk)
    removed = publish(author, "Removed pothole story", "Potholes, removed by a moderator.")
    Item.objects.filter(pk=removed.pk).update(status=ItemStatus.REMOVED)
    services.index_item(removed.pk)
    return {"draft": draft.item, "removed": removed}


# --- What it answers -------------------------------------------------------------------------


def test_a_search_answers_ranked_results_with_snippets_links_and_labelled_facets(client, library):
    pothole = library["pothole"]
    response = client.get(SEARCH, {"q": "pothole reporting"})

    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("query", "sort", "total", "page", "num_pages", "page_size")} == {
        "query": "pothole reporting",
        "sort": "relevance",
        "total": 1,
        "page": 1,
        "num_pages": 1,
        "page_size": 20,
    }
    [hit] = body["results"]
    assert set(hit) == {
        "id", "kind", "title", "url", "snippet_html", "organization", "published_at", "rank",
    }  # fmt: skip
    assert (hit["id"], hit["kind"], hit["title"]) == (pothole.pk, "practice", pothole.title)
    assert hit["url"] == f"http://testserver/practices/{pothole.slug}/"
    assert "<mark>" in hit["snippet_html"]
    assert hit["organization"] == {
        "name": "Ville de Lyon",
        "url": "http://testserver/organizations/lyon/",
    }
    # JSON carries milliseconds.
    published = pothole.published_at
    assert datetime.fromisoformat(hit["published_at"]) == published.replace(
        microsecond=published.microsecond // 1000 * 1000
    )
    assert hit["rank"] > 0

    facets = body["facets"]
    assert list(facets) == FACETS
    assert facets["kind"] == [
        {"value": "practice", "label": "Contribution", "count": 1, "selected": False}
    ]
    assert facets["type"] == [
        {"value": "case_study", "label": "Case study", "count": 1, "selected": False}
    ]
    assert {v["value"]: v["label"] for v in facets["topic"]} == {
        "potholes": "Potholes",
        "roads": "Roads",
    }
    assert facets["sector"] == [
        {"value": library["sector"].slug, "label": library["sector"].name, "count": 1,
         "selected": False}
    ]  # fmt: skip
    assert facets["level"][0] | {"count": 0} == {
        "value": "local", "label": "Local", "count": 0, "selected": False,
    }  # fmt: skip
    assert facets["country"][0]["label"] == "France"
    assert facets["organization"] == [
        {"value": str(library["lyon"].pk), "label": "Ville de Lyon", "count": 1,
         "selected": False}
    ]  # fmt: skip
    assert facets["language"][0]["label"] == "English"
    assert facets["peer_reviewed"] == [
        {"value": "no", "label": "Not peer reviewed", "count": 1, "selected": False}
    ]
    assert facets["evidence"] == []


@pytest.mark.parametrize(
    ("params", "sort"),
    [
        ({"q": "phone"}, "relevance"),
        ({"q": "phone", "sort": "newest"}, "newest"),
        ({"q": "pothole OR clinic", "sort": "adopted"}, "adopted"),
        ({"level": ["local", "regional"]}, "newest"),
        ({"q": "phone", "country": ["FI"]}, "relevance"),
    ],
)
def test_the_api_finds_exactly_what_the_page_selector_finds(client, library, params, sort):
    expected = selectors.search(
        AnonymousUser(),
        params.get("q", ""),
        selectors.SearchFilters.from_params({k: v for k, v in params.items() if k in FACETS}),
        sort=params.get("sort", "relevance"),
    )
    response = client.get(SEARCH, params)

    body = response.json()
    assert [hit["id"] for hit in body["results"]] == [hit.item.pk for hit in expected.hits]
    assert (body["total"], body["sort"]) == (expected.total, sort)
    assert {
        name: [(v["value"], v["count"]) for v in values] for name, values in body["facets"].items()
    } == {name: [(v.value, v.count) for v in values] for name, values in expected.facets.items()}


def test_filters_combine_values_of_one_facet_with_or_and_facets_with_and(client, library):
    both = client.get(SEARCH, {"q": "phone", "country": ["fr", "FI"]})
    assert sorted(found(both)) == sorted([library["clinic"].title, library["pothole"].title])
    selected = {v["value"] for v in both.json()["facets"]["country"] if v["selected"]}
    assert selected == {"FR", "FI"}

    narrowed = client.get(SEARCH, {"q": "phone", "country": ["FR", "FI"], "level": "regional"})
    assert found(narrowed) == [library["clinic"].title]


def test_a_parent_topic_finds_what_is_filed_under_its_sub_topics(client, library):
    response = client.get(SEARCH, {"topic": "roads"})
    assert found(response) == [library["pothole"].title]
    assert response.json()["sort"] == "newest"


def test_filters_without_words_list_the_newest_first(client, library):
    response = client.get(SEARCH, {"kind": "practice"})
    assert found(response) == [library["clinic"].title, library["pothole"].title]


def test_most_adopted_first(client, library):
    Item.objects.filter(pk=library["clinic"].pk).update(adoption_count=3)
    services.index_item(library["clinic"].pk)
    response = client.get(SEARCH, {"q": "phone", "sort": "adopted"})
    assert found(response) == [library["clinic"].title, library["pothole"].title]


def test_empty_words_without_filters_find_nothing(client, library):
    body = client.get(SEARCH).json()
    assert (body["total"], body["results"], body["page"], body["num_pages"]) == (0, [], 1, 1)
    assert body["facets"] == {name: [] for name in FACETS}


# --- Who sees what ---------------------------------------------------------------------------

PUBLIC = ["pothole"]
MEMBERS = ["pothole", "members"]
VERIFIED = ["pothole", "members", "verified"]


@pytest.mark.parametrize(
    ("who", "how", "expected"),
    [
        ("anonymous", None, PUBLIC),
        ("member", "session", MEMBERS),
        ("member", "token", MEMBERS),
        ("verified_member", "session", VERIFIED),
        ("verified_member", "token", VERIFIED),
        # Moderators read every published item, as on every other page; drafts are not in it.
        ("moderator", "session", VERIFIED),
    ],
)
def test_each_caller_finds_the_published_items_they_may_read_and_never_drafts_or_removed(
    client, library, hidden, request, who, how, expected
):
    headers = {}
    if how == "session":
        client.force_login(request.getfixturevalue(who))
    elif how == "token":
        headers = bearer(request.getfixturevalue(who))

    response = client.get(SEARCH, {"q": "pothole"}, **headers)

    assert sorted(found(response)) == sorted(library[name].title for name in expected)
    assert response.json()["total"] == len(expected)


def test_an_invalid_token_is_refused_not_read_as_anonymous(client, library):
    response = client.get(SEARCH, {"q": "pothole"}, HTTP_AUTHORIZATION="Bearer not-a-token")
    assert_problem(response, 401)
    assert response["WWW-Authenticate"] == "Bearer"


def test_facet_counts_only_count_what_the_caller_may_read(client, library, member):
    anonymous = client.get(SEARCH, {"q": "pothole"}).json()["facets"]["kind"]
    client.force_login(member)
    signed_in = client.get(SEARCH, {"q": "pothole"}).json()["facets"]["kind"]
    assert (anonymous[0]["count"], signed_in[0]["count"]) == (1, 2)


# --- Pages -----------------------------------------------------------------------------------


def test_pages_of_results(client, library):
    first = client.get(SEARCH, {"q": "phone", "sort": "newest", "page_size": 1}).json()
    second = client.get(SEARCH, {"q": "phone", "sort": "newest", "page_size": 1, "page": 2})
    assert (first["total"], first["num_pages"], first["page_size"]) == (2, 2, 1)
    assert [h["title"] for h in first["results"]] == [library["clinic"].title]
    assert found(second) == [library["pothole"].title]
    assert second.json()["page"] == 2


@pytest.mark.parametrize("page", [3, 999, 1_000_000])
def test_a_page_past_the_end_answers_the_last_page(client, library, page):
    response = client.get(SEARCH, {"q": "phone", "sort": "newest", "page_size": 1, "page": page})
    assert found(response) == [library["pothole"].title]
    assert (response.json()["page"], response.json()["num_pages"]) == (2, 2)


# --- Strict parameters -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"sort": "best"}, "sort"),
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "1000001"}, "page"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "51"}, "page_size"),
        ({"page_size": "many"}, "page_size"),
        ({"kind": "article"}, "kind"),
        ({"kind": ["practice", "article"]}, "kind"),
        ({"type": "essay"}, "type"),
        ({"topic": "no-such-topic"}, "topic"),
        ({"topic": ["roads", "no-such-topic"]}, "topic"),
        ({"sector": "no-such-sector"}, "sector"),
        ({"level": "galactic"}, "level"),
        ({"country": "XX"}, "country"),
        ({"country": "France"}, "country"),
        ({"organization": "lyon"}, "organization"),
        ({"organization": "999999"}, "organization"),
        ({"organization": "0"}, "organization"),
        ({"organization": "9" * 40}, "organization"),
        ({"language": "klingon"}, "language"),
        ({"evidence": "6"}, "evidence"),
        ({"evidence": "high"}, "evidence"),
        ({"peer_reviewed": "true"}, "peer_reviewed"),
        ({"kind": ["practice"] * 21}, "kind"),
        ({"q": "pot\x00hole"}, "q"),
        ({"topic": "roads\x00"}, "topic"),
        ({"country": "F\x00R"}, "country"),
    ],
)
def test_an_unknown_parameter_value_is_a_422_problem_naming_the_parameter(
    client, library, params, parameter
):
    response = client.get(SEARCH, {"q": "pothole", **params})
    body = assert_problem(response, 422)
    assert [error["loc"][:2] for error in body["errors"]] == [["query", parameter]]


def test_every_unknown_row_is_named_at_once(client, library):
    response = client.get(
        SEARCH, {"topic": ["roads", "nope"], "sector": "gone", "organization": "999999"}
    )
    body = assert_problem(response, 422)
    assert [(e["loc"], e["msg"]) for e in body["errors"]] == [
        (["query", "topic"], "No topic has the slug nope."),
        (["query", "sector"], "No sector has the slug gone."),
        (["query", "organization"], "No organisation has the id 999999."),
    ]


def test_known_values_in_any_case_or_with_empty_choices_are_accepted(client, library):
    params = {
        "q": "phone",
        "country": ["fr", ""],
        "organization": str(library["lyon"].pk),
        "topic": "",
        "kind": "practice",
    }
    response = client.get(SEARCH, params)
    assert found(response) == [library["pothole"].title]
    selected = {
        name: [v["value"] for v in values if v["selected"]]
        for name, values in response.json()["facets"].items()
    }
    assert selected == {
        **{name: [] for name in FACETS},
        "kind": ["practice"],
        "country": ["FR"],
        "organization": [str(library["lyon"].pk)],
    }


# --- Bad input never breaks it ---------------------------------------------------------------

POTHOLE = "Fixing potholes in 6 days with a citizen reporting app"


@pytest.mark.parametrize(
    ("params", "status", "titles"),
    [
        ({"q": ""}, 200, []),
        ({"q": "   "}, 200, []),
        ({"q": "x" * 10_000}, 200, []),
        ({"q": "pothole " * 1_250}, 200, [POTHOLE]),
        ({"q": '"citizen reporting'}, 200, [POTHOLE]),
        ({"q": 'pothole "'}, 200, [POTHOLE]),
        ({"q": '"'}, 200, []),
        ({"q": '""'}, 200, []),
        ({"q": "*"}, 200, []),
        ({"q": "pothole*"}, 200, [POTHOLE]),
        ({"q": "NEAR("}, 200, []),
        ({"q": "NEAR(pothole app)"}, 200, []),
        ({"q": ":"}, 200, []),
        ({"q": "title:pothole"}, 200, []),
        ({"q": "&|!"}, 200, []),
        ({"q": "&|! pothole"}, 200, [POTHOLE]),
        ({"q": "' OR 1=1 --"}, 200, []),
        ({"q": "pothole' OR 1=1 --"}, 200, [POTHOLE]),
        ({"q": "'; DROP TABLE search_searchdocument; --"}, 200, []),
        ({"q": "-"}, 200, []),
        ({"q": "-pothole"}, 200, []),
        ({"q": "pothole -"}, 200, [POTHOLE]),
        ({"q": "OR"}, 200, []),
        ({"q": "OR pothole OR"}, 200, [POTHOLE]),
        ({"q": "AND NOT ( ) { } ^ ~ + \\"}, 200, []),
        ({"q": "pothole", "topic": "<script>"}, 422, []),
        ({"q": "pothole", "level": "'; --"}, 422, []),
        ({"q": "pothole", "page": "999"}, 200, [POTHOLE]),
        ({"q": "pothole", "page": "two"}, 422, []),
        ({"q": "pothole", "page": "1.5"}, 422, []),
    ],
)
def test_bad_input_gives_a_sensible_answer_never_a_500(client, library, params, status, titles):
    response = client.get(SEARCH, params)

    assert response.status_code == status, response.content
    if status == 422:
        assert_problem(response, 422)
        return
    body = response.json()
    assert [hit["title"] for hit in body["results"]] == titles
    assert body["total"] == len(titles)
    assert body["query"] == params["q"]


# --- Documentation and cost ------------------------------------------------------------------


def test_the_openapi_document_lists_the_operation_and_its_parameters(client, db):
    document = client.get("/api/openapi.json").json()
    operation = document["paths"]["/api/v1/search"]["get"]

    assert operation["tags"] == ["search"]
    assert operation.get("security") is None
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert list(parameters) == ["q", "sort", "page", "page_size", *FACETS]
    assert all(p["in"] == "query" and not p["required"] for p in parameters.values())
    assert parameters["sort"]["schema"]["enum"] == ["relevance", "newest", "adopted"]
    assert (parameters["page"]["schema"]["minimum"], parameters["page"]["schema"]["maximum"]) == (
        1,
        1_000_000,
    )
    assert parameters["page_size"]["schema"]["maximum"] == 50
    assert parameters["kind"]["schema"]["type"] == "array"
    assert parameters["kind"]["schema"]["items"]["enum"] == ["practice", "question", "idea"]
    assert parameters["peer_reviewed"]["schema"]["items"]["enum"] == ["yes", "no"]
    assert {"200", "401", "422"} <= set(operation["responses"])


def _search_counting_queries(client, params: dict) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(SEARCH, params)
    assert response.status_code == 200
    return len(queries), response.json()["total"]


def test_the_number_of_queries_does_not_grow_with_the_results(
    client, make_member, make_organization, make_topic, sector, django_assert_max_num_queries
):
    lyon = make_organization(name="Ville de Lyon", slug="lyon")
    roads = make_topic(name="Roads", slug="roads")
    author = make_member(organization=lyon)
    params = {"q": "pothole", "topic": "roads", "sector": sector.slug, "organization": lyon.pk}

    def add(count: int) -> None:
        for n in range(count):
            # Each under a topic of its own too: the topic facet has a value per item to label.
            publish(
                author,
                f"Pothole repair method {n}",
                "Crews fix potholes fast.",
                organization=lyon,
                topics=[roads, make_topic()],
                sectors=[sector],
                levels=["local"],
                countries=["FR"],
            )

    add(3)
    few, total_few = _search_counting_queries(client, params)
    add(27)
    many, total_many = _search_counting_queries(client, params)

    assert (total_few, total_many) == (3, 30)
    assert few == many
    # Checking the topic, sector and organisation named (3); the search: count, page,
    # documents, items, facets, and headlines on PostgreSQL (6); naming the facets' topics,
    # sectors and organisations (3).
    with django_assert_max_num_queries(12):
        client.get(SEARCH, params)
