"""The Redis task queue (TASKS_BACKEND=redis): django-tasks-rq's backend, as our workers run it.

core.redis_worker runs the tasks; /readyz asks ready_task_count() how many wait.
"""

from django_tasks_rq import RQBackend


class RedisBackend(RQBackend):
    # Our workers run no RQ scheduler (it would fork a process beside each worker) and nothing of
    # ours defers a task: enqueuing one with run_after fails at once instead of waiting forever.
    supports_defer = False

    def ready_task_count(self) -> int:
        """Tasks waiting in this backend's queues. Raises if Redis does not answer."""
        return sum(queue.count for queue in self._get_queues())
