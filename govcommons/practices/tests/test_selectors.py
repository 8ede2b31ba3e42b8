"""Reading contributions: who sees what in every list, filters that combine, exact facet counts,
sorts, and one page's data in a fixed number of queries."""

import datetime
from dataclasses import replace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

from govcommons.core.models import Item, ItemStatus, Visibility
from govcommons.practices import selectors, services
from govcommons.practices.models import (
    AdoptionStage,
    ContributionKind,
    ContributionState,
    MemberContext,
    Stage,
)
from govcommons.practices.selectors import PracticeFilters
from govcommons.practices.tests.conftest import ROLES
from govcommons.practices.tests.factories import (
    AdoptionFactory,
    AttachmentFactory,
    LinkFactory,
    OutcomeFactory,
    PracticeFactory,
    mark_published,
    write_draft,
    write_published,
)
from govcommons.taxonomy.tests.factories import SectorFactory

DRAFT_READERS = {"author", "co_author", "moderator"}


def listed(viewer, **filters) -> list:
    return list(selectors.practice_list(viewer, PracticeFilters(**filters)))


def facet_total(viewer, key: str = "kind") -> int:
    return sum(n for _value, _label, n in selectors.facets(viewer, PracticeFilters())[key])


# --- Drafts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_a_draft_is_read_only_by_its_authors_and_moderators(people, role):
    draft = write_draft(people.author, co_authors=[people.co_author])
    viewer = people[role]

    if role in DRAFT_READERS:
        assert selectors.get_practice_for(viewer, draft.item.slug) == draft
    else:
        with pytest.raises(Http404):
            selectors.get_practice_for(viewer, draft.item.slug)


@pytest.mark.parametrize("role", ROLES)
def test_a_draft_is_in_no_listing_and_no_facet_count(people, topic, role):
    write_draft(
        people.author,
        co_authors=[people.co_author],
        topics=[topic],
        countries=["FR"],
        organization=people.author.organization,
    )
    viewer = people[role]

    assert listed(viewer) == []
    assert selectors.facets(viewer, PracticeFilters()) == {
        key: []
        for key in (
            "min_evidence",
            "kind",
            "topic",
            "sector",
            "level",
            "country",
            "organization",
            "language",
            "stage",
            "jurisdiction_type",
            "population_band",
            "budget_band",
        )
    }
    assert list(selectors.practices_in_topic(viewer, topic)) == []
    assert list(selectors.practices_by_author(viewer, people.author)) == []
    assert list(selectors.practices_of_organization(viewer, people.author.organization)) == []


@pytest.mark.parametrize("role", ["member", "verified", "author", "co_author", "moderator"])
def test_my_drafts_lists_the_drafts_one_writes(people, role):
    draft = write_draft(people.author, co_authors=[people.co_author])
    write_published(people.author)
    viewer = people[role]

    expected = [draft] if role in {"author", "co_author"} else []
    assert list(selectors.drafts_of(viewer)) == expected


# --- Visibility levels ------------------------------------------------------------------------

