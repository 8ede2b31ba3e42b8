"""API operations of "Ask the community": list and read questions with their answers, ask, edit,
answer, vote questions and answers up or down, accept an answer, and turn a question into a
draft contribution.

A thin adapter over `selectors` (reads, visibility) and `services` (writes), so that the API and
the pages can never disagree about who sees or may do what. A question the caller may not read
answers 404, as if it did not exist.
"""

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError, Throttled, ValidationError
from ninja.pagination import paginate

from govcommons.accounts.permissions import can_moderate
from govcommons.api.auth import caller, token_or_session
from govcommons.api.pagination import Pages
from govcommons.api.schemas import READ_PROBLEMS, WRITE_PROBLEMS
from govcommons.core import ratelimit
from govcommons.core.errors import ConflictError, DomainError
from govcommons.core.models import Item, ItemKind, ItemStatus
from govcommons.core.permissions import can_view_item, visible_items
from govcommons.taxonomy.models import Topic

from . import permissions, selectors, services
from .models import Answer, AnswerVote, Question
from .question_schemas import (
    AcceptIn,
    AnswerEditIn,
    AnswerOut,
    DocumentedOut,
    NewAnswerIn,
    QuestionDetailOut,
    QuestionIn,
    QuestionOut,
    QuestionQuery,
    QuestionUpdateIn,
    Slug,
    VoteIn,
    VoteOut,
)

router = Router(tags=["questions"])

READ = READ_PROBLEMS
WRITE = WRITE_PROBLEMS
QUESTIONS_PER_PAGE = 20


# --- Helpers -----------------------------------------------------------------------------------


def _posting_allowed(request, action: str) -> None:
    """The pages' posting limits apply to the API too (429 problem)."""
    if not ratelimit.consume(request, action):
        raise Throttled(wait=None)


def _invalid(location: list, message: str) -> ValidationError:
    return ValidationError([{"type": "value_error", "loc": location, "msg": message}])


@contextmanager
def _about(field: str):
    """A refusal from a service that names no field is about this input field."""
    try:
        yield
    except DomainError as exc:
        exc.field = exc.field or field
        raise


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


def _member(user) -> dict:
    return {"handle": user.handle, "display_name": user.display_name}


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


def _question_row(request, question: Question) -> dict:
    item = question.item
    return {
        "id": item.pk,
        "slug": item.slug,
        "revision": item.revision_number,
        "title": item.title,
        "summary": item.summary,
        "author": _member(item.author),
        "topics": [{"slug": t.slug, "name": t.name} for t in question.topics.all()],
        "language": item.language,
        "visibility": item.visibility,
        "answer_count": question.answer_count,
        "score": question.score,
        "answered": question.is_answered,
        "comment_count": item.comment_count,
        "published_at": item.published_at,
        "url": _absolute(request, item.get_absolute_url()),
    }


def _answer(request, viewer, answer: Answer, *, accepted_id: int | None, my_vote) -> dict:
    return {
        "id": answer.pk,
        "author": _member(answer.author),
        "body": answer.body,
        "body_html": answer.body_html,
        "score": answer.score,
        "accepted": answer.pk == accepted_id,
        "created_at": answer.created_at,
        "edited_at": answer.edited_at,
        "version": answer.version,
        "my_vote": my_vote,
        "can_edit": permissions.can_edit_answer(viewer, answer),
        "can_remove": permissions.can_remove_answer(viewer, answer),
        "url": _absolute(request, f"{answer.question.item.get_absolute_url()}#answer-{answer.pk}"),
    }


