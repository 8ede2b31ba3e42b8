"""Writes for the ideas board: propose, edit, vote (once each), move through the states, and
link what came of it. The state machine is TRANSITIONS plus move_idea."""

import math
from datetime import UTC, datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govcommons.core.errors import DomainError
from govcommons.core.models import Item, ItemKind, ItemStatus
from govcommons.core.permissions import can_view_item
from govcommons.core.services import unique_item_slug
from govcommons.discussions.services import (
    check_unchanged_since,
    clean_title,
    notify_mentions,
    resolve_mentions,
)
from govcommons.notifications.models import EmailCategory
from govcommons.notifications.services import notify
from govcommons.search import services as search_services

from . import permissions
from .models import TEXT_MAX_LENGTH, Idea, IdeaEvent, IdeaState, IdeaVote

# Where an idea may go next; "declined" can be reopened when circumstances change.
TRANSITIONS: dict[str, set[str]] = {
    IdeaState.OPEN: {IdeaState.UNDER_CONSIDERATION, IdeaState.DECLINED},
    IdeaState.UNDER_CONSIDERATION: {IdeaState.SELECTED, IdeaState.OPEN, IdeaState.DECLINED},
    IdeaState.SELECTED: {IdeaState.PILOTED, IdeaState.DECLINED},
    IdeaState.PILOTED: {IdeaState.ADOPTED, IdeaState.DECLINED},
    IdeaState.ADOPTED: set(),
    IdeaState.DECLINED: {IdeaState.OPEN},
}
# A decline is always explained to the people who proposed and voted.
REASON_REQUIRED = {IdeaState.DECLINED}

# The ranking ("hot"): log10(votes) + age bonus. Each idea's score is fixed when it gets a vote
# and never changes with the clock, so it is stored and indexed. A newer idea starts higher:
# every 12.5 hours of newness is worth as much as ten times the votes.
HOT_EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
HOT_SECONDS_PER_DECADE = 45_000


def hot_score(votes: int, created_at: datetime) -> float:
    return round(
        math.log10(max(votes, 1))
        + (created_at - HOT_EPOCH).total_seconds() / HOT_SECONDS_PER_DECADE,
        7,
    )


def _clean_text(value: str, field: str, *, required: bool) -> str:
    value = (value or "").replace("\x00", "").strip()
    if not value:
        if required:
            raise DomainError(_("This part is needed: write a few sentences."), field=field)
        return ""
    if len(value) > TEXT_MAX_LENGTH:
        raise DomainError(
            _("Keep it under %(limit)s characters (this has %(length)s).")
            % {"limit": f"{TEXT_MAX_LENGTH:,}", "length": f"{len(value):,}"},
            field=field,
        )
    return value


def _clean_fields(
    *, title: str, problem: str, proposal: str, benefit: str, who_might_try: str
) -> tuple[dict, list]:
    fields = {
        "problem": _clean_text(problem, "problem", required=True),
        "proposal": _clean_text(proposal, "proposal", required=True),
        "benefit": _clean_text(benefit, "benefit", required=False),
        "who_might_try": _clean_text(who_might_try, "who_might_try", required=False),
    }
    mentioned = []
    for name, text in fields.items():
        if text:
            mentioned += resolve_mentions(text, field=name)
    return {"title": clean_title(title), **fields}, mentioned


@transaction.atomic
def propose_idea(
    *,
    author,
    title: str,
    problem: str,
    proposal: str,
    benefit: str = "",
    who_might_try: str = "",
    topics=(),
    language: str = "en",
) -> Idea:
    """A member proposes an idea; it is on the board at once, open for votes."""
    if not permissions.can_propose(author):
        raise PermissionDenied
    fields, mentioned = _clean_fields(
        title=title,
        problem=problem,
        proposal=proposal,
        benefit=benefit,
        who_might_try=who_might_try,
    )
    now = timezone.now()
    item = Item.objects.create(
        kind=ItemKind.IDEA,
        title=fields.pop("title"),
        slug=unique_item_slug(title, "idea"),
        summary=" ".join(fields["problem"].split())[:300],
        author=author,
        organization=author.organization,
        status=ItemStatus.PUBLISHED,
        published_at=now,
        language=language,
    )
    idea = Idea.objects.create(
        item=item, state_changed_at=now, hot_score=hot_score(0, item.created_at), **fields
    )
    idea.topics.set(topics)
    IdeaEvent.objects.create(idea=idea, actor=author, from_state="", to_state=IdeaState.OPEN)
    notify_mentions(
        key=f"mention:i{item.pk}",
        author=author,
        mentioned=mentioned,
        item=item,
        url=item.get_absolute_url(),
    )
    search_services.index_item(item.pk)
    return idea


def _locked_idea(idea_id: int) -> Idea:
    Item.objects.select_for_update().filter(pk=idea_id).first()
    idea = Idea.objects.select_related("item", "item__author").filter(pk=idea_id).first()
    if idea is None:
        raise Idea.DoesNotExist
    return idea


