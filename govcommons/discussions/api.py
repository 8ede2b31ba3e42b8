"""API operations on the discussion under every Item: read it, comment and reply, edit, remove,
mark comments useful or as the answer, lock or slow a discussion, read an edit history.

A thin adapter over `selectors` (reads) and `services` (writes), so that the API and the pages
can never disagree about who sees or may do what. An item the caller may not read answers 404,
as if it did not exist.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.errors import HttpError, Throttled
from ninja.pagination import paginate

from govcommons.api.auth import caller, token_or_session
from govcommons.api.pagination import Pages
from govcommons.api.schemas import READ_PROBLEMS, WRITE_PROBLEMS
from govcommons.core import ratelimit
from govcommons.core.errors import ConflictError
from govcommons.core.models import Item
from govcommons.core.permissions import can_view_item, visible_items

from . import permissions, selectors, services
from .models import Comment
from .schemas import (
    CommentEditIn,
    CommentEditOut,
    CommentIn,
    CommentOut,
    DiscussionOptionsIn,
    DiscussionOptionsOut,
)

router = Router(tags=["discussions"])

READ = READ_PROBLEMS
WRITE = WRITE_PROBLEMS


# --- Helpers -----------------------------------------------------------------------------------


def _posting_allowed(request, action: str) -> None:
    """The pages' posting limits apply to the API too (429 problem)."""
    if not ratelimit.consume(request, action):
        raise Throttled(wait=None)


def _visible_item(viewer, item_id: int) -> Item:
    item = visible_items(viewer).filter(pk=item_id).first()
    if item is None:
        raise Http404
    return item


def _visible_comment(viewer, comment_id: int) -> Comment:
    """A comment (removed ones too) on an item the caller may read; 404 otherwise."""
    comment = Comment.objects.select_related("item", "author").filter(pk=comment_id).first()
    if comment is None or not can_view_item(viewer, comment.item):
        raise Http404
    return comment


def _live_comment(viewer, comment_id: int) -> Comment:
    """A comment that can still be acted on: a removed one is gone for every write."""
    comment = _visible_comment(viewer, comment_id)
    if comment.is_removed:
        raise HttpError(404, _("This comment was removed."))
    return comment


def _member(user) -> dict | None:
    return {"handle": user.handle, "display_name": user.display_name} if user else None


def _comment(request, comment: Comment, useful_ids: set[int]) -> dict:
    """A comment as the API shows it; a removed one keeps only its place in the thread."""
    data = {
        "id": comment.pk,
        "parent_id": comment.parent_id,
        "removed": comment.is_removed,
        "url": request.build_absolute_uri(comment.get_absolute_url()),
    }
    if not comment.is_removed:
        data.update(
            author=_member(comment.author),
            body=comment.body,
            body_html=comment.body_html,
            created_at=comment.created_at,
            edited_at=comment.edited_at,
            version=comment.version,
            useful_count=comment.useful_count,
            is_answer=comment.is_answer,
            found_useful=comment.pk in useful_ids,
        )
    return data


def _comment_answer(request, comment_id: int) -> dict:
    """After a write: the comment read again, as the caller now sees it."""
    comment = Comment.objects.select_related("author").get(pk=comment_id)
    return _comment(request, comment, selectors.useful_ids(request.auth, [comment.pk]))


class _Thread:
    """Top-level comments that pagination counts and slices; each page is then read with its
    replies and the caller's reactions, so a page costs the same few queries whatever its size."""

    def __init__(self, request, item: Item, viewer):
        self.request, self.viewer = request, viewer
        self.comments = selectors.top_level_comments(item)

    def __len__(self) -> int:
        return self.comments.count()

    def __getitem__(self, index: slice) -> list[dict]:
        rows = list(
            self.comments.prefetch_related(Prefetch("replies", queryset=selectors.shown_replies()))[
                index
            ]
        )
        ids = [c.pk for c in rows] + [r.pk for c in rows for r in c.replies.all()]
        useful_ids = selectors.useful_ids(self.viewer, ids)
        return [
            {
                **_comment(self.request, comment, useful_ids),
                "replies": [
                    _comment(self.request, reply, useful_ids) for reply in comment.replies.all()
                ],
            }
            for comment in rows
        ]


