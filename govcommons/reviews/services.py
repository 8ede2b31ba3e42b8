"""Every write in peer review: submit, invite, respond, review, decide, publish, resubmit,
withdraw; freshness (flags, re-review); declared conflicts; reminders.

Each function locks the submission (or the contribution) it changes, so two editors deciding at
once, or a reviewer submitting while the editor decides, serialise: the second sees the new state
and gets a clear refusal instead of a second transition or a lost review.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from govcommons.accounts.models import User
from govcommons.accounts.permissions import can_review
from govcommons.core.errors import ConflictError, DomainError
from govcommons.core.models import Item
from govcommons.core.permissions import is_author
from govcommons.notifications.models import EmailCategory
from govcommons.notifications.services import notify
from govcommons.practices import services as practice_services
from govcommons.practices.models import LIVE_STATES, Practice
from govcommons.practices.models import ContributionState as S
from govcommons.search import services as search_services

from . import permissions, workflow
from .models import (
    OPEN_STATES,
    ConflictOfInterest,
    Criterion,
    EventKind,
    InvitationState,
    OutdatedFlag,
    Recommendation,
    Review,
    ReviewInvitation,
    ReviewPoint,
    Submission,
    SubmissionKind,
)

EMAIL_TEMPLATE = "notifications/email/notice"


# --- helpers -----------------------------------------------------------------------------------


def _lock_submission(submission_id: int) -> Submission:
    """Lock the submission row, then read it with its contribution (fresh, after the lock)."""
    if not Submission.objects.select_for_update().filter(pk=submission_id).exists():
        raise Submission.DoesNotExist
    return Submission.objects.select_related("practice__item").get(pk=submission_id)


def _lock_practice(practice_id: int) -> Practice:
    Item.objects.select_for_update().filter(pk=practice_id).first()
    return Practice.objects.select_related("item").get(pk=practice_id)


def _authors(practice: Practice) -> list[User]:
    item = practice.item
    return [item.author, *item.co_authors.all()]


def _submission_url(submission: Submission) -> str:
    return reverse("reviews:submission", args=[submission.pk])


def _notify_many(members, *, key: str, message: str, url: str, details: str = "") -> None:
    for member in members:
        notify(
            key=f"{key}:{member.pk}",
            recipient=member,
            category=EmailCategory.REVIEWS,
            message=message,
            url=url,
            email_template=EMAIL_TEMPLATE,
            email_context={"details": details},
        )


def _editors_of(practice: Practice) -> list[User]:
    """Who is told about a new submission: the topic's editors, else the moderators."""
    from govcommons.accounts.models import Role

    authors = {m.pk for m in _authors(practice)}
    topic_ids = list(practice.topics.values_list("pk", flat=True))
    editors = list(
        User.objects.filter(
            is_active=True,
            role_grants__role=Role.EDITOR,
            role_grants__revoked_at__isnull=True,
            role_grants__topic__in=topic_ids,
        ).distinct()
    )
    if not editors:
        editors = list(User.objects.filter(is_active=True, is_moderator=True))
    return [m for m in editors if m.pk not in authors]


def _require_handler(editor, submission: Submission) -> None:
    if not permissions.can_handle(editor, submission):
        raise PermissionDenied(_("Only an editor for this topic can do that."))


# --- authors -----------------------------------------------------------------------------------


def _check_complete(practice: Practice) -> None:
    missing = []
    if not practice.item.summary.strip():
        missing.append(_("summary"))
    if not practice.approach.strip() and not practice.challenge.strip():
        missing.append(_("the challenge or the approach"))
    if not practice.topics.exists():
        missing.append(_("at least one topic (editors and reviewers are matched by topic)"))
    if missing:
        raise DomainError(
            _("Before submitting, fill in: %(fields)s.") % {"fields": ", ".join(missing)}
        )


