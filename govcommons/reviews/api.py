"""API operations of peer review: the editors' queue and desk, reviewers' invitations and reviews,
the authors' answers, freshness flags, the public review summary and statistics.

A thin adapter over `selectors` (reads, who may see what) and `services` (writes, the state
machine), so the API and the pages can never disagree. What a submission shows depends on the
caller's role, exactly as on its page.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import Throttled, ValidationError
from ninja.pagination import paginate

from govcommons.accounts.models import User
from govcommons.api.auth import caller, token_or_session
from govcommons.api.pagination import Pages
from govcommons.api.schemas import READ_PROBLEMS, WRITE_PROBLEMS, Problem
from govcommons.core import ratelimit
from govcommons.core.permissions import is_author
from govcommons.practices.models import EvidenceLevel, Practice
from govcommons.practices.services import SNAPSHOT_LABELS
from govcommons.taxonomy.models import Topic

from . import permissions, selectors, services
from .models import Criterion, EventKind, Review, ReviewInvitation, Submission
from .schemas import (
    AnswersIn,
    DecisionIn,
    DeclineIn,
    FlagIn,
    FlagOut,
    InvitationOut,
    InviteIn,
    MyInvitationOut,
    PublishIn,
    QueueItemOut,
    QueueQuery,
    ReasonIn,
    RereviewItemOut,
    ResubmitIn,
    ReviewIn,
    ReviewOut,
    ReviewSummaryOut,
    StatsOut,
    StatsQuery,
    SubmissionOut,
    SuggestionOut,
    WithdrawIn,
)

router = Router(tags=["reviews"])

READ = READ_PROBLEMS
WRITE = WRITE_PROBLEMS
CRITERION_LABELS = {c.value: c.label for c in Criterion}


# --- Helpers -----------------------------------------------------------------------------------


def _posting_allowed(request, action: str = "review_write") -> None:
    """The pages' posting limit applies to the API too (429 problem)."""
    if not ratelimit.consume(request, action):
        raise Throttled(wait=None)


def _require_editor(member) -> None:
    if not permissions.is_editor(member):
        raise PermissionDenied(
            _("Only editors can do this: moderators, and members with a topic's editor role.")
        )


def _require_handler(member, submission: Submission) -> None:
    if not permissions.can_handle(member, submission):
        raise PermissionDenied(_("Only an editor for this topic can do that."))


def _member(user) -> dict | None:
    return {"handle": user.handle, "display_name": user.display_name} if user else None


def _practice_ref(request, practice: Practice) -> dict:
    return {
        "slug": practice.item.slug,
        "title": practice.item.title,
        "url": request.build_absolute_uri(practice.get_absolute_url()),
    }


def _scores(review) -> dict:
    return {c.value: getattr(review, c.value) for c in Criterion}


def _role(viewer, submission: Submission) -> str:
    if permissions.can_handle(viewer, submission):
        return "editor"
    if is_author(viewer, submission.practice.item):
        return "author"
    return "reviewer"


def _invitation(invitation: ReviewInvitation) -> dict:
    return {
        "id": invitation.pk,
        "reviewer": _member(invitation.reviewer),
        "state": invitation.state,
        "invited_at": invitation.invited_at,
        "due_on": invitation.due_on,
        "responded_at": invitation.responded_at,
        "overdue": permissions.overdue(invitation),
        "decline_reason": invitation.decline_reason,
        "reminder_count": invitation.reminder_count,
    }


def _my_invitation(request, invitation: ReviewInvitation) -> dict:
    submission = invitation.submission
    return {
        **_invitation(invitation),
        "submission_id": submission.pk,
        "submission_state": submission.state,
        "round": submission.round,
        "practice": _practice_ref(request, submission.practice),
        "url": request.build_absolute_uri(reverse("reviews:invitation", args=[invitation.pk])),
    }


