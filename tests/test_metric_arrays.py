"""The arrays behind the metrics: filters.Selection, the per-dataset prepared arrays, and recounts with pandas.

The metrics count with np.bincount over code arrays derived once per dataset (figures/prepared.py) and the
selected rows of a cached Selection; these tests recount the same figures the slow, obvious way.
"""

from __future__ import annotations

import gc
from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pytest

from biwaq_data import Filters, metrics, schema
from biwaq_data.figures import prepared as prepared_module
from biwaq_data.figures.filters import Selection, participant_selection
from biwaq_data.ingest.dataset import validate_tables
from biwaq_data.ingest.reading import RawTable
from biwaq_data.tools import sample


def generated(n: int, seed: int, missing_hours: bool = False, repeats: float | None = None):
    """Generated tables through validation. repeats: every fifth service record once more (same person and
    service, a later start) with `repeats` hours added, so persons have several records of one service."""
    tables = sample.generate(n, seed=seed)
    if repeats is not None:
        s = tables["services"]
        again = s.iloc[::5].copy()
        again["start_date"] = again["start_date"] + pd.Timedelta(days=1)
        again["hours"] = again["hours"] + repeats
        tables["services"] = pd.concat([s, again], ignore_index=True)
    if missing_hours:  # every third service record without hours
        hours = tables["services"]["hours"].astype(float).copy()
        hours.iloc[::3] = np.nan
        tables["services"]["hours"] = hours
    raws = {name: RawTable(name, f"{name}.parquet", frame, np.arange(2, len(frame) + 2, dtype=np.int64))
            for name, frame in tables.items()}
    ds = validate_tables(raws, today=pd.Timestamp("2026-11-25"))
    assert ds.issues.empty
    return ds


@pytest.fixture(scope="module")
def ds():
    return generated(2000, 7, missing_hours=True)


@pytest.mark.parametrize("mask, kind", [
    ([True] * 6, slice), ([False] * 6, np.ndarray), ([False, True, True, True, False, False], slice),
    ([True, False, True, False, False, True], np.ndarray), ([False] * 5 + [True], slice)])
def test_selection_takes_the_selected_rows_in_row_order(mask, kind):
    mask = np.array(mask)
    selection = Selection(mask)
    values = np.arange(10, 16)
    assert selection.count == mask.sum() and selection.all == mask.all()
    assert isinstance(selection.index, kind)
    assert selection.take(values).tolist() == values[mask].tolist()
    if kind is np.ndarray:
        assert not selection.index.flags.writeable


def test_a_period_on_data_ordered_by_entry_is_a_run_of_rows(ds):
    chosen = Filters(period_start=date(2024, 1, 1), period_end=date(2024, 12, 31))
    selection = participant_selection(ds.participants, chosen)
    assert ds.participants["entry_date"].is_monotonic_increasing  # the generator writes entries in order
    assert isinstance(selection.index, slice)
    assert participant_selection(ds.participants, chosen) is selection  # cached with the mask


def _recount_services(ds, filters) -> pd.DataFrame:
    """services_summary the obvious way: merge, drop duplicate (person, service) pairs, group."""
    p = ds.participants.assign(person=np.arange(len(ds.participants)))
    chosen = p[participant_selection(ds.participants, filters).mask]
    s = ds.services.merge(chosen[["person", "best_outcome"]], on="person")
    s["service"] = s["service"].astype(str)
    pairs = s.drop_duplicates(["person", "service"])
    with_hours = s[s["hours"].notna()].drop_duplicates(["person", "service"])
    best = pairs["best_outcome"].astype(str)
    out = pd.DataFrame({
        "persons": pairs.groupby("service").size(),
        "records": s.groupby("service").size(),
        "hours_total": s.groupby("service")["hours"].sum(),
        "persons_with_hours": with_hours.groupby("service").size(),
        "work": pairs[best.isin(["employment", "vocational_training"])].groupby("service").size(),
        "any_outcome": pairs[best.isin(schema.OUTCOMES)].groupby("service").size(),
    }).reindex(list(schema.SERVICES)).fillna(0)
    return out


