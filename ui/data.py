"""The active dataset, loaded once per data version and shared read-only by all sessions.

Which data: $BIWAQ_DATA_SOURCE (a folder, for benchmarks and tests) if set; else the active snapshot of the
snapshot store (biwaq_data.store.snapshots, data folder from $BIWAQ_DATA_DIR or secrets); else the bundled sample.
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from biwaq_data import Dataset, load_dataset
from biwaq_data.store.snapshots import SnapshotStore, default_data_dir

PROJECT_DIR = Path(__file__).resolve().parent.parent
SAMPLE_DIR = PROJECT_DIR / "sample_data"


def snapshot_store() -> SnapshotStore:
    """The snapshot store of this deployment."""
    return SnapshotStore(default_data_dir())


def active_source() -> Path:
    """Folder of the data to show (see module docstring)."""
    override = os.environ.get("BIWAQ_DATA_SOURCE")
    if override:
        return Path(override)
    return snapshot_store().active_path() or SAMPLE_DIR


def _version(folder: Path) -> str:
    """Changes whenever the data change: a snapshot's id (immutable folder), else the files' names/sizes/mtimes."""
    if (folder / "manifest.json").exists():
        return folder.name
    return "|".join(f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in sorted(folder.iterdir())
                    if p.is_file())


@st.cache_resource(show_spinner="Daten werden geladen …", max_entries=4)
def _load(folder: str, version: str) -> Dataset:
    # cache_resource: one shared object, no copy per hit; pages only read it.
    path = Path(folder)
    if (path / "manifest.json").exists():
        return snapshot_store().load(path.name) if path.parent == snapshot_store().root else load_dataset(path)
    return load_dataset(path)


def current_dataset() -> Dataset:
    """The dataset of the active source (cached by its version key)."""
    folder = active_source()
    return _load(str(folder), _version(folder))
