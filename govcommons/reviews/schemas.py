"""Input and output shapes of the peer review API. Validation only; the rules are in services."""

from datetime import date, datetime
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import field_validator

from govcommons.api.schemas import InputSchema
from govcommons.practices.models import ContributionKind, ContributionState, EvidenceLevel

from .models import (
    OPEN_STATES,
    Criterion,
    EventKind,
    InvitationState,
    PointKind,
    Recommendation,
    SubmissionKind,
)

OpenState = Literal[tuple(str(s) for s in OPEN_STATES)]  # type: ignore[valid-type]

# --- Output ------------------------------------------------------------------------------------


class MemberRef(Schema):
    handle: str
    display_name: str


class PracticeRef(Schema):
    slug: str
    title: str
    url: str = Field(description="The contribution's page.")


class Scores(Schema):
    """The rubric: each criterion scored from 1 (poor) to 5 (excellent)."""

    accuracy: int = Field(ge=1, le=5)
    evidence: int = Field(ge=1, le=5, description="Evidence behind the outcomes.")
    transferability: int = Field(ge=1, le=5, description="Transferability to other contexts.")
    clarity: int = Field(ge=1, le=5)
    completeness: int = Field(ge=1, le=5)


class QueueItemOut(Schema):
    id: int
    practice: PracticeRef
    kind: SubmissionKind
    state: ContributionState
    round: int
    submitted_at: datetime
    waiting_since: datetime = Field(
        description="When it last came to the editors' desk (submitted or resubmitted)."
    )
    waited_days: int
    invited_count: int = Field(description="Reviewers invited, accepted or done.")
    review_count: int = Field(description="Reviews of the current round.")
    url: str = Field(description="The submission's page.")


class InvitationOut(Schema):
    id: int
    reviewer: MemberRef
    state: InvitationState
    invited_at: datetime
    due_on: date
    responded_at: datetime | None
    overdue: bool
    decline_reason: str = Field(description="Editors and the reviewer only.")
    reminder_count: int


class MyInvitationOut(InvitationOut):
    submission_id: int
    submission_state: ContributionState
    round: int
    practice: PracticeRef
    url: str = Field(description="The invitation's page, to accept, decline or review.")


class PointOut(Schema):
    id: int = Field(description="Send it back as point_id to answer the point.")
    kind: PointKind
    target: str = Field(description="A rubric criterion, or a contribution field name.")
    target_label: str
    text: str
    response: str = Field(description="The authors' answer.")
    responded_at: datetime | None


class ReviewOut(Schema):
    id: int
    reviewer_number: int = Field(
        description="Reviewer 1, 2... in the order their first review came; stable across rounds."
    )
    reviewer: MemberRef | None = Field(
        description="Null for the authors when reviews are not signed."
    )
    round: int
    revision_number: int = Field(description="The version this review read.")
    scores: Scores
    mean_score: float
    recommendation: Recommendation
    to_authors: str
    submitted_at: datetime
    points: list[PointOut]
    # Present only in answers to editors (left out, not null, for everyone else).
    to_editor: str | None = Field(
        None, description="Confidential comments to the editor. Present for editors only."
    )
    quality: int | None = Field(
        None, description="The editor's rating of the review (1-5). Present for editors only."
    )


class EventOut(Schema):
    kind: EventKind
    actor: MemberRef | None
    from_state: ContributionState | Literal[""]
    to_state: ContributionState | Literal[""]
    reason: str
    confidential: bool
    created_at: datetime


class SubmissionOut(Schema):
    """A submission as the caller's role may see it: editors see everything (invitations,
    confidential comments, the whole history); authors see each round's reviews once the
    editor has decided on it, without confidential comments, and reviewers' names only when
    reviews are signed, never the invitations; an invited reviewer sees their own invitation and
    reviews only."""

    id: int
    viewer_role: Literal["editor", "author", "reviewer"]
    practice: PracticeRef
    kind: SubmissionKind
    state: ContributionState
    round: int
    revision_number: int = Field(description="The frozen version the reviewers read.")
    live_revision: int = Field(description="The published version a revision changes; 0 if new.")
    submitted_by: MemberRef | None
    submitted_at: datetime
    waiting_since: datetime
    state_changed_at: datetime
    decided_at: datetime | None
    decided_by: MemberRef | None
    evidence_level: EvidenceLevel | None
    editor_note: str
    note_from_author: str
    reviews: list[ReviewOut]
    invitations: list[InvitationOut]
    timeline: list[EventOut]
    url: str = Field(description="The submission's page.")


class SuggestionOut(Schema):
    reviewer: MemberRef
    organization: str | None
    topic_matches: int = Field(description="The contribution's topics in their expertise.")
    mean_quality: float | None = Field(description="Editors' mean rating of their reviews.")
    completed_reviews: int
    current_load: int = Field(description="Reviews they have open now.")


