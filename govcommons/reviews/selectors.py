"""Reads for peer review: the editor's queue, reviewer suggestions, a submission's page, the
re-review queue, the public review summary and the platform's review statistics."""

import statistics
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.http import Http404
from django.utils import timezone

from govcommons.accounts.models import Role, RoleGrant, User
from govcommons.core.permissions import visibility_q
from govcommons.practices.models import LIVE_STATES, Practice
from govcommons.practices.models import ContributionState as S
from govcommons.taxonomy.models import Topic

from . import permissions
from .models import (
    OPEN_STATES,
    ConflictOfInterest,
    EventKind,
    InvitationState,
    OutdatedFlag,
    Review,
    ReviewEvent,
    ReviewInvitation,
    Submission,
    SubmissionKind,
)

# --- the editor's queue ------------------------------------------------------------------------


def editor_queue(editor, *, topic_id: int | None = None, state: str = "") -> QuerySet[Submission]:
    """Open submissions this editor handles, the longest-waiting first."""
    rows = (
        Submission.objects.filter(state__in=OPEN_STATES)
        .filter(permissions.editable_submissions_q(editor))
        .select_related("practice__item", "practice__item__author", "submitted_by")
        .prefetch_related("practice__topics")
        .annotate(
            invited_count=Count(
                "invitations",
                filter=Q(
                    invitations__state__in=[
                        InvitationState.INVITED,
                        InvitationState.ACCEPTED,
                        InvitationState.COMPLETED,
                    ]
                ),
                distinct=True,
            ),
            review_count=Count("reviews", filter=Q(reviews__round=F("round")), distinct=True),
        )
        .order_by("waiting_since", "pk")
        .distinct()
    )
    if topic_id:
        rows = rows.filter(practice__topics=topic_id)
    if state in OPEN_STATES:
        rows = rows.filter(state=state)
    return rows


def waited_days(submission: Submission) -> int:
    return (timezone.now() - submission.waiting_since).days


# --- a submission ------------------------------------------------------------------------------


def get_submission_for(viewer, submission_id: int) -> Submission:
    """The submission if this member may see it (editor, author, invited reviewer); else 404,
    so its existence does not leak."""
    submission = (
        Submission.objects.select_related(
            "practice__item", "practice__item__author", "submitted_by", "decided_by"
        )
        .prefetch_related("practice__topics", "practice__item__co_authors")
        .filter(pk=submission_id)
        .first()
    )
    if submission is None or not permissions.can_view_submission(viewer, submission):
        raise Http404
    return submission


def reviews_of(submission: Submission, *, round: int | None = None) -> list[Review]:
    rows = (
        Review.objects.filter(submission=submission)
        .select_related("reviewer", "reviewer__organization")
        .prefetch_related("points")
        .order_by("round", "submitted_at", "pk")
    )
    if round is not None:
        rows = rows.filter(round=round)
    return list(rows)


def reviewer_numbers(reviews: list[Review]) -> dict[int, int]:
    """Reviewer 1, 2... in the order their first review came in; stable across rounds."""
    numbers: dict[int, int] = {}
    for review in reviews:
        numbers.setdefault(review.reviewer_id, len(numbers) + 1)
    return numbers


def invitations_of(submission: Submission) -> list[ReviewInvitation]:
    return list(
        submission.invitations.select_related("reviewer", "reviewer__organization").order_by(
            "invited_at", "pk"
        )
    )


def timeline(submission: Submission, *, include_confidential: bool) -> list[ReviewEvent]:
    rows = ReviewEvent.objects.filter(submission=submission).select_related("actor")
    if not include_confidential:
        rows = rows.filter(confidential=False)
    return list(rows.order_by("created_at", "pk"))


def latest_submission(practice: Practice) -> Submission | None:
    return practice.submissions.order_by("-submitted_at", "-pk").first()


# --- reviewer suggestions ----------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    member: User
    topic_matches: int
    mean_quality: float | None
    completed_reviews: int
    current_load: int


