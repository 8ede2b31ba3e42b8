"""Rate limits for posting, in the shared cache (the database table, or Redis), so they hold
across every web process. Sign-up, login and password reset use allauth's own limits."""

import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _parse(rate: str) -> tuple[int, int]:
    count, period = rate.split("/")
    return int(count), PERIODS[period]


def consume(request, action: str) -> bool:
    """Count one `action` for this member (or address); False once over the limit."""
    rate = settings.POSTING_RATE_LIMITS.get(action)
    if not rate:
        return True
    limit, period = _parse(rate)
    user = getattr(request, "user", None)
    who = (
        f"u{user.pk}"
        if user is not None and user.is_authenticated
        else request.META.get("REMOTE_ADDR", "unknown")
    )
    key = f"ratelimit:{action}:{who}:{int(time.time() // period)}"
    cache.add(key, 0, timeout=period)
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr: this is the window's first hit
        cache.add(key, 1, timeout=period)
        return True


def limit_posts(action: str):
    """Refuse POSTs over the limit with the 429 page; GETs are never counted."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST" and not consume(request, action):
                return render(request, "429.html", status=429)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
