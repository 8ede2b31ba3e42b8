"""Peer review's background work: reminders to overdue reviewers, run periodically by the worker
(settings.PERIODIC_TASKS)."""

from django_tasks import task

from . import services


@task()
def send_review_reminders() -> int:
    """Remind every overdue reviewer who is due a reminder. Idempotent: a re-run the same day
    sends nothing more. Returns how many reminders were sent."""
    return services.remind_overdue_reviewers()
