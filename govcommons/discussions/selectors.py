"""Reads for discussions: a page of comments with their replies in a constant number of queries,
new comments since the last poll, and members to @mention."""

from dataclasses import dataclass, field

from django.core.paginator import Page
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from govcommons.accounts.models import User
from govcommons.core.models import Item, ItemKind, ItemStatus
from govcommons.core.pagination import paginate
from govcommons.core.permissions import can_view_item, visibility_q, visible_items

from .models import (
    Answer,
    AnswerCitation,
    AnswerVote,
    Comment,
    CommentEdit,
    CommentReaction,
    Question,
    QuestionVote,
)

COMMENTS_PER_PAGE = 50
# A removed comment still shows ("comment removed") while it has replies; otherwise it is gone.
SHOWN = Q(removed_at__isnull=True) | Q(reply_count__gt=0)


def _with_authors(comments: QuerySet[Comment]) -> QuerySet[Comment]:
    return comments.select_related("author", "author__organization")


def shown_replies() -> QuerySet[Comment]:
    return _with_authors(Comment.objects.filter(removed_at__isnull=True)).order_by(
        "created_at", "pk"
    )


def top_level_comments(item: Item) -> QuerySet[Comment]:
    return _with_authors(Comment.objects.filter(item=item, parent__isnull=True).filter(SHOWN))


@dataclass
class DiscussionPage:
    item: Item
    page: Page
    # Comment ids on this page that the viewer found useful.
    useful_ids: set[int] = field(default_factory=set)
    # The newest comment id on the page: polling asks for what came after it.
    last_id: int = 0


def discussion_page(item: Item, user, page_number: str | None) -> DiscussionPage:
    """One page of top-level comments (oldest first), each with its replies: four queries
    whatever the size of the discussion (count, comments, replies, the viewer's reactions)."""
    comments = top_level_comments(item).prefetch_related(
        Prefetch("replies", queryset=shown_replies())
    )
    page = paginate(comments, page_number, per_page=COMMENTS_PER_PAGE)
    rows = list(page.object_list)
    ids = [c.pk for c in rows] + [r.pk for c in rows for r in c.replies.all()]
    return DiscussionPage(
        item=item, page=page, useful_ids=useful_ids(user, ids), last_id=max(ids, default=0)
    )


def useful_ids(user, comment_ids: list[int]) -> set[int]:
    """Which of these comments the member marked useful, in one query."""
    if not user.is_authenticated or not comment_ids:
        return set()
    return set(
        CommentReaction.objects.filter(member=user, comment_id__in=comment_ids).values_list(
            "comment_id", flat=True
        )
    )


def comments_since(item: Item, after_id: int, limit: int = 50) -> list[Comment]:
    """Comments and replies written after `after_id` (polling), oldest first."""
    return list(
        _with_authors(
            Comment.objects.filter(item=item, pk__gt=after_id, removed_at__isnull=True)
        ).order_by("pk")[:limit]
    )


def page_of_comment(comment: Comment) -> int:
    """The discussion page a comment (or its thread) is on, for permalinks."""
    top = comment.parent if comment.parent_id else comment
    before = (
        Comment.objects.filter(item_id=comment.item_id, parent__isnull=True)
        .filter(SHOWN)
        .filter(Q(created_at__lt=top.created_at) | Q(created_at=top.created_at, pk__lt=top.pk))
        .count()
    )
    return before // COMMENTS_PER_PAGE + 1


def edit_history(comment: Comment) -> QuerySet[CommentEdit]:
    return comment.edits.select_related("edited_by")


def mention_suggestions(prefix: str, limit: int = 8) -> QuerySet[User]:
    """Active members whose profile address or name starts with what was typed after "@"."""
    prefix = prefix.strip().lstrip("@")[:60]
    if not prefix:
        return User.objects.none()
    return (
        User.objects.filter(is_active=True)
        .filter(Q(handle__istartswith=prefix) | Q(display_name__istartswith=prefix))
        .select_related("organization")
        .order_by("handle")[:limit]
    )


