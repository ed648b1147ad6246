"""indicator_table against an independent recount, older exports ("nicht erhoben", derivations), the monitoring
record's validation rules, the press paragraph, and the page under AppTest with and without the new columns.

The recount reads the exported CSV files with the csv module and counts in plain Python (German labels as they
stand in the files, dates parsed by hand); it uses none of the project's helpers.
"""

from __future__ import annotations

import csv
import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

import biwaq_data
from biwaq_data import texts_de as T
from biwaq_data.figures.indicators import INDICATORS, indicator_table
from biwaq_data.publish import indicator_report
from biwaq_data.publish.presskit import press_quote
from biwaq_data.tools import sample

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard.py")
GENDER = {"weiblich": "female", "männlich": "male", "divers": "non_binary", "keine Angabe": "unknown"}
COLS = ("female", "male", "non_binary", "unknown", "total")
NEW_COLUMNS = ("Geburtsdatum", "Status bei Austritt", "Qualifikation erlangt", "Status 6 Monate nach Austritt",
               "Verbesserte Arbeitsmarktsituation nach 6 Monaten", "Behinderung", "Minderheit", "Obdachlos")


def _day(text: str) -> date | None:
    if not text:
        return None
    d, m, y = text.split(".")
    return date(int(y), int(m), int(d))


def _rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


def recount(folder: Path) -> dict[str, dict[str, int | None]]:
    """Every indicator by gender, counted from the CSV rows (None = not in the data)."""
    stand = date.fromisoformat(json.loads((folder / "metadata.json").read_text())["datenstand"])
    people = _rows(folder / "participants.csv")
    outcomes = {}
    for o in _rows(folder / "outcomes.csv"):
        outcomes.setdefault(o["Teilnehmer-ID"], []).append((o["Ergebnis"], _day(o["Ergebnisdatum"])))
    has = set(people[0])
    tests: dict[str, object] = {}

    def age(p):
        entry = _day(p["Eintrittsdatum"])
        if "Geburtsdatum" in has and p["Geburtsdatum"]:
            b = _day(p["Geburtsdatum"])
            return entry.year - b.year - ((entry.month, entry.day) < (b.month, b.day))
        return entry.year - int(p["Geburtsjahr"])

    def left(p, days=0):
        e = _day(p["Austrittsdatum"])
        return e is not None and e <= stand - timedelta(days=days)

    def outcome_within(p, kinds, days):
        e = _day(p["Austrittsdatum"])
        return e is not None and any(k in kinds and _day(p["Eintrittsdatum"]) <= d <= e + timedelta(days=days)
                                     for k, d in outcomes.get(p["Teilnehmer-ID"], []))

    def yes(column):
        return (lambda p: p[column] == "ja") if column in has else None

    exit_status = "Status bei Austritt" in has
    work, school = "erwerbstätig (inkl. selbstständig)", "in schulischer oder beruflicher Bildung"
    tests.update({
        "EECO01": lambda p: True,
        "EECO02": lambda p: p["Erwerbsstatus bei Eintritt"] == "arbeitslos",
        "EECO03": lambda p: p["Langzeitarbeitslos"] == "ja",
        "EECO04": lambda p: p["Erwerbsstatus bei Eintritt"] == "nicht erwerbstätig",
        "EECO05": lambda p: p["Erwerbsstatus bei Eintritt"] == "erwerbstätig",
        "EECO06": lambda p: age(p) < 18,
        "EECO07": lambda p: 18 <= age(p) <= 29,
        "EECO08": lambda p: age(p) >= 55,
        "EECO09": lambda p: p["Bildungsniveau"] == "ISCED 0-2",
        "EECO10": lambda p: p["Bildungsniveau"] == "ISCED 3-4",
        "EECO11": lambda p: p["Bildungsniveau"] == "ISCED 5-8",
        "EECO12": yes("Behinderung"),
        "EECO13": yes("Drittstaatsangehörig"),
        "EECO14": lambda p: p["Migrationshintergrund"] == "ja",
        "EECO15": yes("Minderheit"),
        "EECO16": yes("Obdachlos"),
        "EECR01": (lambda p: left(p, 28) and p["Status bei Austritt"] == "arbeitsuchend") if exit_status else None,
        "EECR02": (lambda p: left(p, 28) and p["Status bei Austritt"] == school) if exit_status
        else (lambda p: left(p, 28) and outcome_within(p, {"Ausbildung"}, 28)),
        "EECR03": (lambda p: left(p, 28) and p["Qualifikation erlangt"] == "ja") if "Qualifikation erlangt" in has
        else None,
        "EECR04": (lambda p: left(p, 28) and p["Status bei Austritt"] == work) if exit_status
        else (lambda p: left(p, 28) and outcome_within(p, {"Beschäftigung"}, 28)),
        "EECR05": (lambda p: left(p, 183) and p["Status 6 Monate nach Austritt"] == work)
        if "Status 6 Monate nach Austritt" in has else (lambda p: left(p, 183) and outcome_within(
            p, {"Beschäftigung"}, 183)),
        "BIWAQ-L1": (lambda p: left(p, 183) and p["Verbesserte Arbeitsmarktsituation nach 6 Monaten"] == "ja")
        if "Verbesserte Arbeitsmarktsituation nach 6 Monaten" in has else None,
        "BIWAQ-R1": lambda p: left(p, 28) and outcome_within(
            p, {"Beschäftigung", "Ausbildung", "Verbesserte Perspektive"}, 28),
        "BIWAQ-R2": (lambda p: left(p, 28) and p["Status bei Austritt"] in (work, school)) if exit_status
        else (lambda p: left(p, 28) and outcome_within(p, {"Beschäftigung", "Ausbildung"}, 28)),
        "BIWAQ-D1": lambda p: left(p),
        "BIWAQ-D2": lambda p: left(p, 28),
        "BIWAQ-D3": lambda p: left(p, 183),
    })
    out = {}
    for code, test in tests.items():
        if test is None:
            out[code] = dict.fromkeys(COLS)
            continue
        counts = dict.fromkeys(COLS, 0)
        for p in people:
            if test(p):
                counts[GENDER[p["Geschlecht"]]] += 1
                counts["total"] += 1
        out[code] = counts
    sme = None
    if (folder / "enterprises.csv").exists():
        sme = sum(e["Größenklasse"] in ("Kleinstunternehmen", "kleines Unternehmen", "mittleres Unternehmen")
                  for e in _rows(folder / "enterprises.csv"))
    out["EECO19"] = {**dict.fromkeys(COLS[:4]), "total": sme}
    return out