@transaction.atomic
def submit_for_review(
    *, member, practice_id: int, note: str = "", minor: bool = False
) -> Submission:
    """Send a draft (or a published contribution's unpublished changes) to the editors."""
    practice = _lock_practice(practice_id)
    if not permissions.can_submit(member, practice):
        raise PermissionDenied(
            _("Only verified public servants who wrote it can submit a contribution for review.")
        )
    if Submission.objects.filter(practice=practice, state__in=OPEN_STATES).exists():
        raise ConflictError(_("This contribution is already with the editors."))
    if practice.state in LIVE_STATES:
        if practice.item.revision_number <= practice.live_revision:
            raise DomainError(_("Nothing has changed since the published version."))
        kind = SubmissionKind.MINOR if minor else SubmissionKind.REVISION
    else:
        if minor:
            raise DomainError(_("A new contribution is always reviewed in full."))
        kind = SubmissionKind.FIRST
    _check_complete(practice)
    try:
        with transaction.atomic():
            submission = workflow.open_submission(practice, kind, by=member, note=note)
    except IntegrityError as exc:
        raise ConflictError(_("This contribution is already with the editors.")) from exc
    _notify_many(
        _editors_of(practice),
        key=f"submitted:{submission.pk}",
        message=_("%(kind)s to handle: “%(title)s”")
        % {"kind": submission.get_kind_display(), "title": practice.item.title},
        url=_submission_url(submission),
    )
    return submission


@transaction.atomic
def withdraw(*, member, submission_id: int, reason: str = "") -> Submission:
    submission = _lock_submission(submission_id)
    if not is_author(member, submission.practice.item):
        raise PermissionDenied(_("Only the authors can withdraw a submission."))
    workflow.move_submission(submission, S.WITHDRAWN, by=member, reason=reason)
    _cancel_open_invitations(submission)
    return submission


@transaction.atomic
def answer_points(*, member, submission_id: int, answers: dict[int, str]) -> int:
    """The authors answer reviewers' points, one by one. Returns how many were answered."""
    submission = _lock_submission(submission_id)
    if not is_author(member, submission.practice.item):
        raise PermissionDenied
    if submission.state not in (S.CHANGES_REQUESTED, S.IN_REVIEW):
        raise ConflictError(_("The reviews of this submission can no longer be answered."))
    reviews = list(Review.objects.filter(submission=submission).prefetch_related("points"))
    # Only the points the authors may read and answer now; anything else is ignored.
    answerable = permissions.answerable_point_ids(submission, reviews) & set(answers)
    now = timezone.now()
    points = ReviewPoint.objects.filter(review__submission=submission, pk__in=answerable)
    count = 0
    for point in points:
        text = (answers.get(point.pk) or "").strip()
        if text and text != point.response:
            point.response = text[:5000]
            point.responded_at = now
            point.save(update_fields=["response", "responded_at"])
            count += 1
    if count:
        workflow.record(
            submission.practice, EventKind.AUTHOR_RESPONDED, by=member, submission=submission
        )
    return count


@transaction.atomic
def resubmit(*, member, submission_id: int, note: str = "") -> Submission:
    """Send a revised version back to the same reviewers for another round."""
    submission = _lock_submission(submission_id)
    practice = submission.practice
    if not permissions.can_submit(member, practice):
        raise PermissionDenied
    # The table also allows submitted -> in review, but that is the editor's move (inviting).
    if submission.state != S.CHANGES_REQUESTED:
        raise ConflictError(
            _("Only a submission sent back for changes can be resubmitted; this one is %(state)s.")
            % {"state": submission.get_state_display().lower()}
        )
    if practice.item.revision_number <= submission.revision_number:
        raise DomainError(
            _("Revise the contribution first: the reviewers have already read this version.")
        )
    now = timezone.now()
    submission.round += 1
    submission.revision_number = practice.item.revision_number
    submission.waiting_since = now
    submission.save(update_fields=["round", "revision_number", "waiting_since"])
    workflow.move_submission(
        submission,
        S.IN_REVIEW,
        by=member,
        reason=note or _("Revised and resubmitted (round %(n)s)") % {"n": submission.round},
    )
    reviewers = []
    for invitation in submission.invitations.filter(state=InvitationState.COMPLETED):
        invitation.state = InvitationState.ACCEPTED
        invitation.due_on = timezone.localdate() + timedelta(days=settings.REVIEW_DUE_DAYS)
        invitation.reminder_count = 0
        invitation.save(update_fields=["state", "due_on", "reminder_count"])
        reviewers.append(invitation.reviewer)
    _notify_many(
        reviewers,
        key=f"resubmitted:{submission.pk}:{submission.round}",
        message=_("A revised version of “%(title)s” is ready for your review")
        % {"title": practice.item.title},
        url=_submission_url(submission),
    )
    _notify_many(
        _handlers(submission),
        key=f"resubmitted-editor:{submission.pk}:{submission.round}",
        message=_("“%(title)s” was revised and resubmitted") % {"title": practice.item.title},
        url=_submission_url(submission),
    )
    return submission


