"""The search part of `make bench`: search latency with 100,000 (and 1,000,000) contributions.

For each database and size: a fresh database (var/bench/search-<size>.sqlite3, or
govcommons_search_bench_<size> on the local PostgreSQL), migrated, with the demo data, the bench
organisations and members (bench/seed.py) and N generated contributions (bench/search_seed.py,
bulk-loaded). Then, in a separate process, the measurement: govcommons.search.selectors.search
called in-process, facets included, over a fixed list of realistic queries, after a warm-up;
and the search-as-you-type suggestions. Prints a table against the issue's targets and writes
bench/results/<timestamp>-search-<database>-<size>.json. See bench/README.md, "Search".
"""

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(1, str(BENCH.parent))

from load import percentile  # noqa: E402 - bench/ is not a package
from run import (  # noqa: E402
    BENCH_VAR,
    POSTGRES_URL,
    PY,
    RESULTS,
    ROOT,
    base_env,
    fresh_postgres,
    git_commit,
    manage,
    postgres_reachable,
    say,
)

# The targets: p95 in milliseconds, by size (None: no target, reported only).
SEARCH_TARGET_MS = {100_000: 100, 1_000_000: 300}
SUGGEST_TARGET_MS = {100_000: 30}

# What people type, with the filters they narrow by. (label, text, filters, options)
QUERIES = [
    ("3 words", "pothole reporting app", {}, {}),
    ("3 words", "waiting times clinic", {}, {}),
    ("3 words", "open data portal", {}, {}),
    ("3 words", "social housing allocation", {}, {}),
    ("3 words", "energy efficiency schools", {}, {}),
    ("3 words, fr", "temps d'attente urgences", {}, {}),
    ("3 words, es", "presupuestos participativos barrio", {}, {}),
    ("2 words", "budget participatif", {}, {}),
    ("2 words", "participatory budgeting", {}, {}),
    ("2 words", "cycle lanes", {}, {}),
    ("2 words", "street lighting", {}, {}),
    ("2 words", "digital identity", {}, {}),
    ("2 words", "green procurement", {}, {}),
    ("2 words", "food waste", {}, {}),
    ("2 words, fr", "données ouvertes", {}, {}),
    ("2 words, es", "datos abiertos", {}, {}),
    ("2 words, de", "Wartezeiten Klinik", {}, {}),
    ("1 word, de", "Bürgerhaushalt", {}, {}),
    ("accents folded", "donnees ouvertes", {}, {}),
    ("accents folded", "renovation energetique", {}, {}),
    ("phrase", '"open data portal"', {}, {}),
    ("phrase", '"participatory budgeting"', {}, {}),
    ("phrase, fr", '"plan canicule"', {}, {}),
    ("exclusion", "open data -portal", {}, {}),
    ("exclusion", "waste -food", {}, {}),
    ("OR", "chatbot OR assistant", {}, {}),
    ("uncommon word", "soakaways", {}, {}),
    ("uncommon word, fr", "bibliobus", {}, {}),
    ("very common word", "project", {}, {}),
    ("very common word", "service", {}, {}),
    ("common word, page 10", "data", {}, {"page": 10}),
    ("long question", "how to reduce waiting times at the outpatient clinic with online booking",
     {}, {}),
    ("no result", "xylophone quantum", {}, {}),
    ("+ country", "open data", {"country": ["FR"]}, {}),
    ("+ level", "waiting times", {"level": ["national"]}, {}),
    ("+ level + country", "pothole reporting app", {"level": ["local"], "country": ["GB", "IE"]},
     {}),
    ("+ type + evidence", "procurement", {"type": ["case_study"], "evidence": ["3", "4", "5"]},
     {}),
    ("+ topic", "climate", {"topic": ["climate-adaptation"]}, {}),
    ("filters only", "", {"topic": ["open-data"]}, {}),
    ("filters only", "", {"country": ["FR"], "language": ["fr"]}, {}),
    ("sort newest", "open data portal", {}, {"sort": "newest"}),
    ("sort adopted", "recycling", {}, {"sort": "adopted"}),
]  # fmt: skip

# What is typed into the search box, letter by letter, before a search is made.
PREFIXES = [
    "po", "pot", "poth", "wait", "clin", "open", "budg", "parti", "donn", "renov", "burg",
    "presu", "chat", "perm", "recy", "heat", "tra", "sch", "emer",
]  # fmt: skip
# Search as you type: the whole phrase so far, its last word as a prefix.
TYPED = ["pothole rep", "waiting ti", "open da", "budget partic", "cycle la", "digital ide"]


# --- Orchestration (this process) -----------------------------------------------------------------


