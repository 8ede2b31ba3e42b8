"""The ideas board: proposing, voting once (also at the same instant), the state machine with
its log and reasons, the ranking, and the link to what came of an idea."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connections
from django.utils import timezone

from govcommons.core.errors import ConflictError, DomainError
from govcommons.core.models import ItemKind, ItemStatus
from govcommons.ideas import selectors, services
from govcommons.ideas.models import IdeaEvent, IdeaState, IdeaVote
from govcommons.notifications.models import Notification
from govcommons.practices.tests.factories import write_draft, write_published

from .factories import propose


def test_a_proposed_idea_is_open_on_the_board_with_its_first_event(make_member):
    idea = propose(make_member())
    assert idea.item.kind == ItemKind.IDEA
    assert idea.item.status == ItemStatus.PUBLISHED
    assert idea.state == IdeaState.OPEN
    assert idea.item.get_absolute_url() == f"/ideas/{idea.item.slug}/"
    assert [(e.from_state, e.to_state) for e in idea.events.all()] == [("", "open")]


@pytest.mark.parametrize("field", ["problem", "proposal"])
def test_the_problem_and_the_proposal_are_needed(make_member, field):
    with pytest.raises(DomainError) as refused:
        propose(make_member(), **{field: "  "})
    assert refused.value.field == field


def test_one_vote_each_withdrawable_and_never_for_ones_own_idea(make_member):
    author, voter = make_member(), make_member()
    idea = propose(author)
    services.vote_for_idea(idea_id=idea.pk, member=voter)
    idea = services.vote_for_idea(idea_id=idea.pk, member=voter)
    assert idea.vote_count == 1
    idea = services.withdraw_idea_vote(idea_id=idea.pk, member=voter)
    assert idea.vote_count == 0
    with pytest.raises(DomainError, match="proposed this idea"):
        services.vote_for_idea(idea_id=idea.pk, member=author)


def test_voting_closes_once_the_idea_is_decided(make_member, moderator):
    idea = propose(make_member())
    services.move_idea(idea_id=idea.pk, to=IdeaState.DECLINED, by=moderator, reason="Exists")
    with pytest.raises(DomainError, match="Voting is closed"):
        services.vote_for_idea(idea_id=idea.pk, member=make_member())


def test_votes_on_a_removed_idea_are_refused(make_member):
    idea = propose(make_member())
    idea.item.status = ItemStatus.REMOVED
    idea.item.save()
    with pytest.raises(PermissionDenied):
        services.vote_for_idea(idea_id=idea.pk, member=make_member())


def test_only_moderators_move_ideas_along_the_allowed_path_with_a_log(make_member, moderator):
    author = make_member()
    idea = propose(author)
    with pytest.raises(PermissionDenied):
        services.move_idea(idea_id=idea.pk, to=IdeaState.UNDER_CONSIDERATION, by=author)
    with pytest.raises(DomainError, match="cannot become adopted"):
        services.move_idea(idea_id=idea.pk, to=IdeaState.ADOPTED, by=moderator)
    with pytest.raises(DomainError) as no_reason:
        services.move_idea(idea_id=idea.pk, to=IdeaState.DECLINED, by=moderator)
    assert no_reason.value.field == "reason"

    services.move_idea(idea_id=idea.pk, to=IdeaState.UNDER_CONSIDERATION, by=moderator)
    idea = services.move_idea(
        idea_id=idea.pk, to=IdeaState.SELECTED, by=moderator, reason="Helsinki will pilot it"
    )
    assert idea.state == IdeaState.SELECTED
    assert idea.state_reason == "Helsinki will pilot it"
    assert [e.to_state for e in IdeaEvent.objects.filter(idea=idea)] == [
        "open",
        "under_consideration",
        "selected",
    ]
    assert Notification.objects.filter(recipient=author, category="ideas").count() == 2
    assert services.allowed_moves(idea) == [IdeaState.PILOTED, IdeaState.DECLINED]


def test_every_state_is_reachable_and_adopted_is_final(make_member, moderator):
    idea = propose(make_member())
    for state in ["under_consideration", "selected", "piloted", "adopted"]:
        idea = services.move_idea(idea_id=idea.pk, to=state, by=moderator)
    assert services.allowed_moves(idea) == []
    assert selectors.state_counts(make_member())["adopted"] == 1


def test_hot_ranking_lets_a_new_idea_with_fewer_votes_surface(make_member):
    now = timezone.now()
    assert services.hot_score(10, now - timedelta(hours=13)) < services.hot_score(1, now)
    assert services.hot_score(10, now) > services.hot_score(1, now)

    old = propose(make_member(), title="An older idea with many votes")
    new = propose(make_member(), title="A newer idea with a single vote")
    for _ in range(3):
        services.vote_for_idea(idea_id=old.pk, member=make_member())
    services.vote_for_idea(idea_id=new.pk, member=make_member())
    top = list(selectors.idea_list(make_member(), sort=selectors.IdeaSort.TOP))
    assert top == [old, new]


def test_the_outcome_link_takes_only_a_published_contribution(make_member, moderator):
    author = make_member()
    idea = propose(author)
    practice = write_published(make_member())
    write_draft_item = write_draft(make_member()).item
    with pytest.raises(PermissionDenied):
        services.link_outcome(idea_id=idea.pk, by=make_member(), practice_item_id=practice.pk)
    with pytest.raises(DomainError):
        services.link_outcome(idea_id=idea.pk, by=author, practice_item_id=write_draft_item.pk)

    services.link_outcome(idea_id=idea.pk, by=author, practice_item_id=practice.pk)
    chain = selectors.idea_chain(selectors.get_idea_for(make_member(), idea.item.slug), author)
    assert chain.practice == practice


@pytest.mark.django_db(transaction=True)
def test_two_votes_at_the_same_instant_count_once(make_member):
    idea = propose(make_member())
    voter = make_member()
    barrier = threading.Barrier(2)
    errors = []

    def vote():
        try:
            barrier.wait(timeout=10)
            services.vote_for_idea(idea_id=idea.pk, member=voter)
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
    idea.refresh_from_db()
    assert idea.vote_count == 1
    assert IdeaVote.objects.filter(idea=idea).count() == 1


def test_an_edit_from_an_older_version_of_the_idea_is_refused(make_member, moderator):
    author = make_member()
    idea = propose(author)
    fields = {"title": idea.item.title, "problem": idea.problem, "proposal": "Moderator's text"}
    services.edit_idea(idea_id=idea.pk, editor=moderator, base_revision=0, **fields)
    with pytest.raises(ConflictError):
        services.edit_idea(
            idea_id=idea.pk, editor=author, base_revision=0, **{**fields, "proposal": "Mine"}
        )
    idea.refresh_from_db()
    assert idea.proposal == "Moderator's text"
