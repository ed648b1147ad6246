"""Snapshot format 2: the Dataset's typed frames as they are, so that loading is little more than reading them.

Written at import (`SnapshotStore.save`): one Parquet file per table (``participants``, ``outcomes``,
``services``, and ``targets``/``enterprises`` when delivered) holding every column of the frame `load_dataset`
built – input and derived (ortsteil/bezirk, age, age group, best outcome, first outcome date, person index,
source_row, …), categoricals as Arrow dictionaries – in the layout of `ingest.frames`. The manifest records
``"format": 2`` and under ``"typed"`` what rebuilding the Dataset needs beyond the frames: the optional
participant columns the upload had (``provided``), the data-dependent categories, and each table's file and
row count (Datenstand, rows read and source are in the manifest as before).

The typed files hold every input column, so there is no second copy in input columns: `load_dataset(<snapshot>)`
re-validates a format-2 snapshot from them (`ingest.frames.as_input`), and the uploaded originals stay as the
audit trail.

Loading (`load_typed`): each file is read once; a worker thread hashes those bytes while pyarrow parses the
same bytes, and nothing made from them is used before the SHA-256 equals the manifest's (the originals are
hashed on that thread meanwhile; parsing bytes not yet verified adds no risk the upload path does not already
take: it parses uploaded Parquet with the same reader). Row count (Parquet footer) = manifest, columns, dtypes and categories =
`ingest.frames` layout, else a German SnapshotError. No cell is validated again. One table at a time, largest
first: bytes -> Arrow (bytes dropped) -> pandas with `self_destruct` (Arrow buffers freed column by column), so
peak memory stays near the result.
"""

from __future__ import annotations

import hashlib
import logging
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .. import texts_de as T
from ..errors import DataError
from ..ingest import frames
from ..ingest.dataset import Dataset
from ..ingest.reading import OPTIONAL_TABLES, TABLE_NAMES
from ..ingest.targets import empty_targets
from .integrity import ISSUES_FILE, SnapshotError, check_digest, check_originals, snapshot_bytes, verified_bytes

FORMAT = 2

log = logging.getLogger(__name__)


def typed_frames(ds: Dataset) -> dict[str, pd.DataFrame]:
    """The frames a format-2 snapshot stores: the three tables, targets when it has rows, enterprises when
    delivered."""
    out = {t: getattr(ds, t) for t in TABLE_NAMES}
    if ds.targets is not None and len(ds.targets):
        out["targets"] = ds.targets
    if ds.enterprises is not None:
        out["enterprises"] = ds.enterprises
    for table, frame in out.items():  # what could not be loaded back is not stored (a frame built by hand)
        problem = frames.layout_problem(table, frame)
        if problem:
            log.error("not stored: %s does not have the layout of ingest.frames (%s)", table, problem)
            raise DataError(T.ERR_SNAPSHOT_NOT_ACCEPTED)
    return out


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    """A frame as Parquet bytes, every column with its dtype (categoricals as dictionaries, no index)."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return sink.getvalue().to_pybytes()


def manifest_part(ds: Dataset, stored: dict[str, pd.DataFrame]) -> dict:
    """The manifest's ``"typed"`` entry: provided columns, data-dependent categories, files and rows per table."""
    return {
        "provided": None if ds.provided is None else sorted(ds.provided),
        "tables": {t: {"file": f"{t}.parquet", "rows": int(len(f))} for t, f in stored.items()},
        "categories": {t: {c: [str(v) for v in f[c].cat.categories] for c in frames.free_categories(t)}
                       for t, f in stored.items()},
    }


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()  # releases the GIL: runs while pyarrow parses


def _read_frame(info, table: str, spec: dict, hasher: ThreadPoolExecutor) -> pd.DataFrame:
    """One table: bytes read once, hashed (worker thread) while pyarrow parses them; nothing made from them is
    used before the hash matches. Then rows, pandas (`self_destruct`), layout; SnapshotError otherwise."""
    name = spec["file"]
    data = snapshot_bytes(info, name)
    digest = hasher.submit(_sha256, data)
    try:
        parquet = pq.ParquetFile(pa.py_buffer(data))
        rows = parquet.metadata.num_rows
        arrow = parquet.read(use_threads=True) if rows == int(spec["rows"]) else None
    except Exception:  # noqa: BLE001 - pyarrow raises several types for a broken file
        check_digest(info, name, digest.result())  # a changed file is reported as changed
        raise SnapshotError(T.ERR_SNAPSHOT_LOAD.format(id=info.id, reason=T.ERR_PARQUET_BROKEN.format(
            file=name)), info.id) from None
    check_digest(info, name, digest.result())
    del parquet, data  # the Arrow columns are decoded copies: the file's bytes can go
    if arrow is None:
        raise SnapshotError(T.ERR_SNAPSHOT_ROWS.format(id=info.id, file=name, found=rows, expected=spec["rows"]),
                            info.id)
    frame = arrow.to_pandas(self_destruct=True, split_blocks=True, use_threads=True)
    del arrow
    if table == "targets" and "provider" in frame:  # str or None (whole programme), as parse_targets gives it
        frame["provider"] = frame["provider"].astype(object).where(frame["provider"].notna(), None)
    problem = frames.layout_problem(table, frame, info.manifest["typed"]["categories"].get(table, {}))
    if problem:
        raise SnapshotError(T.ERR_SNAPSHOT_LAYOUT.format(id=info.id, file=name, problem=problem), info.id)
    return frame


def _size(info, name: str) -> int:
    try:
        return (info.path / name).stat().st_size
    except OSError:
        return 0  # reported when it is read


def load_typed(info) -> Dataset:
    """The Dataset of a format-2 snapshot (`SnapshotInfo`), checked as the module docstring says.

    Largest file first (peak memory: the biggest transient while little else is held); the originals are hashed
    on the hashing thread meanwhile.
    """
    typed = info.manifest.get("typed")
    if not isinstance(typed, dict) or not all(t in typed.get("tables", {}) for t in TABLE_NAMES):
        raise SnapshotError(T.ERR_SNAPSHOT_MANIFEST.format(id=info.id), info.id)
    order = sorted((t for t in TABLE_NAMES + OPTIONAL_TABLES if t in typed["tables"]),
                   key=lambda t: -_size(info, typed["tables"][t]["file"]))
    tables: dict[str, pd.DataFrame] = {}
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="snapshot-sha256") as hasher:
        originals = None
        for table in order:
            tables[table] = _read_frame(info, table, typed["tables"][table], hasher)
            originals = originals or hasher.submit(check_originals, info)
        originals.result()
    issues = pq.ParquetFile(pa.py_buffer(verified_bytes(info, ISSUES_FILE))).read().to_pandas()
    provided = typed.get("provided")
    return Dataset(tables["participants"], tables["outcomes"], tables["services"], issues,
                   pd.Timestamp(info.manifest["datenstand"]), source=info.source, snapshot_id=info.id,
                   files={t: f"{t}.parquet" for t in TABLE_NAMES + OPTIONAL_TABLES if t in tables},
                   rows_read=info.rows_read, targets=tables.get("targets", empty_targets()),
                   enterprises=tables.get("enterprises"), provided=None if provided is None else frozenset(provided))
