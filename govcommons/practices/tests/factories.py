"""Factories for contributions, and helpers that write them through the services."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from govcommons.core.models import Item
from govcommons.core.tests.factories import ItemFactory
from govcommons.organizations.tests.factories import OrganizationFactory
from govcommons.practices import services
from govcommons.practices.models import (
    Adoption,
    AdoptionStage,
    Attachment,
    ContributionKind,
    ContributionState,
    MemberContext,
    Outcome,
    Practice,
    PracticeCountry,
    PracticeLevel,
    PracticeLink,
    Stage,
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class PracticeFactory(factory.django.DjangoModelFactory):
    """A published, public case study; `item__draft=True` for a draft.

    Rows only: no revision is recorded (write_draft goes through the services).
    """

    class Meta:
        model = Practice
        skip_postgeneration_save = True

    item = factory.SubFactory(ItemFactory)
    contribution_kind = ContributionKind.CASE_STUDY
    challenge = "Potholes took three weeks to repair."
    approach = "A reporting app routed to crews by district."
    stage = Stage.IN_OPERATION
    state = factory.LazyAttribute(
        lambda o: (
            ContributionState.PUBLISHED if o.item.status == "published" else ContributionState.DRAFT
        )
    )

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)

    @factory.post_generation
    def sectors(self, create, extracted, **kwargs):
        if create and extracted:
            self.sectors.set(extracted)

    @factory.post_generation
    def levels(self, create, extracted, **kwargs):
        if create and extracted:
            PracticeLevel.objects.bulk_create(
                PracticeLevel(practice=self, level=v) for v in extracted
            )

    @factory.post_generation
    def countries(self, create, extracted, **kwargs):
        if create and extracted:
            PracticeCountry.objects.bulk_create(
                PracticeCountry(practice=self, country=c) for c in extracted
            )


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    practice = factory.SubFactory(PracticeFactory)
    position = factory.Sequence(int)
    name = factory.Sequence(lambda n: f"Days to repair a pothole ({n})")
    unit = "days"
    baseline = Decimal("21")
    result = Decimal("6")
    period = "12 months"


class LinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticeLink

    practice = factory.SubFactory(PracticeFactory)
    url = factory.Sequence(lambda n: f"https://code.example.org/repo-{n}")
    title = factory.Sequence(lambda n: f"Repository {n}")


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attachment

    practice = factory.SubFactory(PracticeFactory)
    file = factory.django.FileField(filename="stored.pdf", data=PDF_BYTES)
    original_name = "report.pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)


class AdoptionFactory(factory.django.DjangoModelFactory):
    """An adoption row only; the Item's counters are updated by services.report_adoption."""

    class Meta:
        model = Adoption

    practice = factory.SubFactory(PracticeFactory)
    organization = factory.SubFactory(OrganizationFactory)
    stage = AdoptionStage.IN_OPERATION
    adopted_on = datetime.date(2025, 3, 1)


class MemberContextFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberContext


def practice_input(
    *,
    topics=(),
    sectors=(),
    levels=(),
    countries=(),
    outcomes=(),
    links=(),
    co_authors=(),
    **fields,
) -> services.PracticeInput:
    """What a filled-in case study form gives the services; keyword arguments override fields."""
    base = {
        "title": "Fixing potholes in a week",
        "summary": "Residents report potholes in an app; crews fix them within a week.",
        "contribution_kind": ContributionKind.CASE_STUDY,
        "challenge": "Potholes took three weeks to repair.",
        "approach": "A reporting app routed to crews by district.",
        "stage": Stage.IN_OPERATION,
    }
    return services.PracticeInput(
        fields={**base, **fields},
        topics=list(topics),
        sectors=list(sectors),
        levels=list(levels),
        countries=list(countries),
        outcomes=list(outcomes),
        links=list(links),
        co_authors=list(co_authors),
    )


def outcome(name: str = "Days to repair a pothole", baseline="21", result="6") -> dict:
    return {
        "name": name,
        "unit": "days",
        "baseline": Decimal(baseline) if baseline is not None else None,
        "result": Decimal(result),
        "period": "12 months",
        "source": "City maintenance records",
    }


def write_draft(author, message: str = "", **kwargs) -> Practice:
    """A draft written through services.create_draft (so it has revision 1)."""
    return services.create_draft(author=author, data=practice_input(**kwargs), message=message)


def write_published(author, **kwargs) -> Practice:
    """A contribution drafted through the services, then marked published in the rows (as if its
    review had published it; the reviews app's tests walk the review itself)."""
    practice = write_draft(author, **kwargs)
    return mark_published(practice)


def mark_published(practice: Practice) -> Practice:
    Item.objects.filter(pk=practice.pk).update(status="published", published_at=timezone.now())
    Practice.objects.filter(pk=practice.pk).update(
        state=ContributionState.PUBLISHED,
        live_revision=Item.objects.get(pk=practice.pk).revision_number,
    )
    return Practice.objects.select_related("item").get(pk=practice.pk)
