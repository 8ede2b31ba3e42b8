"""Search as you type (this file runs on SQLite and on PostgreSQL): titles, topics and
organisations suggested under the header search box, never a title the reader may not read,
at most eight, in a fixed number of queries, whatever is typed."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from govcommons.core.models import Item, ItemStatus, Visibility
from govcommons.practices.tests.factories import write_draft, write_published
from govcommons.search import services

SUGGEST = "/search/suggest/"
SUGGESTION_RE = re.compile(
    r'<li><a href="(?P<url>[^"]+)"><span class="site-search__kind">(?P<kind>[^<]*)'
    r'<span class="visually-hidden">:</span></span> '
    r'<span class="site-search__label">(?P<label>.*?)</span></a></li>'
)
STATUS_RE = re.compile(r'<span id="site-search-status" hx-swap-oob="innerHTML">(.*?)</span>')


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def publish(author, title, **fields):
    practice = write_published(author, title=title, summary="", challenge="", approach="", **fields)
    services.index_item(practice.pk)
    return practice


def suggested(response) -> list[tuple[str, str, str]]:
    """(kind, label, address) of each suggestion, in order."""
    return [
        (m["kind"], html.unescape(m["label"]), html.unescape(m["url"]))
        for m in SUGGESTION_RE.finditer(response.content.decode())
    ]


def labels(response) -> list[str]:
    return [label for _kind, label, _url in suggested(response)]


def status(response) -> str:
    return STATUS_RE.search(response.content.decode()).group(1)


@pytest.fixture
def roads(make_member, make_topic, make_organization):
    author = make_member()
    practice = publish(author, "Fixing potholes in 6 days with a citizen reporting app")
    clinic = publish(author, "Shorter waits at the outpatient clinic")
    topic = make_topic(name="Pothole repair", slug="pothole-repair")
    organization = make_organization(name="Pothole Taskforce", slug="pothole-taskforce")
    return {"practice": practice, "clinic": clinic, "topic": topic, "organization": organization}


def test_typing_suggests_titles_then_topics_then_organisations(client, roads, member):
    from govcommons.discussions import services as discussion_services

    question = discussion_services.ask_question(
        author=member, title="Who fixes potholes fastest, and how?"
    )
    response = client.get(SUGGEST, {"q": "poth"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    found = suggested(response)
    assert sorted(found[:2]) == sorted(
        [
            (
                "Contribution",
                "Fixing potholes in 6 days with a citizen reporting app",
                roads["practice"].item.get_absolute_url(),
            ),
            ("Question", "Who fixes potholes fastest, and how?", question.item.get_absolute_url()),
        ]
    )
    assert found[2:] == [
        ("Topic", "Pothole repair", roads["topic"].get_absolute_url()),
        ("Organisation", "Pothole Taskforce", roads["organization"].get_absolute_url()),
    ]
    assert '<a href="/search/?q=poth">All results for “poth”</a>' in html.unescape(body)
    assert status(response) == "4 suggestions: press the down arrow or Tab to reach them."


def test_accents_and_case_do_not_matter(client, make_member):
    publish(make_member(), "Le budget participatif de Montréal", language="fr")
    assert labels(client.get(SUGGEST, {"q": "MONTRÉ"})) == ["Le budget participatif de Montréal"]
    assert labels(client.get(SUGGEST, {"q": "montre"})) == ["Le budget participatif de Montréal"]


def test_earlier_words_must_be_in_the_title_too(client, roads, make_member):
    publish(make_member(), "A pothole map for cyclists")
    assert labels(client.get(SUGGEST, {"q": "potholes cit"})) == [
        "Fixing potholes in 6 days with a citizen reporting app"
    ]
    assert labels(client.get(SUGGEST, {"q": "pothole ma"})) == ["A pothole map for cyclists"]
    # A last word of one letter waits for the next: the earlier words suggest meanwhile.
    assert "A pothole map for cyclists" in labels(client.get(SUGGEST, {"q": "pothole m"}))


def test_no_more_than_eight_suggestions(client, make_member, make_topic, make_organization):
    author = make_member()
    for n in range(12):
        publish(author, f"Bicycle lanes, part {n}")
    assert len(suggested(client.get(SUGGEST, {"q": "bicy"}))) == 8
    for n in range(3):
        make_topic(name=f"Bicycle topic {n}")
        make_organization(name=f"Bicycle agency {n}")
    kinds = [kind for kind, _label, _url in suggested(client.get(SUGGEST, {"q": "bicy"}))]
    assert kinds == ["Contribution"] * 4 + ["Topic"] * 2 + ["Organisation"] * 2


@pytest.mark.parametrize("text", ["", "   ", "p", "*", '"', "-"])
def test_too_little_typed_suggests_nothing(client, roads, text):
    response = client.get(SUGGEST, {"q": text})
    assert response.status_code == 200
    assert suggested(response) == []


def test_nothing_typed_clears_the_list_and_its_announcement(client, roads):
    response = client.get(SUGGEST, {"q": ""})
    assert status(response) == ""
    assert "site-search__list" not in response.content.decode()
    nothing = client.get(SUGGEST, {"q": "zzzz"})
    assert status(nothing) == "No suggestion: press Enter to search."
    assert 'href="/search/?q=zzzz"' in nothing.content.decode()


@pytest.fixture
def hidden(make_member):
    """Pothole titles not everyone may read: a draft, a removed one, a members-only one and
    one for verified public servants."""
    author = make_member()
    draft = write_draft(author, title="Pothole draft nobody published", summary="")
    services.index_item(draft.pk)
    removed = publish(author, "Pothole programme later removed")
    Item.objects.filter(pk=removed.pk).update(status=ItemStatus.REMOVED)
    services.index_item(removed.pk)
    publish(author, "Pothole budget for members", visibility=Visibility.MEMBERS)
    publish(author, "Pothole contracts for officials", visibility=Visibility.VERIFIED)
    publish(author, "Pothole charter for everyone")


@pytest.mark.parametrize(
    ("reader", "expected"),
    [
        ("anonymous", {"Pothole charter for everyone"}),
        ("member", {"Pothole charter for everyone", "Pothole budget for members"}),
        (
            "verified",
            {
                "Pothole charter for everyone",
                "Pothole budget for members",
                "Pothole contracts for officials",
            },
        ),
    ],
)
def test_suggestions_hold_only_titles_the_reader_may_read(
    client, hidden, make_member, reader, expected
):
    if reader != "anonymous":
        client.force_login(make_member(verified=reader == "verified"))
    assert set(labels(client.get(SUGGEST, {"q": "poth"}))) == expected


def test_a_removed_title_leaves_the_suggestions_at_once(client, roads):
    item = roads["practice"].item
    assert "Fixing potholes in 6 days with a citizen reporting app" in labels(
        client.get(SUGGEST, {"q": "poth"})
    )
    Item.objects.filter(pk=item.pk).update(status=ItemStatus.REMOVED)
    services.index_item(item.pk)
    assert labels(client.get(SUGGEST, {"q": "poth"})) == ["Pothole repair", "Pothole Taskforce"]


@pytest.mark.parametrize(
    "text",
    [
        "x" * 10_000,
        "pothole " * 500,
        '"poth',
        "poth*",
        "NEAR(poth",
        "title:poth",
        "&|!",
        "poth OR",
        "-poth",
        "%_",
        "'; DROP TABLE core_item; --",
        "\x00poth",
        "pot\\",
        "日本",
        "🚧🚧",
        "a_b_c",
    ],
)
def test_odd_typing_gives_a_fragment_never_an_error(client, roads, text):
    response = client.get(SUGGEST, {"q": text}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200


def test_suggestions_run_a_fixed_number_of_queries_for_3_or_30_items(
    client, make_member, make_topic, make_organization, django_assert_num_queries
):
    author = make_member()

    def add(count):
        for _ in range(count):
            publish(author, f"Pothole plan {make_topic().pk}")
            make_topic(name=f"Pothole topic {make_topic().pk}")
            make_organization(name=f"Pothole office {make_organization().pk}")

    add(3)
    with CaptureQueriesContext(connection) as few:
        client.get(SUGGEST, {"q": "poth"})
    add(27)
    # The titles starting as typed, those of them the viewer may read, the topics, the
    # organisations; on PostgreSQL first the newest document's id (the windows it reads in).
    expected = 5 if connection.vendor == "postgresql" else 4
    with django_assert_num_queries(expected):
        response = client.get(SUGGEST, {"q": "poth"})
    assert len(few) == expected
    assert len(suggested(response)) == 8