def _question(request, viewer, question: Question) -> dict:
    """The question as its page shows it to this viewer (who may read it)."""
    answers = selectors.answers_for(question, viewer)
    signed_in = viewer.is_authenticated
    for answer in answers.answers:
        answer.question = question  # for the answers' URLs, without a query each
    documented = question.documented_in
    return {
        **_question_row(request, question),
        "body": question.body,
        "body_html": question.body_html,
        "accepted_answer_id": question.accepted_answer_id,
        "discussion_locked": question.item.discussion_locked,
        "documented_in": (
            {
                "slug": documented.slug,
                "title": documented.title,
                "url": _absolute(request, documented.get_absolute_url()),
            }
            if documented is not None and can_view_item(viewer, documented)
            else None
        ),
        "my_vote": answers.my_question_vote if signed_in else None,
        "can_edit": permissions.can_edit_question(viewer, question),
        "can_answer": permissions.can_answer(viewer, question),
        "can_accept": permissions.can_accept_answer(viewer, question),
        "can_document": permissions.can_document_question(viewer, question),
        "answers": [
            _answer(
                request,
                viewer,
                answer,
                accepted_id=question.accepted_answer_id,
                my_vote=answers.my_votes.get(answer.pk, 0) if signed_in else None,
            )
            for answer in answers.answers
        ],
    }


def _question_answer(request, slug: str) -> dict:
    """After a write: the question read again, as the caller now sees it."""
    member = request.auth
    return _question(request, member, selectors.get_question_for(member, slug))


def _answer_for(viewer, answer_id: int, *, live: bool = True) -> Answer:
    """An answer to a question the caller may read; 404 otherwise. A removed answer is gone for
    edits and removal (`live`); a vote on it reaches the service, which says votes are closed."""
    answer = (
        Answer.objects.select_related("author", "question", "question__item")
        .filter(pk=answer_id)
        .first()
    )
    if answer is None or not can_view_item(viewer, answer.question.item):
        raise Http404
    if live and answer.is_removed:
        raise HttpError(404, _("This answer was removed."))
    return answer


def _answer_answer(request, answer_id: int) -> dict:
    """After a write: the answer read again, with the caller's vote."""
    member = request.auth
    answer = Answer.objects.select_related("author", "question", "question__item").get(pk=answer_id)
    my_vote = (
        AnswerVote.objects.filter(answer=answer, member=member)
        .values_list("value", flat=True)
        .first()
    )
    return _answer(
        request,
        member,
        answer,
        accepted_id=answer.question.accepted_answer_id,
        my_vote=my_vote or 0,
    )


class _Shaped:
    """A queryset that pagination counts and slices, shaped into rows after the slice, so a
    page costs the same few queries whatever its rows."""

    def __init__(self, rows, shape):
        self.rows, self.shape = rows, shape

    def __len__(self) -> int:
        return self.rows.count()

    def __getitem__(self, index: slice) -> list[dict]:
        return [self.shape(row) for row in self.rows[index]]


def _closed_or_forbidden(viewer, question: Question, message: str):
    """The asker and moderators hear that the question is closed; everyone else, that the
    operation is not theirs."""
    if question.item.status != ItemStatus.PUBLISHED and (
        question.item.author_id == viewer.pk or can_moderate(viewer)
    ):
        return DomainError(_("This question is closed: it is not published."))
    return PermissionDenied(message)


# --- Reading -----------------------------------------------------------------------------------


@router.get(
    "",
    response={200: list[QuestionOut], **READ},
    summary="List questions",
    auth=None,
)
@paginate(Pages, page_size=QUESTIONS_PER_PAGE)
def list_questions(request, filters: Query[QuestionQuery]):
    """Published questions the caller may read, as on the /questions/ page: the newest first,
    the unanswered ones (no answer yet), or the most voted; by topic; or those whose answers
    link to a contribution (`cites`). An unknown sort, topic or contribution is a 422 problem.
    Permission: public; members also see members-only questions, verified public servants
    verified-only ones."""
    viewer = caller(request)
    topic = None
    if filters.topic:
        topic = Topic.objects.filter(slug=filters.topic).first()
        if topic is None:
            raise _invalid(["query", "topic"], _("No topic has this slug."))
    cited = None
    if filters.cites:
        cited = (
            visible_items(viewer)
            .filter(kind=ItemKind.PRACTICE, status=ItemStatus.PUBLISHED, slug=filters.cites)
            .first()
        )
        if cited is None:
            raise _invalid(["query", "cites"], _("No published contribution has this slug."))
    rows = selectors.question_list(
        viewer, sort=filters.sort, topic=topic, cites=cited
    ).prefetch_related("topics")
    return _Shaped(rows, lambda question: _question_row(request, question))


