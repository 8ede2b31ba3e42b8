"""Ask the community: the questions board (the list, asking, a question with its answers) and
what members do there (answer, vote, accept, edit, remove, turn a question into a draft).

Every page works without JavaScript: each write is a form POST that redirects back. htmx only
swaps the vote widgets and the list's results. The rules are in permissions.py and services.py.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from govcommons.core.errors import ConflictError, DomainError
from govcommons.core.forms import add_service_error
from govcommons.core.models import Item, Language
from govcommons.core.pagination import paginate
from govcommons.core.permissions import can_view_item
from govcommons.core.ratelimit import limit_posts
from govcommons.taxonomy.models import Topic

from . import permissions, selectors, services
from .models import Answer, AnswerVote, Question, QuestionVote
from .question_forms import AnswerEditForm, AnswerForm, QuestionFilterForm, QuestionForm, VoteForm
from .selectors import QuestionSort
from .views import discussion_context

QUESTIONS_PER_PAGE = 20
ANSWERS_PER_PAGE = 30
# The answer form's field ids differ from the comment form's below it on the same page.
ANSWER_FORM_IDS = "answer-%s"


def _sanitised(html: str) -> SafeString:
    # Rendered from Markdown and cleaned by nh3 when it was written (services.render_body).
    return mark_safe(html)  # noqa: S308


def _mentions_url(user) -> str:
    return reverse("discussions:mentions") if user.is_authenticated else ""


# --- Vote widgets ------------------------------------------------------------------------------


@dataclass
class VoteWidget:
    """What discussions/_question_vote.html shows: the score and, for who may vote, up and down
    buttons showing the viewer's current vote; pressing the pressed one again withdraws it."""

    dom_id: str
    url: str
    score: int
    my_vote: int
    # "vote": buttons; "sign_in": links to sign in; "score": the score alone (own or closed).
    mode: str
    noun: str
    login_url: str = ""
    # Said after a vote through htmx (a confirmation, or why it was refused).
    status: str = ""
    refused: bool = False

    @property
    def up_value(self) -> int:
        return 0 if self.my_vote == 1 else 1

    @property
    def down_value(self) -> int:
        return 0 if self.my_vote == -1 else -1


def _login_url(next_url: str) -> str:
    return f"{reverse('account_login')}?{urlencode({'next': next_url})}"


def _vote_mode(user, *, author_id: int, item: Item) -> str:
    if not user.is_authenticated:
        return "sign_in"
    if permissions.can_vote_on(user, author_id=author_id, item=item):
        return "vote"
    return "score"


def _question_vote(user, question: Question, my_vote: int, **extra) -> VoteWidget:
    item = question.item
    return VoteWidget(
        dom_id="question-vote",
        url=reverse("discussions:question_vote", args=[item.slug]),
        score=question.score,
        my_vote=my_vote,
        mode=_vote_mode(user, author_id=item.author_id, item=item),
        noun="question",
        login_url=_login_url(item.get_absolute_url()),
        **extra,
    )


def _answer_vote(user, answer: Answer, question: Question, my_vote: int, **extra) -> VoteWidget:
    item = question.item
    return VoteWidget(
        dom_id=f"answer-{answer.pk}-vote",
        url=reverse("discussions:answer_vote", args=[answer.pk]),
        score=answer.score,
        my_vote=my_vote,
        mode=_vote_mode(user, author_id=answer.author_id, item=item),
        noun="answer",
        login_url=_login_url(f"{item.get_absolute_url()}#answer-{answer.pk}"),
        **extra,
    )


# --- Fetching what the viewer may see ---------------------------------------------------------


def _live_answer_in_view(user, answer_id: int) -> Answer:
    answer = selectors.get_answer_for(user, answer_id)
    if answer.is_removed:
        raise Http404
    return answer


def _answer_url(user, question: Question, answer_id: int) -> str:
    """The address of an answer on the question page, on the page of answers it is on."""
    url = question.item.get_absolute_url()
    page = 1
    if question.answer_count >= ANSWERS_PER_PAGE:
        ids = [a.pk for a in selectors.answers_for(question, user).answers]
        if answer_id in ids:
            page = ids.index(answer_id) // ANSWERS_PER_PAGE + 1
    return f"{url}?page={page}#answer-{answer_id}" if page > 1 else f"{url}#answer-{answer_id}"


# --- The list ----------------------------------------------------------------------------------


