"""`make prod-check`: GovCommons with its production settings on the local PostgreSQL and Redis.

In order: a fresh database; `manage.py check --deploy`, where any warning fails; the migrations;
collectstatic; then gunicorn (deploy/gunicorn.conf.py) and a worker on the Redis queue, and over
HTTP what a visitor, nginx and a load balancer would see. Everything it made is removed at the end.

PG_URL (default postgres://postgres@127.0.0.1:5432/govcommons: only the server is used) and
SCRATCH_REDIS_URL (default redis://127.0.0.1:6379) say where the services are. When one does not
answer, the check is skipped with a message, except under CI=true, where it fails.
"""

import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from govcommons.core import redis_scratch  # noqa: E402 - needs ROOT on the path

HOST = "govcommons.example"
DEADLINE_SECONDS = 60
STARTED = time.monotonic()


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


class Check:
    """Steps and expectations, printed as they go; a failed expectation is kept, not raised."""

    def __init__(self):
        self.failures: list[str] = []
        self.count = 0

    def step(self, title: str):
        self.count += 1
        self.step_started = time.monotonic()
        sys.stdout.write(f"[{self.count}] {title} ... ")
        sys.stdout.flush()

    def done(self, detail: str = "ok") -> None:
        say(f"{detail} ({time.monotonic() - self.step_started:.1f} s)")

    def expect(self, condition: bool, what: str) -> bool:
        if not condition:
            self.failures.append(what)
            say(f"\n    FAILED: {what}")
        return condition


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_url(pg_url: str, database: str) -> str:
    parts = urlsplit(pg_url)
    return parts._replace(path=f"/{database}").geturl()


def services_or_skip(pg_url: str) -> None:
    problems = []
    try:
        psycopg.connect(server_url(pg_url, "postgres"), connect_timeout=3).close()
    except psycopg.Error:
        problems.append(f"PostgreSQL is not reachable at {server_url(pg_url, '')}")
    if not redis_scratch.reachable():
        problems.append(f"Redis is not reachable at {redis_scratch.server_url()}")
    if not problems:
        return
    if os.environ.get("CI") == "true":
        say("prod-check: " + "; ".join(problems) + ". CI=true: failing.")
        sys.exit(1)
    say("prod-check SKIPPED: " + "; ".join(problems) + ". Start it to run this check.")
    sys.exit(0)


