"""What the contribution pages show: structured data, outcomes, adoptions, filters, diffs, and
the practices listed on organisation, topic and profile pages."""

import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from govcommons.accounts.tests.factories import UserFactory
from govcommons.core.models import Visibility
from govcommons.core.tests.factories import ItemFactory
from govcommons.organizations.tests.factories import OrganizationFactory
from govcommons.practices import services
from govcommons.practices.models import AdoptionStage, ContributionKind, Outcome
from govcommons.practices.templatetags.practice_tags import number, outcome_change
from govcommons.practices.tests.factories import (
    AdoptionFactory,
    MemberContextFactory,
    OutcomeFactory,
    PracticeFactory,
    mark_published,
    practice_input,
)

pytestmark = pytest.mark.django_db


def _jsonld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match is not None
    return json.loads(match.group(1))


def test_number_drops_trailing_zeros_and_groups_thousands():
    assert number(Decimal("21.0000")) == "21"
    assert number(Decimal("1250.5000")) == "1,250.5"
    assert number(None) == ""


def test_outcome_change_states_direction_and_percentage_in_text():
    fell = Outcome(name="Days", baseline=Decimal("21"), result=Decimal("6"))
    rose = Outcome(name="Visits", baseline=Decimal("1200"), result=Decimal("18500"))
    no_baseline = Outcome(name="Reports", baseline=None, result=Decimal("3150"))
    assert outcome_change(fell) == (
        '<span class="change change--down"><span aria-hidden="true">▼ </span>−15 (−71%)</span>'
    )
    assert outcome_change(rose) == (
        '<span class="change change--up"><span aria-hidden="true">▲ </span>+17,300 (+1,442%)</span>'
    )
    assert outcome_change(no_baseline) == '<span class="muted">—</span>'


