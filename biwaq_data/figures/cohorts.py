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
    """Per participant: date of the first employment or vocational-training outcome (NaT when none); once per
    data version (read-only, shared)."""
    from .memo import per_version

    return per_version(dataset, "work_or_training_date", lambda: _first_work_or_training(dataset))


def _first_work_or_training(dataset: Dataset) -> np.ndarray:
    o = dataset.outcomes
    hit = o[o["outcome"].isin(["employment", "vocational_training"])]
    first = hit.groupby("person")["outcome_date"].min()
    out = pd.Series(pd.NaT, index=range(len(dataset.participants)), dtype="datetime64[ns]")
    out.loc[first.index] = first.to_numpy()
    values = out.to_numpy()
    values.flags.writeable = False
    return values


def quarter_label(period: pd.Period) -> str:
    return f"{period.year} Q{period.quarter}"


def _cohort_codes(dataset: Dataset) -> tuple[np.ndarray, int, int]:
    """Once per data version: per participant one code = entry quarter x (reached within 3, 6, 12 months),
    the first quarter's ordinal and the number of quarters. A filter change then costs one bincount over the selected persons."""
    from .memo import per_version

    def compute():
        entry = dataset.participants["entry_date"].reset_index(drop=True)
        reached_date = pd.Series(_work_or_training_date(dataset))
        quarter = (entry.dt.year.to_numpy().astype(np.int64) * 4 + (entry.dt.quarter.to_numpy() - 1))
        first = int(quarter.min()) if len(quarter) else 0
        code = (quarter - first) << len(WINDOWS)
        for bit, w in enumerate(WINDOWS):
            deadline = entry + pd.DateOffset(months=w)
            code |= (reached_date <= deadline).to_numpy().astype(np.int64) << bit  # NaT compares False
        return code.astype(np.int32), first, (int(quarter.max()) - first + 1) if len(quarter) else 0
    return per_version(dataset, "cohort_codes", compute)


def cohort_table(dataset: Dataset, filters: Filters | None = None) -> pd.DataFrame:
    """One row per entry quarter: cohort, cohort_start, cohort_end, persons and for each w in WINDOWS
    reached_w (int), share_w (float, NaN when open) and open_w (bool). See module docstring.
    Once per (data version, filters), shared read-only."""
    from .memo import per_selection

    return per_selection(dataset, filters, "cohort_table", lambda: _cohort_table(dataset, filters))


