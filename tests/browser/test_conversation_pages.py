"""Every new conversation page type, axe-clean and screenshotted at desktop and phone widths:
the questions list (with results and empty), asking with an error, a question with an accepted
answer, editing and removing an answer; the ideas board, proposing with an error, an idea selected
for a pilot with what came of it; a discussion under a case study (replies, a removed comment),
the discussion's own page with an error, editing, removing and a comment's edit history."""

from datetime import date
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect

from govcommons.discussions import services as discussion_services
from govcommons.discussions.tests.factories import comment_on
from govcommons.ideas import services as idea_services
from govcommons.ideas.models import IdeaState
from govcommons.ideas.tests.factories import propose
from govcommons.practices import services as practice_services
from govcommons.practices.models import AdoptionStage
from govcommons.practices.tests.factories import write_published

from .conftest import DESKTOP, PHONE, assert_accessible, save_screenshot

pytestmark = pytest.mark.browser

CASE_STUDY = "A 311 app for residents, procured in six weeks"
QUESTION = "Has any city procured a 311 app under 100k EUR?"
IDEA = "Let residents report broken street lights from the bus stop"


@pytest.fixture
def conversation(make_member, make_organization, make_topic, moderator):
    """A case study with a lively discussion, a question with an accepted answer, and an idea
    selected for a pilot that the case study implements, adopted by Tallinn."""
    procurement = make_topic(name="Public procurement", slug="public-procurement")
    make_topic(name="Street lighting", slug="street-lighting")
    tallinn = make_organization(name="Tallinn City", slug="tallinn", country="EE")
    claire = make_member(
        display_name="Claire Martin",
        handle="claire-martin",
        verified=True,
        organization=make_organization(name="Ville de Lyon", slug="ville-de-lyon"),
    )
    aino = make_member(
        display_name="Aino Virtanen",
        handle="aino-virtanen",
        organization=make_organization(name="City of Helsinki", slug="helsinki", country="FI"),
    )
    kadri = make_member(display_name="Kadri Tamm", handle="kadri-tamm", organization=tallinn)

    case_study = write_published(
        claire,
        title=CASE_STUDY,
        summary="Lyon bought a reporting app for residents through a six-week framework call.",
        topics=[procurement],
    )
    item = case_study.item
    thread = comment_on(
        item, aino, "Which supplier built it? @kadri-tamm ran a similar tender in Tallinn."
    )
    comment_on(item, kadri, "A local start-up built ours for **84,000 EUR**.", parent=thread)
    comment_on(item, claire, "Ours came through a framework call: six weeks.", parent=thread)
    discussion_services.set_useful(comment_id=thread.pk, member=claire, useful=True)
    removed = comment_on(item, kadri, "Does anyone have the tender documents in English?")
    comment_on(item, aino, "Helsinki published ours in English.", parent=removed)
    discussion_services.remove_comment(comment_id=removed.pk, by=kadri)
    edited = comment_on(item, aino, "We launched in March.")
    edited = discussion_services.edit_comment(
        comment_id=edited.pk,
        editor=aino,
        body="We launched in March 2025, after a two-month pilot in one district.",
        version=edited.version,
    )

    question = discussion_services.ask_question(
        author=claire,
        title=QUESTION,
        body="We are a city of 500,000 residents with **100,000 EUR** for two years.",
        topics=[procurement],
    )
    accepted = discussion_services.post_answer(
        question_id=question.pk,
        author=kadri,
        body=f"Yes: Tallinn did in 2024, for 84,000 EUR. See [Lyon's case study]"
        f"({case_study.get_absolute_url()}) too.",
    )
    other = discussion_services.post_answer(
        question_id=question.pk, author=aino, body="Helsinki's cost 120,000 EUR with hosting."
    )
    discussion_services.vote_on_answer(answer_id=accepted.pk, member=aino, value=1)
    discussion_services.vote_on_question(question_id=question.pk, member=kadri, value=1)
    discussion_services.accept_answer(question_id=question.pk, by=claire, answer_id=accepted.pk)
    comment_on(question.item, aino, "Did the price include hosting?")

    idea = propose(
        claire,
        title=IDEA,
        benefit="Five times more reports, fixed within a week.",
        who_might_try="Any city whose buses stop under its own street lights.",
        topics=[procurement],
    )
    for voter in (aino, kadri):
        idea_services.vote_for_idea(idea_id=idea.pk, member=voter)
    idea_services.move_idea(idea_id=idea.pk, to=IdeaState.UNDER_CONSIDERATION, by=moderator)
    idea_services.move_idea(
        idea_id=idea.pk,
        to=IdeaState.SELECTED,
        by=moderator,
        reason="Lyon and Tallinn will pilot it in spring 2027.",
    )
    idea_services.link_outcome(idea_id=idea.pk, by=claire, practice_item_id=case_study.pk)
    practice_services.report_adoption(
        member=kadri,
        practice_id=case_study.pk,
        organization=tallinn,
        stage=AdoptionStage.IN_OPERATION,
        adopted_on=date(2025, 3, 1),
    )
    comment_on(idea.item, kadri, "Tallinn's buses already have QR codes: count us in.")
    propose(kadri, title="Publish every tender of the city as open data")

    return SimpleNamespace(
        claire=claire,
        aino=aino,
        kadri=kadri,
        moderator=moderator,
        case_study=case_study,
        thread=thread,
        edited=edited,
        question=question,
        accepted=accepted,
        other=other,
        idea=idea,
    )


