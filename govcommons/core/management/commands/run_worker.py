"""Run the background worker: django-tasks-db's db_worker with crash recovery (core.worker)."""

from django_tasks_db.management.commands import db_worker

from govcommons.core.worker import ResilientWorker


class Command(db_worker.Command):
    help = "Run tasks from the database queue; tasks of crashed workers are picked up again."

    def handle(self, *args, **options):
        original = db_worker.Worker
        db_worker.Worker = ResilientWorker
        try:
            return super().handle(*args, **options)
        finally:
            db_worker.Worker = original
