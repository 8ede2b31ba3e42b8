"""Members, their public profile, verification as public servants, roles and API tokens."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from govcommons.organizations.models import Organization
from govcommons.taxonomy.models import LevelOfGovernment, Sector, Topic


class ProfileField(models.TextChoices):
    """Optional profile fields a member may show to visitors who are not signed in."""

    JOB_TITLE = "job_title", _("Job title")
    ORGANIZATION = "organization", _("Organisation")
    LEVEL = "level", _("Level of government")
    SECTOR = "sector", _("Sector")
    LOCATION = "location", _("Country and region")
    EXPERTISE = "expertise", _("Expertise topics")
    BIO = "bio", _("Short bio")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields):
        email = self.normalize_email(email).lower()
        fields.setdefault("display_name", email.split("@")[0])
        fields.setdefault("handle", unique_handle(fields["display_name"]))
        user = self.model(email=email, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


def unique_handle(display_name: str) -> str:
    """A URL handle from the display name, with a short random suffix when taken."""
    base = slugify(display_name)[:40] or "member"
    handle = base
    while User.objects.filter(handle=handle).exists():
        handle = f"{base}-{get_random_string(4, 'abcdefghijkmnpqrstuvwxyz23456789')}"
    return handle


class VerificationStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("Not verified")
    VERIFIED = "verified", _("Verified public servant")


class VerificationMethod(models.TextChoices):
    DOMAIN = "domain", _("Confirmed a work email address on the organisation's domain")
    MODERATOR = "moderator", _("Checked by a moderator")


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email address"), unique=True)
    handle = models.SlugField(_("profile address"), max_length=60, unique=True)
    display_name = models.CharField(_("display name"), max_length=100)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    level = models.CharField(
        _("level of government"), max_length=20, choices=LevelOfGovernment, blank=True
    )
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), null=True, blank=True, on_delete=models.SET_NULL
    )
    country = CountryField(_("country"), blank=True)
    region = models.CharField(_("region"), max_length=120, blank=True)
    bio = models.TextField(_("short bio"), blank=True, max_length=5000)
    avatar = models.ImageField(_("avatar"), upload_to="avatars/", blank=True)
    expertise = models.ManyToManyField(
        Topic, verbose_name=_("expertise topics"), blank=True, related_name="experts"
    )
    # What visitors who are not signed in may see; name and verified badge are always shown.
    public_job_title = models.BooleanField(default=True)
    public_organization = models.BooleanField(default=True)
    public_level = models.BooleanField(default=True)
    public_sector = models.BooleanField(default=True)
    public_location = models.BooleanField(default=False)
    public_expertise = models.BooleanField(default=True)
    public_bio = models.BooleanField(default=False)

    verification_status = models.CharField(
        max_length=12, choices=VerificationStatus, default=VerificationStatus.UNVERIFIED
    )
    verification_method = models.CharField(max_length=12, choices=VerificationMethod, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_email = models.EmailField(blank=True)

    # Kept in step with RoleGrant rows by accounts.services.grant_role / revoke_role.
    is_moderator = models.BooleanField(default=False)
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        indexes = [
            models.Index(fields=["organization", "display_name"], name="user_org_name_idx"),
            models.Index(fields=["verification_status"], name="user_verification_idx"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.email

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", args=[self.handle])

    @property
    def public_fields(self) -> set[str]:
        return {name for name in ProfileField.values if getattr(self, f"public_{name}")}

    @property
    def is_verified(self) -> bool:
        return self.verification_status == VerificationStatus.VERIFIED

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser


class VerificationRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a moderator")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class VerificationRequest(models.Model):
    """A member's request to be verified by a moderator, for those without a known work domain."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="verification_requests"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    job_title = models.CharField(_("job title"), max_length=150)
    work_email = models.EmailField(_("work email address"), blank=True)
    evidence = models.TextField(
        _("how can a moderator check?"),
        max_length=2000,
        help_text=_(
            "For example a link to your organisation's staff directory, or a colleague "
            "who can confirm your role."
        ),
    )
    status = models.CharField(
        max_length=10, choices=VerificationRequestStatus, default=VerificationRequestStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True, max_length=2000)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="verifreq_queue_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status="pending"),
                name="verifreq_one_pending_per_member",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} ({self.get_status_display()})"


class Role(models.TextChoices):
    EXPERT_REVIEWER = "expert_reviewer", _("Expert reviewer")
    # An expert who also runs peer review in their topic: invites reviewers, decides, publishes.
    EDITOR = "editor", _("Editor")
    MODERATOR = "moderator", _("Moderator")
    ADMINISTRATOR = "administrator", _("Administrator")


class RoleGrant(models.Model):
    """One grant of a role; revoking keeps the row, so the log of who granted what stays whole."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role)
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Expert reviewers and editors work in one topic."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-granted_at"]
        indexes = [models.Index(fields=["member", "revoked_at"], name="rolegrant_member_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "role", "topic"],
                condition=Q(revoked_at__isnull=True, topic__isnull=False),
                name="rolegrant_one_active_per_topic",
            ),
            models.UniqueConstraint(
                fields=["member", "role"],
                condition=Q(revoked_at__isnull=True, topic__isnull=True),
                name="rolegrant_one_active_sitewide",
            ),
            models.CheckConstraint(
                condition=Q(role__in=["expert_reviewer", "editor"], topic__isnull=False)
                | (~Q(role__in=["expert_reviewer", "editor"]) & Q(topic__isnull=True)),
                name="rolegrant_topic_only_for_experts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.member}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token is shown once."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["member", "revoked_at"], name="apitoken_member_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
