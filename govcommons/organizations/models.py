"""Public bodies, their hierarchy and the email domains that identify their staff."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from govcommons.taxonomy.models import LevelOfGovernment, Sector


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("For a department inside a ministry, or a service inside a city."),
    )
    country = CountryField(_("country"))
    region = models.CharField(_("region"), max_length=120, blank=True)
    level = models.CharField(_("level of government"), max_length=20, choices=LevelOfGovernment)
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("sector"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organizations",
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["country", "name"], name="org_country_name_idx"),
            models.Index(fields=["level", "name"], name="org_level_name_idx"),
            models.Index(fields=["sector", "name"], name="org_sector_name_idx"),
            models.Index(fields=["name"], name="org_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organizations:detail", args=[self.slug])


class OrganizationDomain(models.Model):
    """An email domain whose confirmed addresses make a member a verified public servant."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="email_domains"
    )
    domain = models.CharField(
        _("email domain"), max_length=253, help_text=_("For example lyon.fr, without the @.")
    )

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.UniqueConstraint(Lower("domain"), name="organization_domain_unique_lower")
        ]

    def __str__(self) -> str:
        return self.domain


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a moderator")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")


class OrganizationProposal(models.Model):
    """A member's proposal of a public body missing from the directory."""

    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        Organization,
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    country = CountryField(_("country"))
    region = models.CharField(_("region"), max_length=120, blank=True)
    level = models.CharField(_("level of government"), max_length=20, choices=LevelOfGovernment)
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), null=True, blank=True, on_delete=models.SET_NULL
    )
    website = models.URLField(_("website"), blank=True)
    email_domain = models.CharField(
        _("staff email domain"),
        max_length=253,
        blank=True,
        help_text=_("The domain of its staff's work addresses, for example lyon.fr."),
    )
    note = models.TextField(_("note to the moderators"), blank=True, max_length=2000)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organization_proposals"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=ProposalStatus, default=ProposalStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="orgproposal_queue_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ProposalStatus.PENDING) | Q(decided_at__isnull=False),
                name="orgproposal_decided_has_time",
            )
        ]

    def __str__(self) -> str:
        return self.name
