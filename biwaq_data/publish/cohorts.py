"""Cohorts and time to first outcome in publication mode (what was done, docs/steering.md section 2):

- **cohort sizes** go through `privacy.suppress_counts` as one line (the quarters plus their total, which
  is the selection's participants); if the selection's headline withholds the participants, every size is
  withheld.
- **reached within w months and its share** follow the rate rule `privacy.suppress_rates` (numerator or
  cohort size minus numerator 1 or 2, or a withheld cohort size: withheld). Open windows publish nothing
  but "offen".
- **Kaplan-Meier curves** are published only on a fixed grid (every 30 days), not at every event day (each
  step of a raw curve is one person). A grid point is withheld where the events up to it are 1 or 2, and
  from the first point where only 1 or 2 persons are still under observation on (later points rest on
  them). The **median** is the first published grid day where the share reached is at least 50 %
  ("bis Tag X", an upper bound), never an individual event day.

Every selection other than the programme gets the table rounded to tens instead (:func:`rounded_cohorts`), like
all tables of free combinations and of the publication set's members (docs/privacy.md).

Known limit (as for every table here, see `publication`): the protection holds within these tables. Quarter
sizes could be differenced against the monthly entries of the Zeitverlauf page, which are protected on their
own; a withheld month can be recovered when it is the only withheld month of a quarter whose size is shown.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..figures.cohorts import WINDOWS
from .privacy import PRIMARY_VALUES, suppress_counts, suppress_rates
from .results import Published, _result
from .rounding import MIN_SHARE_BASE, round10, rounded_share

GRID_DAYS = 30
_TOTAL = "__total__"


def publish_cohorts(table: pd.DataFrame, selection) -> Published:
    """`figures.cohorts.cohort_table` in publication mode (see module docstring): cell suppression for the
    programme, rounded to tens for every other selection (:func:`rounded_cohorts`)."""
    table = table.reset_index(drop=True)
    if getattr(selection, "rounded", False):
        return rounded_cohorts(table)
    n = len(table)
    persons = pd.Series(table["persons"].to_numpy(dtype=np.int64), index=table["cohort"])
    with_total = pd.concat([persons, pd.Series([int(persons.sum())], index=[_TOTAL])])
    protected = suppress_counts(with_total, total_row=_TOTAL)
    size_withheld = protected.suppressed.iloc[:n, 0].to_numpy(dtype=bool)
    if "participants" in selection.headline().suppressed:
        size_withheld[:] = True
    columns = {"persons": (table["persons"].to_numpy(), size_withheld, np.zeros(n, dtype=bool))}
    kinds = {"persons": "count"}
    size = pd.Series(table["persons"].to_numpy(), dtype="Int64").mask(size_withheld)
    for w in WINDOWS:
        is_open = table[f"open_{w}"].to_numpy(dtype=bool)
        rates = suppress_rates(pd.Series(table[f"reached_{w}"].to_numpy(), dtype="Int64"), size)
        withheld = rates.suppressed.to_numpy(dtype=bool) & ~is_open
        undefined = rates.undefined.to_numpy(dtype=bool) | is_open
        columns[f"reached_{w}"] = (table[f"reached_{w}"].to_numpy(), withheld, is_open)
        columns[f"share_{w}"] = (table[f"share_{w}"].to_numpy(dtype=float), withheld, undefined)
        kinds[f"reached_{w}"], kinds[f"share_{w}"] = "count", "rate"
    return _result(table, columns, kinds)


def rounded_cohorts(table: pd.DataFrame) -> Published:
    """The cohort table of a selection other than the programme (a free combination or a member of the
    publication set, whose tables other than the headline are rounded): cohort sizes and persons reached rounded
    to multiples of ten, shares from the rounded counts and only from a rounded cohort of 50 (``/`` below,
    :func:`.rounding.rounded_share`); open windows "offen". Exact counts with per-table suppression would let
    two selections be differenced (Hochfeld minus Hochfeld's women: one man reached work within 12 months)."""
    table = table.reset_index(drop=True)
    n = len(table)
    nothing = np.zeros(n, dtype=bool)
    persons = table["persons"].to_numpy(dtype=float)
    columns = {"persons": (round10(persons), nothing, nothing)}
    kinds = {"persons": "count"}
    for w in WINDOWS:
        is_open = table[f"open_{w}"].to_numpy(dtype=bool)
        reached = table[f"reached_{w}"].to_numpy(dtype=float)
        values, undefined, unreliable = rounded_share(reached, persons)
        columns[f"reached_{w}"] = (round10(reached), nothing, is_open)
        columns[f"share_{w}"] = (np.nan_to_num(values), nothing, undefined | is_open, unreliable & ~is_open)
        kinds[f"reached_{w}"], kinds[f"share_{w}"] = "count", "rate"
    return _result(table, columns, kinds, rounded=True)


def grid_curves(curves: pd.DataFrame, step: int = GRID_DAYS) -> pd.DataFrame:
    """The curves read off every `step` days: group, days, at_risk (persons with duration ≥ day), events
    (events up to and including the day), reached (1 − S at that day)."""
    rows = []
    for group, km in curves.groupby("group", sort=False):
        days, reached, events = km["days"].to_numpy(), km["reached"].to_numpy(), km["events"].to_numpy()
        censored, persons = km["censored"].to_numpy(), int(km["at_risk"].iloc[0])
        for day in range(0, int(days.max()) + 1, step):
            upto = days <= day
            before = days < day
            at_risk = persons - int(events[before].sum() + censored[before].sum())
            rows.append({"group": group, "days": day, "at_risk": at_risk, "events": int(events[upto].sum()),
                         "reached": float(reached[upto][-1]) if upto.any() else 0.0})
    return pd.DataFrame(rows, columns=["group", "days", "at_risk", "events", "reached"])


#: Rounded selections: a curve's share is published in steps of this size (5 percentage points).
SHARE_STEP = 0.05


def publish_survival(curves: pd.DataFrame, rounded: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(grid, medians) in publication mode: grid = `grid_curves` with `withheld` (bool) and reached NaN
    where withheld; medians = group, median_days (first published grid day with reached ≥ 0.5, NaN when
    none).

    ``rounded`` (every selection but the programme, whose counts are rounded to tens): an exact share of a small
    group would give its counts away (13,3 % of a group rounded to 20 can only be 2 of 15), so the shares are
    rounded to :data:`SHARE_STEP` and shown only while at least 50 persons (rounded) are under observation."""
    grid = grid_curves(curves)
    withheld = np.zeros(len(grid), dtype=bool)
    for _, idx in grid.groupby("group", sort=False).groups.items():
        idx = np.asarray(idx)
        small_events = grid.loc[idx, "events"].isin(list(PRIMARY_VALUES)).to_numpy()
        small_risk = grid.loc[idx, "at_risk"].isin(list(PRIMARY_VALUES)).to_numpy()
        if rounded:
            small_risk = small_risk | (round10(grid.loc[idx, "at_risk"].to_numpy(dtype=float)) < MIN_SHARE_BASE)
        after = np.maximum.accumulate(small_risk)  # from the first thin point on
        withheld[idx] = small_events | after
    grid["withheld"] = withheld
    if rounded:
        grid["reached"] = np.round(grid["reached"].to_numpy(dtype=float) / SHARE_STEP) * SHARE_STEP
    grid["reached"] = grid["reached"].where(~grid["withheld"])
    medians = []
    for group, g in grid.groupby("group", sort=False):
        hit = g.loc[g["reached"] >= 0.5 - 1e-12, "days"]
        medians.append({"group": group, "median_days": float(hit.iloc[0]) if len(hit) else np.nan})
    return grid, pd.DataFrame(medians, columns=["group", "median_days"])
