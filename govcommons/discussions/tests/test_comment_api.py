"""The comments API: who may call each operation, threads as clients read them, edits that race,
"useful" counted once, bad input as problem details, rate limits, the OpenAPI document and the
cost of a page of comments."""

import json
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from govcommons.api.tests.helpers import assert_problem, bearer, call
from govcommons.core.models import Item, ItemStatus, Visibility
from govcommons.discussions import services
from govcommons.discussions.models import (
    BODY_MAX_LENGTH,
    Comment,
    CommentEdit,
    CommentReaction,
)
from govcommons.notifications.models import Notification
from govcommons.practices.tests.factories import write_draft, write_published

from .factories import comment_on

V1 = "/api/v1"
QUESTION = "How long did procurement take?"

# "member" wrote the comment each operation acts on; "other_member" is a bystander.
ROLES = ["anonymous", "member", "item_author", "other_member", "moderator"]


@dataclass
class Cast:
    item: Item
    comment: Comment
    member: object
    item_author: object
    other_member: object
    moderator: object

    def __getitem__(self, role: str):
        return AnonymousUser() if role == "anonymous" else getattr(self, role)


@pytest.fixture
def cast(make_member, moderator) -> Cast:
    item_author = make_member(handle="claire", display_name="Claire Martin")
    member = make_member(handle="ada", display_name="Ada Lovelace")
    other_member = make_member(handle="bob", display_name="Bob Builder")
    item = write_published(item_author, title="Fixing potholes in 6 days").item
    comment = comment_on(item, member, QUESTION)
    return Cast(
        item=item,
        comment=comment,
        member=member,
        item_author=item_author,
        other_member=other_member,
        moderator=moderator,
    )


def fingerprint() -> tuple:
    """Everything a discussion write may change; a refused call leaves it as it was."""
    return (
        list(
            Comment.objects.order_by("pk").values_list(
                "pk", "body", "version", "removed_at", "useful_count", "reply_count", "is_answer"
            )
        ),
        list(CommentEdit.objects.order_by("pk").values_list("pk", "body")),
        list(CommentReaction.objects.order_by("pk").values_list("comment_id", "member_id")),
        list(
            Item.objects.order_by("pk").values_list(
                "pk", "comment_count", "discussion_locked", "slow_mode_minutes"
            )
        ),
        Notification.objects.count(),
    )


def as_role(client, cast: Cast, role: str) -> None:
    if role != "anonymous":
        client.force_login(cast[role])


def comment_url(comment, suffix: str = "") -> str:
    return f"{V1}/comments/{comment.pk}{suffix}"


# --- The permission matrix ---------------------------------------------------------------------


def _list(cast):
    return "GET", f"{V1}/items/{cast.item.pk}/comments", None


def _post(cast):
    return "POST", f"{V1}/items/{cast.item.pk}/comments", {"body": "Four months, with a DPS."}


def _reply(cast):
    body = {"body": "Four months.", "parent_id": cast.comment.pk}
    return "POST", f"{V1}/items/{cast.item.pk}/comments", body


def _edit(cast):
    return "PATCH", comment_url(cast.comment), {"body": "How long did it take?", "version": 1}


def _remove(cast):
    return "DELETE", comment_url(cast.comment), None


def _useful(cast):
    return "PUT", comment_url(cast.comment, "/useful"), None


def _not_useful(cast):
    for name in ("item_author", "other_member", "moderator"):
        services.set_useful(comment_id=cast.comment.pk, member=cast[name], useful=True)
    return "DELETE", comment_url(cast.comment, "/useful"), None


def _answer(cast):
    return "PUT", comment_url(cast.comment, "/answer"), None


def _not_answer(cast):
    services.mark_answer(comment_id=cast.comment.pk, by=cast.item_author)
    return "DELETE", comment_url(cast.comment, "/answer"), None


def _options(cast):
    body = {"locked": True, "slow_mode_minutes": 5}
    return "PUT", f"{V1}/items/{cast.item.pk}/discussion", body


def _history(cast):
    services.edit_comment(
        comment_id=cast.comment.pk, editor=cast.member, body="How long, really?", version=1
    )
    return "GET", comment_url(cast.comment, "/history"), None