@pytest.mark.parametrize("filters", [None, Filters(ortsteile=(202,)), Filters(genders=("female",)),
                                     Filters(period_start=date(2025, 1, 1)), Filters(bezirke=("Walsum",))])
def test_services_summary_recounts_with_pandas(ds, filters):
    got = metrics.services_summary(ds, filters).set_index("service")
    want = _recount_services(ds, filters)
    assert got["persons"].tolist() == want["persons"].astype(int).tolist()
    assert got["records"].tolist() == want["records"].astype(int).tolist()
    assert got["hours_total"].tolist() == pytest.approx(want["hours_total"].tolist())
    with np.errstate(divide="ignore", invalid="ignore"):
        for column, numerator, denominator in (("hours_per_person", "hours_total", "persons_with_hours"),
                                               ("placement_rate", "work", "persons"),
                                               ("outcome_rate", "any_outcome", "persons")):
            expected = (want[numerator] / want[denominator].where(want[denominator] > 0)).tolist()
            assert got[column].tolist() == pytest.approx(expected, nan_ok=True), column
    assert want["persons_with_hours"].lt(want["persons"]).any() or filters is not None  # missing hours matter


SERVICE_FILTERS = [None, Filters(ortsteile=(202,)), Filters(ortsteile=(508, 202)), Filters(genders=("female",)),
                   Filters(period_start=date(2024, 1, 1), period_end=date(2024, 12, 31)),  # a run of rows
                   Filters(period_start=date(2024, 1, 1), period_end=date(2024, 12, 31), ortsteile=(508,)),
                   Filters(employment=("long_term_unemployed",)), Filters(bezirke=("Walsum",))]  # Walsum: nobody


@pytest.mark.parametrize("repeats, per_participant", [
    (None, True),  # the generator's half hours, one record per person and service
    (0.25, True),  # quarter hours, several records per person and service
    (1 / 3, False),  # thirds of an hour do not add exactly: the record-by-record path
])
def test_services_summary_per_participant_equals_the_record_order_sum_and_pandas(repeats, per_participant):
    """The per-participant sums (prepared.ServicePeople) give the very frame the pass over every record in
    record order gives (values, dtypes, hours bit for bit), and the counts of a pandas groupby."""
    ds = generated(3000, 11, missing_hours=True, repeats=repeats)
    people = prepared_module.prepared(ds).service_people
    assert (people is not None) == per_participant
    if people is not None:
        assert prepared_module.prepared(ds).service_people is people  # built once per dataset
        assert people.nbytes == len(ds.participants) * (2 + 8 * len(people.words)) + people.table.nbytes
        assert int(ds.services.groupby(["person", "service"], observed=True).size().max()) == (
            1 if repeats is None else 2)
    for filters in SERVICE_FILTERS:
        selection = participant_selection(ds.participants, filters)
        got = metrics.services_summary(ds, filters)
        by_record = metrics._services_frame(*metrics._services_by_record(ds, selection))
        assert got.equals(by_record) and got.dtypes.equals(by_record.dtypes), filters
        assert got["hours_total"].to_numpy().tobytes() == by_record["hours_total"].to_numpy().tobytes()
        want = _recount_services(ds, filters)
        got = got.set_index("service")
        for column in ("persons", "records"):
            assert got[column].tolist() == want[column].astype(int).tolist(), (filters, column)
        if per_participant:  # multiples of a quarter hour add exactly in any order, pandas' too
            assert got["hours_total"].tolist() == want["hours_total"].tolist(), filters
        else:
            assert got["hours_total"].tolist() == pytest.approx(want["hours_total"].tolist()), filters
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = (want["work"] / want["persons"].where(want["persons"] > 0)).tolist()
            hours = (want["hours_total"] / want["persons_with_hours"].where(want["persons_with_hours"] > 0))
        assert got["placement_rate"].tolist() == pytest.approx(rate, nan_ok=True), filters
        assert got["hours_per_person"].tolist() == pytest.approx(hours.tolist(), nan_ok=True), filters
    assert metrics.services_summary(ds, SERVICE_FILTERS[-1])["persons"].sum() == 0


