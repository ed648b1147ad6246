"""Snapshot format 2 (store/typed.py): the typed frames stored as they are, loaded without re-validation.

Round trip equals `load_dataset` of the same source column by column and dtype by dtype; a tampered file
(changed bytes, another layout or row count written with a valid hash) is refused with a German SnapshotError;
a snapshot of format 1 (input columns) still loads through validation.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from biwaq_data import metrics
from biwaq_data.ingest import dataset as dataset_module
from biwaq_data.ingest import frames, schema
from biwaq_data.ingest.dataset import load_dataset
from biwaq_data.store import typed
from biwaq_data.store.importing import check_upload
from biwaq_data.store.snapshots import SnapshotError, SnapshotStore
from biwaq_data.tools import sample

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
TODAY = pd.Timestamp("2026-10-01")
TABLES = ("participants", "outcomes", "services", "targets", "enterprises")
ABSENT = schema.MONITORING_COLUMNS + ("third_country_national",)


def assert_same_dataset(loaded, expected) -> None:
    """Every table column by column, dtype by dtype (categories and their order included), and the metadata."""
    for table in TABLES:
        got, want = getattr(loaded, table), getattr(expected, table)
        if want is None:
            assert got is None, table
            continue
        assert list(got.columns) == list(want.columns), table
        for col in want.columns:
            assert got[col].dtype == want[col].dtype, (table, col, got[col].dtype, want[col].dtype)
            pd.testing.assert_series_equal(got[col], want[col], check_exact=True, obj=f"{table}.{col}")
        assert isinstance(got.index, pd.RangeIndex) and len(got.index) == len(want.index)
    assert loaded.provided == expected.provided
    assert loaded.datenstand == expected.datenstand
    assert metrics.headline(loaded) == metrics.headline(expected)


def _upload(folder: Path, pattern: str) -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in sorted(folder.glob(pattern))]


@pytest.fixture(scope="module")
def sample_report():
    report = check_upload(_upload(SAMPLE, "*.csv"), today=TODAY, datenstand="2026-09-30")
    assert report.ok, report.error
    return report


@pytest.fixture()
def saved(tmp_path, sample_report):
    store = SnapshotStore(tmp_path / "store")
    return store, store.save(sample_report)


def test_sample_round_trip_equals_load_dataset(saved, monkeypatch):
    store, info = saved
    assert info.manifest["format"] == 2 and set(info.manifest["typed"]["tables"]) == set(TABLES)
    expected = load_dataset(SAMPLE, today=TODAY)
    calls = []
    monkeypatch.setattr(dataset_module, "validate_tables", lambda *a, **k: calls.append(a))
    loaded = store.load()
    assert not calls  # format 2 reads the frames; nothing is validated again
    assert_same_dataset(loaded, expected)
    assert loaded.snapshot_id == info.id and loaded.rows_read == {"participants": 827, "outcomes": 512,
                                                                  "services": 2836, "targets": 13,
                                                                  "enterprises": 24}
    for table in ("participants", "outcomes", "services"):
        assert frames.layout_problem(table, getattr(loaded, table)) is None


def test_generated_without_monitoring_columns_round_trip(tmp_path):
    """Parquet upload without the optional monitoring columns: they stay "nicht erhoben" after the round trip."""
    source = tmp_path / "source"
    source.mkdir()
    tables = sample.generate(400, seed=7)
    tables["participants"] = tables["participants"].drop(columns=[c for c in ABSENT if c in tables["participants"]])
    for name, frame in tables.items():
        frame.to_parquet(source / f"{name}.parquet", index=False)
    expected = load_dataset(source, today=TODAY, datenstand="2026-09-30")
    assert expected.provided == frozenset() and not expected.has_column("exit_status")
    report = check_upload(_upload(source, "*.parquet"), today=TODAY, datenstand="2026-09-30")
    assert report.ok, report.error
    store = SnapshotStore(tmp_path / "store")
    info = store.save(report)
    assert info.manifest["typed"]["provided"] == []
    loaded = store.load()
    assert_same_dataset(loaded, expected)
    assert not loaded.has_column("exit_status") and loaded.targets.empty
    # re-validating the snapshot folder (its input columns) gives the same figures and remarks as the upload
    again = load_dataset(info.path, today=TODAY)
    assert again.provided == frozenset()
    assert sorted(again.issues["rule"]) == sorted(expected.issues["rule"]) == ["optional_column_missing"]
    assert metrics.headline(again) == metrics.headline(expected)


def _rewrite(info, name: str, frame: pd.DataFrame, **typed_changes) -> None:
    """Write `frame` as `name` and put its valid SHA-256 (and changes of the typed entry) into the manifest."""
    data = typed.parquet_bytes(frame)
    path = info.path / name
    path.chmod(0o644)
    path.write_bytes(data)
    manifest_path = info.path / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["written_files"][name] = hashlib.sha256(data).hexdigest()
    for key, value in typed_changes.items():
        manifest["typed"][key] = value
    manifest_path.chmod(0o644)
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")


def _frame(info, table: str) -> pd.DataFrame:
    return pd.read_parquet(info.path / f"{table}.parquet")


def test_changed_bytes_are_refused(saved):
    store, info = saved
    path = info.path / "participants.parquet"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.chmod(0o644)
    path.write_bytes(bytes(data))
    with pytest.raises(SnapshotError, match="Prüfsumme"):
        store.load()


@pytest.mark.parametrize("change,word", [
    (lambda f: f.assign(age_at_entry=f["age_at_entry"].astype("int64")), "age_at_entry: Typ int64 statt int16"),
    (lambda f: f.assign(best_outcome=f["best_outcome"].astype(str)), "best_outcome: Typ str statt category"),
    (lambda f: f.drop(columns="age_group"), "fehlen: age_group"),
    (lambda f: f.assign(extra=1), "unerwartet: extra"),
    (lambda f: f.assign(ortsteil=f["ortsteil"].cat.reorder_categories(f["ortsteil"].cat.categories[::-1])),
     "ortsteil: andere Kategorien"),
])
def test_other_layout_with_a_valid_hash_is_refused(saved, change, word):
    store, info = saved
    _rewrite(info, "participants.parquet", change(_frame(info, "participants")))
    assert store.verify(info.id)  # every hash matches: only the layout check can catch it
    with pytest.raises(SnapshotError, match=word) as caught:
        store.load()
    assert "hat nicht den gespeicherten Aufbau" in str(caught.value) and "participants.parquet" in str(caught.value)


def test_other_provider_categories_are_refused(saved):
    store, info = saved
    frame = _frame(info, "outcomes")
    frame["sector"] = frame["sector"].cat.add_categories(["Raumfahrt"])
    _rewrite(info, "outcomes.parquet", frame)
    with pytest.raises(SnapshotError, match="sector: andere Kategorien"):
        store.load()


def test_other_row_count_with_a_valid_hash_is_refused(saved):
    store, info = saved
    _rewrite(info, "services.parquet", _frame(info, "services").iloc[:-5])
    with pytest.raises(SnapshotError, match="ergibt 2831 gültige Zeilen, gespeichert wurden 2836"):
        store.load()


def _as_format_1(info) -> None:
    """Turn a format-2 snapshot into what format 1 wrote: the input columns, no "typed" entry."""
    manifest_path = info.path / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    provided = manifest["typed"]["provided"]
    for table in manifest["typed"]["tables"]:
        name = f"{table}.parquet"
        data = typed.parquet_bytes(frames.as_input(table, _frame(info, table).drop(columns="source_row",
                                                                                  errors="ignore"), provided))
        (info.path / name).chmod(0o644)
        (info.path / name).write_bytes(data)
        manifest["written_files"][name] = hashlib.sha256(data).hexdigest()
    del manifest["typed"]
    manifest["format"] = 1
    manifest_path.chmod(0o644)
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")


def test_format_1_snapshot_still_loads_through_validation(saved, monkeypatch):
    store, info = saved
    _as_format_1(info)
    columns = set(pd.read_parquet(info.path / "participants.parquet").columns)
    assert "best_outcome" not in columns and "ortsteil_nr" not in columns  # really the old layout
    expected = load_dataset(SAMPLE, today=TODAY)
    calls = []
    real = dataset_module.validate_tables

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr("biwaq_data.store.integrity.validate_tables", counting)
    loaded = store.load(today=TODAY)
    assert calls == [1]
    assert metrics.headline(loaded) == metrics.headline(expected)
    for table in ("participants", "outcomes", "services"):
        pd.testing.assert_frame_equal(getattr(loaded, table).drop(columns="source_row"),
                                      getattr(expected, table).drop(columns="source_row"), check_categorical=False)


def test_a_frame_without_the_layout_is_not_stored(tmp_path, sample_report):
    """What could not be loaded back (here a frame missing a derived column) is refused at save, in German."""
    import dataclasses

    from biwaq_data import texts_de as T
    from biwaq_data.errors import DataError

    ds = dataclasses.replace(sample_report.dataset,
                             participants=sample_report.dataset.participants.drop(columns="best_outcome"))
    store = SnapshotStore(tmp_path / "store")
    with pytest.raises(DataError, match=T.ERR_SNAPSHOT_NOT_ACCEPTED):
        store.save(ds, [("participants.csv", b"x")])
    assert store.list() == []
