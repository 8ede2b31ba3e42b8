"""The search page as visitors and members use it (this file runs on SQLite and on PostgreSQL):
a search narrowed by facets down to the result one opens, facet counts and labels, sorts and
pages, help when nothing is found, who sees what, odd input, bounded queries, and the search
box in every page's header."""

import html
import re
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import dateformat, timezone

from govcommons.core.models import Item, ItemStatus, Visibility
from govcommons.practices.models import Practice
from govcommons.practices.tests.factories import write_draft, write_published
from govcommons.search import services

SEARCH = "/search/"
HIT_RE = re.compile(r'<h3 class="search-hit__title"><a href="([^"]+)">(.*?)</a></h3>', re.S)
FACET_RE = re.compile(
    r'<input type="checkbox" id="[^"]+" name="(?P<name>[^"]+)" value="(?P<value>[^"]*)" '
    r'form="search-form"(?P<checked> checked)?>\s*<label for="[^"]+">(?P<label>.*?) '
    r'<span class="facet__count" aria-hidden="true">(?P<count>\d+)<',
    re.S,
)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def publish(author, title, summary="", evidence_level=None, **fields):
    """A published contribution whose words are its title and summary, in the index (with the
    evidence level a review would have given it)."""
    fields = {"challenge": "", "approach": "", **fields}
    practice = write_published(author, title=title, summary=summary, **fields)
    if evidence_level:
        Practice.objects.filter(pk=practice.pk).update(evidence_level=evidence_level)
    services.index_item(practice.pk)
    return practice


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def hits(response) -> list[str]:
    return [text_of(title) for _url, title in HIT_RE.findall(response.content.decode())]


def hit_links(response) -> dict[str, str]:
    return {text_of(title): html.unescape(url) for url, title in HIT_RE.findall(page(response))}


def facets(response) -> dict[str, dict[str, tuple[int, bool]]]:
    """facet name -> label -> (count shown, ticked), as the checkbox lists show them."""
    found: dict[str, dict[str, tuple[int, bool]]] = {}
    for match in FACET_RE.finditer(page(response)):
        found.setdefault(match["name"], {})[text_of(match["label"])] = (
            int(match["count"]),
            bool(match["checked"]),
        )
    return found


def page(response) -> str:
    return response.content.decode()


@pytest.fixture
def places(make_organization):
    return {
        "lyon": make_organization(name="Ville de Lyon", slug="lyon", country="FR"),
        "region": make_organization(
            name="Région Auvergne", slug="auvergne", country="FR", level="regional"
        ),
        "helsinki": make_organization(name="City of Helsinki", slug="helsinki", country="FI"),
    }


@pytest.fixture
def library(make_member, make_topic, places):
    """Three contributions about pothole reporting apps (local French, regional French, local
    Finnish) and one about something else."""
    author = make_member(verified=True)
    roads = make_topic(name="Roads and streets", slug="roads")
    return {
        "lyon": publish(
            author,
            "Fixing potholes in 6 days with a citizen reporting app",
            "Residents report potholes from their phones; crews fix them within a week.",
            organization=places["lyon"],
            levels=["local"],
            countries=["FR"],
            topics=[roads],
            evidence_level=3,
        ),
        "region": publish(
            author,
            "A regional pothole reporting app for county roads",
            "Drivers report damaged roads in an app shared by forty villages.",
            organization=places["region"],
            levels=["regional"],
            countries=["FR"],
            topics=[roads],
        ),
        "helsinki": publish(
            author,
            "Street fault reporting app in Helsinki",
            "Residents report potholes and broken lights with a photo.",
            organization=places["helsinki"],
            levels=["local"],
            countries=["FI"],
        ),
        "clinic": publish(
            author,
            "Shorter waits at the outpatient clinic",
            "Triage by phone cut waiting times for patients.",
            levels=["local"],
            countries=["FR"],
        ),
    }


