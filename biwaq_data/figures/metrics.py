"""Pure counting functions: (dataset, filters) -> small dicts or frames.

Definitions (the same words are shown next to every figure, see texts_de.METRIC_DEFINITIONS):
- participants: persons with an entry in the period (one row per person and project).
- outcomes count **persons**, each once under the best outcome they reached by the Datenstand:
  employment > vocational_training > improved_prospects.
- placement_rate = (employment + vocational_training) / participants, as a fraction (0.245 = 24,5 %).
  Denominator: all entrants of the selection, not only leavers.
- outcome_rate = with_outcome / participants.
All counts are plain ints; rates are floats (NaN where the denominator is 0).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..ingest import schema
from .. import texts_de as T
from ..ingest.dataset import Dataset
from .filters import Filters, participant_mask

_N_BEST = len(schema.BEST_OUTCOMES)
_EMPLOYMENT, _TRAINING, _IMPROVED, _IN_SUPPORT, _NO_OUTCOME = range(_N_BEST)

BREAKDOWN_ATTRIBUTES = ("bezirk", "ortsteil", "employment_status", "long_term_unemployed", "migration_background",
                        "gender", "age_group", "education", "referral_source", "provider")


def _rate(numerator, denominator):
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1), np.nan)
    return out if out.ndim else float(out)


# Performance (see docs/benchmark.md): everything below works on numpy arrays of the frames' columns (category
# codes, datetime64, bool) and counts with np.bincount / np.count_nonzero; nothing is copied per row, nothing
# loops in Python over records, and distinct (person, kind) pairs are marked in a boolean matrix instead of
# np.unique (hash-based in numpy 2.x and very slow on person * k + code keys: 12 s for 3.4 million services).


def _best_codes(dataset: Dataset, mask: np.ndarray) -> np.ndarray:
    return dataset.participants["best_outcome"].cat.codes.to_numpy()[mask]


def _exited(dataset: Dataset) -> np.ndarray:
    """Exit date on or before the Datenstand (NaT compares False)."""
    return dataset.participants["exit_date"].to_numpy() <= np.datetime64(dataset.datenstand)


def _distinct_persons(person: np.ndarray, code: np.ndarray, n_persons: int, k: int) -> np.ndarray:
    """Boolean (k, n_persons) matrix: True where the person has at least one record of kind `code`.

    One row per kind, so counting persons per kind (count_nonzero along axis 1) reads contiguous memory.
    """
    seen = np.zeros(k * n_persons, dtype=bool)
    dtype = np.int32 if k * n_persons < 2**31 else np.int64
    seen[code.astype(dtype) * dtype(n_persons) + person] = True
    return seen.reshape(k, n_persons)


def period(dataset: Dataset, filters: Filters | None = None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The entry-date period the figures cover: the filter's bounds, else first entry … Datenstand."""
    p = dataset.participants
    start = pd.Timestamp(filters.period_start) if filters and filters.period_start else p["entry_date"].min()
    end = pd.Timestamp(filters.period_end) if filters and filters.period_end else dataset.datenstand
    return start, min(end, dataset.datenstand)


def headline(dataset: Dataset, filters: Filters | None = None) -> dict:
    """The press figures for the selection.

    participants; unemployed (at entry, incl. long-term); long_term_unemployed (> 12 months at entry);
    migration_background; employment, vocational_training, improved_prospects (persons by best outcome);
    with_outcome (their sum); placement_rate ((employment + vocational_training) / participants);
    outcome_rate (with_outcome / participants); in_support (no outcome, not exited); no_outcome (exited
    without outcome); leavers (exit date on or before the Datenstand).
    """
    p = dataset.participants
    mask = participant_mask(p, filters)
    best = np.bincount(_best_codes(dataset, mask), minlength=_N_BEST)
    n = int(np.count_nonzero(mask))
    employment, training, improved = int(best[_EMPLOYMENT]), int(best[_TRAINING]), int(best[_IMPROVED])
    with_outcome = employment + training + improved
    exited = _exited(dataset)
    return {
        "participants": n,
        "unemployed": int(np.count_nonzero((p["employment_status"].cat.codes.to_numpy() == 0) & mask)),
        "long_term_unemployed": int(np.count_nonzero(p["long_term_unemployed"].to_numpy() & mask)),
        "migration_background": int(np.count_nonzero(p["migration_background"].to_numpy() & mask)),
        "employment": employment,
        "vocational_training": training,
        "improved_prospects": improved,
        "with_outcome": with_outcome,
        "placement_rate": _rate(employment + training, n),
        "outcome_rate": _rate(with_outcome, n),
        "in_support": int(best[_IN_SUPPORT]),
        "no_outcome": int(best[_NO_OUTCOME]),
        "leavers": int(np.count_nonzero(exited & mask)),
    }


