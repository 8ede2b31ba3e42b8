"""The sitemap lists the questions and ideas anyone may read, and nothing removed."""

from govcommons.core.models import ItemStatus
from govcommons.discussions import services as discussion_services
from govcommons.ideas.tests.factories import propose


def test_questions_and_ideas_are_in_the_sitemap_but_removed_ones_are_not(client, make_member):
    question = discussion_services.ask_question(
        author=make_member(), title="Has any city procured a 311 app under 100k EUR?"
    )
    idea = propose(make_member())
    removed = propose(make_member(), title="An idea a moderator removed")
    removed.item.status = ItemStatus.REMOVED
    removed.item.save()

    index = client.get("/sitemap.xml").content.decode()
    assert "sitemap-questions.xml" in index
    assert "sitemap-ideas.xml" in index
    questions = client.get("/sitemap-questions.xml").content.decode()
    ideas = client.get("/sitemap-ideas.xml").content.decode()
    assert question.item.get_absolute_url() in questions
    assert idea.item.get_absolute_url() in ideas
    assert removed.item.slug not in ideas