def _handlers(submission: Submission) -> list[User]:
    """The editors who acted on this submission (invited reviewers or decided), else all."""
    ids = set(submission.invitations.exclude(invited_by=None).values_list("invited_by", flat=True))
    if ids:
        return list(User.objects.filter(pk__in=ids, is_active=True))
    return _editors_of(submission.practice)


# --- editors: reviewers ------------------------------------------------------------------------


@transaction.atomic
def invite_reviewer(
    *, editor, submission_id: int, reviewer_id: int, due_on: date | None = None
) -> ReviewInvitation:
    submission = _lock_submission(submission_id)
    _require_handler(editor, submission)
    practice = submission.practice
    if submission.state not in (S.SUBMITTED, S.IN_REVIEW):
        raise ConflictError(
            _(
                "Reviewers are invited while a submission is submitted or in review; "
                "this one is %(state)s."
            )
            % {"state": submission.get_state_display().lower()}
        )
    reviewer = User.objects.filter(pk=reviewer_id, is_active=True).first()
    if reviewer is None:
        raise DomainError(_("There is no such member."), field="reviewer")
    if reviewer.pk == editor.pk:
        raise DomainError(_("The editor of a submission does not review it too."), field="reviewer")
    if not permissions.can_be_invited(reviewer, practice):
        raise DomainError(
            _("%(name)s cannot review this contribution: a conflict of interest, or not verified.")
            % {"name": reviewer.display_name},
            field="reviewer",
        )
    today = timezone.localdate()
    due_on = due_on or today + timedelta(days=settings.REVIEW_DUE_DAYS)
    if due_on <= today:
        raise DomainError(_("The due date must be in the future."), field="due_on")
    try:
        with transaction.atomic():
            invitation = ReviewInvitation.objects.create(
                submission=submission,
                reviewer=reviewer,
                invited_by=editor,
                invited_at=timezone.now(),
                due_on=due_on,
            )
    except IntegrityError as exc:
        raise ConflictError(
            _("%(name)s is already invited.") % {"name": reviewer.display_name}
        ) from exc
    if submission.state == S.SUBMITTED:
        workflow.move_submission(submission, S.IN_REVIEW, by=editor)
    workflow.record(
        practice,
        EventKind.INVITED,
        by=editor,
        submission=submission,
        reason=reviewer.display_name,
        confidential=True,
    )
    _notify_many(
        [reviewer],
        key=f"invited:{invitation.pk}",
        message=_("You are invited to review “%(title)s” by %(due)s")
        % {"title": practice.item.title, "due": due_on.strftime("%d %B %Y")},
        url=reverse("reviews:invitation", args=[invitation.pk]),
        details=_("Accept or decline from the page linked below."),
    )
    return invitation


def _cancel_open_invitations(submission: Submission) -> None:
    submission.invitations.filter(
        state__in=[InvitationState.INVITED, InvitationState.ACCEPTED]
    ).update(state=InvitationState.CANCELLED, responded_at=timezone.now())


@transaction.atomic
def cancel_invitation(*, editor, invitation_id: int, reason: str = "") -> ReviewInvitation:
    """Withdraw an invitation (to reassign an overdue review, for example)."""
    invitation = ReviewInvitation.objects.select_related("submission").get(pk=invitation_id)
    submission = _lock_submission(invitation.submission_id)
    _require_handler(editor, submission)
    invitation.refresh_from_db()
    if invitation.state not in (InvitationState.INVITED, InvitationState.ACCEPTED):
        raise ConflictError(_("This invitation is no longer open."))
    invitation.state = InvitationState.CANCELLED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["state", "responded_at"])
    workflow.record(
        submission.practice,
        EventKind.INVITATION_CANCELLED,
        by=editor,
        submission=submission,
        reason=reason,
        confidential=True,
    )
    return invitation