DECIDING_STATES = permissions.DECIDING_STATES
ANSWERABLE_STATES = permissions.ANSWERABLE_STATES
_authors_can_read = permissions.authors_can_read_review
_answerable_point_ids = permissions.answerable_point_ids
_reviewer_numbers = selectors.reviewer_numbers


def _review(review, *, role: str, signed: bool, number: int = 1) -> dict:
    data = {
        "id": review.pk,
        "reviewer_number": number,
        "reviewer": _member(review.reviewer) if role != "author" or signed else None,
        "round": review.round,
        "revision_number": review.revision_number,
        "scores": _scores(review),
        "mean_score": round(review.mean_score, 2),
        "recommendation": review.recommendation,
        "to_authors": review.to_authors,
        "submitted_at": review.submitted_at,
        "points": [
            {
                "id": point.pk,
                "kind": point.kind,
                "target": point.target,
                "target_label": str(
                    CRITERION_LABELS.get(point.target)
                    or SNAPSHOT_LABELS.get(point.target)
                    or point.target
                ),
                "text": point.text,
                "response": point.response,
                "responded_at": point.responded_at,
            }
            for point in review.points.all()
        ],
    }
    if role == "editor":
        # Confidential: never in an author's or a reviewer's answer, not even as null.
        data["to_editor"] = review.to_editor
        data["quality"] = review.quality
    return data


def _event(event, *, viewer, role: str, signed: bool) -> dict:
    # Who reviewed: editors see it; authors only when reviews are signed; a reviewer only their
    # own review, never who else was asked.
    actor = event.actor
    shown = (
        role == "editor"
        or event.kind != EventKind.REVIEW_SUBMITTED
        or event.actor_id == viewer.pk
        or (role == "author" and signed)
    )
    return {
        "kind": event.kind,
        "actor": _member(actor) if shown else None,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "reason": event.reason,
        "confidential": event.confidential,
        "created_at": event.created_at,
    }


def _submission(request, viewer, submission: Submission) -> dict:
    """The submission as this viewer's role may see it (the caller has checked they may)."""
    role = _role(viewer, submission)
    signed = settings.REVIEWS_SIGNED
    all_reviews = selectors.reviews_of(submission)
    numbers = _reviewer_numbers(all_reviews)
    events = selectors.timeline(submission, include_confidential=role == "editor")
    if role == "editor":
        reviews = all_reviews
        invitations = selectors.invitations_of(submission)
    elif role == "author":
        reviews = [r for r in all_reviews if _authors_can_read(submission, r)]
        invitations = []  # authors never learn who was asked, or who declined
    else:
        reviews = [r for r in all_reviews if r.reviewer_id == viewer.pk]
        invitations = [
            i for i in selectors.invitations_of(submission) if i.reviewer_id == viewer.pk
        ]
    return {
        "id": submission.pk,
        "viewer_role": role,
        "practice": _practice_ref(request, submission.practice),
        "kind": submission.kind,
        "state": submission.state,
        "round": submission.round,
        "revision_number": submission.revision_number,
        "live_revision": submission.live_revision,
        "submitted_by": _member(submission.submitted_by),
        "submitted_at": submission.submitted_at,
        "waiting_since": submission.waiting_since,
        "state_changed_at": submission.state_changed_at,
        "decided_at": submission.decided_at,
        "decided_by": _member(submission.decided_by),
        "evidence_level": submission.evidence_level,
        "editor_note": submission.editor_note,
        "note_from_author": submission.note_from_author,
        "reviews": [
            _review(r, role=role, signed=signed, number=numbers[r.reviewer_id]) for r in reviews
        ],
        "invitations": [_invitation(i) for i in invitations],
        "timeline": [_event(e, viewer=viewer, role=role, signed=signed) for e in events],
        "url": request.build_absolute_uri(reverse("reviews:submission", args=[submission.pk])),
    }