@transaction.atomic
def edit_idea(
    *,
    idea_id: int,
    editor,
    title: str,
    problem: str,
    proposal: str,
    benefit: str = "",
    who_might_try: str = "",
    topics=(),
    base_revision: int | None = None,
) -> Idea:
    """Change the idea; `base_revision` refuses an edit that would overwrite a newer one."""
    idea = _locked_idea(idea_id)
    if not permissions.can_edit_idea(editor, idea):
        raise PermissionDenied
    check_unchanged_since(idea.item, base_revision)
    fields, mentioned = _clean_fields(
        title=title,
        problem=problem,
        proposal=proposal,
        benefit=benefit,
        who_might_try=who_might_try,
    )
    item = idea.item
    item.title = fields.pop("title")
    item.summary = " ".join(fields["problem"].split())[:300]
    item.revision_number += 1
    item.save(update_fields=["title", "summary", "revision_number", "updated_at"])
    for name, value in fields.items():
        setattr(idea, name, value)
    idea.save(update_fields=list(fields))
    idea.topics.set(topics)
    notify_mentions(
        key=f"mention:i{item.pk}",
        author=editor,
        mentioned=mentioned,
        item=item,
        url=item.get_absolute_url(),
    )
    search_services.index_item(item.pk)
    return idea


def _check_vote(member, idea: Idea) -> None:
    if not can_view_item(member, idea.item):
        raise PermissionDenied
    refusal = permissions.vote_refusal(member, idea)
    if refusal:
        raise DomainError(refusal)


@transaction.atomic
def vote_for_idea(*, idea_id: int, member) -> Idea:
    """One vote per member: the row lock and the unique constraint make a double click (or
    two requests at once) count once."""
    idea = _locked_idea(idea_id)
    _check_vote(member, idea)
    _vote, created = IdeaVote.objects.get_or_create(idea=idea, member=member)
    if created:
        _recount(idea, +1)
    return idea


@transaction.atomic
def withdraw_idea_vote(*, idea_id: int, member) -> Idea:
    idea = _locked_idea(idea_id)
    _check_vote(member, idea)
    deleted, _rows = IdeaVote.objects.filter(idea=idea, member=member).delete()
    if deleted:
        _recount(idea, -1)
    return idea


def _recount(idea: Idea, delta: int) -> None:
    idea.vote_count = max(0, idea.vote_count + delta)
    idea.hot_score = hot_score(idea.vote_count, idea.item.created_at)
    idea.save(update_fields=["vote_count", "hot_score"])


def _refuse_if_removed(idea: Idea) -> None:
    if idea.item.status == ItemStatus.REMOVED:
        raise DomainError(_("This idea was removed: it cannot change any more."))


def allowed_moves(idea: Idea) -> list[str]:
    return [state for state in IdeaState.values if state in TRANSITIONS[idea.state]]


@transaction.atomic
def move_idea(*, idea_id: int, to: str, by, reason: str = "") -> Idea:
    """Change an idea's state (moderators): checks TRANSITIONS, logs the change with its reason
    and tells the author."""
    idea = _locked_idea(idea_id)
    if not permissions.can_move_idea(by):
        raise PermissionDenied
    _refuse_if_removed(idea)
    if to not in IdeaState.values:
        raise DomainError(_("Choose one of the states offered."), field="to")
    if to not in TRANSITIONS[idea.state]:
        raise DomainError(
            _("An idea that is %(current)s cannot become %(target)s.")
            % {
                "current": idea.get_state_display().lower(),
                "target": IdeaState(to).label.lower(),
            },
            field="to",
        )
    reason = (reason or "").replace("\x00", "").strip()
    if to in REASON_REQUIRED and not reason:
        raise DomainError(
            _("Say why it is declined: the people who proposed and voted will read it."),
            field="reason",
        )
    if len(reason) > 2000:
        raise DomainError(_("Keep the reason under 2,000 characters."), field="reason")
    IdeaEvent.objects.create(idea=idea, actor=by, from_state=idea.state, to_state=to, reason=reason)
    idea.state = to
    idea.state_reason = reason
    idea.state_changed_at = timezone.now()
    idea.save(update_fields=["state", "state_reason", "state_changed_at"])
    if idea.item.author_id != by.pk:
        notify(
            key=f"idea-state:{idea.pk}:{IdeaEvent.objects.filter(idea=idea).count()}",
            recipient=idea.item.author,
            category=EmailCategory.IDEAS,
            message=_("Your idea “%(title)s” is now: %(state)s")
            % {"title": idea.item.title, "state": idea.get_state_display().lower()},
            url=idea.item.get_absolute_url(),
            email_template="notifications/email/notice",
            email_context={"details": reason},
        )
    return idea


@transaction.atomic
def link_outcome(*, idea_id: int, by, practice_item_id: int | None) -> Idea:
    """Say which published contribution implements the idea (None removes the link)."""
    idea = _locked_idea(idea_id)
    if not permissions.can_link_outcome(by, idea):
        raise PermissionDenied
    _refuse_if_removed(idea)
    practice_item = None
    if practice_item_id is not None:
        practice_item = Item.objects.filter(
            pk=practice_item_id, kind=ItemKind.PRACTICE, status=ItemStatus.PUBLISHED
        ).first()
        if practice_item is None or not can_view_item(by, practice_item):
            raise DomainError(_("Choose a published contribution you can read."), field="practice")
    idea.implemented_by = practice_item
    idea.save(update_fields=["implemented_by"])
    return idea
