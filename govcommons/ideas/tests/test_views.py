"""Ideas board pages: the board (sorts, state and topic filters, the ranking explained), proposing
and editing with errors beside the fields, votes with and without htmx, state changes by
moderators only, the outcome link and the chain idea -> contribution -> adoptions, who is
refused what, rate limits and bounded query counts."""

import html
import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from govcommons.core.models import Item, ItemStatus
from govcommons.ideas import services
from govcommons.ideas.models import Idea, IdeaEvent, IdeaState, IdeaVote
from govcommons.practices.tests.factories import AdoptionFactory, write_draft, write_published

from .factories import propose

HTMX = {"HTTP_HX_REQUEST": "true"}


def body(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def field_error(response, field_id: str) -> str:
    """The error shown beside one field (components/field.html), as text."""
    pattern = rf'<p class="field__error" id="id_{re.escape(field_id)}-error">'
    match = re.search(pattern + r"<strong>Error:</strong> ([^<]*)</p>", body(response))
    return html.unescape(match.group(1)) if match else ""


def card_titles(response) -> list[str]:
    return [
        html.unescape(t)
        for t in re.findall(r'class="idea-card__title"><a href="[^"]*">([^<]*)</a>', body(response))
    ]


def state_link_counts(response) -> dict[str, int]:
    """The "by state" links of the board: label -> the number beside it."""
    found = re.findall(
        r'class="idea-states__link"[^>]*>([^<]*) <span class="idea-states__count">'
        r'<span class="visually-hidden">\(</span>(\d+)',
        body(response),
    )
    return {label: int(n) for label, n in found}


def aged(idea: Idea, *, hours: float, votes: int = 0, voters=None) -> Idea:
    """Make the idea `hours` old, then give it `votes` votes through the service (which fixes
    its ranking score from its age)."""
    when = timezone.now() - timedelta(hours=hours)
    Item.objects.filter(pk=idea.pk).update(created_at=when, published_at=when)
    Idea.objects.filter(pk=idea.pk).update(hot_score=services.hot_score(0, when))
    for voter in voters or []:
        services.vote_for_idea(idea_id=idea.pk, member=voter)
    assert len(voters or []) == votes
    return Idea.objects.select_related("item").get(pk=idea.pk)


def idea_form(**overrides) -> dict:
    data = {
        "title": "Report potholes with a photo from the bus",
        "problem": "Potholes are reported by phone and take **weeks** to fix.",
        "proposal": "Bus drivers tap a button; the photo goes to the road team.",
        "benefit": "Repairs in days.",
        "who_might_try": "A city with its own buses.",
    }
    data.update(overrides)
    return data


def url(name: str, idea: Idea) -> str:
    return reverse(f"ideas:{name}", args=[idea.item.slug])


@pytest.fixture
def people(make_member, moderator):
    """The cast of the permission tests: the idea's author, another member, a moderator."""

    class People:
        pass

    cast = People()
    cast.author = make_member(display_name="Ada Author")
    cast.member = make_member(display_name="Mia Member")
    cast.moderator = moderator
    return cast


def sign_in(client, people, role: str):
    if role != "anonymous":
        client.force_login(getattr(people, role))
    return client


# --- The board --------------------------------------------------------------------------------


def test_the_board_ranks_by_rising_top_and_newest(client, make_member):
    voters = [make_member() for _ in range(9)]
    popular = aged(
        propose(make_member(), title="An older idea with many votes"),
        hours=72,
        votes=9,
        voters=voters,
    )
    rising = aged(
        propose(make_member(), title="A recent idea with two votes"),
        hours=2,
        votes=2,
        voters=voters[:2],
    )
    fresh = propose(make_member(), title="A brand new idea without votes")

    hot = client.get(reverse("ideas:list"))
    top = client.get(reverse("ideas:list"), {"sort": "top"})
    newest = client.get(reverse("ideas:list"), {"sort": "newest"})

    names = (popular.item.title, rising.item.title, fresh.item.title)
    assert card_titles(hot) == [names[1], names[2], names[0]]
    assert card_titles(top) == [names[0], names[1], names[2]]
    assert card_titles(newest) == [names[2], names[1], names[0]]
    assert '<a href="/ideas/?sort=top" aria-current="true">Top</a>' in body(top)
    # The ranking is explained on the page.
    assert "How ideas are ranked" in body(hot)
    assert "score = log10(votes) + age bonus" in body(hot)
    assert "every 12.5 hours of newness counts as much as ten times the votes" in body(hot)


def test_the_board_filters_by_state_with_counts(client, make_member, moderator):
    open_idea = propose(make_member(), title="An idea still open for votes")
    declined = propose(make_member(), title="An idea the moderators declined")
    services.move_idea(idea_id=declined.pk, to="declined", by=moderator, reason="Exists already")

    response = client.get(reverse("ideas:list"), {"state": "declined"})

    assert card_titles(response) == [declined.item.title]
    assert state_link_counts(response) == {
        "All states": 2,
        "Open": 1,
        "Under consideration": 0,
        "Selected for a pilot": 0,
        "Piloted": 0,
        "Adopted": 0,
        "Declined": 1,
    }
    assert 'href="/ideas/?state=declined" aria-current="true"' in body(response)
    # An unknown state shows every idea.
    everything = client.get(reverse("ideas:list"), {"state": "nonsense"})
    assert sorted(card_titles(everything)) == sorted([open_idea.item.title, declined.item.title])


def test_the_board_filters_by_topic_and_keeps_the_other_choices(client, make_member, make_topic):
    transport = make_topic(name="Transport", slug="transport")
    health = make_topic(name="Health", slug="health")
    bus = propose(make_member(), title="Buses that report potholes", topics=[transport])
    propose(make_member(), title="Text reminders for appointments", topics=[health])

    response = client.get(reverse("ideas:list"), {"topic": "transport", "sort": "top"})

    assert card_titles(response) == [bus.item.title]
    assert '<option value="transport" selected>Transport</option>' in body(response)
    assert '<input type="hidden" name="sort" value="top">' in body(response)
    # The sort tabs and state links keep the topic.
    assert 'href="/ideas/?topic=transport"' in body(response)
    assert 'href="/ideas/?sort=top&amp;state=open&amp;topic=transport"' in body(response)
    assert len(card_titles(client.get(reverse("ideas:list"), {"topic": "unknown"}))) == 2


def test_an_empty_board_says_what_to_do(client, make_member):
    empty = client.get(reverse("ideas:list"))
    assert "No idea on the board yet" in body(empty)
    assert "Propose the first idea" in body(empty)

    propose(make_member())
    filtered = client.get(reverse("ideas:list"), {"state": "adopted"})
    assert "No idea matches these filters" in body(filtered)
    assert card_titles(filtered) == []


def test_the_board_paginates_by_twenty(client, make_member):
    author = make_member()
    for n in range(21):
        propose(author, title=f"Idea number {n:02d} for the board")

    first = client.get(reverse("ideas:list"), {"sort": "newest"})
    second = client.get(reverse("ideas:list"), {"sort": "newest", "page": 2})

    assert len(card_titles(first)) == 20
    assert card_titles(second) == ["Idea number 00 for the board"]
    assert 'href="?sort=newest&amp;page=2"' in body(first)


def test_cards_show_the_facts_a_reader_needs(client, make_member, make_organization):
    organization = make_organization(name="City of Tampere")
    author = make_member(display_name="Tuuli Author", organization=organization)
    idea = propose(author, problem="Potholes are **reported** by phone.")
    Item.objects.filter(pk=idea.pk).update(comment_count=3)

    page = body(client.get(reverse("ideas:list")))

    assert '<span class="idea-state idea-state--open">' in page
    assert "Tuuli Author" in page
    assert "City of Tampere" in page
    assert "3 comments" in page
    # The summary is plain text: no Markdown marks, no tags.
    assert "Potholes are reported by phone." in page
    assert "**reported**" not in page


# --- Anonymous visitors -----------------------------------------------------------------------


def test_anonymous_visitors_read_but_are_sent_to_sign_in_to_propose_or_vote(client, member):
    idea = propose(member)

    board = client.get(reverse("ideas:list"))
    page = client.get(idea.get_absolute_url())
    create = client.get(reverse("ideas:create"))
    vote = client.post(url("vote", idea), {"action": "vote"})

    assert (board.status_code, page.status_code) == (200, 200)
    assert f'href="{reverse("account_login")}?next=/ideas/">Sign in to vote' in body(board)
    assert f'?next={idea.get_absolute_url()}">Sign in to vote' in body(page)
    assert create.status_code == 302
    assert create["Location"].startswith(reverse("account_login"))
    assert vote.status_code == 302
    assert vote["Location"].startswith(reverse("account_login"))
    assert IdeaVote.objects.count() == 0


# --- Proposing and editing --------------------------------------------------------------------


def test_a_member_proposes_an_idea_with_topics(client, member, make_topic):
    topic = make_topic(name="Roads")
    client.force_login(member)

    response = client.post(reverse("ideas:create"), idea_form(topics=[topic.pk]))

    idea = Idea.objects.select_related("item").get()
    assert response.status_code == 302
    assert response["Location"] == idea.get_absolute_url()
    assert idea.item.author == member
    assert idea.item.title == "Report potholes with a photo from the bus"
    assert idea.benefit == "Repairs in days."
    assert list(idea.topics.all()) == [topic]
    page = client.get(idea.get_absolute_url())
    assert "<strong>weeks</strong>" in body(page)
    assert "Roads" in body(page)


def test_form_errors_are_shown_beside_the_field_and_the_text_is_kept(client, member):
    client.force_login(member)
    problem = "The buses see every pothole first.\n\nSecond paragraph & more."

    short_title = client.post(reverse("ideas:create"), idea_form(title="Potholes", problem=problem))
    no_proposal = client.post(reverse("ideas:create"), idea_form(proposal="   "))
    nobody = client.post(reverse("ideas:create"), idea_form(problem="Ask @nobody-at-all please"))
    too_long = client.post(reverse("ideas:create"), idea_form(benefit="x" * 10_001))

    assert short_title.status_code == 200
    assert "at least 10 characters" in field_error(short_title, "title")
    assert 'value="Potholes"' in body(short_title)
    assert html.escape(problem) in body(short_title)
    assert field_error(no_proposal, "proposal") == "This part is needed: write a few sentences."
    assert "Nobody has the profile address @nobody-at-all" in field_error(nobody, "problem")
    assert "Keep it under 10,000 characters (this has 10,001)" in field_error(too_long, "benefit")
    assert Idea.objects.count() == 0


def test_every_empty_needed_part_is_named_at_once(client, member):
    client.force_login(member)

    response = client.post(reverse("ideas:create"), idea_form(title="", problem="", proposal=""))

    assert response.status_code == 200
    assert "at least 10 characters" in field_error(response, "title")
    assert field_error(response, "problem") == "This part is needed: write a few sentences."
    assert field_error(response, "proposal") == "This part is needed: write a few sentences."
    assert "Repairs in days." in body(response)
    assert Idea.objects.count() == 0


def test_html_and_script_are_shown_as_text(client, member):
    idea = propose(
        member,
        title="Scripts <script>alert(1)</script> stay text",
        problem="<script>alert(2)</script> and <img src=x onerror=alert(3)>",
        proposal="[a link](javascript:alert(4))",
    )
    board = body(client.get(reverse("ideas:list")))
    page = body(client.get(idea.get_absolute_url()))

    for shown in (board, page):
        assert "<script>alert" not in shown
        assert "<img src=x" not in shown
        assert "Scripts &lt;script&gt;alert(1)&lt;/script&gt; stay text" in shown
    assert "&lt;img src=x onerror=alert(3)&gt;" in page
    assert 'href="javascript:' not in page


def test_the_author_and_moderators_edit_others_are_refused(client, people):
    idea = propose(people.author)
    expected = {"anonymous": 302, "member": 403, "author": 200, "moderator": 200}
    for role, status in expected.items():
        client.logout()
        sign_in(client, people, role)
        page = client.get(url("edit", idea))
        refused_post = client.post(url("edit", idea), idea_form(title="A title changed by " + role))
        assert page.status_code == status, role
        if status != 200:
            assert refused_post.status_code == status, role
    # Only the author's and the moderator's saves changed it (the moderator's was last).
    assert Item.objects.get(pk=idea.pk).title == "A title changed by moderator"


def test_editing_keeps_the_text_on_error_and_saves_it_otherwise(client, member, make_topic):
    topic = make_topic()
    idea = propose(member)
    client.force_login(member)

    form = client.get(url("edit", idea))
    refused = client.post(url("edit", idea), idea_form(problem="", proposal="New proposal text"))
    saved = client.post(url("edit", idea), idea_form(proposal="New proposal", topics=[topic.pk]))

    assert "Potholes are reported by phone" in body(form)
    assert field_error(refused, "problem") == "This part is needed: write a few sentences."
    assert "New proposal text" in body(refused)
    assert saved.status_code == 302
    idea.refresh_from_db()
    assert (idea.proposal, list(idea.topics.all())) == ("New proposal", [topic])


# --- Voting -----------------------------------------------------------------------------------


def test_a_member_votes_and_withdraws_without_javascript(client, make_member):
    idea = propose(make_member())
    voter = make_member()
    client.force_login(voter)

    voted = client.post(url("vote", idea), {"action": "vote", "next": "/ideas/?sort=top"})
    board = client.get(reverse("ideas:list"), {"sort": "top"})
    withdrawn = client.post(url("vote", idea), {"action": "withdraw", "next": "/ideas/"})

    assert voted.status_code == 302
    assert voted["Location"] == f"/ideas/?sort=top#vote-{idea.pk}"
    assert messages_of(voted) == ["Your vote is counted."]
    assert "Withdraw vote" in body(board)
    assert "You voted" in body(board)
    assert withdrawn["Location"] == f"/ideas/#vote-{idea.pk}"
    assert messages_of(withdrawn) == ["Your vote is withdrawn."]
    idea.refresh_from_db()
    assert idea.vote_count == 0
    assert IdeaVote.objects.count() == 0


def test_a_vote_never_returns_to_another_site(client, make_member):
    idea = propose(make_member())
    client.force_login(make_member())

    response = client.post(url("vote", idea), {"action": "vote", "next": "https://evil.example/"})

    assert response["Location"] == f"{idea.get_absolute_url()}#vote-{idea.pk}"


def test_htmx_gets_the_vote_box_back(client, make_member):
    idea = propose(make_member())
    client.force_login(make_member())

    voted = client.post(
        url("vote", idea), {"action": "vote", "next": "/ideas/", "compact": "1"}, **HTMX
    )
    withdrawn = client.post(url("vote", idea), {"action": "withdraw"}, **HTMX)

    assert voted.status_code == 200
    assert "<html" not in body(voted)
    assert '<span class="idea-vote__number">1</span>' in body(voted)
    assert 'name="action" value="withdraw"' in body(voted)
    assert '<input type="hidden" name="next" value="/ideas/">' in body(voted)
    assert "Your vote is counted." in body(voted)
    assert '<span class="idea-vote__number">0</span>' in body(withdrawn)
    assert 'name="action" value="vote"' in body(withdrawn)
    assert IdeaVote.objects.count() == 0


def test_voting_for_ones_own_idea_is_refused_with_a_clear_message(client, member):
    idea = propose(member)
    client.force_login(member)

    page = client.get(idea.get_absolute_url())
    plain = client.post(url("vote", idea), {"action": "vote"})
    htmx = client.post(url("vote", idea), {"action": "vote"}, **HTMX)

    refusal = "You proposed this idea, so you cannot vote for it."
    assert refusal in body(page)
    assert 'name="action" value="vote"' not in body(page)
    assert messages_of(plain) == [refusal]
    assert refusal in body(htmx)
    idea.refresh_from_db()
    assert idea.vote_count == 0


def test_voting_on_a_decided_idea_is_closed(client, make_member, moderator):
    idea = propose(make_member())
    services.move_idea(idea_id=idea.pk, to="declined", by=moderator, reason="Done elsewhere")
    client.force_login(make_member())

    page = client.get(idea.get_absolute_url())
    board = client.get(reverse("ideas:list"))
    response = client.post(url("vote", idea), {"action": "vote"})

    assert "Voting is closed: this idea is declined." in body(page)
    assert "Voting closed" in body(board)
    client.logout()
    assert "Voting closed" in body(client.get(reverse("ideas:list")))
    assert "Sign in to vote" not in body(client.get(reverse("ideas:list")))
    assert messages_of(response) == ["Voting is closed: this idea is declined."]
    assert IdeaVote.objects.count() == 0


def test_voting_on_a_removed_idea_finds_nothing(client, make_member):
    idea = propose(make_member())
    Item.objects.filter(pk=idea.pk).update(status=ItemStatus.REMOVED)
    client.force_login(make_member())

    assert client.post(url("vote", idea), {"action": "vote"}).status_code == 404
    assert client.post(url("vote", idea), {"action": "vote"}, **HTMX).status_code == 404
    assert client.get(idea.get_absolute_url()).status_code == 404
    assert client.get(reverse("ideas:list")).content.count(b"idea-card__title") == 0
    assert IdeaVote.objects.count() == 0


def test_the_author_still_sees_a_removed_idea_marked_as_removed(client, member):
    idea = propose(member)
    Item.objects.filter(pk=idea.pk).update(status=ItemStatus.REMOVED)
    client.force_login(member)

    page = client.get(idea.get_absolute_url())

    assert page.status_code == 200
    assert "This idea was removed" in body(page)
    assert client.get(url("edit", idea)).status_code == 403


def test_votes_are_post_only_and_need_a_known_action(client, make_member):
    idea = propose(make_member())
    client.force_login(make_member())

    assert client.get(url("vote", idea)).status_code == 405
    unknown = client.post(url("vote", idea), {"action": "double"})
    assert messages_of(unknown) == ["Choose to vote or to withdraw your vote."]
    assert IdeaVote.objects.count() == 0


# --- State changes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("member", 403), ("author", 403), ("moderator", 302)],
)
def test_only_moderators_change_the_state(client, people, role, status):
    idea = propose(people.author)
    sign_in(client, people, role)

    response = client.post(url("move", idea), {"move-to": "under_consideration"})

    assert response.status_code == status
    idea.refresh_from_db()
    moved = role == "moderator"
    assert idea.state == ("under_consideration" if moved else "open")
    assert IdeaEvent.objects.filter(idea=idea).count() == (2 if moved else 1)
    if role == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    if moved:
        assert response["Location"] == idea.get_absolute_url()


