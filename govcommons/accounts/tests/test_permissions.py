"""accounts.permissions and the view guards built on them."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from conftest import with_role
from govcommons.accounts import permissions
from govcommons.accounts.models import ProfileField, Role, User

KINDS = [
    "anonymous",
    "member",
    "verified_member",
    "moderator",
    "moderator_without_two_factor",
    "administrator",
]
ALL_ROLES = [Role.EXPERT_REVIEWER, Role.EDITOR, Role.MODERATOR, Role.ADMINISTRATOR]


@pytest.fixture
def user_of(request):
    def get(kind: str):
        return AnonymousUser() if kind == "anonymous" else request.getfixturevalue(kind)

    return get


@pytest.mark.parametrize(
    ("kind", "holds_role", "moderates", "administers", "grantable"),
    [
        ("anonymous", False, False, False, []),
        ("member", False, False, False, []),
        ("verified_member", False, False, False, []),
        ("moderator", True, True, False, [Role.EXPERT_REVIEWER, Role.EDITOR]),
        ("moderator_without_two_factor", True, False, False, []),
        ("administrator", True, True, True, ALL_ROLES),
    ],
)
def test_staff_powers_need_the_role_and_two_factor(
    user_of, kind, holds_role, moderates, administers, grantable
):
    user = user_of(kind)

    assert permissions.holds_moderator_role(user) is holds_role
    assert permissions.can_moderate(user) is moderates
    assert permissions.can_administer(user) is administers
    assert permissions.grantable_roles(user) == grantable
    for role in ALL_ROLES:
        assert permissions.can_grant_role(user, role) is (role in grantable)


def test_in_development_staff_need_no_two_factor(settings, moderator_without_two_factor):
    settings.REQUIRE_MFA_FOR_STAFF = False

    assert permissions.can_moderate(moderator_without_two_factor) is True
    assert permissions.grantable_roles(moderator_without_two_factor) == [
        Role.EXPERT_REVIEWER,
        Role.EDITOR,
    ]


def test_an_administrator_without_two_factor_has_no_powers(make_member):
    admin = with_role(make_member(), Role.ADMINISTRATOR, two_factor=False)

    assert permissions.can_administer(admin) is False
    assert permissions.can_moderate(admin) is False
    assert permissions.grantable_roles(admin) == []


def test_a_deactivated_moderator_has_no_powers(moderator):
    User.objects.filter(pk=moderator.pk).update(is_active=False)
    moderator.refresh_from_db()

    assert permissions.holds_moderator_role(moderator) is False
    assert permissions.can_moderate(moderator) is False


@pytest.mark.parametrize(
    ("kind", "may_submit", "may_ask"),
    [
        ("anonymous", False, False),
        ("member", False, True),
        ("verified_member", True, False),
        ("moderator", False, True),
        ("administrator", False, True),
    ],
)
def test_only_verified_members_submit_and_review(user_of, kind, may_submit, may_ask):
    user = user_of(kind)

    assert permissions.can_submit_for_review(user) is may_submit
    assert permissions.can_review(user) is may_submit
    assert permissions.can_request_verification(user) is may_ask


@pytest.mark.parametrize(
    ("kind", "two_factor"),
    [("anonymous", False), ("member", False), ("moderator", True), ("administrator", True)],
)
def test_has_two_factor_follows_the_activated_authenticator(user_of, kind, two_factor):
    assert permissions.has_two_factor(user_of(kind)) is two_factor


def test_visitors_see_only_what_the_member_made_public(make_member):
    member = make_member(
        public_job_title=True,
        public_organization=False,
        public_level=False,
        public_sector=True,
        public_location=False,
        public_expertise=False,
        public_bio=True,
    )

    assert permissions.visible_profile_fields(AnonymousUser(), member) == {
        "job_title",
        "sector",
        "bio",
    }


def test_signed_in_members_see_the_whole_profile(make_member, member):
    shy = make_member(**{f"public_{name}": False for name in ProfileField.values})

    assert permissions.visible_profile_fields(member, shy) == set(ProfileField.values)
    assert permissions.visible_profile_fields(AnonymousUser(), shy) == set()


# --- verified_required ------------------------------------------------------------------------

with_verified_page = pytest.mark.urls("govcommons.accounts.tests.verified_urls")


@with_verified_page
def test_verified_required_sends_visitors_to_sign_in(client):
    response = client.get("/submit-for-review/")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=/submit-for-review/"


@with_verified_page
@pytest.mark.parametrize("kind", ["member", "moderator"])
def test_verified_required_explains_to_an_unverified_member_how_to_get_verified(
    client, user_of, kind
):
    client.force_login(user_of(kind))

    response = client.get("/submit-for-review/")

    body = response.content.decode()
    assert response.status_code == 403
    assert "This needs a verified public servant" in body
    assert "How to get verified" in body
    assert 'href="/verification/"' in body
    assert 'href="/accounts/email/"' in body
    assert "Submitted for review" not in body


@with_verified_page
def test_verified_required_lets_a_verified_member_through(client, verified_member):
    client.force_login(verified_member)

    response = client.get("/submit-for-review/")

    assert response.status_code == 200
    assert response.content.decode() == "Submitted for review"
