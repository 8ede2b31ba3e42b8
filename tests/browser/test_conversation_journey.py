"""Conversation in a real browser: two members discuss a case study (an @mention picked from the
suggestions, the mention under the bell and by email, a reply that appears on the other member's
page without reloading), a question is asked, answered and its answer accepted, and an idea is
voted for (with and without JavaScript) and selected for a pilot by a moderator. Members who
browse without JavaScript comment, vote an answer up and vote for an idea."""

import re
from email.header import decode_header, make_header
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from govcommons.discussions import services as discussion_services
from govcommons.discussions.models import Comment
from govcommons.ideas.models import Idea, IdeaState
from govcommons.ideas.tests.factories import propose
from govcommons.practices.tests.factories import write_published

from .conftest import EMAIL_TIMEOUT_S, assert_accessible, link_in

pytestmark = pytest.mark.browser

CASE_STUDY = "A 311 app for residents, procured in six weeks"
QUESTION = "Has any city procured a 311 app under 100k EUR?"
IDEA = "Let residents report broken street lights from the bus stop"
# New comments are fetched every DISCUSSION_POLL_SECONDS (15 on the site, 2 here): a few
# intervals and the time the request takes.
POLL_SECONDS = 2
POLL_WAIT_MS = 10_000


@pytest.fixture
def cast(make_member, make_organization, make_topic):
    """Three members of three cities, a topic, and a published case study by the first."""
    procurement = make_topic(name="Public procurement", slug="public-procurement")
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
    kadri = make_member(
        display_name="Kadri Tamm",
        handle="kadri-tamm",
        organization=make_organization(name="Tallinn City", slug="tallinn", country="EE"),
    )
    case_study = write_published(
        claire,
        title=CASE_STUDY,
        summary="Lyon bought a reporting app for residents through a six-week framework call.",
        topics=[procurement],
    )
    return {
        "procurement": procurement,
        "claire": claire,
        "aino": aino,
        "kadri": kadri,
        "case_study": case_study,
    }


def _mark_page(page: Page) -> None:
    """A marker in the page's window: it survives htmx swaps, never a reload or a navigation."""
    page.evaluate("window.notReloaded = true")


def _was_not_reloaded(page: Page) -> bool:
    return page.evaluate("window.notReloaded === true")


def _status(page: Page, text: str):
    """The confirmation the page announces (the messages are role="status")."""
    return page.get_by_role("status").filter(has_text=text)


