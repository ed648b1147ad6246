"""Quartalsbericht (issue 16): Excel and PDF in publication mode; targets only here, not in the press kit."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest

import biwaq_data as b
from biwaq_data import texts_de as T
from biwaq_data.figures import targets as tg
from biwaq_data.publish import presskit, quarterly

QUARTER = b.Filters(period_start=date(2026, 7, 1))


def _sheets(data: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}


def test_quarterly_excel_contents(sample_dataset):
    sheets = _sheets(quarterly.quarterly_excel(sample_dataset, QUARTER, "quarter"))
    S = T.QUARTERLY_SHEETS
    assert set(S.values()) <= set(sheets)
    figures = {row[0]: row[1:4] for row in sheets[S["figures"]][1:]}
    now = b.publication.selection(sample_dataset, QUARTER).headline()
    before = b.publication.selection(sample_dataset, b.Filters(period_start=date(2026, 4, 1),
                                                               period_end=date(2026, 6, 30))).headline()
    for key in ("participants", "unemployed", "employment"):
        value, previous, change = figures[T.METRIC_LABELS[key]]
        assert (value, previous) == tuple("*" if key in f.suppressed else f[key] for f in (now, before))
        withheld = key in now.suppressed or key in before.suppressed
        assert change == ("–" if withheld else now[key] - before[key])
    assert len(sheets[S["targets"]]) - 1 == len(tg.progress(sample_dataset))
    assert [r[1] for r in sheets[S["cohorts"]][1:3]] == ["60", "68"]  # text: "*" where withheld  # all quarters, not only the chosen one
    notes = {r[0]: r[1] for r in sheets[T.EXPORT_NOTES_SHEET] if r and r[0]}
    assert notes[T.QUARTERLY_PREVIOUS_LABEL] == "01.04.2026 – 30.06.2026"
    # a quarter is in the publication set: its unemployed count is not a programme cell, so it is rounded (issue 13)
    assert "unemployed" in now.rounded_keys and figures[T.METRIC_LABELS["unemployed"]][0] == now["unemployed"] == 10


def test_press_kit_and_exports_leave_targets_out(sample_dataset):
    sheets = _sheets(presskit.presskit_excel(sample_dataset))
    text = " ".join(str(c) for rows in sheets.values() for row in rows for c in row if c is not None)
    assert T.QUARTERLY_SHEETS["targets"] not in sheets and T.COLUMN_LABELS["target"] not in text
    assert "Soll" not in text.replace("Soll-", "")  # no Soll column either


def test_quarterly_pdf(sample_dataset):
    if presskit.unavailable_reason():
        pytest.skip("Chromium fehlt")
    pdf = quarterly.quarterly_pdf(sample_dataset, QUARTER, "quarter")
    assert pdf.startswith(b"%PDF")
    html = quarterly.quarterly_html(sample_dataset, QUARTER, "quarter")
    assert T.QUARTERLY_TITLE in html and T.TARGET_ALL_PROVIDERS in html and "nan" not in html