def funnel(dataset: Dataset, filters: Filters | None = None) -> pd.DataFrame:
    """Stages supported → any outcome → work or training → work, each a subset of the one before.

    Columns: stage, label, persons, share_of_initial, share_of_previous (fractions).
    """
    h = headline(dataset, filters)
    counts = [h["participants"], h["with_outcome"], h["employment"] + h["vocational_training"], h["employment"]]
    stages = ["participants", "with_outcome", "work_or_training", "employment"]
    labels = [T.FUNNEL_STAGE_LABELS[s] for s in stages]
    previous = [counts[0]] + counts[:-1]
    return pd.DataFrame({
        "stage": stages, "label": labels, "persons": counts,
        "share_of_initial": _rate(counts, [counts[0]] * 4), "share_of_previous": _rate(counts, previous),
    })


def outcome_table(dataset: Dataset, filters: Filters | None = None) -> pd.DataFrame:
    """Per outcome kind: persons whose best outcome it is, and persons with any record of it.

    Columns: outcome, label, best_persons, any_persons, share (best_persons / participants).
    """
    p = dataset.participants
    mask = participant_mask(p, filters)
    best = np.bincount(_best_codes(dataset, mask), minlength=_N_BEST)[: len(schema.OUTCOMES)]
    o = dataset.outcomes
    person = o["person"].to_numpy()
    selected = mask[person]
    k = len(schema.OUTCOMES)
    seen = _distinct_persons(person[selected], o["outcome"].cat.codes.to_numpy()[selected], len(p), k)
    any_persons = np.count_nonzero(seen, axis=1)
    return pd.DataFrame({
        "outcome": list(schema.OUTCOMES),
        "label": [T.CATEGORY_LABELS["outcome"][k] for k in schema.OUTCOMES],
        "best_persons": best.astype(int), "any_persons": any_persons.astype(int),
        "share": _rate(best, [mask.sum()] * len(best)),
    })


def _entry_status_codes(participants: pd.DataFrame) -> np.ndarray:
    codes = participants["employment_status"].cat.codes.to_numpy() + 1  # 1 unemployed, 2 inactive, 3 employed
    codes[participants["long_term_unemployed"].to_numpy()] = 0
    return codes


def entry_status(participants: pd.DataFrame) -> pd.Categorical:
    """Employment status at entry with long-term unemployment split out (used by the Sankey)."""
    return pd.Categorical.from_codes(_entry_status_codes(participants),
                                     categories=["long_term_unemployed", "short_term_unemployed", "inactive",
                                                 "employed"])


ENTRY_STATUS_LABELS = {"long_term_unemployed": "langzeitarbeitslos", "short_term_unemployed": "arbeitslos (≤ 12 Monate)",
                       "inactive": "nicht erwerbstätig", "employed": "erwerbstätig"}


def flows(dataset: Dataset, filters: Filters | None = None) -> pd.DataFrame:
    """Persons from employment status at entry to best outcome (incl. in_support / no_outcome).

    Columns: source, source_label, target, target_label, persons (only non-zero flows).
    """
    p = dataset.participants
    mask = participant_mask(p, filters)
    status = _entry_status_codes(p)[mask].astype(np.int64)
    best = _best_codes(dataset, mask)
    counts = np.bincount(status * _N_BEST + best, minlength=4 * _N_BEST).reshape(4, _N_BEST)
    sources = list(ENTRY_STATUS_LABELS)
    rows = [(sources[i], ENTRY_STATUS_LABELS[sources[i]], schema.BEST_OUTCOMES[j],
             T.CATEGORY_LABELS["best_outcome"][schema.BEST_OUTCOMES[j]], int(counts[i, j]))
            for i in range(4) for j in range(_N_BEST) if counts[i, j] > 0]
    return pd.DataFrame(rows, columns=["source", "source_label", "target", "target_label", "persons"])


