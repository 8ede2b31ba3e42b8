"""Peer review services beyond the bare state machine: who is told what, reviews and their
points, revisions of published contributions, freshness, conflicts and reminders."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from govcommons.core.errors import ConflictError, DomainError
from govcommons.core.models import Item
from govcommons.notifications.models import EmailCategory, Notification, OutgoingEmail
from govcommons.notifications.services import set_email_preference
from govcommons.practices import services as practice_services
from govcommons.practices.models import ContributionKind, Practice
from govcommons.practices.models import ContributionState as S
from govcommons.practices.tests.factories import write_draft
from govcommons.reviews import services, workflow
from govcommons.reviews.models import (
    ConflictOfInterest,
    EventKind,
    InvitationState,
    OutdatedFlag,
    PointKind,
    Review,
    ReviewEvent,
    ReviewInvitation,
    ReviewPoint,
    Submission,
    SubmissionKind,
)
from govcommons.reviews.services import Decision
from govcommons.reviews.tests.factories import (
    GOOD_SCORES,
    invite,
    published,
    review,
    revise,
    submitted,
)

pytestmark = pytest.mark.django_db

TITLE = "Fixing potholes in a week"


def world() -> dict:
    return {
        "submissions": list(
            Submission.objects.order_by("pk").values_list("pk", "state", "round", "kind")
        ),
        "events": ReviewEvent.objects.count(),
        "invitations": list(ReviewInvitation.objects.order_by("pk").values_list("pk", "state")),
        "reviews": Review.objects.count(),
        "points": list(ReviewPoint.objects.order_by("pk").values_list("pk", "response")),
        "practices": list(
            Practice.objects.order_by("pk").values_list(
                "pk",
                "state",
                "live_revision",
                "evidence_level",
                "last_reviewed_at",
                "rereview_due_on",
            )
        ),
        "items": list(Item.objects.order_by("pk").values_list("pk", "status", "title")),
        "flags": list(OutdatedFlag.objects.order_by("pk").values_list("pk", "resolved_at")),
        "conflicts": ConflictOfInterest.objects.count(),
        "notifications": Notification.objects.count(),
        "emails": OutgoingEmail.objects.count(),
    }


def notices_since(pk: int = 0) -> list[tuple[str, str]]:
    return list(
        Notification.objects.filter(pk__gt=pk)
        .order_by("pk")
        .values_list("recipient__display_name", "message")
    )


def last_notification_pk() -> int:
    return Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def fresh(practice) -> Practice:
    return Practice.objects.select_related("item").get(pk=practice.pk)


def reload(submission) -> Submission:
    return Submission.objects.select_related("practice__item").get(pk=submission.pk)


def publish_flow(cast, **fields) -> Practice:
    return published(
        cast.author,
        cast.topic,
        cast.editor,
        [cast.reviewer, cast.other_reviewer],
        co_authors=[cast.co_author],
        **fields,
    )


# --- who is told what, on a whole journey -------------------------------------------------------


def test_each_step_tells_exactly_the_people_who_must_act(cast):
    submission = submitted(cast.author, cast.topic, co_authors=[cast.co_author])
    first = invite(cast.editor, submission, cast.reviewer)
    second = invite(cast.editor, submission, cast.other_reviewer, accept=False)
    services.respond_to_invitation(
        reviewer=cast.other_reviewer, invitation_id=second.pk, accept=False, reason="On leave"
    )
    review(first, "major_changes")
    services.decide(
        editor=cast.editor,
        submission_id=submission.pk,
        decision=Decision.REQUEST_CHANGES,
        note="Add the baseline.",
    )
    revise(
        cast.author,
        submission.practice,
        cast.topic,
        approach="Crews by district, daily.",
        co_authors=[cast.co_author],
    )
    services.resubmit(member=cast.author, submission_id=submission.pk)
    review(ReviewInvitation.objects.get(pk=first.pk))
    services.decide(editor=cast.editor, submission_id=submission.pk, decision=Decision.ACCEPT)
    services.publish(editor=cast.editor, submission_id=submission.pk, evidence_level=3)

    due = (timezone.localdate() + timedelta(days=21)).strftime("%d %B %Y")
    assert notices_since() == [
        ("Editor Topic", f"New contribution to handle: “{TITLE}”"),
        ("Kadri Tamm", f"You are invited to review “{TITLE}” by {due}"),
        ("Aino Virtanen", f"You are invited to review “{TITLE}” by {due}"),
        ("Editor Topic", f"Aino Virtanen declined to review “{TITLE}”: invite someone else"),
        ("Editor Topic", f"Review received for “{TITLE}”"),
        ("Claire Martin", f"Changes requested on “{TITLE}”: see the reviews"),
        ("Marc Co", f"Changes requested on “{TITLE}”: see the reviews"),
        ("Kadri Tamm", f"A revised version of “{TITLE}” is ready for your review"),
        ("Editor Topic", f"“{TITLE}” was revised and resubmitted"),
        ("Editor Topic", f"Review received for “{TITLE}”"),
        ("Claire Martin", f"“{TITLE}” is accepted; the editor will publish it"),
        ("Marc Co", f"“{TITLE}” is accepted; the editor will publish it"),
        ("Claire Martin", f"“{TITLE}” is published"),
        ("Marc Co", f"“{TITLE}” is published"),
    ]
    # Every notice is also an email, in the reviews category, with the link to act on.
    assert OutgoingEmail.objects.count() == 14
    assert set(OutgoingEmail.objects.values_list("category", flat=True)) == {EmailCategory.REVIEWS}
    invitation_email = OutgoingEmail.objects.get(
        recipient=cast.reviewer, subject__contains="invited"
    )
    assert f"/reviews/invitations/{first.pk}/" in invitation_email.body_text


def test_a_new_submission_goes_to_the_moderators_when_its_topic_has_no_editor(
    cast, make_topic, make_member
):
    second_moderator = make_member(is_moderator=True, display_name="Second Mod")
    lonely = make_topic(name="Cemeteries")

    submitted(cast.author, lonely)

    assert sorted(r for r, _m in notices_since()) == ["Mo Derator", "Second Mod"]
    assert second_moderator.notifications.count() == 1


def test_a_member_who_turned_review_email_off_is_notified_without_email(cast):
    set_email_preference(member=cast.reviewer, category=EmailCategory.REVIEWS, enabled=False)
    submission = submitted(cast.author, cast.topic)

    invite(cast.editor, submission, cast.reviewer, accept=False)

    assert cast.reviewer.notifications.count() == 1
    assert OutgoingEmail.objects.filter(recipient=cast.reviewer).count() == 0


def test_a_revision_submission_is_announced_as_a_revision(cast):
    practice = publish_flow(cast)
    revise(cast.author, practice, cast.topic, title="Fixing potholes in five days")
    start = last_notification_pk()

    services.submit_for_review(member=cast.author, practice_id=practice.pk)

    assert notices_since(start) == [
        ("Editor Topic", f"Revision of a published contribution to handle: “{TITLE}”")
    ]


# --- submitting --------------------------------------------------------------------------------


def test_submitting_freezes_the_version_the_reviewers_read(cast):
    practice = write_draft(cast.author, topics=[cast.topic])

    submission = services.submit_for_review(
        member=cast.author, practice_id=practice.pk, note="Please look at the outcomes."
    )

    assert (submission.kind, submission.state, submission.round) == (
        SubmissionKind.FIRST,
        S.SUBMITTED,
        1,
    )
    assert submission.revision_number == 1
    assert submission.live_revision == 0
    assert submission.note_from_author == "Please look at the outcomes."
    assert submission.submitted_by == cast.author
    assert submission.waiting_since == submission.submitted_at
    assert fresh(practice).state == S.SUBMITTED


def test_a_declined_contribution_can_be_reworked_and_submitted_as_a_new_submission(cast):
    first = submitted(cast.author, cast.topic)
    services.decide(editor=cast.editor, submission_id=first.pk, decision=Decision.DECLINE)
    revise(cast.author, first.practice, cast.topic, approach="A different approach.")

    second = services.submit_for_review(member=cast.author, practice_id=first.practice_id)

    assert second.pk != first.pk
    assert (second.kind, second.state, second.revision_number) == (
        SubmissionKind.FIRST,
        S.SUBMITTED,
        2,
    )
    assert reload(first).state == S.DECLINED


# --- invitations -------------------------------------------------------------------------------


def test_inviting_sets_the_due_date_and_moves_the_submission_into_review(cast, settings):
    settings.REVIEW_DUE_DAYS = 14
    submission = submitted(cast.author, cast.topic)

    invitation = services.invite_reviewer(
        editor=cast.editor, submission_id=submission.pk, reviewer_id=cast.reviewer.pk
    )

    assert invitation.due_on == timezone.localdate() + timedelta(days=14)
    assert (invitation.state, invitation.invited_by) == (InvitationState.INVITED, cast.editor)
    assert reload(submission).state == S.IN_REVIEW
    event = ReviewEvent.objects.get(kind=EventKind.INVITED)
    assert (event.actor, event.reason, event.confidential) == (cast.editor, "Kadri Tamm", True)


def test_a_due_date_in_the_past_or_today_is_refused(cast):
    submission = submitted(cast.author, cast.topic)
    before = world()

    with pytest.raises(DomainError) as caught:
        services.invite_reviewer(
            editor=cast.editor,
            submission_id=submission.pk,
            reviewer_id=cast.reviewer.pk,
            due_on=timezone.localdate(),
        )

    assert (caught.value.message, caught.value.field) == (
        "The due date must be in the future.",
        "due_on",
    )
    assert world() == before


def test_inviting_an_unknown_or_inactive_member_is_refused(cast, make_member):
    submission = submitted(cast.author, cast.topic)
    gone = make_member(verified=True, is_active=False)
    before = world()

    for reviewer_id in (gone.pk, 987654):
        with pytest.raises(DomainError) as caught:
            services.invite_reviewer(
                editor=cast.editor, submission_id=submission.pk, reviewer_id=reviewer_id
            )
        assert (caught.value.message, caught.value.field) == (
            "There is no such member.",
            "reviewer",
        )

    assert world() == before


def test_a_cancelled_invitation_frees_the_place_for_the_same_or_another_reviewer(cast):
    submission = submitted(cast.author, cast.topic)
    invitation = invite(cast.editor, submission, cast.reviewer)

    services.cancel_invitation(editor=cast.editor, invitation_id=invitation.pk, reason="Overdue")
    other = services.invite_reviewer(
        editor=cast.editor, submission_id=submission.pk, reviewer_id=cast.other_reviewer.pk
    )
    again = services.invite_reviewer(
        editor=cast.moderator, submission_id=submission.pk, reviewer_id=cast.reviewer.pk
    )

    states = dict(ReviewInvitation.objects.values_list("pk", "state"))
    assert states == {
        invitation.pk: InvitationState.CANCELLED,
        other.pk: InvitationState.INVITED,
        again.pk: InvitationState.INVITED,
    }
    event = ReviewEvent.objects.get(kind=EventKind.INVITATION_CANCELLED)
    assert (event.actor, event.reason, event.confidential) == (cast.editor, "Overdue", True)


def test_a_cancelled_reviewer_cannot_send_a_review_through_that_invitation(cast):
    submission = submitted(cast.author, cast.topic)
    invitation = invite(cast.editor, submission, cast.reviewer)
    services.cancel_invitation(editor=cast.editor, invitation_id=invitation.pk)
    before = world()

    with pytest.raises(ConflictError) as caught:
        review(invitation)

    assert caught.value.message == (
        "This invitation is no longer open (withdrawn by the editor). Your text is still in the "
        "form if you want to keep a copy."
    )
    assert world() == before


def test_declining_with_a_conflict_remembers_it(cast):
    submission = submitted(cast.author, cast.topic)
    invitation = invite(cast.editor, submission, cast.reviewer, accept=False)

    services.respond_to_invitation(
        reviewer=cast.reviewer,
        invitation_id=invitation.pk,
        accept=False,
        reason="I advised the city on this.",
        conflict=True,
    )

    invitation.refresh_from_db()
    assert (invitation.state, invitation.decline_reason) == (
        InvitationState.DECLINED,
        "I advised the city on this.",
    )
    conflict = ConflictOfInterest.objects.get()
    assert (conflict.member, conflict.practice_id, conflict.reason) == (
        cast.reviewer,
        submission.practice_id,
        "I advised the city on this.",
    )
    event = ReviewEvent.objects.get(kind=EventKind.INVITATION_DECLINED)
    assert (event.actor, event.reason, event.confidential) == (
        cast.reviewer,
        "I advised the city on this.",
        True,
    )


def test_accepting_an_invitation_records_no_conflict_and_no_notice(cast):
    submission = submitted(cast.author, cast.topic)
    invitation = invite(cast.editor, submission, cast.reviewer, accept=False)
    start = last_notification_pk()

    services.respond_to_invitation(
        reviewer=cast.reviewer, invitation_id=invitation.pk, accept=True, conflict=True
    )

    invitation.refresh_from_db()
    assert invitation.state == InvitationState.ACCEPTED
    assert invitation.responded_at is not None
    assert ConflictOfInterest.objects.count() == 0
    assert notices_since(start) == []


# --- reviews -----------------------------------------------------------------------------------


def test_a_review_stores_scores_points_and_the_frozen_version(cast):
    submission = submitted(cast.author, cast.topic)
    invitation = invite(cast.editor, submission, cast.reviewer)

    written = services.submit_review(
        reviewer=cast.reviewer,
        invitation_id=invitation.pk,
        scores={
            "accuracy": 5,
            "evidence": 2,
            "transferability": 3,
            "clarity": 4,
            "completeness": 1,
        },
        recommendation="minor_changes",
        to_authors="  Good start.  ",
        to_editor="Between us: thin evidence.",
        criterion_comments={"evidence": "Where is the baseline?", "clarity": " ", "bogus": "x"},
        inline_comments={"approach": "Which districts?", "password": "ignored", "title": ""},
    )

    assert (written.round, written.revision_number, written.reviewer) == (1, 1, cast.reviewer)
    assert [s for _v, _l, s in written.scores] == [5, 2, 3, 4, 1]
    assert written.mean_score == 3.0
    assert (written.to_authors, written.to_editor) == ("Good start.", "Between us: thin evidence.")
    points = list(ReviewPoint.objects.order_by("pk").values_list("kind", "target", "text"))
    assert points == [
        (PointKind.CRITERION, "evidence", "Where is the baseline?"),
        (PointKind.INLINE, "approach", "Which districts?"),
    ]
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.COMPLETED


@pytest.mark.parametrize(
    "scores",
    [
        {**GOOD_SCORES, "accuracy": 6},
        {**GOOD_SCORES, "clarity": 0},
        {k: v for k, v in GOOD_SCORES.items() if k != "evidence"},
    ],
    ids=["six", "zero", "missing"],
)
def test_a_review_with_a_score_outside_one_to_five_is_refused(cast, scores):
    submission = submitted(cast.author, cast.topic)
    invitation = invite(cast.editor, submission, cast.reviewer)
    before = world()

    with pytest.raises(ValidationError):
        review(invitation, scores=scores)

    assert world() == before


def test_a_review_without_a_recommendation_is_refused(cast):
    submission = submitted(cast.author, cast.topic)
    invitation = invite(cast.editor, submission, cast.reviewer)
    before = world()

    with pytest.raises(DomainError) as caught:
        review(invitation, recommendation="")

    assert (caught.value.message, caught.value.field) == (
        "Choose a recommendation.",
        "recommendation",
    )
    assert world() == before


def test_an_invited_reviewer_may_review_without_accepting_first(cast):
    submission = submitted(cast.author, cast.topic)
    invitation = invite(cast.editor, submission, cast.reviewer, accept=False)

    written = review(invitation)

    assert written.invitation_id == invitation.pk
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.COMPLETED
    assert invitation.responded_at == written.submitted_at


def test_the_editor_rates_a_review_from_one_to_five(cast):
    submission = submitted(cast.author, cast.topic)
    written = review(invite(cast.editor, submission, cast.reviewer))

    services.rate_review(editor=cast.editor, review_id=written.pk, quality=5)

    written.refresh_from_db()
    assert written.quality == 5
    for bad in (0, 6):
        with pytest.raises(DomainError) as caught:
            services.rate_review(editor=cast.editor, review_id=written.pk, quality=bad)
        assert caught.value.message == "Rate from 1 to 5."
    written.refresh_from_db()
    assert written.quality == 5


# --- the authors answer and resubmit -----------------------------------------------------------


def requested(cast):
    submission = submitted(cast.author, cast.topic, co_authors=[cast.co_author])
    first = invite(cast.editor, submission, cast.reviewer)
    second = invite(cast.editor, submission, cast.other_reviewer)
    review(
        first,
        "major_changes",
        criterion_comments={"evidence": "Add the baseline."},
        inline_comments={"approach": "Which districts?"},
    )
    services.decide(
        editor=cast.editor,
        submission_id=submission.pk,
        decision=Decision.REQUEST_CHANGES,
        note="See the reviews.",
    )
    return reload(submission), first, second


def test_the_authors_answer_each_point_once(cast):
    submission, *_ = requested(cast)
    evidence, approach = ReviewPoint.objects.order_by("pk")

    answered = services.answer_points(
        member=cast.co_author,
        submission_id=submission.pk,
        answers={evidence.pk: " Added the 2023 figures. ", approach.pk: "", 999999: "Nothing"},
    )
    again = services.answer_points(
        member=cast.author,
        submission_id=submission.pk,
        answers={evidence.pk: "Added the 2023 figures."},
    )

    assert (answered, again) == (1, 0)
    evidence.refresh_from_db()
    approach.refresh_from_db()
    assert (evidence.response, approach.response) == ("Added the 2023 figures.", "")
    assert evidence.responded_at is not None
    events = ReviewEvent.objects.filter(kind=EventKind.AUTHOR_RESPONDED)
    assert list(events.values_list("actor", flat=True)) == [cast.co_author.pk]


def test_points_of_another_submission_are_not_answered(cast, make_member, make_organization):
    requested(cast)
    point = ReviewPoint.objects.order_by("pk").first()
    stranger = make_member(verified=True, organization=make_organization())
    own = submitted(stranger, cast.topic)
    review(invite(cast.editor, own, cast.reviewer), "major_changes")
    services.decide(
        editor=cast.editor, submission_id=own.pk, decision=Decision.REQUEST_CHANGES, note="More."
    )

    answered = services.answer_points(
        member=stranger, submission_id=own.pk, answers={point.pk: "Hijack"}
    )

    assert answered == 0
    point.refresh_from_db()
    assert point.response == ""


def test_resubmitting_starts_a_new_round_with_the_same_reviewers(cast, settings):
    settings.REVIEW_DUE_DAYS = 10
    submission, first, second = requested(cast)
    ReviewInvitation.objects.filter(pk=first.pk).update(reminder_count=2)
    revise(
        cast.author,
        submission.practice,
        cast.topic,
        approach="Crews by district, daily.",
        co_authors=[cast.co_author],
    )

    services.resubmit(member=cast.co_author, submission_id=submission.pk)

    submission = reload(submission)
    assert (submission.state, submission.round, submission.revision_number) == (
        S.IN_REVIEW,
        2,
        2,
    )
    assert submission.waiting_since > submission.submitted_at
    first.refresh_from_db()
    second.refresh_from_db()
    # The reviewer who reviewed round 1 is asked again; the one who never reviewed still owes it.
    assert (first.state, first.due_on, first.reminder_count) == (
        InvitationState.ACCEPTED,
        timezone.localdate() + timedelta(days=10),
        0,
    )
    assert second.state == InvitationState.ACCEPTED
    event = ReviewEvent.objects.filter(kind=EventKind.TRANSITION).order_by("-pk").first()
    assert (event.actor, event.reason) == (cast.co_author, "Revised and resubmitted (round 2)")


def test_a_round_two_review_records_round_and_revision(cast):
    submission, first, _second = requested(cast)
    revise(
        cast.author,
        submission.practice,
        cast.topic,
        approach="Crews by district, daily.",
        co_authors=[cast.co_author],
    )
    services.resubmit(member=cast.author, submission_id=submission.pk)

    written = review(ReviewInvitation.objects.get(pk=first.pk))

    assert (written.round, written.revision_number) == (2, 2)
    assert list(Review.objects.order_by("pk").values_list("round", flat=True)) == [1, 2]


# --- decisions and publishing ------------------------------------------------------------------


def test_accepting_closes_the_reviewers_who_never_reviewed(cast):
    submission = submitted(cast.author, cast.topic)
    done = invite(cast.editor, submission, cast.reviewer)
    pending = invite(cast.editor, submission, cast.other_reviewer, accept=False)
    review(done)

    services.decide(editor=cast.editor, submission_id=submission.pk, decision=Decision.ACCEPT)

    assert dict(ReviewInvitation.objects.values_list("pk", "state")) == {
        done.pk: InvitationState.COMPLETED,
        pending.pk: InvitationState.CANCELLED,
    }
    submission = reload(submission)
    assert submission.decided_by == cast.editor
    assert submission.decided_at is not None


def test_requesting_changes_keeps_the_reviewers_on_the_submission(cast):
    _submission, first, second = requested(cast)

    assert dict(ReviewInvitation.objects.values_list("pk", "state")) == {
        first.pk: InvitationState.COMPLETED,
        second.pk: InvitationState.ACCEPTED,
    }


def test_publishing_a_new_contribution_sets_evidence_review_date_and_rereview(cast):
    before = timezone.now()

    practice = publish_flow(cast, evidence_level=4)

    assert (practice.state, practice.item.status) == (S.PUBLISHED, "published")
    assert practice.evidence_level == 4
    assert practice.last_reviewed_at >= before
    assert practice.rereview_due_on == workflow.rereview_due(practice, timezone.localdate())
    assert practice.live_revision == practice.item.revision_number == 1
    assert practice.is_peer_reviewed is True
    submission = Submission.objects.get(practice=practice)
    assert submission.evidence_level == 4
    assert submission.editor_note.startswith("Well documented")


def test_publishing_a_practical_tip_asks_for_rereview_a_year_later(cast):
    practice = publish_flow(cast, contribution_kind=ContributionKind.PRACTICAL_TIP)

    today = timezone.localdate()
    assert practice.rereview_due_on == workflow.rereview_due(practice, today)
    assert (practice.rereview_due_on.year - today.year) * 12 + (
        practice.rereview_due_on.month - today.month
    ) == 12


# --- revisions of published contributions ------------------------------------------------------


def test_an_authors_edit_of_a_published_contribution_waits_and_the_public_rows_stay(cast):
    practice = publish_flow(cast)

    revise(cast.author, practice, cast.topic, title="Fixing potholes in five days")

    practice = fresh(practice)
    assert practice.item.title == TITLE
    assert practice.item.revision_number == 2
    assert practice.live_revision == 1
    assert practice.has_pending_revision is True
    assert practice.state == S.PUBLISHED
    assert practice_services.latest_snapshot(practice)["title"] == "Fixing potholes in five days"


def test_a_reviewed_revision_replaces_the_published_version_when_published(cast):
    practice = publish_flow(cast, evidence_level=2)
    long_ago = timezone.now() - timedelta(days=800)
    Practice.objects.filter(pk=practice.pk).update(
        last_reviewed_at=long_ago, rereview_due_on=long_ago.date()
    )
    flag = services.flag_outdated(
        member=cast.member, practice_id=practice.pk, reason="The law changed in 2025."
    )
    services.mark_outdated(editor=cast.editor, practice_id=practice.pk, reason="New law.")
    revise(cast.author, practice, cast.topic, title="Fixing potholes in five days")

    submission = services.submit_for_review(member=cast.author, practice_id=practice.pk)
    assert (submission.kind, submission.revision_number, submission.live_revision) == (
        SubmissionKind.REVISION,
        2,
        1,
    )
    review(invite(cast.editor, submission, cast.reviewer))
    services.decide(editor=cast.editor, submission_id=submission.pk, decision=Decision.ACCEPT)
    # Until published, the public still reads the old version.
    assert fresh(practice).item.title == TITLE
    services.publish(editor=cast.editor, submission_id=submission.pk, evidence_level=4)

    practice = fresh(practice)
    assert practice.item.title == "Fixing potholes in five days"
    assert (practice.live_revision, practice.has_pending_revision) == (2, False)
    assert practice.evidence_level == 4
    assert practice.last_reviewed_at > long_ago + timedelta(days=799)
    assert practice.rereview_due_on == workflow.rereview_due(practice, timezone.localdate())
    assert practice.state == S.PUBLISHED
    flag.refresh_from_db()
    assert (flag.resolved_by, flag.resolution) == (cast.editor, "Reviewed again and published")
    back = ReviewEvent.objects.filter(kind=EventKind.TRANSITION).order_by("-pk").first()
    assert (back.from_state, back.to_state, back.actor, back.reason) == (
        S.OUTDATED,
        S.PUBLISHED,
        cast.editor,
        "Reviewed again",
    )
    assert reload(submission).state == S.PUBLISHED


def test_a_minor_edit_is_accepted_by_an_editor_without_reviewers(cast):
    practice = publish_flow(cast, evidence_level=3)
    reviewed_at = timezone.now() - timedelta(days=100)
    due = timezone.localdate() + timedelta(days=500)
    Practice.objects.filter(pk=practice.pk).update(
        last_reviewed_at=reviewed_at, rereview_due_on=due
    )
    flag = services.flag_outdated(member=cast.verified, practice_id=practice.pk, reason="Typo?")
    revise(cast.author, practice, cast.topic, title="Fixing potholes within a week")

    submission = services.submit_for_review(member=cast.author, practice_id=practice.pk, minor=True)
    services.decide(editor=cast.editor, submission_id=submission.pk, decision=Decision.ACCEPT)
    services.publish(editor=cast.editor, submission_id=submission.pk, evidence_level=None)

    practice = fresh(practice)
    assert submission.kind == SubmissionKind.MINOR
    assert practice.item.title == "Fixing potholes within a week"
    assert practice.live_revision == 2
    assert (practice.evidence_level, practice.last_reviewed_at, practice.rereview_due_on) == (
        3,
        reviewed_at,
        due,
    )
    assert reload(submission).evidence_level == 3
    assert ReviewInvitation.objects.filter(submission=submission).count() == 0
    flag.refresh_from_db()
    assert flag.resolved_at is None


def test_a_moderators_own_edit_of_a_live_contribution_goes_live_at_once(cast):
    practice = publish_flow(cast)

    revise(cast.moderator, practice, cast.topic, title="Fixing potholes in a week (2024)")

    practice = fresh(practice)
    assert practice.item.title == "Fixing potholes in a week (2024)"
    assert (practice.live_revision, practice.has_pending_revision) == (2, False)
    assert Submission.objects.filter(practice=practice).count() == 1


def test_a_revision_in_review_keeps_the_authors_from_editing(cast):
    practice = publish_flow(cast)
    revise(cast.author, practice, cast.topic, title="Fixing potholes in five days")
    services.submit_for_review(member=cast.author, practice_id=practice.pk)

    with pytest.raises(PermissionDenied):
        revise(cast.co_author, practice, cast.topic, title="Sneaky change")

    assert practice_services.latest_snapshot(fresh(practice))["title"] == (
        "Fixing potholes in five days"
    )


# --- freshness ---------------------------------------------------------------------------------


def test_flagging_as_outdated_records_the_reason(cast):
    practice = publish_flow(cast)

    flag = services.flag_outdated(
        member=cast.member, practice_id=practice.pk, reason="  The law changed.  "
    )

    assert (flag.flagged_by, flag.reason, flag.resolved_at) == (
        cast.member,
        "The law changed.",
        None,
    )
    event = ReviewEvent.objects.get(kind=EventKind.FLAGGED_OUTDATED)
    assert (event.actor, event.reason, event.submission) == (
        cast.member,
        "The law changed.",
        None,
    )


def test_flagging_twice_is_refused_and_others_may_still_flag(cast):
    practice = publish_flow(cast)
    services.flag_outdated(member=cast.member, practice_id=practice.pk, reason="Old")
    before = world()

    with pytest.raises(ConflictError) as caught:
        services.flag_outdated(member=cast.member, practice_id=practice.pk, reason="Still old")

    assert caught.value.message == (
        "You have already flagged this contribution; the editors will look at it."
    )
    assert world() == before
    services.flag_outdated(member=cast.verified, practice_id=practice.pk, reason="Agreed")
    assert OutdatedFlag.objects.filter(resolved_at__isnull=True).count() == 2


def test_a_member_may_flag_again_once_the_flag_is_resolved(cast):
    practice = publish_flow(cast)
    services.flag_outdated(member=cast.member, practice_id=practice.pk, reason="Old")
    services.confirm_current(editor=cast.editor, practice_id=practice.pk)

    services.flag_outdated(member=cast.member, practice_id=practice.pk, reason="Old again")

    assert list(OutdatedFlag.objects.order_by("pk").values_list("reason", "resolution")) == [
        ("Old", "Confirmed as current"),
        ("Old again", ""),
    ]


def test_a_flag_needs_a_reason(cast):
    practice = publish_flow(cast)
    before = world()

    with pytest.raises(DomainError) as caught:
        services.flag_outdated(member=cast.member, practice_id=practice.pk, reason="   ")

    assert (caught.value.message, caught.value.field) == (
        "Say what has changed, so the editors can check.",
        "reason",
    )
    assert world() == before


def test_confirming_as_current_restarts_the_clock_and_closes_the_flags(cast):
    practice = publish_flow(cast, contribution_kind=ContributionKind.PRACTICAL_TIP)
    long_ago = timezone.now() - timedelta(days=400)
    Practice.objects.filter(pk=practice.pk).update(
        last_reviewed_at=long_ago, rereview_due_on=long_ago.date()
    )
    first = services.flag_outdated(member=cast.member, practice_id=practice.pk, reason="Old")
    second = services.flag_outdated(member=cast.verified, practice_id=practice.pk, reason="Old")
    services.mark_outdated(editor=cast.editor, practice_id=practice.pk, reason="Check it")

    services.confirm_current(editor=cast.moderator, practice_id=practice.pk, note="Still right.")

    practice = fresh(practice)
    assert practice.state == S.PUBLISHED
    assert practice.last_reviewed_at > long_ago + timedelta(days=399)
    assert practice.rereview_due_on == workflow.rereview_due(practice, timezone.localdate())
    for flag in (first, second):
        flag.refresh_from_db()
        assert (flag.resolved_by, flag.resolution) == (cast.moderator, "Still right.")
    kinds = list(
        ReviewEvent.objects.filter(practice=practice)
        .order_by("-pk")
        .values_list("kind", "reason")[:2]
    )
    assert kinds == [
        (EventKind.CONFIRMED_CURRENT, "Still right."),
        (EventKind.TRANSITION, "Still right."),
    ]


def test_marking_outdated_tells_the_authors_and_keeps_the_flags_open(cast):
    practice = publish_flow(cast)
    flag = services.flag_outdated(member=cast.member, practice_id=practice.pk, reason="Old")
    start = last_notification_pk()

    services.mark_outdated(editor=cast.editor, practice_id=practice.pk, reason="New law.")

    assert fresh(practice).state == S.OUTDATED
    assert fresh(practice).item.status == "published"
    assert notices_since(start) == [
        ("Claire Martin", f"“{TITLE}” is marked outdated: please revise it"),
        ("Marc Co", f"“{TITLE}” is marked outdated: please revise it"),
    ]
    flag.refresh_from_db()
    assert flag.resolved_at is None


def test_archiving_closes_the_flags_and_stops_new_ones(cast):
    practice = publish_flow(cast)
    flag = services.flag_outdated(member=cast.member, practice_id=practice.pk, reason="Old")

    services.archive(editor=cast.editor, practice_id=practice.pk, reason="Service closed.")

    flag.refresh_from_db()
    assert (flag.resolved_by, flag.resolution) == (cast.editor, "Archived")
    assert fresh(practice).item.status == "published"
    with pytest.raises(PermissionDenied):
        services.flag_outdated(member=cast.verified, practice_id=practice.pk, reason="Old")


@pytest.mark.parametrize("operation", ["mark_outdated", "archive"])
def test_marking_outdated_or_archiving_needs_a_reason(cast, operation):
    practice = publish_flow(cast)
    before = world()

    with pytest.raises(DomainError) as caught:
        getattr(services, operation)(editor=cast.editor, practice_id=practice.pk, reason=" ")

    assert caught.value.field == "reason"
    assert (
        caught.value.message
        == {
            "mark_outdated": "Say what is out of date.",
            "archive": "Say why it is archived.",
        }[operation]
    )
    assert world() == before


# --- declared conflicts ------------------------------------------------------------------------


def test_a_member_declares_and_removes_a_conflict(cast):
    conflict = services.declare_conflict(
        member=cast.reviewer, person=cast.author, reason="  We worked together.  "
    )

    assert (conflict.member, conflict.person, conflict.reason) == (
        cast.reviewer,
        cast.author,
        "We worked together.",
    )
    services.remove_conflict(member=cast.reviewer, conflict_id=conflict.pk)
    assert ConflictOfInterest.objects.count() == 0
    with pytest.raises(DomainError) as caught:
        services.remove_conflict(member=cast.reviewer, conflict_id=conflict.pk)
    assert caught.value.message == "This declaration is already gone."


def test_a_conflict_must_name_something_other_than_oneself(cast):
    with pytest.raises(DomainError) as nothing:
        services.declare_conflict(member=cast.reviewer, reason="Vague")
    with pytest.raises(DomainError) as myself:
        services.declare_conflict(member=cast.reviewer, person=cast.reviewer)

    assert nothing.value.message == "Choose an organisation or a person."
    assert (myself.value.message, myself.value.field) == (
        "You cannot declare a conflict with yourself.",
        "person",
    )
    assert ConflictOfInterest.objects.count() == 0


def test_only_the_member_removes_their_own_conflict(cast):
    conflict = services.declare_conflict(
        member=cast.reviewer, organization=cast.author.organization
    )

    with pytest.raises(DomainError):
        services.remove_conflict(member=cast.other_reviewer, conflict_id=conflict.pk)

    assert ConflictOfInterest.objects.filter(pk=conflict.pk).exists()


# --- reminders ---------------------------------------------------------------------------------


class Clock:
    """Moves Django's clock forward (time_machine is not installed): timezone.now and
    timezone.localdate (which reads now) both follow."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch
        self.real_now = timezone.now

    def advance(self, delta: timedelta) -> None:
        real_now = self.real_now
        self.monkeypatch.setattr(timezone, "now", lambda: real_now() + delta)


