import factory

from govcommons.organizations.models import Organization, OrganizationDomain


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Public Body {n}")
    slug = factory.Sequence(lambda n: f"public-body-{n}")
    country = "FR"
    level = "local"


class OrganizationDomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganizationDomain

    organization = factory.SubFactory(OrganizationFactory)
    domain = factory.Sequence(lambda n: f"city{n}.example")