def assert_equal_to_recount(frame: pd.DataFrame, expected: dict) -> None:
    assert list(frame.index) == [i.code for i in INDICATORS]  # Annex I order, every code
    for code in frame.index:
        got = {c: None if pd.isna(frame.loc[code, c]) else int(frame.loc[code, c]) for c in COLS}
        assert got == expected[code], code


@pytest.fixture(scope="module")
def older_export(tmp_path_factory) -> Path:
    """The sample as an older export: without the monitoring columns and without the enterprises table."""
    folder = tmp_path_factory.mktemp("older")
    for name in ("outcomes", "services"):
        shutil.copy(ROOT / "sample_data" / f"{name}.csv", folder / f"{name}.csv")
    shutil.copy(ROOT / "sample_data" / "metadata.json", folder / "metadata.json")
    frame = pd.read_csv(ROOT / "sample_data" / "participants.csv", sep=";", dtype=str, keep_default_na=False,
                        encoding="utf-8-sig")
    frame.drop(columns=list(NEW_COLUMNS)).to_csv(folder / "participants.csv", sep=";", index=False,
                                                 encoding="utf-8-sig")
    return folder


# --------------------------------------------------------------------------- the recount


def test_sample_equals_the_independent_recount(sample_dataset):
    frame = indicator_table(sample_dataset)
    assert_equal_to_recount(frame, recount(ROOT / "sample_data"))
    assert frame.loc["EECO01", "total"] == 827 and frame.loc["EECO02", "total"] == 670
    assert frame.loc["EECO03", "total"] == 417 and frame.loc["EECO14", "total"] == 735
    assert {b.kind for b in frame.attrs["basis"].values()} == {"measured"}


