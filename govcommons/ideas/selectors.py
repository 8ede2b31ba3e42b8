"""Reads for the ideas board: ranked lists, counts by state, and one idea with its history and
what came of it (idea -> contribution -> adoptions)."""

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from govcommons.core.models import ItemStatus
from govcommons.core.permissions import can_view_item, visibility_q

from .models import Idea, IdeaEvent, IdeaState, IdeaVote


class IdeaSort:
    HOT = "hot"
    TOP = "top"
    NEWEST = "newest"
    CHOICES = (HOT, TOP, NEWEST)


def visible_ideas(user) -> QuerySet[Idea]:
    return Idea.objects.filter(visibility_q(user, "item__")).filter(
        item__status=ItemStatus.PUBLISHED
    )


def idea_list(
    user, *, sort: str = IdeaSort.HOT, state: str | None = None, topic=None
) -> QuerySet[Idea]:
    ideas = visible_ideas(user).select_related("item", "item__author", "item__organization")
    if state in IdeaState.values:
        ideas = ideas.filter(state=state)
    if topic is not None:
        ideas = ideas.filter(topics=topic)
    if sort == IdeaSort.TOP:
        return ideas.order_by("-vote_count", "-hot_score", "-pk")
    if sort == IdeaSort.NEWEST:
        return ideas.order_by("-item__published_at", "-pk")
    return ideas.order_by("-hot_score", "-pk")


def state_counts(user, *, topic=None) -> dict[str, int]:
    """How many visible ideas are in each state (one query), for the "by state" links; within
    the topic when the board is filtered by one."""
    ideas = visible_ideas(user)
    if topic is not None:
        ideas = ideas.filter(topics=topic)
    rows = ideas.values("state").annotate(n=Count("pk")).order_by()
    counts = dict.fromkeys(IdeaState.values, 0)
    counts.update({row["state"]: row["n"] for row in rows})
    return counts


def get_idea_for(user, slug: str) -> Idea:
    return get_object_or_404(
        Idea.objects.filter(visibility_q(user, "item__")).select_related(
            "item", "item__author", "item__author__organization", "implemented_by", "pilot"
        ),
        item__slug=slug,
    )


@dataclass
class IdeaChain:
    """What came of an idea, as the page shows it: idea -> contribution -> adoptions."""

    practice: object | None = None
    adoptions: list = field(default_factory=list)
    adoption_count: int = 0


ADOPTIONS_SHOWN = 10


def idea_chain(idea: Idea, user) -> IdeaChain:
    """The contribution that implements the idea (if the viewer may read it) and the
    organisations that adopted it: two queries."""
    item = idea.implemented_by
    if item is None or not can_view_item(user, item):
        return IdeaChain()
    from govcommons.practices.models import Adoption, Practice

    practice = Practice.objects.select_related("item").filter(pk=item.pk).first()
    adoptions = list(
        Adoption.objects.filter(practice_id=item.pk)
        .select_related("organization")
        .order_by("-adopted_on", "-pk")[:ADOPTIONS_SHOWN]
    )
    return IdeaChain(practice=practice, adoptions=adoptions, adoption_count=item.adoption_count)


def idea_events(idea: Idea) -> QuerySet[IdeaEvent]:
    return idea.events.select_related("actor")


def has_voted(idea: Idea, user) -> bool:
    return bool(user.is_authenticated and IdeaVote.objects.filter(idea=idea, member=user).exists())


def voted_ids(ideas, user) -> set[int]:
    """Which of these ideas the viewer voted for (one query), for list pages."""
    if not user.is_authenticated:
        return set()
    return set(
        IdeaVote.objects.filter(member=user, idea_id__in=[i.pk for i in ideas]).values_list(
            "idea_id", flat=True
        )
    )