def test_a_visitor_searches_narrows_by_level_and_country_and_opens_a_result(client, library):
    response = client.get(SEARCH, {"q": "pothole reporting app"})
    assert response.status_code == 200
    assert sorted(hits(response)) == [
        "A regional pothole reporting app for county roads",
        "Fixing potholes in 6 days with a citizen reporting app",
        "Street fault reporting app in Helsinki",
    ]
    assert facets(response)["level"] == {"Local": (2, False), "Regional": (1, False)}
    assert facets(response)["country"] == {"France": (2, False), "Finland": (1, False)}

    response = client.get(SEARCH, {"q": "pothole reporting app", "level": "local"})
    assert sorted(hits(response)) == [
        "Fixing potholes in 6 days with a citizen reporting app",
        "Street fault reporting app in Helsinki",
    ]
    assert facets(response)["level"] == {"Local": (2, True)}
    assert facets(response)["country"] == {"France": (1, False), "Finland": (1, False)}

    response = client.get(SEARCH, {"q": "pothole reporting app", "level": "local", "country": "FR"})
    assert hits(response) == ["Fixing potholes in 6 days with a citizen reporting app"]
    assert facets(response)["country"] == {"France": (1, True)}
    link = hit_links(response)["Fixing potholes in 6 days with a citizen reporting app"]
    assert link == library["lyon"].item.get_absolute_url()

    opened = client.get(link)
    assert opened.status_code == 200
    assert "Fixing potholes in 6 days with a citizen reporting app" in page(opened)


def test_results_show_the_kind_organisation_date_and_a_highlighted_snippet(client, library):
    response = client.get(SEARCH, {"q": "triage"})
    body = page(response)
    assert hits(response) == ["Shorter waits at the outpatient clinic"]
    assert '<span class="badge badge--kind badge--kind-practice">Contribution</span>' in body
    assert "<mark>Triage</mark> by phone cut waiting times for patients" in body
    published = timezone.localtime(library["clinic"].item.published_at)
    assert f'">{dateformat.format(published, "j M Y")}</time></p>' in body
    response = client.get(SEARCH, {"q": "pothole reporting app", "country": "FI"})
    assert "City of Helsinki · Published" in page(response)


def test_facets_count_every_kind_and_label_their_values(client, library, member):
    from govcommons.discussions import services as discussion_services
    from govcommons.ideas import services as idea_services

    discussion_services.ask_question(
        author=member, title="Which pothole reporting app did you choose, and why?"
    )
    idea_services.propose_idea(
        author=member,
        title="Let residents vote on which potholes to fix first",
        problem="Crews fix potholes in the order reports arrive.",
        proposal="Residents vote in the reporting app.",
    )
    response = client.get(SEARCH, {"q": "pothole"})
    shown = facets(response)
    assert shown["kind"] == {"Contribution": (3, False), "Question": (1, False), "Idea": (1, False)}
    assert shown["type"] == {"Case study": (3, False)}
    assert shown["topic"] == {"Roads and streets": (2, False)}
    assert shown["organization"] == {
        "Ville de Lyon": (1, False),
        "Région Auvergne": (1, False),
        "City of Helsinki": (1, False),
    }
    assert shown["language"] == {"English": (5, False)}
    assert shown["evidence"] == {"3 · Compared with a baseline or control": (1, False)}
    assert shown["peer_reviewed"] == {"Not peer reviewed": (3, False)}

    response = client.get(SEARCH, {"q": "pothole", "kind": ["question", "idea"]})
    assert sorted(hits(response)) == [
        "Let residents vote on which potholes to fix first",
        "Which pothole reporting app did you choose, and why?",
    ]
    assert facets(response)["kind"] == {"Question": (1, True), "Idea": (1, True)}


def test_each_facet_has_a_clear_link_and_all_filters_clear_at_once(client, library, places):
    response = client.get(
        SEARCH,
        {"q": "pothole", "level": "local", "organization": str(places["lyon"].pk), "page": "1"},
    )
    body = html.unescape(page(response))
    organization = places["lyon"].pk
    assert f'href="?q=pothole&organization={organization}">Clear<' in body  # level cleared
    assert 'href="?q=pothole&level=local">Clear<' in body  # organisation cleared
    assert body.count('href="?q=pothole">Clear all filters</a>') == 2
    assert "Level of government: <strong>Local</strong>" in body
    assert "Organisation: <strong>Ville de Lyon</strong>" in body


