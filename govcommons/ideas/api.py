"""API operations of the ideas board: list and read ideas with their history, propose and edit,
vote (one vote each, withdrawable), move an idea through its states (moderators) and link the
contribution that implements it.

A thin adapter over `selectors` (reads, visibility) and `services` (writes, the state machine),
so that the API and the pages can never disagree about who sees or may do what. An idea the
caller may not read answers 404, as if it did not exist.
"""

from uuid import uuid4

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import Throttled, ValidationError
from ninja.pagination import paginate

from govcommons.api.auth import caller, token_or_session
from govcommons.api.pagination import Pages
from govcommons.api.schemas import READ_PROBLEMS, WRITE_PROBLEMS
from govcommons.core import ratelimit
from govcommons.core.errors import DomainError
from govcommons.core.markdown import render_markdown
from govcommons.core.models import ItemKind, ItemStatus
from govcommons.core.permissions import can_view_item, visible_items
from govcommons.taxonomy.models import Topic

from . import permissions, selectors, services
from .models import Idea
from .schemas import (
    IdeaDetailOut,
    IdeaIn,
    IdeaOut,
    IdeaQuery,
    IdeaUpdateIn,
    IdeaVoteOut,
    ImplementedByIn,
    MoveIn,
    Slug,
)

router = Router(tags=["ideas"])

READ = READ_PROBLEMS
WRITE = WRITE_PROBLEMS
IDEAS_PER_PAGE = 20
TEXTS = ("problem", "proposal", "benefit", "who_might_try")


# --- Helpers -----------------------------------------------------------------------------------


def _posting_allowed(request, action: str) -> None:
    """The pages' posting limits apply to the API too (429 problem)."""
    if not ratelimit.consume(request, action):
        raise Throttled(wait=None)


def _invalid(location: list, message: str) -> ValidationError:
    return ValidationError([{"type": "value_error", "loc": location, "msg": message}])


def _topics(slugs: list[str], location: list) -> list[Topic]:
    """The topics named by their slugs; an unknown slug is refused (422) with all of them."""
    wanted = list(dict.fromkeys(s.strip() for s in slugs if s.strip()))
    topics = list(Topic.objects.filter(slug__in=wanted))
    unknown = [s for s in wanted if s not in {t.slug for t in topics}]
    if unknown:
        raise _invalid(
            location, _("No topic has the slug %(slugs)s.") % {"slugs": ", ".join(unknown)}
        )
    return topics


def _member(user) -> dict | None:
    return {"handle": user.handle, "display_name": user.display_name} if user else None


def _item_ref(request, item) -> dict:
    return {
        "slug": item.slug,
        "title": item.title,
        "url": request.build_absolute_uri(item.get_absolute_url()),
    }


def _idea_row(request, idea: Idea, *, my_vote: bool | None) -> dict:
    item = idea.item
    return {
        "id": item.pk,
        "slug": item.slug,
        "revision": item.revision_number,
        "title": item.title,
        "summary": item.summary,
        "author": _member(item.author),
        "topics": [{"slug": t.slug, "name": t.name} for t in idea.topics.all()],
        "language": item.language,
        "visibility": item.visibility,
        "state": idea.state,
        "state_reason": idea.state_reason,
        "state_changed_at": idea.state_changed_at,
        "vote_count": idea.vote_count,
        "hot_score": idea.hot_score,
        "comment_count": item.comment_count,
        "my_vote": my_vote,
        "published_at": item.published_at,
        "url": request.build_absolute_uri(item.get_absolute_url()),
    }


def _html(text: str) -> str:
    # Below the page's own headings, with anchors that cannot clash with its ids.
    return render_markdown(text, heading_offset=2, anchor_prefix=f"i{uuid4().hex[:8]}-")


def _idea(request, viewer, idea: Idea) -> dict:
    """The idea as its page shows it to this viewer (who may read it)."""
    signed_in = viewer.is_authenticated
    implemented = idea.implemented_by
    moderator = permissions.can_move_idea(viewer)
    return {
        **_idea_row(
            request, idea, my_vote=selectors.has_voted(idea, viewer) if signed_in else None
        ),
        **{name: getattr(idea, name) for name in TEXTS},
        **{f"{name}_html": _html(getattr(idea, name)) for name in TEXTS},
        "events": [
            {
                "from_state": event.from_state,
                "to_state": event.to_state,
                "reason": event.reason,
                "actor": _member(event.actor),
                "created_at": event.created_at,
            }
            for event in selectors.idea_events(idea)
        ],
        "implemented_by": (
            _item_ref(request, implemented)
            if implemented is not None and can_view_item(viewer, implemented)
            else None
        ),
        # Pilot projects come in a later issue; the place is kept so clients need not change.
        "pilot": None,
        "allowed_moves": services.allowed_moves(idea) if moderator else None,
        "vote_refusal": permissions.vote_refusal(viewer, idea),
        "can_edit": permissions.can_edit_idea(viewer, idea),
        "can_link_outcome": permissions.can_link_outcome(viewer, idea),
    }


