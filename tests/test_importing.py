"""check_upload: every bad input of issue 6 through the function the Daten page calls."""

from __future__ import annotations

import functools
import hashlib
import io
import time
import tomllib
from datetime import datetime
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xlsxwriter

from biwaq_data import metrics
from biwaq_data import texts_de as T
from biwaq_data.store.importing import MAX_UPLOAD_MB, ImportReport, check_upload, issues_to_excel

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
TODAY = pd.Timestamp("2026-10-01")
NAMES = {"participants": "participants.csv", "outcomes": "outcomes.csv", "services": "services.csv"}
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 40


def sample_bytes() -> dict[str, bytes]:
    return {t: (SAMPLE / n).read_bytes() for t, n in NAMES.items()}


def sample_frames() -> dict[str, pd.DataFrame]:
    return {t: pd.read_csv(SAMPLE / n, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
            for t, n in NAMES.items()}


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(sep=";", index=False, lineterminator="\n").encode("utf-8-sig")


def upload(**overrides: bytes | None) -> list[tuple[str, bytes]]:
    """The sample files, with some replaced (table=bytes) or left out (table=None)."""
    data = sample_bytes()
    files = []
    for table, name in NAMES.items():
        content = overrides.get(table, data[table])
        if content is not None:
            files.append((name, content))
    return files


def check(files, **kwargs) -> ImportReport:
    kwargs.setdefault("today", TODAY)
    return check_upload(files, **kwargs)


def workbook_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="xlsxwriter") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return buf.getvalue()


@pytest.fixture(scope="module")
def baseline() -> ImportReport:
    report = check(upload())
    assert report.ok, report.error
    return report


# --- accepted uploads ------------------------------------------------------------


def test_sample_upload_is_accepted_with_counts_and_hashes(baseline):
    assert baseline.error is None
    assert baseline.counts["participants"] == {"file": "participants.csv", "read": 827, "accepted": 827, "rejected": 0}
    assert baseline.counts["services"]["read"] == baseline.counts["services"]["accepted"] == 2836
    assert metrics.headline(baseline.dataset)["participants"] == 827
    data = sample_bytes()
    assert baseline.source_hashes == {n: hashlib.sha256(data[t]).hexdigest() for t, n in NAMES.items()}
    assert len(baseline.snapshot_id) == 16
    assert list(baseline.issues_de().columns) == ["Datei", "Zeile", "Spalte", "Wert", "Meldung", "Schwere"]
    assert list(baseline.counts_frame().columns) == ["Tabelle", "Datei", "gelesen", "übernommen", "abgelehnt"]


def test_german_file_names_one_workbook_and_parquet(baseline, tmp_path):
    data = sample_bytes()
    german = [("Teilnehmende.csv", data["participants"]), ("2026-09_ergebnisse_export.csv", data["outcomes"]),
              ("Leistungen (1).csv", data["services"])]
    report = check(german)
    assert report.ok, report.error
    assert report.snapshot_id == baseline.snapshot_id  # same content, same tables: same id

    frames = sample_frames()
    book = workbook_bytes({"Teilnehmende": frames["participants"], "Ergebnisse": frames["outcomes"],
                           "Leistungen": frames["services"]})
    report = check([("BIWAQ Export.xlsx", book)])
    assert report.ok, report.error
    assert metrics.headline(report.dataset) == metrics.headline(baseline.dataset)
    assert report.counts["outcomes"]["file"] == "BIWAQ Export.xlsx › Ergebnisse"
    assert report.files[0].tables == ("participants", "outcomes", "services")

    parquet = []
    for table, frame in frames.items():
        buf = io.BytesIO()
        frame.to_parquet(buf, index=False)
        parquet.append((f"{table}.parquet", buf.getvalue()))
    report = check(parquet)
    assert report.ok, report.error
    assert metrics.headline(report.dataset) == metrics.headline(baseline.dataset)


def test_file_without_table_name_is_recognised_by_its_headers(baseline):
    files = [("export_a.csv" if name == "participants.csv" else name, content) for name, content in upload()]
    report = check(files)
    assert report.ok, report.error
    assert report.counts["participants"]["file"] == "export_a.csv"


def test_excel_unicode_text_utf16_is_read(baseline):
    text = sample_bytes()["participants"].decode("utf-8-sig")
    report = check(upload(participants=text.encode("utf-16")))
    assert report.ok, report.error
    assert report.counts["participants"]["accepted"] == 827


