"""Search's background work: saved search alerts, run periodically by the worker
(settings.PERIODIC_TASKS)."""

from django_tasks import task

from . import saved


@task()
def send_saved_search_alerts() -> int:
    """Email one digest per saved search with new matches since its last alert. Idempotent: a
    re-run finds nothing due and sends nothing more. Returns how many digests were queued."""
    return saved.send_due_alerts()
