"""Writes for discussions: post, edit and remove comments, "useful" reactions, the answer mark,
locking and slow mode. Each function is one transaction and says everything it does."""

import re
from datetime import timedelta
from uuid import uuid4

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from govcommons.accounts.models import User
from govcommons.core.errors import ConflictError, DomainError
from govcommons.core.markdown import mentioned_handles, render_markdown
from govcommons.core.models import Item, ItemKind, ItemStatus
from govcommons.core.permissions import can_view_item
from govcommons.core.services import unique_item_slug
from govcommons.notifications.models import EmailCategory
from govcommons.notifications.services import notify
from govcommons.search import services as search_services

from . import permissions
from .models import (
    BODY_MAX_LENGTH,
    Answer,
    AnswerCitation,
    Comment,
    CommentEdit,
    CommentReaction,
    Question,
)

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
            raise DomainError(
                _("The comment you replied to is not in this discussion."), field="parent_id"
            )
        if parent.parent_id:
            parent = parent.parent
        if parent.is_removed:
            raise DomainError(
                _("That comment was removed: reply to the discussion instead."), field="parent_id"
            )
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


# --- Questions and answers ---------------------------------------------------------------------

TITLE_MAX_LENGTH = 200
# A link to a contribution in an answer ("/practices/<slug>/", on this site) cites it.
CITATION_RE = re.compile(r"/practices/([a-z0-9][a-z0-9_-]*)/?", re.IGNORECASE)
NOT_CONTRIBUTIONS = {"new", "drafts", "my-context"}
MAX_CITATIONS = 20
# How many answers a draft made from a question quotes (the accepted one first).
ANSWERS_IN_DRAFT = 3


def clean_title(title: str) -> str:
    title = " ".join((title or "").replace("\x00", "").split())
    if len(title) < 10:
        raise DomainError(
            _("Write the title as one clear sentence of at least 10 characters."), field="title"
        )
    if len(title) > TITLE_MAX_LENGTH:
        raise DomainError(
            _("Keep the title under %(limit)s characters; put the details below.")
            % {"limit": TITLE_MAX_LENGTH},
            field="title",
        )
    return title


def _summary_of(body: str) -> str:
    return " ".join(body.split())[:300]


@transaction.atomic
def ask_question(
    *, author, title: str, body: str = "", topics=(), language: str = "en"
) -> Question:
    """Ask the community: a question is published at once (questions are not peer reviewed)."""
    if not permissions.can_ask(author):
        raise PermissionDenied
    title = clean_title(title)
    body = clean_body(body) if (body or "").strip() else ""
    mentioned = resolve_mentions(body) if body else []
    item = Item.objects.create(
        kind=ItemKind.QUESTION,
        title=title,
        slug=unique_item_slug(title, "question"),
        summary=_summary_of(body),
        author=author,
        organization=author.organization,
        status=ItemStatus.PUBLISHED,
        published_at=timezone.now(),
        language=language,
    )
    question = Question.objects.create(
        item=item, body=body, body_html=render_body(body, mentioned) if body else ""
    )
    question.topics.set(topics)
    notify_mentions(
        key=f"mention:q{item.pk}",
        author=author,
        mentioned=mentioned,
        item=item,
        url=item.get_absolute_url(),
    )
    search_services.index_item(item.pk)
    return question


def _locked_question(question_id: int) -> Question:
    Item.objects.select_for_update().filter(pk=question_id).first()
    question = (
        Question.objects.select_related("item", "item__author").filter(pk=question_id).first()
    )
    if question is None:
        raise Question.DoesNotExist
    return question


@transaction.atomic
def edit_question(
    *,
    question_id: int,
    editor,
    title: str,
    body: str,
    topics=(),
    base_revision: int | None = None,
) -> Question:
    """Change the question; `base_revision` (the version the form was loaded at) refuses an
    edit that would overwrite someone else's newer one."""
    question = _locked_question(question_id)
    if not permissions.can_edit_question(editor, question):
        raise PermissionDenied
    check_unchanged_since(question.item, base_revision)
    title = clean_title(title)
    body = clean_body(body) if (body or "").strip() else ""
    mentioned = resolve_mentions(body) if body else []
    item = question.item
    item.title = title
    item.summary = _summary_of(body)
    item.revision_number += 1
    item.save(update_fields=["title", "summary", "revision_number", "updated_at"])
    question.body = body
    question.body_html = render_body(body, mentioned) if body else ""
    question.save(update_fields=["body", "body_html"])
    question.topics.set(topics)
    notify_mentions(
        key=f"mention:q{item.pk}",
        author=editor,
        mentioned=mentioned,
        item=item,
        url=item.get_absolute_url(),
    )
    search_services.index_item(item.pk)
    return question


def check_unchanged_since(item: Item, base_revision: int | None) -> None:
    """Refuse an edit made from a form loaded before someone else's edit (None: no check, for
    API clients that do not send the version)."""
    if base_revision is not None and base_revision != item.revision_number:
        raise ConflictError(
            _(
                "Someone else changed this while you were editing it. Your text is kept below; "
                "open the page again in another tab to see their version, then save yours."
            )
        )


