"""Contributions (practices, case studies, guides...): outcomes, files, links, adoptions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from govcommons.core.models import Item
from govcommons.organizations.models import Organization
from govcommons.taxonomy.models import LevelOfGovernment, Sector, Topic


class ContributionKind(models.TextChoices):
    BEST_PRACTICE = "best_practice", _("Best practice")
    CASE_STUDY = "case_study", _("Case study")
    SUCCESS_STORY = "success_story", _("Success story")
    PRACTICAL_TIP = "practical_tip", _("Practical tip")
    POLICY_ANALYSIS = "policy_analysis", _("Policy analysis")
    IMPLEMENTATION_GUIDE = "implementation_guide", _("Implementation guide")
    TOOL_TEMPLATE = "tool_template", _("Tool or template")


class Stage(models.TextChoices):
    IDEA = "idea", _("Idea")
    PILOT = "pilot", _("Pilot")
    IN_OPERATION = "in_operation", _("In operation")
    SCALED = "scaled", _("Scaled")
    DISCONTINUED = "discontinued", _("Discontinued")


class Licence(models.TextChoices):
    CC_BY = "CC-BY-4.0", _("Creative Commons Attribution 4.0 (CC BY 4.0)")
    CC_BY_SA = "CC-BY-SA-4.0", _("Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA 4.0)")
    CC0 = "CC0-1.0", _("Public domain dedication (CC0 1.0)")
    OGL = "OGL-3.0", _("Open Government Licence 3.0")
    ETALAB = "Etalab-2.0", _("Licence Ouverte / Etalab 2.0")


class JurisdictionType(models.TextChoices):
    MUNICIPALITY = "municipality", _("City or municipality")
    COUNTY = "county", _("County or district")
    REGION = "region", _("Region, province or state")
    NATIONAL_AGENCY = "national_agency", _("National agency")
    MINISTRY = "ministry", _("Ministry or department")
    HEALTH_BODY = "health_body", _("Health authority or hospital")
    INTERNATIONAL = "international", _("International body")
    OTHER = "other", _("Other")


class PopulationBand(models.TextChoices):
    UNDER_10K = "lt10k", _("Under 10,000 people")
    FROM_10K = "10k-100k", _("10,000 to 100,000")
    FROM_100K = "100k-1m", _("100,000 to 1 million")
    FROM_1M = "1m-10m", _("1 to 10 million")
    OVER_10M = "gt10m", _("Over 10 million")


class BudgetBand(models.TextChoices):
    UNDER_10K = "lt10k", _("Under €10,000")
    FROM_10K = "10k-100k", _("€10,000 to €100,000")
    FROM_100K = "100k-1m", _("€100,000 to €1 million")
    OVER_1M = "gt1m", _("Over €1 million")


class ContributionState(models.TextChoices):
    """Where a contribution stands in peer review and afterwards; the table of allowed moves is
    reviews.workflow.TRANSITIONS."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    ACCEPTED = "accepted", _("Accepted")
    PUBLISHED = "published", _("Published")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    OUTDATED = "outdated", _("Outdated")
    ARCHIVED = "archived", _("Archived")


# States in which the contribution is public (Item.status is "published").
LIVE_STATES = {ContributionState.PUBLISHED, ContributionState.OUTDATED, ContributionState.ARCHIVED}


class EvidenceLevel(models.IntegerChoices):
    """The published scale, explained at /about/review."""

    DESCRIBED = 1, _("1 · Described")
    MEASURED = 2, _("2 · Outcomes measured")
    COMPARED = 3, _("3 · Compared with a baseline or control")
    EVALUATED = 4, _("4 · Independently evaluated")
    REPLICATED = 5, _("5 · Replicated elsewhere")


