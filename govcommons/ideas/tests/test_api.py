"""The ideas board API: who may call each operation, ideas as clients read them (state, history,
votes, what came of them), votes counted once and never for one's own idea, the state machine's
refusals, bad input and filters as problem details, rate limits, the OpenAPI document and the
cost of a list."""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from ninja import Schema

from govcommons.api.tests.helpers import assert_problem, bearer, call
from govcommons.core.models import Item, ItemKind, ItemStatus, Visibility
from govcommons.ideas import schemas, services
from govcommons.ideas.models import TEXT_MAX_LENGTH, Idea, IdeaEvent, IdeaVote
from govcommons.notifications.models import Notification
from govcommons.practices.tests.factories import write_draft, write_published

from .factories import propose

URL = "/api/v1/ideas"
TITLE = "Report potholes with a photo from the bus"
PROBLEM_TEXT = "Potholes are reported by phone and take weeks to fix."
PROPOSAL = "Bus drivers tap a button; the photo goes to the road team."

# "author" proposed the idea; "member" and "other_member" (a verified public servant) are
# members with no part in it.
ROLES = ["anonymous", "member", "author", "other_member", "moderator"]


@dataclass
class Cast:
    idea: Idea
    member: object
    author: object
    other_member: object
    moderator: object

    def __getitem__(self, role: str):
        return AnonymousUser() if role == "anonymous" else getattr(self, role)


@pytest.fixture
def cast(make_member, make_topic, moderator) -> Cast:
    author = make_member(handle="aino", display_name="Aino Virtanen")
    member = make_member(handle="ada", display_name="Ada Lovelace")
    other_member = make_member(handle="bob", display_name="Bob Builder", verified=True)
    idea = propose(author, topics=[make_topic(name="Roads", slug="roads")])
    return Cast(
        idea=idea, member=member, author=author, other_member=other_member, moderator=moderator
    )


def fingerprint() -> tuple:
    """Everything an ideas write may change; a refused call leaves it as it was."""
    return (
        list(Item.objects.order_by("pk").values_list("pk", "kind", "title", "summary", "status")),
        list(
            Idea.objects.order_by("pk").values_list(
                "pk",
                "problem",
                "proposal",
                "benefit",
                "who_might_try",
                "state",
                "state_reason",
                "vote_count",
                "hot_score",
                "implemented_by",
            )
        ),
        list(Idea.topics.through.objects.order_by("pk").values_list("idea_id", "topic_id")),
        list(IdeaVote.objects.order_by("pk").values_list("idea_id", "member_id")),
        list(IdeaEvent.objects.order_by("pk").values_list("pk", "to_state", "reason")),
        Notification.objects.count(),
    )


def as_role(client, cast: Cast, role: str) -> None:
    if role != "anonymous":
        client.force_login(cast[role])


def idea_url(cast: Cast, suffix: str = "") -> str:
    return f"{URL}/{cast.idea.item.slug}{suffix}"


# --- The permission matrix ---------------------------------------------------------------------


def _list(cast):
    return "GET", URL, None


def _detail(cast):
    return "GET", idea_url(cast), None


def _propose(cast):
    body = {
        "title": "Open the school yards on weekends",
        "problem": "Children have nowhere to play.",
        "proposal": "Open the yards from 9 to 18.",
    }
    return "POST", URL, body


def _edit(cast):
    return "PATCH", idea_url(cast), {"benefit": "Roads repaired in days, not weeks."}


def _vote(cast):
    return "PUT", idea_url(cast, "/vote"), None


def _withdraw(cast):
    for name in ("member", "other_member", "moderator"):
        services.vote_for_idea(idea_id=cast.idea.pk, member=cast[name])
    return "DELETE", idea_url(cast, "/vote"), None


def _move(cast):
    return "POST", idea_url(cast, "/state"), {"to": "under_consideration", "reason": "Promising"}


def _link(cast):
    practice = write_published(cast.other_member, title="Photo reports from buses")
    return "PUT", idea_url(cast, "/implemented-by"), {"practice_slug": practice.item.slug}


def statuses(ok: int, allowed: set[str], **special: int) -> dict[str, int]:
    """`allowed` roles get `ok`; other signed-in members 403; anonymous callers 401."""
    result = {
        role: 401 if role == "anonymous" else ok if role in allowed else 403 for role in ROLES
    }
    return {**result, **special}


