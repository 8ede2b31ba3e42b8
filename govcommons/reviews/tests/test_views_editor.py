"""The editor's queue and desk and the authors' side of a submission: who may open and post
what (each role, exactly), what each role may never read, the queue's order and filters, the
invitation email, concurrent decisions, form errors that keep the member's text, and bounded
query counts."""

import html
import re
from datetime import timedelta
from email.header import decode_header, make_header

import pytest
from django.contrib.messages import get_messages
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from govcommons.notifications.models import Notification, OutgoingEmail
from govcommons.practices.models import ContributionState as S
from govcommons.practices.models import Practice
from govcommons.reviews import services
from govcommons.reviews.models import (
    InvitationState,
    Review,
    ReviewEvent,
    ReviewInvitation,
    ReviewPoint,
    Submission,
)
from govcommons.reviews.tests import factories
from govcommons.reviews.tests.conftest import ROLES

pytestmark = pytest.mark.django_db

TO_EDITOR = "Only for the editor: the baseline looks thin."
DECLINE_REASON = "Too busy with the budget cycle this month."


# --- helpers -----------------------------------------------------------------------------------


def sign_in(client, cast, role: str):
    if role != "anonymous":
        client.force_login(cast[role])
    return client


def body(response) -> str:
    return response.content.decode()


def text(response) -> str:
    """The page as a reader hears it: tags out, entities decoded, spaces collapsed."""
    main = body(response)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def field_error(response, field_id: str) -> str:
    """The error shown beside a field (components/field.html), as text."""
    match = re.search(
        rf'<p class="field__error" id="{re.escape(field_id)}-error"><strong>Error:</strong> '
        r"([^<]*)</p>",
        body(response),
    )
    return html.unescape(match.group(1)) if match else ""


def page_url(submission) -> str:
    return reverse("reviews:submission", args=[submission.pk])


def in_review(cast, **fields) -> tuple[Submission, ReviewInvitation]:
    """A contribution by the author and co-author, the reviewer invited and accepted."""
    submission = factories.submitted(cast.author, cast.topic, co_authors=[cast.co_author], **fields)
    return submission, factories.invite(cast.editor, submission, cast.reviewer)


def reviewed(cast, recommendation: str = "minor_changes") -> tuple[Submission, Review]:
    submission, invitation = in_review(cast)
    review = factories.review(
        invitation,
        recommendation,
        to_authors="Say how the crews were trained.",
        to_editor=TO_EDITOR,
        criterion_comments={"evidence": "Give last year's repair times."},
        inline_comments={"approach": "Which app? Name it."},
    )
    return submission, review


def changes_requested(cast) -> tuple[Submission, Review]:
    submission, review = reviewed(cast)
    services.decide(
        editor=cast.editor,
        submission_id=submission.pk,
        decision="request_changes",
        note="Please add the baseline.",
    )
    return submission, review


def world(submission) -> dict:
    """Everything a refused POST must leave as it was."""
    submission = Submission.objects.get(pk=submission.pk)
    return {
        "state": submission.state,
        "round": submission.round,
        "practice_state": Practice.objects.get(pk=submission.practice_id).state,
        "events": ReviewEvent.objects.count(),
        "invitations": list(ReviewInvitation.objects.order_by("pk").values_list("pk", "state")),
        "reviews": list(Review.objects.order_by("pk").values_list("pk", "quality")),
        "answers": list(ReviewPoint.objects.order_by("pk").values_list("pk", "response")),
        "notifications": Notification.objects.count(),
        "emails": OutgoingEmail.objects.count(),
    }


# --- the permission matrix ---------------------------------------------------------------------

PAGE_STATUS = {
    "anonymous": 302,
    "member": 404,
    "verified": 404,
    "author": 200,
    "co_author": 200,
    "colleague": 404,
    "reviewer": 200,
    "other_reviewer": 404,
    "editor": 200,
    "moderator": 200,
}

QUEUE_STATUS = {
    "anonymous": 302,
    "member": 403,
    "verified": 403,
    "author": 403,
    "co_author": 403,
    "colleague": 403,
    "reviewer": 403,
    "other_reviewer": 403,
    "editor": 200,
    "moderator": 200,
}

