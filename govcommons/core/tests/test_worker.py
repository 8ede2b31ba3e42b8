"""The background worker for real: email over SMTP, crash recovery, idempotent tasks, /readyz.

Most tests start `manage.py run_worker` subprocesses against the test database, so they use
committed data (transactional_db through the start_worker fixture) and wait on conditions with
deadlines: the worker is another process and we never guess how long it takes.
"""

import signal
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from govcommons.core.models import WorkerHeartbeat
from govcommons.core.tests.tasks import wait_for_release
from govcommons.core.worker import requeue_orphaned_tasks
from govcommons.notifications import services as notification_services
from govcommons.notifications.models import EmailCategory, EmailStatus, OutgoingEmail
from govcommons.notifications.tasks import deliver_email

# Short enough that a crashed worker's task is handed on within seconds.
FAST_RECOVERY = {"WORKER_HEARTBEAT_SECONDS": "0.5", "WORKER_STALE_AFTER_SECONDS": "2"}
POLL_SECONDS = 0.05
# Deadlines, not delays: generous so that a loaded machine (pytest -n 2, CI) does not fail us.
DEADLINE_SECONDS = 60.0


def wait_until(condition, *, what: str, timeout: float = DEADLINE_SECONDS, workers=()):
    """Poll `condition` until it returns something truthy; fail at the deadline.

    Fails at once, with its exit code, if one of `workers` has stopped: a worker that dies on
    start-up would otherwise only show as a timeout.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        for worker in workers:
            code = worker.process.poll()
            assert code is None, f"worker {worker.process.pid} exited with {code} before {what}"
        assert time.monotonic() < deadline, f"gave up after {timeout} s waiting for {what}"
        time.sleep(POLL_SECONDS)


def task_row(result) -> DBTaskResult:
    return DBTaskResult.objects.get(pk=result.id)


def worker_id_of(worker) -> str:
    """The id a running worker process chose, read from its heartbeat row."""
    return WorkerHeartbeat.objects.get(pid=worker.process.pid).worker_id


def queue_welcome_email(key: str = "welcome:ada") -> OutgoingEmail | None:
    return notification_services.queue_rendered_email(
        key=key,
        category=EmailCategory.ACCOUNT,
        to_address="ada@example.org",
        subject="Welcome to GovCommons",
        body_text="Hello Ada,\n\nYour account is ready.",
        body_html="<p>Hello Ada,</p><p>Your account is ready.</p>",
    )


# --- Email through a real worker and a real SMTP server ---------------------------------------


def test_worker_process_delivers_queued_email_to_the_smtp_server(start_worker, mailbox, settings):
    email = queue_welcome_email()
    assert DBTaskResult.objects.ready().count() == 1

    worker = start_worker(EMAIL_HOST="127.0.0.1", EMAIL_PORT=mailbox.port)
    messages = mailbox.wait_for(1, timeout=DEADLINE_SECONDS)

    message = messages[0]
    assert len(messages) == 1
    assert message["Subject"] == "Welcome to GovCommons"
    assert message["To"] == "ada@example.org"
    assert message["From"] == "GovCommons <noreply@govcommons.example>"
    assert mailbox.text_of(message).replace("\r\n", "\n") == (
        "Hello Ada,\n\nYour account is ready.\n\n-- \nGovCommons\n"
        "This is an account and security email, sent because of something you did on GovCommons.\n"
        f"Email settings and unsubscribe: {settings.SITE_URL}/settings/emails/\n"
    )
    assert "<p>Your account is ready.</p>" in mailbox.html_of(message)
    # The worker marks the row after the SMTP server has answered: wait for that write.
    wait_until(
        lambda: OutgoingEmail.objects.get(pk=email.pk).status == EmailStatus.SENT,
        what="the email to be marked sent",
        workers=[worker],
    )
    email.refresh_from_db()
    assert email.attempts == 1
    assert email.last_error == ""
    task = wait_until(
        lambda: DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).first(),
        what="the delivery task to finish",
        workers=[worker],
    )
    assert task.return_value == "sent"
    assert task.worker_ids == [worker_id_of(worker)]


# --- Crash recovery ---------------------------------------------------------------------------


def started_in(directory: Path) -> list[int]:
    """The pids of the workers that started the blocking task, from its complete lines only."""
    started = directory / "started"
    if not started.exists():
        return []
    return [int(line) for line in started.read_text().splitlines(keepends=True) if line[-1] == "\n"]


def test_task_of_a_worker_killed_mid_run_is_finished_by_the_next_worker(start_worker, tmp_path):
    result = wait_for_release.enqueue(str(tmp_path))

    first = start_worker(**FAST_RECOVERY)
    wait_until(
        lambda: started_in(tmp_path) == [first.process.pid],
        what="the task to start in the first worker",
        workers=[first],
    )
    row = task_row(result)
    assert row.status == TaskResultStatus.RUNNING
    first_id = worker_id_of(first)
    assert row.worker_ids == [first_id]

    first.kill()
    assert first.process.returncode == -signal.SIGKILL
    # Nobody is left to finish or hand on the task: it stays RUNNING, orphaned.
    assert task_row(result).status == TaskResultStatus.RUNNING

    (tmp_path / "release").touch()
    second = start_worker(**FAST_RECOVERY)
    wait_until(
        lambda: task_row(result).status == TaskResultStatus.SUCCESSFUL,
        what="the second worker to finish the orphaned task",
        workers=[second],
    )

    row = task_row(result)
    second_id = worker_id_of(second)
    assert second_id != first_id
    assert row.worker_ids == [first_id, second_id]
    assert row.return_value == "released"
    # The task ran twice, once in each worker process.
    assert started_in(tmp_path) == [first.process.pid, second.process.pid]
    # The dead worker's heartbeat was cleared away by the live one.
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == [second_id]


def running_task(worker_id: str) -> DBTaskResult:
    result = wait_for_release.enqueue("/nonexistent")
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now(), worker_ids=[worker_id]
    )
    return task_row(result)


def heartbeat(worker_id: str, *, seconds_ago: float) -> WorkerHeartbeat:
    now = timezone.now()
    return WorkerHeartbeat.objects.create(
        worker_id=worker_id,
        hostname="test",
        pid=1,
        started_at=now - timedelta(hours=1),
        last_seen_at=now - timedelta(seconds=seconds_ago),
    )


def test_requeue_hands_on_only_tasks_whose_worker_fell_silent(db, settings):
    settings.WORKER_STALE_AFTER_SECONDS = 60
    heartbeat("alive", seconds_ago=5)
    heartbeat("silent", seconds_ago=120)
    of_live_worker = running_task("alive")
    of_silent_worker = running_task("silent")
    of_vanished_worker = running_task("vanished")
    waiting = wait_for_release.enqueue("/nonexistent")

    assert requeue_orphaned_tasks() == 2

    of_live_worker.refresh_from_db()
    assert of_live_worker.status == TaskResultStatus.RUNNING
    assert of_live_worker.started_at is not None
    for orphan in (of_silent_worker, of_vanished_worker):
        orphan.refresh_from_db()
        assert orphan.status == TaskResultStatus.READY
        assert orphan.started_at is None
    assert task_row(waiting).status == TaskResultStatus.READY
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["alive"]
    # A second look finds nothing more to do.
    assert requeue_orphaned_tasks() == 0


# --- Idempotency ------------------------------------------------------------------------------


def test_delivering_the_same_email_twice_sends_one_message(
    db, mailbox, run_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue_welcome_email()
    deliver_email.enqueue(email.pk)  # a re-run, as after a crash between send and bookkeeping
    assert DBTaskResult.objects.ready().count() == 2

    run_tasks()

    # SMTP answers only once the server has the message: after run_tasks every send has arrived.
    assert len(mailbox.messages) == 1
    assert mailbox.messages[0]["Subject"] == "Welcome to GovCommons"
    assert sorted(DBTaskResult.objects.values_list("status", "return_value")) == [
        (TaskResultStatus.SUCCESSFUL, "already sent"),
        (TaskResultStatus.SUCCESSFUL, "sent"),
    ]
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert email.attempts == 1


def test_queueing_the_same_key_twice_stores_and_sends_one_email(
    db, mailbox, run_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = queue_welcome_email(key="welcome:ada")
        second = queue_welcome_email(key="welcome:ada")

    assert first is not None
    assert second is None
    assert len(callbacks) == 1
    assert list(OutgoingEmail.objects.values_list("pk", flat=True)) == [first.pk]
    run_tasks()
    assert len(mailbox.messages) == 1


# --- Health ------------------------------------------------------------------------------------


def live_workers(client) -> int:
    response = client.get("/readyz")
    assert response.status_code == 200
    return response.json()["checks"]["task_queue"]["live_workers"]


def queue_state(client) -> tuple[int, int]:
    task_queue = client.get("/readyz").json()["checks"]["task_queue"]
    return task_queue["live_workers"], task_queue["ready_tasks"]


def test_readyz_counts_a_running_worker_and_forgets_it_when_it_stops(client, start_worker):
    assert live_workers(client) == 0

    worker = start_worker()
    # On start the worker enqueues its periodic tasks and runs them at once; wait until it has
    # (not merely until it is seen: between its first heartbeat and enqueueing them, the queue
    # is empty too).
    periodic = len(settings.PERIODIC_TASKS)
    wait_until(
        lambda: (
            queue_state(client) == (1, 0)
            and DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == periodic
        ),
        what="/readyz to see the worker with its periodic tasks run and nothing left to run",
        workers=[worker],
    )
    response = client.get("/readyz")
    assert response.json() == {
        "status": "ok",
        "checks": {
            "database": {"ok": True, "detail": connection.vendor},
            "task_queue": {
                "ok": True,
                "backend": "DatabaseBackend",
                "ready_tasks": 0,
                "live_workers": 1,
            },
        },
    }

    worker.stop()
    assert worker.process.returncode == 0
    assert live_workers(client) == 0
