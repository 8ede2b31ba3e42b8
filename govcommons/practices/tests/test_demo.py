"""The demo contributions: varied, written through the services, and safe to seed twice."""

from io import StringIO

from django.core.management import call_command

from govcommons.core.models import Item, ItemStatus, Revision, Visibility
from govcommons.practices.models import (
    Adoption,
    ContributionKind,
    Outcome,
    Practice,
    PracticeCountry,
    PracticeLink,
)


def counts() -> dict[str, int]:
    return {
        "contributions": Practice.objects.count(),
        "published": Item.objects.filter(status=ItemStatus.PUBLISHED).count(),
        "drafts": Item.objects.filter(status=ItemStatus.DRAFT).count(),
        "members_only": Item.objects.filter(visibility=Visibility.MEMBERS).count(),
        "verified_only": Item.objects.filter(visibility=Visibility.VERIFIED).count(),
        "revisions": Revision.objects.count(),
        "outcomes": Outcome.objects.count(),
        "adoptions": Adoption.objects.count(),
        "adaptations": Practice.objects.filter(adapted_from__isnull=False).count(),
        "countries": PracticeCountry.objects.count(),
        "links": PracticeLink.objects.count(),
    }


def test_seed_demo_twice_gives_the_same_contributions(db, settings):
    # Cross-organisation adoptions are reported by the demo moderator, who has no two-factor.
    settings.REQUIRE_MFA_FOR_STAFF = False
    first, second = StringIO(), StringIO()

    call_command("seed_demo", "--force", stdout=first)
    after_first = counts()
    call_command("seed_demo", "--force", stdout=second)

    assert counts() == after_first
    assert after_first == {
        "contributions": 40,
        "published": 35,
        "drafts": 5,
        "members_only": 2,
        "verified_only": 1,
        "revisions": 84,
        "outcomes": 43,
        "adoptions": 57,
        "adaptations": 4,
        "countries": 52,
        "links": 13,
    }
    assert "36 written, 4 adaptations, 57 adoptions added" in first.getvalue()
    assert "0 written, 0 adaptations, 0 adoptions added" in second.getvalue()


def test_demo_contributions_cover_every_kind_and_mean_something(db, settings):
    settings.REQUIRE_MFA_FOR_STAFF = False
    call_command("seed_demo", "--force", stdout=StringIO())

    published = Practice.objects.filter(item__status=ItemStatus.PUBLISHED)
    assert set(published.values_list("contribution_kind", flat=True)) == set(
        ContributionKind.values
    )
    assert set(Item.objects.values_list("language", flat=True)) == {"en", "fr", "es", "de"}
    pothole = Item.objects.get(slug="fixing-potholes-in-6-days-with-a-citizen-reporting-app")
    assert (pothole.adoption_count, pothole.adoption_country_count) == (6, 6)
    assert list(pothole.revisions.order_by("number").values_list("number", "message")) == [
        (1, "First draft"),
        (2, "Added the 12-month figures from the work-order system"),
        (3, "Lessons learned after the first winter"),
    ]
    outcome = Outcome.objects.get(practice__item=pothole, name="Days to repair a reported pothole")
    assert (outcome.baseline, outcome.result, outcome.period) == (21, 6, "12 months")
    most_adopted = Item.objects.filter(status=ItemStatus.PUBLISHED).order_by("-adoption_count")
    assert most_adopted.first() == pothole
    # Every published contribution has a verified author or co-author: they published it.
    for item in Item.objects.filter(status=ItemStatus.PUBLISHED).prefetch_related("co_authors"):
        authors = [item.author, *item.co_authors.all()]
        assert any(member.is_verified for member in authors), item.title


def test_without_two_factor_the_moderator_adoptions_are_skipped_not_failed(db):
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out)

    assert "Adoptions by bodies without a demo member were skipped" in out.getvalue()
    assert Practice.objects.count() == 40
    assert Adoption.objects.filter(reported_by__email="moderator@govcommons.example").count() == 0
    assert Adoption.objects.count() == 57 - 21