@transaction.atomic
def respond_to_invitation(
    *, reviewer, invitation_id: int, accept: bool, reason: str = "", conflict: bool = False
) -> ReviewInvitation:
    """The invited reviewer accepts or declines; a declared conflict is remembered."""
    invitation = ReviewInvitation.objects.filter(pk=invitation_id, reviewer_id=reviewer.pk).first()
    if invitation is None:
        raise PermissionDenied
    submission = _lock_submission(invitation.submission_id)
    invitation.refresh_from_db()
    if invitation.state != InvitationState.INVITED:
        raise ConflictError(
            _("You have already answered this invitation (%(state)s).")
            % {"state": invitation.get_state_display().lower()}
        )
    if accept and submission.state not in (S.SUBMITTED, S.IN_REVIEW):
        raise ConflictError(_("This submission no longer needs reviewers."))
    invitation.state = InvitationState.ACCEPTED if accept else InvitationState.DECLINED
    invitation.responded_at = timezone.now()
    invitation.decline_reason = "" if accept else reason.strip()[:500]
    invitation.save(update_fields=["state", "responded_at", "decline_reason"])
    if conflict and not accept:
        ConflictOfInterest.objects.create(
            member=reviewer, practice=submission.practice, reason=reason.strip()[:500]
        )
    workflow.record(
        submission.practice,
        EventKind.INVITATION_ACCEPTED if accept else EventKind.INVITATION_DECLINED,
        by=reviewer,
        submission=submission,
        reason=invitation.decline_reason,
        confidential=True,
    )
    if not accept:
        _notify_many(
            [invitation.invited_by] if invitation.invited_by else _handlers(submission),
            key=f"declined:{invitation.pk}",
            message=_("%(name)s declined to review “%(title)s”: invite someone else")
            % {"name": reviewer.display_name, "title": submission.practice.item.title},
            url=_submission_url(submission),
        )
    return invitation


# --- reviewers ---------------------------------------------------------------------------------


@transaction.atomic
def submit_review(
    *,
    reviewer,
    invitation_id: int,
    scores: dict[str, int],
    recommendation: str,
    to_authors: str = "",
    to_editor: str = "",
    criterion_comments: dict[str, str] | None = None,
    inline_comments: dict[str, str] | None = None,
) -> Review:
    invitation = ReviewInvitation.objects.filter(pk=invitation_id, reviewer_id=reviewer.pk).first()
    if invitation is None:
        raise PermissionDenied
    submission = _lock_submission(invitation.submission_id)
    invitation.refresh_from_db()
    invitation.submission = submission
    if not can_review(reviewer):
        raise PermissionDenied(_("Only verified public servants can write reviews."))
    if not permissions.can_write_review(reviewer, invitation):
        if invitation.state == InvitationState.COMPLETED:
            raise ConflictError(_("You have already reviewed this version."))
        if submission.state == S.IN_REVIEW:
            # Still taking reviews, but not through this invitation (withdrawn or declined).
            raise ConflictError(
                _(
                    "This invitation is no longer open (%(state)s). Your text is still in the "
                    "form if you want to keep a copy."
                )
                % {"state": invitation.get_state_display().lower()}
            )
        raise ConflictError(
            _(
                "This submission is %(state)s now, so it takes no more reviews. Your text is "
                "still in the form if you want to keep a copy."
            )
            % {"state": submission.get_state_display().lower()}
        )
    if recommendation not in Recommendation.values:
        raise DomainError(_("Choose a recommendation."), field="recommendation")
    review = Review(
        invitation=invitation,
        submission=submission,
        reviewer=reviewer,
        round=submission.round,
        revision_number=submission.revision_number,
        recommendation=recommendation,
        to_authors=to_authors.strip(),
        to_editor=to_editor.strip(),
        submitted_at=timezone.now(),
        **{c.value: scores.get(c.value) for c in Criterion},
    )
    review.full_clean(exclude=["invitation", "submission", "reviewer"])
    review.save()
    points = [
        ReviewPoint(review=review, kind="criterion", target=name, text=text.strip())
        for name, text in (criterion_comments or {}).items()
        if name in Criterion.values and text and text.strip()
    ]
    points += [
        ReviewPoint(review=review, kind="inline", target=name, text=text.strip())
        for name, text in (inline_comments or {}).items()
        if name in practice_services.SNAPSHOT_LABELS and text and text.strip()
    ]
    for point in points:
        point.full_clean(exclude=["review"])
    ReviewPoint.objects.bulk_create(points)
    invitation.state = InvitationState.COMPLETED
    invitation.responded_at = invitation.responded_at or review.submitted_at
    invitation.save(update_fields=["state", "responded_at"])
    workflow.record(
        submission.practice, EventKind.REVIEW_SUBMITTED, by=reviewer, submission=submission
    )
    _notify_many(
        [invitation.invited_by] if invitation.invited_by else _handlers(submission),
        key=f"review:{review.pk}",
        message=_("Review received for “%(title)s”") % {"title": submission.practice.item.title},
        url=_submission_url(submission),
    )
    return review