def test_the_moderator_form_offers_only_the_allowed_moves(client, make_member, moderator):
    idea = propose(make_member())
    client.force_login(moderator)

    page = body(client.get(idea.get_absolute_url()))

    offered = re.findall(r'name="move-to" value="([a-z_]+)"', page)
    assert offered == ["under_consideration", "declined"]
    client.force_login(make_member())
    assert 'name="move-to"' not in body(client.get(idea.get_absolute_url()))


def test_an_impossible_move_shows_the_error_and_keeps_the_reason(client, make_member, moderator):
    idea = propose(make_member())
    client.force_login(moderator)

    response = client.post(url("move", idea), {"move-to": "adopted", "move-reason": "Because"})

    assert response.status_code == 200
    assert field_error(response, "move-to") == "An idea that is open cannot become adopted."
    assert ">\nBecause</textarea>" in body(response)
    idea.refresh_from_db()
    assert idea.state == IdeaState.OPEN


def test_declining_needs_a_reason_then_shows_it(client, make_member, moderator):
    idea = propose(make_member())
    client.force_login(moderator)

    refused = client.post(url("move", idea), {"move-to": "declined", "move-reason": "  "})
    declined = client.post(
        url("move", idea), {"move-to": "declined", "move-reason": "Tallinn tried it: <b>no</b>."}
    )
    page = body(client.get(idea.get_absolute_url()))

    assert "Say why it is declined" in field_error(refused, "move-reason")
    assert declined.status_code == 302
    assert messages_of(declined) == ["The idea is now: declined."]
    assert (
        '<p class="idea-decision__text"><strong>Declined:</strong> '
        "Tallinn tried it: &lt;b&gt;no&lt;/b&gt;.</p>"
    ) in page
    # The history says who moved it, from what to what, and why.
    assert "From <strong>Open</strong> to <strong>Declined</strong>" in page
    assert "Mo Derator" in page


