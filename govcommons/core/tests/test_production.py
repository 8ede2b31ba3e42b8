"""Production switches: each integration turns on with its variable, fails loudly when half-set,
and the parts we can run here run for real (an email API over HTTP, Sentry's envelope, JSON logs,
rate limits per visitor behind a proxy). Settings are read at start-up, so most checks start a
Python process with the environment under test.
"""

import gzip
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpResponse
from django.test import RequestFactory

from conftest import ROOT
from govcommons.core.proxy import ClientAddressMiddleware, client_address
from govcommons.core.tests.test_worker import queue_welcome_email
from govcommons.notifications.models import EmailStatus, OutgoingEmail

REPORT = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
default_storage = storages["default"]
print(json.dumps({
    "cache": settings.CACHES["default"]["BACKEND"],
    "session_engine": settings.SESSION_ENGINE,
    "tasks": settings.TASKS["default"]["BACKEND"],
    "django_rq": "django_rq" in settings.INSTALLED_APPS,
    "rq_queues": getattr(settings, "RQ_QUEUES", None),
    "email_backend": settings.EMAIL_BACKEND,
    "anymail": getattr(settings, "ANYMAIL", None),
    "storage": type(default_storage).__name__,
    "media_origin": settings.MEDIA_ORIGIN,
    "avatar_url": default_storage.url("avatars/a.png"),
}))
"""


def run_python(code: str, **env: str):
    import subprocess

    base = {
        "PATH": "/usr/bin:/bin",
        "HOME": os.environ.get("HOME", str(ROOT)),
        "DJANGO_SETTINGS_MODULE": "govcommons.settings",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def production_settings(**env: str) -> dict:
    result = run_python(REPORT, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- Redis: cache, sessions, the task queue -----------------------------------------------------


def test_redis_in_production_holds_the_cache_the_sessions_and_the_task_queue():
    found = production_settings(REDIS_URL="redis://redis.internal:6379/0")

    assert found["cache"] == "django_redis.cache.RedisCache"
    assert found["session_engine"] == "django.contrib.sessions.backends.cached_db"
    assert found["tasks"] == "govcommons.core.tasks_backend.RedisBackend"
    assert found["django_rq"] is True
    assert found["rq_queues"] == {
        "default": {"USE_REDIS_CACHE": "default", "DEFAULT_TIMEOUT": 1800}
    }


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"REDIS_URL": "redis://redis.internal:6379/0", "DEBUG": "true"},
        {"REDIS_URL": "redis://redis.internal:6379/0", "TASKS_BACKEND": "database"},
    ],
    ids=["no-redis", "development", "chosen"],
)
def test_the_database_queue_stays_without_redis_in_development_or_when_chosen(env):
    found = production_settings(**env)

    assert found["tasks"] == "django_tasks_db.DatabaseBackend"
    assert found["django_rq"] is False
    assert found["rq_queues"] is None


def test_the_redis_queue_without_redis_stops_start_up():
    result = run_python(REPORT, TASKS_BACKEND="redis")

    assert result.returncode == 1
    assert "TASKS_BACKEND=redis needs REDIS_URL." in result.stderr


# --- Email through a provider's API (django-anymail) --------------------------------------------


def test_an_email_provider_with_its_key_sends_through_its_api():
    found = production_settings(EMAIL_PROVIDER="Postmark", ANYMAIL_POSTMARK_SERVER_TOKEN="tok")

    assert found["email_backend"] == "anymail.backends.postmark.EmailBackend"
    assert found["anymail"] == {"POSTMARK_SERVER_TOKEN": "tok"}


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"EMAIL_PROVIDER": "postmark"},
            "EMAIL_PROVIDER=postmark needs its credentials: set ANYMAIL_POSTMARK_...",
        ),
        (
            {"EMAIL_PROVIDER": "carrier-pigeon"},
            "EMAIL_PROVIDER='carrier-pigeon' is not an email provider django-anymail knows.",
        ),
    ],
    ids=["no-key", "unknown"],
)
def test_a_half_configured_email_provider_stops_start_up(env, message):
    result = run_python(REPORT, **env)

    assert result.returncode == 1
    assert message in result.stderr


class Recorder(BaseHTTPRequestHandler):
    """A local HTTP endpoint that keeps what it is sent and answers with a fixed JSON body."""

    answer: dict = {}
    received: list

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        self.received.append((self.path, dict(self.headers), self.rfile.read(length)))
        body = json.dumps(self.answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def http_endpoint():
    """Start a Recorder on a free port; yields (base URL, received requests, set answer)."""
    received: list = []
    handler = type("Handler", (Recorder,), {"received": received, "answer": {}})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def answer_with(body: dict) -> None:
        handler.answer = body

    yield f"http://127.0.0.1:{server.server_address[1]}", received, answer_with
    server.shutdown()
    server.server_close()


def test_the_worker_delivers_email_through_the_providers_api(
    db, settings, http_endpoint, run_tasks, django_capture_on_commit_callbacks
):
    url, received, answer_with = http_endpoint
    answer_with(
        {
            "To": "ada@example.org",
            "SubmittedAt": "2026-01-01T00:00:00Z",
            "MessageID": "0a129aee-e1cd-480d-b08d-4f48548ff48d",
            "ErrorCode": 0,
            "Message": "OK",
        }
    )
    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.ANYMAIL = {"POSTMARK_SERVER_TOKEN": "server-token", "POSTMARK_API_URL": url}

    with django_capture_on_commit_callbacks(execute=True):
        email = queue_welcome_email()
    run_tasks()

    [(path, headers, body)] = received
    sent = json.loads(body)
    assert path == "/email"
    assert headers["X-Postmark-Server-Token"] == "server-token"
    assert (sent["To"], sent["Subject"]) == ("ada@example.org", "Welcome to GovCommons")
    assert sent["From"] == "GovCommons <noreply@govcommons.example>"
    assert "Your account is ready." in sent["TextBody"]
    assert "<p>Your account is ready.</p>" in sent["HtmlBody"]
    assert OutgoingEmail.objects.get(pk=email.pk).status == EmailStatus.SENT


# --- Media on S3-compatible storage ------------------------------------------------------------

S3_KEYS = {"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"}


def test_without_a_bucket_uploads_stay_on_disk():
    found = production_settings()

    assert found["storage"] == "FileSystemStorage"
    assert found["media_origin"] == ""
    assert found["avatar_url"] == "/media/avatars/a.png"


@pytest.mark.parametrize(
    ("env", "origin", "path"),
    [
        (
            {"AWS_S3_REGION_NAME": "eu-west-3"},
            "https://gc-media.s3.eu-west-3.amazonaws.com",
            "/avatars/a.png?",
        ),
        (
            {"AWS_S3_ENDPOINT_URL": "https://s3.fr-par.scw.cloud", "AWS_S3_REGION_NAME": "fr-par"},
            "https://s3.fr-par.scw.cloud",
            "/gc-media/avatars/a.png?",
        ),
    ],
    ids=["aws", "other-provider"],
)
def test_a_bucket_puts_uploads_on_s3_with_signed_links_from_the_media_origin(env, origin, path):
    found = production_settings(AWS_STORAGE_BUCKET_NAME="gc-media", **S3_KEYS, **env)

    assert found["storage"] == "S3Storage"
    assert found["media_origin"] == origin
    # Private objects: the link is signed (version 4) and expires.
    assert found["avatar_url"].startswith(origin + path)
    assert "X-Amz-Signature=" in found["avatar_url"]
    assert "X-Amz-Expires=3600" in found["avatar_url"]


# --- Sentry, only with a DSN ---------------------------------------------------------------------

REPORT_AN_ERROR = """
import django, sentry_sdk
django.setup()
print("active" if sentry_sdk.get_client().is_active() else "inactive")
try:
    1 / 0