SIGNED_IN = set(ROLES) - {"anonymous"}
AUTHOR_OR_MODERATOR = {"author", "moderator"}

MATRIX = {
    "list": (_list, dict.fromkeys(ROLES, 200)),
    "detail": (_detail, dict.fromkeys(ROLES, 200)),
    "propose": (_propose, statuses(201, SIGNED_IN)),
    "edit": (_edit, statuses(200, AUTHOR_OR_MODERATOR)),
    # Voting for one's own idea is a refused request (400), not a missing right.
    "vote": (_vote, statuses(200, SIGNED_IN, author=400)),
    "withdraw": (_withdraw, statuses(200, SIGNED_IN, author=400)),
    "move": (_move, statuses(200, {"moderator"})),
    "link": (_link, statuses(200, AUTHOR_OR_MODERATOR)),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", list(MATRIX))
def test_each_operation_answers_each_role_as_its_rule_says(client, cast, operation, role):
    setup, expected = MATRIX[operation]
    method, url, body = setup(cast)
    as_role(client, cast, role)
    before = fingerprint()

    response = call(client, method, url, body)

    status = expected[role]
    if status >= 400:
        assert_problem(response, status)
        assert fingerprint() == before
    else:
        assert response.status_code == status, response.content
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert (fingerprint() != before) == (method != "GET")


@pytest.mark.parametrize("status", [ItemStatus.DRAFT, ItemStatus.REMOVED])
@pytest.mark.parametrize("role", ["anonymous", "member", "other_member"])
@pytest.mark.parametrize("operation", [name for name in MATRIX if name != "propose"])
def test_an_unpublished_idea_is_invisible_to_everyone_but_its_author_and_moderators(
    client, cast, operation, role, status
):
    setup, _expected = MATRIX[operation]
    method, url, body = setup(cast)
    Item.objects.filter(pk=cast.idea.pk).update(status=status)
    as_role(client, cast, role)
    before = fingerprint()

    response = call(client, method, url, body)

    if operation == "list":
        assert response.status_code == 200
        assert response.json() == {"items": [], "count": 0}
        return
    if role == "anonymous" and method != "GET":
        assert_problem(response, 401)
    else:
        assert assert_problem(response, 404)["detail"] == "Nothing is here."
    assert TITLE not in response.content.decode()
    assert fingerprint() == before


def test_votes_on_a_removed_idea_are_refused_even_for_moderators(client, cast):
    services.vote_for_idea(idea_id=cast.idea.pk, member=cast.moderator)
    Item.objects.filter(pk=cast.idea.pk).update(status=ItemStatus.REMOVED)
    client.force_login(cast.moderator)
    assert client.get(idea_url(cast)).json()["vote_refusal"] == "This idea is not open for votes."
    before = fingerprint()
    for method in ("PUT", "DELETE"):
        problem = assert_problem(call(client, method, idea_url(cast, "/vote")), 400)
        assert problem["detail"] == "This idea is not open for votes."
    assert fingerprint() == before


def test_a_removed_idea_can_no_longer_be_edited_by_its_author_or_a_moderator(client, cast):
    Item.objects.filter(pk=cast.idea.pk).update(status=ItemStatus.REMOVED)
    before = fingerprint()
    for who in (cast.author, cast.moderator):
        client.force_login(who)
        problem = assert_problem(call(client, "PATCH", idea_url(cast), {"benefit": "More"}), 400)
        assert problem["detail"] == "This idea was removed: it can no longer be edited."
    assert fingerprint() == before


def test_an_idea_for_verified_servants_only_is_hidden_from_others(client, cast):
    Item.objects.filter(pk=cast.idea.pk).update(visibility=Visibility.VERIFIED)
    assert_problem(client.get(idea_url(cast)), 404)
    client.force_login(cast.member)
    assert_problem(client.get(idea_url(cast)), 404)
    assert_problem(call(client, "PUT", idea_url(cast, "/vote")), 404)
    assert client.get(URL).json()["count"] == 0
    client.force_login(cast.other_member)
    assert client.get(idea_url(cast)).json()["visibility"] == "verified"
    assert client.get(URL).json()["count"] == 1


def test_unknown_ideas_are_404_problems(client, cast):
    client.force_login(cast.moderator)
    assert_problem(client.get(f"{URL}/no-such-idea"), 404)
    for method, suffix, body in (
        ("PATCH", "", {"title": "A real sentence here"}),
        ("PUT", "/vote", None),
        ("DELETE", "/vote", None),
        ("POST", "/state", {"to": "declined", "reason": "No"}),
        ("PUT", "/implemented-by", {"practice_slug": None}),
    ):
        assert_problem(call(client, method, f"{URL}/no-such-idea{suffix}", body), 404)


def test_an_address_that_is_not_a_slug_is_a_4xx_problem_never_an_error(client, cast):
    client.force_login(cast.moderator)
    before = fingerprint()
    for method, url, body in (
        ("GET", f"{URL}/road%00works", None),
        ("GET", f"{URL}/caf%C3%A9", None),
        ("PUT", f"{URL}/road%00works/vote", None),
        ("POST", f"{URL}/road%00works/state", {"to": "declined", "reason": "No"}),
    ):
        if "%00" in url:
            # A NUL character is refused for the whole site before any view runs.
            assert_problem(call(client, method, url, body), 400)
            continue
        problem = assert_problem(call(client, method, url, body), 422)
        assert problem["errors"][0]["loc"] == ["path", "slug"]
    assert fingerprint() == before


def test_a_token_works_like_the_session_and_a_bad_token_is_refused(client, cast):
    response = call(client, "PUT", idea_url(cast, "/vote"), **bearer(cast.member))
    assert response.json()["vote_count"] == 1
    refused = client.get(URL, HTTP_AUTHORIZATION="Bearer gc_not-a-token")
    assert_problem(refused, 401)
    assert refused["WWW-Authenticate"] == "Bearer"


# --- Reading -----------------------------------------------------------------------------------


def test_an_idea_shows_its_state_history_votes_and_what_came_of_it(client, cast):
    practice = write_published(cast.other_member, title="Photo reports from buses")
    services.vote_for_idea(idea_id=cast.idea.pk, member=cast.member)
    services.move_idea(
        idea_id=cast.idea.pk, to="under_consideration", by=cast.moderator, reason="Promising"
    )
    services.move_idea(idea_id=cast.idea.pk, to="selected", by=cast.moderator, reason="Tampere")
    services.link_outcome(idea_id=cast.idea.pk, by=cast.author, practice_item_id=practice.pk)
    idea = Idea.objects.get(pk=cast.idea.pk)
    client.force_login(cast.member)

    data = client.get(idea_url(cast)).json()

    slug = cast.idea.item.slug
    assert {
        k: v
        for k, v in data.items()
        if k not in {"events", "published_at", "state_changed_at", "hot_score"}
    } == {
        "id": idea.pk,
        "revision": 0,
        "slug": slug,
        "title": TITLE,
        "summary": PROBLEM_TEXT,
        "author": {"handle": "aino", "display_name": "Aino Virtanen"},
        "topics": [{"slug": "roads", "name": "Roads"}],
        "language": "en",
        "visibility": "public",
        "state": "selected",
        "state_reason": "Tampere",
        "vote_count": 1,
        "comment_count": 0,
        "my_vote": True,
        "url": f"http://testserver/ideas/{slug}/",
        "problem": PROBLEM_TEXT,
        "problem_html": f"<p>{PROBLEM_TEXT}</p>\n",
        "proposal": PROPOSAL,
        "proposal_html": f"<p>{PROPOSAL}</p>\n",
        "benefit": "",
        "benefit_html": "",
        "who_might_try": "",
        "who_might_try_html": "",
        "implemented_by": {
            "slug": practice.item.slug,
            "title": "Photo reports from buses",
            "url": f"http://testserver/practices/{practice.item.slug}/",
        },
        "pilot": None,
        "allowed_moves": None,
        "vote_refusal": "Voting is closed: this idea is selected for a pilot.",
        "can_edit": False,
        "can_link_outcome": False,
    }
    assert data["hot_score"] == idea.hot_score
    assert [
        (e["from_state"], e["to_state"], e["reason"], e["actor"]["handle"]) for e in data["events"]
    ] == [
        ("", "open", "", "aino"),
        ("open", "under_consideration", "Promising", cast.moderator.handle),
        ("under_consideration", "selected", "Tampere", cast.moderator.handle),
    ]
    client.force_login(cast.moderator)
    moderated = client.get(idea_url(cast)).json()
    assert moderated["allowed_moves"] == ["piloted", "declined"]
    assert (moderated["my_vote"], moderated["can_edit"], moderated["can_link_outcome"]) == (
        False,
        True,
        True,
    )


def test_anonymous_readers_see_no_vote_of_their_own(client, cast):
    data = client.get(idea_url(cast)).json()
    assert (data["my_vote"], data["allowed_moves"], data["can_edit"]) == (None, None, False)
    assert data["vote_refusal"] == "Sign in to vote."
    assert [row["my_vote"] for row in client.get(URL).json()["items"]] == [None]


def test_a_contribution_the_reader_may_not_read_is_not_shown_as_the_outcome(client, cast):
    hidden = write_published(
        cast.other_member, title="Verified only", visibility=Visibility.VERIFIED
    )
    services.link_outcome(idea_id=cast.idea.pk, by=cast.moderator, practice_item_id=hidden.pk)
    assert client.get(idea_url(cast)).json()["implemented_by"] is None
    client.force_login(cast.other_member)
    assert client.get(idea_url(cast)).json()["implemented_by"]["slug"] == hidden.item.slug


def test_markdown_is_sanitised(client, cast):
    client.force_login(cast.member)
    response = call(
        client,
        "POST",
        URL,
        {
            "title": "Open the school yards on weekends",
            "problem": "<script>alert(1)</script> [x](javascript:alert(1))",
            "proposal": "# Open them\n\n**From 9 to 18.**",
        },
    )
    data = response.json()
    assert "<script>" not in data["problem_html"]
    assert 'href="javascript' not in data["problem_html"]
    assert "<strong>From 9 to 18.</strong>" in data["proposal_html"]
    assert "<h1" not in data["proposal_html"]


def test_the_board_sorts_and_filters_like_the_page(client, cast, make_member, make_topic):
    water = make_topic(name="Water", slug="water")
    popular = propose(make_member(), title="Meter water in every school", topics=[water])
    for _voter in range(3):
        services.vote_for_idea(idea_id=popular.pk, member=make_member())
    newest = propose(make_member(), title="Plant trees along the tram lines")
    services.move_idea(idea_id=newest.pk, to="declined", by=cast.moderator, reason="Exists")
    client.force_login(cast.member)
    services.vote_for_idea(idea_id=popular.pk, member=cast.member)

    def slugs(query=""):
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 200, response.content
        return [row["slug"] for row in response.json()["items"]]

    all_three = {cast.idea.item.slug, popular.item.slug, newest.item.slug}
    assert set(slugs()) == all_three
    assert slugs("sort=top")[0] == popular.item.slug
    assert slugs("sort=newest") == [newest.item.slug, popular.item.slug, cast.idea.item.slug]
    assert slugs("state=declined") == [newest.item.slug]
    assert slugs("state=adopted") == []
    assert slugs("topic=water") == [popular.item.slug]
    assert slugs("sort=newest&page=2&page_size=2") == [cast.idea.item.slug]
    rows = {row["slug"]: row for row in client.get(URL).json()["items"]}
    assert (rows[popular.item.slug]["vote_count"], rows[popular.item.slug]["my_vote"]) == (4, True)
    assert rows[newest.item.slug]["state_reason"] == "Exists"
    assert rows[cast.idea.item.slug]["my_vote"] is False
    assert "problem" not in rows[popular.item.slug]


@pytest.mark.parametrize(
    "query",
    [
        "sort=random",
        "sort=",
        "state=maybe",
        "topic=no-such-topic",
        "page=0",
        "topic=road%00works",
    ],
)
def test_the_board_refuses_unknown_filter_values_with_a_422_problem(client, cast, query):
    body = assert_problem(client.get(f"{URL}?{query}"), 422)
    assert body["title"] == "Invalid input"
    assert body["errors"][0]["loc"][0] == "query"


def test_a_board_page_costs_the_same_queries_for_3_or_30_ideas(
    client, cast, make_member, make_topic, django_assert_max_num_queries
):
    topics = [make_topic(name="Waste", slug="waste"), make_topic(name="Parks", slug="parks")]

    def propose_more(n):
        for i in range(n):
            idea = propose(make_member(), title=f"Idea number {i} about parks", topics=topics)
            services.vote_for_idea(idea_id=idea.pk, member=cast.member)

    propose_more(2)
    client.force_login(cast.member)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).json()["count"] == 3
    propose_more(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        data = client.get(URL).json()
    assert data["count"] == 30
    assert len(data["items"]) == 20
    assert sum(row["my_vote"] for row in data["items"]) == 20
    client.logout()
    with CaptureQueriesContext(connection) as anonymous:
        assert client.get(f"{URL}?sort=top").json()["count"] == 30
    assert len(anonymous.captured_queries) <= len(few.captured_queries)


def test_an_idea_page_costs_the_same_queries_for_1_or_10_events(
    client, cast, django_assert_max_num_queries
):
    client.force_login(cast.moderator)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(idea_url(cast)).json()["events"]) == 1
    for _round in range(3):
        for state in ("under_consideration", "declined", "open"):
            services.move_idea(idea_id=cast.idea.pk, to=state, by=cast.moderator, reason="Again")
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(client.get(idea_url(cast)).json()["events"]) == 10


