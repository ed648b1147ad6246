"""Soll-Ist: targets from the funding approval against the actual figures, with a run-rate forecast.

Pure functions (no Streamlit, no protection; publication mode is in `publish.targets`). Definitions
(the page and docs/steering.md show the same words):

- **actual** (Ist) at the Datenstand (for a due date already passed: as of the due date), for the target's Träger (or the whole programme): the same counts as
  every other page, without sidebar filters: participants = entries up to the Datenstand; employment,
  vocational_training, improved_prospects = persons by best outcome; work_or_training = employment +
  vocational_training; placement_rate = work_or_training ÷ participants in percent; an ESF Plus code
  = the indicator's total (`figures.indicators`).
- **value as of a day t**: the same count on the data as they stood on t (`as_of`): entries up to t,
  exits after t not yet happened, outcomes dated up to t (best outcome re-ranked).
- **share_reached** = actual ÷ target; **share_time** = (Datenstand − start) ÷ (due − start), in [0, 1].
- **forecast** (run rate): the window is the last up to six complete calendar months before the
  Datenstand that lie after the start of the target's scope (first entry of that Träger/programme and the
  target's start date). monthly_rate = (value at the window's last month end − value at the month end
  before its first month) ÷ months; forecast = actual + monthly_rate × months left (days to the due date
  ÷ 30.44); forecast_low / forecast_high use the smallest / largest single month's increase. Fewer than
  three complete months: no forecast (reason "short"); due date on or before the Datenstand: none
  ("due"). Rates: numerator and denominator are forecast separately (range from the numerator's range).
- **status**: met (actual ≥ target; rates only once due) · missed (due, actual < target) · on_track
  (forecast ≥ target) · at_risk (forecast < target ≤ forecast_high) · behind (forecast_high < target).
  Without a forecast: on_track if share_reached ≥ share_time, at_risk if within 0.10 below, else behind
  (rates: actual ≥ target, ≥ 90 % of target, below).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..ingest import schema
from ..ingest.dataset import Dataset
from . import indicators, metrics
from .filters import Filters

WINDOW_MONTHS = 6
MIN_MONTHS = 3
DAYS_PER_MONTH = 365.25 / 12
TIME_TOLERANCE = 0.10  # at_risk band without a forecast: share_reached up to 10 points below share_time
RATE_TOLERANCE = 0.90  # at_risk band for rates without a forecast: at least 90 % of the target

STATUSES = ("met", "on_track", "at_risk", "behind", "missed")
PROGRESS_COLUMNS = ("provider", "measure", "due_date", "start_date", "target", "actual", "numerator", "denominator",
                    "share_reached", "share_time", "months_used", "monthly_rate", "rate_low", "rate_high",
                    "months_left", "forecast", "forecast_low", "forecast_high", "status", "no_forecast")


def _indicator_keys() -> dict[str, str]:
    keys = {code: key for block in (*indicators.OUTPUT_BLOCKS.values(), *indicators.RESULT_BLOCKS.values())
            for key, code in block if code}
    keys["EECO01"] = "total"
    return keys


INDICATOR_KEYS = _indicator_keys()


def as_of(dataset: Dataset, when) -> Dataset:
    """The data as they stood at the end of day `when`: entries up to `when`, exits after it not yet
    happened, outcomes and services dated up to it; best outcome and first outcome date re-derived."""
    when = pd.Timestamp(when)
    p0 = dataset.participants
    keep = (p0["entry_date"] <= when).to_numpy()
    new_pos = np.cumsum(keep) - 1
    p = p0.loc[keep].reset_index(drop=True).copy()
    p["exit_date"] = p["exit_date"].where(p["exit_date"] <= when)
    o = dataset.outcomes
    o = o.loc[keep[o["person"].to_numpy()] & (o["outcome_date"] <= when).to_numpy()].copy()
    o["person"] = new_pos[o["person"].to_numpy()].astype(np.int32)
    s = dataset.services
    s = s.loc[keep[s["person"].to_numpy()] & (s["start_date"] <= when).to_numpy()].copy()
    s["person"] = new_pos[s["person"].to_numpy()].astype(np.int32)
    n = len(p)
    rank = np.full(n, len(schema.OUTCOMES), dtype=np.int8)
    np.minimum.at(rank, o["person"].to_numpy(), o["outcome"].cat.codes.to_numpy().astype(np.int8))
    exited = p["exit_date"].notna().to_numpy()
    codes = np.where(rank < len(schema.OUTCOMES), rank,
                     np.where(exited, schema.BEST_OUTCOMES.index("no_outcome"), schema.BEST_OUTCOMES.index("in_support")))
    p["best_outcome"] = pd.Categorical.from_codes(codes, categories=schema.BEST_OUTCOMES)
    first = o.groupby("person")["outcome_date"].min()
    p["first_outcome_date"] = pd.Series(first, index=range(n)).to_numpy(dtype="datetime64[ns]")
    return Dataset(p, o.reset_index(drop=True), s.reset_index(drop=True), dataset.issues.iloc[0:0], when,
                   source=dataset.source)


def scope_filters(provider) -> Filters | None:
    """Filters of a target's scope: one Träger, or None for the whole programme."""
    return Filters(providers=(str(provider),)) if provider is not None and not pd.isna(provider) else None


