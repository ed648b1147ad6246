"""The browser part of the benchmark (biwaq_data.tools.bench_browser) in its tiny mode: one repeat, one page
(Zeitverlauf) against the minimal Streamlit page, plus one sidebar switch. It must have timed both, in real
Chromium, with the chart really drawn. No timing thresholds: times depend on the machine."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser import require_chromium

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    require_chromium()
    out = tmp_path_factory.mktemp("bench_browser") / "browser.json"
    proc = subprocess.run([sys.executable, "-m", "biwaq_data.tools.bench_browser", "--repeat", "1", "--pages",
                           "zeitverlauf", "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    print(proc.stdout)  # the table, visible with pytest -s
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc, json.loads(out.read_text(encoding="utf-8"))


def _drawn(visit: dict) -> None:
    """The chart was drawn (a plotly div with a trace, timed), its spec came over the websocket first."""
    assert visit["errors"] == []
    assert visit["chart"] is not None and visit["chart"] > 0
    assert visit["charts"] >= 1
    assert visit["chart_msg"] is not None and visit["rerun_sent"] < visit["chart_msg"] <= visit["chart"]
    assert visit["server_ms"] > 0 and visit["client_ms"] >= 0
    assert visit["cpu_main_ms"] > 0 and visit["assets_before_chart"] > 0


def test_minimal_and_page_were_timed_with_the_chart_drawn(run):
    proc, results = run
    assert list(results["pages"]) == ["zeitverlauf"]
    assert len(results["minimal"]["runs"]) == 1 and len(results["pages"]["zeitverlauf"]["runs"]) == 1
    _drawn(results["minimal"]["runs"][0])
    _drawn(results["minimal"]["first_visit"])
    page = results["pages"]["zeitverlauf"]
    assert page["has_chart"] and page["title"] == "Zeitverlauf"
    _drawn(page["runs"][0])
    _drawn(page["first_visit"])
    # the app page carries more than the minimal one: sidebar filters, cards, a second chart
    assert page["runs"][0]["messages"] > results["minimal"]["runs"][0]["messages"]
    assert page["median_ms"] == page["runs"][0]["chart"] and results["minimal"]["median_ms"] > 0
    # the second reference: the minimal page with the app's filter widgets drawn in its sidebar
    [with_sidebar] = results["minimal_sidebar"]["runs"]
    _drawn(with_sidebar)
    assert with_sidebar["messages"] > results["minimal"]["runs"][0]["messages"]
    assert with_sidebar["assets_before_chart"] > results["minimal"]["runs"][0]["assets_before_chart"]  # Multiselect …


def test_sidebar_switch_reached_the_page_and_its_chart(run):
    _, results = run
    switch = results["switches"]["zeitverlauf"]["runs"][0]
    assert switch["url"].endswith("/zeitverlauf")
    assert switch["chart"] is not None and switch["chart"] > 0
    assert switch["chart_msg"] is not None and 0 < switch["rerun_sent"] < switch["chart_msg"]


def test_table_and_verdict(run):
    proc, results = run
    table = proc.stdout
    assert results["table"] in table
    for text in ("Minimal-App", "Minimal-App mit den Filtern der Seitenleiste", "Zeitverlauf", "Seitenwechsel",
                 "Systemlast", "Ziele Browser: "):
        assert text in table
    [target] = results["targets"]
    assert target["page"] == "zeitverlauf" and target["ratio"] > 0
    assert target["pass"] == (target["ratio"] <= 1.3)
    assert ("PASS ≤ 1,3×" in table) == target["pass"] and ("MISS ≤ 1,3×" in table) != target["pass"]
    assert results["meta"]["loadavg"] and results["meta"]["cpus"]


def _visits(*charts):
    return [{"chart": c, "errors": []} for c in charts]


def test_paired_ratios_divide_by_the_minimal_visit_of_the_same_round_and_mark_close_verdicts():
    """Pure part, no browser: run() visits per round minimal, page A, minimal, page B; visit i of page j pairs with
    minimal visit i * pages + j. A page whose paired ratios straddle the limit is "knapp" whatever its median says."""
    from biwaq_data.tools import bench_browser as bb

    # 3 rounds × 2 pages; the minimal page is slow exactly before page "b" in round 2 (index 3)
    minimal = _visits(1000, 1000, 1000, 2000, 1000, 1000)
    pages = [{"slug": "a", "runs": _visits(1100, 1200, 1150)},   # 1,10 / 1,20 / 1,15: clearly under 1,3
             {"slug": "b", "runs": _visits(1100, 2800, 1500)}]   # 1,10 / 1,40 / 1,50: straddles 1,3
    assert bb.paired_ratios(pages, minimal, "a") == [1.1, 1.2, 1.15]
    assert bb.paired_ratios(pages, minimal, "b") == [1.1, 1.4, 1.5]
    assert bb.quartiles([1.1, 1.2, 1.15]) == pytest.approx((1.125, 1.175))
    assert bb.quartiles([1.4]) == (1.4, 1.4) and bb.quartiles([]) is None

    results = {"meta": {"target": 1.3, "repeat": 3, "cpus": 2, "loadavg": [1.0]},
               "minimal": {"median_ms": 1000, "best_ms": 1000, "runs": minimal, "first_visit": {}},
               "pages": {}}
    for page in pages:
        charts = [v["chart"] for v in page["runs"]]
        results["pages"][page["slug"]] = {"title": page["slug"].upper(), "has_chart": True, "runs": page["runs"],
                                          "median_ms": sorted(charts)[1], "best_ms": min(charts), "first_visit": {},
                                          "paired_ratios": bb.paired_ratios(pages, minimal, page["slug"])}
    a, b = results["targets"] = bb.evaluate(results)
    assert a["pass"] and not a["close"]
    assert b["ratio"] == 1.5 and not b["pass"] and b["close"] and b["spread"] == pytest.approx((1.25, 1.45))
    rows = {line.split()[0]: line for line in bb.render(results).splitlines() if line.split()[:1] in (["A"], ["B"])}
    assert rows["A"].rstrip().endswith("PASS ≤ 1,3×") and "1,12–1,17×" in rows["A"]
    assert rows["B"].rstrip().endswith("MISS ≤ 1,3× (knapp)") and "1,25–1,45×" in rows["B"]
    assert "1 von 2 Urteilen knapp" in bb.render(results)
