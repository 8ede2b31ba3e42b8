"""The questions-and-answers API: who may call each operation, questions and answers as clients
read them, votes counted once and never on one's own, accepting, documenting, bad input and
filters as problem details, rate limits, the OpenAPI document and the cost of a list."""

import json
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from ninja import Schema

from govcommons.api.tests.helpers import assert_problem, bearer, call
from govcommons.core.models import Item, ItemKind, ItemStatus, Visibility
from govcommons.discussions import question_schemas, services
from govcommons.discussions.models import (
    BODY_MAX_LENGTH,
    Answer,
    AnswerCitation,
    AnswerVote,
    Question,
    QuestionVote,
)
from govcommons.notifications.models import Notification
from govcommons.practices.models import ContributionState, Practice
from govcommons.practices.tests.factories import write_draft, write_published

URL = "/api/v1/questions"
TITLE = "Has any city procured a 311 app under 100k EUR?"
CONTEXT = "We have a budget of 80k EUR and six months."
ANSWER = "Lyon did, for 60k EUR, with a two-lot tender."

# "member" wrote the answer each answer operation acts on; "asker" asked the question;
# "other_member" is a bystander.
ROLES = ["anonymous", "member", "asker", "other_member", "moderator"]


@dataclass
class Cast:
    question: Question
    answer: Answer
    member: object
    asker: object
    other_member: object
    moderator: object

    def __getitem__(self, role: str):
        return AnonymousUser() if role == "anonymous" else getattr(self, role)


@pytest.fixture
def cast(make_member, make_topic, moderator) -> Cast:
    asker = make_member(handle="claire", display_name="Claire Martin")
    member = make_member(handle="ada", display_name="Ada Lovelace")
    other_member = make_member(handle="bob", display_name="Bob Builder")
    question = services.ask_question(
        author=asker,
        title=TITLE,
        body=CONTEXT,
        topics=[make_topic(name="Procurement", slug="procurement")],
    )
    answer = services.post_answer(question_id=question.pk, author=member, body=ANSWER)
    return Cast(
        question=question,
        answer=answer,
        member=member,
        asker=asker,
        other_member=other_member,
        moderator=moderator,
    )


def fingerprint() -> tuple:
    """Everything a questions write may change; a refused call leaves it as it was."""
    return (
        list(Item.objects.order_by("pk").values_list("pk", "kind", "title", "summary", "status")),
        list(
            Question.objects.order_by("pk").values_list(
                "pk", "body", "answer_count", "score", "accepted_answer", "documented_in"
            )
        ),
        list(Question.topics.through.objects.order_by("pk").values_list("question_id", "topic_id")),
        list(
            Answer.objects.order_by("pk").values_list(
                "pk", "body", "score", "version", "removed_at"
            )
        ),
        list(QuestionVote.objects.order_by("pk").values_list("question_id", "member_id", "value")),
        list(AnswerVote.objects.order_by("pk").values_list("answer_id", "member_id", "value")),
        list(AnswerCitation.objects.order_by("pk").values_list("answer_id", "item_id")),
        Notification.objects.count(),
    )


def as_role(client, cast: Cast, role: str) -> None:
    if role != "anonymous":
        client.force_login(cast[role])


def question_url(cast: Cast, suffix: str = "") -> str:
    return f"{URL}/{cast.question.item.slug}{suffix}"


def answer_url(answer, suffix: str = "") -> str:
    return f"{URL}/answers/{answer.pk}{suffix}"


# --- The permission matrix ---------------------------------------------------------------------


def _list(cast):
    return "GET", URL, None


def _detail(cast):
    return "GET", question_url(cast), None


def _ask(cast):
    return "POST", URL, {"title": "Who runs a municipal chatbot in Finnish?", "body": "Anyone?"}


def _edit(cast):
    return "PATCH", question_url(cast), {"body": "Budget: 90k EUR."}


def _vote(cast):
    return "PUT", question_url(cast, "/vote"), {"value": 1}


def _answer(cast):
    return "POST", question_url(cast, "/answers"), {"body": "Ask Tampere, they did it."}


def _edit_answer(cast):
    return "PATCH", answer_url(cast.answer), {"body": "Lyon did, for 65k EUR.", "version": 1}


def _remove_answer(cast):
    return "DELETE", answer_url(cast.answer), None


def _vote_answer(cast):
    return "PUT", answer_url(cast.answer, "/vote"), {"value": -1}


