"""The peer review API: who may call each operation, what each role sees, the whole review
walked through the API, refusals as problem details, and the OpenAPI document."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from govcommons.accounts.services import create_api_token
from govcommons.core.models import Visibility
from govcommons.notifications.models import Notification
from govcommons.practices.models import Practice
from govcommons.practices.tests.factories import write_draft, write_published
from govcommons.reviews import services
from govcommons.reviews.models import (
    ConflictOfInterest,
    OutdatedFlag,
    Review,
    ReviewEvent,
    ReviewInvitation,
    ReviewPoint,
    Submission,
)
from govcommons.reviews.tests import factories
from govcommons.reviews.tests.conftest import ROLES

URL = "/api/v1/reviews"
PRACTICES = "/api/v1/practices"
PROBLEM = "application/problem+json"
SCORES = {"accuracy": 4, "evidence": 3, "transferability": 5, "clarity": 4, "completeness": 4}
SECRET = "Confidential: the baseline looks cherry-picked."

EDITORS = {"editor", "moderator"}
AUTHORS = {"author", "co_author"}
OUTSIDERS = {"member", "verified", "colleague", "other_reviewer"}


def bearer(member) -> dict:
    _token, raw = create_api_token(member=member, name="tests", days=30)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post_json(client, url, body=None, **headers):
    payload = b"" if body is None else json.dumps(body)
    return client.generic("POST", url, payload, content_type="application/json", **headers)


def put_json(client, url, body, **headers):
    return client.put(url, json.dumps(body), content_type="application/json", **headers)


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert set(body) >= {"type", "title", "status", "detail"}
    assert (body["type"], body["status"]) == ("about:blank", status)
    assert body["detail"]
    return body


def fingerprint() -> tuple:
    """Everything a review write may change; a refused call leaves it as it was."""
    return (
        list(
            Submission.objects.order_by("pk").values_list(
                "pk", "state", "round", "revision_number", "evidence_level", "decided_by"
            )
        ),
        list(ReviewInvitation.objects.order_by("pk").values_list("pk", "state", "due_on")),
        list(Review.objects.order_by("pk").values_list("pk", flat=True)),
        list(ReviewPoint.objects.order_by("pk").values_list("pk", "response")),
        ReviewEvent.objects.count(),
        list(OutdatedFlag.objects.order_by("pk").values_list("pk", flat=True)),
        list(
            Practice.objects.order_by("pk").values_list(
                "pk", "state", "evidence_level", "live_revision", "item__status"
            )
        ),
        Notification.objects.count(),
        ConflictOfInterest.objects.count(),
    )


def in_review(cast) -> tuple[Submission, ReviewInvitation]:
    """A submission by the author and co-author, the reviewer invited and accepted."""
    submission = factories.submitted(cast.author, cast.topic, co_authors=[cast.co_author])
    return submission, factories.invite(cast.editor, submission, cast.reviewer)


def as_role(client, cast, role: str) -> None:
    if role != "anonymous":
        client.force_login(cast[role])


# --- The role matrix ---------------------------------------------------------------------------


def _queue(cast):
    in_review(cast)
    return "GET", f"{URL}/queue", None


def _detail(cast):
    submission, _invitation = in_review(cast)
    return "GET", f"{URL}/submissions/{submission.pk}", None


def _suggestions(cast):
    submission, _invitation = in_review(cast)
    return "GET", f"{URL}/submissions/{submission.pk}/suggestions", None


def _invite(cast):
    submission, _invitation = in_review(cast)
    body = {"reviewer": cast.other_reviewer.handle}
    return "POST", f"{URL}/submissions/{submission.pk}/invitations", body


def _cancel(cast):
    _submission, invitation = in_review(cast)
    return "POST", f"{URL}/invitations/{invitation.pk}/cancel", {"reason": "Overdue"}


def _decision(cast):
    submission, _invitation = in_review(cast)
    body = {"decision": "request_changes", "note": "Add the baseline."}
    return "POST", f"{URL}/submissions/{submission.pk}/decision", body


def _publish(cast):
    submission, invitation = in_review(cast)
    factories.review(invitation)
    services.decide(editor=cast.editor, submission_id=submission.pk, decision="accept")
    body = {"evidence_level": 3, "note": "Well measured."}
    return "POST", f"{URL}/submissions/{submission.pk}/publish", body


def _rereview(cast):
    practice = factories.published(cast.author, cast.topic, cast.editor, [cast.reviewer])
    services.flag_outdated(member=cast.verified, practice_id=practice.pk, reason="New law")
    return "GET", f"{URL}/rereview", None


def _my_invitations(cast):
    in_review(cast)
    return "GET", f"{URL}/invitations", None


def _invited(cast) -> ReviewInvitation:
    """The other reviewer invited, not yet answering."""
    submission, _invitation = in_review(cast)
    return factories.invite(cast.editor, submission, cast.other_reviewer, accept=False)


def _accept(cast):
    return "POST", f"{URL}/invitations/{_invited(cast).pk}/accept", None


def _decline(cast):
    body = {"reason": "I advised them", "conflict": True}
    return "POST", f"{URL}/invitations/{_invited(cast).pk}/decline", body


def _review(cast):
    _submission, invitation = in_review(cast)
    body = {"scores": SCORES, "recommendation": "minor_changes", "to_authors": "Good."}
    return "POST", f"{URL}/invitations/{invitation.pk}/review", body


def _withdraw(cast):
    submission, _invitation = in_review(cast)
    return "POST", f"{URL}/submissions/{submission.pk}/withdraw", {"reason": "Not ready"}


def _answers(cast):
    submission, invitation = in_review(cast)
    review = factories.review(invitation, criterion_comments={"evidence": "Which baseline?"})
    services.decide(
        editor=cast.editor, submission_id=submission.pk, decision="request_changes", note="More"
    )
    point = review.points.get()
    body = {"answers": [{"point_id": point.pk, "response": "The 2021 register."}]}
    return "POST", f"{URL}/submissions/{submission.pk}/answers", body


def _resubmit(cast):
    submission, invitation = in_review(cast)
    factories.review(invitation, "major_changes")
    services.decide(
        editor=cast.editor, submission_id=submission.pk, decision="request_changes", note="More"
    )
    factories.revise(
        cast.author,
        submission.practice,
        cast.topic,
        co_authors=[cast.co_author],
        summary="With the baseline.",
    )
    return "POST", f"{URL}/submissions/{submission.pk}/resubmit", {"note": "Baseline added."}


def _flag(cast):
    practice = factories.published(cast.author, cast.topic, cast.editor, [cast.reviewer])
    body = {"reason": "The law changed in 2025."}
    return "POST", f"{URL}/practices/{practice.item.slug}/outdated-flags", body


def _stats(cast):
    factories.published(cast.author, cast.topic, cast.editor, [cast.reviewer])
    return "GET", f"{URL}/stats", None


def _summary(cast):
    practice = factories.published(cast.author, cast.topic, cast.editor, [cast.reviewer])
    return "GET", f"{URL}/practices/{practice.item.slug}/review-summary", None


def statuses(ok: int, *, allowed: set[str], seen_by: set[str] = frozenset()) -> dict[str, int]:
    """`allowed` roles get `ok`; those who see the submission but may not do this 403; the
    rest 404; anonymous callers 401."""
    result = {}
    for role in ROLES:
        if role == "anonymous":
            result[role] = 401
        elif role in allowed:
            result[role] = ok
        elif role in seen_by:
            result[role] = 403
        else:
            result[role] = 404
    return result


SEE_SUBMISSION = AUTHORS | EDITORS | {"reviewer"}
SIGNED_IN = set(ROLES) - {"anonymous"}
EDITOR_ONLY = statuses(200, allowed=EDITORS, seen_by=SEE_SUBMISSION)
AUTHOR_ONLY = statuses(200, allowed=AUTHORS, seen_by=SEE_SUBMISSION)

MATRIX = {
    "queue": (_queue, statuses(200, allowed=EDITORS, seen_by=SIGNED_IN)),
    "detail": (_detail, statuses(200, allowed=SEE_SUBMISSION)),
    "suggestions": (_suggestions, EDITOR_ONLY),
    "invite": (_invite, statuses(201, allowed=EDITORS, seen_by=SEE_SUBMISSION)),
    "cancel": (_cancel, EDITOR_ONLY),
    "decision": (_decision, EDITOR_ONLY),
    "publish": (_publish, EDITOR_ONLY),
    "rereview": (_rereview, statuses(200, allowed=EDITORS, seen_by=SIGNED_IN)),
    "my_invitations": (_my_invitations, statuses(200, allowed=SIGNED_IN)),
    "accept": (_accept, statuses(200, allowed={"other_reviewer"})),
    "decline": (_decline, statuses(200, allowed={"other_reviewer"})),
    "review": (_review, statuses(201, allowed={"reviewer"})),
    "withdraw": (_withdraw, AUTHOR_ONLY),
    "answers": (_answers, AUTHOR_ONLY),
    "resubmit": (_resubmit, AUTHOR_ONLY),
    "outdated_flag": (_flag, statuses(201, allowed=SIGNED_IN)),
    "stats": (_stats, dict.fromkeys(ROLES, 200)),
    "review_summary": (_summary, dict.fromkeys(ROLES, 200)),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", list(MATRIX))
def test_each_operation_answers_each_role_as_its_rule_says(client, cast, operation, role):
    setup, expected = MATRIX[operation]
    method, url, body = setup(cast)
    as_role(client, cast, role)
    before = fingerprint()

    response = client.get(url) if method == "GET" else post_json(client, url, body)

    status = expected[role]
    if status >= 400:
        assert_problem(response, status)
        assert fingerprint() == before
    else:
        assert response.status_code == status, response.content
        assert response["Content-Type"] == "application/json; charset=utf-8"
        if method == "POST":
            assert fingerprint() != before


def test_a_token_works_like_the_session(client, cast):
    submission, _invitation = in_review(cast)
    response = client.get(f"{URL}/submissions/{submission.pk}", **bearer(cast.editor))
    assert response.status_code == 200
    assert response.json()["viewer_role"] == "editor"
    refused = client.get(
        f"{URL}/submissions/{submission.pk}", HTTP_AUTHORIZATION="Bearer gc_not-a-token"
    )
    assert_problem(refused, 401)
    assert refused["WWW-Authenticate"] == "Bearer"


def test_an_unknown_submission_or_invitation_is_a_404_problem(client, cast):
    client.force_login(cast.moderator)
    for url in (
        f"{URL}/submissions/999999",
        f"{URL}/submissions/999999/suggestions",
    ):
        assert_problem(client.get(url), 404)
    for url, body in (
        (f"{URL}/submissions/999999/decision", {"decision": "accept"}),
        (f"{URL}/invitations/999999/cancel", None),
        (f"{URL}/invitations/999999/accept", None),
        (f"{URL}/invitations/999999/review", {"scores": SCORES, "recommendation": "accept"}),
    ):
        assert_problem(post_json(client, url, body), 404)


# --- The whole review through the API ----------------------------------------------------------


def test_a_contribution_goes_through_review_to_publication_through_the_api_only(client, cast):
    author, editor = bearer(cast.author), bearer(cast.editor)
    reviewers = {"reviewer": bearer(cast.reviewer), "other_reviewer": bearer(cast.other_reviewer)}

    # The author writes a draft and submits it.
    created = post_json(
        client,
        PRACTICES,
        {
            "title": "Fixing potholes in 6 days",
            "summary": "Residents report potholes; crews fix them within 6 days.",
            "contribution_kind": "case_study",
            "approach": "A reporting app routed to crews.",
            "topics": [cast.topic.slug],
        },
        **author,
    )
    slug = created.json()["slug"]
    submitted = post_json(client, f"{PRACTICES}/{slug}/submit", {"note": "Ready."}, **author)
    assert (submitted.status_code, submitted.json()["state"]) == (200, "submitted")
    submission_id = submitted.json()["review_submission_id"]

    # The editor finds it in the queue and asks for the suggested reviewers.
    queue = client.get(f"{URL}/queue", **editor).json()
    assert queue["count"] == 1
    item = queue["items"][0]
    assert (item["practice"]["slug"], item["state"], item["kind"], item["round"]) == (
        slug,
        "submitted",
        "first",
        1,
    )
    assert (item["invited_count"], item["review_count"], item["waited_days"]) == (0, 0, 0)
    assert item["id"] == submission_id
    suggested = client.get(f"{URL}/submissions/{submission_id}/suggestions", **editor).json()
    assert {s["reviewer"]["handle"] for s in suggested} == {
        cast.reviewer.handle,
        cast.other_reviewer.handle,
    }
    due_on = (timezone.localdate() + timedelta(days=14)).isoformat()
    invitations = {}
    for name in ("reviewer", "other_reviewer"):
        invited = post_json(
            client,
            f"{URL}/submissions/{submission_id}/invitations",
            {"reviewer": cast[name].handle, "due_on": due_on},
            **editor,
        )
        assert invited.status_code == 201
        assert (invited.json()["state"], invited.json()["due_on"]) == ("invited", due_on)
        invitations[name] = invited.json()["id"]

    # Each reviewer finds the invitation, accepts and reviews.
    for name, headers in reviewers.items():
        mine = client.get(f"{URL}/invitations", **headers).json()
        assert [i["id"] for i in mine["items"]] == [invitations[name]]
        assert mine["items"][0]["practice"]["slug"] == slug
        accepted = post_json(client, f"{URL}/invitations/{invitations[name]}/accept", **headers)
        assert accepted.json()["state"] == "accepted"
        reviewed = post_json(
            client,
            f"{URL}/invitations/{invitations[name]}/review",
            {
                "scores": SCORES,
                "recommendation": "major_changes",
                "to_authors": "Show the baseline.",
                "to_editor": SECRET,
                "criterion_comments": {"evidence": f"{name}: which baseline?"},
                "inline_comments": {"approach": f"{name}: how are crews routed?"},
            },
            **headers,
        )
        assert reviewed.status_code == 201
        assert reviewed.json()["round"] == 1
        assert "to_editor" not in reviewed.json()

    # The editor requests changes.
    decided = post_json(
        client,
        f"{URL}/submissions/{submission_id}/decision",
        {"decision": "request_changes", "note": "Add the baseline.", "expected_state": "in_review"},
        **editor,
    )
    assert decided.json()["state"] == "changes_requested"
    assert [r["to_editor"] for r in decided.json()["reviews"]] == [SECRET, SECRET]

    # The authors read the reviews, answer each point, revise and resubmit.
    seen = client.get(f"{URL}/submissions/{submission_id}", **author).json()
    assert seen["viewer_role"] == "author"
    assert {r["reviewer"]["display_name"] for r in seen["reviews"]} == {
        "Kadri Tamm",
        "Aino Virtanen",
    }
    points = [p for r in seen["reviews"] for p in r["points"]]
    assert len(points) == 4
    answered = post_json(
        client,
        f"{URL}/submissions/{submission_id}/answers",
        {"answers": [{"point_id": p["id"], "response": "Added."} for p in points]},
        **author,
    )
    assert [p["response"] for r in answered.json()["reviews"] for p in r["points"]] == [
        "Added."
    ] * 4
    revised = put_json(
        client,
        f"{PRACTICES}/{slug}",
        {"base_revision": 1, "summary": "Potholes fixed in 6 days instead of 21 (2021 baseline)."},
        **author,
    )
    assert revised.json()["revision"] == 2
    resubmitted = post_json(
        client, f"{URL}/submissions/{submission_id}/resubmit", {"note": "Baseline added."}, **author
    )
    assert (resubmitted.json()["state"], resubmitted.json()["round"]) == ("in_review", 2)
    assert resubmitted.json()["revision_number"] == 2

    # The reviewers review the revised version; the editor accepts and publishes.
    for name, headers in reviewers.items():
        again = post_json(
            client,
            f"{URL}/invitations/{invitations[name]}/review",
            {"scores": {**SCORES, "evidence": 5}, "recommendation": "accept"},
            **headers,
        )
        assert (again.status_code, again.json()["round"]) == (201, 2)
    accepted = post_json(
        client, f"{URL}/submissions/{submission_id}/decision", {"decision": "accept"}, **editor
    )
    assert accepted.json()["state"] == "accepted"
    published = post_json(
        client,
        f"{URL}/submissions/{submission_id}/publish",
        {"evidence_level": 3, "note": "Measured against the 2021 baseline."},
        **editor,
    )
    assert (published.json()["state"], published.json()["evidence_level"]) == ("published", 3)
    assert client.get(f"{URL}/queue", **editor).json()["count"] == 0

    # Everyone reads it, peer reviewed, and its public review summary.
    public = client.get(f"{PRACTICES}/{slug}").json()
    assert (public["status"], public["state"], public["peer_reviewed"]) == (
        "published",
        "published",
        True,
    )
    assert public["evidence_level"] == 3
    assert public["summary"] == "Potholes fixed in 6 days instead of 21 (2021 baseline)."
    summary = client.get(f"{URL}/practices/{slug}/review-summary")
    assert summary.status_code == 200
    data = summary.json()
    assert (data["peer_reviewed"], data["evidence_level"], data["evidence_label"]) == (
        True,
        3,
        "3 · Compared with a baseline or control",
    )
    assert data["editor_note"] == "Measured against the 2021 baseline."
    assert data["signed"] is True
    assert [r["reviewer"]["display_name"] for r in data["reviews"]] == [
        "Kadri Tamm",
        "Aino Virtanen",
    ]
    assert [r["scores"]["evidence"] for r in data["reviews"]] == [5, 5]
    assert data["mean_scores"] == [
        {"criterion": "accuracy", "label": "Accuracy", "mean": 4.0},
        {"criterion": "evidence", "label": "Evidence behind the outcomes", "mean": 5.0},
        {
            "criterion": "transferability",
            "label": "Transferability to other contexts",
            "mean": 5.0,
        },
        {"criterion": "clarity", "label": "Clarity", "mean": 4.0},
        {"criterion": "completeness", "label": "Completeness", "mean": 4.0},
    ]
    assert data["last_reviewed_at"] is not None
    assert data["rereview_due_on"] is not None
    assert data["open_flag_count"] == 0
    assert SECRET not in summary.content.decode()
    assert "Show the baseline." not in summary.content.decode()
    stats = client.get(f"{URL}/stats").json()
    assert (stats["decided"], stats["accepted"], stats["acceptance_rate"]) == (1, 1, 1.0)
    assert (stats["under_review"], stats["reviews_per_month"][-1]["reviews"]) == (0, 4)


# --- What each role sees -----------------------------------------------------------------------


@pytest.fixture
def reviewed(cast):
    """Changes requested after two reviews (with confidential comments); the other reviewer
    declined."""
    submission, invitation = in_review(cast)
    factories.review(
        invitation,
        "major_changes",
        to_editor=SECRET,
        criterion_comments={"evidence": "Which baseline?"},
        inline_comments={"approach": "How are crews routed?"},
    )
    declined = factories.invite(cast.editor, submission, cast.other_reviewer, accept=False)
    services.respond_to_invitation(
        reviewer=cast.other_reviewer,
        invitation_id=declined.pk,
        accept=False,
        reason="Too busy with the budget",
    )
    second = factories.invite(cast.editor, submission, cast.verified)
    factories.review(second, "minor_changes", to_editor="Second secret", to_authors="Second one")
    services.decide(
        editor=cast.editor,
        submission_id=submission.pk,
        decision="request_changes",
        note="Add the baseline.",
    )
    return submission


def test_editors_see_the_invitations_and_the_confidential_comments(client, cast, reviewed):
    client.force_login(cast.editor)
    data = client.get(f"{URL}/submissions/{reviewed.pk}").json()
    assert data["viewer_role"] == "editor"
    assert [(i["reviewer"]["display_name"], i["state"]) for i in data["invitations"]] == [
        ("Kadri Tamm", "completed"),
        ("Aino Virtanen", "declined"),
        (cast.verified.display_name, "completed"),
    ]
    assert data["invitations"][1]["decline_reason"] == "Too busy with the budget"
    first, second = data["reviews"]
    assert (first["to_editor"], first["quality"], first["reviewer_number"]) == (SECRET, None, 1)
    assert (second["to_editor"], second["reviewer_number"]) == ("Second secret", 2)
    assert first["reviewer"]["handle"] == cast.reviewer.handle
    assert [(p["kind"], p["target"], p["target_label"]) for p in first["points"]] == [
        ("criterion", "evidence", "Evidence behind the outcomes"),
        ("inline", "approach", "The approach"),
    ]
    assert any(e["kind"] == "declined_invitation" for e in data["timeline"])


def test_authors_never_see_confidential_comments_invitations_or_who_declined(
    client, cast, reviewed
):
    client.force_login(cast.author)
    response = client.get(f"{URL}/submissions/{reviewed.pk}")
    data = response.json()
    text = response.content.decode()
    assert data["viewer_role"] == "author"
    assert data["invitations"] == []
    first, second = data["reviews"]
    assert set(first) == {
        "id",
        "reviewer_number",
        "reviewer",
        "round",
        "revision_number",
        "scores",
        "mean_score",
        "recommendation",
        "to_authors",
        "submitted_at",
        "points",
    }
    assert first["reviewer"] == {"handle": cast.reviewer.handle, "display_name": "Kadri Tamm"}
    assert first["scores"] == dict.fromkeys(SCORES, 4)
    assert second["to_authors"] == "Second one"
    for secret in (
        SECRET,
        "Second secret",
        "to_editor",
        "Too busy",
        "Aino Virtanen",
        cast.other_reviewer.handle,
    ):
        assert secret not in text
    assert {e["kind"] for e in data["timeline"]} == {"transition", "review_submitted"}
    assert not any(e["confidential"] for e in data["timeline"])
    assert data["timeline"][-1]["reason"] == "Add the baseline."


def test_authors_read_a_rounds_reviews_once_the_editor_has_decided(client, cast):
    submission, invitation = in_review(cast)
    factories.review(invitation, criterion_comments={"evidence": "Which baseline?"})
    point = ReviewPoint.objects.get()
    client.force_login(cast.author)
    assert client.get(f"{URL}/submissions/{submission.pk}").json()["reviews"] == []
    early = post_json(
        client,
        f"{URL}/submissions/{submission.pk}/answers",
        {"answers": [{"point_id": point.pk, "response": "Too early"}]},
    )
    assert [e["msg"] for e in assert_problem(early, 422)["errors"]] == [
        f"Point {point.pk} is not among the points you can answer now."
    ]
    assert ReviewPoint.objects.get().response == ""
    client.force_login(cast.editor)
    assert len(client.get(f"{URL}/submissions/{submission.pk}").json()["reviews"]) == 1
    services.decide(
        editor=cast.editor, submission_id=submission.pk, decision="request_changes", note="More"
    )
    client.force_login(cast.author)
    assert len(client.get(f"{URL}/submissions/{submission.pk}").json()["reviews"]) == 1


def test_unsigned_reviews_hide_reviewers_names_from_authors(client, cast, reviewed, settings):
    settings.REVIEWS_SIGNED = False
    client.force_login(cast.co_author)
    response = client.get(f"{URL}/submissions/{reviewed.pk}")
    data = response.json()
    assert [(r["reviewer"], r["reviewer_number"]) for r in data["reviews"]] == [
        (None, 1),
        (None, 2),
    ]
    assert [e["actor"] for e in data["timeline"] if e["kind"] == "review_submitted"] == [
        None,
        None,
    ]
    for name in ("Kadri Tamm", cast.reviewer.handle, cast.verified.display_name):
        assert name not in response.content.decode()
    client.force_login(cast.editor)
    editor_view = client.get(f"{URL}/submissions/{reviewed.pk}").json()
    assert editor_view["reviews"][0]["reviewer"]["display_name"] == "Kadri Tamm"


def test_an_invited_reviewer_sees_only_their_own_invitation_and_review(client, cast, reviewed):
    client.force_login(cast.reviewer)
    response = client.get(f"{URL}/submissions/{reviewed.pk}")
    data = response.json()
    text = response.content.decode()
    assert data["viewer_role"] == "reviewer"
    assert [(i["reviewer"]["handle"], i["state"]) for i in data["invitations"]] == [
        (cast.reviewer.handle, "completed")
    ]
    assert [r["reviewer"]["handle"] for r in data["reviews"]] == [cast.reviewer.handle]
    assert [e["actor"] for e in data["timeline"] if e["kind"] == "review_submitted"] == [
        {"handle": cast.reviewer.handle, "display_name": "Kadri Tamm"},
        None,
    ]
    assert not any(e["confidential"] for e in data["timeline"])
    for secret in (
        SECRET,
        "Second secret",
        "Second one",
        "to_editor",
        "Too busy",
        "Aino Virtanen",
        cast.verified.display_name,
    ):
        assert secret not in text


def test_answers_to_authors_writes_leave_out_confidential_comments(client, cast, reviewed):
    point = ReviewPoint.objects.get(target="evidence")
    client.force_login(cast.author)
    answered = post_json(
        client,
        f"{URL}/submissions/{reviewed.pk}/answers",
        {"answers": [{"point_id": point.pk, "response": "The 2021 register."}]},
    )
    withdrawn = post_json(client, f"{URL}/submissions/{reviewed.pk}/withdraw")
    for response in (answered, withdrawn):
        assert response.status_code == 200
        assert SECRET not in response.content.decode()
        assert "to_editor" not in response.content.decode()
    assert answered.json()["reviews"][0]["points"][0]["response"] == "The 2021 register."
    assert withdrawn.json()["state"] == "withdrawn"


# --- Refusals ----------------------------------------------------------------------------------


def test_an_impossible_transition_is_a_409_with_a_clear_message(client, cast):
    submission, _invitation = in_review(cast)
    client.force_login(cast.editor)
    before = fingerprint()
    response = post_json(
        client, f"{URL}/submissions/{submission.pk}/publish", {"evidence_level": 3}
    )
    body = assert_problem(response, 409)
    assert body["title"] == "Conflict"
    assert body["detail"] == "This is “In review” now, so it cannot move to “Published”."
    assert fingerprint() == before


def test_a_decision_on_a_state_the_editor_did_not_see_is_a_409(client, cast):
    submission, invitation = in_review(cast)
    factories.review(invitation)
    services.decide(editor=cast.moderator, submission_id=submission.pk, decision="accept")
    client.force_login(cast.editor)
    before = fingerprint()
    response = post_json(
        client,
        f"{URL}/submissions/{submission.pk}/decision",
        {"decision": "decline", "note": "Out of scope", "expected_state": "in_review"},
    )
    assert assert_problem(response, 409)["detail"] == (
        "Someone decided on this submission while you were looking: it is accepted now."
    )
    assert fingerprint() == before


def test_resubmitting_without_changes_requested_is_a_409(client, cast):
    submission, _invitation = in_review(cast)
    client.force_login(cast.author)
    before = fingerprint()
    response = post_json(client, f"{URL}/submissions/{submission.pk}/resubmit")
    assert assert_problem(response, 409)["detail"] == (
        "Only a submission sent back for changes can be resubmitted; this one is in review."
    )
    assert fingerprint() == before


def test_accepting_without_a_review_is_a_400_problem(client, cast):
    submission, _invitation = in_review(cast)
    client.force_login(cast.editor)
    before = fingerprint()
    response = post_json(
        client, f"{URL}/submissions/{submission.pk}/decision", {"decision": "accept"}
    )
    assert assert_problem(response, 400)["detail"] == (
        "Accept after at least one review of this version."
    )
    assert fingerprint() == before


def test_requesting_changes_needs_a_note(client, cast):
    submission, _invitation = in_review(cast)
    client.force_login(cast.editor)
    response = post_json(
        client, f"{URL}/submissions/{submission.pk}/decision", {"decision": "request_changes"}
    )
    body = assert_problem(response, 400)
    assert (body["detail"], body["field"]) == ("Tell the authors what to change.", "note")
    assert Submission.objects.get().state == "in_review"


def test_publishing_needs_an_evidence_level(client, cast):
    submission, invitation = in_review(cast)
    factories.review(invitation)
    services.decide(editor=cast.editor, submission_id=submission.pk, decision="accept")
    client.force_login(cast.editor)
    response = post_json(client, f"{URL}/submissions/{submission.pk}/publish", {"note": "Ok"})
    body = assert_problem(response, 400)
    assert (body["detail"], body["field"]) == ("Choose the evidence level.", "evidence_level")
    bad = post_json(client, f"{URL}/submissions/{submission.pk}/publish", {"evidence_level": 6})
    assert assert_problem(bad, 422)["errors"][0]["loc"] == ["body", "payload", "evidence_level"]
    assert Submission.objects.get().state == "accepted"


def test_inviting_a_conflicted_unknown_or_already_invited_member_is_refused(client, cast):
    submission, _invitation = in_review(cast)
    client.force_login(cast.editor)
    url = f"{URL}/submissions/{submission.pk}/invitations"
    before = fingerprint()

    conflicted = post_json(client, url, {"reviewer": cast.colleague.handle})
    unknown = post_json(client, url, {"reviewer": "nobody-here"})
    again = post_json(client, url, {"reviewer": cast.reviewer.handle})
    past = post_json(client, url, {"reviewer": cast.other_reviewer.handle, "due_on": "2020-01-01"})

    body = assert_problem(conflicted, 400)
    assert (body["detail"], body["field"]) == (
        "Colleague Lyon cannot review this contribution: a conflict of interest, or not verified.",
        "reviewer",
    )
    assert [e["msg"] for e in assert_problem(unknown, 422)["errors"]] == [
        "No member has the handle nobody-here."
    ]
    assert assert_problem(again, 409)["detail"] == "Kadri Tamm is already invited."
    assert assert_problem(past, 400)["detail"] == "The due date must be in the future."
    assert fingerprint() == before


def test_a_review_with_bad_scores_or_unknown_fields_is_a_422_and_writes_nothing(client, cast):
    _submission, invitation = in_review(cast)
    client.force_login(cast.reviewer)
    url = f"{URL}/invitations/{invitation.pk}/review"
    before = fingerprint()
    cases = [
        ({"scores": {**SCORES, "clarity": 6}, "recommendation": "accept"}, "scores"),
        ({"scores": {"accuracy": 4}, "recommendation": "accept"}, "scores"),
        ({"scores": SCORES, "recommendation": "maybe"}, "recommendation"),
        (
            {"scores": SCORES, "recommendation": "accept", "inline_comments": {"secret": "x"}},
            "inline_comments",
        ),
        (
            {"scores": SCORES, "recommendation": "accept", "criterion_comments": {"tone": "x"}},
            "criterion_comments",
        ),
    ]
    for body, field in cases:
        response = post_json(client, url, body)
        errors = assert_problem(response, 422)["errors"]
        assert {tuple(e["loc"][:3]) for e in errors} == {("body", "payload", field)}, body
    assert fingerprint() == before


def test_a_second_review_of_the_same_version_is_a_409(client, cast):
    _submission, invitation = in_review(cast)
    factories.review(invitation)
    client.force_login(cast.reviewer)
    before = fingerprint()
    response = post_json(
        client,
        f"{URL}/invitations/{invitation.pk}/review",
        {"scores": SCORES, "recommendation": "accept"},
    )
    assert assert_problem(response, 409)["detail"] == "You have already reviewed this version."
    assert fingerprint() == before


def test_answering_a_point_of_another_submission_is_a_422(client, cast):
    submission, invitation = in_review(cast)
    factories.review(invitation, criterion_comments={"evidence": "Which baseline?"})
    services.decide(
        editor=cast.editor, submission_id=submission.pk, decision="request_changes", note="More"
    )
    _other, other_invitation = in_review(cast)
    stranger = factories.review(other_invitation, criterion_comments={"clarity": "Shorter?"})
    client.force_login(cast.author)
    before = fingerprint()
    response = post_json(
        client,
        f"{URL}/submissions/{submission.pk}/answers",
        {"answers": [{"point_id": stranger.points.get().pk, "response": "Mine now"}]},
    )
    errors = assert_problem(response, 422)["errors"]
    assert [e["loc"] for e in errors] == [["body", "payload", "answers", 0, "point_id"]]
    assert fingerprint() == before


def test_answering_twice_the_same_invitation_is_a_409(client, cast):
    invitation = _invited(cast)
    client.force_login(cast.other_reviewer)
    assert post_json(client, f"{URL}/invitations/{invitation.pk}/decline").status_code == 200
    before = fingerprint()
    response = post_json(client, f"{URL}/invitations/{invitation.pk}/accept")
    assert assert_problem(response, 409)["detail"] == (
        "You have already answered this invitation (declined)."
    )
    assert fingerprint() == before


def test_declining_with_a_conflict_remembers_it(client, cast):
    invitation = _invited(cast)
    client.force_login(cast.other_reviewer)
    response = post_json(
        client,
        f"{URL}/invitations/{invitation.pk}/decline",
        {"reason": "I advised them", "conflict": True},
    )
    assert (response.json()["state"], response.json()["decline_reason"]) == (
        "declined",
        "I advised them",
    )
    conflict = ConflictOfInterest.objects.get()
    assert (conflict.member, conflict.practice_id) == (
        cast.other_reviewer,
        invitation.submission.practice_id,
    )


def test_cancelling_a_finished_invitation_is_a_409(client, cast):
    _submission, invitation = in_review(cast)
    factories.review(invitation)
    client.force_login(cast.editor)
    before = fingerprint()
    response = post_json(client, f"{URL}/invitations/{invitation.pk}/cancel")
    assert assert_problem(response, 409)["detail"] == "This invitation is no longer open."
    assert fingerprint() == before


def test_review_writes_are_rate_limited_with_a_429_problem(client, cast, settings):
    settings.POSTING_RATE_LIMITS = {**settings.POSTING_RATE_LIMITS, "review_write": "1/h"}
    submission, _invitation = in_review(cast)
    client.force_login(cast.editor)
    url = f"{URL}/submissions/{submission.pk}/invitations"
    assert post_json(client, url, {"reviewer": cast.other_reviewer.handle}).status_code == 201
    before = fingerprint()
    response = post_json(client, url, {"reviewer": cast.verified.handle})
    assert assert_problem(response, 429)["detail"] == "Slow down and try again shortly."
    assert fingerprint() == before


# --- Freshness and the public ------------------------------------------------------------------


def test_outdated_flags_are_rate_limited_and_one_open_per_member(client, cast, settings):
    settings.POSTING_RATE_LIMITS = {**settings.POSTING_RATE_LIMITS, "outdated_flag": "2/d"}
    practice = factories.published(cast.author, cast.topic, cast.editor, [cast.reviewer])
    url = f"{URL}/practices/{practice.item.slug}/outdated-flags"
    client.force_login(cast.member)

    first = post_json(client, url, {"reason": "The law changed in 2025."})
    again = post_json(client, url, {"reason": "Still outdated."})
    third = post_json(client, url, {"reason": "Really."})

    assert first.status_code == 201
    assert first.json()["reason"] == "The law changed in 2025."
    assert first.json()["practice"]["slug"] == practice.item.slug
    assert assert_problem(again, 409)["detail"] == (
        "You have already flagged this contribution; the editors will look at it."
    )
    assert_problem(third, 429)
    assert OutdatedFlag.objects.count() == 1


def test_a_flag_needs_a_reason(client, cast):
    practice = factories.published(cast.author, cast.topic, cast.editor, [cast.reviewer])
    url = f"{URL}/practices/{practice.item.slug}/outdated-flags"
    client.force_login(cast.member)
    empty = post_json(client, url, {"reason": ""})
    blank = post_json(client, url, {"reason": "   "})
    assert assert_problem(empty, 422)["errors"][0]["loc"] == ["body", "payload", "reason"]
    body = assert_problem(blank, 400)
    assert (body["detail"], body["field"]) == (
        "Say what has changed, so the editors can check.",
        "reason",
    )
    assert OutdatedFlag.objects.count() == 0


def test_flags_need_a_readable_live_contribution(client, cast):
    hidden = factories.published(
        cast.author,
        cast.topic,
        cast.editor,
        [cast.reviewer],
        title="Verified only",
        visibility=Visibility.VERIFIED,
    )
    draft = write_draft(cast.author, topics=[cast.topic], title="Still a draft")
    archived = write_published(cast.author, topics=[cast.topic], title="Old one")
    services.archive(editor=cast.editor, practice_id=archived.pk, reason="Replaced")
    client.force_login(cast.member)
    before = fingerprint()
    for practice, status in ((hidden, 404), (draft, 404), (archived, 403)):
        response = post_json(
            client, f"{URL}/practices/{practice.item.slug}/outdated-flags", {"reason": "Old"}
        )
        assert_problem(response, status)
    client.force_login(cast.author)
    assert_problem(
        post_json(client, f"{URL}/practices/{draft.item.slug}/outdated-flags", {"reason": "x"}),
        404,
    )
    assert fingerprint() == before


def test_the_rereview_queue_lists_flagged_and_due_contributions(client, cast):
    flagged = factories.published(
        cast.author, cast.topic, cast.editor, [cast.reviewer], title="Flagged one"
    )
    due = factories.published(cast.author, cast.topic, cast.editor, [cast.reviewer], title="Due")
    factories.published(cast.author, cast.topic, cast.editor, [cast.reviewer], title="Fresh")
    Practice.objects.filter(pk=due.pk).update(rereview_due_on=timezone.localdate())
    services.flag_outdated(member=cast.member, practice_id=flagged.pk, reason="New law")
    client.force_login(cast.editor)
    data = client.get(f"{URL}/rereview").json()
    assert data["count"] == 2
    rows = {row["practice"]["slug"]: row for row in data["items"]}
    assert (rows["due"]["due"], rows["due"]["open_flag_count"]) == (True, 0)
    assert (rows["flagged-one"]["due"], rows["flagged-one"]["open_flag_count"]) == (False, 1)
    assert rows["due"]["url"] == "http://testserver/reviews/practices/due/freshness/"


def test_the_review_summary_is_only_for_readable_published_contributions(client, cast):
    hidden = factories.published(
        cast.author,
        cast.topic,
        cast.editor,
        [cast.reviewer],
        title="Verified only",
        visibility=Visibility.VERIFIED,
    )
    submission, _invitation = in_review(cast)
    never_reviewed = write_published(cast.author, topics=[cast.topic], title="Before review")
    url = f"{URL}/practices/{{}}/review-summary"

    assert_problem(client.get(url.format(hidden.item.slug)), 404)
    assert_problem(client.get(url.format(submission.practice.item.slug)), 404)
    client.force_login(cast.author)
    assert_problem(client.get(url.format(submission.practice.item.slug)), 404)
    assert client.get(url.format(hidden.item.slug)).status_code == 200
    plain = client.get(url.format(never_reviewed.item.slug)).json()
    assert (plain["peer_reviewed"], plain["evidence_level"], plain["reviews"]) == (
        False,
        None,
        [],
    )
    assert (plain["mean_scores"], plain["published_at"], plain["editor_note"]) == ([], None, "")


def test_the_review_summary_leaves_names_out_when_reviews_are_not_signed(client, cast, settings):
    settings.REVIEWS_SIGNED = False
    practice = factories.published(cast.author, cast.topic, cast.editor, [cast.reviewer])
    response = client.get(f"{URL}/practices/{practice.item.slug}/review-summary")
    data = response.json()
    assert data["signed"] is False
    assert [r["reviewer"] for r in data["reviews"]] == [None]
    assert "Kadri Tamm" not in response.content.decode()
    assert "Confidential" not in response.content.decode()


def test_stats_count_decisions_and_reviews(client, cast):
    factories.published(cast.author, cast.topic, cast.editor, [cast.reviewer, cast.other_reviewer])
    declined = factories.submitted(cast.author, cast.topic, title="Weak one")
    services.decide(
        editor=cast.editor, submission_id=declined.pk, decision="decline", note="Out of scope"
    )
    in_review(cast)
    response = client.get(f"{URL}/stats", {"months": 3})
    data = response.json()
    assert (data["decided"], data["accepted"], data["acceptance_rate"]) == (2, 1, 0.5)
    assert data["under_review"] == 1
    assert data["median_days_to_first_decision"] == 0.0
    assert len(data["reviews_per_month"]) == 3
    assert data["reviews_per_month"][-1]["reviews"] == 2
    assert_problem(client.get(f"{URL}/stats", {"months": 0}), 422)


# --- The queue ---------------------------------------------------------------------------------


def test_the_queue_filters_by_topic_and_state_and_paginates(client, cast, make_topic):
    other_topic = make_topic(name="Waste")
    waiting = factories.submitted(cast.author, cast.topic, title="Waiting one")
    reviewing, _invitation = in_review(cast)
    elsewhere = factories.submitted(cast.author, other_topic, title="Elsewhere")
    Submission.objects.filter(pk=waiting.pk).update(
        waiting_since=timezone.now() - timedelta(days=9)
    )
    client.force_login(cast.moderator)

    def ids(query=""):
        return [row["id"] for row in client.get(f"{URL}/queue?{query}").json()["items"]]

    assert ids() == [waiting.pk, reviewing.pk, elsewhere.pk]
    assert ids(f"topic={cast.topic.slug}") == [waiting.pk, reviewing.pk]
    assert ids("state=in_review") == [reviewing.pk]
    assert ids("topic=no-such-topic") == []
    assert ids("page_size=1&page=2") == [reviewing.pk]
    assert client.get(f"{URL}/queue").json()["items"][0]["waited_days"] == 9
    assert_problem(client.get(f"{URL}/queue?state=published"), 422)
    # A topic editor sees their topic's submissions only.
    client.force_login(cast.editor)
    assert ids() == [waiting.pk, reviewing.pk]


def test_an_editor_never_handles_their_own_contribution(client, cast):
    own = factories.submitted(cast.editor, cast.topic, title="Editor's own")
    client.force_login(cast.editor)
    assert client.get(f"{URL}/queue").json()["count"] == 0
    detail = client.get(f"{URL}/submissions/{own.pk}").json()
    assert detail["viewer_role"] == "author"
    before = fingerprint()
    response = post_json(
        client, f"{URL}/submissions/{own.pk}/invitations", {"reviewer": cast.reviewer.handle}
    )
    assert_problem(response, 403)
    assert fingerprint() == before


def test_suggestions_rank_experts_and_leave_out_conflicts(client, cast):
    submission = factories.submitted(cast.author, cast.topic, co_authors=[cast.co_author])
    client.force_login(cast.editor)
    data = client.get(f"{URL}/submissions/{submission.pk}/suggestions").json()
    handles = [s["reviewer"]["handle"] for s in data]
    assert sorted(handles) == sorted([cast.reviewer.handle, cast.other_reviewer.handle])
    assert cast.colleague.handle not in handles
    first = next(s for s in data if s["reviewer"]["handle"] == cast.reviewer.handle)
    assert first == {
        "reviewer": {"handle": cast.reviewer.handle, "display_name": "Kadri Tamm"},
        "organization": "Tallinn",
        "topic_matches": 1,
        "mean_quality": None,
        "completed_reviews": 0,
        "current_load": 0,
    }


def test_the_queue_runs_the_same_queries_for_one_row_or_many(
    client, cast, django_assert_max_num_queries
):
    in_review(cast)
    client.force_login(cast.editor)
    with CaptureQueriesContext(connection) as one:
        assert client.get(f"{URL}/queue").json()["count"] == 1
    for n in range(5):
        factories.submitted(cast.author, cast.topic, title=f"Practice {n}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(f"{URL}/queue").json()["count"] == 6


def test_my_invitations_run_the_same_queries_for_one_row_or_many(
    client, cast, django_assert_max_num_queries
):
    in_review(cast)
    client.force_login(cast.reviewer)
    with CaptureQueriesContext(connection) as one:
        assert client.get(f"{URL}/invitations").json()["count"] == 1
    for n in range(5):
        submission = factories.submitted(cast.author, cast.topic, title=f"Practice {n}")
        factories.invite(cast.editor, submission, cast.reviewer, accept=n % 2 == 0)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(f"{URL}/invitations").json()["count"] == 6


# --- OpenAPI -----------------------------------------------------------------------------------

OPERATIONS = {
    "/api/v1/reviews/queue": {"get"},
    "/api/v1/reviews/submissions/{submission_id}": {"get"},
    "/api/v1/reviews/submissions/{submission_id}/suggestions": {"get"},
    "/api/v1/reviews/submissions/{submission_id}/invitations": {"post"},
    "/api/v1/reviews/submissions/{submission_id}/decision": {"post"},
    "/api/v1/reviews/submissions/{submission_id}/publish": {"post"},
    "/api/v1/reviews/submissions/{submission_id}/withdraw": {"post"},
    "/api/v1/reviews/submissions/{submission_id}/resubmit": {"post"},
    "/api/v1/reviews/submissions/{submission_id}/answers": {"post"},
    "/api/v1/reviews/invitations": {"get"},
    "/api/v1/reviews/invitations/{invitation_id}/cancel": {"post"},
    "/api/v1/reviews/invitations/{invitation_id}/accept": {"post"},
    "/api/v1/reviews/invitations/{invitation_id}/decline": {"post"},
    "/api/v1/reviews/invitations/{invitation_id}/review": {"post"},
    "/api/v1/reviews/practices/{slug}/outdated-flags": {"post"},
    "/api/v1/reviews/practices/{slug}/review-summary": {"get"},
    "/api/v1/reviews/rereview": {"get"},
    "/api/v1/reviews/stats": {"get"},
}


def test_openapi_documents_every_review_operation_with_problems(client, db):
    schema = client.get("/api/openapi.json").json()
    paths = {p: ops for p, ops in schema["paths"].items() if p.startswith("/api/v1/reviews/")}
    assert {p: set(ops) for p, ops in paths.items()} == OPERATIONS
    problem = {"$ref": "#/components/schemas/Problem"}
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert operation["summary"], path
            assert operation["description"], path
            responses = operation["responses"]
            assert responses["401"]["content"]["application/json"]["schema"] == problem, path
            if method == "post":
                for status in ("400", "403", "404", "409", "429"):
                    content = responses[status]["content"]["application/json"]
                    assert content["schema"] == problem, (path, status)
    assert paths["/api/v1/reviews/stats"]["get"].get("security") is None
    submission = schema["components"]["schemas"]["SubmissionOut"]["properties"]
    assert {"viewer_role", "reviews", "invitations", "timeline"} <= set(submission)
    review = schema["components"]["schemas"]["ReviewOut"]
    assert "to_editor" not in review.get("required", [])