# --- Proposing and editing ---------------------------------------------------------------------


def test_proposing_puts_the_idea_on_the_board_open_for_votes(client, cast, make_topic):
    make_topic(name="Schools", slug="schools")
    client.force_login(cast.member)
    response = call(
        client,
        "POST",
        URL,
        {
            "title": "Open the school yards on weekends",
            "problem": "Children have nowhere to play.",
            "proposal": "Open the yards from 9 to 18; ask @aino how.",
            "benefit": "Fewer children on the streets.",
            "who_might_try": "Any city with school yards.",
            "topics": ["schools"],
        },
    )
    assert response.status_code == 201
    data = response.json()
    assert (data["state"], data["vote_count"], data["my_vote"]) == ("open", 0, False)
    assert data["vote_refusal"] == "You proposed this idea, so you cannot vote for it."
    assert data["topics"] == [{"slug": "schools", "name": "Schools"}]
    assert [(e["from_state"], e["to_state"]) for e in data["events"]] == [("", "open")]
    assert Notification.objects.filter(recipient=cast.author, key__startswith="mention:i").count()
    item = Item.objects.get(slug=data["slug"])
    assert (item.kind, item.status, item.author) == (
        ItemKind.IDEA,
        ItemStatus.PUBLISHED,
        cast.member,
    )