def _accept(cast):
    return "PUT", question_url(cast, "/accepted"), {"answer_id": cast.answer.pk}


def _document(cast):
    return "POST", question_url(cast, "/document"), None


def statuses(ok: int, allowed: set[str], **special: int) -> dict[str, int]:
    """`allowed` roles get `ok`; other signed-in members 403; anonymous callers 401."""
    result = {
        role: 401 if role == "anonymous" else ok if role in allowed else 403 for role in ROLES
    }
    return {**result, **special}


SIGNED_IN = set(ROLES) - {"anonymous"}
ASKER_OR_MODERATOR = {"asker", "moderator"}

MATRIX = {
    "list": (_list, dict.fromkeys(ROLES, 200)),
    "detail": (_detail, dict.fromkeys(ROLES, 200)),
    "ask": (_ask, statuses(201, SIGNED_IN)),
    "edit": (_edit, statuses(200, ASKER_OR_MODERATOR)),
    # Voting on one's own question or answer is a refused request (400), not a missing right.
    "vote": (_vote, statuses(200, SIGNED_IN, asker=400)),
    "answer": (_answer, statuses(201, SIGNED_IN)),
    "edit_answer": (_edit_answer, statuses(200, {"member"})),
    "remove_answer": (_remove_answer, statuses(204, {"member", "moderator"})),
    "vote_answer": (_vote_answer, statuses(200, SIGNED_IN, member=400)),
    "accept": (_accept, statuses(200, ASKER_OR_MODERATOR)),
    "document": (_document, statuses(201, ASKER_OR_MODERATOR)),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", list(MATRIX))
def test_each_operation_answers_each_role_as_its_rule_says(client, cast, operation, role):
    setup, expected = MATRIX[operation]
    method, url, body = setup(cast)
    as_role(client, cast, role)
    before = fingerprint()

    response = call(client, method, url, body)

    status = expected[role]
    if status >= 400:
        assert_problem(response, status)
        assert fingerprint() == before
    else:
        assert response.status_code == status, response.content
        if status != 204:
            assert response["Content-Type"] == "application/json; charset=utf-8"
        assert (fingerprint() != before) == (method != "GET")


@pytest.mark.parametrize("status", [ItemStatus.DRAFT, ItemStatus.REMOVED])
@pytest.mark.parametrize("role", ["anonymous", "member", "other_member"])
@pytest.mark.parametrize("operation", [name for name in MATRIX if name != "ask"])
def test_an_unpublished_question_is_invisible_to_everyone_but_its_asker_and_moderators(
    client, cast, operation, role, status
):
    setup, _expected = MATRIX[operation]
    method, url, body = setup(cast)
    Item.objects.filter(pk=cast.question.pk).update(status=status)
    as_role(client, cast, role)
    before = fingerprint()

    response = call(client, method, url, body)

    if operation == "list":
        assert response.status_code == 200
        assert response.json() == {"items": [], "count": 0}
        return
    if role == "anonymous" and method != "GET":
        assert_problem(response, 401)
    else:
        assert assert_problem(response, 404)["detail"] == "Nothing is here."
    assert TITLE not in response.content.decode()
    assert ANSWER not in response.content.decode()
    assert fingerprint() == before


def test_a_removed_question_is_closed_for_its_asker_and_moderators(client, cast):
    Item.objects.filter(pk=cast.question.pk).update(status=ItemStatus.REMOVED)
    for who in (cast.asker, cast.moderator):
        client.force_login(who)
        assert client.get(question_url(cast)).json()["can_answer"] is False
        before = fingerprint()
        for method, url, body in (
            _edit(cast),
            _accept(cast),
            _document(cast),
            _answer(cast),
        ):
            problem = assert_problem(call(client, method, url, body), 400)
            assert "closed" in problem["detail"]
        assert fingerprint() == before
    client.force_login(cast.moderator)
    refused = assert_problem(call(client, "PUT", question_url(cast, "/vote"), {"value": 1}), 400)
    assert refused["detail"] == "That was removed: votes are closed."


def test_a_question_for_members_only_is_hidden_from_anonymous_readers(client, cast):
    Item.objects.filter(pk=cast.question.pk).update(visibility=Visibility.MEMBERS)
    assert_problem(client.get(question_url(cast)), 404)
    assert client.get(URL).json()["count"] == 0
    client.force_login(cast.other_member)
    assert client.get(question_url(cast)).json()["visibility"] == "members"
    assert client.get(URL).json()["count"] == 1


def test_unknown_questions_and_answers_are_404_problems(client, cast):
    client.force_login(cast.moderator)
    assert_problem(client.get(f"{URL}/no-such-question"), 404)
    for method, url, body in (
        ("PATCH", f"{URL}/no-such-question", {"title": "A real sentence here?"}),
        ("PUT", f"{URL}/no-such-question/vote", {"value": 1}),
        ("POST", f"{URL}/no-such-question/answers", {"body": "Hi"}),
        ("PUT", f"{URL}/no-such-question/accepted", {"answer_id": None}),
        ("POST", f"{URL}/no-such-question/document", None),
        ("PATCH", f"{URL}/answers/999999", {"body": "x", "version": 1}),
        ("DELETE", f"{URL}/answers/999999", None),
        ("PUT", f"{URL}/answers/999999/vote", {"value": 1}),
    ):
        assert_problem(call(client, method, url, body), 404)


def test_an_address_that_is_not_a_slug_is_a_4xx_problem_never_an_error(client, cast):
    client.force_login(cast.moderator)
    before = fingerprint()
    for method, url, body in (
        ("GET", f"{URL}/road%00works", None),
        ("GET", f"{URL}/caf%C3%A9", None),
        ("GET", f"{URL}/{'x' * 221}", None),
        ("POST", f"{URL}/road%00works/answers", {"body": "Hi"}),
        ("PUT", f"{URL}/road%00works/vote", {"value": 1}),
    ):
        if "%00" in url:
            # A NUL character is refused for the whole site before any view runs.
            assert_problem(call(client, method, url, body), 400)
            continue
        problem = assert_problem(call(client, method, url, body), 422)
        assert problem["errors"][0]["loc"] == ["path", "slug"]
    assert fingerprint() == before


def test_a_token_works_like_the_session_and_a_bad_token_is_refused(client, cast):
    response = call(
        client,
        "POST",
        question_url(cast, "/answers"),
        {"body": "Via the API."},
        **bearer(cast.other_member),
    )
    assert response.status_code == 201
    assert response.json()["author"] == {"handle": "bob", "display_name": "Bob Builder"}
    refused = client.get(URL, HTTP_AUTHORIZATION="Bearer gc_not-a-token")
    assert_problem(refused, 401)
    assert refused["WWW-Authenticate"] == "Bearer"


# --- Reading -----------------------------------------------------------------------------------


def test_a_question_embeds_its_answers_accepted_first_with_scores_and_my_votes(
    client, cast, make_member
):
    best = services.post_answer(
        question_id=cast.question.pk, author=cast.other_member, body="Reuse **Lyon's** tender."
    )
    gone = services.post_answer(question_id=cast.question.pk, author=make_member(), body="Spam")
    services.remove_answer(answer_id=gone.pk, by=cast.moderator)
    for voter in (make_member(), make_member()):
        services.vote_on_answer(answer_id=best.pk, member=voter, value=1)
    services.vote_on_answer(answer_id=best.pk, member=cast.moderator, value=-1)
    services.vote_on_answer(answer_id=cast.answer.pk, member=cast.moderator, value=1)
    services.vote_on_question(question_id=cast.question.pk, member=cast.moderator, value=1)
    services.accept_answer(question_id=cast.question.pk, by=cast.asker, answer_id=cast.answer.pk)
    client.force_login(cast.moderator)

    data = client.get(question_url(cast)).json()

    slug = cast.question.item.slug
    assert {k: v for k, v in data.items() if k not in {"answers", "published_at"}} == {
        "id": cast.question.pk,
        "revision": 0,
        "slug": slug,
        "title": TITLE,
        "summary": CONTEXT,
        "author": {"handle": "claire", "display_name": "Claire Martin"},
        "topics": [{"slug": "procurement", "name": "Procurement"}],
        "language": "en",
        "visibility": "public",
        "answer_count": 2,
        "score": 1,
        "answered": True,
        "comment_count": 0,
        "url": f"http://testserver/questions/{slug}/",
        "body": CONTEXT,
        "body_html": f"<p>{CONTEXT}</p>\n",
        "accepted_answer_id": cast.answer.pk,
        "discussion_locked": False,
        "documented_in": None,
        "my_vote": 1,
        "can_edit": True,
        "can_answer": True,
        "can_accept": True,
        "can_document": True,
    }
    accepted, other = data["answers"]
    assert {k: v for k, v in accepted.items() if k != "created_at"} == {
        "id": cast.answer.pk,
        "author": {"handle": "ada", "display_name": "Ada Lovelace"},
        "body": ANSWER,
        "body_html": f"<p>{ANSWER}</p>\n",
        "score": 1,
        "accepted": True,
        "edited_at": None,
        "version": 1,
        "my_vote": 1,
        "can_edit": False,
        "can_remove": True,
        "url": f"http://testserver/questions/{slug}/#answer-{cast.answer.pk}",
    }
    assert (other["id"], other["score"], other["accepted"], other["my_vote"]) == (
        best.pk,
        1,
        False,
        -1,
    )
    assert other["body_html"] == "<p>Reuse <strong>Lyon's</strong> tender.</p>\n"
    assert "Spam" not in json.dumps(data)


def test_anonymous_readers_see_no_votes_of_their_own_and_no_rights(client, cast):
    data = client.get(question_url(cast)).json()
    assert data["my_vote"] is None
    assert [a["my_vote"] for a in data["answers"]] == [None]
    assert (data["can_edit"], data["can_answer"], data["can_accept"]) == (False, False, False)
    client.force_login(cast.other_member)
    data = client.get(question_url(cast)).json()
    assert data["my_vote"] == 0
    assert [a["my_vote"] for a in data["answers"]] == [0]
    assert (data["can_edit"], data["can_answer"], data["can_accept"]) == (False, True, False)


def test_the_list_sorts_and_filters_like_the_page(client, cast, make_member, make_topic):
    water = make_topic(name="Water", slug="water")
    unanswered = services.ask_question(
        author=make_member(), title="Who meters water for 10,000 homes?", topics=[water]
    )
    voted = services.ask_question(author=make_member(), title="How do you staff a data team?")
    for voter in (make_member(), make_member()):
        services.vote_on_question(question_id=voted.pk, member=voter, value=1)
    practice = write_published(make_member(), title="Two-lot tenders")
    services.post_answer(
        question_id=voted.pk,
        author=make_member(),
        body=f"See /practices/{practice.item.slug}/ for how.",
    )

    def slugs(query=""):
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 200, response.content
        return [q["slug"] for q in response.json()["items"]]

    assert slugs() == [voted.item.slug, unanswered.item.slug, cast.question.item.slug]
    assert slugs("sort=unanswered") == [unanswered.item.slug]
    assert slugs("sort=votes")[0] == voted.item.slug
    assert slugs("topic=water") == [unanswered.item.slug]
    assert slugs(f"cites={practice.item.slug}") == [voted.item.slug]
    assert slugs("page=2&page_size=2") == [cast.question.item.slug]
    row = client.get(f"{URL}?sort=votes").json()["items"][0]
    assert (row["score"], row["answer_count"], row["answered"]) == (2, 1, False)
    assert "body" not in row


@pytest.mark.parametrize(
    "query",
    [
        "sort=random",
        "sort=",
        "topic=no-such-topic",
        "cites=no-such-practice",
        "page=0",
        "topic=road%00works",
        "cites=road%00works",
    ],
)
def test_the_list_refuses_unknown_filter_values_with_a_422_problem(client, cast, query):
    response = client.get(f"{URL}?{query}")
    body = assert_problem(response, 422)
    assert body["title"] == "Invalid input"


def test_cites_only_knows_contributions_the_caller_may_read(client, cast, make_member):
    draft = write_draft(make_member(), title="Not ready")
    hidden = write_published(make_member(), title="Verified only", visibility=Visibility.VERIFIED)
    for practice in (draft, hidden):
        assert_problem(client.get(f"{URL}?cites={practice.item.slug}"), 422)


def test_a_list_costs_the_same_queries_for_3_or_30_questions(
    client, cast, make_member, make_topic, django_assert_max_num_queries
):
    topics = [make_topic(name="Waste", slug="waste"), make_topic(name="Roads", slug="roads")]

    def ask_more(n):
        for i in range(n):
            services.ask_question(
                author=make_member(), title=f"Question number {i} about bins?", topics=topics
            )

    ask_more(2)
    client.force_login(cast.other_member)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).json()["count"] == 3
    ask_more(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        data = client.get(URL).json()
    assert data["count"] == 30
    assert len(data["items"]) == 20
    client.logout()
    with CaptureQueriesContext(connection) as anonymous:
        assert client.get(f"{URL}?sort=votes").json()["count"] == 30
    assert len(anonymous.captured_queries) <= len(few.captured_queries)


def test_a_question_page_costs_the_same_queries_for_1_or_12_answers(
    client, cast, make_member, django_assert_max_num_queries
):
    client.force_login(cast.other_member)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(question_url(cast)).json()["answers"]) == 1
    for n in range(11):
        answer = services.post_answer(
            question_id=cast.question.pk, author=make_member(), body=f"Answer {n}"
        )
        services.vote_on_answer(answer_id=answer.pk, member=cast.other_member, value=1)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(client.get(question_url(cast)).json()["answers"]) == 12


