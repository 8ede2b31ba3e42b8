"""The benchmark's bare view (/_bench/bare) exists only when BENCH_ENDPOINTS is on."""

import importlib

import pytest
from django.urls import clear_url_caches

import govcommons.urls


def reload_urls() -> None:
    importlib.reload(govcommons.urls)
    clear_url_caches()


@pytest.fixture
def bench_endpoints_on(settings):
    settings.BENCH_ENDPOINTS = True
    reload_urls()
    yield
    settings.BENCH_ENDPOINTS = False
    reload_urls()


def test_bench_view_is_not_routed_by_default(client):
    response = client.get("/_bench/bare")
    assert response.status_code == 404


@pytest.mark.usefixtures("bench_endpoints_on")
def test_bench_view_answers_a_constant_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/_bench/bare")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain"
    assert response.content == b"bare"