def _idea_answer(request, slug: str) -> dict:
    """After a write: the idea read again, as the caller now sees it."""
    member = request.auth
    return _idea(request, member, selectors.get_idea_for(member, slug))


class _Board:
    """Ideas that pagination counts and slices; each page is then shaped with the caller's
    votes, so a page costs the same few queries whatever its rows."""

    def __init__(self, request, ideas, viewer):
        self.request, self.ideas, self.viewer = request, ideas, viewer

    def __len__(self) -> int:
        return self.ideas.count()

    def __getitem__(self, index: slice) -> list[dict]:
        rows = list(self.ideas[index])
        signed_in = self.viewer.is_authenticated
        voted = selectors.voted_ids(rows, self.viewer) if signed_in and rows else set()
        return [
            _idea_row(self.request, idea, my_vote=idea.pk in voted if signed_in else None)
            for idea in rows
        ]


# --- Reading -----------------------------------------------------------------------------------


@router.get(
    "",
    response={200: list[IdeaOut], **READ},
    summary="List ideas",
    auth=None,
)
@paginate(Pages, page_size=IDEAS_PER_PAGE)
def list_ideas(request, filters: Query[IdeaQuery]):
    """Published ideas the caller may read, as on the /ideas/ board: `hot` (votes and newness
    together, see `hot_score`), `top` (most votes) or `newest`; by state and by topic. An
    unknown sort, state or topic is a 422 problem. Permission: public; members also see
    members-only ideas, verified public servants verified-only ones."""
    viewer = caller(request)
    topic = None
    if filters.topic:
        topic = Topic.objects.filter(slug=filters.topic).first()
        if topic is None:
            raise _invalid(["query", "topic"], _("No topic has this slug."))
    ideas = selectors.idea_list(
        viewer, sort=filters.sort, state=filters.state, topic=topic
    ).prefetch_related("topics")
    return _Board(request, ideas, viewer)


@router.get(
    "/{slug}",
    response={200: IdeaDetailOut, **READ},
    summary="One idea with its history",
    auth=None,
)
def get_idea(request, slug: Slug):
    """The idea with its state and the reason given, its votes and ranking, every state change
    (who, when, why), the contribution that implements it (when the caller may read it), and,
    with a token or a session, whether the caller voted, may vote and, for moderators, where
    it may move next. Permission: anyone who may read it; 404 for the rest (a removed idea, for
    everyone but its author and moderators)."""
    viewer = caller(request)
    return _idea(request, viewer, selectors.get_idea_for(viewer, slug))


# --- Writing -----------------------------------------------------------------------------------


@router.post(
    "",
    response={201: IdeaDetailOut, **WRITE},
    summary="Propose an idea",
    auth=token_or_session,
)
def propose_idea(request, payload: IdeaIn):
    """Propose an idea: the problem, the proposal, the expected benefit and who might try it.
    It is on the board at once, open for votes. 400 (naming the field) for a title that is not
    one clear sentence, a missing problem or proposal, a text over 10,000 characters or a
    mention of a handle nobody has; 422 for an unknown topic. Permission: any signed-in
    member."""
    _posting_allowed(request, "idea")
    member = request.auth
    topics = _topics(payload.topics, ["body", "payload", "topics"])
    idea = services.propose_idea(
        author=member,
        title=payload.title,
        problem=payload.problem,
        proposal=payload.proposal,
        benefit=payload.benefit,
        who_might_try=payload.who_might_try,
        topics=topics,
        language=payload.language,
    )
    return Status(201, _idea_answer(request, idea.item.slug))