class Practice(models.Model):
    """A contribution: one table for every kind; each kind's form shows the fields that fit it."""

    item = models.OneToOneField(
        Item, primary_key=True, on_delete=models.CASCADE, related_name="practice"
    )
    contribution_kind = models.CharField(_("kind"), max_length=30, choices=ContributionKind)
    challenge = models.TextField(_("the challenge"), blank=True)
    context = models.TextField(
        _("the context"),
        blank=True,
        help_text=_("Who, where, at what scale, under which constraints."),
    )
    approach = models.TextField(_("the approach"), blank=True)
    implementation = models.TextField(
        _("implementation steps"),
        blank=True,
        help_text=_("Design, procurement, development, deployment."),
    )
    lessons = models.TextField(_("lessons learned and pitfalls"), blank=True)
    replication = models.TextField(_("what it would take to replicate it"), blank=True)
    contacts = models.TextField(_("contacts"), blank=True)
    costs = models.TextField(_("costs and resources"), blank=True)
    cost_amount = models.DecimalField(
        _("total cost"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    cost_currency = models.CharField(_("currency"), max_length=3, default="EUR", blank=True)
    staff_fte = models.DecimalField(
        _("staff (full-time equivalent)"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    stage = models.CharField(
        _("status of the practice"), max_length=20, choices=Stage, default=Stage.IN_OPERATION
    )
    licence = models.CharField(_("licence"), max_length=20, choices=Licence, default=Licence.CC_BY)
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), blank=True, related_name="practices"
    )
    sectors = models.ManyToManyField(
        Sector, verbose_name=_("sectors"), blank=True, related_name="practices"
    )
    adapted_from = models.ForeignKey(
        "self",
        verbose_name=_("adapted from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adaptations",
    )
    # Transferability: would this work in a place like mine?
    jurisdiction_type = models.CharField(
        _("type of jurisdiction"), max_length=20, choices=JurisdictionType, blank=True
    )
    population_band = models.CharField(
        _("population served"), max_length=10, choices=PopulationBand, blank=True
    )
    budget_band = models.CharField(_("budget"), max_length=10, choices=BudgetBand, blank=True)
    service_area = models.CharField(_("service area"), max_length=150, blank=True)
    needs_data = models.BooleanField(_("needs data"), default=False)
    needs_skills = models.BooleanField(_("needs specific skills"), default=False)
    needs_technology = models.BooleanField(_("needs technology"), default=False)
    needs_procurement = models.BooleanField(_("needs a procurement"), default=False)
    needs_legal_basis = models.BooleanField(_("needs a legal basis"), default=False)
    prerequisites = models.TextField(_("prerequisites in detail"), blank=True)
    has_outcomes = models.BooleanField(default=False, db_index=True)
    # Peer review: the state is changed only by reviews.workflow.
    state = models.CharField(
        _("review state"), max_length=20, choices=ContributionState, default=ContributionState.DRAFT
    )
    evidence_level = models.PositiveSmallIntegerField(
        _("evidence level"), choices=EvidenceLevel, null=True, blank=True
    )
    last_reviewed_at = models.DateTimeField(_("last reviewed"), null=True, blank=True)
    rereview_due_on = models.DateField(_("re-review due"), null=True, blank=True)
    # The revision the published page shows; later revisions wait for review (see reviews app).
    live_revision = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["state"], name="practice_state_idx"),
            models.Index(fields=["evidence_level"], name="practice_evidence_idx"),
            models.Index(fields=["rereview_due_on"], name="practice_rereview_idx"),
            models.Index(fields=["contribution_kind"], name="practice_kind_idx"),
            models.Index(fields=["stage"], name="practice_stage_idx"),
            models.Index(
                fields=["jurisdiction_type", "population_band"], name="practice_context_idx"
            ),
            # The list's other filters: "peer reviewed only", population and budget alone.
            models.Index(fields=["last_reviewed_at"], name="practice_reviewed_idx"),
            models.Index(fields=["population_band"], name="practice_population_idx"),
            models.Index(fields=["budget_band"], name="practice_budget_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="practice_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.item.title

    def get_absolute_url(self) -> str:
        return reverse("practices:detail", args=[self.item.slug])

    @property
    def is_peer_reviewed(self) -> bool:
        return self.last_reviewed_at is not None and self.state in LIVE_STATES

    @property
    def has_pending_revision(self) -> bool:
        return self.state in LIVE_STATES and self.item.revision_number > self.live_revision


class PracticeLevel(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="levels")
    level = models.CharField(max_length=20, choices=LevelOfGovernment)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "level"], name="practicelevel_unique")
        ]
        indexes = [models.Index(fields=["level", "practice"], name="practicelevel_level_idx")]

    def __str__(self) -> str:
        return self.level


class PracticeCountry(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="countries")
    country = CountryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "country"], name="practicecountry_unique")
        ]
        indexes = [models.Index(fields=["country", "practice"], name="practicecountry_country_idx")]

    def __str__(self) -> str:
        return str(self.country)


class Metric(models.Model):
    """A measured result: "days to repair a reported pothole: 21 -> 6 over 12 months"."""

    name = models.CharField(_("what was measured"), max_length=200)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    baseline = models.DecimalField(
        _("before"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    result = models.DecimalField(_("after"), max_digits=16, decimal_places=4)
    period = models.CharField(_("over what period"), max_length=100, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class Outcome(Metric):
    """An outcome the contribution's authors report."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="outcomes")
    position = models.PositiveSmallIntegerField(default=0)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["position", "pk"]


class Attachment(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class LinkKind(models.TextChoices):
    REPOSITORY = "repository", _("Source code repository")
    PROCUREMENT = "procurement", _("Procurement notice")
    DATASET = "dataset", _("Dataset")
    DOCUMENT = "document", _("Document or report")
    WEBSITE = "website", _("Website")


class PracticeLink(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(
        _("kind of link"), max_length=20, choices=LinkKind, default=LinkKind.WEBSITE
    )
    url = models.URLField(_("address"), max_length=500)
    title = models.CharField(_("title"), max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title or self.url


class AdoptionStage(models.TextChoices):
    PLANNING = "planning", _("Planning")
    PILOTING = "piloting", _("Piloting")
    IN_OPERATION = "in_operation", _("In operation")
    STOPPED = "stopped", _("Stopped")


class Adoption(models.Model):
    """ "My organisation adopted this": one row per organisation and practice, updated over time."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="adoptions")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="adoptions"
    )
    stage = models.CharField(_("stage"), max_length=20, choices=AdoptionStage)
    adopted_on = models.DateField(_("since"))
    notes = models.TextField(_("notes"), blank=True, max_length=5000)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-adopted_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "organization"], name="adoption_unique_org")
        ]
        indexes = [models.Index(fields=["organization", "-adopted_on"], name="adoption_org_idx")]

    def __str__(self) -> str:
        return f"{self.organization} adopted {self.practice}"


class AdoptionOutcome(Metric):
    """A result the adopting organisation measured for itself."""

    adoption = models.ForeignKey(Adoption, on_delete=models.CASCADE, related_name="outcomes")

    class Meta:
        ordering = ["pk"]


class MemberContext(models.Model):
    """A member's "place like mine", saved once, to see practices that fit it first."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_context"
    )
    jurisdiction_type = models.CharField(
        _("type of jurisdiction"), max_length=20, choices=JurisdictionType, blank=True
    )
    population_band = models.CharField(
        _("population served"), max_length=10, choices=PopulationBand, blank=True
    )
    budget_band = models.CharField(_("budget"), max_length=10, choices=BudgetBand, blank=True)
    country = CountryField(_("country"), blank=True)

    def __str__(self) -> str:
        return f"Context of {self.member}"