def test_an_adopted_idea_offers_no_further_move(client, make_member, moderator):
    idea = propose(make_member())
    for state in ["under_consideration", "selected", "piloted", "adopted"]:
        services.move_idea(idea_id=idea.pk, to=state, by=moderator)
    client.force_login(moderator)

    page = body(client.get(idea.get_absolute_url()))

    assert "Adopted is final" in page
    assert 'name="move-to"' not in page


# --- What came of it --------------------------------------------------------------------------


def test_the_chain_shows_the_contribution_and_its_adoptions(client, make_member, moderator):
    idea = propose(make_member())
    practice = write_published(make_member(), title="Pothole photos from the bus fleet")
    AdoptionFactory(practice=practice, organization__name="Ville de Lyon")
    AdoptionFactory(practice=practice, organization__name="City of Helsinki")
    Item.objects.filter(pk=practice.pk).update(adoption_count=2)
    services.link_outcome(idea_id=idea.pk, by=moderator, practice_item_id=practice.pk)

    page = body(client.get(idea.get_absolute_url()))
    chain = page.split('id="outcome-title"')[1].split("</section>")[0]

    assert f'<a href="{practice.get_absolute_url()}">Pothole photos from the bus fleet</a>' in chain
    assert "Adopted by 2 organisations." in chain
    assert "Ville de Lyon" in chain
    assert "City of Helsinki" in chain
    assert "1 March 2025" in chain
    assert "Pilot project" in chain
    assert "None yet" in chain