except ZeroDivisionError:
    sentry_sdk.capture_exception()
sentry_sdk.flush(timeout=10)
"""


def test_without_a_dsn_nothing_is_sent_to_sentry():
    result = run_python(REPORT_AN_ERROR)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "inactive"


def test_with_a_dsn_errors_reach_sentry_without_personal_data(http_endpoint):
    url, received, answer_with = http_endpoint
    answer_with({"id": "0" * 32})
    dsn = url.replace("http://", "http://publickey@") + "/42"

    result = run_python(REPORT_AN_ERROR, SENTRY_DSN=dsn, SENTRY_ENVIRONMENT="staging")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "active"
    [(_path, headers, body)] = [r for r in received if r[0].startswith("/api/42/envelope/")]
    if headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    event = json.loads(body.decode().splitlines()[2])
    assert event["environment"] == "staging"
    assert event["exception"]["values"][0]["type"] == "ZeroDivisionError"
    assert "user" not in event
    assert "request" not in event


# --- Logs -----------------------------------------------------------------------------------------


def test_logs_are_json_lines_on_standard_output():
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('govcommons.worker').warning('Requeued task %s', 'abc')"
    )
    result = run_python(code)

    assert result.returncode == 0
    assert result.stderr == ""
    [line] = result.stdout.splitlines()
    record = json.loads(line)
    assert (record["levelname"], record["name"], record["message"]) == (
        "WARNING",
        "govcommons.worker",
        "Requeued task abc",
    )


# --- Behind proxies: each visitor has their own rate limits ------------------------------------


@pytest.mark.parametrize(
    ("forwarded_for", "proxies", "client"),
    [
        ("203.0.113.7", 1, "203.0.113.7"),
        # The client wrote the left entry itself: only what our proxy appended counts.
        ("198.51.100.1, 203.0.113.7", 1, "203.0.113.7"),
        # A load balancer then nginx: the balancer saw the client.
        ("198.51.100.1, 203.0.113.7", 2, "198.51.100.1"),
        ("2001:db8::1", 1, "2001:db8::1"),
        # Not through all our proxies, or not an address: the connection's address stays.
        ("203.0.113.7", 2, None),
        ("", 1, None),
        ("nonsense", 1, None),
    ],
)
def test_the_client_is_read_from_the_entries_our_proxies_wrote(forwarded_for, proxies, client):
    assert client_address(forwarded_for, proxies) == client


def test_without_proxies_the_address_middleware_steps_aside(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    with pytest.raises(MiddlewareNotUsed):
        ClientAddressMiddleware(lambda request: HttpResponse())


def test_behind_nginx_each_visitor_has_their_own_sign_in_limit(settings):
    from django.test import Client

    settings.TRUSTED_PROXY_COUNT = 1
    middleware = ClientAddressMiddleware(lambda request: HttpResponse(request.META["REMOTE_ADDR"]))
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="203.0.113.7", REMOTE_ADDR="10.0.0.2")
    assert middleware(request).content == b"203.0.113.7"

    def sign_in(client: Client, number: int, address: str) -> str:
        response = client.post(
            "/accounts/login/",
            {"login": f"nobody{number}@example.org", "password": "wrong-password"},
            HTTP_X_FORWARDED_FOR=address,
        )
        return response.content.decode()

    # All requests come from nginx (the test client's REMOTE_ADDR): 10 failures a minute per
    # visitor (RATE_LIMIT_LOGIN_FAILED), told apart by the address nginx appended.
    client = Client()
    for number in range(10):
        assert "are not correct" in sign_in(client, number, "203.0.113.7")
    assert "Too many failed login attempts" in sign_in(client, 10, "203.0.113.7")
    assert "are not correct" in sign_in(Client(), 11, "198.51.100.4")
