"""`make bench`: seed a fresh database, serve it with gunicorn, measure pages against a bare view.

For each database (SQLite, then PostgreSQL when it answers) and each scale (small, then large):
create the database from scratch, migrate, load the demo data and `manage.py seed_bench`, start
gunicorn as in production (DEBUG off, 2 sync workers) on a free local port, sign in once as a
seeded member, and drive each endpoint with wrk (bench/wrk.lua), a separate process. Prints a
table per run and the issue's targets, and writes bench/results/<timestamp>-pages.json
(`make bench-compare` compares two). Then the search benchmark (bench/search_bench.py) at the
sizes in --search-sizes. See bench/README.md.
"""

import argparse
import http.client
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for govcommons.core.redis_scratch (no Django needed)
BENCH_VAR = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "results"
PY = sys.executable
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/govcommons_bench"
)
SCALES = ["small", "large"]
# The targets on a 2-core machine.
ANONYMOUS_SHARE = 0.25  # of the bare view's req/s
MEMBER_SHARE = 0.10
P95_GROWTH = 1.5  # large / small
COMMENT_P95_MS = 150


@dataclass(frozen=True)
class Endpoint:
    key: str
    name: str
    paths: tuple[str, ...]
    kind: str  # ceiling, anonymous (read), member (read, signed in), write (signed in)
    method: str = "GET"
    expect_body: str | None = None  # the exact body every answer must have
    ok_statuses: tuple[int, ...] = (200,)

    @property
    def signed_in(self) -> bool:
        return self.kind in {"member", "write"}


def endpoints_for(targets: dict) -> list[Endpoint]:
    """The measured endpoints, from what seed_bench reported (the busiest contribution...)."""
    comment_paths = tuple(f"/items/{pk}/comments/" for pk in targets["comment_item_ids"])
    return [
        Endpoint("bare", "bare view (ceiling)", ("/_bench/bare",), "ceiling", expect_body="bare"),
        Endpoint("home", "home page", ("/",), "anonymous"),
        Endpoint(
            "list",
            "contribution list, 2 filters",
            ("/practices/?topic=open-data&country=FR",),
            "anonymous",
        ),
        Endpoint("detail", "contribution, 50 comments", (targets["detail_path"],), "anonymous"),
        Endpoint("search", "search", ("/search/?q=open+data+portal",), "anonymous"),
        Endpoint("api", "API list", ("/api/v1/practices?country=FR",), "anonymous"),
        Endpoint("notifications", "notifications (member)", ("/notifications/",), "member"),
        Endpoint(
            "comment",
            "comment post (member)",
            comment_paths,
            "write",
            method="POST",
            ok_statuses=(302, 200),
        ),
    ]


