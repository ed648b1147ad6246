"""Arrays the metrics count with, derived once per dataset and kept while its frames live.

Everything here depends only on the dataset (its three frames and its Datenstand), never on filters, so it is
computed once on first use and shared by every filter, page and session. A metric then takes the selected rows
of a small code array (filters.Selection) and counts them with one np.bincount. Sizes at 1.000.000
participants / 3.430.000 services: person cell 2 MB, month numbers 2 MB per date column, services per
participant (ServicePeople) 34 MB (42 MB in all, against 281 MB of frames; the service cell, 3,4 MB, only for
hours that ServicePeople cannot sum exactly); entries are kept for the last 4 datasets and dropped as soon as a
frame is garbage collected (e.g. the short-lived `targets.as_of` datasets). Building them costs about 25 ms
(person cell), 10-25 ms per date column and 0,15 s (ServicePeople) at 1.000.000, once.

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
        return None if value is _NONE else value

    def nbytes(self) -> int:
        """Bytes held by the derived arrays."""
        return sum(v.nbytes for v in self._values.values() if isinstance(v, (np.ndarray, ServicePeople)))

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
    def service_people(self) -> "ServicePeople | None":
        """Per person and service: records, hours, and which pairs exist (see ServicePeople); None when the
        hours cannot be summed exactly in any order (then services_summary counts record by record)."""
        return self._get("service_people", lambda: _build_service_people(self) or _NONE)

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


_NONE = object()  # a derived value that is "not available" (cached like any other)
_MAX_SCALE_BITS = 20  # hours in steps of 2**-20 h at the finest (the generator and exports use 0,5 h)
_MAX_PATTERNS = 2**16


class ServicePeople:
    """Service records summed per participant, so services_summary takes the selected participants' rows
    (filters.Selection.index: a slice or positions) instead of passing over every service record.

    pattern: per participant, the id (uint16) of its pattern: best-outcome class (work or training / improved
      prospects / other) x records per service x services with hours given. `table[pattern]` holds, per
      service, the pattern's persons (0/1), records, persons with hours (0/1), persons in work or training
      (0/1) and persons with any outcome (0/1): one bincount of the selected ids times the table gives all five.
    words: hours per participant and service in units of 2**-scale_bits h (missing hours add 0), several
      services packed side by side into one uint64 per participant (`fields`: word, shift, width per service).
      A field is as wide as the service's total over all participants needs, so the sum of any selection
      never carries into the next field: one integer sum per word gives every service's hours.
    Exact: every hour value is a multiple of 2**-scale_bits and the sum of all of them is below 2**52 units, so
    every partial sum in any order is an integer below 2**53 times a power of two, a float64 without rounding;
    the integer sum times 2**-scale_bits therefore equals, bit for bit, the float sum in record order that
    services_summary returned before (and that `_services_by_record` still computes).
    Size at 1.000.000 participants / 3.430.000 records (0,5 h steps, 384 patterns): pattern 2 MB, words
    32 MB (4 x 8 MB, two services per word), table 0,1 MB: 34 MB (32,5 MiB), built once per dataset in about
    0,15 s. A filtered services_summary then costs 1-5 ms instead of 20-30 ms (one pass over the records).
    """

    __slots__ = ("pattern", "table", "words", "fields", "scale_bits")

    def __init__(self, pattern, table, words, fields, scale_bits):
        self.pattern, self.table, self.words, self.fields, self.scale_bits = pattern, table, words, fields, scale_bits
        for array in (pattern, table, *words):
            array.flags.writeable = False

    @property
    def nbytes(self) -> int:
        return self.pattern.nbytes + self.table.nbytes + sum(w.nbytes for w in self.words)

    def totals(self, index) -> tuple:
        """(persons, records, hours_total, persons with hours, work or training, any outcome) per service of
        the participants at `index` (a slice or positions, as filters.Selection.index): int64 arrays and
        float64 hours."""
        take = (lambda a: a[index]) if isinstance(index, slice) else (lambda a: a.take(index))
        per = (np.bincount(take(self.pattern), minlength=len(self.table)) @ self.table).reshape(5, N_SERVICES)
        sums = [int(np.add.reduce(take(w))) for w in self.words]  # uint64: fields never overflow (see above)
        units = np.array([(sums[w] >> shift) & ((1 << width) - 1) for w, shift, width in self.fields],
                         dtype=np.int64)
        persons, records, with_hours, work, any_outcome = per
        return persons, records, units * 2.0**-self.scale_bits, with_hours, work, any_outcome


def _build_service_people(pp: Prepared) -> ServicePeople | None:
    """ServicePeople of a dataset, or None when its hours are negative, infinite, not multiples of
    2**-_MAX_SCALE_BITS, add up to 2**53 units or more, or the patterns are too many (then services_summary
    passes over the records)."""
    s = pp._s()
    n = len(pp._p())
    person, service = s["person"].to_numpy(), s["service"].cat.codes.to_numpy()
    if len(service) and service.min() < 0:
        raise ValueError("service has missing values")
    hours, _ = pp.hours
    given = ~np.isnan(hours)
    values = hours if given.all() else hours[given]
    if len(values) and not (np.isfinite(values).all() and values.min() >= 0):
        return None  # ±inf or negative hours: keep the record-order sum
    # Hours as whole numbers of 2**-q h, q as small as possible (0,5 h steps: q = 1), checked in one pass.
    scaled = values * 2.0**_MAX_SCALE_BITS  # exact (a power of two) while below 2**53
    if len(values) and not (scaled.max() < 2.0**53 and (scaled == np.floor(scaled)).all()):
        return None  # finer than 2**-20 h (e.g. thirds of an hour) or huge
    whole = scaled.astype(np.int64)
    del scaled
    common = int(np.bitwise_or.reduce(whole)) if len(whole) else 0
    shift = (common & -common).bit_length() - 1 if common else _MAX_SCALE_BITS  # trailing zero bits of all
    q = _MAX_SCALE_BITS - min(shift, _MAX_SCALE_BITS)
    if len(values) and float(values.sum()) * 2.0**q >= 2.0**52:  # (a float sum: a bound with room to spare)
        return None
    whole >>= _MAX_SCALE_BITS - q
    if len(values) == len(hours):
        units = whole
    else:
        units = np.zeros(len(hours), dtype=np.int64)
        units[given] = whole
    # One service at a time (temporaries of one value per participant). Pattern key in mixed radix: class,
    # then per service its record count (radix: largest count + 1) and whether it has hours given.
    key = np.array([0, 0, 1, 2, 2], dtype=np.int64)[pp.best]
    radices, bits = [3], 2.0
    words, fields, word, used = [], [], None, 64
    for k in range(N_SERVICES):
        rows = np.flatnonzero(service == k)
        who = person[rows]
        count = np.bincount(who, minlength=n)
        timed = np.bincount(who[given[rows]], minlength=n) > 0
        radix = int(count.max(initial=0)) + 1
        bits += np.log2(radix) + 1
        if bits > 62:
            return None
        key = (key * radix + count) * 2 + timed
        radices += [radix, 2]
        summed = np.bincount(who, weights=units[rows], minlength=n).astype(np.uint64)  # exact integer sums
        width = max(1, int(summed.sum()).bit_length())
        if used + width > 64:
            word, used = np.zeros(n, dtype=np.uint64), 0
            words.append(word)
        word |= summed << np.uint64(used)
        fields.append((len(words) - 1, used, width))
        used += width
    if key.max(initial=0) < 2**22:  # few possible keys: number the ones that occur through a table
        seen = np.zeros(int(key.max(initial=0)) + 1, dtype=bool)
        seen[key] = True
        keys = np.flatnonzero(seen)
        pattern = (np.cumsum(seen) - 1)[key]
    else:
        keys, pattern = np.unique(key, return_inverse=True)
    if len(keys) > _MAX_PATTERNS:
        return None
    digits = []  # decode each pattern key (least significant digit first)
    for radix in reversed(radices):
        keys, digit = np.divmod(keys, radix)
        digits.append(digit)
    digits = digits[::-1]
    klass, count, timed = digits[0], np.array(digits[1::2]).T, np.array(digits[2::2]).T
    has = (count > 0).astype(np.int64)
    table = np.hstack([has, count, timed, has * (klass == 0)[:, None], has * (klass <= 1)[:, None]])
    return ServicePeople(pattern.astype(np.uint16).ravel(), table.astype(np.int64), tuple(words), tuple(fields), q)


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
