"""The questions board's pages: reading, sorting and filtering, asking, answering, voting,
accepting, editing, removing, turning a question into a draft; who is refused; bad input that
keeps the text; rate limits; bounded query counts."""

import html
import re
from dataclasses import dataclass

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from govcommons.core.models import Item, ItemStatus
from govcommons.discussions import services
from govcommons.discussions.models import Answer, AnswerVote, Question, QuestionVote
from govcommons.practices.models import Practice
from govcommons.practices.tests.factories import write_published

QUESTION = "Has any city procured a 311 app under 100k EUR?"


@dataclass
class Cast:
    asker: object
    answerer: object
    member: object
    moderator: object


@pytest.fixture
def cast(make_member, moderator) -> Cast:
    return Cast(
        asker=make_member(display_name="Asha Asker"),
        answerer=make_member(display_name="Anton Answerer"),
        member=make_member(display_name="Mia Member"),
        moderator=moderator,
    )


def ask(author, title=QUESTION, body="We have a budget of 80k EUR.", topics=()):
    return services.ask_question(author=author, title=title, body=body, topics=topics)


def answer(question, author, body="Lyon did, for 60k EUR."):
    return services.post_answer(question_id=question.pk, author=author, body=body)


def page(response) -> str:
    return response.content.decode()


def text(response) -> str:
    """The page as a reader sees it: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page(response))).split())


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def field_error(response, field_id: str) -> str:
    """The error shown beside one field (components/field.html), as text."""
    match = re.search(
        rf'<p class="field__error" id="{re.escape(field_id)}-error"><strong>Error:</strong> '
        r"([^<]*)</p>",
        page(response),
    )
    return html.unescape(match.group(1)) if match else ""


def textarea(response, field_id: str) -> str:
    match = re.search(
        rf'<textarea[^>]*id="{re.escape(field_id)}"[^>]*>(.*?)</textarea>', page(response), re.S
    )
    return html.unescape(match.group(1)).lstrip("\n") if match else ""


def detail_url(question) -> str:
    return reverse("discussions:question", args=[question.item.slug])


def titles_in_order(response) -> list[str]:
    return [
        html.unescape(t)
        for t in re.findall(r'<h3 class="qa-card__title"><a [^>]*>([^<]*)</a>', page(response))
    ]


def signed_in_as(client, user):
    if user is not None:
        client.force_login(user)
    return client


# --- Reading ------------------------------------------------------------------------------------


def test_anyone_reads_the_list_and_a_question_but_is_asked_to_sign_in_to_answer(client, cast):
    question = ask(cast.asker, body="Our **budget** is 80k EUR.")
    answer(question, cast.answerer, "Lyon did, for *60k* EUR.")

    listing = client.get(reverse("discussions:questions"))
    detail = client.get(detail_url(question))

    assert listing.status_code == 200
    assert "Ask the community" in text(listing)
    assert titles_in_order(listing) == [QUESTION]
    assert detail.status_code == 200
    assert "<strong>budget</strong>" in page(detail)
    assert "<em>60k</em>" in page(detail)
    assert "Sign in to answer." in text(detail)
    assert 'id="answer-body"' not in page(detail)


def test_the_list_sorts_by_newest_unanswered_and_most_voted(client, cast):
    older = ask(cast.asker, title="How do you staff a municipal data team?")
    answered = ask(cast.asker, title="Who runs a chatbot for building permits?")
    newest = ask(cast.asker, title="Which tender template works for a 311 app?")
    answer(answered, cast.answerer)
    services.vote_on_question(question_id=older.pk, member=cast.member, value=1)
    services.vote_on_question(question_id=older.pk, member=cast.answerer, value=1)
    services.vote_on_question(question_id=answered.pk, member=cast.member, value=1)
    url = reverse("discussions:questions")

    newest_first = client.get(url)
    unanswered = client.get(url, {"sort": "unanswered"})
    most_voted = client.get(url, {"sort": "votes"})

    titles = [q.item.title for q in (newest, answered, older)]
    assert titles_in_order(newest_first) == titles
    assert titles_in_order(unanswered) == [newest.item.title, older.item.title]
    assert titles_in_order(most_voted) == [older.item.title, answered.item.title, newest.item.title]
    assert re.search(r'<a href="[^"]*sort=unanswered" aria-current="page">', page(unanswered))
    assert "2 questions waiting for an answer" in text(unanswered)


def test_the_unanswered_tab_says_what_to_do_when_everything_is_answered(client, cast):
    answer(ask(cast.asker), cast.answerer)

    response = client.get(reverse("discussions:questions"), {"sort": "unanswered"})

    assert titles_in_order(response) == []
    assert "Every question has an answer" in text(response)
    assert f'href="{reverse("discussions:ask")}"' in page(response)


def test_the_topic_filter_works_as_a_form_and_as_an_htmx_swap(client, cast, make_topic):
    procurement = make_topic(name="Procurement", slug="procurement")
    ask(cast.asker, title="Which tender template works for a 311 app?", topics=[procurement])
    ask(cast.asker, title="How do you staff a municipal data team?")
    url = reverse("discussions:questions")

    full = client.get(url, {"topic": "procurement"})
    swapped = client.get(url, {"topic": "procurement", "sort": "votes"}, HTTP_HX_REQUEST="true")
    unknown = client.get(url, {"topic": "no-such-topic"})

    assert titles_in_order(full) == ["Which tender template works for a 311 app?"]
    assert '<option value="procurement" selected>' in page(full)
    assert "Topic: Procurement" in text(full)
    assert "<html" not in page(swapped)
    assert titles_in_order(swapped) == ["Which tender template works for a 311 app?"]
    # The sort tabs are swapped too, so that they keep the topic.
    assert 'hx-swap-oob="true"' in page(swapped)
    assert (
        "topic=procurement" in re.search(r'<nav class="qa-tabs".*?</nav>', page(swapped), re.S)[0]
    )
    assert len(titles_in_order(unknown)) == 2


def test_an_empty_topic_invites_to_ask_the_first_question(client, cast, make_topic):
    make_topic(name="Open data", slug="open-data")

    response = client.get(reverse("discussions:questions"), {"topic": "open-data"})

    assert "No question on Open data yet" in text(response)
    assert f'href="{reverse("discussions:ask")}?topic=open-data"' in page(response)


def test_the_cites_filter_lists_questions_whose_answers_cite_a_contribution(client, cast, settings):
    practice = write_published(cast.member, title="Potholes fixed in a week")
    citing = ask(cast.asker, title="Who fixes potholes quickly and how?")
    ask(cast.asker, title="How do you staff a municipal data team?")
    answer(citing, cast.answerer, f"See {settings.SITE_URL}/practices/{practice.item.slug}/")
    url = reverse("discussions:questions")

    response = client.get(url, {"cites": practice.item.slug})
    missing = client.get(url, {"cites": "no-such-practice"})

    assert titles_in_order(response) == ["Who fixes potholes quickly and how?"]
    assert (
        f'Questions whose answers cite “<a href="{practice.get_absolute_url()}">'
        "Potholes fixed in a week</a>”"
    ) in page(response)
    assert f'<a class="chip" href="{url}">' in page(response)
    assert missing.status_code == 404


def test_a_contribution_nobody_cites_says_so(client, cast):
    practice = write_published(cast.member, title="Potholes fixed in a week")

    response = client.get(reverse("discussions:questions"), {"cites": practice.item.slug})

    assert "No answer cites this contribution yet" in text(response)


def test_answered_questions_carry_a_badge_in_the_list_and_on_their_page(client, cast):
    question = ask(cast.asker)
    ask(cast.asker, title="How do you staff a municipal data team?")
    good = answer(question, cast.answerer)
    services.accept_answer(question_id=question.pk, by=cast.asker, answer_id=good.pk)

    listing = page(client.get(reverse("discussions:questions")))
    detail = client.get(detail_url(question))

    assert listing.count('qa-badge--answered">') == 1
    assert 'class="qa-card qa-card--answered"' in listing
    assert "Answered Go to the accepted answer" in text(detail)
    assert "Accepted answer" in text(detail)


def test_the_list_paginates_by_twenty(client, cast):
    for n in range(21):
        ask(cast.asker, title=f"Question number {n:02d} about procurement")

    first = client.get(reverse("discussions:questions"))
    second = client.get(reverse("discussions:questions"), {"page": 2})

    assert len(titles_in_order(first)) == 20
    assert titles_in_order(second) == ["Question number 00 about procurement"]
    assert "Page 2 of 2" in text(second)


def test_a_removed_question_is_not_found_except_by_moderators(client, cast):
    question = ask(cast.asker)
    Item.objects.filter(pk=question.pk).update(status=ItemStatus.REMOVED)
    url = detail_url(question)

    assert signed_in_as(client, cast.member).get(url).status_code == 404
    assert titles_in_order(client.get(reverse("discussions:questions"))) == []
    refused = client.post(
        reverse("discussions:answer_post", args=[question.item.slug]), {"body": "Hello there"}
    )
    assert refused.status_code == 404
    assert signed_in_as(client, cast.moderator).get(url).status_code == 200


# --- Signing in to write --------------------------------------------------------------------------


def _write_requests(question, reply):
    slug = question.item.slug
    return [
        ("get", reverse("discussions:ask"), {}),
        ("post", reverse("discussions:ask"), {"title": "A new question from nobody"}),
        ("post", reverse("discussions:answer_post", args=[slug]), {"body": "Anonymous answer"}),
        ("post", reverse("discussions:question_vote", args=[slug]), {"value": "1"}),
        ("post", reverse("discussions:answer_vote", args=[reply.pk]), {"value": "1"}),
        ("post", reverse("discussions:answer_accept", args=[reply.pk]), {}),
        ("post", reverse("discussions:question_document", args=[slug]), {}),
        ("get", reverse("discussions:question_edit", args=[slug]), {}),
        ("get", reverse("discussions:answer_edit", args=[reply.pk]), {}),
        ("get", reverse("discussions:answer_remove", args=[reply.pk]), {}),
    ]


def test_anonymous_visitors_are_sent_to_sign_in_to_ask_answer_or_vote(client, cast):
    question = ask(cast.asker)
    reply = answer(question, cast.answerer)

    for method, url, data in _write_requests(question, reply):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url

    assert Question.objects.count() == 1
    assert Answer.objects.count() == 1
    assert not QuestionVote.objects.exists()
    assert not AnswerVote.objects.exists()
    question.refresh_from_db()
    assert question.accepted_answer_id is None
    assert question.documented_in_id is None


def test_after_signing_in_a_vote_link_leads_back_to_the_answer(client, cast):
    question = ask(cast.asker)
    reply = answer(question, cast.answerer)
    client.force_login(cast.member)

    response = client.get(reverse("discussions:answer_vote", args=[reply.pk]))

    assert response.status_code == 302
    assert response["Location"] == f"{detail_url(question)}#answer-{reply.pk}"
    assert not AnswerVote.objects.exists()


# --- Asking and editing a question --------------------------------------------------------------


def test_a_member_asks_a_question_with_topics(client, cast, make_topic):
    procurement = make_topic(name="Procurement")
    client.force_login(cast.asker)

    form = client.get(reverse("discussions:ask"), {"topic": procurement.slug})
    response = client.post(
        reverse("discussions:ask"),
        {
            "title": QUESTION,
            "body": "Budget **80k**.",
            "topics": [procurement.pk],
            "language": "fr",
        },
    )

    assert re.search(rf'<input [^>]*value="{procurement.pk}"[^>]*checked', page(form))
    question = Question.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(question)
    assert question.item.author == cast.asker
    assert question.item.language == "fr"
    assert list(question.topics.all()) == [procurement]
    detail = client.get(response["Location"])
    assert "Your question is published." in text(detail)
    assert '<h1 id="question-title" lang="fr">' in page(detail)


@pytest.mark.parametrize(
    ("title", "error"),
    [
        ("", "Write the title as one clear sentence of at least 10 characters."),
        ("x" * 201, "Keep the title under 200 characters; put the details below."),
    ],
)
def test_a_bad_title_is_refused_beside_the_field_and_keeps_the_text(client, cast, title, error):
    client.force_login(cast.asker)
    details = "We have a budget of 80k EUR and <three> months."

    response = client.post(reverse("discussions:ask"), {"title": title, "body": details})

    assert response.status_code == 400
    assert field_error(response, "id_title") == error
    assert textarea(response, "id_body") == details
    kept = re.search(r'<input [^>]*name="title"(?: value="([^"]*)")?', page(response))[1]
    assert (kept or "") == title
    assert not Question.objects.exists()


def test_the_asker_and_moderators_edit_a_question_others_are_refused(client, cast, make_topic):
    question = ask(cast.asker)
    url = reverse("discussions:question_edit", args=[question.item.slug])
    new = {"title": "Has any town procured a 311 app under 50k EUR?", "body": "Now 50k."}

    assert signed_in_as(client, cast.member).get(url).status_code == 403
    assert client.post(url, new).status_code == 403
    question.refresh_from_db()
    assert question.item.title == QUESTION

    assert signed_in_as(client, cast.asker).get(url).status_code == 200
    refused = client.post(url, {"title": "Short", "body": "Kept text"})
    assert refused.status_code == 400
    assert textarea(refused, "id_body") == "Kept text"
    saved = client.post(url, new)
    assert saved.status_code == 302
    question = Question.objects.select_related("item").get()
    assert question.item.title == new["title"]
    assert question.body == "Now 50k."

    moderated = signed_in_as(client, cast.moderator).post(url, {**new, "body": "Tidied."})
    assert moderated.status_code == 302


# --- Answering ------------------------------------------------------------------------------------


def test_a_member_answers_and_lands_on_the_answer(client, cast):
    question = ask(cast.asker)
    client.force_login(cast.answerer)

    response = client.post(
        reverse("discussions:answer_post", args=[question.item.slug]),
        {"body": "Lyon did, for 60k EUR."},
    )

    reply = Answer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{detail_url(question)}#answer-{reply.pk}"
    detail = client.get(response["Location"])
    assert "Thank you: your answer is posted." in text(detail)
    assert f'id="answer-{reply.pk}"' in page(detail)
    assert "1 answer" in text(detail)


def test_an_answer_of_100_kb_is_refused_and_the_text_is_kept(client, cast):
    question = ask(cast.asker)
    client.force_login(cast.answerer)
    long_text = "Procurement notes. " * 5200 + "THE-END-MARKER"

    response = client.post(
        reverse("discussions:answer_post", args=[question.item.slug]), {"body": long_text}
    )

    assert response.status_code == 400
    assert field_error(response, "answer-body").startswith("Keep it under 20,000 characters")
    assert textarea(response, "answer-body") == long_text
    assert not Answer.objects.exists()


def test_an_empty_answer_is_refused_beside_the_field(client, cast):
    question = ask(cast.asker)
    client.force_login(cast.answerer)

    response = client.post(
        reverse("discussions:answer_post", args=[question.item.slug]), {"body": "   "}
    )

    assert response.status_code == 400
    assert field_error(response, "answer-body") == "Write something first: the text is empty."
    assert not Answer.objects.exists()


def test_html_and_script_in_questions_and_answers_are_escaped(client, cast):
    question = ask(
        cast.asker,
        title="<script>alert(1)</script> Who procured a 311 app?",
        body="<script>alert(2)</script> **Budget** <img src=x onerror=alert(3)>",
    )
    answer(question, cast.answerer, '<script>alert(4)</script><a href="javascript:alert(5)">x</a>')

    detail = page(client.get(detail_url(question)))
    listing = page(client.get(reverse("discussions:questions")))

    assert "&lt;script&gt;alert(1)&lt;/script&gt; Who procured a 311 app?" in detail
    assert "&lt;script&gt;alert(1)" in listing
    for snippet in ("<script>alert", "<img src=x onerror", '<a href="javascript:'):
        assert snippet not in detail
        assert snippet not in listing
    assert "<strong>Budget</strong>" in detail


def test_a_locked_question_refuses_answers_and_keeps_the_text(client, cast):
    question = ask(cast.asker)
    services.set_discussion_options(
        item_id=question.pk, by=cast.asker, locked=True, slow_mode_minutes=0
    )
    client.force_login(cast.answerer)

    form = client.get(detail_url(question))
    response = client.post(
        reverse("discussions:answer_post", args=[question.item.slug]),
        {"body": "My answer written before the lock"},
    )

    assert "This question is locked: no new answers." in text(form)
    assert 'id="answer-body"' not in page(form)
    assert response.status_code == 400
    assert "This question is locked: no new answers." in text(response)
    assert textarea(response, "answer-body") == "My answer written before the lock"
    assert not Answer.objects.exists()


def test_answers_beyond_thirty_go_to_a_second_page(client, cast, make_member):
    question = ask(cast.asker)
    for n in range(30):
        answer(question, make_member(), f"Answer number {n}")
    client.force_login(cast.answerer)

    response = client.post(
        reverse("discussions:answer_post", args=[question.item.slug]), {"body": "The 31st"}
    )

    reply = Answer.objects.get(body="The 31st")
    assert response["Location"] == f"{detail_url(question)}?page=2#answer-{reply.pk}"
    first = client.get(detail_url(question))
    second = client.get(response["Location"])
    assert len(re.findall(r'<li class="qa-answer[ "]', page(first))) == 30
    assert "31 answers" in text(first)
    assert f'id="answer-{reply.pk}"' in page(second)
    assert "Page 2 of 2" in text(second)


# --- Votes ----------------------------------------------------------------------------------------


def test_a_vote_counts_once_shows_as_pressed_and_is_withdrawn_by_pressing_again(client, cast):
    question = ask(cast.asker)
    reply = answer(question, cast.answerer)
    url = reverse("discussions:answer_vote", args=[reply.pk])
    client.force_login(cast.member)

    first = client.post(url, {"value": "1"})
    client.post(url, {"value": "1"})
    reply.refresh_from_db()
    detail = page(client.get(detail_url(question)))

    assert first.status_code == 302
    assert first["Location"] == f"{detail_url(question)}#answer-{reply.pk}"
    assert reply.score == 1
    assert AnswerVote.objects.filter(answer=reply, member=cast.member).count() == 1
    # The pressed "up" button now withdraws (value 0); "down" still votes down.
    up = re.search(rf'<button [^>]*id="answer-{reply.pk}-vote-up"[^>]*>', detail)[0]
    down = re.search(rf'<button [^>]*id="answer-{reply.pk}-vote-down"[^>]*>', detail)[0]
    assert 'aria-pressed="true"' in up
    assert 'value="0"' in up
    assert 'aria-pressed="false"' in down
    assert 'value="-1"' in down

    client.post(url, {"value": "0"})
    reply.refresh_from_db()
    assert reply.score == 0
    assert not AnswerVote.objects.exists()


def test_voting_on_ones_own_answer_or_question_is_refused_with_a_clear_message(client, cast):
    question = ask(cast.asker)
    reply = answer(question, cast.answerer)

    client.force_login(cast.answerer)
    own_answer = client.post(
        reverse("discussions:answer_vote", args=[reply.pk]), {"value": "1"}, follow=True
    )
    client.force_login(cast.asker)
    own_question = client.post(
        reverse("discussions:question_vote", args=[question.item.slug]),
        {"value": "1"},
        HTTP_HX_REQUEST="true",
    )

    assert "You cannot vote on what you wrote yourself." in text(own_answer)
    assert own_question.status_code == 200
    assert "You cannot vote on what you wrote yourself." in text(own_question)
    assert not AnswerVote.objects.exists()
    assert not QuestionVote.objects.exists()
    reply.refresh_from_db()
    assert reply.score == 0


def test_an_authors_own_post_shows_its_score_without_vote_buttons(client, cast):
    question = ask(cast.asker)
    reply = answer(question, cast.answerer)
    client.force_login(cast.answerer)

    detail = page(client.get(detail_url(question)))

    assert f'id="answer-{reply.pk}-vote-up"' not in detail
    assert 'id="question-vote-up"' in detail


def test_an_htmx_vote_swaps_only_the_widget_and_announces_the_score(client, cast):
    question = ask(cast.asker)
    client.force_login(cast.member)

    response = client.post(
        reverse("discussions:question_vote", args=[question.item.slug]),
        {"value": "-1"},
        HTTP_HX_REQUEST="true",
    )

    body = page(response)
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<div class="qa-vote qa-vote--down" id="question-vote">')
    assert (
        '<span id="qa-vote-status" hx-swap-oob="innerHTML">Your vote is counted. Score: -1.' in body
    )
    question.refresh_from_db()
    assert question.score == -1


def test_a_vote_that_is_neither_up_nor_down_is_refused(client, cast):
    question = ask(cast.asker)
    client.force_login(cast.member)

    response = client.post(
        reverse("discussions:question_vote", args=[question.item.slug]), {"value": "5"}
    )

    assert messages_of(response) == ["A vote is up, down or withdrawn."]
    assert not QuestionVote.objects.exists()


def test_a_vote_on_a_removed_answer_is_refused(client, cast):
    question = ask(cast.asker)
    reply = answer(question, cast.answerer)
    services.remove_answer(answer_id=reply.pk, by=cast.answerer)
    client.force_login(cast.member)

    response = client.post(reverse("discussions:answer_vote", args=[reply.pk]), {"value": "1"})

    assert messages_of(response) == ["That was removed: votes are closed."]
    assert not AnswerVote.objects.exists()


# --- Accepting ------------------------------------------------------------------------------------


def test_only_the_asker_accepts_and_the_accepted_answer_comes_first(client, cast, make_member):
    question = ask(cast.asker)
    popular = answer(question, cast.answerer, "Popular but not the fix")
    quiet = answer(question, cast.member, "The quiet fix")
    services.vote_on_answer(answer_id=popular.pk, member=make_member(), value=1)
    url = reverse("discussions:answer_accept", args=[quiet.pk])

    assert signed_in_as(client, cast.answerer).post(url).status_code == 403
    question.refresh_from_db()
    assert question.accepted_answer_id is None
    before = page(client.get(detail_url(question)))
    assert "Accept this answer" not in before

    client.force_login(cast.asker)
    asker_view = page(client.get(detail_url(question)))
    accepted = client.post(url)
    question.refresh_from_db()
    detail = page(client.get(detail_url(question)))

    assert asker_view.count("Accept this answer") == 2
    assert accepted["Location"] == f"{detail_url(question)}#answer-{quiet.pk}"
    assert question.accepted_answer_id == quiet.pk
    assert detail.index("The quiet fix") < detail.index("Popular but not the fix")
    assert f'class="qa-answer qa-answer--accepted" id="answer-{quiet.pk}"' in detail

    client.post(url, {"action": "unaccept"})
    question.refresh_from_db()
    assert question.accepted_answer_id is None


def test_a_moderator_may_accept_an_answer(client, cast):
    question = ask(cast.asker)
    reply = answer(question, cast.answerer)
    client.force_login(cast.moderator)

    client.post(reverse("discussions:answer_accept", args=[reply.pk]))

    question.refresh_from_db()
    assert question.accepted_answer_id == reply.pk


# --- Editing and removing answers -----------------------------------------------------------------


def test_only_the_author_edits_an_answer_and_it_shows_as_edited(client, cast):
    question = ask(cast.asker)
    reply = answer(question, cast.answerer)
    url = reverse("discussions:answer_edit", args=[reply.pk])

    for other in (cast.asker, cast.member, cast.moderator):
        client.force_login(other)
        assert client.get(url).status_code == 403
        assert client.post(url, {"body": "Hijacked", "version": "1"}).status_code == 403

    client.force_login(cast.answerer)
    form = client.get(url)
    saved = client.post(url, {"body": "Lyon did, for 58k EUR.", "version": "1"})
    reply.refresh_from_db()

    assert textarea(form, "id_body") == "Lyon did, for 60k EUR."
    assert saved["Location"] == f"{detail_url(question)}#answer-{reply.pk}"
    assert reply.body == "Lyon did, for 58k EUR."
    assert "edited" in text(client.get(detail_url(question)))


def test_an_edit_of_an_older_version_is_refused_and_keeps_the_text(client, cast):
    question = ask(cast.asker)
    reply = answer(question, cast.answerer)
    url = reverse("discussions:answer_edit", args=[reply.pk])
    client.force_login(cast.answerer)
    services.edit_answer(
        answer_id=reply.pk, editor=cast.answerer, body="Edited in another tab", version=1
    )

    stale = client.post(url, {"body": "My careful rewrite", "version": "1"})

    assert stale.status_code == 409
    assert field_error(stale, "id_body").startswith("This answer was changed since you opened it.")
    assert textarea(stale, "id_body") == "My careful rewrite"
    assert "Edited in another tab" in text(stale)
    assert 'name="version" value="2"' in page(stale)
    reply.refresh_from_db()
    assert reply.body == "Edited in another tab"

    again = client.post(url, {"body": "My careful rewrite", "version": "2"})
    reply.refresh_from_db()
    assert again.status_code == 302
    assert reply.body == "My careful rewrite"


def test_the_author_or_a_moderator_removes_an_answer_and_it_disappears(client, cast):
    question = ask(cast.asker)
    reply = answer(question, cast.answerer, "An answer about to go")
    url = reverse("discussions:answer_remove", args=[reply.pk])

    client.force_login(cast.member)
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403

    client.force_login(cast.answerer)
    confirm = client.get(url)
    removed = client.post(url)
    question.refresh_from_db()
    detail = client.get(detail_url(question))

    assert "An answer about to go" in text(confirm)
    assert "Remove your answer?" in text(confirm)
    assert removed["Location"] == f"{detail_url(question)}#answers"
    assert "An answer about to go" not in text(detail)
    assert "0 answers" in text(detail)
    assert question.answer_count == 0
    assert client.get(url).status_code == 404
    assert client.get(reverse("discussions:answer_edit", args=[reply.pk])).status_code == 404

    other = answer(question, cast.member, "Another answer")
    client.force_login(cast.moderator)
    assert client.post(reverse("discussions:answer_remove", args=[other.pk])).status_code == 302
    assert Answer.objects.get(pk=other.pk).is_removed


# --- Turning a question into a draft contribution -------------------------------------------------


def test_only_the_asker_turns_the_question_into_a_draft(client, cast):
    question = ask(cast.asker)
    answer(question, cast.answerer, "Tender in two lots.")
    url = reverse("discussions:question_document", args=[question.item.slug])

    client.force_login(cast.member)
    assert "Turn this into a draft contribution" not in page(client.get(detail_url(question)))
    assert client.post(url).status_code == 403
    assert not Practice.objects.exists()

    client.force_login(cast.asker)
    assert "Turn this into a draft contribution" in page(client.get(detail_url(question)))
    response = client.post(url)

    practice = Practice.objects.select_related("item").get()
    assert response.status_code == 302
    assert response["Location"] == reverse("practices:edit", args=[practice.item.slug])
    assert practice.item.author == cast.asker
    assert practice.item.status == ItemStatus.DRAFT
    assert "Your draft contribution is ready" in messages_of(response)[0]
    detail = client.get(detail_url(question))
    assert f"Documented as: {practice.item.title}" in text(detail)
    assert "Turn this into a draft contribution" not in page(detail)
    # Other members cannot see the draft: no link to it.
    client.force_login(cast.member)
    assert "Documented as" not in text(client.get(detail_url(question)))


# --- Comments under the question ----------------------------------------------------------------


def test_the_question_page_carries_its_discussion(client, cast):
    question = ask(cast.asker)
    services.post_comment(item_id=question.pk, author=cast.member, body="Which country?")

    response = client.get(detail_url(question))

    assert 'id="discussion"' in page(response)
    assert "Which country?" in text(response)


# --- Rate limits -------------------------------------------------------------------------------


def test_posting_too_fast_is_refused_with_the_429_page(client, cast, settings):
    settings.POSTING_RATE_LIMITS = {**settings.POSTING_RATE_LIMITS, "answer": "2/h", "vote": "1/h"}
    question = ask(cast.asker)
    client.force_login(cast.answerer)
    url = reverse("discussions:answer_post", args=[question.item.slug])

    statuses = [client.post(url, {"body": f"Answer {n}"}).status_code for n in range(3)]
    vote_url = reverse("discussions:question_vote", args=[question.item.slug])
    votes = [client.post(vote_url, {"value": "1"}).status_code for _ in range(2)]

    assert statuses == [302, 302, 429]
    assert Answer.objects.count() == 2
    assert votes == [302, 429]


# --- Bounded queries ------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_runs_the_same_queries_for_3_or_30_questions(
    client, cast, make_member, make_organization, make_topic, django_assert_max_num_queries
):
    topics = [make_topic(), make_topic()]
    for n in range(3):
        ask(cast.asker, title=f"Question number {n:02d} on tenders", topics=topics)
    client.force_login(cast.member)
    url = reverse("discussions:questions")
    few = _queries(client, url)

    for n in range(3, 30):
        # Askers from different organisations: each card names its own.
        asker = make_member(organization=make_organization())
        question = ask(asker, title=f"Question number {n:02d} on tenders")
        question.topics.set(topics)
        answer(question, cast.answerer)

    with django_assert_max_num_queries(few):
        assert len(titles_in_order(client.get(url))) == 20
    with django_assert_max_num_queries(few + 1):  # + the topic named in the address
        client.get(url, {"topic": topics[0].slug, "sort": "votes"})


def test_a_question_page_runs_the_same_queries_for_3_or_30_answers(
    client, cast, make_member, django_assert_max_num_queries
):
    question = ask(cast.asker, topics=[])
    voters = []
    for n in range(3):
        reply = answer(question, make_member(), f"Answer {n}")
        services.vote_on_answer(answer_id=reply.pk, member=cast.member, value=1)
        voters.append(reply)
    client.force_login(cast.member)
    url = detail_url(question)
    few = _queries(client, url)

    for n in range(3, 30):
        reply = answer(question, make_member(), f"Answer {n}")
        services.vote_on_answer(answer_id=reply.pk, member=cast.member, value=-1)
    services.accept_answer(question_id=question.pk, by=cast.asker, answer_id=voters[1].pk)

    with django_assert_max_num_queries(few):
        response = client.get(url)
    assert len(re.findall(r'<li class="qa-answer[ "]', page(response))) == 30


def test_a_contribution_cited_in_an_answer_says_so_and_links_to_the_questions(client, make_member):
    practice = write_published(make_member())
    question = services.ask_question(
        author=make_member(), title="Who fixed potholes in under a week?"
    )
    services.post_answer(
        question_id=question.pk,
        author=make_member(),
        body=f"Lyon did: /practices/{practice.item.slug}/",
    )

    page = client.get(practice.get_absolute_url()).content.decode()
    assert "Cited in 1 answer" in page
    assert f'href="/questions/?cites={practice.item.slug}"' in page
    listing = client.get("/questions/", {"cites": practice.item.slug}).content.decode()
    assert question.item.title in listing


def test_a_question_edit_loaded_before_someone_elses_edit_is_refused_with_the_text_kept(
    client, make_member, moderator
):
    asker = make_member()
    question = services.ask_question(author=asker, title="Who fixed potholes in under a week?")
    services.edit_question(
        question_id=question.pk,
        editor=moderator,
        title="Who fixed potholes in under a week, and how?",
        body="",
    )
    client.force_login(asker)
    response = client.post(
        reverse("discussions:question_edit", args=[question.item.slug]),
        {"base_revision": 0, "title": "My own better title for it", "body": "Details"},
    )

    assert response.status_code == 400
    assert "Someone else changed this" in response.content.decode()
    assert "My own better title for it" in response.content.decode()
    question.refresh_from_db()
    assert question.item.title == "Who fixed potholes in under a week, and how?"


def test_the_ask_form_starts_from_the_words_of_a_search_that_found_nothing(client, member):
    client.force_login(member)
    response = client.get(reverse("discussions:ask"), {"title": "311 app under 100k EUR"})
    assert 'value="311 app under 100k EUR"' in response.content.decode()