@pytest.mark.parametrize("hours, per_participant", [
    ([2.0, np.inf], False), ([2.0, -1.0], False), ([2.0**-21, 1.0], False),  # ±inf, negative, too fine
    ([2.0**32, 1.0], True), ([2.0**33, 1.0], False),  # 2**32 h in 2**-20 h steps below 2**53, 2**33 not
    ([2.0**32 + 2.0**-20, 1.0], False),  # steps of 2**-20 h: the sum would reach 2**52 units
    ([0.0, np.nan], True), ([6.0, 12.0], True),  # whole hours: scale 2**0
])
def test_service_people_only_for_hours_that_add_exactly(hours, per_participant):
    ds = generated(200, 5)
    values = np.resize(np.array(hours), len(ds.services))
    services = ds.services.assign(hours=values)
    other = replace(ds, services=services)
    people = prepared_module.prepared(other).service_people
    assert (people is not None) == per_participant
    got = metrics.services_summary(other, Filters(ortsteile=(202,)))
    by_record = metrics._services_frame(*metrics._services_by_record(
        other, participant_selection(other.participants, Filters(ortsteile=(202,)))))
    assert got.equals(by_record)
    if people is not None and hours == [6.0, 12.0]:
        assert people.scale_bits == 0


def test_services_summary_of_an_empty_selection_has_float_hours_and_no_rates(ds):
    nobody = Filters(bezirke=("Walsum",))  # nobody lives in Walsum in the generated data
    assert metrics.headline(ds, nobody)["participants"] == 0
    s = metrics.services_summary(ds, nobody)
    assert (s["persons"] == 0).all() and (s["records"] == 0).all()
    assert s["hours_total"].dtype == float and (s["hours_total"] == 0).all()  # was int64 zeros before
    assert s[["hours_per_person", "placement_rate", "outcome_rate"]].isna().all().all()


def test_prepared_arrays_belong_to_the_frames_and_the_datenstand(ds):
    before = metrics.headline(ds)
    exit_date = ds.participants["exit_date"]
    earlier = replace(ds, datenstand=pd.Timestamp("2024-06-30"))
    assert metrics.headline(earlier)["leavers"] == int((exit_date <= pd.Timestamp("2024-06-30")).sum())
    changed = ds.participants.copy()
    changed["migration_background"] = True
    other = replace(ds, participants=changed)
    assert metrics.headline(other)["migration_background"] == len(changed)
    assert metrics.headline(ds) == before  # the original dataset keeps its own arrays


def test_prepared_arrays_go_with_the_dataset():
    ds = generated(50, 3)
    metrics.headline(ds)
    key = (id(ds.participants), id(ds.outcomes), id(ds.services), ds.datenstand)
    assert key in prepared_module._CACHE
    assert prepared_module.prepared(ds).nbytes() == len(ds.participants) * 2  # the person cell, uint16
    del ds
    gc.collect()
    assert key not in prepared_module._CACHE


def test_monthly_counts_dates_by_calendar_month(ds):
    """Month of each date (entries, exits, first outcomes up to the Datenstand) recounted with to_period."""
    p = ds.participants
    m = metrics.monthly(ds).set_index("month")
    for column, source in (("entries", "entry_date"), ("exits", "exit_date"), ("outcomes", "first_outcome_date")):
        dates = p[source][p[source] <= ds.datenstand]
        want = dates.dt.to_period("M").dt.to_timestamp().value_counts()
        assert m[column][m[column] > 0].to_dict() == want.to_dict(), column
