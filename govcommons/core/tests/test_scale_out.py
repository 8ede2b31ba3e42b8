"""Scale-out for real: the task queue on Redis with real worker processes, and two app servers
(gunicorn with deploy/gunicorn.conf.py) sharing sessions and the cache through Redis.

Each test process claims a Redis database of its own (core.redis_scratch), so parallel runs
(pytest -n 2, the SQLite and PostgreSQL suites at once) never see each other's queues, and only
our own keys are ever deleted. Without Redis these tests are skipped with the reason, except
under CI=true, where they fail.
"""

import http.client
import os
import re
import signal
import subprocess
import sys
import time
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path

import django_rq
import pytest
import redis
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from conftest import ROOT, _free_port, subprocess_env
from govcommons.accounts.tests.factories import PASSWORD
from govcommons.core import redis_scratch
from govcommons.core.models import Item, WorkerHeartbeat
from govcommons.core.tests.tasks import wait_for_release
from govcommons.core.tests.test_worker import (
    DEADLINE_SECONDS,
    FAST_RECOVERY,
    queue_welcome_email,
    started_in,
    wait_until,
    worker_id_of,
)
from govcommons.notifications.models import EmailStatus, OutgoingEmail
from govcommons.notifications.tasks import deliver_email
from govcommons.practices.tests.factories import write_published
from govcommons.search import saved
from govcommons.search import services as search_services
from govcommons.search.models import SavedSearch

REDIS_BACKEND = "govcommons.core.tasks_backend.RedisBackend"


# --- A Redis database of our own ----------------------------------------------------------------


@pytest.fixture(scope="session")
def scratch_redis():
    if not redis_scratch.reachable():
        reason = f"Redis is not reachable at {redis_scratch.server_url()}: start it to run this."
        if os.environ.get("CI") == "true":
            pytest.fail(reason + " CI=true: failing.")
        pytest.skip(reason)
    with redis_scratch.scratch_database() as url:
        yield url


@pytest.fixture
def redis_url(scratch_redis):
    """Our Redis database, with none of our keys left from the test before."""
    redis_scratch.delete_own_keys(scratch_redis)
    yield scratch_redis
    redis_scratch.delete_own_keys(scratch_redis)


@pytest.fixture
def redis_queue(settings, redis_url):
    """This process enqueues into the Redis queue, as the app servers do in production."""
    settings.TASKS = {"default": {"BACKEND": REDIS_BACKEND, "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": redis_url, "DEFAULT_TIMEOUT": 1800}}
    return redis_url


def redis_worker_env(redis_url: str, **extra) -> dict:
    return {"REDIS_URL": redis_url, "TASKS_BACKEND": "redis", **extra}


def waiting_job_ids() -> list[str]:
    return django_rq.get_queue("default").job_ids


def successful_result(task, result_id: str):
    """The task's result as stored in Redis, once it has succeeded; None before."""
    result = task.get_result(result_id)
    return result if result.status == TaskResultStatus.SUCCESSFUL else None


# --- (a) The task queue on Redis, end to end ---------------------------------------------------


def test_an_email_goes_through_the_redis_queue_and_a_worker_to_the_smtp_server(
    redis_queue, start_worker, mailbox
):
    email = queue_welcome_email()
    [job_id] = waiting_job_ids()
    assert DBTaskResult.objects.count() == 0  # nothing went to the database queue

    worker = start_worker(
        **redis_worker_env(redis_queue, EMAIL_HOST="127.0.0.1", EMAIL_PORT=mailbox.port)
    )
    [message] = mailbox.wait_for(1, timeout=DEADLINE_SECONDS)

    assert message["To"] == "ada@example.org"
    assert message["Subject"] == "Welcome to GovCommons"
    assert "Your account is ready." in mailbox.text_of(message)
    wait_until(
        lambda: OutgoingEmail.objects.get(pk=email.pk).status == EmailStatus.SENT,
        what="the email to be marked sent",
        workers=[worker],
    )
    result = wait_until(
        lambda: successful_result(deliver_email, job_id),
        what="the delivery task's result in Redis",
        workers=[worker],
    )
    assert result.return_value == "sent"
    assert result.worker_ids == [worker_id_of(worker)]
    # Taken off the queue (the worker's own periodic tasks may be waiting there by now).
    assert job_id not in waiting_job_ids()


