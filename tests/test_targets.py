"""Soll-Ist (issue 16): the targets table, attainment, forecast and status, recounted independently.

Recounts read the raw CSV rows with the csv module and plain Python (no pandas, no biwaq_data counting).
"""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

import biwaq_data as b
from biwaq_data import texts_de as T
from biwaq_data.figures import targets as tg
from biwaq_data.publish.targets import publish_progress

RANK = {"Beschäftigung": 0, "Ausbildung": 1, "Verbesserte Perspektive": 2}


def _d(text: str) -> date | None:
    if not text:
        return None
    day, month, year = text.split(".")
    return date(int(year), int(month), int(day))


def _rows(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))


class Recount:
    """Plain-Python counts over the raw CSV rows of a folder."""

    def __init__(self, folder: Path):
        raw = _rows(folder / "participants.csv")
        self.people = [(r["Teilnehmer-ID"], r["Träger"], _d(r["Eintrittsdatum"])) for r in raw]
        self.unemployed = {r["Teilnehmer-ID"] for r in raw if r["Erwerbsstatus bei Eintritt"] == "arbeitslos"}
        self.outcomes = [(r["Teilnehmer-ID"], RANK[r["Ergebnis"]], _d(r["Ergebnisdatum"]))
                         for r in _rows(folder / "outcomes.csv")]

    def counts(self, provider: str | None, when: date) -> dict:
        ids = {pid for pid, prov, entry in self.people if entry <= when and (provider is None or prov == provider)}
        best: dict[str, int] = {}
        for pid, rank, day in self.outcomes:
            if pid in ids and day <= when:
                best[pid] = min(rank, best.get(pid, 9))
        out = {"participants": len(ids), "employment": sum(v == 0 for v in best.values()),
               "vocational_training": sum(v == 1 for v in best.values()),
               "improved_prospects": sum(v == 2 for v in best.values())}
        out["work_or_training"] = out["employment"] + out["vocational_training"]
        out["EECO02"] = len(ids & self.unemployed)
        return out

    def value(self, measure: str, provider: str | None, when: date) -> float:
        c = self.counts(provider, when)
        if measure == "placement_rate":
            return 100 * c["work_or_training"] / c["participants"]
        return c[measure]


def _month_end_before(day: date) -> date:
    return day.replace(day=1) - timedelta(days=1)


def _expected(rec: Recount, row: dict, stand: date) -> dict:
    """Actual, forecast and status of one target by the documented rule, from the recount."""
    provider = row["Träger"] or None
    measure = {"Teilnehmende": "participants", "Arbeit oder Ausbildung": "work_or_training",
               "Vermittlungsquote": "placement_rate", "verbesserte Perspektive": "improved_prospects",
               "Ausbildung": "vocational_training"}.get(row["Kennzahl"], row["Kennzahl"])
    due, target = _d(row["Fällig am"]), float(row["Zielwert"])
    is_rate = measure == "placement_rate"
    if due <= stand:
        actual = rec.value(measure, provider, due)
        return {"actual": actual, "status": "met" if actual >= target else "missed", "forecast": None}
    actual = rec.value(measure, provider, stand)
    ends = [stand]  # the sample's Datenstand is a month end
    for _ in range(6):
        ends.insert(0, _month_end_before(ends[0]))
    left = (due - stand).days / (365.25 / 12)
    if is_rate:
        num = [rec.counts(provider, e)["work_or_training"] for e in ends]
        den = [rec.counts(provider, e)["participants"] for e in ends]
        steps = [num[i + 1] - num[i] for i in range(6)]
        c = rec.counts(provider, stand)
        den_fc = c["participants"] + (den[-1] - den[0]) / 6 * left
        forecast = 100 * (c["work_or_training"] + (num[-1] - num[0]) / 6 * left) / den_fc
        high = 100 * (c["work_or_training"] + max(steps) * left) / den_fc
    else:
        vals = [rec.value(measure, provider, e) for e in ends]
        steps = [vals[i + 1] - vals[i] for i in range(6)]
        forecast = actual + (vals[-1] - vals[0]) / 6 * left
        high = actual + max(steps) * left
    if actual >= target and not is_rate:
        status = "met"
    elif forecast >= target:
        status = "on_track"
    else:
        status = "at_risk" if high >= target else "behind"
    return {"actual": actual, "status": status, "forecast": forecast}


