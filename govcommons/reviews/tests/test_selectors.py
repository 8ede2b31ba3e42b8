"""Reads for peer review: reviewer suggestions and their ranking, the editor's queue, the re-review
queue, the public review summary and the review statistics."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from govcommons.accounts import services as account_services
from govcommons.accounts.models import Role
from govcommons.practices.models import ContributionState as S
from govcommons.practices.models import Practice
from govcommons.practices.tests.factories import write_draft, write_published
from govcommons.reviews import selectors, services
from govcommons.reviews.models import (
    EventKind,
    OutdatedFlag,
    Review,
    ReviewEvent,
    ReviewInvitation,
    Submission,
)
from govcommons.reviews.services import Decision
from govcommons.reviews.tests.factories import invite, published, review, revise, submitted

pytestmark = pytest.mark.django_db


def reload(submission) -> Submission:
    return Submission.objects.select_related("practice__item").get(pk=submission.pk)


def at(year, month, day, hour=12, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- reviewer suggestions: the ranking ----------------------------------------------------------


@pytest.fixture
def ranking(cast, make_member, make_organization, make_topic):
    """A contribution in two topics and experts who differ in exactly one ranking key each."""
    first, second, elsewhere = (
        make_topic(name="Potholes"),
        make_topic(name="Street works"),
        make_topic(name="Libraries"),
    )

    def expert(name, topics=(), grants=(), **extra):
        member = make_member(
            verified=extra.pop("verified", True),
            organization=make_organization(),
            display_name=name,
            **extra,
        )
        member.expertise.add(*topics)
        for topic in grants:
            account_services.grant_role(
                actor=None, member=member, role=Role.EXPERT_REVIEWER, topic=topic
            )
        return member

    people = {
        "alpha": expert("Alpha", [first, second]),
        "bravo": expert("Bravo", [first]),
        "charlie": expert("Charlie", [second]),
        "delta": expert("Delta", [first]),
        "echo": expert("Echo", [first]),
        "foxtrot": expert("Foxtrot", grants=[second]),
        # Expertise and a grant in the same topic are one topic, not two.
        "golf": expert("Golf", [first], grants=[first]),
        "hotel": expert("Hotel", [elsewhere], grants=[elsewhere]),
        "india": expert("India", [first], verified=False),
        "juliet": expert("Juliet", [first], is_active=False),
    }

    def stranger():
        return make_member(verified=True, organization=make_organization())

    # Past reviews, rated by the editor: Bravo 5; Charlie 2 and 4 (mean 3); Delta 3.
    past = submitted(stranger(), elsewhere)
    for name, ratings in (("bravo", [5]), ("charlie", [2]), ("delta", [3])):
        written = review(invite(cast.moderator, past, people[name]))
        services.rate_review(editor=cast.moderator, review_id=written.pk, quality=ratings[0])
    other_past = submitted(stranger(), elsewhere)
    written = review(invite(cast.moderator, other_past, people["charlie"]))
    services.rate_review(editor=cast.moderator, review_id=written.pk, quality=4)
    # Current load: Delta holds two open invitations, Foxtrot one.
    for _ in range(2):
        invite(cast.moderator, submitted(stranger(), elsewhere), people["delta"])
    invite(cast.moderator, submitted(stranger(), elsewhere), people["foxtrot"], accept=False)

    practice = write_draft(cast.author, topics=[first, second])
    submission = services.submit_for_review(member=cast.author, practice_id=practice.pk)
    return submission, people


def test_the_editor_asking_is_not_suggested_as_a_reviewer_of_what_they_handle(cast):
    cast.editor.expertise.add(cast.topic)
    submission = submitted(cast.author, cast.topic)

    for_the_editor = selectors.suggested_reviewers(submission, editor=cast.editor)
    for_a_moderator = selectors.suggested_reviewers(submission, editor=cast.moderator)

    assert [s.member.display_name for s in for_the_editor] == ["Aino Virtanen", "Kadri Tamm"]
    assert [s.member.display_name for s in for_a_moderator] == [
        "Aino Virtanen",
        "Editor Topic",
        "Kadri Tamm",
    ]


def test_suggestions_rank_by_topic_match_then_quality_then_load(ranking):
    submission, _people = ranking

    suggestions = selectors.suggested_reviewers(submission)

    assert [
        (
            s.member.display_name,
            s.topic_matches,
            s.mean_quality,
            s.completed_reviews,
            s.current_load,
        )
        for s in suggestions
    ] == [
        ("Alpha", 2, None, 0, 0),
        ("Bravo", 1, 5.0, 1, 0),
        ("Charlie", 1, 3.0, 2, 0),
        ("Delta", 1, 3.0, 1, 2),
        ("Echo", 1, None, 0, 0),
        ("Golf", 1, None, 0, 0),
        ("Foxtrot", 1, None, 0, 1),
    ]


def test_suggestions_stop_at_the_limit(ranking):
    submission, _people = ranking

    names = [s.member.display_name for s in selectors.suggested_reviewers(submission, limit=3)]

    assert names == ["Alpha", "Bravo", "Charlie"]


def test_an_invited_expert_leaves_the_suggestions_and_adds_to_their_load(cast, ranking):
    submission, people = ranking

    services.invite_reviewer(
        editor=cast.moderator, submission_id=submission.pk, reviewer_id=people["alpha"].pk
    )

    names = [s.member.display_name for s in selectors.suggested_reviewers(submission)]
    assert names == ["Bravo", "Charlie", "Delta", "Echo", "Golf", "Foxtrot"]


def test_a_contribution_without_topics_has_no_suggestions(cast):
    submission = submitted(cast.author, cast.topic)
    submission.practice.topics.clear()

    assert selectors.suggested_reviewers(submission) == []


# --- the editor's queue -------------------------------------------------------------------------


def test_the_queue_lists_open_submissions_oldest_first_with_counts(
    cast, make_member, make_organization, make_topic
):
    def author():
        return make_member(verified=True, organization=make_organization())

    elsewhere = make_topic(name="Libraries")
    newest = submitted(author(), cast.topic, title="Newest")
    oldest = submitted(author(), cast.topic, title="Oldest")
    middle = submitted(author(), cast.topic, title="Middle")
    invite(cast.editor, middle, cast.reviewer)
    review(invite(cast.editor, middle, cast.other_reviewer))
    other_topic = submitted(author(), elsewhere, title="Elsewhere")
    own = submitted(author(), cast.topic, title="Co-written", co_authors=[cast.editor])
    closed = submitted(author(), cast.topic, title="Declined")
    services.decide(editor=cast.editor, submission_id=closed.pk, decision=Decision.DECLINE)
    now = timezone.now()
    for submission, days in ((newest, 1), (oldest, 30), (middle, 10), (other_topic, 20)):
        Submission.objects.filter(pk=submission.pk).update(waiting_since=now - timedelta(days=days))
    Submission.objects.filter(pk=own.pk).update(waiting_since=now - timedelta(days=40))

    queue = list(selectors.editor_queue(cast.editor))

    assert [(s.practice.item.title, s.invited_count, s.review_count) for s in queue] == [
        ("Oldest", 0, 0),
        ("Middle", 2, 1),
        ("Newest", 0, 0),
    ]
    assert selectors.waited_days(queue[0]) == 30
    everything = [s.practice.item.title for s in selectors.editor_queue(cast.moderator)]
    assert everything == ["Co-written", "Oldest", "Elsewhere", "Middle", "Newest"]
    by_topic = selectors.editor_queue(cast.moderator, topic_id=elsewhere.pk)
    assert [s.practice.item.title for s in by_topic] == ["Elsewhere"]
    in_review = selectors.editor_queue(cast.moderator, state=S.IN_REVIEW)
    assert [s.practice.item.title for s in in_review] == ["Middle"]


def test_a_resubmission_goes_to_the_back_of_the_queue_and_counts_only_this_rounds_reviews(cast):
    first = submitted(cast.author, cast.topic, title="First")
    invitation = invite(cast.editor, first, cast.reviewer)
    review(invitation, "major_changes")
    services.decide(
        editor=cast.editor, submission_id=first.pk, decision=Decision.REQUEST_CHANGES, note="More."
    )
    Submission.objects.filter(pk=first.pk).update(waiting_since=timezone.now() - timedelta(days=50))
    second = submitted(cast.co_author, cast.topic, title="Second")
    revise(cast.author, first.practice, cast.topic, title="First", approach="More detail.")

    services.resubmit(member=cast.author, submission_id=first.pk)

    queue = list(selectors.editor_queue(cast.editor))
    assert [(s.pk, s.invited_count, s.review_count) for s in queue] == [
        (second.pk, 0, 0),
        (first.pk, 1, 0),
    ]


# --- reads on one submission --------------------------------------------------------------------


def test_reviews_are_read_by_round_and_the_latest_submission_is_found(cast):
    submission = submitted(cast.author, cast.topic)
    invitation = invite(cast.editor, submission, cast.reviewer)
    first = review(invitation, "major_changes")
    services.decide(
        editor=cast.editor,
        submission_id=submission.pk,
        decision=Decision.REQUEST_CHANGES,
        note="More.",
    )
    revise(cast.author, submission.practice, cast.topic, approach="More detail.")
    services.resubmit(member=cast.author, submission_id=submission.pk)
    second = review(ReviewInvitation.objects.get(pk=invitation.pk))

    assert selectors.reviews_of(submission) == [first, second]
    assert selectors.reviews_of(submission, round=2) == [second]
    assert selectors.invitations_of(submission) == [invitation]
    assert selectors.latest_submission(submission.practice) == submission
    assert selectors.latest_submission(write_draft(cast.author)) is None


def test_a_reviewers_invitations_are_listed_newest_first(cast):
    older = invite(cast.editor, submitted(cast.author, cast.topic), cast.reviewer)
    newer = invite(cast.editor, submitted(cast.co_author, cast.topic), cast.reviewer)
    invite(cast.editor, submitted(cast.verified, cast.topic), cast.other_reviewer)

    assert list(selectors.invitations_for(cast.reviewer)) == [newer, older]


# --- the re-review queue ------------------------------------------------------------------------


@pytest.fixture
def freshness(cast, make_member, make_organization, make_topic):
    """Published contributions in every freshness situation, seen on 1 June 2026."""
    elsewhere = make_topic(name="Libraries")

    def live(title, due, *, state=S.PUBLISHED, topic=None, **fields):
        practice = write_published(
            make_member(verified=True, organization=make_organization()),
            title=title,
            topics=[topic or cast.topic],
            **fields,
        )
        Practice.objects.filter(pk=practice.pk).update(rereview_due_on=due, state=state)
        return practice

    def flag(practice, by, *, resolved=False):
        made = services.flag_outdated(member=by, practice_id=practice.pk, reason="Changed")
        if resolved:
            OutdatedFlag.objects.filter(pk=made.pk).update(resolved_at=timezone.now())

    rows = {
        "overdue": live("Overdue", date(2026, 1, 1)),
        "due_today": live("Due today", date(2026, 6, 1)),
        "flagged": live("Flagged", date(2027, 1, 1)),
        "outdated": live("Outdated", date(2027, 6, 1), state=S.OUTDATED),
        "outdated_undated": live("Outdated, no date", None, state=S.OUTDATED),
        "fresh": live("Fresh", date(2027, 1, 1)),
        "flag_resolved": live("Flag resolved", date(2027, 1, 1)),
        "archived": live("Archived", date(2025, 1, 1), state=S.ARCHIVED),
        "own": live("Co-written by the editor", date(2025, 12, 1), co_authors=[cast.editor]),
        "moderators_own": live(
            "Co-written by the moderator", date(2025, 11, 1), co_authors=[cast.moderator]
        ),
        "other_topic": live("Other topic", date(2026, 3, 1), topic=elsewhere),
    }
    draft = write_draft(cast.author, title="Draft", topics=[cast.topic])
    Practice.objects.filter(pk=draft.pk).update(rereview_due_on=date(2025, 1, 1))
    flag(rows["flagged"], cast.member)
    flag(rows["flagged"], cast.verified)
    flag(rows["flagged"], cast.reviewer, resolved=True)
    flag(rows["flag_resolved"], cast.member, resolved=True)
    return rows


def test_the_rereview_queue_holds_due_flagged_and_outdated_contributions_most_overdue_first(
    cast, freshness
):
    queue = list(selectors.rereview_queue(cast.editor, today=date(2026, 6, 1)))

    assert [(p.item.title, p.open_flag_count) for p in queue] == [
        ("Co-written by the moderator", 0),
        ("Overdue", 0),
        ("Due today", 0),
        ("Flagged", 2),
        ("Outdated", 0),
        ("Outdated, no date", 0),
    ]


def test_a_moderator_sees_every_topic_in_the_rereview_queue_but_not_their_own(cast, freshness):
    Practice.objects.filter(pk=freshness["own"].pk).update(rereview_due_on=date(2026, 2, 1))

    titles = [
        p.item.title for p in selectors.rereview_queue(cast.moderator, today=date(2026, 6, 1))
    ]

    assert titles == [
        "Overdue",
        "Co-written by the editor",
        "Other topic",
        "Due today",
        "Flagged",
        "Outdated",
        "Outdated, no date",
    ]


def test_a_member_without_editor_rights_has_an_empty_rereview_queue(cast, freshness):
    assert list(selectors.rereview_queue(cast.reviewer, today=date(2026, 6, 1))) == []


def test_open_flags_are_listed_oldest_first(cast, freshness):
    flags = selectors.open_flags(freshness["flagged"])

    assert [f.flagged_by for f in flags] == [cast.member, cast.verified]


# --- the public summary -------------------------------------------------------------------------


def test_the_summary_shows_the_final_rounds_reviews_mean_scores_and_the_note(cast):
    submission = submitted(cast.author, cast.topic)
    first = invite(cast.editor, submission, cast.reviewer)
    second = invite(cast.editor, submission, cast.other_reviewer)
    review(first, "major_changes")
    services.decide(
        editor=cast.editor,
        submission_id=submission.pk,
        decision=Decision.REQUEST_CHANGES,
        note="More.",
    )
    revise(cast.author, submission.practice, cast.topic, approach="More detail.")
    services.resubmit(member=cast.author, submission_id=submission.pk)
    scores = {"accuracy": 5, "evidence": 3, "transferability": 4, "clarity": 5, "completeness": 2}
    review(ReviewInvitation.objects.get(pk=first.pk), scores=scores)
    review(
        ReviewInvitation.objects.get(pk=second.pk),
        scores={
            "accuracy": 4,
            "evidence": 2,
            "transferability": 4,
            "clarity": 4,
            "completeness": 3,
        },
    )
    services.decide(editor=cast.editor, submission_id=submission.pk, decision=Decision.ACCEPT)
    services.publish(
        editor=cast.editor, submission_id=submission.pk, evidence_level=2, note="Solid."
    )
    practice = Practice.objects.get(pk=submission.practice_id)

    summary = selectors.review_summary(practice, signed=True)

    assert summary.submission == submission
    assert [r.round for r in summary.reviews] == [2, 2]
    assert summary.mean_scores == [
        ("Accuracy", 4.5),
        ("Evidence behind the outcomes", 2.5),
        ("Transferability to other contexts", 4.0),
        ("Clarity", 4.5),
        ("Completeness", 2.5),
    ]
    assert summary.signed is True
    assert summary.submission.editor_note == "Solid."


def test_a_minor_edit_does_not_replace_the_review_summary_and_a_revision_does(cast):
    practice = published(cast.author, cast.topic, cast.editor, [cast.reviewer])
    full = Submission.objects.get(practice=practice)
    revise(cast.author, practice, cast.topic, title="Typo fixed")
    minor = services.submit_for_review(member=cast.author, practice_id=practice.pk, minor=True)
    services.decide(editor=cast.editor, submission_id=minor.pk, decision=Decision.ACCEPT)
    services.publish(editor=cast.editor, submission_id=minor.pk, evidence_level=None)

    assert selectors.review_summary(practice, signed=False).submission == full

    revise(cast.author, practice, cast.topic, title="Substantial change")
    revision = services.submit_for_review(member=cast.author, practice_id=practice.pk)
    review(invite(cast.editor, revision, cast.other_reviewer))
    services.decide(editor=cast.editor, submission_id=revision.pk, decision=Decision.ACCEPT)
    services.publish(editor=cast.editor, submission_id=revision.pk, evidence_level=5)

    summary = selectors.review_summary(practice, signed=False)
    assert summary.submission == revision
    assert [r.reviewer for r in summary.reviews] == [cast.other_reviewer]


def test_an_unreviewed_contribution_has_no_summary(cast):
    assert selectors.review_summary(write_draft(cast.author), signed=True) is None


# --- statistics ---------------------------------------------------------------------------------


def set_times(submission, submitted_at, *decided_after_days):
    """Put a submission's submission and decision events at fixed times."""
    Submission.objects.filter(pk=submission.pk).update(submitted_at=submitted_at)
    decisions = ReviewEvent.objects.filter(
        submission=submission,
        kind=EventKind.TRANSITION,
        to_state__in=[S.CHANGES_REQUESTED, S.ACCEPTED, S.DECLINED],
    ).order_by("pk")
    assert decisions.count() == len(decided_after_days)
    for event, days in zip(decisions, decided_after_days, strict=True):
        ReviewEvent.objects.filter(pk=event.pk).update(
            created_at=submitted_at + timedelta(days=days)
        )


