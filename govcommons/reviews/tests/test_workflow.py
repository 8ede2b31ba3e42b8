"""The review state machine: every allowed move reached through a service and recorded; every
refused move refused with a clear message and nothing changed; re-review due dates."""

from datetime import date

import pytest
from django.test import override_settings

from govcommons.core.errors import ConflictError, DomainError
from govcommons.core.models import Item
from govcommons.notifications.models import Notification, OutgoingEmail
from govcommons.practices.models import LIVE_STATES, ContributionKind, Practice
from govcommons.practices.models import ContributionState as S
from govcommons.practices.tests.factories import write_draft
from govcommons.reviews import services, workflow
from govcommons.reviews.models import (
    ConflictOfInterest,
    EventKind,
    InvitationState,
    OutdatedFlag,
    Review,
    ReviewEvent,
    ReviewInvitation,
    ReviewPoint,
    Submission,
    SubmissionKind,
)
from govcommons.reviews.services import Decision
from govcommons.reviews.tests.factories import invite, published, review, revise, submitted

pytestmark = pytest.mark.django_db


def world() -> dict:
    """Everything a refused request must leave as it was."""
    return {
        "submissions": list(
            Submission.objects.order_by("pk").values_list(
                "pk", "state", "round", "revision_number", "decided_at", "evidence_level"
            )
        ),
        "events": list(ReviewEvent.objects.order_by("pk").values_list("pk", "kind", "to_state")),
        "invitations": list(ReviewInvitation.objects.order_by("pk").values_list("pk", "state")),
        "reviews": list(Review.objects.order_by("pk").values_list("pk", "round")),
        "points": list(ReviewPoint.objects.order_by("pk").values_list("pk", "response")),
        "practices": list(
            Practice.objects.order_by("pk").values_list(
                "pk", "state", "live_revision", "evidence_level", "last_reviewed_at"
            )
        ),
        "items": list(
            Item.objects.order_by("pk").values_list("pk", "status", "title", "revision_number")
        ),
        "flags": list(OutdatedFlag.objects.order_by("pk").values_list("pk", "resolved_at")),
        "conflicts": ConflictOfInterest.objects.count(),
        "notifications": Notification.objects.count(),
        "emails": OutgoingEmail.objects.count(),
    }


def reload(submission: Submission) -> Submission:
    return Submission.objects.select_related("practice__item").get(pk=submission.pk)


def last_transition() -> ReviewEvent:
    return ReviewEvent.objects.filter(kind=EventKind.TRANSITION).order_by("-pk").first()


# --- arranging a contribution in each state ----------------------------------------------------


def at_draft(cast):
    return write_draft(cast.author, topics=[cast.topic], co_authors=[cast.co_author])


def at_submitted(cast):
    return submitted(cast.author, cast.topic, co_authors=[cast.co_author])


def at_in_review(cast):
    submission = at_submitted(cast)
    invite(cast.editor, submission, cast.reviewer)
    return reload(submission)


def at_reviewed(cast, recommendation="accept"):
    submission = at_submitted(cast)
    review(invite(cast.editor, submission, cast.reviewer), recommendation)
    return reload(submission)


def at_changes_requested(cast):
    submission = at_reviewed(cast, "major_changes")
    services.decide(
        editor=cast.editor,
        submission_id=submission.pk,
        decision=Decision.REQUEST_CHANGES,
        note="Add the baseline figures.",
    )
    return reload(submission)


def at_accepted(cast):
    submission = at_reviewed(cast)
    services.decide(editor=cast.editor, submission_id=submission.pk, decision=Decision.ACCEPT)
    return reload(submission)


def at_published(cast):
    return published(
        cast.author, cast.topic, cast.editor, [cast.reviewer], co_authors=[cast.co_author]
    )


def at_declined(cast):
    submission = at_submitted(cast)
    services.decide(editor=cast.editor, submission_id=submission.pk, decision=Decision.DECLINE)
    return reload(submission)


def at_withdrawn(cast):
    submission = at_submitted(cast)
    services.withdraw(member=cast.author, submission_id=submission.pk)
    return reload(submission)


# --- each allowed move, through the service that makes it --------------------------------------
# Each returns (the practice, the submission or None, the expected actor, the expected reason).


