"""GovCommons settings: one module, every value read from the environment (django-environ).

Development defaults are safe to run locally; production sets DEBUG=false and real secrets.
"""

import importlib.util
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# pytest (8.2+) sets PYTEST_VERSION: tests run with production settings, minus HTTPS.
TESTING = "PYTEST_VERSION" in os.environ
# Processes that serve requests or run tasks (wsgi.py, asgi.py, run_worker) must have the real
# key: they sign sessions, tokens and links. Other management commands (makemigrations, check,
# shell) run on a developer's machine without one; `check --deploy` flags the placeholder.
SERVING = os.environ.get("GOVCOMMONS_SERVING") == "1"
SECRET_KEY = env(
    "SECRET_KEY",
    default="dev-only-insecure-key" if DEBUG or TESTING or not SERVING else environ.Env.NOTSET,
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    "govcommons.core.admin_apps.GovCommonsAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_htmx",
    "django_countries",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "ninja",
    "govcommons.core",
    "govcommons.taxonomy",
    "govcommons.organizations",
    "govcommons.accounts",
    "govcommons.notifications",
    "govcommons.practices",
    "govcommons.reviews",
    "govcommons.discussions",
    "govcommons.ideas",
    "govcommons.search",
    "govcommons.api",
]

MIDDLEWARE = [
    "govcommons.core.proxy.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "govcommons.core.middleware.SecurityHeadersMiddleware",
    "govcommons.core.middleware.RejectNulInPathMiddleware",
    # Before sessions: a visitor's cached page is answered without touching the session.
    "govcommons.core.pagecache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "govcommons.core.middleware.ErrorIdMiddleware",
]

# Behind nginx (and a load balancer) REMOTE_ADDR is the last proxy's address, so every visitor
# would share one rate-limit bucket. With the number of proxies we run in front of the app, the
# client's own address is read from X-Forwarded-For instead (core.proxy). 0: no proxy.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

ROOT_URLCONF = "govcommons.urls"
WSGI_APPLICATION = "govcommons.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "govcommons" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "govcommons.core.context_processors.site",
            ],
            "builtins": ["govcommons.core.templatetags.components"],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
# SQLite (WAL) is the embedded default; DATABASE_URL=postgres://... for production.
# An empty DATABASE_URL counts as unset, so `DATABASE_URL= make ...` means SQLite.
DATABASES = {
    "default": env.db_url_config(
        env("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'var' / 'govcommons.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue on the busy
            # timeout instead of failing with "database is locked" on lock upgrade.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
            ),
        }
    )
    DATABASES["default"]["TEST"] = {
        # A file, not memory: the worker and the live server's peers are other processes.
        # The process id keeps concurrent test runs on one machine apart.
        "NAME": env(
            "TEST_SQLITE_PATH", default=str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3")
        ),
    }
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
    # Memory for each sort and bitmap of a query. Search intersects the posting lists of common
    # words (search.backends.PostgresBackend._newest), which at a million documents outgrow the
    # server's default 4 MB and turn lossy: every row of their pages is then read again. Empty:
    # the server's own value.
    DATABASE_WORK_MEM = env("DATABASE_WORK_MEM", default="32MB")
    if DATABASE_WORK_MEM:
        if not re.fullmatch(r"\d+\s*(kB|MB|GB)?", DATABASE_WORK_MEM):
            raise environ.ImproperlyConfigured(
                f"DATABASE_WORK_MEM={DATABASE_WORK_MEM!r}: a size such as 32MB, or empty."
            )
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c work_mem={DATABASE_WORK_MEM}".strip()
# Persistent connections on both databases: opening one costs more than a cached page.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, sessions and (in production) the task queue --------------------------------
# Without REDIS_URL the cache is a database table, still shared by every web and worker process.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis keeps one connection pool per process; the task queue borrows it.
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "govcommons",
            # A Redis that stops answering fails a request in seconds instead of hanging it.
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 5, "SOCKET_TIMEOUT": 5},
        }
    }
    # Sessions are read from Redis and written to Redis and the database: every app server sees
    # a login at once, and a Redis restart or eviction signs nobody out (docs/decisions/0011).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "govcommons_cache",
        }
    }