def measure_parts(dataset: Dataset, measure: str, provider=None) -> tuple[float, float | None]:
    """(count, denominator) of a measure at the dataset's Datenstand; denominator only for rates."""
    filters = scope_filters(provider)
    if measure in INDICATOR_KEYS:
        return float(indicators.indicator_counts(dataset, filters).row(INDICATOR_KEYS[measure]).sum()), None
    h = metrics.headline(dataset, filters)
    if measure == "work_or_training":
        return float(h["employment"] + h["vocational_training"]), None
    if measure == "placement_rate":
        return float(h["employment"] + h["vocational_training"]), float(h["participants"])
    return float(h[measure]), None


def actual_value(dataset: Dataset, measure: str, provider=None) -> float:
    """The actual (Ist) at the Datenstand: a count, or a rate in percent (NaN without participants)."""
    count, denominator = measure_parts(dataset, measure, provider)
    if denominator is None:
        return count
    return 100.0 * count / denominator if denominator else float("nan")


def complete_month_ends(datenstand: pd.Timestamp, first: pd.Timestamp) -> list[pd.Timestamp]:
    """Ends of the complete calendar months up to the Datenstand whose month reaches `first` or later
    (oldest first), preceded by the end of the month before the first of them."""
    stand = pd.Timestamp(datenstand).normalize()
    last = stand if (stand + pd.Timedelta(days=1)).day == 1 else stand.replace(day=1) - pd.Timedelta(days=1)
    first_end = pd.Timestamp(first).normalize() + pd.offsets.MonthEnd(0)
    if last < first_end:
        return []
    ends = list(pd.date_range(first_end, last, freq="ME"))
    return [ends[0].replace(day=1) - pd.Timedelta(days=1)] + ends


def _series(dataset: Dataset, measure: str, provider, ends: list[pd.Timestamp]) -> np.ndarray:
    """(len(ends), 2) array: count and denominator (NaN for counts) as of each day in `ends`."""
    out = np.full((len(ends), 2), np.nan)
    for i, end in enumerate(ends):
        count, denominator = measure_parts(as_of(dataset, end), measure, provider)
        out[i] = count, np.nan if denominator is None else denominator
    return out


def _run_rate(values: np.ndarray) -> tuple[float, float, float]:
    steps = np.diff(values)
    return float((values[-1] - values[0]) / len(steps)), float(steps.min()), float(steps.max())