def test_sample_targets_recounted(sample_dataset, sample_dir):
    rec = Recount(sample_dir)
    stand = sample_dataset.datenstand.date()
    rows = _rows(sample_dir / "targets.csv")
    got = tg.progress(sample_dataset)
    assert len(got) == len(rows) == 13
    for row, (_, g) in zip(rows, got.iterrows()):
        want = _expected(rec, row, stand)
        assert g["actual"] == pytest.approx(want["actual"]), row
        assert g["share_reached"] == pytest.approx(want["actual"] / float(row["Zielwert"])), row
        assert g["status"] == want["status"], (row, g["status"], want)
        if want["forecast"] is None:
            assert pd.isna(g["forecast"]) and g["no_forecast"] == "due"
        else:
            assert g["forecast"] == pytest.approx(want["forecast"]), row
    # the sample shows every status a manager must tell apart
    assert set(got["status"]) == {"met", "on_track", "at_risk", "behind", "missed"}


def test_sample_published_figures_unchanged(sample_dataset):
    h = b.metrics.headline(sample_dataset)
    assert [h[k] for k in ("participants", "unemployed", "long_term_unemployed", "migration_background",
                           "employment", "vocational_training", "improved_prospects")] == [827, 670, 417, 735, 171,
                                                                                           32, 222]


def test_as_of_datenstand_is_the_dataset(sample_dataset):
    same = tg.as_of(sample_dataset, sample_dataset.datenstand)
    assert b.metrics.headline(same) == b.metrics.headline(sample_dataset)


# --- small generated data ---------------------------------------------------------------------------


