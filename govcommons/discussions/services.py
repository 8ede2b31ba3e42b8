"""Writes for discussions: post, edit and remove comments, "useful" reactions, the answer mark,
locking and slow mode. Each function is one transaction and says everything it does."""

from datetime import timedelta
from uuid import uuid4

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from govcommons.accounts.models import User
from govcommons.core.errors import ConflictError, DomainError
from govcommons.core.markdown import mentioned_handles, render_markdown
from govcommons.core.models import Item
from govcommons.core.permissions import can_view_item
from govcommons.notifications.models import EmailCategory
from govcommons.notifications.services import notify

from . import permissions
from .models import BODY_MAX_LENGTH, Comment, CommentEdit, CommentReaction

MAX_MENTIONS = 10
SLOW_MODE_MAX_MINUTES = 24 * 60


# --- Text --------------------------------------------------------------------------------------


def clean_body(body: str, *, field: str = "body") -> str:
    """The text as it will be stored; empty or over-long text is refused with a clear message."""
    body = (body or "").replace("\x00", "").strip()
    if not body:
        raise DomainError(_("Write something first: the text is empty."), field=field)
    if len(body) > BODY_MAX_LENGTH:
        raise DomainError(
            _("Keep it under %(limit)s characters (this has %(length)s).")
            % {"limit": f"{BODY_MAX_LENGTH:,}", "length": f"{len(body):,}"},
            field=field,
        )
    return body


def resolve_mentions(body: str, *, field: str = "body") -> list[User]:
    """The members @mentioned in the text; a handle nobody has is refused, so that a typo never
    leaves someone unaware they were asked."""
    handles = mentioned_handles(body)
    if not handles:
        return []
    if len(handles) > MAX_MENTIONS:
        raise DomainError(
            _("Mention at most %(count)s members in one text.") % {"count": MAX_MENTIONS},
            field=field,
        )
    members = list(User.objects.filter(handle__in=handles, is_active=True))
    unknown = sorted(set(handles) - {m.handle.lower() for m in members})
    if unknown:
        raise DomainError(
            ngettext(
                "Nobody has the profile address %(handles)s. Check the spelling, or write it "
                "without the @.",
                "Nobody has the profile addresses %(handles)s. Check the spelling, or write "
                "them without the @.",
                len(unknown),
            )
            % {"handles": ", ".join(f"@{h}" for h in unknown)},
            field=field,
        )
    return members


def render_body(body: str, mentioned: list[User]) -> str:
    """Sanitised HTML with @mentions linked; headings sit below the page's own (h4 and down)."""
    return render_markdown(
        body,
        heading_offset=3,
        anchor_prefix=f"c{uuid4().hex[:8]}-",
        mention_urls={m.handle.lower(): m.get_absolute_url() for m in mentioned},
    )


def notify_mentions(*, key: str, author, mentioned: list[User], item: Item, url: str) -> None:
    """Tell each member mentioned who may read the item (others are never told it exists)."""
    for member in mentioned:
        if member.pk == author.pk or not can_view_item(member, item):
            continue
        notify(
            key=f"{key}:{member.pk}",
            recipient=member,
            category=EmailCategory.DISCUSSIONS,
            message=_("%(name)s mentioned you in “%(title)s”")
            % {"name": author.display_name, "title": item.title},
            url=url,
            email_template="notifications/email/notice",
        )


# --- Comments ----------------------------------------------------------------------------------


def _locked_item(item_id: int) -> Item:
    item = Item.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise Item.DoesNotExist
    return item


def _locked_comment(comment_id: int) -> Comment:
    comment = (
        Comment.objects.select_for_update().select_related("item", "author").filter(pk=comment_id)
    ).first()
    if comment is None:
        raise Comment.DoesNotExist
    return comment