def test_two_members_discuss_a_case_study_with_a_mention_and_a_live_reply(
    page_as, cast, mailbox, start_worker, settings
):
    settings.DISCUSSION_POLL_SECONDS = POLL_SECONDS
    start_worker(EMAIL_HOST="127.0.0.1", EMAIL_PORT=mailbox.port)
    aino, kadri = cast["aino"], cast["kadri"]
    case_study_url = f"/practices/{cast['case_study'].item.slug}/"

    # 1. Aino writes a comment and mentions Kadri, picked from the suggestions with the keyboard.
    writer = page_as(aino)
    writer.goto(case_study_url)
    expect(writer.get_by_text("No comments yet")).to_be_visible()
    box = writer.get_by_label("Your comment")
    box.click()
    box.press_sequentially("Which supplier built it, and did it stay under budget? @kad")
    suggestions = writer.get_by_role("listbox", name="Members to mention")
    expect(suggestions).to_be_visible()
    expect(suggestions.get_by_role("option")).to_have_count(1)
    expect(suggestions.get_by_role("option")).to_contain_text("@kadri-tamm")
    expect(suggestions.get_by_role("option")).to_contain_text("Kadri Tamm · Tallinn City")
    assert_accessible(writer)
    box.press("Enter")
    expect(suggestions).to_be_hidden()
    box.press_sequentially("ran a similar tender in Tallinn.")
    expect(box).to_have_value(
        "Which supplier built it, and did it stay under budget? @kadri-tamm ran a similar "
        "tender in Tallinn."
    )
    _mark_page(writer)
    writer.get_by_role("button", name="Post comment").click()
    comments = writer.locator("#comment-list")
    expect(comments).to_contain_text("did it stay under budget?")
    expect(comments.get_by_role("link", name="@kadri-tamm")).to_have_attribute(
        "href", kadri.get_absolute_url()
    )
    expect(box).to_have_value("")
    comment = Comment.objects.get(item=cast["case_study"].item, author=aino)

    # 2. Kadri sees the mention under the bell, and follows the link in the email.
    reader = page_as(kadri)
    reader.goto("/")
    bell = reader.get_by_role("link", name=re.compile("Notifications.*1 unread"))
    expect(bell).to_be_visible()
    bell.click()
    expect(
        reader.get_by_role("link", name=f"Aino Virtanen mentioned you in “{CASE_STUDY}”")
    ).to_be_visible()
    [email] = mailbox.wait_for_recipient(kadri.email, 1, timeout=EMAIL_TIMEOUT_S)
    assert "mentioned you" in str(make_header(decode_header(email["Subject"])))
    # SITE_URL names the public host; the path is what the link leads to on this server.
    reader.goto(urlsplit(link_in(mailbox.text_of(email), f"/comments/{comment.pk}/")).path)
    expect(reader).to_have_url(re.compile(rf"{case_study_url}\?cpage=1#comment-{comment.pk}$"))
    expect(reader.locator(f"#comment-{comment.pk}")).to_contain_text("did it stay under budget?")

    # 3. Kadri replies in the thread.
    reply_text = "A local start-up built ours for 84,000 EUR; I can share the tender."
    reader.locator(f"#thread-{comment.pk} summary", has_text="Reply").click()
    reader.get_by_label("Your reply").fill(reply_text)
    reader.get_by_role("button", name="Post reply").click()
    expect(reader.locator(f"#replies-{comment.pk}")).to_contain_text(reply_text)

    # 4. The reply appears on Aino's page by itself: no reload, no click.
    expect(writer.locator(f"#replies-{comment.pk}")).to_contain_text(
        reply_text, timeout=POLL_WAIT_MS
    )
    expect(writer.locator("#discussion-count")).to_have_text("2")
    assert _was_not_reloaded(writer)


def test_a_member_asks_the_community_another_answers_and_the_asker_accepts_it(page_as, cast):
    # 1. Claire asks, with a topic.
    asker = page_as(cast["claire"])
    asker.goto("/questions/")
    asker.get_by_role("link", name="Ask a question").click()
    asker.get_by_label("Your question, in one sentence").fill(QUESTION)
    asker.get_by_label("Context and details (optional)").fill(
        "We are a city of 500,000 residents and our budget is 100,000 EUR for two years."
    )
    asker.get_by_label("Public procurement").check()
    asker.get_by_role("button", name="Publish the question").click()
    expect(asker.get_by_role("heading", level=1)).to_have_text(QUESTION)
    expect(_status(asker, "Your question is published")).to_be_visible()
    expect(asker.get_by_text("Waiting for an answer")).to_be_visible()
    question_url = urlsplit(asker.url).path

    # 2. Kadri finds it by its topic (the filter swaps the results in place) and answers.
    answerer = page_as(cast["kadri"])
    answerer.goto("/questions/")
    answerer.get_by_label("Topic", exact=True).select_option(label="Public procurement")
    expect(answerer).to_have_url(re.compile(r"\?topic=public-procurement$"))
    expect(answerer.get_by_role("heading", name="1 question", exact=True)).to_be_visible()
    answerer.get_by_role("link", name=QUESTION).click()
    answerer.get_by_label("Write your answer").fill(
        "Yes: Tallinn did in 2024, for **84,000 EUR** over two years, through an open call."
    )
    answerer.get_by_role("button", name="Post your answer").click()
    expect(_status(answerer, "your answer is posted")).to_be_visible()
    expect(answerer.get_by_role("heading", name="1 answer", exact=True)).to_be_visible()
    expect(answerer.get_by_text("84,000 EUR")).to_be_visible()

    # 3. Claire accepts it; the question shows as answered, on its page and in the list.
    asker.goto(question_url)
    asker.get_by_role("button", name="Accept this answer").click()
    expect(_status(asker, "You accepted this answer")).to_be_visible()
    expect(asker.get_by_text("Accepted answer", exact=True)).to_be_visible()
    expect(asker.get_by_role("article", name=QUESTION).get_by_text("Answered")).to_be_visible()
    asker.goto("/questions/")
    card = asker.get_by_role("listitem").filter(has=asker.get_by_role("link", name=QUESTION))
    expect(card.get_by_text("Answered", exact=True)).to_be_visible()
    expect(card).to_contain_text("1 answer")


