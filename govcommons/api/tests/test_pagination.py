"""Every paginated list answers an absurd page number with a 422 problem, never a 500."""

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