def _check(page: Page, name: str) -> None:
    """Axe at desktop and phone widths, a screenshot at each; back to desktop for what follows."""
    assert_accessible(page)
    save_screenshot(page, name)
    page.set_viewport_size(PHONE)
    assert_accessible(page)
    save_screenshot(page, name)
    page.set_viewport_size(DESKTOP)


def test_question_pages(page_as, conversation):
    member = page_as(conversation.aino)
    member.goto("/questions/")
    expect(member.get_by_role("link", name=QUESTION)).to_be_visible()
    expect(member.get_by_text("Answered", exact=True)).to_be_visible()
    _check(member, "questions-list")

    member.goto("/questions/?topic=street-lighting")
    expect(member.get_by_text("No question on Street lighting yet")).to_be_visible()
    _check(member, "questions-list-empty")

    member.goto("/questions/ask/")
    member.get_by_label("Context and details (optional)").fill("Our budget is 100,000 EUR.")
    member.get_by_role("button", name="Publish the question").click()
    expect(member.get_by_role("alert")).to_contain_text("Please correct the highlighted fields")
    # Nothing typed is lost.
    expect(member.get_by_label("Context and details (optional)")).to_have_value(
        "Our budget is 100,000 EUR."
    )
    _check(member, "question-ask-error")

    member.goto(conversation.question.item.get_absolute_url())
    expect(member.get_by_text("Accepted answer", exact=True)).to_be_visible()
    expect(member.get_by_role("heading", name="2 answers")).to_be_visible()
    _check(member, "question-detail")

    author = page_as(conversation.kadri)
    author.goto(f"/answers/{conversation.accepted.pk}/edit/")
    expect(author.get_by_role("heading", level=1)).to_have_text("Edit your answer")
    _check(author, "answer-edit")
    author.goto(f"/answers/{conversation.accepted.pk}/remove/")
    expect(author.get_by_role("button", name="Remove my answer")).to_be_visible()
    _check(author, "answer-remove")


def test_ideas_pages(page_as, conversation):
    member = page_as(conversation.aino)
    member.goto("/ideas/")
    expect(member.get_by_role("link", name=IDEA, exact=True)).to_be_visible()
    _check(member, "ideas-list")

    member.goto("/ideas/new/")
    member.get_by_label("Your idea in one sentence").fill("Street lights")
    member.get_by_role("button", name="Publish the idea").click()
    expect(member.get_by_role("alert")).to_contain_text("Please correct the highlighted fields")
    expect(member.get_by_label("Your idea in one sentence")).to_have_value("Street lights")
    _check(member, "idea-form-error")

    desk = page_as(conversation.moderator)
    desk.goto(conversation.idea.get_absolute_url())
    expect(desk.get_by_text("State: Selected for a pilot", exact=True)).to_be_visible()
    expect(desk.get_by_role("link", name=CASE_STUDY)).to_be_visible()
    expect(desk.get_by_text("Adopted by 1 organisation.")).to_be_visible()
    _check(desk, "idea-detail")


def test_discussion_pages(page_as, conversation):
    item = conversation.case_study.item
    member = page_as(conversation.aino)
    member.goto(item.get_absolute_url())
    expect(member.get_by_text("Comment removed")).to_be_visible()
    expect(member.get_by_text("Helsinki published ours in English.")).to_be_visible()
    expect(member.get_by_text("84,000 EUR")).to_be_visible()
    _check(member, "practice-discussion")

    member.goto(f"/items/{item.pk}/comments/")
    member.get_by_role("button", name="Post comment").click()
    expect(member.get_by_text("Write something first: the text is empty.")).to_be_visible()
    _check(member, "discussion-page-error")

    member.goto(f"/comments/{conversation.edited.pk}/edit/")
    expect(member.get_by_label("Comment")).to_have_value(
        "We launched in March 2025, after a two-month pilot in one district."
    )
    _check(member, "comment-edit")
    member.goto(f"/comments/{conversation.thread.pk}/remove/")
    expect(member.get_by_role("button", name="Remove the comment")).to_be_visible()
    _check(member, "comment-remove")

    desk = page_as(conversation.moderator)
    desk.goto(f"/comments/{conversation.edited.pk}/history/")
    expect(desk.get_by_text("We launched in March.", exact=True)).to_be_visible()
    _check(desk, "comment-history")
