"""What the snapshot store checks before it serves: German errors, manifest shape, file hashes, the verify command.

`python -m biwaq_data.store.snapshots verify [--data-dir DIR] [ID ...]` runs `main` below: the SHA-256 of every
file of every version against its manifest; exit code 1 when one fails or ACTIVE is broken.
"""

from __future__ import annotations

import errno
import hashlib
import io
import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import texts_de as T
from ..errors import DataError
from ..ingest.dataset import validate_tables
from ..ingest.reading import OPTIONAL_TABLES, TABLE_NAMES, read_parquet_bytes

HASH_CHUNK = 1 << 22
ACTIVE_FILE = "ACTIVE"
ISSUES_FILE = "issues.parquet"
ORIGINALS = "originals"

_OS_REASONS = {errno.EROFS: T.ERR_STORE_READ_ONLY, errno.EACCES: T.ERR_STORE_READ_ONLY,
               errno.EPERM: T.ERR_STORE_READ_ONLY, errno.ENOSPC: T.ERR_STORE_FULL, errno.EDQUOT: T.ERR_STORE_QUOTA,
               errno.ENOENT: T.ERR_STORE_MISSING, errno.ENOTDIR: T.ERR_STORE_MISSING}

log = logging.getLogger(__name__)


class SnapshotError(DataError):
    """A snapshot that must not be served (missing, changed or unreadable file, broken manifest)."""

    def __init__(self, message: str, snapshot_id: str | None = None):
        super().__init__(message)
        self.snapshot_id = snapshot_id


def os_reason(exc: OSError) -> str:
    """A German reason for a file-system error (never the English system text or a server path)."""
    return _OS_REASONS.get(exc.errno, T.ERR_STORE_OTHER.format(
        code=errno.errorcode.get(exc.errno, type(exc).__name__) if exc.errno else type(exc).__name__))


def valid_id(text: str | None) -> bool:
    return bool(text) and len(text) <= 64 and text.isalnum() and text.isascii()