def test_an_edit_changes_only_what_is_sent(client, cast):
    client.force_login(cast.author)
    data = call(client, "PATCH", idea_url(cast), {"who_might_try": "Tampere"}).json()
    assert (data["title"], data["problem"], data["proposal"], data["who_might_try"]) == (
        TITLE,
        PROBLEM_TEXT,
        PROPOSAL,
        "Tampere",
    )
    assert data["topics"] == [{"slug": "roads", "name": "Roads"}]
    data = call(client, "PATCH", idea_url(cast), {"topics": []}).json()
    assert (data["topics"], data["who_might_try"]) == ([], "Tampere")


VALID = {"title": TITLE, "problem": PROBLEM_TEXT, "proposal": PROPOSAL}
BAD_IDEAS = {
    "short_title": ({**VALID, "title": "Potholes"}, 400, "title"),
    "empty_problem": ({**VALID, "problem": ""}, 400, "problem"),
    "blank_proposal": ({**VALID, "proposal": "  \n "}, 400, "proposal"),
    "long_benefit": ({**VALID, "benefit": "x" * (TEXT_MAX_LENGTH + 1)}, 400, "benefit"),
    "100_kb_problem": ({**VALID, "problem": "word " * 20_480}, 400, "problem"),
    "unknown_mention": ({**VALID, "who_might_try": "Ask @nobody-here"}, 400, "who_might_try"),
    "unknown_topic": ({**VALID, "topics": ["no-such-topic"]}, 422, "topics"),
    "nul": ({**VALID, "proposal": "Tap\x00a button"}, 422, None),
    "missing_proposal": ({"title": TITLE, "problem": PROBLEM_TEXT}, 422, "proposal"),
    "not_text": ({**VALID, "problem": 42}, 422, "problem"),
}


