"""Discussion pages: posting (with and without htmx), replies, mentions, refused text kept beside
the field, escaping, edits and conflicts, removal, "useful", the answer mark, locking and slow
mode, the edit history, drafts, polling, permalinks, rate limits and bounded query counts."""

import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from govcommons.core.models import Item, ItemStatus
from govcommons.discussions import selectors, services
from govcommons.discussions.models import Comment, CommentReaction
from govcommons.notifications.models import Notification
from govcommons.practices.tests.factories import write_draft, write_published

from .factories import comment_on

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def people(make_member, make_organization, moderator):
    """The contribution's author and co-author, two members who comment, and a moderator."""

    class People:
        author = make_member(handle="claire", display_name="Claire Martin")
        co_author = make_member(handle="aino", display_name="Aino Virtanen")
        ada = make_member(
            handle="ada", display_name="Ada Lovelace", organization=make_organization()
        )
        bob = make_member(handle="bob", display_name="Bob Builder")

    People.moderator = moderator
    return People


@pytest.fixture
def case_study(people):
    return write_published(people.author, co_authors=[people.co_author]).item


def body_of(response) -> str:
    return response.content.decode()


def post_comment(client, item, body, *, parent=None, htmx=False, cpage=None):
    data = {"body": body}
    if parent is not None:
        data["parent"] = str(parent.pk)
    if cpage is not None:
        data["cpage"] = str(cpage)
    return client.post(
        reverse("discussions:discussion", args=[item.pk]), data, **(HTMX if htmx else {})
    )


def field_error(response, field_id: str) -> str:
    """The error shown beside one field (components/field.html), as text."""
    match = re.search(
        rf'<p class="field__error" id="{re.escape(field_id)}-error"><strong>Error:</strong> '
        r"([^<]*)</p>",
        body_of(response),
    )
    return html.unescape(match.group(1)) if match else ""


def textarea_text(response, field_id: str) -> str:
    match = re.search(
        rf'<textarea[^>]*id="{re.escape(field_id)}"[^>]*>(.*?)</textarea>', body_of(response), re.S
    )
    assert match, f"no textarea {field_id}"
    return html.unescape(match.group(1)).lstrip("\n")


def comment_block(page: str, comment: Comment) -> str:
    match = re.search(
        rf'<article class="comment[^"]*" id="comment-{comment.pk}".*?</article>', page, re.S
    )
    assert match, f"comment {comment.pk} is not on the page"
    return match.group(0)


# --- Posting -----------------------------------------------------------------------------------


def test_a_member_posts_a_comment_and_lands_on_it(client, people, case_study):
    client.force_login(people.ada)

    response = post_comment(client, case_study, "How long did **procurement** take?")

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("discussions:comment", args=[comment.pk])
    landing = client.get(response.url)
    assert landing.url == f"{case_study.get_absolute_url()}?cpage=1#comment-{comment.pk}"
    page = body_of(client.get(landing.url))
    block = comment_block(page, comment)
    assert "<strong>procurement</strong>" in block
    assert "Ada Lovelace" in block
    assert people.ada.organization.name in block
    assert (
        'Discussion <span class="discussion__count">(<span id="discussion-count">1</span>)' in page
    )


def test_posting_through_htmx_returns_the_discussion_with_the_new_comment_focused(
    client, people, case_study
):
    client.force_login(people.ada)

    response = post_comment(client, case_study, "We did the same in Tampere.", htmx=True)

    comment = Comment.objects.get()
    page = body_of(response)
    assert response.status_code == 200
    assert "<html" not in page
    assert page.lstrip().startswith('<section class="discussion" id="discussion"')
    assert f'id="comment-{comment.pk}" tabindex="-1" autofocus' in page
    assert "Your comment is posted." in page
    # A fresh, empty form for the next comment.
    assert textarea_text(response, "comment-body") == ""


