"""Every write about members: profiles, verification, roles and API tokens."""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govcommons.core.errors import ConflictError, DomainError
from govcommons.notifications.models import EmailCategory
from govcommons.notifications.services import queue_email
from govcommons.organizations.models import Organization
from govcommons.organizations.selectors import organization_for_email
from govcommons.taxonomy.models import Topic

from . import permissions
from .models import (
    ApiToken,
    Role,
    RoleGrant,
    User,
    VerificationMethod,
    VerificationRequest,
    VerificationRequestStatus,
    VerificationStatus,
)

# --- Profile ---------------------------------------------------------------------------------


@transaction.atomic
def update_profile(
    *,
    member: User,
    fields: dict,
    expertise: list[Topic] | None = None,
    avatar: ContentFile | None = None,
    remove_avatar: bool = False,
) -> User:
    """Save profile fields, expertise and avatar together. `avatar` is an already re-encoded image
    (core.images.reencode_square_image); the uploaded bytes themselves are never stored."""
    member = User.objects.select_for_update().get(pk=member.pk)
    for name, value in fields.items():
        setattr(member, name, value)
    member.full_clean(exclude=["password", "avatar"])
    update_fields = list(fields)
    old_avatar = member.avatar.name if member.avatar else ""
    if avatar is not None:
        member.avatar.save(avatar.name, avatar, save=False)
        update_fields.append("avatar")
    elif remove_avatar:
        member.avatar = ""
        update_fields.append("avatar")
    member.save(update_fields=update_fields)
    if expertise is not None:
        member.expertise.set(expertise)
    if old_avatar and "avatar" in update_fields:
        storage = member.avatar.storage
        transaction.on_commit(lambda: storage.delete(old_avatar))
    return member


# --- Verification ----------------------------------------------------------------------------


def _mark_verified(
    member: User, *, method: str, organization: Organization, by: User | None, email: str = ""
) -> None:
    member.verification_status = VerificationStatus.VERIFIED
    member.verification_method = method
    member.verified_at = timezone.now()
    member.verified_by = by
    member.verified_email = email
    member.organization = organization
    member.save(
        update_fields=[
            "verification_status",
            "verification_method",
            "verified_at",
            "verified_by",
            "verified_email",
            "organization",
        ]
    )


@transaction.atomic
def verify_by_email_domain(*, member: User, email: str) -> Organization | None:
    """A confirmed address on an organisation's domain makes its owner a verified public servant.

    Returns the organisation, or None when the domain belongs to none (or already verified).
    """
    organization = organization_for_email(email)
    if organization is None:
        return None
    member = User.objects.select_for_update().get(pk=member.pk)
    if member.is_verified:
        return None
    _mark_verified(
        member, method=VerificationMethod.DOMAIN, organization=organization, by=None, email=email
    )
    VerificationRequest.objects.filter(
        member=member, status=VerificationRequestStatus.PENDING
    ).update(
        status=VerificationRequestStatus.GRANTED,
        decided_at=timezone.now(),
        reason=_("Verified by a confirmed work email address."),
    )
    return organization


@transaction.atomic
def request_verification(
    *, member: User, organization: Organization, job_title: str, work_email: str, evidence: str
) -> VerificationRequest:
    if not permissions.can_request_verification(member):
        raise DomainError(_("You are already verified."))
    request = VerificationRequest(
        member=member,
        organization=organization,
        job_title=job_title,
        work_email=work_email,
        evidence=evidence,
    )
    # The one-pending-per-member constraint is left to the database, which enforces it even
    # against a concurrent request, and is reported as the conflict it is.
    request.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError as exc:
        raise ConflictError(_("You already have a request waiting for a moderator.")) from exc
    return request


@transaction.atomic
def withdraw_verification_request(*, member: User, request_id: int) -> VerificationRequest:
    request = (
        VerificationRequest.objects.select_for_update().filter(member=member, pk=request_id).first()
    )
    if request is None:
        raise PermissionDenied
    if request.status != VerificationRequestStatus.PENDING:
        raise ConflictError(_("This request has already been decided."))
    request.status = VerificationRequestStatus.WITHDRAWN
    request.decided_at = timezone.now()
    request.decided_by = member
    request.save(update_fields=["status", "decided_at", "decided_by"])
    return request