@pytest.fixture
def overdue(cast, make_member, make_organization):
    """One submission in review with invitations in every situation, and one sent back."""
    today = timezone.localdate()
    now = timezone.now()

    def expert(name):
        member = make_member(
            verified=True, organization=make_organization(), display_name=f"Expert {name}"
        )
        member.expertise.add(cast.topic)
        return member

    submission = submitted(cast.author, cast.topic)
    rows = {
        "accepted_overdue": invite(cast.editor, submission, cast.reviewer),
        "invited_overdue": invite(cast.editor, submission, cast.other_reviewer, accept=False),
        "due_today": invite(cast.editor, submission, expert("today")),
        "completed": invite(cast.editor, submission, expert("done")),
        "declined": invite(cast.editor, submission, expert("no"), accept=False),
        "cancelled": invite(cast.editor, submission, expert("gone")),
        "reminded_recently": invite(cast.editor, submission, expert("recent")),
        "reminded_long_ago": invite(cast.editor, submission, expert("long")),
    }
    review(rows["completed"])
    services.respond_to_invitation(
        reviewer=rows["declined"].reviewer, invitation_id=rows["declined"].pk, accept=False
    )
    services.cancel_invitation(editor=cast.editor, invitation_id=rows["cancelled"].pk)

    sent_back = submitted(make_member(verified=True, organization=make_organization()), cast.topic)
    review(invite(cast.editor, sent_back, cast.reviewer), "major_changes")
    rows["changes_requested"] = invite(cast.editor, sent_back, cast.other_reviewer)
    services.decide(
        editor=cast.editor,
        submission_id=sent_back.pk,
        decision=Decision.REQUEST_CHANGES,
        note="More.",
    )

    ReviewInvitation.objects.filter(pk__in=[r.pk for r in rows.values()]).update(
        due_on=today - timedelta(days=5)
    )
    ReviewInvitation.objects.filter(pk=rows["accepted_overdue"].pk).update(
        due_on=today - timedelta(days=1)
    )
    ReviewInvitation.objects.filter(pk=rows["due_today"].pk).update(due_on=today)
    ReviewInvitation.objects.filter(pk=rows["reminded_recently"].pk).update(
        last_reminded_at=now - timedelta(days=2), reminder_count=1
    )
    ReviewInvitation.objects.filter(pk=rows["reminded_long_ago"].pk).update(
        last_reminded_at=now - timedelta(days=3, minutes=1), reminder_count=1
    )
    return {name: ReviewInvitation.objects.get(pk=row.pk) for name, row in rows.items()}