# --- Asking and editing ------------------------------------------------------------------------


def test_asking_publishes_the_question_at_once(client, cast, make_topic):
    make_topic(name="Chatbots", slug="chatbots")
    client.force_login(cast.other_member)
    response = call(
        client,
        "POST",
        URL,
        {
            "title": "Who runs a municipal chatbot in Finnish?",
            "body": "Ask @claire, she knows.",
            "topics": ["chatbots", "chatbots"],
        },
    )
    assert response.status_code == 201
    data = response.json()
    assert (data["slug"], data["answer_count"], data["answers"]) == (
        "who-runs-a-municipal-chatbot-in-finnish",
        0,
        [],
    )
    assert data["topics"] == [{"slug": "chatbots", "name": "Chatbots"}]
    assert f'href="{cast.asker.get_absolute_url()}"' in data["body_html"]
    assert Notification.objects.filter(recipient=cast.asker, key__startswith="mention:q").count()
    item = Item.objects.get(slug=data["slug"])
    assert (item.kind, item.status, item.author) == (
        ItemKind.QUESTION,
        ItemStatus.PUBLISHED,
        cast.other_member,
    )


def test_an_edit_changes_only_what_is_sent(client, cast, make_topic):
    make_topic(name="Budgets", slug="budgets")
    client.force_login(cast.asker)
    response = call(client, "PATCH", question_url(cast), {"topics": ["budgets"]})
    assert response.status_code == 200
    data = response.json()
    assert (data["title"], data["body"]) == (TITLE, CONTEXT)
    assert data["topics"] == [{"slug": "budgets", "name": "Budgets"}]
    data = call(client, "PATCH", question_url(cast), {"title": "Has any city bought a 311 app?"})
    assert data.json()["title"] == "Has any city bought a 311 app?"
    assert data.json()["topics"] == [{"slug": "budgets", "name": "Budgets"}]