def test_a_reply_joins_the_thread_and_a_reply_to_a_reply_joins_the_same_thread(
    client, people, case_study
):
    first = comment_on(case_study, people.ada, "How long did procurement take?")
    client.force_login(people.bob)
    post_comment(client, case_study, "Four months.", parent=first)
    reply = Comment.objects.get(body="Four months.")
    client.force_login(people.ada)
    post_comment(client, case_study, "Thanks!", parent=reply)

    reply_to_reply = Comment.objects.get(body="Thanks!")
    assert reply.parent_id == first.pk
    assert reply_to_reply.parent_id == first.pk
    page = body_of(client.get(case_study.get_absolute_url()))
    replies = re.search(rf'<ol class="comment-replies" id="replies-{first.pk}".*?</ol>', page, re.S)
    assert f'id="comment-{reply.pk}"' in replies.group(0)
    assert f'id="comment-{reply_to_reply.pk}"' in replies.group(0)
    # One reply form per thread, folded in a <details> that works without JavaScript.
    assert page.count(f'<details class="comment-reply" id="reply-{first.pk}"') == 1


def test_reply_to_a_reply_opens_the_thread_form_naming_its_author(client, people, case_study):
    first = comment_on(case_study, people.ada, "How long did procurement take?")
    reply = comment_on(case_study, people.bob, "Four months.", parent=first)
    client.force_login(people.ada)

    response = client.get(
        reverse("discussions:discussion", args=[case_study.pk]), {"reply_to": reply.pk}
    )

    page = body_of(response)
    assert f'<details class="comment-reply" id="reply-{first.pk}" open>' in page
    assert textarea_text(response, f"reply-{first.pk}-body") == "@bob "
    assert case_study.title in page


def test_quote_prefills_the_form_with_the_quoted_text_and_the_author(client, people, case_study):
    quoted = comment_on(case_study, people.bob, "Four months.\nThen two weeks of testing.")
    client.force_login(people.ada)

    response = client.get(
        reverse("discussions:discussion", args=[case_study.pk]), {"quote": quoted.pk}
    )

    assert textarea_text(response, "comment-body") == (
        "> Four months.\n> Then two weeks of testing.\n\n@bob "
    )


def test_a_mention_links_the_member_and_notifies_them(client, people, case_study):
    client.force_login(people.ada)

    post_comment(client, case_study, "@bob did Lyon measure this?")

    comment = Comment.objects.get()
    page = body_of(client.get(case_study.get_absolute_url()))
    assert f'<a href="{people.bob.get_absolute_url()}" rel="nofollow noopener ugc">@bob</a>' in (
        comment_block(page, comment)
    )
    notice = Notification.objects.get(
        recipient=people.bob, key=f"mention:c{comment.pk}:{people.bob.pk}"
    )
    assert notice.url == comment.get_absolute_url()


def test_a_mention_of_nobody_is_refused_beside_the_field(client, people, case_study):
    client.force_login(people.ada)

    response = post_comment(client, case_study, "Ask @nobody-here about it")

    assert "@nobody-here" in field_error(response, "comment-body")
    assert textarea_text(response, "comment-body") == "Ask @nobody-here about it"
    assert not Comment.objects.exists()


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize(
    ("text", "error"),
    [("   ", "the text is empty"), ("x" * 100_000, "Keep it under 20,000 characters")],
)
def test_an_empty_or_huge_comment_comes_back_with_the_error_beside_the_field(
    client, people, case_study, text, error, htmx
):
    client.force_login(people.ada)

    response = post_comment(client, case_study, text, htmx=htmx)

    assert response.status_code == 200
    assert error in field_error(response, "comment-body")
    assert textarea_text(response, "comment-body") == text
    page = body_of(response)
    if htmx:
        assert "<html" not in page
    else:  # the full discussion page: the item's title and the way back
        assert f'<h1 lang="en">{case_study.title}</h1>' in page
        assert f'href="{case_study.get_absolute_url()}"' in page
    assert not Comment.objects.exists()


