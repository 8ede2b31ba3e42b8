"""The cast of peer review: an author, a co-author, a colleague of the author (conflicted), two
expert reviewers from other organisations, a topic editor, a moderator, bystanders."""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser

from govcommons.accounts.models import Role

ROLES = [
    "anonymous",
    "member",
    "verified",
    "author",
    "co_author",
    "colleague",
    "reviewer",
    "other_reviewer",
    "editor",
    "moderator",
]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class Cast:
    topic: object
    author: object
    co_author: object
    colleague: object
    reviewer: object
    other_reviewer: object
    editor: object
    moderator: object
    member: object
    verified: object

    def __getitem__(self, role: str):
        return AnonymousUser() if role == "anonymous" else getattr(self, role)


@pytest.fixture
def cast(make_member, make_organization, make_topic, moderator) -> Cast:
    from govcommons.accounts import services as account_services

    topic = make_topic(name="Road maintenance")
    home = make_organization(name="Ville de Lyon", country="FR")
    author = make_member(verified=True, organization=home, display_name="Claire Martin")
    co_author = make_member(
        verified=True, organization=make_organization(country="FR"), display_name="Marc Co"
    )
    colleague = make_member(verified=True, organization=home, display_name="Colleague Lyon")
    reviewer = make_member(
        verified=True,
        organization=make_organization(name="Tallinn", country="EE"),
        display_name="Kadri Tamm",
    )
    other_reviewer = make_member(
        verified=True,
        organization=make_organization(name="Helsinki", country="FI"),
        display_name="Aino Virtanen",
    )
    for expert in (colleague, reviewer, other_reviewer):
        expert.expertise.add(topic)
    editor = make_member(
        verified=True,
        organization=make_organization(name="Madrid", country="ES"),
        display_name="Editor Topic",
    )
    account_services.grant_role(actor=None, member=editor, role=Role.EDITOR, topic=topic)
    return Cast(
        topic=topic,
        author=author,
        co_author=co_author,
        colleague=colleague,
        reviewer=reviewer,
        other_reviewer=other_reviewer,
        editor=editor,
        moderator=moderator,
        member=make_member(),
        verified=make_member(verified=True, organization=make_organization(country="IT")),
    )