def test_generated_dataset_equals_the_independent_recount(tmp_path):
    sample.write(tmp_path, n=2400, seed=11)
    ds = biwaq_data.load_dataset(tmp_path)
    assert_equal_to_recount(indicator_table(ds), recount(tmp_path))
    # and a selection: one Ortsteil, recounted over its rows only
    marxloh = biwaq_data.Filters(ortsteile=(202,))
    part = tmp_path / "marxloh"
    part.mkdir()
    for name in ("participants", "outcomes"):
        rows = _rows(tmp_path / f"{name}.csv")
        if name == "participants":
            rows = [r for r in rows if r["Ortsteil"] == "Marxloh"]
            ids = {r["Teilnehmer-ID"] for r in rows}
        else:
            rows = [r for r in rows if r["Teilnehmer-ID"] in ids]
        with open(part / f"{name}.csv", "w", encoding="utf-8-sig", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]), delimiter=";")
            writer.writeheader()
            writer.writerows(rows)
    shutil.copy(tmp_path / "metadata.json", part / "metadata.json")
    expected = recount(part)
    expected["EECO19"]["total"] = sum(e["Ortsteil"] == "Marxloh" and e["Größenklasse"] != "Großunternehmen"
                                      for e in _rows(tmp_path / "enterprises.csv"))
    assert_equal_to_recount(indicator_table(ds, marxloh), expected)


def test_older_export_loads_and_says_what_is_not_collected(older_export):
    ds = biwaq_data.load_dataset(older_export)
    assert len(ds.participants) == 827 and ds.enterprises is None
    assert not (ds.issues["severity"] == "error").any()
    frame = indicator_table(ds)
    assert_equal_to_recount(frame, recount(older_export))
    basis = frame.attrs["basis"]
    for code, column in (("EECO12", "disability"), ("EECO15", "minority"), ("EECO16", "homeless"),
                         ("EECR01", "exit_status"), ("EECR03", "qualification_gained"),
                         ("BIWAQ-L1", "improved_situation_6m"), ("EECO19", "enterprises")):
        assert basis[code].kind == "not_collected" and basis[code].missing == (column,), code
        assert frame.loc[code].isna().all() or code == "EECO19"
    for code in ("EECR02", "EECR04", "EECR05", "BIWAQ-R2"):
        assert basis[code].kind == "derived", code
    for code in ("EECO06", "EECO07", "EECO08"):
        assert basis[code].kind == "approximate"
    t = indicator_report.indicator_tables(ds, protect=False)
    text = t.text("results").set_index("code_plain")
    assert (text.loc["EECR01", list(COLS)] == T.ESF_NOT_COLLECTED).all()
    assert "„Status bei Austritt“" in text.loc["EECR01", "basis"]
    # a derivation never stands under the official name alone
    assert text.loc["EECR04", "code"] == "EECR04 (abgeleitet)" and "abgeleitet" in text.loc["EECR04", "indicator"]


def test_shares_divide_by_leavers_whose_window_has_closed(sample_dataset):
    t = indicator_report.indicator_tables(sample_dataset, protect=False)
    raw, rates = t.raw, t.rates.frame.set_index("code_plain")
    for code, den in (("EECR04", "BIWAQ-D2"), ("BIWAQ-R2", "BIWAQ-D2"), ("EECR05", "BIWAQ-D3")):
        assert rates.loc[code, "total"] == pytest.approx(raw.loc[code, "total"] / raw.loc[den, "total"])
        assert den in rates.loc[code, "denominator"]
    assert raw.loc["BIWAQ-D2", "total"] < raw.loc["BIWAQ-D1", "total"]  # recent leavers are not in the denominator


# --------------------------------------------------------------------------- press paragraph


def test_press_paragraph_names_the_denominator_and_gives_the_leaver_rate(sample_dataset):
    text = press_quote(sample_dataset)
    raw = indicator_table(sample_dataset)
    rate = raw.loc["BIWAQ-R2", "total"] / raw.loc["BIWAQ-D2", "total"]
    assert "Anteil der Unterstützten in Arbeit oder Ausbildung bei 24,5 %" in text
    assert "Vermittlungsquote" not in text
    assert f"Von den {raw.loc['BIWAQ-D2', 'total']} Ausgetretenen" in text
    assert f"{rate * 100:.1f} %".replace(".", ",") in text


# --------------------------------------------------------------------------- validation of the new fields


