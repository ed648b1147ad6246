"""bench_rerun: one page's rerun after filter changes, long-lived processes per size driven in turn."""

from __future__ import annotations

import json

from biwaq_data.tools import bench_rerun


def test_every_round_reruns_the_page_five_times_without_errors(sample_dir, tmp_path, capsys):
    out = tmp_path / "rerun.json"
    code = bench_rerun.main(["--page", "pages/leistungen.py", "--small", str(sample_dir), "--large", str(sample_dir),
                             "--rounds", "2", "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 0, printed
    results = json.loads(out.read_text(encoding="utf-8"))
    assert set(results) == {"this"} and set(results["this"]) == {"small", "large"}
    for by_size in results["this"].values():
        assert len(by_size["wall"]) == len(by_size["cpu"]) == 10  # 2 rounds x bench_app's 5 filter changes
        assert by_size["errors"] == []  # _check: filters applied, participants card equal to metrics.headline
        assert all(t > 0 for t in by_size["wall"])
    assert "this: wall" in printed and "bench figure" in printed