def test_detail_json_ld_is_data_that_no_title_can_break_out_of(client):
    org = OrganizationFactory(name="Ville de Lyon")
    practice = PracticeFactory(
        item__title="Evil </script><script>alert(1)</script>", item__organization=org
    )
    html = client.get(practice.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    data = _jsonld(html)
    assert data["@type"] == "Article"
    assert data["headline"] == "Evil </script><script>alert(1)</script>"
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert data["publisher"] == {
        "@type": "GovernmentOrganization",
        "name": "Ville de Lyon",
        "url": f"http://testserver/organizations/{org.slug}/",
    }
    assert [a["name"] for a in data["author"]] == [practice.item.author.display_name]
    assert '<meta property="og:type" content="article">' in html
    assert 'name="robots" content="noindex"' not in html


def test_draft_and_members_only_pages_ask_search_engines_not_to_index(client):
    author = UserFactory()
    draft = PracticeFactory(item__draft=True, item__author=author)
    members_only = PracticeFactory(item__visibility=Visibility.MEMBERS)
    client.force_login(author)
    draft_html = client.get(draft.get_absolute_url()).content.decode()
    members_html = client.get(members_only.get_absolute_url()).content.decode()
    assert '<meta name="robots" content="noindex">' in draft_html
    assert '<span class="badge badge--draft">Draft</span>' in draft_html
    assert '<meta name="robots" content="noindex">' in members_html
    assert "Shared with members only" in members_html


def test_detail_shows_outcomes_as_a_table_with_the_change(client):
    practice = PracticeFactory()
    OutcomeFactory(practice=practice, name="Days to repair a pothole", unit="days")
    html = client.get(practice.get_absolute_url()).content.decode()
    assert '<th scope="row" lang="en">Days to repair a pothole</th>' in html
    assert "−15 (−71%)" in html


def test_detail_contents_appear_from_four_sections(client):
    short = PracticeFactory(challenge="A", approach="B")
    long = PracticeFactory(challenge="A", approach="B", context="C", lessons="D")
    assert 'id="toc-title"' not in client.get(short.get_absolute_url()).content.decode()
    long_html = client.get(long.get_absolute_url()).content.decode()
    assert 'id="toc-title"' in long_html
    assert '<li><a href="#lessons">Lessons learned and pitfalls</a></li>' in long_html
    assert '<h2 id="lessons">' in long_html


def test_detail_counts_adopters_and_draws_a_chart_with_a_text_alternative(client):
    practice = PracticeFactory()
    AdoptionFactory(practice=practice, organization=OrganizationFactory(country="FI"))
    AdoptionFactory(
        practice=practice,
        organization=OrganizationFactory(country="FI"),
        stage=AdoptionStage.PILOTING,
    )
    AdoptionFactory(practice=practice, organization=OrganizationFactory(country="ES"))
    html = client.get(practice.get_absolute_url()).content.decode()
    assert "Adopted by <strong>3 organisations</strong> in <strong>2 countries</strong>." in html
    assert '<desc id="chart-country-desc">Finland: 2; Spain: 1</desc>' in html
    assert (
        '<desc id="chart-stage-desc">Planning: 0; Piloting: 1; In operation: 2; Stopped: 0' in html
    )
    assert '<th scope="row">Finland</th><td class="num">2</td>' in html


def test_adapted_from_hides_the_title_of_a_source_the_reader_may_not_read(client):
    source = PracticeFactory(
        item__title="Candid failure story", item__visibility=Visibility.VERIFIED
    )
    adaptation = PracticeFactory(adapted_from=source)
    html = client.get(adaptation.get_absolute_url()).content.decode()
    assert "Adapted from another contribution." in html
    assert "Candid failure story" not in html


def test_list_shows_counts_and_chips_that_remove_one_filter_and_keep_the_others(client):
    PracticeFactory(contribution_kind=ContributionKind.CASE_STUDY, countries=["FR"])
    PracticeFactory(contribution_kind=ContributionKind.PRACTICAL_TIP, countries=["FR"])
    html = client.get("/practices/?kind=case_study&country=FR").content.decode()
    assert '<option value="case_study" selected>Case study (1)</option>' in html
    assert '<option value="practical_tip">Practical tip (1)</option>' in html
    assert '<a class="chip" href="?country=FR">' in html
    assert '<a class="chip" href="?kind=case_study">' in html
    assert "1 contribution" in html


def test_list_htmx_update_refreshes_the_results_the_counts_and_the_status(client):
    PracticeFactory(contribution_kind=ContributionKind.CASE_STUDY)
    response = client.get("/practices/?kind=case_study", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert '<span id="results-status" hx-swap-oob="innerHTML">1 contribution found</span>' in html
    assert '<select id="f-kind" name="kind" hx-swap-oob="true">' in html


def test_list_offers_the_fit_sort_only_to_members_with_a_context(client, member):
    client.force_login(member)
    assert 'value="fit"' not in client.get("/practices/").content.decode()
    MemberContextFactory(member=member, jurisdiction_type="municipality")
    assert 'value="fit"' in client.get("/practices/").content.decode()


def test_list_with_filters_and_no_result_suggests_fewer_filters(client):
    html = client.get("/practices/?kind=practical_tip&q=nothing").content.decode()
    assert "No contribution matches all these filters" in html
    assert '<a class="chip" href="?kind=practical_tip">' in html


def test_edit_conflict_shows_the_difference_and_keeps_the_text(client, verified_member):
    practice = services.create_draft(author=verified_member, data=practice_input())
    services.update_practice(
        member=verified_member,
        practice_id=practice.pk,
        data=practice_input(title="Fixing potholes in five days"),
        base_revision=1,
    )
    client.force_login(verified_member)
    url = reverse("practices:edit", args=[practice.item.slug])
    form = {
        "kind": "case_study",
        "title": "Fixing potholes in four days",
        "summary": "Residents report potholes in an app; crews fix them within a week.",
        "language": "en",
        "licence": "CC-BY-4.0",
        "visibility": "public",
        "stage": "in_operation",
        "base_revision": "1",
        "outcomes-TOTAL_FORMS": "0",
        "outcomes-INITIAL_FORMS": "0",
        "links-TOTAL_FORMS": "0",
        "links-INITIAL_FORMS": "0",
    }
    html = client.post(url, form).content.decode()
    assert "Someone else saved this contribution while you were editing" in html
    assert "<dt>Title</dt>" in html
    assert "<del>five</del><ins>four</ins>" in html
    assert 'value="Fixing potholes in four days"' in html


def test_history_offers_compare_and_restore_to_authors_only(client, verified_member):
    practice = services.create_draft(author=verified_member, data=practice_input())
    services.update_practice(
        member=verified_member,
        practice_id=practice.pk,
        data=practice_input(title="Second title"),
        base_revision=1,
    )
    url = reverse("practices:history", args=[practice.item.slug])
    mark_published(practice)  # as if its review had published it
    anonymous_html = client.get(url).content.decode()
    client.force_login(verified_member)
    author_html = client.get(url).content.decode()
    restore = reverse("practices:restore", args=[practice.item.slug, 1])
    assert 'id="compare-from"' in anonymous_html
    assert restore not in anonymous_html
    assert f'<form method="post" action="{restore}">' in author_html


def test_adoption_refusal_explains_and_links_to_the_profile(client, member):
    practice = PracticeFactory()
    client.force_login(member)
    response = client.get(reverse("practices:adopt", args=[practice.item.slug]))
    html = response.content.decode()
    assert response.status_code == 403
    assert "Adoptions are reported by the adopting organisation" in html
    assert (
        f'<a href="{reverse("accounts:settings")}">Set your organisation in your profile</a>'
        in html
    )


def test_organisation_page_lists_owned_and_adopted_practices_in_bounded_queries(
    client, django_assert_max_num_queries
):
    org = OrganizationFactory()
    for i in range(12):
        PracticeFactory(item__organization=org, item__title=f"Owned {i}")
        AdoptionFactory(organization=org, practice=PracticeFactory(item__title=f"Adopted {i}"))
    PracticeFactory(item__organization=org, item__draft=True, item__title="Secret draft")
    with django_assert_max_num_queries(6):
        html = client.get(org.get_absolute_url()).content.decode()
    assert html.count('<li><h4 class="card__title">') == 20
    assert f'<a href="/practices/?organization={org.slug}">' in html
    assert "Secret draft" not in html
    assert "The 10 most recent adoptions are shown." in html


def test_organisation_without_practices_keeps_its_empty_state(client, organization):
    assert "No practices yet" in client.get(organization.get_absolute_url()).content.decode()


def test_topic_page_lists_its_published_practices(client, topic, django_assert_max_num_queries):
    for i in range(11):
        PracticeFactory(topics=[topic], item__title=f"On topic {i}")
    with django_assert_max_num_queries(5):
        html = client.get(topic.get_absolute_url()).content.decode()
    assert html.count('<li><h3 class="card__title">') == 10
    assert f'<a href="/practices/?topic={topic.slug}">' in html


def test_profile_lists_the_member_s_published_practices(client, member):
    PracticeFactory(item__author=member, item__title="Mine, published")
    PracticeFactory(item__author=member, item__title="Mine, draft", item__draft=True)
    coauthored = ItemFactory(title="Written together")
    coauthored.co_authors.add(member)
    PracticeFactory(item=coauthored)
    html = client.get(member.get_absolute_url()).content.decode()
    assert "Mine, published" in html
    assert "Written together" in html
    assert "Mine, draft" not in html
