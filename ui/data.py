"""The active dataset, loaded once per data version and shared read-only by all sessions.

Which data: $BIWAQ_DATA_SOURCE (a folder, for benchmarks and tests) if set; else the active snapshot of the
snapshot store (biwaq_data.store.snapshots, data folder from $BIWAQ_DATA_DIR or secrets); the bundled sample only
when the data folder holds no snapshot at all. A snapshot that fails its checks (missing or changed file,
broken manifest, ACTIVE naming a missing version) is never served: `data_state()` then carries the German
problem, `current_dataset()` shows the banner and stops the page, and only the Daten page goes on (without
figures) so that another version can be activated or a fix imported.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from biwaq_data import Dataset, load_dataset
from biwaq_data import texts_de as T
from biwaq_data.errors import DataError
from biwaq_data.formatting import escape_markdown
from biwaq_data.store.snapshots import SnapshotStore, default_data_dir

PROJECT_DIR = Path(__file__).resolve().parent.parent
SAMPLE_DIR = PROJECT_DIR / "sample_data"
log = logging.getLogger(__name__)


@dataclass
class DataState:
    """What this run shows. origin: "snapshot", "sample" or "folder" ($BIWAQ_DATA_SOURCE).

    dataset is None exactly when `problem` (German) says why nothing can be served.
    """

    dataset: Dataset | None
    origin: str
    problem: str | None = None
    snapshot_id: str | None = None

    @property
    def sample(self) -> bool:
        return self.origin == "sample"


def snapshot_store() -> SnapshotStore:
    """The snapshot store of this deployment."""
    return SnapshotStore(default_data_dir())


def active_source() -> Path:
    """Folder of the data to show (see module docstring); the active snapshot's folder even when it is damaged."""
    override = os.environ.get("BIWAQ_DATA_SOURCE")
    if override:
        return Path(override)
    status = snapshot_store().status()
    if status.holds_snapshots:
        return snapshot_store().root / (status.snapshot_id or "ACTIVE")
    return SAMPLE_DIR


def _version(folder: Path) -> str:
    """Changes whenever the data change: the files' names/sizes/mtimes."""
    return "|".join(f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in sorted(folder.iterdir())
                    if p.is_file())


@st.cache_resource(show_spinner="Daten werden geladen …", max_entries=4)
def _load_folder(folder: str, version: str) -> Dataset:
    # cache_resource: one shared object, no copy per hit; pages only read it.
    ds = load_dataset(Path(folder))
    if Path(folder).resolve() == SAMPLE_DIR.resolve():
        ds.sample = True  # decided by where the data came from
    return ds


@st.cache_resource(show_spinner="Daten werden geladen …", max_entries=4)
def _load_snapshot(root: str, snapshot_id: str) -> Dataset:
    # Snapshot folders are immutable: the id is the version. Verified at load (SnapshotStore.load); a failure
    # raises and is not cached, so the next run checks again (e.g. after the folder was restored).
    return SnapshotStore(root).load(snapshot_id)


_served: dict[str, str] = {}  # store root -> the snapshot id this process last served


def _load_active(root: str, snapshot_id: str) -> Dataset:
    """The active snapshot; when ACTIVE has moved on, the versions cached before are dropped first, so a
    process holds one loaded version (about 650 MB at 1.000.000), not four, after several imports. Sessions
    still showing the old version keep their object until their next rerun."""
    if _served.get(root, snapshot_id) != snapshot_id:
        _load_snapshot.clear()
    _served[root] = snapshot_id
    return _load_snapshot(root, snapshot_id)


def data_state() -> DataState:
    """The data of this run, or the German reason why none can be shown (see module docstring)."""
    override = os.environ.get("BIWAQ_DATA_SOURCE")
    if override:
        folder = Path(override)
        try:
            return DataState(_load_folder(str(folder), _version(folder)), "folder")
        except (DataError, OSError) as exc:
            return DataState(None, "folder", str(exc) if isinstance(exc, DataError) else T.ERR_STORE_MISSING)
    store = snapshot_store()
    status = store.status()
    if not status.holds_snapshots:
        return DataState(_load_folder(str(SAMPLE_DIR), _version(SAMPLE_DIR)), "sample")
    if status.problem:
        return DataState(None, "snapshot", status.problem, status.snapshot_id)
    try:
        dataset = _load_active(str(store.root), status.snapshot_id)
    except DataError as exc:
        return DataState(None, "snapshot", str(exc), status.snapshot_id)
    except Exception as exc:  # noqa: BLE001 - a page never shows a traceback with server paths
        log.exception("loading the active snapshot failed")
        return DataState(None, "snapshot", T.ERR_SNAPSHOT_LOAD.format(id=status.snapshot_id,
                                                                      reason=type(exc).__name__), status.snapshot_id)
    return DataState(dataset, "snapshot", None, status.snapshot_id)


def show_problem(state: DataState, data_manager: bool) -> None:
    """The German banner for data that cannot be served."""
    hint = T.STORE_BROKEN_HINT_MANAGER if data_manager else T.STORE_BROKEN_HINT_OTHERS
    st.error(f"{T.STORE_BROKEN_BANNER.format(problem=escape_markdown(state.problem))} {hint}", icon=":material/gpp_bad:")


def current_dataset() -> Dataset:
    """The dataset of the active source (cached by its version key); stops the page with the banner when the
    active data cannot be served."""
    state = data_state()
    if state.dataset is None:
        show_problem(state, data_manager=False)
        st.stop()
    return state.dataset


@st.cache_resource(max_entries=8)
def _per_version(dataset_id: int, version: str, name: str, _dataset: Dataset, _compute):
    return _compute(_dataset)


def per_version(dataset: Dataset, name: str, compute):
    """compute(dataset) once per data version, shared read-only by all sessions (choices, defaults, lists)."""
    return _per_version(id(dataset), dataset.version, name, dataset, compute)