def draft_to_submitted(cast):
    practice = at_draft(cast)
    submission = services.submit_for_review(
        member=cast.author, practice_id=practice.pk, note="Ready for review."
    )
    return practice, submission, cast.author, "Ready for review."


def submitted_to_in_review(cast):
    submission = at_submitted(cast)
    services.invite_reviewer(
        editor=cast.editor, submission_id=submission.pk, reviewer_id=cast.reviewer.pk
    )
    return submission.practice, submission, cast.editor, ""


def submitted_to_accepted(cast):
    """Only a minor edit is accepted without reviewers."""
    practice = at_published(cast)
    revise(cast.author, practice, cast.topic, title="Fixing potholes in six days")
    submission = services.submit_for_review(member=cast.author, practice_id=practice.pk, minor=True)
    services.decide(
        editor=cast.editor, submission_id=submission.pk, decision=Decision.ACCEPT, note="Typo fix."
    )
    return practice, submission, cast.editor, "Typo fix."


def submitted_to_declined(cast):
    submission = at_submitted(cast)
    services.decide(
        editor=cast.editor,
        submission_id=submission.pk,
        decision=Decision.DECLINE,
        note="Out of scope.",
    )
    return submission.practice, submission, cast.editor, "Out of scope."


def submitted_to_withdrawn(cast):
    submission = at_submitted(cast)
    services.withdraw(member=cast.co_author, submission_id=submission.pk, reason="Not ready.")
    return submission.practice, submission, cast.co_author, "Not ready."


def in_review_to_changes_requested(cast):
    submission = at_reviewed(cast, "major_changes")
    services.decide(
        editor=cast.editor,
        submission_id=submission.pk,
        decision=Decision.REQUEST_CHANGES,
        note="Add the baseline figures.",
    )
    return submission.practice, submission, cast.editor, "Add the baseline figures."


def in_review_to_accepted(cast):
    submission = at_reviewed(cast)
    services.decide(
        editor=cast.editor, submission_id=submission.pk, decision=Decision.ACCEPT, note="Good."
    )
    return submission.practice, submission, cast.editor, "Good."


def in_review_to_declined(cast):
    submission = at_reviewed(cast, "decline")
    services.decide(
        editor=cast.moderator,
        submission_id=submission.pk,
        decision=Decision.DECLINE,
        note="No evidence.",
    )
    return submission.practice, submission, cast.moderator, "No evidence."


def in_review_to_withdrawn(cast):
    submission = at_in_review(cast)
    services.withdraw(member=cast.author, submission_id=submission.pk, reason="Changed my mind.")
    return submission.practice, submission, cast.author, "Changed my mind."


def changes_requested_to_in_review(cast):
    submission = at_changes_requested(cast)
    revise(cast.author, submission.practice, cast.topic, title="With the baseline figures")
    services.resubmit(member=cast.author, submission_id=submission.pk, note="Figures added.")
    return submission.practice, submission, cast.author, "Figures added."


def changes_requested_to_withdrawn(cast):
    submission = at_changes_requested(cast)
    services.withdraw(member=cast.author, submission_id=submission.pk, reason="Too much work.")
    return submission.practice, submission, cast.author, "Too much work."


def accepted_to_published(cast):
    submission = at_accepted(cast)
    services.publish(
        editor=cast.editor, submission_id=submission.pk, evidence_level=2, note="Measured."
    )
    return submission.practice, submission, cast.editor, "Measured."


def published_to_outdated(cast):
    practice = at_published(cast)
    services.mark_outdated(editor=cast.editor, practice_id=practice.pk, reason="New law in 2025.")
    return practice, None, cast.editor, "New law in 2025."


def published_to_archived(cast):
    practice = at_published(cast)
    services.archive(editor=cast.moderator, practice_id=practice.pk, reason="Service closed.")
    return practice, None, cast.moderator, "Service closed."


def outdated_to_published(cast):
    practice, *_ = published_to_outdated(cast)
    services.confirm_current(editor=cast.editor, practice_id=practice.pk, note="Still true.")
    return practice, None, cast.editor, "Still true."


def outdated_to_archived(cast):
    practice, *_ = published_to_outdated(cast)
    services.archive(editor=cast.editor, practice_id=practice.pk, reason="Superseded.")
    return practice, None, cast.editor, "Superseded."


