"""Fault injection into the snapshot store: damaged, missing and swapped files, a broken manifest or ACTIVE,
a read-only and a full data folder, two server processes on one store, backup and restore.

Each case asserts that no wrong figure is shown (no metric, no chart, no sample figure), the message is German
and the Daten page stays usable (versions listed, another version can be activated, the uploader is there).
A kill during an import is in tests/test_snapshots.py.
"""

from __future__ import annotations

import builtins
import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from biwaq_data import metrics
from biwaq_data import texts_de as T
from biwaq_data.errors import DataError
from biwaq_data.formatting import escape_markdown, format_int
from biwaq_data.store.importing import check_upload
from biwaq_data.store.snapshots import SnapshotError, SnapshotStore

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard.py")
SAMPLE = ROOT / "sample_data"
NAMES = ("participants.csv", "outcomes.csv", "services.csv")
TODAY = pd.Timestamp("2026-10-01")
D = T.DATA_PAGE_TEXTS


def _files(n_drop: int = 0) -> list[tuple[str, bytes]]:
    """The sample export; with n_drop > 0 the last n_drop participants are left out (other figures)."""
    files = [(n, (SAMPLE / n).read_bytes()) for n in NAMES]
    if n_drop:
        lines = files[0][1].decode("utf-8-sig").splitlines()
        kept = lines[:-n_drop]
        files[0] = (NAMES[0], ("\n".join(kept) + "\n").encode("utf-8"))
    return files


@pytest.fixture(scope="module")
def reports():
    """Two accepted imports with different figures: the full sample (827) and one with 192 people fewer."""
    full = check_upload(_files(), today=TODAY, datenstand="2026-09-30")
    smaller = check_upload(_files(192), today=TODAY, datenstand="2026-09-30")
    assert full.ok and smaller.ok, (full.error, smaller.error)
    return full, smaller


@pytest.fixture()
def data_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "snapshots"
    monkeypatch.setenv("BIWAQ_DATA_DIR", str(folder))
    monkeypatch.delenv("BIWAQ_DATA_SOURCE", raising=False)
    return folder


@pytest.fixture()
def two_versions(data_dir, reports):
    """Older version A (smaller) and active version B (full sample)."""
    store = SnapshotStore(data_dir)
    older = store.save(reports[1])
    active = store.save(reports[0])
    assert store.active_id() == active.id
    return store, older, active


def _writable(path: Path) -> None:
    for p in [path, *path.rglob("*")]:
        p.chmod(0o755 if p.is_dir() else 0o644)


def run(page: str = "pages/ueberblick.py") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    if page != "pages/ueberblick.py":
        at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def page_text(at: AppTest) -> str:
    return " ".join(str(e.value) for kind in ("markdown", "error", "warning", "info", "caption")
                    for e in at.get(kind))


def assert_nothing_served(at: AppTest, problem_word: str) -> None:
    """Banner in German naming the problem; no figure, chart or sample label anywhere."""
    errors = " ".join(e.value for e in at.error)
    assert "Die aktiven Daten werden nicht angezeigt" in errors and problem_word in errors, errors
    assert not at.metric and not at.get("plotly_chart")
    text = page_text(at)
    assert T.SAMPLE_SOURCE not in text and T.AUTH_OFF_NOTE not in text  # never the sample, nor its sidebar note
    assert "Traceback" not in text and "/tmp" not in text and "Error" not in text


def assert_daten_usable(at: AppTest, expect_versions: int) -> None:
    assert at.file_uploader, "the uploader is missing"
    assert at.selectbox(key="daten_version") is not None
    assert len(at.selectbox(key="daten_version").options) == expect_versions


def corrupt(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.chmod(0o644)
    path.write_bytes(bytes(data))


def truncate(path: Path) -> None:
    path.chmod(0o644)
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 3])


def remove(path: Path) -> None:
    path.unlink()


@pytest.mark.parametrize("damage,word", [(corrupt, "Prüfsumme"), (truncate, "Prüfsumme"), (remove, "fehlt")])
@pytest.mark.parametrize("name", ["participants.parquet", "outcomes.parquet", "issues.parquet",
                                  "originals/participants.csv"])
