"""The active dataset, loaded once per data version and shared read-only by all sessions."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from biwaq_data import Dataset, load_dataset

PROJECT_DIR = Path(__file__).resolve().parent.parent
SAMPLE_DIR = PROJECT_DIR / "sample_data"


def active_source() -> Path:
    """Folder of the data to show: $BIWAQ_DATA_SOURCE if set, else the bundled sample."""
    override = os.environ.get("BIWAQ_DATA_SOURCE")
    return Path(override) if override else SAMPLE_DIR


def _version(folder: Path) -> str:
    """Changes whenever a file of the folder changes (name, size, modification time)."""
    return "|".join(f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in sorted(folder.iterdir())
                    if p.is_file())


@st.cache_resource(show_spinner="Daten werden geladen …", max_entries=4)
def _load(folder: str, version: str) -> Dataset:
    # cache_resource: one shared object, no copy per hit; pages only read it.
    return load_dataset(folder)


def current_dataset() -> Dataset:
    """The dataset of the active source (cached by its version key)."""
    folder = active_source()
    return _load(str(folder), _version(folder))