@pytest.fixture
def history(cast, make_member, make_organization):
    """Decided, open, minor and withdrawn submissions with known times."""

    def author():
        return make_member(verified=True, organization=make_organization())

    # Changes requested after 1.5 days, then accepted and published.
    returned = submitted(author(), cast.topic)
    first = invite(cast.editor, returned, cast.reviewer)
    r1 = review(first, "major_changes")
    services.decide(
        editor=cast.editor, submission_id=returned.pk, decision=Decision.REQUEST_CHANGES, note="x"
    )
    practice = returned.practice
    revise(practice.item.author, practice, cast.topic, approach="Better.")
    services.resubmit(member=practice.item.author, submission_id=returned.pk)
    r2 = review(Review.objects.get(pk=r1.pk).invitation)
    services.decide(editor=cast.editor, submission_id=returned.pk, decision=Decision.ACCEPT)
    services.publish(editor=cast.editor, submission_id=returned.pk, evidence_level=3)
    set_times(returned, at(2026, 1, 10), 1.5, 20)

    # Declined after 2 days.
    declined = submitted(author(), cast.topic)
    services.decide(editor=cast.editor, submission_id=declined.pk, decision=Decision.DECLINE)
    set_times(declined, at(2026, 2, 1), 2)

    # Accepted after 3 days, not yet published (still open).
    accepted = submitted(author(), cast.topic)
    r3 = review(invite(cast.editor, accepted, cast.reviewer))
    services.decide(editor=cast.editor, submission_id=accepted.pk, decision=Decision.ACCEPT)
    set_times(accepted, at(2026, 3, 1), 3)

    # A revision of the published one, accepted after 10 days and published.
    revise(practice.item.author, practice, cast.topic, title="Revised")
    revision = services.submit_for_review(member=practice.item.author, practice_id=practice.pk)
    r4 = review(invite(cast.editor, revision, cast.other_reviewer))
    services.decide(editor=cast.editor, submission_id=revision.pk, decision=Decision.ACCEPT)
    services.publish(editor=cast.editor, submission_id=revision.pk, evidence_level=4)
    set_times(revision, at(2026, 4, 1), 10)

    # A minor edit decided in half a day: not a review, left out.
    revise(practice.item.author, practice, cast.topic, title="Revised again")
    minor = services.submit_for_review(
        member=practice.item.author, practice_id=practice.pk, minor=True
    )
    services.decide(editor=cast.editor, submission_id=minor.pk, decision=Decision.ACCEPT)
    services.publish(editor=cast.editor, submission_id=minor.pk, evidence_level=None)
    set_times(minor, at(2026, 5, 1), 0.5)

    # In review, reviewed, undecided; and one withdrawn before any decision.
    waiting = submitted(author(), cast.topic)
    r5 = review(invite(cast.editor, waiting, cast.other_reviewer))
    withdrawn = submitted(author(), cast.topic)
    services.withdraw(member=withdrawn.practice.item.author, submission_id=withdrawn.pk)

    reviewed_at = {
        r1: at(2025, 6, 30, 23, 30),  # before the twelve months
        r2: at(2025, 7, 1, 0, 10),
        r3: at(2026, 1, 20),
        r4: at(2026, 1, 31, 23, 59),
        r5: at(2026, 6, 2),
    }
    for written, when in reviewed_at.items():
        Review.objects.filter(pk=written.pk).update(submitted_at=when)