def progress_row(dataset: Dataset, row) -> dict:
    """Actual, shares, forecast and status of one target row (see module docstring)."""
    stand = dataset.datenstand
    measure, provider = row["measure"], row["provider"]
    provider = None if provider is None or pd.isna(provider) else str(provider)
    target, due = float(row["target"]), pd.Timestamp(row["due_date"])
    start = pd.Timestamp(row["start_date"]) if pd.notna(row["start_date"]) else pd.Timestamp(schema.PROGRAMME_START)
    due_passed = due <= stand
    count, denominator = measure_parts(as_of(dataset, due) if due_passed else dataset, measure, provider)
    is_rate = denominator is not None
    actual = (100.0 * count / denominator if denominator else float("nan")) if is_rate else count
    span = (due - start).days
    out = {"provider": provider, "measure": measure, "due_date": due, "start_date": start, "target": target,
           "actual": actual, "numerator": count, "denominator": denominator if is_rate else np.nan,
           "share_reached": actual / target if target > 0 else np.nan,
           "share_time": float(np.clip((stand - start).days / span, 0, 1)) if span > 0 else 1.0,
           "months_used": 0, "monthly_rate": np.nan, "rate_low": np.nan, "rate_high": np.nan,
           "months_left": max((due - stand).days, 0) / DAYS_PER_MONTH,
           "forecast": np.nan, "forecast_low": np.nan, "forecast_high": np.nan, "no_forecast": ""}
    p = dataset.participants
    scope = p if provider is None else p[p["provider"] == provider]
    first = max(scope["entry_date"].min() if len(scope) else stand, start)
    ends = complete_month_ends(stand, first)[-(WINDOW_MONTHS + 1):]
    if due_passed:
        out["no_forecast"] = "due"
    elif len(ends) - 1 < MIN_MONTHS:
        out["no_forecast"] = "short"
    else:
        series = _series(dataset, measure, provider, ends)
        mean, low, high = _run_rate(series[:, 0])
        left = out["months_left"]
        out.update(months_used=len(ends) - 1, monthly_rate=mean, rate_low=low, rate_high=high)
        if is_rate:
            den_mean = _run_rate(series[:, 1])[0]
            den = denominator + den_mean * left
            out.update({k: 100.0 * (count + r * left) / den if den > 0 else np.nan
                        for k, r in (("forecast", mean), ("forecast_low", low), ("forecast_high", high))})
        else:
            out.update(forecast=count + mean * left, forecast_low=count + low * left, forecast_high=count + high * left)
    out["status"] = status(out, is_rate, due_passed)
    return out


def status(row: dict, is_rate: bool, due: bool) -> str:
    """on_track / at_risk / behind (plus met and missed), by the rule in the module docstring."""
    actual, target = row["actual"], row["target"]
    if pd.isna(actual):
        return "behind" if not due else "missed"
    if actual >= target and (due or not is_rate):
        return "met"
    if due:
        return "missed"
    if pd.notna(row["forecast"]):
        if row["forecast"] >= target:
            return "on_track"
        return "at_risk" if row["forecast_high"] >= target else "behind"
    if is_rate:
        return "on_track" if actual >= target else "at_risk" if actual >= RATE_TOLERANCE * target else "behind"
    reached, elapsed = row["share_reached"], row["share_time"]
    if pd.isna(reached) or reached >= elapsed:
        return "on_track"
    return "at_risk" if reached >= elapsed - TIME_TOLERANCE else "behind"


def progress(dataset: Dataset, providers: tuple[str, ...] = ()) -> pd.DataFrame:
    """One row per target (PROGRESS_COLUMNS), in the order of the targets table; `providers` narrows to
    those Träger (programme-wide targets stay)."""
    targets = dataset.targets
    if providers:
        targets = targets[targets["provider"].isna() | targets["provider"].isin(providers)]
    rows = [progress_row(dataset, row) for _, row in targets.iterrows()]
    return pd.DataFrame(rows, columns=list(PROGRESS_COLUMNS))