@pytest.mark.parametrize("case", list(BAD_IDEAS))
def test_a_bad_idea_is_a_problem_naming_the_field_and_nothing_is_saved(client, cast, case):
    body, status, field = BAD_IDEAS[case]
    client.force_login(cast.member)
    before = fingerprint()

    problem = assert_problem(call(client, "POST", URL, body), status)

    if status == 400:
        assert problem["field"] == field
    elif field:
        assert [e["loc"][-1] for e in problem["errors"]] == [field]
    assert fingerprint() == before


@pytest.mark.parametrize(
    "case", ["short_title", "empty_problem", "100_kb_problem", "unknown_mention", "nul"]
)
def test_a_bad_edit_is_a_problem_and_keeps_the_idea(client, cast, case):
    body, status, _field = BAD_IDEAS[case]
    client.force_login(cast.author)
    before = fingerprint()
    assert_problem(call(client, "PATCH", idea_url(cast), body), status)
    assert fingerprint() == before


# --- Votes -------------------------------------------------------------------------------------


def test_a_vote_counts_once_and_can_be_withdrawn(client, cast):
    client.force_login(cast.member)
    url = idea_url(cast, "/vote")

    first = call(client, "PUT", url)
    again = call(client, "PUT", url)

    assert (first.json()["vote_count"], first.json()["my_vote"]) == (1, True)
    assert again.json() == first.json()
    assert IdeaVote.objects.count() == 1
    assert client.get(idea_url(cast)).json()["my_vote"] is True
    withdrawn = call(client, "DELETE", url)
    withdrawn_again = call(client, "DELETE", url)
    assert (withdrawn.json()["vote_count"], withdrawn.json()["my_vote"]) == (0, False)
    assert withdrawn_again.json() == withdrawn.json()
    assert IdeaVote.objects.count() == 0