@router.get(
    "/{slug}",
    response={200: QuestionDetailOut, **READ},
    summary="One question with its answers",
    auth=None,
)
def get_question(request, slug: Slug):
    """The question with its answers (the accepted one first, then by score, removed ones left
    out), each answer's score and whether it was accepted; with a token or a session, the
    caller's votes (`my_vote`) and what they may do. Permission: anyone who may read it; 404
    for the rest (a removed or unpublished question, for everyone but its asker and
    moderators)."""
    viewer = caller(request)
    return _question(request, viewer, selectors.get_question_for(viewer, slug))


# --- Questions ---------------------------------------------------------------------------------


@router.post(
    "",
    response={201: QuestionDetailOut, **WRITE},
    summary="Ask a question",
    auth=token_or_session,
)
def ask_question(request, payload: QuestionIn):
    """Ask the community; the question is published at once. Members @mentioned in the context
    are notified. 400 for a title that is not one clear sentence (10 to 200 characters), a
    context over 20,000 characters or a mention of a handle nobody has; 422 for an unknown
    topic. Permission: any signed-in member."""
    _posting_allowed(request, "question")
    member = request.auth
    topics = _topics(payload.topics, ["body", "payload", "topics"])
    question = services.ask_question(
        author=member,
        title=payload.title,
        body=payload.body,
        topics=topics,
        language=payload.language,
    )
    return Status(201, _question_answer(request, question.item.slug))


@router.patch(
    "/{slug}",
    response={200: QuestionDetailOut, **WRITE},
    summary="Edit a question",
    auth=token_or_session,
)
def edit_question(request, slug: Slug, payload: QuestionUpdateIn):
    """Change the title, the context or the topics; what you leave out stays as it is (topics
    you send replace the list). Permission: its asker and moderators."""
    _posting_allowed(request, "question")
    member = request.auth
    question = selectors.get_question_for(member, slug)
    if not permissions.can_edit_question(member, question):
        raise _closed_or_forbidden(
            member, question, _("Only its asker or a moderator can edit a question.")
        )
    topics = (
        list(question.topics.all())
        if payload.topics is None
        else _topics(payload.topics, ["body", "payload", "topics"])
    )
    services.edit_question(
        question_id=question.pk,
        editor=member,
        title=question.item.title if payload.title is None else payload.title,
        body=question.body if payload.body is None else payload.body,
        topics=topics,
        base_revision=payload.revision,
    )
    return _question_answer(request, slug)


@router.put(
    "/{slug}/vote",
    response={200: VoteOut, **WRITE},
    summary="Vote on a question",
    auth=token_or_session,
)
def vote_on_question(request, slug: Slug, payload: VoteIn):
    """Vote a question up ("I need this answered too", 1) or down (-1), or take your vote back
    (0). Voting the same way twice counts once. 400 on your own question or a question that is
    not published. Permission: any signed-in member who may read it."""
    _posting_allowed(request, "vote")
    member = request.auth
    question = selectors.get_question_for(member, slug)
    question = services.vote_on_question(
        question_id=question.pk, member=member, value=payload.value
    )
    return {"score": question.score, "my_vote": payload.value}


@router.put(
    "/{slug}/accepted",
    response={200: QuestionDetailOut, **WRITE},
    summary="Accept an answer",
    auth=token_or_session,
)
def accept_answer(request, slug: Slug, payload: AcceptIn):
    """Mark the answer that solved the question (its author is notified); the question shows as
    answered. `answer_id: null` takes the mark back. 400 for an answer that is not one of this
    question's, or was removed. Permission: its asker and moderators."""
    member = request.auth
    question = selectors.get_question_for(member, slug)
    if not permissions.can_accept_answer(member, question):
        raise _closed_or_forbidden(
            member, question, _("Only its asker or a moderator can accept an answer.")
        )
    with _about("answer_id"):
        services.accept_answer(question_id=question.pk, by=member, answer_id=payload.answer_id)
    return _question_answer(request, slug)