def test_without_a_contribution_the_chain_says_what_comes_next(client, make_member):
    idea = propose(make_member())
    chain = body(client.get(idea.get_absolute_url())).split('id="outcome-title"')[1]
    assert "No contribution implements it yet." in chain
    assert "pilot projects arrive soon" in chain


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("member", 403), ("author", 302), ("moderator", 302)],
)
def test_only_authors_and_moderators_link_the_contribution(client, people, role, status):
    idea = propose(people.author)
    practice = write_published(people.member)
    sign_in(client, people, role)

    response = client.post(
        url("link", idea), {"outcome-practice": f"http://testserver{practice.get_absolute_url()}"}
    )

    assert response.status_code == status
    idea.refresh_from_db()
    linked = role in {"author", "moderator"}
    assert idea.implemented_by_id == (practice.pk if linked else None)
    page = body(client.get(idea.get_absolute_url()))
    assert ('name="outcome-practice"' in page) == linked


def test_the_link_takes_a_slug_refuses_drafts_and_unknown_addresses_and_can_be_removed(
    client, member
):
    idea = propose(member)
    practice = write_published(member)
    draft = write_draft(member)
    client.force_login(member)

    empty = client.post(url("link", idea), {"outcome-practice": "  "})
    unknown = client.post(url("link", idea), {"outcome-practice": "/practices/no-such-thing/"})
    drafted = client.post(url("link", idea), {"outcome-practice": draft.item.slug})
    other_page = client.post(url("link", idea), {"outcome-practice": "/ideas/"})
    by_slug = client.post(url("link", idea), {"outcome-practice": practice.item.slug})
    idea.refresh_from_db()
    linked_to = idea.implemented_by_id
    removed = client.post(url("link", idea), {"outcome-practice": "", "remove": "1"})

    for refused in (unknown, drafted, other_page):
        assert refused.status_code == 200
        assert field_error(refused, "outcome-practice").startswith(
            "No published contribution has this address"
        )
    assert field_error(empty, "outcome-practice") == (
        "Paste the address of a published contribution."
    )
    assert "/practices/no-such-thing/" in body(unknown)
    assert by_slug.status_code == 302
    assert linked_to == practice.pk
    assert removed.status_code == 302
    idea.refresh_from_db()
    assert idea.implemented_by_id is None


