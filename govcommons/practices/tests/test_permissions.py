"""Who may write, edit, submit for review, restore, adapt and report adoptions: each matrix,
exactly, in each review state."""

import pytest
from django.contrib.auth.models import AnonymousUser

from govcommons.core.models import Item, ItemStatus, Visibility
from govcommons.practices import permissions, selectors, services
from govcommons.practices.models import ContributionState, Practice
from govcommons.practices.tests.conftest import ROLES
from govcommons.practices.tests.factories import PracticeFactory, practice_input, write_published
from govcommons.reviews import services as review_services


def practice_of(people, **kwargs):
    return PracticeFactory(
        item__author=people.author, item__co_authors=[people.co_author], **kwargs
    )


def allowed(people, check, practice, *args) -> set[str]:
    return {role for role in ROLES if check(people[role], practice, *args)}


def test_every_signed_in_member_may_write_a_draft(people, make_member):
    assert {role for role in ROLES if permissions.can_create(people[role])} == set(ROLES) - {
        "anonymous"
    }
    assert permissions.can_create(make_member(is_active=False)) is False


def test_a_draft_is_edited_by_its_authors_and_moderators_only(people):
    draft = practice_of(people, item__draft=True)

    assert allowed(people, permissions.can_edit, draft) == {"author", "co_author", "moderator"}
    assert allowed(people, permissions.can_restore, draft) == {"author", "co_author", "moderator"}


def test_a_published_contribution_stays_editable_by_its_authors_and_moderators(people):
    published = practice_of(people)

    assert allowed(people, permissions.can_edit, published) == {"author", "co_author", "moderator"}


def test_removed_content_is_edited_by_nobody(people):
    removed = practice_of(people, item__status=ItemStatus.REMOVED)

    assert allowed(people, permissions.can_edit, removed) == set()


def test_only_a_verified_author_may_submit_a_draft_for_review(people, make_member):
    draft = practice_of(people, item__draft=True)
    # The co-author is not verified, and the moderator did not write it.
    assert allowed(people, permissions.can_publish, draft) == {"author"}

    verified_co_author = make_member(verified=True)
    draft.item.co_authors.add(verified_co_author)
    assert permissions.can_publish(verified_co_author, draft) is True


@pytest.mark.parametrize("state", [ContributionState.DECLINED, ContributionState.WITHDRAWN])
def test_a_declined_or_withdrawn_contribution_may_be_submitted_again(people, state):
    practice = practice_of(people, item__draft=True, state=state)

    assert allowed(people, permissions.can_publish, practice) == {"author"}
    assert allowed(people, permissions.can_edit, practice) == {"author", "co_author", "moderator"}


def test_a_published_contribution_without_changes_has_nothing_to_submit(people):
    assert allowed(people, permissions.can_publish, practice_of(people)) == set()


def test_unpublished_changes_to_a_published_contribution_may_be_submitted(people):
    practice = practice_of(people)
    Item.objects.filter(pk=practice.pk).update(revision_number=2)
    practice = Practice.objects.select_related("item").get(pk=practice.pk)
    practice.live_revision = 1

    assert practice.has_pending_revision is True
    assert allowed(people, permissions.can_publish, practice) == {"author"}


@pytest.mark.parametrize(
    "state",
    [ContributionState.SUBMITTED, ContributionState.IN_REVIEW, ContributionState.ACCEPTED],
)
def test_while_with_the_editors_nobody_edits_or_submits_it(people, state):
    practice = practice_of(people, item__draft=True, state=state)

    # Moderators included: the version published must be the one that was reviewed.
    assert permissions.under_review(practice) is True
    assert allowed(people, permissions.can_edit, practice) == set()
    assert allowed(people, permissions.can_restore, practice) == set()
    assert allowed(people, permissions.can_publish, practice) == set()


def test_when_changes_are_requested_the_authors_edit_again(people):
    practice = practice_of(people, item__draft=True, state=ContributionState.CHANGES_REQUESTED)

    assert permissions.under_review(practice) is False
    assert allowed(people, permissions.can_edit, practice) == {"author", "co_author", "moderator"}
    # They resubmit the open submission (reviews.services.resubmit), not a new one.
    assert allowed(people, permissions.can_publish, practice) == set()


def test_a_published_contribution_whose_changes_are_in_review_is_locked_for_everyone(people, topic):
    practice = write_published(people.author, topics=[topic], co_authors=[people.co_author])
    services.update_practice(
        member=people.author,
        practice_id=practice.pk,
        data=practice_input(title="Second", topics=[topic], co_authors=[people.co_author]),
        base_revision=1,
    )
    review_services.submit_for_review(member=people.author, practice_id=practice.pk)
    fresh = selectors.get_practice_for(people.author, practice.item.slug)

    assert fresh.open_submission_state == ContributionState.SUBMITTED
    assert permissions.under_review(fresh) is True
    assert allowed(people, permissions.can_edit, fresh) == set()
    assert allowed(people, permissions.can_publish, fresh) == set()


@pytest.mark.parametrize(
    ("status", "visibility", "expected"),
    [
        (ItemStatus.PUBLISHED, Visibility.PUBLIC, set(ROLES) - {"anonymous"}),
        (ItemStatus.PUBLISHED, Visibility.MEMBERS, set(ROLES) - {"anonymous"}),
        (
            ItemStatus.PUBLISHED,
            Visibility.VERIFIED,
            {"verified", "author", "co_author", "moderator"},
        ),
        (ItemStatus.DRAFT, Visibility.PUBLIC, set()),
    ],
)
def test_members_adapt_published_contributions_they_can_read(people, status, visibility, expected):
    practice = practice_of(people, item__status=status, item__visibility=visibility)

    assert allowed(people, permissions.can_adapt, practice) == expected


def test_members_with_an_organisation_and_moderators_may_report_adoptions(people):
    published = practice_of(people)

    # The plain member has no organisation to report for.
    assert allowed(people, permissions.can_report_adoption, published) == {
        "author",
        "co_author",
        "verified",
        "moderator",
    }


def test_an_adoption_is_reported_for_ones_own_organisation_unless_moderator(people):
    published = practice_of(people)
    organization = people.author.organization

    assert allowed(people, permissions.can_report_adoption, published, organization) == {
        "author",
        "moderator",
    }
    assert permissions.can_report_for_any_organization(people.moderator) is True
    assert permissions.can_report_for_any_organization(people.verified) is False
    assert permissions.can_report_for_any_organization(AnonymousUser()) is False


def test_no_adoption_of_a_draft_or_of_what_one_cannot_read(people):
    draft = practice_of(people, item__draft=True)
    verified_only = practice_of(people, item__visibility=Visibility.VERIFIED)

    assert allowed(people, permissions.can_report_adoption, draft) == set()
    assert allowed(people, permissions.can_report_adoption, verified_only) == {
        "author",
        "co_author",
        "verified",
        "moderator",
    }
    assert permissions.can_report_adoption(
        people.co_author, verified_only, people.co_author.organization
    )
