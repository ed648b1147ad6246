"""Publication mode: the figures that leave the dashboard, with statistical confidentiality applied
consistently across every table of one selection.

Use it like this (pure, no Streamlit)::

    sel = publication.selection(dataset, filters)     # solves all tables of the selection, cached
    sel.headline()                                     # PublishedFigures (dict), NA where withheld
    sel.breakdown("gender")                            # Published: .frame, .suppressed, .text(), ...
    publication.publish_breakdown(metrics.breakdown(ds, "gender", f), sel)   # same, frame-based

Every published table has the metric frame's columns with nullable ``Int64`` / ``Float64`` dtypes,
``pd.NA`` where a value is withheld, and masks telling "suppressed" (shown ``*``, needs
:data:`privacy.FOOTNOTE_DE`) apart from "undefined" (a rate with denominator 0, shown ``x``). A
published zero stays a zero.

Why a *selection* and not table by table: the tables of one selection share figures (every
breakdown's total row is the headline; Bezirke are sums of Ortsteile; ...) and their published
zeros tie them together further. A value protected in one table can be rebuilt from another unless
all of them are protected together - see :class:`Selection`.

How the protection works (rules of the Statistik der Bundesagentur für Arbeit, see
:mod:`biwaq_data.publish.privacy`):

* **Headline** - the press figures are a small hierarchy of sums, protected top-down, one line
  (two parts + their total) at a time with :func:`privacy.suppress_counts`::

      participants = with_outcome + rest          rest = in_support + no_outcome
      with_outcome = work_or_training + improved_prospects
      work_or_training = employment + vocational_training
      participants = unemployed + not unemployed  unemployed = long-term + short-term unemployed
      participants = migration background + none  participants = leavers + still supported
      (and "nicht langzeitarbeitslos" = participants - long-term unemployed, a breakdown row)

  A part of a withheld total is itself withheld when needed (so the total cannot be rebuilt), and a
  withheld part always gets a *sibling* as complement (one person "noch in Betreuung" hides
  "ohne Ergebnis", not the employment figure).
* **Tables** (breakdowns, flows, monthly series, the ESF Plus indicator blocks category x gender)
  - the cells of the table and its totals go through :func:`privacy.suppress_counts` (primary +
  secondary suppression). On top of that a linear-algebra check (every published figure is a linear
  form over the unknown counts behind the table; a withheld figure is derivable iff its form lies in
  the span of the published ones and the published zeros) makes sure that

  - the **margins equal the headline**: a total the headline shows is shown, a total the headline
    withholds is withheld (so no table reveals what another hides);
  - extra published columns that are sums of cells (``with_outcome``, a monthly ``active`` or
    cumulative count) and the numerators of published rates reveal nothing: they are shown only
    when they already follow from the published cells, and such a column with value 1 or 2 is
    protected like a cell;
  - finer tables respect coarser ones that the dashboard also shows (Ortsteile vs. Stadtbezirke,
    flows "Status bei Eintritt -> bestes Ergebnis" vs. the breakdowns by employment status and
    long-term unemployment);
  - a table implies no relation between withheld margin values beyond what the margins themselves
    show ("isolation"), so two tables sharing the same margins cannot be combined to solve for one.

  If a check fails, the smallest non-zero cell that repairs it is withheld as well and the
  suppression is rerun. If what a *coarser* table publishes (plus this table's zeros) already reveals
  a small value - e.g. a breakdown where one group holds all "ohne Ergebnis" persons pins a cell to
  the headline figure - the coarser table withholds one more figure and the whole selection is solved
  again (:class:`Selection`; figures are only ever added to the withheld set, so this terminates).
  Rates follow the rate rule (numerator or denominator minus numerator 1 or 2) and are withheld
  whenever their numerator or denominator is not published.
* **Outcome table, services** - rules per row, see :meth:`Selection.outcome_table` and
  :meth:`Selection.services` (e.g. a service that reached *every* participant has exactly the
  headline's rates, so it withholds them like the headline).

Tested by ``tests/test_publication.py``: for random filter selections on the sample and on small
generated data sets an independent model of *all* tables of the selection is attacked; no withheld
value and no 1 or 2 may be derivable (raise ``BIWAQ_DIFF_EXAMPLES`` for a deeper run).

Honest limits (as in BA practice):

* Only exact derivation from the published linear relations is prevented. Bounds that follow from
  counts being non-negative (interval disclosure) are not considered, and the sum of the withheld
  cells of one line is always known from its total - that is inherent to cell suppression.
* The protection covers the tables the dashboard publishes **for one filter selection**. A
  determined user can still difference tables across *different* selections (e.g. "all periods"
  minus "period up to last month", or Ortsteil A+B minus Ortsteil A) and may recover a small cell.
  The BA's own tables have the same limit; the remedy would be rounding or noise (the BA's
  interactive tools round to multiples of 10), which this dashboard does not do because press
  officers need exact, citable figures.
* Facts outside the published tables (e.g. knowing that one provider only serves one Bezirk) are not
  modelled.

Exports are always protected unless the operator sets the environment variable
``BIWAQ_ALLOW_UNPROTECTED_EXPORTS`` to ``1``/``true``/``ja`` (see :func:`exports_unprotected_allowed`).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from .. import places
from ..ingest import schema
from .. import texts_de as T
from .privacy import (FOOTNOTE_DE, PRIMARY_VALUES, SUPPRESSION_SYMBOL, UNDEFINED_SYMBOL, format_count_de,
                      format_rate_de, suppress_counts, suppress_rate)

#: Environment variable allowing exports without suppression (default: not allowed).
ALLOW_UNPROTECTED_ENV = "BIWAQ_ALLOW_UNPROTECTED_EXPORTS"
_TRUE_WORDS = frozenset({"1", "true", "yes", "ja", "on"})

OUTCOME_COLUMNS = ("employment", "vocational_training", "improved_prospects")
_PRIMARY = np.array(sorted(PRIMARY_VALUES))


def exports_unprotected_allowed() -> bool:
    """True only if ``BIWAQ_ALLOW_UNPROTECTED_EXPORTS`` is set to 1/true/yes/ja/on.

    Default (variable unset or anything else): every download, the press kit and the indicator
    report are produced in publication mode, whatever an analyst switched on screen. Operators who
    need raw figures internally (e.g. for the Jobcenter under a data-processing agreement) set the
    variable for that deployment only.
    """
    return os.environ.get(ALLOW_UNPROTECTED_ENV, "").strip().lower() in _TRUE_WORDS


# =========================================================================== result types


@dataclass(frozen=True, eq=False)
class Published:
    """A metric frame after suppression.

    ``frame``: the metric frame's columns; counts ``Int64``, rates/hours ``Float64``, ``pd.NA`` where
    withheld *or* undefined. ``suppressed``: bool frame (same labels), True where withheld for
    confidentiality (show ``*``). ``undefined``: True where a rate has denominator 0 (show ``x``).
    ``kinds``: column -> "count" | "rate" | "number" | "text" (for :meth:`text`).
    ``frame.attrs["suppressed_any"]`` mirrors :attr:`suppressed_any`.
    """

    frame: pd.DataFrame
    suppressed: pd.DataFrame
    undefined: pd.DataFrame
    kinds: dict = field(default_factory=dict)

    @property
    def suppressed_any(self) -> bool:
        """True if anything is withheld, i.e. :data:`privacy.FOOTNOTE_DE` must be shown."""
        return bool(self.suppressed.to_numpy().any())

    @property
    def footnote(self) -> str | None:
        return FOOTNOTE_DE if self.suppressed_any else None

    def text(self) -> pd.DataFrame:
        """German display strings: ``1.234``, ``24,5 %``, ``*`` (withheld), ``x`` (undefined)."""
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
            shown = shown.mask(self.undefined[col], UNDEFINED_SYMBOL).mask(self.suppressed[col], SUPPRESSION_SYMBOL)
            out[col] = shown.astype(object)
        return pd.DataFrame(out, index=self.frame.index)


class PublishedFigures(dict):
    """The headline dict after suppression: same keys, ``pd.NA`` where withheld.

    ``suppressed`` / ``undefined``: frozensets of keys; ``suppressed_any``; ``footnote``;
    ``text(key)`` gives the German display string (``*`` / ``x`` / ``1.234`` / ``24,5 %``).
    """

    def __init__(self, values: dict, suppressed=frozenset(), undefined=frozenset()):
        super().__init__(values)
        self.suppressed = frozenset(suppressed)
        self.undefined = frozenset(undefined)

    @property
    def suppressed_any(self) -> bool:
        return bool(self.suppressed)

    @property
    def footnote(self) -> str | None:
        return FOOTNOTE_DE if self.suppressed else None

    def text(self, key: str) -> str:
        if key in self.suppressed:
            return SUPPRESSION_SYMBOL
        if key in self.undefined:
            return UNDEFINED_SYMBOL
        value = self[key]
        return format_rate_de(float(value)) if key.endswith("_rate") else format_count_de(value)


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _format_number(value, decimals: int = 1) -> str:
    text = f"{float(value):,.{decimals}f}"
    return text.translate(str.maketrans(",.", ".,"))


# =========================================================================== linear algebra


def _forms(rows, width: int) -> np.ndarray:
    arr = np.asarray(rows, dtype=float)
    return arr.reshape(-1, width) if arr.size else np.zeros((0, width))


_TOL = 1e-9


def _basis(forms: np.ndarray) -> np.ndarray:
    """Row-echelon basis of the row space of ``forms`` (Gaussian elimination with partial pivoting).

    Plain NumPy element-wise operations, no LAPACK/BLAS: the matrices are small 0/+-1 forms, and a
    threaded SVD is orders of magnitude slower on a busy server. Row k of the result has its pivot
    (value 1) in a column where all later rows are 0, which :func:`_reduce` relies on.
    """
    a = np.array(forms, dtype=float, copy=True)
    rows, pivots = [], []
    for col in range(a.shape[1]):
        if not len(a):
            break
        column = np.abs(a[:, col])
        piv = int(np.argmax(column))
        if column[piv] <= _TOL:
            continue
        row = a[piv] / a[piv, col]
        a = np.delete(a, piv, axis=0)
        a -= np.multiply.outer(a[:, col], row)
        rows.append(row)
        pivots.append(col)
    basis = np.array(rows) if rows else np.zeros((0, forms.shape[1]))
    return basis


def _pivots(basis: np.ndarray) -> np.ndarray:
    return np.argmax(np.abs(basis) > _TOL, axis=1) if len(basis) else np.zeros(0, dtype=int)


def _reduce(basis: np.ndarray, targets: np.ndarray) -> np.ndarray:
    t = np.array(targets, dtype=float, copy=True)
    for row, col in zip(basis, _pivots(basis)):
        t -= np.multiply.outer(t[:, col], row)
    return t


def _rank(forms: np.ndarray) -> int:
    return len(_basis(forms))


def _in_span(basis: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Row-wise: is the target form a linear combination of the basis (i.e. derivable)?"""
    if not len(targets):
        return np.zeros(0, dtype=bool)
    return np.abs(_reduce(basis, targets)).max(axis=1, initial=0.0) < 1e-6