# Whole pages for visitors who are not signed in (core.pagecache), dropped at once by any write
# to shared content; this bounds what depends on the clock. Off in tests unless a test turns it
# on: most tests write in transactions that never commit.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=0 if TESTING else 60)
PAGE_CACHE_MAX_ENTRIES = env.int("PAGE_CACHE_MAX_ENTRIES", default=1000)

# --- Background work ------------------------------------------------------------------------
# "database" (django-tasks-db): the default for `make run` and the tests. "redis" (django-tasks-rq
# on RQ): the default in production (DEBUG off) when REDIS_URL is set. `manage.py run_worker`
# runs either. A dotted path names any other django-tasks backend.
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "redis": "govcommons.core.tasks_backend.RedisBackend",
}
TASKS_BACKEND = env(
    "TASKS_BACKEND", default="redis" if REDIS_URL and not (DEBUG or TESTING) else "database"
)
TASKS = {
    "default": {
        "BACKEND": TASK_BACKENDS.get(TASKS_BACKEND, TASKS_BACKEND),
        "QUEUES": ["default"],
    }
}
if TASKS["default"]["BACKEND"] == TASK_BACKENDS["redis"]:
    if not REDIS_URL:
        raise environ.ImproperlyConfigured("TASKS_BACKEND=redis needs REDIS_URL.")
    INSTALLED_APPS.append("django_rq")
    # One RQ queue per django-tasks queue, on the cache's Redis connection. A task running longer
    # than DEFAULT_TIMEOUT seconds is stopped and fails.
    RQ_QUEUES = {"default": {"USE_REDIS_CACHE": "default", "DEFAULT_TIMEOUT": 1800}}
    # Operators read the queue with `rq info --url $REDIS_URL`; django-rq's admin pages stay off.
    RQ_SHOW_ADMIN_LINK = False
# A running task whose worker has not been heard from for this long is handed to another worker.
WORKER_HEARTBEAT_SECONDS = env.float("WORKER_HEARTBEAT_SECONDS", default=5.0)
WORKER_STALE_AFTER_SECONDS = env.float("WORKER_STALE_AFTER_SECONDS", default=60.0)

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "govcommons.accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "govcommons.accounts.adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "govcommons.accounts.forms.SignupExtraForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[GovCommons] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
ACCOUNT_RATE_LIMITS = {
    "signup": env("RATE_LIMIT_SIGNUP", default="10/h/ip"),
    "login": env("RATE_LIMIT_LOGIN", default="30/m/ip"),
    "login_failed": env("RATE_LIMIT_LOGIN_FAILED", default="10/m/ip,5/5m/key"),
    "reset_password": env("RATE_LIMIT_RESET_PASSWORD", default="20/m/ip,5/m/key"),
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}
# Posting limits per member (core.ratelimit), in the shared cache: count/s|m|h|d.
POSTING_RATE_LIMITS = {
    "practice_write": env("RATE_LIMIT_PRACTICE_WRITE", default="60/h"),
    "adoption": env("RATE_LIMIT_ADOPTION", default="20/h"),
    "attachment": env("RATE_LIMIT_ATTACHMENT", default="30/h"),
    "verification_request": "5/d",
    "organization_proposal": "10/d",
    "api_token": "20/d",
    "outdated_flag": env("RATE_LIMIT_OUTDATED_FLAG", default="10/d"),
    "review_write": env("RATE_LIMIT_REVIEW_WRITE", default="60/h"),
    "comment": env("RATE_LIMIT_COMMENT", default="30/h"),
    "question": env("RATE_LIMIT_QUESTION", default="10/h"),
    "answer": env("RATE_LIMIT_ANSWER", default="20/h"),
    "idea": env("RATE_LIMIT_IDEA", default="10/h"),
    # Useful reactions, question, answer and idea votes together.
    "vote": env("RATE_LIMIT_VOTE", default="120/h"),
    "saved_search": env("RATE_LIMIT_SAVED_SEARCH", default="30/d"),
}

# Seconds between the discussion's checks for new comments (htmx polling on the last page).
DISCUSSION_POLL_SECONDS = env.int("DISCUSSION_POLL_SECONDS", default=15)

