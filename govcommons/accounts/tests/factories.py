"""Factories for members, roles and tokens."""

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from govcommons.accounts.models import User, VerificationMethod, VerificationStatus

PASSWORD = "correct horse battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"member{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Member {n}")
    handle = factory.Sequence(lambda n: f"member-{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def confirmed_email(self, create, extracted, **kwargs):
        """An allauth EmailAddress, confirmed unless confirmed_email=False."""
        if create:
            EmailAddress.objects.create(
                user=self, email=self.email, primary=True, verified=extracted is not False
            )
            self.save()

    class Params:
        verified = factory.Trait(
            verification_status=VerificationStatus.VERIFIED,
            verification_method=VerificationMethod.MODERATOR,
            verified_at=factory.LazyFunction(timezone.now),
        )
