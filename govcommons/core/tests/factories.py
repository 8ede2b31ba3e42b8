"""Factories for the Item spine."""

import factory
from django.utils import timezone

from govcommons.accounts.tests.factories import UserFactory
from govcommons.core.models import Item, ItemKind, ItemStatus, Visibility


class ItemFactory(factory.django.DjangoModelFactory):
    """A published, public Item; `draft=True` for a draft, `co_authors=[...]` to share it."""

    class Meta:
        model = Item
        skip_postgeneration_save = True

    kind = ItemKind.PRACTICE
    title = factory.Sequence(lambda n: f"Contribution {n}")
    slug = factory.Sequence(lambda n: f"contribution-{n}")
    summary = "What was done, where, and what came of it."
    author = factory.SubFactory(UserFactory)
    visibility = Visibility.PUBLIC
    status = ItemStatus.PUBLISHED
    published_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == ItemStatus.PUBLISHED else None
    )

    class Params:
        draft = factory.Trait(status=ItemStatus.DRAFT)
        removed = factory.Trait(status=ItemStatus.REMOVED)

    @factory.post_generation
    def co_authors(self, create, extracted, **kwargs):
        if create and extracted:
            self.co_authors.set(extracted)
