"""The peer review state machine: the one table of allowed moves and the one function that makes
them. Callers hold the submission's (or practice's) row lock; every move writes a ReviewEvent.

A new contribution's state is its first submission's state until it is published; afterwards
the contribution stays published (or outdated, archived) while revisions and minor edits go
through their own submissions.
"""

from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from govcommons.core.errors import ConflictError
from govcommons.core.models import Item, ItemStatus
from govcommons.practices.models import LIVE_STATES, ContributionKind, Practice
from govcommons.practices.models import ContributionState as S
from govcommons.search import services as search_services

from .models import EventKind, ReviewEvent, Submission, SubmissionKind

TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED},
    S.SUBMITTED: {S.IN_REVIEW, S.ACCEPTED, S.DECLINED, S.WITHDRAWN},
    S.IN_REVIEW: {S.CHANGES_REQUESTED, S.ACCEPTED, S.DECLINED, S.WITHDRAWN},
    # Resubmitted: the revised version goes straight back to the same reviewers.
    S.CHANGES_REQUESTED: {S.IN_REVIEW, S.WITHDRAWN},
    S.ACCEPTED: {S.PUBLISHED},
    S.PUBLISHED: {S.OUTDATED, S.ARCHIVED},
    S.OUTDATED: {S.PUBLISHED, S.ARCHIVED},
    S.ARCHIVED: {S.PUBLISHED},
    # The authors may rework a declined or withdrawn contribution and submit it again.
    S.DECLINED: {S.SUBMITTED},
    S.WITHDRAWN: {S.SUBMITTED},
}

# Months until re-review, by kind; practical tips and tools age faster.
REREVIEW_MONTHS_BY_KIND = {
    ContributionKind.PRACTICAL_TIP: 12,
    ContributionKind.TOOL_TEMPLATE: 12,
}


def rereview_months(kind: str) -> int:
    return REREVIEW_MONTHS_BY_KIND.get(kind, settings.REREVIEW_MONTHS)


def rereview_due(practice: Practice, reviewed_on: date) -> date:
    """The same day `months` later (the month's last day when that day does not exist)."""
    months = rereview_months(practice.contribution_kind)
    year, month = divmod(reviewed_on.month - 1 + months, 12)
    year += reviewed_on.year
    month += 1
    return reviewed_on.replace(
        year=year, month=month, day=min(reviewed_on.day, monthrange(year, month)[1])
    )


@dataclass(frozen=True)
class Move:
    from_state: str
    to_state: str


def check_move(current: str, to: str) -> Move:
    """Refuse a move the table does not allow, naming both states in plain words."""
    if to not in TRANSITIONS.get(current, set()):
        raise ConflictError(
            _("This is “%(current)s” now, so it cannot move to “%(to)s”.")
            % {"current": S(current).label, "to": S(to).label}
        )
    return Move(current, to)


def _set_practice_state(practice: Practice, to: str) -> None:
    now = timezone.now()
    practice.state = to
    practice.save(update_fields=["state"])
    item_status = ItemStatus.PUBLISHED if to in LIVE_STATES else ItemStatus.DRAFT
    item = practice.item
    if item.status == ItemStatus.REMOVED or item.status == item_status:
        # Outdated, archived or published again: the "peer reviewed" facet may change.
        search_services.index_item(item.pk)
        return
    item.status = item_status
    if item_status == ItemStatus.PUBLISHED and item.published_at is None:
        item.published_at = now
    Item.objects.filter(pk=item.pk).update(status=item.status, published_at=item.published_at)
    search_services.index_item(item.pk)


def move_submission(
    submission: Submission, to: str, *, by, reason: str = "", confidential: bool = False
) -> ReviewEvent:
    """Move a submission (and, for a new contribution, the contribution itself)."""
    move = check_move(submission.state, to)
    now = timezone.now()
    submission.state = to
    submission.state_changed_at = now
    submission.save(update_fields=["state", "state_changed_at"])
    practice = submission.practice
    if submission.kind == SubmissionKind.FIRST and practice.state not in LIVE_STATES:
        # The contribution follows its first submission until it is public.
        _set_practice_state(practice, to)
    return ReviewEvent.objects.create(
        practice=practice,
        submission=submission,
        kind=EventKind.TRANSITION,
        actor=by,
        from_state=move.from_state,
        to_state=move.to_state,
        reason=reason,
        confidential=confidential,
    )


def open_submission(practice: Practice, kind: str, *, by, note: str = "") -> Submission:
    """Put the contribution's latest version in front of the editors. The caller has checked
    that no submission is open (the unique constraint guards a race)."""
    now = timezone.now()
    from_state = practice.state
    if kind == SubmissionKind.FIRST:
        check_move(practice.state, S.SUBMITTED)
        _set_practice_state(practice, S.SUBMITTED)
    elif practice.state not in LIVE_STATES:
        raise ConflictError(_("Only a published contribution can have a revision reviewed."))
    submission = Submission.objects.create(
        practice=practice,
        kind=kind,
        state=S.SUBMITTED,
        revision_number=practice.item.revision_number,
        live_revision=practice.live_revision,
        submitted_by=by,
        submitted_at=now,
        waiting_since=now,
        state_changed_at=now,
        note_from_author=note,
    )
    ReviewEvent.objects.create(
        practice=practice,
        submission=submission,
        kind=EventKind.TRANSITION,
        actor=by,
        from_state=from_state if kind == SubmissionKind.FIRST else S.DRAFT,
        to_state=S.SUBMITTED,
        reason=note,
    )
    return submission


def move_practice(practice: Practice, to: str, *, by, reason: str = "") -> ReviewEvent:
    """Move a public contribution: outdated, archived, current again; or a new submission."""
    move = check_move(practice.state, to)
    _set_practice_state(practice, to)
    return ReviewEvent.objects.create(
        practice=practice,
        kind=EventKind.TRANSITION,
        actor=by,
        from_state=move.from_state,
        to_state=move.to_state,
        reason=reason,
    )


def record(practice: Practice, kind: str, *, by, submission=None, reason="", confidential=False):
    """An event that is not a state change (an invitation, a review, a flag)."""
    return ReviewEvent.objects.create(
        practice=practice,
        submission=submission,
        kind=kind,
        actor=by,
        reason=reason,
        confidential=confidential,
    )