def _cohort_table(dataset: Dataset, filters: Filters | None) -> pd.DataFrame:
    codes, first, n_quarters = _cohort_codes(dataset)
    mask = participant_mask(dataset.participants, filters)
    k = 1 << len(WINDOWS)
    counts = np.bincount(codes[mask], minlength=n_quarters * k).reshape(n_quarters, k)  # quarter x reached
    rows = []
    for i in np.flatnonzero(counts.sum(axis=1)):
        ordinal = first + int(i)
        q = pd.Period(year=ordinal // 4, quarter=ordinal % 4 + 1, freq="Q")
        per_pattern = counts[i]
        row = {"cohort": quarter_label(q), "cohort_start": q.start_time.normalize(),
               "cohort_end": q.end_time.normalize(), "persons": int(per_pattern.sum())}
        for bit, w in enumerate(WINDOWS):
            reached = int(sum(int(c) for pattern, c in enumerate(per_pattern) if pattern >> bit & 1))
            is_open = bool(row["cohort_end"] + pd.DateOffset(months=w) > dataset.datenstand)
            row[f"reached_{w}"] = reached
            row[f"share_{w}"] = np.nan if is_open or not row["persons"] else reached / row["persons"]
            row[f"open_{w}"] = is_open
        rows.append(row)
    columns = ["cohort", "cohort_start", "cohort_end", "persons"] + [
        f"{k}_{w}" for w in WINDOWS for k in ("reached", "share", "open")]
    return pd.DataFrame(rows, columns=columns)


def _all_durations(dataset: Dataset, event: str) -> tuple[np.ndarray, np.ndarray]:
    """Once per data version: days (to the event or censoring) and event (bool) of every participant."""
    from .memo import per_version

    def compute():
        p = dataset.participants
        entry = p["entry_date"].to_numpy()
        first = p["first_outcome_date"].to_numpy() if event == "any" else _work_or_training_date(dataset)
        stand = np.datetime64(dataset.datenstand)
        exit_ = p["exit_date"].to_numpy()
        left = ~pd.isna(exit_) & (exit_ <= stand)
        censor = np.where(left, np.minimum(exit_ + np.timedelta64(POST_EXIT_DAYS, "D"), stand), stand)
        has_event = ~pd.isna(first)
        end = np.where(has_event, first, censor)
        days = ((end - entry) / np.timedelta64(1, "D")).astype(np.int64)
        return days, has_event
    return per_version(dataset, ("durations", event), compute)


def _group_codes(dataset: Dataset, by: str) -> tuple[np.ndarray, list[str]]:
    """Once per data version: per participant a group code and the group labels (provider, entry year)."""
    from .memo import per_version

    def compute():
        p = dataset.participants
        if by == "provider":
            codes = p["provider"].cat.codes.to_numpy().astype(np.int64)
            return codes, [str(c) for c in p["provider"].cat.categories]
        years = p["entry_date"].dt.year.to_numpy().astype(np.int64)
        low = int(years.min()) if len(years) else 0
        return years - low, [str(y) for y in range(low, int(years.max()) + 1 if len(years) else low)]
    return per_version(dataset, ("cohort_groups", by), compute)


def durations(dataset: Dataset, filters: Filters | None = None, event: str = "any") -> pd.DataFrame:
    """Per selected participant: provider, entry_year, days (to event or censoring) and event (bool)."""
    p = dataset.participants
    mask = participant_mask(p, filters)
    days, has_event = _all_durations(dataset, event)
    return pd.DataFrame({"provider": p["provider"].to_numpy()[mask].astype(str),
                         "entry_year": p["entry_date"].dt.year.to_numpy()[mask].astype(str),
                         "days": days[mask], "event": has_event[mask]})


def _km_columns(times: np.ndarray, events: np.ndarray, total: np.ndarray) -> dict:
    censored = total - events
    at_risk = total[::-1].cumsum()[::-1]  # persons whose duration is >= the day
    survival = np.cumprod(1 - events / np.maximum(at_risk, 1))
    return {"days": times, "at_risk": at_risk, "events": events, "censored": censored, "reached": 1 - survival}


def kaplan_meier(days: np.ndarray, event: np.ndarray) -> pd.DataFrame:
    """Kaplan-Meier table: one row per distinct day with an event or a censoring: days, at_risk, events,
    censored, reached (= 1 − S(days))."""
    days = np.asarray(days, dtype=np.int64)
    event = np.asarray(event, dtype=bool)
    times, where = np.unique(days, return_inverse=True)
    events = np.bincount(where.reshape(-1), weights=event, minlength=len(times)).astype(np.int64)
    total = np.bincount(where.reshape(-1), minlength=len(times)).astype(np.int64)
    return pd.DataFrame(_km_columns(times, events, total))


def survival(dataset: Dataset, filters: Filters | None = None, by: str = "provider",
             event: str = "any") -> pd.DataFrame:
    """Kaplan-Meier curves per group (`by` in GROUPINGS): group + the columns of `kaplan_meier`.
    Once per (data version, filters, by, event), shared read-only."""
    from .memo import per_selection

    return per_selection(dataset, filters, ("survival", by, event), lambda: _survival(dataset, filters, by, event),
                         large=True)


def _survival_cells(dataset: Dataset, by: str, event: str) -> tuple[np.ndarray, list[str], int, int]:
    """Once per data version: per participant one code = (group, day of event or censoring, event), the group
    labels, the first day and the number of days; a filter change then costs one bincount."""
    from .memo import per_version

    def compute():
        days, has_event = _all_durations(dataset, event)
        if by == "all":
            group, labels = np.zeros(len(days), dtype=np.int64), ["alle"]
        else:
            group, labels = _group_codes(dataset, by)
        low = int(days.min()) if len(days) else 0
        span = int(days.max()) - low + 1 if len(days) else 1
        cell = ((group * span + (days - low)) << 1) | has_event.astype(np.int64)
        return cell.astype(np.int32 if len(labels) * span * 2 < 2**31 else np.int64), labels, low, span
    return per_version(dataset, ("survival_cells", by, event), compute)


def _survival(dataset: Dataset, filters: Filters | None, by: str, event: str) -> pd.DataFrame:
    cell, labels, low, span = _survival_cells(dataset, by, event)
    mask = participant_mask(dataset.participants, filters)
    counts = np.bincount(cell[mask], minlength=len(labels) * span * 2).reshape(len(labels), span, 2)
    total, events = counts.sum(axis=2), counts[:, :, 1]
    parts = []
    for g in sorted(np.flatnonzero(total.sum(axis=1)), key=lambda g: labels[g]):
        present = np.flatnonzero(total[g])
        km = pd.DataFrame(_km_columns(present.astype(np.int64) + low, events[g, present].astype(np.int64),
                                      total[g, present].astype(np.int64)))
        km.insert(0, "group", labels[g])
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
