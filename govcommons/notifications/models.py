"""Outgoing email, stored before it is sent so that a re-run of the task never sends twice;
and in-site notifications (the bell)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    # Queued by seed_demo's made-up history: kept for the record, never delivered.
    SKIPPED = "skipped", _("Not sent (demo data)")


class EmailCategory(models.TextChoices):
    ACCOUNT = "account", _("Account and security")
    VERIFICATION = "verification", _("Verification decisions")
    MODERATION = "moderation", _("Moderation work")
    REVIEWS = "reviews", _("Peer review: invitations, reminders, reviews and decisions")
    DISCUSSIONS = "discussions", _("Discussions: mentions, replies and answers to your questions")
    IDEAS = "ideas", _("Ideas: decisions on ideas you proposed")
    SEARCHES = "searches", _("Saved searches: new matches")


class OutgoingEmail(models.Model):
    idempotency_key = models.CharField(max_length=200, unique=True)
    category = models.CharField(max_length=20, choices=EmailCategory)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_address = models.EmailField()
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=EmailStatus, default=EmailStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="email_status_idx")]

    def __str__(self) -> str:
        return f"{self.subject} -> {self.to_address}"


class EmailPreference(models.Model):
    """A member's choice to stop one optional category of email (account email is always sent)."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preferences"
    )
    category = models.CharField(max_length=20, choices=EmailCategory)
    enabled = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "category"], name="emailpref_unique")
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.category}={'on' if self.enabled else 'off'}"


class Notification(models.Model):
    """Something a member should see or act on, shown under the bell until read."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    category = models.CharField(max_length=20, choices=EmailCategory)
    # Idempotency: a re-run of the same step never notifies twice.
    key = models.CharField(max_length=200, unique=True)
    message = models.CharField(max_length=300)
    url = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_idx"),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.message
