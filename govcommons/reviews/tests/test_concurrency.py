"""Real races on the database: two threads, each with its own connection, released together.
The services lock the submission (or contribution) they change, so the second writer waits, reads
the new state and gets a clear refusal; SQLite serialises writers (IMMEDIATE transactions, busy
timeout), PostgreSQL blocks on select_for_update."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from govcommons.core.errors import ConflictError
from govcommons.notifications.models import Notification
from govcommons.practices.models import ContributionState as S
from govcommons.practices.models import Practice
from govcommons.practices.tests.factories import write_draft
from govcommons.reviews import services
from govcommons.reviews.models import (
    EventKind,
    InvitationState,
    OutdatedFlag,
    Review,
    ReviewEvent,
    ReviewInvitation,
    Submission,
)
from govcommons.reviews.services import Decision
from govcommons.reviews.tests.factories import GOOD_SCORES, invite, published, review, submitted

pytestmark = pytest.mark.django_db(transaction=True)

DECISIONS = [S.CHANGES_REQUESTED, S.ACCEPTED, S.DECLINED]


def race(**calls) -> dict[str, tuple[str, object]]:
    """Run each call in its own thread, all released at once. Returns name -> ("ok", result) |
    ("conflict", message) | ("error", repr)."""
    start = threading.Barrier(len(calls), timeout=30)
    outcomes: dict[str, tuple[str, object]] = {}

    def run(name, call):
        try:
            start.wait()
            outcomes[name] = ("ok", call())
        except ConflictError as error:
            outcomes[name] = ("conflict", error.message)
        except Exception as error:  # reported by the assertions of each test
            outcomes[name] = ("error", repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in calls.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def kinds(outcomes) -> list[str]:
    return sorted(kind for kind, _value in outcomes.values())


def transitions(submission) -> list[tuple[str, str]]:
    return list(
        ReviewEvent.objects.filter(submission=submission, kind=EventKind.TRANSITION)
        .order_by("pk")
        .values_list("from_state", "to_state")
    )


def test_two_editors_deciding_at_once_make_exactly_one_decision(cast):
    submission = submitted(cast.author, cast.topic, co_authors=[cast.co_author])
    review(invite(cast.editor, submission, cast.reviewer))
    notices = Notification.objects.count()

    outcomes = race(
        accept=lambda: services.decide(
            editor=cast.editor,
            submission_id=submission.pk,
            decision=Decision.ACCEPT,
            expected_state=S.IN_REVIEW,
        ),
        changes=lambda: services.decide(
            editor=cast.moderator,
            submission_id=submission.pk,
            decision=Decision.REQUEST_CHANGES,
            note="Add the baseline.",
            expected_state=S.IN_REVIEW,
        ),
    )

    assert kinds(outcomes) == ["conflict", "ok"], outcomes
    winner = next(name for name, (kind, _v) in outcomes.items() if kind == "ok")
    loser = "changes" if winner == "accept" else "accept"
    expected = S.ACCEPTED if winner == "accept" else S.CHANGES_REQUESTED
    submission.refresh_from_db()
    assert submission.state == expected
    assert submission.decided_by == (cast.editor if winner == "accept" else cast.moderator)
    assert transitions(submission)[-1] == (S.IN_REVIEW, expected)
    assert (
        ReviewEvent.objects.filter(
            submission=submission, kind=EventKind.TRANSITION, to_state__in=DECISIONS
        ).count()
        == 1
    )
    assert outcomes[loser][1] == (
        "Someone decided on this submission while you were looking: it is "
        f"{submission.get_state_display().lower()} now."
    )
    assert Practice.objects.get(pk=submission.practice_id).state == expected
    # The authors hear about one decision only.
    assert Notification.objects.count() == notices + 2


def test_two_editors_deciding_without_a_stale_check_still_make_one_decision(cast):
    submission = submitted(cast.author, cast.topic)
    review(invite(cast.editor, submission, cast.reviewer))

    outcomes = race(
        accept=lambda: services.decide(
            editor=cast.editor, submission_id=submission.pk, decision=Decision.ACCEPT
        ),
        decline=lambda: services.decide(
            editor=cast.moderator, submission_id=submission.pk, decision=Decision.DECLINE
        ),
    )

    assert kinds(outcomes) == ["conflict", "ok"], outcomes
    submission.refresh_from_db()
    winner = S.ACCEPTED if outcomes["accept"][0] == "ok" else S.DECLINED
    assert submission.state == winner
    assert transitions(submission)[-1] == (S.IN_REVIEW, winner)
    loser_message = outcomes["decline" if winner == S.ACCEPTED else "accept"][1]
    assert loser_message.startswith(f"This is “{S(winner).label}” now, so it cannot move to")


def test_a_review_racing_a_decline_is_either_in_before_it_or_refused(cast):
    submission = submitted(cast.author, cast.topic)
    invitation = invite(cast.editor, submission, cast.reviewer)

    outcomes = race(
        review=lambda: services.submit_review(
            reviewer=cast.reviewer,
            invitation_id=invitation.pk,
            scores=GOOD_SCORES,
            recommendation="accept",
            to_authors="Clear.",
        ),
        decline=lambda: services.decide(
            editor=cast.editor, submission_id=submission.pk, decision=Decision.DECLINE
        ),
    )

    assert outcomes["decline"][0] == "ok", outcomes
    assert outcomes["review"][0] in ("ok", "conflict"), outcomes
    submission.refresh_from_db()
    invitation.refresh_from_db()
    assert submission.state == S.DECLINED
    decline = ReviewEvent.objects.get(
        submission=submission, kind=EventKind.TRANSITION, to_state=S.DECLINED
    )
    reviewed = ReviewEvent.objects.filter(submission=submission, kind=EventKind.REVIEW_SUBMITTED)
    if outcomes["review"][0] == "ok":
        # The review landed first: the editor declined with it in front of them.
        assert Review.objects.filter(submission=submission).count() == 1
        assert invitation.state == InvitationState.COMPLETED
        assert reviewed.get().pk < decline.pk
    else:
        assert outcomes["review"][1] == (
            "This submission is declined now, so it takes no more reviews. Your text is still "
            "in the form if you want to keep a copy."
        )
        assert Review.objects.filter(submission=submission).count() == 0
        assert invitation.state == InvitationState.CANCELLED
        assert reviewed.count() == 0


def test_two_editors_inviting_the_same_reviewer_at_once_make_one_invitation(cast):
    submission = submitted(cast.author, cast.topic)

    outcomes = race(
        editor=lambda: services.invite_reviewer(
            editor=cast.editor, submission_id=submission.pk, reviewer_id=cast.reviewer.pk
        ),
        moderator=lambda: services.invite_reviewer(
            editor=cast.moderator, submission_id=submission.pk, reviewer_id=cast.reviewer.pk
        ),
    )

    assert kinds(outcomes) == ["conflict", "ok"], outcomes
    loser = next(kind_value for kind_value in outcomes.values() if kind_value[0] == "conflict")
    assert loser[1] == "Kadri Tamm is already invited."
    assert ReviewInvitation.objects.filter(submission=submission).count() == 1
    assert transitions(submission) == [(S.DRAFT, S.SUBMITTED), (S.SUBMITTED, S.IN_REVIEW)]
    assert ReviewEvent.objects.filter(submission=submission, kind=EventKind.INVITED).count() == 1
    assert Notification.objects.filter(recipient=cast.reviewer).count() == 1


def test_two_editors_inviting_two_reviewers_at_once_both_succeed(cast):
    submission = submitted(cast.author, cast.topic)

    outcomes = race(
        first=lambda: services.invite_reviewer(
            editor=cast.editor, submission_id=submission.pk, reviewer_id=cast.reviewer.pk
        ),
        second=lambda: services.invite_reviewer(
            editor=cast.moderator, submission_id=submission.pk, reviewer_id=cast.other_reviewer.pk
        ),
    )

    assert kinds(outcomes) == ["ok", "ok"], outcomes
    assert ReviewInvitation.objects.filter(submission=submission).count() == 2
    # Only the first invitation moves the submission into review.
    assert transitions(submission) == [(S.DRAFT, S.SUBMITTED), (S.SUBMITTED, S.IN_REVIEW)]


def test_submitting_twice_at_once_opens_one_submission(cast):
    practice = write_draft(cast.author, topics=[cast.topic], co_authors=[cast.co_author])

    outcomes = race(
        author=lambda: services.submit_for_review(member=cast.author, practice_id=practice.pk),
        co_author=lambda: services.submit_for_review(
            member=cast.co_author, practice_id=practice.pk
        ),
    )

    assert kinds(outcomes) == ["conflict", "ok"], outcomes
    loser = next(value for value in outcomes.values() if value[0] == "conflict")
    assert loser[1] == "This contribution is already with the editors."
    assert Submission.objects.filter(practice=practice).count() == 1
    assert ReviewEvent.objects.filter(practice=practice).count() == 1
    assert Practice.objects.get(pk=practice.pk).state == S.SUBMITTED
    assert Notification.objects.filter(recipient=cast.editor).count() == 1


def test_the_same_author_double_clicking_submit_opens_one_submission(cast):
    practice = write_draft(cast.author, topics=[cast.topic])

    outcomes = race(
        **{
            f"click{n}": lambda: services.submit_for_review(
                member=cast.author, practice_id=practice.pk
            )
            for n in range(2)
        }
    )

    assert kinds(outcomes) == ["conflict", "ok"], outcomes
    assert Submission.objects.filter(practice=practice).count() == 1


def test_flagging_twice_at_once_keeps_one_open_flag(cast):
    practice = published(cast.author, cast.topic, cast.editor, [cast.reviewer])

    outcomes = race(
        **{
            f"click{n}": lambda: services.flag_outdated(
                member=cast.member, practice_id=practice.pk, reason="The law changed."
            )
            for n in range(2)
        }
    )

    assert kinds(outcomes) == ["conflict", "ok"], outcomes
    assert OutdatedFlag.objects.filter(practice=practice).count() == 1
    assert ReviewEvent.objects.filter(kind=EventKind.FLAGGED_OUTDATED).count() == 1


def test_two_reminder_sweeps_at_once_remind_each_reviewer_once(cast):
    submission = submitted(cast.author, cast.topic)
    invite(cast.editor, submission, cast.reviewer)
    invite(cast.editor, submission, cast.other_reviewer, accept=False)
    ReviewInvitation.objects.update(due_on=timezone.localdate() - timedelta(days=1))

    outcomes = race(
        first=services.remind_overdue_reviewers, second=services.remind_overdue_reviewers
    )

    assert kinds(outcomes) == ["ok", "ok"], outcomes
    assert sum(value for _kind, value in outcomes.values()) == 2
    assert sorted(ReviewInvitation.objects.values_list("reminder_count", flat=True)) == [1, 1]
    assert ReviewEvent.objects.filter(kind=EventKind.REMINDED).count() == 2
    assert Notification.objects.filter(key__startswith="reminded:").count() == 2