def statuses(ok: int, allowed: set[str]) -> dict[str, int]:
    """`allowed` roles get `ok`; other signed-in members 403; anonymous callers 401."""
    return {role: 401 if role == "anonymous" else ok if role in allowed else 403 for role in ROLES}


SIGNED_IN = set(ROLES) - {"anonymous"}
RUNS_DISCUSSION = {"item_author", "moderator"}
NOT_OWN = {"item_author", "other_member", "moderator"}

MATRIX = {
    "list": (_list, dict.fromkeys(ROLES, 200)),
    "post": (_post, statuses(201, SIGNED_IN)),
    "reply": (_reply, statuses(201, SIGNED_IN)),
    "edit": (_edit, statuses(200, {"member"})),
    "remove": (_remove, statuses(204, {"member", "moderator"})),
    # Marking one's own comment useful is a refused request (400), not a missing right.
    "useful": (_useful, {**statuses(200, NOT_OWN), "member": 400}),
    "not_useful": (_not_useful, {**statuses(200, NOT_OWN), "member": 400}),
    "answer": (_answer, statuses(200, RUNS_DISCUSSION)),
    "not_answer": (_not_answer, statuses(200, RUNS_DISCUSSION)),
    "options": (_options, statuses(200, RUNS_DISCUSSION)),
    "history": (_history, statuses(200, {"moderator"})),
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
        if status != 204:
            assert response["Content-Type"] == "application/json; charset=utf-8"
        assert (fingerprint() != before) == (method != "GET")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", list(MATRIX))
def test_a_discussion_under_an_unpublished_item_is_a_404_for_outsiders(
    client, cast, operation, role
):
    setup, _expected = MATRIX[operation]
    method, url, body = setup(cast)
    Item.objects.filter(pk=cast.item.pk).update(status=ItemStatus.DRAFT)
    as_role(client, cast, role)
    before = fingerprint()

    response = call(client, method, url, body)

    if role in RUNS_DISCUSSION:
        return  # the item's authors and moderators still read it: the matrix above covers them
    if role == "anonymous" and operation != "list":
        assert_problem(response, 401)
    else:
        assert assert_problem(response, 404)["detail"] == "Nothing is here."
    assert QUESTION not in response.content.decode()
    assert "potholes" not in response.content.decode()
    assert fingerprint() == before


def test_a_draft_s_discussion_is_found_only_by_its_authors_and_is_closed(client, cast):
    draft = write_draft(cast.item_author, title="Not ready yet").item
    url = f"{V1}/items/{draft.pk}/comments"

    assert_problem(client.get(url), 404)
    client.force_login(cast.other_member)
    assert_problem(client.get(url), 404)
    assert_problem(call(client, "POST", url, {"body": "Hello"}), 404)
    client.force_login(cast.item_author)
    assert client.get(url).json() == {"items": [], "count": 0}
    refused = assert_problem(call(client, "POST", url, {"body": "Hello"}), 400)
    assert refused["detail"] == "This discussion is closed: the item is not published."
    assert not Comment.objects.filter(item=draft).exists()


def test_an_item_for_members_only_is_hidden_from_anonymous_readers(client, cast):
    Item.objects.filter(pk=cast.item.pk).update(visibility=Visibility.MEMBERS)
    url = f"{V1}/items/{cast.item.pk}/comments"
    assert_problem(client.get(url), 404)
    client.force_login(cast.other_member)
    assert client.get(url).json()["count"] == 1


def test_unknown_items_and_comments_are_404_problems(client, cast):
    client.force_login(cast.moderator)
    assert_problem(client.get(f"{V1}/items/999999/comments"), 404)
    assert_problem(client.get(f"{V1}/comments/999999/history"), 404)
    for method, suffix, body in (
        ("PATCH", "", {"body": "x", "version": 1}),
        ("DELETE", "", None),
        ("PUT", "/useful", None),
        ("PUT", "/answer", None),
    ):
        assert_problem(call(client, method, f"{V1}/comments/999999{suffix}", body), 404)
    assert_problem(
        call(
            client, "PUT", f"{V1}/items/999999/discussion", {"locked": True, "slow_mode_minutes": 0}
        ),
        404,
    )


def test_a_token_works_like_the_session_and_a_bad_token_is_refused(client, cast):
    response = call(
        client,
        "POST",
        f"{V1}/items/{cast.item.pk}/comments",
        {"body": "Via the API."},
        **bearer(cast.other_member),
    )
    assert response.status_code == 201
    assert response.json()["author"] == {"handle": "bob", "display_name": "Bob Builder"}
    refused = client.get(
        f"{V1}/items/{cast.item.pk}/comments", HTTP_AUTHORIZATION="Bearer gc_not-a-token"
    )
    assert_problem(refused, 401)
    assert refused["WWW-Authenticate"] == "Bearer"


# --- Reading a discussion ----------------------------------------------------------------------


def test_the_discussion_lists_threads_oldest_first_with_replies_and_removed_placeholders(
    client, cast
):
    first = cast.comment
    reply = comment_on(cast.item, cast.item_author, "Four months, with a **DPS**.", parent=first)
    services.set_useful(comment_id=reply.pk, member=cast.other_member, useful=True)
    gone = comment_on(cast.item, cast.other_member, "Spam, sorry.")
    answered = comment_on(cast.item, cast.other_member, "Who ran the pilot?")
    comment_on(cast.item, cast.member, "The roads team.", parent=answered)
    services.remove_comment(comment_id=gone.pk, by=cast.other_member)  # no replies: left out
    services.remove_comment(comment_id=answered.pk, by=cast.moderator)  # replies: placeholder
    services.mark_answer(comment_id=reply.pk, by=cast.item_author)
    client.force_login(cast.other_member)

    data = client.get(f"{V1}/items/{cast.item.pk}/comments").json()

    assert data["count"] == 2
    thread, removed = data["items"]
    assert {k: v for k, v in thread.items() if k not in {"created_at", "replies"}} == {
        "id": first.pk,
        "parent_id": None,
        "removed": False,
        "author": {"handle": "ada", "display_name": "Ada Lovelace"},
        "body": QUESTION,
        "body_html": f"<p>{QUESTION}</p>\n",
        "edited_at": None,
        "version": 1,
        "useful_count": 0,
        "is_answer": False,
        "found_useful": False,
        "url": f"http://testserver/comments/{first.pk}/",
    }
    [shown_reply] = thread["replies"]
    assert (shown_reply["id"], shown_reply["parent_id"]) == (reply.pk, first.pk)
    assert shown_reply["body_html"] == "<p>Four months, with a <strong>DPS</strong>.</p>\n"
    assert (shown_reply["useful_count"], shown_reply["found_useful"]) == (1, True)
    assert shown_reply["is_answer"] is True
    assert "replies" not in shown_reply
    assert set(removed) == {"id", "parent_id", "removed", "url", "replies"}
    assert (removed["id"], removed["removed"]) == (answered.pk, True)
    assert [r["body"] for r in removed["replies"]] == ["The roads team."]
    assert "Who ran the pilot?" not in json.dumps(data)


def test_anyone_reads_a_public_discussion_without_signing_in(client, cast):
    response = client.get(f"{V1}/items/{cast.item.pk}/comments")
    assert response.status_code == 200
    [comment] = response.json()["items"]
    assert comment["body"] == QUESTION
    assert comment["found_useful"] is False


def test_markdown_is_sanitised_and_mentions_link_the_member(client, cast):
    client.force_login(cast.other_member)
    response = call(
        client,
        "POST",
        f"{V1}/items/{cast.item.pk}/comments",
        {"body": "<script>alert(1)</script> [x](javascript:alert(1)) @claire"},
    )
    html = response.json()["body_html"]
    assert "<script>" not in html
    assert 'href="javascript' not in html
    assert "&lt;script&gt;" in html
    assert f'href="{cast.item_author.get_absolute_url()}"' in html
    assert Notification.objects.filter(recipient=cast.item_author).exists()


def test_the_list_paginates(client, cast):
    for n in range(3):
        comment_on(cast.item, cast.other_member, f"Comment {n}")
    data = client.get(f"{V1}/items/{cast.item.pk}/comments?page=2&page_size=2").json()
    assert data["count"] == 4
    assert [c["body"] for c in data["items"]] == ["Comment 1", "Comment 2"]


# --- Writing -----------------------------------------------------------------------------------


def test_a_reply_to_a_reply_joins_the_thread(client, cast):
    reply = comment_on(cast.item, cast.item_author, "Four months.", parent=cast.comment)
    client.force_login(cast.other_member)
    response = call(
        client,
        "POST",
        f"{V1}/items/{cast.item.pk}/comments",
        {"body": "Same for us.", "parent_id": reply.pk},
    )
    assert response.status_code == 201
    assert response.json()["parent_id"] == cast.comment.pk


def test_a_reply_to_a_comment_of_another_discussion_is_refused(client, cast):
    elsewhere = write_published(cast.item_author, title="Another one").item
    foreign = comment_on(elsewhere, cast.member, "Elsewhere.")
    client.force_login(cast.other_member)
    before = fingerprint()
    response = call(
        client,
        "POST",
        f"{V1}/items/{cast.item.pk}/comments",
        {"body": "Hello", "parent_id": foreign.pk},
    )
    assert assert_problem(response, 400)["detail"] == (
        "The comment you replied to is not in this discussion."
    )
    assert fingerprint() == before


def test_an_edit_from_a_stale_version_is_a_409_and_loses_nothing(client, cast):
    client.force_login(cast.member)
    url = comment_url(cast.comment)

    first = call(client, "PATCH", url, {"body": "Four months?", "version": 1})
    assert first.status_code == 200
    assert (first.json()["version"], first.json()["body"]) == (2, "Four months?")
    assert first.json()["edited_at"] is not None
    before = fingerprint()
    stale = call(client, "PATCH", url, {"body": "Five months?", "version": 1})

    problem = assert_problem(stale, 409)
    assert (problem["field"], problem["current_version"]) == ("version", 2)
    assert problem["detail"] == (
        "This comment was edited since version 1: it is now at version 2. Nothing was saved. "
        "Read it again, merge your text and send it with version 2."
    )
    assert fingerprint() == before
    cast.comment.refresh_from_db()
    assert (cast.comment.body, cast.comment.version) == ("Four months?", 2)
    assert list(CommentEdit.objects.values_list("body", flat=True)) == [QUESTION]


def test_an_edit_is_refused_in_a_locked_discussion_with_a_reason(client, cast):
    services.set_discussion_options(
        item_id=cast.item.pk, by=cast.moderator, locked=True, slow_mode_minutes=0
    )
    client.force_login(cast.member)
    before = fingerprint()
    response = call(client, "PATCH", comment_url(cast.comment), {"body": "New", "version": 1})
    assert assert_problem(response, 403)["detail"] == (
        "This discussion is locked: comments can no longer be edited."
    )
    refused = call(client, "POST", f"{V1}/items/{cast.item.pk}/comments", {"body": "More"})
    assert assert_problem(refused, 400)["detail"] == "This discussion is locked: no new comments."
    assert fingerprint() == before
    client.force_login(cast.item_author)
    allowed = call(client, "POST", f"{V1}/items/{cast.item.pk}/comments", {"body": "Closing."})
    assert allowed.status_code == 201


def test_slow_mode_refuses_a_second_comment_and_names_the_field(client, cast):
    client.force_login(cast.item_author)
    options = call(
        client,
        "PUT",
        f"{V1}/items/{cast.item.pk}/discussion",
        {"locked": False, "slow_mode_minutes": 10},
    )
    assert options.json() == {"item_id": cast.item.pk, "locked": False, "slow_mode_minutes": 10}
    client.force_login(cast.other_member)
    url = f"{V1}/items/{cast.item.pk}/comments"
    assert call(client, "POST", url, {"body": "First."}).status_code == 201
    before = fingerprint()
    problem = assert_problem(call(client, "POST", url, {"body": "Second."}), 400)
    assert problem["field"] == "body"
    assert problem["detail"].startswith("Slow mode is on in this discussion")
    assert fingerprint() == before


def test_slow_mode_beyond_a_day_is_refused(client, cast):
    client.force_login(cast.item_author)
    before = fingerprint()
    response = call(
        client,
        "PUT",
        f"{V1}/items/{cast.item.pk}/discussion",
        {"locked": False, "slow_mode_minutes": 1441},
    )
    problem = assert_problem(response, 400)
    assert (problem["field"], problem["detail"]) == (
        "slow_mode_minutes",
        "Slow mode is between 0 (off) and 1440 minutes.",
    )
    assert fingerprint() == before


def test_a_removed_comment_answers_404_to_writes_and_keeps_its_history(client, cast):
    comment_on(cast.item, cast.other_member, "A reply.", parent=cast.comment)
    client.force_login(cast.member)
    assert call(client, "DELETE", comment_url(cast.comment)).status_code == 204
    before = fingerprint()
    for method, suffix, body in (
        ("PATCH", "", {"body": "Back", "version": 1}),
        ("DELETE", "", None),
    ):
        problem = assert_problem(call(client, method, comment_url(cast.comment, suffix), body), 404)
        assert problem["detail"] == "This comment was removed."
    client.force_login(cast.item_author)
    for method, suffix in (("PUT", "/useful"), ("PUT", "/answer")):
        assert_problem(call(client, method, comment_url(cast.comment, suffix)), 404)
    assert fingerprint() == before
    client.force_login(cast.moderator)
    history = client.get(comment_url(cast.comment, "/history")).json()
    assert [e["body"] for e in history["items"]] == [QUESTION]
    assert history["items"][0]["edited_by"] == {"handle": "ada", "display_name": "Ada Lovelace"}


def test_the_history_lists_earlier_texts_newest_first(client, cast):
    client.force_login(cast.member)
    for version, body in ((1, "Second text"), (2, "Third text")):
        call(client, "PATCH", comment_url(cast.comment), {"body": body, "version": version})
    client.force_login(cast.moderator)
    items = client.get(comment_url(cast.comment, "/history")).json()["items"]
    assert [e["body"] for e in items] == ["Second text", QUESTION]


def test_marking_another_answer_moves_the_mark(client, cast):
    other = comment_on(cast.item, cast.other_member, "Ask the roads team.")
    client.force_login(cast.item_author)
    assert call(client, "PUT", comment_url(cast.comment, "/answer")).json()["is_answer"] is True
    assert call(client, "PUT", comment_url(other, "/answer")).json()["is_answer"] is True
    assert list(Comment.objects.filter(is_answer=True).values_list("pk", flat=True)) == [other.pk]
    assert call(client, "DELETE", comment_url(other, "/answer")).json()["is_answer"] is False
    assert not Comment.objects.filter(is_answer=True).exists()


# --- Useful ------------------------------------------------------------------------------------


def test_useful_twice_counts_once_and_unmarking_twice_is_harmless(client, cast):
    client.force_login(cast.other_member)
    url = comment_url(cast.comment, "/useful")

    first = call(client, "PUT", url)
    again = call(client, "PUT", url)

    assert (first.json()["useful_count"], first.json()["found_useful"]) == (1, True)
    assert (again.json()["useful_count"], again.json()["found_useful"]) == (1, True)
    assert CommentReaction.objects.count() == 1
    client.force_login(cast.item_author)
    assert call(client, "PUT", url).json()["useful_count"] == 2
    client.force_login(cast.other_member)
    undone = call(client, "DELETE", url)
    undone_again = call(client, "DELETE", url)
    assert (undone.json()["useful_count"], undone.json()["found_useful"]) == (1, False)
    assert undone_again.json()["useful_count"] == 1
    cast.comment.refresh_from_db()
    assert cast.comment.useful_count == 1


def test_marking_one_s_own_comment_useful_is_refused(client, cast):
    client.force_login(cast.member)
    before = fingerprint()
    problem = assert_problem(call(client, "PUT", comment_url(cast.comment, "/useful")), 400)
    assert problem["detail"] == "You cannot mark your own comment useful."
    assert fingerprint() == before


# --- Bad input ---------------------------------------------------------------------------------

BAD_BODIES = {
    "empty": ({"body": ""}, 400, "Write something first: the text is empty."),
    "blank": ({"body": "  \n  "}, 400, "Write something first: the text is empty."),
    "too_long": (
        {"body": "x" * (BODY_MAX_LENGTH + 1)},
        400,
        "Keep it under 20,000 characters (this has 20,001).",
    ),
    "100_kb": ({"body": "word " * 20_480}, 400, None),
    "unknown_mention": (
        {"body": "Ask @nobody-here about it"},
        400,
        "Nobody has the profile address @nobody-here. Check the spelling, or write it without "
        "the @.",
    ),
    "nul": ({"body": "Four\x00months"}, 422, None),
    "missing": ({}, 422, None),
    "not_text": ({"body": 42}, 422, None),
}


@pytest.mark.parametrize("case", list(BAD_BODIES))
def test_a_bad_comment_is_a_problem_naming_the_field_and_nothing_is_saved(client, cast, case):
    body, status, detail = BAD_BODIES[case]
    client.force_login(cast.other_member)
    before = fingerprint()

    response = call(client, "POST", f"{V1}/items/{cast.item.pk}/comments", body)

    problem = assert_problem(response, status)
    if status == 400:
        assert problem["field"] == "body"
    else:
        assert [e["loc"][-1] for e in problem["errors"]] in (["body"], ["payload"])
    if detail:
        assert problem["detail"] == detail
    assert fingerprint() == before


@pytest.mark.parametrize("case", ["empty", "too_long", "unknown_mention", "nul"])
def test_a_bad_edit_is_a_problem_and_keeps_the_comment(client, cast, case):
    body, status, _detail = BAD_BODIES[case]
    client.force_login(cast.member)
    before = fingerprint()
    response = call(client, "PATCH", comment_url(cast.comment), {**body, "version": 1})
    assert_problem(response, status)
    assert fingerprint() == before


def test_bad_discussion_options_are_422_problems(client, cast):
    client.force_login(cast.moderator)
    before = fingerprint()
    for body in ({"locked": "maybe", "slow_mode_minutes": 0}, {"locked": True}):
        response = call(client, "PUT", f"{V1}/items/{cast.item.pk}/discussion", body)
        assert_problem(response, 422)
    assert fingerprint() == before


def test_absurd_numbers_are_problems_never_errors(client, cast):
    huge = 10**20
    client.force_login(cast.member)
    assert_problem(client.get(f"{V1}/items/{cast.item.pk}/comments?page={huge}"), 422)
    assert_problem(client.get(f"{V1}/items/{huge}/comments"), 404)
    assert_problem(call(client, "DELETE", f"{V1}/comments/{huge}"), 404)
    before = fingerprint()
    reply = {"body": "Hi", "parent_id": huge}
    assert_problem(call(client, "POST", f"{V1}/items/{cast.item.pk}/comments", reply), 400)
    edit = {"body": "Hi", "version": huge}
    assert_problem(call(client, "PATCH", comment_url(cast.comment), edit), 409)
    client.force_login(cast.item_author)
    options = {"locked": False, "slow_mode_minutes": huge}
    assert_problem(call(client, "PUT", f"{V1}/items/{cast.item.pk}/discussion", options), 400)
    assert fingerprint() == before


# --- Rate limits -------------------------------------------------------------------------------


def test_commenting_is_rate_limited_with_a_429_problem(client, cast, settings):
    settings.POSTING_RATE_LIMITS = {**settings.POSTING_RATE_LIMITS, "comment": "2/h"}
    client.force_login(cast.other_member)
    url = f"{V1}/items/{cast.item.pk}/comments"
    assert call(client, "POST", url, {"body": "One"}).status_code == 201
    assert call(client, "POST", url, {"body": "Two"}).status_code == 201
    before = fingerprint()
    problem = assert_problem(call(client, "POST", url, {"body": "Three"}), 429)
    assert problem["detail"] == "Slow down and try again shortly."
    assert fingerprint() == before


def test_useful_marks_are_rate_limited_as_votes(client, cast, settings):
    settings.POSTING_RATE_LIMITS = {**settings.POSTING_RATE_LIMITS, "vote": "1/h"}
    client.force_login(cast.other_member)
    url = comment_url(cast.comment, "/useful")
    assert call(client, "PUT", url).status_code == 200
    before = fingerprint()
    assert_problem(call(client, "DELETE", url), 429)
    assert fingerprint() == before


# --- Cost of a page ----------------------------------------------------------------------------


def _discussion_of(item, authors, threads: int) -> None:
    """`threads` top-level comments (one removed, kept for its reply), each with a reply; rows
    only, with the counters the services would keep."""
    start = timezone.now() - timedelta(days=1)
    tops = Comment.objects.bulk_create(
        Comment(
            item=item,
            author=authors[n % len(authors)],
            body=f"Comment {n}",
            body_html=f"<p>Comment {n}</p>",
            created_at=start + timedelta(seconds=n),
            reply_count=1,
            removed_at=timezone.now() if n == 1 else None,
        )
        for n in range(threads)
    )
    Comment.objects.bulk_create(
        Comment(
            item=item,
            parent=top,
            author=authors[(n + 1) % len(authors)],
            body=f"Reply {n}",
            body_html=f"<p>Reply {n}</p>",
            created_at=start + timedelta(hours=1, seconds=n),
        )
        for n, top in enumerate(tops)
    )


def test_a_page_of_comments_costs_the_same_queries_for_5_or_200_threads(
    client, cast, make_member, django_assert_max_num_queries
):
    authors = [cast.member, cast.item_author, make_member(), make_member()]
    small = write_published(cast.item_author, title="Small one").item
    large = write_published(cast.item_author, title="Large one").item
    _discussion_of(small, authors, 5)
    _discussion_of(large, authors, 200)
    for comment in Comment.objects.filter(item__in=[small, large], removed_at__isnull=True)[::7]:
        if comment.author_id != cast.other_member.pk:
            CommentReaction.objects.create(comment=comment, member=cast.other_member)
    client.force_login(cast.other_member)

    with CaptureQueriesContext(connection) as few:
        data = client.get(f"{V1}/items/{small.pk}/comments").json()
    assert (data["count"], len(data["items"])) == (5, 5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        data = client.get(f"{V1}/items/{large.pk}/comments").json()
    assert (data["count"], len(data["items"])) == (200, 50)
    assert all(len(thread["replies"]) == 1 for thread in data["items"])
    assert data["items"][1]["removed"] is True
    assert len(few.captured_queries) <= 8


# --- OpenAPI -----------------------------------------------------------------------------------

OPERATIONS = {
    "/api/v1/items/{item_id}/comments": {"get", "post"},
    "/api/v1/items/{item_id}/discussion": {"put"},
    "/api/v1/comments/{comment_id}": {"patch", "delete"},
    "/api/v1/comments/{comment_id}/useful": {"put", "delete"},
    "/api/v1/comments/{comment_id}/answer": {"put", "delete"},
    "/api/v1/comments/{comment_id}/history": {"get"},
}


def test_openapi_documents_every_comment_operation_with_problems(client, db):
    schema = client.get("/api/openapi.json").json()
    paths = {p: schema["paths"][p] for p in OPERATIONS}
    assert {p: set(ops) for p, ops in paths.items()} == OPERATIONS
    problem = {"$ref": "#/components/schemas/Problem"}
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert operation["tags"] == ["discussions"], path
            assert operation["summary"], path
            assert operation["description"], path
            responses = operation["responses"]
            assert responses["404"]["content"]["application/json"]["schema"] == problem, path
            if method != "get":
                for status in ("400", "401", "403", "409", "422", "429"):
                    content = responses[status]["content"]["application/json"]
                    assert content["schema"] == problem, (path, method, status)
    listing = paths["/api/v1/items/{item_id}/comments"]
    assert listing["get"].get("security") is None
    assert listing["post"]["security"]
    comment = schema["components"]["schemas"]["CommentOut"]
    assert {"id", "author", "body", "body_html", "version", "url", "replies"} <= set(
        comment["properties"]
    )
    assert set(comment["required"]) == {"id", "parent_id", "removed", "url"}
