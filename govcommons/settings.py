"""GovCommons settings: one module, every value read from the environment (django-environ).

Development defaults are safe to run locally; production sets DEBUG=false and real secrets.
"""

import os
from pathlib import Path

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
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "govcommons.core.middleware.SecurityHeadersMiddleware",
    "govcommons.core.middleware.RejectNulInPathMiddleware",
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
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: shared between processes (rate limits, one-time-code replay protection) ----------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "govcommons",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "govcommons_cache",
        }
    }

# --- Background work ------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
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

# --- Files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
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
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- API -----------------------------------------------------------------------------------
API_TOKEN_DEFAULT_DAYS = 90
NINJA_PAGINATION_PER_PAGE = 50
