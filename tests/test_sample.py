"""The sample data: reproduces the published figures, is deterministic and plausible."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import biwaq_data
from biwaq_data import metrics
from biwaq_data.tools import sample
from biwaq_data.figures.filters import Filters

# Published by the programme (shared/reference/biwaq-duisburg.md): entries since January 2023.
PUBLISHED = {"participants": 827, "unemployed": 670, "long_term_unemployed": 417, "migration_background": 735,
             "employment": 171, "vocational_training": 32, "improved_prospects": 222}
FILES = ("participants.csv", "outcomes.csv", "services.csv", "metadata.json")


def test_sample_reproduces_the_published_figures(sample_dataset):
    h = metrics.headline(sample_dataset)
    assert {k: h[k] for k in PUBLISHED} == PUBLISHED
    assert h["with_outcome"] == 171 + 32 + 222 == 425
    assert round(h["placement_rate"] * 100, 1) == 24.5
    assert sample_dataset.participants["entry_date"].min() >= pd.Timestamp("2023-01-01")


def test_the_generator_states_the_same_figures():
    assert sample.PUBLISHED == PUBLISHED


def test_readme_command_prints_the_seven_figures(sample_dir, capsys):
    print(metrics.headline(biwaq_data.load_dataset(sample_dir)))
    out = capsys.readouterr().out
    for key, value in PUBLISHED.items():
        assert f"'{key}': {value}," in out


def test_generate_is_deterministic():
    first, second = sample.generate(), sample.generate()
    for name in first:
        pd.testing.assert_frame_equal(first[name], second[name])
    other = sample.generate(seed=sample.SEED + 1)
    assert not first["participants"]["entry_date"].equals(other["participants"]["entry_date"])


def test_regenerating_writes_the_committed_files_byte_for_byte(tmp_path, sample_dir, capsys):
    sample.main(["--out", str(tmp_path)])
    assert "participants: " in capsys.readouterr().out
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (sample_dir / name).read_bytes(), name


def test_committed_files_are_what_an_office_exports(sample_dir):
    head = (sample_dir / "participants.csv").read_bytes().split(b"\n", 1)[0]
    assert head.startswith(b"\xef\xbb\xbf") and b";" in head  # UTF-8 with BOM, semicolons
    assert "Eintrittsdatum" in head.decode("utf-8-sig") and "Migrationshintergrund" in head.decode("utf-8-sig")
    text = (sample_dir / "participants.csv").read_text(encoding="utf-8-sig")
    assert ";ja;" in text and ";nein;" in text
    assert json.loads((sample_dir / "metadata.json").read_text(encoding="utf-8"))["datenstand"] == "2026-09-30"


# --- plausibility --------------------------------------------------------------------------


def test_two_providers_in_their_neighbourhoods(sample_dataset):
    p = sample_dataset.participants
    assert set(p["provider"].astype(str)) == {"Werkkiste Marxloh", "GfB Hochfeld"}
    home = p["ortsteil"].isin(["Marxloh", "Hochfeld"])
    assert home.mean() > 0.6  # most live in the two Ortsteile themselves ...
    assert p["bezirk"].isin(["Hamborn", "Mitte"]).mean() > 0.8  # ... the rest mostly next door
    assert 0.1 < (~home).mean() < 0.4  # some in neighbouring Ortsteile
    # each provider works in its own neighbourhood
    marxloh = p.loc[p["provider"] == "Werkkiste Marxloh", "ortsteil"].value_counts().idxmax()
    hochfeld = p.loc[p["provider"] == "GfB Hochfeld", "ortsteil"].value_counts().idxmax()
    assert (marxloh, hochfeld) == ("Marxloh", "Hochfeld")


def test_dates_are_plausible(sample_dataset):
    p, o, s = sample_dataset.participants, sample_dataset.outcomes, sample_dataset.services
    entry = p.set_index("participant_id")["entry_date"]
    assert (o["outcome_date"].to_numpy() >= entry.loc[o["participant_id"]].to_numpy()).all()
    assert (s["start_date"].to_numpy() >= entry.loc[s["participant_id"]].to_numpy()).all()
    exited = p["exit_date"].notna()
    assert (p.loc[exited, "exit_date"] >= p.loc[exited, "entry_date"]).all()
    assert p["entry_date"].max() <= sample_dataset.datenstand
    assert o["outcome_date"].max() <= sample_dataset.datenstand


def test_people_are_plausible(sample_dataset):
    p = sample_dataset.participants
    assert p["age_at_entry"].between(16, 64).all()
    assert 30 < p["age_at_entry"].median() < 45
    referral = p["referral_source"].value_counts()
    assert referral.idxmax() == "jobcenter" and referral["jobcenter"] > len(p) / 2
    gender = p["gender"].value_counts(normalize=True)
    assert gender["female"] > 0.3 and gender["male"] > 0.3
    assert p["education"].value_counts().idxmax() == "isced_0_2"
    assert not p.loc[p["long_term_unemployed"], "employment_status"].ne("unemployed").any()
    # young people more often start vocational training than older ones
    young = metrics.headline(sample_dataset, Filters(age_groups=("under_18", "18_29")))
    older = metrics.headline(sample_dataset, Filters(age_groups=("30_54", "55_plus")))
    assert young["vocational_training"] / young["participants"] > older["vocational_training"] / older[
        "participants"]


def test_every_service_is_used_and_counselling_most(sample_dataset):
    s = metrics.services_summary(sample_dataset)
    assert (s["persons"] > 0).all()
    assert s.set_index("service")["persons"].idxmax() == "counselling"
    construction = metrics.services_summary(sample_dataset, Filters(providers=("GfB Hochfeld",)))
    other = metrics.services_summary(sample_dataset, Filters(providers=("Werkkiste Marxloh",)))
    # construction work for the IGA 2027 is a Hochfeld offer
    assert (construction.set_index("service").loc["construction_project", "persons"]
            > other.set_index("service").loc["construction_project", "persons"])


def test_ids_are_pseudonyms(sample_dataset):
    ids = sample_dataset.participants["participant_id"]
    assert ids.str.fullmatch(r"TN-[0-9A-F]{8}").all() and ids.is_unique
    assert "name" not in " ".join(sample_dataset.participants.columns).lower()


# --- any size, for benchmarks ---------------------------------------------------------------


def test_5000_participants_as_parquet_keep_the_shares(tmp_path, capsys):
    sample.main(["--participants", "5000", "--format", "parquet", "--out", str(tmp_path)])
    capsys.readouterr()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "enterprises.parquet", "metadata.json", "outcomes.parquet", "participants.parquet", "services.parquet"]
    ds = biwaq_data.load_dataset(tmp_path)
    assert ds.issues.empty
    h = metrics.headline(ds)
    assert h["participants"] == 5000
    for key, value in PUBLISHED.items():  # the published shares, within rounding to whole persons
        assert abs(h[key] - value * 5000 / 827) <= 0.5, key
    assert h["placement_rate"] == pytest.approx(PUBLISHED["employment"] / 827 + PUBLISHED["vocational_training"]
                                                / 827, abs=1 / 5000)
    assert np.isclose(ds.participants["ortsteil"].isin(["Marxloh", "Hochfeld"]).mean(), 0.70, atol=0.05)
