"""Site-wide pages: home, about, health endpoints, error pages and the benchmark's floor."""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import selectors


@require_GET
def home(request):
    return render(
        request,
        "core/home.html",
        {
            "figures": selectors.home_figures(),
            "recent_organizations": selectors.recent_organizations(),
        },
    )


@require_GET
def about(request):
    return render(request, "core/about.html")


@never_cache
@require_GET
def healthz(request):
    """The process is up. No database call: a load balancer may ask this often."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    """Ready to serve: the database and the task queue answer."""
    db_ok, db_detail = selectors.database_ready()
    queue_ok, queue_detail = selectors.task_queue_ready() if db_ok else (False, {})
    ready = db_ok and queue_ok
    return JsonResponse(
        {
            "status": "ok" if ready else "unavailable",
            "checks": {
                "database": {"ok": db_ok, "detail": db_detail},
                "task_queue": {"ok": queue_ok, **queue_detail},
            },
        },
        status=200 if ready else 503,
    )


def bench_bare(request):
    """Middleware only, no database, no template: the floor `make bench` compares pages with.

    Routed only when settings.BENCH_ENDPOINTS is on (govcommons/urls.py).
    """
    return HttpResponse("bare", content_type="text/plain")


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", {"error_id": getattr(request, "error_id", "")}, status=500)


def permission_denied(request, exception):
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def bad_request(request, exception):
    return render(request, "400.html", status=400)