def test_an_idea_gets_votes_with_and_without_javascript_and_is_selected_for_a_pilot(
    page_as, cast, moderator
):
    # Another idea on the board, which the "by state" filter must leave out.
    propose(cast["kadri"], title="Publish every tender of the city as open data")

    # 1. Claire proposes the idea.
    proposer = page_as(cast["claire"])
    proposer.goto("/ideas/")
    proposer.get_by_role("link", name="Propose an idea").click()
    proposer.get_by_label("Your idea in one sentence").fill(IDEA)
    proposer.get_by_label("The problem").fill(
        "Broken street lights are reported by phone, and only one in five ever is."
    )
    proposer.get_by_label("The proposal").fill(
        "A QR code on each bus stop opens a one-tap report that reaches the lighting team."
    )
    proposer.get_by_label("Public procurement").check()
    proposer.get_by_role("button", name="Publish the idea").click()
    expect(proposer.get_by_role("heading", level=1)).to_have_text(IDEA)
    expect(_status(proposer, "Your idea is on the board")).to_be_visible()
    idea = Idea.objects.get(item__title=IDEA)
    idea_url = idea.get_absolute_url()
    votes = proposer.locator(f"#vote-{idea.pk}")
    expect(votes).to_contain_text("0 votes")
    expect(votes).to_contain_text("You proposed this idea, so you cannot vote for it.")

    # 2. Aino votes on the idea's page: the count changes in place (htmx).
    voter = page_as(cast["aino"])
    voter.goto(idea_url)
    votes = voter.locator(f"#vote-{idea.pk}")
    expect(votes).to_contain_text("0 votes")
    _mark_page(voter)
    votes.get_by_role("button", name=f"Vote for “{IDEA}”").click()
    expect(votes).to_contain_text("1 vote")
    expect(votes).to_contain_text("You voted")
    expect(votes.get_by_role("button", name=f"Withdraw vote for “{IDEA}”")).to_be_visible()
    assert _was_not_reloaded(voter)

    # 3. Kadri votes from the board without JavaScript: a plain form post, back to the board.
    plain = page_as(cast["kadri"], java_script_enabled=False)
    plain.goto("/ideas/")
    card = plain.locator(f"#idea-{idea.pk}")
    expect(card).to_contain_text("1 vote")
    card.get_by_role("button", name=f"Vote for “{IDEA}”").click()
    expect(plain).to_have_url(re.compile(rf"/ideas/#vote-{idea.pk}$"))
    expect(_status(plain, "Your vote is counted.")).to_be_visible()
    expect(plain.locator(f"#idea-{idea.pk}")).to_contain_text("2 votes")

    # 4. A moderator moves it to "under consideration", then selects it for a pilot.
    desk = page_as(moderator)
    desk.goto(idea_url)
    desk.get_by_label("Under consideration").check()
    desk.get_by_role("button", name="Change state").click()
    expect(_status(desk, "The idea is now: under consideration.")).to_be_visible()
    desk.get_by_label("Selected for a pilot").check()
    desk.get_by_label("Reason").fill("Lyon and Tallinn will pilot it in spring 2027.")
    desk.get_by_role("button", name="Change state").click()
    expect(_status(desk, "The idea is now: selected for a pilot.")).to_be_visible()
    expect(desk.get_by_text("State: Selected for a pilot", exact=True)).to_be_visible()
    expect(desk.get_by_text("Lyon and Tallinn will pilot it in spring 2027.").first).to_be_visible()
    expect(
        desk.get_by_text("From Under consideration to Selected for a pilot", exact=True)
    ).to_be_visible()
    assert Idea.objects.get(pk=idea.pk).state == IdeaState.SELECTED

    # 5. Everyone sees the state: on the page (voting is closed) and in the board's filter.
    voter.goto(idea_url)
    expect(voter.get_by_text("State: Selected for a pilot", exact=True)).to_be_visible()
    expect(voter.locator(f"#vote-{idea.pk}")).to_contain_text("Voting is closed")
    voter.goto("/ideas/")
    voter.get_by_role("navigation", name="By state").get_by_role(
        "link", name=re.compile("^Selected for a pilot")
    ).click()
    expect(voter).to_have_url(re.compile(r"\?state=selected$"))
    expect(voter.get_by_role("heading", name="1 idea · Selected for a pilot")).to_be_visible()
    card = voter.locator(f"#idea-{idea.pk}")
    expect(card.get_by_role("link", name=IDEA, exact=True)).to_be_visible()
    expect(card.get_by_text("State: Selected for a pilot", exact=True)).to_be_visible()
    expect(
        voter.get_by_role("link", name="Publish every tender of the city as open data")
    ).to_have_count(0)