BAD_QUESTIONS = {
    "short_title": ({"title": "Why?"}, 400, "title"),
    "long_title": ({"title": "x" * 201}, 400, "title"),
    "100_kb_context": ({"title": TITLE, "body": "word " * 20_480}, 400, "body"),
    "unknown_mention": ({"title": TITLE, "body": "Ask @nobody-here"}, 400, "body"),
    "unknown_topic": ({"title": TITLE, "topics": ["no-such-topic"]}, 422, "topics"),
    "nul": ({"title": "Has any city\x00 bought it?"}, 422, None),
    "missing_title": ({"body": "Hello"}, 422, "title"),
    "bad_language": ({"title": TITLE, "language": "klingon"}, 422, "language"),
}


@pytest.mark.parametrize("case", list(BAD_QUESTIONS))
def test_a_bad_question_is_a_problem_naming_the_field_and_nothing_is_saved(client, cast, case):
    body, status, field = BAD_QUESTIONS[case]
    client.force_login(cast.other_member)
    before = fingerprint()

    problem = assert_problem(call(client, "POST", URL, body), status)

    if status == 400:
        assert problem["field"] == field
    elif field:
        assert [e["loc"][-1] for e in problem["errors"]] == [field]
    assert fingerprint() == before


@pytest.mark.parametrize("case", ["short_title", "unknown_mention", "unknown_topic", "nul"])
def test_a_bad_edit_is_a_problem_and_keeps_the_question(client, cast, case):
    body, status, _field = BAD_QUESTIONS[case]
    client.force_login(cast.asker)
    before = fingerprint()
    assert_problem(call(client, "PATCH", question_url(cast), body), status)
    assert fingerprint() == before


