"""`make bench`: seed a fresh database, serve it with gunicorn, measure pages against a bare view.

For each database (SQLite, then PostgreSQL when it answers): create it from scratch, migrate,
load the demo data and a bulk of organisations and members, start gunicorn as in production
(DEBUG off, 2 sync workers) on a free local port, and drive it with bench/load.py, a separate
process. Prints a table and writes bench/results/<timestamp>-<database>.json. Then the search
benchmark (bench/search_bench.py) at the sizes in --search-sizes. See bench/README.md.
"""

import argparse
import http.client
import json
import os
import platform
import secrets
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_VAR = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "results"
PY = sys.executable
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/govcommons_bench"
)
# Name, path, body the answer must have (None: any body, status 200 only).
ENDPOINTS = [
    ("bare view", "/_bench/bare", "bare"),
    ("home page", "/", None),
]


def say(message: str) -> None:
    print(message, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def base_env(database_url: str) -> dict:
    """Production settings, minus HTTPS: what gunicorn and the management commands run with."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
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
    )
    return env


def manage(env: dict, *args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True)


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


# --- Server and load ---------------------------------------------------------------------------


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


def start_gunicorn(env: dict, port: int, workers: int, log: Path) -> subprocess.Popen:
    command = [
        PY, "-m", "gunicorn", "govcommons.wsgi:application",
        "--workers", str(workers), "--worker-class", "sync",
        "--bind", f"127.0.0.1:{port}", "--timeout", "30",
        "--log-level", "warning", "--error-logfile", "-",
    ]  # fmt: skip
    with log.open("w") as output:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def drive(port: int, path: str, expect_body: str | None, args) -> dict:
    command = [
        PY, str(ROOT / "bench" / "load.py"), "--url", f"http://127.0.0.1:{port}{path}",
        "--concurrency", str(args.concurrency), "--warmup", str(args.warmup),
        "--seconds", str(args.seconds), "--requests", str(args.requests),
    ]  # fmt: skip
    if expect_body is not None:
        command += ["--expect-body", expect_body]
    bound = args.warmup + args.seconds + 60
    output = subprocess.run(command, check=True, capture_output=True, text=True, timeout=bound)
    return json.loads(output.stdout)


# --- One database --------------------------------------------------------------------------------


def bench_database(database: str, args) -> dict:
    load_average = round(os.getloadavg()[0], 2)
    say(f"\n== {database}: fresh database (machine load average {load_average}) ==")
    database_url = fresh_sqlite() if database == "sqlite" else fresh_postgres(POSTGRES_URL)
    env = base_env(database_url)
    started = time.monotonic()
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    say(f"  migrated in {time.monotonic() - started:.1f}s")
    manage(env, "seed_demo", "--force", "--verbosity", "0")
    seeded = subprocess.run(
        [PY, str(ROOT / "bench" / "seed.py"),
         "--organizations", str(args.organizations), "--members", str(args.members)],
        cwd=ROOT, env=env, check=True, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    data = json.loads(seeded.stdout.strip().splitlines()[-1])
    say(
        f"  seeded in {time.monotonic() - started:.1f}s: {data['organizations']} organisations, "
        f"{data['members']} members ({data['verified_members']} verified)"
    )

    port = free_port()
    log = BENCH_VAR / f"gunicorn-{database}.log"
    server = start_gunicorn(env, port, args.workers, log)
    measurements = []
    try:
        wait_until_ready(server, port)
        say(f"  gunicorn: {args.workers} sync workers on 127.0.0.1:{port} (log: {log})")
        for name, path, expect_body in ENDPOINTS:
            say(f"  {name} ({path}): {args.warmup:g}s warm-up, then up to {args.seconds:g}s ...")
            measurements.append(
                {"endpoint": name, "path": path, **drive(port, path, expect_body, args)}
            )
    finally:
        stop(server)

    bare_rps = measurements[0]["requests_per_second"]
    for measurement in measurements:
        ratio = measurement["requests_per_second"] / bare_rps if bare_rps else 0.0
        measurement["ratio_to_bare"] = round(ratio, 3)
    return {
        "database": database,
        "load_average_1m": load_average,
        "seed": data,
        "endpoints": measurements,
    }


def print_table(result: dict, args) -> None:
    say(
        f"\nGovCommons bench: {result['database']}, gunicorn {args.workers} sync workers, "
        f"concurrency {args.concurrency}, {args.seconds:g}s per endpoint, "
        f"{os.cpu_count()} CPUs, load average {result['load_average_1m']} before the run"
    )
    header = f"{'endpoint':<24}" + "".join(
        f"{title:>9}" for title in ("req/s", "p50 ms", "p95 ms", "p99 ms", "vs bare")
    )
    header += f"{'errors':>8}"
    say(header)
    say("-" * len(header))
    for m in result["endpoints"]:
        latency = m["latency_ms"]
        say(
            f"{m['endpoint'] + ' ' + m['path']:<24}{m['requests_per_second']:>9.1f}"
            f"{latency['p50']:>9.1f}{latency['p95']:>9.1f}{latency['p99']:>9.1f}"
            f"{m['ratio_to_bare']:>9.2f}{m['errors']:>8}"
        )


def git_commit() -> str:
    try:
        output = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
    except OSError:
        return ""
    return output.stdout.strip()


def write_json(result: dict, args, stamp: str) -> Path:
    import django
    import gunicorn

    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{stamp}-{result['database']}.json"
    document = {
        "timestamp": stamp,
        "git_commit": git_commit(),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            # Other work on the machine skews the numbers: kept so that a reader can tell.
            "load_average_1m": result["load_average_1m"],
        },
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": {"version": gunicorn.__version__, "workers": args.workers, "class": "sync"},
        "cache": "redis" if os.environ.get("REDIS_URL") else "database",
        "load": {
            "concurrency": args.concurrency,
            "warmup_seconds": args.warmup,
            "max_seconds": args.seconds,
            "max_requests": args.requests,
        },
        **result,
    }
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database", choices=["all", "sqlite", "postgres"], default="all",
        help="all: SQLite, then PostgreSQL if it answers (default)",
    )  # fmt: skip
    parser.add_argument("--organizations", type=int, default=2000)
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--seconds", type=float, default=6.0, help="measured, per endpoint")
    parser.add_argument("--requests", type=int, default=50_000, help="cap, per endpoint")
    parser.add_argument(
        "--search-sizes", default=os.environ.get("SEARCH_SIZES", "100000"),
        help="contributions for the search benchmark, comma-separated (default: $SEARCH_SIZES "
        "or 100000; 1000000 too with 100000,1000000); 0 skips it",
    )  # fmt: skip
    args = parser.parse_args()

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
    manage(base_env(fresh_sqlite()), "collectstatic", "--no-input", "--verbosity", "0")

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    results = []
    for database in databases:
        result = bench_database(database, args)
        result["json"] = str(write_json(result, args, stamp).relative_to(ROOT))
        results.append(result)
    for result in results:
        print_table(result, args)
        say(f"written to {result['json']}")
    failed = any(m["errors"] for result in results for m in result["endpoints"])
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
