"""The organisations directory, organisation pages, and creating and editing organisations."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from govcommons.organizations import services
from govcommons.organizations.models import (
    Organization,
    OrganizationDomain,
    OrganizationProposal,
    ProposalStatus,
)
from govcommons.taxonomy.tests.factories import SectorFactory

DIRECTORY = reverse("organizations:list")
CREATE = reverse("organizations:create")
ROLES = [
    "anonymous",
    "member",
    "verified_member",
    "moderator_without_two_factor",
    "moderator",
    "administrator",
]
EDITORS = {"moderator", "administrator"}


def names(response, key: str = "page_obj") -> list[str]:
    return [item.name for item in response.context[key]]


def display_names(response, key: str) -> list[str]:
    return [item.display_name for item in response.context[key]]


def sign_in(client, request, role: str):
    if role == "anonymous":
        return None
    user = request.getfixturevalue(role)
    client.force_login(user)
    return user


def hidden_loaded_at(response) -> str:
    match = re.search(r'name="loaded_at" value="([^"]+)"', response.content.decode())
    assert match, "the edit form carries the version it was loaded with"
    return match.group(1)


def organization_form(**overrides) -> dict:
    data = {
        "name": "Lyon Digital Office",
        "parent": "",
        "country": "FR",
        "region": "Auvergne-Rhône-Alpes",
        "level": "local",
        "sector": "",
        "website": "https://lyon.example",
        "email_domains": "",
        "description": "Runs the city's online services.",
    }
    data.update(overrides)
    return data


def edit_form(organization, **overrides) -> dict:
    data = organization_form(
        name=organization.name,
        parent=organization.parent_id or "",
        country=organization.country.code,
        region=organization.region,
        level=organization.level,
        sector=organization.sector_id or "",
        website=organization.website,
        email_domains="\n".join(d.domain for d in organization.email_domains.all()),
        description=organization.description,
        loaded_at=organization.updated_at.isoformat(),
    )
    data.update(overrides)
    return data


# --- Directory -------------------------------------------------------------------------------


@pytest.fixture
def directory(make_organization):
    digital = SectorFactory(name="Digital services", slug="digital")
    health = SectorFactory(name="Health", slug="health")
    return {
        "lyon_digital": make_organization(
            name="Lyon Digital Office", country="FR", level="local", sector=digital
        ),
        "lyon_health": make_organization(
            name="Lyon Health Office", country="FR", level="local", sector=health
        ),
        "lyon_regional": make_organization(
            name="Lyon Regional Digital", country="FR", level="regional", sector=digital
        ),
        "berlin": make_organization(
            name="Berlin Digital Lyon Desk", country="DE", level="local", sector=digital
        ),
        "paris": make_organization(
            name="Paris Digital Office", country="FR", level="local", sector=digital
        ),
    }


def test_directory_lists_every_organisation_by_name(client, directory):
    response = client.get(DIRECTORY)
    assert response.status_code == 200
    assert names(response) == [
        "Berlin Digital Lyon Desk",
        "Lyon Digital Office",
        "Lyon Health Office",
        "Lyon Regional Digital",
        "Paris Digital Office",
    ]
    assertContains(response, "5 organisations")


def test_directory_filters_by_country_level_sector_and_name_together(client, directory):
    response = client.get(
        DIRECTORY, {"country": "FR", "level": "local", "sector": "digital", "q": "lyon"}
    )
    assert response.status_code == 200
    assert names(response) == ["Lyon Digital Office"]
    assertContains(response, "1 organisation")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"country": "DE"}, ["Berlin Digital Lyon Desk"]),
        ({"level": "regional"}, ["Lyon Regional Digital"]),
        ({"sector": "health"}, ["Lyon Health Office"]),
        ({"q": "office"}, ["Lyon Digital Office", "Lyon Health Office", "Paris Digital Office"]),
        ({"country": "FR", "sector": "digital", "level": "regional"}, ["Lyon Regional Digital"]),
    ],
)
def test_each_directory_filter_narrows_the_list(client, directory, query, expected):
    assert names(client.get(DIRECTORY, query)) == expected


def test_directory_with_no_match_says_so_and_offers_to_clear(client, directory):
    response = client.get(DIRECTORY, {"country": "DE", "level": "regional"})
    assert names(response) == []
    assertContains(response, "No organisation matches these filters")
    assertContains(response, "clear them all")


@pytest.mark.parametrize(
    "query",
    [
        {"country": "ZZ"},
        {"level": "bogus"},
        {"sector": "no-such-sector"},
        {"page": "abc"},
        {"country": "ZZ", "level": "bogus", "sector": "nope", "page": "-3"},
        {"q": "x" * 500},
    ],
)
def test_unknown_filter_values_are_ignored_not_an_error(client, directory, query):
    response = client.get(DIRECTORY, query)
    assert response.status_code == 200
    assert names(response) == [
        "Berlin Digital Lyon Desk",
        "Lyon Digital Office",
        "Lyon Health Office",
        "Lyon Regional Digital",
        "Paris Digital Office",
    ]


def test_an_invalid_filter_is_dropped_while_the_valid_ones_still_apply(client, directory):
    response = client.get(DIRECTORY, {"country": "ZZ", "level": "regional"})
    assert response.status_code == 200
    assert names(response) == ["Lyon Regional Digital"]


@pytest.fixture
def many_organizations(make_organization):
    return [make_organization(name=f"Body {n:02d}") for n in range(45)]


def test_directory_shows_twenty_organisations_a_page(client, many_organizations):
    first = client.get(DIRECTORY)
    second = client.get(DIRECTORY, {"page": "2"})
    third = client.get(DIRECTORY, {"page": "3"})
    assert names(first) == [f"Body {n:02d}" for n in range(20)]
    assert names(second) == [f"Body {n:02d}" for n in range(20, 40)]
    assert names(third) == [f"Body {n:02d}" for n in range(40, 45)]
    assertContains(first, "Page 1 of 3")
    assertContains(first, 'rel="next" href="?page=2"')


@pytest.mark.parametrize(("page", "expected_number"), [("999", 3), ("abc", 1), ("0", 3), ("", 1)])
def test_out_of_range_or_malformed_pages_clamp(client, many_organizations, page, expected_number):
    response = client.get(DIRECTORY, {"page": page})
    assert response.status_code == 200
    assert response.context["page_obj"].number == expected_number


def test_page_links_keep_the_filters(client, make_organization):
    for n in range(25):
        make_organization(name=f"Body {n:02d}", country="DE")
    make_organization(name="Elsewhere", country="FR")
    response = client.get(DIRECTORY, {"country": "DE"})
    assert response.context["page_obj"].paginator.count == 25
    assertContains(response, 'href="?country=DE&amp;page=2"')


def test_htmx_request_gets_only_the_results_partial(client, directory):
    response = client.get(DIRECTORY, {"q": "paris"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assertTemplateUsed(response, "organizations/_results.html")
    assert [t.name for t in response.templates if t.name == "base.html"] == []
    assert "<html" not in body
    assert 'class="filters"' not in body
    assert body.strip().startswith('<p class="meta">1 organisation</p>')
    assert names(response) == ["Paris Digital Office"]


def test_normal_request_gets_the_whole_page_with_the_partial_inside(client, directory):
    response = client.get(DIRECTORY, {"q": "paris"})
    assertTemplateUsed(response, "organizations/directory.html")
    assertTemplateUsed(response, "organizations/_results.html")
    assertContains(response, 'class="filters"')


@pytest.mark.parametrize("count", [1, 100])
def test_directory_query_count_does_not_grow_with_organisations(
    client, make_organization, make_member, sector, django_assert_max_num_queries, count
):
    parent = make_organization(name="Ministry", sector=sector)
    for n in range(count):
        org = make_organization(
            name=f"Body {n:03d}", parent=parent, sector=sector, country=["FR", "DE"][n % 2]
        )
        make_member.create_batch(2, organization=org, password=None)
    viewer = make_member(password=None)
    client.force_login(viewer)
    with django_assert_max_num_queries(8):
        response = client.get(DIRECTORY)
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == min(count + 1, 20)
    with django_assert_max_num_queries(8):
        response = client.get(DIRECTORY, {"country": "FR", "page": "2"})
    assert response.status_code == 200


def test_directory_counts_members_of_each_organisation(client, make_organization, make_member):
    busy = make_organization(name="Busy Office")
    make_organization(name="Quiet Office")
    make_member.create_batch(3, organization=busy, password=None)
    response = client.get(DIRECTORY)
    assert {o.name: o.member_count for o in response.context["page_obj"]} == {
        "Busy Office": 3,
        "Quiet Office": 0,
    }
    assertContains(response, "3 members")
    assertContains(response, "0 members")


def test_directory_offers_add_to_moderators_and_propose_to_members(client, member, moderator):
    assertNotContains(client.get(DIRECTORY), CREATE)
    assertNotContains(client.get(DIRECTORY), reverse("organizations:propose"))
    client.force_login(member)
    assertNotContains(client.get(DIRECTORY), CREATE)
    assertContains(client.get(DIRECTORY), reverse("organizations:propose"))
    client.force_login(moderator)
    assertContains(client.get(DIRECTORY), CREATE)


# --- Organisation page ----------------------------------------------------------------------


@pytest.fixture
def city_tree(make_organization, make_domain):
    city = make_organization(name="City of Lyon", slug="lyon", level="local")
    department = make_organization(name="Digital Department", slug="lyon-digital", parent=city)
    service = make_organization(name="Open Data Service", slug="lyon-open-data", parent=department)
    make_organization(name="Citizen Apps Service", slug="lyon-apps", parent=department)
    make_domain(organization=department, domain="digital.lyon.fr")
    return {"city": city, "department": department, "service": service}


def test_organisation_page_lists_its_children(client, city_tree):
    response = client.get(city_tree["department"].get_absolute_url())
    assert response.status_code == 200
    assert names(response, "children") == ["Citizen Apps Service", "Open Data Service"]
    assertContains(response, "Departments and services")
    assertContains(response, 'href="/organizations/lyon-apps/"')
    assertContains(response, "digital.lyon.fr")


def test_organisation_page_shows_its_parents_in_the_breadcrumbs(client, city_tree):
    response = client.get(city_tree["service"].get_absolute_url())
    body = response.content.decode()
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', body, re.S).group(0)
    assert re.findall(r"<li>(?:<a [^>]*>)?([^<]+)", crumbs) == [
        "Organisations",
        "City of Lyon",
        "Digital Department",
    ]
    assert '<li aria-current="page">Open Data Service</li>' in crumbs


def test_organisation_page_of_unknown_slug_is_a_friendly_404(client):
    response = client.get("/organizations/no-such-body/")
    assert response.status_code == 404
    assertContains(response, "We could not find that page", status_code=404)


@pytest.fixture
def staffed(organization, make_member):
    make_member(display_name="Ada Public", organization=organization, password=None)
    make_member(
        display_name="Bob Private",
        organization=organization,
        public_organization=False,
        password=None,
    )
    make_member(display_name="Cy Gone", organization=organization, is_active=False, password=None)
    make_member(display_name="Dee Elsewhere", password=None)
    return organization


def test_visitors_see_only_members_who_made_their_organisation_public(client, staffed):
    response = client.get(staffed.get_absolute_url())
    assert display_names(response, "members_page") == ["Ada Public"]
    assertContains(response, "Ada Public")
    assertNotContains(response, "Bob Private")


def test_signed_in_members_see_every_active_member_of_the_organisation(client, staffed, member):
    client.force_login(member)
    response = client.get(staffed.get_absolute_url())
    assert display_names(response, "members_page") == ["Ada Public", "Bob Private"]


def test_organisation_page_without_members_has_a_helpful_empty_state(client, organization):
    response = client.get(organization.get_absolute_url())
    assertContains(response, "No members listed yet")


@pytest.mark.parametrize("count", [1, 60])
def test_organisation_page_query_count_does_not_grow(
    client, make_organization, make_member, make_domain, django_assert_max_num_queries, count
):
    grandparent = make_organization(name="Ministry")
    parent = make_organization(name="Directorate", parent=grandparent)
    organization = make_organization(name="Office", parent=parent)
    for n in range(count):
        make_organization(name=f"Unit {n:02d}", parent=organization)
        make_domain(organization=organization, domain=f"unit{n}.office.example")
    make_member.create_batch(count, organization=organization, verified=True, password=None)
    client.force_login(make_member(password=None))
    with django_assert_max_num_queries(12):
        response = client.get(organization.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["members_page"].object_list) == min(count, 20)


# --- Create and edit: who may ------------------------------------------------------------------


def expect_refusal(response, role: str, next_url: str) -> None:
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('account_login')}?next={next_url}"
    elif role == "moderator_without_two_factor":
        assert response.status_code == 403
        assertContains(response, "Turn on two-factor authentication first", status_code=403)
    else:
        assert response.status_code == 403
        assertContains(response, "You cannot open this page", status_code=403)


@pytest.mark.parametrize("role", ROLES)
def test_only_moderators_with_two_factor_and_administrators_open_the_create_form(
    client, request, role
):
    sign_in(client, request, role)
    response = client.get(CREATE)
    if role in EDITORS:
        assert response.status_code == 200
        assertContains(response, "Add an organisation")
    else:
        expect_refusal(response, role, CREATE)


@pytest.mark.parametrize("role", ROLES)
def test_only_moderators_with_two_factor_and_administrators_create_organisations(
    client, request, role
):
    sign_in(client, request, role)
    response = client.post(CREATE, organization_form(email_domains="lyon.fr"))
    if role in EDITORS:
        created = Organization.objects.get()
        assert response.status_code == 302
        assert response["Location"] == created.get_absolute_url()
        assert created.name == "Lyon Digital Office"
        assert created.slug == "lyon-digital-office"
        assert list(created.email_domains.values_list("domain", flat=True)) == ["lyon.fr"]
    else:
        expect_refusal(response, role, CREATE)
        assert Organization.objects.count() == 0
        assert OrganizationDomain.objects.count() == 0


@pytest.mark.parametrize("role", ROLES)
def test_only_moderators_with_two_factor_and_administrators_open_the_edit_form(
    client, request, organization, role
):
    url = reverse("organizations:edit", args=[organization.slug])
    sign_in(client, request, role)
    response = client.get(url)
    if role in EDITORS:
        assert response.status_code == 200
        assertContains(response, f"Edit {organization.name}")
    else:
        expect_refusal(response, role, url)


@pytest.mark.parametrize("role", ROLES)
def test_only_moderators_with_two_factor_and_administrators_edit_organisations(
    client, request, organization, role
):
    url = reverse("organizations:edit", args=[organization.slug])
    before = Organization.objects.values().get(pk=organization.pk)
    sign_in(client, request, role)
    response = client.post(
        url, edit_form(organization, name="Renamed Office", email_domains="renamed.example")
    )
    organization.refresh_from_db()
    if role in EDITORS:
        assert response.status_code == 302
        assert organization.name == "Renamed Office"
        assert list(organization.email_domains.values_list("domain", flat=True)) == [
            "renamed.example"
        ]
    else:
        expect_refusal(response, role, url)
        assert Organization.objects.values().get(pk=organization.pk) == before
        assert OrganizationDomain.objects.count() == 0


def test_edit_of_an_unknown_organisation_is_a_404(client, moderator):
    client.force_login(moderator)
    assert client.get("/organizations/no-such-body/edit/").status_code == 404


# --- Create and edit: what is accepted -------------------------------------------------------


def test_email_domains_are_normalised(client, moderator):
    client.force_login(moderator)
    response = client.post(
        CREATE,
        organization_form(email_domains="@Lyon.FR\n  Health.Gov.Example , @lyon.fr"),
    )
    assert response.status_code == 302
    assert list(OrganizationDomain.objects.values_list("domain", flat=True)) == [
        "health.gov.example",
        "lyon.fr",
    ]


@pytest.mark.parametrize("typed", ["lyon", "lyon.fr/staff", "ann@lyon.fr"])
def test_an_invalid_email_domain_is_refused_beside_the_field_keeping_what_was_typed(
    client, moderator, typed
):
    client.force_login(moderator)
    response = client.post(
        CREATE, organization_form(name="Kept Name", email_domains=f"good.example\n{typed}")
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email_domains": [f"“{typed}” is not an email domain like lyon.fr."]
    }
    assertContains(response, 'id="id_email_domains-error"')
    assertContains(response, f"good.example\n{typed}</textarea>")
    assertContains(response, 'value="Kept Name"')
    assert Organization.objects.count() == 0
    assert OrganizationDomain.objects.count() == 0


def test_a_domain_of_another_organisation_is_refused(client, moderator, make_domain):
    owner = make_domain(domain="lyon.fr").organization
    client.force_login(moderator)
    response = client.post(CREATE, organization_form(name="Impostor", email_domains="LYON.fr"))
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email_domains": [f"lyon.fr already belongs to {owner.name}."]
    }
    assertContains(response, "LYON.fr</textarea>")
    assert list(Organization.objects.values_list("name", flat=True)) == [owner.name]


def test_editing_to_take_another_organisations_domain_changes_nothing(
    client, moderator, make_domain
):
    owner = make_domain(domain="lyon.fr").organization
    other = make_domain(domain="paris.fr").organization
    client.force_login(moderator)
    response = client.post(
        reverse("organizations:edit", args=[other.slug]),
        edit_form(other, name="Paris Renamed", email_domains="paris.fr\nlyon.fr"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email_domains": [f"lyon.fr already belongs to {owner.name}."]
    }
    other.refresh_from_db()
    assert other.name != "Paris Renamed"
    assert sorted(OrganizationDomain.objects.values_list("organization__slug", "domain")) == [
        (owner.slug, "lyon.fr"),
        (other.slug, "paris.fr"),
    ]


def test_removing_a_domain_in_the_edit_form_removes_it(client, moderator, make_domain):
    kept = make_domain(domain="lyon.fr")
    make_domain(organization=kept.organization, domain="old.lyon.fr")
    organization = kept.organization
    client.force_login(moderator)
    response = client.post(
        reverse("organizations:edit", args=[organization.slug]),
        edit_form(organization, email_domains="lyon.fr\nnew.lyon.fr"),
    )
    assert response.status_code == 302
    assert list(organization.email_domains.values_list("domain", flat=True)) == [
        "lyon.fr",
        "new.lyon.fr",
    ]


def test_an_organisation_cannot_be_placed_under_its_own_descendant(client, moderator, city_tree):
    city = city_tree["city"]
    client.force_login(moderator)
    response = client.post(
        reverse("organizations:edit", args=[city.slug]),
        edit_form(city, parent=city_tree["service"].pk),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "parent": ["An organisation cannot be part of itself."]
    }
    city.refresh_from_db()
    assert city.parent_id is None


def test_an_organisation_cannot_be_its_own_parent(client, moderator, organization):
    client.force_login(moderator)
    response = client.post(
        reverse("organizations:edit", args=[organization.slug]),
        edit_form(organization, parent=organization.pk),
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["parent"]
    organization.refresh_from_db()
    assert organization.parent_id is None


def test_missing_required_fields_are_named_beside_each_field(client, moderator):
    client.force_login(moderator)
    response = client.post(CREATE, organization_form(name="", level="", country=""))
    assert response.status_code == 200
    assert sorted(response.context["form"].errors) == ["country", "level", "name"]
    assertContains(response, 'id="id_name-error"')
    assert Organization.objects.count() == 0


def test_two_organisations_with_the_same_name_get_distinct_addresses(client, moderator):
    client.force_login(moderator)
    client.post(CREATE, organization_form(name="Town Hall"))
    client.post(CREATE, organization_form(name="Town Hall"))
    slugs = list(Organization.objects.values_list("slug", flat=True))
    assert len(set(slugs)) == 2
    assert "town-hall" in slugs


# --- Concurrent edits --------------------------------------------------------------------------


def test_the_second_of_two_concurrent_edits_is_refused_then_saves_after_review(
    moderator, administrator, organization
):
    url = reverse("organizations:edit", args=[organization.slug])
    first, second = Client(), Client()
    first.force_login(moderator)
    second.force_login(administrator)
    first_form = edit_form(organization, loaded_at=hidden_loaded_at(first.get(url)))
    second_form = edit_form(organization, loaded_at=hidden_loaded_at(second.get(url)))

    saved = first.post(url, {**first_form, "name": "First Name", "region": "First region"})
    assert saved.status_code == 302

    refused = second.post(
        url, {**second_form, "name": "Second Name", "website": "https://second.example"}
    )
    assert refused.status_code == 200
    assertContains(refused, "Someone else saved this organisation while you were editing.")
    assertContains(refused, "Someone else saved first")
    assertContains(refused, 'value="Second Name"')
    assertContains(refused, 'value="https://second.example"')
    organization.refresh_from_db()
    assert (organization.name, organization.region, organization.website) == (
        "First Name",
        "First region",
        "",
    )

    again = second.post(
        url,
        {
            **second_form,
            "name": "Second Name",
            "website": "https://second.example",
            "loaded_at": hidden_loaded_at(refused),
        },
    )
    assert again.status_code == 302
    organization.refresh_from_db()
    assert (organization.name, organization.website) == ("Second Name", "https://second.example")


def test_saving_the_form_one_loaded_twice_in_a_row_is_not_a_conflict(
    client, moderator, organization
):
    url = reverse("organizations:edit", args=[organization.slug])
    client.force_login(moderator)
    loaded_at = hidden_loaded_at(client.get(url))
    assert client.post(url, edit_form(organization, name="One", loaded_at=loaded_at)).status_code
    reloaded = hidden_loaded_at(client.get(url))
    organization.refresh_from_db()
    response = client.post(url, edit_form(organization, name="Two", loaded_at=reloaded))
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.name == "Two"


# --- Proposals -------------------------------------------------------------------------------

PROPOSE = reverse("organizations:propose")


def proposal_form(**overrides) -> dict:
    data = {
        "name": "Grenoble Innovation Lab",
        "parent": "",
        "country": "FR",
        "region": "Isère",
        "level": "local",
        "sector": "",
        "website": "https://lab.grenoble.example",
        "email_domain": "lab.grenoble.example",
        "note": "Our city lab is missing.",
    }
    data.update(overrides)
    return data


@pytest.fixture
def proposal(member):
    return services.propose_organization(
        member=member,
        data={
            "name": "Grenoble Innovation Lab",
            "country": "FR",
            "level": "local",
            "email_domain": "lab.grenoble.example",
        },
    )


def decide_url(proposal) -> str:
    return reverse("organizations:decide_proposal", args=[proposal.pk])


def test_visitors_are_sent_to_sign_in_before_proposing(client):
    get = client.get(PROPOSE)
    post = client.post(PROPOSE, proposal_form())
    assert get.status_code == post.status_code == 302
    assert get["Location"] == post["Location"] == f"{reverse('account_login')}?next={PROPOSE}"
    assert OrganizationProposal.objects.count() == 0


@pytest.mark.parametrize("role", ["member", "verified_member", "moderator"])
def test_any_member_proposes_a_missing_organisation(client, request, role):
    proposer = sign_in(client, request, role)
    assert client.get(PROPOSE).status_code == 200
    response = client.post(PROPOSE, proposal_form())
    assert response.status_code == 302
    assert response["Location"] == DIRECTORY
    proposal = OrganizationProposal.objects.get()
    assert (proposal.name, proposal.proposed_by, proposal.status) == (
        "Grenoble Innovation Lab",
        proposer,
        ProposalStatus.PENDING,
    )
    assert Organization.objects.count() == 0


def test_a_member_sees_their_proposals_and_decisions(client, member, proposal, moderator):
    services.decide_proposal(
        moderator=moderator, proposal_id=proposal.pk, accept=False, reason="It already exists."
    )
    client.force_login(member)
    response = client.get(PROPOSE)
    assertContains(response, "Your proposals")
    assertContains(response, "Grenoble Innovation Lab: <strong>Refused</strong>")
    assertContains(response, "It already exists.")


def test_a_proposal_with_an_invalid_email_domain_is_refused_beside_the_field(client, member):
    client.force_login(member)
    response = client.post(PROPOSE, proposal_form(email_domain="not a domain"))
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email_domain": ["“not a domain” is not an email domain like lyon.fr."]
    }
    assertContains(response, 'value="not a domain"')
    assert OrganizationProposal.objects.count() == 0


def test_a_proposal_email_domain_is_normalised(client, member):
    client.force_login(member)
    client.post(PROPOSE, proposal_form(email_domain="@Lab.Grenoble.EXAMPLE"))
    assert OrganizationProposal.objects.get().email_domain == "lab.grenoble.example"


def test_accepting_a_proposal_creates_the_organisation_with_its_domain(client, moderator, proposal):
    client.force_login(moderator)
    assertContains(client.get(decide_url(proposal)), "Add Grenoble Innovation Lab?")
    response = client.post(decide_url(proposal), {"decision": "accept", "reason": ""})
    organization = Organization.objects.get()
    assert response.status_code == 302
    assert response["Location"] == organization.get_absolute_url()
    assert (organization.name, organization.country.code, organization.level) == (
        "Grenoble Innovation Lab",
        "FR",
        "local",
    )
    assert list(organization.email_domains.values_list("domain", flat=True)) == [
        "lab.grenoble.example"
    ]
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED
    assert proposal.organization == organization
    assert proposal.decided_by == moderator
    assert proposal.decided_at is not None


def test_refusing_a_proposal_needs_a_reason(client, moderator, proposal):
    client.force_login(moderator)
    response = client.post(decide_url(proposal), {"decision": "refuse", "reason": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["Say why you refuse the proposal."]}
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING

    response = client.post(decide_url(proposal), {"decision": "refuse", "reason": "Duplicate."})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:moderation")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.reason, proposal.organization) == (
        ProposalStatus.REFUSED,
        "Duplicate.",
        None,
    )
    assert Organization.objects.count() == 0


def test_a_proposal_cannot_be_decided_twice(client, moderator, administrator, proposal):
    client.force_login(moderator)
    client.post(decide_url(proposal), {"decision": "accept"})
    client.force_login(administrator)
    page = client.get(decide_url(proposal))
    assertContains(page, "Accepted")
    assertNotContains(page, "Save decision")
    response = client.post(decide_url(proposal), {"decision": "refuse", "reason": "Changed mind"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["This proposal was already decided."]
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by, proposal.reason) == (
        ProposalStatus.ACCEPTED,
        moderator,
        "",
    )
    assert Organization.objects.count() == 1


def test_accepting_a_proposal_whose_domain_another_organisation_owns_changes_nothing(
    client, moderator, proposal, make_domain
):
    owner = make_domain(domain="lab.grenoble.example").organization
    client.force_login(moderator)
    response = client.post(decide_url(proposal), {"decision": "accept"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        f"lab.grenoble.example already belongs to {owner.name}."
    ]
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING
    assert list(Organization.objects.values_list("name", flat=True)) == [owner.name]


@pytest.mark.parametrize(
    "role", ["anonymous", "member", "verified_member", "moderator_without_two_factor"]
)
def test_only_moderators_decide_proposals(client, request, proposal, role):
    url = decide_url(proposal)
    sign_in(client, request, role)
    expect_refusal(client.get(url), role, url)
    expect_refusal(client.post(url, {"decision": "accept"}), role, url)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by, proposal.decided_at) == (
        ProposalStatus.PENDING,
        None,
        None,
    )
    assert Organization.objects.count() == 0


def test_deciding_an_unknown_proposal_is_a_404(client, moderator):
    client.force_login(moderator)
    assert client.post("/moderation/organizations/999999/", {"decision": "accept"}).status_code == (
        404
    )