def _meet(a: np.ndarray, b: np.ndarray) -> int:
    """Dimension of the intersection of two row spaces (given by bases)."""
    return len(a) + len(b) - _rank(np.vstack([a, b]))


def _excess(basis: np.ndarray, shared: np.ndarray, floor: np.ndarray) -> int:
    """Independent relations between the shared (margin) forms that the published forms (``basis``)
    imply beyond those implied anyway by the individually known shared values and by ``floor`` (the
    forms every publication of this table reveals: its zeros and fixed cells).

    dim(K & S) - dim((F & S) + I) with I = known shared forms; dim((F & S) + I) =
    dim(F & S) + dim(I) - dim(F & I) because I lies in S."""
    if not len(shared):
        return 0
    s = _basis(shared)
    individually = _basis(shared[_in_span(basis, shared)])
    return _meet(basis, s) - (_meet(floor, s) + len(individually) - _meet(floor, individually))


# =========================================================================== grid protection


class _Conflict(Exception):
    """A finer table found that published figures of a coarser table (plus its own zeros) reveal a
    small or withheld value: the coarser table must withhold ``source`` = (table, cell) as well."""

    def __init__(self, source: tuple):
        super().__init__(source)
        self.source = source


@dataclass(frozen=True, eq=False)
class _Grid:
    """A protected table: ``mask`` over the full table (inner cells + total column + total row,
    row-major), the forms of all its cells over the atoms, and what the reader knows."""

    full: np.ndarray
    mask: np.ndarray
    forms: np.ndarray  # full cells x atoms
    basis: np.ndarray  # over the non-zero atoms only (zero atoms are published)
    extra_published: np.ndarray
    nonzero: np.ndarray
    lift: np.ndarray  # inner cells x atoms

    def knows(self, inner_forms) -> np.ndarray:
        """Are these forms (over the table's inner cells) derivable from what is published?"""
        forms = _forms(inner_forms, self.lift.shape[0]) @ self.lift
        return _in_span(self.basis, forms[:, self.nonzero])


def _cell_forms(n_rows: int, n_cols: int, total_row: bool, total_col: bool) -> np.ndarray:
    full_rows, full_cols = n_rows + total_row, n_cols + total_col
    forms = np.zeros((full_rows, full_cols, n_rows * n_cols))
    for i in range(full_rows):
        rows = range(n_rows) if i == n_rows else (i,)
        for j in range(full_cols):
            cols = range(n_cols) if j == n_cols else (j,)
            for r in rows:
                for c in cols:
                    forms[i, j, r * n_cols + c] = 1.0
    return forms.reshape(full_rows * full_cols, n_rows * n_cols)


