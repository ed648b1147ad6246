"""SnapshotStore: round trip, versions, and nothing lost when an import is killed or two run at once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from biwaq_data import load_dataset, metrics
from biwaq_data.errors import DataError
from biwaq_data.store.importing import check_upload
from biwaq_data.store.snapshots import ENV_VAR, PAUSE_ENV_VAR, SnapshotStore, default_data_dir

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
TODAY = pd.Timestamp("2026-10-01")
NAMES = ("participants.csv", "outcomes.csv", "services.csv")


def sample_files(**replace: bytes) -> list[tuple[str, bytes]]:
    return [(n, replace.get(n.split(".")[0], (SAMPLE / n).read_bytes())) for n in NAMES]


def with_bad_rows() -> list[tuple[str, bytes]]:
    p = pd.read_csv(SAMPLE / "participants.csv", sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    p.loc[3, "Eintrittsdatum"] = "30.02.2024"
    p.loc[5, "Ortsteil"] = "Atlantis"
    data = p.to_csv(sep=";", index=False, lineterminator="\n").encode("utf-8-sig")
    return sample_files(participants=data)


@pytest.fixture(scope="module")
def report():
    r = check_upload(sample_files(), today=TODAY, datenstand="2026-09-30")
    assert r.ok, r.error
    return r


@pytest.fixture(scope="module")
def report_b():
    """The same files with another Datenstand: different figures, so a different snapshot."""
    r = check_upload(sample_files(), today=TODAY, datenstand="2026-06-30")
    assert r.ok, r.error
    return r


def test_round_trip_gives_identical_figures_and_frames(tmp_path, report):
    store = SnapshotStore(tmp_path)
    info = store.save(report)
    assert not info.already_existed and info.active
    assert store.active_path() == tmp_path / info.id == info.path
    loaded = load_dataset(info.path)
    assert loaded.snapshot_id == info.id and loaded.datenstand == pd.Timestamp("2026-09-30")
    assert metrics.headline(loaded) == metrics.headline(report.dataset)
    for table in ("participants", "outcomes", "services"):
        pd.testing.assert_frame_equal(getattr(loaded, table).drop(columns="source_row"),
                                      getattr(report.dataset, table).drop(columns="source_row"),
                                      check_categorical=False)
    assert loaded.issues.empty  # the stored frames re-validate without a single remark
    manifest = json.loads((info.path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["id"] == info.id == report.snapshot_id
    assert manifest["datenstand"] == "2026-09-30"
    assert manifest["rows_read"] == {"participants": 827, "outcomes": 512, "services": 2836}
    assert {f["name"]: f["sha256"] for f in manifest["source_files"]} == report.source_hashes
    assert pd.Timestamp(manifest["created_at"]) <= pd.Timestamp.now(tz="UTC")
    assert (info.path / "originals" / "participants.csv").read_bytes() == (SAMPLE / "participants.csv").read_bytes()
    assert store.verify(info.id)
    ds = store.load()
    assert ds.snapshot_id == info.id and metrics.headline(ds) == metrics.headline(report.dataset)


def test_rejected_rows_counts_and_issues_are_kept(tmp_path):
    bad = check_upload(with_bad_rows(), today=TODAY, datenstand="2026-09-30")
    assert bad.ok and bad.counts["participants"]["rejected"] == 2
    store = SnapshotStore(tmp_path)
    info = store.save(bad)
    assert info.rows_read["participants"] == 827
    assert info.rows_accepted["participants"] == 825 and info.rows_rejected["participants"] == 2
    issues = store.issues(info.id)
    assert set(issues.loc[issues["severity"] == "error", "row"].dropna().astype(int)) >= {5, 7}
    loaded = load_dataset(store.active_path())
    assert metrics.headline(loaded) == metrics.headline(bad.dataset)
    assert len(loaded.participants) == 825
    assert store.load().rows_rejected["participants"] == 2  # the import's issues come with store.load()


def test_identical_reupload_is_recognised(tmp_path, report):
    store = SnapshotStore(tmp_path)
    first = store.save(report)
    again = check_upload([(n.replace("participants", "Teilnehmende"), b) for n, b in sample_files()],
                         today=TODAY, datenstand="2026-09-30")
    assert again.snapshot_id == first.id
    second = store.save(again)
    assert second.already_existed and second.id == first.id
    assert [i.id for i in store.list()] == [first.id]


def test_newest_is_active_and_an_older_one_can_be_activated(tmp_path, report, report_b):
    store = SnapshotStore(tmp_path)
    assert store.active_path() is None and store.list() == [] and store.load() is None
    a = store.save(report)
    b = store.save(report_b)
    assert a.id != b.id
    listed = store.list()
    assert [i.id for i in listed] == [b.id, a.id]  # newest first
    assert [i.active for i in listed] == [True, False]
    assert store.active_id() == b.id
    store.activate(a.id)
    assert store.active_path() == tmp_path / a.id
    assert load_dataset(store.active_path()).datenstand == pd.Timestamp("2026-09-30")
    assert [i.active for i in store.list()] == [False, True]
    with pytest.raises(DataError, match="nicht gefunden"):
        store.activate("0123456789abcdef")
    assert (tmp_path / "ACTIVE").read_text().strip() == a.id


def test_refuses_a_failed_import(tmp_path):
    failed = check_upload(sample_files(outcomes=b""), today=TODAY)
    with pytest.raises(DataError):
        SnapshotStore(tmp_path).save(failed)
    assert not any(p for p in tmp_path.iterdir() if not p.name.startswith("."))


def test_data_dir_from_setting_env_or_default(monkeypatch, tmp_path):
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert default_data_dir() == ROOT / "data" / "snapshots"
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "x"))
    assert default_data_dir() == tmp_path / "x"
    assert SnapshotStore().root == tmp_path / "x"
    assert default_data_dir(tmp_path / "y") == tmp_path / "y"
    assert default_data_dir("data/elsewhere") == ROOT / "data" / "elsewhere"


def test_leftover_temp_folders_are_ignored_and_cleaned(tmp_path, report, report_b):
    store = SnapshotStore(tmp_path)
    a = store.save(report)
    crashed = tmp_path / ".tmp-deadbeef"
    crashed.mkdir()
    (crashed / "participants.parquet").write_bytes(b"half")
    (tmp_path / "not-a-snapshot").mkdir()  # no manifest: ignored too
    assert [i.id for i in store.list()] == [a.id]
    store.save(report_b)
    assert not crashed.exists()


# --- processes ---------------------------------------------------------------

SAVE_SCRIPT = textwrap.dedent("""
    import json, os, sys, time
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    from biwaq_data.store.importing import check_upload
    from biwaq_data.store.snapshots import SnapshotStore
    root, datenstand, files = Path(sys.argv[2]), sys.argv[3], sys.argv[4:]
    report = check_upload([(Path(f).name, Path(f).read_bytes()) for f in files], today="2026-10-01",
                          datenstand=datenstand)
    barrier = os.environ.get("BARRIER_DIR")
    if barrier:  # wait until every process is ready, so that the saves overlap
        Path(barrier, f"ready-{os.getpid()}").touch()
        while not Path(barrier, "go").exists():
            time.sleep(0.01)
    info = SnapshotStore(root).save(report)
    print(json.dumps({"id": info.id, "already_existed": info.already_existed}), flush=True)