def _group_codes(p: pd.DataFrame, attribute: str) -> tuple[np.ndarray, list, list[str]]:
    """Integer codes, keys and German labels of a participant attribute."""
    values = p[attribute]
    if isinstance(values.dtype, pd.CategoricalDtype):
        keys = list(values.cat.categories)
        labels_map = T.CATEGORY_LABELS.get(attribute, {})
        return values.cat.codes.to_numpy().astype(np.int32), keys, [labels_map.get(k, str(k)) for k in keys]
    if pd.api.types.is_bool_dtype(values):
        labels_map = T.CATEGORY_LABELS[attribute]
        return 1 - values.to_numpy().astype(np.int32), [True, False], [labels_map[True], labels_map[False]]
    raise ValueError(f"cannot break down by {attribute}")


def breakdown(dataset: Dataset, attribute: str, filters: Filters | None = None, *,
              drop_empty: bool | None = None) -> pd.DataFrame:
    """Participants and outcomes per value of a participant attribute (one row per value).

    Columns: key, label, participants, employment, vocational_training, improved_prospects, with_outcome,
    share (participants / all selected), placement_rate, outcome_rate. Rows add up to headline().
    drop_empty: leave out values with no participants (default: only for ortsteil and provider).
    """
    p = dataset.participants
    mask = participant_mask(p, filters)
    codes, keys, labels = _group_codes(p, attribute)
    k = len(keys)
    cell = codes * _N_BEST + p["best_outcome"].cat.codes.to_numpy()  # (group, best outcome), one pass
    counts = np.bincount(cell if mask.all() else cell[mask], minlength=k * _N_BEST).reshape(k, _N_BEST)
    participants = counts.sum(axis=1)
    work = counts[:, _EMPLOYMENT] + counts[:, _TRAINING]
    with_outcome = work + counts[:, _IMPROVED]
    out = pd.DataFrame({
        "key": keys, "label": labels, "participants": participants,
        "employment": counts[:, _EMPLOYMENT], "vocational_training": counts[:, _TRAINING],
        "improved_prospects": counts[:, _IMPROVED], "with_outcome": with_outcome,
        "share": _rate(participants, [participants.sum()] * k),
        "placement_rate": _rate(work, participants), "outcome_rate": _rate(with_outcome, participants),
    })
    if drop_empty if drop_empty is not None else attribute in ("ortsteil", "provider"):
        out = out[out["participants"] > 0]
    if attribute == "ortsteil":
        ref = _ortsteil_rows(p).set_index("ortsteil")
        out.insert(1, "ortsteil_nr", out["key"].map(ref["ortsteil_nr"]).astype("Int16"))
        out.insert(2, "bezirk", out["key"].map(ref["bezirk"]).astype(str))
    return out.reset_index(drop=True)


def _ortsteil_rows(p: pd.DataFrame) -> pd.DataFrame:
    """One participants row per Ortsteil that occurs (columns ortsteil_nr, ortsteil, bezirk), in category order.

    Number and Bezirk follow from the Ortsteil, so any row of it will do; found with one pass over the
    category codes instead of drop_duplicates over a million rows.
    """
    codes = p["ortsteil"].cat.codes.to_numpy()
    k = len(p["ortsteil"].cat.categories)
    present = np.bincount(codes.astype(np.int16) + 1, minlength=k + 1)[1:] > 0  # (code -1: NA, not counted)
    where = np.full(k, -1, dtype=np.int64)
    start, step = 0, 4096
    while (where[present] < 0).any():  # usually every Ortsteil shows up in the first few thousand rows
        chunk = codes[start:start + step]
        ok = chunk >= 0
        where[chunk[ok]] = np.flatnonzero(ok) + start
        start, step = start + step, step * 4
    return p[["ortsteil_nr", "ortsteil", "bezirk"]].iloc[where[present]]


