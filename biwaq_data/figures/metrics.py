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
from .filters import Filters, Selection, participant_selection
from .prepared import CELL_SHAPE, N_CELLS, N_SERVICE_CELLS, SERVICE_SHAPE, prepared

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


# Performance (see docs/benchmark.md): every metric takes the selected rows (filters.Selection: all, a run of
# rows, or positions; never a boolean mask over a million rows) of small integer code arrays derived once per
# dataset (prepared.Prepared) and counts them with one np.bincount. No pandas groupby, no per-row Python, and
# no DataFrame bigger than the result.


def _cells(dataset: Dataset, selection: Selection) -> np.ndarray:
    """Selected persons per person cell, shaped CELL_SHAPE (best, status + 1, long-term, migration, exited,
    outcome kinds on record)."""
    cell = prepared(dataset).cell
    return np.bincount(selection.take(cell), minlength=N_CELLS).reshape(CELL_SHAPE)


def period(dataset: Dataset, filters: Filters | None = None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The entry-date period the figures cover: the filter's bounds, else first entry … Datenstand."""
    start = pd.Timestamp(filters.period_start) if filters and filters.period_start else prepared(dataset).first_entry
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
    return _headline(_cells(dataset, participant_selection(dataset.participants, filters)))


def _headline(cells: np.ndarray) -> dict:
    best = cells.sum(axis=(1, 2, 3, 4, 5))
    n = int(best.sum())
    employment, training, improved = int(best[_EMPLOYMENT]), int(best[_TRAINING]), int(best[_IMPROVED])
    with_outcome = employment + training + improved
    return {
        "participants": n,
        "unemployed": int(cells[:, 1].sum()),  # employment status code 0 (+ 1)
        "long_term_unemployed": int(cells[:, :, 1].sum()),
        "migration_background": int(cells[:, :, :, 1].sum()),
        "employment": employment,
        "vocational_training": training,
        "improved_prospects": improved,
        "with_outcome": with_outcome,
        "placement_rate": _rate(employment + training, n),
        "outcome_rate": _rate(with_outcome, n),
        "in_support": int(best[_IN_SUPPORT]),
        "no_outcome": int(best[_NO_OUTCOME]),
        "leavers": int(cells[:, :, :, :, 1].sum()),
    }


def funnel(dataset: Dataset, filters: Filters | None = None) -> pd.DataFrame:
    """Stages supported → any outcome → work or training → work, each a subset of the one before.

    Columns: stage, label, persons, share_of_initial, share_of_previous (fractions).
    """
    best = participant_selection(dataset.participants, filters).take(prepared(dataset).best)
    # best outcome codes rank the stages (0 employment, 1 training, 2 improved): compare and count, no histogram
    counts = [len(best)] + [int(np.count_nonzero(best <= code)) for code in (_IMPROVED, _TRAINING, _EMPLOYMENT)]
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
    cells = _cells(dataset, participant_selection(dataset.participants, filters))
    k = len(schema.OUTCOMES)
    best = cells.sum(axis=(1, 2, 3, 4, 5))
    by_bits = cells.sum(axis=(0, 1, 2, 3, 4))  # persons per combination of outcome kinds on record
    has = (np.arange(len(by_bits))[None, :] >> np.arange(k)[:, None]) & 1
    any_persons = (has * by_bits).sum(axis=1)
    return pd.DataFrame({
        "outcome": list(schema.OUTCOMES),
        "label": [T.CATEGORY_LABELS["outcome"][k] for k in schema.OUTCOMES],
        "best_persons": best[:k].astype(int), "any_persons": any_persons.astype(int),
        "share": _rate(best[:k], [best.sum()] * k),
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
    cells = _cells(dataset, participant_selection(dataset.participants, filters)).sum(axis=(3, 4, 5))
    # entry status as in entry_status(): long-term unemployed first, else employment status code + 1
    counts = np.zeros((4, _N_BEST), dtype=np.int64)
    counts[0] = cells[:, :, 1].sum(axis=1) + cells[:, 0, 0]
    counts[1:] = cells[:, 1:, 0].T
    sources = list(ENTRY_STATUS_LABELS)
    rows = [(sources[i], ENTRY_STATUS_LABELS[sources[i]], schema.BEST_OUTCOMES[j],
             T.CATEGORY_LABELS["best_outcome"][schema.BEST_OUTCOMES[j]], int(counts[i, j]))
            for i in range(4) for j in range(_N_BEST) if counts[i, j] > 0]
    return pd.DataFrame(rows, columns=["source", "source_label", "target", "target_label", "persons"])


def _group_codes(p: pd.DataFrame, attribute: str) -> tuple[np.ndarray, list, list[str]]:
    """Integer codes (as stored: int8/int16, -1 for a missing value), keys and German labels of an attribute."""
    values = p[attribute]
    if isinstance(values.dtype, pd.CategoricalDtype):
        keys = list(values.cat.categories)
        labels_map = T.CATEGORY_LABELS.get(attribute, {})
        return values.cat.codes.to_numpy(), keys, [labels_map.get(k, str(k)) for k in keys]
    if pd.api.types.is_bool_dtype(values):
        labels_map = T.CATEGORY_LABELS[attribute]
        return 1 - values.to_numpy().astype(np.int8), [True, False], [labels_map[True], labels_map[False]]
    raise ValueError(f"cannot break down by {attribute}")


def _by_group_and_best(codes: np.ndarray, best: np.ndarray, k: int) -> np.ndarray:
    """(k, 5) counts of (group code, best outcome code) pairs; codes and best already selected."""
    if k * _N_BEST <= 256 and (not len(codes) or codes.min() >= 0):
        cell = codes.astype(np.uint8) * np.uint8(_N_BEST) + best.astype(np.uint8)  # one byte per person
    else:  # a missing group code (-1) gives a negative cell: bincount refuses it, as it always did
        cell = codes.astype(np.intp) * _N_BEST + best
    return np.bincount(cell, minlength=k * _N_BEST).reshape(k, _N_BEST)


def breakdown(dataset: Dataset, attribute: str, filters: Filters | None = None, *,
              drop_empty: bool | None = None) -> pd.DataFrame:
    """Participants and outcomes per value of a participant attribute (one row per value).

    Columns: key, label, participants, employment, vocational_training, improved_prospects, with_outcome,
    share (participants / all selected), placement_rate, outcome_rate. Rows add up to headline().
    drop_empty: leave out values with no participants (default: only for ortsteil and provider).
    """
    p = dataset.participants
    selection = participant_selection(p, filters)
    codes, keys, labels = _group_codes(p, attribute)
    k = len(keys)
    counts = _by_group_and_best(selection.take(codes), selection.take(prepared(dataset).best), k)
    if drop_empty if drop_empty is not None else attribute in ("ortsteil", "provider"):
        keep = np.flatnonzero(counts.sum(axis=1) > 0)
    else:
        keep = np.arange(k)
    counts = counts[keep]
    participants = counts.sum(axis=1)
    work = counts[:, _EMPLOYMENT] + counts[:, _TRAINING]
    with_outcome = work + counts[:, _IMPROVED]
    columns = {"key": pd.Series(keys).array.take(keep)}  # the dtype pandas gives the whole list, even if empty
    if attribute == "ortsteil":  # Ortsteil number and Bezirk per category, derived once per dataset
        numbers, bezirke = prepared(dataset).ortsteil_columns
        columns.update(ortsteil_nr=numbers.take(keep), bezirk=bezirke.take(keep))
    columns.update({
        "label": pd.Series(labels).array.take(keep), "participants": participants,
        "employment": counts[:, _EMPLOYMENT], "vocational_training": counts[:, _TRAINING],
        "improved_prospects": counts[:, _IMPROVED], "with_outcome": with_outcome,
        "share": _rate(participants, [participants.sum()] * len(keep)),
        "placement_rate": _rate(work, participants), "outcome_rate": _rate(with_outcome, participants),
    })
    return pd.DataFrame(columns)


def ortsteil_options(dataset: Dataset) -> pd.DataFrame:
    """The Ortsteile that occur in the data, ordered by number: ortsteil_nr, ortsteil, bezirk (one row each).

    The same rows as participants[["ortsteil_nr", "ortsteil", "bezirk"]].drop_duplicates().sort_values(
    "ortsteil_nr") (index reset), in a few milliseconds at a million participants (the sidebar needs it on
    every rerun).
    """
    rows = prepared(dataset).ortsteil_rows  # kept per dataset; the sorted copy is the caller's
    return rows.sort_values("ortsteil_nr", kind="stable").reset_index(drop=True)


def monthly(dataset: Dataset, filters: Filters | None = None) -> pd.DataFrame:
    """Monthly series from the first month of the period to the Datenstand month.

    Columns: month (first day), entries, exits (exit date in month), active (entered and not exited at month
    end), outcomes (persons whose first outcome falls in the month), cumulative_participants.
    """
    selection = participant_selection(dataset.participants, filters)
    start, _ = period(dataset, filters)
    months = pd.period_range(start.to_period("M"), dataset.datenstand.to_period("M"), freq="M")
    first = (start.year - 1970) * 12 + start.month - 1  # month number of the first month
    pp = prepared(dataset)

    def per_month(column: str) -> np.ndarray:
        """Selected persons per month of `column` (dates before the first month or not counted: dropped)."""
        month = selection.take(pp.months(column)).astype(np.int64)
        month -= first - 1  # 1 = first month; <= 0 before it; > len(months) after the Datenstand, or NaT
        np.clip(month, 0, len(months) + 1, out=month)
        return np.bincount(month, minlength=len(months) + 2)[1:len(months) + 1]

    entries = per_month("entry_date")
    exits = per_month("exit_date")
    outcomes = per_month("first_outcome_date")
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
    selection = participant_selection(dataset.participants, filters)
    pp = prepared(dataset)
    people = pp.service_people
    if people is None:  # hours that do not add exactly in any order: sum them record by record
        return _services_frame(*_services_by_record(dataset, selection))
    return _services_frame(*people.totals(selection.index))  # the selected participants' rows only


def _services_by_record(dataset: Dataset, selection: Selection) -> tuple:
    """(persons, records, hours_total, persons with hours, work, any outcome) per service, one pass over every
    service record (hours added in record order)."""
    pp = prepared(dataset)
    s = dataset.services
    cell, code = pp.service_cell, s["service"].cat.codes.to_numpy().view(np.uint8)  # codes checked >= 0
    hours, finite = pp.hours
    weights = hours if finite else np.nan_to_num(hours)  # missing hours add 0; ±inf count as the largest float
    k = len(schema.SERVICES)
    if selection.all:
        counts = np.bincount(cell, minlength=N_SERVICE_CELLS)
        hours_total = np.bincount(code, weights=weights, minlength=k)
    else:  # one pass over all records, the selected ones in the upper half of the bins (no copies of records)
        chosen = selection.mask[s["person"].to_numpy()].view(np.uint8)
        counts = np.bincount(cell | (chosen << 6), minlength=2 * N_SERVICE_CELLS)[N_SERVICE_CELLS:]
        hours_total = np.bincount(code | (chosen << 3), weights=weights, minlength=2 * k)[k:]  # in record order
    counts = counts.reshape(SERVICE_SHAPE)
    return (counts[:, 1:].sum(axis=(1, 2)), counts.sum(axis=(1, 2)), hours_total, counts[:, :, 1].sum(axis=1),
            counts[:, 1].sum(axis=1), counts[:, 1:3].sum(axis=(1, 2)))


def _services_frame(persons, records, hours_total, persons_with_hours, work, any_outcome) -> pd.DataFrame:
    return pd.DataFrame({
        "service": list(schema.SERVICES), "label": [T.CATEGORY_LABELS["service"][x] for x in schema.SERVICES],
        "persons": persons, "records": records, "hours_total": hours_total,
        "hours_per_person": _rate(hours_total, persons_with_hours),
        "placement_rate": _rate(work, persons), "outcome_rate": _rate(any_outcome, persons),
    })
