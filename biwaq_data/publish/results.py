"""Result types of publication mode: a protected table (`Published`) and protected headline figures
(`PublishedFigures`), each with masks telling withheld (`*`), undefined (`x`) and, for shares from rounded counts,
unreliable (`/`) values apart."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .privacy import (FOOTNOTE_DE, SUPPRESSION_SYMBOL, UNDEFINED_SYMBOL, UNRELIABLE_SYMBOL, format_count_de,
                      format_rate_de, suppress_rate)

OUTCOME_COLUMNS = ("employment", "vocational_training", "improved_prospects")


@dataclass(frozen=True, eq=False)
class Published:
    """A metric frame after suppression.

    ``frame``: the metric frame's columns; counts ``Int64``, rates/hours ``Float64``, ``pd.NA`` where
    withheld *or* undefined. ``suppressed``: bool frame (same labels), True where withheld for
    confidentiality (show ``*``). ``undefined``: True where a rate has denominator 0 (show ``x``).
    ``unreliable``: True where a share of rounded counts has too small a rounded denominator (show ``/``,
    :data:`.rounding.MIN_SHARE_BASE`); all False when not given.
    ``kinds``: column -> "count" | "rate" | "number" | "text" (for :meth:`text`).
    ``frame.attrs["suppressed_any"]`` mirrors :attr:`suppressed_any`.
    """

    frame: pd.DataFrame
    suppressed: pd.DataFrame
    undefined: pd.DataFrame
    kinds: dict = field(default_factory=dict)
    #: True for a free combination: counts rounded to multiples of ten (:mod:`.rounding`), shown "gerundet".
    rounded: bool = False
    #: A further note for the footnote (e.g. the statistical gender of a gender breakdown).
    note: str | None = None
    unreliable: pd.DataFrame | None = None

    def __post_init__(self):
        if self.unreliable is None:  # nothing left out for reliability: the same shape as `suppressed`, all False
            object.__setattr__(self, "unreliable", pd.DataFrame(False, index=self.suppressed.index,
                                                                columns=self.suppressed.columns))

    @property
    def suppressed_any(self) -> bool:
        """True if anything is withheld, i.e. :data:`privacy.FOOTNOTE_DE` must be shown."""
        return bool(self.suppressed.to_numpy().any())

    @property
    def unreliable_any(self) -> bool:
        """True if a share is not shown because its rounded base is too small (``/``)."""
        return bool(self.unreliable.to_numpy().any())

    @property
    def footnote(self) -> str | None:
        text = _footnote(self.suppressed_any, self.rounded, self.unreliable_any)
        return " ".join(t for t in (text, self.note) if t) or None

    def text(self) -> pd.DataFrame:
        """German display strings: ``1.234``, ``24,5 %``, ``*`` (withheld), ``x`` (undefined), ``/`` (unreliable)."""
        out = {}
        for col in self.frame.columns:
            kind = self.kinds.get(col, "text")
            values = self.frame[col].astype(object)
            if kind == "count":
                shown = values.map(format_count_de)
            elif kind == "rate":
                shown = values.map(lambda v: format_rate_de(float(v)) if not _missing(v) else "")
            elif kind == "number":
                shown = values.map(lambda v: _format_number(v) if not _missing(v) else "")
            else:
                out[col] = self.frame[col]
                continue
            shown = (shown.mask(self.undefined[col], UNDEFINED_SYMBOL).mask(self.suppressed[col], SUPPRESSION_SYMBOL)
                     .mask(self.unreliable[col], UNRELIABLE_SYMBOL))
            out[col] = shown.astype(object)
        return pd.DataFrame(out, index=self.frame.index)


class PublishedFigures(dict):
    """The headline dict after suppression: same keys, ``pd.NA`` where withheld.

    ``suppressed`` / ``undefined`` / ``unreliable``: frozensets of keys; ``suppressed_any``; ``footnote``;
    ``text(key)`` gives the German display string (``*`` / ``x`` / ``/`` / ``1.234`` / ``24,5 %``).
    """

    def __init__(self, values: dict, suppressed=frozenset(), undefined=frozenset(), rounded: bool = False,
                 unreliable=frozenset()):
        super().__init__(values)
        self.suppressed = frozenset(suppressed)
        self.undefined = frozenset(undefined)
        self.unreliable = frozenset(unreliable)
        self.rounded = rounded
        #: keys whose value is rounded to a multiple of ten (shown "gerundet"); all keys if ``rounded`` alone
        self.rounded_keys = frozenset(values) if rounded else frozenset()

    @property
    def suppressed_any(self) -> bool:
        return bool(self.suppressed)

    @property
    def footnote(self) -> str | None:
        return _footnote(self.suppressed_any, self.rounded, bool(self.unreliable))

    def text(self, key: str) -> str:
        if key in self.suppressed:
            return SUPPRESSION_SYMBOL
        if key in self.undefined:
            return UNDEFINED_SYMBOL
        if key in self.unreliable:
            return UNRELIABLE_SYMBOL
        value = self[key]
        return format_rate_de(float(value)) if key.endswith("_rate") else format_count_de(value)


def _footnote(suppressed: bool, rounded: bool, unreliable: bool = False) -> str | None:
    """The footnote(s) a published result needs: rounding rule, the ``/`` rule and/or the ``*`` rule."""
    from .. import texts_de as T

    parts = ([T.PUBLICATION_ROUNDED_FOOTNOTE] if rounded else []) + (
        [T.PUBLICATION_UNRELIABLE_FOOTNOTE] if unreliable else []) + ([FOOTNOTE_DE] if suppressed else [])
    return " ".join(parts) or None


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _format_number(value, decimals: int = 1) -> str:
    text = f"{float(value):,.{decimals}f}"
    return text.translate(str.maketrans(",.", ".,"))

def _rate_value(numerator, denominator, numerator_known: bool, denominator_known: bool):
    """Published rate: float, NaN (undefined, denominator 0) or pd.NA (withheld)."""
    if int(denominator) == 0:
        return math.nan
    if not (numerator_known and denominator_known):
        return pd.NA
    return suppress_rate(int(numerator), int(denominator))


def _rates(numerators, denominators, num_known, den_known):
    """Vectorised :func:`_rate_value`: (values as float array, suppressed mask, undefined mask)."""
    vals, sup, und = [], [], []
    for n, d, nk, dk in zip(numerators, denominators, num_known, den_known):
        r = _rate_value(n, d, bool(nk), bool(dk))
        if r is pd.NA:
            vals.append(np.nan), sup.append(True), und.append(False)
        elif isinstance(r, float) and math.isnan(r):
            vals.append(np.nan), sup.append(False), und.append(True)
        else:
            vals.append(float(r)), sup.append(False), und.append(False)
    return np.array(vals, dtype=float), np.array(sup, dtype=bool), np.array(und, dtype=bool)


def _masked(values, mask, dtype: str):
    """Nullable array (Int64 / Float64) with NA where ``mask``."""
    mask = np.asarray(mask, dtype=bool)
    if dtype == "Float64":
        return pd.arrays.FloatingArray(np.nan_to_num(np.asarray(values, dtype=float)), mask.copy())
    data = np.asarray(pd.Series(values).fillna(0), dtype=np.int64)
    return pd.arrays.IntegerArray(data, mask.copy())


def _result(frame: pd.DataFrame, columns: dict, kinds: dict, rounded: bool = False) -> Published:
    """Assemble a Published from the original frame and {column: (values, suppressed, undefined[, unreliable])};
    ``rounded``: its counts are rounded to tens (the footnote says so, see :func:`_footnote`)."""
    frame = frame.reset_index(drop=True)
    n = len(frame)
    data, sup, und, unr = {}, {}, {}, {}
    for col in frame.columns:
        if col in columns:
            values, suppressed, undefined, *rest = columns[col]
            suppressed = np.asarray(suppressed, dtype=bool).reshape(n)
            undefined = np.asarray(undefined, dtype=bool).reshape(n)
            unreliable = np.asarray(rest[0], dtype=bool).reshape(n) if rest else np.zeros(n, dtype=bool)
            dtype = "Float64" if kinds.get(col) in ("rate", "number") else "Int64"
            data[col] = _masked(values, suppressed | undefined | unreliable, dtype)
            sup[col], und[col], unr[col] = suppressed, undefined, unreliable
        else:
            data[col] = frame[col].array
            sup[col] = und[col] = unr[col] = np.zeros(n, dtype=bool)
    out = pd.DataFrame(data, index=frame.index)
    suppressed_frame = pd.DataFrame(sup, index=frame.index)
    out.attrs["suppressed_any"] = bool(suppressed_frame.to_numpy().any())
    return Published(out, suppressed_frame, pd.DataFrame(und, index=frame.index),
                     {c: kinds.get(c, "text") for c in out.columns}, rounded=rounded,
                     unreliable=pd.DataFrame(unr, index=frame.index))


_BREAKDOWN_KINDS = {"participants": "count", "employment": "count", "vocational_training": "count",
                    "improved_prospects": "count", "with_outcome": "count", "share": "rate",
                    "placement_rate": "rate", "outcome_rate": "rate"}


class _LazyFrames(Mapping):
    """name -> metric frame of one selection, each computed on first use (:func:`biwaq_data.figures.memo.metric_frame`: once per
    data version and filters, shared by the pages and all sessions)."""

    def __init__(self, dataset, filters, names, prefix: str = ""):
        self._dataset, self._filters, self._names, self._prefix = dataset, filters, tuple(names), prefix

    def __getitem__(self, name):
        if name not in self._names:
            raise KeyError(name)
        from ..figures.memo import metric_frame

        return metric_frame(self._dataset, self._filters, self._prefix + name)

    def __iter__(self):
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


class SelectionFrames(Mapping):
    """The raw figures behind the published tables of one (dataset, filters): the headline (this object reads
    like the raw headline dict) and every metric frame, each computed when first asked for (only the tables a
    page shows) and shared per (data version, filters) by all sessions (:mod:`.memo`). Base of
    `selection.Selection` (exact, cell suppression) and `rounding.RoundedSelection` (rounded to multiples of ten)."""

    def __init__(self, dataset, filters=None):
        from ..figures import metrics
        from ..figures.memo import metric_frame

        self.dataset, self.filters = dataset, filters
        self.raw = metric_frame(dataset, filters, "headline")
        self._frames = _LazyFrames(dataset, filters, ("funnel", "outcome_table", "flows", "monthly", "services"))
        self._breakdowns = _LazyFrames(dataset, filters, metrics.BREAKDOWN_ATTRIBUTES, "breakdown:")

    def __getitem__(self, key):
        return self.raw[key]

    def __iter__(self):
        return iter(self.raw)

    def __len__(self) -> int:
        return len(self.raw)

    def metric(self, name: str) -> pd.DataFrame:
        """The unprotected metric frame behind a table: "funnel", "outcome_table", "flows", "monthly",
        "services" or "breakdown:<attribute>" (for screens with publication mode switched off)."""
        if name.startswith("breakdown:"):
            return self._breakdowns[name.split(":", 1)[1]]
        return self._frames[name]
