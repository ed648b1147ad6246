"""Compute-once caches shared by every session of the server (pure, no Streamlit).

The server runs each session's script on its own thread, and all of them read the same loaded dataset. What
depends only on (data version) or on (data version, filters) is computed once and shared:

- :class:`Memo`: a bounded LRU map whose values are computed **once per key** even when several threads ask at
  the same moment (one lock per key; the map itself is changed only under a lock, so eviction never races).
  A computation that raises leaves nothing behind: the next caller computes again.
- :func:`per_version` / :func:`per_selection`: keys built from the dataset's identity and version (and the
  filters), so a new import never sees the old values.
- :func:`metric_frame`: the metric frames of the pages (``metrics.headline``, ``funnel``, ``breakdown`` ...) per
  (data version, filters), shared by the pages, the protected selections and all sessions. Shared values are
  read-only by convention: callers copy before they change a frame.
"""

from __future__ import annotations

import collections
import threading
import weakref
from collections import OrderedDict
from typing import Callable, Hashable


class _Entry:
    __slots__ = ("lock", "done", "value")

    def __init__(self) -> None:
        self.lock = threading.RLock()  # a computation that asks for its own key again does not deadlock
        self.done = False
        self.value = None


class Memo:
    """LRU map ``key -> compute()`` computed once per key, safe for many threads (see module docstring)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], object]):
        """The value for ``key``; ``compute()`` runs at most once per key at a time (others wait for it)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                entry = self._entries[key] = _Entry()
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
            else:
                self._entries.move_to_end(key)
        if entry.done:
            return entry.value
        with entry.lock:
            if not entry.done:
                try:
                    entry.value = compute()
                except BaseException:
                    with self._lock:
                        if self._entries.get(key) is entry:
                            del self._entries[key]
                    raise
                entry.done = True
        return entry.value

    def put(self, key: Hashable, value) -> None:
        """Store ``value`` under ``key`` (replacing what was there)."""
        entry = _Entry()
        entry.value, entry.done = value, True
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def peek(self, key: Hashable):
        """The finished value for ``key`` or None (never computes)."""
        with self._lock:
            entry = self._entries.get(key)
        return entry.value if entry is not None and entry.done else None

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def discard(self, predicate: Callable[[Hashable], bool]) -> None:
        """Drop every entry whose key matches ``predicate``."""
        with self._lock:
            for key in [k for k in self._entries if predicate(k)]:
                del self._entries[key]

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def __contains__(self, key) -> bool:
        with self._lock:
            entry = self._entries.get(key)
        return entry is not None and entry.done


def _filters(filters):
    from ..figures.filters import Filters

    return filters if filters is not None else Filters()


_WATCHED: set = set()
_WATCHED_LOCK = threading.Lock()
_GONE: collections.deque = collections.deque()  # keys of collected datasets, purged at the next lookup


def version_key(dataset) -> tuple:
    """Identity and version of a dataset: a reloaded or re-imported dataset is another key. When the dataset
    object is garbage-collected, its entries go with it (a new object at the same address is a new dataset)."""
    while _GONE:
        _purge(_GONE.popleft())
    key = (id(dataset), dataset.version)
    with _WATCHED_LOCK:
        if key not in _WATCHED:
            try:
                weakref.finalize(dataset, _GONE.append, key)  # only an append: runs inside the collector
            except TypeError:  # not weak-referenceable: entries leave by LRU only
                return key
            _WATCHED.add(key)
    return key


def _purge(key: tuple) -> None:
    with _WATCHED_LOCK:
        _WATCHED.discard(key)
    for memo in (_VERSION, _SELECTION, _LARGE):
        memo.discard(lambda k: k[0] == key)


_VERSION = Memo(64)  # small per-version values (bounds, flags, lists); few versions live at once
_SELECTION = Memo(512)  # small per-(version, filters) results (aggregated frames, tables)
_LARGE = Memo(32)  # per-(version, filters) results of a few MB (survival curves with one row per day)


def per_version(dataset, name: str, compute: Callable[[], object]):
    """``compute()`` once per (dataset version, name), shared by all sessions."""
    return _VERSION.get((version_key(dataset), name), compute)


def per_selection(dataset, filters, name, compute: Callable[[], object], *, large: bool = False):
    """``compute()`` once per (dataset version, filters, name), shared by all sessions and pages; ``large``:
    results of megabytes, kept in a smaller cache."""
    return (_LARGE if large else _SELECTION).get((version_key(dataset), _filters(filters), name), compute)


#: name -> metrics function (dataset, filters) of the frames pages and selections share.
FRAME_NAMES = ("headline", "funnel", "outcome_table", "flows", "monthly", "services")


def metric_frame(dataset, filters, name: str):
    """The metric behind a published table, once per (data version, filters): "headline" (dict), "funnel",
    "outcome_table", "flows", "monthly", "services" or "breakdown:<attribute>" - exactly what the function of
    :mod:`biwaq_data.figures.metrics` returns for (dataset, filters). Shared: do not change it in place."""
    from ..figures import metrics

    if name.startswith("breakdown:"):
        attribute = name.split(":", 1)[1]
        return per_selection(dataset, filters, name, lambda: metrics.breakdown(dataset, attribute, filters))
    compute = {"headline": metrics.headline, "funnel": metrics.funnel, "outcome_table": metrics.outcome_table,
               "flows": metrics.flows, "monthly": metrics.monthly, "services": metrics.services_summary}[name]
    return per_selection(dataset, filters, name, lambda: compute(dataset, filters))
