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
