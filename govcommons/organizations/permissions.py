"""Who may change the organisations directory."""

from govcommons.accounts.permissions import can_moderate


def can_edit_organizations(user) -> bool:
    """Moderators and administrators create and edit organisations."""
    return can_moderate(user)


def can_propose_organization(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_decide_proposals(user) -> bool:
    return can_moderate(user)
