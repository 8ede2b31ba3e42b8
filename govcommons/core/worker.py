"""A worker that survives crashes: heartbeats, and the tasks of dead workers handed on.

django-tasks-db marks a claimed task RUNNING and never looks at it again; if its worker is
killed, the task would stay RUNNING forever. Each of our workers writes a heartbeat, and
before claiming work it puts back into the queue any RUNNING task whose worker has fallen silent.
"""

import logging
import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
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


class ResilientWorker(Worker):
    """django-tasks-db's worker, plus a heartbeat thread and orphan recovery before each claim."""

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
            connection.close()

        thread = threading.Thread(target=heartbeat_loop, name="worker-heartbeat", daemon=True)
        # A stop signal (SIGTERM) may come at any point, even during the first beat: the heartbeat
        # is removed whatever happens, so /readyz never counts a worker that has gone.
        try:
            beat(self.worker_id, started_at=started_at)
            requeue_orphaned_tasks()
            thread.start()
            super().run()
        finally:
            stop.set()
            if thread.is_alive():
                # A beat in flight would write the heartbeat again after we delete it.
                thread.join(timeout=30)
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