def test_without_javascript_members_comment_vote_an_answer_up_and_vote_for_an_idea(page_as, cast):
    claire, kadri = cast["claire"], cast["kadri"]
    question = discussion_services.ask_question(author=claire, title=QUESTION)
    answer = discussion_services.post_answer(
        question_id=question.pk, author=kadri, body="Tallinn did, for 84,000 EUR."
    )
    idea = propose(claire, title=IDEA)
    member = page_as(cast["aino"], java_script_enabled=False)

    # A comment: the form posts, and the page comes back at the new comment.
    case_study_url = f"/practices/{cast['case_study'].item.slug}/"
    member.goto(case_study_url)
    member.get_by_label("Your comment").fill("Did residents need an account to report?")
    member.get_by_role("button", name="Post comment").click()
    expect(member).to_have_url(re.compile(rf"{case_study_url}\?cpage=1#comment-\d+$"))
    expect(member.locator("#comment-list")).to_contain_text(
        "Did residents need an account to report?"
    )
    expect(member.locator("#discussion-count")).to_have_text("1")

    # An answer voted up: back at the answer, its score 1 and the button pressed.
    member.goto(question.item.get_absolute_url())
    member.get_by_role("button", name="Vote the answer up").click()
    expect(member).to_have_url(re.compile(rf"#answer-{answer.pk}$"))
    expect(_status(member, "Your vote is counted.")).to_be_visible()
    vote = member.locator(f"#answer-{answer.pk}-vote")
    expect(vote).to_contain_text("Score: 1")
    expect(vote.get_by_role("button", name="Vote the answer up")).to_have_attribute(
        "aria-pressed", "true"
    )

    # A vote for an idea, on its page.
    member.goto(idea.get_absolute_url())
    member.get_by_role("button", name=f"Vote for “{IDEA}”").click()
    expect(member).to_have_url(re.compile(rf"{idea.get_absolute_url()}#vote-{idea.pk}$"))
    expect(_status(member, "Your vote is counted.")).to_be_visible()
    expect(member.locator(f"#vote-{idea.pk}")).to_contain_text("1 vote")
    expect(member.locator(f"#vote-{idea.pk}")).to_contain_text("You voted")