def test_rejected_rows_are_reported_and_accepted_rows_stay_intact(baseline):
    frames = sample_frames()
    p = frames["participants"].copy()
    p.loc[4, "Eintrittsdatum"] = "31.02.2025"  # sheet row 6
    p.loc[9, "Ortsteil"] = "Marxlo"  # sheet row 11
    p.loc[20, "Geburtsjahr"] = "neunzehn"  # sheet row 22
    bad_ids = set(p.loc[[4, 9, 20], "Teilnehmer-ID"])
    report = check(upload(participants=csv_bytes(p)))
    assert report.ok, report.error
    assert report.counts["participants"] == {"file": "participants.csv", "read": 827, "accepted": 824, "rejected": 3}
    errors = report.issues[report.issues["severity"] == "error"]
    got = set(zip(errors["file"], errors["row"].astype(int), errors["column"]))
    assert {("participants.csv", 6, "Eintrittsdatum"), ("participants.csv", 11, "Ortsteil"),
            ("participants.csv", 22, "Geburtsjahr")} <= got
    assert "Marxloh" in errors.loc[errors["row"] == 11, "message"].iloc[0]  # suggestion
    # their outcomes and services are rejected too, everything else is untouched
    assert report.counts["outcomes"]["rejected"] == int(frames["outcomes"]["Teilnehmer-ID"].isin(bad_ids).sum())
    before = baseline.dataset.participants
    kept = before[~before["participant_id"].isin(bad_ids)].drop(columns=["source_row"]).reset_index(drop=True)
    after = report.dataset.participants.drop(columns=["source_row"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(kept, after, check_categorical=False)


# --- bad input: a clear German message, never a traceback ----------------------


def test_empty_file():
    report = check(upload(outcomes=b""))
    assert not report.ok and report.dataset is None
    assert "outcomes.csv" in report.error and "leer" in report.error


def test_header_only():
    report = check(upload(services="\ufeffTeilnehmer-ID;Leistung;Beginn;Stunden\n".encode("utf-8")))
    assert "services.csv" in report.error and "nur die Kopfzeile" in report.error


@pytest.mark.parametrize(("content", "word"), [
    (workbook_bytes({"Tabelle1": pd.DataFrame({"a": [1]})}), "Excel-Arbeitsmappe"),
    (PNG, "PNG"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "PDF"),
])
def test_wrong_file_type_behind_csv_name(content, word):
    report = check(upload(participants=content))
    assert report.dataset is None
    assert "participants.csv" in report.error and word in report.error and ".csv" in report.error


def test_csv_renamed_to_xlsx():
    report = check([("export.xlsx", sample_bytes()["participants"])])
    assert "export.xlsx" in report.error and "Textdatei (CSV)" in report.error


def test_unknown_encoding_names_file_and_line():
    data = sample_bytes()["participants"].split(b"\n")
    data[2] = data[2].replace(b"Marxloh", b"Marx\x81loh", 1)  # 0x81: neither UTF-8 nor Windows-1252
    report = check(upload(participants=b"\n".join(data)))
    assert "participants.csv" in report.error and "Zeile 3" in report.error and "Zeichenkodierung" in report.error


def test_windows_1252_is_read():
    text = sample_bytes()["participants"].decode("utf-8-sig")
    report = check(upload(participants=text.encode("cp1252")))
    assert report.ok, report.error
    assert "Werkkiste Marxloh" in set(report.dataset.participants["provider"].astype(str))


def test_missing_column_names_file_and_column():
    p = sample_frames()["participants"].drop(columns=["Träger"])
    report = check(upload(participants=csv_bytes(p)))
    assert "participants.csv" in report.error and "Träger" in report.error


def test_missing_sheet_names_workbook_and_sheets():
    frames = sample_frames()
    book = workbook_bytes({"Teilnehmende": frames["participants"], "Ergebnisse": frames["outcomes"]})
    report = check([("export.xlsx", book)])
    assert report.dataset is None
    assert "export.xlsx" in report.error and "Leistungen" in report.error and "Teilnehmende, Ergebnisse" in report.error


def test_missing_table_and_unknown_names():
    report = check(upload(outcomes=None, services=None))
    assert "Ergebnisse" in report.error and "Leistungen" in report.error
    report = check(upload() + [("notizen.csv", b"a;b\n1;2\n")])
    assert "notizen.csv" in report.error and "teilnehmende" in report.error
    report = check([("participants.txt", b"x")] + upload()[1:])
    assert "participants.txt" in report.error and ".xlsx" in report.error
    report = check(upload() + [("Teilnehmende.csv", sample_bytes()["participants"])])
    assert "mehrfach" in report.error and "Teilnehmende.csv" in report.error
    assert check([]).error == T.ERR_NO_FILES


def test_broken_csv_line_names_line():
    data = sample_bytes()["services"] + b"TN-X;Beratung;01.02.2023;3,0;zu;viel\n"
    report = check(upload(services=data))
    assert "services.csv" in report.error and "Zeile 2838" in report.error


def test_upload_over_the_limit(baseline):
    assert MAX_UPLOAD_MB == 50
    report = check(upload(), max_bytes=50_000)
    assert report.dataset is None
    assert "participants.csv" in report.error and "höchstens" in report.error and "MB" in report.error


def test_limit_matches_streamlit_config():
    config = ROOT / ".streamlit" / "config.toml"
    if not config.exists():
        pytest.skip(".streamlit/config.toml not written yet")
    settings = tomllib.loads(config.read_text(encoding="utf-8"))
    if "maxUploadSize" not in settings.get("server", {}):
        pytest.skip("server.maxUploadSize not set yet")
    assert settings["server"]["maxUploadSize"] == MAX_UPLOAD_MB


@pytest.mark.parametrize("content", [b"\x00\x01\x02garbage", b"PK\x03\x04broken zip", b"PAR1xxxxPAR1", b";;;\n;;;\n",
                                     b"\xef\xbb\xbf", b"\"unterminated;x\n1;\"2\n"])
@pytest.mark.parametrize("name", ["participants.csv", "participants.xlsx", "participants.parquet"])
def test_garbage_never_raises(name, content):
    report = check([(name, content)] + upload()[1:])
    assert report.dataset is None
    assert isinstance(report.error, str) and "participants" in report.error
    assert "Traceback" not in report.error


def test_nothing_valid_still_lists_the_problems():
    p = sample_frames()["participants"].copy()
    p["Eintrittsdatum"] = "kein Datum"
    report = check(upload(participants=csv_bytes(p)))
    assert report.dataset is None and "participants.csv" in report.error
    assert (report.issues["rule"] == "invalid_date").sum() == 827


def test_100000_rows_german_csv():
    frames = sample_frames()
    p = frames["participants"]
    reps = int(np.ceil(100_000 / len(p)))
    big = pd.concat([p] * reps, ignore_index=True).iloc[:100_000].copy()
    big.loc[len(p):, "Teilnehmer-ID"] = [f"TN-Z{i:07d}" for i in range(len(p), len(big))]
    data = csv_bytes(big)
    start = time.perf_counter()
    report = check(upload(participants=data))
    seconds = time.perf_counter() - start
    print(f"\ncheck_upload: 100.000-row German CSV ({len(data) / 1e6:.1f} MB) in {seconds:.2f} s")
    assert report.ok, report.error
    assert report.counts["participants"] == {"file": "participants.csv", "read": 100_000, "accepted": 100_000,
                                             "rejected": 0}
    assert seconds < 20


# --- formulas and dates ----------------------------------------------------------


@functools.cache
def _participant_sheet_with_formulas() -> tuple[bytes, pd.DataFrame]:
    """Teilnehmende with formula cells (C3 cached, B4 without cached value) and dates in three formats."""
    frames = sample_frames()
    p = frames["participants"]
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False})
    date_fmt = book.add_format({"num_format": "dd.mm.yyyy"})
    for sheet_name, frame in (("Teilnehmende", p), ("Ergebnisse", frames["outcomes"]),
                              ("Leistungen", frames["services"])):
        ws = book.add_worksheet(sheet_name)
        ws.write_row(0, 0, list(frame.columns))
        for i, row in enumerate(frame.itertuples(index=False), start=1):
            ws.write_row(i, 0, [str(v) for v in row])
        if sheet_name == "Teilnehmende":
            ws.write_string(1, 2, "2023-01-09")  # ISO text
            ws.write_string(2, 2, "09.01.2023")  # German text
            ws.write_datetime(3, 2, datetime(2023, 1, 9), date_fmt)  # Excel date cell
            ws.write_formula(2, 6, "=1990+0", None, 1990)  # G3: cached value
            ws.write_formula(3, 1, '=CONCAT("Werk","kiste")', None, "")  # B4: no cached value
    book.close()
    return buf.getvalue(), p