# --- editors: decisions ------------------------------------------------------------------------


class Decision:
    REQUEST_CHANGES = "request_changes"
    ACCEPT = "accept"
    DECLINE = "decline"
    CHOICES = [
        (REQUEST_CHANGES, _("Request changes")),
        (ACCEPT, _("Accept")),
        (DECLINE, _("Decline")),
    ]


_DECISION_STATE = {
    Decision.REQUEST_CHANGES: S.CHANGES_REQUESTED,
    Decision.ACCEPT: S.ACCEPTED,
    Decision.DECLINE: S.DECLINED,
}


@transaction.atomic
def decide(
    *, editor, submission_id: int, decision: str, note: str = "", expected_state: str = ""
) -> Submission:
    """Request changes, accept or decline. `expected_state` is the state the editor saw: if
    another editor decided meanwhile, the second decision is refused instead of stacking up."""
    submission = _lock_submission(submission_id)
    _require_handler(editor, submission)
    if expected_state and submission.state != expected_state:
        raise ConflictError(
            _("Someone decided on this submission while you were looking: it is %(state)s now.")
            % {"state": submission.get_state_display().lower()}
        )
    to = _DECISION_STATE.get(decision)
    if to is None:
        raise DomainError(_("Choose a decision."), field="decision")
    # The state first: on a withdrawn submission, "add a note" or "needs a review" would mislead.
    workflow.check_move(submission.state, to)
    if decision == Decision.REQUEST_CHANGES and not note.strip():
        raise DomainError(_("Tell the authors what to change."), field="note")
    needs_review = decision == Decision.ACCEPT and submission.kind != SubmissionKind.MINOR
    if needs_review and not submission.reviews.filter(round=submission.round).exists():
        raise DomainError(_("Accept after at least one review of this version."))
    workflow.move_submission(
        submission, to, by=editor, reason=note, confidential=decision == Decision.DECLINE
    )
    now = timezone.now()
    submission.decided_at = now
    submission.decided_by = editor
    submission.save(update_fields=["decided_at", "decided_by"])
    if decision != Decision.REQUEST_CHANGES:
        _cancel_open_invitations(submission)
    title = submission.practice.item.title
    messages = {
        Decision.REQUEST_CHANGES: _("Changes requested on “%(title)s”: see the reviews"),
        Decision.ACCEPT: _("“%(title)s” is accepted; the editor will publish it"),
        Decision.DECLINE: _("“%(title)s” was not accepted"),
    }
    _notify_many(
        _authors(submission.practice),
        key=f"decision:{submission.pk}:{submission.round}:{decision}",
        message=messages[decision] % {"title": title},
        url=_submission_url(submission),
        details=note,
    )
    return submission


