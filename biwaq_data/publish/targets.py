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
- two actuals of one count measure and Träger at different due dates (a past one: the data as of that day) that
  differ by 1 or 2: the earlier is withheld (their difference counts the persons of the time between).
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
from .pressset import selection
from .rounding import round10
from ..ingest.schema import TARGET_RATE_MEASURES

_KINDS = {"target": "number", "actual": "number", "share_reached": "rate", "share_time": "rate",
          "monthly_rate": "number", "rate_low": "number", "rate_high": "number", "forecast": "number",
          "forecast_low": "number", "forecast_high": "number"}


def _small(value) -> bool:
    return pd.notna(value) and round(abs(float(value))) in PRIMARY_VALUES


def actual_status(dataset, row) -> tuple[bool, bool]:
    """(withheld, rounded) of the actual of one progress row in publication mode.

    The programme's figures are exact with cell suppression; a Träger is a member of the publication set, whose
    headline is exact only where the programme's tables publish the cell (participants, employment, vocational
    training, improved prospects, the rates) and rounded to a multiple of ten elsewhere (:mod:`.pressset`)."""
    provider, due = row["provider"], pd.Timestamp(row["due_date"])
    data = tg.as_of(dataset, due) if due <= dataset.datenstand else dataset
    sel = selection(data, tg.scope_filters(provider))
    measure = row["measure"]
    if not getattr(sel, "rounded", False):
        if measure in tg.INDICATOR_KEYS:
            return bool(sel.indicator_masks()[tg.INDICATOR_KEYS[measure]][-1]), False
        if measure == "work_or_training":
            return not sel.status.known["work"] and bool(sel.status.values["work"]), False
        return measure in sel.headline().suppressed, False
    figures = sel.headline()
    if measure in tg.INDICATOR_KEYS:
        return False, True  # a member's indicator tables are rounded
    parts = ("employment", "vocational_training") if measure == "work_or_training" else (measure,)
    if any(p in figures.suppressed for p in parts):
        return True, False
    return False, any(p in figures.rounded_keys or p not in figures for p in parts)


def actual_withheld(dataset, row) -> bool:
    """Whether publication mode withholds the actual of one progress row."""
    return actual_status(dataset, row)[0]


_FOLLOWERS = ("share_reached", "monthly_rate", "rate_low", "rate_high", "forecast", "forecast_low", "forecast_high")


def _withhold_small_differences(frame: pd.DataFrame, masks: dict) -> None:
    """Two rows of one count measure and Träger with different due dates show the actual at both dates (a past
    due date: the data as of that day); their difference is the count of the time between. Where two shown
    actuals differ by 1 or 2, the earlier one is withheld with its followers (the BA rule: no value from which a
    1 or 2 can be worked out). Rates are not counts and are left alone."""
    order = frame.assign(_row=range(len(frame))).sort_values("due_date")
    for _, rows in order.groupby([order["measure"], order["provider"].fillna("")], sort=False):
        if len(rows) < 2 or rows["measure"].iloc[0] in TARGET_RATE_MEASURES:
            continue
        shown = [r for r in rows["_row"] if not masks["actual"][r]]
        for earlier, later in zip(shown, shown[1:]):
            if _small(frame.loc[later, "actual"] - frame.loc[earlier, "actual"]):
                for col in ("actual", *_FOLLOWERS):
                    masks[col][earlier] = True


def publish_progress(frame: pd.DataFrame, dataset) -> Published:
    """`figures.targets.progress` rows in publication mode (see module docstring). A rounded actual is shown
    as its multiple of ten with the share reached from it; its run rate and forecast are withheld (they would
    give the exact value back); a rounded rate target is withheld."""
    frame = frame.reset_index(drop=True).copy()
    n = len(frame)
    masks = {c: np.zeros(n, dtype=bool) for c in _KINDS}
    any_rounded = False
    for i, row in frame.iterrows():
        withheld, rounded = actual_status(dataset, row)
        if rounded and row["measure"] in TARGET_RATE_MEASURES:
            withheld, rounded = True, False
        if withheld:
            for col in ("actual", *_FOLLOWERS):
                masks[col][i] = True
            continue
        if rounded:
            any_rounded = True
            actual = float(round10(row["actual"]))
            frame.loc[i, "actual"] = actual
            frame.loc[i, "share_reached"] = actual / row["target"] if row["target"] else np.nan
            for col in _FOLLOWERS[1:]:
                masks[col][i] = True
            continue
        if _small(row["monthly_rate"] * row["months_used"]):
            for col in ("monthly_rate", "forecast", "forecast_low", "forecast_high", "rate_low", "rate_high"):
                masks[col][i] = True
        if _small(row["rate_low"]) or _small(row["rate_high"]):
            for col in ("rate_low", "rate_high", "forecast_low", "forecast_high"):
                masks[col][i] = True
    _withhold_small_differences(frame, masks)
    columns = {}
    for c in _KINDS:
        values = frame[c].to_numpy(dtype=float)
        columns[c] = (values, masks[c], np.isnan(values) & ~masks[c])  # NaN: not defined (no forecast, ...)
    return _result(frame, columns, _KINDS, rounded=any_rounded)  # footnote: "gerundet" (see results._footnote)