# --- Reading -----------------------------------------------------------------------------------


@router.get(
    "/items/{item_id}/comments",
    response={200: list[CommentOut], **READ},
    summary="An item's discussion",
    auth=None,
    exclude_unset=True,
)
@paginate(Pages, page_size=selectors.COMMENTS_PER_PAGE)
def list_comments(request, item_id: int):
    """The discussion under an item (a contribution, a question, an idea...): top-level
    comments oldest first, each with its replies. A removed comment that has replies keeps its
    place as `{removed: true}`, without its author or text; one without replies is left out.
    Permission: anyone who may read the item, without signing in for a public one; 404 for an
    item the caller may not read (a draft, for everyone but its authors and moderators)."""
    viewer = caller(request)
    item = _visible_item(viewer, item_id)
    return _Thread(request, item, viewer)


@router.get(
    "/comments/{comment_id}/history",
    response={200: list[CommentEditOut], **READ},
    summary="A comment's edit history",
    auth=token_or_session,
)
@paginate(Pages, page_size=20)
def comment_history(request, comment_id: int):
    """The texts a comment had before each edit and before its removal, newest first.
    Permission: moderators; 403 for everyone else who may read the item, 404 for the rest."""
    member = request.auth
    comment = _visible_comment(member, comment_id)
    if not permissions.can_see_edit_history(member):
        raise PermissionDenied(_("Only moderators can read a comment's edit history."))
    return selectors.edit_history(comment)


# --- Writing -----------------------------------------------------------------------------------


@router.post(
    "/items/{item_id}/comments",
    response={201: CommentOut, **WRITE},
    summary="Comment or reply",
    auth=token_or_session,
    exclude_unset=True,
)
def post_comment(request, item_id: int, payload: CommentIn):
    """Add a comment to an item's discussion, or a reply with `parent_id` (a reply to a reply
    joins the same thread: one level deep). Members @mentioned are notified. 400 for an empty
    or over-long text, a mention of a handle nobody has, a discussion that is locked, in slow
    mode or under an unpublished item, or a parent that is not in this discussion.
    Permission: any signed-in member who may read the item (404 otherwise)."""
    _posting_allowed(request, "comment")
    member = request.auth
    item = _visible_item(member, item_id)
    comment = services.post_comment(
        item_id=item.pk, author=member, body=payload.body, parent_id=payload.parent_id
    )
    return Status(201, _comment_answer(request, comment.pk))


@router.patch(
    "/comments/{comment_id}",
    response={200: CommentOut, **WRITE},
    summary="Edit a comment",
    auth=token_or_session,
    exclude_unset=True,
)
def edit_comment(request, comment_id: int, payload: CommentEditIn):
    """Change a comment's text; it shows as edited, and moderators can read the earlier text.
    Send the `version` you read: if it was edited since, nothing is saved and the answer is 409
    with `current_version`. Permission: its author, while the discussion is not locked."""
    _posting_allowed(request, "comment")
    member = request.auth
    comment = _live_comment(member, comment_id)
    if not permissions.can_edit_comment(member, comment):
        if comment.author_id != member.pk:
            raise PermissionDenied(_("Only its author can edit a comment."))
        raise PermissionDenied(_("This discussion is locked: comments can no longer be edited."))
    try:
        services.edit_comment(
            comment_id=comment.pk, editor=member, body=payload.body, version=payload.version
        )
    except ConflictError as exc:
        current = Comment.objects.values_list("version", flat=True).get(pk=comment.pk)
        conflict = ConflictError(
            _(
                "This comment was edited since version %(sent)s: it is now at version "
                "%(current)s. Nothing was saved. Read it again, merge your text and send it "
                "with version %(current)s."
            )
            % {"sent": payload.version, "current": current},
            field="version",
        )
        conflict.problem_members = {"current_version": current}
        raise conflict from exc
    return _comment_answer(request, comment.pk)


