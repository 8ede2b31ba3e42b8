"""Input and output shapes of the discussions API. Validation only; the rules are in services."""

from datetime import datetime

from ninja import Field, Schema

from govcommons.api.schemas import InputSchema

# --- Output ------------------------------------------------------------------------------------


class MemberRef(Schema):
    handle: str
    display_name: str


class CommentOut(Schema):
    """A comment. A removed one keeps its place while it has replies, as
    `{id, parent_id, removed: true, url, replies}`: its author and text are left out (not null)."""

    id: int
    parent_id: int | None = Field(description="The top-level comment a reply belongs to.")
    removed: bool
    author: MemberRef | None = Field(None, description="Left out when removed.")
    body: str | None = Field(None, description="Markdown, as written. Left out when removed.")
    body_html: str | None = Field(
        None, description="The Markdown rendered and sanitised. Left out when removed."
    )
    created_at: datetime | None = Field(None, description="Left out when removed.")
    edited_at: datetime | None = Field(None, description="Null until its author edits it.")
    version: int | None = Field(
        None, description="Send it back as `version` when you edit it. Left out when removed."
    )
    useful_count: int | None = Field(None, description="Left out when removed.")
    is_answer: bool | None = Field(
        None, description="Marked by the item's authors as the answer. Left out when removed."
    )
    found_useful: bool | None = Field(
        None, description="Whether the caller marked it useful. Left out when removed."
    )
    url: str = Field(description="Its permalink in the item's discussion.")
    replies: list["CommentOut"] | None = Field(
        None,
        description="Top-level comments in a discussion only: their replies, oldest first.",
    )


class DiscussionOptionsOut(Schema):
    item_id: int
    locked: bool = Field(
        description="No new comments, except from the item's authors and moderators."
    )
    slow_mode_minutes: int = Field(description="One comment per member every N minutes; 0: off.")


class CommentEditOut(Schema):
    """The text a comment had before an edit or its removal."""

    body: str
    edited_by: MemberRef | None = Field(description="Null when that member's account is gone.")
    edited_at: datetime


# --- Input -------------------------------------------------------------------------------------

BODY_DESCRIPTION = (
    "Markdown, up to 20,000 characters. @handle mentions a member (who is notified); a handle "
    "nobody has is refused."
)


class CommentIn(InputSchema):
    body: str = Field(description=BODY_DESCRIPTION)
    parent_id: int | None = Field(
        None, description="Reply to this comment; a reply to a reply joins the same thread."
    )


class CommentEditIn(InputSchema):
    body: str = Field(description=BODY_DESCRIPTION)
    version: int = Field(
        ge=1, description="The version you edited; if it changed since, nothing is saved (409)."
    )


class DiscussionOptionsIn(InputSchema):
    locked: bool = Field(description="Lock the discussion: no new comments, no edits.")
    slow_mode_minutes: int = Field(
        description="One comment per member every N minutes (0 to 1440; 0 turns it off)."
    )