def _submission_answer(request, submission_id: int) -> dict:
    """After a write: the submission read again, as the caller now sees it."""
    member = request.auth
    return _submission(request, member, selectors.get_submission_for(member, submission_id))


def _invitation_on_visible_submission(member, invitation_id: int) -> ReviewInvitation:
    """An invitation on a submission the caller may see; 404 otherwise (existence stays hidden)."""
    invitation = ReviewInvitation.objects.filter(pk=invitation_id).first()
    if invitation is None:
        raise Http404
    selectors.get_submission_for(member, invitation.submission_id)
    return invitation


class _Shaped:
    """A queryset that pagination counts and slices, shaped into rows after the slice, so a
    page costs the same few queries whatever its rows."""

    def __init__(self, rows, shape):
        self.rows, self.shape = rows, shape

    def __len__(self) -> int:
        return self.rows.count()

    def __getitem__(self, index: slice) -> list[dict]:
        return [self.shape(row) for row in self.rows[index]]


def _readable_published(viewer, slug: str) -> Practice:
    practice = (
        selectors.visible_published(viewer).select_related("item").filter(item__slug=slug).first()
    )
    if practice is None:
        raise Http404
    return practice


# --- The editors' desk -------------------------------------------------------------------------


@router.get(
    "/queue",
    response={200: list[QueueItemOut], **READ},
    summary="The editors' queue",
    auth=token_or_session,
)
@paginate(Pages, page_size=20)
def queue(request, filters: Query[QueueQuery]):
    """Open submissions the caller handles, the longest-waiting first, filterable by topic and
    state. Permission: editors (moderators, and members with the editor role for a topic: the
    submissions in their topics); never their own contributions."""
    member = request.auth
    _require_editor(member)
    topic_id = None
    if filters.topic:
        topic = Topic.objects.filter(slug=filters.topic).first()
        if topic is None:
            return Submission.objects.none()
        topic_id = topic.pk
    rows = selectors.editor_queue(member, topic_id=topic_id, state=filters.state or "")
    return _Shaped(rows, lambda submission: _queue_row(request, submission))


def _queue_row(request, submission: Submission) -> dict:
    return {
        "id": submission.pk,
        "practice": _practice_ref(request, submission.practice),
        "kind": submission.kind,
        "state": submission.state,
        "round": submission.round,
        "submitted_at": submission.submitted_at,
        "waiting_since": submission.waiting_since,
        "waited_days": selectors.waited_days(submission),
        "invited_count": submission.invited_count,
        "review_count": submission.review_count,
        "url": request.build_absolute_uri(reverse("reviews:submission", args=[submission.pk])),
    }


@router.get(
    "/submissions/{submission_id}",
    response={200: SubmissionOut, **READ},
    summary="One submission",
    auth=token_or_session,
    exclude_unset=True,
)
def get_submission(request, submission_id: int):
    """What the submission's page shows, by role. Editors: everything, with the invitations,
    the reviewers' confidential comments and the confidential history. Authors: the reviews of
    each round once the editor has decided on it, without confidential comments, reviewers'
    names only when reviews are signed, never the invitations or who declined. An invited
    reviewer: their own invitation and reviews. Who wrote a review shows in the history only to
    editors, to its reviewer, and to authors when reviews are signed. Permission: the topic's
    editors, the authors and the invited reviewers; 404 for everyone else, as if it did not
    exist."""
    member = request.auth
    return _submission(request, member, selectors.get_submission_for(member, submission_id))


@router.get(
    "/submissions/{submission_id}/suggestions",
    response={200: list[SuggestionOut], **READ},
    summary="Suggested reviewers",
    auth=token_or_session,
)
def suggestions(request, submission_id: int):
    """Verified members whose expertise matches the contribution's topics, ranked by topic
    match, past review quality and current load. Conflicts of interest (co-authors, members of
    the authors' organisations, declared conflicts) and members already invited are never
    suggested. Permission: the topic's editors."""
    member = request.auth
    submission = selectors.get_submission_for(member, submission_id)
    _require_handler(member, submission)
    return [
        {
            "reviewer": _member(s.member),
            "organization": s.member.organization.name if s.member.organization_id else None,
            "topic_matches": s.topic_matches,
            "mean_quality": round(s.mean_quality, 2) if s.mean_quality is not None else None,
            "completed_reviews": s.completed_reviews,
            "current_load": s.current_load,
        }
        for s in selectors.suggested_reviewers(submission, editor=member)
    ]


