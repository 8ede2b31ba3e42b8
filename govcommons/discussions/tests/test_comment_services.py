"""Comments: threads one level deep, mentions, edits with history, removal, reactions, the
answer mark, locking and slow mode."""

import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, connections

from govcommons.core.errors import ConflictError, DomainError
from govcommons.discussions import selectors, services
from govcommons.discussions.models import BODY_MAX_LENGTH, Comment, CommentReaction
from govcommons.notifications.models import Notification
from govcommons.practices.tests.factories import write_draft, write_published

from .factories import comment_on


@pytest.fixture
def case_study(make_member):
    return write_published(make_member(handle="claire")).item


def test_a_reply_to_a_reply_joins_the_same_thread(case_study, make_member):
    ada, bob = make_member(handle="ada"), make_member(handle="bob")
    first = comment_on(case_study, ada, "How long did procurement take?")
    reply = comment_on(case_study, bob, "Four months.", parent=first)
    reply_to_reply = comment_on(case_study, ada, "Thanks!", parent=reply)

    assert reply.parent_id == first.pk
    assert reply_to_reply.parent_id == first.pk
    first.refresh_from_db()
    case_study.refresh_from_db()
    assert first.reply_count == 2
    assert case_study.comment_count == 3


def test_a_mention_links_the_member_and_notifies_them(case_study, make_member):
    ada, bob = make_member(handle="ada"), make_member(handle="bob")
    comment = comment_on(case_study, ada, "@bob did Lyon measure this?")

    assert f'href="{bob.get_absolute_url()}"' in comment.body_html
    notice = Notification.objects.get(recipient=bob, key=f"mention:c{comment.pk}:{bob.pk}")
    assert "mentioned you" in notice.message


def test_a_mention_of_nobody_is_refused_and_names_the_handle(case_study, make_member):
    with pytest.raises(DomainError, match="@nobody-here"):
        comment_on(case_study, make_member(), "Ask @nobody-here about it")
    assert not Comment.objects.exists()


@pytest.mark.parametrize("body", ["", "   \n ", "x" * (BODY_MAX_LENGTH + 1)])
def test_empty_or_huge_comments_are_refused(case_study, make_member, body):
    with pytest.raises(DomainError) as refused:
        comment_on(case_study, make_member(), body)
    assert refused.value.field == "body"


def test_html_and_script_in_markdown_are_shown_as_text(case_study, make_member):
    comment = comment_on(
        case_study, make_member(), "<script>alert(1)</script> [x](javascript:alert(1))"
    )
    assert "<script>" not in comment.body_html
    assert 'href="javascript' not in comment.body_html
    assert "&lt;script&gt;" in comment.body_html


def test_nobody_comments_on_a_draft_they_cannot_see(make_member):
    draft = write_draft(make_member()).item
    with pytest.raises(PermissionDenied):
        comment_on(draft, make_member())


def test_an_edit_keeps_the_old_text_for_moderators_and_stale_edits_are_refused(
    case_study, make_member
):
    ada = make_member()
    comment = comment_on(case_study, ada, "Four months")
    services.edit_comment(comment_id=comment.pk, editor=ada, body="Five months", version=1)
    comment.refresh_from_db()
    assert comment.edited_at is not None
    assert [e.body for e in selectors.edit_history(comment)] == ["Four months"]

    with pytest.raises(ConflictError):
        services.edit_comment(comment_id=comment.pk, editor=ada, body="Six months", version=1)
    with pytest.raises(PermissionDenied):
        services.edit_comment(comment_id=comment.pk, editor=make_member(), body="Hijack", version=2)


def test_a_removed_comment_with_replies_stays_as_a_placeholder(case_study, make_member):
    ada, bob = make_member(), make_member()
    lonely = comment_on(case_study, ada, "Nobody answers this one")
    threaded = comment_on(case_study, ada, "This one has a reply")
    comment_on(case_study, bob, "Here is the reply", parent=threaded)

    services.remove_comment(comment_id=lonely.pk, by=ada)
    services.remove_comment(comment_id=threaded.pk, by=ada)

    page = selectors.discussion_page(case_study, bob, None)
    shown = list(page.page.object_list)
    assert [c.pk for c in shown] == [threaded.pk]
    assert shown[0].is_removed
    case_study.refresh_from_db()
    assert case_study.comment_count == 1
    with pytest.raises(PermissionDenied):
        services.remove_comment(comment_id=shown[0].replies.all()[0].pk, by=ada)


def test_useful_counts_once_and_never_on_ones_own_comment(case_study, make_member):
    ada, bob = make_member(), make_member()
    comment = comment_on(case_study, ada)
    services.set_useful(comment_id=comment.pk, member=bob, useful=True)
    comment = services.set_useful(comment_id=comment.pk, member=bob, useful=True)
    assert comment.useful_count == 1
    with pytest.raises(DomainError):
        services.set_useful(comment_id=comment.pk, member=ada, useful=True)
    comment = services.set_useful(comment_id=comment.pk, member=bob, useful=False)
    assert comment.useful_count == 0


def test_only_the_items_authors_mark_the_answer_and_it_moves(case_study, make_member):
    author = case_study.author
    first = comment_on(case_study, make_member(), "Maybe this")
    second = comment_on(case_study, make_member(), "Actually this")
    with pytest.raises(PermissionDenied):
        services.mark_answer(comment_id=first.pk, by=make_member())

    services.mark_answer(comment_id=first.pk, by=author)
    services.mark_answer(comment_id=second.pk, by=author)
    assert list(Comment.objects.filter(is_answer=True).values_list("pk", flat=True)) == [second.pk]


def test_a_locked_discussion_refuses_comments_but_its_authors_can_still_post(
    case_study, make_member
):
    services.set_discussion_options(
        item_id=case_study.pk, by=case_study.author, locked=True, slow_mode_minutes=0
    )
    with pytest.raises(DomainError, match="locked"):
        comment_on(case_study, make_member())
    comment_on(case_study, case_study.author, "Closing note from the authors")
    with pytest.raises(PermissionDenied):
        services.set_discussion_options(
            item_id=case_study.pk, by=make_member(), locked=False, slow_mode_minutes=0
        )


def test_slow_mode_spaces_out_one_members_comments(case_study, make_member):
    services.set_discussion_options(
        item_id=case_study.pk, by=case_study.author, locked=False, slow_mode_minutes=10
    )
    ada = make_member()
    comment_on(case_study, ada, "First")
    with pytest.raises(DomainError, match="10 minutes"):
        comment_on(case_study, ada, "Second, too soon")
    comment_on(case_study, make_member(), "Someone else may still comment")


@pytest.mark.django_db(transaction=True)
def test_two_useful_clicks_at_the_same_instant_count_once(make_member):
    case_study = write_published(make_member()).item
    comment = comment_on(case_study, make_member())
    fan = make_member()
    barrier = threading.Barrier(2)
    errors = []

    def click():
        try:
            barrier.wait(timeout=10)
            services.set_useful(comment_id=comment.pk, member=fan, useful=True)
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    comment.refresh_from_db()
    assert comment.useful_count == 1
    assert CommentReaction.objects.filter(comment=comment).count() == 1
    assert connection.vendor in {"sqlite", "postgresql"}
