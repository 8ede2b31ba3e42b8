"""Site-wide pages: home, about, health endpoints, error pages and security headers."""

import pytest
from django.urls import reverse


def test_home_explains_the_platform_and_where_to_start(client, organization):
    response = client.get(reverse("home"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Share what works in the public sector" in body
    assert reverse("account_signup") in body
    assert organization.name in body


def test_home_runs_a_constant_number_of_queries(
    client, make_organization, django_assert_max_num_queries
):
    make_organization.create_batch(30)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("home")).status_code == 200


def test_healthz_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.json() == {"status": "ok"}


def test_readyz_reports_database_and_queue(client):
    response = client.get("/readyz")
    data = response.json()
    assert response.status_code == 200
    assert data["status"] == "ok"
    assert data["checks"]["database"]["ok"] is True
    assert data["checks"]["task_queue"]["ok"] is True
    assert data["checks"]["task_queue"]["ready_tasks"] == 0


def test_unknown_url_gets_a_friendly_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.urls("govcommons.core.tests.crashing_urls")
def test_an_error_shows_an_id_the_user_can_quote_and_logs_it(client, caplog):
    client.raise_request_exception = False
    response = client.get("/crash/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in body
    logged = [r for r in caplog.records if r.name == "govcommons.errors"]
    assert len(logged) == 1
    error_id = logged[0].error_id
    assert len(error_id) == 12
    assert error_id in body
    assert logged[0].exc_info[0] is ZeroDivisionError