@router.patch(
    "/{slug}",
    response={200: IdeaDetailOut, **WRITE},
    summary="Edit an idea",
    auth=token_or_session,
)
def edit_idea(request, slug: Slug, payload: IdeaUpdateIn):
    """Change the idea's texts or topics; what you leave out stays as it is (topics you send
    replace the list). Permission: its author and moderators."""
    _posting_allowed(request, "idea")
    member = request.auth
    idea = selectors.get_idea_for(member, slug)
    if not permissions.can_edit_idea(member, idea):
        if idea.item.status == ItemStatus.REMOVED and (
            idea.item.author_id == member.pk or permissions.can_move_idea(member)
        ):
            raise DomainError(_("This idea was removed: it can no longer be edited."))
        raise PermissionDenied(_("Only its author or a moderator can edit an idea."))
    topics = (
        list(idea.topics.all())
        if payload.topics is None
        else _topics(payload.topics, ["body", "payload", "topics"])
    )
    sent = {
        name: getattr(payload, name)
        for name in ("title", *TEXTS)
        if getattr(payload, name) is not None
    }
    current = {"title": idea.item.title, **{name: getattr(idea, name) for name in TEXTS}}
    services.edit_idea(
        idea_id=idea.pk,
        editor=member,
        topics=topics,
        base_revision=payload.revision,
        **{**current, **sent},
    )
    return _idea_answer(request, slug)


def _vote(request, slug: str, *, withdraw: bool) -> dict:
    _posting_allowed(request, "vote")
    member = request.auth
    idea = selectors.get_idea_for(member, slug)
    if withdraw:
        idea = services.withdraw_idea_vote(idea_id=idea.pk, member=member)
    else:
        idea = services.vote_for_idea(idea_id=idea.pk, member=member)
    return {"vote_count": idea.vote_count, "hot_score": idea.hot_score, "my_vote": not withdraw}


@router.put(
    "/{slug}/vote",
    response={200: IdeaVoteOut, **WRITE},
    summary="Vote for an idea",
    auth=token_or_session,
)
def vote_for_idea(request, slug: Slug):
    """Vote for an idea; one vote each, so voting again changes nothing. 400 on your own idea,
    an idea that is not published, or once it is decided (selected, piloted, adopted or
    declined). Permission: any signed-in member who may read it."""
    return _vote(request, slug, withdraw=False)


@router.delete(
    "/{slug}/vote",
    response={200: IdeaVoteOut, **WRITE},
    summary="Withdraw your vote",
    auth=token_or_session,
)
def withdraw_vote(request, slug: Slug):
    """Take your vote back while the idea is still being weighed; doing it when you had not
    voted changes nothing. Refused (400) as voting is. Permission: any signed-in member who may
    read it."""
    return _vote(request, slug, withdraw=True)


@router.post(
    "/{slug}/state",
    response={200: IdeaDetailOut, **WRITE},
    summary="Move an idea to another state",
    auth=token_or_session,
)
def move_idea(request, slug: Slug, payload: MoveIn):
    """Change the idea's state along the allowed path (see `allowed_moves`): open -> under
    consideration -> selected for a pilot -> piloted -> adopted; declined from any but adopted,
    with a reason (shown on the page); a declined idea can be reopened. Every change is logged
    and its author notified. 400 naming `to` for a move the path does not allow, naming
    `reason` for a decline without one. Permission: moderators."""
    member = request.auth
    idea = selectors.get_idea_for(member, slug)
    if not permissions.can_move_idea(member):
        raise PermissionDenied(_("Only moderators can change an idea's state."))
    services.move_idea(idea_id=idea.pk, to=payload.to, by=member, reason=payload.reason)
    return _idea_answer(request, slug)


@router.put(
    "/{slug}/implemented-by",
    response={200: IdeaDetailOut, **WRITE},
    summary="Link the contribution that implements an idea",
    auth=token_or_session,
)
def link_outcome(request, slug: Slug, payload: ImplementedByIn):
    """Say which published contribution implements the idea (its page then shows idea ->
    contribution -> adoptions); `practice_slug: null` removes the link. 400 naming
    `practice_slug` for a slug that is not a published contribution you can read.
    Permission: the idea's author and moderators."""
    member = request.auth
    idea = selectors.get_idea_for(member, slug)
    if not permissions.can_link_outcome(member, idea):
        raise PermissionDenied(
            _("Only the idea's author or a moderator can say what implements it.")
        )
    practice_item_id = None
    if payload.practice_slug is not None:
        practice_item_id = (
            visible_items(member)
            .filter(
                kind=ItemKind.PRACTICE,
                status=ItemStatus.PUBLISHED,
                slug=payload.practice_slug.strip(),
            )
            .values_list("pk", flat=True)
            .first()
        )
        if practice_item_id is None:
            raise DomainError(
                _("No published contribution you can read has the slug “%(slug)s”.")
                % {"slug": payload.practice_slug},
                field="practice_slug",
            )
    try:
        services.link_outcome(idea_id=idea.pk, by=member, practice_item_id=practice_item_id)
    except DomainError as exc:
        exc.field = "practice_slug"
        raise
    return _idea_answer(request, slug)
