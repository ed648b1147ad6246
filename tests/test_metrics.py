"""Metrics: hand-counted fixture, every filter, and property-based checks on generated data.

The fixture below has ten persons; the expected values next to each test were counted by hand from it
(see the comment per person). Datenstand 31.12.2024.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import biwaq_data
from biwaq_data import Filters, metrics, places, schema
from biwaq_data.tools import sample
from biwaq_data.ingest.dataset import validate_tables
from biwaq_data.figures.filters import EMPLOYMENT_FILTER_VALUES, participant_mask
from biwaq_data.ingest.reading import RawTable

PARTICIPANTS = """\
participant_id,provider,entry_date,exit_date,ortsteil,gender,birth_year,employment_status,long_term_unemployed,migration_background,third_country_national,education,referral_source
P01,Werkkiste Marxloh,2023-01-10,2023-06-30,Marxloh,female,1990,unemployed,ja,ja,ja,ISCED 0-2,Jobcenter
P02,Werkkiste Marxloh,2023-01-20,2023-08-31,202,male,2005,unemployed,nein,ja,nein,ISCED 0-2,Jobcenter
P03,Werkkiste Marxloh,2023-02-15,,Obermarxloh,female,1980,inactive,nein,ja,ja,ISCED 3-4,Quartiersmanagement
P04,Werkkiste Marxloh,2023-03-01,2023-12-31,Marxloh,male,1965,unemployed,ja,nein,nein,ISCED 0-2,Jobcenter
P05,GfB Hochfeld,2023-03-15,2024-02-29,Hochfeld,divers,2007,inactive,nein,ja,ja,unbekannt,Eigeninitiative
P06,GfB Hochfeld,2023-06-01,,Hochfeld,female,1995,unemployed,ja,ja,ja,ISCED 3-4,Jobcenter
P07,GfB Hochfeld,2023-11-20,2024-05-31,Dellviertel,male,1970,employed,nein,ja,nein,ISCED 5-8,Unternehmen
P08,GfB Hochfeld,2024-02-05,,Hochfeld,female,1968,unemployed,nein,nein,nein,ISCED 0-2,Jobcenter
P09,Werkkiste Marxloh,2024-04-10,2024-10-31,Alt-Hamborn,male,1999,unemployed,ja,ja,ja,ISCED 0-2,Jobcenter
P10,GfB Hochfeld,2024-07-01,,508,keine Angabe,1985,inactive,nein,ja,nein,ISCED 3-4,Sonstige
"""
# person: age at entry (group) | entry status | outcomes on record -> best outcome
# P01: 33 (30_54) | long-term unemployed | improved 2023-03-01, employment 2023-06-15 -> employment
# P02: 18 (18_29) | unemployed            | vocational training 2023-08-01              -> vocational_training
# P03: 43 (30_54) | inactive              | improved 2023-05-10                          -> improved (in support)
# P04: 58 (55_plus)| long-term unemployed | none, left 2023-12-31                        -> no_outcome
# P05: 16 (under_18)| inactive            | improved 2023-09-01, training 2024-02-01     -> vocational_training
# P06: 28 (18_29) | long-term unemployed | employment 2024-01-15                        -> employment (in support)
# P07: 53 (30_54) | employed              | employment 2024-05-01                        -> employment
# P08: 56 (55_plus)| unemployed           | none, no exit                                -> in_support
# P09: 25 (18_29) | long-term unemployed | improved 2024-06-01 and 2024-09-01           -> improved
# P10: 39 (30_54) | inactive              | none, no exit                                -> in_support
OUTCOMES = """\
participant_id,outcome,outcome_date,employment_kind,sector
P01,improved_prospects,2023-03-01,,
P01,employment,2023-06-15,befristet,Pflege
P02,vocational_training,2023-08-01,,
P03,improved_prospects,2023-05-10,,
P05,improved_prospects,2023-09-01,,
P05,vocational_training,2024-02-01,,
P06,employment,2024-01-15,Teilzeit,Handel
P07,employment,2024-05-01,Vollzeit,Bau
P09,improved_prospects,2024-06-01,,
P09,improved_prospects,2024-09-01,,
"""
SERVICES = """\
participant_id,service,start_date,hours
P01,counselling,2023-01-15,5
P01,job_search,2023-02-01,10
P01,counselling,2023-03-01,3
P02,counselling,2023-01-25,2
P02,application_training,2023-03-01,
P03,digital_skills,2023-03-01,20
P05,internship,2023-06-01,80
P05,counselling,2023-03-20,4
P06,counselling,2023-06-10,6
P07,construction_project,2023-12-01,120
P08,counselling,2024-02-10,
"""
ALL = {f"P{i:02d}" for i in range(1, 11)}


@pytest.fixture(scope="module")
def ds(tmp_path_factory, today):
    folder = tmp_path_factory.mktemp("hand")
    for name, text in (("participants", PARTICIPANTS), ("outcomes", OUTCOMES), ("services", SERVICES)):
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    dataset = biwaq_data.load_dataset(folder, today=today, datenstand="31.12.2024")
    assert dataset.issues.empty, dataset.issues.to_string()
    return dataset


def by_key(frame: pd.DataFrame, columns) -> dict:
    return {k: tuple(int(v) for v in row) for k, row in frame.set_index("key")[columns].iterrows()}


# --- hand-counted -------------------------------------------------------------------------


def test_headline(ds):
    h = metrics.headline(ds)
    assert {k: h[k] for k in h if k not in ("placement_rate", "outcome_rate")} == {
        "participants": 10, "unemployed": 6, "long_term_unemployed": 4, "migration_background": 8,
        "employment": 3, "vocational_training": 2, "improved_prospects": 2, "with_outcome": 7,
        "in_support": 2, "no_outcome": 1, "leavers": 6,
    }
    assert h["placement_rate"] == pytest.approx(0.5)
    assert h["outcome_rate"] == pytest.approx(0.7)


def test_derived_columns(ds):
    p = ds.participants.set_index("participant_id")
    assert p["age_at_entry"].to_dict() == {"P01": 33, "P02": 18, "P03": 43, "P04": 58, "P05": 16, "P06": 28,
                                           "P07": 53, "P08": 56, "P09": 25, "P10": 39}
    assert p["best_outcome"].astype(str).to_dict() == {
        "P01": "employment", "P02": "vocational_training", "P03": "improved_prospects", "P04": "no_outcome",
        "P05": "vocational_training", "P06": "employment", "P07": "employment", "P08": "in_support",
        "P09": "improved_prospects", "P10": "in_support"}
    assert p.loc["P01", "first_outcome_date"] == pd.Timestamp("2023-03-01")
    assert pd.isna(p.loc["P04", "first_outcome_date"])
    assert p["ortsteil_nr"].to_dict()["P02"] == 202 and p.loc["P10", "ortsteil"] == "Hochfeld"


def test_funnel(ds):
    f = metrics.funnel(ds)
    assert f["stage"].tolist() == ["participants", "with_outcome", "work_or_training", "employment"]
    assert f["persons"].tolist() == [10, 7, 5, 3]
    assert f["share_of_initial"].tolist() == pytest.approx([1.0, 0.7, 0.5, 0.3])
    assert f["share_of_previous"].tolist() == pytest.approx([1.0, 0.7, 5 / 7, 0.6])


def test_outcome_table(ds):
    t = metrics.outcome_table(ds).set_index("outcome")
    assert t["best_persons"].to_dict() == {"employment": 3, "vocational_training": 2, "improved_prospects": 2}
    # P01 and P05 also had an earlier "improved prospects": they count there under any_persons;
    # P09's two "improved prospects" records count once
    assert t["any_persons"].to_dict() == {"employment": 3, "vocational_training": 2, "improved_prospects": 4}
    assert t["share"].tolist() == pytest.approx([0.3, 0.2, 0.2])


def test_flows(ds):
    f = metrics.flows(ds)
    assert list(zip(f["source"], f["target"], f["persons"])) == [
        ("long_term_unemployed", "employment", 2),  # P01, P06
        ("long_term_unemployed", "improved_prospects", 1),  # P09
        ("long_term_unemployed", "no_outcome", 1),  # P04
        ("short_term_unemployed", "vocational_training", 1),  # P02
        ("short_term_unemployed", "in_support", 1),  # P08
        ("inactive", "vocational_training", 1),  # P05
        ("inactive", "improved_prospects", 1),  # P03
        ("inactive", "in_support", 1),  # P10
        ("employed", "employment", 1),  # P07
    ]


COUNTS = ["participants", "employment", "vocational_training", "improved_prospects", "with_outcome"]


@pytest.mark.parametrize("attribute, expected", [
    ("gender", {"female": (4, 2, 0, 1, 3), "male": (4, 1, 1, 1, 3), "non_binary": (1, 0, 1, 0, 1),
                "unknown": (1, 0, 0, 0, 0)}),
    ("provider", {"Werkkiste Marxloh": (5, 1, 1, 2, 4), "GfB Hochfeld": (5, 2, 1, 0, 3)}),
    ("age_group", {"under_18": (1, 0, 1, 0, 1), "18_29": (3, 1, 1, 1, 3), "30_54": (4, 2, 0, 1, 3),
                   "55_plus": (2, 0, 0, 0, 0)}),
    ("employment_status", {"unemployed": (6, 2, 1, 1, 4), "inactive": (3, 0, 1, 1, 2), "employed": (1, 1, 0, 0, 1)}),
    ("long_term_unemployed", {True: (4, 2, 0, 1, 3), False: (6, 1, 2, 1, 4)}),
    ("migration_background", {True: (8, 3, 2, 2, 7), False: (2, 0, 0, 0, 0)}),
    ("education", {"isced_0_2": (5, 1, 1, 1, 3), "isced_3_4": (3, 1, 0, 1, 2), "isced_5_8": (1, 1, 0, 0, 1),
                   "unknown": (1, 0, 1, 0, 1)}),
    ("referral_source", {"jobcenter": (6, 2, 1, 1, 4), "quartiersmanagement": (1, 0, 0, 1, 1),
                         "company": (1, 1, 0, 0, 1), "self": (1, 0, 1, 0, 1), "other": (1, 0, 0, 0, 0)}),
    ("ortsteil", {"Marxloh": (3, 1, 1, 0, 2), "Obermarxloh": (1, 0, 0, 1, 1), "Alt-Hamborn": (1, 0, 0, 1, 1),
                  "Dellviertel": (1, 1, 0, 0, 1), "Hochfeld": (4, 1, 1, 0, 2)}),
])
def test_breakdown(ds, attribute, expected):
    b = metrics.breakdown(ds, attribute)
    assert by_key(b, COUNTS) == expected
    rows = b.set_index("key")
    for key, (n, emp, train, _imp, with_outcome) in expected.items():
        assert rows.loc[key, "share"] == pytest.approx(n / 10)
        assert rows.loc[key, "placement_rate"] == pytest.approx((emp + train) / n)
        assert rows.loc[key, "outcome_rate"] == pytest.approx(with_outcome / n)


def test_breakdown_by_bezirk_keeps_empty_bezirke_and_ortsteil_adds_numbers(ds):
    b = metrics.breakdown(ds, "bezirk")
    assert b["key"].tolist() == places.bezirk_names()  # all seven, zeros included
    assert by_key(b[b["participants"] > 0], COUNTS) == {"Hamborn": (5, 1, 1, 2, 4), "Mitte": (5, 2, 1, 0, 3)}
    o = metrics.breakdown(ds, "ortsteil").set_index("key")
    assert o["ortsteil_nr"].to_dict() == {"Marxloh": 202, "Obermarxloh": 203, "Alt-Hamborn": 205,
                                          "Dellviertel": 507, "Hochfeld": 508}
    assert o.loc["Dellviertel", "bezirk"] == "Mitte"


def test_breakdown_of_an_empty_group_has_no_rate(ds):
    b = metrics.breakdown(ds, "age_group", Filters(age_groups=("under_18",))).set_index("key")
    assert b.loc["under_18", "participants"] == 1 and b.loc["55_plus", "participants"] == 0
    assert np.isnan(b.loc["55_plus", "placement_rate"])


def _series(values: dict, months) -> list[int]:
    return [values.get(m, 0) for m in months]


def test_monthly(ds):
    m = metrics.monthly(ds)
    months = [f"{y}-{mo:02d}" for y in (2023, 2024) for mo in range(1, 13)]
    assert m["month"].dt.strftime("%Y-%m").tolist() == months  # first entry month .. Datenstand month
    entries = {"2023-01": 2, "2023-02": 1, "2023-03": 2, "2023-06": 1, "2023-11": 1, "2024-02": 1, "2024-04": 1,
               "2024-07": 1}
    exits = {"2023-06": 1, "2023-08": 1, "2023-12": 1, "2024-02": 1, "2024-05": 1, "2024-10": 1}
    first_outcomes = {"2023-03": 1, "2023-05": 1, "2023-08": 1, "2023-09": 1, "2024-01": 1, "2024-05": 1,
                      "2024-06": 1}  # P09: the earlier of two records
    assert m["entries"].tolist() == _series(entries, months)
    assert m["exits"].tolist() == _series(exits, months)
    assert m["outcomes"].tolist() == _series(first_outcomes, months)
    cumulative = [2, 3, 5, 5, 5, 6, 6, 6, 6, 6, 7, 7, 7, 8, 8, 9, 9, 9, 10, 10, 10, 10, 10, 10]
    assert m["cumulative_participants"].tolist() == cumulative
    active = [2, 3, 5, 5, 5, 5, 5, 4, 4, 4, 5, 4, 4, 4, 4, 5, 4, 4, 5, 5, 5, 4, 4, 4]
    assert m["active"].tolist() == active
    assert active[-1] == 4  # P03, P06, P08, P10 have no exit


def test_monthly_with_a_period(ds):
    m = metrics.monthly(ds, Filters(period_start=date(2024, 1, 1)))
    assert m["month"].iloc[0] == pd.Timestamp("2024-01-01") and len(m) == 12
    assert m["entries"].sum() == 3 and m["cumulative_participants"].iloc[-1] == 3  # P08, P09, P10
    assert m["exits"].sum() == 1 and m["active"].iloc[-1] == 2  # P09 left in October


def test_services_summary(ds):
    s = metrics.services_summary(ds).set_index("service")
    assert list(s.index) == list(schema.SERVICES)
    assert s["persons"].to_dict() == {
        "counselling": 5, "job_search": 1, "application_documents": 0, "application_training": 1,
        "digital_skills": 1, "internship": 1, "construction_project": 1, "further_training_referral": 0}
    assert s.loc["counselling", "records"] == 6  # P01 twice
    assert s["hours_total"].to_dict() == pytest.approx({
        "counselling": 20.0, "job_search": 10.0, "application_documents": 0.0, "application_training": 0.0,
        "digital_skills": 20.0, "internship": 80.0, "construction_project": 120.0, "further_training_referral": 0.0})
    # counselling: 20 hours over the 4 persons with hours given (P08 has none); P01 counts once with 5 + 3
    assert s.loc["counselling", "hours_per_person"] == pytest.approx(5.0)
    assert np.isnan(s.loc["application_training", "hours_per_person"])
    assert s.loc["counselling", "placement_rate"] == pytest.approx(4 / 5)  # P01, P02, P05, P06 of 5
    assert s.loc["digital_skills", "placement_rate"] == 0 and s.loc["digital_skills", "outcome_rate"] == 1
    assert np.isnan(s.loc["application_documents", "placement_rate"])


# --- every Filters field -------------------------------------------------------------------

FILTER_CASES = [
    (Filters(), ALL),
    (Filters(period_start=date(2023, 3, 1), period_end=date(2023, 11, 20)), {"P04", "P05", "P06", "P07"}),
    (Filters(period_start=date(2024, 4, 10)), {"P09", "P10"}),
    (Filters(period_end=date(2023, 1, 20)), {"P01", "P02"}),
    (Filters(providers=("GfB Hochfeld",)), {"P05", "P06", "P07", "P08", "P10"}),
    (Filters(ortsteile=(202,)), {"P01", "P02", "P04"}),
    (Filters(ortsteile=(202, 205)), {"P01", "P02", "P04", "P09"}),
    (Filters(bezirke=("Hamborn",)), {"P01", "P02", "P03", "P04", "P09"}),
    (Filters(bezirke=("Walsum",)), set()),
    (Filters(employment=("unemployed",)), {"P01", "P02", "P04", "P06", "P08", "P09"}),
    (Filters(employment=("long_term_unemployed",)), {"P01", "P04", "P06", "P09"}),
    (Filters(employment=("inactive", "employed")), {"P03", "P05", "P07", "P10"}),
    (Filters(migration_background=True), ALL - {"P04", "P08"}),
    (Filters(migration_background=False), {"P04", "P08"}),
    (Filters(genders=("female",)), {"P01", "P03", "P06", "P08"}),
    (Filters(genders=("non_binary", "unknown")), {"P05", "P10"}),
    (Filters(age_groups=("55_plus",)), {"P04", "P08"}),
    (Filters(age_groups=("under_18", "18_29")), {"P02", "P05", "P06", "P09"}),
    (Filters(providers=("Werkkiste Marxloh",), genders=("female",)), {"P01", "P03"}),
    (Filters(bezirke=("Mitte",), employment=("unemployed",), migration_background=True), {"P06"}),
]


@pytest.mark.parametrize("filters, expected", FILTER_CASES, ids=[repr(f)[8:60] for f, _ in FILTER_CASES])
def test_each_filter_selects_the_hand_counted_persons(ds, filters, expected):
    mask = participant_mask(ds.participants, filters)
    assert set(ds.participants.loc[mask, "participant_id"]) == expected
    assert metrics.headline(ds, filters)["participants"] == len(expected)


def test_every_filters_field_is_tested():
    tested = {name for f, _ in FILTER_CASES for name in Filters.__dataclass_fields__
              if getattr(f, name) not in (None, ())}
    untested = set(Filters.__dataclass_fields__) - tested - {"educations", "referral_sources"}
    assert not untested, f"add a FILTER_CASES entry for {sorted(untested)}"


@pytest.mark.skipif("educations" not in Filters.__dataclass_fields__, reason="Filters without educations")
def test_education_and_referral_filters(ds):
    select = lambda f: set(ds.participants.loc[participant_mask(ds.participants, f), "participant_id"])  # noqa: E731
    assert select(Filters(educations=("isced_5_8", "unknown"))) == {"P05", "P07"}
    assert select(Filters(referral_sources=("jobcenter",))) == {"P01", "P02", "P04", "P06", "P08", "P09"}


def test_filters_reach_outcomes_and_services(ds):
    women = Filters(genders=("female",))  # P01, P03, P06, P08
    h = metrics.headline(ds, women)
    assert (h["participants"], h["employment"], h["improved_prospects"], h["in_support"], h["leavers"]) == (
        4, 2, 1, 1, 1)
    t = metrics.outcome_table(ds, women).set_index("outcome")
    assert t["any_persons"].to_dict() == {"employment": 2, "vocational_training": 0, "improved_prospects": 2}
    s = metrics.services_summary(ds, women).set_index("service")
    assert s.loc["counselling", "persons"] == 3 and s.loc["counselling", "records"] == 4  # P01 ×2, P06, P08
    assert s.loc["counselling", "hours_total"] == pytest.approx(14.0)
    f = metrics.flows(ds, women)
    assert f["persons"].sum() == 4
    assert metrics.monthly(ds, women)["outcomes"].sum() == 3


def test_empty_selection_gives_zeros_and_no_rates(ds):
    h = metrics.headline(ds, Filters(bezirke=("Walsum",)))
    assert h["participants"] == 0 and h["with_outcome"] == 0
    assert np.isnan(h["placement_rate"]) and np.isnan(h["outcome_rate"])
    assert metrics.funnel(ds, Filters(bezirke=("Walsum",)))["persons"].tolist() == [0, 0, 0, 0]
    assert metrics.flows(ds, Filters(bezirke=("Walsum",))).empty


# --- property-based, on generated data -------------------------------------------------------


@lru_cache(maxsize=64)
def generated_dataset(n: int, seed: int):
    """Generated tables validated in memory, exactly as the loader treats typed Parquet files."""
    tables = sample.generate(n, seed=seed)
    raws = {name: RawTable(name, f"{name}.parquet", frame, np.arange(2, len(frame) + 2, dtype=np.int64))
            for name, frame in tables.items()}
    return validate_tables(raws, today=pd.Timestamp("2026-11-25"))


def subsets(values):
    return st.lists(st.sampled_from(list(values)), unique=True, max_size=3).map(tuple)


dates = st.dates(min_value=date(2022, 12, 1), max_value=date(2026, 10, 31))
filters_strategy = st.builds(
    Filters,
    period_start=st.none() | dates,
    period_end=st.none() | dates,
    providers=subsets(list(sample.PROVIDERS) + ["Unbekannter Träger"]),
    ortsteile=subsets([202, 203, 204, 205, 301, 508, 507, 509, 101]),
    bezirke=subsets(places.bezirk_names()),
    employment=subsets(EMPLOYMENT_FILTER_VALUES),
    migration_background=st.sampled_from([None, True, False]),
    genders=subsets(schema.PARTICIPANT_CATEGORIES["gender"]),
    age_groups=subsets(schema.AGE_GROUPS),
)
# mostly unfiltered or lightly filtered, so that the selections are not all empty
light_filters = st.one_of(st.just(Filters()), st.builds(Filters, providers=subsets(sample.PROVIDERS)),
                          st.builds(Filters, migration_background=st.sampled_from([True, False]),
                                    age_groups=subsets(schema.AGE_GROUPS)), filters_strategy)
datasets = st.tuples(st.integers(1, 300), st.integers(0, 2**31 - 1))


def check_breakdowns_add_up(ds, filters):
    h = metrics.headline(ds, filters)
    for attribute in metrics.BREAKDOWN_ATTRIBUTES:
        b = metrics.breakdown(ds, attribute, filters)
        for column in COUNTS:
            assert int(b[column].sum()) == h[column], (attribute, column)
        if h["participants"]:
            assert b["share"].sum() == pytest.approx(1.0)


def check_persons_counted_once(ds, filters):
    h = metrics.headline(ds, filters)
    n = h["participants"]
    assert n == int(participant_mask(ds.participants, filters).sum())
    assert 0 <= h["with_outcome"] <= n and h["leavers"] <= n
    assert h["unemployed"] <= n and h["long_term_unemployed"] <= h["unemployed"]
    assert h["employment"] + h["vocational_training"] + h["improved_prospects"] == (
        n - h["in_support"] - h["no_outcome"])
    t = metrics.outcome_table(ds, filters)
    assert (t["any_persons"] <= n).all() and (t["best_persons"] <= t["any_persons"]).all()
    assert t["best_persons"].sum() == h["with_outcome"]
    persons = metrics.funnel(ds, filters)["persons"].tolist()
    assert persons == sorted(persons, reverse=True) and persons[0] == n
    assert metrics.flows(ds, filters)["persons"].sum() == n
    s = metrics.services_summary(ds, filters)
    assert (s["persons"] <= n).all() and (s["persons"] <= s["records"]).all()


def check_monthly(ds, filters):
    unbounded = replace(filters, period_start=None, period_end=None)
    h = metrics.headline(ds, unbounded)
    m = metrics.monthly(ds, unbounded)
    assert m["cumulative_participants"].iloc[-1] == h["participants"] == m["entries"].sum()
    assert m["exits"].sum() == h["leavers"]
    assert m["outcomes"].sum() == h["with_outcome"]
    assert (m["active"] >= 0).all()
    assert m["active"].iloc[-1] == h["participants"] - h["leavers"]
    # with a period, the series starts at the period and still holds every selected entry
    mp = metrics.monthly(ds, filters)
    assert mp["entries"].sum() == metrics.headline(ds, filters)["participants"]
    if filters.period_start and len(mp):
        assert mp["month"].iloc[0] == pd.Timestamp(filters.period_start).to_period("M").to_timestamp()


def check_filters_are_a_conjunction(ds, filters):
    """Each restriction narrows the selection: the mask equals the AND of the one-field masks."""
    p = ds.participants
    combined = np.ones(len(p), dtype=bool)
    for name in Filters.__dataclass_fields__:
        value = getattr(filters, name)
        if value not in (None, ()):
            combined &= participant_mask(p, Filters(**{name: value}))
    assert (participant_mask(p, filters) == combined).all()


# One generated dataset per example (building it is the slow part), several filters on each.
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(size_seed=datasets, filter_list=st.lists(light_filters, min_size=1, max_size=2),
       random_filters=filters_strategy)
def test_properties_on_generated_data(size_seed, filter_list, random_filters):
    """Breakdowns add up to headline(); persons are never counted twice; monthly series are consistent."""
    ds = generated_dataset(*size_seed)
    assert ds.issues.empty
    for filters in (*filter_list, random_filters):
        check_breakdowns_add_up(ds, filters)
        check_persons_counted_once(ds, filters)
        check_monthly(ds, filters)
        check_filters_are_a_conjunction(ds, filters)