@transaction.atomic
def decide_verification(
    *, moderator: User, request_id: int, grant: bool, reason: str
) -> VerificationRequest:
    """Grant or refuse a pending request; the member is told by email, with the reason."""
    if not permissions.can_moderate(moderator):
        raise PermissionDenied
    request = (
        VerificationRequest.objects.select_for_update()
        .select_related("member", "organization")
        .get(pk=request_id)
    )
    if request.status != VerificationRequestStatus.PENDING:
        raise ConflictError(
            _("This request was already decided (%(status)s).")
            % {"status": request.get_status_display()}
        )
    if not grant and not reason.strip():
        raise DomainError(
            _("Say why you refuse, so that the member knows what to do."), field="reason"
        )
    if request.member_id == moderator.pk:
        raise DomainError(_("You cannot decide your own verification request."))
    request.status = (
        VerificationRequestStatus.GRANTED if grant else VerificationRequestStatus.REFUSED
    )
    request.decided_by = moderator
    request.decided_at = timezone.now()
    request.reason = reason.strip()
    request.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    member = User.objects.select_for_update().get(pk=request.member_id)
    if grant:
        _mark_verified(
            member,
            method=VerificationMethod.MODERATOR,
            organization=request.organization,
            by=moderator,
        )
        if not member.job_title:
            member.job_title = request.job_title
            member.save(update_fields=["job_title"])
    queue_email(
        key=f"verification-decision-{request.pk}",
        category=EmailCategory.VERIFICATION,
        recipient=member,
        template="accounts/email/verification_decision",
        context={"request": request, "granted": grant},
    )
    return request


# --- Roles -----------------------------------------------------------------------------------


def _sync_role_flags(member: User) -> None:
    active = set(
        RoleGrant.objects.filter(member=member, revoked_at__isnull=True).values_list(
            "role", flat=True
        )
    )
    member.is_moderator = Role.MODERATOR in active
    member.is_superuser = Role.ADMINISTRATOR in active
    member.is_staff = Role.ADMINISTRATOR in active
    member.save(update_fields=["is_moderator", "is_superuser", "is_staff"])


# Roles held in one topic; the others are site-wide.
TOPIC_ROLES = {Role.EXPERT_REVIEWER, Role.EDITOR}


@transaction.atomic
def grant_role(
    *, actor: User | None, member: User, role: str, topic: Topic | None = None, note: str = ""
) -> RoleGrant:
    """Grant a role, logged with who and when. actor=None is the command line (createsuperuser)."""
    if actor is not None and not permissions.can_grant_role(actor, role):
        raise PermissionDenied
    if role in TOPIC_ROLES and topic is None:
        raise DomainError(_("Choose the topic this role is for."), field="topic")
    if role not in TOPIC_ROLES:
        topic = None
    member = User.objects.select_for_update().get(pk=member.pk)
    grant = RoleGrant(member=member, role=role, topic=topic, note=note, granted_by=actor)
    try:
        with transaction.atomic():
            grant.save()
    except IntegrityError as exc:
        raise ConflictError(_("This member already has that role.")) from exc
    _sync_role_flags(member)
    return grant


@transaction.atomic
def revoke_role(*, actor: User | None, grant_id: int) -> RoleGrant:
    grant = RoleGrant.objects.select_for_update().select_related("member").get(pk=grant_id)
    if actor is not None and not permissions.can_grant_role(actor, grant.role):
        raise PermissionDenied
    if grant.revoked_at is not None:
        raise ConflictError(_("This role was already revoked."))
    grant.revoked_at = timezone.now()
    grant.revoked_by = actor
    grant.save(update_fields=["revoked_at", "revoked_by"])
    _sync_role_flags(User.objects.select_for_update().get(pk=grant.member_id))
    return grant


# --- API tokens ------------------------------------------------------------------------------

TOKEN_PREFIX = "gc_"  # noqa: S105 - a visible marker, not a secret


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def create_api_token(*, member: User, name: str, days: int) -> tuple[ApiToken, str]:
    """Make a token; the raw value is returned once and only its hash is stored."""
    if not 1 <= days <= 366:
        raise DomainError(_("Choose between 1 and 366 days."), field="days")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        member=member,
        name=name.strip(),
        prefix=raw[:10],
        token_hash=hash_token(raw),
        expires_at=timezone.now() + timedelta(days=days),
    )
    token.full_clean()
    token.save()
    return token, raw


@transaction.atomic
def revoke_api_token(*, member: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.select_for_update().filter(member=member, pk=token_id).first()
    if token is None:
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def authenticate_api_token(raw: str) -> User | None:
    """The active member behind a usable token, or None. Notes when it was last used."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("member")
        .filter(token_hash=hash_token(raw), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.member.is_active:
        return None
    now = timezone.now()
    # Only one write a minute per token, so that API reads stay reads.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.member
