"""Chart figures shared by all sessions, kept as JSON per (builder, its inputs' content, theme, withheld marks).

Building a plotly figure through its object model and theming it costs 15–35 ms per chart on the sample (plotly
validates every property); rebuilding the same figure from its JSON without validation costs 1–2 ms. A page
names its charts as `Chart(builder, *inputs)` instead of calling the builder; `ui.components.chart_card` and
`plot` build each distinct figure once per process and give every run its own copy (which it may change).

The key is the inputs' content (a frame's columns, dtypes, index and a hash of its rows), not the data
version or the filters: two selections with the same figures share one entry, and a figure can never be
served for inputs it was not built from. Inputs the key cannot describe are built every time (never guessed).
"""

from __future__ import annotations

import hashlib
import json
from typing import Callable

import pandas as pd
import plotly.graph_objects as go

from biwaq_data.figures import memo

MAX_ENTRIES = 256  # content-keyed charts: 4–15 KB of JSON each on the sample, a few MB at most
MAX_KEYED = 32  # Chart.keyed (the map: 80 KB, 152 KB with official boundaries): at most about 5 MB


class _Unkeyable(Exception):
    """An input the content key cannot describe (the figure is built without the cache)."""


class Chart:
    """A figure to draw: `build(*args, **kwargs)` -> go.Figure, built only when no equal figure is cached."""

    __slots__ = ("build", "args", "kwargs", "key")

    def __init__(self, build: Callable[..., go.Figure], *args, **kwargs):
        self.build, self.args, self.kwargs, self.key = build, args, kwargs, None

    @classmethod
    def keyed(cls, key, build: Callable[..., go.Figure], *args, **kwargs) -> "Chart":
        """A chart whose inputs are too large to hash on every run (the map's boundaries): `key` stands for
        them and must change whenever they do (e.g. data version, filters, publication mode, boundaries)."""
        chart = cls(build, *args, **kwargs)
        chart.key = key
        return chart

    def figure(self) -> go.Figure:
        return self.build(*self.args, **self.kwargs)


def content_key(value) -> object:
    """A hashable description of `value`'s content: equal keys mean equal content (frames: columns, dtypes,
    index names, shape, attrs and a BLAKE2 digest of pandas' per-row hashes, index included)."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return (type(value).__name__, value)
    if isinstance(value, (pd.DataFrame, pd.Series)):
        try:
            rows = pd.util.hash_pandas_object(value, index=True).to_numpy()
        except TypeError as error:  # unhashable cells (lists, dicts)
            raise _Unkeyable(str(error)) from error
        columns = tuple(map(str, value.columns)) if isinstance(value, pd.DataFrame) else (str(value.name),)
        dtypes = tuple(map(str, value.dtypes)) if isinstance(value, pd.DataFrame) else (str(value.dtype),)
        return (type(value).__name__, columns, dtypes, tuple(map(str, value.index.names)), str(value.index.dtype),
                value.shape, content_key(value.attrs) if value.attrs else None,
                hashlib.blake2b(rows.tobytes(), digest_size=16).hexdigest())
    if isinstance(value, dict):
        return ("dict", tuple((content_key(k), content_key(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(content_key(v) for v in value))
    raise _Unkeyable(type(value).__name__)


class FigureCache:
    """Figure JSON in a compute-once LRU (biwaq_data.figures.memo.Memo) shared by the script threads of all
    sessions: two sessions asking for the same new figure at once build it once."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_keyed: int = MAX_KEYED):
        self._memo = memo.Memo(max_entries)
        self._keyed = memo.Memo(max_keyed)  # the large figures of Chart.keyed, kept apart so they stay few
        self.builds = self.uncached = 0  # counters for tests and the benchmark (not locked: approximate)

    def figure(self, chart: Chart, finish: Callable[[go.Figure], go.Figure], variant: tuple) -> go.Figure:
        """`finish(chart.figure())` (theme, withheld marks), from the cache when an equal one was built.

        `variant` names everything `finish` depends on besides the figure (theme, whether values are marked).
        """
        try:
            inputs = (chart.key,) if chart.key is not None else (content_key(chart.args), content_key(chart.kwargs))
            key = (chart.build.__module__, chart.build.__qualname__, *inputs, variant)
        except _Unkeyable:
            self.uncached += 1
            return finish(chart.figure())

        def build() -> str:
            self.builds += 1
            return finish(chart.figure()).to_json()

        store = self._keyed if chart.key is not None else self._memo
        return go.Figure(json.loads(store.get(key, build)), skip_invalid=False, _validate=False)

    def clear(self) -> None:
        self._memo.clear()
        self._keyed.clear()
        self.builds = self.uncached = 0

    def __len__(self) -> int:
        return len(self._memo) + len(self._keyed)


FIGURES = FigureCache()
