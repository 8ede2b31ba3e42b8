"""The benchmark's query counter: X-Bench-Queries says how many SQL queries a request ran."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from govcommons.core.bench import HEADER

MIDDLEWARE = "govcommons.core.bench.QueryCountMiddleware"


@pytest.fixture
def counting(settings):
    """As settings.py installs it when BENCH_ENDPOINTS is on: first, around everything else."""
    settings.MIDDLEWARE = [MIDDLEWARE, *settings.MIDDLEWARE]


@pytest.mark.usefixtures("counting")
def test_header_counts_every_query_of_an_anonymous_page(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/practices/")

    assert response.status_code == 200
    assert int(response[HEADER]) == len(queries.captured_queries)
    assert len(queries.captured_queries) > 0


@pytest.mark.usefixtures("counting")
def test_header_counts_the_session_and_user_queries_of_a_member(client, member):
    client.force_login(member)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/notifications/")

    assert response.status_code == 200
    executed = [q["sql"] for q in queries.captured_queries]
    assert int(response[HEADER]) == len(executed)
    # The session and the member are read inside the count: the middleware wraps all others.
    assert any("django_session" in sql for sql in executed)


@pytest.mark.usefixtures("counting")
def test_a_request_without_queries_says_zero(client):
    response = client.get("/healthz")

    assert response[HEADER] == "0"


def test_no_header_without_the_middleware(client):
    response = client.get("/practices/")

    assert HEADER not in response