def test_a_refused_reply_comes_back_open_in_its_thread(client, people, case_study):
    first = comment_on(case_study, people.bob, "Any numbers?")
    client.force_login(people.ada)

    response = post_comment(client, case_study, "Ask @nobody-here", parent=first)

    assert "@nobody-here" in field_error(response, f"reply-{first.pk}-body")
    assert textarea_text(response, f"reply-{first.pk}-body") == "Ask @nobody-here"
    assert f'<details class="comment-reply" id="reply-{first.pk}" open>' in body_of(response)
    assert Comment.objects.count() == 1


def test_html_and_script_in_a_comment_are_shown_as_text(client, people, case_study):
    client.force_login(people.ada)

    post_comment(client, case_study, '<script>alert("x")</script> <img src=x onerror=alert(1)>')

    page = body_of(client.get(case_study.get_absolute_url()))
    assert '<script>alert("x")' not in page
    assert "<img src=x" not in page
    assert '&lt;script&gt;alert("x")&lt;/script&gt; &lt;img src=x' in page


def test_anonymous_visitors_read_but_are_sent_to_sign_in_to_post(client, people, case_study):
    comment_on(case_study, people.ada, "Readable by all")

    page = body_of(client.get(case_study.get_absolute_url()))
    response = post_comment(client, case_study, "Let me in")

    assert "Readable by all" in page
    assert "Sign in to join the discussion." in page
    assert 'id="comment-form"' not in page
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert Comment.objects.count() == 1


# --- Drafts and removed items ------------------------------------------------------------------


def test_a_draft_has_no_discussion_and_its_existence_is_never_revealed(client, people):
    draft = write_draft(people.author).item
    client.force_login(people.author)
    assert 'id="discussion"' not in body_of(client.get(draft.get_absolute_url()))

    client.force_login(people.ada)
    assert post_comment(client, draft, "Hello?").status_code == 404
    for name in ("discussions:discussion", "discussions:new_comments"):
        assert client.get(reverse(name, args=[draft.pk]), {"after": 0}).status_code == 404
    assert not Comment.objects.exists()


def test_comments_of_an_item_taken_back_to_draft_are_hidden(client, people, case_study):
    comment = comment_on(case_study, people.ada, "Before it was unpublished")
    Item.objects.filter(pk=case_study.pk).update(status=ItemStatus.DRAFT)
    client.force_login(people.bob)

    assert client.get(comment.get_absolute_url()).status_code == 404
    assert client.get(reverse("discussions:discussion", args=[case_study.pk])).status_code == 404
    assert (
        client.post(reverse("discussions:comment_useful", args=[comment.pk]), {"useful": "1"})
    ).status_code == 404
    assert (
        client.get(reverse("discussions:new_comments", args=[case_study.pk]), {"after": 0}, **HTMX)
    ).status_code == 404
    assert not CommentReaction.objects.exists()


@pytest.mark.parametrize("visibility", ["members", "verified"])
def test_anonymous_visitors_never_see_the_comments_of_a_members_only_item(
    client, people, case_study, visibility
):
    comment = comment_on(case_study, people.ada, "For members only")
    Item.objects.filter(pk=case_study.pk).update(visibility=visibility)

    responses = [
        client.get(comment.get_absolute_url()),
        client.get(reverse("discussions:discussion", args=[case_study.pk])),
        client.get(reverse("discussions:new_comments", args=[case_study.pk]), {"after": 0}, **HTMX),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]
    assert all("For members only" not in body_of(r) for r in responses)


# --- Editing -----------------------------------------------------------------------------------