def _write(folder: Path, people: list[tuple], outcomes: list[tuple], targets: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["Teilnehmer-ID;Träger;Eintrittsdatum;Austrittsdatum;Ortsteil;Geschlecht;Geburtsjahr;Erwerbsstatus;"
             "Langzeitarbeitslos;Migrationshintergrund"]
    lines += [f"{pid};{prov};{entry};{exit_};Marxloh;weiblich;1990;arbeitslos;nein;ja"
              for pid, prov, entry, exit_ in people]
    (folder / "participants.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = ["Teilnehmer-ID;Ergebnis;Ergebnisdatum"] + [f"{pid};{kind};{day}" for pid, kind, day in outcomes]
    (folder / "outcomes.csv").write_text("\n".join(out) + "\n", encoding="utf-8")
    (folder / "services.csv").write_text("Teilnehmer-ID;Leistung;Beginn\n" + f"{people[0][0]};Beratung;{people[0][2]}\n",
                                         encoding="utf-8")
    (folder / "targets.csv").write_text(targets, encoding="utf-8")
    (folder / "metadata.json").write_text('{"datenstand": "2024-06-30"}', encoding="utf-8")


def _small(tmp_path: Path, targets: str):
    # A: one entry per month Jan..Jun 2024 (6 complete months); B: entries in May and June only (2 months).
    people = [(f"A{m}", "Träger A", f"15.{m:02d}.2024", "") for m in range(1, 7)]
    people += [("B1", "Träger B", "10.05.2024", ""), ("B2", "Träger B", "10.06.2024", "20.06.2024")]
    outcomes = [("A1", "Beschäftigung", "01.03.2024"), ("A2", "Ausbildung", "01.05.2024")]
    _write(tmp_path, people, outcomes, targets)
    return b.load_dataset(tmp_path, today=pd.Timestamp("2024-07-01"))


def test_small_data_forecast_rules(tmp_path):
    ds = _small(tmp_path, "Träger;Kennzahl;Fällig am;Zielwert\n"
                          "Träger A;Teilnehmende;31.12.2024;12\n"      # 1 per month -> 6 + 6 = 12: on track
                          "Träger A;Teilnehmende;30.11.2024;20\n"       # the same rate never reaches 20: behind
                          "Träger B;Teilnehmende;31.12.2024;4\n"        # two months of history: no forecast
                          "Träger A;Arbeit oder Ausbildung;31.03.2024;1\n")  # due: 1 by 31.03.2024 -> met
    assert ds.issues[ds.issues["severity"] == "error"].empty
    got = tg.progress(ds)
    a12, a20, b4, due = (got.iloc[i] for i in range(4))
    assert a12["actual"] == 6 and a12["months_used"] == 6 and a12["monthly_rate"] == pytest.approx(1.0)
    assert a12["forecast"] == pytest.approx(6 + 1.0 * 184 / (365.25 / 12))
    assert a12["rate_low"] == a12["rate_high"] == 1.0
    assert a12["status"] == "on_track" and a20["status"] == "behind"
    assert b4["no_forecast"] == "short" and pd.isna(b4["forecast"])
    # without a forecast: share reached (2/4) against share of time (from 01.01.2023) -> 50 % < 73 % - 10
    assert b4["share_time"] == pytest.approx((pd.Timestamp("2024-06-30") - pd.Timestamp("2023-01-01")).days
                                             / (pd.Timestamp("2024-12-31") - pd.Timestamp("2023-01-01")).days)
    assert b4["status"] == "behind"
    assert due["actual"] == 1 and due["status"] == "met" and due["no_forecast"] == "due"


def test_publication_withholds_small_actuals(tmp_path):
    ds = _small(tmp_path, "Träger;Kennzahl;Fällig am;Zielwert\n"
                          "Träger B;Teilnehmende;31.12.2024;4\n"
                          "Träger A;Teilnehmende;31.12.2024;12\n")
    raw = tg.progress(ds)
    pub = publish_progress(raw, ds)
    assert raw.loc[0, "actual"] == 2
    assert pub.suppressed.loc[0, "actual"] and pub.suppressed.loc[0, "share_reached"]
    assert pub.frame.loc[0, "actual"] is pd.NA
    # Träger A (6): the programme's Träger table withholds it as the complement of B's 2 (6 = total - 2 would
    # give B back); the publication set publishes a Träger only as that cell (issue 13), so A is withheld too
    assert raw.loc[1, "actual"] == 6
    assert pub.suppressed.loc[1, "actual"] and pub.suppressed.loc[1, "forecast"]


def test_publication_withholds_an_earlier_actual_one_or_two_below_a_later_one(tmp_path):
    """Two due dates of one Träger's count: the past one shows the data as of that day, so the difference of the
    two actuals counts the persons of the time between. 4 (as of 30.04.2024) and 6 (now) would reveal 2."""
    people = [(f"{t}{m}", f"Träger {t}", f"15.{m:02d}.2024", "") for t in ("A", "C") for m in range(1, 7)]
    _write(tmp_path, people, [("A1", "Beschäftigung", "01.03.2024")],
           "Träger;Kennzahl;Fällig am;Zielwert\n"
           "Träger A;Teilnehmende;30.04.2024;5\n"   # as of 30.04.2024: 4
           "Träger A;Teilnehmende;31.12.2024;12\n"  # now: 6 -> 6 - 4 = 2
           "Träger C;Teilnehmende;31.03.2024;5\n"   # as of 31.03.2024: 3
           "Träger C;Teilnehmende;31.12.2024;12\n")  # now: 6 -> 3 apart: both shown
    ds = b.load_dataset(tmp_path, today=pd.Timestamp("2024-07-01"))
    raw = tg.progress(ds)
    assert list(raw["actual"]) == [4, 6, 3, 6]
    pub = publish_progress(raw, ds)
    assert pub.suppressed.loc[0, "actual"] and pub.suppressed.loc[0, "share_reached"]
    assert not pub.suppressed.loc[[1, 2, 3], "actual"].any()
    assert list(pub.frame.loc[[1, 2, 3], "actual"].astype(float)) == [6, 3, 6]


# --- import: German headers, a bad row ------------------------------------------------------------


def test_german_targets_csv_with_bad_rows(tmp_path, sample_dir):
    for name in ("participants.csv", "outcomes.csv", "services.csv", "metadata.json"):
        shutil.copy(sample_dir / name, tmp_path / name)
    (tmp_path / "Zielwerte.csv").write_text(
        "Zielwerte laut Zuwendungsbescheid\n"
        "Träger;Kennzahl;Stichtag;Soll\n"
        "Werkkiste Marxloh;Teilnehmende;31.12.2026;460\n"
        "GfB Hochfeld;Vermittlungsquote;31.12.2026;130\n"        # row 4: a rate above 100 %
        "GfB Hochfeld;Kaffeeverbrauch;31.12.2026;5\n"            # row 5: unknown measure
        ";EECO02;31.12.2026;700\n"
        "Werkkiste Marxloh;Teilnehmende;31.12.2026;470\n"        # row 7: duplicate of row 3
        "Träger X;Teilnehmende;32.12.2026;10\n",                 # row 8: bad date (and unknown Träger)
        encoding="cp1252")
    ds = b.load_dataset(tmp_path)
    issues = ds.issues[ds.issues["table"] == "targets"]
    errors = issues[issues["severity"] == "error"]
    assert set(zip(errors["row"], errors["column"], errors["rule"])) == {
        (4, "Soll", "target_rate_range"), (5, "Kennzahl", "unknown_category"), (7, "Kennzahl", "duplicate_target"),
        (8, "Stichtag", "invalid_date")}
    assert (errors["file"] == "Zielwerte.csv").all()
    assert errors.loc[errors["rule"] == "duplicate_target", "message"].iloc[0] == \
        T.RULE_MESSAGES["duplicate_target"].format(first_row=3)
    # nothing else lost: the good rows are there, and the three other tables are untouched
    assert list(ds.targets["source_row"]) == [3, 6]
    assert ds.targets["provider"].iloc[1] is None and ds.targets["measure"].iloc[1] == "EECO02"
    assert b.metrics.headline(ds)["participants"] == 827
    assert ds.rows_rejected == {"participants": 0, "outcomes": 0, "services": 0}


def test_targets_sheet_in_a_workbook(tmp_path, sample_dir):
    for name in ("participants.csv", "outcomes.csv", "services.csv"):
        shutil.copy(sample_dir / name, tmp_path / name)
    frame = pd.DataFrame({"Träger": ["GfB Hochfeld", "GfB Hochfeld"], "Kennzahl": ["Ausbildung", "Ausbildung"],
                          "Fällig am": [pd.Timestamp("2026-12-31"), "kein Datum"], "Zielwert": [20, -3]})
    with pd.ExcelWriter(tmp_path / "zielwerte.xlsx") as writer:
        frame.to_excel(writer, sheet_name="Zielwerte", index=False)
    ds = b.load_dataset(tmp_path)
    issues = ds.issues[ds.issues["table"] == "targets"]
    assert set(zip(issues["row"].fillna(0), issues["rule"])) == {
        (3, "invalid_date"), (0, "optional_column_missing")}  # the first error of a row stops it; no "Beginn" column
    assert issues["file"].iloc[0] == "zielwerte.xlsx › Zielwerte"
    assert list(ds.targets["source_row"]) == [2] and ds.targets["target"].iloc[0] == 20


TARGET_RULES = {"target_negative", "target_rate_range", "due_before_start", "duplicate_target",
                "target_unknown_provider"}  # tests/test_validation.py counts these as covered by this module


def test_every_target_rule_has_a_failing_row(tmp_path, sample_dir):
    for name in ("participants.csv", "outcomes.csv", "services.csv", "metadata.json"):
        shutil.copy(sample_dir / name, tmp_path / name)
    (tmp_path / "targets.csv").write_text(
        "Träger;Kennzahl;Fällig am;Zielwert;Beginn\n"
        "GfB Hochfeld;Teilnehmende;31.12.2026;-5;01.01.2023\n"          # 2 target_negative
        "GfB Hochfeld;Vermittlungsquote;31.12.2026;101;01.01.2023\n"    # 3 target_rate_range
        "GfB Hochfeld;Ausbildung;31.12.2024;10;01.01.2025\n"            # 4 due_before_start
        "GfB Hochfeld;Ausbildung;31.12.2026;10;\n"                      # 5 fine (empty start: programme start)
        "GfB Hochfeld;Ausbildung;31.12.2026;12;\n"                      # 6 duplicate_target
        "Werkkiste Hamborn;Teilnehmende;31.12.2026;10;\n",              # 7 target_unknown_provider (warning)
        encoding="utf-8")
    ds = b.load_dataset(tmp_path)
    issues = ds.issues[ds.issues["table"] == "targets"]
    got = {(int(r.row), r.column, r.rule, r.severity) for r in issues.itertuples()}
    assert got == {(2, "Zielwert", "target_negative", "error"), (3, "Zielwert", "target_rate_range", "error"),
                   (4, "Fällig am", "due_before_start", "error"), (6, "Kennzahl", "duplicate_target", "error"),
                   (7, "Träger", "target_unknown_provider", "warning")}
    assert {rule for *_, rule, _ in got} == TARGET_RULES
    assert list(ds.targets["source_row"]) == [5, 7]  # the warning keeps its row
    assert ds.targets["start_date"].iloc[0] == pd.Timestamp("2023-01-01")
    assert tg.progress(ds).iloc[1]["actual"] == 0  # unknown Träger: nobody counted