def size_label(size: int) -> str:
    if size % 1_000_000 == 0:
        return f"{size // 1_000_000}m"
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def sqlite_url(size: int) -> str:
    return f"sqlite:///{BENCH_VAR / f'search-{size_label(size)}.sqlite3'}"


def postgres_url(size: int) -> str:
    parts = urlsplit(POSTGRES_URL)
    return urlunsplit(parts._replace(path=f"/govcommons_search_bench_{size_label(size)}"))


def fresh_database(database: str, size: int) -> str:
    if database == "postgres":
        return fresh_postgres(postgres_url(size))
    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    url = sqlite_url(size)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{url.removeprefix('sqlite:///')}{suffix}").unlink(missing_ok=True)
    return url


def marker_path(database: str, size: int) -> Path:
    return BENCH_VAR / f"search-{database}-{size_label(size)}.json"


def seed_signature(args, size: int) -> dict:
    """What the seeded data depends on: a database made with the same can be reused."""
    migrations = sorted(
        str(p.relative_to(ROOT)) for p in ROOT.glob("govcommons/*/migrations/0*.py")
    )
    return {
        "size": size,
        "seed": args.seed,
        "optimize_fts": args.optimize_fts,
        "analyze": args.analyze,
        "search_seed_mtime": (BENCH / "search_seed.py").stat().st_mtime,
        "migrations": migrations,
    }


def run_json(command: list, env: dict) -> dict:
    output = subprocess.run(
        command, cwd=ROOT, env=env, check=True, stdout=subprocess.PIPE, text=True
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def prepare(database: str, size: int, args) -> tuple[str, dict]:
    """A database holding `size` generated contributions: made now, or reused with --reuse
    when the last one was made the same way. Returns its URL and the seeding report."""
    url = postgres_url(size) if database == "postgres" else sqlite_url(size)
    marker = marker_path(database, size)
    signature = seed_signature(args, size)
    if args.reuse and marker.exists():
        previous = json.loads(marker.read_text())
        if previous.get("signature") == signature:
            say(f"  reusing the {size:,} database seeded before ({url})")
            return url, {**previous["seeding"], "reused": True}
    marker.unlink(missing_ok=True)
    url = fresh_database(database, size)
    env = base_env(url)
    steps = {}
    started = time.monotonic()
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    manage(env, "seed_demo", "--force", "--verbosity", "0")
    steps["migrate_and_demo_s"] = round(time.monotonic() - started, 1)
    started = time.monotonic()
    run_json([PY, str(BENCH / "seed.py")], env)
    steps["organisations_and_members_s"] = round(time.monotonic() - started, 1)
    command = [PY, str(BENCH / "search_seed.py"), "--size", str(size), "--seed", str(args.seed)]
    command += ["--optimize-fts"] if args.optimize_fts else []
    command += ["--analyze"] if args.analyze else []
    contributions = run_json(command, env)
    steps.update(contributions=contributions)
    steps["seconds"] = round(
        steps["migrate_and_demo_s"] + steps["organisations_and_members_s"]
        + contributions["total_s"], 1
    )  # fmt: skip
    say(
        f"  seeded {size:,} contributions in {contributions['total_s']:.0f}s (bulk load "
        f"{contributions['load_s']:.0f}s, indexes {contributions.get('indexes_s', 0):.0f}s), "
        f"{steps['seconds']:.0f}s with migrations and the demo data"
    )
    if contributions["indexer_differences"]:
        say(f"  WARNING: seeded documents differ from search.documents: "
            f"{contributions['indexer_differences']}")  # fmt: skip
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps({"signature": signature, "seeding": steps}, indent=2))
    return url, steps


def bench_one(database: str, size: int, args) -> dict:
    say(f"\n== search, {database}, {size:,} contributions "
        f"(load average {os.getloadavg()[0]:.2f}) ==")  # fmt: skip
    started = time.monotonic()
    url, seeding = prepare(database, size, args)
    env = base_env(url)
    command = [
        PY, str(BENCH / "search_bench.py"), "measure", "--reps", str(args.reps),
        "--budget", str(args.budget), "--timeout", str(args.timeout),
    ]  # fmt: skip
    say(f"  measuring: warm-up, then {args.reps} rounds of {len(QUERIES) + 2} searches "
        f"(at most {args.budget:g}s) and {len(PREFIXES)} suggestions ...")  # fmt: skip
    measured_at = time.monotonic()
    measurement = run_json(command, env)
    return {
        "database": database,
        "size": size,
        "load_average_1m": round(os.getloadavg()[0], 2),
        "seeding": seeding,
        "measure_s": round(time.monotonic() - measured_at, 1),
        "total_s": round(time.monotonic() - started, 1),
        **measurement,
    }


