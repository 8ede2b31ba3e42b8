"""Whole-page cache for anonymous visitors, made stale by every committed write to content.

A visitor without a session (no sign-in, no pending messages, no API token) gets the page that
the last anonymous visitor got for the same address, as long as nothing shown on pages has been
written since. See docs/decisions/0012-page-cache.md.

- **What is cached**: an anonymous GET answered 200 with HTML, JSON or XML, which sets no cookie,
  put no CSRF token in the page and was not marked private or uncacheable (`never_cache`).
- **Key**: scheme, host, path and query, language, and the htmx request headers (a partial
  never answers a full-page request), plus the content *generation*.
- **Generation**: a token in the shared cache (Redis, or the database table) that changes after
  every committed transaction that wrote a content table. Writes are seen where SQL is executed
  (a database execute wrapper), so no service, admin action, management command, worker task,
  `QuerySet.update()` or `bulk_create()` can forget to invalidate. Tables that never show on an
  anonymous page (sessions, the cache, the task queue, notifications, tokens...) do not count.
- **Pages** are kept in each process's memory (bounded, least recently used out), so a hit
  costs one small read of the shared generation and no rendering. PAGE_CACHE_SECONDS (default
  60; 0 turns the cache off) bounds how long anything time-dependent ("rising" ideas, overdue
  dates) can lag, and writes made outside Django (a psql session).
"""

import functools
import hashlib
import logging
import re
import secrets

from django.apps import apps
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache as shared_cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import connections, transaction
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import cc_delim_re

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
HEADER = "X-Page-Cache"
DEFAULT_SECONDS = 60
DEFAULT_MAX_ENTRIES = 1000
# A bigger answer (an export, a huge sitemap) is not worth a place in every process's memory.
MAX_BODY_BYTES = 1024 * 1024
CACHEABLE_TYPES = ("text/html", "application/json", "application/xml", "text/xml")
# Request headers a view may answer differently to: each combination is its own entry.
HTMX_HEADERS = (
    "HX-Request",
    "HX-Boosted",
    "HX-Target",
    "HX-Trigger",
    "HX-Trigger-Name",
    "HX-History-Restore-Request",
)
# Vary values the key already covers: "Cookie" because only requests without a session or
# message cookie are served from the cache, and no page we cache reads any other cookie.
KEYED_VARY = {"cookie", "accept-language", *(h.lower() for h in HTMX_HEADERS)}
# Rows that no anonymous visitor's page shows: writing them leaves every cached page valid.
PRIVATE_MODELS = (
    "sessions.Session",
    "admin.LogEntry",
    "django_tasks_database.DBTaskResult",
    "account.EmailAddress",
    "account.EmailConfirmation",
    "mfa.Authenticator",
    "socialaccount.SocialAccount",
    "socialaccount.SocialToken",
    "core.WorkerHeartbeat",
    "accounts.ApiToken",
    "accounts.VerificationRequest",
    "notifications.OutgoingEmail",
    "notifications.EmailPreference",
    "notifications.Notification",
    "practices.MemberContext",
    "search.SavedSearch",
)
_WRITE = re.compile(
    r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+"?(\w+)'
    r"|\s*(TRUNCATE)\b",
    re.IGNORECASE,
)

_TRANSACTION_CONTROL = re.compile(r"\s*(?:BEGIN|SAVEPOINT|RELEASE|ROLLBACK|COMMIT|END)\b", re.I)


def _seconds() -> int:
    return getattr(settings, "PAGE_CACHE_SECONDS", DEFAULT_SECONDS)


@functools.cache
def _pages() -> LocMemCache:
    max_entries = getattr(settings, "PAGE_CACHE_MAX_ENTRIES", DEFAULT_MAX_ENTRIES)
    return LocMemCache("govcommons-pages", {"OPTIONS": {"MAX_ENTRIES": max_entries}})


@functools.cache
def _uncacheable() -> LocMemCache:
    max_entries = getattr(settings, "PAGE_CACHE_MAX_ENTRIES", DEFAULT_MAX_ENTRIES)
    return LocMemCache("govcommons-uncacheable", {"OPTIONS": {"MAX_ENTRIES": max_entries}})


def clear_local() -> None:
    """Forget this process's pages (tests; other processes follow the generation)."""
    _pages().clear()
    _uncacheable().clear()


# --- The generation -------------------------------------------------------------------------


def generation() -> str | None:
    """The current content generation; None when the shared cache does not answer (then the
    page is served uncached, never stale)."""
    try:
        value = shared_cache.get(GENERATION_KEY)
        if value is None:
            shared_cache.add(GENERATION_KEY, secrets.token_hex(8), timeout=None)
            value = shared_cache.get(GENERATION_KEY)
    except Exception:  # a cache outage costs speed, never correctness or an error page
        logger.warning("Page cache: the shared cache does not answer", exc_info=True)
        return None
    return value


def bump() -> None:
    """Make every cached page stale, in every process: forget the generation, and the next
    reader draws a fresh random one. Cheaper for writers than setting a new value (one delete,
    nothing when no page was read since the last write), and two writers cannot undo each
    other's bump as they could with an increment."""
    shared_cache.delete(GENERATION_KEY)


@functools.cache
def _private_tables() -> frozenset[str]:
    tables = {apps.get_model(label)._meta.db_table.lower() for label in PRIVATE_MODELS}
    for config in settings.CACHES.values():
        if config["BACKEND"].endswith("DatabaseCache"):
            tables.add(config["LOCATION"].lower())
    return frozenset(tables)


