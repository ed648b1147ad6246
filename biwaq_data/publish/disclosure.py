"""The exact-disclosure engine: cell suppression checked by linear algebra over the published forms.

Every published figure is a linear form over the unknown counts behind a table. A withheld figure is
derivable iff its form lies in the span of the published forms and the published zeros. `_protect_grid`
suppresses a table (primary + secondary, BA rules) until no 1, 2 or withheld value is derivable, also
given what coarser tables already publish. No knowledge of what the tables mean lives here."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .privacy import PRIMARY_VALUES, suppress_counts

_PRIMARY = np.array(sorted(PRIMARY_VALUES))

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
