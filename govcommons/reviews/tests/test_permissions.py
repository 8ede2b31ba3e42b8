"""Who may do what in peer review, for every service and role; a refusal changes nothing. And the
conflict-of-interest rule: who is never suggested and never invited."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from govcommons.accounts import services as account_services
from govcommons.accounts.models import Role, RoleGrant, User
from govcommons.core.errors import DomainError
from govcommons.core.models import Item
from govcommons.notifications.models import Notification, OutgoingEmail
from govcommons.practices.models import Practice
from govcommons.practices.tests.factories import write_draft
from govcommons.reviews import permissions, selectors, services
from govcommons.reviews.models import (
    ConflictOfInterest,
    OutdatedFlag,
    Review,
    ReviewEvent,
    ReviewInvitation,
    ReviewPoint,
    Submission,
)
from govcommons.reviews.services import Decision
from govcommons.reviews.tests.conftest import ROLES
from govcommons.reviews.tests.factories import invite, published, review, revise, submitted

pytestmark = pytest.mark.django_db

AUTHORS = {"author", "co_author"}
EDITORS = {"editor", "moderator"}
REVIEWER = {"reviewer"}
SIGNED_IN = set(ROLES) - {"anonymous"}


def world() -> dict:
    return {
        "submissions": list(
            Submission.objects.order_by("pk").values_list("pk", "state", "round", "revision_number")
        ),
        "events": ReviewEvent.objects.count(),
        "invitations": list(ReviewInvitation.objects.order_by("pk").values_list("pk", "state")),
        "reviews": list(Review.objects.order_by("pk").values_list("pk", "quality")),
        "points": list(ReviewPoint.objects.order_by("pk").values_list("pk", "response")),
        "practices": list(
            Practice.objects.order_by("pk").values_list(
                "pk", "state", "live_revision", "evidence_level", "last_reviewed_at"
            )
        ),
        "items": list(Item.objects.order_by("pk").values_list("pk", "status", "title")),
        "flags": list(OutdatedFlag.objects.order_by("pk").values_list("pk", "resolved_at")),
        "conflicts": ConflictOfInterest.objects.count(),
        "notifications": Notification.objects.count(),
        "emails": OutgoingEmail.objects.count(),
    }


def reload(submission) -> Submission:
    return Submission.objects.select_related("practice__item").get(pk=submission.pk)


# --- the arrangements, each returning the operation to attempt as `actor` ------------------------


def new_submission(cast):
    return submitted(cast.author, cast.topic, co_authors=[cast.co_author])


def reviewed(cast):
    submission = new_submission(cast)
    invitation = invite(cast.editor, submission, cast.reviewer)
    written = review(
        invitation, "major_changes", criterion_comments={"evidence": "Add the baseline."}
    )
    return reload(submission), invitation, written


def sent_back(cast):
    submission, _invitation, _review = reviewed(cast)
    services.decide(
        editor=cast.editor,
        submission_id=submission.pk,
        decision=Decision.REQUEST_CHANGES,
        note="Add the baseline.",
    )
    return reload(submission)


def live(cast):
    return published(
        cast.author, cast.topic, cast.editor, [cast.reviewer], co_authors=[cast.co_author]
    )


def op_submit(cast):
    practice = write_draft(cast.author, topics=[cast.topic], co_authors=[cast.co_author])
    return lambda actor: services.submit_for_review(member=actor, practice_id=practice.pk)


def op_withdraw(cast):
    submission = new_submission(cast)
    return lambda actor: services.withdraw(member=actor, submission_id=submission.pk)


def op_answer(cast):
    submission = sent_back(cast)
    point = ReviewPoint.objects.get()
    return lambda actor: services.answer_points(
        member=actor, submission_id=submission.pk, answers={point.pk: "Added."}
    )


def op_resubmit(cast):
    submission = sent_back(cast)
    revise(
        cast.author,
        submission.practice,
        cast.topic,
        approach="With the baseline.",
        co_authors=[cast.co_author],
    )
    return lambda actor: services.resubmit(member=actor, submission_id=submission.pk)


def op_invite(cast):
    submission = new_submission(cast)
    return lambda actor: services.invite_reviewer(
        editor=actor, submission_id=submission.pk, reviewer_id=cast.other_reviewer.pk
    )


def op_cancel(cast):
    submission = new_submission(cast)
    invitation = invite(cast.editor, submission, cast.other_reviewer)
    return lambda actor: services.cancel_invitation(editor=actor, invitation_id=invitation.pk)


def op_decide(cast):
    submission, *_ = reviewed(cast)
    return lambda actor: services.decide(
        editor=actor, submission_id=submission.pk, decision=Decision.ACCEPT
    )


def op_publish(cast):
    submission, *_ = reviewed(cast)
    services.decide(editor=cast.editor, submission_id=submission.pk, decision=Decision.ACCEPT)
    return lambda actor: services.publish(
        editor=actor, submission_id=submission.pk, evidence_level=3
    )


def op_rate(cast):
    _submission, _invitation, written = reviewed(cast)
    return lambda actor: services.rate_review(editor=actor, review_id=written.pk, quality=4)


def op_respond(cast):
    invitation = invite(cast.editor, new_submission(cast), cast.reviewer, accept=False)
    return lambda actor: services.respond_to_invitation(
        reviewer=actor, invitation_id=invitation.pk, accept=True
    )


def op_review(cast):
    invitation = invite(cast.editor, new_submission(cast), cast.reviewer)
    return lambda actor: services.submit_review(
        reviewer=actor,
        invitation_id=invitation.pk,
        scores={
            "accuracy": 3,
            "evidence": 3,
            "transferability": 3,
            "clarity": 3,
            "completeness": 3,
        },
        recommendation="accept",
    )


def op_confirm(cast):
    practice = live(cast)
    return lambda actor: services.confirm_current(editor=actor, practice_id=practice.pk)


def op_mark_outdated(cast):
    practice = live(cast)
    return lambda actor: services.mark_outdated(editor=actor, practice_id=practice.pk, reason="Old")


def op_archive(cast):
    practice = live(cast)
    return lambda actor: services.archive(editor=actor, practice_id=practice.pk, reason="Closed")


def op_flag(cast):
    practice = live(cast)
    return lambda actor: services.flag_outdated(member=actor, practice_id=practice.pk, reason="Old")


OPERATIONS = {
    "submit_for_review": (op_submit, AUTHORS),
    "withdraw": (op_withdraw, AUTHORS),
    "answer_points": (op_answer, AUTHORS),
    "resubmit": (op_resubmit, AUTHORS),
    "invite_reviewer": (op_invite, EDITORS),
    "cancel_invitation": (op_cancel, EDITORS),
    "decide": (op_decide, EDITORS),
    "publish": (op_publish, EDITORS),
    "rate_review": (op_rate, EDITORS),
    "respond_to_invitation": (op_respond, REVIEWER),
    "submit_review": (op_review, REVIEWER),
    "confirm_current": (op_confirm, EDITORS),
    "mark_outdated": (op_mark_outdated, EDITORS),
    "archive": (op_archive, EDITORS),
    "flag_outdated": (op_flag, SIGNED_IN),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_each_service_admits_exactly_its_roles(cast, operation, role):
    arrange, allowed = OPERATIONS[operation]
    attempt = arrange(cast)
    before = world()

    if role in allowed:
        attempt(cast[role])
        assert world() != before
    else:
        with pytest.raises(PermissionDenied):
            attempt(cast[role])
        assert world() == before


# --- authors never handle their own work --------------------------------------------------------


def handler_operations(cast, submission, practice):
    return {
        "invite": lambda who: services.invite_reviewer(
            editor=who, submission_id=submission.pk, reviewer_id=cast.other_reviewer.pk
        ),
        "decide": lambda who: services.decide(
            editor=who, submission_id=submission.pk, decision=Decision.DECLINE
        ),
        "publish": lambda who: services.publish(
            editor=who, submission_id=submission.pk, evidence_level=3
        ),
        "confirm": lambda who: services.confirm_current(editor=who, practice_id=practice.pk),
        "archive": lambda who: services.archive(editor=who, practice_id=practice.pk, reason="x"),
    }


@pytest.mark.parametrize("role", ["moderator", "editor"])
def test_a_moderator_or_editor_never_handles_a_contribution_they_co_wrote(cast, role):
    own = cast[role]
    submission = submitted(cast.author, cast.topic, co_authors=[own])
    live_one = published(
        cast.author,
        cast.topic,
        cast.moderator if role == "editor" else cast.editor,
        [cast.reviewer],
        co_authors=[own],
    )
    before = world()

    for name, attempt in handler_operations(cast, submission, live_one).items():
        with pytest.raises(PermissionDenied):
            attempt(own)
        assert world() == before, name
    assert permissions.can_handle(own, submission) is False
    assert permissions.can_handle_practice(own, live_one) is False
    assert list(selectors.editor_queue(own)) == []


def test_a_moderator_who_wrote_it_cannot_handle_it_even_as_sole_author(cast, settings):
    settings.REQUIRE_MFA_FOR_STAFF = False
    User.objects.filter(pk=cast.moderator.pk).update(verification_status="verified")
    moderator = User.objects.get(pk=cast.moderator.pk)
    submission = submitted(moderator, cast.topic)
    before = world()

    with pytest.raises(PermissionDenied):
        services.invite_reviewer(
            editor=moderator, submission_id=submission.pk, reviewer_id=cast.reviewer.pk
        )

    assert world() == before
    assert permissions.can_view_submission(moderator, submission) is True


# --- topic editors ------------------------------------------------------------------------------


def test_a_topic_editor_handles_only_their_topics(cast, make_member, make_topic, make_organization):
    elsewhere = make_topic(name="Libraries")
    other_editor = make_member(verified=True, organization=make_organization())
    account_services.grant_role(actor=None, member=other_editor, role=Role.EDITOR, topic=elsewhere)
    submission = new_submission(cast)
    live_one = live(cast)
    before = world()

    for name, attempt in handler_operations(cast, submission, live_one).items():
        with pytest.raises(PermissionDenied):
            attempt(other_editor)
        assert world() == before, name
    assert permissions.editor_topic_ids(other_editor) == {elsewhere.pk}
    assert list(selectors.editor_queue(other_editor)) == []
    assert list(selectors.editor_queue(cast.editor)) == [submission]


def test_an_editor_for_one_of_several_topics_handles_the_contribution(cast, make_topic):
    second = make_topic(name="Street lighting")
    practice = write_draft(cast.author, topics=[second, cast.topic])
    submission = services.submit_for_review(member=cast.author, practice_id=practice.pk)

    services.invite_reviewer(
        editor=cast.editor, submission_id=submission.pk, reviewer_id=cast.reviewer.pk
    )

    assert ReviewInvitation.objects.filter(submission=submission).count() == 1


def test_an_editor_whose_role_was_revoked_handles_nothing(cast):
    grant = RoleGrant.objects.get(member=cast.editor, role=Role.EDITOR)
    account_services.revoke_role(actor=None, grant_id=grant.pk)
    editor = User.objects.get(pk=cast.editor.pk)
    submission = new_submission(cast)
    before = world()

    with pytest.raises(PermissionDenied):
        services.invite_reviewer(
            editor=editor, submission_id=submission.pk, reviewer_id=cast.reviewer.pk
        )

    assert world() == before
    assert permissions.is_editor(editor) is False


def test_who_counts_as_an_editor(cast):
    assert [permissions.is_editor(cast[role]) for role in ROLES] == [
        role in EDITORS for role in ROLES
    ]
    assert permissions.editor_topic_ids(cast.moderator) is None
    assert permissions.editor_topic_ids(cast.editor) == {cast.topic.pk}


# --- reviewers ----------------------------------------------------------------------------------


def test_a_reviewer_acts_only_on_their_own_invitation(cast):
    submission = new_submission(cast)
    mine = invite(cast.editor, submission, cast.reviewer, accept=False)
    theirs = invite(cast.editor, submission, cast.other_reviewer, accept=False)
    before = world()

    with pytest.raises(PermissionDenied):
        services.respond_to_invitation(reviewer=cast.reviewer, invitation_id=theirs.pk, accept=True)
    with pytest.raises(PermissionDenied):
        review(ReviewInvitation(pk=theirs.pk, reviewer=cast.reviewer))
    with pytest.raises(Http404):
        selectors.get_invitation_for(cast.reviewer, theirs.pk)

    assert world() == before
    assert selectors.get_invitation_for(cast.reviewer, mine.pk) == mine


def test_a_reviewer_who_lost_verification_cannot_review(cast):
    invitation = invite(cast.editor, new_submission(cast), cast.reviewer)
    User.objects.filter(pk=cast.reviewer.pk).update(verification_status="unverified")
    invitation.reviewer = User.objects.get(pk=cast.reviewer.pk)
    before = world()

    with pytest.raises(PermissionDenied) as caught:
        review(invitation)

    assert str(caught.value) == "Only verified public servants can write reviews."
    assert world() == before


def test_an_unverified_author_cannot_submit(cast, make_member):
    unverified = make_member(display_name="Not Yet")
    practice = write_draft(unverified, topics=[cast.topic])
    before = world()

    with pytest.raises(PermissionDenied) as caught:
        services.submit_for_review(member=unverified, practice_id=practice.pk)

    assert str(caught.value) == (
        "Only verified public servants who wrote it can submit a contribution for review."
    )
    assert world() == before


def test_an_unverified_member_cannot_be_invited_or_suggested(cast, make_member):
    unverified = make_member(display_name="Keen Expert")
    unverified.expertise.add(cast.topic)
    submission = new_submission(cast)
    before = world()

    with pytest.raises(DomainError) as caught:
        services.invite_reviewer(
            editor=cast.editor, submission_id=submission.pk, reviewer_id=unverified.pk
        )

    assert (caught.value.message, caught.value.field) == (
        "Keen Expert cannot review this contribution: a conflict of interest, or not verified.",
        "reviewer",
    )
    assert world() == before
    suggested = [s.member for s in selectors.suggested_reviewers(submission)]
    assert unverified not in suggested


# --- who sees a submission ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_a_submission_is_seen_by_its_authors_editors_and_invited_reviewers(cast, role):
    submission = new_submission(cast)
    invite(cast.editor, submission, cast.reviewer, accept=False)
    allowed = AUTHORS | EDITORS | REVIEWER

    assert permissions.can_view_submission(cast[role], submission) is (role in allowed)
    if role in allowed:
        assert selectors.get_submission_for(cast[role], submission.pk) == submission
    else:
        with pytest.raises(Http404):
            selectors.get_submission_for(cast[role], submission.pk)


@pytest.mark.parametrize("how", ["declined", "cancelled"])
def test_a_reviewer_who_declined_or_was_withdrawn_no_longer_sees_it(cast, how):
    submission = new_submission(cast)
    invitation = invite(cast.editor, submission, cast.reviewer, accept=False)
    if how == "declined":
        services.respond_to_invitation(
            reviewer=cast.reviewer, invitation_id=invitation.pk, accept=False
        )
    else:
        services.cancel_invitation(editor=cast.editor, invitation_id=invitation.pk)

    assert permissions.can_view_submission(cast.reviewer, submission) is False
    with pytest.raises(Http404):
        selectors.get_submission_for(cast.reviewer, submission.pk)


def test_a_reviewer_who_reviewed_still_sees_it(cast):
    submission, _invitation, _review = reviewed(cast)

    assert permissions.can_view_submission(cast.reviewer, submission) is True


def test_a_missing_submission_is_a_404_not_an_error(cast):
    with pytest.raises(Http404):
        selectors.get_submission_for(cast.editor, 987654)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_flag_a_live_contribution(cast, role):
    practice = live(cast)

    assert permissions.can_flag_outdated(cast[role], practice) is (role in SIGNED_IN)


def test_nobody_flags_a_draft_or_an_archived_contribution(cast):
    draft = write_draft(cast.author, topics=[cast.topic])
    archived = live(cast)
    services.archive(editor=cast.editor, practice_id=archived.pk, reason="Closed")
    archived.refresh_from_db()

    assert permissions.can_flag_outdated(cast.moderator, draft) is False
    assert permissions.can_flag_outdated(cast.member, archived) is False


def test_confidential_events_stay_out_of_the_public_timeline(cast):
    submission = new_submission(cast)
    invitation = invite(cast.editor, submission, cast.reviewer, accept=False)
    services.respond_to_invitation(
        reviewer=cast.reviewer, invitation_id=invitation.pk, accept=False, reason="Too busy"
    )
    services.decide(
        editor=cast.editor, submission_id=submission.pk, decision=Decision.DECLINE, note="Secret"
    )

    public = selectors.timeline(submission, include_confidential=False)
    everything = selectors.timeline(submission, include_confidential=True)

    assert [(e.kind, e.to_state) for e in public] == [
        ("transition", "submitted"),
        ("transition", "in_review"),
    ]
    assert [e.kind for e in everything] == [
        "transition",
        "transition",
        "invited",
        "declined_invitation",
        "transition",
    ]
    assert [e.to_state for e in selectors.public_timeline(submission.practice)] == [
        "submitted",
        "in_review",
    ]


# --- conflicts of interest ----------------------------------------------------------------------


@pytest.fixture
def conflicts(cast, make_member, make_organization):
    """A contribution by the author (home organisation) and the co-author (another one), owned
    by a third organisation, and experts in its topic in every conflicted position."""
    home = cast.author.organization
    partner = cast.co_author.organization
    owner = make_organization(name="Métropole de Lyon")

    def expert(name, organization=None):
        member = make_member(
            verified=True,
            organization=organization or make_organization(),
            display_name=name,
        )
        member.expertise.add(cast.topic)
        return member

    submission = submitted(cast.author, cast.topic, co_authors=[cast.co_author], organization=owner)
    practice = submission.practice
    cast.author.expertise.add(cast.topic)
    cast.co_author.expertise.add(cast.topic)
    people = {
        "author": cast.author,
        "co_author": cast.co_author,
        "author_colleague": cast.colleague,
        "co_author_colleague": expert("Partner Colleague", partner),
        "owner_member": expert("Owner Staff", owner),
        "declared_practice": expert("Declared Practice"),
        "declared_home": expert("Declared Home"),
        "declared_partner": expert("Declared Partner"),
        "declared_owner": expert("Declared Owner"),
        "declared_author": expert("Declared Author"),
        "declared_co_author": expert("Declared Co-author"),
    }
    services.declare_conflict(member=people["declared_practice"], practice=practice)
    services.declare_conflict(member=people["declared_home"], organization=home)
    services.declare_conflict(member=people["declared_partner"], organization=partner)
    services.declare_conflict(member=people["declared_owner"], organization=owner)
    services.declare_conflict(member=people["declared_author"], person=cast.author)
    services.declare_conflict(member=people["declared_co_author"], person=cast.co_author)
    # Declarations about something else do not count.
    unrelated = expert("Unrelated Declaration")
    services.declare_conflict(member=unrelated, organization=make_organization())
    services.declare_conflict(member=unrelated, person=cast.editor)
    return submission, people, unrelated


def test_conflicted_members_are_exactly_the_authors_their_organisations_and_declarations(
    cast, conflicts
):
    submission, people, _unrelated = conflicts

    conflicted = set(
        permissions.conflicted_member_ids(submission.practice).values_list("pk", flat=True)
    )

    assert {m.pk for m in people.values()} <= conflicted
    assert conflicted - {m.pk for m in people.values()} == set()


def test_no_conflicted_member_is_ever_suggested(cast, conflicts):
    submission, _people, unrelated = conflicts

    suggested = [s.member.display_name for s in selectors.suggested_reviewers(submission)]

    # The clean experts only, tied on everything but the name.
    assert suggested == ["Aino Virtanen", "Kadri Tamm", "Unrelated Declaration"]
    assert unrelated.display_name in suggested


@pytest.mark.parametrize(
    "who",
    [
        "author",
        "co_author",
        "author_colleague",
        "co_author_colleague",
        "owner_member",
        "declared_practice",
        "declared_home",
        "declared_partner",
        "declared_owner",
        "declared_author",
        "declared_co_author",
    ],
)
def test_a_conflicted_member_cannot_be_invited_even_by_id(cast, conflicts, who):
    submission, people, _unrelated = conflicts
    member = people[who]
    before = world()

    with pytest.raises(DomainError) as caught:
        services.invite_reviewer(
            editor=cast.moderator, submission_id=submission.pk, reviewer_id=member.pk
        )

    assert caught.value.message == (
        f"{member.display_name} cannot review this contribution: a conflict of interest, "
        "or not verified."
    )
    assert world() == before
    assert permissions.can_be_invited(member, submission.practice) is False


def test_a_reviewer_who_declines_for_a_conflict_is_never_suggested_again(cast):
    submission = new_submission(cast)
    invitation = invite(cast.editor, submission, cast.reviewer, accept=False)
    services.respond_to_invitation(
        reviewer=cast.reviewer, invitation_id=invitation.pk, accept=False, conflict=True
    )

    assert permissions.is_conflicted(cast.reviewer, submission.practice) is True
    with pytest.raises(DomainError):
        services.invite_reviewer(
            editor=cast.editor, submission_id=submission.pk, reviewer_id=cast.reviewer.pk
        )


def test_already_invited_members_are_not_suggested(cast):
    submission = new_submission(cast)
    invite(cast.editor, submission, cast.reviewer, accept=False)

    suggested = [s.member for s in selectors.suggested_reviewers(submission)]

    assert suggested == [cast.other_reviewer]