def test_the_author_edits_a_comment_and_readers_see_it_was_edited(client, people, case_study):
    comment = comment_on(case_study, people.ada, "Four months")
    client.force_login(people.ada)
    form = client.get(reverse("discussions:comment_edit", args=[comment.pk]))
    assert textarea_text(form, "id_body") == "Four months"

    response = client.post(
        reverse("discussions:comment_edit", args=[comment.pk]),
        {"body": "Five months", "version": "1"},
    )

    assert response.url == comment.get_absolute_url()
    client.force_login(people.bob)
    block = comment_block(body_of(client.get(case_study.get_absolute_url())), comment)
    assert "Five months" in block
    assert ">edited</span>" in block
    assert "history" not in block  # the history link is for moderators


def test_an_edit_of_an_older_version_keeps_the_text_and_shows_the_current_one(
    client, people, case_study
):
    comment = comment_on(case_study, people.ada, "Four months")
    services.edit_comment(comment_id=comment.pk, editor=people.ada, body="Five months", version=1)
    client.force_login(people.ada)

    response = client.post(
        reverse("discussions:comment_edit", args=[comment.pk]),
        {"body": "Six months, from the other tab", "version": "1"},
    )

    assert response.status_code == 200
    assert "changed since you opened it" in field_error(response, "id_body")
    assert textarea_text(response, "id_body") == "Six months, from the other tab"
    assert "Five months" in body_of(response)  # the current version, to compare
    assert 'name="version" value="2"' in body_of(response)
    comment.refresh_from_db()
    assert comment.body == "Five months"


@pytest.mark.parametrize("who", ["bob", "author", "moderator"])
def test_nobody_but_its_author_edits_a_comment(client, people, case_study, who):
    comment = comment_on(case_study, people.ada, "Mine")
    client.force_login(getattr(people, who))
    url = reverse("discussions:comment_edit", args=[comment.pk])

    assert client.get(url).status_code == 403
    assert client.post(url, {"body": "Hijacked", "version": "1"}).status_code == 403
    comment.refresh_from_db()
    assert comment.body == "Mine"


# --- Removing ----------------------------------------------------------------------------------


def test_a_removed_comment_without_replies_disappears(client, people, case_study):
    comment = comment_on(case_study, people.ada, "Regrettable")
    client.force_login(people.ada)
    url = reverse("discussions:comment_remove", args=[comment.pk])
    confirm = client.get(url)
    assert "Remove the comment?" in body_of(confirm)
    assert "Regrettable" in body_of(confirm)

    response = client.post(url)

    assert response.url == f"{case_study.get_absolute_url()}?cpage=1#discussion"
    page = body_of(client.get(case_study.get_absolute_url()))
    assert f'id="comment-{comment.pk}"' not in page
    assert "Regrettable" not in page
    assert client.get(comment.get_absolute_url()).status_code == 404


def test_a_removed_comment_with_replies_stays_as_a_placeholder(client, people, case_study):
    comment = comment_on(case_study, people.ada, "Regrettable")
    reply = comment_on(case_study, people.bob, "I disagree", parent=comment)
    client.force_login(people.ada)

    client.post(reverse("discussions:comment_remove", args=[comment.pk]))

    page = body_of(client.get(case_study.get_absolute_url()))
    block = comment_block(page, comment)
    assert "Comment removed" in block
    assert "Regrettable" not in page
    assert "I disagree" in comment_block(page, reply)


def test_others_cannot_remove_a_comment(client, people, case_study):
    comment = comment_on(case_study, people.ada, "Mine")
    client.force_login(people.bob)
    url = reverse("discussions:comment_remove", args=[comment.pk])

    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    comment.refresh_from_db()
    assert comment.removed_at is None


# --- Useful ------------------------------------------------------------------------------------


def test_useful_toggles_with_htmx_and_without(client, people, case_study):
    comment = comment_on(case_study, people.ada, "Helpful")
    client.force_login(people.bob)
    url = reverse("discussions:comment_useful", args=[comment.pk])

    on = client.post(url, {"useful": "1"}, **HTMX)
    assert 'aria-pressed="true"' in body_of(on)
    assert "Useful (1)" in body_of(on)
    assert "<html" not in body_of(on)

    off = client.post(url, {"useful": "0"})
    assert off.url == comment.get_absolute_url()
    comment.refresh_from_db()
    assert comment.useful_count == 0
    assert not CommentReaction.objects.exists()