def test_voting_for_ones_own_idea_is_refused_with_a_reason(client, cast):
    client.force_login(cast.author)
    before = fingerprint()
    problem = assert_problem(call(client, "PUT", idea_url(cast, "/vote")), 400)
    assert problem["detail"] == "You proposed this idea, so you cannot vote for it."
    assert fingerprint() == before


def test_voting_closes_once_the_idea_is_decided(client, cast):
    services.move_idea(idea_id=cast.idea.pk, to="declined", by=cast.moderator, reason="Exists")
    client.force_login(cast.member)
    before = fingerprint()
    problem = assert_problem(call(client, "PUT", idea_url(cast, "/vote")), 400)
    assert problem["detail"] == "Voting is closed: this idea is declined."
    assert fingerprint() == before


# --- The state machine -------------------------------------------------------------------------


def test_a_moderator_moves_an_idea_and_its_author_is_told(client, cast):
    client.force_login(cast.moderator)
    response = call(
        client, "POST", idea_url(cast, "/state"), {"to": "declined", "reason": "It exists"}
    )
    data = response.json()
    assert (data["state"], data["state_reason"], data["allowed_moves"]) == (
        "declined",
        "It exists",
        ["open"],
    )
    assert data["events"][-1]["reason"] == "It exists"
    assert Notification.objects.filter(recipient=cast.author, category="ideas").count() == 1
    reopened = call(client, "POST", idea_url(cast, "/state"), {"to": "open"})
    assert (reopened.json()["state"], reopened.json()["state_reason"]) == ("open", "")


def test_an_impossible_move_is_refused_naming_the_problem(client, cast):
    client.force_login(cast.moderator)
    before = fingerprint()
    problem = assert_problem(call(client, "POST", idea_url(cast, "/state"), {"to": "adopted"}), 400)
    assert (problem["field"], problem["detail"]) == (
        "to",
        "An idea that is open cannot become adopted.",
    )
    assert fingerprint() == before


def test_a_decline_needs_a_reason(client, cast):
    client.force_login(cast.moderator)
    before = fingerprint()
    for reason in ("", "   "):
        problem = assert_problem(
            call(client, "POST", idea_url(cast, "/state"), {"to": "declined", "reason": reason}),
            400,
        )
        assert (problem["field"], problem["detail"]) == (
            "reason",
            "Say why it is declined: the people who proposed and voted will read it.",
        )
    assert fingerprint() == before


@pytest.mark.parametrize(
    "body",
    [{"to": "finished"}, {}, {"to": "declined", "reason": "No\x00"}, {"to": None}],
)
def test_a_move_to_no_known_state_is_a_422_problem(client, cast, body):
    client.force_login(cast.moderator)
    before = fingerprint()
    assert_problem(call(client, "POST", idea_url(cast, "/state"), body), 422)
    assert fingerprint() == before