def _cite_contributions(answer: Answer) -> None:
    """Record which published contributions the answer links to (replacing earlier ones)."""
    slugs = {
        slug.lower()
        for slug in CITATION_RE.findall(answer.body)
        if slug.lower() not in NOT_CONTRIBUTIONS
    }
    cited = list(
        Item.objects.filter(
            kind=ItemKind.PRACTICE, status=ItemStatus.PUBLISHED, slug__in=slugs
        ).values_list("pk", flat=True)[:MAX_CITATIONS]
    )
    AnswerCitation.objects.filter(answer=answer).exclude(item_id__in=cited).delete()
    known = set(answer.citations.values_list("item_id", flat=True))
    AnswerCitation.objects.bulk_create(
        AnswerCitation(answer=answer, item_id=pk) for pk in cited if pk not in known
    )


@transaction.atomic
def post_answer(*, question_id: int, author, body: str) -> Answer:
    question = _locked_question(question_id)
    item = question.item
    if not can_view_item(author, item):
        raise PermissionDenied
    refusal = permissions.answer_refusal(author, question)
    if refusal:
        raise DomainError(refusal)
    body = clean_body(body)
    mentioned = resolve_mentions(body)
    answer = Answer.objects.create(
        question=question, author=author, body=body, body_html=render_body(body, mentioned)
    )
    _cite_contributions(answer)
    Question.objects.filter(pk=question.pk).update(answer_count=F("answer_count") + 1)
    url = f"{item.get_absolute_url()}#answer-{answer.pk}"
    notify_mentions(
        key=f"mention:a{answer.pk}", author=author, mentioned=mentioned, item=item, url=url
    )
    if item.author_id != author.pk and item.author_id not in {m.pk for m in mentioned}:
        notify(
            key=f"answer:a{answer.pk}",
            recipient=item.author,
            category=EmailCategory.DISCUSSIONS,
            message=_("%(name)s answered your question “%(title)s”")
            % {"name": author.display_name, "title": item.title},
            url=url,
            email_template="notifications/email/notice",
        )
    search_services.index_item(item.pk)  # answers are searched with it
    return answer


def _locked_answer(answer_id: int) -> Answer:
    answer = (
        Answer.objects.select_for_update()
        .select_related("question", "question__item")
        .filter(pk=answer_id)
        .first()
    )
    if answer is None:
        raise Answer.DoesNotExist
    return answer


@transaction.atomic
def edit_answer(*, answer_id: int, editor, body: str, version: int) -> Answer:
    answer = _locked_answer(answer_id)
    if not permissions.can_edit_answer(editor, answer):
        raise PermissionDenied
    if answer.version != version:
        raise ConflictError(
            _(
                "This answer was changed since you opened it. Your text is kept below; "
                "copy what you need and edit the current version."
            ),
            field="body",
        )
    body = clean_body(body)
    mentioned = resolve_mentions(body)
    answer.body = body
    answer.body_html = render_body(body, mentioned)
    answer.edited_at = timezone.now()
    answer.version += 1
    answer.save(update_fields=["body", "body_html", "edited_at", "version"])
    _cite_contributions(answer)
    notify_mentions(
        key=f"mention:a{answer.pk}",
        author=editor,
        mentioned=mentioned,
        item=answer.question.item,
        url=f"{answer.question.item.get_absolute_url()}#answer-{answer.pk}",
    )
    search_services.index_item(answer.question_id)
    return answer


@transaction.atomic
def remove_answer(*, answer_id: int, by) -> Answer:
    """Remove an answer (its author or a moderator); its citations go, the row stays."""
    answer = _locked_answer(answer_id)
    if not permissions.can_remove_answer(by, answer):
        raise PermissionDenied
    question = _locked_question(answer.question_id)
    answer.removed_at = timezone.now()
    answer.save(update_fields=["removed_at"])
    answer.citations.all().delete()
    changes = {"answer_count": F("answer_count") - 1}
    if question.accepted_answer_id == answer.pk:
        changes["accepted_answer"] = None
    Question.objects.filter(pk=question.pk, answer_count__gt=0).update(**changes)
    search_services.index_item(question.pk)
    return answer


def _set_vote(votes, member, value: int) -> int:
    """Set the member's vote on a locked target to +1, -1 or 0 (withdrawn); the score change."""
    if value not in (-1, 0, 1):
        raise DomainError(_("A vote is up (1), down (-1) or withdrawn (0)."), field="value")
    existing = votes.filter(member=member).first()
    before = existing.value if existing else 0
    if value == before:
        return 0
    if existing and value:
        existing.value = value
        existing.save(update_fields=["value"])
    elif existing:
        existing.delete()
    else:
        votes.create(member=member, value=value)
    return value - before


