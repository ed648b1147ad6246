"""Safe exports: formula injection neutralised, German CSV, formatted Excel with Datenstand and snapshot id."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from biwaq_data import load_dataset
from biwaq_data import texts_de as T
from biwaq_data.publish.export import (export_meta, meta_items, neutralise_formulas, safe_cell, to_csv_bytes,
                               to_excel_bytes)

HYPERLINK = '=HYPERLINK("http://evil.example","klick")'


@pytest.mark.parametrize(("value", "expected"), [
    (HYPERLINK, "'" + HYPERLINK),
    ("+49 203 123", "'+49 203 123"),
    ("-2+3", "'-2+3"),
    ("@SUMME(A1)", "'@SUMME(A1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("Marxloh", "Marxloh"),
    ("a=b", "a=b"),
    ("", ""),
    (-5, -5),
    (-2.5, -2.5),
    (None, None),
])
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def frame() -> pd.DataFrame:
    return pd.DataFrame({
        "Träger": [HYPERLINK, "GfB Hochfeld", "-Minus", "@x"],
        "Ortsteil": pd.Categorical(["=1+1", "Marxloh", "Hochfeld", "Marxloh"]),
        "Teilnehmende": [1234, -5, 0, 12],
        "Stunden": [2.5, -1.25, float("nan"), 1000.0],
        "Vermittlungsquote": [0.245, 0.5, float("nan"), 1.0],
        "Ergebnisquote (%)": [24.5, 50.0, float("nan"), 100.0],
        "Eintritt": pd.to_datetime(["2025-03-31", "2024-01-02", None, "2023-12-24"]),
        "langzeitarbeitslos": [True, False, True, False],
        "Geburtsjahr": pd.array([1990, 2001, None, 1975], dtype="Int64"),
        "=Kopf": ["a", "b", "c", "d"],
    })


def test_neutralise_formulas_only_touches_text():
    out = neutralise_formulas(frame())
    assert list(out["Träger"]) == ["'" + HYPERLINK, "GfB Hochfeld", "'-Minus", "'@x"]
    assert list(out["Ortsteil"].astype(str)) == ["'=1+1", "Marxloh", "Hochfeld", "Marxloh"]
    assert list(out["Teilnehmende"]) == [1234, -5, 0, 12] and out["Teilnehmende"].dtype == "int64"
    assert out["Stunden"].iloc[1] == -1.25
    assert "'=Kopf" in out.columns
    assert frame()["Träger"].iloc[0] == HYPERLINK  # the input is not changed


META = {"datenstand": pd.Timestamp("2026-09-30"), "snapshot_id": "9bea79c5101fd057", "source": "=cmd|' /C calc'!A0",
        "definitions": {"Vermittlungsquote": T.METRIC_DEFINITIONS["placement_rate"]}}


def test_csv_is_german_excel_ready_and_safe():
    data = to_csv_bytes(frame(), META)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    lines = text.split("\n")
    assert lines[0] == "Datenstand;30.09.2026"
    assert lines[1] == "Snapshot-ID;9bea79c5101fd057"
    assert lines[2] == "Quelle;'=cmd|' /C calc'!A0"  # meta is neutralised too
    assert lines[3].startswith("Definitionen: Vermittlungsquote;(Beschäftigung + Ausbildung)")
    assert lines[4] == ""
    table = pd.read_csv(io.StringIO("\n".join(lines[5:])), sep=";", dtype=str, keep_default_na=False)
    assert list(table.columns)[-1] == "'=Kopf"
    assert list(table["Träger"]) == ["'" + HYPERLINK, "GfB Hochfeld", "'-Minus", "'@x"]
    assert list(table["Teilnehmende"]) == ["1234", "-5", "0", "12"]  # numbers untouched
    assert list(table["Stunden"]) == ["2,5", "-1,25", "", "1000,0"]
    assert list(table["Eintritt"]) == ["31.03.2025", "02.01.2024", "", "24.12.2023"]
    assert list(table["langzeitarbeitslos"]) == ["ja", "nein", "ja", "nein"]
    bottom = to_csv_bytes(frame(), META, meta_position="bottom").decode("utf-8-sig").split("\n")
    assert bottom[0].startswith("Träger;Ortsteil") and "Datenstand;30.09.2026" in bottom


def test_excel_has_typed_cells_german_formats_and_notes():
    data = to_excel_bytes({"Übersicht": frame(), "Sheet/with:bad*chars?": frame().head(1)}, META)
    book = openpyxl.load_workbook(io.BytesIO(data))  # formulas would show as data_type "f"
    assert book.sheetnames == ["Übersicht", "Sheet_with_bad_chars_", "Hinweise"]
    ws = book["Übersicht"]
    header = [c.value for c in ws[1]]
    assert header[-1] == "'=Kopf"
    col = {name: i + 1 for i, name in enumerate(header)}
    assert ws.cell(2, col["Träger"]).value == "'" + HYPERLINK and ws.cell(2, col["Träger"]).data_type == "s"
    assert ws.cell(2, col["Ortsteil"]).value == "'=1+1"
    minus = ws.cell(3, col["Teilnehmende"])
    assert minus.value == -5 and minus.data_type == "n" and minus.number_format == "#,##0"
    assert ws.cell(2, col["Teilnehmende"]).value == 1234
    rate = ws.cell(2, col["Vermittlungsquote"])
    assert rate.value == pytest.approx(0.245) and rate.number_format == "0.0%"
    percent = ws.cell(2, col["Ergebnisquote (%)"])
    assert percent.value == pytest.approx(24.5) and percent.number_format == "#,##0.0"
    assert ws.cell(3, col["Stunden"]).value == -1.25 and ws.cell(3, col["Stunden"]).number_format == "#,##0.0"
    assert ws.cell(4, col["Stunden"]).value is None
    assert ws.cell(2, col["Eintritt"]).value == pd.Timestamp("2025-03-31").to_pydatetime()
    assert ws.cell(2, col["Eintritt"]).number_format.upper() == "DD.MM.YYYY"
    assert ws.cell(2, col["Geburtsjahr"]).number_format == "0"  # a year, not 1.990
    assert ws.cell(2, col["langzeitarbeitslos"]).value is True
    assert all(c.data_type != "f" for sheet in book for row in sheet.iter_rows() for c in row)
    assert "Datenstand: 30.09.2026" in ws.oddFooter.left.text
    notes = {r[0]: r[1] for r in book["Hinweise"].iter_rows(values_only=True)}
    assert notes["Datenstand"] == "30.09.2026" and notes["Snapshot-ID"] == "9bea79c5101fd057"
    assert notes["Quelle"].startswith("'=cmd")
    assert notes["Definitionen: Vermittlungsquote"] == T.METRIC_DEFINITIONS["placement_rate"]


def test_export_meta_from_dataset():
    ds = load_dataset("sample_data")
    items = dict(meta_items(export_meta(ds, definitions={"Teilnehmende": "Personen"})))
    assert items["Datenstand"] == "30.09.2026"
    assert items["Snapshot-ID"] == T.SNAPSHOT_NONE
    assert items["Definitionen: Teilnehmende"] == "Personen"
