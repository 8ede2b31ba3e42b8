"""A worker that survives crashes: heartbeats, and the tasks of dead workers handed on.

django-tasks-db marks a claimed task RUNNING and never looks at it again; if its worker is
killed, the task would stay RUNNING forever. Each of our workers writes a heartbeat, and
before claiming work it puts back into the queue any RUNNING task whose worker has fallen silent.
With the heartbeat, the workers also enqueue the periodic tasks (settings.PERIODIC_TASKS).
"""

import logging
import os
import socket
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from .models import WorkerHeartbeat

logger = logging.getLogger("govcommons.worker")


def beat(worker_id: str, *, started_at) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
            "last_seen_at": timezone.now(),
        },
    )


def requeue_orphaned_tasks() -> int:
    """Put back RUNNING tasks whose worker's heartbeat is stale or missing. Returns how many."""
    stale_before = timezone.now() - timedelta(seconds=settings.WORKER_STALE_AFTER_SECONDS)
    alive = set(
        WorkerHeartbeat.objects.filter(last_seen_at__gte=stale_before).values_list(
            "worker_id", flat=True
        )
    )
    requeued = 0
    for result in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only(
        "id", "worker_ids", "started_at"
    ):
        owner = result.worker_ids[-1] if result.worker_ids else None
        if owner in alive:
            continue
        with transaction.atomic():
            # Only if still RUNNING under the same owner: two workers may look at once.
            changed = DBTaskResult.objects.filter(
                pk=result.pk, status=TaskResultStatus.RUNNING, started_at=result.started_at
            ).update(status=TaskResultStatus.READY, started_at=None)
        if changed:
            requeued += 1
            logger.warning("Requeued task %s: its worker %s stopped answering", result.pk, owner)
    WorkerHeartbeat.objects.filter(last_seen_at__lt=stale_before).delete()
    return requeued


def enqueue_periodic_tasks(*, now: float | None = None) -> list[str]:
    """Enqueue each task of settings.PERIODIC_TASKS once per period, across all workers.

    Every worker calls this with its heartbeat. Time is cut into windows of the task's period;
    whoever adds the window's key to the shared cache enqueues, the others find it there. Adding
    a key nobody has written is atomic on our cache backends (Redis SET NX; the database cache's
    INSERT collides on the primary key), so two workers never both enqueue. A single key with an
    expiry would not do: the database cache renews an expired key by a read then an UPDATE,
    which two PostgreSQL workers can both do. Worst cases (a worker started late in one window,
    a key evicted from a full cache) only run an idempotent task once more. Returns the paths
    enqueued.
    """
    now = time.time() if now is None else now
    enqueued = []
    for path, seconds in settings.PERIODIC_TASKS.items():
        window = int(now // seconds)
        if not cache.add(f"periodic:{path}:{window}", now, timeout=2 * seconds):
            continue
        import_string(path).enqueue()
        enqueued.append(path)
        logger.info("Enqueued periodic task %s", path)
    return enqueued


class ResilientWorker(Worker):
    """django-tasks-db's worker, plus a heartbeat thread and orphan recovery before each claim,
    and the periodic tasks (not in batch mode, which only empties the queue and stops)."""

    def sweep_periodic_tasks(self) -> None:
        if self.batch:
            return
        try:
            enqueue_periodic_tasks()
        except Exception:
            logger.exception("Enqueueing periodic tasks failed; will try again")

    def run(self) -> None:
        started_at = timezone.now()
        stop = threading.Event()

        def heartbeat_loop() -> None:
            while not stop.wait(settings.WORKER_HEARTBEAT_SECONDS):
                try:
                    close_old_connections()
                    beat(self.worker_id, started_at=started_at)
                    requeue_orphaned_tasks()
                except Exception:
                    logger.exception("Worker heartbeat failed; will try again")
                self.sweep_periodic_tasks()
            connection.close()

        thread = threading.Thread(target=heartbeat_loop, name="worker-heartbeat", daemon=True)
        # A stop signal (SIGTERM) may come at any point, even during the first beat: the heartbeat
        # is removed whatever happens, so /readyz never counts a worker that has gone.
        try:
            beat(self.worker_id, started_at=started_at)
            requeue_orphaned_tasks()
            self.sweep_periodic_tasks()
            thread.start()
            super().run()
        finally:
            stop.set()
            if thread.is_alive():
                # A beat in flight would write the heartbeat again after we delete it.
                thread.join(timeout=30)
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