def test_an_over_long_reason_is_refused(client, cast):
    client.force_login(cast.moderator)
    before = fingerprint()
    body = {"to": "declined", "reason": "x" * 2001}
    problem = assert_problem(call(client, "POST", idea_url(cast, "/state"), body), 400)
    assert problem["field"] == "reason"
    assert fingerprint() == before


# --- What came of it ---------------------------------------------------------------------------


def test_the_author_links_and_unlinks_the_implementing_contribution(client, cast):
    practice = write_published(cast.other_member, title="Photo reports from buses")
    client.force_login(cast.author)
    url = idea_url(cast, "/implemented-by")
    linked = call(client, "PUT", url, {"practice_slug": practice.item.slug})
    assert linked.json()["implemented_by"]["slug"] == practice.item.slug
    unlinked = call(client, "PUT", url, {"practice_slug": None})
    assert unlinked.json()["implemented_by"] is None
    assert Idea.objects.get(pk=cast.idea.pk).implemented_by is None


def test_only_a_readable_published_contribution_can_be_linked(client, cast, make_member):
    draft = write_draft(make_member(), title="Not ready")
    hidden = write_published(make_member(), title="Verified only", visibility=Visibility.VERIFIED)
    question_like = propose(make_member(), title="Another idea, not a contribution")
    client.force_login(cast.author)
    before = fingerprint()
    for slug in (draft.item.slug, hidden.item.slug, question_like.item.slug, "no-such-thing"):
        problem = assert_problem(
            call(client, "PUT", idea_url(cast, "/implemented-by"), {"practice_slug": slug}), 400
        )
        assert problem["field"] == "practice_slug"
        assert problem["detail"] == (
            f"No published contribution you can read has the slug “{slug}”."
        )
    assert_problem(call(client, "PUT", idea_url(cast, "/implemented-by"), {}), 422)
    assert fingerprint() == before


# --- Rate limits -------------------------------------------------------------------------------


@pytest.mark.parametrize(("action", "operation"), [("idea", _propose), ("vote", _vote)])
def test_writes_are_rate_limited_with_a_429_problem(client, cast, settings, action, operation):
    settings.POSTING_RATE_LIMITS = {**settings.POSTING_RATE_LIMITS, action: "1/h"}
    client.force_login(cast.member)
    method, url, body = operation(cast)
    assert call(client, method, url, body).status_code in {200, 201}
    before = fingerprint()
    if operation is _vote:
        method = "DELETE"  # withdrawing counts as a vote too
    problem = assert_problem(call(client, method, url, body), 429)
    assert problem["detail"] == "Slow down and try again shortly."
    assert fingerprint() == before


# --- OpenAPI -----------------------------------------------------------------------------------

OPERATIONS = {
    "/api/v1/ideas": {"get", "post"},
    "/api/v1/ideas/{slug}": {"get", "patch"},
    "/api/v1/ideas/{slug}/vote": {"put", "delete"},
    "/api/v1/ideas/{slug}/state": {"post"},
    "/api/v1/ideas/{slug}/implemented-by": {"put"},
}


def test_openapi_documents_every_idea_operation_with_problems(client, db):
    schema = client.get("/api/openapi.json").json()
    paths = {p: ops for p, ops in schema["paths"].items() if p.startswith("/api/v1/ideas")}
    assert {p: set(ops) for p, ops in paths.items()} == OPERATIONS
    problem = {"$ref": "#/components/schemas/Problem"}
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert operation["summary"], path
            assert "Permission" in operation["description"], path
            responses = operation["responses"]
            assert responses["401"]["content"]["application/json"]["schema"] == problem, path
            if method != "get":
                for status in ("400", "403", "404", "409", "422", "429"):
                    content = responses[status]["content"]["application/json"]
                    assert content["schema"] == problem, (path, status)
                assert operation["security"], path
            else:
                assert operation.get("security") is None, path
    detail = schema["components"]["schemas"]["IdeaDetailOut"]["properties"]
    assert {"events", "implemented_by", "pilot", "allowed_moves", "my_vote"} <= set(detail)


def test_openapi_shapes_are_ours_not_a_namesake_from_another_app(client, db):
    """Components are named by class name: a namesake elsewhere would replace our shape."""
    components = client.get("/api/openapi.json").json()["components"]["schemas"]
    for shape in vars(schemas).values():
        if isinstance(shape, type) and issubclass(shape, Schema) and shape.__name__ in components:
            assert set(components[shape.__name__]["properties"]) == set(shape.model_fields), shape