# Editor's POSTs: strangers learn nothing (404); the authors and the reviewer may see the page
# but not act (403); "done" is the redirect back to the page.
EDITOR_POST = {
    "anonymous": "login",
    "member": 404,
    "verified": 404,
    "author": 403,
    "co_author": 403,
    "colleague": 404,
    "reviewer": 403,
    "other_reviewer": 404,
    "editor": "done",
    "moderator": "done",
}
AUTHOR_POST = {
    **EDITOR_POST,
    "author": "done",
    "co_author": "done",
    "editor": 403,
    "moderator": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_submission_page_opens_only_for_editors_authors_and_invited_reviewers(client, cast, role):
    submission, _invitation = in_review(cast)

    response = sign_in(client, cast, role).get(page_url(submission))

    assert response.status_code == PAGE_STATUS[role]
    if role == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    if response.status_code == 200:
        assert '<h1 lang="en">Fixing potholes in a week</h1>' in body(response)


@pytest.mark.parametrize("role", ROLES)
def test_queue_opens_only_for_editors(client, cast, role):
    in_review(cast)

    response = sign_in(client, cast, role).get(reverse("reviews:queue"))

    assert response.status_code == QUEUE_STATUS[role]
    if role == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))


def _invite_setup(cast):
    submission, _invitation = in_review(cast)
    data = {"reviewer": cast.other_reviewer.pk, "due_on": _in_days(10)}
    return submission, reverse("reviews:invite", args=[submission.pk]), data


def _cancel_setup(cast):
    submission, invitation = in_review(cast)
    return submission, reverse("reviews:cancel_invitation", args=[invitation.pk]), {}


def _decide_setup(cast):
    submission, _review = reviewed(cast)
    data = {
        "decision": "request_changes",
        "note": "Add the baseline.",
        "expected_state": "in_review",
    }
    return submission, reverse("reviews:decide", args=[submission.pk]), data


def _publish_setup(cast):
    submission, _review = reviewed(cast, "accept")
    services.decide(editor=cast.editor, submission_id=submission.pk, decision="accept")
    data = {"evidence_level": "3", "note": "Measured against last year."}
    return submission, reverse("reviews:publish", args=[submission.pk]), data


def _rate_setup(cast):
    submission, review = reviewed(cast)
    return submission, reverse("reviews:rate", args=[review.pk]), {"quality": "4"}


def _withdraw_setup(cast):
    submission, _invitation = in_review(cast)
    return submission, reverse("reviews:withdraw", args=[submission.pk]), {"reason": "Rework"}


def _answers_setup(cast):
    submission, review = changes_requested(cast)
    data = {f"answer-{p.pk}": "Done: added." for p in review.points.all()}
    return submission, reverse("reviews:answers", args=[submission.pk]), data


def _resubmit_setup(cast):
    submission, _review = changes_requested(cast)
    factories.revise(
        cast.author,
        submission.practice,
        cast.topic,
        co_authors=[cast.co_author],
        challenge="Now with data.",
    )
    return submission, reverse("reviews:resubmit", args=[submission.pk]), {"note": "Added data"}


