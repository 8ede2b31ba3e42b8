"""What API tests share: a bearer token, a JSON call with any method, and the problem check."""

import json

from govcommons.accounts.services import create_api_token

PROBLEM = "application/problem+json"


def bearer(member) -> dict:
    _token, raw = create_api_token(member=member, name="tests", days=30)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def call(client, method: str, url: str, body=None, **headers):
    payload = b"" if body is None else json.dumps(body)
    return client.generic(method, url, payload, content_type="application/json", **headers)


def assert_problem(response, status: int) -> dict:
    """An RFC 9457 problem document with this status, a title and a detail."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert (body["type"], body["status"]) == ("about:blank", status)
    assert body["title"]
    assert body["detail"]
    return body
