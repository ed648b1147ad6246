"""The publication set: the fixed selections a press user can open, with exact figures that are protected
*jointly across all of them* (issue 13). Everything else in publication mode is rounded (:mod:`.rounding`).

The set (:func:`press_selections`): the whole programme; each Träger; each Stadtbezirk; each Ortsteil with
participants; each calendar year and each calendar quarter of entry with participants. Filters are compared in
a canonical form (:func:`canonical`): a period that starts on or before the first entry or ends on or after the
last entry is open on that side, so the sidebar's default period is "no period".

Construction ("no new exact information"): the programme's tables are protected together by cell suppression
(:class:`~.selection.Selection`, statistical gender). A member of the set publishes *exactly* only figures that
the programme's protected tables already publish, with the same status:

* Träger, Stadtbezirk, Ortsteil: participants, Beschäftigung, Ausbildung, verbesserte Perspektive, mit Ergebnis
  and the two rates = the member's row of the programme's breakdown by Träger / Stadtbezirk / Ortsteil;
* year, quarter: participants = the sum of the programme's monthly entries of its months, if all of them are
  published (else withheld);
* every other figure of a member (arbeitslos, langzeitarbeitslos, Migrationshintergrund, noch in Betreuung,
  ohne Ergebnis, Ausgetretene) and every table of a member: rounded to multiples of ten.

So the exact figures of the whole set are a subset of the programme's published cells: anything a reader can
compute from them exactly, they can compute from the programme's tables, which the disclosure engine protects
(no 1, 2 or withheld value derivable, tested by ``tests/test_publication.py``); rounded figures carry no exact
linear information. Computed once per data version and process (:func:`press_set`; the snapshot store does not
keep it yet - it costs one protection of the programme's tables).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from datetime import date

import pandas as pd

from ..figures.filters import Filters, participant_mask
from ..figures import metrics
from .gender import publication_dataset
from ..figures.memo import Memo, per_version
from .results import PublishedFigures
from .rounding import RoundedSelection, round10, rounded_headline_rate
from .selection import Selection

#: Figures of a Träger / Stadtbezirk / Ortsteil taken from the programme's breakdown row.
ROW_FIGURES = ("participants", "employment", "vocational_training", "improved_prospects", "with_outcome")


# =========================================================================== the set


def _bounds(dataset) -> tuple[date, date]:
    """First and last entry date (once per data version: every rerun canonicalises its filters)."""
    def compute():
        entry = dataset.participants["entry_date"]
        return entry.min().date(), entry.max().date()
    return per_version(dataset, "entry_bounds", compute)


def canonical(dataset, filters: Filters | None) -> Filters:
    """``filters`` with a period open on each side that covers all entries (so equal selections compare equal)."""
    f = filters or Filters()
    first, last = _bounds(dataset)
    start = f.period_start if f.period_start is not None and f.period_start > first else None
    end = f.period_end if f.period_end is not None and f.period_end < last else None
    return replace(f, period_start=start, period_end=end, providers=tuple(sorted(f.providers)),
                   ortsteile=tuple(sorted(int(o) for o in f.ortsteile)), bezirke=tuple(sorted(f.bezirke)))


def _periods(dataset) -> list[tuple[str, str, date, date]]:
    first, last = _bounds(dataset)
    out = []
    for year in range(first.year, last.year + 1):
        out.append(("year", str(year), date(year, 1, 1), date(year, 12, 31)))
        for q in range(4):
            start = date(year, 3 * q + 1, 1)
            end = (pd.Timestamp(start) + pd.offsets.QuarterEnd(0)).date()
            out.append(("quarter", f"{year}-Q{q + 1}", start, end))
    return out


def _members(dataset) -> list[tuple[str, str, Filters]]:
    """(kind, key, canonical Filters) of every member, only those with participants."""
    p = dataset.participants
    raw = [("programme", "", Filters())]
    raw += [("provider", str(v), Filters(providers=(str(v),))) for v in sorted(p["provider"].astype(str).unique())]
    raw += [("bezirk", str(v), Filters(bezirke=(str(v),))) for v in sorted(p["bezirk"].astype(str).unique())]
    raw += [("ortsteil", str(int(v)), Filters(ortsteile=(int(v),))) for v in sorted(p["ortsteil_nr"].unique())]
    raw += [(kind, key, Filters(period_start=s, period_end=e)) for kind, key, s, e in _periods(dataset)]
    out, seen = [], set()
    for kind, key, f in raw:
        c = canonical(dataset, f)
        if c in seen or not participant_mask(p, c).any():
            continue
        seen.add(c)
        out.append((kind, key, c))
    return out


def press_selections(dataset) -> list[Filters]:
    """The publication set as a list of (canonical) :class:`Filters`: programme, Träger, Stadtbezirke,
    Ortsteile, years and quarters of entry (each with participants)."""
    return [f for _, _, f in _members(dataset)]


# =========================================================================== solving


@dataclass
class PressSet:
    """The solved publication set: ``figures[canonical filters]`` = published headline of each member
    (``PublishedFigures`` whose ``rounded_keys`` name the figures that are rounded), ``root`` = the programme's
    :class:`~.selection.Selection`."""

    members: list
    figures: dict
    root: object
    seconds: float

    def __contains__(self, filters) -> bool:
        return filters in self.figures


def _member_figures(raw: dict, exact: dict) -> PublishedFigures:
    """Headline of a member: ``exact`` = {key: published value (pd.NA withheld, NaN undefined)} taken from the
    programme's tables; every other figure rounded, its rates from rounded counts."""
    out, suppressed, undefined, unreliable, rounded = {}, set(), set(), set(), set()
    for key, value in raw.items():
        if key in exact:
            out[key] = exact[key]
        elif key.endswith("_rate"):
            out[key], status = rounded_headline_rate(raw, key)
            if status == "unreliable":
                unreliable.add(key)
            rounded.add(key)
        else:
            out[key] = int(round10(int(value)))
            rounded.add(key)
        if out[key] is pd.NA:
            if key not in unreliable:
                suppressed.add(key)
        elif isinstance(out[key], float) and math.isnan(out[key]):
            undefined.add(key)
    figures = PublishedFigures(out, suppressed, undefined, rounded=bool(rounded), unreliable=unreliable)
    figures.rounded_keys = frozenset(rounded)
    return figures


