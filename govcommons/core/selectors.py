"""Reads for site-wide pages: the home page figures and the health of the platform."""

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from govcommons.accounts.models import User, VerificationStatus
from govcommons.organizations.models import Organization
from govcommons.taxonomy.models import Topic

from .models import WorkerHeartbeat


def home_figures() -> dict[str, int]:
    return {
        "members": User.objects.filter(is_active=True).count(),
        "verified": User.objects.filter(
            is_active=True, verification_status=VerificationStatus.VERIFIED
        ).count(),
        "organizations": Organization.objects.count(),
        "topics": Topic.objects.count(),
    }


def recent_organizations(limit: int = 6):
    return Organization.objects.select_related("sector").order_by("-created_at", "-pk")[:limit]


def database_ready() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not ready", reported, never raised
        return False, type(exc).__name__
    return True, connection.vendor


def task_queue_ready() -> tuple[bool, dict]:
    """The queue is reachable: its table (or Redis) answers. Reports the queue depth and workers."""
    from django_tasks import task_backends
    from django_tasks_db.models import DBTaskResult

    backend = settings.TASKS["default"]["BACKEND"]
    details: dict = {"backend": backend.rsplit(".", 1)[-1]}
    try:
        if "django_tasks_db" in backend:
            details["ready_tasks"] = DBTaskResult.objects.ready().count()
        elif hasattr(task_backends["default"], "ready_task_count"):
            # The Redis queue (core.tasks_backend): asking it is what proves Redis answers.
            details["ready_tasks"] = task_backends["default"].ready_task_count()
        stale_before = timezone.now() - timedelta(seconds=settings.WORKER_STALE_AFTER_SECONDS)
        details["live_workers"] = WorkerHeartbeat.objects.filter(
            last_seen_at__gte=stale_before
        ).count()
    except Exception as exc:
        details["error"] = type(exc).__name__
        return False, details
    return True, details