def test_saved_search_alerts_are_enqueued_by_the_worker_and_emailed_through_redis(
    redis_queue, start_worker, mailbox, make_member
):
    follower = make_member(display_name="Sofia Reyes")
    author = make_member()
    saved_search, _ = saved.save_search(member=follower, query="pothole", filters={})
    SavedSearch.objects.filter(pk=saved_search.pk).update(
        checked_at=timezone.now() - timedelta(hours=3)
    )
    practice = write_published(author, title="Pothole reporting app", challenge="", approach="")
    Item.objects.filter(pk=practice.pk).update(published_at=timezone.now() - timedelta(hours=1))
    search_services.index_item(practice.pk)
    assert waiting_job_ids() == []

    # Nothing is enqueued by hand: on start the worker enqueues the periodic tasks into Redis
    # (settings.PERIODIC_TASKS), the alert sweep finds the new match and queues a digest, and
    # the digest's delivery goes through Redis to the SMTP server.
    worker = start_worker(
        **redis_worker_env(redis_queue, EMAIL_HOST="127.0.0.1", EMAIL_PORT=mailbox.port)
    )
    [message] = mailbox.wait_for_recipient(follower.email, timeout=DEADLINE_SECONDS)

    assert "Pothole reporting app" in mailbox.text_of(message)
    wait_until(lambda: waiting_job_ids() == [], what="the queue to empty", workers=[worker])
    saved_search.refresh_from_db()
    assert saved_search.checked_at > timezone.now() - timedelta(minutes=5)
    assert OutgoingEmail.objects.filter(to_address=follower.email).count() == 1


def test_a_task_of_a_redis_worker_killed_mid_run_is_finished_by_the_next_worker(
    redis_queue, start_worker, tmp_path
):
    result = wait_for_release.enqueue(str(tmp_path))

    first = start_worker(**redis_worker_env(redis_queue, **FAST_RECOVERY))
    wait_until(
        lambda: started_in(tmp_path) == [first.process.pid],
        what="the task to start in the first worker",
        workers=[first],
    )
    assert wait_for_release.get_result(result.id).status == TaskResultStatus.RUNNING
    first_id = worker_id_of(first)

    first.kill()
    assert first.process.returncode == -signal.SIGKILL
    (tmp_path / "release").touch()
    second = start_worker(**redis_worker_env(redis_queue, **FAST_RECOVERY))
    finished = wait_until(
        lambda: successful_result(wait_for_release, result.id),
        what="the second worker to finish the abandoned task",
        workers=[second],
    )

    second_id = worker_id_of(second)
    assert second_id != first_id
    assert finished.return_value == "released"
    assert finished.worker_ids == [second_id]
    assert started_in(tmp_path) == [first.process.pid, second.process.pid]
    # The dead worker's heartbeat was cleared away by the live one.
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == [second_id]


def queue_check(client) -> dict:
    return client.get("/readyz").json()["checks"]["task_queue"]


def workers_and_waiting(client) -> tuple[int, int]:
    check = queue_check(client)
    return check["live_workers"], check["ready_tasks"]


def test_readyz_on_redis_counts_waiting_tasks_and_workers_and_fails_without_redis(
    client, settings, redis_queue, start_worker
):
    queue_welcome_email()
    assert queue_check(client) == {
        "ok": True,
        "backend": "RedisBackend",
        "ready_tasks": 1,
        "live_workers": 0,
    }

    worker = start_worker(**redis_worker_env(redis_queue))
    wait_until(
        lambda: workers_and_waiting(client) == (1, 0),
        what="/readyz to see the worker with nothing left to run",
        workers=[worker],
    )
    worker.stop()
    assert worker.process.returncode == 0
    assert queue_check(client)["live_workers"] == 0

    settings.RQ_QUEUES = {"default": {"URL": f"redis://127.0.0.1:{_free_port()}/0"}}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["task_queue"]["ok"] is False


# --- (b) Two app servers share sessions and the cache through Redis ---------------------------


@pytest.fixture(scope="session")
def static_root(tmp_path_factory) -> Path:
    """collectstatic once per test process: the servers run with production static storage."""
    root = tmp_path_factory.mktemp("static")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(DEBUG="false", SECRET_KEY="collectstatic-only", STATIC_ROOT=str(root))
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    return root


