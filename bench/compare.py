"""`make bench-compare`: what changed between two page benchmark results.

    .venv/bin/python bench/compare.py                  # the two newest bench/results/*-pages.json
    .venv/bin/python bench/compare.py OLD.json NEW.json

One row per database, scale and endpoint found in both files: requests/second, p95 latency and
SQL queries per request, before and after, with the change in per cent. Rows only in one file
are listed after the table.
"""

import argparse
import json
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def newest_two(folder: Path) -> list[Path]:
    files = sorted(folder.glob("*-pages.json"))
    if len(files) < 2:
        sys.exit(f"Need two results in {folder} to compare ({len(files)} found): run make bench.")
    return files[-2:]


def rows_of(document: dict) -> dict[tuple[str, str, str], dict]:
    return {
        (run["database"], run["scale"], m["endpoint"]): m
        for run in document["runs"]
        for m in run["endpoints"]
    }


def change(before, after) -> str:
    if before is None or after is None:
        return "-"
    if not before:
        return "new" if after else "0%"
    return f"{(after - before) / before:+.0%}"


def number(value, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def compare(old: dict, new: dict) -> tuple[list[dict], list[str]]:
    """Rows for the endpoints in both documents, and the names of those in only one."""
    before, after = rows_of(old), rows_of(new)
    rows = []
    for key, a in after.items():
        b = before.get(key)
        if b is None:
            continue
        rows.append({
            "database": key[0], "scale": key[1], "endpoint": a.get("name", key[2]),
            "rps": (b["requests_per_second"], a["requests_per_second"]),
            "p95": (b["latency_ms"]["p95"], a["latency_ms"]["p95"]),
            "queries": (b.get("queries"), a.get("queries")),
        })  # fmt: skip
    only = [f"only in the newer: {' '.join(k)}" for k in after if k not in before]
    only += [f"only in the older: {' '.join(k)}" for k in before if k not in after]
    return rows, only


def render(rows: list[dict], only: list[str], old_name: str, new_name: str) -> str:
    lines = [f"{old_name} -> {new_name}"]
    header = (
        f"{'database':<10}{'scale':<7}{'endpoint':<32}{'req/s':>10}{'':>18}"
        f"{'p95 ms':>10}{'':>18}{'queries':>10}"
    )
    lines += [header, "-" * len(header)]
    for r in rows:
        (rps_b, rps_a), (p95_b, p95_a), (q_b, q_a) = r["rps"], r["p95"], r["queries"]
        queries = f"{'-' if q_b is None else q_b} -> {'-' if q_a is None else q_a}"
        lines.append(
            f"{r['database']:<10}{r['scale']:<7}{r['endpoint']:<32}"
            f"{number(rps_b):>8} -> {number(rps_a):<8}{change(rps_b, rps_a):>8}"
            f"{number(p95_b):>10} -> {number(p95_a):<8}{change(p95_b, p95_a):>8}"
            f"{queries:>12}"
        )
    lines += only
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="OLD.json NEW.json (default: newest)")
    args = parser.parse_args(argv)
    if len(args.files) not in (0, 2):
        parser.error("give two files, or none for the two newest results")
    old_path, new_path = args.files or newest_two(RESULTS)
    old, new = (json.loads(path.read_text()) for path in (old_path, new_path))
    rows, only = compare(old, new)
    sys.stdout.write(render(rows, only, old_path.name, new_path.name) + "\n")


if __name__ == "__main__":
    main()