def test_sorts_by_newest_and_by_most_adopted(client, library):
    Item.objects.filter(pk=library["helsinki"].pk).update(adoption_count=7)
    Item.objects.filter(pk=library["region"].pk).update(adoption_count=2)
    for practice in library.values():
        services.index_item(practice.pk)

    adopted = client.get(SEARCH, {"q": "reporting app", "sort": "adopted"})
    assert hits(adopted) == [
        "Street fault reporting app in Helsinki",
        "A regional pothole reporting app for county roads",
        "Fixing potholes in 6 days with a citizen reporting app",
    ]
    newest = client.get(SEARCH, {"q": "reporting app", "sort": "newest"})
    assert hits(newest) == [
        "Street fault reporting app in Helsinki",
        "A regional pothole reporting app for county roads",
        "Fixing potholes in 6 days with a citizen reporting app",
    ]
    assert '<option value="newest" selected>' in page(newest)


def test_pages_go_on_and_past_the_end_show_the_last_page(client, member):
    for n in range(23):
        publish(member, f"Bicycle lane number {n}")
    first = client.get(SEARCH, {"q": "bicycle"})
    assert len(hits(first)) == 20
    assert "Page 1 of 2" in page(first)
    assert 'href="?q=bicycle&amp;page=2"' in page(first)
    second = client.get(SEARCH, {"q": "bicycle", "page": "2"})
    assert len(hits(second)) == 3
    assert '<ol class="search-hits" start="21">' in page(second)
    beyond = client.get(SEARCH, {"q": "bicycle", "page": "99"})
    assert hits(beyond) == hits(second)
    assert "Page 2 of 2" in page(beyond)
    assert hits(client.get(SEARCH, {"q": "bicycle", "page": "two"})) == hits(first)


def test_htmx_gets_the_results_area_and_an_announced_count(client, library):
    response = client.get(SEARCH, {"q": "pothole reporting app"}, HTTP_HX_REQUEST="true")
    body = page(response)
    assert "<html" not in body
    assert '<span id="search-status" hx-swap-oob="innerHTML">3 results found</span>' in body
    assert len(hits(response)) == 3
    full = page(client.get(SEARCH, {"q": "pothole reporting app"}))
    assert '<p id="search-status" class="visually-hidden" role="status"></p>' in full
    assert 'hx-get="/search/"' in full
    assert 'hx-target="#search-area"' in full


def test_without_javascript_the_page_is_one_get_form(client, library):
    body = page(client.get(SEARCH, {"q": "pothole", "level": "local"}))
    assert re.search(
        r'<form id="search-form" class="search-form" method="get" action="/search/"', body
    )
    assert '<input id="search-q" type="search" name="q" value="pothole"' in body
    assert 'id="facet-level-local" name="level" value="local" form="search-form" checked>' in body
    assert '<button type="submit" form="search-form">Apply filters</button>' in body
    assert '<select id="search-sort" name="sort" form="search-form">' in body


# --- Nothing found, or nothing asked ----------------------------------------------------------


def test_a_misspelt_search_suggests_the_words_of_the_index(client, library):
    response = client.get(SEARCH, {"q": "potholez reportng", "level": "local"})
    assert hits(response) == []
    body = html.unescape(page(response))
    assert "Did you mean:" in body
    # "pothole" is closer to "potholez" than "potholes" is; both are title words.
    assert '<a href="?q=pothole+reporting&level=local">pothole reporting</a>' in body
    assert "(2 results)" in body
    assert "Without the filters these words find nothing either." in body


def test_zero_results_with_filters_counts_the_words_alone(client, library):
    response = client.get(SEARCH, {"q": "pothole", "country": "DE", "sort": "newest"})
    assert hits(response) == []
    body = html.unescape(page(response))
    assert '<a href="?q=pothole&sort=newest">3 results without the filters</a>' in body
    # The chosen country nothing matches is still shown, ticked, so that it can be unticked.
    assert facets(response) == {"country": {"Germany": (0, True)}}


def test_zero_results_offer_to_ask_the_community(client, library):
    response = client.get(SEARCH, {"q": "snow clearing"})
    body = page(response)
    assert "Nothing published matches “snow clearing”." in body
    assert f'href="{reverse("discussions:ask")}?title=snow%20clearing">Ask the community<' in body
    assert "Did you mean" not in body
    assert "without the filters" not in body


def test_an_empty_search_explains_the_query_language(client, library):
    response = client.get(SEARCH)
    body = page(response)
    assert response.status_code == 200
    assert "How to search" in body
    for example in ("pothole app", '"participatory budget"', "clinic -dental", "potholes OR roads"):
        assert f"<code>{html.escape(example, quote=False)}</code>" in body
    assert hits(response) == []
    assert "has no words we can search for" not in body

    nothing = page(client.get(SEARCH, {"q": "* :"}))
    assert "“* :” has no words we can search for" in nothing
    assert "How to search" in nothing