def suggested_reviewers(
    submission: Submission, *, limit: int = 10, editor=None
) -> list[Suggestion]:
    """Verified members whose expertise (declared topics, or an expert reviewer grant) matches
    the contribution's topics, ranked by topic match, then past review quality, then lightest
    current load. Conflicts of interest, members already invited and the editor asking (who
    handles it, so does not review it) are never suggested."""
    practice = submission.practice
    topic_ids = list(practice.topics.values_list("pk", flat=True))
    if not topic_ids:
        return []
    # Each of the contribution's topics counts once, whether the member declared it as expertise,
    # holds an expert reviewer grant for it, or both.
    expertise_of = User.expertise.through.objects.filter(user_id=OuterRef(OuterRef("pk"))).values(
        "topic_id"
    )
    grants_of = RoleGrant.objects.filter(
        member=OuterRef(OuterRef("pk")), role=Role.EXPERT_REVIEWER, revoked_at__isnull=True
    ).values("topic_id")
    matched_topics = (
        Topic.objects.filter(pk__in=topic_ids)
        .filter(Q(pk__in=expertise_of) | Q(pk__in=grants_of))
        .order_by()
        .annotate(n=Func(F("pk"), function="COUNT"))
        .values("n")
    )
    already = ReviewInvitation.objects.filter(submission=submission).values("reviewer_id")
    rows = (
        User.objects.filter(is_active=True, verification_status="verified")
        .exclude(pk__in=permissions.conflicted_member_ids(practice))
        .exclude(pk__in=already)
        .exclude(pk=getattr(editor, "pk", None))
        .annotate(
            topic_matches=Coalesce(Subquery(matched_topics, output_field=IntegerField()), Value(0)),
            mean_quality=Subquery(
                Review.objects.filter(reviewer=OuterRef("pk"), quality__isnull=False)
                .values("reviewer")
                .annotate(q=Avg("quality"))
                .values("q")
            ),
            completed_reviews=Coalesce(
                Subquery(
                    Review.objects.filter(reviewer=OuterRef("pk"))
                    .values("reviewer")
                    .annotate(n=Count("pk"))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
            current_load=Coalesce(
                Subquery(
                    ReviewInvitation.objects.filter(
                        reviewer=OuterRef("pk"),
                        state__in=[InvitationState.INVITED, InvitationState.ACCEPTED],
                    )
                    .values("reviewer")
                    .annotate(n=Count("pk"))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
        )
        .filter(topic_matches__gt=0)
        .select_related("organization")
        .order_by(
            "-topic_matches",
            F("mean_quality").desc(nulls_last=True),
            "current_load",
            "-completed_reviews",
            "display_name",
            "pk",
        )[:limit]
    )
    return [
        Suggestion(
            member=m,
            topic_matches=m.topic_matches,
            mean_quality=m.mean_quality,
            completed_reviews=m.completed_reviews,
            current_load=m.current_load,
        )
        for m in rows
    ]


# --- reviewers ---------------------------------------------------------------------------------


OPEN_INVITATION_STATES = [InvitationState.INVITED, InvitationState.ACCEPTED]


def invitations_for(reviewer) -> QuerySet[ReviewInvitation]:
    """A reviewer's invitations: open ones first (soonest due first), then the history."""
    return (
        ReviewInvitation.objects.filter(reviewer=reviewer)
        .select_related("submission__practice__item")
        .order_by(
            Case(
                When(state__in=OPEN_INVITATION_STATES, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            Case(When(state__in=OPEN_INVITATION_STATES, then="due_on"), default=None),
            "-invited_at",
            "-pk",
        )
    )


def conflicts_of(member) -> QuerySet[ConflictOfInterest]:
    return ConflictOfInterest.objects.filter(member=member).select_related(
        "organization", "person", "practice__item"
    )


def get_invitation_for(reviewer, invitation_id: int) -> ReviewInvitation:
    invitation = (
        ReviewInvitation.objects.select_related(
            "submission__practice__item", "submission__practice__item__author", "invited_by"
        )
        .filter(pk=invitation_id, reviewer=reviewer)
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation


# --- freshness ---------------------------------------------------------------------------------


def rereview_queue(editor, *, today: date | None = None) -> QuerySet[Practice]:
    """Published contributions due for re-review, flagged as outdated, or marked outdated,
    that this editor handles; the most overdue first."""
    today = today or timezone.localdate()
    topics = permissions.editor_topic_ids(editor)
    open_flags = OutdatedFlag.objects.filter(practice=OuterRef("pk"), resolved_at__isnull=True)
    rows = (
        Practice.objects.filter(state__in=[S.PUBLISHED, S.OUTDATED])
        .filter(Q(rereview_due_on__lte=today) | Exists(open_flags) | Q(state=S.OUTDATED))
        .exclude(Q(item__author=editor) | Q(item__co_authors=editor))
        .select_related("item", "item__author")
        .annotate(
            open_flag_count=Count(
                "outdated_flags", filter=Q(outdated_flags__resolved_at__isnull=True), distinct=True
            )
        )
        .prefetch_related(
            Prefetch(
                "outdated_flags",
                queryset=OutdatedFlag.objects.filter(resolved_at__isnull=True)
                .select_related("flagged_by")
                .order_by("created_at", "pk"),
                to_attr="open_flag_list",
            )
        )
        .order_by(F("rereview_due_on").asc(nulls_last=True), "pk")
    )
    if topics is not None:
        rows = rows.filter(topics__in=topics).distinct() if topics else rows.none()
    return rows


def open_flags(practice: Practice) -> list[OutdatedFlag]:
    return list(
        practice.outdated_flags.filter(resolved_at__isnull=True)
        .select_related("flagged_by")
        .order_by("created_at")
    )


# --- the public summary ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewSummary:
    submission: Submission
    reviews: list[Review]
    mean_scores: list[tuple[str, float]]
    signed: bool


def review_summary(practice: Practice, *, signed: bool) -> ReviewSummary | None:
    """How the published version was reviewed: the last published full review (not a minor
    edit), its reviews of the final round, mean rubric scores and the editor's note."""
    submission = (
        Submission.objects.filter(practice=practice, state=S.PUBLISHED)
        .exclude(kind=SubmissionKind.MINOR)
        .select_related("decided_by")
        .order_by("-state_changed_at", "-pk")
        .first()
    )
    if submission is None:
        return None
    reviews = list(
        Review.objects.filter(submission=submission, round=submission.round)
        .select_related("reviewer", "reviewer__organization")
        .order_by("submitted_at", "pk")
    )
    from .models import Criterion

    means = []
    if reviews:
        for criterion in Criterion:
            values = [getattr(r, criterion.value) for r in reviews]
            means.append((criterion.label, round(sum(values) / len(values), 1)))
    return ReviewSummary(submission=submission, reviews=reviews, mean_scores=means, signed=signed)


def public_timeline(practice: Practice) -> list[ReviewEvent]:
    """The state changes everyone may read; never who declined or confidential notes."""
    return list(
        ReviewEvent.objects.filter(practice=practice, kind=EventKind.TRANSITION, confidential=False)
        .select_related("actor")
        .order_by("created_at", "pk")
    )


# --- statistics (for the transparency dashboard) -----------------------------------------------


@dataclass(frozen=True)
class ReviewStats:
    median_days_to_first_decision: float | None
    decided: int
    accepted: int
    acceptance_rate: float | None
    reviews_per_month: list[tuple[date, int]]
    under_review: int


DECISIONS = [S.CHANGES_REQUESTED, S.ACCEPTED, S.DECLINED]


def review_stats(*, months: int = 12, today: date | None = None) -> ReviewStats:
    """Median days from submission to the first decision, share accepted among decided new
    contributions and revisions, and reviews completed per month (oldest month first)."""
    today = today or timezone.localdate()
    first_decision = (
        ReviewEvent.objects.filter(
            submission=OuterRef("pk"), kind=EventKind.TRANSITION, to_state__in=DECISIONS
        )
        .order_by("created_at", "pk")
        .values("created_at")[:1]
    )
    full_reviews = Submission.objects.exclude(kind=SubmissionKind.MINOR)
    waits = [
        (decided_at - submitted_at).total_seconds() / 86400
        for submitted_at, decided_at in full_reviews.annotate(first=Subquery(first_decision))
        .filter(first__isnull=False)
        .values_list("submitted_at", "first")
    ]
    outcomes = full_reviews.filter(state__in=[S.ACCEPTED, S.PUBLISHED, S.DECLINED]).aggregate(
        decided=Count("pk"),
        accepted=Count("pk", filter=Q(state__in=[S.ACCEPTED, S.PUBLISHED])),
    )
    year, month_index = divmod(today.year * 12 + today.month - 1 - (months - 1), 12)
    start = date(year, month_index + 1, 1)
    counts = {
        row["month"].date() if hasattr(row["month"], "date") else row["month"]: row["n"]
        for row in Review.objects.filter(submitted_at__date__gte=start)
        .annotate(month=TruncMonth("submitted_at"))
        .values("month")
        .annotate(n=Count("pk"))
    }
    per_month = []
    month = start
    while month <= today:
        per_month.append((month, counts.get(month, 0)))
        month = (month + timedelta(days=32)).replace(day=1)
    return ReviewStats(
        median_days_to_first_decision=round(statistics.median(waits), 1) if waits else None,
        decided=outcomes["decided"],
        accepted=outcomes["accepted"],
        acceptance_rate=(
            round(outcomes["accepted"] / outcomes["decided"], 3) if outcomes["decided"] else None
        ),
        reviews_per_month=per_month,
        under_review=Submission.objects.filter(state__in=OPEN_STATES).count(),
    )


def visible_published(viewer) -> QuerySet[Practice]:
    """Published contributions this viewer may read (for flags and summaries)."""
    return Practice.objects.filter(visibility_q(viewer, "item__"), state__in=LIVE_STATES)


def prefetch_reviews():
    return Prefetch("reviews", queryset=Review.objects.select_related("reviewer"))