LEVEL_READERS = {
    Visibility.PUBLIC: set(ROLES),
    Visibility.MEMBERS: set(ROLES) - {"anonymous"},
    # The co-author is not verified but wrote it.
    Visibility.VERIFIED: {"verified", "author", "co_author", "moderator"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("visibility", list(LEVEL_READERS))
def test_each_visibility_level_is_respected_in_every_reading(
    people, topic, moderator, role, visibility
):
    practice = write_published(
        people.author,
        co_authors=[people.co_author],
        topics=[topic],
        visibility=visibility,
        organization=people.author.organization,
    )
    services.report_adoption(
        member=moderator,
        practice_id=practice.pk,
        organization=people.verified.organization,
        stage=AdoptionStage.PILOTING,
        adopted_on=datetime.date(2025, 5, 1),
    )
    viewer = people[role]
    expected = [practice] if role in LEVEL_READERS[visibility] else []

    assert listed(viewer) == expected
    assert facet_total(viewer) == len(expected)
    assert facet_total(viewer, "topic") == len(expected)
    assert list(selectors.practices_in_topic(viewer, topic)) == expected
    assert list(selectors.practices_by_author(viewer, people.author)) == expected
    assert list(selectors.practices_by_author(viewer, people.co_author)) == expected
    assert list(selectors.practices_of_organization(viewer, people.author.organization)) == (
        expected
    )
    adopted = selectors.practices_adopted_by(viewer, people.verified.organization)
    assert [a.practice for a in adopted] == expected
    if expected:
        assert selectors.get_practice_for(viewer, practice.item.slug) == practice
    else:
        with pytest.raises(Http404):
            selectors.get_practice_for(viewer, practice.item.slug)


def test_removed_contributions_are_listed_for_nobody(people):
    practice = write_published(people.author)
    Item.objects.filter(pk=practice.pk).update(status=ItemStatus.REMOVED)

    for role in ROLES:
        assert listed(people[role]) == []


# --- Filters and facets -----------------------------------------------------------------------


@pytest.fixture
def library(people, make_topic, make_organization, sector, make_member):
    """Four published contributions with different traits, a draft and a members-only one."""
    digital = make_topic(name="Digital services", slug="digital")
    open_data = make_topic(name="Open data", slug="open-data", parent=digital)
    roads = make_topic(name="Roads", slug="roads")
    transport = SectorFactory(name="Transport", slug="transport")
    city, ministry = (
        make_organization(name="City of Lyon", slug="lyon", country="FR"),
        make_organization(name="Ministry", slug="ministry", country="DE", level="national"),
    )
    now = timezone.now()

    def make(days_ago, evidence=None, **kwargs):
        return PracticeFactory(
            item__published_at=now - datetime.timedelta(days=days_ago),
            evidence_level=evidence,
            last_reviewed_at=now - datetime.timedelta(days=days_ago) if evidence else None,
            **kwargs,
        )

    p1 = make(
        1,
        evidence=3,
        contribution_kind=ContributionKind.CASE_STUDY,
        topics=[digital],
        sectors=[sector],
        levels=["local"],
        countries=["FR"],
        item__organization=city,
        stage=Stage.PILOT,
        has_outcomes=True,
        item__adoption_count=3,
        jurisdiction_type="municipality",
        population_band="10k-100k",
        budget_band="lt10k",
    )
    p2 = make(
        2,
        evidence=5,
        contribution_kind=ContributionKind.BEST_PRACTICE,
        topics=[open_data],
        sectors=[transport],
        levels=["national"],
        countries=["DE"],
        item__organization=ministry,
        item__language="fr",
        stage=Stage.IN_OPERATION,
        jurisdiction_type="national_agency",
        population_band="gt10m",
    )
    p3 = make(
        3,
        contribution_kind=ContributionKind.CASE_STUDY,
        topics=[roads, open_data],
        sectors=[sector, transport],
        levels=["local", "regional"],
        countries=["FR", "IT"],
        item__organization=city,
        stage=Stage.SCALED,
        has_outcomes=True,
        item__adoption_count=1,
        jurisdiction_type="municipality",
        population_band="100k-1m",
    )
    p4 = make(
        4,
        evidence=1,
        contribution_kind=ContributionKind.PRACTICAL_TIP,
        topics=[digital, open_data],
        item__language="fr",
        stage=Stage.IDEA,
        item__adoption_count=7,
    )
    # Never listed for an anonymous visitor: a draft and a members-only case study in France;
    # nor, unless asked for, an archived one (reviewed, at evidence level 4).
    hidden = [
        PracticeFactory(
            contribution_kind=ContributionKind.CASE_STUDY,
            topics=[digital],
            sectors=[sector],
            levels=["local"],
            countries=["FR"],
            item__organization=city,
            has_outcomes=True,
            item__adoption_count=9,
            jurisdiction_type="municipality",
            **extra,
        )
        for extra in (
            {"item__status": ItemStatus.DRAFT, "item__published_at": None},
            {"item__visibility": Visibility.MEMBERS},
            {
                "state": ContributionState.ARCHIVED,
                "evidence_level": 4,
                "last_reviewed_at": now - datetime.timedelta(days=400),
            },
        )
    ]
    return {"p1": p1, "p2": p2, "p3": p3, "p4": p4, "archived": hidden[2], "sector": sector}


def names(practices, library) -> set[str]:
    by_pk = {p.pk: name for name, p in library.items() if name != "sector"}
    return {by_pk.get(p.pk, "hidden") for p in practices}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, {"p1", "p2", "p3", "p4"}),
        ({"kind": "case_study"}, {"p1", "p3"}),
        ({"topic": "digital"}, {"p1", "p2", "p3", "p4"}),  # open data is a sub-topic
        ({"topic": "open-data"}, {"p2", "p3", "p4"}),
        ({"topic": "roads"}, {"p3"}),
        ({"sector": "transport"}, {"p2", "p3"}),
        ({"level": "local"}, {"p1", "p3"}),
        ({"country": "FR"}, {"p1", "p3"}),
        ({"country": "IT"}, {"p3"}),
        ({"organization": "lyon"}, {"p1", "p3"}),
        ({"language": "fr"}, {"p2", "p4"}),
        ({"stage": "scaled"}, {"p3"}),
        ({"has_outcomes": True}, {"p1", "p3"}),
        ({"min_adoptions": 3}, {"p1", "p4"}),
        ({"jurisdiction_type": "municipality"}, {"p1", "p3"}),
        ({"population_band": "gt10m"}, {"p2"}),
        ({"budget_band": "lt10k"}, {"p1"}),
        ({"q": "nothing like this"}, set()),
        ({"kind": "case_study", "country": "FR", "has_outcomes": True}, {"p1", "p3"}),
        ({"kind": "case_study", "topic": "open-data", "min_adoptions": 1}, {"p3"}),
        ({"topic": "digital", "language": "fr", "min_adoptions": 5}, {"p4"}),
        ({"sector": "transport", "level": "local", "organization": "lyon"}, {"p3"}),
        ({"kind": "tool_template"}, set()),
        ({"kind": "no-such-kind", "topic": "no-such-topic"}, set()),
        ({"min_evidence": 1}, {"p1", "p2", "p4"}),
        ({"min_evidence": 3}, {"p1", "p2"}),
        ({"min_evidence": 5}, {"p2"}),
        ({"peer_reviewed": True}, {"p1", "p2", "p4"}),
        ({"peer_reviewed": True, "language": "fr"}, {"p2", "p4"}),
        ({"include_archived": True}, {"p1", "p2", "p3", "p4", "archived"}),
        ({"include_archived": True, "min_evidence": 4}, {"p2", "archived"}),
        (
            {"include_archived": True, "country": "FR", "has_outcomes": True},
            {"p1", "p3", "archived"},
        ),
    ],
)
def test_filters_combine(library, filters, expected):
    result = listed(AnonymousUser(), **filters)

    assert names(result, library) == expected
    assert len(result) == len(expected)  # no duplicates from joins over topics or countries


