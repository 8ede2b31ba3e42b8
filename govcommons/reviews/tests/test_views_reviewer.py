"""Peer review pages for reviewers, members and the public: who may open each one (refusals
change nothing), the invitation link, the review form (text kept on every error), the frozen
version and its diffs, the public review summary, freshness, /about/review, declared conflicts,
the statistics, and bounded query counts."""

import datetime
import html
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from govcommons.practices.models import ContributionState, Practice
from govcommons.practices.tests.factories import write_draft, write_published
from govcommons.reviews import services
from govcommons.reviews.models import (
    ConflictOfInterest,
    Criterion,
    InvitationState,
    OutdatedFlag,
    Review,
    ReviewInvitation,
    ReviewPoint,
)
from govcommons.reviews.tests.conftest import ROLES
from govcommons.reviews.tests.factories import invite, published, review, revise, submitted

SIGNED_IN = [role for role in ROLES if role != "anonymous"]


def sign_in(client, cast, role):
    if role != "anonymous":
        client.force_login(cast[role])
    return client


def body(response) -> str:
    return response.content.decode()


def text(response) -> str:
    """The page as plain text with collapsed spaces, to assert on sentences."""
    without_tags = re.sub(r"<[^>]+>", " ", body(response))
    spaced = re.sub(r"\s+", " ", html.unescape(without_tags))
    return re.sub(r" ([:.,;])", r"\1", spaced)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def goes_to_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def in_review(cast, **fields):
    """A new contribution by the author and co-author, with the reviewer's accepted invitation."""
    submission = submitted(cast.author, cast.topic, co_authors=[cast.co_author], **fields)
    invitation = invite(cast.editor, submission, cast.reviewer)
    return submission, invitation


def review_post(**overrides) -> dict:
    data = {c.value: "4" for c in Criterion}
    data.update(
        {
            "accuracy_comment": "The repair times need a source.",
            "recommendation": "minor_changes",
            "to_authors": "A clear case; add the data source for the outcomes.",
            "to_editor": "Confidential: I know the team's previous work.",
            "inline-approach": "Which districts went first?",
        }
    )
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- my invitations ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_invitations_page_opens_for_every_member_and_asks_visitors_to_sign_in(client, cast, role):
    response = sign_in(client, cast, role).get(reverse("reviews:invitations"))

    if role == "anonymous":
        assert goes_to_login(response)
    else:
        assert response.status_code == 200


def test_invitations_list_open_ones_first_with_due_dates_and_overdue_marked(client, cast):
    _, done = in_review(cast, title="Reviewed already")
    review(done)
    _, late = in_review(cast, title="Late review")
    ReviewInvitation.objects.filter(pk=late.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=2)
    )
    in_review(cast, title="Fresh invitation")

    client.force_login(cast.reviewer)
    page = text(client.get(reverse("reviews:invitations")))

    assert (
        page.index("Late review") < page.index("Fresh invitation") < page.index("Reviewed already")
    )
    assert page.count("Overdue") == 1
    assert "Write your review: Late review" in page
    assert "See the version you reviewed: Reviewed already" in page
    late_due = (timezone.localdate() - datetime.timedelta(days=2)).strftime("%Y-%m-%d")
    assert f'<time datetime="{late_due}">' in body(client.get(reverse("reviews:invitations")))


def test_invitations_empty_state_explains_how_members_become_reviewers(client, cast):
    client.force_login(cast.verified)

    response = client.get(reverse("reviews:invitations"))

    page = text(response)
    assert "No invitations yet" in page
    assert "add your expertise topics to your profile" in page
    assert f'href="{reverse("accounts:settings")}"' in body(response)
    assert f'href="{reverse("accounts:verification")}"' in body(response)