# --- Answers -----------------------------------------------------------------------------------


def test_answering_notifies_the_asker_and_cites_linked_contributions(client, cast, make_member):
    practice = write_published(make_member(), title="Two-lot tenders")
    client.force_login(cast.other_member)
    response = call(
        client,
        "POST",
        question_url(cast, "/answers"),
        {"body": f"See [this](/practices/{practice.item.slug}/). <script>alert(1)</script>"},
    )
    assert response.status_code == 201
    data = response.json()
    assert (data["score"], data["accepted"], data["my_vote"], data["version"]) == (0, False, 0, 1)
    assert "<script>" not in data["body_html"]
    assert AnswerCitation.objects.filter(item=practice.item).count() == 1
    assert Notification.objects.filter(recipient=cast.asker, key=f"answer:a{data['id']}").exists()
    cast.question.refresh_from_db()
    assert cast.question.answer_count == 2


def test_a_locked_question_takes_answers_from_its_asker_only(client, cast):
    services.set_discussion_options(
        item_id=cast.question.pk, by=cast.moderator, locked=True, slow_mode_minutes=0
    )
    client.force_login(cast.other_member)
    assert client.get(question_url(cast)).json()["can_answer"] is False
    before = fingerprint()
    refused = call(client, "POST", question_url(cast, "/answers"), {"body": "Me too."})
    assert assert_problem(refused, 400)["detail"] == "This question is locked: no new answers."
    assert fingerprint() == before
    client.force_login(cast.asker)
    allowed = call(client, "POST", question_url(cast, "/answers"), {"body": "Solved, thanks."})
    assert allowed.status_code == 201


