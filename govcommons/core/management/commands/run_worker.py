"""Run the background worker for the configured queue: the database (django-tasks-db's db_worker
with crash recovery, core.worker) or Redis (RQ with the same recovery, core.redis_worker)."""

from argparse import ArgumentTypeError

from django.core.management.base import CommandError
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import InvalidTaskBackend, task_backends
from django_tasks_db.management.commands import db_worker

from govcommons.core.tasks_backend import RedisBackend
from govcommons.core.worker import ResilientWorker


def known_backend(alias: str) -> str:
    try:
        backend = task_backends[alias]
    except InvalidTaskBackend as error:
        raise ArgumentTypeError(error.args[0]) from error
    if not isinstance(backend, DatabaseBackend | RedisBackend):
        raise ArgumentTypeError(f"Backend '{alias}' is neither the database nor Redis")
    return alias


class Command(db_worker.Command):
    help = "Run tasks from the queue (database or Redis); tasks of crashed workers are run again."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # db_worker accepts database backends only; this command runs the Redis queue too.
        for action in parser._actions:
            if action.dest == "backend_name":
                action.type = known_backend

    def handle(self, *args, **options):
        backend = task_backends[options["backend_name"]]
        if isinstance(backend, RedisBackend):
            return self.run_redis_worker(backend, options)
        original = db_worker.Worker
        db_worker.Worker = ResilientWorker
        try:
            return super().handle(*args, **options)
        finally:
            db_worker.Worker = original

    def run_redis_worker(self, backend: RedisBackend, options: dict) -> None:
        from govcommons.core import redis_worker

        queue_names = options["queue_name"].split(",")
        if "*" in queue_names:
            queue_names = sorted(backend.queues)
        unknown = set(queue_names) - set(backend.queues)
        if unknown:
            raise CommandError(f"Unknown queue(s) for this backend: {', '.join(sorted(unknown))}")
        redis_worker.run(
            queue_names=queue_names,
            worker_id=options["worker_id"],
            burst=options["batch"],
            max_tasks=options["max_tasks"],
            verbosity=options["verbosity"],
        )