def test_nobody_finds_their_own_comment_useful(client, people, case_study):
    comment = comment_on(case_study, people.ada, "Mine")
    client.force_login(people.ada)
    url = reverse("discussions:comment_useful", args=[comment.pk])

    page = body_of(client.get(case_study.get_absolute_url()))
    assert f'id="useful-{comment.pk}"' not in page  # a count, not a button
    refused = client.post(url, {"useful": "1"}, follow=True)
    htmx_refused = client.post(url, {"useful": "1"}, **HTMX)

    assert "You cannot mark your own comment useful." in body_of(refused)
    assert "You cannot mark your own comment useful." in body_of(htmx_refused)
    comment.refresh_from_db()
    assert comment.useful_count == 0


def test_anonymous_visitors_are_sent_to_sign_in_to_find_a_comment_useful(
    client, people, case_study
):
    comment = comment_on(case_study, people.ada, "Helpful")

    response = client.post(
        reverse("discussions:comment_useful", args=[comment.pk]), {"useful": "1"}
    )

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not CommentReaction.objects.exists()


# --- The answer --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["author", "co_author"])
def test_the_items_authors_mark_the_answer_and_everyone_sees_it(client, people, case_study, who):
    comment = comment_on(case_study, people.ada, "Four months, from tender to contract.")
    client.force_login(getattr(people, who))
    page = body_of(client.get(case_study.get_absolute_url()))
    assert "Mark as answer" in comment_block(page, comment)

    response = client.post(
        reverse("discussions:comment_answer", args=[comment.pk]), {"is_answer": "1"}
    )

    assert response.url == comment.get_absolute_url()
    client.logout()
    page = body_of(client.get(case_study.get_absolute_url()))
    assert "Answered: jump to the answer" in page
    assert f'href="{comment.get_absolute_url()}">Answered' in page
    assert ">Answer</span>" in comment_block(page, comment)
    assert "Mark as answer" not in page


@pytest.mark.parametrize("who", ["ada", "bob"])
def test_others_cannot_mark_the_answer(client, people, case_study, who):
    comment = comment_on(case_study, people.ada, "I answer my own question")
    client.force_login(getattr(people, who))

    response = client.post(
        reverse("discussions:comment_answer", args=[comment.pk]), {"is_answer": "1"}
    )

    assert response.status_code == 403
    comment.refresh_from_db()
    assert not comment.is_answer
    assert "Mark as answer" not in body_of(client.get(case_study.get_absolute_url()))


# --- Locking and slow mode ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["author", "co_author", "moderator"])
def test_authors_and_moderators_lock_the_discussion(client, people, case_study, who):
    client.force_login(getattr(people, who))
    response = client.post(
        reverse("discussions:options", args=[case_study.pk]),
        {"locked": "on", "slow_mode_minutes": "10"},
    )
    assert response.url == f"{case_study.get_absolute_url()}#discussion"
    case_study.refresh_from_db()
    assert case_study.discussion_locked
    assert case_study.slow_mode_minutes == 10

    client.force_login(people.ada)
    page = body_of(client.get(case_study.get_absolute_url()))
    assert "This discussion is locked:" in page
    assert 'id="comment-form"' not in page
    refused = post_comment(client, case_study, "Let me say one more thing")
    assert "This discussion is locked: no new comments." in body_of(refused)
    assert textarea_text(refused, "comment-body") == "Let me say one more thing"
    assert not Comment.objects.exists()