BAD_ANSWERS = {
    "empty": ({"body": ""}, 400, "Write something first: the text is empty."),
    "too_long": (
        {"body": "x" * (BODY_MAX_LENGTH + 1)},
        400,
        "Keep it under 20,000 characters (this has 20,001).",
    ),
    "100_kb": ({"body": "word " * 20_480}, 400, None),
    "unknown_mention": (
        {"body": "Ask @nobody-here about it"},
        400,
        "Nobody has the profile address @nobody-here. Check the spelling, or write it without "
        "the @.",
    ),
    "nul": ({"body": "Four\x00months"}, 422, None),
    "missing": ({}, 422, None),
    "not_text": ({"body": 42}, 422, None),
}


@pytest.mark.parametrize("case", list(BAD_ANSWERS))
def test_a_bad_answer_is_a_problem_naming_the_field_and_nothing_is_saved(client, cast, case):
    body, status, detail = BAD_ANSWERS[case]
    client.force_login(cast.other_member)
    before = fingerprint()

    problem = assert_problem(call(client, "POST", question_url(cast, "/answers"), body), status)

    if status == 400:
        assert problem["field"] == "body"
    if detail:
        assert problem["detail"] == detail
    assert fingerprint() == before


@pytest.mark.parametrize("case", ["empty", "100_kb", "unknown_mention", "nul"])
def test_a_bad_answer_edit_is_a_problem_and_keeps_the_answer(client, cast, case):
    body, status, _detail = BAD_ANSWERS[case]
    client.force_login(cast.member)
    before = fingerprint()
    assert_problem(call(client, "PATCH", answer_url(cast.answer), {**body, "version": 1}), status)
    assert fingerprint() == before


def test_an_answer_edit_from_a_stale_version_is_a_409_and_loses_nothing(client, cast):
    client.force_login(cast.member)
    first = call(client, "PATCH", answer_url(cast.answer), {"body": "65k EUR.", "version": 1})
    assert (first.json()["version"], first.json()["body"]) == (2, "65k EUR.")
    assert first.json()["edited_at"] is not None
    before = fingerprint()

    stale = call(client, "PATCH", answer_url(cast.answer), {"body": "70k EUR.", "version": 1})

    problem = assert_problem(stale, 409)
    assert (problem["field"], problem["current_version"]) == ("version", 2)
    assert problem["detail"] == (
        "This answer was edited since version 1: it is now at version 2. Nothing was saved. "
        "Read it again, merge your text and send it with version 2."
    )
    assert fingerprint() == before


def test_a_removed_answer_leaves_the_page_and_answers_404_to_edits(client, cast):
    services.accept_answer(question_id=cast.question.pk, by=cast.asker, answer_id=cast.answer.pk)
    client.force_login(cast.member)
    assert call(client, "DELETE", answer_url(cast.answer)).status_code == 204
    data = client.get(question_url(cast)).json()
    assert (data["answers"], data["answered"], data["answer_count"]) == ([], False, 0)
    before = fingerprint()
    for method, body in (("PATCH", {"body": "Back", "version": 1}), ("DELETE", None)):
        problem = assert_problem(call(client, method, answer_url(cast.answer), body), 404)
        assert problem["detail"] == "This answer was removed."
    assert fingerprint() == before


