"""Posting limits: over the limit, a member gets the 429 page or problem and nothing is written."""

import json

import pytest
from django.urls import reverse

from govcommons.accounts.models import VerificationRequest
from govcommons.core.models import Item


@pytest.fixture
def low_limits(settings):
    settings.POSTING_RATE_LIMITS = {
        "practice_write": "2/h",
        "verification_request": "1/d",
    }


def _draft(client, title):
    return client.post(
        "/practices/new/?kind=practical_tip",
        {
            "kind": "practical_tip",
            "title": title,
            "summary": "s",
            "language": "en",
            "licence": "CC-BY-4.0",
            "visibility": "public",
            "outcomes-TOTAL_FORMS": "0",
            "outcomes-INITIAL_FORMS": "0",
            "links-TOTAL_FORMS": "0",
            "links-INITIAL_FORMS": "0",
        },
    )


def test_writing_drafts_stops_at_the_limit_with_the_429_page(client, member, low_limits):
    client.force_login(member)
    assert [_draft(client, f"Tip {n}").status_code for n in range(2)] == [302, 302]

    refused = _draft(client, "Tip 3")

    assert refused.status_code == 429
    assert "Too many attempts" in refused.content.decode()
    assert sorted(Item.objects.values_list("title", flat=True)) == ["Tip 0", "Tip 1"]


def test_reading_pages_is_never_counted(client, member, low_limits):
    client.force_login(member)
    for _ in range(5):
        assert client.get("/practices/new/?kind=practical_tip").status_code == 200
    assert _draft(client, "Tip").status_code == 302


def test_the_limit_is_per_member(client, make_member, low_limits):
    first, second = make_member(), make_member()
    client.force_login(first)
    for n in range(2):
        _draft(client, f"First {n}")
    assert _draft(client, "First 3").status_code == 429
    client.force_login(second)
    assert _draft(client, "Second 1").status_code == 302


def test_the_api_shares_the_limit_and_answers_a_429_problem(client, member, low_limits):
    client.force_login(member)
    body = json.dumps({"title": "API tip", "contribution_kind": "practical_tip"})
    assert _draft(client, "Page tip").status_code == 302
    ok = client.post("/api/v1/practices", body, content_type="application/json")
    refused = client.post("/api/v1/practices", body, content_type="application/json")

    assert ok.status_code == 201
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["status"] == 429
    assert Item.objects.count() == 2


def test_verification_requests_are_limited(client, member, organization, low_limits):
    client.force_login(member)
    data = {"organization": organization.pk, "job_title": "Clerk", "evidence": "Staff page"}
    assert client.post(reverse("accounts:verification"), data).status_code == 302
    VerificationRequest.objects.update(status="withdrawn")

    assert client.post(reverse("accounts:verification"), data).status_code == 429
    assert VerificationRequest.objects.count() == 1
