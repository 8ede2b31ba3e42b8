"""Who may run, do and see peer review.

Editors are moderators (every topic) and members holding the editor role for a topic (the
submissions in that topic). Nobody handles or reviews a contribution they wrote.
"""

from django.db.models import Q, QuerySet
from django.utils import timezone

from govcommons.accounts.models import Role, RoleGrant
from govcommons.accounts.permissions import can_moderate, can_submit_for_review
from govcommons.core.permissions import can_view_item, is_author
from govcommons.practices.models import LIVE_STATES, ContributionState, Practice

from .models import (
    ConflictOfInterest,
    InvitationState,
    ReviewInvitation,
    Submission,
)

# States in which the editor can still invite reviewers and decide; while a round is in them,
# its reviews are between the reviewers and the editor.
DECIDING_STATES = (ContributionState.SUBMITTED, ContributionState.IN_REVIEW)
# States in which the authors may answer reviewers' points.
ANSWERABLE_STATES = (ContributionState.CHANGES_REQUESTED, ContributionState.IN_REVIEW)


def authors_can_read_review(submission: Submission, review) -> bool:
    """Authors read a round's reviews once the editor has decided on it, not while it runs."""
    return review.round < submission.round or submission.state not in DECIDING_STATES


def answerable_point_ids(submission: Submission, reviews) -> set[int]:
    """The points the authors may answer now: those of the latest round they can read."""
    readable = [r for r in reviews if authors_can_read_review(submission, r)]
    if submission.state not in ANSWERABLE_STATES or not readable:
        return set()
    latest = max(r.round for r in readable)
    return {p.pk for r in readable if r.round == latest for p in r.points.all()}


def editor_topic_ids(user) -> set[int] | None:
    """The topics a member edits; None means every topic (moderators); empty means none."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if can_moderate(user):
        return None
    cached = getattr(user, "_editor_topic_ids", None)
    if cached is None:
        cached = set(
            RoleGrant.objects.filter(
                member=user, role=Role.EDITOR, revoked_at__isnull=True
            ).values_list("topic_id", flat=True)
        )
        user._editor_topic_ids = cached
    return cached


def is_editor(user) -> bool:
    topics = editor_topic_ids(user)
    return topics is None or bool(topics)


def editable_submissions_q(user) -> Q:
    """A filter on Submission for the ones this editor handles (not their own contributions)."""
    topics = editor_topic_ids(user)
    if topics is not None and not topics:
        return Q(pk__in=[])
    own = Q(practice__item__author=user) | Q(practice__item__co_authors=user)
    if topics is None:
        return ~own
    return Q(practice__topics__in=topics) & ~own


def can_handle(user, submission: Submission) -> bool:
    """May this member invite reviewers, decide and publish this submission?"""
    topics = editor_topic_ids(user)
    if topics is not None and not topics:
        return False
    if is_author(user, submission.practice.item):
        return False
    if topics is None:
        return True
    return submission.practice.topics.filter(pk__in=topics).exists()


def can_handle_practice(user, practice: Practice) -> bool:
    """Re-review work on a published contribution (confirm current, mark outdated, archive)."""
    topics = editor_topic_ids(user)
    if topics is not None and not topics:
        return False
    if is_author(user, practice.item):
        return False
    return topics is None or practice.topics.filter(pk__in=topics).exists()


def invitation_for(user, submission: Submission) -> ReviewInvitation | None:
    """The member's invitation to review this submission, if they hold one that counts."""
    if not user.is_authenticated:
        return None
    return (
        submission.invitations.filter(
            reviewer=user,
            state__in=[
                InvitationState.INVITED,
                InvitationState.ACCEPTED,
                InvitationState.COMPLETED,
            ],
        )
        .order_by("-invited_at")
        .first()
    )


def can_view_submission(user, submission: Submission) -> bool:
    """Editors, the authors, and reviewers invited to it. Nobody else, even moderators' peers."""
    if not user.is_authenticated:
        return False
    if can_handle(user, submission) or is_author(user, submission.practice.item):
        return True
    return invitation_for(user, submission) is not None


def can_submit(user, practice: Practice) -> bool:
    return is_author(user, practice.item) and can_submit_for_review(user)


def can_write_review(user, invitation: ReviewInvitation) -> bool:
    return (
        invitation.reviewer_id == user.pk
        and invitation.state in (InvitationState.INVITED, InvitationState.ACCEPTED)
        and invitation.submission.state == ContributionState.IN_REVIEW
        and can_submit_for_review(user)
    )


def can_flag_outdated(user, practice: Practice) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and practice.state in LIVE_STATES
        and practice.state != ContributionState.ARCHIVED
        and can_view_item(user, practice.item)
    )


def conflicted_member_ids(practice: Practice) -> QuerySet:
    """Members who must never review this contribution: its authors, members of the authors'
    organisations, and anyone who declared a conflict with it, its organisations or authors."""
    from govcommons.accounts.models import User

    item = practice.item
    author_ids = [item.author_id, *item.co_authors.values_list("pk", flat=True)]
    org_ids = set(
        User.objects.filter(pk__in=author_ids, organization__isnull=False).values_list(
            "organization_id", flat=True
        )
    )
    if item.organization_id:
        org_ids.add(item.organization_id)
    declared = ConflictOfInterest.objects.filter(
        Q(practice=practice) | Q(organization__in=org_ids) | Q(person__in=author_ids)
    ).values("member_id")
    return User.objects.filter(
        Q(pk__in=author_ids) | Q(organization__in=org_ids) | Q(pk__in=declared)
    ).values("pk")


def is_conflicted(member, practice: Practice) -> bool:
    return conflicted_member_ids(practice).filter(pk=member.pk).exists()


def can_be_invited(member, practice: Practice) -> bool:
    return bool(member.is_active and member.is_verified and not is_conflicted(member, practice))


def overdue(invitation: ReviewInvitation) -> bool:
    return (
        invitation.state in (InvitationState.INVITED, InvitationState.ACCEPTED)
        and invitation.due_on < timezone.localdate()
    )
