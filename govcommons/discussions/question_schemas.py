"""Input and output shapes of the questions-and-answers API. Validation only; the rules (empty
or over-long text, unknown @mentions, who may vote) are in services and permissions."""

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from ninja.params.functions import Path

from govcommons.api.schemas import InputSchema
from govcommons.core.models import Language, Visibility

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


class QuestionOut(Schema):
    """A question in a list."""

    id: int = Field(description="The item's id: its discussion is at /api/v1/items/{id}/comments.")
    revision: int = Field(description="Bumped by every edit; send it back to edit safely.")
    slug: str
    title: str
    summary: str = Field(description="The start of its context, as plain text.")
    author: MemberRef
    topics: list[TopicRef]
    language: Language
    visibility: Visibility
    answer_count: int
    score: int = Field(description="Votes up minus votes down.")
    answered: bool = Field(description="The asker accepted an answer.")
    comment_count: int
    published_at: datetime | None
    url: str = Field(description="The question's page.")


class AnswerOut(Schema):
    id: int
    author: MemberRef
    body: str = Field(description="Markdown, as written.")
    body_html: str = Field(description="The Markdown rendered and sanitised.")
    score: int = Field(description="Votes up minus votes down.")
    accepted: bool = Field(description="The asker accepted it: it solved the question.")
    created_at: datetime
    edited_at: datetime | None = Field(description="Null until its author edits it.")
    version: int = Field(description="Send it back as `version` when you edit it.")
    my_vote: int | None = Field(
        description="The caller's vote: 1, -1, or 0 for none; null for anonymous callers."
    )
    can_edit: bool
    can_remove: bool
    url: str = Field(description="The answer on the question's page.")


class QuestionDetailOut(QuestionOut):
    """A question with everything its page shows: the answers (accepted first, then by score),
    the caller's votes and what the caller may do."""

    body: str = Field(description="Context and details, in Markdown.")
    body_html: str
    accepted_answer_id: int | None
    discussion_locked: bool = Field(description="No new answers, except from the asker.")
    documented_in: ItemRef | None = Field(
        description="The draft contribution made from it, when the caller may read it."
    )
    my_vote: int | None = Field(
        description="The caller's vote on the question: 1, -1, or 0; null for anonymous callers."
    )
    can_edit: bool
    can_answer: bool
    can_accept: bool
    can_document: bool
    answers: list[AnswerOut]


class VoteOut(Schema):
    score: int
    my_vote: int = Field(description="Your vote now: 1, -1, or 0 for none.")


class DocumentedOut(Schema):
    slug: str = Field(description="The new draft contribution's slug (/api/v1/practices/{slug}).")
    title: str
    url: str = Field(description="The draft's page, readable by you (and moderators) only.")
    edit_url: str = Field(description="Where to complete it before submitting it for review.")


# --- Input -------------------------------------------------------------------------------------

BODY_DESCRIPTION = (
    "Markdown, up to 20,000 characters. @handle mentions a member (who is notified); a handle "
    "nobody has is refused."
)
TITLE_DESCRIPTION = "One clear sentence, 10 to 200 characters."


class QuestionQuery(InputSchema):
    sort: Literal["newest", "unanswered", "votes"] = Field(
        "newest", description="`unanswered`: no answer yet; `votes`: the most voted first."
    )
    topic: str = Field("", max_length=140, description="A topic slug; unknown slugs are 422.")
    cites: str = Field(
        "",
        max_length=200,
        description="A contribution's slug: the questions whose answers link to it.",
    )


class QuestionIn(InputSchema):
    title: str = Field(description=TITLE_DESCRIPTION)
    body: str = Field("", description="Context and details (optional). " + BODY_DESCRIPTION)
    topics: list[str] = Field([], max_length=30, description="Topic slugs (see /api/v1/topics).")
    language: Language = Language.EN


class QuestionUpdateIn(InputSchema):
    """What you send replaces what is there; what you leave out stays as it is."""

    title: str | None = Field(None, description=TITLE_DESCRIPTION)
    body: str | None = Field(None, description=BODY_DESCRIPTION)
    topics: list[str] | None = Field(None, max_length=30, description="Topic slugs.")
    revision: int | None = Field(
        None,
        description=(
            "The `revision` you read; if someone changed it since, the edit is refused with "
            "409. Leave it out to edit without the check."
        ),
    )


class VoteIn(InputSchema):
    value: Literal[-1, 0, 1] = Field(description="1 up, -1 down, 0 takes your vote back.")


class NewAnswerIn(InputSchema):
    body: str = Field(description=BODY_DESCRIPTION)


class AnswerEditIn(InputSchema):
    body: str = Field(description=BODY_DESCRIPTION)
    version: int = Field(
        ge=1, description="The version you edited; if it changed since, nothing is saved (409)."
    )


class AcceptIn(InputSchema):
    answer_id: int | None = Field(
        description="One of the question's answers; null takes the mark back."
    )
