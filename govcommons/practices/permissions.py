"""Who may write, publish, restore, adapt and adopt contributions. Reading is core.permissions."""

from govcommons.accounts.permissions import can_moderate, can_submit_for_review
from govcommons.core.models import ItemStatus
from govcommons.core.permissions import can_view_item, is_author

from .models import LIVE_STATES, ContributionState

# While editors and reviewers read a version, its authors wait (or withdraw it to edit).
LOCKED_FOR_REVIEW = {
    ContributionState.SUBMITTED,
    ContributionState.IN_REVIEW,
    ContributionState.ACCEPTED,
}


def can_create(user) -> bool:
    """Any signed-in member may write a draft; publishing needs verification."""
    return bool(user.is_authenticated and user.is_active)


def can_edit(user, practice) -> bool:
    if not user.is_authenticated or practice.item.status == ItemStatus.REMOVED:
        return False
    # Nobody edits while editors and reviewers read a version, moderators included: the
    # version published must be the one that was reviewed.
    if under_review(practice):
        return False
    return can_moderate(user) or is_author(user, practice.item)


def under_review(practice) -> bool:
    """Is a version of it with the editors now? (`open_submission_state` is annotated by
    selectors.get_practice_for; otherwise one query.)"""
    if practice.state in LOCKED_FOR_REVIEW:
        return True
    if practice.state not in LIVE_STATES:
        return False
    state = getattr(practice, "open_submission_state", None)
    if state is None and not hasattr(practice, "open_submission_state"):
        from govcommons.reviews.models import OPEN_STATES

        state = (
            practice.submissions.filter(state__in=OPEN_STATES)
            .values_list("state", flat=True)
            .first()
        )
    return state in LOCKED_FOR_REVIEW


def can_publish(user, practice) -> bool:
    """May submit it for review: a draft, a returned or withdrawn one, or unpublished changes."""
    if not (is_author(user, practice.item) and can_submit_for_review(user)):
        return False
    if practice.state in (
        ContributionState.DRAFT,
        ContributionState.DECLINED,
        ContributionState.WITHDRAWN,
    ):
        return True
    return (
        practice.state in LIVE_STATES
        and practice.item.revision_number > practice.live_revision
        and not under_review(practice)
    )


def can_restore(user, practice) -> bool:
    return can_edit(user, practice)


def can_adapt(user, practice) -> bool:
    return can_create(user) and practice.state in LIVE_STATES and can_view_item(user, practice.item)


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