def test_damaged_file_is_never_served(two_versions, name, damage, word):
    store, older, active = two_versions
    damage(active.path / name)
    with pytest.raises(SnapshotError, match=word):
        store.load()
    assert not store.verify(active.id) and store.verify(older.id)
    assert any(name in p for p in store.check(active.id))


@pytest.mark.parametrize("damage,word", [(corrupt, "Prüfsumme"), (remove, "fehlt")])
def test_app_with_damaged_active_snapshot_shows_banner_and_daten_stays_usable(two_versions, damage, word):
    store, older, active = two_versions
    damage(active.path / "participants.parquet")
    at = run()
    assert_nothing_served(at, word)
    assert active.id in " ".join(e.value for e in at.error)

    at.switch_page("pages/daten.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert_daten_usable(at, 2)
    assert not at.metric
    # the data manager activates the intact older version: its figures are shown again
    at.selectbox(key="daten_version").set_value(older.id).run()
    at.button(key="daten_activate").click().run()
    assert not at.exception and store.active_id() == older.id
    at.switch_page("pages/ueberblick.py").run()
    assert not at.error
    shown = {m.label: m.value for m in at.metric}
    assert shown[T.METRIC_LABELS["participants"]] == format_int(older.rows_accepted["participants"]) == "635"


def test_damaged_version_cannot_be_activated(two_versions):
    store, older, active = two_versions
    corrupt(older.path / "services.parquet")
    with pytest.raises(DataError, match="beschädigt und kann nicht aktiviert werden"):
        store.activate(older.id)
    assert store.active_id() == active.id


def test_swapped_valid_parquet_under_the_same_version_is_refused(two_versions):
    """The 827 → 635 case: another snapshot's valid participants.parquet copied over the active one."""
    store, older, active = two_versions
    target = active.path / "participants.parquet"
    target.chmod(0o644)
    shutil.copyfile(older.path / "participants.parquet", target)
    with pytest.raises(SnapshotError, match="Prüfsumme"):
        store.load()
    at = run()
    assert_nothing_served(at, "participants.parquet")
    assert "635" not in page_text(at) and "827" not in page_text(at)


def test_swapped_tables_within_a_snapshot_are_refused(two_versions):
    store, _, active = two_versions
    a, b = active.path / "outcomes.parquet", active.path / "services.parquet"
    a.chmod(0o644), b.chmod(0o644)
    data_a, data_b = a.read_bytes(), b.read_bytes()
    a.write_bytes(data_b), b.write_bytes(data_a)
    with pytest.raises(SnapshotError):
        store.load()
    assert {p for p in store.check(active.id)} == {
        T.ERR_SNAPSHOT_FILE_CHANGED.format(id=active.id, file=n) for n in ("outcomes.parquet", "services.parquet")}


@pytest.mark.parametrize("content", [b"{ nicht json", b"", b'{"id": "falsch"}', b"\xff\xfe\x00"])
def test_broken_manifest_never_falls_back_to_the_sample(two_versions, content):
    store, older, active = two_versions
    manifest = active.path / "manifest.json"
    manifest.chmod(0o644)
    manifest.write_bytes(content)
    status = store.status()
    assert status.holds_snapshots and status.snapshot_id == active.id and "manifest.json" in status.problem
    with pytest.raises(SnapshotError, match="manifest.json"):
        store.load()
    at = run()
    assert_nothing_served(at, "manifest.json")
    # no "Anmeldung … nur für lokale Nutzung mit Beispieldaten" note either
    assert T.AUTH_OFF_NOTE not in " ".join(c.value for c in at.caption)
    at.switch_page("pages/daten.py").run()
    assert not at.exception
    assert D["active_sample"].split(".")[0] not in page_text(at)  # never "Es wurden noch keine Daten importiert"
    assert active.id in " ".join(w.value for w in at.warning)  # listed as damaged
    assert_daten_usable(at, 1)


def test_only_damaged_snapshots_and_no_active_file(data_dir, reports):
    store = SnapshotStore(data_dir)
    info = store.save(reports[0])
    (data_dir / "ACTIVE").unlink()
    (info.path / "manifest.json").chmod(0o644)
    (info.path / "manifest.json").write_text("kaputt")
    assert store.status().problem and store.list() == []
    at = run()
    assert_nothing_served(at, "manifest.json")


@pytest.mark.parametrize("pointer", ["0123456789abcdef\n", "../../etc\n", "\x00\x01"])
def test_active_file_naming_a_missing_version(two_versions, pointer):
    store, _, _ = two_versions
    (store.root / "ACTIVE").write_text(pointer)
    with pytest.raises(SnapshotError):
        store.load()
    at = run()
    assert_nothing_served(at, "ACTIVE" if "/" in pointer or "\x00" in pointer else "nicht (mehr) vorhanden")


def test_empty_data_folder_shows_the_sample(data_dir):
    data_dir.mkdir(parents=True)
    at = run()
    assert not at.error
    assert T.SAMPLE_SOURCE in page_text(at)
    assert {m.label: m.value for m in at.metric}[T.METRIC_LABELS["participants"]] == "827"


def test_a_file_called_beispieldaten_is_real_data(data_dir, reports):
    named = [(f"Beispieldaten_{n}", data) for n, data in _files()]
    report = check_upload(named, today=TODAY, datenstand="2026-09-30")
    assert report.ok, report.error
    SnapshotStore(data_dir).save(report)
    at = run()
    header = at.markdown[0].value
    assert T.SAMPLE_SOURCE not in header and escape_markdown("Beispieldaten_participants.csv") in header
    assert T.AUTH_OFF_REAL_DATA in " ".join(w.value for w in at.warning)


# --- read-only folder and full disk ----------------------------------------------------------------------------


@pytest.fixture()
def failing_fs(monkeypatch):
    """Make every write under a folder fail with a given errno (as a read-only mount or a full disk would).

    Root ignores file permissions, so the failure is injected at the file-system calls the store makes.
    """

    def install(folder: Path, code: int) -> None:
        folder = str(folder)
        real_open, real_os_open = builtins.open, os.open
        real_replace, real_rename, real_mkdir = os.replace, os.rename, os.mkdir

        def inside(path) -> bool:
            return str(os.fspath(path)).startswith(folder) if isinstance(path, (str, os.PathLike)) else False

        def fail(path):
            raise OSError(code, os.strerror(code), str(path))

        def fake_open(file, mode="r", *args, **kwargs):
            if inside(file) and any(c in mode for c in "wxa+"):
                fail(file)
            return real_open(file, mode, *args, **kwargs)

        def fake_os_open(path, flags, *args, **kwargs):
            if inside(path) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
                fail(path)
            return real_os_open(path, flags, *args, **kwargs)

        def guard(real):
            def wrapped(src, *args, **kwargs):
                if inside(src):
                    fail(src)
                return real(src, *args, **kwargs)
            return wrapped

        monkeypatch.setattr(builtins, "open", fake_open)
        monkeypatch.setattr(os, "open", fake_os_open)
        monkeypatch.setattr(os, "replace", guard(real_replace))
        monkeypatch.setattr(os, "rename", guard(real_rename))
        monkeypatch.setattr(os, "mkdir", guard(real_mkdir))

    return install


@pytest.mark.parametrize("code,german", [(errno.EROFS, "schreibgeschützt"), (errno.EACCES, "Schreibrechte"),
                                         (errno.ENOSPC, "voll")])
def test_store_operations_report_german_errors(two_versions, reports, failing_fs, code, german):
    store, older, active = two_versions
    failing_fs(store.root, code)
    with pytest.raises(DataError) as exc:
        store.activate(older.id)
    assert german in str(exc.value) and os.strerror(code) not in str(exc.value)
    other = check_upload(_files(5), today=TODAY, datenstand="2026-09-30")
    with pytest.raises(DataError) as exc:
        store.save(other)
    assert german in str(exc.value) and "bisherige Version bleibt aktiv" in str(exc.value)
    assert os.strerror(code) not in str(exc.value)
    with pytest.raises(DataError, match=german):
        store.cleanup()
    assert store.active_id() == active.id and store.load().snapshot_id == active.id  # reading still works


def test_read_only_folder_in_the_app(two_versions, failing_fs):
    store, older, active = two_versions
    at = run("pages/daten.py")
    failing_fs(store.root, errno.EROFS)
    at.selectbox(key="daten_version").set_value(older.id).run()
    at.button(key="daten_activate").click().run()
    assert not at.exception, [e.message for e in at.exception]
    errors = " ".join(e.value for e in at.error)
    assert "schreibgeschützt" in errors and "bisherige Version bleibt aktiv" in errors
    assert "Read-only" not in errors
    assert store.active_id() == active.id
    assert active.id in at.markdown[0].value  # the active data are still the ones shown


# --- two server processes, re-import, backup and restore ---------------------------------------------------------


def test_second_server_process_activating_is_seen_by_the_first(two_versions):
    store, older, active = two_versions
    at = run()
    assert {m.label: m.value for m in at.metric}[T.METRIC_LABELS["participants"]] == "827"
    code = ("import sys; sys.path.insert(0, sys.argv[1]); from biwaq_data.store.snapshots import SnapshotStore; "
            "SnapshotStore(sys.argv[2]).activate(sys.argv[3])")
    subprocess.run([sys.executable, "-c", code, str(ROOT), str(store.root), older.id], check=True, timeout=120)
    at.run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}[T.METRIC_LABELS["participants"]] == "635"
    assert older.id in at.markdown[0].value