def reminded_names(rows, since_event: int = 0) -> list[str]:
    """Which invitations were reminded (the event names the submission and the reviewer)."""
    names = {(row.submission_id, row.reviewer.display_name): name for name, row in rows.items()}
    events = ReviewEvent.objects.filter(kind=EventKind.REMINDED, pk__gt=since_event)
    return sorted(names[key] for key in events.values_list("submission_id", "reason"))


def test_only_overdue_open_invitations_in_review_are_reminded(cast, overdue):
    start = last_notification_pk()

    sent = services.remind_overdue_reviewers()

    assert sent == 3
    assert reminded_names(overdue) == [
        "accepted_overdue",
        "invited_overdue",
        "reminded_long_ago",
    ]
    counts = dict(ReviewInvitation.objects.values_list("pk", "reminder_count"))
    assert {name: counts[row.pk] for name, row in overdue.items()} == {
        "accepted_overdue": 1,
        "invited_overdue": 1,
        "due_today": 0,
        "completed": 0,
        "declined": 0,
        "cancelled": 0,
        "reminded_recently": 1,
        "reminded_long_ago": 2,
        "changes_requested": 0,
    }
    due = (timezone.localdate() - timedelta(days=1)).strftime("%d %B %Y")
    notices = notices_since(start)
    assert len(notices) == 3
    assert ("Kadri Tamm", f"Reminder: your review of “{TITLE}” was due on {due}") in notices
    assert OutgoingEmail.objects.filter(subject__startswith="Reminder").count() == 3
    event = ReviewEvent.objects.filter(kind=EventKind.REMINDED).first()
    assert (event.actor, event.confidential) == (None, True)


