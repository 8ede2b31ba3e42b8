"""The demo contributions: varied, written through the services, published through real peer
review, and safe to seed twice."""

from io import StringIO

from django.core.management import call_command
from django.db.models import Count

from govcommons.accounts.models import Role, RoleGrant, User
from govcommons.core.models import Item, ItemKind, ItemStatus, Revision, Visibility
from govcommons.practices.models import (
    Adoption,
    ContributionKind,
    ContributionState,
    Outcome,
    Practice,
    PracticeCountry,
    PracticeLink,
)
from govcommons.reviews import permissions as review_permissions
from govcommons.reviews.models import (
    OutdatedFlag,
    Review,
    ReviewInvitation,
    Submission,
    SubmissionKind,
)

SUMMARY = (
    "Peer review: 34 published after review (evidence levels 1 to 5: 7 / 10 / 10 / 5 / 2), "
    "1 waiting for reviewers, 1 in review, 1 with changes requested, 1 minor edit waiting for "
    "approval, 1 marked outdated, 1 flagged as possibly outdated; 71 reviews written."
)


def counts() -> dict[str, int]:
    # Questions and ideas are Items too (seed_demo adds them): count contributions only.
    contributions = Item.objects.filter(kind=ItemKind.PRACTICE)
    return {
        "contributions": Practice.objects.count(),
        "published": contributions.filter(status=ItemStatus.PUBLISHED).count(),
        "drafts": contributions.filter(status=ItemStatus.DRAFT).count(),
        "members_only": contributions.filter(visibility=Visibility.MEMBERS).count(),
        "verified_only": contributions.filter(visibility=Visibility.VERIFIED).count(),
        "revisions": Revision.objects.count(),
        "outcomes": Outcome.objects.count(),
        "adoptions": Adoption.objects.count(),
        "adaptations": Practice.objects.filter(adapted_from__isnull=False).count(),
        "countries": PracticeCountry.objects.count(),
        "links": PracticeLink.objects.count(),
        "submissions": Submission.objects.count(),
        "invitations": ReviewInvitation.objects.count(),
        "reviews": Review.objects.count(),
        "flags": OutdatedFlag.objects.count(),
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
        "published": 34,
        "drafts": 6,
        "members_only": 2,
        "verified_only": 1,
        # 84 as written, and the pending minor edit.
        "revisions": 85,
        "outcomes": 43,
        "adoptions": 57,
        "adaptations": 4,
        "countries": 52,
        "links": 13,
        # 34 published, 3 in review, 1 minor edit.
        "submissions": 38,
        "invitations": 72,
        "reviews": 71,
        "flags": 1,
    }
    assert "36 written, 4 adaptations, 57 adoptions added" in first.getvalue()
    assert "0 written, 0 adaptations, 0 adoptions added" in second.getvalue()
    assert SUMMARY in first.getvalue()
    assert SUMMARY in second.getvalue()


def test_demo_contributions_cover_every_kind_and_mean_something(db, settings):
    settings.REQUIRE_MFA_FOR_STAFF = False
    call_command("seed_demo", "--force", stdout=StringIO())

    published = Practice.objects.filter(item__status=ItemStatus.PUBLISHED)
    assert set(published.values_list("contribution_kind", flat=True)) == set(
        ContributionKind.values
    )
    contributions = Item.objects.filter(kind=ItemKind.PRACTICE)
    assert set(contributions.values_list("language", flat=True)) == {"en", "fr", "es", "de"}
    pothole = Item.objects.get(slug="fixing-potholes-in-6-days-with-a-citizen-reporting-app")
    assert (pothole.adoption_count, pothole.adoption_country_count) == (6, 6)
    assert list(pothole.revisions.order_by("number").values_list("number", "message")) == [
        (1, "First draft"),
        (2, "Added the 12-month figures from the work-order system"),
        (3, "Lessons learned after the first winter"),
    ]
    outcome = Outcome.objects.get(practice__item=pothole, name="Days to repair a reported pothole")
    assert (outcome.baseline, outcome.result, outcome.period) == (21, 6, "12 months")
    most_adopted = contributions.filter(status=ItemStatus.PUBLISHED).order_by("-adoption_count")
    assert most_adopted.first() == pothole
    # Every published contribution has a verified author or co-author: they submitted it.
    for item in contributions.filter(status=ItemStatus.PUBLISHED).prefetch_related("co_authors"):
        authors = [item.author, *item.co_authors.all()]
        assert any(member.is_verified for member in authors), item.title