@router.post(
    "/submissions/{submission_id}/invitations",
    response={201: InvitationOut, **WRITE},
    summary="Invite a reviewer",
    auth=token_or_session,
)
def invite(request, submission_id: int, payload: InviteIn):
    """Invite a member (by handle) to review, with a due date; they are notified and accept or
    decline. A submitted contribution moves to "in review". 400 for a conflicted or unverified
    member; 409 when they are already invited or the submission takes no reviewers now.
    Permission: the topic's editors."""
    _posting_allowed(request)
    member = request.auth
    submission = selectors.get_submission_for(member, submission_id)
    _require_handler(member, submission)
    reviewer = User.objects.filter(handle=payload.reviewer, is_active=True).first()
    if reviewer is None:
        raise ValidationError(
            [
                {
                    "type": "value_error",
                    "loc": ["body", "payload", "reviewer"],
                    "msg": _("No member has the handle %(handle)s.") % {"handle": payload.reviewer},
                }
            ]
        )
    invitation = services.invite_reviewer(
        editor=member, submission_id=submission.pk, reviewer_id=reviewer.pk, due_on=payload.due_on
    )
    invitation = ReviewInvitation.objects.select_related("reviewer").get(pk=invitation.pk)
    return Status(201, _invitation(invitation))


@router.post(
    "/invitations/{invitation_id}/cancel",
    response={200: InvitationOut, **WRITE},
    summary="Withdraw an invitation",
    auth=token_or_session,
)
def cancel_invitation(request, invitation_id: int, payload: ReasonIn | None = None):
    """Withdraw an open invitation (to reassign an overdue review, for example); the body is
    optional. 409 when it is no longer open. Permission: the topic's editors."""
    _posting_allowed(request)
    member = request.auth
    invitation = _invitation_on_visible_submission(member, invitation_id)
    services.cancel_invitation(
        editor=member, invitation_id=invitation.pk, reason=(payload or ReasonIn()).reason
    )
    return _invitation(ReviewInvitation.objects.select_related("reviewer").get(pk=invitation.pk))


@router.post(
    "/submissions/{submission_id}/decision",
    response={200: SubmissionOut, **WRITE},
    summary="Decide: request changes, accept or decline",
    auth=token_or_session,
    exclude_unset=True,
)
def decide(request, submission_id: int, payload: DecisionIn):
    """Request changes (a note to the authors is required), accept (after at least one review
    of this version, except a minor edit) or decline. Send the state you saw as
    `expected_state`: if another editor decided meanwhile, nothing changes and the answer is
    409. A move the review workflow does not allow is 409 too. Permission: the topic's editors."""
    _posting_allowed(request)
    member = request.auth
    submission = selectors.get_submission_for(member, submission_id)
    _require_handler(member, submission)
    services.decide(
        editor=member,
        submission_id=submission.pk,
        decision=payload.decision,
        note=payload.note,
        expected_state=payload.expected_state or "",
    )
    return _submission_answer(request, submission.pk)


@router.post(
    "/submissions/{submission_id}/publish",
    response={200: SubmissionOut, **WRITE},
    summary="Publish an accepted submission",
    auth=token_or_session,
    exclude_unset=True,
)
def publish(request, submission_id: int, payload: PublishIn):
    """Publish an accepted submission with its evidence level (1-5) and a public note: a new
    contribution goes public, a revision replaces the published version; the review date and
    the re-review date are set. 409 unless accepted. Permission: the topic's editors."""
    _posting_allowed(request)
    member = request.auth
    submission = selectors.get_submission_for(member, submission_id)
    _require_handler(member, submission)
    services.publish(
        editor=member,
        submission_id=submission.pk,
        evidence_level=payload.evidence_level,
        note=payload.note,
    )
    return _submission_answer(request, submission.pk)