@functools.cache
def _last_login_update() -> str:
    """The statement Django runs at each sign-in; it changes nothing any page shows."""
    table = apps.get_model(settings.AUTH_USER_MODEL)._meta.db_table
    # A prefix to recognise a statement, never one that is run.
    return f'UPDATE "{table}" SET "last_login" = %s WHERE '  # noqa: S608


def changes_content(sql: str) -> bool:
    """Whether an SQL statement may change what an anonymous page shows."""
    match = _WRITE.match(sql)
    if match is None:
        return False
    if match.group(2):  # TRUNCATE may list several tables: always counts
        return True
    if match.group(1).lower() in _private_tables():
        return False
    return not sql.startswith(_last_login_update())


def track_writes(execute, sql, params, many, context):
    """Database execute wrapper: note writes to content, and bump the generation once they are
    committed. Never before: a request reading the new generation could cache old rows under
    it. Never inside this call either: the caller has not read the statement's result yet
    (SQLite's INSERT ... RETURNING), and the database cache would run its own statements."""
    connection = context["connection"]
    if (
        connection.pagecache_dirty
        and not connection.in_atomic_block
        and not _TRANSACTION_CONTROL.match(sql)
    ):
        # A write made outside a transaction (autocommit) is complete by the next statement.
        # Not at a BEGIN: SQLite's is run while Django is still entering the atomic block.
        _flush(connection)
    result = execute(sql, params, many, context)
    if changes_content(sql):
        if not connection.in_atomic_block:
            connection.pagecache_dirty = True
        elif not any(p[1] is connection.pagecache_flush for p in connection.run_on_commit):
            # One bump per transaction, however many rows it writes; none if it rolls back.
            # Pending callbacks are (savepoint ids, function, robust): a rolled back savepoint
            # drops its own.
            transaction.on_commit(connection.pagecache_flush, using=connection.alias)
    return result


def _flush(connection) -> None:
    connection.pagecache_dirty = False
    if _seconds() <= 0 or _migrating:
        return
    try:
        bump()
    except Exception as error:  # the write is committed: never turn it into an error page
        logger.warning(
            "Page cache: could not mark cached pages stale (%s); they expire within %s s",
            error,
            _seconds(),
        )


def flush_pending(**kwargs) -> None:
    """request_started and request_finished receiver: the bump due for a write made outside a
    transaction that no later statement has flushed (the last write of a request or a test)."""
    for connection in connections.all(initialized_only=True):
        if getattr(connection, "pagecache_dirty", False) and not connection.in_atomic_block:
            _flush(connection)


# Migrations run before the cache exists (the database cache's table is made after them), and
# every web process starts with an empty page cache after a deploy anyway.
_migrating = False


def migration_started(**kwargs) -> None:
    global _migrating  # one flag per process, set by the migrate command
    _migrating = True


def migration_ended(**kwargs) -> None:
    global _migrating
    _migrating = False


def install(connection, **kwargs) -> None:
    """connection_created receiver: watch this connection's writes (once per connection)."""
    if track_writes not in connection.execute_wrappers:
        connection.pagecache_dirty = False
        connection.pagecache_flush = functools.partial(_flush, connection)
        # First, not appended: `connection.execute_wrapper()` blocks that are open while the
        # connection is made pop the last wrapper when they close.
        connection.execute_wrappers.insert(0, track_writes)


# --- The middleware -----------------------------------------------------------------------------


def _anonymous(request) -> bool:
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME not in cookies
        and CookieStorage.cookie_name not in cookies
        and "HTTP_AUTHORIZATION" not in request.META
    )


def _address(request) -> str:
    """What a page depends on besides the content: one digest per answer a visitor can get."""
    parts = [
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        translation.get_language_from_request(request),
        *(request.headers.get(name, "") for name in HTMX_HEADERS),
    ]
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()


def _storable(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if not response.get("Content-Type", "").startswith(CACHEABLE_TYPES):
        return False
    # A CSRF token in the page is this visitor's: the page is theirs alone.
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    vary = {v.strip().lower() for v in cc_delim_re.split(response.get("Vary", "")) if v.strip()}
    if not vary <= KEYED_VARY:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    return len(response.content) <= MAX_BODY_BYTES


class AnonymousPageCacheMiddleware:
    """Serves anonymous GETs from the page cache. Goes before SessionMiddleware: a hit needs no
    session, authentication, CSRF or messages, and its stored headers are those the rest of the
    stack gave the first answer (X-Frame-Options, Vary, Content-Language)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = _seconds()
        if seconds <= 0 or request.method != "GET" or not _anonymous(request):
            return self.get_response(request)
        address = _address(request)
        # An address that gave an answer we may not keep (a form with a CSRF token, a 404, a
        # file) is not looked up again for a while: it saves the read of the generation.
        if _uncacheable().get(address):
            return self.get_response(request)
        current = generation()
        if current is None:
            return self.get_response(request)
        key = f"{current}:{address}"
        stored = _pages().get(key)
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content, headers=headers)
            response[HEADER] = "hit"
            return response
        response = self.get_response(request)
        if _storable(request, response):
            _pages().set(key, (response.content, list(response.items())), seconds)
            response[HEADER] = "miss"
        else:
            _uncacheable().set(address, True, seconds)
        return response