def test_filters_without_words_list_the_newest(client, library):
    response = client.get(SEARCH, {"country": "FI"})
    assert hits(response) == ["Street fault reporting app in Helsinki"]
    assert "1 result<" in page(response)


# --- Who sees what ----------------------------------------------------------------------------


@pytest.fixture
def hidden(make_member, library):
    """Pothole contributions not everyone may read: a draft, a removed one, a members-only one
    and one for verified public servants."""
    author = make_member()
    draft = write_draft(author, title="Pothole draft nobody published", summary="")
    services.index_item(draft.pk)
    removed = publish(author, "Pothole programme later removed")
    Item.objects.filter(pk=removed.pk).update(status=ItemStatus.REMOVED)
    services.index_item(removed.pk)
    members = publish(author, "Pothole budget for members", visibility=Visibility.MEMBERS)
    verified = publish(author, "Pothole contracts for officials", visibility=Visibility.VERIFIED)
    return {"draft": draft, "removed": removed, "members": members, "verified": verified}


@pytest.mark.parametrize(
    ("reader", "expected"),
    [
        ("anonymous", set()),
        ("member", {"Pothole budget for members"}),
        ("verified", {"Pothole budget for members", "Pothole contracts for officials"}),
    ],
)
def test_results_hold_only_what_the_reader_may_read(client, hidden, make_member, reader, expected):
    if reader != "anonymous":
        client.force_login(make_member(verified=reader == "verified"))
    response = client.get(SEARCH, {"q": "pothole"})
    found = set(hits(response))
    assert (
        found
        - {
            "Fixing potholes in 6 days with a citizen reporting app",
            "A regional pothole reporting app for county roads",
            "Street fault reporting app in Helsinki",
        }
        == expected
    )
    assert "Pothole draft nobody published" not in page(response)
    assert "Pothole programme later removed" not in page(response)
    kinds = facets(response)["kind"]
    assert kinds == {"Contribution": (3 + len(expected), False)}


def test_spelling_never_suggests_a_word_only_hidden_items_use(client, make_member, library):
    author = make_member()
    publish(author, "Zebra crossings near schools", visibility=Visibility.MEMBERS)
    draft = write_draft(author, title="Quagmire of paperwork", summary="")
    services.index_item(draft.pk)
    removed = publish(author, "Xylophone lessons for staff")
    Item.objects.filter(pk=removed.pk).update(status=ItemStatus.REMOVED)
    services.index_item(removed.pk)

    for text in ("zebre crossings", "quagmira", "xylophono"):
        assert "Did you mean" not in page(client.get(SEARCH, {"q": text}))

    client.force_login(make_member())
    body = html.unescape(page(client.get(SEARCH, {"q": "zebre crossings"})))
    assert '<a href="?q=zebra+crossings">zebra crossings</a>' in body


def test_a_members_only_result_says_so_to_members(client, hidden, member):
    client.force_login(member)
    body = page(client.get(SEARCH, {"q": "budget"}))
    assert '<span class="badge badge--visibility">Members only</span>' in body


# --- Odd input, query counts, the header box ------------------------------------------------


ODD_TEXTS = [
    "",
    " ",
    "x" * 10_000,
    "pothole " * 2_000,
    '"',
    '"unbalanced phrase',
    '""',
    "*",
    "pothole*",
    "NEAR(",
    "NEAR(pothole app, 2)",
    ":",
    "title:pothole",
    "{title body}: app",
    "&|!",
    "-",
    "--",
    "-pothole",
    "OR",
    "pothole OR",
    "OR OR OR",
    "AND NOT",
    "^pothole",
    "(((",
    "')); DROP TABLE search_searchdocument; --",
    "1 = 1; SELECT * FROM core_item",
    "%_\\",
    "\x00pothole",
    "Montréal 日本語 🚧",
]