def test_reminding_again_the_same_day_sends_nothing(overdue):
    services.remind_overdue_reviewers()
    before = world()

    assert services.remind_overdue_reviewers() == 0

    assert world() == before


def test_reminders_repeat_at_most_every_few_days(overdue, monkeypatch, settings):
    settings.REVIEW_REMINDER_EVERY_DAYS = 3
    clock = Clock(monkeypatch)
    assert services.remind_overdue_reviewers() == 3
    first_round = ReviewEvent.objects.order_by("-pk").values_list("pk", flat=True).first()

    clock.advance(timedelta(days=2))
    assert services.remind_overdue_reviewers() == 2
    # Due yesterday from today's point of view; and three days since the earlier reminder.
    assert reminded_names(overdue, first_round) == ["due_today", "reminded_recently"]
    second_round = ReviewEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    assert services.remind_overdue_reviewers() == 0

    clock.advance(timedelta(days=3, minutes=1))
    notices = Notification.objects.count()
    assert services.remind_overdue_reviewers() == 3
    assert reminded_names(overdue, second_round) == [
        "accepted_overdue",
        "invited_overdue",
        "reminded_long_ago",
    ]
    # A new day, so new notices (the key carries the date).
    assert Notification.objects.count() == notices + 3
    assert ReviewInvitation.objects.get(pk=overdue["accepted_overdue"].pk).reminder_count == 2


def test_a_review_that_arrives_stops_the_reminders(overdue):
    review(overdue["accepted_overdue"])

    services.remind_overdue_reviewers()

    assert "accepted_overdue" not in reminded_names(overdue)


def test_reminder_dates_are_shown_in_words(cast):
    """The date in the reminder is the due date, written out (not the ISO form)."""
    submission = submitted(cast.author, cast.topic)
    invitation = invite(cast.editor, submission, cast.reviewer)
    ReviewInvitation.objects.filter(pk=invitation.pk).update(due_on=date(2024, 3, 5))

    services.remind_overdue_reviewers()

    assert Notification.objects.filter(recipient=cast.reviewer).order_by("-pk").first().message == (
        f"Reminder: your review of “{TITLE}” was due on 05 March 2024"
    )