def _cell(published, i: int, column: str):
    """A published value: int / float, pd.NA where withheld, NaN where undefined."""
    if bool(published.suppressed.loc[i, column]):
        return pd.NA
    if bool(published.undefined.loc[i, column]):
        return math.nan
    value = published.frame.loc[i, column]
    return float(value) if published.kinds.get(column) == "rate" else int(value)


_CELL_COLUMN = {"employment": 0, "vocational_training": 1, "improved_prospects": 2, "participants": 4}


def _derive(pub, members, root):
    """Every member's published headline from the programme's tables, and where each exact figure lives:
    ``cells[f][key]`` = list of (table, grid cell) of the programme that carry it."""
    rows, where = {}, {}
    for attribute in ("provider", "bezirk", "ortsteil"):
        raw, published = root.metric(f"breakdown:{attribute}").reset_index(drop=True), root.breakdown(attribute)
        for i, row in raw.iterrows():
            key = str(int(row.ortsteil_nr)) if attribute == "ortsteil" else str(row.key)
            rows[(attribute, key)] = {c: _cell(published, i, c) for c in (*ROW_FIGURES, "placement_rate",
                                                                          "outcome_rate")}
            where[(attribute, key)] = {c: [(attribute, i * 5 + j)] for c, j in _CELL_COLUMN.items()}
            where[(attribute, key)]["with_outcome"] = [(attribute, i * 5 + j) for j in range(3)]
    monthly, mraw = root.monthly(), root.metric("monthly").reset_index(drop=True)
    months = [pd.Timestamp(m).date() for m in mraw["month"]]
    figures, cells = {}, {}
    for kind, key, f in members:
        raw = metrics.headline(pub, f)
        if kind == "programme":
            figures[f], cells[f] = root.headline(), {}
            continue
        if kind in ("provider", "bezirk", "ortsteil"):
            exact, cells[f] = rows[(kind, key)], where[(kind, key)]
        else:
            inside = [i for i, m in enumerate(months) if (f.period_start or date.min) <= m <= (f.period_end or date.max)]
            shown = not monthly.suppressed.loc[inside, "entries"].any()
            exact = {"participants": int(mraw.loc[inside, "entries"].sum()) if shown else pd.NA}
            cells[f] = {"participants": [("monthly", i * 3) for i in inside]}
        figures[f] = _member_figures(raw, exact)
    return figures, cells