def test_facet_counts_are_exact_for_a_visitor(library):
    facets = selectors.facets(AnonymousUser(), PracticeFilters())

    assert facets["kind"] == [
        ("best_practice", "Best practice", 1),
        ("case_study", "Case study", 2),
        ("practical_tip", "Practical tip", 1),
    ]
    assert facets["topic"] == [
        ("digital", "Digital services", 4),
        ("open-data", "Open data", 3),
        ("roads", "Roads", 1),
    ]
    assert facets["country"] == [("FR", "France", 2), ("DE", "Germany", 1), ("IT", "Italy", 1)]
    assert facets["organization"] == [("lyon", "City of Lyon", 2), ("ministry", "Ministry", 1)]
    assert facets["language"] == [("en", "English", 2), ("fr", "Français", 2)]
    assert facets["level"] == [
        ("local", "Local", 2),
        ("regional", "Regional", 1),
        ("national", "National", 1),
    ]
    assert facets["min_evidence"] == [
        ("1", "At least 1 · Described", 3),
        ("2", "At least 2 · Outcomes measured", 2),
        ("3", "At least 3 · Compared with a baseline or control", 2),
        ("4", "At least 4 · Independently evaluated", 1),
        ("5", "At least 5 · Replicated elsewhere", 1),
    ]


def test_archived_contributions_count_only_when_asked_for(library):
    default = selectors.facets(AnonymousUser(), PracticeFilters())
    archived = selectors.facets(AnonymousUser(), PracticeFilters(include_archived=True))

    assert sum(n for _v, _l, n in default["kind"]) == 4
    assert archived["kind"] == [
        ("best_practice", "Best practice", 1),
        ("case_study", "Case study", 3),
        ("practical_tip", "Practical tip", 1),
    ]
    assert archived["min_evidence"][3:] == [
        ("4", "At least 4 · Independently evaluated", 2),
        ("5", "At least 5 · Replicated elsewhere", 1),
    ]


def test_a_facet_ignores_its_own_filter_and_applies_the_others(library):
    facets = selectors.facets(AnonymousUser(), PracticeFilters(kind="case_study", country="FR"))

    assert facets["kind"] == [("case_study", "Case study", 2)]
    assert facets["country"] == [("FR", "France", 2), ("IT", "Italy", 1)]
    assert facets["stage"] == [("pilot", "Pilot", 1), ("scaled", "Scaled", 1)]