# --- Votes -------------------------------------------------------------------------------------


def test_votes_count_once_can_change_and_be_taken_back(client, cast):
    client.force_login(cast.other_member)
    url = answer_url(cast.answer, "/vote")

    first = call(client, "PUT", url, {"value": 1})
    again = call(client, "PUT", url, {"value": 1})

    assert first.json() == {"score": 1, "my_vote": 1}
    assert again.json() == {"score": 1, "my_vote": 1}
    assert AnswerVote.objects.count() == 1
    assert call(client, "PUT", url, {"value": -1}).json() == {"score": -1, "my_vote": -1}
    assert call(client, "PUT", url, {"value": 0}).json() == {"score": 0, "my_vote": 0}
    assert call(client, "PUT", url, {"value": 0}).json() == {"score": 0, "my_vote": 0}
    assert AnswerVote.objects.count() == 0
    question_vote = question_url(cast, "/vote")
    for _twice in range(2):
        assert call(client, "PUT", question_vote, {"value": 1}).json() == {
            "score": 1,
            "my_vote": 1,
        }
    assert QuestionVote.objects.count() == 1
    assert client.get(question_url(cast)).json()["my_vote"] == 1


def test_voting_on_ones_own_question_or_answer_is_refused_with_a_reason(client, cast):
    before = fingerprint()
    client.force_login(cast.asker)
    own_question = call(client, "PUT", question_url(cast, "/vote"), {"value": 1})
    client.force_login(cast.member)
    own_answer = call(client, "PUT", answer_url(cast.answer, "/vote"), {"value": 1})
    for response in (own_question, own_answer):
        assert assert_problem(response, 400)["detail"] == (
            "You cannot vote on what you wrote yourself."
        )
    assert fingerprint() == before


def test_votes_on_a_removed_answer_are_refused(client, cast):
    services.remove_answer(answer_id=cast.answer.pk, by=cast.moderator)
    client.force_login(cast.other_member)
    before = fingerprint()
    response = call(client, "PUT", answer_url(cast.answer, "/vote"), {"value": 1})
    assert assert_problem(response, 400)["detail"] == "That was removed: votes are closed."
    assert fingerprint() == before


@pytest.mark.parametrize("value", [2, -2, "up", None, 1.5])
def test_a_vote_is_up_down_or_back(client, cast, value):
    client.force_login(cast.other_member)
    before = fingerprint()
    for url in (question_url(cast, "/vote"), answer_url(cast.answer, "/vote")):
        problem = assert_problem(call(client, "PUT", url, {"value": value}), 422)
        assert problem["errors"][0]["loc"][-1] == "value"
    assert fingerprint() == before


# --- Accepting and documenting -----------------------------------------------------------------


def test_the_asker_accepts_an_answer_and_can_take_it_back(client, cast):
    client.force_login(cast.asker)
    accepted = call(client, "PUT", question_url(cast, "/accepted"), {"answer_id": cast.answer.pk})
    assert (accepted.json()["answered"], accepted.json()["accepted_answer_id"]) == (
        True,
        cast.answer.pk,
    )
    assert accepted.json()["answers"][0]["accepted"] is True
    assert Notification.objects.filter(
        recipient=cast.member, key=f"accepted:a{cast.answer.pk}"
    ).exists()
    taken_back = call(client, "PUT", question_url(cast, "/accepted"), {"answer_id": None})
    assert (taken_back.json()["answered"], taken_back.json()["accepted_answer_id"]) == (
        False,
        None,
    )


def test_accepting_an_answer_of_another_question_is_refused_naming_the_field(
    client, cast, make_member
):
    elsewhere = services.ask_question(author=make_member(), title="Another real question?")
    foreign = services.post_answer(question_id=elsewhere.pk, author=cast.member, body="Here.")
    client.force_login(cast.asker)
    before = fingerprint()
    for body, status in (
        ({"answer_id": foreign.pk}, 400),
        ({"answer_id": 10**20}, 400),
        ({}, 422),
        ({"answer_id": "first"}, 422),
    ):
        problem = assert_problem(call(client, "PUT", question_url(cast, "/accepted"), body), status)
        if status == 400:
            assert (problem["field"], problem["detail"]) == (
                "answer_id",
                "That answer is not one of this question's answers.",
            )
    assert fingerprint() == before