def archived_to_published(cast):
    practice, *_ = published_to_archived(cast)
    services.confirm_current(editor=cast.editor, practice_id=practice.pk, note="Reopened.")
    return practice, None, cast.editor, "Reopened."


def declined_to_submitted(cast):
    submission = at_declined(cast)
    again = services.submit_for_review(
        member=cast.author, practice_id=submission.practice_id, note="Reworked."
    )
    return submission.practice, again, cast.author, "Reworked."


def withdrawn_to_submitted(cast):
    submission = at_withdrawn(cast)
    again = services.submit_for_review(
        member=cast.co_author, practice_id=submission.practice_id, note="Back again."
    )
    return submission.practice, again, cast.co_author, "Back again."


MOVES = {
    (S.DRAFT, S.SUBMITTED): draft_to_submitted,
    (S.SUBMITTED, S.IN_REVIEW): submitted_to_in_review,
    (S.SUBMITTED, S.ACCEPTED): submitted_to_accepted,
    (S.SUBMITTED, S.DECLINED): submitted_to_declined,
    (S.SUBMITTED, S.WITHDRAWN): submitted_to_withdrawn,
    (S.IN_REVIEW, S.CHANGES_REQUESTED): in_review_to_changes_requested,
    (S.IN_REVIEW, S.ACCEPTED): in_review_to_accepted,
    (S.IN_REVIEW, S.DECLINED): in_review_to_declined,
    (S.IN_REVIEW, S.WITHDRAWN): in_review_to_withdrawn,
    (S.CHANGES_REQUESTED, S.IN_REVIEW): changes_requested_to_in_review,
    (S.CHANGES_REQUESTED, S.WITHDRAWN): changes_requested_to_withdrawn,
    (S.ACCEPTED, S.PUBLISHED): accepted_to_published,
    (S.PUBLISHED, S.OUTDATED): published_to_outdated,
    (S.PUBLISHED, S.ARCHIVED): published_to_archived,
    (S.OUTDATED, S.PUBLISHED): outdated_to_published,
    (S.OUTDATED, S.ARCHIVED): outdated_to_archived,
    (S.ARCHIVED, S.PUBLISHED): archived_to_published,
    (S.DECLINED, S.SUBMITTED): declined_to_submitted,
    (S.WITHDRAWN, S.SUBMITTED): withdrawn_to_submitted,
}

PRACTICE_MOVES = {
    (S.PUBLISHED, S.OUTDATED),
    (S.PUBLISHED, S.ARCHIVED),
    (S.OUTDATED, S.PUBLISHED),
    (S.OUTDATED, S.ARCHIVED),
    (S.ARCHIVED, S.PUBLISHED),
}


def test_every_move_in_the_table_is_tested_here():
    table = {(a, b) for a, targets in workflow.TRANSITIONS.items() for b in targets}
    assert set(MOVES) == table


@pytest.mark.parametrize(("from_state", "to_state"), list(MOVES), ids=lambda s: str(s))
def test_each_allowed_move_is_made_by_its_service_and_recorded(cast, from_state, to_state):
    make = MOVES[(from_state, to_state)]

    practice, submission, actor, reason = make(cast)

    event = last_transition()
    assert (event.actor, event.from_state, event.to_state, event.reason) == (
        actor,
        from_state,
        to_state,
        reason,
    )
    practice = Practice.objects.select_related("item").get(pk=practice.pk)
    if (from_state, to_state) in PRACTICE_MOVES:
        assert event.submission is None
        assert practice.state == to_state
    else:
        submission = reload(submission)
        assert event.submission == submission
        assert submission.state == to_state
        if submission.kind == SubmissionKind.FIRST:
            # A new contribution follows its submission until it is public.
            assert practice.state == to_state
        else:
            assert practice.state == S.PUBLISHED
    expected_status = "published" if practice.state in LIVE_STATES else "draft"
    assert practice.item.status == expected_status