""")


def _start(tmp_path: Path, root: Path, datenstand: str, pause: float, barrier: Path | None = None) -> subprocess.Popen:
    script = tmp_path / "save_snapshot.py"
    script.write_text(SAVE_SCRIPT, encoding="utf-8")
    env = {**os.environ, PAUSE_ENV_VAR: str(pause)}
    if barrier:
        env["BARRIER_DIR"] = str(barrier)
    return subprocess.Popen([sys.executable, str(script), str(ROOT), str(root), datenstand,
                             *(str(SAMPLE / n) for n in NAMES)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_kill_midway_leaves_previous_snapshot_active_and_intact(tmp_path, report):
    root = tmp_path / "snapshots"
    store = SnapshotStore(root)
    previous = store.save(report)
    before = metrics.headline(load_dataset(store.active_path()))

    proc = _start(tmp_path, root, "2026-06-30", pause=30)
    deadline = time.monotonic() + 30
    partial = None
    while time.monotonic() < deadline and partial is None:
        partial = next((d for d in root.glob(".tmp-*") if d.is_dir() and any(d.glob("*.parquet"))), None)
        time.sleep(0.05)
    assert partial is not None, proc.stderr.read() if proc.poll() is not None else "no temp folder"
    proc.send_signal(signal.SIGKILL)  # killed between two files
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL

    assert partial.exists()  # the half-written folder is still there …
    assert [i.id for i in store.list()] == [previous.id]  # … but never listed
    assert store.active_id() == previous.id
    assert store.verify(previous.id)
    assert metrics.headline(load_dataset(store.active_path())) == before

    # the next import cleans up and goes through
    newer = store.save(check_upload(sample_files(), today=TODAY, datenstand="2026-06-30"))
    assert not partial.exists() and not list(root.glob(".tmp-*"))
    assert store.active_id() == newer.id and [i.id for i in store.list()] == [newer.id, previous.id]


def test_concurrent_imports_never_mix_files(tmp_path):
    root = tmp_path / "snapshots"
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    procs = [_start(tmp_path, root, stand, 0.2, barrier) for stand in ("2026-09-30", "2026-06-30")]
    deadline = time.monotonic() + 60
    while len(list(barrier.glob("ready-*"))) < 2 and time.monotonic() < deadline:
        assert all(p.poll() is None for p in procs), procs[0].stderr.read() + procs[1].stderr.read()
        time.sleep(0.02)
    (barrier / "go").touch()
    most_at_once = 0
    while any(p.poll() is None for p in procs):
        writing = [d for d in root.glob(".tmp-*") if d.is_dir()] if root.exists() else []
        most_at_once = max(most_at_once, len(writing))
        time.sleep(0.02)
    assert most_at_once == 2  # both wrote at the same time
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=90)
        assert proc.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    store = SnapshotStore(root)
    ids = {r["id"] for r in results}
    assert len(ids) == 2 and not any(r["already_existed"] for r in results)
    listed = store.list()
    assert {i.id for i in listed} == ids
    for info in listed:
        assert store.verify(info.id)
        loaded = load_dataset(info.path)
        assert f"{loaded.datenstand:%Y-%m-%d}" == info.manifest["datenstand"]
        # 827 people; with Datenstand 30.06.2026 those who entered later are rejected (rule after_datenstand)
        expected = 827 if info.manifest["datenstand"] == "2026-09-30" else 811
        assert len(loaded.participants) == info.rows_accepted["participants"] == expected
    assert store.active_id() in ids
    assert not list(root.glob(".tmp-*"))


def test_same_files_saved_twice_at_once_give_one_snapshot(tmp_path, report):
    """The second of two simultaneous saves of identical files finds the folder taken at rename time."""
    store = SnapshotStore(tmp_path)
    ds, sources, issues, rows_read = store._parts(report, None)
    from biwaq_data.store import typed
    frames = {t: typed.parquet_bytes(f) for t, f in typed.typed_frames(ds).items()}
    first = store._write(report.snapshot_id, ds, ds.datenstand, frames, sources, issues, rows_read, True)
    second = store._write(report.snapshot_id, ds, ds.datenstand, frames, sources, issues, rows_read, True)
    assert not first.already_existed and second.already_existed
    assert [i.id for i in store.list()] == [first.id] and store.verify(first.id)
    assert not list(tmp_path.glob(".tmp-*"))


def test_save_a_dataset_with_its_source_files(tmp_path, report):
    store = SnapshotStore(tmp_path)
    info = store.save(report.dataset, sample_files(), datenstand="2026-09-30")
    assert info.id == report.snapshot_id  # same files, same Datenstand: the id check_upload announced
    assert metrics.headline(load_dataset(info.path)) == metrics.headline(report.dataset)
    assert store.save(report).already_existed