@pytest.mark.parametrize(
    "filters",
    [
        PracticeFilters(),
        PracticeFilters(kind="case_study"),
        PracticeFilters(topic="open-data", language="en"),
        PracticeFilters(country="FR", has_outcomes=True),
        PracticeFilters(min_adoptions=1),
        PracticeFilters(min_evidence=3, language="en"),
        PracticeFilters(peer_reviewed=True),
        PracticeFilters(include_archived=True, country="FR"),
    ],
)
@pytest.mark.parametrize("role", ["anonymous", "member"])
def test_every_facet_count_is_what_choosing_it_would_list(people, library, filters, role):
    viewer = people[role]

    for key, values in selectors.facets(viewer, filters).items():
        for value, label, count in values:
            chosen = replace(filters, **{key: value})
            assert len(selectors.practice_list(viewer, chosen)) == count, (key, value, label)


def test_a_members_only_contribution_counts_for_members(people, library):
    assert facet_total(people["anonymous"]) == 4
    assert facet_total(people.member) == 5
    assert len(listed(people.member, country="FR")) == 3


# --- Sorting ----------------------------------------------------------------------------------


def order(viewer, library, sort, context=None) -> list[str]:
    by_pk = {p.pk: name for name, p in library.items() if name.startswith("p")}
    qs = selectors.practice_list(viewer, PracticeFilters(), sort, context)
    return [by_pk.get(p.pk, "members-only") for p in qs]


def test_sorts_by_newest_most_adopted_and_recently_updated(people, library):
    visitor = people["anonymous"]
    now = timezone.now()
    for name, days in (("p3", 1), ("p1", 2), ("p4", 3), ("p2", 4)):
        Item.objects.filter(pk=library[name].pk).update(
            updated_at=now - datetime.timedelta(days=days)
        )

    assert order(visitor, library, "newest") == ["p1", "p2", "p3", "p4"]
    assert order(visitor, library, "adopted") == ["p4", "p1", "p3", "p2"]
    assert order(visitor, library, "updated") == ["p3", "p1", "p4", "p2"]
    assert order(visitor, library, "no-such-sort") == ["p1", "p2", "p3", "p4"]


def test_places_like_mine_come_first_with_a_saved_context(people, library):
    context = MemberContext.objects.create(
        member=people.member, jurisdiction_type="municipality", population_band="100k-1m"
    )

    # p3 matches twice; the members-only one (published now) and p1 once; then the newest.
    assert order(people.member, library, "fit", context) == [
        "p3",
        "members-only",
        "p1",
        "p2",
        "p4",
    ]
    # Without a saved context the sort falls back to the newest first.
    assert order(people.member, library, "fit", None) == ["members-only", "p1", "p2", "p3", "p4"]


# --- One contribution's page ------------------------------------------------------------------


def test_the_page_lists_only_published_adaptations(people):
    source = write_published(people.author)
    published = services.start_adaptation(member=people.verified, source_id=source.pk)
    mark_published(published)  # as if its review had published it
    services.start_adaptation(member=people.verified, source_id=source.pk)  # stays a draft

    page = selectors.get_practice_for(people["anonymous"], source.item.slug)

    assert list(page.adaptations.all()) == [published]


def test_adoption_summary_counts_by_stage_and_country(people, make_organization):
    practice = PracticeFactory()
    for country, stage in (
        ("FR", AdoptionStage.PILOTING),
        ("FR", AdoptionStage.IN_OPERATION),
        ("DE", AdoptionStage.IN_OPERATION),
        ("IT", AdoptionStage.STOPPED),
    ):
        AdoptionFactory(
            practice=practice, organization=make_organization(country=country), stage=stage
        )

    summary = selectors.adoption_summary(
        selectors.get_practice_for(people.member, practice.item.slug)
    )

    assert summary == {
        "organizations": 4,
        "countries": 3,
        "by_stage": [("Planning", 0), ("Piloting", 1), ("In operation", 2), ("Stopped", 1)],
        "by_country": [("France", 2), ("Germany", 1), ("Italy", 1)],
    }


@pytest.mark.parametrize("rows", [1, 30])
def test_one_pages_data_takes_a_fixed_number_of_queries(
    people, make_member, make_organization, django_assert_num_queries, rows
):
    practice = write_published(people.author)
    practice.item.co_authors.set(make_member.create_batch(rows))
    for _ in range(rows):
        OutcomeFactory(practice=practice)
        LinkFactory(practice=practice)
        AttachmentFactory(practice=practice)
        AdoptionFactory(practice=practice, organization=make_organization())
        PracticeFactory(adapted_from=practice)

    with django_assert_num_queries(12):
        page = selectors.get_practice_for(people["anonymous"], practice.item.slug)
        selectors.adoption_summary(page)
        assert len(page.outcomes.all()) == rows
        assert len(page.item.co_authors.all()) == rows
        assert len(page.adaptations.all()) == rows
