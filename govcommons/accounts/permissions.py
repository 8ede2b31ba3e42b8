"""Every "may this member ...?" about members, verification and roles."""

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings

from .models import ProfileField, Role, User


def has_two_factor(user) -> bool:
    """Asked several times per page (every "may moderate?"); read once per request's user."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_has_two_factor", None)
    if cached is None:
        cached = user._has_two_factor = bool(is_mfa_enabled(user))
    return cached


def staff_two_factor_satisfied(user) -> bool:
    """Outside development, moderator and administrator powers need two-factor on."""
    return not settings.REQUIRE_MFA_FOR_STAFF or has_two_factor(user)


def holds_moderator_role(user) -> bool:
    return bool(
        user.is_authenticated and user.is_active and (user.is_moderator or user.is_superuser)
    )


def can_moderate(user) -> bool:
    return holds_moderator_role(user) and staff_two_factor_satisfied(user)


def can_administer(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_superuser
        and staff_two_factor_satisfied(user)
    )


def grantable_roles(actor) -> list[str]:
    """Administrators grant every role; moderators grant the topic roles (expert, editor)."""
    if can_administer(actor):
        return [Role.EXPERT_REVIEWER, Role.EDITOR, Role.MODERATOR, Role.ADMINISTRATOR]
    if can_moderate(actor):
        return [Role.EXPERT_REVIEWER, Role.EDITOR]
    return []


def can_grant_role(actor, role: str) -> bool:
    return role in grantable_roles(actor)


def can_submit_for_review(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_verified)


def can_review(user) -> bool:
    return can_submit_for_review(user)


def can_request_verification(user) -> bool:
    return bool(user.is_authenticated and user.is_active and not user.is_verified)


def visible_profile_fields(viewer, member: User) -> set[str]:
    """Signed-in members see a whole profile; everyone else sees what the member made public."""
    if viewer.is_authenticated:
        return set(ProfileField.values)
    return member.public_fields
