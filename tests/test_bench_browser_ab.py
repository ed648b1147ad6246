"""biwaq_data.tools.bench_browser_ab in its smallest form: one round of one page, this checkout against itself
with an environment variable on one side only. Both sides must have drawn their chart in real Chromium, the
table must list both and their difference. No timing thresholds."""

from __future__ import annotations

from pathlib import Path

from biwaq_data.tools import bench_browser_ab as ab
from tests.browser import require_chromium

ROOT = Path(__file__).resolve().parent.parent


def test_both_checkouts_are_visited_in_turn_and_compared():
    require_chromium()
    runs = ab.run(ROOT, ROOT, ["leistungen"], rounds=1, a_env={"BIWAQ_AB_SIDE": "A"})
    for side in ("A", "B"):
        [visit] = runs["leistungen"][side]
        assert visit["errors"] == [] and visit["chart"] > 0 and visit["charts"] >= 1
        assert visit["rerun_sent"] < visit["chart_msg"] <= visit["chart"]
    table = ab.render(runs).splitlines()
    print("\n".join(table))
    assert [line.split()[:2] for line in table[2:4]] == [["leistungen", "A"], ["leistungen", "B"]]
    assert table[4].split()[0] == "B−A" and len(table) == 5
    assert " ms" in table[2] and " KB" in table[2]