def _url_with(params: QueryDict, **changes) -> str:
    """The list's address with some parameters changed (None drops one); the page resets."""
    params = params.copy()
    params.pop("page", None)
    for name, value in changes.items():
        if value is None:
            params.pop(name, None)
        else:
            params[name] = value
    query = params.urlencode()
    return f"{reverse('discussions:questions')}{'?' + query if query else ''}"


def _sort_tabs(params: QueryDict, current: str) -> list[dict]:
    labels = {
        QuestionSort.NEWEST: _("Newest"),
        QuestionSort.UNANSWERED: _("Unanswered"),
        QuestionSort.VOTES: _("Most voted"),
    }
    return [
        {
            "label": labels[sort],
            "url": _url_with(params, sort=None if sort == QuestionSort.NEWEST else sort),
            "current": sort == current,
        }
        for sort in QuestionSort.CHOICES
    ]


def question_list(request):
    form = QuestionFilterForm(request.GET)
    sort, topic = form.sort_and_topic()
    cites = selectors.cited_contribution(request.user, request.GET.get("cites", ""))
    questions = selectors.question_list(request.user, sort=sort, topic=topic, cites=cites)
    # The cards show each question's topics: one query for the whole page.
    page = paginate(
        questions.prefetch_related("topics"), request.GET.get("page"), per_page=QUESTIONS_PER_PAGE
    )
    ask_url = reverse("discussions:ask")
    context = {
        "form": form,
        "page_obj": page,
        "sort": sort,
        "topic": topic,
        "cites": cites,
        "tabs": _sort_tabs(request.GET, sort),
        "ask_url": f"{ask_url}?{urlencode({'topic': topic.slug})}" if topic else ask_url,
        "clear_topic_url": _url_with(request.GET, topic=None),
        "clear_cites_url": _url_with(request.GET, cites=None),
    }
    template = (
        "discussions/_question_results.html"
        if request.htmx and not request.htmx.boosted
        else "discussions/question_list.html"
    )
    return render(request, template, context)


