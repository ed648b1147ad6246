"""Shared fixtures of the test suite. Keep this file small: helpers belong in the test file that uses them."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `pytest` without `python -m` does not put the project root on sys.path
    sys.path.insert(0, str(ROOT))

import biwaq_data  # noqa: E402


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    """The committed sample data folder (written by `python -m biwaq_data.tools.sample`)."""
    return ROOT / "sample_data"


@pytest.fixture(scope="session")
def sample_dataset(sample_dir):
    """The committed sample data, loaded once per test session (read-only: do not modify its frames)."""
    return biwaq_data.load_dataset(sample_dir)


@pytest.fixture(scope="session")
def today() -> pd.Timestamp:
    """A fixed 'today' for loading hand-written fixtures, so future-date checks do not depend on the clock."""
    return pd.Timestamp("2026-11-25")