def say(message: str) -> None:
    print(message, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The Redis database of this run (cache and sessions, as in production), or "" for the
# database cache: set by main().
REDIS = {"url": ""}


def base_env(database_url: str) -> dict:
    """Production settings, minus HTTPS: what gunicorn and the management commands run with."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.pop("REDIS_URL", None)
    if REDIS["url"]:
        env["REDIS_URL"] = REDIS["url"]
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="govcommons.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(40),
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="127.0.0.1",
        BENCH_ENDPOINTS="true",
        LOG_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
        # One member posts hundreds of comments a second: the limiter still runs (its cost is
        # part of the post), its limit is out of the way.
        RATE_LIMIT_COMMENT="100000000/h",
    )
    return env


def manage(env: dict, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True, **kwargs)


# --- Databases ---------------------------------------------------------------------------------


def fresh_sqlite() -> str:
    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    path = BENCH_VAR / "bench.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def postgres_maintenance_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))


def postgres_reachable(url: str) -> bool:
    import psycopg

    try:
        psycopg.connect(postgres_maintenance_url(url), connect_timeout=3).close()
    except psycopg.Error:
        return False
    return True


def fresh_postgres(url: str) -> str:
    import psycopg
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"Refusing to drop {name!r}: the bench database's name must contain 'bench'.")
    with psycopg.connect(postgres_maintenance_url(url), autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return url


# --- Server ------------------------------------------------------------------------------------


def wait_until_ready(server: subprocess.Popen, port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with {server.returncode}; see {BENCH_VAR}/gunicorn-*.log")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", "/readyz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.2)
    sys.exit(f"gunicorn did not answer /readyz within {timeout} s")


def start_gunicorn(env: dict, port: int, args, log: Path) -> subprocess.Popen:
    command = [
        PY, "-m", "gunicorn", "govcommons.wsgi:application",
        "--workers", str(args.workers), "--worker-class", args.worker_class,
        "--bind", f"127.0.0.1:{port}", "--timeout", "30",
        "--log-level", "warning", "--error-logfile", "-",
    ]  # fmt: skip
    if args.worker_class == "gthread":
        command += ["--threads", str(args.threads)]
    with log.open("a") as output:
        # Its own process group: stop() can end the master and every worker it started.
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=output, start_new_session=True
        )


def stop(server: subprocess.Popen) -> None:
    """Quick shutdown (requests still queued are dropped, not served), then make sure."""
    if server.poll() is None:
        server.send_signal(signal.SIGQUIT)
        with suppress(subprocess.TimeoutExpired):
            server.wait(timeout=10)
    with suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)  # a worker stuck in a long request
    server.wait()


def server_description(args) -> str:
    if args.worker_class == "gthread":
        return f"gunicorn {args.workers} gthread workers x {args.threads} threads"
    return f"gunicorn {args.workers} {args.worker_class} workers"


# --- A signed-in member ------------------------------------------------------------------------


class Session:
    """Cookies of one client, kept from each answer's Set-Cookie (http.client has no jar)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    @property
    def header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(self, method: str, path: str, form: dict | None = None):
        # Generous: the server may still be working through the queue the last run left.
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=180)
        headers = {"User-Agent": "govcommons-bench"}
        if self.cookies:
            headers["Cookie"] = self.header
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                self.cookies[name] = morsel.value
        return response, content


def sign_in(port: int, email: str, password: str) -> Session:
    """Sign in through the real login form, once: its cookies then go with every request."""
    session = Session(port)
    response, _ = session.request("GET", "/accounts/login/")
    if response.status != 200 or "csrftoken" not in session.cookies:
        sys.exit(f"The login page answered {response.status} without a CSRF cookie.")
    form = {
        "login": email,
        "password": password,
        "csrfmiddlewaretoken": session.cookies["csrftoken"],
    }
    response, _ = session.request("POST", "/accounts/login/", form)
    if response.status != 302 or "sessionid" not in session.cookies:
        sys.exit(f"Signing in as {email} failed: {response.status}.")
    return session


def comment_form(session: Session, tag: str) -> dict:
    return {"csrfmiddlewaretoken": session.cookies["csrftoken"], "body": f"Benchmark comment {tag}"}


def queries_per_request(port: int, endpoint: Endpoint, session: Session | None) -> tuple:
    """Three requests before the load, with their X-Bench-Queries (set by
    govcommons.core.bench.QueryCountMiddleware): the first's, when no cache holds the page yet
    (what the page itself costs), and the last's, the steady state the load then sees (a page
    cache hit). Returns the last status and both counts."""
    client = session if endpoint.signed_in else Session(port)
    counts = []
    for number in range(3):
        tag = f"{secrets.token_hex(4)}-{number}"
        form = comment_form(session, tag) if endpoint.method == "POST" else None
        path = endpoint.paths[number % len(endpoint.paths)]
        response, _ = client.request(endpoint.method, path, form)
        queries = response.headers.get("X-Bench-Queries")
        counts.append(int(queries) if queries is not None else None)
    return response.status, counts[0], counts[-1]


# --- Load ----------------------------------------------------------------------------------------


def wrk_command(port: int, endpoint: Endpoint, session, seconds: int, concurrency: int, args):
    cookie = session.header if endpoint.signed_in else "-"
    csrf = session.cookies.get("csrftoken", "-") if session else "-"
    return [
        "wrk", "-t", str(min(args.wrk_threads, concurrency)), "-c", str(concurrency),
        "-d", f"{seconds}s", "--timeout", "10s", "-s", str(ROOT / "bench" / "wrk.lua"),
        f"http://127.0.0.1:{port}", "--", endpoint.method, endpoint.expect_body or "-",
        cookie, csrf, secrets.token_hex(4), *endpoint.paths,
    ]  # fmt: skip