@pytest.mark.parametrize("who", ["ada", "anonymous"])
def test_others_cannot_lock_the_discussion(client, people, case_study, who):
    if who != "anonymous":
        client.force_login(getattr(people, who))

    response = client.post(
        reverse("discussions:options", args=[case_study.pk]),
        {"locked": "on", "slow_mode_minutes": "10"},
    )

    assert response.status_code == (403 if who != "anonymous" else 302)
    case_study.refresh_from_db()
    assert not case_study.discussion_locked
    assert case_study.slow_mode_minutes == 0


def test_a_slow_mode_out_of_range_is_refused_beside_the_field(client, people, case_study):
    client.force_login(people.author)

    response = client.post(
        reverse("discussions:options", args=[case_study.pk]), {"slow_mode_minutes": "5000"}
    )

    assert response.status_code == 200
    assert "1440" in field_error(response, "discussion-slow_mode_minutes")
    case_study.refresh_from_db()
    assert case_study.slow_mode_minutes == 0


def test_slow_mode_keeps_the_second_comment_with_the_wait_beside_the_field(
    client, people, case_study
):
    services.set_discussion_options(
        item_id=case_study.pk, by=people.author, locked=False, slow_mode_minutes=10
    )
    client.force_login(people.ada)
    post_comment(client, case_study, "First")

    response = post_comment(client, case_study, "Second, too soon")

    assert "Slow mode is on" in field_error(response, "comment-body")
    assert textarea_text(response, "comment-body") == "Second, too soon"
    assert Comment.objects.count() == 1


# --- Edit history ------------------------------------------------------------------------------


def test_moderators_read_the_edit_history_as_plain_text(client, people, case_study):
    comment = comment_on(case_study, people.ada, "<b>First</b> <script>x()</script>")
    services.edit_comment(comment_id=comment.pk, editor=people.ada, body="Second", version=1)
    client.force_login(people.moderator)

    page = body_of(client.get(case_study.get_absolute_url()))
    history = reverse("discussions:comment_history", args=[comment.pk])
    assert f'href="{history}"' in comment_block(page, comment)
    response = client.get(history)

    assert response.status_code == 200
    assert "&lt;b&gt;First&lt;/b&gt; &lt;script&gt;x()&lt;/script&gt;" in body_of(response)
    assert "<script>x()" not in body_of(response)


@pytest.mark.parametrize("who", ["ada", "author", "bob"])
def test_others_cannot_read_the_edit_history(client, people, case_study, who):
    comment = comment_on(case_study, people.ada, "First")
    services.edit_comment(comment_id=comment.pk, editor=people.ada, body="Second", version=1)
    client.force_login(getattr(people, who))

    response = client.get(reverse("discussions:comment_history", args=[comment.pk]))

    assert response.status_code == 403
    assert "First" not in body_of(response)


def test_anonymous_visitors_are_sent_to_sign_in_for_the_edit_history(client, people, case_study):
    comment = comment_on(case_study, people.ada, "First")
    response = client.get(reverse("discussions:comment_history", args=[comment.pk]))
    assert response.url.startswith(reverse("account_login"))


# --- Polling -----------------------------------------------------------------------------------


def test_polling_returns_only_newer_comments_and_moves_the_poller_on(client, people, case_study):
    first = comment_on(case_study, people.ada, "Seen already")
    client.force_login(people.bob)
    page = body_of(client.get(case_study.get_absolute_url()))
    assert f"?after={first.pk}&amp;cpage=1" in page
    new_thread = comment_on(case_study, people.author, "A new thread")
    new_reply = comment_on(case_study, people.ada, "A new reply", parent=first)

    response = client.get(
        reverse("discussions:new_comments", args=[case_study.pk]), {"after": first.pk}, **HTMX
    )

    fragment = body_of(response)
    assert "Seen already" not in fragment
    poller, rest = fragment.split('<ol hx-swap-oob="beforeend:#comment-list">')
    new_threads, rest = rest.split(f'<ol hx-swap-oob="beforeend:#replies-{first.pk}">')
    assert f'id="comment-{new_thread.pk}"' in new_threads
    assert "A new reply" not in new_threads
    assert f'id="comment-{new_reply.pk}"' in rest
    assert 'id="discussion-poller"' in poller
    assert f"?after={max(new_thread.pk, new_reply.pk)}&amp;cpage=1" in fragment
    assert '<span id="discussion-count" hx-swap-oob="true">3</span>' in fragment
    assert "2 new comments" in fragment


