"""Arrays the metrics count with, derived once per dataset and kept while its frames live.

Everything here depends only on the dataset (its three frames and its Datenstand), never on filters, so it is
computed once on first use and shared by every filter, page and session. A metric then takes the selected rows
of a small code array (filters.Selection) and counts them with one np.bincount. Sizes at 1.000.000
participants / 3.430.000 services: person cell 2 MB, month numbers 2 MB per date column, service cell 3,4 MB
(11,4 MB in all, against 281 MB of frames); entries are kept for the last 4 datasets and dropped as soon as a
frame is garbage collected (e.g. the short-lived `targets.as_of` datasets). Building them costs about 25 ms
(person cell), 10-25 ms per date column and 0,3 s (service cell) at 1.000.000, once.

Like filters.participant_mask, this assumes a loaded dataset's frames are never changed in place (pages only
read them); a frame replaced by another object is a new key.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict

import numpy as np
import pandas as pd

from ..ingest import schema

N_BEST = len(schema.BEST_OUTCOMES)
N_OUTCOMES = len(schema.OUTCOMES)
N_SERVICES = len(schema.SERVICES)
# Person cell: best outcome (5) x employment status code + 1 (4: 0 = not given) x long-term unemployed (2)
# x migration background (2) x exited by the Datenstand (2) x outcome kinds on record as bits (8).
CELL_SHAPE = (N_BEST, 4, 2, 2, 2, 2**N_OUTCOMES)
N_CELLS = int(np.prod(CELL_SHAPE))
# Service cell: service (8) x class (4: 0 = not the row that counts the person for this service, 1 = it is and
# the person's best outcome is work or training, 2 = it is and best is improved prospects, 3 = it is, other)
# x the row that counts the person among rows with hours given (2).
SERVICE_SHAPE = (N_SERVICES, 4, 2)
N_SERVICE_CELLS = int(np.prod(SERVICE_SHAPE))


class Prepared:
    """Lazily derived arrays of one dataset (attributes computed on first access, then kept)."""

    def __init__(self, participants: pd.DataFrame, outcomes: pd.DataFrame, services: pd.DataFrame,
                 datenstand: pd.Timestamp):
        self._p, self._o, self._s = weakref.ref(participants), weakref.ref(outcomes), weakref.ref(services)
        self.datenstand = datenstand
        self._values: dict = {}
        self._lock = threading.Lock()

    def _get(self, name: str, build):
        value = self._values.get(name)
        if value is None:
            value = build()  # outside the lock: two threads may both build, both get equal values
            with self._lock:
                value = self._values.setdefault(name, value)
        return value

    def nbytes(self) -> int:
        """Bytes held by the derived arrays."""
        return sum(v.nbytes for v in self._values.values() if isinstance(v, np.ndarray))

    # --- participants ---------------------------------------------------------------------------------

    @property
    def best(self) -> np.ndarray:
        """Best outcome code per participant (int8, as schema.BEST_OUTCOMES; a view of the frame)."""
        codes = self._p()["best_outcome"].cat.codes.to_numpy()
        if not self._get("best_given", lambda: not len(codes) or bool(codes.min() >= 0)):
            raise ValueError("best_outcome has missing values")
        return codes

    @property
    def cell(self) -> np.ndarray:
        """Person cell code (uint16, see CELL_SHAPE): one bincount gives headline, funnel, flows, outcomes."""
        return self._get("cell", self._build_cell)

    def _build_cell(self) -> np.ndarray:
        p, o = self._p(), self._o()
        best = self.best
        status = p["employment_status"].cat.codes.to_numpy().astype(np.uint16) + 1  # NA (-1) -> 0
        exited = p["exit_date"].to_numpy() <= np.datetime64(self.datenstand)  # NaT compares False
        bits = np.zeros(len(p), dtype=np.uint16)
        person, kind = o["person"].to_numpy(), o["outcome"].cat.codes.to_numpy()
        for k in range(N_OUTCOMES):
            bits[person[kind == k]] |= 1 << k  # repeated persons all write the same value
        cell = best.astype(np.uint16) * 4 + status
        for flag in (p["long_term_unemployed"].to_numpy(), p["migration_background"].to_numpy(), exited):
            cell = cell * 2 + flag.astype(np.uint16)
        return cell * 2**N_OUTCOMES + bits

    def months(self, column: str) -> np.ndarray:
        """Month number (months since 1970-01) of a participant date column; the dtype's maximum when NaT or
        after the Datenstand (int16 when every month fits, years 1970 ± 2730, else int32)."""
        return self._get(f"months:{column}", lambda: self._build_months(column))

    def _build_months(self, column: str) -> np.ndarray:
        d = self._p()[column].to_numpy()
        counted = d <= np.datetime64(self.datenstand)  # NaT compares False
        days = d[counted].astype("datetime64[D]").astype(np.int64)
        if len(days):  # day -> month through a table of the days that occur (datetime64[M] per value is slow)
            first = days.min()
            table = np.arange(first, days.max() + 1).astype("datetime64[D]").astype("datetime64[M]")
            months = table.astype(np.int64)[days - first]
        else:
            months = days
        small = not len(months) or (months.min() > -2**15 and months.max() < 2**15 - 1)
        dtype = np.int16 if small else np.int32
        out = np.full(len(d), np.iinfo(dtype).max, dtype=dtype)
        out[counted] = months
        return out

    @property
    def first_entry(self) -> pd.Timestamp:
        """participants["entry_date"].min() (NaT when there is none)."""
        return self._get("first_entry", lambda: self._p()["entry_date"].min())

    @property
    def ortsteil_rows(self) -> pd.DataFrame:
        """One participants row per Ortsteil that occurs (ortsteil_nr, ortsteil, bezirk), in category order."""
        return self._get("ortsteil_rows", lambda: _ortsteil_rows(self._p()))

    @property
    def ortsteil_columns(self) -> tuple:
        """Per Ortsteil category (in category order): number (Int16, NA when it does not occur) and Bezirk
        (str), as arrays, for breakdown(..., "ortsteil")."""
        def build():
            ref = self.ortsteil_rows.set_index("ortsteil")
            keys = pd.Series(list(self._p()["ortsteil"].cat.categories))
            return (keys.map(ref["ortsteil_nr"]).astype("Int16").array,
                    keys.map(ref["bezirk"]).astype(str).array)
        return self._get("ortsteil_columns", build)

    # --- services -------------------------------------------------------------------------------------

    @property
    def service_cell(self) -> np.ndarray:
        """Service cell code per service record (uint8, see SERVICE_SHAPE)."""
        return self._get("service_cell", self._build_service_cell)

    def _build_service_cell(self) -> np.ndarray:
        s = self._s()
        n = len(self._p())
        person, code = s["person"].to_numpy(), s["service"].cat.codes.to_numpy()
        if len(code) and code.min() < 0:
            raise ValueError("service has missing values")
        kind = np.array([1, 1, 2, 3, 3], dtype=np.uint8)[self.best[person]]  # by the person's best outcome
        given = ~np.isnan(s["hours"].to_numpy(dtype=float))
        table = np.empty(n, dtype=np.int32 if len(code) < 2**31 else np.int64)

        def one_row_per_person(chosen: np.ndarray | None) -> np.ndarray:
            """1 on exactly one chosen record (None: any) per (person, service) pair that has chosen records."""
            flags = np.zeros(len(code), dtype=np.uint8)
            for service in range(N_SERVICES):  # one service at a time: the person table stays small
                rows = np.flatnonzero(code == service if chosen is None else chosen & (code == service))
                who = person[rows]
                table[who] = rows  # any of the person's rows may win: each person gets exactly one
                flags[rows[table[who] == rows]] = 1
            return flags

        counts = one_row_per_person(None)
        counts_hours = counts if given.all() else one_row_per_person(given)
        return (code.astype(np.uint8) * 4 + kind * counts) * 2 + counts_hours

    @property
    def hours(self) -> tuple[np.ndarray, bool]:
        """(hours per service record as float, True when all are finite numbers)."""
        def build():
            h = self._s()["hours"].to_numpy(dtype=float)
            return h, bool(np.isfinite(h).all())
        return self._get("hours", build)


def _ortsteil_rows(p: pd.DataFrame) -> pd.DataFrame:
    """One participants row per Ortsteil that occurs (columns ortsteil_nr, ortsteil, bezirk), in category order.

    Number and Bezirk follow from the Ortsteil, so any row of it will do; found with one pass over the
    category codes instead of drop_duplicates over a million rows.
    """
    codes = p["ortsteil"].cat.codes.to_numpy()
    k = len(p["ortsteil"].cat.categories)
    present = np.bincount(codes.astype(np.int16) + 1, minlength=k + 1)[1:] > 0  # (code -1: NA, not counted)
    where = np.full(k, -1, dtype=np.int64)
    start, step = 0, 4096
    while (where[present] < 0).any():  # usually every Ortsteil shows up in the first few thousand rows
        chunk = codes[start:start + step]
        ok = chunk >= 0
        where[chunk[ok]] = np.flatnonzero(ok) + start
        start, step = start + step, step * 4
    return p[["ortsteil_nr", "ortsteil", "bezirk"]].iloc[where[present]]


_CACHE: OrderedDict = OrderedDict()  # (ids of the three frames, Datenstand) -> Prepared
_CACHE_SIZE = 4
_CACHE_LOCK = threading.Lock()


def prepared(dataset) -> Prepared:
    """The Prepared arrays of a dataset (created once per participants/outcomes/services frames and Datenstand)."""
    frames = (dataset.participants, dataset.outcomes, dataset.services)
    key = (*map(id, frames), dataset.datenstand)
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None and all(a is b for a, b in zip((hit._p(), hit._o(), hit._s()), frames)):
            _CACHE.move_to_end(key)
            return hit
        entry = Prepared(*frames, dataset.datenstand)
        _CACHE[key] = entry
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    for frame in frames:  # drop the arrays as soon as one of the frames is gone
        weakref.finalize(frame, _forget, key, id(entry))
    return entry


def _forget(key, entry_id: int) -> None:
    with _CACHE_LOCK:
        if id(_CACHE.get(key)) == entry_id:
            del _CACHE[key]
