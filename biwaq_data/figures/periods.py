"""Period presets and the previous period of the same length (period comparison). Pure, no Streamlit.

Presets (the period is always an entry-date range, like the sidebar's Zeitraum):
- "quarter" / "half" / "year": the last **complete** calendar quarter / half-year / year on or before the
  Datenstand (Datenstand 30.09.2026: Q3 2026, first half of 2026, 2025). Previous period: the calendar
  quarter / half-year / year before it ("Vorquartal", "Vorhalbjahr", "Vorjahr").
- "custom": the dates chosen; previous period: the same number of days directly before the start.
- "all": the whole programme; no comparison.
A previous period that starts before the programme (01.01.2023) is not compared (None).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd

from ..ingest import schema
from .filters import Filters

PRESETS = ("all", "year", "half", "quarter", "custom")
_MONTHS = {"quarter": 3, "half": 6, "year": 12}


def _period_end_on_or_before(day: pd.Timestamp, months: int) -> pd.Timestamp:
    """Last day of the latest complete calendar block of `months` months ending on or before `day`."""
    day = pd.Timestamp(day).normalize()
    block_start = pd.Timestamp(day.year, (day.month - 1) // months * months + 1, 1)
    block_end = block_start + pd.DateOffset(months=months) - pd.Timedelta(days=1)
    return block_end if block_end <= day else block_start - pd.Timedelta(days=1)


def preset_period(preset: str, datenstand) -> tuple[date, date] | None:
    """(start, end) of a calendar preset, None for "all" and "custom"."""
    if preset not in _MONTHS:
        return None
    months = _MONTHS[preset]
    end = _period_end_on_or_before(pd.Timestamp(datenstand), months)
    start = end + pd.Timedelta(days=1) - pd.DateOffset(months=months)
    return start.date(), end.date()


def previous_period(start, end, preset: str) -> tuple[date, date] | None:
    """The period of the same length directly before (see module docstring); None when there is none."""
    if start is None or end is None or preset == "all":
        return None
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if preset in _MONTHS:
        prev_start = start - pd.DateOffset(months=_MONTHS[preset])
        prev_end = start - pd.Timedelta(days=1)
    else:
        prev_end = start - pd.Timedelta(days=1)
        prev_start = prev_end - (end - start)
    if prev_start < pd.Timestamp(schema.PROGRAMME_START):
        return None
    return prev_start.date(), prev_end.date()


def previous_filters(filters: Filters, preset: str, start, end) -> Filters | None:
    """The same filters for the period before `start` … `end` (the period shown, e.g. `metrics.period`);
    None when there is none."""
    prev = previous_period(start, end, preset)
    if prev is None:
        return None
    return replace(filters, period_start=prev[0], period_end=prev[1])


def change(current, previous) -> float | None:
    """current − previous (rates: in percentage points); None when either is missing or withheld."""
    values = (current, previous)
    if any(v is None or v is pd.NA or (isinstance(v, float) and v != v) for v in values):
        return None
    return float(current) - float(previous)