def test_every_published_demo_contribution_went_through_peer_review_and_some_wait(db, settings):
    settings.REQUIRE_MFA_FOR_STAFF = False
    call_command("seed_demo", "--force", stdout=StringIO())

    published = Practice.objects.filter(item__status=ItemStatus.PUBLISHED).select_related("item")
    assert published.count() == 34
    for practice in published:
        first = Submission.objects.get(practice=practice, kind=SubmissionKind.FIRST)
        assert (first.state, first.evidence_level, first.decided_by is not None) == (
            ContributionState.PUBLISHED,
            practice.evidence_level,
            True,
        )
        assert practice.is_peer_reviewed, practice.item.title
        reviews = list(first.reviews.select_related("reviewer"))
        assert len(reviews) == 2, practice.item.title
        for review in reviews:
            # Signed by a verified expert from another organisation, never a conflict.
            assert review.reviewer.is_verified
            assert not review_permissions.is_conflicted(review.reviewer, practice)
            assert review.to_authors
            assert review.points.count() >= 1
            assert review.quality in (4, 5)
        assert first.decided_by.email in {"aino.virtanen@hel.fi", "elena.ferraro@opsi.example"}
    levels = dict(
        published.values_list("evidence_level")
        .annotate(n=Count("pk"))
        .values_list("evidence_level", "n")
    )
    assert levels == {1: 7, 2: 10, 3: 10, 4: 5, 5: 2}
    # Five experts share the work.
    per_reviewer = dict(
        Review.objects.values_list("reviewer__email")
        .annotate(n=Count("pk"))
        .values_list("reviewer__email", "n")
    )
    assert sorted(per_reviewer) == [
        "aino.virtanen@hel.fi",
        "claire.martin@lyon.fr",
        "jordi.puig@bcn.cat",
        "kadri.tamm@tallinnlv.ee",
        "priya.shah@health.gov.example",
    ]
    assert sum(per_reviewer.values()) == 71

    # Work is left for the editors and the authors.
    def state_of(title_start: str) -> tuple:
        practice = Practice.objects.get(item__title__startswith=title_start)
        submission = practice.submissions.order_by("-pk").first()
        return (
            practice.state,
            submission.kind,
            submission.state,
            submission.invitations.count(),
            submission.reviews.count(),
        )

    assert state_of("Predictive maintenance") == ("submitted", "first", "submitted", 0, 0)
    assert state_of("A digital front door") == ("in_review", "first", "in_review", 2, 1)
    assert state_of("Vivienda vacía") == (
        "changes_requested",
        "first",
        "changes_requested",
        2,
        2,
    )
    assert state_of("Plain-language letters") == ("published", "minor", "submitted", 0, 0)
    letters = Practice.objects.select_related("item").get(
        item__title__startswith="Plain-language letters"
    )
    assert (letters.has_pending_revision, letters.live_revision) == (True, 2)
    assert "keep sentences under 20 words" not in letters.approach
    outdated = Practice.objects.get(state=ContributionState.OUTDATED)
    assert outdated.item.title == (
        "Digital identity for public services: policy options and trade-offs"
    )
    flag = OutdatedFlag.objects.select_related("practice__item", "flagged_by").get()
    assert (flag.practice.item.title, flag.flagged_by.email, flag.resolved_at) == (
        "Market consultation before a tender: a one-page checklist",
        "lucia.romano@example.net",
        None,
    )
    # The managing editor edits every topic; Aino edits open data.
    aino, elena = (
        User.objects.get(email=email)
        for email in ("aino.virtanen@hel.fi", "elena.ferraro@opsi.example")
    )
    assert list(
        RoleGrant.objects.filter(member=aino, role=Role.EDITOR).values_list(
            "topic__name", flat=True
        )
    ) == ["Open data"]
    assert RoleGrant.objects.filter(member=elena, role=Role.EDITOR).count() == 24
    assert elena.is_verified
    experts = User.objects.filter(is_active=True, verification_status="verified").annotate(
        n=Count("expertise")
    )
    assert {m.email: m.n for m in experts if m.n} == {
        "claire.martin@lyon.fr": 4,
        "aino.virtanen@hel.fi": 4,
        "jordi.puig@bcn.cat": 4,
        "priya.shah@health.gov.example": 4,
        "kadri.tamm@tallinnlv.ee": 3,
    }


def test_without_two_factor_the_moderator_adoptions_are_skipped_not_failed(db):
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out)

    assert "Adoptions by bodies without a demo member were skipped" in out.getvalue()
    assert Practice.objects.count() == 40
    assert Adoption.objects.filter(reported_by__email="moderator@govcommons.example").count() == 0
    assert Adoption.objects.count() == 57 - 21
    # Peer review needs no moderator: the demo's editors are members with the editor role.
    assert SUMMARY in out.getvalue()