@router.get(
    "/rereview",
    response={200: list[RereviewItemOut], **READ},
    summary="The re-review queue",
    auth=token_or_session,
)
@paginate(Pages, page_size=20)
def rereview(request):
    """Published contributions due for re-review, flagged as possibly outdated, or marked
    outdated, in the caller's topics; the most overdue first. Permission: editors."""
    member = request.auth
    _require_editor(member)
    today = timezone.localdate()
    return _Shaped(
        selectors.rereview_queue(member, today=today),
        lambda practice: {
            "practice": _practice_ref(request, practice),
            "contribution_kind": practice.contribution_kind,
            "state": practice.state,
            "evidence_level": practice.evidence_level,
            "last_reviewed_at": practice.last_reviewed_at,
            "rereview_due_on": practice.rereview_due_on,
            "due": bool(practice.rereview_due_on and practice.rereview_due_on <= today),
            "open_flag_count": practice.open_flag_count,
            "url": request.build_absolute_uri(
                reverse("reviews:freshness", args=[practice.item.slug])
            ),
        },
    )


# --- Reviewers ---------------------------------------------------------------------------------


@router.get(
    "/invitations",
    response={200: list[MyInvitationOut], **READ},
    summary="My invitations to review",
    auth=token_or_session,
)
@paginate(Pages, page_size=20)
def my_invitations(request):
    """The caller's invitations to review, newest first. Permission: any signed-in member
    (the list is theirs only)."""
    member = request.auth

    def row(invitation: ReviewInvitation) -> dict:
        invitation.reviewer = member  # theirs: no query per row for the name
        return _my_invitation(request, invitation)

    return _Shaped(selectors.invitations_for(member), row)


def _respond(request, invitation_id: int, *, accept: bool, payload: DeclineIn) -> dict:
    _posting_allowed(request)
    member = request.auth
    selectors.get_invitation_for(member, invitation_id)  # someone else's: 404
    services.respond_to_invitation(
        reviewer=member,
        invitation_id=invitation_id,
        accept=accept,
        reason=payload.reason,
        conflict=payload.conflict,
    )
    return _my_invitation(request, selectors.get_invitation_for(member, invitation_id))


@router.post(
    "/invitations/{invitation_id}/accept",
    response={200: MyInvitationOut, **WRITE},
    summary="Accept an invitation to review",
    auth=token_or_session,
)
def accept_invitation(request, invitation_id: int):
    """Accept to review by the due date. 409 when already answered or the submission no longer
    needs reviewers. Permission: the invited reviewer; 404 for everyone else."""
    return _respond(request, invitation_id, accept=True, payload=DeclineIn())


@router.post(
    "/invitations/{invitation_id}/decline",
    response={200: MyInvitationOut, **WRITE},
    summary="Decline an invitation to review",
    auth=token_or_session,
)
def decline_invitation(request, invitation_id: int, payload: DeclineIn | None = None):
    """Decline, with a reason only the editors read; `conflict: true` declares a conflict of
    interest with this contribution. The authors never learn who declined. The body is optional.
    Permission: the invited reviewer; 404 for everyone else."""
    return _respond(request, invitation_id, accept=False, payload=payload or DeclineIn())


