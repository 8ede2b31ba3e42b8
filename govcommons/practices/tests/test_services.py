"""Writing contributions: drafts, co-authors, submitting for review, edits of published
contributions, revisions, restore, conflicts, adaptations, adoptions and a member's context."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from govcommons.core.errors import ConflictError, DomainError
from govcommons.core.models import Item, ItemStatus, Revision, Visibility
from govcommons.practices import selectors, services
from govcommons.practices.models import (
    Adoption,
    AdoptionOutcome,
    AdoptionStage,
    ContributionState,
    MemberContext,
    Outcome,
    Practice,
    PracticeCountry,
    PracticeLevel,
    PracticeLink,
)
from govcommons.practices.tests.factories import (
    PracticeFactory,
    outcome,
    practice_input,
    write_draft,
    write_published,
)
from govcommons.reviews import services as review_services
from govcommons.reviews.models import ReviewEvent, Submission, SubmissionKind

TODAY = datetime.date(2026, 1, 15)


def state(practice: Practice) -> tuple:
    """What a refused write must leave untouched."""
    item = Item.objects.get(pk=practice.pk)
    return (
        item.title,
        item.status,
        item.published_at,
        item.revision_number,
        Revision.objects.filter(item=item).count(),
        services.snapshot(Practice.objects.get(pk=practice.pk)),
    )


# --- Drafts -----------------------------------------------------------------------------------


def test_an_unverified_member_writes_a_draft_with_its_first_revision(member, topic, sector):
    practice = write_draft(
        member,
        message="Started from our 2024 report",
        topics=[topic],
        sectors=[sector],
        levels=["local", "regional"],
        countries=["FR", "BE"],
        outcomes=[outcome(), outcome("Complaints per month", "120", "30")],
        links=[{"kind": "repository", "url": "https://code.example.org/a", "title": "Code"}],
    )

    item = Item.objects.get(pk=practice.pk)
    assert (item.status, item.author, item.published_at) == (ItemStatus.DRAFT, member, None)
    assert item.slug == "fixing-potholes-in-a-week"
    assert item.revision_number == 1
    revision = Revision.objects.get(item=item)
    assert (revision.number, revision.author, revision.message) == (
        1,
        member,
        "Started from our 2024 report",
    )
    assert revision.snapshot == services.snapshot(practice)
    assert revision.snapshot["countries"] == ["BE", "FR"]
    assert revision.snapshot["levels"] == ["local", "regional"]
    assert [o["result"] for o in revision.snapshot["outcomes"]] == ["6", "30"]
    assert Practice.objects.get(pk=practice.pk).has_outcomes is True
    assert list(practice.topics.all()) == [topic]
    assert list(practice.links.values_list("url", flat=True)) == ["https://code.example.org/a"]


def test_a_draft_without_a_message_is_recorded_as_first_draft(member):
    practice = write_draft(member)

    assert Revision.objects.get(item_id=practice.pk).message == "First draft"


def test_a_visitor_cannot_write_a_draft(db):
    with pytest.raises(PermissionDenied):
        services.create_draft(author=AnonymousUser(), data=practice_input())

    assert Item.objects.count() == 0


def test_two_drafts_with_the_same_title_get_different_addresses(member):
    first, second = write_draft(member), write_draft(member)

    assert first.item.slug == "fixing-potholes-in-a-week"
    assert second.item.slug.startswith("fixing-potholes-in-a-week-")
    assert second.item.slug != first.item.slug


def test_the_author_is_never_their_own_co_author(people):
    practice = write_draft(people.author, co_authors=[people.author, people.co_author])

    assert list(practice.item.co_authors.all()) == [people.co_author]


def test_a_co_author_edits_the_draft_as_a_new_revision(people):
    practice = write_draft(people.author, co_authors=[people.co_author])

    services.update_practice(
        member=people.co_author,
        practice_id=practice.pk,
        data=practice_input(title="Fixing potholes in six days", co_authors=[people.co_author]),
        base_revision=1,
        message="Newer figures",
    )

    item = Item.objects.get(pk=practice.pk)
    assert (item.title, item.revision_number, item.status) == (
        "Fixing potholes in six days",
        2,
        ItemStatus.DRAFT,
    )
    latest = Revision.objects.get(item=item, number=2)
    assert (latest.author, latest.message) == (people.co_author, "Newer figures")
    assert latest.snapshot["title"] == "Fixing potholes in six days"


def test_a_moderator_may_edit_a_draft(people):
    practice = write_draft(people.author)

    services.update_practice(
        member=people.moderator,
        practice_id=practice.pk,
        data=practice_input(title="Tidied title"),
        base_revision=1,
    )

    assert Item.objects.get(pk=practice.pk).title == "Tidied title"


@pytest.mark.parametrize("role", ["anonymous", "member", "verified"])
def test_others_cannot_edit_a_draft_and_nothing_changes(people, role):
    practice = write_draft(people.author, co_authors=[people.co_author])
    before = state(practice)

    with pytest.raises(PermissionDenied):
        services.update_practice(
            member=people[role],
            practice_id=practice.pk,
            data=practice_input(title="Hijacked"),
            base_revision=1,
        )

    assert state(practice) == before
    assert before[3:5] == (1, 1)


def test_an_edit_replaces_the_outcomes_links_levels_and_countries(member):
    practice = write_draft(
        member,
        levels=["local"],
        countries=["FR"],
        outcomes=[outcome("A"), outcome("B")],
        links=[{"kind": "dataset", "url": "https://data.example.org/1", "title": ""}],
    )

    services.update_practice(
        member=member,
        practice_id=practice.pk,
        data=practice_input(levels=["national"], countries=["DE", "FR"], outcomes=[outcome("C")]),
        base_revision=1,
    )

    assert list(
        PracticeLevel.objects.filter(practice=practice).values_list("level", flat=True)
    ) == ["national"]
    assert sorted(
        str(c)
        for c in PracticeCountry.objects.filter(practice=practice).values_list("country", flat=True)
    ) == ["DE", "FR"]
    assert list(Outcome.objects.filter(practice=practice).values_list("name", flat=True)) == ["C"]
    assert PracticeLink.objects.filter(practice=practice).count() == 0
    assert Practice.objects.get(pk=practice.pk).has_outcomes is True


def test_removing_every_outcome_clears_has_outcomes(member):
    practice = write_draft(member, outcomes=[outcome()])

    services.update_practice(
        member=member, practice_id=practice.pk, data=practice_input(), base_revision=1
    )

    assert Practice.objects.get(pk=practice.pk).has_outcomes is False


def test_an_end_date_before_the_start_date_is_refused_and_nothing_is_saved(member):
    practice = write_draft(member)
    before = state(practice)

    with pytest.raises(ValidationError) as caught:
        services.update_practice(
            member=member,
            practice_id=practice.pk,
            data=practice_input(
                title="Changed",
                start_date=datetime.date(2024, 6, 1),
                end_date=datetime.date(2024, 1, 1),
            ),
            base_revision=1,
        )

    assert caught.value.message_dict == {"end_date": ["The end date is before the start date."]}
    assert state(practice) == before


def test_an_invalid_outcome_rolls_back_the_whole_save(member):
    practice = write_draft(member, outcomes=[outcome("Kept")])
    before = state(practice)

    with pytest.raises(ValidationError):
        services.update_practice(
            member=member,
            practice_id=practice.pk,
            data=practice_input(title="Changed", outcomes=[outcome("Bad", result="1" * 20)]),
            base_revision=1,
        )

    assert state(practice) == before
    assert list(Outcome.objects.filter(practice=practice).values_list("name", flat=True)) == [
        "Kept"
    ]


# --- Submitting for review ---------------------------------------------------------------------
# Nothing is published directly any more: a contribution goes to the editors (reviews.services)
# and is published when its review is finished.


def submission_state(practice: Practice) -> tuple:
    """What a refused submission must leave untouched, beside `state`."""
    return (
        Practice.objects.get(pk=practice.pk).state,
        Submission.objects.filter(practice=practice).count(),
        ReviewEvent.objects.filter(practice=practice).count(),
    )


def test_a_verified_author_submits_a_draft_for_review(people, topic):
    practice = write_draft(people.author, topics=[topic])
    before = timezone.now()

    submission = review_services.submit_for_review(
        member=people.author, practice_id=practice.pk, note="First time we share this."
    )

    assert (
        submission.kind,
        submission.state,
        submission.revision_number,
        submission.live_revision,
        submission.round,
        submission.submitted_by,
        submission.note_from_author,
    ) == (
        SubmissionKind.FIRST,
        ContributionState.SUBMITTED,
        1,
        0,
        1,
        people.author,
        "First time we share this.",
    )
    assert before <= submission.submitted_at <= timezone.now()
    item = Item.objects.get(pk=practice.pk)
    # Submitted is not published: the item stays private and its content is not a new version.
    assert (item.status, item.published_at, item.revision_number) == (ItemStatus.DRAFT, None, 1)
    assert Practice.objects.get(pk=practice.pk).state == ContributionState.SUBMITTED
    assert list(
        ReviewEvent.objects.filter(practice=practice).values_list("from_state", "to_state")
    ) == [(ContributionState.DRAFT, ContributionState.SUBMITTED)]
    assert selectors.practice_list(AnonymousUser(), selectors.PracticeFilters()).count() == 0


def test_a_verified_co_author_may_submit(people, make_member, topic):
    colleague = make_member(verified=True)
    practice = write_draft(people.co_author, co_authors=[colleague], topics=[topic])

    review_services.submit_for_review(member=colleague, practice_id=practice.pk)

    assert Practice.objects.get(pk=practice.pk).state == ContributionState.SUBMITTED


@pytest.mark.parametrize("role", ["co_author", "moderator", "verified", "member"])
def test_submitting_needs_a_verified_author_and_nothing_changes(people, topic, role):
    practice = write_draft(people.author, co_authors=[people.co_author], topics=[topic])
    before = state(practice), submission_state(practice)

    with pytest.raises(PermissionDenied) as caught:
        review_services.submit_for_review(member=people[role], practice_id=practice.pk)

    assert str(caught.value) == (
        "Only verified public servants who wrote it can submit a contribution for review."
    )
    assert (state(practice), submission_state(practice)) == before
    assert before[1] == (ContributionState.DRAFT, 0, 0)


def test_an_unverified_author_cannot_submit_their_own_draft(member, topic):
    practice = write_draft(member, topics=[topic])
    before = state(practice), submission_state(practice)

    with pytest.raises(PermissionDenied):
        review_services.submit_for_review(member=member, practice_id=practice.pk)

    assert (state(practice), submission_state(practice)) == before
    assert before[0][1:3] == (ItemStatus.DRAFT, None)


@pytest.mark.parametrize(
    ("fields", "with_topic", "message"),
    [
        ({"summary": "  "}, True, "Before submitting, fill in: summary."),
        (
            {"challenge": "", "approach": ""},
            True,
            "Before submitting, fill in: the challenge or the approach.",
        ),
        (
            {},
            False,
            "Before submitting, fill in: at least one topic (editors and reviewers are matched "
            "by topic).",
        ),
        (
            {"summary": "", "challenge": "", "approach": ""},
            False,
            "Before submitting, fill in: summary, the challenge or the approach, at least one "
            "topic (editors and reviewers are matched by topic).",
        ),
    ],
)
def test_submitting_an_incomplete_draft_says_what_is_missing(
    people, topic, fields, with_topic, message
):
    practice = write_draft(people.author, topics=[topic] if with_topic else [], **fields)
    before = state(practice), submission_state(practice)

    with pytest.raises(DomainError) as caught:
        review_services.submit_for_review(member=people.author, practice_id=practice.pk)

    assert caught.value.message == message
    assert (state(practice), submission_state(practice)) == before


def test_a_contribution_already_with_the_editors_cannot_be_submitted_again(people, topic):
    practice = write_draft(people.author, topics=[topic])
    review_services.submit_for_review(member=people.author, practice_id=practice.pk)
    before = state(practice), submission_state(practice)

    with pytest.raises(ConflictError) as caught:
        review_services.submit_for_review(member=people.author, practice_id=practice.pk)

    assert caught.value.message == "This contribution is already with the editors."
    assert (state(practice), submission_state(practice)) == before
    assert before[1] == (ContributionState.SUBMITTED, 1, 1)


def test_a_new_contribution_cannot_go_as_a_minor_edit(people, topic):
    practice = write_draft(people.author, topics=[topic])

    with pytest.raises(DomainError) as caught:
        review_services.submit_for_review(member=people.author, practice_id=practice.pk, minor=True)

    assert caught.value.message == "A new contribution is always reviewed in full."
    assert submission_state(practice) == (ContributionState.DRAFT, 0, 0)


def test_a_published_contribution_without_changes_has_nothing_to_submit(people, topic):
    practice = write_published(people.author, topics=[topic])
    before = state(practice), submission_state(practice)

    with pytest.raises(DomainError) as caught:
        review_services.submit_for_review(member=people.author, practice_id=practice.pk)

    assert caught.value.message == "Nothing has changed since the published version."
    assert (state(practice), submission_state(practice)) == before


def edit_live(people, practice, **fields):
    services.update_practice(
        member=people.author,
        practice_id=practice.pk,
        data=practice_input(topics=[*practice.topics.all()], **fields),
        base_revision=Item.objects.get(pk=practice.pk).revision_number,
        message="Newer figures",
    )


@pytest.mark.parametrize(
    ("minor", "kind"), [(False, SubmissionKind.REVISION), (True, SubmissionKind.MINOR)]
)
def test_changes_to_a_published_contribution_go_as_a_revision_or_a_minor_edit(
    people, topic, minor, kind
):
    practice = write_published(people.author, topics=[topic])
    edit_live(people, practice, title="Fixing potholes in six days")

    submission = review_services.submit_for_review(
        member=people.author, practice_id=practice.pk, note="Typo in the title.", minor=minor
    )

    assert (
        submission.kind,
        submission.state,
        submission.revision_number,
        submission.live_revision,
    ) == (kind, ContributionState.SUBMITTED, 2, 1)
    # The contribution stays published, with its published content, while the change is checked.
    live = Practice.objects.select_related("item").get(pk=practice.pk)
    assert (live.state, live.item.status, live.item.title, live.live_revision) == (
        ContributionState.PUBLISHED,
        ItemStatus.PUBLISHED,
        "Fixing potholes in a week",
        1,
    )


def test_an_authors_edit_of_a_live_contribution_stays_unpublished_until_its_review_publishes_it(
    people, desk
):
    practice = write_published(people.author, topics=[desk.topic], outcomes=[outcome()])
    published = services.snapshot(Practice.objects.get(pk=practice.pk))

    edit_live(
        people,
        practice,
        title="Fixing potholes in six days",
        outcomes=[outcome(result="5")],
        links=[{"kind": "dataset", "url": "https://data.example.org/p", "title": "Data"}],
    )

    pending = Practice.objects.select_related("item").get(pk=practice.pk)
    assert services.snapshot(pending) == published
    assert (pending.item.revision_number, pending.live_revision) == (2, 1)
    assert pending.has_pending_revision is True
    latest = services.latest_snapshot(pending)
    assert (latest["title"], latest["outcomes"][0]["result"], latest["links"]) == (
        "Fixing potholes in six days",
        "5",
        [{"kind": "dataset", "url": "https://data.example.org/p", "title": "Data"}],
    )

    submission = review_services.submit_for_review(member=people.author, practice_id=practice.pk)
    assert Item.objects.get(pk=practice.pk).title == "Fixing potholes in a week"
    desk.publish(submission, evidence_level=4)

    live = Practice.objects.select_related("item").get(pk=practice.pk)
    assert services.snapshot(live) == latest
    assert (
        live.item.title,
        live.live_revision,
        live.item.revision_number,
        live.evidence_level,
        live.state,
    ) == ("Fixing potholes in six days", 2, 2, 4, ContributionState.PUBLISHED)
    assert live.has_pending_revision is False
    assert list(live.outcomes.values_list("result", flat=True)) == [Decimal("5")]


def test_a_moderators_edit_of_a_live_contribution_is_published_at_once(people):
    practice = write_published(people.author)

    services.update_practice(
        member=people.moderator,
        practice_id=practice.pk,
        data=practice_input(title="Tidied title"),
        base_revision=1,
    )

    live = Practice.objects.select_related("item").get(pk=practice.pk)
    assert (live.item.title, live.item.revision_number, live.live_revision) == (
        "Tidied title",
        2,
        2,
    )
    assert live.has_pending_revision is False


# --- Revisions and restore --------------------------------------------------------------------


def full_content(people, topic, sector) -> dict:
    return {
        "title": "Fixing potholes in a week",
        "summary": "The first summary.",
        "organization": people.author.organization,
        "visibility": Visibility.MEMBERS,
        "language": "fr",
        "cost_amount": Decimal("125000.50"),
        "staff_fte": Decimal("2.5"),
        "start_date": datetime.date(2023, 1, 1),
        "end_date": datetime.date(2024, 6, 30),
        "jurisdiction_type": "municipality",
        "population_band": "100k-1m",
        "needs_data": True,
        "topics": [topic],
        "sectors": [sector],
        "levels": ["local"],
        "countries": ["FR", "BE"],
        "outcomes": [outcome(), outcome("Complaints", None, "30")],
        "links": [{"kind": "repository", "url": "https://code.example.org/a", "title": "Code"}],
        "co_authors": [people.co_author],
    }


def test_restoring_an_old_revision_adds_a_new_one_equal_in_content(
    people, topic, make_topic, sector
):
    practice = write_draft(people.author, **full_content(people, topic, sector))
    services.update_practice(
        member=people.author,
        practice_id=practice.pk,
        data=practice_input(title="Everything changed", topics=[make_topic()], cost_amount=None),
        base_revision=1,
        message="Rewrite",
    )

    services.restore_revision(member=people.author, practice_id=practice.pk, number=1)

    item = Item.objects.get(pk=practice.pk)
    first, restored = (Revision.objects.get(item=item, number=n) for n in (1, 3))
    assert item.revision_number == 3
    assert (restored.author, restored.message, restored.restored_from) == (
        people.author,
        "Restored version 1",
        1,
    )
    assert restored.snapshot == first.snapshot
    assert services.snapshot(Practice.objects.get(pk=practice.pk)) == first.snapshot
    assert Revision.objects.filter(item=item).count() == 3


def test_restoring_a_published_contribution_keeps_it_published(people):
    practice = write_published(people.author)
    services.update_practice(
        member=people.author,
        practice_id=practice.pk,
        data=practice_input(title="Second"),
        base_revision=1,
    )

    services.restore_revision(member=people.moderator, practice_id=practice.pk, number=1)

    item = Item.objects.get(pk=practice.pk)
    assert (item.title, item.status, item.revision_number) == (
        "Fixing potholes in a week",
        ItemStatus.PUBLISHED,
        3,
    )
    assert Revision.objects.get(item=item, number=3).author == people.moderator


@pytest.mark.parametrize("role", ["anonymous", "member", "verified"])
def test_only_authors_and_moderators_restore_and_nothing_changes(people, role):
    practice = write_published(people.author)
    services.update_practice(
        member=people.author,
        practice_id=practice.pk,
        data=practice_input(title="Second"),
        base_revision=1,
    )
    before = state(practice)

    with pytest.raises(PermissionDenied):
        services.restore_revision(member=people[role], practice_id=practice.pk, number=1)

    assert state(practice) == before


def test_restoring_a_revision_that_does_not_exist_is_refused(member):
    practice = write_draft(member)

    with pytest.raises(Revision.DoesNotExist):
        services.restore_revision(member=member, practice_id=practice.pk, number=7)

    assert Item.objects.get(pk=practice.pk).revision_number == 1


# --- Concurrent edits -------------------------------------------------------------------------


def test_a_save_from_an_older_revision_is_refused_and_nothing_is_overwritten(people):
    practice = write_draft(people.author, co_authors=[people.co_author])
    services.update_practice(
        member=people.author,
        practice_id=practice.pk,
        data=practice_input(title="First editor's title", co_authors=[people.co_author]),
        base_revision=1,
    )
    before = state(practice)

    with pytest.raises(ConflictError) as caught:
        services.update_practice(
            member=people.co_author,
            practice_id=practice.pk,
            data=practice_input(title="Second editor's title", co_authors=[people.co_author]),
            base_revision=1,
        )

    assert caught.value.message.startswith("Someone else saved this contribution")
    assert state(practice) == before
    assert before[0] == "First editor's title"


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_from_one_revision_let_exactly_one_win(people):
    practice = write_draft(people.author, co_authors=[people.co_author])
    start = threading.Barrier(2, timeout=30)
    outcomes: dict[str, str] = {}

    def save(member, title):
        try:
            start.wait()
            services.update_practice(
                member=member,
                practice_id=practice.pk,
                data=practice_input(title=title, co_authors=[people.co_author]),
                base_revision=1,
            )
            outcomes[title] = "saved"
        except ConflictError:
            outcomes[title] = "conflict"
        except Exception as error:  # reported by the assertion below
            outcomes[title] = repr(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(people.author, "Author's title")),
        threading.Thread(target=save, args=(people.co_author, "Co-author's title")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes.values()) == ["conflict", "saved"]
    winner = next(title for title, result in outcomes.items() if result == "saved")
    item = Item.objects.get(pk=practice.pk)
    assert (item.title, item.revision_number) == (winner, 2)
    assert list(Revision.objects.filter(item=item).values_list("number", flat=True)) == [2, 1]


# --- Adaptations ------------------------------------------------------------------------------


def test_adapting_starts_a_linked_draft_owned_by_the_adapter(people, topic):
    source = write_published(
        people.author,
        topics=[topic],
        levels=["local"],
        countries=["FR"],
        outcomes=[outcome()],
        links=[{"kind": "dataset", "url": "https://data.example.org/x", "title": "Data"}],
        co_authors=[people.co_author],
    )

    draft = services.start_adaptation(member=people.verified, source_id=source.pk)

    item = Item.objects.get(pk=draft.pk)
    assert (item.author, item.status, item.title) == (
        people.verified,
        ItemStatus.DRAFT,
        "Adapted: Fixing potholes in a week",
    )
    assert item.organization == people.verified.organization
    assert list(item.co_authors.all()) == []
    assert Practice.objects.get(pk=draft.pk).adapted_from_id == source.pk
    assert list(draft.topics.all()) == [topic]
    assert draft.outcomes.count() == 0
    assert draft.countries.count() == 0
    assert list(draft.links.values_list("url", flat=True)) == ["https://data.example.org/x"]
    assert Revision.objects.get(item=item).message == "Adapted from “Fixing potholes in a week”"
    assert list(source.adaptations.all()) == [draft]


@pytest.mark.parametrize("role", ["author", "verified", "moderator"])
def test_a_draft_cannot_be_adapted(people, role):
    draft = write_draft(people.author)

    with pytest.raises(PermissionDenied):
        services.start_adaptation(member=people[role], source_id=draft.pk)

    assert Item.objects.count() == 1


def test_a_visitor_cannot_adapt(people):
    source = write_published(people.author)

    with pytest.raises(PermissionDenied):
        services.start_adaptation(member=AnonymousUser(), source_id=source.pk)

    assert Item.objects.count() == 1


# --- Adoptions --------------------------------------------------------------------------------


def counts(practice) -> tuple[int, int]:
    item = Item.objects.get(pk=practice.pk)
    return item.adoption_count, item.adoption_country_count


def test_a_member_reports_their_organisations_adoption(people):
    practice = write_published(people.author)

    adoption = services.report_adoption(
        member=people.verified,
        practice_id=practice.pk,
        organization=people.verified.organization,
        stage=AdoptionStage.PILOTING,
        adopted_on=TODAY,
        notes="Two districts first.",
        outcomes=[outcome("Days to repair", "30", "9")],
    )

    assert (adoption.stage, adoption.adopted_on, adoption.reported_by) == (
        AdoptionStage.PILOTING,
        TODAY,
        people.verified,
    )
    assert list(adoption.outcomes.values_list("name", "result")) == [
        ("Days to repair", Decimal("9.0000"))
    ]
    assert counts(practice) == (1, 1)


def test_reporting_for_another_organisation_is_refused_and_nothing_is_recorded(people):
    practice = write_published(people.author)

    with pytest.raises(PermissionDenied) as caught:
        services.report_adoption(
            member=people.verified,
            practice_id=practice.pk,
            organization=people.author.organization,
            stage=AdoptionStage.PLANNING,
            adopted_on=TODAY,
        )

    assert str(caught.value) == "You can report adoptions for your own organisation."
    assert Adoption.objects.count() == 0
    assert counts(practice) == (0, 0)


def test_a_moderator_reports_for_any_organisation(people, make_organization):
    practice = write_published(people.author)
    elsewhere = make_organization(country="ES")

    services.report_adoption(
        member=people.moderator,
        practice_id=practice.pk,
        organization=elsewhere,
        stage=AdoptionStage.IN_OPERATION,
        adopted_on=TODAY,
    )

    assert list(Adoption.objects.values_list("organization", flat=True)) == [elsewhere.pk]
    assert counts(practice) == (1, 1)


def test_a_second_report_by_the_same_organisation_updates_it(people):
    practice = write_published(people.author)
    organization = people.verified.organization
    report = {"member": people.verified, "practice_id": practice.pk, "organization": organization}
    services.report_adoption(
        **report,
        stage=AdoptionStage.PILOTING,
        adopted_on=TODAY,
        outcomes=[outcome("First")],
    )

    services.report_adoption(
        **report,
        stage=AdoptionStage.IN_OPERATION,
        adopted_on=TODAY - datetime.timedelta(days=30),
        notes="Now citywide.",
        outcomes=[outcome("Second")],
    )

    adoption = Adoption.objects.get()
    assert (adoption.stage, adoption.notes) == (AdoptionStage.IN_OPERATION, "Now citywide.")
    assert list(AdoptionOutcome.objects.values_list("name", flat=True)) == ["Second"]
    assert counts(practice) == (1, 1)


def test_an_adoption_dated_in_the_future_is_refused(people):
    practice = write_published(people.author)

    with pytest.raises(DomainError) as caught:
        services.report_adoption(
            member=people.verified,
            practice_id=practice.pk,
            organization=people.verified.organization,
            stage=AdoptionStage.PLANNING,
            adopted_on=timezone.localdate() + datetime.timedelta(days=1),
        )

    assert (caught.value.message, caught.value.field) == (
        "The date is in the future.",
        "adopted_on",
    )
    assert Adoption.objects.count() == 0
    assert counts(practice) == (0, 0)


def test_a_draft_cannot_be_adopted(people):
    draft = write_draft(people.author)

    with pytest.raises(PermissionDenied):
        services.report_adoption(
            member=people.author,
            practice_id=draft.pk,
            organization=people.author.organization,
            stage=AdoptionStage.PLANNING,
            adopted_on=TODAY,
        )

    assert Adoption.objects.count() == 0


def test_adoption_counts_follow_organisations_and_countries(people, make_organization, moderator):
    practice = write_published(people.author)
    organizations = [make_organization(country=c) for c in ("FR", "FR", "DE", "IT", "DE")]
    for organization in organizations:
        services.report_adoption(
            member=moderator,
            practice_id=practice.pk,
            organization=organization,
            stage=AdoptionStage.IN_OPERATION,
            adopted_on=TODAY,
        )
    # Reporting again for one of them changes nothing in the counts.
    services.report_adoption(
        member=moderator,
        practice_id=practice.pk,
        organization=organizations[0],
        stage=AdoptionStage.STOPPED,
        adopted_on=TODAY,
    )

    assert counts(practice) == (5, 3)
    assert Adoption.objects.filter(practice=practice).count() == 5


def test_adoptions_of_one_practice_do_not_count_for_another(people, moderator):
    adopted, other = write_published(people.author), PracticeFactory()

    services.report_adoption(
        member=moderator,
        practice_id=adopted.pk,
        organization=people.verified.organization,
        stage=AdoptionStage.PLANNING,
        adopted_on=TODAY,
    )

    assert counts(adopted) == (1, 1)
    assert counts(other) == (0, 0)


# --- A member's context -----------------------------------------------------------------------


def test_a_member_saves_their_context_once_and_updates_it(make_member):
    member = make_member(country="NL")

    services.save_member_context(
        member=member, jurisdiction_type="municipality", population_band="10k-100k", budget_band=""
    )
    services.save_member_context(
        member=member, jurisdiction_type="region", population_band="1m-10m", budget_band="gt1m"
    )

    context = MemberContext.objects.get()
    assert (
        context.member,
        context.jurisdiction_type,
        context.population_band,
        context.budget_band,
        context.country.code,
    ) == (member, "region", "1m-10m", "gt1m", "NL")