def manifest_ok(manifest: object, folder_name: str) -> bool:
    """The manifest has what serving needs: its id, dates, and a hash for every table file."""
    if not isinstance(manifest, dict) or manifest.get("id") != folder_name:
        return False
    files = manifest.get("written_files")
    if not isinstance(files, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
        return False
    if not all(f"{t}.parquet" in files for t in TABLE_NAMES):
        return False
    try:
        pd.Timestamp(manifest["created_at"]), pd.Timestamp(manifest["datenstand"])
    except (KeyError, ValueError, TypeError):
        return False
    return all(isinstance(manifest.get(k, {}), dict) for k in ("rows_read", "rows_accepted", "rows_rejected"))


@dataclass
class StoreStatus:
    """Which snapshot is to be served and whether anything is known to be wrong before loading it.

    holds_snapshots: the folder holds an ACTIVE file or any snapshot folder (valid or not); then the sample
    is never shown. problem: German message when the active snapshot cannot be served.
    """

    snapshot_id: str | None
    problem: str | None = None
    holds_snapshots: bool = False


def store_status(store) -> StoreStatus:
    """`SnapshotStore.status()`: the snapshot to serve and what is known to be wrong before loading it."""
    if not store.root.is_dir():
        return StoreStatus(None)
    folders = store._snapshot_folders()
    pointer_exists = (store.root / ACTIVE_FILE).exists()
    holds = pointer_exists or bool(folders)
    wanted = store._raw_active_id()
    if pointer_exists and not valid_id(wanted):
        return StoreStatus(None, T.ERR_SNAPSHOT_ACTIVE_POINTER, holds)
    if wanted:
        folder = store.root / wanted
        if not folder.is_dir():
            return StoreStatus(wanted, T.ERR_SNAPSHOT_ACTIVE_MISSING.format(id=wanted), holds)
        if store._read_manifest(folder) is None:
            return StoreStatus(wanted, T.ERR_SNAPSHOT_MANIFEST.format(id=wanted), holds)
        return StoreStatus(wanted, None, holds)
    infos = store.list()
    if infos:
        return StoreStatus(infos[0].id, None, holds)
    if folders:  # only damaged snapshot folders
        newest = max(folders, key=lambda f: f.stat().st_mtime)
        return StoreStatus(newest.name, T.ERR_SNAPSHOT_MANIFEST.format(id=newest.name), holds)
    return StoreStatus(None, None, holds)


def file_problem(path: Path, digest: str, snapshot_id: str, name: str) -> str | None:
    """German problem of one listed file (missing, unreadable, other SHA-256; hashed in chunks), or None."""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(HASH_CHUNK):
                h.update(chunk)
    except FileNotFoundError:
        return T.ERR_SNAPSHOT_FILE_MISSING.format(id=snapshot_id, file=name)
    except OSError as exc:
        return T.ERR_SNAPSHOT_FILE_UNREADABLE.format(id=snapshot_id, file=name, reason=os_reason(exc))
    return None if h.hexdigest() == digest else T.ERR_SNAPSHOT_FILE_CHANGED.format(id=snapshot_id, file=name)


def snapshot_bytes(info, name: str) -> bytes:
    """The bytes of one file of a snapshot (SnapshotError in German when it is missing or unreadable)."""
    try:
        return (info.path / name).read_bytes()
    except FileNotFoundError:
        raise SnapshotError(T.ERR_SNAPSHOT_FILE_MISSING.format(id=info.id, file=name), info.id) from None
    except OSError as exc:
        raise SnapshotError(T.ERR_SNAPSHOT_FILE_UNREADABLE.format(id=info.id, file=name, reason=os_reason(exc)),
                            info.id) from None


def check_digest(info, name: str, digest: str | None) -> None:
    """SnapshotError unless `digest` (SHA-256 of the bytes read) is the one the manifest lists for `name`."""
    if digest is None or digest != info.manifest["written_files"].get(name):
        raise SnapshotError(T.ERR_SNAPSHOT_FILE_CHANGED.format(id=info.id, file=name), info.id)


def verified_bytes(info, name: str) -> bytes:
    """The bytes of one file of a snapshot, after checking them against the manifest's SHA-256."""
    data = snapshot_bytes(info, name)
    check_digest(info, name, hashlib.sha256(data).hexdigest())
    return data


def check_originals(info) -> None:
    """SnapshotError when an uploaded original (the audit trail) is missing or changed (hashed in chunks)."""
    for name, digest in info.manifest["written_files"].items():
        if name.startswith(f"{ORIGINALS}/"):
            problem = file_problem(info.path / name, digest, info.id, name)
            if problem:
                raise SnapshotError(problem, info.id)


def load_verified(info, *, today=None, load_typed=None):
    """The Dataset of one snapshot (`SnapshotInfo`), served only when everything checks out (SnapshotError
    otherwise). Every file is read once, its SHA-256 checked and those same bytes parsed; the originals are
    checked. Format 2 (``"format": 2``, store/typed.py): the typed frames as stored, rows, columns and dtypes
    checked against the manifest and `ingest.frames` by `load_typed` (store/typed.py, passed in by the store:
    it builds on this module). Format 1 (no typed frames): the input columns validated again
    (`validate_tables`); the accepted row counts must equal the manifest's."""
    try:
        if info.manifest.get("format") == 2:
            if load_typed is None:
                raise SnapshotError(T.ERR_SNAPSHOT_MANIFEST.format(id=info.id), info.id)
            return load_typed(info)  # checks the originals too (on its hashing thread)
        check_originals(info)
        ds, tables = _load_v1(info, today)
    except SnapshotError:
        raise
    except DataError as exc:
        raise SnapshotError(T.ERR_SNAPSHOT_LOAD.format(id=info.id, reason=str(exc)), info.id) from exc
    except Exception as exc:  # noqa: BLE001 - pyarrow/pandas raise many types; never a traceback
        log.exception("loading snapshot %s failed", info.id)
        raise SnapshotError(T.ERR_SNAPSHOT_LOAD.format(id=info.id, reason=type(exc).__name__), info.id) from exc
    ds.source = info.source
    ds.rows_read = info.rows_read or ds.rows_read
    ds.snapshot_id = info.id
    ds.files = {t: f"{t}.parquet" for t in tables}
    return ds


def _load_v1(info, today):
    """Format 1: the input columns of the data contract, validated again to the typed frames."""
    tables = TABLE_NAMES + tuple(t for t in OPTIONAL_TABLES if f"{t}.parquet" in info.manifest["written_files"])
    raws = {t: read_parquet_bytes(verified_bytes(info, f"{t}.parquet"), t, f"{t}.parquet") for t in tables}
    issues_bytes = verified_bytes(info, ISSUES_FILE) if ISSUES_FILE in info.manifest["written_files"] else None
    ds = validate_tables(raws, today=today, datenstand=info.manifest["datenstand"])
    for table in TABLE_NAMES:
        expected = info.rows_accepted.get(table)
        if expected is not None and int(expected) != len(getattr(ds, table)):
            raise SnapshotError(T.ERR_SNAPSHOT_ROWS.format(
                id=info.id, file=f"{table}.parquet", found=len(getattr(ds, table)), expected=expected), info.id)
    if issues_bytes is not None:
        ds.issues = pd.read_parquet(io.BytesIO(issues_bytes))
    return ds, tables


def main(argv: list[str] | None = None, open_store=None) -> int:
    """`python -m biwaq_data.store.snapshots verify [--data-dir DIR] [ID ...]`: check every (or the given) version.

    Prints one line per version; exit code 0 when all pass, 1 when one fails or ACTIVE is broken.
    """
    import argparse
    import sys

    parser = argparse.ArgumentParser(prog="python -m biwaq_data.store.snapshots", description=main.__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    verify = sub.add_parser("verify", help="SHA-256 of every file of every version against its manifest")
    verify.add_argument("--data-dir", default=None, help="data folder (default: $BIWAQ_DATA_DIR or data/snapshots)")
    verify.add_argument("ids", nargs="*")
    args = parser.parse_args(argv)
    store = open_store(args.data_dir)  # SnapshotStore of that folder (passed by store/snapshots.py)
    ids = args.ids or [i.id for i in store.list()] + [i for i, _ in store.damaged()]
    failed = False
    status = store.status()
    if status.problem and not args.ids:
        print(T.VERIFY_FAILED.format(id=status.snapshot_id or ACTIVE_FILE, problem=status.problem))
        failed = True
    if not ids and not failed:
        print(T.VERIFY_NONE.format(root=store.root))
    for snapshot_id in ids:
        problems = store.check(snapshot_id)
        if problems:
            failed = True
            for problem in problems:
                print(T.VERIFY_FAILED.format(id=snapshot_id, problem=problem))
        else:
            info = store.get(snapshot_id)
            print(T.VERIFY_OK.format(id=snapshot_id, files=len(info.manifest["written_files"])))
    sys.stdout.flush()
    return 1 if failed else 0