def test_polling_with_nothing_new_returns_the_same_poller(client, people, case_study):
    first = comment_on(case_study, people.ada, "Seen already")

    response = client.get(
        reverse("discussions:new_comments", args=[case_study.pk]), {"after": first.pk}, **HTMX
    )

    assert "Seen already" not in body_of(response)
    assert "hx-swap-oob" not in body_of(response)
    assert f"?after={first.pk}&amp;cpage=1" in body_of(response)


def test_show_new_comments_without_javascript_jumps_to_the_first_new_one(
    client, people, case_study
):
    first = comment_on(case_study, people.ada, "Seen already")
    second = comment_on(case_study, people.bob, "New")
    url = reverse("discussions:new_comments", args=[case_study.pk])

    assert client.get(url, {"after": first.pk}).url == second.get_absolute_url()
    nothing_new = client.get(url, {"after": second.pk, "cpage": "1"})
    assert nothing_new.url == f"{case_study.get_absolute_url()}?cpage=1#discussion"


# --- Permalinks and pages ----------------------------------------------------------------------


def bulk_comments(item, authors, count, *, replies_every=0, start=None):
    """`count` top-level comments (and two replies to every `replies_every`-th one), written
    straight to the table for speed; oldest first, a second apart."""
    start = start or timezone.now() - timedelta(days=10)
    tops = Comment.objects.bulk_create(
        Comment(
            item=item,
            author=authors[n % len(authors)],
            body=f"Comment number {n}",
            body_html=f"<p>Comment number {n}</p>",
            created_at=start + timedelta(seconds=n),
            reply_count=2 if replies_every and n % replies_every == 0 else 0,
        )
        for n in range(count)
    )
    replies = [
        Comment(
            item=item,
            author=authors[(n + r + 1) % len(authors)],
            parent=top,
            body=f"Reply {r} to {n}",
            body_html=f"<p>Reply {r} to {n}</p>",
            created_at=top.created_at + timedelta(milliseconds=100 * (r + 1)),
        )
        for n, top in enumerate(tops)
        if top.reply_count
        for r in range(2)
    ]
    Comment.objects.bulk_create(replies)
    Item.objects.filter(pk=item.pk).update(comment_count=count + len(replies))
    return tops


def test_a_permalink_lands_on_the_page_of_its_thread(client, people, case_study):
    tops = bulk_comments(case_study, [people.ada, people.bob], 60)
    late = tops[55]
    reply = comment_on(case_study, people.author, "A reply on page two", parent=late)

    for comment in (late, reply):
        response = client.get(comment.get_absolute_url())
        assert response.url == f"{case_study.get_absolute_url()}?cpage=2#comment-{comment.pk}"
    page = body_of(client.get(f"{case_study.get_absolute_url()}?cpage=2"))
    assert "A reply on page two" in page
    assert "Comment number 55" in page
    assert "Comment number 49" not in page
    assert 'href="?cpage=1#discussion"' in page
    # Only the last page polls for new comments.
    assert 'id="discussion-poller"' in page
    assert 'id="discussion-poller"' not in body_of(client.get(case_study.get_absolute_url()))


def test_a_missing_comment_is_not_found(client, people):
    client.force_login(people.ada)
    for name in ("comment", "comment_edit", "comment_remove"):
        assert client.get(reverse(f"discussions:{name}", args=[999_999])).status_code == 404


# --- Mentions ----------------------------------------------------------------------------------