def test_excel_formulas_are_reported_and_never_evaluated():
    data, p = _participant_sheet_with_formulas()
    report = check([("export.xlsx", data)])
    assert report.ok, report.error
    formulas = report.issues[report.issues["rule"] == "formula_cell"]
    assert len(formulas) == 2
    cached = formulas[formulas["row"] == 3].iloc[0]
    assert cached["file"] == "export.xlsx › Teilnehmende" and cached["column"] == "Geburtsjahr"
    assert cached["value"] == "=1990+0" and "G3" in cached["message"] and "1990" in cached["message"]
    empty = formulas[formulas["row"] == 4].iloc[0]
    assert empty["column"] == "Träger" and "B4" in empty["message"] and "leer" in empty["message"]
    participants = report.dataset.participants.set_index("participant_id")
    assert participants.loc[p.loc[1, "Teilnehmer-ID"], "birth_year"] == 1990  # the cached value is used
    # the formula without value counts as empty: a required cell is missing, the row is rejected
    missing = report.issues[(report.issues["rule"] == "missing_required") & (report.issues["row"] == 4)]
    assert list(missing["column"]) == ["Träger"]
    assert p.loc[2, "Teilnehmer-ID"] not in participants.index
    assert report.counts["participants"]["rejected"] == 1


def test_dates_in_three_formats_in_one_column():
    data, p = _participant_sheet_with_formulas()
    report = check([("export.xlsx", data)])
    participants = report.dataset.participants.set_index("participant_id")
    for i in (0, 1):
        assert participants.loc[p.loc[i, "Teilnehmer-ID"], "entry_date"] == pd.Timestamp("2023-01-09")
    assert not (report.issues["rule"] == "invalid_date").any()
    # CSV: ISO and German text in one column
    p2 = sample_frames()["participants"].copy()
    p2.loc[0, "Eintrittsdatum"] = "2023-01-09"
    report = check(upload(participants=csv_bytes(p2)))
    assert report.ok and not (report.issues["rule"] == "invalid_date").any()
    assert report.dataset.participants.loc[0, "entry_date"] == pd.Timestamp("2023-01-09")