def _write(folder: Path, people: list[dict], stand: str = "2026-06-30") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    base = {"Träger": "GfB Hochfeld", "Ortsteil": "Hochfeld", "Geschlecht": "weiblich", "Geburtsjahr": "1990",
            "Erwerbsstatus bei Eintritt": "arbeitslos", "Langzeitarbeitslos": "nein", "Migrationshintergrund": "ja",
            "Austrittsdatum": "", "Geburtsdatum": "", "Status bei Austritt": "", "Status 6 Monate nach Austritt": ""}
    pd.DataFrame([{**base, **p} for p in people]).to_csv(folder / "participants.csv", sep=";", index=False)
    (folder / "outcomes.csv").write_text("Teilnehmer-ID;Ergebnis;Ergebnisdatum\nE;Beschäftigung;20.05.2024\n",
                                         encoding="utf-8")
    (folder / "services.csv").write_text("Teilnehmer-ID;Leistung;Beginn\nE;Beratung;02.03.2024\n", encoding="utf-8")
    (folder / "metadata.json").write_text(json.dumps({"datenstand": stand}))
    return folder


def test_monitoring_record_rules(tmp_path, today):
    people = [
        {"Teilnehmer-ID": "A", "Eintrittsdatum": "01.03.2024", "Geburtsdatum": "02.03.2024",
         "Geburtsjahr": "2024"},  # row 2: born after entry -> error
        {"Teilnehmer-ID": "B", "Eintrittsdatum": "01.03.2024", "Geburtsdatum": "28.02.1923",
         "Geburtsjahr": "1935"},  # row 3: 101 at entry -> error
        {"Teilnehmer-ID": "C", "Eintrittsdatum": "01.03.2024", "Status bei Austritt": "arbeitsuchend"},  # row 4
        {"Teilnehmer-ID": "D", "Eintrittsdatum": "01.03.2024", "Austrittsdatum": "01.03.2026",
         "Status 6 Monate nach Austritt": "erwerbstätig"},  # row 5: six months not over by 30.06.2026
        {"Teilnehmer-ID": "E", "Eintrittsdatum": "01.03.2024", "Austrittsdatum": "01.06.2024",
         "Status bei Austritt": "erwerbstätig", "Status 6 Monate nach Austritt": "arbeitsuchend",
         "Geburtsdatum": "15.05.1990"},  # row 6: fine
        {"Teilnehmer-ID": "F", "Eintrittsdatum": "01.03.2024", "Geburtsdatum": "10.10.1991"},  # row 7: year 1990
    ]
    ds = biwaq_data.load_dataset(_write(tmp_path, people), today=today)
    issues = ds.issues.set_index("rule")
    expected = {
        "birth_date_after_entry": (2, "Geburtsdatum", "error",
                                   T.RULE_MESSAGES["birth_date_after_entry"].format(entry="01.03.2024")),
        "age_over_100": (3, "Geburtsdatum", "error", T.RULE_MESSAGES["age_over_100"]),
        "exit_status_in_project": (4, "Status bei Austritt", "warning",
                                   T.RULE_MESSAGES["exit_status_in_project"].format(datenstand="30.06.2026")),
        "status_6m_too_early": (5, "Status 6 Monate nach Austritt", "warning",
                                T.RULE_MESSAGES["status_6m_too_early"].format(datenstand="30.06.2026")),
        "birth_year_mismatch": (7, "Geburtsjahr", "warning", T.RULE_MESSAGES["birth_year_mismatch"].format(year=1991)),
    }
    for rule, (row, column, severity, message) in expected.items():
        issue = issues.loc[rule]
        assert (issue["row"], issue["column"], issue["severity"], issue["message"]) == (row, column, severity,
                                                                                        message), rule
    assert sorted(ds.participants["participant_id"]) == ["C", "D", "E", "F"]  # warnings keep the row
    frame = indicator_table(ds)
    assert frame.loc["EECR01", "total"] == 0  # C is still in the project: its exit status does not count
    assert frame.loc["EECR05", "total"] == 0  # D: not yet six months
    assert frame.loc["EECR04", "total"] == 1 and frame.loc["BIWAQ-D3", "total"] == 1
    # age in full years on the entry date: E born 15.05.1990, entry 01.03.2024 -> 33 (the birth year says 34)
    assert ds.participants.set_index("participant_id").loc["E", "age_at_entry"] == 33