def test_a_new_contribution_goes_public_only_when_published(cast):
    submission = at_accepted(cast)
    item = Item.objects.get(pk=submission.practice_id)
    assert (item.status, item.published_at) == ("draft", None)

    services.publish(editor=cast.editor, submission_id=submission.pk, evidence_level=4)

    item.refresh_from_db()
    assert item.status == "published"
    assert item.published_at is not None
    states = list(
        ReviewEvent.objects.filter(submission=submission, kind=EventKind.TRANSITION)
        .order_by("pk")
        .values_list("from_state", "to_state")
    )
    assert states == [
        (S.DRAFT, S.SUBMITTED),
        (S.SUBMITTED, S.IN_REVIEW),
        (S.IN_REVIEW, S.ACCEPTED),
        (S.ACCEPTED, S.PUBLISHED),
    ]


def test_a_decline_is_recorded_as_confidential_and_other_decisions_are_not(cast):
    declined = at_declined(cast)
    assert last_transition().confidential is True
    assert declined.decided_by == cast.editor

    in_review_to_accepted(cast)
    assert last_transition().confidential is False


# --- refused moves ------------------------------------------------------------------------------


def refused(call, error=ConflictError):
    """Run a refused request; return its message after checking that nothing changed."""
    before = world()
    with pytest.raises(error) as caught:
        call()
    assert world() == before
    return caught.value.message


def test_publishing_before_acceptance_is_refused(cast):
    submission = at_reviewed(cast)

    message = refused(
        lambda: services.publish(editor=cast.editor, submission_id=submission.pk, evidence_level=3)
    )

    assert message == "This is “In review” now, so it cannot move to “Published”."


def test_accepting_without_a_review_is_refused(cast):
    submission = at_in_review(cast)

    message = refused(
        lambda: services.decide(
            editor=cast.editor, submission_id=submission.pk, decision=Decision.ACCEPT
        ),
        DomainError,
    )

    assert message == "Accept after at least one review of this version."


def test_accepting_a_resubmission_needs_a_review_of_the_new_round(cast):
    submission = changes_requested_to_in_review(cast)[1]
    assert reload(submission).round == 2

    message = refused(
        lambda: services.decide(
            editor=cast.editor, submission_id=submission.pk, decision=Decision.ACCEPT
        ),
        DomainError,
    )

    assert message == "Accept after at least one review of this version."


def test_accepting_a_new_contribution_straight_from_submitted_is_refused(cast):
    submission = at_submitted(cast)

    message = refused(
        lambda: services.decide(
            editor=cast.editor, submission_id=submission.pk, decision=Decision.ACCEPT
        ),
        DomainError,
    )

    assert message == "Accept after at least one review of this version."


def test_requesting_changes_before_any_review_round_is_refused(cast):
    submission = at_submitted(cast)

    message = refused(
        lambda: services.decide(
            editor=cast.editor,
            submission_id=submission.pk,
            decision=Decision.REQUEST_CHANGES,
            note="More detail.",
        )
    )

    assert message == "This is “Submitted” now, so it cannot move to “Changes requested”."


def test_requesting_changes_without_saying_what_is_refused(cast):
    submission = at_reviewed(cast)

    message = refused(
        lambda: services.decide(
            editor=cast.editor,
            submission_id=submission.pk,
            decision=Decision.REQUEST_CHANGES,
            note="  ",
        ),
        DomainError,
    )

    assert message == "Tell the authors what to change."


def test_an_unknown_decision_is_refused(cast):
    submission = at_reviewed(cast)

    message = refused(
        lambda: services.decide(editor=cast.editor, submission_id=submission.pk, decision="maybe"),
        DomainError,
    )

    assert message == "Choose a decision."


def test_resubmitting_without_revising_is_refused(cast):
    submission = at_changes_requested(cast)

    message = refused(
        lambda: services.resubmit(member=cast.author, submission_id=submission.pk),
        DomainError,
    )

    assert message == (
        "Revise the contribution first: the reviewers have already read this version."
    )


def test_resubmitting_a_submission_in_review_is_refused(cast):
    submission = at_in_review(cast)

    message = refused(lambda: services.resubmit(member=cast.author, submission_id=submission.pk))

    assert message == (
        "Only a submission sent back for changes can be resubmitted; this one is in review."
    )


def test_resubmitting_a_submission_that_was_never_sent_back_is_refused(cast):
    """Only a submission sent back with changes requested can be resubmitted."""
    submission = submitted(cast.author, cast.topic)

    message = refused(lambda: services.resubmit(member=cast.author, submission_id=submission.pk))

    assert message == (
        "Only a submission sent back for changes can be resubmitted; this one is submitted."
    )