class Browser:
    """Just enough of a browser over http.client: cookies kept, redirects not followed."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, form: dict | None = None):
        from urllib.parse import urlencode

        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response, text

    def login(self, port: int, email: str, password: str):
        _, page = self.request(port, "GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return self.request(
            port,
            "POST",
            "/accounts/login/",
            {"login": email, "password": password, "csrfmiddlewaretoken": token},
        )


class AppServer:
    def __init__(self, port: int, process: subprocess.Popen, log: Path):
        self.port, self.process, self.log = port, process, log

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def answers(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
        return connection.getresponse().status == 200
    except OSError:
        return False


@pytest.fixture
def start_app_server(transactional_db, redis_url, static_root, tmp_path):
    """gunicorn with deploy/gunicorn.conf.py on a free port: production settings (minus HTTPS)
    on the test database and our Redis database."""
    started: list[AppServer] = []

    def start() -> AppServer:
        port = _free_port()
        log = tmp_path / f"gunicorn-{port}.log"
        env = subprocess_env(
            REDIS_URL=redis_url,
            STATIC_ROOT=static_root,
            GUNICORN_BIND=f"127.0.0.1:{port}",
            WEB_CONCURRENCY=1,
            SESSION_COOKIE_SECURE="false",
            CSRF_COOKIE_SECURE="false",
        )
        with log.open("wb") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        server = AppServer(port, process, log)
        started.append(server)
        deadline = time.monotonic() + DEADLINE_SECONDS
        while not answers(port):
            assert process.poll() is None, f"gunicorn exited: {log.read_text()[-2000:]}"
            assert time.monotonic() < deadline, f"gunicorn did not answer: {log.read_text()}"
            time.sleep(0.05)
        return server

    yield start
    for server in started:
        server.stop()


def fast_password_hash(password: str) -> str:
    """A PBKDF2 hash the servers accept (MD5, the tests' own, is not in their hashers), with
    few rounds: every failed attempt below runs it."""
    return PBKDF2PasswordHasher().encode(password, "scaleoutsalt", iterations=1000)


def test_a_member_who_signs_in_on_one_app_server_is_recognised_by_the_other(
    start_app_server, make_member, redis_url
):
    member = make_member(display_name="Ada Lovelace")
    type(member).objects.filter(pk=member.pk).update(password=fast_password_hash(PASSWORD))
    first, second = start_app_server(), start_app_server()
    browser = Browser()

    anonymous, _ = browser.request(second.port, "GET", "/notifications/")
    assert anonymous.status == 302
    assert anonymous.headers["Location"].startswith("/accounts/login/")

    signed_in, _ = browser.login(first.port, member.email, PASSWORD)
    assert signed_in.status == 302
    session_key = browser.cookies["sessionid"]
    # The session is in Redis, where every app server reads it first.
    cache_key = f"govcommons:1:django.contrib.sessions.cached_db{session_key}"
    assert redis.Redis.from_url(redis_url).exists(cache_key) == 1
    # Remove the database copy: the second server can only know the member from Redis.
    assert Session.objects.filter(session_key=session_key).delete()[0] == 1

    response, page = browser.request(second.port, "GET", "/notifications/")
    assert response.status == 200
    assert "Ada Lovelace" in page


def test_failed_sign_ins_counted_on_one_app_server_lock_the_account_on_the_other(
    start_app_server, make_member
):
    member = make_member()
    type(member).objects.filter(pk=member.pk).update(password=fast_password_hash(PASSWORD))
    first, second = start_app_server(), start_app_server()

    # allauth allows 5 failed sign-ins per address in 5 minutes (RATE_LIMIT_LOGIN_FAILED),
    # counted in the shared cache: Redis.
    for _ in range(5):
        response, page = Browser().login(first.port, member.email, "not-the-password")
        assert response.status == 200
        assert "The email address and/or password you specified are not correct." in page

    browser = Browser()
    response, page = browser.login(second.port, member.email, PASSWORD)

    assert response.status == 200
    assert "Too many failed login attempts. Try again later." in page
    assert "sessionid" not in browser.cookies