def production_env(database_url: str, redis_url: str, work: Path) -> dict:
    """Production settings: secure defaults untouched; every integration named, so that a
    developer's .env cannot switch one on or off behind the check's back."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(work)),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "govcommons.settings",
        "PYTHONDONTWRITEBYTECODE": "1",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SITE_URL": f"https://{HOST}",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "TASKS_BACKEND": "redis",
        "STATIC_ROOT": str(work / "static"),
        "MEDIA_ROOT": str(work / "media"),
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        "EMAIL_HOST": "",
        "EMAIL_PROVIDER": "",
        "AWS_STORAGE_BUCKET_NAME": "",
        "SENTRY_DSN": "",
        "TRUSTED_PROXY_COUNT": "1",
    }


def manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def get(port: int, path: str, *, https: bool = True, headers: dict | None = None):
    """A request as nginx forwards it: the public Host, and X-Forwarded-Proto for HTTPS."""
    sent = {"Host": HOST, "X-Forwarded-For": "203.0.113.7", **(headers or {})}
    if https:
        sent["X-Forwarded-Proto"] = "https"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        connection.request("GET", path, headers=sent)
        response = connection.getresponse()
        return response, response.read()
    finally:
        connection.close()


def wait_for(condition, what: str, processes: list[subprocess.Popen]):
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        try:
            value = condition()
        except OSError:
            value = None
        if value:
            return value
        for process in processes:
            if process.poll() is not None:
                raise SystemExit(f"\n{process.args[2:4]} exited with {process.returncode}")
        if time.monotonic() > deadline:
            raise SystemExit(f"\ngave up after {DEADLINE_SECONDS} s waiting for {what}")
        time.sleep(0.1)


def stop(process: subprocess.Popen, *, signalled: bool = False) -> int:
    """SIGTERM (once: a second one stops an RQ worker cold), then wait for the exit code."""
    if process.poll() is None:
        if not signalled:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    return process.returncode


def json_lines(path: Path) -> tuple[int, list[str]]:
    """How many lines the log has, and those that are not JSON objects."""
    lines = [line for line in path.read_text().splitlines() if line.strip()]
    bad = []
    for line in lines:
        try:
            if not isinstance(json.loads(line), dict):
                bad.append(line)
        except ValueError:
            bad.append(line)
    return len(lines), bad


def smoke_test(check: Check, port: int, processes: list[subprocess.Popen]) -> None:
    check.step("home page over HTTPS, with the security headers")
    response, body = get(port, "/")
    check.expect(response.status == 200, f"GET / answered {response.status}, not 200")
    wanted = {
        "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    for name, value in wanted.items():
        check.expect(response.headers.get(name) == value, f"{name}: {response.headers.get(name)}")
    csp = response.headers.get("Content-Security-Policy", "")
    check.expect(csp.startswith("default-src 'self'"), f"Content-Security-Policy: {csp!r}")
    check.done()

    check.step("plain HTTP is sent to HTTPS")
    response, _ = get(port, "/about/", https=False)
    location = response.headers.get("Location")
    check.expect(
        response.status == 301 and location == f"https://{HOST}/about/",
        f"GET http://.../about/ answered {response.status} to {location}",
    )
    check.done()

    check.step("a static file, hashed, compressed and cached for good")
    stylesheet = re.search(rb'href="(/static/core/site\.[0-9a-f]{12}\.css)"', body)
    if check.expect(stylesheet is not None, "the home page links no hashed site.css"):
        path = stylesheet.group(1).decode()
        response, _ = get(port, path, headers={"Accept-Encoding": "gzip"})
        check.expect(response.status == 200, f"the stylesheet answered {response.status}")
        check.expect(
            response.headers.get("Content-Type", "").startswith("text/css"),
            f"stylesheet Content-Type {response.headers.get('Content-Type')}",
        )
        check.expect(response.headers.get("Content-Encoding") == "gzip", "stylesheet not gzipped")
        check.expect(
            "immutable" in response.headers.get("Cache-Control", ""),
            f"stylesheet Cache-Control {response.headers.get('Cache-Control')}",
        )
    check.done()

    check.step("/readyz: PostgreSQL, and the Redis queue with its worker")

    def ready():
        response, body = get(port, "/readyz")
        data = json.loads(body)
        queue = data["checks"]["task_queue"]
        return response.status == 200 and queue.get("live_workers") == 1 and data

    data = wait_for(ready, "/readyz to count the worker", processes)
    check.expect(data["checks"]["database"]["detail"] == "postgresql", f"/readyz: {data}")
    check.expect(data["checks"]["task_queue"]["backend"] == "RedisBackend", f"/readyz: {data}")
    check.done(json.dumps(data["checks"]))

    check.step("the sign-in page, with a secure CSRF cookie")
    response, body = get(port, "/accounts/login/")
    check.expect(response.status == 200, f"GET /accounts/login/ answered {response.status}")
    check.expect(b'name="password"' in body, "the sign-in page has no password field")
    cookies = " ".join(response.headers.get_all("Set-Cookie") or [])
    check.expect("csrftoken=" in cookies and "Secure" in cookies, f"cookies: {cookies!r}")
    check.done()

    check.step("the API's OpenAPI document")
    response, body = get(port, "/api/openapi.json")
    check.expect(response.status == 200, f"GET /api/openapi.json answered {response.status}")
    document = json.loads(body) if response.status == 200 else {}
    paths = [path for path in document.get("paths", {}) if path.startswith("/api/v1/")]
    check.expect("openapi" in document and paths, "openapi.json lists no /api/v1/ operation")
    check.done(f"{len(paths)} paths")


def main() -> int:
    pg_url = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/govcommons")
    services_or_skip(pg_url)
    check = Check()
    database = f"govcommons_prodcheck_{os.getpid()}"
    work = Path(tempfile.mkdtemp(prefix="govcommons-prodcheck-"))
    processes: list[subprocess.Popen] = []
    admin = psycopg.connect(server_url(pg_url, "postgres"), autocommit=True)
    say(f"prod-check: production settings on PostgreSQL ({database}) and Redis")
    try:
        with redis_scratch.scratch_database() as redis_url:
            check.step(f"a fresh database {database}")
            admin.execute(f'DROP DATABASE IF EXISTS "{database}"')
            admin.execute(f'CREATE DATABASE "{database}"')
            check.done()
            env = production_env(server_url(pg_url, database), redis_url, work)

            check.step("manage.py check --deploy, warnings fail")
            result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
            output = (result.stdout + result.stderr).strip()
            if not check.expect(result.returncode == 0, f"check --deploy:\n{output}"):
                return 1
            check.done(output.splitlines()[-1])

            check.step("migrations")
            result = manage(env, "migrate", "--no-input")
            if not check.expect(result.returncode == 0, f"migrate:\n{result.stderr[-3000:]}"):
                return 1
            check.done(f"{result.stdout.count(' OK')} applied")

            check.step("collectstatic")
            result = manage(env, "collectstatic", "--no-input")
            if not check.expect(result.returncode == 0, f"collectstatic:\n{result.stderr}"):
                return 1
            check.done(result.stdout.strip().splitlines()[-1])

            check.step("gunicorn (deploy/gunicorn.conf.py) and a worker on the Redis queue")
            port = free_port()
            logs = {"gunicorn": work / "gunicorn.log", "worker": work / "worker.log"}
            commands = {
                "gunicorn": [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"],
                "worker": [sys.executable, "manage.py", "run_worker"],
            }
            server_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2"}
            for name, command in commands.items():
                with logs[name].open("wb") as log:
                    processes.append(
                        subprocess.Popen(  # noqa: S603 - our own commands
                            command, cwd=ROOT, env=server_env, stdout=log, stderr=log
                        )
                    )
            wait_for(lambda: get(port, "/healthz")[0].status == 200, "/healthz", processes)
            check.done(f"serving on 127.0.0.1:{port}")

            smoke_test(check, port, processes)

            check.step("stopping, then the logs: JSON lines")
            for process in processes:  # both at once; each finishes what it has in hand
                process.send_signal(signal.SIGTERM)
            codes = {
                name: stop(process, signalled=True)
                for name, process in zip(commands, processes, strict=True)
            }
            for name, code in codes.items():
                check.expect(code == 0, f"{name} exited with {code} when stopped")
            counted = []
            for name, path in logs.items():
                lines, bad = json_lines(path)
                check.expect(not bad, f"{name} wrote lines that are not JSON: {bad[:3]}")
                counted.append(f"{name} {lines}")
            check.done(", ".join(counted))
    finally:
        for process in processes:
            stop(process)
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.close()
        shutil.rmtree(work, ignore_errors=True)
    elapsed = time.monotonic() - STARTED
    if check.failures:
        say(f"prod-check FAILED ({len(check.failures)} problems, {elapsed:.0f} s)")
        return 1
    say(f"prod-check passed: {check.count} steps in {elapsed:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
