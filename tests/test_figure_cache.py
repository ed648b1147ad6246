"""The shared chart figures (ui.figure_cache): built once per distinct input, theme and withheld marks, never
served for other inputs; on the pages, every session and selection gets the figure of its own data."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

import biwaq_data as b
from ui import charts
from ui.figure_cache import FIGURES, Chart, FigureCache, content_key

from test_app import figure, run_page

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"


@pytest.fixture(scope="module")
def dataset():
    return b.load_dataset(SAMPLE)


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"label": ["Frauen", "Männer"], "participants": [410, 417],
                         "employment": [80.0, np.nan], "share": [0.2, 0.25]})


@pytest.fixture(scope="module")
def bars(dataset) -> pd.DataFrame:
    """A breakdown frame as the pages chart it, one withheld (NaN) value like publication mode leaves."""
    frame = b.metrics.breakdown(dataset, "gender").copy()
    frame.loc[frame.index[0], "employment"] = np.nan
    return frame


def _themed(fig: go.Figure) -> go.Figure:
    return charts.apply_theme(fig, "light")


def test_content_key_is_equal_for_equal_content_and_differs_for_any_change():
    base = content_key(_frame())
    assert content_key(_frame()) == base  # another object, same content
    changed_cell = _frame()
    changed_cell.loc[1, "participants"] = 418
    renamed = _frame().rename(columns={"share": "rate"})
    reindexed = _frame().set_axis([5, 6])
    as_float = _frame().astype({"participants": float})
    reordered = _frame().iloc[::-1]
    with_attrs = _frame()
    with_attrs.attrs["note"] = "x"
    others = [changed_cell, renamed, reindexed, as_float, reordered, with_attrs]
    keys = [content_key(f) for f in others]
    assert base not in keys
    assert len(set(keys)) == len(keys)
    assert content_key(("a", 1)) != content_key(("a", True)) != content_key(("a", "1"))
    assert content_key({"a": 1}) != content_key({"a": 2})


def test_a_chart_is_built_once_and_each_caller_gets_its_own_equal_figure(bars):
    cache = FigureCache()
    first = cache.figure(Chart(charts.breakdown_bars, bars.copy(), "Geschlecht"), _themed, ("light", False))
    second = cache.figure(Chart(charts.breakdown_bars, bars.copy(), "Geschlecht"), _themed, ("light", False))
    assert cache.builds == 1
    direct = _themed(charts.breakdown_bars(bars.copy(), "Geschlecht"))
    assert json.loads(first.to_json()) == json.loads(second.to_json()) == json.loads(direct.to_json())
    assert first is not second
    first.update_layout(title="changed by one run")  # a run may change its copy ...
    third = cache.figure(Chart(charts.breakdown_bars, bars.copy(), "Geschlecht"), _themed, ("light", False))
    assert third.layout.title.text != "changed by one run"  # ... without touching the next run's
    assert cache.builds == 1


def test_other_input_theme_or_marks_build_another_figure(bars):
    cache = FigureCache()
    light = cache.figure(Chart(charts.breakdown_bars, bars.copy(), "Geschlecht"), _themed, ("light", False))
    other_title = cache.figure(Chart(charts.breakdown_bars, bars.copy(), "Alter"), _themed, ("light", False))
    dark = cache.figure(Chart(charts.breakdown_bars, bars.copy(), "Geschlecht"),
                        lambda f: charts.apply_theme(f, "dark"), ("dark", False))
    marked = cache.figure(Chart(charts.breakdown_bars, bars.copy(), "Geschlecht"),
                          lambda f: _themed(charts.mark_withheld(f)), ("light", True))
    assert cache.builds == 4
    specs = [json.dumps(json.loads(f.to_json()), sort_keys=True) for f in (light, other_title, dark, marked)]
    assert len(set(specs)) == 4
    assert any(a.text == "*" for a in marked.layout.annotations)
    assert not any(a.text == "*" for a in light.layout.annotations)


def test_inputs_the_key_cannot_describe_are_built_every_time(bars):
    cache = FigureCache()
    odd = bars.assign(extra=[[i] for i in range(len(bars))])  # list cells: no content hash
    for _ in range(2):
        fig = cache.figure(Chart(charts.breakdown_bars, odd, "Geschlecht"), _themed, ("light", False))
        assert fig.data
    assert cache.uncached == 2 and cache.builds == 0 and len(cache) == 0


def test_many_threads_asking_for_one_new_figure_build_it_once(bars):
    cache = FigureCache()
    barrier = threading.Barrier(8)
    specs, errors = [], []

    def ask():
        try:
            barrier.wait()
            specs.append(cache.figure(Chart(charts.breakdown_bars, bars.copy(), "Geschlecht"), _themed,
                                      ("light", False)).to_json())
        except Exception as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and cache.builds == 1 and len(set(specs)) == 1


def test_pages_show_each_selection_and_mode_its_own_figure(dataset):
    """Zeitverlauf through the shared cache: a second session reuses the figures; another Ortsteil or publication
    mode off gets figures of its own data (the cumulative line ends at that selection's participants)."""
    FIGURES.clear()
    first = run_page("pages/zeitverlauf.py")
    built = FIGURES.builds
    assert built >= 2  # the monthly and the cumulative chart (and the start page's, which runs first)
    again = run_page("pages/zeitverlauf.py")
    assert FIGURES.builds == built
    spec = lambda at, i: at.get("plotly_chart")[i].proto.spec  # noqa: E731 - (decoded, NaN != NaN)
    assert spec(again, 0) == spec(first, 0) and spec(again, 1) == spec(first, 1)
    assert figure(first, 1)["data"][0]["y"][-1] == 827

    marxloh = run_page("pages/zeitverlauf.py", {"ortsteil": "Marxloh (Hamborn)", "schutz": "false"})
    expected = b.metrics.headline(dataset, b.Filters(ortsteile=(202,)))["participants"]
    assert figure(marxloh, 1)["data"][0]["y"][-1] == expected < 827
    assert FIGURES.builds >= built + 2  # Marxloh's own monthly and cumulative chart (exact counts)

    # the monthly chart carries a * for withheld months in publication mode, none with the mode off
    stars = lambda at: [a for a in figure(at, 0)["layout"].get("annotations", []) if a.get("text") == "*"]  # noqa: E731
    assert stars(first)
    raw = run_page("pages/zeitverlauf.py", {"schutz": "false"})
    assert not stars(raw)
    monthly = b.metrics.monthly(dataset)
    assert figure(raw, 0)["data"][1]["y"] == monthly["entries"].tolist()
    assert figure(raw, 0)["data"][0]["y"] == monthly["active"].tolist()


def test_keyed_charts_are_kept_apart_and_stay_few(bars):
    """Chart.keyed (the map: 80–152 KB of JSON) has its own small LRU, so large figures never fill the
    content-keyed one nor grow past its bound."""
    cache = FigureCache(max_entries=8, max_keyed=2)
    cache.figure(Chart(charts.breakdown_bars, bars.copy(), "Geschlecht"), _themed, ("light", False))
    for n in range(3):
        cache.figure(Chart.keyed(("map", n), charts.breakdown_bars, bars, "Geschlecht"), _themed, ("light", False))
    assert cache.builds == 4 and len(cache) == 3  # one content-keyed + the two newest keyed
    cache.figure(Chart.keyed(("map", 2), charts.breakdown_bars, bars, "Geschlecht"), _themed, ("light", False))
    cache.figure(Chart(charts.breakdown_bars, bars.copy(), "Geschlecht"), _themed, ("light", False))
    assert cache.builds == 4  # both still cached
    cache.figure(Chart.keyed(("map", 0), charts.breakdown_bars, bars, "Geschlecht"), _themed, ("light", False))
    assert cache.builds == 5  # the oldest keyed one was evicted
