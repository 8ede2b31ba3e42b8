"""Input and output shapes of the ideas board API. Validation only; the rules (the state machine,
who may vote, empty or over-long text) are in services and permissions."""

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from ninja.params.functions import Path

from govcommons.api.schemas import InputSchema
from govcommons.core.models import Language, Visibility

from .models import IdeaState

# An item's address as the pages have it (slugify: ASCII letters, digits, "-" and "_"); anything
# else, a NUL character included, is refused (422) before it reaches the database.
Slug = Annotated[str, Path(pattern=r"^[-a-zA-Z0-9_]+$", max_length=220)]

# --- Output ------------------------------------------------------------------------------------


class MemberRef(Schema):
    handle: str
    display_name: str


class TopicRef(Schema):
    slug: str
    name: str


class ItemRef(Schema):
    slug: str
    title: str
    url: str = Field(description="Its page.")


class IdeaOut(Schema):
    """An idea on the board."""

    id: int = Field(description="The item's id: its discussion is at /api/v1/items/{id}/comments.")
    revision: int = Field(description="Bumped by every edit; send it back to edit safely.")
    slug: str
    title: str
    summary: str = Field(description="The start of the problem, as plain text.")
    author: MemberRef
    topics: list[TopicRef]
    language: Language
    visibility: Visibility
    state: IdeaState
    state_reason: str = Field(description="Why it was declined, or what the moderators decided.")
    state_changed_at: datetime | None
    vote_count: int
    hot_score: float = Field(
        description="The `hot` ranking: log10(votes) + hours since 2025-01-01 / 12.5. It never "
        "changes with the clock, so a newer idea needs fewer votes to rank as high: 12.5 hours "
        "of newness are worth ten times the votes."
    )
    comment_count: int
    my_vote: bool | None = Field(
        description="Whether the caller voted for it; null for anonymous callers."
    )
    published_at: datetime | None
    url: str = Field(description="The idea's page.")


class IdeaEventOut(Schema):
    from_state: IdeaState | Literal[""] = Field(description="Empty for the first event.")
    to_state: IdeaState
    reason: str
    actor: MemberRef | None = Field(description="Null when that member's account is gone.")
    created_at: datetime


class IdeaDetailOut(IdeaOut):
    """An idea with everything its page shows."""

    problem: str = Field(description="Markdown.")
    problem_html: str = Field(description="The Markdown rendered and sanitised.")
    proposal: str
    proposal_html: str
    benefit: str
    benefit_html: str
    who_might_try: str
    who_might_try_html: str
    events: list[IdeaEventOut] = Field(description="Every state change, oldest first.")
    implemented_by: ItemRef | None = Field(
        description="The contribution that implements it, when the caller may read it."
    )
    pilot: ItemRef | None = Field(
        None, description="The pilot project it led to. Pilots come later: null for now."
    )
    allowed_moves: list[IdeaState] | None = Field(
        description="The states a moderator may move it to now; null for everyone else."
    )
    vote_refusal: str = Field(
        description="Why the caller may not vote now (empty when they may): shown instead of "
        "the button."
    )
    can_edit: bool
    can_link_outcome: bool = Field(description="Whether the caller may set `implemented_by`.")


class IdeaVoteOut(Schema):
    vote_count: int
    hot_score: float
    my_vote: bool = Field(description="Whether you vote for it now.")


# --- Input -------------------------------------------------------------------------------------

TEXT_DESCRIPTION = "Markdown, up to 10,000 characters. @handle mentions a member."


class IdeaQuery(InputSchema):
    sort: Literal["hot", "top", "newest"] = Field(
        "hot", description="`hot`: votes and newness together (see hot_score); `top`: votes."
    )
    state: IdeaState | None = None
    topic: str = Field("", max_length=140, description="A topic slug; unknown slugs are 422.")


class IdeaIn(InputSchema):
    title: str = Field(description="One clear sentence, 10 to 200 characters.")
    problem: str = Field(description="The problem it solves. " + TEXT_DESCRIPTION)
    proposal: str = Field(description="What you propose. " + TEXT_DESCRIPTION)
    benefit: str = Field("", description="Expected benefit (optional). " + TEXT_DESCRIPTION)
    who_might_try: str = Field("", description="Who might try it (optional). " + TEXT_DESCRIPTION)
    topics: list[str] = Field([], max_length=30, description="Topic slugs (see /api/v1/topics).")
    language: Language = Language.EN


class IdeaUpdateIn(InputSchema):
    """What you send replaces what is there; what you leave out stays as it is."""

    title: str | None = None
    problem: str | None = None
    proposal: str | None = None
    benefit: str | None = None
    who_might_try: str | None = None
    topics: list[str] | None = Field(None, max_length=30, description="Topic slugs.")
    revision: int | None = Field(
        None,
        description=(
            "The `revision` you read; if someone changed it since, the edit is refused with "
            "409. Leave it out to edit without the check."
        ),
    )


class MoveIn(InputSchema):
    to: IdeaState
    reason: str = Field(
        "", description="Shown with the state; required to decline. Up to 2,000 characters."
    )


class ImplementedByIn(InputSchema):
    practice_slug: str | None = Field(
        max_length=200,
        description="A published contribution's slug; null removes the link.",
    )
