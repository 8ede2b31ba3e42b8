"""Questions and answers: asking, answering, voting once, accepting, citations, and turning a
question into a draft contribution."""

import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connections

from govcommons.core.errors import ConflictError, DomainError
from govcommons.core.models import ItemKind, ItemStatus
from govcommons.discussions import selectors, services
from govcommons.discussions.models import AnswerVote, Question
from govcommons.notifications.models import Notification
from govcommons.practices.models import ContributionState
from govcommons.practices.tests.factories import write_published

QUESTION = "Has any city procured a 311 app under 100k EUR?"


def ask(author, title=QUESTION, body="We have a budget of 80k EUR.", topics=()):
    return services.ask_question(author=author, title=title, body=body, topics=topics)


def answer(question, author, body="Lyon did, for 60k EUR."):
    return services.post_answer(question_id=question.pk, author=author, body=body)


def test_a_question_is_published_at_once_and_listed_newest_first(make_member, make_topic):
    older = ask(make_member(), title="How do you staff a data team?")
    newer = ask(make_member(), topics=[make_topic()])
    assert newer.item.kind == ItemKind.QUESTION
    assert newer.item.status == ItemStatus.PUBLISHED
    assert newer.item.get_absolute_url() == f"/questions/{newer.item.slug}/"
    assert list(selectors.question_list(make_member())) == [newer, older]


@pytest.mark.parametrize("title", ["", "Why?", "x" * 201])
def test_a_question_needs_a_real_sentence(make_member, title):
    with pytest.raises(DomainError) as refused:
        ask(make_member(), title=title)
    assert refused.value.field == "title"
    assert not Question.objects.exists()


def test_answering_counts_notifies_the_asker_and_unanswered_excludes_it(make_member):
    asker = make_member()
    question = ask(asker)
    lonely = ask(make_member(), title="Who runs a municipal chatbot in Finnish?")
    answer(question, make_member())

    question.refresh_from_db()
    assert question.answer_count == 1
    assert Notification.objects.filter(recipient=asker, key__startswith="answer:").exists()
    unanswered = selectors.question_list(make_member(), sort=selectors.QuestionSort.UNANSWERED)
    assert list(unanswered) == [lonely]


def test_votes_count_once_never_on_ones_own_and_can_be_changed(make_member):
    author = make_member()
    question = ask(make_member())
    reply = answer(question, author)
    voter = make_member()

    services.vote_on_answer(answer_id=reply.pk, member=voter, value=1)
    services.vote_on_answer(answer_id=reply.pk, member=voter, value=1)
    assert services.vote_on_answer(answer_id=reply.pk, member=make_member(), value=1).score == 2
    assert services.vote_on_answer(answer_id=reply.pk, member=voter, value=-1).score == 0
    assert services.vote_on_answer(answer_id=reply.pk, member=voter, value=0).score == 1
    with pytest.raises(DomainError, match="yourself"):
        services.vote_on_answer(answer_id=reply.pk, member=author, value=1)
    with pytest.raises(DomainError):
        services.vote_on_answer(answer_id=reply.pk, member=voter, value=5)


def test_votes_on_a_removed_answer_are_refused(make_member):
    reply = answer(ask(make_member()), make_member())
    services.remove_answer(answer_id=reply.pk, by=reply.author)
    with pytest.raises(DomainError, match="removed"):
        services.vote_on_answer(answer_id=reply.pk, member=make_member(), value=1)


def test_only_the_asker_accepts_and_the_question_shows_as_answered(make_member):
    asker = make_member()
    question = ask(asker)
    good = answer(question, make_member())
    with pytest.raises(PermissionDenied):
        services.accept_answer(question_id=question.pk, by=make_member(), answer_id=good.pk)

    question = services.accept_answer(question_id=question.pk, by=asker, answer_id=good.pk)
    assert question.is_answered
    assert Notification.objects.filter(recipient=good.author, key=f"accepted:a{good.pk}")

    services.remove_answer(answer_id=good.pk, by=good.author)
    question.refresh_from_db()
    assert not question.is_answered
    assert question.answer_count == 0


def test_an_answer_linking_a_contribution_cites_it(make_member, settings):
    practice = write_published(make_member())
    question = ask(make_member())
    reply = answer(
        question,
        make_member(),
        f"See {settings.SITE_URL}/practices/{practice.item.slug}/ and /practices/new/",
    )
    assert selectors.citation_count(practice.item) == 1
    assert list(selectors.question_list(make_member(), cites=practice.item)) == [question]

    services.edit_answer(answer_id=reply.pk, editor=reply.author, body="No link now", version=1)
    assert selectors.citation_count(practice.item) == 0
    with pytest.raises(ConflictError):
        services.edit_answer(answer_id=reply.pk, editor=reply.author, body="Stale", version=1)


def test_a_question_becomes_a_draft_crediting_the_best_answers(make_member):
    asker = make_member()
    question = ask(asker)
    accepted = answer(question, make_member(display_name="Ada Lovelace"), "Tender in two lots.")
    upvoted = answer(question, make_member(display_name="Bob Ross"), "Reuse Lyon's tender.")
    answer(question, make_member(display_name="Carl Down"), "Not useful")
    services.vote_on_answer(answer_id=upvoted.pk, member=make_member(), value=1)
    services.accept_answer(question_id=question.pk, by=asker, answer_id=accepted.pk)

    with pytest.raises(PermissionDenied):
        services.document_question(question_id=question.pk, by=make_member())
    practice = services.document_question(question_id=question.pk, by=asker)

    assert practice.state == ContributionState.DRAFT
    assert practice.item.author == asker
    assert practice.approach.index("Tender in two lots") < practice.approach.index("Lyon")
    assert "Not useful" not in practice.approach
    assert "Ada Lovelace, Bob Ross" in practice.context
    question.refresh_from_db()
    assert question.documented_in == practice.item


@pytest.mark.django_db(transaction=True)
def test_two_votes_at_the_same_instant_count_once(make_member):
    reply = answer(ask(make_member()), make_member())
    voter = make_member()
    barrier = threading.Barrier(2)
    errors = []

    def vote():
        try:
            barrier.wait(timeout=10)
            services.vote_on_answer(answer_id=reply.pk, member=voter, value=1)
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=vote) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    reply.refresh_from_db()
    assert reply.score == 1
    assert AnswerVote.objects.filter(answer=reply).count() == 1


def test_an_edit_from_an_older_version_of_the_question_is_refused(make_member, moderator):
    asker = make_member()
    question = ask(asker)
    services.edit_question(
        question_id=question.pk,
        editor=moderator,
        title=QUESTION,
        body="Budget: 80k EUR, six months.",
        base_revision=0,
    )
    with pytest.raises(ConflictError):
        services.edit_question(
            question_id=question.pk, editor=asker, title=QUESTION, body="Mine", base_revision=0
        )
    question.refresh_from_db()
    assert question.body == "Budget: 80k EUR, six months."
    assert question.item.revision_number == 1
