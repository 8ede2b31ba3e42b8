"""The public API: its documents, authentication, errors as problem details, first operations."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from govcommons.accounts import services as account_services
from govcommons.accounts.models import ApiToken
from govcommons.taxonomy.tests.factories import SectorFactory

ME = "/api/v1/me"
ORGANIZATIONS = "/api/v1/organizations"
TOPICS = "/api/v1/topics"
PROBLEM_KEYS = {"type", "title", "status", "detail"}


def assert_problem(response, status: int, title: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert set(body) >= PROBLEM_KEYS
    assert (body["type"], body["title"], body["status"]) == ("about:blank", title, status)
    assert isinstance(body["detail"], str)
    assert body["detail"]
    return body


def bearer(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}


# --- Documents -------------------------------------------------------------------------------


def test_openapi_document_lists_the_first_operations(client, db):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "GovCommons API"
    assert {
        "/api/v1/me",
        "/api/v1/organizations",
        "/api/v1/organizations/{slug}",
        "/api/v1/topics",
    } <= set(document["paths"])
    assert set(document["paths"]["/api/v1/me"]) == {"get"}


def test_openapi_document_describes_bearer_tokens(client, db):
    document = client.get("/api/openapi.json").json()
    schemes = document["components"]["securitySchemes"]
    assert (schemes["TokenAuth"]["type"], schemes["TokenAuth"]["scheme"]) == ("http", "bearer")
    assert document["paths"]["/api/v1/organizations"]["get"].get("security") is None


def test_api_docs_are_a_browsable_html_page(client, db):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "/api/openapi.json" in response.content.decode()


# --- /me and authentication --------------------------------------------------------------------


def test_me_without_credentials_is_a_401_problem(client, db):
    response = client.get(ME)
    body = assert_problem(response, 401, "Authentication required")
    assert response["WWW-Authenticate"] == "Bearer"
    assert body["detail"] == "Send a valid token: Authorization: Bearer <token>."


def test_me_with_a_token_describes_the_member(client, verified_member, organization):
    verified_member.organization = organization
    verified_member.job_title = "Data officer"
    verified_member.save()
    _, raw = account_services.create_api_token(member=verified_member, name="script", days=30)
    response = client.get(ME, headers=bearer(raw))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {
        "handle": verified_member.handle,
        "display_name": verified_member.display_name,
        "email": verified_member.email,
        "job_title": "Data officer",
        "organization": {"slug": organization.slug, "name": organization.name},
        "verified": True,
        "verification_method": "moderator",
        "roles": ["member", "verified_member"],
        "profile_url": f"http://testserver/members/{verified_member.handle}/",
    }


def test_me_lists_the_roles_a_member_holds(client, moderator):
    _, raw = account_services.create_api_token(member=moderator, name="script", days=30)
    body = client.get(ME, headers=bearer(raw)).json()
    assert (body["roles"], body["verified"], body["organization"]) == (
        ["member", "moderator"],
        False,
        None,
    )


def test_using_a_token_notes_when_it_was_last_used(client, member):
    token, raw = account_services.create_api_token(member=member, name="script", days=30)
    assert token.last_used_at is None
    client.get(ME, headers=bearer(raw))
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_revoked_token_is_refused(client, member):
    token, raw = account_services.create_api_token(member=member, name="script", days=30)
    account_services.revoke_api_token(member=member, token_id=token.pk)
    assert_problem(client.get(ME, headers=bearer(raw)), 401, "Authentication required")


def test_an_expired_token_is_refused(client, member):
    token, raw = account_services.create_api_token(member=member, name="script", days=30)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_problem(client.get(ME, headers=bearer(raw)), 401, "Authentication required")


def test_a_token_of_a_deactivated_member_is_refused(client, member):
    _, raw = account_services.create_api_token(member=member, name="script", days=30)
    member.is_active = False
    member.save()
    assert_problem(client.get(ME, headers=bearer(raw)), 401, "Authentication required")


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer",
        "Bearer ",
        "Bearer gc_not-a-real-token",
        "Bearer not-even-our-prefix",
        "Basic dXNlcjpwYXNz",
        "Token abc",
        "gc_abc",
        "Bearer gc_a gc_b",
        "Bearer \u00e9\u00e9",
    ],
)
def test_a_malformed_or_unknown_authorization_header_is_a_401_problem(
    client, member, authorization
):
    account_services.create_api_token(member=member, name="script", days=30)
    response = client.get(ME, headers={"Authorization": authorization})
    assert_problem(response, 401, "Authentication required")


def test_the_browser_session_works_for_me(client, member):
    client.force_login(member)
    response = client.get(ME)
    assert response.status_code == 200
    assert response.json()["handle"] == member.handle


def test_me_runs_a_bounded_number_of_queries(
    client, moderator, organization, django_assert_max_num_queries
):
    moderator.organization = organization
    moderator.save()
    _, raw = account_services.create_api_token(member=moderator, name="script", days=30)
    with django_assert_max_num_queries(5):
        assert client.get(ME, headers=bearer(raw)).status_code == 200


# --- Organisations ---------------------------------------------------------------------------


@pytest.fixture
def directory(make_organization, make_domain):
    digital = SectorFactory(name="Digital services", slug="digital")
    city = make_organization(
        name="City of Lyon", slug="lyon", country="FR", level="local", sector=digital
    )
    make_domain(organization=city, domain="lyon.fr")
    make_organization(
        name="Lyon Open Data", slug="lyon-data", parent=city, country="FR", level="local"
    )
    make_organization(name="Bavaria", slug="bavaria", country="DE", level="regional")
    make_organization(
        name="Federal Digital Agency",
        slug="bund-digital",
        country="DE",
        level="national",
        sector=digital,
    )
    return city


def slugs(response) -> list[str]:
    return [item["slug"] for item in response.json()["items"]]


def test_organisations_list_is_public_and_paginated(client, directory):
    response = client.get(ORGANIZATIONS)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"items", "count"}
    assert body["count"] == 4
    assert slugs(response) == ["bavaria", "lyon", "bund-digital", "lyon-data"]
    assert body["items"][1] == {
        "slug": "lyon",
        "name": "City of Lyon",
        "parent": None,
        "country": "FR",
        "region": "",
        "level": "local",
        "sector": "digital",
        "website": "",
        "member_count": 0,
        "url": "http://testserver/organizations/lyon/",
    }
    assert body["items"][3]["parent"] == "lyon"


def test_organisations_list_pages_hold_fifty(client, make_organization):
    for n in range(55):
        make_organization(name=f"Body {n:02d}")
    first = client.get(ORGANIZATIONS).json()
    second = client.get(ORGANIZATIONS, {"page": 2}).json()
    assert (first["count"], len(first["items"])) == (55, 50)
    assert [o["name"] for o in second["items"]] == [f"Body {n:02d}" for n in range(50, 55)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"country": "DE"}, ["bavaria", "bund-digital"]),
        ({"country": "de"}, ["bavaria", "bund-digital"]),
        ({"level": "local"}, ["lyon", "lyon-data"]),
        ({"sector": "digital"}, ["lyon", "bund-digital"]),
        ({"q": "lyon"}, ["lyon", "lyon-data"]),
        ({"country": "DE", "sector": "digital", "level": "national"}, ["bund-digital"]),
        ({"country": "ZZ"}, []),
        ({"sector": "unknown"}, []),
    ],
)
def test_organisations_list_filters_combine(client, directory, query, expected):
    response = client.get(ORGANIZATIONS, query)
    assert response.status_code == 200
    assert slugs(response) == expected
    assert response.json()["count"] == len(expected)


def test_an_invalid_level_is_a_422_problem_naming_the_field(client, directory):
    response = client.get(ORGANIZATIONS, {"level": "bogus"})
    body = assert_problem(response, 422, "Invalid input")
    assert [error["loc"] for error in body["errors"]] == [["query", "level"]]


@pytest.mark.parametrize("page", ["abc", "0", "-1"])
def test_an_invalid_page_number_is_a_422_problem(client, directory, page):
    body = assert_problem(client.get(ORGANIZATIONS, {"page": page}), 422, "Invalid input")
    assert [error["loc"] for error in body["errors"]] == [["query", "page"]]


def test_a_page_past_the_end_is_empty(client, directory):
    response = client.get(ORGANIZATIONS, {"page": 99})
    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 4}


def test_one_organisation_with_its_domains(client, directory):
    response = client.get(f"{ORGANIZATIONS}/lyon")
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["email_domains"], body["description"]) == (
        "City of Lyon",
        ["lyon.fr"],
        "",
    )


def test_an_unknown_organisation_is_a_404_problem(client, db):
    body = assert_problem(client.get(f"{ORGANIZATIONS}/no-such-body"), 404, "Not found")
    assert body["detail"] == "Nothing is here."


def test_an_unknown_api_path_is_a_404(client, db):
    assert client.get("/api/v1/no-such-thing").status_code == 404


def test_writing_to_a_read_only_operation_is_refused(client, member):
    client.force_login(member)
    response = client.post(ORGANIZATIONS, {}, content_type="application/json")
    assert response.status_code == 405


@pytest.mark.parametrize("count", [1, 120])
def test_organisations_list_runs_a_constant_number_of_queries(
    client,
    make_organization,
    make_member,
    make_domain,
    sector,
    django_assert_max_num_queries,
    count,
):
    parent = make_organization(name="Ministry", sector=sector)
    for n in range(count):
        org = make_organization(name=f"Body {n:03d}", parent=parent, sector=sector)
        make_domain(organization=org)
        make_member(organization=org, password=None)
    with django_assert_max_num_queries(3):
        response = client.get(ORGANIZATIONS)
    assert response.json()["count"] == count + 1
    with django_assert_max_num_queries(3):
        assert client.get(f"{ORGANIZATIONS}/{org.slug}").status_code == 200


# --- Topics ----------------------------------------------------------------------------------


def test_topics_list_gives_each_topic_with_its_parent(client, make_topic):
    digital = make_topic(name="Digital services", slug="digital", description="Online.")
    make_topic(name="Citizen reporting", slug="citizen-reporting", parent=digital)
    response = client.get(TOPICS)
    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "slug": "citizen-reporting",
                "name": "Citizen reporting",
                "parent": "digital",
                "description": "",
            },
            {
                "slug": "digital",
                "name": "Digital services",
                "parent": None,
                "description": "Online.",
            },
        ],
        "count": 2,
    }


@pytest.mark.parametrize("count", [1, 150])
def test_topics_list_runs_a_constant_number_of_queries(
    client, make_topic, django_assert_max_num_queries, count
):
    parent = make_topic(name="Field")
    for n in range(count):
        make_topic(name=f"Sub {n:03d}", parent=parent)
    with django_assert_max_num_queries(2):
        response = client.get(TOPICS)
    body = response.json()
    assert (body["count"], len(body["items"])) == (count + 1, min(count + 1, 100))