def verdict(p95: float, target: float | None) -> str:
    if target is None:
        return "(no target)"
    return f"< {target} ms: " + ("yes" if p95 < target else "MISSED")


def print_result(result: dict) -> None:
    size = result["size"]
    seeding = result["seeding"]
    contributions = seeding.get("contributions", {})
    say(
        f"\nSearch, {result['database']}, {size:,} contributions: seeded in "
        f"{contributions.get('total_s', 0):.0f}s{' (reused)' if seeding.get('reused') else ''}, "
        f"measured in {result['measure_s']:.0f}s; {result['cpus']} CPUs, load average "
        f"{result['load_average_1m']}"
    )
    header = f"{'what':<44}{'runs':>6}" + "".join(
        f"{t:>9}" for t in ("p50 ms", "p95 ms", "p99 ms", "max ms")
    )
    say(header + "   p95 target")
    say("-" * (len(header) + 20))
    targets = {
        "search": SEARCH_TARGET_MS.get(size),
        "suggestions": SUGGEST_TARGET_MS.get(size),
        # No page runs this search: what a reader sees while typing is the suggestions.
        "as_you_type": None,
    }
    for key, line in result["summary"].items():
        latency = line["latency_ms"]
        timed_out = f"  ({line['timeouts']} timed out)" if line.get("timeouts") else ""
        say(
            f"{line['label']:<44}{line['runs']:>6}{latency['p50']:>9.1f}{latency['p95']:>9.1f}"
            f"{latency['p99']:>9.1f}{latency['max']:>9.1f}   "
            f"{verdict(latency['p95'], targets[key])}{timed_out}"
        )
    say("\nEach query (median of its runs; results = total matches; facets = values counted):")
    say(f"{'query':<52}{'results':>9}{'facets':>8}{'p50 ms':>9}"
        f"{'candid.':>8}{'facets':>8}{'rest':>8}")  # fmt: skip
    for query in sorted(result["queries"], key=lambda q: -q["p50_ms"]):
        phases = query.get("phases_ms", {})
        shown = f"{query['label']}: {query['text'] or '(none)'}"
        if query.get("timeouts"):
            shown = f"[{query['timeouts']} timed out] " + shown
        if query["filters"]:
            shown += " " + ",".join(f"{k}={'|'.join(v)}" for k, v in query["filters"].items())
        say(
            f"{shown[:51]:<52}{query['total']:>9}{query['facet_values']:>8}{query['p50_ms']:>9.1f}"
            + "".join(
                f"{'>' if p in phases.get('timed_out', ()) else ''}{phases.get(p, 0):.1f}".rjust(8)
                for p in ("candidates", "facets", "rest")
            )
        )


def write_json(result: dict, stamp: str) -> Path:
    import django

    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{stamp}-search-{result['database']}-{size_label(result['size'])}.json"
    document = {
        "timestamp": stamp,
        "git_commit": git_commit(),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "python": platform.python_version(),
        "django": django.get_version(),
        "targets_p95_ms": {"search": SEARCH_TARGET_MS, "suggestions": SUGGEST_TARGET_MS},
        **result,
    }
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path


def orchestrate(args) -> None:
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    databases = ["sqlite"] if args.database in {"all", "sqlite"} else []
    if args.database in {"all", "postgres"}:
        if postgres_reachable(POSTGRES_URL):
            databases.append("postgres")
        elif args.database == "postgres":
            sys.exit(f"PostgreSQL is not reachable at {POSTGRES_URL}.")
        else:
            say(f"PostgreSQL is not reachable at {POSTGRES_URL}: search on SQLite only.")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    results = []
    for size in sizes:
        for database in databases:
            result = bench_one(database, size, args)
            result["json"] = str(write_json(result, stamp).relative_to(ROOT))
            print_result(result)
            results.append(result)
    say("\nSearch summary (p95 ms; targets from issue 6):")
    for result in results:
        parts = []
        for key, line in result["summary"].items():
            parts.append(f"{key} {line['latency_ms']['p95']:.0f}")
        say(f"  {result['database']:<9}{result['size']:>10,}: " + ", ".join(parts)
            + f"  ({result['json']})")  # fmt: skip


# --- Measurement (a child process, with the database in its environment) -----------------------


def summarize(label: str, samples: list[float], timeouts: int = 0) -> dict:
    ordered = sorted(samples)
    return {
        "label": label,
        "runs": len(ordered),
        "timeouts": timeouts,
        "latency_ms": {
            "p50": round(percentile(ordered, 50), 2),
            "p95": round(percentile(ordered, 95), 2),
            "p99": round(percentile(ordered, 99), 2),
            "max": round(ordered[-1], 2) if ordered else 0.0,
        },
    }