def ortsteil_options(dataset: Dataset) -> pd.DataFrame:
    """The Ortsteile that occur in the data, ordered by number: ortsteil_nr, ortsteil, bezirk (one row each).

    The same rows as participants[["ortsteil_nr", "ortsteil", "bezirk"]].drop_duplicates().sort_values(
    "ortsteil_nr") (index reset), in a few milliseconds at a million participants (the sidebar needs it on
    every rerun).
    """
    return _ortsteil_rows(dataset.participants).sort_values("ortsteil_nr", kind="stable").reset_index(drop=True)


def monthly(dataset: Dataset, filters: Filters | None = None) -> pd.DataFrame:
    """Monthly series from the first month of the period to the Datenstand month.

    Columns: month (first day), entries, exits (exit date in month), active (entered and not exited at month
    end), outcomes (persons whose first outcome falls in the month), cumulative_participants.
    """
    p = dataset.participants
    mask = participant_mask(p, filters)
    start, end = period(dataset, filters)
    months = pd.period_range(start.to_period("M"), dataset.datenstand.to_period("M"), freq="M")
    stand = np.datetime64(dataset.datenstand)
    # Month of each date through a day -> month lookup table (converting a million dates to months is slow).
    day = np.timedelta64(1, "D")
    if len(months):
        bounds = pd.period_range(months[0], periods=len(months) + 1, freq="M").to_timestamp().to_numpy()
        first_day = bounds[0].astype("datetime64[D]")
        month_of_day = np.repeat(np.arange(len(months)), np.diff(bounds.astype("datetime64[D]")) // day)
    else:
        first_day, month_of_day = np.datetime64("1970-01-01", "D"), np.array([], dtype=np.int64)

    def per_month(dates: pd.Series) -> np.ndarray:
        d = dates.to_numpy()
        d = d[mask & (d <= stand)]  # NaT compares False
        days = (d - first_day) // day  # whole days since the first month's first day (floor)
        days = days[(days >= 0) & (days < len(month_of_day))]
        return np.bincount(month_of_day[days], minlength=len(months))

    entries = per_month(p["entry_date"])
    exits = per_month(p["exit_date"])
    outcomes = per_month(p["first_outcome_date"])
    return pd.DataFrame({
        "month": months.to_timestamp(), "entries": entries, "exits": exits,
        "active": np.cumsum(entries) - np.cumsum(exits), "outcomes": outcomes,
        "cumulative_participants": np.cumsum(entries),
    })


def services_summary(dataset: Dataset, filters: Filters | None = None) -> pd.DataFrame:
    """Per service: persons who received it, records, hours, and their outcomes.

    Columns: service, label, persons (distinct), records, hours_total, hours_per_person (mean over persons
    with hours given), placement_rate and outcome_rate among those persons. A person with several services
    counts under each, so persons do not add up to participants.
    """
    p = dataset.participants
    s = dataset.services
    mask = participant_mask(p, filters)
    person, code = s["person"].to_numpy(), s["service"].cat.codes.to_numpy()
    hours = s["hours"].to_numpy(dtype=float)
    if not mask.all():  # without filters, skip copying millions of service records
        selected = mask[person]
        person, code, hours = person[selected], code[selected], hours[selected]
    k = len(schema.SERVICES)
    records = np.bincount(code, minlength=k)
    given = ~np.isnan(hours)
    weights = np.where(given, hours, 0.0)
    if np.isinf(weights).any():
        weights = np.nan_to_num(hours)  # as always: ±inf hours count as the largest float
    hours_total = np.bincount(code, weights=weights, minlength=k)
    seen = _distinct_persons(person, code, len(p), k)  # person has the service
    persons = np.count_nonzero(seen, axis=1)
    best = p["best_outcome"].cat.codes.to_numpy()
    work = np.count_nonzero(seen & (best <= _TRAINING), axis=1)
    any_outcome = np.count_nonzero(seen & (best <= _IMPROVED), axis=1)
    persons_with_hours = persons if given.all() else np.count_nonzero(
        _distinct_persons(person[given], code[given], len(p), k), axis=1)
    return pd.DataFrame({
        "service": list(schema.SERVICES), "label": [T.CATEGORY_LABELS["service"][x] for x in schema.SERVICES],
        "persons": persons, "records": records, "hours_total": hours_total,
        "hours_per_person": _rate(hours_total, persons_with_hours),
        "placement_rate": _rate(work, persons), "outcome_rate": _rate(any_outcome, persons),
    })
