"""Entry cohorts with a fixed follow-up window, and time to first outcome (Kaplan-Meier). Pure, no Streamlit.

Definitions (docs/steering.md, section 2; the page shows the same words):

- **cohort**: the calendar quarter of the entry date ("2024 Q1"), selected participants only.
- **reached within w months** (w = 3, 6, 12): the person has an outcome employment or vocational training
  dated on or before entry date + w calendar months (pandas DateOffset: 31.03. + 3 months = 30.06.).
  Denominator: every member of the cohort, leavers without an outcome included.
- **open window**: quarter end + w months is after the Datenstand, i.e. not every member has been
  followed for w months yet; such a share is NaN and ``open_w`` is True (shown "offen", never as a low rate).
- **time to first outcome** (Kaplan-Meier): duration = days from entry to the first outcome (event
  "any": any outcome; "work_or_training": employment or vocational training). Without that outcome the
  person is **censored**: still in support (no exit on or before the Datenstand) at the Datenstand; left
  without it at exit + 28 days (outcomes up to 28 days after exit are still recorded, as for the ESF Plus
  result indicators), but not after the Datenstand. S(t) = Π over event days t_i ≤ t of (1 − d_i ÷ n_i)
  with n_i = persons whose duration is ≥ t_i (censored on day t_i still count as at risk on t_i);
  reached(t) = 1 − S(t). **Median** = first day with S ≤ 0.5 (NaN when the curve never gets there).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..ingest.dataset import Dataset
from .filters import Filters, participant_mask

WINDOWS = (3, 6, 12)
POST_EXIT_DAYS = 28
GROUPINGS = ("provider", "entry_year", "all")
EVENTS = ("any", "work_or_training")


def _work_or_training_date(dataset: Dataset) -> np.ndarray:
    """Per participant: date of the first employment or vocational-training outcome (NaT when none)."""
    o = dataset.outcomes
    hit = o[o["outcome"].isin(["employment", "vocational_training"])]
    first = hit.groupby("person")["outcome_date"].min()
    out = pd.Series(pd.NaT, index=range(len(dataset.participants)), dtype="datetime64[ns]")
    out.loc[first.index] = first.to_numpy()
    return out.to_numpy()


def quarter_label(period: pd.Period) -> str:
    return f"{period.year} Q{period.quarter}"


def cohort_table(dataset: Dataset, filters: Filters | None = None) -> pd.DataFrame:
    """One row per entry quarter: cohort, cohort_start, cohort_end, persons and for each w in WINDOWS
    reached_w (int), share_w (float, NaN when open) and open_w (bool). See module docstring."""
    p = dataset.participants
    mask = participant_mask(p, filters)
    entry = p["entry_date"][mask].reset_index(drop=True)
    reached_date = pd.Series(_work_or_training_date(dataset)[mask])
    quarters = entry.dt.to_period("Q")
    rows = []
    for q in sorted(quarters.unique()):
        members = (quarters == q).to_numpy()
        row = {"cohort": quarter_label(q), "cohort_start": q.start_time.normalize(),
               "cohort_end": q.end_time.normalize(), "persons": int(members.sum())}
        for w in WINDOWS:
            deadline = entry[members] + pd.DateOffset(months=w)
            reached = int((reached_date[members] <= deadline).sum())  # NaT compares False
            is_open = bool(row["cohort_end"] + pd.DateOffset(months=w) > dataset.datenstand)
            row[f"reached_{w}"] = reached
            row[f"share_{w}"] = np.nan if is_open or not row["persons"] else reached / row["persons"]
            row[f"open_{w}"] = is_open
        rows.append(row)
    columns = ["cohort", "cohort_start", "cohort_end", "persons"] + [
        f"{k}_{w}" for w in WINDOWS for k in ("reached", "share", "open")]
    return pd.DataFrame(rows, columns=columns)


def durations(dataset: Dataset, filters: Filters | None = None, event: str = "any") -> pd.DataFrame:
    """Per selected participant: provider, entry_year, days (to event or censoring) and event (bool)."""
    p = dataset.participants
    mask = participant_mask(p, filters)
    entry = p["entry_date"].to_numpy()[mask]
    first = (p["first_outcome_date"].to_numpy() if event == "any" else _work_or_training_date(dataset))[mask]
    stand = np.datetime64(dataset.datenstand)
    exit_ = p["exit_date"].to_numpy()[mask]
    left = ~pd.isna(exit_) & (exit_ <= stand)
    censor = np.where(left, np.minimum(exit_ + np.timedelta64(POST_EXIT_DAYS, "D"), stand), stand)
    has_event = ~pd.isna(first)
    end = np.where(has_event, first, censor)
    days = ((end - entry) / np.timedelta64(1, "D")).astype(np.int64)
    return pd.DataFrame({"provider": p["provider"].to_numpy()[mask].astype(str),
                         "entry_year": p["entry_date"].dt.year.to_numpy()[mask].astype(str),
                         "days": days, "event": has_event})


def kaplan_meier(days: np.ndarray, event: np.ndarray) -> pd.DataFrame:
    """Kaplan-Meier table: one row per distinct day with an event or a censoring: days, at_risk, events,
    censored, reached (= 1 − S(days))."""
    days = np.asarray(days, dtype=np.int64)
    event = np.asarray(event, dtype=bool)
    times = np.unique(days)
    events = np.array([int((event & (days == t)).sum()) for t in times], dtype=np.int64)
    censored = np.array([int((~event & (days == t)).sum()) for t in times], dtype=np.int64)
    at_risk = np.array([int((days >= t).sum()) for t in times], dtype=np.int64)
    survival = np.cumprod(1 - events / np.maximum(at_risk, 1))
    return pd.DataFrame({"days": times, "at_risk": at_risk, "events": events, "censored": censored,
                         "reached": 1 - survival})


def survival(dataset: Dataset, filters: Filters | None = None, by: str = "provider",
             event: str = "any") -> pd.DataFrame:
    """Kaplan-Meier curves per group (`by` in GROUPINGS): group + the columns of `kaplan_meier`."""
    d = durations(dataset, filters, event)
    keys = np.full(len(d), "alle") if by == "all" else d[by].to_numpy()
    parts = []
    for group in sorted(set(keys)):
        sel = keys == group
        km = kaplan_meier(d["days"].to_numpy()[sel], d["event"].to_numpy()[sel])
        km.insert(0, "group", group)
        parts.append(km)
    if not parts:
        return pd.DataFrame(columns=["group", "days", "at_risk", "events", "censored", "reached"])
    return pd.concat(parts, ignore_index=True)


def medians(curves: pd.DataFrame) -> pd.DataFrame:
    """Per group: persons (at risk on the first day), events, median_days (first day with reached ≥ 0.5,
    NaN when never)."""
    rows = []
    for group, km in curves.groupby("group", sort=False):
        hit = km.loc[km["reached"] >= 0.5 - 1e-12, "days"]
        rows.append({"group": group, "persons": int(km["at_risk"].iloc[0]), "events": int(km["events"].sum()),
                     "median_days": float(hit.iloc[0]) if len(hit) else np.nan})
    return pd.DataFrame(rows, columns=["group", "persons", "events", "median_days"])
