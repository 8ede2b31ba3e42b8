"""gunicorn for GovCommons: `gunicorn -c deploy/gunicorn.conf.py` (docs/deploy.md).

Behind nginx, which buffers slow clients, so a worker is busy only while Django runs. Values can
be changed through the environment: GUNICORN_BIND, WEB_CONCURRENCY, GUNICORN_TIMEOUT,
FORWARDED_ALLOW_IPS, GUNICORN_ACCESS_LOG, LOG_FORMAT.
"""

import multiprocessing
import os

wsgi_app = "govcommons.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")

# Sync workers: a request holds a worker; pages spend their time in Python and the database, so
# two per core plus one keeps the cores busy while some workers wait on queries.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Each worker is replaced after this many requests (jittered so they do not all restart at once):
# memory growth from a leak or fragmentation stays bounded.
max_requests = 2000
max_requests_jitter = 200
# The workers' heartbeat files in memory: a slow or overlay disk cannot make them look dead.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - tmpfs on purpose
# Several gunicorns on one host (app servers, checks) must not fight over one control socket.
control_socket_disable = True

# Only nginx may say a request came over HTTPS (X-Forwarded-Proto). In one compose project nginx
# is another container: set FORWARDED_ALLOW_IPS to its address or network.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs as lines on stdout, JSON unless LOG_FORMAT=text, like the application's own. nginx writes
# the access log; GUNICORN_ACCESS_LOG=1 adds gunicorn's (e.g. with no nginx in front).
_format = os.environ.get("LOG_FORMAT", "json")
logconfig_dict = {
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
            "formatter": _format if _format in ("json", "text") else "json",
        }
    },
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
        "gunicorn.access": {
            "level": "INFO" if os.environ.get("GUNICORN_ACCESS_LOG") == "1" else "WARNING",
            "handlers": ["console"],
            "propagate": False,
        },
    },
    "root": {"level": "INFO", "handlers": ["console"]},
}
