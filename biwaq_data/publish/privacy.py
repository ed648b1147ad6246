"""Statistical confidentiality ("statistische Geheimhaltung") for published counts and rates.

Rules of the Statistik der Bundesagentur für Arbeit as applied by this dashboard:

* **Primary suppression** - a count of 1 or 2 is never published; it is shown as ``*``.
* **Secondary suppression** - any further value from which a suppressed value could be worked
  out ("rechnerisch geschlossen") by differencing against published totals is suppressed too.
* **Zero is always shown.** A zero is never suppressed, and because it is published it cannot
  hide anything either: complementary suppressions are always non-zero cells.
* **Rates** - a percentage is suppressed where its numerator, or denominator minus numerator,
  is 1 or 2 (and where numerator or denominator is itself suppressed).

Every view that shows a ``*`` must carry :data:`FOOTNOTE_DE`.

Scope of the protection: a suppressed value must not be *exactly* derivable from the linear
equations "sum of cells = total" together with the published cells. Bounds that a reader can
infer from non-negativity (interval disclosure) are not considered, in line with the BA rule.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from ..formatting import format_int, format_pct

SUPPRESSION_SYMBOL = "*"
#: Shown for a rate whose denominator is 0 (German official-statistics symbol "x":
#: "Nachweis nicht sinnvoll"). Distinct from ``*`` because nothing is being withheld.
UNDEFINED_SYMBOL = "x"
#: Shown for a share computed from counts rounded to tens whose rounded denominator is too small for the share to
#: mean anything (German official-statistics symbol "/": "keine Angabe, da Zahlenwert nicht sicher genug",
#: Statistisches Bundesamt, Zeichenerklärung; docs/privacy.md). Nothing is withheld for confidentiality there.
UNRELIABLE_SYMBOL = "/"
FOOTNOTE_DE = (
    "Aus Datenschutzgründen und Gründen der statistischen Geheimhaltung werden Zahlenwerte "
    "von 1 oder 2 und Daten, aus denen rechnerisch auf einen solchen Zahlenwert geschlossen "
    "werden kann, anonymisiert."
)
PRIMARY_VALUES = frozenset({1, 2})

Cell = tuple[Hashable, Hashable]  # (row label, column label)
_Pos = tuple[int, int]
_Line = tuple[tuple[_Pos, ...], _Pos]  # (member cells, total cell): sum(members) == total


# --------------------------------------------------------------------------- result types


@dataclass(frozen=True, eq=False)
class ProtectedTable:
    """A count table after suppression.

    ``values``: same labels as the input, dtype ``Int64``, ``pd.NA`` exactly where suppressed
    (so a suppressed cell is never confused with a published zero).
    ``suppressed``: bool frame, True where the value is withheld.
    ``primary``: bool frame, True where withheld because the value itself is 1 or 2;
    ``secondary`` (property) = suppressed but not primary.
    ``total_row`` / ``total_col``: labels of the marginal row / column, or None.
    """

    values: pd.DataFrame
    suppressed: pd.DataFrame
    primary: pd.DataFrame
    total_row: Hashable | None = None
    total_col: Hashable | None = None

    @property
    def secondary(self) -> pd.DataFrame:
        return self.suppressed & ~self.primary

    @property
    def needs_footnote(self) -> bool:
        """True if any cell is suppressed, i.e. :data:`FOOTNOTE_DE` must be shown."""
        return bool(self.suppressed.to_numpy().any())


@dataclass(frozen=True, eq=False)
class ProtectedRates:
    """Rates (shares in [0, 1]) after suppression.

    ``values``: ``Float64``, ``pd.NA`` where suppressed *or* undefined.
    ``suppressed``: True where withheld for confidentiality (shown as ``*``).
    ``undefined``: True where the denominator is 0 (shown as ``x``); never also suppressed.
    """

    values: pd.Series
    suppressed: pd.Series
    undefined: pd.Series


# --------------------------------------------------------------------------- count tables


def add_totals(table: pd.DataFrame, label: str = "Insgesamt", *, rows: bool = True,
               cols: bool = True) -> pd.DataFrame:
    """Return ``table`` with a total row (column sums) and/or total column (row sums) appended."""
    out = table.copy()
    if cols:
        out[label] = out.sum(axis=1)
    if rows:
        out.loc[label] = out.sum(axis=0)
    return out


def suppress_counts(table: pd.DataFrame | pd.Series, *, total_row: Hashable | None = None,
                    total_col: Hashable | None = None, check_totals: bool = True) -> ProtectedTable:
    """Apply primary and secondary suppression to a table of non-negative integer counts.

    ``table`` is 1-D (a Series or a one-column frame) or 2-D. ``total_row`` is the label of the
    row holding the column sums, ``total_col`` the label of the column holding the row sums;
    they are treated as marginals (each row/column with a total is a "line": cells + total).
    With ``check_totals`` (default) inconsistent totals raise ``ValueError``.

    Algorithm:

    1. Primary: suppress every cell (totals included) equal to 1 or 2.
    2. Line rule, repeated until stable: a line (cells plus its total) containing exactly one
       suppressed cell gets a complement - the smallest non-zero unsuppressed cell of the line
       (ties: first in row-major order). If no such cell is left (all others are zero), the
       line's total itself is suppressed; zeros are never used.
    3. Exact check: a suppressed cell may still be derivable from a combination of lines (e.g.
       a "bridge" between two suppression patterns in a 2-D table). For the first such cell
       a complement is chosen as in 2 from its lines (fallback: the smallest non-zero cell of
       the table) and steps 2-3 are repeated. Terminates: at worst every non-zero cell is
       suppressed, which is never derivable.
    """
    frame, arr = _as_counts(table)
    tr = _position(frame.index, total_row, "total_row")
    tc = _position(frame.columns, total_col, "total_col")
    lines = _lines(arr.shape, tr, tc)
    if check_totals:
        for members, total in lines:
            if sum(int(arr[m]) for m in members) != arr[total]:
                raise ValueError(f"total {_label(frame, total)} != sum of its cells")

    primary = np.isin(arr, list(PRIMARY_VALUES))
    sup = primary.copy()
    while True:
        _apply_line_rule(arr, sup, lines)
        leaks = _derivable_linear(sup, lines)
        if not leaks:
            break
        own = [ln for ln in lines if leaks[0] in ln[0] or leaks[0] == ln[1]]
        pick = (_complement(arr, sup, [m for members, _ in own for m in members])
                or _complement(arr, sup, [total for _, total in own])
                or _complement(arr, sup, list(np.ndindex(arr.shape))))
        if pick is None:  # pragma: no cover - impossible for non-negative counts
            raise RuntimeError("cannot protect table")
        sup[pick] = True

    suppressed = pd.DataFrame(sup, index=frame.index, columns=frame.columns)
    primary_frame = pd.DataFrame(primary, index=frame.index, columns=frame.columns)
    values = frame.astype("Int64").mask(suppressed)
    return ProtectedTable(values, suppressed, primary_frame, total_row, total_col)


def audit(published: ProtectedTable | pd.DataFrame | pd.Series, *,
          total_row: Hashable | None = None, total_col: Hashable | None = None,
          method: Literal["linear", "elimination"] = "linear") -> list[Cell]:
    """Return the suppressed cells whose value can be worked out from the published table.

    ``published`` is a :class:`ProtectedTable` (its own total labels are used) or a frame in
    which suppressed cells are NA or ``"*"`` (pass ``total_row``/``total_col``). Only the
    position of the suppressed cells matters, not the values.

    ``method="elimination"``: repeatedly take any line (cells plus total) with exactly one
    unknown cell, derive it, treat it as known and continue.
    ``method="linear"`` (default, strictly stronger): a cell is derivable iff it is determined
    by the full system of line equations - this also catches combinations of several lines.
    Result in row-major order, as ``(row label, column label)``.
    """
    if isinstance(published, ProtectedTable):
        mask, total_row, total_col = published.suppressed, published.total_row, published.total_col
    else:
        frame = published.to_frame() if isinstance(published, pd.Series) else published
        mask = frame.isna() | frame.astype(object).eq(SUPPRESSION_SYMBOL)
    sup = mask.to_numpy(dtype=bool)
    lines = _lines(sup.shape, _position(mask.index, total_row, "total_row"),
                   _position(mask.columns, total_col, "total_col"))
    find = {"linear": _derivable_linear, "elimination": _derivable_elimination}[method]
    return [_label(mask, pos) for pos in find(sup, lines)]


def is_recoverable(published: ProtectedTable | pd.DataFrame | pd.Series, **kwargs) -> bool:
    """True if :func:`audit` finds any derivable suppressed cell (same arguments)."""
    return bool(audit(published, **kwargs))


# --------------------------------------------------------------------------- rates


def suppress_rate(numerator, denominator):
    """Rate ``numerator / denominator`` as a share in [0, 1], or a marker if not publishable.

    Returns ``pd.NA`` (suppressed, shown ``*``) where the numerator or ``denominator -
    numerator`` is 1 or 2, or where either input is missing/suppressed (NA). Returns
    ``math.nan`` (undefined, shown ``x``) where the denominator is 0 - nothing is withheld
    there. Raises ``ValueError`` for negative or non-integer counts or numerator > denominator.
    """
    if _is_missing(numerator) or _is_missing(denominator):
        return pd.NA
    n, d = _as_int(numerator), _as_int(denominator)
    if n < 0 or n > d:
        raise ValueError(f"need 0 <= numerator <= denominator, got {n}/{d}")
    if d == 0:
        return math.nan
    if n in PRIMARY_VALUES or d - n in PRIMARY_VALUES:
        return pd.NA
    return n / d


def suppress_rates(numerator: pd.Series | Sequence, denominator) -> ProtectedRates:
    """Vectorised :func:`suppress_rate` over Series (same index) or sequences.

    ``denominator`` may be a scalar (e.g. one total for all categories). NA inputs (suppressed
    counts, e.g. a column of ``ProtectedTable.values``) give suppressed rates.
    """
    num = numerator if isinstance(numerator, pd.Series) else pd.Series(list(numerator))
    if np.ndim(denominator) == 0:
        den = pd.Series(denominator, index=num.index)
    else:
        den = denominator if isinstance(denominator, pd.Series) else pd.Series(
            list(denominator), index=num.index)
    if not num.index.equals(den.index):
        raise ValueError("numerator and denominator must have the same index")
    num, den = num.astype("Int64"), den.astype("Int64")  # raises on non-integer values
    known = num.notna() & den.notna()
    if ((num < 0) | (num > den)).fillna(False).any():
        raise ValueError("need 0 <= numerator <= denominator")
    undefined = (known & (den == 0)).fillna(False).astype(bool)
    small = num.isin(list(PRIMARY_VALUES)) | (den - num).isin(list(PRIMARY_VALUES))
    suppressed = (~known | small).fillna(False).astype(bool) & ~undefined
    values = (num / den.mask(undefined)).astype("Float64").mask(suppressed | undefined)
    return ProtectedRates(values, suppressed, undefined)


# --------------------------------------------------------------------------- formatting


def format_count_de(value) -> str:
    """German count format: ``1234`` -> ``"1.234"``; NA/None (suppressed) -> ``"*"``."""
    if _is_missing(value):
        return SUPPRESSION_SYMBOL
    return format_int(_as_int(value))


def format_rate_de(value, decimals: int = 1) -> str:
    """German percentage of a share: ``0.245`` -> ``"24,5 %"``.

    Decimal comma, thousands dot, rounding half up ("kaufmännisch"), a normal space before
    ``%`` (plain ASCII space, so CSV exports and copy/paste behave predictably).
    ``pd.NA``/None (suppressed) -> ``"*"``; float NaN (undefined, denominator 0) -> ``"x"``.
    """
    if value is None or value is pd.NA:
        return SUPPRESSION_SYMBOL
    if isinstance(value, float) and math.isnan(value):
        return UNDEFINED_SYMBOL
    return format_pct(value, decimals)


def to_display_frame(protected: ProtectedTable | ProtectedRates) -> pd.DataFrame | pd.Series:
    """Strings for display/export: counts via :func:`format_count_de`, rates via
    :func:`format_rate_de`, ``"*"`` in suppressed and ``"x"`` in undefined cells.
    Returns a DataFrame for a :class:`ProtectedTable`, a Series for :class:`ProtectedRates`."""
    if isinstance(protected, ProtectedRates):
        text = protected.values.astype(object).map(format_rate_de)
        return text.mask(protected.undefined, UNDEFINED_SYMBOL).mask(
            protected.suppressed, SUPPRESSION_SYMBOL).astype(object)
    text = protected.values.astype(object).map(format_count_de)
    return text.mask(protected.suppressed, SUPPRESSION_SYMBOL).astype(object)


# --------------------------------------------------------------------------- internals


def _is_missing(value) -> bool:
    return value is None or (np.ndim(value) == 0 and bool(pd.isna(value)))


def _as_int(value) -> int:
    if isinstance(value, (bool, np.bool_)) or int(value) != value:
        raise ValueError(f"not an integer count: {value!r}")
    return int(value)


def _as_counts(table: pd.DataFrame | pd.Series) -> tuple[pd.DataFrame, np.ndarray]:
    frame = table.to_frame() if isinstance(table, pd.Series) else table
    if not isinstance(frame, pd.DataFrame):
        raise TypeError("expected a pandas DataFrame or Series of counts")
    if not (frame.index.is_unique and frame.columns.is_unique):
        raise ValueError("row and column labels must be unique")
    if frame.isna().to_numpy().any():
        raise ValueError("counts must not contain missing values")
    try:
        arr = frame.to_numpy(dtype="float64")
    except (TypeError, ValueError) as exc:
        raise TypeError("counts must be numeric") from exc
    if (arr < 0).any() or (arr != np.round(arr)).any():
        raise ValueError("counts must be non-negative integers")
    return frame, arr.astype(np.int64)


def _position(labels: pd.Index, label: Hashable | None, name: str) -> int | None:
    if label is None:
        return None
    if label not in labels:
        raise KeyError(f"{name} {label!r} not found")
    return int(labels.get_loc(label))


def _label(frame: pd.DataFrame, pos: _Pos) -> Cell:
    return frame.index[pos[0]], frame.columns[pos[1]]


def _lines(shape: tuple[int, int], tr: int | None, tc: int | None) -> list[_Line]:
    """All equations "sum of members == total" implied by the marginals."""
    n_rows, n_cols = shape
    rows = [i for i in range(n_rows) if i != tr]
    cols = [j for j in range(n_cols) if j != tc]
    lines: list[_Line] = []
    if tc is not None:  # every row (the total row included) sums to its total-column cell
        lines += [(tuple((i, j) for j in cols), (i, tc)) for i in range(n_rows)]
    if tr is not None:  # every column (the total column included) sums to its total-row cell
        lines += [(tuple((i, j) for i in rows), (tr, j)) for j in range(n_cols)]
    return lines


def _complement(arr: np.ndarray, sup: np.ndarray, candidates: Sequence[_Pos]) -> _Pos | None:
    """Smallest non-zero unsuppressed candidate (ties: row-major order), or None."""
    free = [c for c in candidates if not sup[c] and arr[c] > 0]
    return min(free, key=lambda c: (arr[c], c)) if free else None


def _lookahead(arr: np.ndarray, sup: np.ndarray, lines: list[_Line], line: _Line,
               candidates: Sequence[_Pos]) -> _Pos | None:
    """Cost-based complement for ``line``: the non-zero unsuppressed candidate with the smallest value *plus* the
    smallest further complement it forces in its other lines (a line with no withheld cell yet would then hold
    exactly one); ties: smaller value, then row-major order. One step of look-ahead keeps a withheld 2 from
    pulling a large cell of another row into the pattern when a small one closes it as well."""
    free = [c for c in candidates if not sup[c] and arr[c] > 0]
    if not free:
        return None
    index = {c: [ln for ln in lines if ln is not line and (c in ln[0] or c == ln[1])] for c in free}

    def cost(c: _Pos):
        extra = 0
        for members, total in index[c]:
            cells = (*members, total)
            if not any(sup[x] for x in cells):
                others = [int(arr[x]) for x in members if x != c and not sup[x] and arr[x] > 0]
                extra += min(others) if others else int(arr[total])
        return int(arr[c]) + extra, int(arr[c]), c

    return min(free, key=cost)


def _apply_line_rule(arr: np.ndarray, sup: np.ndarray, lines: list[_Line]) -> None:
    changed = True
    while changed:
        changed = False
        for line in lines:
            members, total = line
            if sum(bool(sup[c]) for c in (*members, total)) == 1:
                pick = _lookahead(arr, sup, lines, line, members) or _complement(arr, sup, [total])
                if pick is not None:
                    sup[pick] = changed = True


def _rank(matrix: np.ndarray) -> int:
    return int(np.linalg.matrix_rank(matrix)) if matrix.size else 0


def _derivable_linear(sup: np.ndarray, lines: list[_Line]) -> list[_Pos]:
    """Suppressed cells fixed by the line equations: cell k is determined iff dropping its
    column from the coefficient matrix (restricted to unknown cells) lowers the rank."""
    unknown = [(int(i), int(j)) for i, j in np.argwhere(sup)]
    column = {c: k for k, c in enumerate(unknown)}
    coef = np.zeros((len(lines), len(unknown)))
    for r, (members, total) in enumerate(lines):
        for c in members:
            if c in column:
                coef[r, column[c]] = 1.0
        if total in column:
            coef[r, column[total]] = -1.0
    rank = _rank(coef)
    return [c for k, c in enumerate(unknown) if _rank(np.delete(coef, k, axis=1)) < rank]


def _derivable_elimination(sup: np.ndarray, lines: list[_Line]) -> list[_Pos]:
    unknown, found = sup.copy(), []
    progress = True
    while progress:
        progress = False
        for members, total in lines:
            open_cells = [c for c in (*members, total) if unknown[c]]
            if len(open_cells) == 1:
                unknown[open_cells[0]] = False
                found.append(open_cells[0])
                progress = True
    return sorted(found)