def test_a_question_becomes_a_draft_contribution_for_its_asker(client, cast):
    services.accept_answer(question_id=cast.question.pk, by=cast.asker, answer_id=cast.answer.pk)
    client.force_login(cast.asker)

    response = call(client, "POST", question_url(cast, "/document"))

    assert response.status_code == 201
    data = response.json()
    practice = Practice.objects.select_related("item").get(item__slug=data["slug"])
    assert data == {
        "slug": practice.item.slug,
        "title": TITLE.rstrip("?"),
        "url": f"http://testserver/practices/{practice.item.slug}/",
        "edit_url": f"http://testserver/practices/{practice.item.slug}/edit/",
    }
    assert (practice.state, practice.item.author) == (ContributionState.DRAFT, cast.asker)
    assert "Ada Lovelace" in practice.context
    assert client.get(question_url(cast)).json()["documented_in"]["slug"] == practice.item.slug
    client.force_login(cast.other_member)
    assert client.get(question_url(cast)).json()["documented_in"] is None


# --- Rate limits -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "operation"),
    [("question", _ask), ("answer", _answer), ("vote", _vote_answer), ("vote", _vote)],
)
def test_writes_are_rate_limited_with_a_429_problem(client, cast, settings, action, operation):
    settings.POSTING_RATE_LIMITS = {**settings.POSTING_RATE_LIMITS, action: "1/h"}
    client.force_login(cast.other_member)
    method, url, body = operation(cast)
    assert call(client, method, url, body).status_code in {200, 201}
    before = fingerprint()
    problem = assert_problem(call(client, method, url, body), 429)
    assert problem["detail"] == "Slow down and try again shortly."
    assert fingerprint() == before


# --- OpenAPI -----------------------------------------------------------------------------------

OPERATIONS = {
    "/api/v1/questions": {"get", "post"},
    "/api/v1/questions/{slug}": {"get", "patch"},
    "/api/v1/questions/{slug}/vote": {"put"},
    "/api/v1/questions/{slug}/answers": {"post"},
    "/api/v1/questions/{slug}/accepted": {"put"},
    "/api/v1/questions/{slug}/document": {"post"},
    "/api/v1/questions/answers/{answer_id}": {"patch", "delete"},
    "/api/v1/questions/answers/{answer_id}/vote": {"put"},
}


def test_openapi_documents_every_question_operation_with_problems(client, db):
    schema = client.get("/api/openapi.json").json()
    paths = {p: ops for p, ops in schema["paths"].items() if p.startswith("/api/v1/questions")}
    assert {p: set(ops) for p, ops in paths.items()} == OPERATIONS
    problem = {"$ref": "#/components/schemas/Problem"}
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert operation["summary"], path
            assert "Permission" in operation["description"], path
            responses = operation["responses"]
            assert responses["401"]["content"]["application/json"]["schema"] == problem, path
            if method != "get":
                for status in ("400", "403", "404", "409", "422", "429"):
                    content = responses[status]["content"]["application/json"]
                    assert content["schema"] == problem, (path, status)
                assert operation["security"], path
            else:
                assert operation.get("security") is None, path
    detail = schema["components"]["schemas"]["QuestionDetailOut"]["properties"]
    assert {"answers", "my_vote", "accepted_answer_id"} <= set(detail)


def test_openapi_shapes_are_ours_not_a_namesake_from_another_app(client, db):
    """Components are named by class name: a namesake elsewhere would replace our shape."""
    components = client.get("/api/openapi.json").json()["components"]["schemas"]
    for shape in vars(question_schemas).values():
        if isinstance(shape, type) and issubclass(shape, Schema) and shape.__name__ in components:
            assert set(components[shape.__name__]["properties"]) == set(shape.model_fields), shape


def test_an_api_edit_that_sends_an_old_revision_is_a_409_and_changes_nothing(client, cast):
    client.force_login(cast.asker)
    url = question_url(cast)
    revision = client.get(url).json()["revision"]
    assert call(client, "PATCH", url, {"body": "First", "revision": revision}).status_code == 200

    stale = call(client, "PATCH", url, {"body": "Second", "revision": revision})

    assert_problem(stale, 409)
    assert client.get(url).json()["body"] == "First"