def _check_vote(member, *, author_id: int, item: Item, removed: bool) -> None:
    if not can_view_item(member, item):
        raise PermissionDenied
    if removed or item.status != ItemStatus.PUBLISHED:
        raise DomainError(_("That was removed: votes are closed."))
    if author_id == member.pk:
        raise DomainError(_("You cannot vote on what you wrote yourself."))
    if not permissions.can_vote_on(member, author_id=author_id, item=item):
        raise PermissionDenied


@transaction.atomic
def vote_on_question(*, question_id: int, member, value: int) -> Question:
    """Vote a question up ("I need this answered too") or down; the row lock and the unique
    constraint make a double click count once."""
    question = _locked_question(question_id)
    _check_vote(member, author_id=question.item.author_id, item=question.item, removed=False)
    delta = _set_vote(question.votes, member, value)
    if delta:
        Question.objects.filter(pk=question.pk).update(score=F("score") + delta)
        question.refresh_from_db(fields=["score"])
    return question


@transaction.atomic
def vote_on_answer(*, answer_id: int, member, value: int) -> Answer:
    answer = _locked_answer(answer_id)
    _check_vote(
        member,
        author_id=answer.author_id,
        item=answer.question.item,
        removed=answer.is_removed,
    )
    delta = _set_vote(answer.votes, member, value)
    if delta:
        Answer.objects.filter(pk=answer.pk).update(score=F("score") + delta)
        answer.refresh_from_db(fields=["score"])
    return answer


@transaction.atomic
def accept_answer(*, question_id: int, by, answer_id: int | None) -> Question:
    """The asker marks the answer that solved it (None takes the mark back)."""
    question = _locked_question(question_id)
    if not permissions.can_accept_answer(by, question):
        raise PermissionDenied
    answer = None
    if answer_id is not None:
        answer = Answer.objects.filter(pk=answer_id, question=question).first()
        if answer is None:
            raise DomainError(_("That answer is not one of this question's answers."))
        if answer.is_removed:
            raise DomainError(_("That answer was removed."))
    question.accepted_answer = answer
    question.save(update_fields=["accepted_answer"])
    if answer is not None and answer.author_id != by.pk:
        notify(
            key=f"accepted:a{answer.pk}",
            recipient=answer.author,
            category=EmailCategory.DISCUSSIONS,
            message=_("Your answer to “%(title)s” was accepted") % {"title": question.item.title},
            url=f"{question.item.get_absolute_url()}#answer-{answer.pk}",
            email_template="notifications/email/notice",
        )
    return question


def best_answers(question: Question, limit: int = ANSWERS_IN_DRAFT) -> list[Answer]:
    """The accepted answer, then the best-voted others with a positive score."""
    answers = list(
        question.answers.filter(removed_at__isnull=True)
        .select_related("author")
        .order_by("-score", "created_at")[: limit + 1]
    )
    accepted = [a for a in answers if a.pk == question.accepted_answer_id]
    if question.accepted_answer_id and not accepted:
        accepted = [question.accepted_answer]
    others = [a for a in answers if a.pk != question.accepted_answer_id and a.score > 0]
    return (accepted + others)[:limit]


@transaction.atomic
def document_question(*, question_id: int, by):
    """Turn a question into a draft contribution prefilled from the best answers, crediting
    their authors in the text; the draft is the member's to complete and submit for review."""
    from govcommons.practices import services as practice_services
    from govcommons.practices.models import ContributionKind

    question = _locked_question(question_id)
    if not permissions.can_document_question(by, question):
        raise PermissionDenied
    existing = question.documented_in
    if (
        existing is not None
        and existing.status != ItemStatus.REMOVED
        and can_view_item(by, existing)
    ):
        # A second click (or a second tab) opens the draft already made instead of a copy.
        return existing.practice
    item = question.item
    question_url = settings.SITE_URL + item.get_absolute_url()
    answers = best_answers(question)
    quoted = []
    for answer in answers:
        quote = "\n".join(f"> {line}" for line in answer.body.splitlines())
        quoted.append(
            _("%(quote)s\n\n(Answer by %(name)s)")
            % {"quote": quote, "name": answer.author.display_name}
        )
    credit = _("Based on the community question “%(title)s” (%(url)s)") % {
        "title": item.title,
        "url": question_url,
    }
    if answers:
        credit += _(", with answers by %(names)s.") % {
            "names": ", ".join(dict.fromkeys(a.author.display_name for a in answers))
        }
    else:
        credit += "."
    practice = practice_services.create_draft(
        author=by,
        data=practice_services.PracticeInput(
            fields={
                "title": item.title.rstrip("?")[:200],
                "summary": item.summary,
                "contribution_kind": ContributionKind.PRACTICAL_TIP,
                "language": item.language,
                "challenge": question.body,
                "approach": "\n\n".join(quoted),
                "context": credit,
            },
            topics=list(question.topics.all()),
        ),
        message=_("Drafted from the question “%(title)s”") % {"title": item.title},
    )
    question.documented_in = practice.item
    question.save(update_fields=["documented_in"])
    return practice