@router.post(
    "/{slug}/document",
    response={201: DocumentedOut, **WRITE},
    summary="Turn a question into a draft contribution",
    auth=token_or_session,
)
def document_question(request, slug: Slug):
    """Start a draft contribution prefilled from the question and its best answers (the
    accepted one first), crediting their authors. The draft is yours to complete and submit for
    review. Permission: its asker and moderators."""
    _posting_allowed(request, "practice_write")
    member = request.auth
    question = selectors.get_question_for(member, slug)
    if not permissions.can_document_question(member, question):
        raise _closed_or_forbidden(
            member, question, _("Only its asker or a moderator can turn it into a contribution.")
        )
    practice = services.document_question(question_id=question.pk, by=member)
    item: Item = practice.item
    return Status(
        201,
        {
            "slug": item.slug,
            "title": item.title,
            "url": _absolute(request, item.get_absolute_url()),
            "edit_url": _absolute(request, reverse("practices:edit", args=[item.slug])),
        },
    )


# --- Answers -----------------------------------------------------------------------------------


@router.post(
    "/{slug}/answers",
    response={201: AnswerOut, **WRITE},
    summary="Answer a question",
    auth=token_or_session,
)
def post_answer(request, slug: Slug, payload: NewAnswerIn):
    """Answer a question; the asker and the members @mentioned are notified. A link to a
    contribution (/practices/<slug>/) cites it. 400 for an empty or over-long text, a mention of
    a handle nobody has, or a question that is locked or not published. Permission: any
    signed-in member who may read the question."""
    _posting_allowed(request, "answer")
    member = request.auth
    question = selectors.get_question_for(member, slug)
    answer = services.post_answer(question_id=question.pk, author=member, body=payload.body)
    return Status(201, _answer_answer(request, answer.pk))


@router.patch(
    "/answers/{answer_id}",
    response={200: AnswerOut, **WRITE},
    summary="Edit an answer",
    auth=token_or_session,
)
def edit_answer(request, answer_id: int, payload: AnswerEditIn):
    """Change an answer's text. Send the `version` you read: if it was edited since, nothing is
    saved and the answer is 409 with `current_version`. Permission: its author."""
    _posting_allowed(request, "answer")
    member = request.auth
    answer = _answer_for(member, answer_id)
    if not permissions.can_edit_answer(member, answer):
        raise PermissionDenied(_("Only its author can edit an answer."))
    try:
        services.edit_answer(
            answer_id=answer.pk, editor=member, body=payload.body, version=payload.version
        )
    except ConflictError as exc:
        current = Answer.objects.values_list("version", flat=True).get(pk=answer.pk)
        conflict = ConflictError(
            _(
                "This answer was edited since version %(sent)s: it is now at version "
                "%(current)s. Nothing was saved. Read it again, merge your text and send it "
                "with version %(current)s."
            )
            % {"sent": payload.version, "current": current},
            field="version",
        )
        conflict.problem_members = {"current_version": current}
        raise conflict from exc
    return _answer_answer(request, answer.pk)


@router.delete(
    "/answers/{answer_id}",
    response={204: None, **WRITE},
    summary="Remove an answer",
    auth=token_or_session,
)
def remove_answer(request, answer_id: int):
    """Remove an answer: it leaves the question's page, its citations go, and an accepted
    answer is no longer accepted. Permission: its author and moderators."""
    member = request.auth
    answer = _answer_for(member, answer_id)
    if not permissions.can_remove_answer(member, answer):
        raise PermissionDenied(_("Only its author or a moderator can remove an answer."))
    services.remove_answer(answer_id=answer.pk, by=member)
    return Status(204, None)


@router.put(
    "/answers/{answer_id}/vote",
    response={200: VoteOut, **WRITE},
    summary="Vote on an answer",
    auth=token_or_session,
)
def vote_on_answer(request, answer_id: int, payload: VoteIn):
    """Vote an answer up (1) or down (-1), or take your vote back (0). Voting the same way twice
    counts once. 400 on your own answer, or on a removed one. Permission: any signed-in member
    who may read the question."""
    _posting_allowed(request, "vote")
    member = request.auth
    answer = _answer_for(member, answer_id, live=False)
    answer = services.vote_on_answer(answer_id=answer.pk, member=member, value=payload.value)
    return {"score": answer.score, "my_vote": payload.value}