@pytest.mark.parametrize(
    ("decision", "note"),
    [
        (Decision.ACCEPT, ""),
        (Decision.DECLINE, ""),
        (Decision.REQUEST_CHANGES, "Please add figures."),
        (Decision.REQUEST_CHANGES, ""),
    ],
)
@pytest.mark.parametrize("reviewed", [True, False], ids=["reviewed", "not-reviewed"])
def test_deciding_on_a_withdrawn_submission_is_refused(cast, decision, note, reviewed):
    submission = at_reviewed(cast) if reviewed else at_in_review(cast)
    services.withdraw(member=cast.author, submission_id=submission.pk)

    message = refused(
        lambda: services.decide(
            editor=cast.editor, submission_id=submission.pk, decision=decision, note=note
        )
    )

    assert message.startswith("This is “Withdrawn” now, so it cannot move to")


def test_deciding_on_a_declined_submission_is_refused(cast):
    submission = at_declined(cast)

    message = refused(
        lambda: services.decide(
            editor=cast.editor, submission_id=submission.pk, decision=Decision.DECLINE
        )
    )

    assert message == "This is “Declined” now, so it cannot move to “Declined”."


def test_a_decision_taken_on_a_stale_page_is_refused(cast):
    submission = at_reviewed(cast)
    services.decide(editor=cast.moderator, submission_id=submission.pk, decision=Decision.ACCEPT)

    message = refused(
        lambda: services.decide(
            editor=cast.editor,
            submission_id=submission.pk,
            decision=Decision.DECLINE,
            expected_state=S.IN_REVIEW,
        )
    )

    assert message == (
        "Someone decided on this submission while you were looking: it is accepted now."
    )


def test_withdrawing_an_accepted_submission_is_refused(cast):
    submission = at_accepted(cast)

    message = refused(lambda: services.withdraw(member=cast.author, submission_id=submission.pk))

    assert message == "This is “Accepted” now, so it cannot move to “Withdrawn”."


def test_withdrawing_twice_is_refused(cast):
    submission = at_withdrawn(cast)

    message = refused(lambda: services.withdraw(member=cast.author, submission_id=submission.pk))

    assert message == "This is “Withdrawn” now, so it cannot move to “Withdrawn”."


def test_a_review_after_the_decision_is_refused(cast):
    submission = at_submitted(cast)
    first = invite(cast.editor, submission, cast.reviewer)
    second = invite(cast.editor, submission, cast.other_reviewer)
    review(first, "major_changes")
    services.decide(
        editor=cast.editor,
        submission_id=submission.pk,
        decision=Decision.REQUEST_CHANGES,
        note="Add figures.",
    )

    message = refused(lambda: review(second))

    assert message == (
        "This submission is changes requested now, so it takes no more reviews. Your text is "
        "still in the form if you want to keep a copy."
    )


def test_a_review_after_acceptance_is_refused_because_the_invitation_closed(cast):
    submission = at_submitted(cast)
    first = invite(cast.editor, submission, cast.reviewer)
    late = invite(cast.editor, submission, cast.other_reviewer)
    review(first)
    services.decide(editor=cast.editor, submission_id=submission.pk, decision=Decision.ACCEPT)
    late.refresh_from_db()
    assert late.state == InvitationState.CANCELLED

    message = refused(lambda: review(late))

    assert message.startswith("This submission is accepted now, so it takes no more reviews.")


def test_a_review_after_a_decline_is_refused(cast):
    submission = at_in_review(cast)
    invitation = ReviewInvitation.objects.get(submission=submission)
    services.decide(editor=cast.editor, submission_id=submission.pk, decision=Decision.DECLINE)

    message = refused(lambda: review(invitation))

    assert message == (
        "This submission is declined now, so it takes no more reviews. Your text is still in the "
        "form if you want to keep a copy."
    )


def test_reviewing_the_same_version_twice_is_refused(cast):
    submission = at_submitted(cast)
    invitation = invite(cast.editor, submission, cast.reviewer)
    review(invitation)

    message = refused(lambda: review(invitation))

    assert message == "You have already reviewed this version."