@router.post(
    "/invitations/{invitation_id}/review",
    response={201: ReviewOut, **WRITE},
    summary="Submit a review",
    auth=token_or_session,
    exclude_unset=True,
)
def submit_review(request, invitation_id: int, payload: ReviewIn):
    """The rubric scores (1-5 each), a recommendation, comments to the authors, confidential
    comments to the editor, and optional comments on each criterion and on fields of the
    contribution. 409 when the submission takes no more reviews or this version is already
    reviewed. Permission: the invited reviewer, while the submission is in review; 404 for
    everyone else. The answer leaves out the confidential comments, as for every non-editor."""
    _posting_allowed(request)
    member = request.auth
    selectors.get_invitation_for(member, invitation_id)
    review = services.submit_review(
        reviewer=member,
        invitation_id=invitation_id,
        scores=payload.scores.model_dump(),
        recommendation=payload.recommendation,
        to_authors=payload.to_authors,
        to_editor=payload.to_editor,
        criterion_comments={str(k.value): v for k, v in payload.criterion_comments.items()},
        inline_comments=payload.inline_comments,
    )
    review = Review.objects.select_related("reviewer").prefetch_related("points").get(pk=review.pk)
    numbers = _reviewer_numbers(selectors.reviews_of(review.submission))
    return Status(
        201,
        _review(
            review,
            role="reviewer",
            signed=settings.REVIEWS_SIGNED,
            number=numbers[review.reviewer_id],
        ),
    )


# --- Authors -----------------------------------------------------------------------------------


@router.post(
    "/submissions/{submission_id}/withdraw",
    response={200: SubmissionOut, **WRITE},
    summary="Withdraw a submission",
    auth=token_or_session,
    exclude_unset=True,
)
def withdraw(request, submission_id: int, payload: WithdrawIn | None = None):
    """Take a submission back from the editors; open invitations are withdrawn. The body is
    optional. 409 when it is already decided. Permission: its authors."""
    _posting_allowed(request)
    member = request.auth
    submission = selectors.get_submission_for(member, submission_id)
    services.withdraw(
        member=member, submission_id=submission.pk, reason=(payload or WithdrawIn()).reason
    )
    return _submission_answer(request, submission.pk)


@router.post(
    "/submissions/{submission_id}/answers",
    response={200: SubmissionOut, **WRITE},
    summary="Answer the reviewers' points",
    auth=token_or_session,
    exclude_unset=True,
)
def answer_points(request, submission_id: int, payload: AnswersIn):
    """Answer reviewers' points one by one (their `id` as `point_id`): the points of the latest
    round of reviews the authors can read (once the editor has decided on it). 422 for any
    other point; 409 once the reviews can no longer be answered. Permission: its authors."""
    _posting_allowed(request)
    member = request.auth
    submission = selectors.get_submission_for(member, submission_id)
    if not is_author(member, submission.practice.item):
        raise PermissionDenied(_("Only the authors answer the reviews."))
    if submission.state in ANSWERABLE_STATES:  # otherwise the service refuses it (409)
        known = _answerable_point_ids(submission, selectors.reviews_of(submission))
        unknown = [
            {
                "type": "value_error",
                "loc": ["body", "payload", "answers", index, "point_id"],
                "msg": _("Point %(id)s is not among the points you can answer now.")
                % {"id": answer.point_id},
            }
            for index, answer in enumerate(payload.answers)
            if answer.point_id not in known
        ]
        if unknown:
            raise ValidationError(unknown)
    services.answer_points(
        member=member,
        submission_id=submission.pk,
        answers={a.point_id: a.response for a in payload.answers},
    )
    return _submission_answer(request, submission.pk)


@router.post(
    "/submissions/{submission_id}/resubmit",
    response={200: SubmissionOut, **WRITE},
    summary="Resubmit a revised version",
    auth=token_or_session,
    exclude_unset=True,
)
def resubmit(request, submission_id: int, payload: ResubmitIn | None = None):
    """After changes were requested and the contribution revised (PUT /api/v1/practices/{slug}),
    send the new version back to the same reviewers for another round. 400 when nothing was
    revised; 409 unless changes were requested. The body is optional. Permission: its authors,
    when verified public servants."""
    _posting_allowed(request)
    member = request.auth
    submission = selectors.get_submission_for(member, submission_id)
    services.resubmit(
        member=member, submission_id=submission.pk, note=(payload or ResubmitIn()).note
    )
    return _submission_answer(request, submission.pk)