def test_csv_cells_starting_with_equals_are_warnings():
    p = sample_frames()["participants"].copy()
    p.loc[6, "Träger"] = '=HYPERLINK("http://x.example","klick")'  # sheet row 8
    report = check(upload(participants=csv_bytes(p)))
    assert report.ok, report.error
    hits = report.issues[report.issues["rule"] == "text_formula"]
    assert list(zip(hits["row"], hits["column"], hits["severity"])) == [(8, "Träger", "warning")]
    assert report.counts["participants"]["rejected"] == 0


def test_issues_to_excel_has_german_headers_and_neutralised_values():
    p = sample_frames()["participants"].copy()
    p.loc[6, "Träger"] = '=HYPERLINK("http://x.example","klick")'
    p.loc[7, "Geburtsjahr"] = "-5"
    report = check(upload(participants=csv_bytes(p)))
    book = openpyxl.load_workbook(io.BytesIO(issues_to_excel(report)))
    sheet = book[T.IMPORT_ISSUES_SHEET]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Datei", "Zeile", "Spalte", "Wert", "Meldung", "Schwere")
    values = {r[3] for r in rows[1:]}
    assert "'=HYPERLINK(\"http://x.example\",\"klick\")" in values and "'-5" in values
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert book["Hinweise"]["A1"].value == "Datenstand"
    fatal = check(upload(outcomes=b""))
    rows = list(openpyxl.load_workbook(io.BytesIO(issues_to_excel(fatal)))[T.IMPORT_ISSUES_SHEET]
                .iter_rows(values_only=True))
    assert "outcomes.csv" in rows[1][4]