def _protect_grid(inner, *, lift=None, atom_values=None, total_row: bool = True, total_col: bool = True,
                  known=(), secret=(), extra=(), extra_values=(), shared=(), forced_cells=(), name: str = "",
                  max_tries: int = 8) -> _Grid:
    """Suppress one table of counts consistently with the tables it shares figures with.

    ``inner``: R x C counts (no totals); totals are added as configured. Atoms are the unknown counts
    behind the table: its own inner cells, or - with ``lift`` (R*C x A, inner cell = sum of atoms) and
    ``atom_values`` - the cells of a finer table whose zeros are published (Bezirk over Ortsteile).
    ``known``: (form over atoms, source) published by coarser tables; ``secret``: forms they withhold.
    ``extra``/``extra_values``: further figures of this table as forms over its inner cells (e.g.
    ``with_outcome`` per row) - shown only if derivable anyway, protected like a cell when 1 or 2.
    ``shared``: forms of the margins other tables also show (isolation check, module docstring).
    ``forced_cells``: indices of full cells that finer tables need withheld.

    Raises :class:`_Conflict` if the coarser tables' published figures plus the zeros already
    reveal a small or withheld value here (the caller then withholds more there and starts again).
    """
    inner = np.asarray(inner, dtype=np.int64)
    n_rows, n_cols = inner.shape
    n_inner = n_rows * n_cols
    lift = np.eye(n_inner) if lift is None else np.asarray(lift, dtype=float)
    atom_values = inner.ravel() if atom_values is None else np.asarray(atom_values, dtype=np.int64).ravel()
    width = lift.shape[1]
    full = inner
    if total_col:
        full = np.column_stack([full, full.sum(axis=1)])
    if total_row:
        full = np.vstack([full, full.sum(axis=0)])
    shape, flat = full.shape, full.ravel()
    all_forms = _cell_forms(n_rows, n_cols, total_row, total_col) @ lift
    known = list(known)
    known_forms = _forms([f for f, _ in known], width)
    sources = [s for _, s in known]
    secret, shared = _forms(secret, width), _forms(shared, width)
    extra_forms = _forms(extra, n_inner) @ lift
    extra_values = np.asarray(extra_values, dtype=np.int64).reshape(-1)
    extra_primary = np.isin(extra_values, _PRIMARY)
    # a derived figure that is 0 is always shown: published information too
    zero_extra = extra_forms[extra_values == 0]
    # zero atoms are published: drop their coordinates (exact, and far smaller algebra)
    nonzero = atom_values != 0
    forms, known_forms, zero_extra = all_forms[:, nonzero], known_forms[:, nonzero], zero_extra[:, nonzero]
    secret, shared, extra_forms = secret[:, nonzero], shared[:, nonzero], extra_forms[:, nonzero]
    width = int(nonzero.sum())
    forced = np.zeros(len(flat), dtype=bool)
    forced[list(forced_cells)] = True
    forced &= flat != 0
    if width == 0:
        return _Grid(full, np.zeros(shape, dtype=bool), all_forms, np.zeros((0, 0)),
                     np.ones(len(extra_values), dtype=bool), nonzero, lift)

    # 1. what coarser tables publish must not already reveal anything small or withheld here
    base = np.vstack([known_forms, zero_extra])
    base_basis = _basis(base)
    primary = np.isin(flat, _PRIMARY) | forced
    targets = np.vstack([forms[primary], extra_forms[extra_primary], secret])
    hit = _in_span(base_basis, targets)
    if hit.any():
        target = targets[int(np.argmax(hit))]
        values = known_forms @ atom_values[nonzero].astype(float)
        order = [k for k in np.lexsort((np.arange(len(values)), values)) if round(values[k]) != 0]
        for k in order:
            keep = np.ones(len(known_forms), dtype=bool)
            keep[k] = False
            if not _in_span(_basis(np.vstack([known_forms[keep], zero_extra])), target[None])[0]:
                raise _Conflict(sources[k])
        related = [k for k in order if (np.abs(known_forms[k]) * np.abs(target)).sum() > 0]
        if not related:  # pragma: no cover - zeros alone never determine a non-zero value
            raise RuntimeError(f"{name}: cannot protect table")
        raise _Conflict(sources[related[0]])

    forced_known = _in_span(base_basis, forms)
    forced &= ~forced_known
    floor = None  # margin relations implied even if every non-zero free cell were withheld (lazy)
    total_row_label = shape[0] - 1 if total_row else None
    total_col_label = shape[1] - 1 if total_col else None

    # 2. primary + secondary suppression (privacy.suppress_counts), repaired until nothing leaks
    for _ in range(len(flat) + 2):
        arr = flat.copy()
        arr[forced_known] = 0  # published anyway: never a complement
        arr[forced] = 1  # withheld for other tables: treated as primary
        protected = suppress_counts(pd.DataFrame(arr.reshape(shape)), total_row=total_row_label,
                                    total_col=total_col_label, check_totals=False)
        mask = protected.suppressed.to_numpy().ravel() & ~forced_known
        published = ~mask
        if not mask.any() and not len(secret) and not extra_primary.any():  # nothing withheld anywhere
            return _Grid(full, mask.reshape(shape), all_forms, np.eye(width),
                         np.ones(len(extra_values), dtype=bool), nonzero, lift)
        basis = _basis(np.vstack([forms[published], base]))
        secrets = np.vstack([forms[mask], secret, extra_forms[extra_primary]])
        leaked = _in_span(basis, secrets)
        candidates = np.flatnonzero(published & ~forced_known & (flat > 0))
        candidates = candidates[np.lexsort((candidates, flat[candidates]))]  # smallest first
        pick = None
        if leaked.any():
            target = secrets[int(np.argmax(leaked))]
            related = candidates[(np.abs(forms[candidates]) * np.abs(target)).sum(axis=1) > 0]
            for cand in related[:max_tries]:
                keep = published.copy()
                keep[cand] = False
                if not _in_span(_basis(np.vstack([forms[keep], base])), target[None])[0]:
                    pick = cand
                    break
            if pick is None:
                pick = related[0] if len(related) else (candidates[0] if len(candidates) else None)
        elif len(shared) and not _in_span(basis, shared).all() and _excess(
                basis, shared, floor := floor if floor is not None else
                _basis(np.vstack([forms[forced_known | (flat == 0)], base]))) > 0:
            excess = _excess(basis, shared, floor)
            open_shared = shared[~_in_span(basis, shared)]
            weight = np.abs(open_shared).sum(axis=0)
            related = candidates[(np.abs(forms[candidates]) * weight).sum(axis=1) > 0]
            for cand in related[:max_tries]:
                keep = published.copy()
                keep[cand] = False
                if _excess(_basis(np.vstack([forms[keep], base])), shared, floor) < excess:
                    pick = cand
                    break
            if pick is None:
                pick = related[0] if len(related) else (candidates[0] if len(candidates) else None)
        else:
            extra_published = (_in_span(basis, extra_forms) & ~extra_primary) | (extra_values == 0)
            return _Grid(full, mask.reshape(shape), all_forms, basis, extra_published, nonzero, lift)
        if pick is None:  # pragma: no cover - step 1 guarantees that withholding everything works
            raise RuntimeError(f"{name}: cannot protect table")
        forced[pick] = True
    raise RuntimeError(f"{name}: suppression did not converge")  # pragma: no cover