def test_importing_the_same_files_again_repairs_a_damaged_version(two_versions, reports):
    store, _, active = two_versions
    corrupt(active.path / "participants.parquet")
    again = store.save(reports[0])
    assert again.id == active.id and not again.already_existed
    assert store.verify(active.id)
    assert metrics.headline(store.load())["participants"] == 827
    assert list(store.root.glob(".broken-*"))  # the damaged copy is kept aside, never listed
    assert [i.id for i in store.list()].count(active.id) == 1


def test_verify_command(two_versions):
    store, older, active = two_versions
    cmd = [sys.executable, "-m", "biwaq_data.store.snapshots", "verify", "--data-dir", str(store.root)]
    ok = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.count("OK ") == 2
    corrupt(older.path / "outcomes.parquet")
    bad = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1
    assert f"FEHLER  {older.id}" in bad.stdout and "outcomes.parquet" in bad.stdout and "Prüfsumme" in bad.stdout


def test_backup_and_restore_of_the_data_folder(two_versions, tmp_path):
    """The procedure of docs/operations.md: tar the data folder, lose it, untar it, verify, serve."""
    store, _, active = two_versions
    backup = tmp_path / "biwaq-daten.tar.gz"
    subprocess.run(["tar", "-C", str(store.root.parent), "-czf", str(backup), store.root.name], check=True)
    corrupt(active.path / "participants.parquet")
    _writable(store.root)
    shutil.rmtree(store.root)
    subprocess.run(["tar", "-C", str(store.root.parent), "-xzf", str(backup)], check=True)
    check = subprocess.run([sys.executable, "-m", "biwaq_data.store.snapshots", "verify", "--data-dir", str(store.root)],
                           cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stdout
    assert store.active_id() == active.id
    at = run()
    assert {m.label: m.value for m in at.metric}[T.METRIC_LABELS["participants"]] == "827"


def test_a_process_drops_the_versions_it_served_before_when_active_moves_on(two_versions):
    """After a switch of ACTIVE the process holds the new version only (not up to four loaded versions)."""
    import gc
    import weakref

    from ui import data as ui_data

    store, older, active = two_versions
    ui_data._load_snapshot.clear()
    first = ui_data.data_state()
    assert first.snapshot_id == active.id and len(first.dataset.participants) == 827
    served_before = weakref.ref(first.dataset)
    del first
    store.activate(older.id)
    second = ui_data.data_state()
    assert second.snapshot_id == older.id and len(second.dataset.participants) == 827 - 192
    gc.collect()
    assert served_before() is None  # the earlier version is no longer kept by the process
    assert ui_data.data_state().dataset is second.dataset  # the active one stays cached