# --- Rate limits ------------------------------------------------------------------------------


def test_votes_and_proposals_are_rate_limited(client, make_member, settings):
    settings.POSTING_RATE_LIMITS = {**settings.POSTING_RATE_LIMITS, "vote": "2/h", "idea": "1/h"}
    ideas = [propose(make_member(), title=f"Idea number {n} to vote for") for n in range(3)]
    client.force_login(make_member())

    statuses = [client.post(url("vote", i), {"action": "vote"}).status_code for i in ideas]
    first = client.post(reverse("ideas:create"), idea_form())
    second = client.post(reverse("ideas:create"), idea_form(title="A second idea in one hour"))

    assert statuses == [302, 302, 429]
    assert IdeaVote.objects.count() == 2
    assert (first.status_code, second.status_code) == (302, 429)
    assert Idea.objects.count() == 4


# --- Query counts -----------------------------------------------------------------------------


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def test_the_board_runs_the_same_queries_for_3_or_30_ideas(
    client, make_member, make_organization, django_assert_max_num_queries
):
    viewer = make_member()
    client.force_login(viewer)

    def add(n: int):
        for i in range(n):
            author = make_member(organization=make_organization())
            idea = propose(author, title=f"Idea {i} for counting queries")
            if i % 2:
                services.vote_for_idea(idea_id=idea.pk, member=viewer)

    add(3)
    few = _queries(client, reverse("ideas:list"))
    add(27)
    many = _queries(client, reverse("ideas:list"))

    assert few == many
    with django_assert_max_num_queries(12):
        client.get(reverse("ideas:list"), {"state": "open", "sort": "top"})