def _line(parent_value: int, parent_known: bool, children: dict[str, int], forced=()) -> dict[str, bool]:
    """Suppressed flags of the parts of one line (parts + total) given the total's status.

    ``forced``: parts that must be withheld (treated as primary)."""
    values = {k: (1 if k in forced and v else v) for k, v in children.items()}
    # a known total is never a complement (0); a withheld total counts as primary (1)
    values["__total__"] = 0 if parent_known or parent_value == 0 else 1
    protected = suppress_counts(pd.Series(values, dtype="int64"), total_row="__total__", check_totals=False)
    sup = protected.suppressed.iloc[:, 0]
    return {key: bool(sup[key]) for key in children}


# =========================================================================== headline


@dataclass(frozen=True)
class _HeadlineStatus:
    values: dict
    known: dict


_TREE = (("participants", ("with_outcome", "rest")), ("with_outcome", ("work", "improved_prospects")),
         ("rest", ("in_support", "no_outcome")), ("work", ("employment", "vocational_training")),
         ("participants", ("unemployed", "not_unemployed")),
         ("unemployed", ("long_term_unemployed", "short_term_unemployed")),
         ("participants", ("migration_background", "no_migration")), ("participants", ("leavers", "stayers")))
#: Complements shown by other tables but not in the tree: (part, shown complement). The breakdown by
#: long-term unemployment shows "nicht langzeitarbeitslos" = participants - long-term unemployed.
_CROSS = (("long_term_unemployed", "not_long_term_unemployed"),)


def _headline_values(headline: dict) -> dict[str, int]:
    h = {k: int(v) for k, v in headline.items() if not k.endswith("_rate")}
    return {
        "participants": h["participants"], "with_outcome": h["with_outcome"],
        "rest": h["in_support"] + h["no_outcome"], "work": h["employment"] + h["vocational_training"],
        "employment": h["employment"], "vocational_training": h["vocational_training"],
        "improved_prospects": h["improved_prospects"], "in_support": h["in_support"],
        "no_outcome": h["no_outcome"], "unemployed": h["unemployed"],
        "not_unemployed": h["participants"] - h["unemployed"],
        "long_term_unemployed": h["long_term_unemployed"],
        "short_term_unemployed": h["unemployed"] - h["long_term_unemployed"],
        "not_long_term_unemployed": h["participants"] - h["long_term_unemployed"],
        "migration_background": h["migration_background"],
        "no_migration": h["participants"] - h["migration_background"],
        "leavers": h["leavers"], "stayers": h["participants"] - h["leavers"],
    }


@lru_cache(maxsize=512)
def _headline_status_cached(items: tuple, forced_nodes: frozenset) -> _HeadlineStatus:
    v = dict(items)
    forced = set(forced_nodes)
    while True:
        known = {"participants": v["participants"] not in PRIMARY_VALUES and "participants" not in forced}
        for parent, parts in _TREE:
            flags = _line(v[parent], known[parent], {p: v[p] for p in parts}, forced)
            known.update({p: not flags[p] for p in parts})
        for part, complement in _CROSS:
            known[complement] = known[part] and known["participants"]
        extra = {part for part, complement in _CROSS
                 if known[complement] and v[complement] in PRIMARY_VALUES} - forced
        if not extra:
            return _HeadlineStatus(v, known)
        forced |= extra


def _headline_status(headline: dict, forced=frozenset()) -> _HeadlineStatus:
    return _headline_status_cached(tuple(sorted(_headline_values(headline).items())), frozenset(forced))


def _rate_value(numerator, denominator, numerator_known: bool, denominator_known: bool):
    """Published rate: float, NaN (undefined, denominator 0) or pd.NA (withheld)."""
    if int(denominator) == 0:
        return math.nan
    if not (numerator_known and denominator_known):
        return pd.NA
    return suppress_rate(int(numerator), int(denominator))


def _figures(headline: dict, status: _HeadlineStatus) -> PublishedFigures:
    out, suppressed, undefined = {}, set(), set()
    for key, value in headline.items():
        if key.endswith("_rate"):
            continue
        if status.known.get(key, True):
            out[key] = int(value)
        else:
            out[key] = pd.NA
            suppressed.add(key)
    for key, numerator in (("placement_rate", "work"), ("outcome_rate", "with_outcome")):
        if key not in headline:
            continue
        rate = _rate_value(status.values[numerator], status.values["participants"], status.known[numerator],
                           status.known["participants"])
        out[key] = rate
        if rate is pd.NA:
            suppressed.add(key)
        elif isinstance(rate, float) and math.isnan(rate):
            undefined.add(key)
    return PublishedFigures({k: out[k] for k in headline}, suppressed, undefined)


# =========================================================================== the solver

_SOURCES = ("long_term_unemployed", "short_term_unemployed", "inactive", "employed")
_GROUPED = ("migration_background", "gender", "age_group", "education", "referral_source", "provider")


def _node_forms(grid_kind: str, n_rows: int, n_cols: int, keys=()) -> dict[str, np.ndarray]:
    """Headline figures as forms over a table's atoms.

    grid_kind "flows": atoms = 4 status rows x 5 best outcomes; "groups": atoms = groups x
    (employment, vocational_training, improved_prospects, rest)."""
    def cols(*c):
        f = np.zeros((n_rows, n_cols))
        f[:, list(c)] = 1.0
        return f.ravel()

    def rows(*r):
        f = np.zeros((n_rows, n_cols))
        f[list(r), :] = 1.0
        return f.ravel()

    rest = (3, 4) if grid_kind == "flows" else (3,)
    out = {"participants": cols(*range(n_cols)), "employment": cols(0), "vocational_training": cols(1),
           "improved_prospects": cols(2), "rest": cols(*rest), "work": cols(0, 1), "with_outcome": cols(0, 1, 2)}
    if grid_kind == "flows":
        out.update(in_support=cols(3), no_outcome=cols(4), long_term_unemployed=rows(0),
                   short_term_unemployed=rows(1), unemployed=rows(0, 1), not_unemployed=rows(2, 3),
                   not_long_term_unemployed=rows(1, 2, 3))
    elif grid_kind == "migration_background":
        keys = list(keys)
        out.update(migration_background=rows(*[i for i, k in enumerate(keys) if bool(k)]),
                   no_migration=rows(*[i for i, k in enumerate(keys) if not bool(k)]))
    return out


def _headline_constraints(status: _HeadlineStatus, forms: dict) -> tuple[list, list, list]:
    known, secret, shared = [], [], []
    for node, form in forms.items():
        if status.known[node] or status.values[node] == 0:
            known.append((form, ("headline", node)))
        else:
            secret.append(form)
        shared.append(form)
    return known, secret, shared


def _breakdown_inner(frame: pd.DataFrame) -> np.ndarray:
    counts = frame[list(OUTCOME_COLUMNS)].to_numpy(dtype=np.int64)
    rest = frame["participants"].to_numpy(dtype=np.int64) - frame["with_outcome"].to_numpy(dtype=np.int64)
    return np.column_stack([counts, rest]).reshape(-1, 4)