# --- Asking and editing a question -------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("question")
def ask(request):
    if not permissions.can_ask(request.user):
        raise PermissionDenied
    # "Ask the first one" on a topic's empty list comes with that topic ticked.
    initial = {}
    topic_slug = request.GET.get("topic")
    topic = Topic.objects.filter(slug=topic_slug).first() if topic_slug else None
    if topic is not None:
        initial["topics"] = [topic]
    # A search that found nothing offers to ask, with its words as the start of the question.
    if request.method == "GET" and request.GET.get("title"):
        initial["title"] = request.GET["title"].replace("\x00", "")[:200]
    form = QuestionForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                question = services.ask_question(
                    author=request.user,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    topics=form.cleaned_data["topics"],
                    language=form.cleaned_data["language"] or Language.EN,
                )
            except DomainError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Your question is published. You will be told here and by email when "
                        "someone answers."
                    ),
                )
                return redirect(question.get_absolute_url())
    return render(
        request, "discussions/question_form.html", {"form": form, "question": None}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("question")
def question_edit(request, slug: str):
    question = selectors.get_question_for(request.user, slug)
    if not permissions.can_edit_question(request.user, question):
        raise PermissionDenied
    initial = {
        "title": question.item.title,
        "body": question.body,
        "topics": list(question.topics.all()),
        "base_revision": question.item.revision_number,
    }
    form = QuestionForm(request.POST or None, initial=initial, editing=True)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.edit_question(
                    question_id=question.pk,
                    editor=request.user,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    topics=form.cleaned_data["topics"],
                    base_revision=form.cleaned_data["base_revision"],
                )
            except DomainError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Your changes to the question are saved."))
                return redirect(question.get_absolute_url())
    return render(
        request,
        "discussions/question_form.html",
        {"form": form, "question": question, "item": question.item},
        status=status,
    )


# --- A question and its answers ----------------------------------------------------------------


@dataclass
class AnswerRow:
    """One answer as the viewer sees it: its sanitised text, its vote widget, what they may do."""

    answer: Answer
    body: SafeString
    vote: VoteWidget
    is_accepted: bool
    may_edit: bool
    may_remove: bool
    may_accept: bool


def _question_page(request, question: Question, *, answer_form=None, status: int = 200):
    user = request.user
    item = question.item
    listing = selectors.answers_for(question, user)
    page = paginate(listing.answers, request.GET.get("page"), per_page=ANSWERS_PER_PAGE)
    may_accept = permissions.can_accept_answer(user, question)
    rows = [
        AnswerRow(
            answer=answer,
            body=_sanitised(answer.body_html),
            vote=_answer_vote(user, answer, question, listing.my_votes.get(answer.pk, 0)),
            is_accepted=answer.pk == question.accepted_answer_id,
            may_edit=permissions.can_edit_answer(user, answer),
            may_remove=permissions.can_remove_answer(user, answer),
            may_accept=may_accept,
        )
        for answer in page.object_list
    ]
    refusal = permissions.answer_refusal(user, question)
    if answer_form is None and not refusal:
        answer_form = AnswerForm(auto_id=ANSWER_FORM_IDS, mentions_url=_mentions_url(user))
    documented = question.documented_in
    if documented is not None and not can_view_item(user, documented):
        documented = None
    context = {
        "question": question,
        "item": item,
        "body": _sanitised(question.body_html),
        "topics": list(question.topics.all()),
        "question_vote": _question_vote(user, question, listing.my_question_vote),
        "answers_page": page,
        "answer_rows": rows,
        "answer_form": answer_form,
        "answer_refusal": refusal,
        "sign_in_url": _login_url(f"{item.get_absolute_url()}#your-answer"),
        "may_edit": permissions.can_edit_question(user, question),
        # Once the viewer can open the draft made from it, a second one would only duplicate it.
        "may_document": documented is None and permissions.can_document_question(user, question),
        "documented": documented,
        # The comments under the question: {% include "discussions/_discussion.html" %}.
        **discussion_context(request, item),
    }
    return render(request, "discussions/question_detail.html", context, status=status)


def question_detail(request, slug: str):
    return _question_page(request, selectors.get_question_for(request.user, slug))


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("answer")
def answer_post(request, slug: str):
    question = selectors.get_question_for(request.user, slug)
    if request.method == "GET":  # after signing in to answer: back to the form
        return redirect(f"{question.get_absolute_url()}#your-answer")
    form = AnswerForm(
        request.POST, auto_id=ANSWER_FORM_IDS, mentions_url=_mentions_url(request.user)
    )
    if form.is_valid():
        try:
            answer = services.post_answer(
                question_id=question.pk, author=request.user, body=form.cleaned_data["body"]
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Thank you: your answer is posted."))
            question.refresh_from_db(fields=["answer_count"])
            return redirect(_answer_url(request.user, question, answer.pk))
    return _question_page(request, question, answer_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("answer")
def answer_edit(request, answer_id: int):
    answer = _live_answer_in_view(request.user, answer_id)
    if not permissions.can_edit_answer(request.user, answer):
        raise PermissionDenied
    question = answer.question
    form = AnswerEditForm(
        request.POST or None,
        initial={"body": answer.body, "version": answer.version},
        mentions_url=_mentions_url(request.user),
    )
    status, current = 200, None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.edit_answer(
                    answer_id=answer.pk,
                    editor=request.user,
                    body=form.cleaned_data["body"],
                    version=form.cleaned_data["version"],
                )
            except ConflictError as error:
                add_service_error(form, error)
                status = 409
                answer.refresh_from_db()
                # Show the newer text; the next save is then made knowingly over it.
                current = _sanitised(answer.body_html)
                form.data = form.data.copy()
                form.data["version"] = answer.version
            except DomainError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Your answer is saved."))
                return redirect(_answer_url(request.user, question, answer.pk))
    return render(
        request,
        "discussions/answer_edit.html",
        {
            "form": form,
            "answer": answer,
            "question": question,
            "item": question.item,
            "current": current,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("answer")
def answer_remove(request, answer_id: int):
    answer = _live_answer_in_view(request.user, answer_id)
    if not permissions.can_remove_answer(request.user, answer):
        raise PermissionDenied
    question = answer.question
    if request.method == "POST":
        services.remove_answer(answer_id=answer.pk, by=request.user)
        if answer.author_id == request.user.pk:
            messages.success(request, _("Your answer is removed."))
        else:
            messages.success(request, _("The answer is removed."))
        return redirect(f"{question.get_absolute_url()}#answers")
    return render(
        request,
        "discussions/answer_remove.html",
        {
            "answer": answer,
            "body": _sanitised(answer.body_html),
            "question": question,
            "item": question.item,
            "is_own": answer.author_id == request.user.pk,
        },
    )


# --- Votes, acceptance, documenting ------------------------------------------------------------


def _vote_result(request, *, widget, back_url: str, refused: str, withdrawn: bool):
    """After a vote: the widget alone for htmx (with what happened, for screen readers too),
    else back to where the member was, with a message."""
    if request.htmx:
        if refused:
            widget.status, widget.refused = refused, True
        elif withdrawn:
            widget.status = _("Your vote is withdrawn. Score: %(score)s.") % {"score": widget.score}
        else:
            widget.status = _("Your vote is counted. Score: %(score)s.") % {"score": widget.score}
        return render(request, "discussions/_question_vote.html", {"vote": widget})
    if refused:
        messages.error(request, refused)
    elif withdrawn:
        messages.success(request, _("Your vote is withdrawn."))
    else:
        messages.success(request, _("Your vote is counted."))
    return redirect(back_url)


def _vote_value(request) -> tuple[int | None, str]:
    form = VoteForm(request.POST)
    if form.is_valid():
        return form.cleaned_data["value"], ""
    return None, " ".join(form.errors["value"])


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("vote")
def question_vote(request, slug: str):
    question = selectors.get_question_for(request.user, slug)
    back_url = f"{question.get_absolute_url()}#question-vote"
    if request.method == "GET":  # after signing in to vote: back to the question
        return redirect(back_url)
    value, refused = _vote_value(request)
    if value is not None:
        try:
            question = services.vote_on_question(
                question_id=question.pk, member=request.user, value=value
            )
        except DomainError as error:
            refused = error.message
    if refused:
        question.refresh_from_db(fields=["score"])
        value = (
            QuestionVote.objects.filter(question=question, member=request.user)
            .values_list("value", flat=True)
            .first()
            or 0
        )
    widget = _question_vote(request.user, question, value)
    return _vote_result(
        request, widget=widget, back_url=back_url, refused=refused, withdrawn=value == 0
    )


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("vote")
def answer_vote(request, answer_id: int):
    answer = selectors.get_answer_for(request.user, answer_id)
    question = answer.question
    back_url = _answer_url(request.user, question, answer.pk)
    if request.method == "GET":
        return redirect(back_url)
    value, refused = _vote_value(request)
    if value is not None:
        try:
            answer = services.vote_on_answer(answer_id=answer.pk, member=request.user, value=value)
        except DomainError as error:
            refused = error.message
    if refused:
        answer.refresh_from_db(fields=["score"])
        value = (
            AnswerVote.objects.filter(answer=answer, member=request.user)
            .values_list("value", flat=True)
            .first()
            or 0
        )
    widget = _answer_vote(request.user, answer, question, value)
    return _vote_result(
        request, widget=widget, back_url=back_url, refused=refused, withdrawn=value == 0
    )


@login_required
@require_http_methods(["GET", "POST"])
def answer_accept(request, answer_id: int):
    answer = selectors.get_answer_for(request.user, answer_id)
    question = answer.question
    back_url = f"{question.get_absolute_url()}#answer-{answer.pk}"
    if request.method == "GET":
        return redirect(back_url)
    if not permissions.can_accept_answer(request.user, question):
        raise PermissionDenied
    unaccept = request.POST.get("action") == "unaccept"
    if unaccept and question.accepted_answer_id != answer.pk:
        return redirect(back_url)  # already taken back, or another answer was accepted since
    try:
        services.accept_answer(
            question_id=question.pk, by=request.user, answer_id=None if unaccept else answer.pk
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if unaccept:
            messages.success(request, _("The answer is no longer marked as accepted."))
        else:
            messages.success(
                request, _("You accepted this answer: the question now shows as answered.")
            )
    return redirect(back_url)


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("practice_write")
def document_question(request, slug: str):
    question = selectors.get_question_for(request.user, slug)
    if request.method == "GET":
        return redirect(f"{question.get_absolute_url()}#document")
    if not permissions.can_document_question(request.user, question):
        raise PermissionDenied
    try:
        practice = services.document_question(question_id=question.pk, by=request.user)
    except (DomainError, ValidationError) as error:
        refusal = error.message if isinstance(error, DomainError) else " ".join(error.messages)
        messages.error(request, refusal)
        return redirect(f"{question.get_absolute_url()}#document")
    messages.success(
        request,
        _(
            "Your draft contribution is ready, prefilled from the question and its best answers "
            "(their authors are credited). Complete it, then submit it for peer review."
        ),
    )
    return redirect("practices:edit", slug=practice.item.slug)
