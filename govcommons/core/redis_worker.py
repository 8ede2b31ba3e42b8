"""The worker for the Redis queue (TASKS_BACKEND=redis), started by `manage.py run_worker`.

RQ takes the tasks from Redis and runs them. We add what the database worker has (core.worker):
a heartbeat row per worker (counted by /readyz), the tasks of a worker that fell silent put back
in the queue, and the periodic tasks of settings.PERIODIC_TASKS, enqueued once across all workers.
"""

import logging
import threading
from datetime import timedelta

import django_rq
from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone
from django_tasks_rq import Job
from rq.exceptions import NoSuchJobError
from rq.executions import Execution
from rq.registry import StartedJobRegistry
from rq.worker import SimpleWorker

from .models import WorkerHeartbeat
from .worker import beat, enqueue_periodic_tasks

logger = logging.getLogger("govcommons.worker")


def live_worker_ids() -> set[str]:
    stale_before = timezone.now() - timedelta(seconds=settings.WORKER_STALE_AFTER_SECONDS)
    return set(
        WorkerHeartbeat.objects.filter(last_seen_at__gte=stale_before).values_list(
            "worker_id", flat=True
        )
    )


def requeue_abandoned_jobs(queues) -> int:
    """Put back in its queue each started job whose worker's heartbeat is stale or missing.

    RQ alone would mark such a job failed, minutes later. Returns how many were put back.
    """
    alive = live_worker_ids()
    requeued = 0
    for queue in queues:
        registry = StartedJobRegistry(queue=queue)
        for job_id, execution_id in registry.get_job_and_execution_ids(cleanup=False):
            try:
                owner = Execution.fetch(execution_id, job_id, queue.connection).worker_name
            except ValueError:  # the execution's record expired: its worker is long gone
                owner = None
            if owner in alive:
                continue
            # ZREM answers 1 to one caller only: two workers looking at once put it back once.
            if not queue.connection.zrem(registry.key, f"{job_id}:{execution_id}"):
                continue
            try:
                job = queue.job_class.fetch(
                    job_id, connection=queue.connection, serializer=queue.serializer
                )
            except NoSuchJobError:
                continue
            queue.enqueue_job(job)
            requeued += 1
            logger.warning("Requeued task %s: its worker %s stopped answering", job_id, owner)
    stale_before = timezone.now() - timedelta(seconds=settings.WORKER_STALE_AFTER_SECONDS)
    WorkerHeartbeat.objects.filter(last_seen_at__lt=stale_before).delete()
    return requeued


class HeartbeatWorker(SimpleWorker):
    """RQ's worker that runs the tasks in its own process, one at a time, as the database worker
    does: no fork per task (safe beside the heartbeat thread). Run more processes to scale."""

    def perform_job(self, job, queue):
        # As between two requests: drop a connection that broke or outlived CONN_MAX_AGE.
        close_old_connections()
        try:
            return super().perform_job(job, queue)
        finally:
            close_old_connections()

    def look_after_the_queue(self, *, periodic: bool) -> None:
        try:
            close_old_connections()
            beat(self.name, started_at=self.started_at)
            requeue_abandoned_jobs(self.queues)
        except Exception:
            logger.exception("Worker heartbeat failed; will try again")
        if periodic:
            try:
                enqueue_periodic_tasks()
            except Exception:
                logger.exception("Enqueueing periodic tasks failed; will try again")

    def work(self, burst: bool = False, **kwargs) -> bool:
        self.started_at = timezone.now()
        stop = threading.Event()

        def heartbeat_loop() -> None:
            while not stop.wait(settings.WORKER_HEARTBEAT_SECONDS):
                # A burst worker only empties the queue and stops: no periodic tasks.
                self.look_after_the_queue(periodic=not burst)
            connection.close()

        thread = threading.Thread(target=heartbeat_loop, name="worker-heartbeat", daemon=True)
        # The heartbeat is removed whatever happens, so /readyz never counts a worker that has gone.
        try:
            beat(self.name, started_at=self.started_at)
            self.look_after_the_queue(periodic=not burst)
            thread.start()
            return super().work(burst=burst, **kwargs)
        finally:
            stop.set()
            if thread.is_alive():
                # A beat in flight would write the heartbeat again after we delete it.
                thread.join(timeout=30)
            WorkerHeartbeat.objects.filter(worker_id=self.name).delete()


def run(
    *, queue_names: list[str], worker_id: str, burst: bool, max_tasks: int | None, verbosity: int
) -> None:
    """Work on the Redis queues until stopped (SIGTERM finishes the task in hand first)."""
    worker = django_rq.get_worker(
        *queue_names, job_class=Job, worker_class=HeartbeatWorker, name=worker_id
    )
    # Connections opened while starting up are not carried into the first task.
    close_old_connections()
    worker.work(
        burst=burst,
        max_jobs=max_tasks,
        logging_level="WARNING" if verbosity == 0 else "INFO" if verbosity == 1 else "DEBUG",
    )