# Peer review. Signed reviews by default: public servants value accountability.
REVIEWS_SIGNED = env.bool("REVIEWS_SIGNED", default=True)
REVIEWERS_PER_SUBMISSION = env.int("REVIEWERS_PER_SUBMISSION", default=2)
REVIEW_DUE_DAYS = env.int("REVIEW_DUE_DAYS", default=21)
# An overdue reviewer is reminded at most this often (days), by the worker.
REVIEW_REMINDER_EVERY_DAYS = env.int("REVIEW_REMINDER_EVERY_DAYS", default=3)
# How often the worker looks for overdue reviews and due re-reviews (seconds).
REVIEW_SWEEP_SECONDS = env.int("REVIEW_SWEEP_SECONDS", default=3600)
# Tasks the worker enqueues periodically (import path -> seconds between runs), once across all
# workers (govcommons.core.worker.enqueue_periodic_tasks). Each must be idempotent.
# How often the worker sends saved search alerts (seconds): at most one email per saved
# search per period.
SAVED_SEARCH_ALERT_SECONDS = env.int("SAVED_SEARCH_ALERT_SECONDS", default=3600)
# A search ranks at most this many of the newest matches (and as many title matches): its cost
# stays flat however large the index; when more match, the page says "more than".
SEARCH_MAX_CANDIDATES = env.int("SEARCH_MAX_CANDIDATES", default=1000)
PERIODIC_TASKS = {
    "govcommons.reviews.tasks.send_review_reminders": REVIEW_SWEEP_SECONDS,
    "govcommons.search.tasks.send_saved_search_alerts": SAVED_SEARCH_ALERT_SECONDS,
}
# Months until a published contribution is due for re-review; per-kind overrides in
# reviews.workflow.REREVIEW_MONTHS_BY_KIND.
REREVIEW_MONTHS = env.int("REREVIEW_MONTHS", default=24)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "GovCommons"
# Accept the code of the previous or next 30-second window: phones and servers drift.
MFA_TOTP_TOLERANCE = 1
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
# Moderators and administrators need two-factor on to use their powers, except in development.
REQUIRE_MFA_FOR_STAFF = env.bool("REQUIRE_MFA_FOR_STAFF", default=not DEBUG)

# Sign-in through an organisation's OpenID Connect provider: set all three OIDC_* values, or none.
_oidc = {
    "OIDC_SERVER_URL": env("OIDC_SERVER_URL", default=""),
    "OIDC_CLIENT_ID": env("OIDC_CLIENT_ID", default=""),
    "OIDC_CLIENT_SECRET": env("OIDC_CLIENT_SECRET", default=""),
}
if any(_oidc.values()) and not all(_oidc.values()):
    missing = ", ".join(name for name, value in _oidc.items() if not value)
    raise environ.ImproperlyConfigured(f"OpenID Connect is half-configured: set {missing}.")
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": []}}
if all(_oidc.values()):
    SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"].append(
        {
            "provider_id": env("OIDC_PROVIDER_ID", default="") or "organisation",
            "name": env("OIDC_NAME", default="") or "your organisation",
            "client_id": _oidc["OIDC_CLIENT_ID"],
            "secret": _oidc["OIDC_CLIENT_SECRET"],
            "settings": {"server_url": _oidc["OIDC_SERVER_URL"]},
        }
    )