def test_invitations_page_query_count_does_not_grow_with_rows(
    client, cast, django_assert_max_num_queries
):
    in_review(cast, title="One")
    client.force_login(cast.reviewer)
    with django_assert_max_num_queries(8) as one:
        client.get(reverse("reviews:invitations"))
    for n in range(4):
        in_review(cast, title=f"More {n}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("reviews:invitations"))
    assert text(response).count("Write your review") == 5


# --- one invitation ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_only_the_invited_reviewer_sees_the_invitation_page(client, cast, role):
    _, invitation = in_review(cast)

    response = sign_in(client, cast, role).get(reverse("reviews:invitation", args=[invitation.pk]))

    if role == "anonymous":
        assert goes_to_login(response)
    elif role == "reviewer":
        assert response.status_code == 200
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", [r for r in ROLES if r != "reviewer"])
def test_nobody_else_can_answer_an_invitation(client, cast, role):
    submission = submitted(cast.author, cast.topic)
    invitation = invite(cast.editor, submission, cast.reviewer, accept=False)

    response = sign_in(client, cast, role).post(
        reverse("reviews:invitation", args=[invitation.pk]),
        {"decision": "decline", "reason": "Not me", "conflict": "on"},
    )

    assert response.status_code == (302 if role == "anonymous" else 404)
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.INVITED
    assert invitation.decline_reason == ""
    assert ConflictOfInterest.objects.count() == 0


def test_invitation_page_shows_what_a_reviewer_needs_to_spot_a_conflict(client, cast):
    submission = submitted(
        cast.author,
        cast.topic,
        co_authors=[cast.co_author],
        title="Pothole app",
        summary="Residents *report* potholes.",
    )
    invitation = invite(cast.editor, submission, cast.reviewer, accept=False)
    client.force_login(cast.reviewer)

    response = client.get(reverse("reviews:invitation", args=[invitation.pk]))

    page = text(response)
    assert "Invitation to review “Pothole app”" in page
    assert "<em>report</em>" in body(response)
    assert "Claire Martin Verified public servant (Ville de Lyon)" in page
    assert "Marc Co" in page
    assert "Road maintenance" in page
    assert invitation.due_on.strftime("%Y-%m-%d") in body(response)
    assert "Accept and start reviewing" in page
    assert "I have a conflict of interest" in page


def test_accepting_an_invitation_leads_to_the_review_form(client, cast):
    submission = submitted(cast.author, cast.topic)
    invitation = invite(cast.editor, submission, cast.reviewer, accept=False)
    client.force_login(cast.reviewer)

    response = client.post(
        reverse("reviews:invitation", args=[invitation.pk]), {"decision": "accept"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:review", args=[invitation.pk])
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.ACCEPTED


def test_declining_with_a_conflict_records_the_reason_and_the_conflict(client, cast):
    submission = submitted(cast.author, cast.topic)
    invitation = invite(cast.editor, submission, cast.reviewer, accept=False)
    client.force_login(cast.reviewer)

    response = client.post(
        reverse("reviews:invitation", args=[invitation.pk]),
        {"decision": "decline", "reason": "I advised this city last year.", "conflict": "on"},
        follow=True,
    )

    assert response.redirect_chain == [(reverse("reviews:invitations"), 302)]
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.DECLINED
    assert invitation.decline_reason == "I advised this city last year."
    conflict = ConflictOfInterest.objects.get()
    assert (conflict.member, conflict.practice_id) == (cast.reviewer, submission.practice_id)


def test_an_answered_invitation_shows_its_state_and_the_way_on(client, cast):
    _, invitation = in_review(cast)
    client.force_login(cast.reviewer)

    response = client.get(reverse("reviews:invitation", args=[invitation.pk]))

    assert "You accepted this invitation" in text(response)
    assert f'href="{reverse("reviews:review", args=[invitation.pk])}"' in body(response)
    assert "Accept and start reviewing" not in text(response)


def test_answering_an_invitation_twice_says_it_was_answered(client, cast):
    _, invitation = in_review(cast)
    client.force_login(cast.reviewer)

    response = client.post(
        reverse("reviews:invitation", args=[invitation.pk]), {"decision": "decline"}
    )

    assert response.status_code == 302
    assert messages_of(response) == ["You have already answered this invitation (accepted)."]
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.ACCEPTED


def test_invitation_page_query_count_is_bounded(client, cast, django_assert_max_num_queries):
    _, invitation = in_review(cast)
    client.force_login(cast.reviewer)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("reviews:invitation", args=[invitation.pk])).status_code == 200


# --- the review form ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_only_the_invited_reviewer_opens_the_review_form(client, cast, role):
    _, invitation = in_review(cast)

    response = sign_in(client, cast, role).get(reverse("reviews:review", args=[invitation.pk]))

    if role == "anonymous":
        assert goes_to_login(response)
    elif role == "reviewer":
        assert response.status_code == 200
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", [r for r in ROLES if r != "reviewer"])
def test_nobody_else_can_post_a_review(client, cast, role):
    _, invitation = in_review(cast)

    response = sign_in(client, cast, role).post(
        reverse("reviews:review", args=[invitation.pk]), review_post()
    )

    assert response.status_code == (302 if role == "anonymous" else 404)
    assert Review.objects.count() == 0
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.ACCEPTED


def test_the_review_form_has_the_rubric_and_a_comment_box_beside_each_section(client, cast):
    _, invitation = in_review(cast)
    client.force_login(cast.reviewer)

    response = client.get(reverse("reviews:review", args=[invitation.pk]))

    page = body(response)
    for criterion in Criterion:
        assert f'name="{criterion.value}"' in page
        assert f'name="{criterion.value}_comment"' in page
    assert page.count('type="radio" name="accuracy"') == 5
    assert "1: facts or figures are wrong, or cannot be checked" in text(response)
    assert "5: every fact and figure is right and can be checked" in text(response)
    assert 'name="inline-challenge"' in page
    assert 'name="inline-approach"' in page
    assert 'name="inline-summary"' in page
    assert "Only editors see this" in text(response)
    assert 'name="recommendation"' in page


def test_a_submitted_review_stores_scores_points_and_inline_comments(client, cast):
    _, invitation = in_review(cast)
    client.force_login(cast.reviewer)

    response = client.post(
        reverse("reviews:review", args=[invitation.pk]),
        review_post(accuracy="2", clarity="5"),
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:invitations")
    saved = Review.objects.get()
    assert (saved.accuracy, saved.clarity, saved.evidence) == (2, 5, 4)
    assert saved.recommendation == "minor_changes"
    assert saved.to_editor == "Confidential: I know the team's previous work."
    assert sorted(ReviewPoint.objects.values_list("kind", "target", "text")) == [
        ("criterion", "accuracy", "The repair times need a source."),
        ("inline", "approach", "Which districts went first?"),
    ]
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.COMPLETED


def test_the_review_form_keeps_every_typed_text_on_error(client, cast):
    _, invitation = in_review(cast)
    client.force_login(cast.reviewer)

    response = client.post(
        reverse("reviews:review", args=[invitation.pk]),
        review_post(accuracy=None, recommendation=None),
    )

    assert response.status_code == 200
    page = text(response)
    assert "Give a score from 1 to 5 for “Accuracy”." in page
    assert "Choose a recommendation." in page
    assert "A clear case; add the data source for the outcomes." in page
    assert "Confidential: I know the team&#x27;s previous work." in body(response)
    assert "Which districts went first?" in page
    assert "The repair times need a source." in page
    assert re.search(r'name="clarity" value="4"[^>]* checked', body(response))
    assert Review.objects.count() == 0


def test_the_review_form_keeps_the_text_when_the_editor_decided_meanwhile(client, cast):
    submission, invitation = in_review(cast)
    client.force_login(cast.reviewer)
    assert client.get(reverse("reviews:review", args=[invitation.pk])).status_code == 200
    services.decide(
        editor=cast.editor,
        submission_id=submission.pk,
        decision="request_changes",
        note="Add costs.",
    )

    response = client.post(reverse("reviews:review", args=[invitation.pk]), review_post())

    assert response.status_code == 409
    page = text(response)
    assert "This submission is changes requested now, so it takes no more reviews." in page
    assert "Your text is still in the form" in page
    assert "A clear case; add the data source for the outcomes." in page
    assert "Which districts went first?" in page
    assert Review.objects.count() == 0


def test_the_review_form_explains_why_it_is_closed_after_the_decision(client, cast):
    submission, invitation = in_review(cast)
    services.decide(editor=cast.editor, submission_id=submission.pk, decision="decline")
    client.force_login(cast.reviewer)

    response = client.get(reverse("reviews:review", args=[invitation.pk]))

    assert response.status_code == 403
    assert "The editor withdrew this invitation" in text(response)
    assert 'name="recommendation"' not in body(response)


def test_a_reviewer_who_already_reviewed_is_told_so(client, cast):
    _, invitation = in_review(cast)
    review(invitation)
    client.force_login(cast.reviewer)

    response = client.get(reverse("reviews:review", args=[invitation.pk]))

    assert response.status_code == 403
    assert "You have already reviewed this version." in text(response)


def test_the_review_form_shows_the_submitted_version_even_after_a_later_edit(client, cast):
    submission, invitation = in_review(cast, approach="Routing by district.")
    review(invitation, recommendation="minor_changes")
    services.decide(
        editor=cast.editor,
        submission_id=submission.pk,
        decision="request_changes",
        note="Explain the routing.",
    )
    revise(cast.author, submission.practice, cast.topic, approach="Routing by crew load.")
    client.force_login(cast.reviewer)

    response = client.get(reverse("reviews:version", args=[submission.pk]))

    assert response.status_code == 200
    assert "Routing by district." in text(response)
    assert "Routing by crew load." not in text(response)
    assert "version 1" in text(response)


def test_round_two_shows_the_reviewer_what_changed_and_the_authors_answers(
    client, cast, django_assert_max_num_queries
):
    submission, invitation = in_review(cast, approach="Routing by district.")
    first = review(
        invitation,
        recommendation="major_changes",
        inline_comments={"approach": "Which districts went first?"},
    )
    services.decide(
        editor=cast.editor,
        submission_id=submission.pk,
        decision="request_changes",
        note="Answer the reviewer.",
    )
    point = first.points.get()
    services.answer_points(
        member=cast.author,
        submission_id=submission.pk,
        answers={point.pk: "The northern districts, in March."},
    )
    revise(cast.author, submission.practice, cast.topic, approach="Routing by crew load.")
    services.resubmit(member=cast.author, submission_id=submission.pk)
    client.force_login(cast.reviewer)

    with django_assert_max_num_queries(11):
        response = client.get(reverse("reviews:review", args=[invitation.pk]))

    assert response.status_code == 200
    page = body(response)
    assert "What changed since your review" in text(response)
    assert "<del>district.</del>" in page
    assert "<ins>crew load.</ins>" in page
    assert "Which districts went first?" in text(response)
    assert "The northern districts, in March." in text(response)


def test_a_revision_of_a_published_contribution_shows_the_differences_from_the_live_version(
    client, cast
):
    practice = published(
        cast.author, cast.topic, cast.editor, [cast.other_reviewer], approach="Paper forms."
    )
    revise(cast.author, practice, cast.topic, approach="An online form.")
    submission = services.submit_for_review(member=cast.author, practice_id=practice.pk)
    invitation = invite(cast.editor, submission, cast.reviewer)
    client.force_login(cast.reviewer)

    response = client.get(reverse("reviews:review", args=[invitation.pk]))

    assert "What this revision changes in the published version" in text(response)
    assert "<del>Paper</del><ins>An</ins> <del>forms.</del><ins>online form.</ins>" in body(
        response
    )


def test_the_review_form_query_count_is_bounded(client, cast, django_assert_max_num_queries):
    _, invitation = in_review(cast)
    client.force_login(cast.reviewer)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("reviews:review", args=[invitation.pk])).status_code == 200


# --- the frozen version ------------------------------------------------------------------------

VERSION_READERS = {"author", "co_author", "reviewer", "editor", "moderator"}


@pytest.mark.parametrize("role", ROLES)
def test_the_frozen_version_opens_for_who_may_see_the_submission(client, cast, role):
    submission, _ = in_review(cast)

    response = sign_in(client, cast, role).get(reverse("reviews:version", args=[submission.pk]))

    if role == "anonymous":
        assert goes_to_login(response)
    else:
        assert response.status_code == (200 if role in VERSION_READERS else 404)


def test_the_version_page_shows_the_previous_round_diff(client, cast):
    submission, invitation = in_review(cast, approach="Routing by district.")
    review(invitation, recommendation="major_changes")
    services.decide(
        editor=cast.editor, submission_id=submission.pk, decision="request_changes", note="More."
    )
    revise(cast.author, submission.practice, cast.topic, approach="Routing by crew load.")
    services.resubmit(member=cast.author, submission_id=submission.pk)
    client.force_login(cast.editor)

    response = client.get(reverse("reviews:version", args=[submission.pk]))

    assert "What changed since the previous round" in text(response)
    assert "<ins>crew load.</ins>" in body(response)


def test_the_version_page_query_count_is_bounded(client, cast, django_assert_max_num_queries):
    submission, _ = in_review(cast)
    client.force_login(cast.author)
    with django_assert_max_num_queries(11):
        assert client.get(reverse("reviews:version", args=[submission.pk])).status_code == 200


# --- the public review summary -----------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_everyone_reads_how_a_public_contribution_was_reviewed(client, cast, role):
    practice = published(cast.author, cast.topic, cast.editor, [cast.reviewer])

    response = sign_in(client, cast, role).get(
        reverse("reviews:practice_review", args=[practice.item.slug])
    )

    assert response.status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_no_review_page_for_a_contribution_that_is_not_public(client, cast, role):
    submission, _ = in_review(cast)

    response = sign_in(client, cast, role).get(
        reverse("reviews:practice_review", args=[submission.practice.item.slug])
    )

    assert response.status_code == 404


def test_signed_reviews_show_names_scores_comments_and_the_editors_note(client, cast, settings):
    settings.REVIEWS_SIGNED = True
    practice = published(cast.author, cast.topic, cast.editor, [cast.reviewer, cast.other_reviewer])

    response = client.get(reverse("reviews:practice_review", args=[practice.item.slug]))

    page = text(response)
    assert "Peer reviewed" in page
    assert "3 · Compared with a baseline or control" in page
    assert "Kadri Tamm Verified public servant (Tallinn)" in page
    assert "Aino Virtanen Verified public servant (Helsinki)" in page
    assert "Reviewer 1" not in page
    assert "Clear and useful." in page
    assert "Well documented; the outcomes are measured against last year" in page
    assert page.count("Accept") >= 2
    assert '<td class="num"><strong>4.0</strong></td>' in body(response)
    assert "Confidential" not in page


def test_unsigned_reviews_show_reviewer_numbers_and_never_names(client, cast, settings):
    settings.REVIEWS_SIGNED = False
    practice = published(cast.author, cast.topic, cast.editor, [cast.reviewer, cast.other_reviewer])

    response = client.get(reverse("reviews:practice_review", args=[practice.item.slug]))

    page = text(response)
    assert "Reviewer 1" in page
    assert "Reviewer 2" in page
    assert "Kadri Tamm" not in page
    assert "Aino Virtanen" not in page
    assert "Tallinn" not in page


def test_the_public_summary_never_shows_confidential_comments(client, cast):
    practice = published(cast.author, cast.topic, cast.editor, [cast.reviewer])
    assert Review.objects.get().to_editor == "Confidential: solid work."
    client.force_login(cast.member)

    response = client.get(reverse("reviews:practice_review", args=[practice.item.slug]))

    assert "solid work" not in body(response)


def test_a_contribution_published_before_peer_review_says_so_plainly(client, cast):
    practice = write_published(cast.author, topics=[cast.topic])

    response = client.get(reverse("reviews:practice_review", args=[practice.item.slug]))

    assert response.status_code == 200
    assert "published before peer review started" in text(response)
    assert "Scores" not in text(response)


def test_the_public_timeline_lists_the_state_changes(client, cast):
    practice = published(cast.author, cast.topic, cast.editor, [cast.reviewer])

    response = client.get(reverse("reviews:practice_review", args=[practice.item.slug]))

    steps = re.findall(r"</time>: ([A-Za-z ]+)</li>", body(response))
    assert steps == ["Submitted", "In review", "Accepted", "Published"]


def test_the_public_summary_query_count_does_not_grow_with_reviewers(
    client, cast, make_member, django_assert_max_num_queries
):
    one = published(cast.author, cast.topic, cast.editor, [cast.reviewer], title="One")
    with django_assert_max_num_queries(40) as first:
        client.get(reverse("reviews:practice_review", args=[one.item.slug]))
    many = published(
        cast.author,
        cast.topic,
        cast.editor,
        [cast.reviewer, cast.other_reviewer],
        title="Many",
    )
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(reverse("reviews:practice_review", args=[many.item.slug]))
    assert text(response).count("Recommendation:") == 2


# --- flag as outdated --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_flag_outdated_page_for_signed_in_members(client, cast, role):
    practice = published(cast.author, cast.topic, cast.editor, [cast.reviewer])

    response = sign_in(client, cast, role).get(
        reverse("reviews:flag_outdated", args=[practice.item.slug])
    )

    if role == "anonymous":
        assert goes_to_login(response)
    else:
        assert response.status_code == 200


def test_a_visitor_cannot_flag(client, cast):
    practice = published(cast.author, cast.topic, cast.editor, [cast.reviewer])

    response = client.post(
        reverse("reviews:flag_outdated", args=[practice.item.slug]), {"reason": "Old law."}
    )

    assert goes_to_login(response)
    assert OutdatedFlag.objects.count() == 0


def test_flagging_sends_the_member_back_with_thanks(client, cast):
    practice = published(cast.author, cast.topic, cast.editor, [cast.reviewer])
    client.force_login(cast.member)

    response = client.post(
        reverse("reviews:flag_outdated", args=[practice.item.slug]),
        {"reason": "The 2024 road act replaced the rules it relies on."},
    )

    assert response.status_code == 302
    assert response["Location"] == practice.get_absolute_url()
    assert messages_of(response) == [
        "Thank you. The editors will check whether this contribution is still current."
    ]
    flag = OutdatedFlag.objects.get()
    assert (flag.flagged_by, flag.reason) == (
        cast.member,
        "The 2024 road act replaced the rules it relies on.",
    )


def test_flagging_twice_gives_a_clear_message(client, cast):
    practice = published(cast.author, cast.topic, cast.editor, [cast.reviewer])
    services.flag_outdated(member=cast.member, practice_id=practice.pk, reason="Old law.")
    client.force_login(cast.member)

    response = client.post(
        reverse("reviews:flag_outdated", args=[practice.item.slug]), {"reason": "Still old."}
    )

    assert response.status_code == 409
    assert "You have already flagged this contribution; the editors will look at it." in text(
        response
    )
    assert "Still old." in text(response)
    assert OutdatedFlag.objects.count() == 1


def test_a_flag_needs_a_reason(client, cast):
    practice = published(cast.author, cast.topic, cast.editor, [cast.reviewer])
    client.force_login(cast.member)

    response = client.post(reverse("reviews:flag_outdated", args=[practice.item.slug]), {})

    assert response.status_code == 200
    assert "Say what has changed, so the editors can check." in text(response)
    assert OutdatedFlag.objects.count() == 0


def test_an_archived_contribution_cannot_be_flagged(client, cast):
    practice = published(cast.author, cast.topic, cast.editor, [cast.reviewer])
    services.archive(editor=cast.editor, practice_id=practice.pk, reason="Superseded.")
    client.force_login(cast.member)

    response = client.post(
        reverse("reviews:flag_outdated", args=[practice.item.slug]), {"reason": "Old."}
    )

    assert response.status_code == 403
    assert OutdatedFlag.objects.count() == 0


# --- the re-review queue and freshness actions -------------------------------------------------

EDITORS = {"editor", "moderator"}


def due_for_rereview(cast, title="Due one") -> Practice:
    practice = published(cast.author, cast.topic, cast.editor, [cast.reviewer], title=title)
    Practice.objects.filter(pk=practice.pk).update(
        rereview_due_on=timezone.localdate() - datetime.timedelta(days=3)
    )
    return Practice.objects.select_related("item").get(pk=practice.pk)


@pytest.mark.parametrize("role", ROLES)
def test_the_rereview_queue_is_for_editors(client, cast, role):
    due_for_rereview(cast)

    response = sign_in(client, cast, role).get(reverse("reviews:rereview"))

    if role == "anonymous":
        assert goes_to_login(response)
    else:
        assert response.status_code == (200 if role in EDITORS else 403)


def test_the_rereview_queue_shows_due_dates_flags_and_actions(client, cast):
    due = due_for_rereview(cast, title="Overdue one")
    flagged = published(cast.author, cast.topic, cast.editor, [cast.reviewer], title="Flagged")
    services.flag_outdated(member=cast.member, practice_id=flagged.pk, reason="The app closed.")
    services.flag_outdated(member=cast.verified, practice_id=flagged.pk, reason="New law.")
    outdated = published(cast.author, cast.topic, cast.editor, [cast.reviewer], title="Old one")
    services.mark_outdated(editor=cast.editor, practice_id=outdated.pk, reason="Stale.")
    client.force_login(cast.editor)

    response = client.get(reverse("reviews:rereview"))

    page = text(response)
    assert page.index("Overdue one") < page.index("Flagged")
    assert body(response).count('<span class="badge badge--overdue">Overdue</span>') == 1
    assert "Read the 2 flags: Flagged" in page
    assert "The app closed." in page
    assert "New law." in page
    assert '<span class="badge badge--outdated">Outdated</span>' in body(response)
    assert (
        body(response).count(f'action="{reverse("reviews:freshness", args=[due.item.slug])}"') == 1
    )
    assert 'value="confirm_current"' in body(response)


def test_the_rereview_queue_query_count_does_not_grow_with_rows(
    client, cast, django_assert_max_num_queries
):
    one = due_for_rereview(cast, title="First")
    services.flag_outdated(member=cast.member, practice_id=one.pk, reason="Old.")
    client.force_login(cast.editor)
    with django_assert_max_num_queries(20) as first:
        client.get(reverse("reviews:rereview"))
    for n in range(3):
        more = due_for_rereview(cast, title=f"More {n}")
        services.flag_outdated(member=cast.member, practice_id=more.pk, reason="Old.")
        services.flag_outdated(member=cast.verified, practice_id=more.pk, reason="Older.")
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(reverse("reviews:rereview"))
    assert text(response).count("Act on it") == 4


@pytest.mark.parametrize("role", ROLES)
def test_only_editors_confirm_a_contribution_as_current(client, cast, role):
    practice = due_for_rereview(cast)
    services.flag_outdated(member=cast.member, practice_id=practice.pk, reason="Old.")

    response = sign_in(client, cast, role).post(
        reverse("reviews:freshness", args=[practice.item.slug]),
        {"action": "confirm_current", "note": "Checked with the city."},
    )

    practice.refresh_from_db()
    open_flags = OutdatedFlag.objects.filter(resolved_at__isnull=True).count()
    if role == "anonymous":
        assert goes_to_login(response)
    elif role in EDITORS:
        assert response.status_code == 302
        assert response["Location"] == reverse("reviews:rereview")
        assert practice.rereview_due_on > timezone.localdate()
        assert open_flags == 0
        return
    else:
        assert response.status_code == 403
    assert practice.rereview_due_on < timezone.localdate()
    assert open_flags == 1


def test_marking_outdated_needs_a_reason_and_shows_the_error(client, cast):
    practice = due_for_rereview(cast)
    client.force_login(cast.editor)

    response = client.post(
        reverse("reviews:freshness", args=[practice.item.slug]),
        {"action": "mark_outdated", "note": ""},
        follow=True,
    )

    assert response.redirect_chain == [(reverse("reviews:rereview"), 302)]
    assert "Say what is out of date." in text(response)
    practice.refresh_from_db()
    assert practice.state == ContributionState.PUBLISHED


def test_marking_outdated_and_archiving_from_the_queue(client, cast):
    first = due_for_rereview(cast, title="First")
    second = due_for_rereview(cast, title="Second")
    client.force_login(cast.editor)

    client.post(
        reverse("reviews:freshness", args=[first.item.slug]),
        {"action": "mark_outdated", "note": "The law changed."},
    )
    response = client.post(
        reverse("reviews:freshness", args=[second.item.slug]),
        {"action": "archive", "note": "Superseded.", "page": "2"},
    )

    assert response["Location"] == reverse("reviews:rereview") + "?page=2"
    assert messages_of(response) == [
        "“First” is marked outdated; its authors are told.",
        "“Second” is archived.",
    ]
    states = dict(Practice.objects.values_list("item__title", "state"))
    assert states == {"First": "outdated", "Second": "archived"}


# --- /about/review -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_about_page_is_public(client, cast, role):
    response = sign_in(client, cast, role).get(reverse("reviews:about"))

    assert response.status_code == 200


def test_the_about_page_lists_all_five_evidence_levels_with_examples(client, db):
    response = client.get(reverse("reviews:about"))

    page = text(response)
    for label in [
        "1 · Described",
        "2 · Outcomes measured",
        "3 · Compared with a baseline or control",
        "4 · Independently evaluated",
        "5 · Replicated elsewhere",
    ]:
        assert label in page
    assert page.count("Example:") == 5
    assert '<h2 id="evidence-levels">' in body(response)  # the contribution page links here
    assert "24 months after its last review" in page
    assert "due after 12 months: Practical tip, Tool or template" in page


def test_the_about_page_says_whether_reviews_are_signed(client, db, settings):
    settings.REVIEWS_SIGNED = False
    assert "Reviews are anonymous at the moment" in text(client.get(reverse("reviews:about")))
    settings.REVIEWS_SIGNED = True
    assert "Reviews are signed" in text(client.get(reverse("reviews:about")))


def test_the_about_page_is_cacheable_for_visitors_and_private_for_members(client, cast):
    public = client.get(reverse("reviews:about"))
    client.force_login(cast.member)
    private = client.get(reverse("reviews:about"))

    assert public["Cache-Control"] == "public, max-age=3600"
    assert "private" in private["Cache-Control"]
    assert "Cookie" in public["Vary"]


# --- declared conflicts ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_conflicts_page_is_for_signed_in_members(client, cast, role):
    response = sign_in(client, cast, role).get(reverse("reviews:conflicts"))

    if role == "anonymous":
        assert goes_to_login(response)
    else:
        assert response.status_code == 200


def test_declaring_a_conflict_with_an_organisation(client, cast):
    client.force_login(cast.reviewer)

    response = client.post(
        reverse("reviews:conflicts"),
        {"declare": "1", "organization": cast.author.organization_id, "reason": "Former employer"},
        follow=True,
    )

    conflict = ConflictOfInterest.objects.get()
    assert (conflict.member, conflict.organization, conflict.person) == (
        cast.reviewer,
        cast.author.organization,
        None,
    )
    assert "Organisation: Ville de Lyon" in text(response)
    assert "Former employer" in text(response)


@pytest.mark.parametrize("how", ["handle", "email"])
def test_declaring_a_conflict_with_a_person_by_handle_or_email(client, cast, how):
    client.force_login(cast.reviewer)

    client.post(
        reverse("reviews:conflicts"),
        {"declare": "1", "person": getattr(cast.author, how).upper(), "reason": ""},
    )

    assert ConflictOfInterest.objects.get().person == cast.author


def test_an_unknown_person_or_an_empty_declaration_is_refused(client, cast):
    client.force_login(cast.reviewer)

    unknown = client.post(reverse("reviews:conflicts"), {"declare": "1", "person": "nobody-here"})
    empty = client.post(reverse("reviews:conflicts"), {"declare": "1"})

    assert "We found no member with this profile address or email." in text(unknown)
    assert "Choose an organisation or name a person." in text(empty)
    assert ConflictOfInterest.objects.count() == 0


def test_removing_a_declared_conflict(client, cast):
    conflict = services.declare_conflict(member=cast.reviewer, person=cast.author)
    client.force_login(cast.reviewer)

    response = client.post(reverse("reviews:conflicts"), {"remove": conflict.pk})

    assert response.status_code == 302
    assert messages_of(response) == ["Declaration removed."]
    assert ConflictOfInterest.objects.count() == 0


def test_nobody_removes_someone_elses_declaration(client, cast):
    conflict = services.declare_conflict(member=cast.reviewer, person=cast.author)
    client.force_login(cast.other_reviewer)

    response = client.post(reverse("reviews:conflicts"), {"remove": conflict.pk})

    assert messages_of(response) == ["This declaration is already gone."]
    assert ConflictOfInterest.objects.count() == 1


def test_the_conflicts_page_query_count_does_not_grow_with_rows(
    client, cast, django_assert_max_num_queries
):
    services.declare_conflict(member=cast.reviewer, person=cast.author)
    client.force_login(cast.reviewer)
    with django_assert_max_num_queries(12) as first:
        client.get(reverse("reviews:conflicts"))
    services.declare_conflict(member=cast.reviewer, person=cast.co_author)
    services.declare_conflict(member=cast.reviewer, organization=cast.author.organization)
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(reverse("reviews:conflicts"))
    assert text(response).count("Remove") == 3


# --- statistics --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_statistics_are_public(client, cast, role):
    response = sign_in(client, cast, role).get(reverse("reviews:stats"))

    assert response.status_code == 200


def test_the_statistics_page_draws_the_chart_and_gives_the_table(client, cast):
    published(cast.author, cast.topic, cast.editor, [cast.reviewer, cast.other_reviewer])
    in_review(cast, title="Waiting")

    response = client.get(reverse("reviews:stats"))

    page = body(response)
    assert page.count('<svg class="review-chart__svg"') == 1
    assert page.count('class="review-chart__bar"') == 1
    assert "<figcaption>" in page
    assert "2 reviews completed in the last 12 months." in text(response)
    month = timezone.localdate().strftime("%B %Y")
    assert re.search(rf"{month}</time></th><td class=\"num\">2</td>", page)
    assert page.count('<tr><th scope="row"><time') == 12
    assert "100%" in text(response)
    assert "less than a day median time from submission to the first decision" in text(response)
    assert "1 submission with the editors now" in text(response)
    assert "style=" not in page


def test_the_statistics_page_query_count_is_bounded(client, cast, django_assert_max_num_queries):
    published(cast.author, cast.topic, cast.editor, [cast.reviewer, cast.other_reviewer])
    with django_assert_max_num_queries(5):
        assert client.get(reverse("reviews:stats")).status_code == 200


# --- every page ---------------------------------------------------------------------------------


def test_no_page_has_an_inline_style_or_script(client, cast):
    practice = published(cast.author, cast.topic, cast.editor, [cast.other_reviewer])
    submission, invitation = in_review(cast)
    services.flag_outdated(member=cast.member, practice_id=practice.pk, reason="Old.")
    draft = write_draft(cast.author)
    assert draft.state == ContributionState.DRAFT
    pages = {
        cast.reviewer: [
            reverse("reviews:invitations"),
            reverse("reviews:invitation", args=[invitation.pk]),
            reverse("reviews:review", args=[invitation.pk]),
            reverse("reviews:version", args=[submission.pk]),
            reverse("reviews:conflicts"),
            reverse("reviews:flag_outdated", args=[practice.item.slug]),
        ],
        cast.editor: [reverse("reviews:rereview")],
        None: [
            reverse("reviews:about"),
            reverse("reviews:stats"),
            reverse("reviews:practice_review", args=[practice.item.slug]),
        ],
    }
    for who, urls in pages.items():
        client.logout()
        if who is not None:
            client.force_login(who)
        for url in urls:
            page = body(client.get(url))
            assert " style=" not in page, url
            assert "<script>" not in page, url
            assert len(re.findall(r"<h1[ >]", page)) == 1, url