def _check_slow_mode(item: Item, author) -> None:
    if not item.slow_mode_minutes or permissions.can_manage_discussion(author, item):
        return
    since = timezone.now() - timedelta(minutes=item.slow_mode_minutes)
    last = (
        Comment.objects.filter(item=item, author=author, created_at__gt=since)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if last is not None:
        wait = last + timedelta(minutes=item.slow_mode_minutes) - timezone.now()
        minutes = max(1, int(wait.total_seconds() // 60) + 1)
        raise DomainError(
            ngettext(
                "Slow mode is on in this discussion: you can comment again in %(n)s minute. "
                "Your text is kept below.",
                "Slow mode is on in this discussion: you can comment again in %(n)s minutes. "
                "Your text is kept below.",
                minutes,
            )
            % {"n": minutes},
            field="body",
        )


@transaction.atomic
def post_comment(*, item_id: int, author, body: str, parent_id: int | None = None) -> Comment:
    """Add a comment (or a reply: a reply to a reply joins the same thread, one level deep)."""
    item = _locked_item(item_id)  # serialises slow mode and the counters per discussion
    if not can_view_item(author, item):
        raise PermissionDenied
    refusal = permissions.comment_refusal(author, item)
    if refusal:
        raise DomainError(refusal)
    body = clean_body(body)
    parent = None
    if parent_id is not None:
        parent = Comment.objects.select_related("parent").filter(pk=parent_id, item=item).first()
        if parent is None:
            raise DomainError(_("The comment you replied to is not in this discussion."))
        if parent.parent_id:
            parent = parent.parent
        if parent.is_removed:
            raise DomainError(_("That comment was removed: reply to the discussion instead."))
    _check_slow_mode(item, author)
    mentioned = resolve_mentions(body)
    comment = Comment.objects.create(
        item=item, author=author, parent=parent, body=body, body_html=render_body(body, mentioned)
    )
    Item.objects.filter(pk=item.pk).update(comment_count=F("comment_count") + 1)
    url = comment.get_absolute_url()
    notify_mentions(
        key=f"mention:c{comment.pk}", author=author, mentioned=mentioned, item=item, url=url
    )
    told = {m.pk for m in mentioned} | {author.pk}
    if parent is not None:
        Comment.objects.filter(pk=parent.pk).update(reply_count=F("reply_count") + 1)
        if parent.author_id not in told and can_view_item(parent.author, item):
            notify(
                key=f"reply:c{comment.pk}",
                recipient=parent.author,
                category=EmailCategory.DISCUSSIONS,
                message=_("%(name)s replied to your comment on “%(title)s”")
                % {"name": author.display_name, "title": item.title},
                url=url,
                email_template="notifications/email/notice",
            )
            told.add(parent.author_id)
    if item.author_id not in told:
        # The author hears of every new comment under the bell; email is for mentions and replies.
        notify(
            key=f"comment:c{comment.pk}",
            recipient=item.author,
            category=EmailCategory.DISCUSSIONS,
            message=_("%(name)s commented on “%(title)s”")
            % {"name": author.display_name, "title": item.title},
            url=url,
        )
    return comment


@transaction.atomic
def edit_comment(*, comment_id: int, editor, body: str, version: int) -> Comment:
    """Change a comment's text, keeping the old text for moderators; an edit made from an older
    version than the stored one is refused (two tabs, or an edit racing another)."""
    comment = _locked_comment(comment_id)
    if not permissions.can_edit_comment(editor, comment):
        raise PermissionDenied
    if comment.version != version:
        raise ConflictError(
            _(
                "This comment was changed since you opened it. Your text is kept below; "
                "copy what you need and edit the current version."
            ),
            field="body",
        )
    body = clean_body(body)
    if body == comment.body:
        return comment
    mentioned = resolve_mentions(body)
    CommentEdit.objects.create(comment=comment, body=comment.body, edited_by=editor)
    comment.body = body
    comment.body_html = render_body(body, mentioned)
    comment.edited_at = timezone.now()
    comment.version += 1
    comment.save(update_fields=["body", "body_html", "edited_at", "version"])
    # Only members newly mentioned are told: each (comment, member) pair notifies once.
    notify_mentions(
        key=f"mention:c{comment.pk}",
        author=editor,
        mentioned=mentioned,
        item=comment.item,
        url=comment.get_absolute_url(),
    )
    return comment


@transaction.atomic
def remove_comment(*, comment_id: int, by) -> Comment:
    """Remove a comment (its author, or a moderator). The row stays for the moderators' record;
    pages show "comment removed" while it has replies, and nothing once it has none."""
    comment = _locked_comment(comment_id)
    if not permissions.can_remove_comment(by, comment):
        raise PermissionDenied
    Item.objects.select_for_update().filter(pk=comment.item_id).first()
    CommentEdit.objects.create(comment=comment, body=comment.body, edited_by=by)
    comment.removed_at = timezone.now()
    comment.removed_by = by
    comment.is_answer = False
    comment.save(update_fields=["removed_at", "removed_by", "is_answer"])
    Item.objects.filter(pk=comment.item_id, comment_count__gt=0).update(
        comment_count=F("comment_count") - 1
    )
    if comment.parent_id:
        Comment.objects.filter(pk=comment.parent_id, reply_count__gt=0).update(
            reply_count=F("reply_count") - 1
        )
    return comment


@transaction.atomic
def set_useful(*, comment_id: int, member, useful: bool) -> Comment:
    """Mark (or unmark) a comment useful; doing it twice counts once, even at the same instant
    (the unique constraint decides)."""
    comment = Comment.objects.select_related("item").filter(pk=comment_id).first()
    if comment is None:
        raise Comment.DoesNotExist
    if comment.author_id == getattr(member, "pk", None):
        raise DomainError(_("You cannot mark your own comment useful."))
    if comment.is_removed:
        raise DomainError(_("That comment was removed."))
    if not permissions.can_react(member, comment):
        raise PermissionDenied
    if useful:
        try:
            with transaction.atomic():
                CommentReaction.objects.create(comment=comment, member=member)
        except IntegrityError:
            return comment
        Comment.objects.filter(pk=comment.pk).update(useful_count=F("useful_count") + 1)
    else:
        deleted, _rows = CommentReaction.objects.filter(comment=comment, member=member).delete()
        if deleted:
            Comment.objects.filter(pk=comment.pk, useful_count__gt=0).update(
                useful_count=F("useful_count") - 1
            )
    comment.refresh_from_db(fields=["useful_count"])
    return comment


@transaction.atomic
def mark_answer(*, comment_id: int, by, is_answer: bool = True) -> Comment:
    """The item's authors (or a moderator) mark the comment that answers the question asked in
    the discussion; one per discussion, so marking another moves the mark."""
    comment = _locked_comment(comment_id)
    item = _locked_item(comment.item_id)
    if not permissions.can_manage_discussion(by, item):
        raise PermissionDenied
    if comment.is_removed:
        raise DomainError(_("That comment was removed."))
    if is_answer:
        Comment.objects.filter(item=item, is_answer=True).exclude(pk=comment.pk).update(
            is_answer=False
        )
    comment.is_answer = is_answer
    comment.save(update_fields=["is_answer"])
    if is_answer and comment.author_id != by.pk:
        notify(
            key=f"answer-mark:c{comment.pk}",
            recipient=comment.author,
            category=EmailCategory.DISCUSSIONS,
            message=_("Your comment on “%(title)s” was marked as the answer")
            % {"title": item.title},
            url=comment.get_absolute_url(),
        )
    return comment


@transaction.atomic
def set_discussion_options(*, item_id: int, by, locked: bool, slow_mode_minutes: int) -> Item:
    """Lock a heated discussion or slow it down (moderators and the item's authors)."""
    item = _locked_item(item_id)
    if not permissions.can_manage_discussion(by, item):
        raise PermissionDenied
    if not 0 <= slow_mode_minutes <= SLOW_MODE_MAX_MINUTES:
        raise DomainError(
            _("Slow mode is between 0 (off) and %(max)s minutes.") % {"max": SLOW_MODE_MAX_MINUTES},
            field="slow_mode_minutes",
        )
    item.discussion_locked = locked
    item.slow_mode_minutes = slow_mode_minutes
    item.save(update_fields=["discussion_locked", "slow_mode_minutes"])
    return item