def _with_outcome_forms(n_rows: int) -> np.ndarray:
    forms = np.zeros((n_rows, n_rows, 4))
    for i in range(n_rows):
        forms[i, i, :3] = 1.0
    return forms.reshape(n_rows, n_rows * 4)


def _grid_constraints(grid: _Grid, table: str) -> tuple[list, list]:
    """A protected table's cells as (known, secret) constraints for a finer table over the same atoms."""
    known, secret = [], []
    for idx, form in enumerate(grid.forms):
        if grid.mask.ravel()[idx]:
            secret.append(form)
        else:
            known.append((form, (table, idx)))
    return known, secret


class Selection(Mapping):
    """All tables the dashboard publishes for one selection (dataset + filters), protected together.

    A Selection is also a read-only mapping of the *raw* headline figures (``sel["participants"]``,
    ``dict(sel) == metrics.headline(dataset, filters)``), so it can stand in for the headline dict.

    Tables are protected from coarse to fine (headline -> breakdowns by employment status and
    long-term unemployment -> flows; headline -> Stadtbezirke -> Ortsteile; headline -> every other
    breakdown, the monthly series, services). If a finer table finds that the coarser tables'
    published figures together with its own zeros reveal a 1, a 2 or a withheld value, the coarser
    table withholds one more figure and everything is solved again (a fixed point; figures only ever
    get withheld, so it terminates).

    Use :func:`selection` to get a cached instance. Methods return :class:`Published` /
    :class:`PublishedFigures`: ``headline()``, ``funnel()``, ``outcome_table()``, ``flows()``,
    ``monthly()``, ``services()``, ``breakdown(attribute)``, ``tables()`` (all of them).
    """

    def __init__(self, dataset, filters=None):
        from ..figures import metrics

        self.dataset, self.filters = dataset, filters
        self.raw = metrics.headline(dataset, filters)
        self._frames = {"funnel": metrics.funnel(dataset, filters),
                        "outcome_table": metrics.outcome_table(dataset, filters),
                        "flows": metrics.flows(dataset, filters), "monthly": metrics.monthly(dataset, filters),
                        "services": metrics.services_summary(dataset, filters)}
        self._breakdowns = {a: metrics.breakdown(dataset, a, filters) for a in metrics.BREAKDOWN_ATTRIBUTES}
        self.forced: dict[str, set] = {}
        for _ in range(500):
            try:
                self._solve()
                break
            except _Conflict as conflict:
                table, cell = conflict.source
                if cell in self.forced.setdefault(table, set()):  # pragma: no cover
                    raise RuntimeError(f"publication: conflict on {conflict.source} did not resolve")
                self.forced[table].add(cell)
        else:  # pragma: no cover
            raise RuntimeError("publication: no consistent suppression found")

    # ------------------------------------------------------------------ solving

    def _solve(self) -> None:
        self.status = status = _headline_status(self.raw, frozenset(self.forced.get("headline", ())))
        grids: dict[str, _Grid] = {}
        # flows grid (status at entry x best outcome) and its two coarser breakdowns
        flows = self._frames["flows"]
        f_inner = np.zeros((4, len(schema.BEST_OUTCOMES)), dtype=np.int64)
        for row in flows.itertuples():
            f_inner[_SOURCES.index(row.source), schema.BEST_OUTCOMES.index(row.target)] += int(row.persons)
        self._f_inner = f_inner
        f_nodes = _node_forms("flows", 4, 5)
        col_map = np.zeros((5, 4))
        col_map[[0, 1, 2, 3, 4], [0, 1, 2, 3, 3]] = 1.0
        finer_known, finer_secret = [], []
        for attribute, row_map in (("employment_status", [[1, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]),
                                   ("long_term_unemployed", [[1, 0, 0, 0], [0, 1, 1, 1]])):
            row_map = np.asarray(row_map, dtype=float)
            lift = np.einsum("rs,oc->rcso", row_map, col_map).reshape(len(row_map) * 4, 20)
            inner = _breakdown_inner(self._breakdowns[attribute])
            known, secret, shared = _headline_constraints(status, f_nodes)
            grid = _protect_grid(inner, lift=lift, atom_values=f_inner.ravel(), known=known, secret=secret,
                                 shared=shared, extra=_with_outcome_forms(len(inner)),
                                 extra_values=inner[:, :3].sum(axis=1), forced_cells=self.forced.get(attribute, ()),
                                 name=attribute)
            grids[attribute] = grid
            k2, s2 = _grid_constraints(grid, attribute)
            finer_known += k2
            finer_secret += s2
        known, secret, shared = _headline_constraints(status, f_nodes)
        grids["flows"] = _protect_grid(f_inner, known=known + finer_known, secret=secret + finer_secret,
                                       shared=shared, forced_cells=self.forced.get("flows", ()), name="flows")
        # Stadtbezirke over the Ortsteile, then the Ortsteile
        ort = self._breakdowns["ortsteil"]
        o_inner = _breakdown_inner(ort)
        o_nodes = _node_forms("groups", len(ort), 4)
        bez = self._breakdowns["bezirk"]
        member = np.array([[1.0 if b == bz else 0.0 for b in ort["bezirk"]] for bz in bez["key"]]).reshape(
            len(bez), len(ort))
        b_lift = np.einsum("bo,cd->bcod", member, np.eye(4)).reshape(len(bez) * 4, len(ort) * 4)
        b_inner = _breakdown_inner(bez)
        known, secret, shared = _headline_constraints(status, o_nodes)
        grids["bezirk"] = _protect_grid(b_inner, lift=b_lift, atom_values=o_inner.ravel(), known=known,
                                        secret=secret, shared=shared, extra=_with_outcome_forms(len(bez)),
                                        extra_values=b_inner[:, :3].sum(axis=1),
                                        forced_cells=self.forced.get("bezirk", ()), name="bezirk")
        k2, s2 = _grid_constraints(grids["bezirk"], "bezirk")
        grids["ortsteil"] = _protect_grid(o_inner, known=known + k2, secret=secret + s2, shared=shared,
                                          extra=_with_outcome_forms(len(ort)),
                                          extra_values=o_inner[:, :3].sum(axis=1),
                                          forced_cells=self.forced.get("ortsteil", ()), name="ortsteil")
        # every other breakdown shares only the headline figures
        for attribute in _GROUPED:
            frame = self._breakdowns[attribute]
            inner = _breakdown_inner(frame)
            kind = "migration_background" if attribute == "migration_background" else "groups"
            known, secret, shared = _headline_constraints(status, _node_forms(kind, len(frame), 4, frame["key"]))
            grids[attribute] = _protect_grid(inner, known=known, secret=secret, shared=shared,
                                             extra=_with_outcome_forms(len(inner)),
                                             extra_values=inner[:, :3].sum(axis=1),
                                             forced_cells=self.forced.get(attribute, ()), name=attribute)
        grids["monthly"] = self._monthly_grid(status)
        self._indicator_grids(status, grids)
        self.grids = grids

    def _indicator_grids(self, status: _HeadlineStatus, grids: dict) -> None:
        """ESF Plus indicator blocks (category x gender). Their totals are cells of the breakdowns
        (participants per gender, employment status, age group, education, migration background) or
        of the headline, or rows of an earlier block - and are forced to the same status there."""
        from ..figures import indicators as ind

        counts = ind.indicator_counts(self.dataset, self.filters)
        self._indicator_counts = counts
        n_g = len(ind.GENDERS)
        gender_total = [("gender", g * 5 + 4) for g in range(n_g)]
        headline_p = ("headline", "participants")

        def rows_of(table, n):
            return [(table, r * 5 + 4) for r in range(n)]

        plan = {  # block -> (sources of the total column per row, of the total row per gender, grand total)
            "status": (rows_of("employment_status", 3), gender_total, headline_p),
            "long_term": ([("long_term_unemployed", 4), ("headline", "short_term_unemployed")],
                          [("ind:status", g) for g in range(n_g)], ("ind:status", 4)),
            "age": (rows_of("age_group", 4), gender_total, headline_p),
            "education": (rows_of("education", 4), gender_total, headline_p),
            "third_country": ([None, None], gender_total, headline_p),
            "foreign": (rows_of("migration_background", 2), gender_total, headline_p),
            "leavers": ([("headline", "leavers"), ("headline", "stayers")], gender_total, headline_p),
            "assessable": ([None, None], [("ind:leavers", g) for g in range(n_g)], ("ind:leavers", 4)),
            "education_28": ([None, None], [("ind:leavers", g) for g in range(n_g)], ("ind:leavers", 4)),
            "employment_28": ([None, None], [("ind:leavers", g) for g in range(n_g)], ("ind:leavers", 4)),
            "employment_6m": ([None, None], [("ind:assessable", g) for g in range(n_g)], ("ind:assessable", 4)),
        }
        blocks = {**ind.OUTPUT_BLOCKS, **ind.RESULT_BLOCKS}

        def is_known(source) -> bool:
            table, cell = source
            if table == "headline":
                return status.known[cell] or status.values[cell] == 0
            return not grids[table].mask.ravel()[cell]

        for block, (row_sources, col_sources, grand) in plan.items():
            keys = [k for k, _ in blocks[block]]
            inner = np.array([counts.row(k) for k in keys], dtype=np.int64)
            n_rows = len(keys)
            forms = _cell_forms(n_rows, n_g, True, True).reshape(n_rows + 1, n_g + 1, -1)
            margins = [(forms[r, n_g], src) for r, src in enumerate(row_sources)]
            margins += [(forms[n_rows, g], src) for g, src in enumerate(col_sources)]
            margins.append((forms[n_rows, n_g], grand))
            known, secret, shared = [], [], []
            for form, src in margins:
                shared.append(form)
                if src is None:
                    continue
                (known.append((form, src)) if is_known(src) else secret.append(form))
            grids[f"ind:{block}"] = _protect_grid(inner, known=known, secret=secret, shared=shared,
                                                  forced_cells=self.forced.get(f"ind:{block}", ()),
                                                  name=f"ind:{block}")

    def indicator_masks(self) -> dict:
        """Suppressed flags (female, male, non_binary, unknown, total) of every ESF indicator row."""
        from ..figures import indicators as ind

        out = {}
        for block, rows in {**ind.OUTPUT_BLOCKS, **ind.RESULT_BLOCKS}.items():
            mask = self.grids[f"ind:{block}"].mask
            for r, (key, _) in enumerate(rows):
                out[key] = mask[r].copy()
        gender = self.grids["gender"].mask
        out["total"] = np.append(gender[: len(ind.GENDERS), 4], not self.status.known["participants"])
        return out

    def _monthly_grid(self, status: _HeadlineStatus) -> _Grid | None:
        frame = self._frames["monthly"]
        n = len(frame)
        if not n:
            return None
        inner = frame[["entries", "exits", "outcomes"]].to_numpy(dtype=np.int64)
        known, secret = [], []
        for j, node in enumerate(("participants", "leavers", "with_outcome")):
            form = np.zeros((n, 3))
            form[:, j] = 1.0
            if int(inner[:, j].sum()) == status.values[node]:
                if status.known[node] or not status.values[node]:
                    known.append((form.ravel(), ("headline", node)))
                else:
                    secret.append(form.ravel())
        lower = np.tril(np.ones((n, n)))
        cum = np.zeros((n, n, 3))
        cum[:, :, 0] = lower
        active = cum.copy()
        active[:, :, 1] = -lower
        extra = np.vstack([active.reshape(n, 3 * n), cum.reshape(n, 3 * n)])
        values = np.concatenate([frame["active"].to_numpy(dtype=np.int64),
                                 frame["cumulative_participants"].to_numpy(dtype=np.int64)])
        return _protect_grid(inner, total_col=False, known=known, secret=secret, extra=extra, extra_values=values,
                             forced_cells=self.forced.get("monthly", ()), name="monthly", max_tries=4)

    # ------------------------------------------------------------------ the raw headline as a mapping

    def __getitem__(self, key):
        return self.raw[key]

    def __iter__(self):
        return iter(self.raw)

    def __len__(self) -> int:
        return len(self.raw)

    def __repr__(self) -> str:
        return f"Selection({self.filters!r}, participants={self.raw['participants']})"

    # ------------------------------------------------------------------ published tables

    def metric(self, name: str) -> pd.DataFrame:
        """The unprotected metric frame behind a table: "funnel", "outcome_table", "flows", "monthly",
        "services" or "breakdown:<attribute>" (for screens with publication mode switched off)."""
        if name.startswith("breakdown:"):
            return self._breakdowns[name.split(":", 1)[1]]
        return self._frames[name]

    def headline(self) -> PublishedFigures:
        return _figures(self.raw, self.status)

    def breakdown(self, attribute: str, *, with_total: bool = False) -> Published:
        """:func:`metrics.breakdown` (same rows and columns); ``with_total`` appends the total row
        (``key="total"``, label "Insgesamt") - it equals the headline."""
        frame = self._breakdowns[attribute].reset_index(drop=True)
        grid, st, v = self.grids[attribute], self.status, self.status.values
        inner = _breakdown_inner(frame)
        n = len(frame)
        mask = grid.mask
        participants = inner.sum(axis=1)
        p_known = ~mask[:n, 4]
        work_forms = np.zeros((n, n, 4))
        for i in range(n):
            work_forms[i, i, :2] = 1.0
        work_known = grid.knows(work_forms.reshape(n, -1)) if n else np.zeros(0, dtype=bool)
        zeros = np.zeros(n)
        columns = {
            "participants": (participants, mask[:n, 4], zeros),
            "employment": (inner[:, 0], mask[:n, 0], zeros),
            "vocational_training": (inner[:, 1], mask[:n, 1], zeros),
            "improved_prospects": (inner[:, 2], mask[:n, 2], zeros),
            "with_outcome": (inner[:, :3].sum(axis=1), ~grid.extra_published, zeros),
            "share": _rates(participants, [v["participants"]] * n, p_known, [st.known["participants"]] * n),
            "placement_rate": _rates(inner[:, :2].sum(axis=1), participants, work_known, p_known),
            "outcome_rate": _rates(inner[:, :3].sum(axis=1), participants, grid.extra_published, p_known),
        }
        if with_total:
            frame = pd.concat([frame, pd.DataFrame([{"key": "total", "label": T.PUBLICATION_TOTAL_LABEL}])],
                              ignore_index=True)
            for col in ("participants", "employment", "vocational_training", "improved_prospects", "with_outcome"):
                values, sup, und = columns[col]
                columns[col] = (np.append(values, v[col]), np.append(sup, not st.known[col]), np.append(und, False))
            for col, numerator in (("share", "participants"), ("placement_rate", "work"),
                                   ("outcome_rate", "with_outcome")):
                values, sup, und = columns[col]
                r = _rates([v[numerator]], [v["participants"]], [st.known[numerator]], [st.known["participants"]])
                columns[col] = tuple(np.append(a, b) for a, b in zip(columns[col], r))
        return _result(frame, columns, _BREAKDOWN_KINDS)

    def flows(self) -> Published:
        frame = self._frames["flows"].reset_index(drop=True)
        rows = [_SOURCES.index(s) for s in frame["source"]]
        cols = [schema.BEST_OUTCOMES.index(t) for t in frame["target"]]
        mask = self.grids["flows"].mask[rows, cols] if len(frame) else np.zeros(0, dtype=bool)
        return _result(frame, {"persons": (frame["persons"].to_numpy(), mask, np.zeros(len(frame)))},
                       {"persons": "count"})

    def funnel(self) -> Published:
        status, frame = self.status, self._frames["funnel"].reset_index(drop=True)
        nodes = {"participants": "participants", "with_outcome": "with_outcome", "work_or_training": "work",
                 "employment": "employment"}
        node_list = [nodes[s] for s in frame["stage"]]
        persons = frame["persons"].to_numpy(dtype=np.int64)
        known = np.array([status.known[k] for k in node_list])
        previous = np.concatenate([persons[:1], persons[:-1]])
        prev_known = np.concatenate([known[:1], known[:-1]])
        n = len(frame)
        columns = {"persons": (persons, ~known, np.zeros(n)),
                   "share_of_initial": _rates(persons, [persons[0]] * n, known, [known[0]] * n),
                   "share_of_previous": _rates(persons, previous, known, prev_known)}
        return _result(frame, columns, {"persons": "count", "share_of_initial": "rate", "share_of_previous": "rate"})

    def outcome_table(self) -> Published:
        """``best_persons`` follows the headline. ``any_persons`` (persons with any record of the
        outcome) is shown only where ``best_persons`` is, and not if it would reveal 1 or 2 persons:
        neither itself, nor those counted only here (any - best), nor - among the persons with a
        better outcome - those *without* such a record."""
        status, frame = self.status, self._frames["outcome_table"].reset_index(drop=True)
        best = frame["best_persons"].to_numpy(dtype=np.int64)
        any_ = frame["any_persons"].to_numpy(dtype=np.int64)
        best_known = np.array([status.known[k] for k in frame["outcome"]])
        above = {"employment": None, "vocational_training": "employment", "improved_prospects": "work"}
        any_sup = []
        for key, b, a, bk in zip(frame["outcome"], best, any_, best_known):
            extra = int(a - b)
            hidden = not bk or a in PRIMARY_VALUES or extra in PRIMARY_VALUES
            parent = above[key]
            if parent is not None and status.known[parent]:
                hidden |= (status.values[parent] - extra) in PRIMARY_VALUES
            any_sup.append(hidden and a != 0)
        n = len(frame)
        p = status.values["participants"]
        columns = {"best_persons": (best, ~best_known, np.zeros(n)),
                   "any_persons": (any_, any_sup, np.zeros(n)),
                   "share": _rates(best, [p] * n, best_known, [status.known["participants"]] * n)}
        return _result(frame, columns, {"best_persons": "count", "any_persons": "count", "share": "rate"})

    def monthly(self) -> Published:
        """``active`` and ``cumulative_participants`` are sums of cells: shown only where they follow
        from the published cells, and protected like cells."""
        frame = self._frames["monthly"].reset_index(drop=True)
        grid, n = self.grids["monthly"], len(frame)
        cols = ("entries", "exits", "outcomes")
        zeros = np.zeros(n)
        if grid is None:
            columns = {c: (frame[c].to_numpy(), zeros, zeros) for c in (*cols, "active", "cumulative_participants")}
        else:
            columns = {c: (frame[c].to_numpy(), grid.mask[:n, j], zeros) for j, c in enumerate(cols)}
            ext = grid.extra_published
            columns["active"] = (frame["active"].to_numpy(), ~ext[:n], zeros)
            columns["cumulative_participants"] = (frame["cumulative_participants"].to_numpy(), ~ext[n:], zeros)
        return _result(frame, columns, {c: "count" for c in (*cols, "active", "cumulative_participants")})

    def services(self) -> Published:
        """Per service: ``persons`` withheld if 1 or 2, or if the participants *without* the service
        are 1 or 2; records and hours go with ``persons`` (hours also when only 1 or 2 persons have
        hours recorded); the rates follow the rate rule, ``outcome_rate`` also when together with the
        placement rate it would reveal 1 or 2 persons with only an improved perspective; a service
        that reached every participant has the headline's rates and withholds them like the headline."""
        status, frame = self.status, self._frames["services"].reset_index(drop=True)
        p, p_known = status.values["participants"], status.known["participants"]
        persons = frame["persons"].to_numpy(dtype=np.int64)
        n = len(frame)
        persons_sup = (np.isin(persons, _PRIMARY) | np.isin(p - persons, _PRIMARY) | (not p_known)) & (persons != 0)
        hours_total = frame["hours_total"].to_numpy(dtype=float)
        per_person = frame["hours_per_person"].to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            with_hours = np.where(per_person > 0, np.round(hours_total / per_person), np.nan)
        hours_sup = (persons_sup | np.isin(with_hours, _PRIMARY)) & (persons != 0)
        work = np.round(np.nan_to_num(frame["placement_rate"].to_numpy(dtype=float)) * persons).astype(np.int64)
        any_ = np.round(np.nan_to_num(frame["outcome_rate"].to_numpy(dtype=float)) * persons).astype(np.int64)
        everyone = persons == p
        place = _rates(work, persons, ~persons_sup & (~everyone | status.known["work"]), ~persons_sup)
        outc = _rates(any_, persons, ~persons_sup & (~everyone | status.known["with_outcome"]), ~persons_sup)
        leak = ~place[1] & ~place[2] & np.isin(any_ - work, _PRIMARY) & ~outc[2]
        outc = (outc[0], outc[1] | leak, outc[2])
        undefined_hours = np.isnan(per_person) & ~hours_sup
        columns = {"persons": (persons, persons_sup, np.zeros(n)),
                   "records": (frame["records"].to_numpy(), persons_sup, np.zeros(n)),
                   "hours_total": (np.nan_to_num(hours_total), hours_sup, np.zeros(n)),
                   "hours_per_person": (np.nan_to_num(per_person), hours_sup, undefined_hours),
                   "placement_rate": place, "outcome_rate": outc}
        kinds = {"persons": "count", "records": "count", "hours_total": "number", "hours_per_person": "number",
                 "placement_rate": "rate", "outcome_rate": "rate"}
        return _result(frame, columns, kinds)

    def tables(self) -> dict:
        """Everything: "headline", "funnel", "outcome_table", "flows", "monthly", "services" and
        "breakdown:<attribute>" for every attribute of ``metrics.BREAKDOWN_ATTRIBUTES``."""
        out = {"headline": self.headline(), "funnel": self.funnel(), "outcome_table": self.outcome_table(),
               "flows": self.flows(), "monthly": self.monthly(), "services": self.services()}
        out.update({f"breakdown:{a}": self.breakdown(a) for a in self._breakdowns})
        return out


_CACHE: dict = {}
_CACHE_SIZE = 64


def selection(dataset, filters=None) -> Selection:
    """The protected tables of one selection, cached per (dataset version, filters)."""
    key = (id(dataset), dataset.version, filters)
    hit = _CACHE.get(key)
    if hit is None:
        hit = Selection(dataset, filters)
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = hit
    return hit


# =========================================================================== frame-based API


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


def _result(frame: pd.DataFrame, columns: dict, kinds: dict) -> Published:
    """Assemble a Published from the original frame and {column: (values, suppressed, undefined)}."""
    frame = frame.reset_index(drop=True)
    n = len(frame)
    data, sup, und = {}, {}, {}
    for col in frame.columns:
        if col in columns:
            values, suppressed, undefined = columns[col]
            suppressed = np.asarray(suppressed, dtype=bool).reshape(n)
            undefined = np.asarray(undefined, dtype=bool).reshape(n)
            dtype = "Float64" if kinds.get(col) in ("rate", "number") else "Int64"
            data[col] = _masked(values, suppressed | undefined, dtype)
            sup[col], und[col] = suppressed, undefined
        else:
            data[col] = frame[col].array
            sup[col] = und[col] = np.zeros(n, dtype=bool)
    out = pd.DataFrame(data, index=frame.index)
    suppressed_frame = pd.DataFrame(sup, index=frame.index)
    out.attrs["suppressed_any"] = bool(suppressed_frame.to_numpy().any())
    return Published(out, suppressed_frame, pd.DataFrame(und, index=frame.index),
                     {c: kinds.get(c, "text") for c in out.columns})


_BREAKDOWN_KINDS = {"participants": "count", "employment": "count", "vocational_training": "count",
                    "improved_prospects": "count", "with_outcome": "count", "share": "rate",
                    "placement_rate": "rate", "outcome_rate": "rate"}


def _infer_attribute(frame: pd.DataFrame) -> str:
    if "ortsteil_nr" in frame.columns:
        return "ortsteil"
    keys = list(frame["key"])
    if keys and all(isinstance(k, (bool, np.bool_)) for k in keys):
        labels = dict(zip(frame["key"], frame["label"]))
        mig = T.CATEGORY_LABELS["migration_background"]
        return "migration_background" if labels.get(True) == mig[True] or labels.get(False) == mig[False] \
            else "long_term_unemployed"
    candidates = [(name, set(values)) for name, values in schema.PARTICIPANT_CATEGORIES.items()]
    candidates += [("age_group", set(schema.AGE_GROUPS)), ("bezirk", set(places.bezirk_names()))]
    for name, values in candidates:
        if keys and set(keys) <= values:
            return name
    return "provider"


def _need_selection(selection, what: str) -> "Selection":
    if not isinstance(selection, Selection):
        raise TypeError(
            f"publication.{what}: pass the Selection, not the headline dict - e.g. "
            f"headline = publication.selection(dataset, filters) (it reads like the headline dict), then "
            f"publication.{what}(frame, headline). All tables of one selection are protected together, which "
            f"needs the data and the filters, not just the headline figures.")
    return selection


def _same(frame: pd.DataFrame, reference: pd.DataFrame, columns, what: str) -> None:
    ok = len(frame) == len(reference) and all(
        np.array_equal(frame[c].to_numpy(), reference[c].to_numpy()) for c in columns)
    if not ok:
        raise ValueError(f"{what}: the frame does not belong to this selection (other filters or data?)")


def publish_headline(selection: Selection) -> PublishedFigures:
    """The press figures of the selection in publication mode (same keys as :func:`metrics.headline`).

    Counts are ints or ``pd.NA``; rates floats, ``math.nan`` with no participants (shown ``x``) or
    ``pd.NA`` when withheld (``*``). The headline withholds what the selection's other tables need
    withheld too, so it takes the :class:`Selection`, not the bare dict.
    """
    return _need_selection(selection, "publish_headline").headline()


def publish_breakdown(frame: pd.DataFrame, selection: Selection, attribute: str | None = None, *,
                      with_total: bool = False) -> Published:
    """:func:`metrics.breakdown` of the selection in publication mode (attribute inferred if omitted)."""
    attribute = attribute or _infer_attribute(frame)
    selection = _need_selection(selection, "publish_breakdown")
    _same(frame, selection._breakdowns[attribute], ("participants", *OUTCOME_COLUMNS), "publish_breakdown")
    return selection.breakdown(attribute, with_total=with_total)


def publish_funnel(frame: pd.DataFrame, selection: Selection) -> Published:
    """:func:`metrics.funnel` in publication mode (stage counts follow the headline hierarchy)."""
    selection = _need_selection(selection, "publish_funnel")
    _same(frame, selection._frames["funnel"], ("persons",), "publish_funnel")
    return selection.funnel()


def publish_outcome_table(frame: pd.DataFrame, selection: Selection) -> Published:
    """:func:`metrics.outcome_table` in publication mode (see :meth:`Selection.outcome_table`)."""
    selection = _need_selection(selection, "publish_outcome_table")
    _same(frame, selection._frames["outcome_table"], ("best_persons", "any_persons"), "publish_outcome_table")
    return selection.outcome_table()


def publish_flows(frame: pd.DataFrame, selection: Selection) -> Published:
    """:func:`metrics.flows` in publication mode (same rows; ``persons`` NA where withheld)."""
    selection = _need_selection(selection, "publish_flows")
    _same(frame, selection._frames["flows"], ("persons",), "publish_flows")
    return selection.flows()


def publish_monthly(frame: pd.DataFrame, selection: Selection) -> Published:
    """:func:`metrics.monthly` in publication mode (see :meth:`Selection.monthly`)."""
    selection = _need_selection(selection, "publish_monthly")
    _same(frame, selection._frames["monthly"], ("entries", "exits", "outcomes"), "publish_monthly")
    return selection.monthly()


def publish_services(frame: pd.DataFrame, selection: Selection) -> Published:
    """:func:`metrics.services_summary` in publication mode (see :meth:`Selection.services`)."""
    selection = _need_selection(selection, "publish_services")
    _same(frame, selection._frames["services"], ("persons", "records"), "publish_services")
    return selection.services()


def published_tables(dataset, filters=None) -> dict:
    """Every table the dashboard publishes for one selection (see :meth:`Selection.tables`)."""
    return selection(dataset, filters).tables()
