"""`make bench-compare` (bench/compare.py) shows what changed between two page results."""

import importlib.util
import json

import pytest
from django.conf import settings


@pytest.fixture(scope="module")
def compare():
    path = settings.BASE_DIR / "bench" / "compare.py"
    spec = importlib.util.spec_from_file_location("bench_compare", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def result(runs: list[tuple[str, str, str, float, float, int]]) -> dict:
    """A page result with (database, scale, endpoint, req/s, p95 ms, queries) rows."""
    document: dict = {"runs": []}
    for database, scale, endpoint, rps, p95, queries in runs:
        run = next(
            (r for r in document["runs"] if (r["database"], r["scale"]) == (database, scale)),
            None,
        )
        if run is None:
            run = {"database": database, "scale": scale, "endpoints": []}
            document["runs"].append(run)
        run["endpoints"].append({
            "endpoint": endpoint, "name": endpoint.replace("_", " "),
            "requests_per_second": rps, "latency_ms": {"p50": p95 / 2, "p95": p95},
            "queries": queries,
        })  # fmt: skip
    return document


def write(tmp_path, name: str, document: dict):
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return path


def test_compare_shows_the_change_of_each_endpoint(compare, tmp_path, capsys):
    old = write(tmp_path, "20250101T000000Z-pages.json", result([
        ("sqlite", "small", "home", 100.0, 40.0, 5),
        ("sqlite", "small", "search", 50.0, 200.0, 7),
        ("sqlite", "small", "api", 80.0, 60.0, 4),
    ]))  # fmt: skip
    new = write(tmp_path, "20250102T000000Z-pages.json", result([
        ("sqlite", "small", "home", 150.0, 30.0, 5),
        ("sqlite", "small", "search", 25.0, 300.0, 9),
        ("postgres", "small", "home", 120.0, 35.0, 5),
    ]))  # fmt: skip

    compare.main([str(old), str(new)])

    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"{old.name} -> {new.name}"
    home = next(line for line in lines if line.startswith("sqlite    small  home"))
    assert "100.0 -> 150.0" in home
    assert "+50%" in home
    assert "40.0 -> 30.0" in home
    assert "-25%" in home
    assert "5 -> 5" in home
    search = next(line for line in lines if "search" in line)
    assert "-50%" in search
    assert "7 -> 9" in search
    assert "only in the newer: postgres small home" in lines
    assert "only in the older: sqlite small api" in lines


def test_compare_defaults_to_the_two_newest_results(compare, tmp_path, capsys, monkeypatch):
    for day, rps in (("01", 10.0), ("02", 20.0), ("03", 40.0)):
        write(tmp_path, f"202501{day}T000000Z-pages.json", result([
            ("sqlite", "small", "home", rps, 10.0, 5),
        ]))  # fmt: skip
    write(tmp_path, "20250104T000000Z-search-sqlite-100k.json", {"not": "pages"})
    monkeypatch.setattr(compare, "RESULTS", tmp_path)

    compare.main([])

    out = capsys.readouterr().out
    assert out.startswith("20250102T000000Z-pages.json -> 20250103T000000Z-pages.json")
    assert "20.0 -> 40.0" in out


def test_compare_needs_two_results(compare, tmp_path, monkeypatch):
    write(tmp_path, "20250101T000000Z-pages.json", result([]))
    monkeypatch.setattr(compare, "RESULTS", tmp_path)

    with pytest.raises(SystemExit, match="Need two results"):
        compare.main([])