def warm_up(port: int, endpoint: Endpoint, session: Session, args) -> int:
    """Requests for --warmup seconds, one per worker at a time, each waited for: the workers
    have loaded their code, templates and connections, and leave nothing queued behind them
    (an abandoned queue of slow pages would eat into the measured window). Returns how many."""
    deadline = time.monotonic() + args.warmup
    tag = secrets.token_hex(4)

    def client(number: int) -> int:
        own = Session(port)
        if endpoint.signed_in:
            own.cookies = dict(session.cookies)
        sent = 0
        while time.monotonic() < deadline or sent == 0:
            path = endpoint.paths[(number + sent * args.workers) % len(endpoint.paths)]
            form = (
                comment_form(own, f"{tag}-{number}-{sent}") if endpoint.method == "POST" else None
            )
            own.request(endpoint.method, path, form)
            sent += 1
        return sent

    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        return sum(pool.map(client, range(args.workers)))


def drive_wrk(port: int, endpoint: Endpoint, session, concurrency: int, args) -> dict:
    if args.warmup > 0:
        warm_up(port, endpoint, session, args)
    command = wrk_command(port, endpoint, session, max(1, round(args.seconds)), concurrency, args)
    output = subprocess.run(
        command, check=True, capture_output=True, text=True, timeout=args.seconds + 60
    )
    raw = json.loads(output.stdout.strip().splitlines()[-1])
    ok = sum(n for status, n in raw["statuses"].items() if int(status) in endpoint.ok_statuses)
    errors = raw["requests"] - ok + raw["unexpected_body"] + sum(raw["socket_errors"].values())
    latency = raw["latency_ms"]
    if not raw["requests"]:
        # Not one answer within the run: the requests in flight count as failed, and there is
        # no latency to report (wrk would say 0).
        errors = max(errors, concurrency)
        latency = dict.fromkeys(latency)
    return {
        "concurrency": concurrency,
        "measured_seconds": raw["duration_s"],
        "requests": raw["requests"],
        "errors": errors,
        "statuses": raw["statuses"],
        "socket_errors": raw["socket_errors"],
        "requests_per_second": round(ok / max(raw["duration_s"], 1e-9), 1),
        "latency_ms": latency,
    }


def drive_python(port: int, endpoint: Endpoint, session, concurrency: int, args) -> dict:
    command = [
        PY, str(ROOT / "bench" / "load.py"), "--url", f"http://127.0.0.1:{port}",
        "--concurrency", str(concurrency), "--warmup", str(args.warmup),
        "--seconds", str(args.seconds), "--requests", str(args.requests),
        "--method", endpoint.method,
        "--ok-status", ",".join(map(str, endpoint.ok_statuses)),
    ]  # fmt: skip
    for path in endpoint.paths:
        command += ["--path", path]
    if endpoint.expect_body is not None:
        command += ["--expect-body", endpoint.expect_body]
    if endpoint.signed_in:
        command += ["--cookie", session.header]
    if endpoint.method == "POST":
        tag = secrets.token_hex(4)
        command += [
            "--form",
            f"csrfmiddlewaretoken={session.cookies['csrftoken']}"
            f"&body=Benchmark+comment+{tag}-{{n}}",
        ]
    bound = args.warmup + args.seconds + 60
    output = subprocess.run(command, check=True, capture_output=True, text=True, timeout=bound)
    return json.loads(output.stdout)


def locked_errors(log: Path) -> int:
    """How many times the server's log says "database is locked" (SQLite's busy timeout ran out)."""
    try:
        return log.read_text(errors="replace").count("database is locked")
    except FileNotFoundError:
        return 0


# --- One database at one scale -----------------------------------------------------------------