def test_inviting_on_a_declined_submission_is_refused(cast):
    submission = at_declined(cast)

    message = refused(
        lambda: services.invite_reviewer(
            editor=cast.editor, submission_id=submission.pk, reviewer_id=cast.reviewer.pk
        )
    )

    assert message == (
        "Reviewers are invited while a submission is submitted or in review; this one is declined."
    )


def test_inviting_the_same_reviewer_twice_is_refused(cast):
    submission = at_in_review(cast)

    message = refused(
        lambda: services.invite_reviewer(
            editor=cast.moderator, submission_id=submission.pk, reviewer_id=cast.reviewer.pk
        )
    )

    assert message == "Kadri Tamm is already invited."


def test_responding_twice_to_an_invitation_is_refused(cast):
    submission = at_in_review(cast)
    invitation = ReviewInvitation.objects.get(submission=submission)

    message = refused(
        lambda: services.respond_to_invitation(
            reviewer=cast.reviewer, invitation_id=invitation.pk, accept=False, reason="Busy"
        )
    )

    assert message == "You have already answered this invitation (accepted)."


def test_accepting_an_invitation_after_the_submission_was_declined_is_refused(cast):
    submission = at_submitted(cast)
    invitation = invite(cast.editor, submission, cast.reviewer, accept=False)
    services.decide(editor=cast.editor, submission_id=submission.pk, decision=Decision.DECLINE)

    message = refused(
        lambda: services.respond_to_invitation(
            reviewer=cast.reviewer, invitation_id=invitation.pk, accept=True
        )
    )

    assert message == "You have already answered this invitation (withdrawn by the editor)."


def test_cancelling_a_closed_invitation_is_refused(cast):
    submission = at_submitted(cast)
    invitation = invite(cast.editor, submission, cast.reviewer)
    review(invitation)

    message = refused(
        lambda: services.cancel_invitation(editor=cast.editor, invitation_id=invitation.pk)
    )

    assert message == "This invitation is no longer open."


def test_publishing_twice_is_refused(cast):
    practice = at_published(cast)
    submission = Submission.objects.get(practice=practice)

    message = refused(
        lambda: services.publish(editor=cast.editor, submission_id=submission.pk, evidence_level=5)
    )

    assert message == "This is “Published” now, so it cannot move to “Published”."


@pytest.mark.parametrize("level", [None, 0, 6])
def test_publishing_a_full_review_without_an_evidence_level_is_refused(cast, level):
    submission = at_accepted(cast)

    message = refused(
        lambda: services.publish(
            editor=cast.editor, submission_id=submission.pk, evidence_level=level
        ),
        DomainError,
    )

    assert message == "Choose the evidence level."


def test_submitting_a_contribution_already_with_the_editors_is_refused(cast):
    submission = at_in_review(cast)

    message = refused(
        lambda: services.submit_for_review(member=cast.author, practice_id=submission.practice_id)
    )

    assert message == "This contribution is already with the editors."


def test_submitting_a_published_contribution_without_changes_is_refused(cast):
    practice = at_published(cast)

    message = refused(
        lambda: services.submit_for_review(member=cast.author, practice_id=practice.pk),
        DomainError,
    )

    assert message == "Nothing has changed since the published version."


def test_a_new_contribution_cannot_be_sent_as_a_minor_edit(cast):
    practice = at_draft(cast)

    message = refused(
        lambda: services.submit_for_review(member=cast.author, practice_id=practice.pk, minor=True),
        DomainError,
    )

    assert message == "A new contribution is always reviewed in full."


def test_an_incomplete_draft_cannot_be_submitted(cast):
    practice = write_draft(cast.author, summary="", approach="", challenge="")

    message = refused(
        lambda: services.submit_for_review(member=cast.author, practice_id=practice.pk),
        DomainError,
    )

    assert message == (
        "Before submitting, fill in: summary, the challenge or the approach, at least one topic "
        "(editors and reviewers are matched by topic)."
    )


def test_marking_a_draft_outdated_is_refused(cast):
    practice = at_draft(cast)

    message = refused(
        lambda: services.mark_outdated(editor=cast.moderator, practice_id=practice.pk, reason="Old")
    )

    assert message == "This is “Draft” now, so it cannot move to “Outdated”."