def phase_times(user, text: str, filters, options: dict, timeout: "Timeout") -> tuple[dict, dict]:
    """Where one search's time goes: the candidates (selectors._candidates) and
    the facet counts over them (selectors._facet_counts), each under the timeout, with the
    candidates' query plan. A diagnostic that reads the selectors' private helpers: it must
    follow them if they change."""
    from django.db import OperationalError, connection

    from govcommons.search import selectors
    from govcommons.search.query import parse

    query = parse(text)
    if query.is_empty and not filters:
        return {}, {}
    timings, plans = {}, {}
    elapsed, found = timeout.run(selectors._candidates, user, query, filters)
    timings["candidates"] = round(elapsed, 2)
    if found is None:
        timings.setdefault("timed_out", []).append("candidates")
        return timings, plans
    rows, _ = found
    elapsed, done = timeout.run(selectors._facet_counts, rows, filters)
    timings["facets"] = round(elapsed, 2)
    if done is None:
        timings.setdefault("timed_out", []).append("facets")
    # The plan of each statement the candidates ran (PostgreSQL runs one per window).
    statements = []

    def record(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        selectors._candidates(user, query, filters)
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    for number, (sql, params) in enumerate(statements, start=1):
        try:
            with connection.cursor() as cursor:
                cursor.execute(explain + sql, params)
                plan = [" ".join(str(c) for c in r) for r in cursor.fetchall()]
        except OperationalError:  # the session's statement_timeout, on a very slow planner
            plan = ["(no plan: timed out)"]
        plans[f"candidates {number}"] = plan
    return timings, plans


def suggestion_reader():
    """What suggests while typing: govcommons.search.suggest.suggestions."""
    from govcommons.search.suggest import suggestions

    return "suggestions (search.suggest.suggestions)", suggestions


class Timeout:
    """Stops any statement that runs longer than `seconds`, so that a pathological plan costs
    the benchmark seconds, not hours: SQLite through a progress handler, PostgreSQL through
    statement_timeout. A stopped search counts as taking `seconds` (so percentiles that include
    one are lower bounds) and is reported as timed out."""

    def __init__(self, seconds: float):
        from django.db import connection

        self.seconds = seconds
        self.deadline = float("inf")
        connection.ensure_connection()
        if connection.vendor == "sqlite":
            connection.connection.set_progress_handler(self._expired, 10_000)
        else:
            with connection.cursor() as cursor:
                cursor.execute(f"SET statement_timeout = {int(seconds * 1000)}")

    def _expired(self) -> int:
        return 1 if time.perf_counter() > self.deadline else 0

    def run(self, function, *args, **kwargs) -> tuple[float, object]:
        """(milliseconds, result); result None when the time ran out."""
        from django.db import OperationalError

        began = time.perf_counter()
        self.deadline = began + self.seconds
        try:
            result = function(*args, **kwargs)
        except OperationalError:
            return self.seconds * 1000, None
        finally:
            self.deadline = float("inf")
        return (time.perf_counter() - began) * 1000, result


def rare_words() -> list:
    """Searches for a place's name, as people do: one named in a single title, one in about
    twenty (taken from the index's vocabulary, so they exist whatever the seed)."""
    from govcommons.search.models import SearchWord

    found = []
    for label, count in (("rare word, a place", 1), ("uncommon word, a place", 20)):
        words = SearchWord.objects.filter(document_count=count).order_by("word")
        word = next((w for w in words.values_list("word", flat=True)[:500] if w.isalpha()), "")
        if word:
            found.append((label, word, {}, {}))
    return found


def measure(args) -> None:
    import django

    django.setup()
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection

    from govcommons.search.models import SearchDocument
    from govcommons.search.selectors import SearchFilters, search

    user = AnonymousUser()
    rng = random.Random(7)
    document_count = SearchDocument.objects.count()  # before the timeout applies
    timeout = Timeout(args.timeout)
    cases = [
        (label, text, SearchFilters({k: list(v) for k, v in filters.items()}), options)
        for label, text, filters, options in QUERIES + rare_words()
    ]

    def run_search(case) -> tuple[float, object]:
        _, text, filters, options = case
        return timeout.run(search, user, text, filters, with_facets=True, **options)

    # Warm-up: every query once (caches, stemmers, the database's pages), not measured.
    began = time.monotonic()
    for case in cases:
        run_search(case)
    warmup_s = time.monotonic() - began

    per_query: dict[int, list[float]] = {i: [] for i in range(len(cases))}
    outcome: dict[int, tuple[int, int]] = {}
    timeouts: dict[int, int] = dict.fromkeys(range(len(cases)), 0)
    deadline = time.monotonic() + args.budget
    rounds = 0
    while rounds < args.reps and (rounds == 0 or time.monotonic() < deadline):
        order = list(range(len(cases)))
        rng.shuffle(order)
        for index in order:
            elapsed, results = run_search(cases[index])
            per_query[index].append(elapsed)
            if results is None:
                timeouts[index] += 1
            else:
                total = f">{results.more_than}" if results.more_than else results.total
                outcome[index] = (total, sum(len(v) for v in results.facets.values()))
        rounds += 1

    queries = []
    for index, (label, text, filters, options) in enumerate(cases):
        samples = sorted(per_query[index])
        phases, plans = phase_times(user, text, filters, options, timeout)
        if phases and "timed_out" not in phases:
            phases["rest"] = round(max(0.0, percentile(samples, 50) - sum(phases.values())), 2)
        total, facet_values = outcome.get(index, (-1, -1))
        queries.append({
            "label": label, "text": text, "filters": filters.values, "options": options,
            "total": total, "facet_values": facet_values, "timeouts": timeouts[index],
            "runs_ms": [round(s, 2) for s in samples], "p50_ms": round(percentile(samples, 50), 2),
            "phases_ms": phases, "plans": plans,
        })  # fmt: skip

    suggest_label, suggest = suggestion_reader()
    for prefix in PREFIXES:  # warm-up
        timeout.run(suggest, user, prefix)
    suggestion_samples, suggestion_counts, suggestion_timeouts = [], {}, 0
    for _ in range(max(args.reps, 5)):
        for prefix in PREFIXES:
            elapsed, found = timeout.run(suggest, user, prefix)
            suggestion_samples.append(elapsed)
            suggestion_timeouts += found is None
            suggestion_counts[prefix] = -1 if found is None else len(found)

    typed_samples, typed_timeouts = [], 0
    for text in TYPED:  # warm-up
        timeout.run(search, user, text, prefix_last=True, with_facets=False, per_page=8)
    for _ in range(max(args.reps, 5)):
        for text in TYPED:
            elapsed, results = timeout.run(
                search, user, text, prefix_last=True, with_facets=False, per_page=8
            )
            typed_samples.append(elapsed)
            typed_timeouts += results is None

    all_searches = [s for samples in per_query.values() for s in samples]
    summary = {
        "search": summarize("search, with facet counts", all_searches, sum(timeouts.values())),
        "suggestions": summarize(suggest_label, suggestion_samples, suggestion_timeouts),
        "as_you_type": summarize(
            "as you type: search(prefix_last), no facets", typed_samples, typed_timeouts
        ),
    }
    sys.stdout.write(json.dumps({
        "vendor": connection.vendor,
        "cpus": os.cpu_count(),
        "documents": document_count,
        "user": "anonymous",
        "rounds": rounds,
        "timeout_s": args.timeout,
        "warmup_s": round(warmup_s, 1),
        "summary": summary,
        "queries": queries,
        "suggestions": {"label": suggest_label, "results": suggestion_counts},
    }) + "\n")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", nargs="?", choices=["run", "measure"], default="run",
                        help="measure: the child process that measures (internal)")  # fmt: skip
    parser.add_argument(
        "--database", choices=["all", "sqlite", "postgres"], default="all",
        help="all: SQLite, then PostgreSQL if it answers (default)",
    )  # fmt: skip
    parser.add_argument(
        "--sizes", default=os.environ.get("SEARCH_SIZES") or "100000",
        help="contributions, comma-separated (default: $SEARCH_SIZES or 100000)",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--reps", type=int, default=5, help="measured rounds of every query")
    parser.add_argument(
        "--budget", type=float, default=240,
        help="seconds: no new round starts after this (one round always runs)",
    )  # fmt: skip
    parser.add_argument(
        "--reuse", action="store_true",
        default=os.environ.get("SEARCH_REUSE", "") not in {"", "0", "false"},
        help="reuse a database seeded before with the same settings ($SEARCH_REUSE=1)",
    )  # fmt: skip
    parser.add_argument(
        "--timeout", type=float, default=3.0,
        help="seconds: a statement running longer is stopped and counted as timed out",
    )  # fmt: skip
    parser.add_argument("--optimize-fts", action="store_true", help="see search_seed.py")
    parser.add_argument("--analyze", action="store_true", help="see search_seed.py")
    args = parser.parse_args()
    if args.mode == "measure":
        measure(args)
    else:
        orchestrate(args)


if __name__ == "__main__":
    main()
