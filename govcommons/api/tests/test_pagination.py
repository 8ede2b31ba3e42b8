"""Every paginated list answers an absurd page number with a 422 problem, never a 500; odd
addresses and oversized bodies get a problem document too."""

import pytest


@pytest.mark.parametrize("path", ["/api/v1/practices", "/api/v1/organizations", "/api/v1/topics"])
def test_a_page_number_too_big_for_the_database_is_a_422_problem(client, db, path):
    response = client.get(path, {"page": "99999999999999999999"})
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")


def test_a_page_past_the_end_is_an_empty_page(client, db):
    response = client.get("/api/v1/practices", {"page": 500})
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_a_nul_character_in_the_address_is_a_400_problem_not_a_500(client, db):
    response = client.get("/api/v1/practices/a%00b")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert client.get("/practices/a%00b/").status_code == 400


def test_a_request_body_over_the_limit_is_a_413_problem(client, member, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(member)
    response = client.post(
        "/api/v1/questions",
        data='{"title": "' + "x" * 2000 + '"}',
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.json()["detail"].startswith("The request body is too large")