# --- Questions and answers ---------------------------------------------------------------------


class QuestionSort:
    NEWEST = "newest"
    UNANSWERED = "unanswered"
    VOTES = "votes"
    CHOICES = (NEWEST, UNANSWERED, VOTES)


def visible_questions(user) -> QuerySet[Question]:
    return Question.objects.filter(visibility_q(user, "item__")).filter(
        item__status=ItemStatus.PUBLISHED
    )


def question_list(
    user, *, sort: str = QuestionSort.NEWEST, topic=None, cites: Item | None = None
) -> QuerySet[Question]:
    """Questions for the list page: newest, unanswered (no answer yet) or most voted; by
    topic; or those whose answers cite one contribution. Rows carry what a card shows."""
    questions = visible_questions(user).select_related("item", "item__author", "item__organization")
    if topic is not None:
        questions = questions.filter(topics=topic)
    if cites is not None:
        questions = questions.filter(
            answers__citations__item=cites, answers__removed_at__isnull=True
        ).distinct()
    if sort == QuestionSort.UNANSWERED:
        questions = questions.filter(answer_count=0)
    if sort == QuestionSort.VOTES:
        return questions.order_by("-score", "-item__published_at", "-pk")
    return questions.order_by("-item__published_at", "-pk")


def get_question_for(user, slug: str) -> Question:
    """The question a member may read (drafts and removed ones only for who may see them)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        Question.objects.filter(visibility_q(user, "item__")).select_related(
            "item", "item__author", "item__author__organization", "documented_in"
        ),
        item__slug=slug,
    )


def get_answer_for(user, answer_id: int) -> Answer:
    """An answer to a question the member may read (404 otherwise, so nothing leaks)."""
    answer = (
        Answer.objects.select_related(
            "author", "author__organization", "question", "question__item", "question__item__author"
        )
        .filter(pk=answer_id)
        .first()
    )
    if answer is None or not can_view_item(user, answer.question.item):
        raise Http404
    return answer


def cited_contribution(user, slug: str) -> Item | None:
    """The contribution named by ?cites=, when the member may read it (404 otherwise)."""
    if not slug:
        return None
    item = (
        visible_items(user)
        .filter(kind=ItemKind.PRACTICE, status=ItemStatus.PUBLISHED, slug=slug)
        .first()
    )
    if item is None:
        raise Http404
    return item


@dataclass
class AnswerList:
    answers: list[Answer]
    # The viewer's votes: answer id -> +1 or -1.
    my_votes: dict[int, int] = field(default_factory=dict)
    my_question_vote: int = 0


def answers_for(question: Question, user) -> AnswerList:
    """The answers, accepted first then by score; with the viewer's votes. Three queries."""
    answers = list(
        question.answers.filter(removed_at__isnull=True).select_related(
            "author", "author__organization"
        )
    )
    answers.sort(key=lambda a: (a.pk != question.accepted_answer_id, -a.score, a.created_at))
    my_votes: dict[int, int] = {}
    my_question_vote = 0
    if user.is_authenticated:
        if answers:
            my_votes = dict(
                AnswerVote.objects.filter(
                    member=user, answer_id__in=[a.pk for a in answers]
                ).values_list("answer_id", "value")
            )
        my_question_vote = (
            QuestionVote.objects.filter(member=user, question=question)
            .values_list("value", flat=True)
            .first()
            or 0
        )
    return AnswerList(answers=answers, my_votes=my_votes, my_question_vote=my_question_vote)


def citation_count(item: Item) -> int:
    """How many live answers cite this contribution ("cited in N answers")."""
    return (
        AnswerCitation.objects.filter(
            item=item,
            answer__removed_at__isnull=True,
            answer__question__item__status=ItemStatus.PUBLISHED,
        )
        .values("answer_id")
        .distinct()
        .count()
    )