def test_title_rows_above_the_header_are_skipped_and_rows_stay_true():
    p = sample_frames()["participants"].copy()
    p.loc[4, "Eintrittsdatum"] = "31.02.2025"  # record 5: line 8 below a title line and a blank line
    data = ("BIWAQ-Export vom 30.09.2026;;;\n\n" + csv_bytes(p).decode("utf-8-sig")).encode("utf-8-sig")
    report = check(upload(participants=data))
    assert report.ok, report.error
    bad = report.issues[(report.issues["severity"] == "error") & (report.issues["file"] == "participants.csv")]
    assert list(zip(bad["row"], bad["column"])) == [(8, "Eintrittsdatum")]

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Teilnehmende"
    sheet.append(["BIWAQ-Export"])
    sheet.append([])
    for row in [list(p.columns), *p.values.tolist()]:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    report = check([("teilnehmende.xlsx", buf.getvalue())] + upload()[1:])
    assert report.ok, report.error
    bad = report.issues[(report.issues["severity"] == "error") & (report.issues["table"] == "participants")]
    assert list(zip(bad["file"], bad["row"], bad["column"])) == [("teilnehmende.xlsx › Teilnehmende", 8,
                                                                   "Eintrittsdatum")]


def test_datenstand_earlier_than_the_records_rejects_the_later_rows():
    """Issue 17: a Datenstand of 01.01.2024 must not count people who entered later (they are errors at their rows),
    so the period shown ends at the Datenstand and every counted person entered by then."""
    report = check_upload(upload(), today=TODAY, datenstand=pd.Timestamp("2024-01-01"))
    assert report.ok, report.error
    ds = report.dataset
    later = sample_frames()["participants"]["Eintrittsdatum"].map(
        lambda v: pd.Timestamp(datetime.strptime(v, "%d.%m.%Y")) > pd.Timestamp("2024-01-01"))
    after = report.issues[(report.issues["rule"] == "after_datenstand") & (report.issues["table"] == "participants")]
    assert len(after) == int(later.sum()) > 0
    assert set(after["row"].astype(int)) == {i + 2 for i in np.flatnonzero(later.to_numpy())}
    assert ds.participants["entry_date"].max() <= pd.Timestamp("2024-01-01")
    assert metrics.headline(ds)["participants"] == 827 - int(later.sum())
    assert ds.outcomes["outcome_date"].max() <= pd.Timestamp("2024-01-01")
    assert ds.services["start_date"].max() <= pd.Timestamp("2024-01-01")


def test_one_windows_1252_line_in_a_utf8_file_names_the_line():
    """Issue 17: not "Pflichtspalte „Träger“ fehlt" (the header garbled by reading all as Windows-1252)."""
    lines = (SAMPLE / "participants.csv").read_bytes().split(b"\n")
    lines[41] = lines[41].replace(b"Marxloh", "Marxlöh".encode("cp1252"), 1)
    assert b"\xf6" in lines[41]
    report = check_upload(upload(participants=b"\n".join(lines)), today=TODAY)
    assert not report.ok
    assert report.error == T.ERR_ENCODING_MIXED.format(file="participants.csv", line=42, byte="F6")
    assert "Pflichtspalte" not in report.error


def test_excel_report_says_where_it_was_cut_and_the_csv_has_everything(monkeypatch):
    from biwaq_data.store import importing

    bad = sample_frames()["participants"]
    bad.loc[:119, "Eintrittsdatum"] = "31.02.2024"
    report = check_upload(upload(participants=csv_bytes(bad)), today=TODAY, datenstand="2026-09-30")
    assert report.ok and len(report.issues) >= 120
    monkeypatch.setattr(importing, "EXCEL_MAX_ROWS", 51)  # an Excel sheet of 51 rows: header, 49 problems, note
    book = openpyxl.load_workbook(io.BytesIO(importing.issues_to_excel(report)))
    rows = list(book[T.IMPORT_ISSUES_SHEET].iter_rows(values_only=True))
    assert len(rows) == 51
    header = list(rows[0])
    last_listed = dict(zip(header, rows[49]))
    note = dict(zip(header, rows[50]))[T.ISSUE_COLUMNS_DE["message"]]
    assert note == T.REPORT_CUT_SHEET.format(total=f"{len(report.issues_de())}", shown="49",
                                             file=last_listed[T.ISSUE_COLUMNS_DE["file"]],
                                             row=last_listed[T.ISSUE_COLUMNS_DE["row"]])
    notes = {r[0]: r[1] for r in book[T.EXPORT_NOTES_SHEET].iter_rows(values_only=True)}
    assert notes[T.EXPORT_META_LABELS["cut"]] == note
    csv_text = importing.issues_to_csv(report).decode("utf-8-sig")
    assert csv_text.count("31.02.2024") == 120  # every problem row, not only the 49 in the sheet
