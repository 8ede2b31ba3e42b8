"""Fixtures for contribution tests: the cast of readers and writers, fast hashing, temp media."""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser

ROLES = ["anonymous", "member", "verified", "author", "co_author", "moderator"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Many members are created per test; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files go to a directory of this test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class People:
    """A verified author in an organisation, an unverified co-author, and bystanders."""

    author: object
    co_author: object
    member: object
    verified: object
    moderator: object

    def __getitem__(self, role: str):
        return AnonymousUser() if role == "anonymous" else getattr(self, role)


@pytest.fixture
def people(make_member, make_organization, moderator) -> People:
    return People(
        author=make_member(verified=True, organization=make_organization(country="FR")),
        co_author=make_member(organization=make_organization(country="DE")),
        member=make_member(),
        verified=make_member(verified=True, organization=make_organization(country="IT")),
        moderator=moderator,
    )


@dataclass
class Desk:
    """A topic's peer review desk: its editor and two expert reviewers from other bodies."""

    topic: object
    editor: object
    reviewers: list

    def publish(self, submission, *, evidence_level: int = 3, note: str = "Clear and measured."):
        """Take a submission through invitations, reviews, acceptance and publication."""
        from govcommons.reviews import services as review_services
        from govcommons.reviews.tests.factories import invite, review

        for reviewer in self.reviewers:
            review(invite(self.editor, submission, reviewer))
        review_services.decide(editor=self.editor, submission_id=submission.pk, decision="accept")
        return review_services.publish(
            editor=self.editor,
            submission_id=submission.pk,
            evidence_level=evidence_level,
            note=note,
        )


@pytest.fixture
def desk(make_member, make_organization, topic) -> Desk:
    from govcommons.accounts import services as account_services
    from govcommons.accounts.models import Role

    editor = make_member(
        verified=True, organization=make_organization(country="ES"), display_name="Eva Editor"
    )
    account_services.grant_role(actor=None, member=editor, role=Role.EDITOR, topic=topic)
    reviewers = [
        make_member(
            verified=True, organization=make_organization(country=country), display_name=name
        )
        for country, name in (("EE", "Kadri Tamm"), ("FI", "Aino Virtanen"))
    ]
    for reviewer in reviewers:
        reviewer.expertise.add(topic)
    return Desk(topic=topic, editor=editor, reviewers=reviewers)