class FlagOut(Schema):
    id: int
    practice: PracticeRef
    reason: str
    created_at: datetime


class RereviewItemOut(Schema):
    practice: PracticeRef
    contribution_kind: ContributionKind
    state: ContributionState
    evidence_level: EvidenceLevel | None
    last_reviewed_at: datetime | None
    rereview_due_on: date | None
    due: bool = Field(description="The re-review date has come.")
    open_flag_count: int = Field(description="Open “may be outdated” flags.")
    url: str = Field(description="The freshness page, to confirm, mark outdated or archive.")


class MonthCount(Schema):
    month: date
    reviews: int


class StatsOut(Schema):
    median_days_to_first_decision: float | None
    decided: int = Field(description="New contributions and revisions accepted or declined.")
    accepted: int
    acceptance_rate: float | None
    under_review: int
    reviews_per_month: list[MonthCount] = Field(description="Oldest month first.")


class CriterionMean(Schema):
    criterion: Criterion
    label: str
    mean: float


class SummaryReviewOut(Schema):
    reviewer: MemberRef | None = Field(description="Null when reviews are not signed.")
    scores: Scores
    submitted_at: datetime


class ReviewSummaryOut(Schema):
    """How the published version was reviewed; what its public page shows."""

    practice: PracticeRef
    state: ContributionState
    peer_reviewed: bool
    evidence_level: EvidenceLevel | None
    evidence_label: str
    last_reviewed_at: datetime | None
    rereview_due_on: date | None
    published_at: datetime | None = Field(description="When the review ended in publication.")
    editor_note: str
    signed: bool = Field(description="Whether reviewers' names are shown.")
    mean_scores: list[CriterionMean]
    reviews: list[SummaryReviewOut]
    open_flag_count: int = Field(description="Members' open “may be outdated” flags.")


# --- Input -------------------------------------------------------------------------------------


class QueueQuery(InputSchema):
    topic: str = Field("", max_length=100, description="A topic slug.")
    state: OpenState | None = None


class StatsQuery(InputSchema):
    months: int = Field(12, ge=1, le=60)


class InviteIn(InputSchema):
    reviewer: str = Field(min_length=1, max_length=60, description="The member's handle.")
    due_on: date | None = Field(None, description="Left out: in REVIEW_DUE_DAYS days.")


class ReasonIn(InputSchema):
    reason: str = Field("", max_length=500)


class DeclineIn(InputSchema):
    reason: str = Field("", max_length=500, description="Seen by the editors only.")
    conflict: bool = Field(
        False, description="A conflict of interest: you will not be asked about it again."
    )


class ReviewIn(InputSchema):
    scores: Scores
    recommendation: Recommendation
    to_authors: str = Field("", max_length=10_000, description="Comments to the authors.")
    to_editor: str = Field(
        "", max_length=5000, description="Confidential comments: only editors read them."
    )
    criterion_comments: dict[Criterion, str] = Field(
        {}, description="A comment on each rubric criterion, by criterion."
    )
    inline_comments: dict[str, str] = Field(
        {}, description="Comments on fields of the contribution, by field name (approach...)."
    )

    @field_validator("criterion_comments", "inline_comments")
    @classmethod
    def short_enough(cls, value: dict) -> dict:
        if any(len(text) > 5000 for text in value.values()):
            raise ValueError(_("Keep each comment under 5000 characters."))
        return value

    @field_validator("inline_comments")
    @classmethod
    def known_fields(cls, value: dict[str, str]) -> dict[str, str]:
        from govcommons.practices.services import SNAPSHOT_LABELS

        unknown = sorted(name for name in value if name not in SNAPSHOT_LABELS)
        if unknown:
            raise ValueError(
                _("Not fields of a contribution: %(names)s.") % {"names": ", ".join(unknown)}
            )
        return value


class DecisionIn(InputSchema):
    decision: Literal["request_changes", "accept", "decline"]
    note: str = Field(
        "",
        max_length=4000,
        description="To the authors; required to request changes. A decline note stays "
        "confidential in the history.",
    )
    expected_state: ContributionState | None = Field(
        None, description="The state you saw: if another editor decided meanwhile, 409."
    )


class PublishIn(InputSchema):
    evidence_level: EvidenceLevel | None = Field(
        None, description="Required, except for a minor edit (which keeps the level it has)."
    )
    note: str = Field("", max_length=4000, description="The editor's public note.")


class WithdrawIn(InputSchema):
    reason: str = Field("", max_length=4000)


class ResubmitIn(InputSchema):
    note: str = Field("", max_length=4000, description="What changed, for the reviewers.")


class AnswerIn(InputSchema):
    point_id: int
    response: str = Field(min_length=1, max_length=5000)


class AnswersIn(InputSchema):
    answers: list[AnswerIn] = Field(min_length=1, max_length=200)


class FlagIn(InputSchema):
    reason: str = Field(min_length=1, max_length=2000, description="What has changed.")