def test_the_idea_page_runs_the_same_queries_however_much_came_of_it(
    client, make_member, make_topic, moderator, django_assert_max_num_queries
):
    author = make_member()
    small = propose(author, title="A small idea with little history")
    big = propose(author, title="A big idea with a long history", topics=[make_topic()])
    practice = write_published(make_member())
    for _ in range(5):
        AdoptionFactory(practice=practice)
        services.vote_for_idea(idea_id=big.pk, member=make_member())
    for state in ["under_consideration", "open", "under_consideration", "selected"]:
        services.move_idea(idea_id=big.pk, to=state, by=moderator, reason="Noted")
    services.link_outcome(idea_id=big.pk, by=author, practice_item_id=practice.pk)
    services.link_outcome(
        idea_id=small.pk, by=author, practice_item_id=write_published(make_member()).pk
    )
    client.force_login(make_member())

    assert _queries(client, small.get_absolute_url()) == _queries(client, big.get_absolute_url())
    with django_assert_max_num_queries(20):
        client.get(big.get_absolute_url())


def test_an_edit_form_loaded_before_someone_elses_edit_is_refused_with_the_text_kept(
    client, make_member, moderator
):
    author = make_member()
    idea = propose(author)
    stale = {
        "base_revision": idea.item.revision_number,
        "title": idea.item.title,
        "problem": idea.problem,
        "proposal": "The author's newer proposal text",
    }
    services.edit_idea(
        idea_id=idea.pk,
        editor=moderator,
        title=idea.item.title,
        problem=idea.problem,
        proposal="The moderator's fix",
    )
    client.force_login(author)
    response = client.post(reverse("ideas:edit", args=[idea.item.slug]), stale)

    assert response.status_code == 200
    assert "Someone else changed this" in response.content.decode()
    assert "The author&#x27;s newer proposal text" in response.content.decode()
    idea.refresh_from_db()
    assert idea.proposal == "The moderator's fix"
