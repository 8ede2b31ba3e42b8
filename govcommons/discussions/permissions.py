"""Who may comment, react, edit, remove, mark answers and run a discussion; and, for the
questions board, who may ask, answer, vote and accept. Reading is core.permissions."""

from govcommons.accounts.permissions import can_moderate
from govcommons.core.models import Item, ItemStatus
from govcommons.core.permissions import can_view_item, is_author

from .models import Comment


def can_take_part(user) -> bool:
    """Any signed-in, active member may comment, ask, answer and vote."""
    return bool(user.is_authenticated and user.is_active)


def _open_for_writing(user, item: Item) -> bool:
    return item.status == ItemStatus.PUBLISHED and can_view_item(user, item)


def comment_refusal(user, item: Item) -> str:
    """Why this member may not comment here now (empty when they may): shown in place of the
    form, so that nobody writes a comment only to have it refused."""
    from django.utils.translation import gettext as _

    if not user.is_authenticated:
        return _("Sign in to join the discussion.")
    if not user.is_active:
        return _("Your account is suspended.")
    if not _open_for_writing(user, item):
        return _("This discussion is closed: the item is not published.")
    if item.discussion_locked and not can_manage_discussion(user, item):
        return _("This discussion is locked: no new comments.")
    return ""


def can_comment(user, item: Item) -> bool:
    return not comment_refusal(user, item)


def can_manage_discussion(user, item: Item) -> bool:
    """Lock the discussion, set slow mode, mark the answer: moderators and the item's authors."""
    return bool(user.is_authenticated and (can_moderate(user) or is_author(user, item)))


def can_edit_comment(user, comment: Comment) -> bool:
    return bool(
        user.is_authenticated
        and comment.author_id == user.pk
        and not comment.is_removed
        and (not comment.item.discussion_locked or can_manage_discussion(user, comment.item))
    )


def can_remove_comment(user, comment: Comment) -> bool:
    return bool(
        user.is_authenticated
        and not comment.is_removed
        and (comment.author_id == user.pk or can_moderate(user))
    )


def can_react(user, comment: Comment) -> bool:
    """Find a comment useful: not one's own, not a removed one, where the member may read."""
    return bool(
        can_take_part(user)
        and comment.author_id != user.pk
        and not comment.is_removed
        and _open_for_writing(user, comment.item)
    )


def can_see_edit_history(user) -> bool:
    return can_moderate(user)


# --- Questions and answers ---------------------------------------------------------------------


def can_ask(user) -> bool:
    return can_take_part(user)


def can_edit_question(user, question) -> bool:
    item = question.item
    return bool(
        user.is_authenticated
        and item.status != ItemStatus.REMOVED
        and (item.author_id == user.pk or can_moderate(user))
    )


def answer_refusal(user, question) -> str:
    """Why this member may not answer now (empty when they may)."""
    from django.utils.translation import gettext as _

    if not user.is_authenticated:
        return _("Sign in to answer.")
    if not user.is_active:
        return _("Your account is suspended.")
    item = question.item
    if not _open_for_writing(user, item):
        return _("This question is closed.")
    if item.discussion_locked and not can_manage_discussion(user, item):
        return _("This question is locked: no new answers.")
    return ""


def can_answer(user, question) -> bool:
    return not answer_refusal(user, question)


def can_edit_answer(user, answer) -> bool:
    return bool(user.is_authenticated and answer.author_id == user.pk and not answer.is_removed)


def can_remove_answer(user, answer) -> bool:
    return bool(
        user.is_authenticated
        and not answer.is_removed
        and (answer.author_id == user.pk or can_moderate(user))
    )


def can_vote_on(user, *, author_id: int, item: Item) -> bool:
    """Vote a question or an answer up or down: members, never on their own, only on what is
    published and readable."""
    return bool(can_take_part(user) and author_id != user.pk and _open_for_writing(user, item))


def can_accept_answer(user, question) -> bool:
    """The asker chooses the answer that solved it; a moderator may when the asker is gone."""
    return bool(
        user.is_authenticated
        and question.item.status == ItemStatus.PUBLISHED
        and (question.item.author_id == user.pk or can_moderate(user))
    )


def can_document_question(user, question) -> bool:
    """Turn the question into a draft contribution prefilled from the best answers."""
    return bool(
        can_take_part(user)
        and question.item.status == ItemStatus.PUBLISHED
        and (question.item.author_id == user.pk or can_moderate(user))
    )