def seed_signature(database: str, scale: str, args) -> dict:
    """What the seeded data depends on: --reuse keeps a database seeded the same way."""
    return {
        "database": database,
        "scale": scale,
        "seed": args.seed,
        "migrations": sorted(p.name for p in ROOT.glob("govcommons/*/migrations/0*.py")),
        "benchdata_mtime": (ROOT / "govcommons" / "core" / "benchdata.py").stat().st_mtime,
    }


def reusable(database: str, scale: str, args) -> tuple[dict, dict] | None:
    marker = BENCH_VAR / f"seeded-{database}.json"
    if not args.reuse or not marker.exists():
        return None
    previous = json.loads(marker.read_text())
    if previous["signature"] != seed_signature(database, scale, args):
        return None
    if database == "sqlite":
        path = BENCH_VAR / "bench.sqlite3"
        if not path.exists():
            return None
        url = f"sqlite:///{path}"
    else:
        url = POSTGRES_URL
    say(f"  reusing the {scale} database seeded before (--reuse; it holds earlier runs' posts)")
    return base_env(url), previous["data"]


def seed(database: str, scale: str, args) -> tuple[dict, dict]:
    reused = reusable(database, scale, args)
    if reused is not None:
        return reused
    marker = BENCH_VAR / f"seeded-{database}.json"
    marker.unlink(missing_ok=True)
    database_url = fresh_sqlite() if database == "sqlite" else fresh_postgres(POSTGRES_URL)
    env = base_env(database_url)
    started = time.monotonic()
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    manage(env, "seed_demo", "--force", "--verbosity", "0")
    migrated = time.monotonic() - started
    say(f"  migrated and loaded the demo data in {migrated:.1f}s; seed_bench --scale {scale} ...")
    started = time.monotonic()
    seeded = manage(
        env, "seed_bench", "--scale", scale, "--seed", str(args.seed), "--force",
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    data = json.loads(seeded.stdout.strip().splitlines()[-1])
    data["wall_seconds"] = round(time.monotonic() - started, 1)
    data["migrate_and_demo_seconds"] = round(migrated, 1)
    counts = data["counts"]
    say(
        f"  seeded in {data['wall_seconds']:.0f}s: {counts['contributions']:,} contributions, "
        f"{counts['comments']:,} comments, {counts['members']:,} members, "
        f"{counts['organizations']:,} organisations, {counts['notifications']:,} notifications"
    )
    if data["indexer_differences"]:
        say(f"  WARNING: seeded documents differ from search.documents: "
            f"{data['indexer_differences']}")  # fmt: skip
    signature = seed_signature(database, scale, args)
    marker.write_text(json.dumps({"signature": signature, "data": data}, indent=2))
    return env, data


def measure(port: int, endpoint: Endpoint, session: Session, log: Path, args) -> dict:
    concurrency = args.write_concurrency if endpoint.kind == "write" else args.concurrency
    status, first_queries, queries = queries_per_request(port, endpoint, session)
    if status not in endpoint.ok_statuses:
        say(f"  WARNING {endpoint.name}: the first request answered {status}")
    more = " ..." if len(endpoint.paths) > 1 else ""
    say(
        f"  {endpoint.name} ({endpoint.paths[0]}{more}): {first_queries} queries, then "
        f"{queries}; {args.warmup:g}s "
        f"warm-up, {args.seconds:g}s at concurrency {concurrency} ..."
    )
    locked_before = locked_errors(log)
    drive = drive_wrk if args.client == "wrk" else drive_python
    result = drive(port, endpoint, session, concurrency, args)
    return {
        "endpoint": endpoint.key,
        "name": endpoint.name,
        "path": endpoint.paths[0],
        "kind": endpoint.kind,
        "method": endpoint.method,
        "queries": queries,
        "queries_first": first_queries,
        "first_status": status,
        "database_locked": locked_errors(log) - locked_before,
        **result,
    }


def bench_run(database: str, scale: str, args) -> dict:
    load_average = round(os.getloadavg()[0], 2)
    say(f"\n== {database}, {scale}: fresh database (machine load average {load_average}) ==")
    if REDIS["url"]:
        # Pages cached and sessions kept by the previous run belong to other data.
        from govcommons.core.redis_scratch import delete_own_keys

        delete_own_keys(REDIS["url"])
    env, data = seed(database, scale, args)
    endpoints = [e for e in endpoints_for(data["targets"]) if not args.only or e.key in args.only]
    port = free_port()
    log = BENCH_VAR / f"gunicorn-{database}-{scale}.log"
    log.unlink(missing_ok=True)
    say(f"  {server_description(args)} on 127.0.0.1:{port}, a fresh one for each endpoint ({log})")
    measurements = []
    session = None
    for endpoint in endpoints:
        # A fresh server for each endpoint: requests that a slow page left in the queue never
        # delay the next endpoint (sessions live in the database and survive the restart).
        server = start_gunicorn(env, port, args, log)
        try:
            wait_until_ready(server, port)
            if session is None:
                session = sign_in(port, data["targets"]["member_email"], args.password)
            measurements.append(measure(port, endpoint, session, log, args))
        finally:
            stop(server)

    bare = next((m for m in measurements if m["endpoint"] == "bare"), None)
    bare_rps = bare["requests_per_second"] if bare else 0.0
    for measurement in measurements:
        ratio = measurement["requests_per_second"] / bare_rps if bare_rps else 0.0
        measurement["ratio_to_bare"] = round(ratio, 3)
    return {
        "database": database,
        "scale": scale,
        "load_average_1m": load_average,
        "seed": data,
        "endpoints": measurements,
    }


# --- Targets -------------------------------------------------------------------------------------


def check_targets(runs: list[dict]) -> list[dict]:
    """The issue's targets, one row each: pass, short, or n/a (a scale or endpoint not run)."""
    rows = []

    def add(database, scale, endpoint, target, value, ok):
        rows.append(
            {
                "database": database,
                "scale": scale,
                "endpoint": endpoint,
                "target": target,
                "value": value,
                "result": "n/a" if ok is None else ("pass" if ok else "short"),
            }
        )

    by_key = {(r["database"], r["scale"]): {m["endpoint"]: m for m in r["endpoints"]} for r in runs}
    for database in dict.fromkeys(r["database"] for r in runs):
        small, large = by_key.get((database, "small")), by_key.get((database, "large"))
        if small and large:
            for key, s in small.items():
                big = large.get(key)
                if big is None or key == "bare":
                    continue
                # The page's own queries: the first request's, before any cache holds it.
                before, after = s.get("queries_first"), big.get("queries_first")
                add(
                    database,
                    "small→large",
                    s["name"],
                    "queries constant (uncached)",
                    f"{before} → {after}",
                    before == after,
                )
                if s["kind"] in {"anonymous", "member"}:
                    before, after = s["latency_ms"]["p95"], big["latency_ms"]["p95"]
                    if before and after:
                        growth = after / before
                        add(
                            database,
                            "small→large",
                            s["name"],
                            f"p95 large ≤ {P95_GROWTH}× small",
                            f"{growth:.2f}×",
                            growth <= P95_GROWTH,
                        )
                    else:
                        add(
                            database,
                            "small→large",
                            s["name"],
                            f"p95 large ≤ {P95_GROWTH}× small",
                            "no answer in the run",
                            False,
                        )
        for scale in SCALES:
            measured = by_key.get((database, scale))
            if not measured:
                continue
            for m in measured.values():
                if m["kind"] == "anonymous":
                    add(
                        database,
                        scale,
                        m["name"],
                        f"≥ {ANONYMOUS_SHARE:.0%} of the ceiling",
                        f"{m['ratio_to_bare']:.0%}",
                        m["ratio_to_bare"] >= ANONYMOUS_SHARE,
                    )
                elif m["kind"] == "member":
                    add(
                        database,
                        scale,
                        m["name"],
                        f"≥ {MEMBER_SHARE:.0%} of the ceiling",
                        f"{m['ratio_to_bare']:.0%}",
                        m["ratio_to_bare"] >= MEMBER_SHARE,
                    )
                elif m["kind"] == "write":
                    p95 = m["latency_ms"]["p95"]
                    shown = "-" if p95 is None else f"{p95:.0f}"
                    add(
                        database,
                        scale,
                        m["name"],
                        f"p95 < {COMMENT_P95_MS} ms at {m['concurrency']} writers, no errors",
                        f"{shown} ms, {m['errors']} errors, {m['database_locked']} locked",
                        p95 is not None
                        and p95 < COMMENT_P95_MS
                        and not m["errors"]
                        and not m["database_locked"],
                    )
    return rows


# --- Report --------------------------------------------------------------------------------------


def print_table(run: dict, args) -> None:
    say(
        f"\nGovCommons bench: {run['database']}, {run['scale']} "
        f"({run['seed']['counts']['contributions']:,} contributions, "
        f"{run['seed']['counts']['comments']:,} comments), {server_description(args)}, "
        f"cache {args.cache}, {args.client}, {args.seconds:g}s per endpoint, "
        f"{os.cpu_count()} CPUs, load average {run['load_average_1m']} before the run"
    )
    header = f"{'endpoint':<32}{'conc':>5}" + "".join(
        f"{title:>9}" for title in ("req/s", "p50 ms", "p95 ms", "p99 ms")
    )
    header += f"{'queries':>12}{'vs bare':>9}"
    header += f"{'errors':>8}"
    say(header)
    say("-" * len(header))
    for m in run["endpoints"]:
        latency = [
            "-" if m["latency_ms"][p] is None else f"{m['latency_ms'][p]:.1f}"
            for p in ("p50", "p95", "p99")
        ]
        queries = "/".join(
            "?" if n is None else str(n) for n in (m.get("queries_first"), m["queries"])
        )
        say(
            f"{m['name']:<32}{m['concurrency']:>5}{m['requests_per_second']:>9.1f}"
            + "".join(f"{value:>9}" for value in latency)
            + f"{queries:>12}{m['ratio_to_bare']:>9.2f}{m['errors']:>8}"
        )


def print_targets(rows: list[dict]) -> None:
    if not rows:
        return
    say("\nTargets (issue 7)")
    header = f"{'database':<10}{'scale':<13}{'endpoint':<32}{'target':<44}{'value':<28}result"
    say(header)
    say("-" * len(header))
    for r in rows:
        say(
            f"{r['database']:<10}{r['scale']:<13}{r['endpoint']:<32}{r['target']:<44}"
            f"{r['value']:<28}{r['result']}"
        )
    short = sum(r["result"] == "short" for r in rows)
    say(f"{len(rows) - short} of {len(rows)} targets met.")


def git_commit() -> str:
    try:
        output = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
    except OSError:
        return ""
    return output.stdout.strip()


def client_version(args) -> str:
    if args.client == "python":
        return f"bench/load.py (Python {platform.python_version()})"
    output = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    return (output.stdout + output.stderr).strip().splitlines()[0]


def write_json(runs: list[dict], targets: list[dict], args, stamp: str) -> Path:
    import django
    import gunicorn

    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{stamp}-pages.json"
    document = {
        "timestamp": stamp,
        "git_commit": git_commit(),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "python": platform.python_version(),
        "django": django.get_version(),
        "server": {
            "gunicorn": gunicorn.__version__,
            "workers": args.workers,
            "class": args.worker_class,
            "threads": args.threads if args.worker_class == "gthread" else 1,
        },
        "cache": args.cache,
        "load": {
            "client": client_version(args),
            "concurrency": args.concurrency,
            "write_concurrency": args.write_concurrency,
            "warmup_seconds": args.warmup,
            "seconds": args.seconds,
        },
        "runs": runs,
        "targets": targets,
    }
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path


@contextmanager
def cache_backend(args):
    """Redis for the cache and the sessions, as in production (a database of its own, claimed
    like the scale-out tests claim theirs), unless --cache database or Redis does not answer."""
    from govcommons.core import redis_scratch

    if args.cache == "database" or (args.cache == "auto" and not redis_scratch.reachable()):
        if args.cache == "auto":
            say("Redis does not answer: the cache and sessions are in the database.")
        args.cache = "database"
        yield
        return
    with redis_scratch.scratch_database() as url:
        REDIS["url"], args.cache = url, "redis"
        say(f"Cache and sessions in Redis ({url}).")
        try:
            yield
        finally:
            REDIS["url"] = ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database", choices=["all", "sqlite", "postgres"], default="all",
        help="all: SQLite, then PostgreSQL if it answers (default)",
    )  # fmt: skip
    parser.add_argument(
        "--scales", default=os.environ.get("BENCH_SCALES", "small,large"),
        help="comma-separated: small, large (default: $BENCH_SCALES or small,large)",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=2024, help="seed_bench's random seed")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument(
        "--cache", choices=["auto", "redis", "database"], default="auto",
        help="cache and sessions: Redis as in production (auto: if it answers), or the database",
    )  # fmt: skip
    parser.add_argument("--threads", type=int, default=4, help="per gthread worker")
    parser.add_argument(
        "--client",
        choices=["wrk", "python"],
        default="wrk",
        help="load generator: wrk with bench/wrk.lua, or bench/load.py",
    )
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=8, help="for reads")
    parser.add_argument("--write-concurrency", type=int, default=16, help="for the comment post")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds, not measured")
    parser.add_argument("--seconds", type=float, default=6.0, help="measured, per endpoint")
    parser.add_argument("--requests", type=int, default=50_000, help="cap per endpoint (python)")
    parser.add_argument("--only", help="endpoints to measure, comma-separated (bare,home,list,"
                        "detail,search,api,notifications,comment); default all")  # fmt: skip
    parser.add_argument(
        "--reuse", action="store_true", default=os.environ.get("BENCH_REUSE") == "1",
        help="keep the database of the last run if it was seeded the same way (one scale: the "
        "last one seeded per database); it then holds the comments earlier runs posted",
    )  # fmt: skip
    parser.add_argument("--password", default="bench-password", help=argparse.SUPPRESS)
    parser.add_argument(
        "--search-sizes", default=os.environ.get("SEARCH_SIZES", "100000,1000000"),
        help="contributions for the search benchmark, comma-separated (default: $SEARCH_SIZES "
        "or 100000,1000000; 100000 alone is quicker); 0 skips it",
    )  # fmt: skip
    args = parser.parse_args()
    args.only = set(args.only.split(",")) if args.only else set()
    scales = [s.strip() for s in args.scales.split(",") if s.strip()]
    if not scales or set(scales) - set(SCALES):
        parser.error(f"--scales: choose among {', '.join(SCALES)}")
    if args.client == "wrk" and shutil.which("wrk") is None:
        sys.exit("wrk is not installed: `make wrk` installs Debian's (or use --client python).")

    databases = ["sqlite"] if args.database in {"all", "sqlite"} else []
    if args.database in {"all", "postgres"}:
        if postgres_reachable(POSTGRES_URL):
            databases.append("postgres")
        elif args.database == "postgres":
            sys.exit(f"PostgreSQL is not reachable at {POSTGRES_URL}.")
        else:
            say(f"PostgreSQL is not reachable at {POSTGRES_URL}: SQLite only.")

    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    say("Collecting static files (production storage, as gunicorn serves them) ...")
    # collectstatic opens no database: any address will do (not the bench one, kept by --reuse).
    unused = f"sqlite:///{BENCH_VAR / 'collectstatic.sqlite3'}"
    manage(base_env(unused), "collectstatic", "--no-input", "--verbosity", "0")

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    with cache_backend(args):
        runs = [bench_run(database, scale, args) for database in databases for scale in scales]
    targets = check_targets(runs)
    path = write_json(runs, targets, args, stamp)
    for run in runs:
        print_table(run, args)
    print_targets(targets)
    say(f"written to {path.relative_to(ROOT)}")
    failed = any(m["errors"] for run in runs for m in run["endpoints"])
    if args.search_sizes.strip() not in {"", "0"}:
        say("\nSearch latency (bench/search_bench.py) ...")
        subprocess.run(
            [PY, str(ROOT / "bench" / "search_bench.py"), "--database", args.database,
             "--sizes", args.search_sizes],
            cwd=ROOT, check=True,
        )  # fmt: skip
    if failed:
        sys.exit("Some requests failed: see the errors column and var/bench/gunicorn-*.log.")


if __name__ == "__main__":
    main()