def test_review_stats_are_exact(history):
    stats = selectors.review_stats(months=12, today=date(2026, 6, 15))

    # First decisions after 1.5, 2, 3 and 10 days (the minor edit's half day is not a review).
    assert stats.median_days_to_first_decision == 2.5
    assert (stats.decided, stats.accepted, stats.acceptance_rate) == (4, 3, 0.75)
    assert stats.under_review == 2
    assert stats.reviews_per_month == [
        (date(2025, 7, 1), 1),
        (date(2025, 8, 1), 0),
        (date(2025, 9, 1), 0),
        (date(2025, 10, 1), 0),
        (date(2025, 11, 1), 0),
        (date(2025, 12, 1), 0),
        (date(2026, 1, 1), 2),
        (date(2026, 2, 1), 0),
        (date(2026, 3, 1), 0),
        (date(2026, 4, 1), 0),
        (date(2026, 5, 1), 0),
        (date(2026, 6, 1), 1),
    ]


def test_review_stats_over_three_months_across_a_new_year(history):
    stats = selectors.review_stats(months=3, today=date(2026, 2, 10))

    assert stats.reviews_per_month == [
        (date(2025, 12, 1), 0),
        (date(2026, 1, 1), 2),
        (date(2026, 2, 1), 0),
    ]


def test_review_stats_with_nothing_reviewed_yet(db):
    stats = selectors.review_stats(today=date(2026, 6, 15))

    assert stats.median_days_to_first_decision is None
    assert (stats.decided, stats.accepted, stats.acceptance_rate) == (0, 0, None)
    assert stats.under_review == 0
    assert len(stats.reviews_per_month) == 12
    assert stats.reviews_per_month[0] == (date(2025, 7, 1), 0)
    assert stats.reviews_per_month[-1] == (date(2026, 6, 1), 0)
    assert {n for _month, n in stats.reviews_per_month} == {0}