def test_marking_an_outdated_contribution_outdated_again_is_refused(cast):
    practice = published_to_outdated(cast)[0]

    message = refused(
        lambda: services.mark_outdated(editor=cast.editor, practice_id=practice.pk, reason="Old")
    )

    assert message == "This is “Outdated” now, so it cannot move to “Outdated”."


def test_archiving_twice_is_refused(cast):
    practice = published_to_archived(cast)[0]

    message = refused(
        lambda: services.archive(editor=cast.editor, practice_id=practice.pk, reason="Again")
    )

    assert message == "This is “Archived” now, so it cannot move to “Archived”."


def test_confirming_a_draft_as_current_is_refused(cast):
    practice = at_draft(cast)

    message = refused(
        lambda: services.confirm_current(editor=cast.moderator, practice_id=practice.pk)
    )

    assert message == "Only a published contribution can be confirmed as current."


def test_answering_reviews_after_acceptance_is_refused(cast):
    submission = at_submitted(cast)
    invitation = invite(cast.editor, submission, cast.reviewer)
    review(invitation, criterion_comments={"clarity": "Define the acronyms."})
    services.decide(editor=cast.editor, submission_id=submission.pk, decision=Decision.ACCEPT)
    point = ReviewPoint.objects.get()

    message = refused(
        lambda: services.answer_points(
            member=cast.author, submission_id=submission.pk, answers={point.pk: "Done."}
        )
    )

    assert message == "The reviews of this submission can no longer be answered."


def test_check_move_names_both_states_in_plain_words():
    with pytest.raises(ConflictError) as caught:
        workflow.check_move(S.DRAFT, S.PUBLISHED)

    assert caught.value.message == "This is “Draft” now, so it cannot move to “Published”."
    assert caught.value.status_code == 409
    assert workflow.check_move(S.DRAFT, S.SUBMITTED) == workflow.Move(S.DRAFT, S.SUBMITTED)


# --- re-review due dates ------------------------------------------------------------------------


def practice_of(kind: str) -> Practice:
    return Practice(contribution_kind=kind)


@pytest.mark.parametrize(
    ("kind", "reviewed_on", "due_on"),
    [
        (ContributionKind.CASE_STUDY, date(2024, 3, 15), date(2026, 3, 15)),
        (ContributionKind.BEST_PRACTICE, date(2024, 1, 31), date(2026, 1, 31)),
        (ContributionKind.PRACTICAL_TIP, date(2024, 3, 15), date(2025, 3, 15)),
        (ContributionKind.TOOL_TEMPLATE, date(2024, 12, 31), date(2025, 12, 31)),
        # 29 February has no twin in a common year: the month's last day.
        (ContributionKind.CASE_STUDY, date(2024, 2, 29), date(2026, 2, 28)),
        (ContributionKind.PRACTICAL_TIP, date(2024, 2, 29), date(2025, 2, 28)),
        (ContributionKind.IMPLEMENTATION_GUIDE, date(2026, 2, 28), date(2028, 2, 28)),
    ],
)
def test_rereview_is_due_two_years_later_or_one_for_tips_and_tools(kind, reviewed_on, due_on):
    assert workflow.rereview_due(practice_of(kind), reviewed_on) == due_on


@pytest.mark.parametrize(
    ("months", "reviewed_on", "due_on"),
    [
        (1, date(2025, 1, 31), date(2025, 2, 28)),
        (1, date(2024, 1, 31), date(2024, 2, 29)),
        (1, date(2024, 3, 31), date(2024, 4, 30)),
        (1, date(2024, 12, 31), date(2025, 1, 31)),
        (2, date(2024, 12, 31), date(2025, 2, 28)),
        (13, date(2023, 1, 31), date(2024, 2, 29)),
        (12, date(2024, 12, 1), date(2025, 12, 1)),
        (36, date(2024, 11, 30), date(2027, 11, 30)),
    ],
)
def test_rereview_due_clamps_to_the_end_of_a_shorter_month(months, reviewed_on, due_on):
    with override_settings(REREVIEW_MONTHS=months):
        assert workflow.rereview_due(practice_of(ContributionKind.CASE_STUDY), reviewed_on) == (
            due_on
        )