# --- Email ----------------------------------------------------------------------------------
EMAIL_HOST = env("EMAIL_HOST", default="")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="GovCommons <noreply@govcommons.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
# Or an email provider's API through django-anymail: EMAIL_PROVIDER is the name of an anymail
# backend (postmark, mailgun, sendgrid, amazon_ses, brevo...), and its credentials come as
# ANYMAIL_<PROVIDER>_<SETTING> variables, e.g. ANYMAIL_POSTMARK_SERVER_TOKEN.
EMAIL_PROVIDER = env("EMAIL_PROVIDER", default="").strip().lower()
if EMAIL_PROVIDER:
    if not EMAIL_PROVIDER.isidentifier() or not importlib.util.find_spec(
        f"anymail.backends.{EMAIL_PROVIDER}"
    ):
        raise environ.ImproperlyConfigured(
            f"EMAIL_PROVIDER={EMAIL_PROVIDER!r} is not an email provider django-anymail knows."
        )
    ANYMAIL = {
        name.removeprefix("ANYMAIL_"): value
        for name, value in os.environ.items()
        if name.startswith("ANYMAIL_")
    }
    # Amazon SES may take its credentials from the machine's role; every other API needs a key.
    if EMAIL_PROVIDER != "amazon_ses" and not any(
        name.startswith(f"{EMAIL_PROVIDER.upper()}_") for name in ANYMAIL
    ):
        raise environ.ImproperlyConfigured(
            f"EMAIL_PROVIDER={EMAIL_PROVIDER} needs its credentials: set "
            f"ANYMAIL_{EMAIL_PROVIDER.upper()}_... (see the django-anymail page for it)."
        )
    EMAIL_BACKEND = f"anymail.backends.{EMAIL_PROVIDER}.EmailBackend"

# --- Files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
# Where collectstatic gathers the files whitenoise serves (each checking process keeps its own).
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "var" / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploads (avatars, attachments) on S3-compatible object storage when a bucket is named; else in
# MEDIA_ROOT. The bucket stays private: attachments stream through the app after its permission
# check, avatars get links signed for an hour. Credentials: AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY, or the machine's role. Browsers fetch avatars from MEDIA_ORIGIN.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
MEDIA_ORIGIN = ""
if AWS_STORAGE_BUCKET_NAME:
    _s3_endpoint = env("AWS_S3_ENDPOINT_URL", default="")
    _s3_region = env("AWS_S3_REGION_NAME", default="")
    _s3 = {
        "bucket_name": AWS_STORAGE_BUCKET_NAME,
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 3600,
        # Never replace a stored file that happens to have the same name.
        "file_overwrite": False,
        "signature_version": "s3v4",
        # Path style on other providers' endpoints (https://endpoint/bucket/...), virtual-hosted on
        # AWS (https://bucket.s3.region.amazonaws.com/...): MEDIA_ORIGIN below follows from it.
        "addressing_style": "path" if _s3_endpoint else "virtual",
    }
    if _s3_endpoint:
        _s3["endpoint_url"] = _s3_endpoint
        MEDIA_ORIGIN = "{0.scheme}://{0.netloc}".format(urlsplit(_s3_endpoint))
    else:
        _s3_host = f"s3.{_s3_region}.amazonaws.com" if _s3_region else "s3.amazonaws.com"
        MEDIA_ORIGIN = f"https://{AWS_STORAGE_BUCKET_NAME}.{_s3_host}"
    if _s3_region:
        _s3["region_name"] = _s3_region
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _s3}
# Without collectstatic (development, tests) whitenoise serves straight from the apps.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
FORMS_URLFIELD_ASSUME_HTTPS = True
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 5_242_880

AVATAR_MAX_BYTES = env.int("AVATAR_MAX_BYTES", default=2 * 1024 * 1024)
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not TESTING)
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not TESTING)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not TESTING)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = env.list("SILENCED_SYSTEM_CHECKS", default=[])
# `make bench` turns on /_bench/bare, a constant answer to compare real pages with. Never in prod.
BENCH_ENDPOINTS = env.bool("BENCH_ENDPOINTS", default=False)
if BENCH_ENDPOINTS:
    # Each answer says how many SQL queries it ran (X-Bench-Queries), for the bench's table.
    MIDDLEWARE.insert(0, "govcommons.core.bench.QueryCountMiddleware")

# --- Logging: JSON lines to stdout outside development ----------------------------------------
LOG_FORMAT = env("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Error reports: Sentry, only when SENTRY_DSN is set ---------------------------------------
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    # The Django, RQ and logging integrations switch on by themselves. No personal data is sent
    # (addresses, cookies, member details); tracing is off unless a sample rate is given.
    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        release=env("SENTRY_RELEASE", default="") or None,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
    )

# --- API -----------------------------------------------------------------------------------
API_TOKEN_DEFAULT_DAYS = 90
NINJA_PAGINATION_PER_PAGE = 50