@router.delete(
    "/comments/{comment_id}",
    response={204: None, **WRITE},
    summary="Remove a comment",
    auth=token_or_session,
)
def remove_comment(request, comment_id: int):
    """Remove a comment. While it has replies it keeps its place as "comment removed"; its
    text stays in the history for moderators. Permission: its author and moderators."""
    member = request.auth
    comment = _live_comment(member, comment_id)
    if not permissions.can_remove_comment(member, comment):
        raise PermissionDenied(_("Only its author or a moderator can remove a comment."))
    services.remove_comment(comment_id=comment.pk, by=member)
    return Status(204, None)


def _set_useful(request, comment_id: int, *, useful: bool) -> dict:
    _posting_allowed(request, "vote")
    member = request.auth
    comment = _live_comment(member, comment_id)
    services.set_useful(comment_id=comment.pk, member=member, useful=useful)
    return _comment_answer(request, comment.pk)


@router.put(
    "/comments/{comment_id}/useful",
    response={200: CommentOut, **WRITE},
    summary="Mark a comment useful",
    auth=token_or_session,
    exclude_unset=True,
)
def mark_useful(request, comment_id: int):
    """Say a comment was useful to you; doing it again changes nothing (it counts once). 400 on
    your own comment. Permission: any signed-in member who may read the published item."""
    return _set_useful(request, comment_id, useful=True)


@router.delete(
    "/comments/{comment_id}/useful",
    response={200: CommentOut, **WRITE},
    summary="Unmark a comment useful",
    auth=token_or_session,
    exclude_unset=True,
)
def unmark_useful(request, comment_id: int):
    """Take back your "useful"; doing it when you had not marked it changes nothing. 400 on
    your own comment. Permission: any signed-in member who may read the published item."""
    return _set_useful(request, comment_id, useful=False)


def _mark_answer(request, comment_id: int, *, is_answer: bool) -> dict:
    member = request.auth
    comment = _live_comment(member, comment_id)
    if not permissions.can_manage_discussion(member, comment.item):
        raise PermissionDenied(_("Only the item's authors and moderators can mark the answer."))
    services.mark_answer(comment_id=comment.pk, by=member, is_answer=is_answer)
    return _comment_answer(request, comment.pk)


@router.put(
    "/comments/{comment_id}/answer",
    response={200: CommentOut, **WRITE},
    summary="Mark a comment as the answer",
    auth=token_or_session,
    exclude_unset=True,
)
def mark_answer(request, comment_id: int):
    """Mark the comment that answers the question asked in the discussion; there is one per
    discussion, so marking another moves the mark. Its author is notified.
    Permission: the item's authors and moderators."""
    return _mark_answer(request, comment_id, is_answer=True)


@router.delete(
    "/comments/{comment_id}/answer",
    response={200: CommentOut, **WRITE},
    summary="Unmark the answer",
    auth=token_or_session,
    exclude_unset=True,
)
def unmark_answer(request, comment_id: int):
    """The comment is no longer marked as the answer. Permission: the item's authors and
    moderators."""
    return _mark_answer(request, comment_id, is_answer=False)


@router.put(
    "/items/{item_id}/discussion",
    response={200: DiscussionOptionsOut, **WRITE},
    summary="Lock a discussion or set slow mode",
    auth=token_or_session,
)
def set_discussion_options(request, item_id: int, payload: DiscussionOptionsIn):
    """Lock a heated discussion (no new comments or edits, except from the item's authors and
    moderators) or slow it down (one comment per member every N minutes, 0 to 1440; 0 turns it
    off). Permission: the item's authors and moderators."""
    member = request.auth
    item = _visible_item(member, item_id)
    if not permissions.can_manage_discussion(member, item):
        raise PermissionDenied(
            _("Only the item's authors and moderators can lock a discussion or slow it down.")
        )
    item = services.set_discussion_options(
        item_id=item.pk,
        by=member,
        locked=payload.locked,
        slow_mode_minutes=payload.slow_mode_minutes,
    )
    return {
        "item_id": item.pk,
        "locked": item.discussion_locked,
        "slow_mode_minutes": item.slow_mode_minutes,
    }
