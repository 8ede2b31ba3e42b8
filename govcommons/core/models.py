"""Shared tables: the worker heartbeat that lets a crashed worker's task be picked up again."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} on {self.hostname} ({self.pid})"


class Language(models.TextChoices):
    """Languages contributions are written in; the item's language picks its search stemmer."""

    EN = "en", "English"
    FR = "fr", "Français"
    DE = "de", "Deutsch"
    ES = "es", "Español"
    IT = "it", "Italiano"
    NL = "nl", "Nederlands"
    PT = "pt", "Português"
    FI = "fi", "Suomi"
    ET = "et", "Eesti"
    DA = "da", "Dansk"
    SV = "sv", "Svenska"
    PL = "pl", "Polski"


class ItemKind(models.TextChoices):
    PRACTICE = "practice", _("Contribution")
    QUESTION = "question", _("Question")
    IDEA = "idea", _("Idea")


# The page of each kind of Item (a URL name taking the slug); see Item.get_absolute_url.
ITEM_URL_NAMES = {
    ItemKind.PRACTICE: "practices:detail",
    ItemKind.QUESTION: "discussions:question",
    ItemKind.IDEA: "ideas:detail",
}


class ItemStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    REMOVED = "removed", _("Removed")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public: anyone can read it")
    MEMBERS = "members", _("Members only: signed-in members can read it")
    VERIFIED = "verified", _("Verified public servants only")


class Item(models.Model):
    """The spine: every thing members comment on, vote on, follow, flag and find is an Item.

    Each kind has its own table with a one-to-one primary key here (practices.Practice, ...).
    Who may see an Item is decided in one place: core.permissions.visible_items.
    """

    kind = models.CharField(max_length=20, choices=ItemKind)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    summary = models.TextField(_("summary"), max_length=1500, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="authored_items"
    )
    co_authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="co_authored_items"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("owning organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
    )
    visibility = models.CharField(
        _("who can read it"), max_length=10, choices=Visibility, default=Visibility.PUBLIC
    )
    status = models.CharField(max_length=20, choices=ItemStatus, default=ItemStatus.DRAFT)
    language = models.CharField(_("language"), max_length=8, choices=Language, default=Language.EN)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    revision_number = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    useful_count = models.PositiveIntegerField(default=0)
    adoption_count = models.PositiveIntegerField(default=0)
    adoption_country_count = models.PositiveIntegerField(default=0)
    # The discussion under the item: locked stops new comments, slow mode spaces them out.
    discussion_locked = models.BooleanField(_("discussion locked"), default=False)
    slow_mode_minutes = models.PositiveSmallIntegerField(_("slow mode (minutes)"), default=0)

    class Meta:
        indexes = [
            models.Index(
                fields=["kind", "status", "visibility", "-published_at"], name="item_listing_idx"
            ),
            models.Index(fields=["kind", "status", "-updated_at"], name="item_updated_idx"),
            models.Index(fields=["kind", "status", "-adoption_count"], name="item_adopted_idx"),
            models.Index(fields=["author", "status"], name="item_author_idx"),
            models.Index(fields=["organization", "status"], name="item_org_idx"),
            # The contribution list's language filter.
            models.Index(fields=["kind", "status", "language"], name="item_language_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(published_at__isnull=False),
                name="item_published_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(ITEM_URL_NAMES[self.kind], args=[self.slug])


class Revision(models.Model):
    """One saved version of an Item's editable content, as a JSON snapshot."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.CharField(_("what changed"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    snapshot = models.JSONField()
    restored_from = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="revision_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} r{self.number}"