@transaction.atomic
def publish(
    *, editor, submission_id: int, evidence_level: int | None, note: str = ""
) -> Submission:
    """Publish an accepted submission: a new contribution goes public; a revision replaces the
    published version; the review date, evidence level and re-review date are set."""
    submission = _lock_submission(submission_id)
    _require_handler(editor, submission)
    workflow.check_move(submission.state, S.PUBLISHED)
    practice = _lock_practice(submission.practice_id)
    minor = submission.kind == SubmissionKind.MINOR
    if not minor and evidence_level not in (1, 2, 3, 4, 5):
        raise DomainError(_("Choose the evidence level."), field="evidence_level")
    now = timezone.now()
    if submission.kind in (SubmissionKind.REVISION, SubmissionKind.MINOR):
        practice_services.make_live(practice=practice, number=submission.revision_number)
    else:
        practice.live_revision = submission.revision_number
    submission.evidence_level = practice.evidence_level if minor else evidence_level
    submission.editor_note = note.strip()[:4000]
    submission.save(update_fields=["evidence_level", "editor_note"])
    submission.practice = practice
    workflow.move_submission(submission, S.PUBLISHED, by=editor, reason=note)
    fields = ["live_revision"]
    if not minor:
        practice.evidence_level = evidence_level
        practice.last_reviewed_at = now
        practice.rereview_due_on = workflow.rereview_due(practice, timezone.localdate())
        fields += ["evidence_level", "last_reviewed_at", "rereview_due_on"]
    practice.save(update_fields=fields)
    if not minor:
        OutdatedFlag.objects.filter(practice=practice, resolved_at__isnull=True).update(
            resolved_at=now, resolved_by=editor, resolution=_("Reviewed again and published")
        )
        if practice.state == S.OUTDATED:
            workflow.move_practice(practice, S.PUBLISHED, by=editor, reason=_("Reviewed again"))
    search_services.index_item(practice.pk)  # the published content and its evidence level
    _notify_many(
        _authors(practice),
        key=f"published:{submission.pk}",
        message=_("“%(title)s” is published") % {"title": practice.item.title},
        url=practice.get_absolute_url(),
        details=note,
    )
    return submission


@transaction.atomic
def rate_review(*, editor, review_id: int, quality: int) -> Review:
    review = Review.objects.select_related("submission__practice__item").get(pk=review_id)
    _require_handler(editor, review.submission)
    if quality not in (1, 2, 3, 4, 5):
        raise DomainError(_("Rate from 1 to 5."), field="quality")
    review.quality = quality
    review.save(update_fields=["quality"])
    return review


# --- freshness ---------------------------------------------------------------------------------


@transaction.atomic
def flag_outdated(*, member, practice_id: int, reason: str) -> OutdatedFlag:
    practice = _lock_practice(practice_id)
    if not permissions.can_flag_outdated(member, practice):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say what has changed, so the editors can check."), field="reason")
    try:
        with transaction.atomic():
            flag = OutdatedFlag.objects.create(practice=practice, flagged_by=member, reason=reason)
    except IntegrityError as exc:
        raise ConflictError(
            _("You have already flagged this contribution; the editors will look at it.")
        ) from exc
    workflow.record(practice, EventKind.FLAGGED_OUTDATED, by=member, reason=reason)
    return flag


def _require_practice_handler(editor, practice: Practice) -> None:
    if not permissions.can_handle_practice(editor, practice):
        raise PermissionDenied(_("Only an editor for this topic can do that."))


@transaction.atomic
def confirm_current(*, editor, practice_id: int, note: str = "") -> Practice:
    """Checked and still right: the re-review clock starts again and the flags close."""
    practice = _lock_practice(practice_id)
    _require_practice_handler(editor, practice)
    if practice.state not in LIVE_STATES:
        raise ConflictError(_("Only a published contribution can be confirmed as current."))
    now = timezone.now()
    if practice.state != S.PUBLISHED:
        workflow.move_practice(practice, S.PUBLISHED, by=editor, reason=note)
    practice.last_reviewed_at = now
    practice.rereview_due_on = workflow.rereview_due(practice, timezone.localdate())
    practice.save(update_fields=["last_reviewed_at", "rereview_due_on"])
    OutdatedFlag.objects.filter(practice=practice, resolved_at__isnull=True).update(
        resolved_at=now, resolved_by=editor, resolution=note[:300] or _("Confirmed as current")
    )
    workflow.record(practice, EventKind.CONFIRMED_CURRENT, by=editor, reason=note)
    search_services.index_item(practice.pk)
    return practice