def test_enterprises_table_rules_and_eeco19(tmp_path, today):
    folder = _write(tmp_path, [{"Teilnehmer-ID": "E", "Eintrittsdatum": "01.03.2024"}])
    (folder / "unternehmen.csv").write_text(
        "Unternehmens-ID;Träger;Ortsteil;Größenklasse;Beginn der Unterstützung;Ende der Unterstützung\n"
        "U1;GfB Hochfeld;Hochfeld;Kleinstunternehmen;01.04.2024;\n"
        "U2;GfB Hochfeld;Hochfeld;Großunternehmen;01.04.2024;01.05.2024\n"
        "U3;GfB Hochfeld;Hochfeld;mittel;01.04.2024;01.03.2024\n", encoding="utf-8")
    ds = biwaq_data.load_dataset(folder, today=today)
    issue = ds.issues.set_index("rule").loc["end_before_start"]
    assert (issue["table"], issue["row"], issue["column"], issue["message"]) == (
        "enterprises", 4, "Ende der Unterstützung", T.RULE_MESSAGES["end_before_start"].format(start="01.04.2024"))
    assert list(ds.enterprises["enterprise_id"]) == ["U1", "U2"]
    assert indicator_table(ds).loc["EECO19", "total"] == 1  # the large enterprise is not an SME


# --------------------------------------------------------------------------- the page


def _page(monkeypatch, folder: Path | None):
    from streamlit.testing.v1 import AppTest

    if folder is not None:
        monkeypatch.setenv("BIWAQ_DATA_SOURCE", str(folder))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["schutz"] = "false"  # raw figures: compare with the frame
    at.run()
    at.switch_page("pages/indikatoren.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _shown(at) -> pd.DataFrame:
    frames = [at.table[i].value for i in range(2)]  # report tables, indexed by the code
    return pd.concat(frames)


def test_page_with_the_monitoring_record(monkeypatch, sample_dataset):
    at = _page(monkeypatch, None)
    shown = _shown(at)
    frame = indicator_table(sample_dataset)
    for code in frame.index:
        for col in COLS:
            value = frame.loc[code, col]
            cell = shown.loc[code, T.ESF_COLUMN_LABELS[col]]
            assert cell == ("x" if pd.isna(value) else f"{int(value):,}".replace(",", ".")), (code, col)
    assert T.ESF_NOT_COLLECTED not in shown.to_numpy()
    rates = at.table[2].value
    assert all("Nenner" in d for d in rates["Bezugsgröße (Nenner)"])
    captions = " ".join(c.value for c in at.caption)
    assert "Anteil der Unterstützten in Arbeit oder Ausbildung 24,5 %" in captions
    assert len(at.table) == 3 and len(at.dataframe) == 2  # output, results, rates; enterprises per place/quarter


def test_page_without_the_monitoring_record(monkeypatch, older_export):
    at = _page(monkeypatch, older_export)
    shown = _shown(at)
    assert (shown.loc["EECR01", "Insgesamt"], shown.loc["EECO12", "Insgesamt"]) == (T.ESF_NOT_COLLECTED,) * 2
    assert "„Status bei Austritt“" in shown.loc["EECR01", "Grundlage"]
    assert "EECR04 (abgeleitet)" in shown.index
    notes = " ".join(i.value for i in at.info)
    for column in ("Status bei Austritt", "Behinderung", "Minderheit", "Obdachlos", "Qualifikation erlangt",
                   "Geburtsdatum", "Unternehmen"):
        assert f"„{column}“" in notes, column
    assert T.ECONOMY_MISSING in notes


def test_snapshot_keeps_enterprises_and_what_was_not_collected(tmp_path, sample_dataset, older_export):
    from biwaq_data.store.snapshots import SnapshotStore

    store = SnapshotStore(tmp_path / "store")
    for ds in (sample_dataset, biwaq_data.load_dataset(older_export)):
        info = store.save(ds, activate=False)
        again = store.load(info.id)
        pd.testing.assert_frame_equal(indicator_table(again), indicator_table(ds))
        assert {c: b.kind for c, b in indicator_table(again).attrs["basis"].items()} == {
            c: b.kind for c, b in indicator_table(ds).attrs["basis"].items()}
