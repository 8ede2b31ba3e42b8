"""Reads about members."""

from django.db.models import QuerySet
from django.http import Http404

from .models import (
    ApiToken,
    RoleGrant,
    User,
    VerificationRequest,
    VerificationRequestStatus,
)


def get_profile(handle: str) -> User:
    member = (
        User.objects.select_related("organization", "sector")
        .prefetch_related("expertise")
        .filter(handle=handle, is_active=True)
        .first()
    )
    if member is None:
        raise Http404
    return member


def active_roles(member: User) -> QuerySet[RoleGrant]:
    return RoleGrant.objects.filter(member=member, revoked_at__isnull=True).select_related("topic")


def role_log(member: User) -> QuerySet[RoleGrant]:
    return (
        RoleGrant.objects.filter(member=member)
        .select_related("topic", "granted_by", "revoked_by")
        .order_by("-granted_at", "-pk")
    )


def pending_verification_requests() -> QuerySet[VerificationRequest]:
    return (
        VerificationRequest.objects.filter(status=VerificationRequestStatus.PENDING)
        .select_related("member", "organization", "member__organization")
        .order_by("created_at", "pk")
    )


def verification_requests_of(member: User) -> QuerySet[VerificationRequest]:
    return (
        VerificationRequest.objects.filter(member=member)
        .select_related("organization", "decided_by")
        .order_by("-created_at", "-pk")
    )


def tokens_of(member: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(member=member).order_by("-created_at", "-pk")
