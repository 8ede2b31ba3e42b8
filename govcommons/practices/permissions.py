"""Who may write, publish, restore, adapt and adopt contributions. Reading is core.permissions."""

from govcommons.accounts.permissions import can_moderate, can_submit_for_review
from govcommons.core.models import ItemStatus
from govcommons.core.permissions import can_view_item, is_author


def can_create(user) -> bool:
    """Any signed-in member may write a draft; publishing needs verification."""
    return bool(user.is_authenticated and user.is_active)


def can_edit(user, practice) -> bool:
    if not user.is_authenticated or practice.item.status == ItemStatus.REMOVED:
        return False
    return is_author(user, practice.item) or can_moderate(user)


def can_publish(user, practice) -> bool:
    return (
        practice.item.status == ItemStatus.DRAFT
        and is_author(user, practice.item)
        and can_submit_for_review(user)
    )


def can_restore(user, practice) -> bool:
    return can_edit(user, practice)


def can_adapt(user, practice) -> bool:
    return (
        can_create(user)
        and practice.item.status == ItemStatus.PUBLISHED
        and can_view_item(user, practice.item)
    )


def can_report_for_any_organization(user) -> bool:
    return can_moderate(user)


def can_report_adoption(user, practice, organization=None) -> bool:
    """Members report adoptions for their own organisation; moderators for any."""
    if not (user.is_authenticated and practice.item.status == ItemStatus.PUBLISHED):
        return False
    if not can_view_item(user, practice.item):
        return False
    if can_moderate(user):
        return True
    if organization is None:
        return user.organization_id is not None
    return user.organization_id == organization.pk
