"""The benchmark (python -m biwaq_data.tools.bench) at small sizes: it runs, prints its one table, writes the JSON with
every section (loads of three formats, metrics against DuckDB in memory and on Parquet, pages, concurrent
sessions, import), and every figure equals DuckDB's. No timing assertions: times depend on the machine."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from biwaq_data.tools import bench, bench_app
from biwaq_data.tools.bench import FILTER_NAMES, METRICS, TARGETS
from ui.navigation import PAGES

ROOT = Path(__file__).resolve().parent.parent
SIZES = (1_000, 10_000)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "bench.json"
    proc = subprocess.run(
        [sys.executable, "-m", "biwaq_data.tools.bench", "--sizes", ",".join(map(str, SIZES)), "--import-rows", "2000",
         "--repeat", "1", "--sessions", "1,2", "--sessions-max-size", str(SIZES[0]), "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=1200)
    print(proc.stdout)  # the table, visible with pytest -s
    return proc, json.loads(out.read_text(encoding="utf-8"))


def test_runs_and_prints_one_table(run):
    proc, results = run
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    table = proc.stdout
    for heading in ("— Daten", "— Laden", "— Speicher", "— Kennzahlen", "— Seiten", "— Import", "— Viele Nutzer",
                    "Systemlast"):
        assert heading in table
    assert "1.000" in table and "10.000" in table
    assert table.count("PASS") + table.count("MISS") >= len(results["targets"])
    assert results["table"] in table


def test_json_has_every_section_and_size(run):
    _, results = run
    keys = [str(n) for n in SIZES]
    assert results["meta"]["sizes"] == list(SIZES)
    for section in ("data", "load", "app"):
        assert sorted(results[section]) == sorted(keys)
    for k in keys:
        assert results["data"][k]["rows"]["participants"] == int(k)
        assert results["data"][k]["arrow_mb"] > 0
        assert sorted(results["load"][k]) == sorted(bench.FORMATS + ("snapshot",))
        snap = results["load"][k]["snapshot"]  # own Parquet imported once, loaded as the app loads it
        assert snap["snapshot"]["format"] == snap["import"]["format"] == 2
        assert snap["snapshot"]["best_s"] > 0 and snap["pyarrow"]["best_s"] > 0 and snap["snapshot"]["peak_mb"] >= 0
        assert snap["snapshot"]["rows"] == results["data"][k]["rows"] and snap["equal"], snap["problems"]
        for fmt in bench.FORMATS:
            load = results["load"][k][fmt]
            for step in ("pyarrow", "load_dataset", "duckdb"):
                assert load[step]["best_s"] > 0
                assert load[step]["peak_mb"] >= 0
            # every format loads the same records, and DuckDB's load derives the same headline counts
            assert load["load_dataset"]["rows"] == results["data"][k]["rows"], fmt
            assert load["equal"], (fmt, load["problems"])
            assert load["load_dataset"]["headline"]["participants"] == int(k)
    assert {t["target"] for t in results["targets"]} == set(TARGETS)
    assert results["meta"]["loadavg"] and results["meta"]["cpus"]


def test_every_metric_equals_duckdb_with_and_without_filters(run):
    _, results = run
    seen = {(r["metric"], r["filter"], r["size"]) for r in results["metrics"]}
    assert seen == {(m, f, n) for m in METRICS for f in FILTER_NAMES for n in SIZES}
    for row in results["metrics"]:
        assert row["equal"], (row["metric"], row["filter"], row["size"], row["problems"])
        assert row["pandas_s"] > 0 and row["duckdb_s"] > 0 and row["duckdb_parquet_s"] > 0


def test_every_page_runs_cold_and_after_filter_changes(run):
    _, results = run
    for k in map(str, SIZES):
        pages = results["app"][k]["pages"]
        assert list(pages) == [p.path for p in PAGES]
        for path, info in pages.items():
            assert not info["errors"], (path, k, info["errors"])
            assert info["cold_s"] > 0 and info["first_view_s"] > 0
            assert len(info["rerun_s"]) == len(bench_app.filter_changes(None, None))
        # the participants card was checked against metrics.headline after each change where it is shown
        assert sum(info["checked_cards"] for info in pages.values()) > 0


def test_sessions_at_once(run):
    """The sample and the smallest size, 1 and 2 sessions at once: every rerun ran, applied its filters, no error."""
    _, results = run
    assert sorted(results["sessions"]) == sorted(["827", str(SIZES[0])])
    for label, info in results["sessions"].items():
        assert not info["warm_errors"]
        assert sorted(info["runs"], key=int) == ["1", "2"]
        for n, r in info["runs"].items():
            assert not r["errors"], (label, n, r["errors"])
            assert r["reruns"] == 3 * int(n) and 0 < r["checked_cards"] <= r["reruns"]
            assert r["rerun_p95_s"] >= r["rerun_p50_s"] > 0
            assert r["rss_alive_mb"] > 0
        # the same 2 sessions over 2 processes (deploy/: two servers behind the balancer), released together
        split = info["processes"]["2"]["2"]
        assert not split["errors"], (label, split["errors"])
        assert split["processes"] == 2 and len(split["rss_process_mb"]) == 2 and split["reruns"] == 6
        assert 0 < split["checked_cards"] <= 6 and split["rerun_p95_s"] >= split["rerun_p50_s"] > 0


def test_import_of_the_csv_export(run):
    _, results = run
    imp = results["import"]
    assert imp["rows"] == 2000 and imp["time_s"] > 0
    assert imp["result"]["ok"], imp["result"]
    assert imp["result"]["accepted"]["participants"] == 2000


def test_compare_reports_differences(tmp_path):
    """The equality check is not vacuous: a changed count or rate is reported."""
    from biwaq_data import load_dataset, metrics

    folder = tmp_path / "data"
    bench.generate(folder, 300, "parquet")
    ds = load_dataset(folder)
    duck = bench.DuckFigures(folder, ds.datenstand)
    cold = bench.DuckFigures(folder, ds.datenstand, mode="parquet")
    try:
        for name in METRICS:
            ours = bench._pandas_metric(name)(ds, None)
            assert bench.compare(name, ours, getattr(duck, name)(None)) == [], name
            assert bench.compare(name, ours, getattr(cold, name)(None)) == [], name
        h = metrics.headline(ds)
        assert bench.compare("headline", {**h, "employment": h["employment"] + 1}, duck.headline(None))
        table = metrics.breakdown(ds, "ortsteil")
        table.loc[0, "participants"] += 1
        assert bench.compare("breakdown_ortsteil", table, duck.breakdown_ortsteil(None))
        series = metrics.monthly(ds)
        series.loc[3, "exits"] += 1
        assert bench.compare("monthly", series, duck.monthly(None))
        summary = metrics.services_summary(ds)
        summary.loc[2, "hours_total"] += 0.5
        assert bench.compare("services_summary", summary, duck.services_summary(None))
    finally:
        duck.con.close()
        cold.con.close()