# --- Freshness and the public ------------------------------------------------------------------


@router.post(
    "/practices/{slug}/outdated-flags",
    response={201: FlagOut, **WRITE},
    summary="Flag a contribution as possibly outdated",
    auth=token_or_session,
)
def flag_outdated(request, slug: str, payload: FlagIn):
    """Tell the editors that a published contribution may be outdated, and why; open flags put
    it in the re-review queue. 409 when you already have an open flag on it. Permission: any
    signed-in member who can read it (404 otherwise); not on an archived contribution (403)."""
    _posting_allowed(request, "outdated_flag")
    member = request.auth
    practice = _readable_published(member, slug)
    if not permissions.can_flag_outdated(member, practice):
        raise PermissionDenied(_("An archived contribution is no longer kept up to date."))
    flag = services.flag_outdated(member=member, practice_id=practice.pk, reason=payload.reason)
    return Status(
        201,
        {
            "id": flag.pk,
            "practice": _practice_ref(request, practice),
            "reason": flag.reason,
            "created_at": flag.created_at,
        },
    )


@router.get(
    "/practices/{slug}/review-summary",
    response={200: ReviewSummaryOut, 401: Problem, 404: Problem},
    summary="A contribution's public review summary",
    auth=None,
)
def review_summary(request, slug: str):
    """How the published version was reviewed: evidence level, review and re-review dates,
    mean rubric scores, each review's scores (with the reviewer's name when reviews are
    signed) and the editor's note. Never the comments or who declined. Permission: anyone who
    may read the published contribution (404 otherwise)."""
    viewer = caller(request)
    practice = _readable_published(viewer, slug)
    signed = settings.REVIEWS_SIGNED
    summary = selectors.review_summary(practice, signed=signed)
    reviews = summary.reviews if summary else []
    means = []
    if summary and summary.mean_scores:
        means = [
            {"criterion": c.value, "label": str(label), "mean": mean}
            for c, (label, mean) in zip(Criterion, summary.mean_scores, strict=True)
        ]
    return {
        "practice": _practice_ref(request, practice),
        "state": practice.state,
        "peer_reviewed": practice.is_peer_reviewed,
        "evidence_level": practice.evidence_level,
        "evidence_label": (
            str(EvidenceLevel(practice.evidence_level).label) if practice.evidence_level else ""
        ),
        "last_reviewed_at": practice.last_reviewed_at,
        "rereview_due_on": practice.rereview_due_on,
        "published_at": summary.submission.state_changed_at if summary else None,
        "editor_note": summary.submission.editor_note if summary else "",
        "signed": signed,
        "mean_scores": means,
        "reviews": [
            {
                "reviewer": _member(r.reviewer) if signed else None,
                "scores": _scores(r),
                "submitted_at": r.submitted_at,
            }
            for r in reviews
        ],
        "open_flag_count": len(selectors.open_flags(practice)),
    }


@router.get(
    "/stats",
    response={200: StatsOut, 401: Problem, 422: Problem},
    summary="Peer review statistics",
    auth=None,
)
def stats(request, filters: Query[StatsQuery]):
    """How peer review is doing: median days from submission to the first decision, how many
    were accepted among those decided, how many are under review, and reviews completed per
    month. Permission: public."""
    caller(request)
    numbers = selectors.review_stats(months=filters.months)
    return {
        "median_days_to_first_decision": numbers.median_days_to_first_decision,
        "decided": numbers.decided,
        "accepted": numbers.accepted,
        "acceptance_rate": numbers.acceptance_rate,
        "under_review": numbers.under_review,
        "reviews_per_month": [{"month": m, "reviews": n} for m, n in numbers.reviews_per_month],
    }
