"""Soll-Ist in publication mode: the rows of `figures.targets.progress` with the protection used elsewhere.

- **actual**: taken from the protected headline of the target's own selection
  (`publication.selection(dataset, Filters(providers=(Träger,)))`, or no filters for the programme; for a
  due date already passed, the same on the data as of that day): a value the headline withholds is
  withheld here (``*``); work_or_training is the headline node "work" (employment + vocational training),
  an ESF Plus code uses the indicator table's total cell of that selection (`Selection.indicator_masks`).
- **share_reached** and every **forecast** column follow a withheld actual.
- **run rate**: the central forecast reveals the increase over the window (monthly_rate × months); it is
  withheld when that increase is 1 or 2 (the BA primary rule, `privacy.PRIMARY_VALUES`). The range
  reveals the smallest and largest single month's increase; it is withheld when either is ±1 or ±2.
- target, due date, share of time elapsed and status are shown (targets are not personal data; the status
  only tells whether the actual is above or below a published target - an interval, which the BA rule does
  not treat as disclosure, see `privacy`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..figures import targets as tg
from .privacy import PRIMARY_VALUES
from .results import Published, _result
from .selection import selection

_KINDS = {"target": "number", "actual": "number", "share_reached": "rate", "share_time": "rate",
          "monthly_rate": "number", "rate_low": "number", "rate_high": "number", "forecast": "number",
          "forecast_low": "number", "forecast_high": "number"}


def _small(value) -> bool:
    return pd.notna(value) and round(abs(float(value))) in PRIMARY_VALUES


def actual_withheld(dataset, row) -> bool:
    """Whether publication mode withholds the actual of one progress row."""
    provider, due = row["provider"], pd.Timestamp(row["due_date"])
    data = tg.as_of(dataset, due) if due <= dataset.datenstand else dataset
    sel = selection(data, tg.scope_filters(provider))
    measure = row["measure"]
    if measure in tg.INDICATOR_KEYS:
        return bool(sel.indicator_masks()[tg.INDICATOR_KEYS[measure]][-1])
    if measure == "work_or_training":
        return not sel.status.known["work"] and bool(sel.status.values["work"])
    return measure in sel.headline().suppressed


def publish_progress(frame: pd.DataFrame, dataset) -> Published:
    """`figures.targets.progress` rows in publication mode (see module docstring)."""
    frame = frame.reset_index(drop=True)
    n = len(frame)
    masks = {c: np.zeros(n, dtype=bool) for c in _KINDS}
    for i, row in frame.iterrows():
        if actual_withheld(dataset, row):
            for col in ("actual", "share_reached", "monthly_rate", "rate_low", "rate_high", "forecast",
                        "forecast_low", "forecast_high"):
                masks[col][i] = True
            continue
        if _small(row["monthly_rate"] * row["months_used"]):
            for col in ("monthly_rate", "forecast", "forecast_low", "forecast_high", "rate_low", "rate_high"):
                masks[col][i] = True
        if _small(row["rate_low"]) or _small(row["rate_high"]):
            for col in ("rate_low", "rate_high", "forecast_low", "forecast_high"):
                masks[col][i] = True
    columns = {}
    for c in _KINDS:
        values = frame[c].to_numpy(dtype=float)
        columns[c] = (values, masks[c], np.isnan(values) & ~masks[c])  # NaN: not defined (no forecast, ...)
    return _result(frame, columns, _KINDS)