def _in_days(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _done(operation: str, submission, before: dict) -> None:
    """What a successful POST of each kind changed."""
    after = world(submission)
    changed = {
        "invite": lambda: len(after["invitations"]) == len(before["invitations"]) + 1,
        "cancel": lambda: after["invitations"][0][1] == InvitationState.CANCELLED,
        "decide": lambda: after["state"] == S.CHANGES_REQUESTED,
        "publish": lambda: after["state"] == S.PUBLISHED,
        "rate": lambda: after["reviews"][0][1] == 4,
        "withdraw": lambda: after["state"] == S.WITHDRAWN,
        "answers": lambda: {r for _pk, r in after["answers"]} == {"Done: added."},
        "resubmit": lambda: (after["state"], after["round"]) == (S.IN_REVIEW, 2),
    }
    assert changed[operation]()


POSTS = [
    ("invite", _invite_setup, EDITOR_POST),
    ("cancel", _cancel_setup, EDITOR_POST),
    ("decide", _decide_setup, EDITOR_POST),
    ("publish", _publish_setup, EDITOR_POST),
    ("rate", _rate_setup, EDITOR_POST),
    ("withdraw", _withdraw_setup, AUTHOR_POST),
    ("answers", _answers_setup, AUTHOR_POST),
    ("resubmit", _resubmit_setup, AUTHOR_POST),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("operation", "setup", "expected"), POSTS, ids=[p[0] for p in POSTS])
def test_each_post_is_done_only_by_its_role_and_a_refusal_changes_nothing(
    client, cast, role, operation, setup, expected
):
    submission, url, data = setup(cast)
    before = world(submission)

    response = sign_in(client, cast, role).post(url, data)

    outcome = expected[role]
    if outcome == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif outcome == "done":
        assert response.status_code == 302
        assert response["Location"] == page_url(submission)
        _done(operation, submission, before)
        return
    else:
        assert response.status_code == outcome
    assert world(submission) == before


@pytest.mark.parametrize(
    "name", ["invite", "decide", "publish", "withdraw", "answers", "resubmit", "rate"]
)
def test_posts_refuse_get(client, cast, name):
    submission, review = reviewed(cast)
    pk = review.pk if name == "rate" else submission.pk
    client.force_login(cast.editor)

    assert client.get(reverse(f"reviews:{name}", args=[pk])).status_code == 405


def test_post_for_a_missing_invitation_or_review_is_404(client, cast):
    client.force_login(cast.editor)

    assert client.post(reverse("reviews:cancel_invitation", args=[999])).status_code == 404
    assert client.post(reverse("reviews:rate", args=[999]), {"quality": "3"}).status_code == 404


# --- what each role may read -------------------------------------------------------------------


def _with_decliner_and_silent_invitee(cast, submission):
    """The other reviewer declined with a reason; a verified member is invited, silent."""
    declined = factories.invite(cast.editor, submission, cast.other_reviewer, accept=False)
    services.respond_to_invitation(
        reviewer=cast.other_reviewer, invitation_id=declined.pk, accept=False, reason=DECLINE_REASON
    )
    factories.invite(cast.editor, submission, cast.verified, accept=False)


@pytest.mark.parametrize("role", ["author", "co_author"])
def test_authors_read_the_reviews_but_never_confidential_comments_nor_invitations(
    client, cast, role
):
    submission, invitation = in_review(cast)
    _with_decliner_and_silent_invitee(cast, submission)
    factories.review(
        invitation,
        "major_changes",
        to_authors="Say how the crews were trained.",
        to_editor=TO_EDITOR,
        criterion_comments={"evidence": "Give last year's repair times."},
    )
    services.decide(
        editor=cast.editor,
        submission_id=submission.pk,
        decision="request_changes",
        note="Please add the baseline.",
    )

    response = sign_in(client, cast, role).get(page_url(submission))

    page = text(response)
    assert response.status_code == 200
    assert "Say how the crews were trained." in page
    assert "Give last year's repair times." in page
    assert "Recommendation: Major changes" in page
    assert "Please add the baseline." in page
    assert "Kadri Tamm" in page  # reviews are signed by default
    for secret in (
        TO_EDITOR,
        "Aino Virtanen",
        DECLINE_REASON,
        cast.verified.display_name,
        "Invitations",
        "Withdraw invitation",
        "Rate this review",
        "Reviewer invited",
        "Invitation declined",
    ):
        assert secret not in page, secret


def test_unsigned_reviews_show_as_numbered_reviewers_to_authors_and_other_reviewers(
    client, cast, settings
):
    settings.REVIEWS_SIGNED = False
    submission, invitation = in_review(cast)
    second = factories.invite(cast.editor, submission, cast.other_reviewer)
    factories.review(invitation, "minor_changes", to_authors="First review.")
    factories.review(second, "accept", to_authors="Second review.")
    services.decide(
        editor=cast.editor, submission_id=submission.pk, decision="request_changes", note="Fix."
    )

    author_page = text(sign_in(client, cast, "author").get(page_url(submission)))
    client.logout()
    reviewer_page = text(sign_in(client, cast, "reviewer").get(page_url(submission)))

    assert "Reviewer 1" in author_page
    assert "Reviewer 2" in author_page
    assert "Kadri Tamm" not in author_page
    assert "Aino Virtanen" not in author_page
    assert "Aino Virtanen" not in reviewer_page
    assert "Second review." not in reviewer_page


def test_authors_read_the_reviews_only_once_the_editor_has_decided(client, cast):
    submission, _review = reviewed(cast)
    client.force_login(cast.author)

    before = text(client.get(page_url(submission)))
    services.decide(
        editor=cast.editor, submission_id=submission.pk, decision="request_changes", note="Fix."
    )
    after = text(client.get(page_url(submission)))

    assert "No review to read yet" in before
    assert "Say how the crews were trained." not in before
    assert "Say how the crews were trained." in after


def test_reviewer_sees_only_their_own_invitation_and_review(client, cast):
    submission, invitation = in_review(cast)
    second = factories.invite(cast.editor, submission, cast.other_reviewer)
    factories.review(second, "accept", to_authors="Theirs.", to_editor="Aino's private note.")
    factories.review(invitation, "accept", to_authors="Mine.", to_editor="My private note.")
    factories.invite(cast.editor, submission, cast.verified, accept=False)

    response = sign_in(client, cast, "reviewer").get(page_url(submission))

    page = text(response)
    assert "Your invitation: Review submitted" in page
    assert "Mine." in page
    assert "My private note." in page
    for hidden in (
        "Theirs.",
        "Aino's private note.",
        "Aino Virtanen",
        cast.verified.display_name,
        "Invitations",
        "Reviewer invited",
        "Suggested reviewers",
        "Record the decision",
    ):
        assert hidden not in page, hidden
    assert reverse("reviews:invitation", args=[second.pk]) not in body(response)


def test_invited_reviewer_is_sent_to_respond_then_to_write(client, cast):
    submission = factories.submitted(cast.author, cast.topic)
    invitation = factories.invite(cast.editor, submission, cast.reviewer, accept=False)
    client.force_login(cast.reviewer)

    first = body(client.get(page_url(submission)))
    services.respond_to_invitation(reviewer=cast.reviewer, invitation_id=invitation.pk, accept=True)
    second = body(client.get(page_url(submission)))

    assert reverse("reviews:invitation", args=[invitation.pk]) in first
    assert reverse("reviews:review", args=[invitation.pk]) not in first
    assert reverse("reviews:review", args=[invitation.pk]) in second


def test_editor_sees_everything_about_the_submission(client, cast):
    submission, invitation = in_review(cast)
    _with_decliner_and_silent_invitee(cast, submission)
    factories.review(invitation, "minor_changes", to_editor=TO_EDITOR)
    ReviewInvitation.objects.filter(reviewer=cast.verified).update(
        due_on=timezone.localdate() - timedelta(days=2), reminder_count=1
    )

    response = sign_in(client, cast, "editor").get(page_url(submission))

    page = text(response)
    assert TO_EDITOR in page
    assert "Aino Virtanen Verified public servant Helsinki Declined" in page
    assert DECLINE_REASON in page
    assert "Overdue" in page
    assert body(response).count("Withdraw invitation<") == 1  # only the silent invitee's is open
    assert reverse("reviews:version", args=[submission.pk]) in body(response)
    assert reverse("reviews:rate", args=[Review.objects.get().pk]) in body(response)
    assert 'name="expected_state" value="in_review"' in body(response)


def test_suggestions_explain_why_and_never_include_conflicted_members(client, cast):
    submission = factories.submitted(cast.author, cast.topic)

    response = sign_in(client, cast, "editor").get(page_url(submission))

    page = text(response)
    suggestions = page.split("Suggested reviewers", 1)[1].split("Invite someone else", 1)[0]
    assert "Kadri Tamm" in suggestions
    assert "Aino Virtanen" in suggestions
    assert "Colleague Lyon" not in suggestions  # same organisation as the author
    assert "1 matching topic 0 reviews completed reviews not rated yet 0 reviews in progress" in (
        suggestions
    )
    assert "Due date for the review by Kadri Tamm" in page
    default_due = _in_days(21)
    assert body(response).count(f'name="due_on" value="{default_due}"') == 3


# --- the queue ---------------------------------------------------------------------------------


def _waiting(submission, days: int) -> None:
    Submission.objects.filter(pk=submission.pk).update(
        waiting_since=timezone.now() - timedelta(days=days, hours=1)
    )


def test_queue_lists_the_longest_waiting_first_with_waiting_days_and_counts(client, cast):
    recent = factories.submitted(cast.author, cast.topic, title="Recent one")
    oldest, _invitation = in_review(cast, title="Oldest one")
    middle = factories.submitted(cast.author, cast.topic, title="Middle one")
    _waiting(recent, 1)
    _waiting(oldest, 12)
    _waiting(middle, 5)

    response = sign_in(client, cast, "editor").get(reverse("reviews:queue"))

    page = text(response)
    assert page.index("Oldest one") < page.index("Middle one") < page.index("Recent one")
    assert "3 submissions waiting" in page
    assert "Oldest one waiting 12 days" in page
    assert "Recent one waiting 1 day" in page
    assert "1 of 2 invited · 0 of 2 reviews in" in page
    assert page.count("Needs reviewers") == 3
    assert f'href="{page_url(oldest)}"' in body(response)
    assert reverse("reviews:rereview") in body(response)
    assert reverse("reviews:stats") in body(response)


def test_queue_filters_by_topic_and_state(client, cast, make_topic):
    other_topic = make_topic(name="School meals")
    factories.submitted(cast.author, cast.topic, title="Potholes")
    factories.submitted(cast.author, other_topic, title="Lunches")
    in_review(cast, title="Gritting")
    client.force_login(cast.moderator)

    by_topic = text(client.get(reverse("reviews:queue"), {"topic": other_topic.pk}))
    by_state = text(client.get(reverse("reviews:queue"), {"state": "in_review"}))
    everything = text(client.get(reverse("reviews:queue"), {"topic": "nonsense"}))

    assert "Lunches" in by_topic
    assert "Potholes" not in by_topic
    assert "Gritting" not in by_topic
    assert "Gritting" in by_state
    assert "Potholes" not in by_state
    assert "3 submissions waiting" in everything


def test_queue_offers_an_editor_only_their_topics_and_lists_only_them(client, cast, make_topic):
    other_topic = make_topic(name="School meals")
    factories.submitted(cast.author, other_topic, title="Lunches")

    response = sign_in(client, cast, "editor").get(reverse("reviews:queue"))

    options = re.findall(r'<option value="(\d+)"', body(response))
    assert options == [str(cast.topic.pk)]
    assert "Nothing is waiting for an editor" in text(response)


def test_queue_explains_an_empty_filtered_result(client, cast):
    factories.submitted(cast.author, cast.topic)

    response = sign_in(client, cast, "editor").get(reverse("reviews:queue"), {"state": "accepted"})

    assert "No submission matches these filters" in text(response)


def test_queue_filters_swap_only_the_list_for_htmx(client, cast):
    factories.submitted(cast.author, cast.topic)

    response = sign_in(client, cast, "editor").get(
        reverse("reviews:queue"), {"state": "submitted"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert "<html" not in body(response)
    assert "1 submission waiting" in text(response)


# --- editor POSTs through the page -------------------------------------------------------------


def test_invite_from_the_page_sends_the_invitation_email(
    client, cast, mailbox, run_tasks, django_capture_on_commit_callbacks
):
    submission = factories.submitted(cast.author, cast.topic)
    client.force_login(cast.editor)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reviews:invite", args=[submission.pk]),
            {"reviewer": cast.reviewer.pk, "due_on": _in_days(14)},
        )
    run_tasks()

    assert response.status_code == 302
    due = timezone.localdate() + timedelta(days=14)
    assert messages_of(response) == [
        f"Kadri Tamm is invited and has until {due.day} {due:%B %Y} to review it."
    ]
    invitation = ReviewInvitation.objects.get(submission=submission)
    assert (invitation.reviewer, invitation.state, invitation.due_on) == (
        cast.reviewer,
        InvitationState.INVITED,
        due,
    )
    [message] = mailbox.wait_for(1)
    assert message["To"] == cast.reviewer.email
    subject = str(make_header(decode_header(message["Subject"])))
    assert subject == f"You are invited to review “Fixing potholes in a week” by {due:%d %B %Y}"
    assert reverse("reviews:invitation", args=[invitation.pk]) in mailbox.text_of(message)
    assert Submission.objects.get(pk=submission.pk).state == S.IN_REVIEW


@pytest.mark.parametrize("who", ["{handle}", "@{handle}", "{email}", "/members/{handle}/"])
def test_invite_someone_not_suggested_by_profile_address_or_email(client, cast, who):
    submission = factories.submitted(cast.author, cast.topic)
    outsider = cast.verified
    client.force_login(cast.editor)

    response = client.post(
        reverse("reviews:invite", args=[submission.pk]),
        {
            "who": who.format(handle=outsider.handle, email=outsider.email.upper()),
            "due_on": _in_days(7),
        },
    )

    assert response.status_code == 302
    assert ReviewInvitation.objects.get(submission=submission).reviewer == outsider


def test_invite_errors_show_beside_the_field_and_keep_the_input(client, cast):
    submission = factories.submitted(cast.author, cast.topic)
    client.force_login(cast.editor)
    url = reverse("reviews:invite", args=[submission.pk])

    unknown = client.post(url, {"who": "nobody-here", "due_on": _in_days(7)})
    conflicted = client.post(url, {"who": cast.colleague.handle, "due_on": _in_days(7)})
    past = client.post(url, {"reviewer": cast.reviewer.pk, "due_on": _in_days(-1)})

    assert unknown.status_code == 400
    assert field_error(unknown, "invite-other-who") == (
        "No member has this profile address or email address."
    )
    assert 'value="nobody-here"' in body(unknown)
    assert conflicted.status_code == 400
    assert field_error(conflicted, "invite-other-who") == (
        "Colleague Lyon cannot review this contribution: a conflict of interest, or not verified."
    )
    assert past.status_code == 400
    assert field_error(past, f"invite-{cast.reviewer.pk}-due_on") == (
        "The due date must be in the future."
    )
    assert f'value="{_in_days(-1)}"' in body(past)
    assert (
        f'<label for="invite-{cast.reviewer.pk}-due_on">Due date for the review by Kadri Tamm'
        in (body(past))
    )
    assert ReviewInvitation.objects.count() == 0


def test_inviting_someone_twice_is_refused_with_409(client, cast):
    submission, _invitation = in_review(cast)
    client.force_login(cast.editor)

    response = client.post(
        reverse("reviews:invite", args=[submission.pk]),
        {"who": cast.reviewer.email, "due_on": _in_days(7)},
    )

    assert response.status_code == 409
    assert "Kadri Tamm is already invited." in text(response)
    assert ReviewInvitation.objects.count() == 1


def test_withdrawn_invitation_frees_the_place_and_cannot_be_withdrawn_twice(client, cast):
    _submission, invitation = in_review(cast)
    client.force_login(cast.editor)
    url = reverse("reviews:cancel_invitation", args=[invitation.pk])

    first = client.post(url)
    second = client.post(url)

    assert first.status_code == 302
    assert messages_of(first) == ["Invitation withdrawn. You can invite someone else."]
    assert ReviewInvitation.objects.get().state == InvitationState.CANCELLED
    assert second.status_code == 409
    assert "This invitation is no longer open." in text(second)
    assert "0 reviewers of the 2 needed are invited or have reviewed." in text(second)


def test_two_decisions_on_the_same_state_the_second_is_refused_clearly(client, cast):
    submission, _review = reviewed(cast)
    url = reverse("reviews:decide", args=[submission.pk])
    client.force_login(cast.editor)
    first = client.post(
        url,
        {"decision": "request_changes", "note": "Add the baseline.", "expected_state": "in_review"},
    )
    client.force_login(cast.moderator)

    second = client.post(
        url, {"decision": "decline", "note": "Out of scope for us.", "expected_state": "in_review"}
    )

    assert first.status_code == 302
    assert second.status_code == 409
    page = text(second)
    assert (
        "Someone decided on this submission while you were looking: it is changes requested now."
        in page
    )
    assert "Your decision was not recorded" in page
    assert "Out of scope for us." in page  # kept, so the editor can copy it
    assert Submission.objects.get(pk=submission.pk).state == S.CHANGES_REQUESTED
    assert ReviewEvent.objects.filter(to_state__in=[S.CHANGES_REQUESTED, S.DECLINED]).count() == 1


def test_decision_form_errors_keep_the_editors_text(client, cast):
    submission, _review = reviewed(cast)
    client.force_login(cast.editor)
    url = reverse("reviews:decide", args=[submission.pk])

    no_decision = client.post(url, {"note": "My careful note.", "expected_state": "in_review"})
    no_note = client.post(
        url, {"decision": "request_changes", "note": "  ", "expected_state": "in_review"}
    )

    assert no_decision.status_code == 400
    assert field_error(no_decision, "decision-decision") == "This field is required."
    assert ">\nMy careful note.</textarea>" in body(no_decision)
    assert no_note.status_code == 400
    assert field_error(no_note, "decision-note") == "Tell the authors what to change."
    assert 'value="request_changes" required id="decision-decision_0" checked' in body(no_note)
    assert "Please correct the highlighted fields" in text(no_note)
    assert Submission.objects.get(pk=submission.pk).state == S.IN_REVIEW


def test_accepting_before_any_review_is_refused(client, cast):
    submission, _invitation = in_review(cast)
    client.force_login(cast.editor)

    response = client.post(
        reverse("reviews:decide", args=[submission.pk]),
        {"decision": "accept", "note": "", "expected_state": "in_review"},
    )

    assert response.status_code == 400
    assert "Accept after at least one review of this version." in text(response)


def test_publish_sets_the_evidence_level_and_errors_keep_the_note(client, cast):
    submission, _review = reviewed(cast, "accept")
    services.decide(editor=cast.editor, submission_id=submission.pk, decision="accept")
    client.force_login(cast.editor)
    page = text(client.get(page_url(submission)))
    url = reverse("reviews:publish", args=[submission.pk])

    missing = client.post(url, {"note": "Measured against last year."})
    done = client.post(url, {"evidence_level": "4", "note": "Measured against last year."})

    assert "3 · Compared with a baseline or control" in page
    assert "5 · Replicated elsewhere" in page
    assert missing.status_code == 400
    assert field_error(missing, "publish-evidence_level") == "This field is required."
    assert "Measured against last year.</textarea>" in body(missing)
    assert done.status_code == 302
    practice = Practice.objects.get(pk=submission.practice_id)
    assert (practice.state, practice.evidence_level) == (S.PUBLISHED, 4)
    assert Submission.objects.get(pk=submission.pk).editor_note == "Measured against last year."


def test_a_minor_edit_is_published_without_an_evidence_level(client, cast):
    practice = factories.published(cast.author, cast.topic, cast.editor, [cast.reviewer])
    factories.revise(cast.author, practice, cast.topic, title="Fixing potholes in five days")
    minor = services.submit_for_review(member=cast.author, practice_id=practice.pk, minor=True)
    services.decide(editor=cast.editor, submission_id=minor.pk, decision="accept")
    client.force_login(cast.editor)

    page = body(client.get(page_url(minor)))
    response = client.post(reverse("reviews:publish", args=[minor.pk]), {"note": "Typo fixed."})

    assert 'name="evidence_level"' not in page
    assert "A minor edit replaces the published version" in page
    assert response.status_code == 302
    assert Submission.objects.get(pk=minor.pk).state == S.PUBLISHED
    assert Practice.objects.get(pk=practice.pk).evidence_level == 3


def test_editor_rates_a_review_and_a_bad_rating_is_shown_beside_the_field(client, cast):
    _submission, review = reviewed(cast)
    client.force_login(cast.editor)
    url = reverse("reviews:rate", args=[review.pk])

    bad = client.post(url, {"quality": "9"})
    good = client.post(url, {"quality": "5"})

    assert bad.status_code == 400
    assert field_error(bad, f"rate-{review.pk}-quality").startswith("Select a valid choice.")
    assert good.status_code == 302
    assert Review.objects.get().quality == 5


# --- authors' POSTs ----------------------------------------------------------------------------


def test_authors_answer_each_point_and_the_editor_reads_the_answers(client, cast):
    submission, review = changes_requested(cast)
    evidence, approach = review.points.order_by("pk")
    client.force_login(cast.co_author)

    page = body(client.get(page_url(submission)))
    response = client.post(
        reverse("reviews:answers", args=[submission.pk]),
        {f"answer-{evidence.pk}": "Added 2023 repair times.", f"answer-{approach.pk}": ""},
    )
    client.force_login(cast.editor)
    editor_page = text(client.get(page_url(submission)))

    assert f'name="answer-{evidence.pk}"' in page
    assert "Your answer to Kadri Tamm on “Evidence behind the outcomes”" in html.unescape(page)
    assert "Your answer to Kadri Tamm on “The approach”" in html.unescape(page)
    assert response.status_code == 302
    assert messages_of(response) == ["1 answer saved. The editor and the reviewers will read it."]
    assert ReviewPoint.objects.get(pk=evidence.pk).response == "Added 2023 repair times."
    assert ReviewPoint.objects.get(pk=approach.pk).response == ""
    assert "The authors' answer Added 2023 repair times." in editor_page


def test_too_long_answer_is_refused_beside_its_point_and_kept(client, cast):
    submission, review = changes_requested(cast)
    point = review.points.order_by("pk").first()
    client.force_login(cast.author)
    long_answer = "x" * 5001

    response = client.post(
        reverse("reviews:answers", args=[submission.pk]), {f"answer-{point.pk}": long_answer}
    )

    assert response.status_code == 400
    assert field_error(response, f"id_answer-{point.pk}") == (
        "Ensure this value has at most 5000 characters (it has 5001)."
    )
    assert long_answer in body(response)
    assert ReviewPoint.objects.get(pk=point.pk).response == ""


def test_resubmitting_without_revising_is_refused_and_keeps_the_note(client, cast):
    submission, _review = changes_requested(cast)
    client.force_login(cast.author)

    page = text(client.get(page_url(submission)))
    response = client.post(
        reverse("reviews:resubmit", args=[submission.pk]), {"note": "I clarified the steps."}
    )

    assert "You have not changed the contribution since the reviewers read it" in page
    assert reverse("practices:edit", args=[submission.practice.item.slug]) in body(
        client.get(page_url(submission))
    )
    assert response.status_code == 400
    assert "Revise the contribution first: the reviewers have already read this version." in text(
        response
    )
    assert "I clarified the steps.</textarea>" in body(response)
    assert Submission.objects.get(pk=submission.pk).state == S.CHANGES_REQUESTED


def test_resubmitting_a_revised_version_starts_round_two(client, cast):
    submission, _review = changes_requested(cast)
    factories.revise(
        cast.author,
        submission.practice,
        cast.topic,
        co_authors=[cast.co_author],
        challenge="Now with data.",
    )
    client.force_login(cast.author)

    page = text(client.get(page_url(submission)))
    response = client.post(reverse("reviews:resubmit", args=[submission.pk]), {"note": "Data in."})

    assert "You saved version 2 since the reviewers read version 1." in page
    assert response.status_code == 302
    assert messages_of(response) == [
        "Resubmitted. The reviewers are asked to read the new version."
    ]
    submission.refresh_from_db()
    assert (submission.state, submission.round, submission.revision_number) == (
        S.IN_REVIEW,
        2,
        2,
    )


def test_withdraw_is_offered_in_open_states_only(client, cast):
    submission, _invitation = in_review(cast)
    client.force_login(cast.author)

    open_page = body(client.get(page_url(submission)))
    response = client.post(reverse("reviews:withdraw", args=[submission.pk]), {"reason": ""})
    closed_page = body(client.get(page_url(submission)))
    again = client.post(reverse("reviews:withdraw", args=[submission.pk]), {"reason": ""})

    assert reverse("reviews:withdraw", args=[submission.pk]) in open_page
    assert response.status_code == 302
    assert reverse("reviews:withdraw", args=[submission.pk]) not in closed_page
    assert ReviewInvitation.objects.get().state == InvitationState.CANCELLED
    assert again.status_code == 409
    assert Submission.objects.get(pk=submission.pk).state == S.WITHDRAWN


# --- query counts ------------------------------------------------------------------------------


def _expert(make_member, make_organization, cast, name: str):
    member = make_member(
        verified=True, organization=make_organization(country="PT"), display_name=name
    )
    member.expertise.add(cast.topic)
    return member


def _queries(client, url) -> int:
    from django.db import connection

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ["editor", "author", "reviewer"])
def test_submission_page_query_count_does_not_grow_with_reviews(
    client, cast, make_member, make_organization, role, django_assert_max_num_queries
):
    small, _review = reviewed(cast)
    services.decide(
        editor=cast.editor, submission_id=small.pk, decision="request_changes", note="Fix."
    )
    client.force_login(cast[role])
    baseline = _queries(client, page_url(small))

    big = factories.submitted(cast.author, cast.topic, co_authors=[cast.co_author])
    invitations = [factories.invite(cast.editor, big, cast.reviewer)]
    for n in range(4):
        invitations.append(
            factories.invite(
                cast.editor, big, _expert(make_member, make_organization, cast, f"E{n}")
            )
        )
    for invitation in invitations:
        factories.review(
            invitation,
            criterion_comments={"clarity": "Clearer."},
            inline_comments={"approach": "Which app?", "lessons": "More."},
        )
    for n in range(3):
        _expert(make_member, make_organization, cast, f"Suggested {n}")
    services.decide(
        editor=cast.editor, submission_id=big.pk, decision="request_changes", note="Fix."
    )

    with django_assert_max_num_queries(baseline):
        assert client.get(page_url(big)).status_code == 200


def test_submission_page_for_an_editor_while_inviting_has_a_constant_query_count(
    client, cast, make_member, make_organization, django_assert_max_num_queries
):
    small = factories.submitted(cast.author, cast.topic)
    client.force_login(cast.editor)
    baseline = _queries(client, page_url(small))
    big = factories.submitted(cast.author, cast.topic, title="Big")
    for n in range(6):
        _expert(make_member, make_organization, cast, f"Expert {n}")
    for reviewer in (cast.reviewer, cast.other_reviewer):
        factories.invite(cast.editor, big, reviewer, accept=False)

    with django_assert_max_num_queries(baseline):
        assert client.get(page_url(big)).status_code == 200


def test_queue_query_count_does_not_grow_with_rows(
    client, cast, make_topic, django_assert_max_num_queries
):
    factories.submitted(cast.author, cast.topic, title="Only one")
    client.force_login(cast.editor)
    baseline = _queries(client, reverse("reviews:queue"))
    for n in range(5):
        submission = factories.submitted(cast.co_author, cast.topic, title=f"Row {n}")
        submission.practice.topics.add(make_topic(name=f"Extra {n}"))
        factories.invite(cast.editor, submission, cast.reviewer)

    with django_assert_max_num_queries(baseline):
        response = client.get(reverse("reviews:queue"))
    assert "6 submissions waiting" in text(response)