@pytest.mark.parametrize("text", ODD_TEXTS)
def test_odd_words_give_a_page_never_an_error(client, library, text):
    response = client.get(SEARCH, {"q": text})
    assert response.status_code == 200
    htmx = client.get(SEARCH, {"q": text, "level": "local"}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"q": "pothole", "sort": "bogus"},
        {"q": "pothole", "sort": ""},
        {"q": "pothole", "page": "-3"},
        {"q": "pothole", "page": "0"},
        {"q": "pothole", "page": "abc"},
        {"q": "pothole", "page": "1e9"},
        {"q": "pothole", "page": "99999999999999999999999"},
        {"q": "pothole", "topic": "<script>alert(1)</script>"},
        {"q": "pothole", "organization": "99999999999999999999"},
        {"q": "pothole", "organization": "abc"},
        {"q": "pothole", "organization": "-1"},
        {"q": "pothole", "level": "galactic"},
        {"q": "pothole", "country": "ZZ"},
        {"q": "pothole", "evidence": "9"},
        {"q": "pothole", "peer_reviewed": "maybe"},
        {"q": "pothole", "kind": ["practice"] * 50},
        {"q": "pothole", "sector": "x" * 5_000},
        {"q": "pothole", "unknown": "1"},
        {"level": "local", "country": "FR", "page": "7"},
        {"q": "potholez", "topic": "\x00"},
    ],
)
def test_odd_filters_sorts_and_pages_give_a_page_never_an_error(client, library, params):
    response = client.get(SEARCH, params)
    assert response.status_code == 200


def test_an_odd_filter_value_is_shown_as_typed_and_escaped(client, library):
    body = page(client.get(SEARCH, {"q": "pothole", "topic": "<script>alert(1)</script>"}))
    assert "<script>alert(1)</script>" not in body
    assert "Topic: <strong>&lt;script&gt;alert(1)&lt;/script&gt;</strong>" in body


def _library_of(size: int, make_member, make_organization, make_topic) -> None:
    """`size` pothole contributions, each with its own organisation, topic and country."""
    author = make_member()
    countries = ["FR", "DE", "FI", "ES", "IT", "NL"]
    for n in range(size):
        publish(
            author,
            f"Pothole repairs, approach {n}",
            "Residents report potholes in an app.",
            organization=make_organization(),
            topics=[make_topic()],
            levels=["local" if n % 2 else "regional"],
            countries=[countries[n % len(countries)]],
            evidence_level=1 + n % 5,
        )


def _queries_of(client, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(SEARCH, params).status_code == 200
    return len(captured)


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_page_runs_the_same_queries_for_3_or_30_items(
    client, make_member, make_organization, make_topic, signed_in, django_assert_max_num_queries
):
    if signed_in:
        client.force_login(make_member())
    params = {"q": "pothole", "level": "local"}
    _library_of(3, make_member, make_organization, make_topic)
    few = _queries_of(client, params)
    _library_of(27, make_member, make_organization, make_topic)
    many = _queries_of(client, params)
    assert few == many
    # The search (count, page, documents, items, snippets, facets) and one query per labelled
    # model (topics, organisations); signed in, the session, the member and the bell.
    with django_assert_max_num_queries(12 if signed_in else 8):
        client.get(SEARCH, params)


def test_zero_results_add_at_most_three_queries(
    client, make_member, make_organization, make_topic, django_assert_max_num_queries
):
    _library_of(30, make_member, make_organization, make_topic)
    found = _queries_of(client, {"q": "pothole", "country": "FR"})
    # The spelling candidates, the corrected query's count, the count without the filters.
    with django_assert_max_num_queries(found + 3):
        response = client.get(SEARCH, {"q": "pothule", "country": "FR"})
    assert "Did you mean:" in page(response)
    assert "Without the filters these words find nothing either." in page(response)


@pytest.mark.parametrize("where", ["home", "practice"])
def test_every_page_has_the_search_box_in_its_header(client, library, where):
    url = "/" if where == "home" else library["lyon"].item.get_absolute_url()
    body = page(client.get(url))
    header = body.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    assert (
        '<form class="site-search" method="get" action="/search/" role="search" '
        'aria-label="Site">' in header
    )
    assert '<label class="visually-hidden" for="site-search-q">Search GovCommons</label>' in header
    assert 'id="site-search-q" class="site-search__input" type="search" name="q"' in header
    assert '<button class="site-search__button" type="submit">Search</button>' in header
    assert f'hx-get="{reverse("search:suggest")}"' in header


def test_the_header_box_leads_to_the_results(client, library):
    response = client.get(SEARCH + "?q=" + quote("pothole reporting app"))
    assert len(hits(response)) == 3
