"""Who sees which Item: visible_items, visibility_q and can_view_item always agree."""

import pytest
from django.contrib.auth.models import AnonymousUser

from govcommons.core.models import ItemStatus, Visibility
from govcommons.core.permissions import can_view_item, is_author, visible_items
from govcommons.core.tests.factories import ItemFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Members are created in every test; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


ROLES = ["anonymous", "member", "verified", "author", "co_author", "moderator"]

# (status, visibility) -> the roles that may read it.
EXPECTED = {
    (ItemStatus.DRAFT, Visibility.PUBLIC): {"author", "co_author", "moderator"},
    (ItemStatus.DRAFT, Visibility.VERIFIED): {"author", "co_author", "moderator"},
    (ItemStatus.PUBLISHED, Visibility.PUBLIC): set(ROLES),
    (ItemStatus.PUBLISHED, Visibility.MEMBERS): set(ROLES) - {"anonymous"},
    (ItemStatus.PUBLISHED, Visibility.VERIFIED): {"verified", "author", "co_author", "moderator"},
    (ItemStatus.REMOVED, Visibility.PUBLIC): {"author", "co_author", "moderator"},
}


@pytest.fixture
def people(make_member, moderator):
    # The co-author is not verified: co-authorship, not verification, lets them read it.
    return {
        "anonymous": AnonymousUser(),
        "member": make_member(),
        "verified": make_member(verified=True),
        "author": make_member(verified=True),
        "co_author": make_member(),
        "moderator": moderator,
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("status", "visibility"), list(EXPECTED))
def test_each_role_sees_exactly_the_items_its_level_allows(people, role, status, visibility):
    item = ItemFactory(
        author=people["author"],
        co_authors=[people["co_author"]],
        status=status,
        visibility=visibility,
    )
    viewer = people[role]
    expected = role in EXPECTED[(status, visibility)]

    assert can_view_item(viewer, item) is expected
    assert visible_items(viewer).filter(pk=item.pk).exists() is expected


def test_visible_items_lists_each_readable_item_once_whatever_the_co_authors(people, make_member):
    item = ItemFactory(
        draft=True,
        author=people["author"],
        co_authors=[people["co_author"], *make_member.create_batch(3)],
    )

    assert list(visible_items(people["co_author"])) == [item]
    assert list(visible_items(people["moderator"])) == [item]
    assert list(visible_items(people["verified"])) == []


def test_a_moderator_without_two_factor_sees_no_draft(moderator_without_two_factor, member):
    draft = ItemFactory(draft=True, author=member)
    public = ItemFactory(author=member)

    assert can_view_item(moderator_without_two_factor, draft) is False
    assert list(visible_items(moderator_without_two_factor)) == [public]


def test_mixed_items_give_each_viewer_exactly_their_set(people):
    author = people["author"]
    public = ItemFactory(author=author)
    members = ItemFactory(author=author, visibility=Visibility.MEMBERS)
    verified = ItemFactory(author=author, visibility=Visibility.VERIFIED)
    draft = ItemFactory(author=author, draft=True, co_authors=[people["co_author"]])
    other_draft = ItemFactory(draft=True)

    def seen(role):
        return set(visible_items(people[role]))

    assert seen("anonymous") == {public}
    assert seen("member") == {public, members}
    assert seen("verified") == {public, members, verified}
    assert seen("co_author") == {public, members, draft}
    assert seen("author") == {public, members, verified, draft}
    assert seen("moderator") == {public, members, verified, draft, other_draft}


def test_is_author_covers_the_author_and_co_authors_only(people):
    item = ItemFactory(author=people["author"], co_authors=[people["co_author"]])

    assert [is_author(people[role], item) for role in ROLES] == [
        False,
        False,
        False,
        True,
        True,
        False,
    ]
