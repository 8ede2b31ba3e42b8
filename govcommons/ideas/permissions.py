"""Who may propose, edit, vote on, move and link ideas. Reading is core.permissions."""

from govcommons.accounts.permissions import can_moderate
from govcommons.core.models import ItemStatus
from govcommons.core.permissions import can_view_item, is_author

from .models import Idea, IdeaState

# Members vote while the idea is still being weighed; after a decision the count is history.
VOTING_STATES = {IdeaState.OPEN, IdeaState.UNDER_CONSIDERATION}


def can_propose(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_edit_idea(user, idea: Idea) -> bool:
    return bool(
        user.is_authenticated
        and idea.item.status != ItemStatus.REMOVED
        and (idea.item.author_id == user.pk or can_moderate(user))
    )


def vote_refusal(user, idea: Idea) -> str:
    """Why this member may not vote now (empty when they may): shown instead of the button."""
    from django.utils.translation import gettext as _

    if not user.is_authenticated:
        return _("Sign in to vote.")
    if not user.is_active:
        return _("Your account is suspended.")
    if idea.item.status != ItemStatus.PUBLISHED or not can_view_item(user, idea.item):
        return _("This idea is not open for votes.")
    if idea.item.author_id == user.pk:
        return _("You proposed this idea, so you cannot vote for it.")
    if idea.state not in VOTING_STATES:
        return _("Voting is closed: this idea is %(state)s.") % {
            "state": idea.get_state_display().lower()
        }
    return ""


def can_vote(user, idea: Idea) -> bool:
    return not vote_refusal(user, idea)


def can_move_idea(user) -> bool:
    """Only moderators change an idea's state (later also a community's own moderators)."""
    return can_moderate(user)


def can_link_outcome(user, idea: Idea) -> bool:
    """Say which contribution implements the idea: its authors or a moderator."""
    return bool(user.is_authenticated and (can_moderate(user) or is_author(user, idea.item)))