@transaction.atomic
def mark_outdated(*, editor, practice_id: int, reason: str) -> Practice:
    practice = _lock_practice(practice_id)
    _require_practice_handler(editor, practice)
    if not reason.strip():
        raise DomainError(_("Say what is out of date."), field="reason")
    workflow.move_practice(practice, S.OUTDATED, by=editor, reason=reason)
    _notify_many(
        _authors(practice),
        key=f"outdated:{practice.pk}:{timezone.now():%Y%m%d%H%M%S}",
        message=_("“%(title)s” is marked outdated: please revise it")
        % {"title": practice.item.title},
        url=practice.get_absolute_url(),
        details=reason,
    )
    return practice


@transaction.atomic
def archive(*, editor, practice_id: int, reason: str) -> Practice:
    practice = _lock_practice(practice_id)
    _require_practice_handler(editor, practice)
    if not reason.strip():
        raise DomainError(_("Say why it is archived."), field="reason")
    workflow.move_practice(practice, S.ARCHIVED, by=editor, reason=reason)
    OutdatedFlag.objects.filter(practice=practice, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=editor, resolution=_("Archived")
    )
    return practice


# --- conflicts of interest ---------------------------------------------------------------------


@transaction.atomic
def declare_conflict(
    *, member, organization=None, person=None, practice=None, reason: str = ""
) -> ConflictOfInterest:
    if not member.is_authenticated:
        raise PermissionDenied
    conflict = ConflictOfInterest(
        member=member,
        organization=organization,
        person=person,
        practice=practice,
        reason=reason.strip()[:500],
    )
    if person is not None and person.pk == member.pk:
        raise DomainError(_("You cannot declare a conflict with yourself."), field="person")
    try:
        conflict.full_clean()
    except ValidationError as exc:
        raise DomainError(_("Choose an organisation or a person.")) from exc
    conflict.save()
    return conflict


@transaction.atomic
def remove_conflict(*, member, conflict_id: int) -> None:
    deleted, _rows = ConflictOfInterest.objects.filter(pk=conflict_id, member=member).delete()
    if not deleted:
        raise DomainError(_("This declaration is already gone."))


# --- the worker --------------------------------------------------------------------------------


def remind_overdue_reviewers() -> int:
    """Remind reviewers whose review is overdue, at most every REVIEW_REMINDER_EVERY_DAYS days.
    Idempotent: the reminder's key carries the date, so a re-run the same day sends nothing."""
    today = timezone.localdate()
    last_ok = timezone.now() - timedelta(days=settings.REVIEW_REMINDER_EVERY_DAYS)
    due = ReviewInvitation.objects.filter(
        state__in=[InvitationState.INVITED, InvitationState.ACCEPTED],
        due_on__lt=today,
        submission__state=S.IN_REVIEW,
    ).exclude(last_reminded_at__gt=last_ok)
    sent = 0
    for invitation_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            invitation = (
                ReviewInvitation.objects.select_for_update()
                .select_related("submission__practice__item", "reviewer")
                .get(pk=invitation_id)
            )
            # Read again under the lock: the review may have arrived since the list was made.
            still_due = (
                invitation.state in (InvitationState.INVITED, InvitationState.ACCEPTED)
                and invitation.submission.state == S.IN_REVIEW
            )
            if not still_due or (
                invitation.last_reminded_at and invitation.last_reminded_at > last_ok
            ):
                continue
            invitation.reminder_count += 1
            invitation.last_reminded_at = timezone.now()
            invitation.save(update_fields=["reminder_count", "last_reminded_at"])
            submission = invitation.submission
            workflow.record(
                submission.practice,
                EventKind.REMINDED,
                by=None,
                submission=submission,
                reason=invitation.reviewer.display_name,
                confidential=True,
            )
            _notify_many(
                [invitation.reviewer],
                key=f"reminded:{invitation.pk}:{today.isoformat()}",
                message=_("Reminder: your review of “%(title)s” was due on %(due)s")
                % {
                    "title": submission.practice.item.title,
                    "due": invitation.due_on.strftime("%d %B %Y"),
                },
                url=reverse("reviews:invitation", args=[invitation.pk]),
            )
            sent += 1
    return sent
