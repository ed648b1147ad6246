"""Every accepted import is kept as an immutable snapshot; one of them is active.

Where the data live
-------------------
The data folder holds one sub-folder per snapshot. `default_data_dir()` picks it:

1. an explicit setting passed by the app (e.g. `st.secrets["BIWAQ_DATA_DIR"]` or a config value),
2. else the environment variable ``BIWAQ_DATA_DIR`` (Streamlit also exports root-level keys of
   ``.streamlit/secrets.toml`` as environment variables, so ``BIWAQ_DATA_DIR = "/srv/biwaq/snapshots"``
   there works too),
3. else ``<project>/data/snapshots`` (ignored by git).

A relative path is taken relative to the project folder. Only when the folder holds no snapshot at all
(no ACTIVE file, no snapshot folder, not even a damaged one) does the app use the bundled ``sample_data``.

What is served is checked
-------------------------
Every file's SHA-256 (manifest) is checked when a snapshot is loaded, by activation and by
``python -m biwaq_data.store.snapshots verify``; a failing snapshot is never served and never replaced by
another version or the sample (store/integrity.py). Store operations report German `DataError`s.

Layout of the data folder
-------------------------
::

    <data folder>/
      ACTIVE                      id of the active snapshot (one line, replaced atomically)
      .lock                       fcntl lock held while a snapshot is moved into place / ACTIVE changes
      <id>/                       one complete snapshot, never changed after it appears
        participants.parquet      format 2 (store/typed.py): the typed frames as `load_dataset` built them,
        outcomes.parquet          input and derived columns, categoricals as dictionaries – loading reads
        services.parquet          them and checks their layout instead of validating again; `load_dataset(<id>/)`
                                  still re-validates them from their input columns (targets/enterprises too)
        issues.parquet            every problem found at import (file, row, column, value, message, …)
        originals/<file>          the uploaded files, byte for byte
        manifest.json             format, id, created_at, datenstand, source, row counts read/accepted/rejected
                                  per table, source files with SHA-256, SHA-256 of every written file, and
                                  "typed" (provided columns, data-dependent categories, rows per file)
      .tmp-<random>/              a snapshot being written (ignored; removed when its writer died)

The id is the content hash of the uploaded files (and the Datenstand, see
`importing.content_id`): uploading identical files again returns the existing snapshot
(`already_existed=True`) instead of a copy.

Never half a snapshot
---------------------
A snapshot is written into a fresh ``.tmp-<random>`` folder (unique per writer, so two imports at
once never mix files), every file is flushed to disk, then the folder is renamed to ``<id>`` in one
``os.rename`` and ACTIVE is replaced (write a temporary file, ``os.replace``) – both while holding an
``fcntl.flock`` on ``.lock``. A crash or kill at any point leaves either no new snapshot or a
complete one; ACTIVE then still names the previous snapshot. Each writer holds an flock on
``.tmp-<random>.lock`` while it writes; the next save removes temp folders whose writer is gone.

Test hook: the environment variable ``BIWAQ_SNAPSHOT_TEST_PAUSE`` (seconds) makes `save` sleep after
each file it writes, so a test can kill an import midway.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import logging
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from .. import texts_de as T
from ..ingest.dataset import Dataset
from ..errors import DataError
from .importing import ImportReport, SourceFile, content_id, sha256
from ..ingest.reading import OPTIONAL_TABLES, TABLE_NAMES
from . import typed
from .integrity import (ISSUES_FILE, ORIGINALS, SnapshotError, StoreStatus, file_problem, load_verified, main,
                        manifest_ok, os_reason, store_status, valid_id)

ENV_VAR = "BIWAQ_DATA_DIR"
PAUSE_ENV_VAR = "BIWAQ_SNAPSHOT_TEST_PAUSE"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA_DIR = PROJECT_ROOT / "data" / "snapshots"
ACTIVE_FILE = "ACTIVE"
LOCK_FILE = ".lock"
TMP_PREFIX = ".tmp-"
MANIFEST = "manifest.json"
FORMAT_VERSION = typed.FORMAT  # 1: input columns, validated again at load (still loads)
BROKEN_PREFIX = ".broken-"  # a damaged snapshot moved aside when the same files are imported again

log = logging.getLogger(__name__)


def default_data_dir(configured: str | os.PathLike | None = None) -> Path:
    """The snapshot folder: `configured` (secrets/config), else $BIWAQ_DATA_DIR, else <project>/data/snapshots."""
    value = configured or os.environ.get(ENV_VAR) or ""
    if not str(value).strip():
        return DEFAULT_DATA_DIR
    path = Path(str(value).strip()).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path


@dataclass
class SnapshotInfo:
    """One stored snapshot: its id, folder and manifest."""

    id: str
    path: Path
    manifest: dict
    active: bool = False
    already_existed: bool = False

    @property
    def created_at(self) -> pd.Timestamp:
        return pd.Timestamp(self.manifest["created_at"])

    @property
    def datenstand(self) -> pd.Timestamp:
        return pd.Timestamp(self.manifest["datenstand"])

    @property
    def source(self) -> str:
        return self.manifest.get("source", "")

    @property
    def rows_read(self) -> dict[str, int]:
        return dict(self.manifest.get("rows_read", {}))

    @property
    def rows_accepted(self) -> dict[str, int]:
        return dict(self.manifest.get("rows_accepted", {}))

    @property
    def rows_rejected(self) -> dict[str, int]:
        return dict(self.manifest.get("rows_rejected", {}))

    @property
    def source_files(self) -> list[dict]:
        """[{"name", "sha256", "size", "tables"}] of the uploaded files."""
        return list(self.manifest.get("source_files", []))


def _issues_for_storage(issues: pd.DataFrame) -> pd.DataFrame:
    out = issues.copy()
    for col in out.columns:
        if col == "row":
            out[col] = out[col].astype("Int64")
        else:
            out[col] = out[col].map(lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v))
    return out.reset_index(drop=True)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "xb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _pause() -> None:
    seconds = os.environ.get(PAUSE_ENV_VAR)
    if seconds:
        with contextlib.suppress(ValueError):
            time.sleep(float(seconds))


def _safe_name(name: str, used: set[str]) -> str:
    base = Path(name).name.replace("\x00", "") or "datei"
    if base.startswith("."):
        base = "_" + base[1:]
    candidate, n = base, 2
    while candidate.lower() in used:
        candidate, n = f"{n}_{base}", n + 1
    used.add(candidate.lower())
    return candidate


class SnapshotStore:
    """Snapshots in a data folder (see module docstring). Methods raise DataError with German messages."""

    def __init__(self, root: str | os.PathLike | None = None):
        self.root = Path(root) if root is not None else default_data_dir()

    # --- reading ----------------------------------------------------------

    def _read_manifest(self, folder: Path) -> dict | None:
        try:
            manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return manifest if manifest_ok(manifest, folder.name) else None

    def _raw_active_id(self) -> str | None:
        try:
            text = (self.root / ACTIVE_FILE).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            return None
        return text or None

    def _snapshot_folders(self) -> list[Path]:
        try:
            return [f for f in self.root.iterdir() if not f.name.startswith(".") and f.is_dir()]
        except OSError:
            return []

    def status(self) -> StoreStatus:
        """The snapshot to serve (see StoreStatus). ACTIVE wins; without ACTIVE the newest valid snapshot.

        ACTIVE naming a missing or damaged version, or an unreadable ACTIVE, is a problem – never a silent
        switch to another version or to the sample.
        """
        return store_status(self)

    def damaged(self) -> list[tuple[str, str]]:
        """(id, German problem) of snapshot folders without a valid manifest (not in `list()`)."""
        return [(f.name, T.ERR_SNAPSHOT_MANIFEST.format(id=f.name)) for f in sorted(self._snapshot_folders())
                if self._read_manifest(f) is None]

    def list(self) -> list[SnapshotInfo]:
        """Complete snapshots, newest first (temp folders and folders without a valid manifest are ignored)."""
        if not self.root.is_dir():
            return []
        infos = []
        for folder in self._snapshot_folders():
            manifest = self._read_manifest(folder)
            if manifest is not None:
                infos.append(SnapshotInfo(folder.name, folder, manifest))
        infos.sort(key=lambda i: (pd.Timestamp(i.manifest.get("created_at", 0)).value, i.id), reverse=True)
        active = self._active_from(infos)
        for info in infos:
            info.active = info.id == active
        return infos

    def _active_from(self, infos: list[SnapshotInfo]) -> str | None:
        wanted = self._raw_active_id()
        if wanted:
            return wanted  # even when damaged or missing: never another version in its place
        return infos[0].id if infos else None  # no pointer (yet): the newest complete snapshot

    def get(self, snapshot_id: str) -> SnapshotInfo | None:
        """The snapshot with this id, or None."""
        if not snapshot_id or "/" in snapshot_id or snapshot_id.startswith("."):
            return None
        folder = self.root / snapshot_id
        manifest = self._read_manifest(folder) if folder.is_dir() else None
        if manifest is None:
            return None
        return SnapshotInfo(snapshot_id, folder, manifest, active=self.active_id() == snapshot_id)

    def active_id(self) -> str | None:
        """Id of the active snapshot (ACTIVE, else the newest complete one); None when there is none.

        The id ACTIVE names is returned even when that snapshot is damaged (`status()` says why).
        """
        return self.status().snapshot_id

    def active(self) -> SnapshotInfo | None:
        active = self.active_id()
        return self.get(active) if active else None

    def active_path(self) -> Path | None:
        """Folder of the active snapshot, or None when the store holds none (see `status()` for problems)."""
        active = self.active_id()
        return self.root / active if active else None

    def issues(self, snapshot_id: str) -> pd.DataFrame:
        """The problems found when this snapshot was imported."""
        return pd.read_parquet(self.root / snapshot_id / ISSUES_FILE)

    def _check_file(self, info: SnapshotInfo, name: str, digest: str) -> str | None:
        return file_problem(info.path / name, digest, info.id, name)

    def check(self, snapshot_id: str) -> list[str]:
        """Every problem of a snapshot (German): manifest, and each listed file's presence and SHA-256."""
        if not valid_id(snapshot_id) or not (self.root / snapshot_id).is_dir():
            return [T.ERR_SNAPSHOT_ACTIVE_MISSING.format(id=snapshot_id)]
        info = self.get(snapshot_id)
        if info is None:
            return [T.ERR_SNAPSHOT_MANIFEST.format(id=snapshot_id)]
        problems = []
        for name, digest in info.manifest["written_files"].items():
            problem = self._check_file(info, name, digest)
            if problem:
                problems.append(problem)
        return problems

    def load(self, snapshot_id: str | None = None, *, today=None) -> Dataset | None:
        """The verified dataset of a snapshot (default: the active one) with the import's issues and rows read.

        None when the store holds no snapshot. Raises SnapshotError (German) when the snapshot must not be
        served (see `integrity.load_verified`): ACTIVE names a missing version, the manifest is broken, a file
        is missing or its SHA-256 differs, or the tables give other accepted row counts than stored.
        """
        if snapshot_id is None:
            status = self.status()
            if status.problem:
                raise SnapshotError(status.problem, status.snapshot_id)
            snapshot_id = status.snapshot_id
            if snapshot_id is None:
                return None
        info = self.get(snapshot_id)
        if info is None:
            raise SnapshotError((self.check(snapshot_id) or [T.ERR_SNAPSHOT_MANIFEST.format(id=snapshot_id)])[0],
                                snapshot_id)
        return load_verified(info, today=today, load_typed=typed.load_typed)

    def verify(self, snapshot_id: str) -> bool:
        """True when the manifest is valid and every file it lists is there with its recorded SHA-256."""
        return not self.check(snapshot_id)

    # --- locking ----------------------------------------------------------

    @contextlib.contextmanager
    def _lock(self):
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def _set_active(self, snapshot_id: str) -> None:
        """Replace ACTIVE atomically (caller holds the lock)."""
        tmp = self.root / f"{TMP_PREFIX}active-{uuid.uuid4().hex}"
        with open(tmp, "x", encoding="utf-8") as fh:
            fh.write(snapshot_id + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.root / ACTIVE_FILE)
        _fsync_dir(self.root)

    def _cleanup_locked(self) -> int:
        """Remove temp folders and files whose writer is gone (caller holds the lock). Returns how many."""
        removed = 0
        for entry in list(self.root.iterdir()):
            name = entry.name
            if not name.startswith(TMP_PREFIX) or name.endswith(".lock"):
                continue
            if entry.is_dir():
                lock_path = self.root / f"{name}.lock"
                try:
                    fd = os.open(lock_path, os.O_RDWR)
                except FileNotFoundError:
                    fd = None
                try:
                    if fd is not None:
                        try:
                            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        except BlockingIOError:
                            continue  # its writer is still at work
                    shutil.rmtree(entry, ignore_errors=True)
                    with contextlib.suppress(FileNotFoundError):
                        lock_path.unlink()
                    removed += 1
                finally:
                    if fd is not None:
                        os.close(fd)
            elif name.startswith(f"{TMP_PREFIX}active-"):
                with contextlib.suppress(FileNotFoundError):
                    entry.unlink()  # pointer files are written and replaced under the lock
                removed += 1
        for entry in list(self.root.glob(f"{TMP_PREFIX}*.lock")):
            if (self.root / entry.name.removesuffix(".lock")).exists():
                continue
            with contextlib.suppress(OSError):
                fd = os.open(entry, os.O_RDWR)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    entry.unlink()
                except BlockingIOError:
                    pass
                finally:
                    os.close(fd)
        return removed

    def cleanup(self) -> int:
        """Remove leftovers of crashed or killed imports; returns how many were removed."""
        if not self.root.is_dir():
            return 0
        try:
            with self._lock():
                return self._cleanup_locked()
        except OSError as exc:
            raise DataError(T.ERR_SNAPSHOT_CLEANUP.format(reason=os_reason(exc))) from exc

    # --- writing ----------------------------------------------------------

    def activate(self, snapshot_id: str) -> SnapshotInfo:
        """Make an existing, verified snapshot the active one (DataError in German otherwise)."""
        if not valid_id(snapshot_id) or not (self.root / snapshot_id).is_dir():
            raise DataError(T.ERR_SNAPSHOT_UNKNOWN.format(id=snapshot_id))
        problems = self.check(snapshot_id)
        if problems:
            raise SnapshotError(T.ERR_SNAPSHOT_NOT_VERIFIED.format(id=snapshot_id, reason=problems[0]), snapshot_id)
        try:
            with self._lock():
                if self.get(snapshot_id) is None:
                    raise DataError(T.ERR_SNAPSHOT_UNKNOWN.format(id=snapshot_id))
                self._set_active(snapshot_id)
        except OSError as exc:
            raise DataError(T.ERR_SNAPSHOT_ACTIVATE.format(reason=os_reason(exc))) from exc
        return self.get(snapshot_id)

    def save(self, data: ImportReport | Dataset, source_files=None, datenstand=None, *,
             activate: bool = True) -> SnapshotInfo:
        """Store an accepted import as a new snapshot and (by default) make it active.

        data: the ImportReport of `check_upload` (its files and issues are stored) or a Dataset.
        source_files: only needed with a Dataset – [(name, bytes)] of the uploaded files.
        datenstand: overrides the Datenstand of the data.
        Identical files (same id) return the existing snapshot with `already_existed=True` (made active).
        Raises DataError when there is nothing to store or the folder cannot be written.
        """
        ds, sources, issues, rows_read = self._parts(data, source_files)
        stand = pd.Timestamp(datenstand).normalize() if datenstand is not None else ds.datenstand
        frames = {t: typed.parquet_bytes(f) for t, f in typed.typed_frames(ds).items()}
        if sources:
            snapshot_id = content_id(sources, stand)
        else:
            digest = hashlib.sha256(b"".join(sha256(b).encode() for b in frames.values()))
            digest.update(f"{stand:%Y-%m-%d}".encode())
            snapshot_id = digest.hexdigest()[:16]
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with self._lock():
                self._cleanup_locked()
                existing = self.get(snapshot_id)
                if (self.root / snapshot_id).exists() and (existing is None or self.check(snapshot_id)):
                    # the same files again, but the stored copy is damaged: move it aside and write afresh
                    os.rename(self.root / snapshot_id,
                              self.root / f"{BROKEN_PREFIX}{snapshot_id}-{uuid.uuid4().hex[:8]}")
                    existing = None
                if existing is not None:
                    if activate:
                        self._set_active(snapshot_id)
                    existing.already_existed, existing.active = True, activate or existing.active
                    return existing
            return self._write(snapshot_id, ds, stand, frames, sources, issues, rows_read, activate)
        except OSError as exc:
            raise DataError(T.ERR_SNAPSHOT_WRITE.format(reason=os_reason(exc))) from exc

    def _parts(self, data, source_files):
        if isinstance(data, ImportReport):
            if data.dataset is None or data.error:
                raise DataError(T.ERR_SNAPSHOT_NOT_ACCEPTED)
            ds = data.dataset
            sources = list(data.files)
            issues = data.issues
            rows_read = {t: c["read"] for t, c in data.counts.items()}
        elif isinstance(data, Dataset):
            ds = data
            issues = data.issues
            rows_read = dict(data.rows_read) or {t: len(getattr(ds, t)) for t in TABLE_NAMES}
            sources = []
            for item in source_files or []:
                name, content = item
                tables = tuple(t for t, label in ds.files.items() if label.split(" › ")[0] == Path(name).name)
                if isinstance(content, (bytes, bytearray)):
                    sources.append(SourceFile(Path(name).name, sha256(bytes(content)), len(content), tables,
                                              bytes(content)))
                else:  # (name, sha256) when the bytes are not at hand
                    sources.append(SourceFile(Path(name).name, str(content), 0, tables))
        else:
            raise DataError(T.ERR_SNAPSHOT_NOT_ACCEPTED)
        return ds, sources, issues, rows_read

    def _write(self, snapshot_id, ds, stand, frames, sources, issues, rows_read, activate) -> SnapshotInfo:
        token = uuid.uuid4().hex
        tmp = self.root / f"{TMP_PREFIX}{token}"
        lock_path = self.root / f"{TMP_PREFIX}{token}.lock"
        with self._lock():  # lock file and folder appear together for cleaners
            writer_fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
            fcntl.flock(writer_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            tmp.mkdir()
        renamed = False
        try:
            written: dict[str, str] = {}

            def put(name: str, content: bytes) -> None:
                _write_file(tmp / name, content)
                written[name] = sha256(content)
                _pause()

            for table in frames:  # the typed frames (store/typed.py): three tables, targets/enterprises if given
                put(f"{table}.parquet", frames[table])
            put(ISSUES_FILE, typed.parquet_bytes(_issues_for_storage(issues)))
            used: set[str] = set()
            originals = {}
            for source in sources:
                if source.data:
                    stored = f"{ORIGINALS}/{_safe_name(source.name, used)}"
                    put(stored, source.data)
                    originals[source.name] = stored
            created = datetime.now().astimezone()
            # the optional tables too when delivered (Zielwerte, Unternehmen): the Daten page lists them as well
            tables = TABLE_NAMES + tuple(t for t in OPTIONAL_TABLES if t in rows_read and getattr(ds, t) is not None)
            read = {t: int(rows_read.get(t, len(getattr(ds, t)))) for t in tables}
            accepted = {t: int(len(getattr(ds, t))) for t in tables}
            manifest = {
                "format": FORMAT_VERSION,
                "id": snapshot_id,
                "snapshot_id": snapshot_id,
                "created_at": created.isoformat(timespec="microseconds"),
                "datenstand": f"{stand:%Y-%m-%d}",
                "source": T.SNAPSHOT_SOURCE.format(
                    created=created.strftime("%d.%m.%Y %H:%M"),
                    files=", ".join(s.name for s in sources) or ds.source or T.EXPORT_EMPTY),
                "rows_read": read,
                "rows_accepted": accepted,
                "rows_rejected": {t: max(read[t] - accepted[t], 0) for t in tables},
                "issues": {"errors": int((issues["severity"] == "error").sum()),
                           "warnings": int((issues["severity"] == "warning").sum()), "file": ISSUES_FILE},
                "source_files": [{"name": s.name, "sha256": s.sha256, "size": s.size, "tables": list(s.tables),
                                  "stored_as": originals.get(s.name)} for s in sources],
                "tables": {t: ds.files.get(t, "") for t in tables},
                "written_files": written,
                "typed": typed.manifest_part(ds, typed.typed_frames(ds)),
            }
            _write_file(tmp / MANIFEST, (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
            for path in tmp.rglob("*"):
                if path.is_file():
                    path.chmod(0o444)
            _fsync_dir(tmp)
            if (tmp / ORIGINALS).is_dir():
                _fsync_dir(tmp / ORIGINALS)
            final = self.root / snapshot_id
            with self._lock():
                already = False
                try:
                    os.rename(tmp, final)
                    renamed = True
                    _fsync_dir(self.root)
                except OSError as exc:
                    if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY) or self.get(snapshot_id) is None:
                        raise
                    already = True  # the same files were saved by another import meanwhile
                if activate:
                    self._set_active(snapshot_id)
                with contextlib.suppress(FileNotFoundError):
                    lock_path.unlink()
            info = self.get(snapshot_id)
            info.already_existed = already
            return info
        finally:
            if not renamed:
                shutil.rmtree(tmp, ignore_errors=True)
                with contextlib.suppress(FileNotFoundError):
                    lock_path.unlink()
            os.close(writer_fd)


__all__ = ["DEFAULT_DATA_DIR", "ENV_VAR", "SnapshotError", "SnapshotInfo", "SnapshotStore", "StoreStatus",
           "default_data_dir", "os_reason"]

if __name__ == "__main__":
    # python -m biwaq_data.store.snapshots verify (see store/integrity.py)
    raise SystemExit(main(open_store=lambda folder: SnapshotStore(default_data_dir(folder))))