def test_mention_suggestions_list_members_for_signed_in_members(client, people, make_member):
    for n in range(10):
        make_member(handle=f"adam-{n}", display_name=f"Adam {n}")
    client.force_login(people.bob)

    members = client.get(reverse("discussions:mentions"), {"q": "ad"}).json()["members"]

    assert len(members) == 8
    assert members[0] == {
        "handle": "ada",
        "name": "Ada Lovelace",
        "organisation": people.ada.organization.name,
    }


def test_anonymous_visitors_get_no_mention_suggestions(client, people):
    response = client.get(reverse("discussions:mentions"), {"q": "ad"})
    assert response.url.startswith(reverse("account_login"))


# --- Rate limits -------------------------------------------------------------------------------


def test_posting_too_often_is_refused_with_429(client, people, case_study, settings):
    settings.POSTING_RATE_LIMITS = {**settings.POSTING_RATE_LIMITS, "comment": "2/h", "vote": "1/h"}
    client.force_login(people.ada)

    statuses = [post_comment(client, case_study, f"Comment {n}").status_code for n in range(3)]

    assert statuses == [302, 302, 429]
    assert Comment.objects.count() == 2
    client.force_login(people.bob)
    url = reverse("discussions:comment_useful", args=[Comment.objects.first().pk])
    assert client.post(url, {"useful": "1"}).status_code == 302
    assert client.post(url, {"useful": "0"}).status_code == 429


# --- Bounded queries ---------------------------------------------------------------------------


def busy_discussion(item, people, count):
    """A discussion of `count` threads, every third with two replies; the viewer found some
    useful and the authors marked an answer: every part of the page has something to show."""
    tops = bulk_comments(item, [people.ada, people.bob, people.moderator], count, replies_every=3)
    CommentReaction.objects.bulk_create(
        CommentReaction(comment=top, member=people.bob) for top in tops[:3]
    )
    Comment.objects.filter(pk=tops[1].pk).update(is_answer=True)
    services.set_discussion_options(
        item_id=item.pk, by=people.author, locked=False, slow_mode_minutes=5
    )
    return tops


def queries_of(client, url, **extra) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["anonymous", "bob", "author", "moderator"])
def test_the_contribution_page_runs_as_many_queries_with_500_comments_as_with_5(
    client, people, django_assert_max_num_queries, who
):
    small = write_published(people.author, title="A quiet one").item
    busy = write_published(people.author, title="A heated one").item
    busy_discussion(small, people, 5)
    busy_discussion(busy, people, 500)
    if who != "anonymous":
        client.force_login(getattr(people, who))
    queries_of(client, small.get_absolute_url())  # warm up: sessions, content types
    measured = queries_of(client, small.get_absolute_url())

    with django_assert_max_num_queries(measured):
        response = client.get(busy.get_absolute_url())

    assert response.status_code == 200
    assert len(response.context["discussion"].threads) == selectors.COMMENTS_PER_PAGE
    assert "Comment number 49" in body_of(response)
    assert "Reply 1 to 48" in body_of(response)


@pytest.mark.parametrize("who", ["anonymous", "bob"])
def test_polling_runs_as_many_queries_for_500_new_comments_as_for_5(
    client, people, django_assert_max_num_queries, who
):
    small = write_published(people.author, title="A quiet one").item
    busy = write_published(people.author, title="A heated one").item
    busy_discussion(small, people, 5)
    busy_discussion(busy, people, 500)
    if who != "anonymous":
        client.force_login(getattr(people, who))

    def poll(item):
        return reverse("discussions:new_comments", args=[item.pk]) + "?after=0"

    queries_of(client, poll(small), **HTMX)
    measured = queries_of(client, poll(small), **HTMX)

    with django_assert_max_num_queries(measured):
        response = client.get(poll(busy), **HTMX)

    assert response.status_code == 200
    assert body_of(response).count('<article class="comment') == 50
