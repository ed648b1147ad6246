"""Validation: every rule the loader emits has a failing fixture.

Each case edits one cell (or one column) of a small, valid export written out below and checks that
- the offending row is listed in `.issues` with file, row number as seen in the file, column header as
  written in the file, the cell value, rule, severity and the German message;
- the row is kept out of the typed frames, and every other row is kept (nothing dropped silently).
The cases run on CSV, a representative subset also on an Excel workbook.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

import biwaq_data
from biwaq_data import metrics
from biwaq_data import texts_de as T

TODAY = "25.11.2026"  # the `today` fixture in conftest.py

BASE = {
    "participants": [
        ["Teilnehmer-ID", "Träger", "Eintrittsdatum", "Austrittsdatum", "Ortsteil", "Geschlecht", "Geburtsjahr",
         "Erwerbsstatus bei Eintritt", "Langzeitarbeitslos", "Migrationshintergrund", "Drittstaatsangehörig",
         "Bildungsniveau", "Zugangsweg"],
        ["TN-01", "Werkkiste Marxloh", "15.01.2023", "30.06.2023", "Marxloh", "weiblich", "1990", "arbeitslos", "ja",
         "ja", "nein", "ISCED 0-2", "Jobcenter"],  # row 2
        ["TN-02", "Werkkiste Marxloh", "01.02.2023", "", "Obermarxloh", "männlich", "1985", "arbeitslos", "nein",
         "ja", "ja", "ISCED 3-4", "Jobcenter"],  # row 3
        ["TN-03", "GfB Hochfeld", "10.03.2023", "31.12.2023", "Hochfeld", "divers", "2000", "nicht erwerbstätig",
         "nein", "nein", "nein", "ISCED 5-8", "Eigeninitiative"],  # row 4
        ["TN-04", "GfB Hochfeld", "05.04.2024", "", "Hochfeld", "weiblich", "1970", "erwerbstätig", "nein", "ja",
         "nein", "unbekannt", "Quartiersmanagement"],  # row 5
        ["TN-05", "GfB Hochfeld", "01.07.2024", "", "Wanheimerort", "männlich", "1999", "arbeitslos", "ja", "ja",
         "ja", "ISCED 0-2", "Jobcenter"],  # row 6
        ["TN-06", "Werkkiste Marxloh", "02.09.2024", "", "Neumühl", "weiblich", "1980", "nicht erwerbstätig",
         "nein", "ja", "nein", "ISCED 0-2", "QM"],  # row 7: no outcomes, no services
    ],
    "outcomes": [
        ["Teilnehmer-ID", "Ergebnis", "Ergebnisdatum", "Art der Beschäftigung", "Branche"],
        ["TN-01", "Beschäftigung", "01.06.2023", "befristet", "Pflege"],  # row 2
        ["TN-02", "Ausbildung", "01.08.2023", "", ""],  # row 3
        ["TN-03", "Verbesserte Perspektive", "01.09.2023", "", ""],  # row 4
        ["TN-05", "Verbesserte Perspektive", "01.10.2024", "", ""],  # row 5
    ],
    "services": [
        ["Teilnehmer-ID", "Leistung", "Beginn", "Stunden"],
        ["TN-01", "Beratung", "20.01.2023", "4,5"],  # row 2
        ["TN-02", "Stellensuche", "05.02.2023", "10"],  # row 3
        ["TN-03", "Praktikum", "15.03.2023", "80"],  # row 4
        ["TN-04", "Beratung", "10.04.2024", "2"],  # row 5
    ],
}
SHEETS = {"participants": "Teilnehmende", "outcomes": "Ergebnisse", "services": "Leistungen"}


def base_rows(table: str) -> set[int]:
    return set(range(2, len(BASE[table]) + 1))


def file_name(table: str, fmt: str) -> str:
    return f"{table}.csv" if fmt == "csv" else f"export.xlsx › {SHEETS[table]}"


def write(folder: Path, tables: dict[str, list[list[str]]], fmt: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    frames = {t: pd.DataFrame(rows[1:], columns=rows[0], dtype=str) for t, rows in tables.items()}
    if fmt == "csv":
        for table, frame in frames.items():
            frame.to_csv(folder / f"{table}.csv", sep=";", index=False, encoding="utf-8-sig")
        return folder
    path = folder / "export.xlsx"
    with pd.ExcelWriter(path) as writer:
        for table, frame in frames.items():
            frame.to_excel(writer, sheet_name=SHEETS[table], index=False)
    return path


def edited(edits) -> dict[str, list[list[str]]]:
    """BASE with cells replaced: edits are (table, row as in the file, header, new value)."""
    tables = {t: [list(r) for r in rows] for t, rows in BASE.items()}
    for table, row, header, value in edits:
        tables[table][row - 1][tables[table][0].index(header)] = value
    return tables


@dataclass
class Case:
    edits: list  # (table, row, header, value)
    issues: list  # expected issue rows: (table, row, header, value, rule); severity "error"
    message: str  # the German message of the first expected issue
    rejected: dict = field(default_factory=dict)  # table -> rows kept out of the figures


DUP = T.RULE_MESSAGES["duplicate_id"]
GENDERS_ALLOWED = ", ".join(f"{T.CATEGORY_LABELS['gender'][c]} ({c})"
                            for c in ("female", "male", "non_binary", "unknown"))
OUTCOMES_ALLOWED = ", ".join(f"{label} ({code})" for code, label in T.CATEGORY_LABELS["outcome"].items())


def rejected_person(row):
    return T.RULE_MESSAGES["rejected_person"].format(row=row)


CASES = {
    "duplicate_id": Case(
        [("participants", 7, "Teilnehmer-ID", "TN-01")],
        [("participants", 7, "Teilnehmer-ID", "TN-01", "duplicate_id")],
        DUP.format(first_row=2), {"participants": {7}}),
    "unknown_person (outcome)": Case(
        [("outcomes", 4, "Teilnehmer-ID", "TN-99")],
        [("outcomes", 4, "Teilnehmer-ID", "TN-99", "unknown_person")],
        T.RULE_MESSAGES["unknown_person"], {"outcomes": {4}}),
    "unknown_person (service)": Case(
        [("services", 5, "Teilnehmer-ID", "tn-04")],  # ids are compared exactly
        [("services", 5, "Teilnehmer-ID", "tn-04", "unknown_person")],
        T.RULE_MESSAGES["unknown_person"], {"services": {5}}),
    "rejected_person": Case(
        [("participants", 2, "Ortsteil", "Nirgendwo")],
        [("participants", 2, "Ortsteil", "Nirgendwo", "unknown_ortsteil"),
         ("outcomes", 2, "Teilnehmer-ID", "TN-01", "rejected_person"),
         ("services", 2, "Teilnehmer-ID", "TN-01", "rejected_person")],
        T.RULE_MESSAGES["unknown_ortsteil"], {"participants": {2}, "outcomes": {2}, "services": {2}}),
    "before_entry (outcome)": Case(
        [("outcomes", 2, "Ergebnisdatum", "14.01.2023")],
        [("outcomes", 2, "Ergebnisdatum", "14.01.2023", "before_entry")],
        T.RULE_MESSAGES["before_entry"].format(entry="15.01.2023"), {"outcomes": {2}}),
    "before_entry (service)": Case(
        [("services", 4, "Beginn", "2023-03-09")],
        [("services", 4, "Beginn", "2023-03-09", "before_entry")],
        T.RULE_MESSAGES["before_entry"].format(entry="10.03.2023"), {"services": {4}}),
    "exit_before_entry": Case(
        [("participants", 4, "Austrittsdatum", "09.03.2023")],
        [("participants", 4, "Austrittsdatum", "09.03.2023", "exit_before_entry"),
         ("outcomes", 4, "Teilnehmer-ID", "TN-03", "rejected_person"),
         ("services", 4, "Teilnehmer-ID", "TN-03", "rejected_person")],
        T.RULE_MESSAGES["exit_before_entry"].format(entry="10.03.2023"),
        {"participants": {4}, "outcomes": {4}, "services": {4}}),
    "future_date (entry)": Case(
        [("participants", 7, "Eintrittsdatum", "26.11.2026")],
        [("participants", 7, "Eintrittsdatum", "26.11.2026", "future_date")],
        T.RULE_MESSAGES["future_date"].format(today=TODAY), {"participants": {7}}),
    "future_date (service)": Case(
        [("services", 5, "Beginn", "01.12.2026")],
        [("services", 5, "Beginn", "01.12.2026", "future_date")],
        T.RULE_MESSAGES["future_date"].format(today=TODAY), {"services": {5}}),
    "before_programme": Case(
        [("participants", 7, "Eintrittsdatum", "31.12.2022")],
        [("participants", 7, "Eintrittsdatum", "31.12.2022", "before_programme")],
        T.RULE_MESSAGES["before_programme"], {"participants": {7}}),
    "unknown_ortsteil with suggestion": Case(
        [("participants", 7, "Ortsteil", "Marxlo")],
        [("participants", 7, "Ortsteil", "Marxlo", "unknown_ortsteil")],
        "Unbekannter Ortsteil. Meinten Sie „Marxloh“?", {"participants": {7}}),
    "unknown_category (participant)": Case(
        [("participants", 7, "Geschlecht", "Alien")],
        [("participants", 7, "Geschlecht", "Alien", "unknown_category")],
        T.RULE_MESSAGES["unknown_category"].format(allowed=GENDERS_ALLOWED), {"participants": {7}}),
    "unknown_category (outcome)": Case(
        [("outcomes", 3, "Ergebnis", "Rente")],
        [("outcomes", 3, "Ergebnis", "Rente", "unknown_category")],
        T.RULE_MESSAGES["unknown_category"].format(allowed=OUTCOMES_ALLOWED), {"outcomes": {3}}),
    "invalid_date": Case(
        [("participants", 7, "Eintrittsdatum", "31.02.2024")],
        [("participants", 7, "Eintrittsdatum", "31.02.2024", "invalid_date")],
        T.RULE_MESSAGES["invalid_date"], {"participants": {7}}),
    "invalid_bool": Case(
        [("participants", 7, "Migrationshintergrund", "vielleicht")],
        [("participants", 7, "Migrationshintergrund", "vielleicht", "invalid_bool")],
        T.RULE_MESSAGES["invalid_bool"], {"participants": {7}}),
    "invalid_number (birth year)": Case(
        [("participants", 7, "Geburtsjahr", "neunzehnhundertachtzig")],
        [("participants", 7, "Geburtsjahr", "neunzehnhundertachtzig", "invalid_number")],
        T.RULE_MESSAGES["invalid_number"], {"participants": {7}}),
    "invalid_number (hours)": Case(
        [("services", 3, "Stunden", "viel")],
        [("services", 3, "Stunden", "viel", "invalid_number")],
        T.RULE_MESSAGES["invalid_number"], {"services": {3}}),
    "missing_required (participant)": Case(
        [("participants", 7, "Träger", "")],
        [("participants", 7, "Träger", "", "missing_required")],
        T.RULE_MESSAGES["missing_required"], {"participants": {7}}),
    "missing_required (outcome)": Case(
        [("outcomes", 3, "Ergebnisdatum", "")],
        [("outcomes", 3, "Ergebnisdatum", "", "missing_required")],
        T.RULE_MESSAGES["missing_required"], {"outcomes": {3}}),
    "ltu_not_unemployed": Case(
        [("participants", 7, "Langzeitarbeitslos", "ja")],
        [("participants", 7, "Langzeitarbeitslos", "ja", "ltu_not_unemployed")],
        T.RULE_MESSAGES["ltu_not_unemployed"], {"participants": {7}}),
    "birth_year_implausible (too old)": Case(
        [("participants", 7, "Geburtsjahr", "1929")],
        [("participants", 7, "Geburtsjahr", "1929", "birth_year_implausible")],
        T.RULE_MESSAGES["birth_year_implausible"].format(low=1930, high=2012), {"participants": {7}}),
    "birth_year_implausible (too young)": Case(
        [("participants", 7, "Geburtsjahr", "2013")],
        [("participants", 7, "Geburtsjahr", "2013", "birth_year_implausible")],
        T.RULE_MESSAGES["birth_year_implausible"].format(low=1930, high=2012), {"participants": {7}}),
    "negative_hours": Case(
        [("services", 3, "Stunden", "-2,5")],
        [("services", 3, "Stunden", "-2,5", "negative_hours")],
        T.RULE_MESSAGES["negative_hours"], {"services": {3}}),
}


# Every case runs on CSV; these also on an Excel workbook (sheet rows, sheet names in `file`), one per kind of check.
XLSX_CASES = {"duplicate_id", "rejected_person", "before_entry (service)", "invalid_date", "invalid_number (hours)",
              "missing_required (participant)", "unknown_ortsteil with suggestion", "unknown_category (outcome)"}


def _ids(pairs: dict) -> list:
    return [pytest.param(name, fmt, id=f"{name}-{fmt}") for name in pairs for fmt in ("csv", "xlsx")
            if fmt == "csv" or name in XLSX_CASES]


@pytest.fixture
def load(tmp_path, today):
    def _load(tables, fmt="csv"):
        return biwaq_data.load_dataset(write(tmp_path / fmt, tables, fmt), today=today)
    return _load


def test_base_fixture_is_valid(load):
    ds = load(BASE)
    assert ds.issues.empty, ds.issues.to_string()
    for table in BASE:
        assert set(getattr(ds, table)["source_row"]) == base_rows(table)
    h = metrics.headline(ds)
    assert (h["participants"], h["employment"], h["vocational_training"], h["improved_prospects"]) == (6, 1, 1, 2)


@pytest.mark.parametrize("name, fmt", _ids(CASES))
def test_rule_reports_the_row_and_keeps_the_others(name, fmt, load):
    case = CASES[name]
    ds = load(edited(case.edits), fmt)
    issues = ds.issues
    expected = pd.DataFrame(
        [(table, file_name(table, fmt), row, header, value, rule, "error")
         for table, row, header, value, rule in case.issues],
        columns=["table", "file", "row", "column", "value", "rule", "severity"])
    got = issues[expected.columns].astype({"row": "int64"}).reset_index(drop=True)
    pd.testing.assert_frame_equal(
        got.sort_values(["table", "row", "column"]).reset_index(drop=True),
        expected.sort_values(["table", "row", "column"]).reset_index(drop=True), check_dtype=False)
    first = case.issues[0]
    assert issues.loc[(issues["table"] == first[0]) & (issues["rule"] == first[4]), "message"].tolist() == [
        case.message]
    # the rejected rows are out of the figures, every other row is in; nothing disappears without an issue
    for table in BASE:
        kept = set(getattr(ds, table)["source_row"])
        assert kept == base_rows(table) - case.rejected.get(table, set()), table
        assert ds.rows_read[table] == len(BASE[table]) - 1
        assert ds.rows_rejected[table] == len(case.rejected.get(table, set()))


def test_duplicate_keeps_the_first_row_and_its_outcomes(load):
    ds = load(edited([("participants", 7, "Teilnehmer-ID", "TN-01")]))
    p = ds.participants.set_index("participant_id")
    assert p.loc["TN-01", "source_row"] == 2 and p.loc["TN-01", "ortsteil"] == "Marxloh"
    assert metrics.headline(ds)["employment"] == 1  # TN-01's outcome still counts


def test_a_blank_id_is_a_missing_value_not_a_person(load):
    ds = load(edited([("participants", 7, "Teilnehmer-ID", ""), ("outcomes", 3, "Teilnehmer-ID", "")]))
    assert sorted(zip(ds.issues["table"], ds.issues["row"], ds.issues["rule"])) == [
        ("outcomes", 3, "missing_required"), ("participants", 7, "missing_required")]


def test_a_row_breaking_several_rules_lists_each(load):
    ds = load(edited([("participants", 7, "Geschlecht", "??"), ("participants", 7, "Geburtsjahr", "1800")]))
    assert sorted(ds.issues["rule"]) == ["birth_year_implausible", "unknown_category"]
    assert set(ds.issues["row"]) == {7}
    assert ds.rows_rejected["participants"] == 1 and len(ds.participants) == 5


def test_the_last_allowed_values_are_accepted(load, today):
    """Boundaries: programme start, today, entry day itself, 0 hours, birth years 1930 and today − 14."""
    ds = load(edited([
        ("participants", 7, "Eintrittsdatum", "01.01.2023"), ("participants", 6, "Geburtsjahr", "1930"),
        ("participants", 5, "Geburtsjahr", str(today.year - 14)), ("services", 5, "Beginn", "05.04.2024"),
        ("services", 5, "Stunden", "0"), ("outcomes", 5, "Ergebnisdatum", today.strftime("%d.%m.%Y")),
    ]))
    assert ds.issues.empty, ds.issues.to_string()


def test_row_numbers_count_blank_lines_as_in_the_file(tmp_path, today):
    lines = [";".join(r) for r in BASE["participants"]]
    lines[4] = lines[4].replace(";Hochfeld;", ";Hochfelt;")  # TN-04 on line 5
    text = "\n".join(lines[:3] + ["", ";;;"] + lines[3:]) + "\n"  # two blank lines before TN-03
    write(tmp_path, BASE, "csv")
    (tmp_path / "participants.csv").write_text(text, encoding="utf-8")
    ds = biwaq_data.load_dataset(tmp_path, today=today)
    issue = ds.issues.iloc[0]
    assert (issue["row"], issue["value"], issue["rule"]) == (7, "Hochfelt", "unknown_ortsteil")
    assert "Meinten Sie „Hochfeld“?" in issue["message"]
    assert text.split("\n")[issue["row"] - 1].startswith("TN-04;")
    assert sorted(ds.participants["source_row"]) == [2, 3, 6, 8, 9]


# --- column-level rules (warnings: nothing is rejected) -------------------------------


def without_column(table: str, header: str):
    tables = {t: [list(r) for r in rows] for t, rows in BASE.items()}
    i = tables[table][0].index(header)
    tables[table] = [r[:i] + r[i + 1:] for r in tables[table]]
    return tables


def with_column(table: str, header: str, value: str):
    tables = {t: [list(r) for r in rows] for t, rows in BASE.items()}
    tables[table] = [tables[table][0] + [header]] + [r + [value] for r in tables[table][1:]]
    return tables


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("table, header, column, default, check", [
    ("participants", "Zugangsweg", "referral_source", "Sonstige", lambda ds: set(ds.participants["referral_source"])
     == {"other"}),
    ("participants", "Bildungsniveau", "education", "unbekannt", lambda ds: set(ds.participants["education"])
     == {"unknown"}),
    ("participants", "Austrittsdatum", "exit_date", "leer", lambda ds: ds.participants["exit_date"].isna().all()),
    ("services", "Stunden", "hours", "leer", lambda ds: ds.services["hours"].isna().all()),
    ("outcomes", "Branche", "sector", "leer", lambda ds: ds.outcomes["sector"].isna().all()),
])
def test_optional_column_missing(load, fmt, table, header, column, default, check):
    ds = load(without_column(table, header), fmt)
    assert len(ds.issues) == 1, ds.issues.to_string()
    issue = ds.issues.iloc[0]
    assert (issue["table"], issue["file"], issue["column"], issue["severity"], issue["rule"]) == (
        table, file_name(table, fmt), T.COLUMN_LABELS[column], "warning", "optional_column_missing")
    assert pd.isna(issue["row"])
    assert issue["message"] == T.RULE_MESSAGES["optional_column_missing"].format(default=default)
    assert check(ds)
    for t in BASE:  # a warning rejects nothing
        assert set(getattr(ds, t)["source_row"]) == base_rows(t)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("table, header", [("participants", "Bemerkung"), ("services", "Ort der Maßnahme"),
                                           ("participants", "Ortsteil-Nr.")])  # a second header for Ortsteil
def test_unknown_column(load, fmt, table, header):
    ds = load(with_column(table, header, "202"), fmt)
    assert len(ds.issues) == 1, ds.issues.to_string()
    issue = ds.issues.iloc[0]
    assert (issue["file"], issue["column"], issue["value"], issue["severity"], issue["rule"], issue["message"]) == (
        file_name(table, fmt), header, "", "warning", "unknown_column", T.RULE_MESSAGES["unknown_column"])
    assert pd.isna(issue["row"])
    for t in BASE:
        assert set(getattr(ds, t)["source_row"]) == base_rows(t)
    # the first Ortsteil column is the one used
    assert ds.participants["ortsteil_nr"].tolist() == [202, 203, 508, 508, 509, 204]


def test_empty_optional_cells_take_the_default_and_stay_in_the_breakdowns(load):
    ds = load(edited([("participants", 3, "Bildungsniveau", ""), ("participants", 4, "Zugangsweg", " ")]))
    # the filled-in default is said, as a warning per cell, with the row as in the file
    assert ds.issues[["row", "column", "severity", "rule"]].values.tolist() == [
        [3, "Bildungsniveau", "warning", "optional_default_filled"],
        [4, "Zugangsweg", "warning", "optional_default_filled"]]
    assert "unbekannt" in ds.issues["message"].iloc[0] and "Sonstige" in ds.issues["message"].iloc[1]
    p = ds.participants.set_index("participant_id")
    assert (p.loc["TN-02", "education"], p.loc["TN-03", "referral_source"]) == ("unknown", "other")
    for attribute in ("education", "referral_source"):
        assert metrics.breakdown(ds, attribute)["participants"].sum() == 6


# --- every rule is covered ---------------------------------------------------------------

COLUMN_RULES = {"optional_column_missing", "unknown_column", "optional_default_filled"}
# the monitoring record's rules have their failing fixture in tests/test_indicator_table.py
MONITORING_RULES = {"birth_date_after_entry", "age_over_100", "birth_year_mismatch", "exit_status_in_project",
                    "status_6m_too_early", "end_before_start"}


def test_every_rule_has_a_failing_fixture():
    from tests.test_targets import TARGET_RULES  # the optional targets table has its own fixtures there

    covered = {rule for case in CASES.values() for *_, rule in case.issues} | COLUMN_RULES | TARGET_RULES | MONITORING_RULES | {"after_datenstand"}
    rules = set(T.RULE_MESSAGES) - {"unknown_ortsteil_suggest"}  # a message variant of unknown_ortsteil
    assert rules <= covered, f"no fixture for: {sorted(rules - covered)}"
    assert any("Meinten Sie" in case.message for case in CASES.values())
    assert XLSX_CASES <= set(CASES)


def test_records_after_a_given_datenstand_are_errors_at_their_rows(tmp_path, today):
    """The Datenstand bounds the data: entries, outcomes and service starts after it are rejected with their row;
    an exit after it is fine (the person was still in support then). Without a Datenstand nothing changes."""
    folder = write(tmp_path / "csv", BASE, "csv")
    ds = biwaq_data.load_dataset(folder, today=today, datenstand="30.06.2024")
    errors = ds.issues[ds.issues["rule"] == "after_datenstand"]
    got = sorted(zip(errors["table"], errors["row"].astype(int), errors["column"], errors["value"]))
    assert got == [("outcomes", 5, "Ergebnisdatum", "01.10.2024"),
                   ("participants", 6, "Eintrittsdatum", "01.07.2024"),
                   ("participants", 7, "Eintrittsdatum", "02.09.2024")]
    assert set(errors["message"]) == {T.RULE_MESSAGES["after_datenstand"].format(datenstand="30.06.2024")}
    assert set(ds.participants["source_row"]) == {2, 3, 4, 5}
    assert ds.participants["entry_date"].max() <= ds.datenstand == pd.Timestamp("2024-06-30")
    assert metrics.headline(ds)["participants"] == 4
    assert ds.rows_rejected == {"participants": 2, "outcomes": 1, "services": 0}
    assert biwaq_data.load_dataset(folder, today=today).issues.empty