def _nested_conflict(pub, members, figures, cells):
    """A pair of members with nested persons whose exact figures differ by 1 or 2 (the programme's tables do not
    see Träger x Ortsteil or Träger x quarter nesting): the programme cells that could break it, smallest first."""
    masks = {f: participant_mask(pub.participants, f) for _, _, f in members}
    size = {f: int(m.sum()) for f, m in masks.items()}
    for _, _, a in members:
        for _, _, b in members:
            if a == b or size[b] >= size[a] or (masks[b] & ~masks[a]).any():
                continue
            fa, fb = figures[a], figures[b]
            for key in ("participants", "employment", "vocational_training", "improved_prospects", "with_outcome"):
                if key in getattr(fa, "rounded_keys", ()) or key in getattr(fb, "rounded_keys", ()):
                    continue
                if fa[key] is pd.NA or fb[key] is pd.NA or int(fa[key]) - int(fb[key]) not in (1, 2):
                    continue
                return cells[b].get(key, []) + cells[a].get(key, [])
    return None


def solve(dataset) -> PressSet:
    """Protect the programme's tables and derive every member's published headline from them. If two nested
    members' exact figures differ by 1 or 2, the programme withholds one more cell and is solved again."""
    started = time.perf_counter()
    pub = publication_dataset(dataset)
    members = _members(pub)
    forced: dict = {}
    root = Selection(pub, Filters())
    for _ in range(200):
        figures, cells = _derive(pub, members, root)
        options = _nested_conflict(pub, members, figures, cells)
        if not options:
            break
        for table, cell in options:
            if cell in forced.get(table, ()):
                continue
            trial = {t: set(c) for t, c in forced.items()}
            trial.setdefault(table, set()).add(cell)
            try:
                root = Selection(pub, Filters(), forced=trial)
            except RuntimeError:  # pragma: no cover - this table cannot carry it: the next cell
                continue
            forced = trial
            break
        else:  # pragma: no cover
            raise RuntimeError("publication set: nested members differ by 1 or 2 and nothing can be withheld")
    else:  # pragma: no cover
        raise RuntimeError("publication set: no consistent suppression found")
    # exact_selection() of the programme is the published programme from now on (same cache as selection.py)
    from . import selection as _selection_module

    keys = [(id(dataset), dataset.version, f, True) for f in (None, Filters())]
    keys += [(id(pub), pub.version, f, g) for f in (None, Filters()) for g in (False, True)]  # pub: nobody to move
    for key in keys:
        _selection_module._CACHE.put(key, root)
    return PressSet(members, figures, root, time.perf_counter() - started)


_CACHE = Memo(8)  # (id(dataset), version) -> PressSet: solved once per data version, whoever asks first


def press_set(dataset) -> PressSet:
    """The solved publication set, computed once per data version (kept in this process; sessions asking
    while it is being solved wait for that one solution)."""
    return _CACHE.get((id(dataset), dataset.version), lambda: solve(dataset))


_SELECTIONS = Memo(256)  # (id(dataset), version, canonical filters) -> RoundedSelection (lazy tables)


def selection(dataset, filters=None):
    """What publication mode shows for (dataset, filters), cached per (dataset version, filters):

    * the programme (no filter): :attr:`PressSet.root` - every table exact, cell suppression, statistical gender;
    * another member of the publication set (:func:`press_selections`): a :class:`RoundedSelection` whose
      ``headline()`` holds the exact figures the programme's tables publish for it (the rest rounded);
    * any other combination: everything rounded to multiples of ten (:mod:`.rounding`).

    A RoundedSelection computes each of its tables when first asked for (only what a page shows).
    """
    canon = canonical(dataset, filters)
    if not canon.is_active():
        return press_set(dataset).root

    def compute():
        return RoundedSelection(dataset, filters, headline_figures=press_set(dataset).figures.get(canon))
    return _SELECTIONS.get((id(dataset), dataset.version, canon), compute)
