"""ESF Plus indicators (biwaq_data.figures.indicators) and the page pages/indikatoren.py."""

from __future__ import annotations

import json
from functools import lru_cache
from io import BytesIO
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from biwaq_data import Filters, indicator_report, indicators, load_dataset, metrics, publication
from biwaq_data import texts_de as T
from biwaq_data.formatting import format_int
from biwaq_data.publish.gender import publication_dataset

ROOT = Path(__file__).resolve().parent.parent
G = indicators.GENDERS

# --------------------------------------------------------------------------- hand-counted fixture
# Datenstand 30.06.2026. (id, gender, status, ltu, birth year, education, migration, third country,
# entry, exit, [(outcome, date)])
PEOPLE = [
    # exit 01.03.2025 + 28 days = 29.03.2025: employment exactly on day 28 -> EECR04 and EECR05
    ("TN-01", "weiblich", "arbeitslos", "ja", 2000, "ISCED 0-2", "ja", "ja", "10.01.2025", "01.03.2025",
     [("Beschäftigung", "29.03.2025")]),
    # exit 01.04.2025: training on day 29 (30.04.2025) -> not EECR02
    ("TN-02", "weiblich", "nicht erwerbstätig", "nein", 2008, "ISCED 3-4", "nein", "nein", "01.02.2025",
     "01.04.2025", [("Ausbildung", "30.04.2025")]),
    # employment before the exit -> in employment upon leaving
    ("TN-03", "männlich", "arbeitslos", "nein", 1969, "ISCED 5-8", "ja", "ja", "05.01.2025", "01.05.2025",
     [("Beschäftigung", "15.04.2025")]),
    # still supported: not a leaver
    ("TN-04", "männlich", "erwerbstätig", "nein", 1985, "unbekannt", "nein", "", "01.03.2025", "",
     [("Beschäftigung", "01.05.2025")]),
    # left 01.06.2026 (< 183 days before the Datenstand: not assessable); training on day 19
    ("TN-05", "divers", "arbeitslos", "ja", 1995, "ISCED 0-2", "ja", "nein", "01.06.2025", "01.06.2026",
     [("Ausbildung", "20.06.2026")]),
    # employment 164 days after exit: not within 28 days, within six months
    ("TN-06", "keine Angabe", "arbeitslos", "nein", 1990, "ISCED 3-4", "ja", "ja", "02.01.2025", "01.02.2025",
     [("Beschäftigung", "15.07.2025")]),
    # employment exactly 183 days after exit (20.01.2025 + 183 = 22.07.2025): counts for EECR05
    ("TN-07", "weiblich", "nicht erwerbstätig", "nein", 1970, "ISCED 0-2", "nein", "nein", "03.01.2025",
     "20.01.2025", [("Beschäftigung", "22.07.2025")]),
    # employment 184 days after exit (10.01.2025 + 184 = 13.07.2025): does not count
    ("TN-08", "männlich", "arbeitslos", "ja", 1960, "ISCED 0-2", "ja", "ja", "04.01.2025", "10.01.2025",
     [("Beschäftigung", "13.07.2025")]),
]


@lru_cache(maxsize=None)
def fixture_dataset(folder: str):
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    participants = pd.DataFrame([{
        "Teilnehmer-ID": pid, "Träger": "Werkkiste Marxloh", "Eintrittsdatum": entry, "Austrittsdatum": exit_,
        "Ortsteil": "Marxloh", "Geschlecht": gender, "Geburtsjahr": born, "Erwerbsstatus bei Eintritt": status,
        "Langzeitarbeitslos": ltu, "Migrationshintergrund": mig, "Drittstaatsangehörig": tcn,
        "Bildungsniveau": edu, "Zugangsweg": "Jobcenter"}
        for pid, gender, status, ltu, born, edu, mig, tcn, entry, exit_, _ in PEOPLE])
    outcomes = pd.DataFrame([{"Teilnehmer-ID": p[0], "Ergebnis": kind, "Ergebnisdatum": date,
                              "Art der Beschäftigung": "", "Branche": ""}
                             for p in PEOPLE for kind, date in p[10]])
    services = pd.DataFrame([{"Teilnehmer-ID": p[0], "Leistung": "Beratung", "Beginn": p[8], "Stunden": "2,0"}
                             for p in PEOPLE])
    for name, frame in (("participants", participants), ("outcomes", outcomes), ("services", services)):
        frame.to_csv(path / f"{name}.csv", sep=";", index=False, encoding="utf-8")
    (path / "metadata.json").write_text(json.dumps({"datenstand": "2026-06-30", "snapshot_id": "fixture-1"}))
    return load_dataset(path)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    ds = fixture_dataset(str(tmp_path_factory.mktemp("esf")))
    assert not (ds.issues["severity"] == "error").any(), ds.issues
    return ds


@lru_cache(maxsize=None)
def sample():
    return load_dataset(ROOT / "sample_data")


def row(published, key):
    frame = published.frame.set_index("key")
    return [None if pd.isna(v) else int(v) for v in frame.loc[key, list(indicator_report.COLUMNS)]]


def test_hand_counted_output_indicators(tiny):
    t = indicator_report.indicator_tables(tiny, protect=False)
    out = t.output
    #                                          female male non-binary unknown total
    assert row(out, "unemployed") == [1, 2, 1, 1, 5]
    assert row(out, "long_term_unemployed") == [1, 1, 1, 0, 3]
    assert row(out, "inactive") == [2, 0, 0, 0, 2]
    assert row(out, "employed") == [0, 1, 0, 0, 1]
    assert row(out, "under_18") == [1, 0, 0, 0, 1]  # born 2008, entry 2025: 17
    assert row(out, "18_29") == [1, 0, 0, 0, 1]  # TN-01 is 25; TN-05 (2025 - 1995 = 30) is 30-54
    assert row(out, "55_plus") == [1, 2, 0, 0, 3]  # 1970 (55), 1969 (56), 1960 (65)
    assert row(out, "isced_0_2") == [2, 1, 1, 0, 4]
    assert row(out, "isced_3_4") == [1, 0, 0, 1, 2]
    assert row(out, "isced_5_8") == [0, 1, 0, 0, 1]
    assert row(out, "third_country_national") == [1, 2, 0, 1, 4]  # TN-04 not recorded: not counted
    assert row(out, "foreign_background") == [1, 2, 1, 1, 5]
    assert row(out, "total") == [3, 3, 1, 1, 8]
    assert out.frame.set_index("key").loc["unemployed", "code"] == "EECO02"
    assert out.frame.set_index("key").loc["employed", "code"] == "EECO05"
    assert out.frame.set_index("key").loc["total", "code"] == "EECO01"


def test_hand_counted_result_indicators_and_28_day_window(tiny):
    t = indicator_report.indicator_tables(tiny, protect=False)
    res = t.results
    assert row(res, "leavers") == [3, 2, 1, 1, 7]  # TN-04 still supported
    assert row(res, "education_28") == [0, 0, 1, 0, 1]  # TN-02 on day 29 is out, TN-05 on day 19 in
    assert row(res, "employment_28") == [1, 1, 0, 0, 2]  # TN-01 exactly day 28, TN-03 before exit
    assert row(res, "assessable_leavers") == [3, 2, 0, 1, 6]  # TN-05 left less than 183 days ago
    assert row(res, "employment_6m") == [2, 1, 0, 1, 4]  # TN-01, TN-03, TN-06, TN-07 (day 183); not TN-08
    frame = res.frame.set_index("key")
    # an older export (no exit status): derived from the outcomes and labelled so, never the official code alone
    assert frame.loc["employment_28", "code"] == "EECR04 (abgeleitet)"
    assert frame.loc["employment_28", "denominator"] == T.ESF_DENOMINATORS["BIWAQ-D2"]
    assert frame.loc["employment_6m", "denominator"] == T.ESF_DENOMINATORS["BIWAQ-D3"]
    assert row(res, "leavers_28") == [3, 2, 1, 1, 7]  # TN-05 left 29 days before the Datenstand: window closed
    rates = t.rates.frame.set_index("key")
    assert rates.loc["employment_28", "total"] == pytest.approx(2 / 7)
    assert rates.loc["employment_6m", "female"] == pytest.approx(2 / 3)
    assert t.rates.undefined.set_index(t.rates.frame["key"]).loc["employment_6m", "non_binary"]  # 0 assessable


def test_tiny_selection_is_protected(tiny):
    t = indicator_report.indicator_tables(tiny)  # publication mode is the default
    assert t.protected and t.suppressed_any
    for published in (t.output, t.results):
        values = published.frame[list(indicator_report.COLUMNS)]
        shown = values.to_numpy(dtype=float, na_value=np.nan)
        assert not np.isin(shown, [1, 2]).any()
        withheld = published.suppressed[list(indicator_report.COLUMNS)]
        undefined = published.undefined[list(indicator_report.COLUMNS)]  # not collected (NA), never suppressed
        assert (values.isna() == (withheld | undefined)).all().all()
        assert not (withheld & undefined).any().any()


def test_rows_add_up_and_match_the_metrics():
    ds = sample()
    t = indicator_report.indicator_tables(ds, protect=False)
    for published in (t.output, t.results):
        f = published.frame[published.frame["code_plain"] != "EECO19"]  # enterprises: no gender split
        assert (f[list(G)].sum(axis=1) == f["total"]).all()
    h = metrics.headline(ds)
    gender = metrics.breakdown(ds, "gender").set_index("key")["participants"]
    assert row(t.output, "total") == [int(gender[g]) for g in G] + [827]
    assert row(t.output, "unemployed")[-1] == h["unemployed"] == 670
    assert row(t.output, "long_term_unemployed")[-1] == h["long_term_unemployed"] == 417
    assert row(t.output, "foreign_background")[-1] == h["migration_background"] == 735
    assert row(t.results, "leavers")[-1] == h["leavers"]
    ages = metrics.breakdown(ds, "age_group").set_index("key")["participants"]
    assert row(t.output, "18_29")[-1] == ages["18_29"]
    marxloh = Filters(ortsteile=(202,))
    tm = indicator_report.indicator_tables(ds, marxloh, protect=False)
    assert row(tm.output, "total")[-1] == metrics.headline(ds, marxloh)["participants"]


def test_published_totals_equal_the_published_breakdowns():
    ds = sample()
    sel = publication.selection(ds)
    t = indicator_report.indicator_tables(ds)
    gender = sel.breakdown("gender").frame.set_index("key")["participants"]
    total = t.output.frame.set_index("key").loc["total"]
    for g in G:  # same figure, same status (shown or withheld) on both pages
        assert (pd.isna(total[g]) and pd.isna(gender[g])) or total[g] == gender[g]
    assert total["total"] == 827


def test_excel_report_opens_and_matches(tiny):
    for ds in (sample(), tiny):
        data = indicator_report.indicator_report_excel(ds, None, {"Quelle": "Test"})
        book = openpyxl.load_workbook(BytesIO(data))
        assert book.sheetnames == ["Output", "Ergebnis", "Hinweise"]
        t = indicator_report.indicator_tables(ds, four_genders=True)  # the funder's report: four categories
        for sheet, published, first_value_col in ((book["Output"], t.output, 4), (book["Ergebnis"], t.results, 5)):
            header = [c.value for c in sheet[3]]
            assert header[-5:] == ["Frauen", "Männer", "nicht-binär", "ohne Angabe", "Insgesamt"]
            for r, (i, prow) in enumerate(published.frame.iterrows(), start=4):
                assert sheet.cell(r, 1).value == (prow["code"] or None)
                for j, col in enumerate(indicator_report.COLUMNS):
                    cell = sheet.cell(r, first_value_col + j)
                    if t.not_collected(prow["code_plain"]):
                        assert cell.value == T.ESF_NOT_COLLECTED
                    elif prow["code_plain"] == "EECO19" and col != "total":
                        assert cell.value == "x"
                    elif published.suppressed.loc[i, col]:
                        assert cell.value == "*"
                    else:
                        assert cell.value == int(prow[col]) and cell.number_format == "#,##0"
            assert sheet.freeze_panes == "C4"
        notes = {row[0].value: row[1].value for row in book["Hinweise"].iter_rows() if row[0].value}
        assert notes["Datenstand"] == ds.datenstand.strftime("%d.%m.%Y")
        assert notes["Fußnote"] == publication.FOOTNOTE_DE
        assert notes["Quelle"] == "Test" and "Sechs Monate nach Austritt (EECR05, BIWAQ-L1)" in notes
    assert notes["Datenversion"] == "fixture-1"


def test_excel_stays_protected_unless_allowed(tiny, monkeypatch):
    monkeypatch.delenv(publication.ALLOW_UNPROTECTED_ENV, raising=False)
    data = indicator_report.indicator_report_excel(tiny, protect=False)
    values = [c.value for r in openpyxl.load_workbook(BytesIO(data))["Output"].iter_rows() for c in r]
    assert "*" in values
    monkeypatch.setenv(publication.ALLOW_UNPROTECTED_ENV, "1")
    data = indicator_report.indicator_report_excel(tiny, protect=False)
    values = [c.value for r in openpyxl.load_workbook(BytesIO(data))["Output"].iter_rows() for c in r]
    assert "*" not in values


def test_indicator_page_renders():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/indikatoren.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == T.PAGE_TITLES["indicators"]
    # output, results, shares as report tables (every row and column on the page); enterprises as dataframes
    assert len(at.table) == 3 and len(at.dataframe) == 2
    output = at.table[0].value.reset_index()
    assert list(output.columns)[2:7] == ["Frauen", "Männer", "nicht-binär", "ohne Angabe", "Insgesamt"]
    assert output.set_index("Code").loc["EECO01", "Insgesamt"] == "827"
    captions = " ".join(c.value for c in at.caption)
    raw = indicators.indicator_table(sample())
    closed, leavers = raw.loc["BIWAQ-D2", "total"], raw.loc["BIWAQ-D1", "total"]
    assert f"Ausgetretene mit abgeschlossenem 28-Tage-Fenster ({closed} von {leavers} Ausgetretenen)" in captions
    assert T.PUBLICATION_GENDER_FOOTNOTE in captions
    # issue 13: Frauen and Männer are shown for every indicator where both are 10 or more (statistical gender)
    published = indicators.indicator_table(publication_dataset(sample()))
    for frame in (at.table[0].value.reset_index(), at.table[1].value.reset_index()):
        for _, row in frame.iterrows():
            code = row["Code"].split()[0]
            female, male = published.loc[code, "female"], published.loc[code, "male"]
            if pd.notna(female) and female >= 10 and male >= 10:
                assert row["Frauen"] == format_int(int(female)) and row["Männer"] == format_int(int(male)), code
    assert at.get("download_button")

    # the sidebar switch off (?schutz=false) shows the raw figures, with a warning
    raw = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    raw.query_params["schutz"] = "false"
    raw.run()
    raw.switch_page("pages/indikatoren.py").run()
    assert not raw.exception
    assert "*" not in raw.table[0].value.to_numpy()
    assert raw.warning


def test_indicator_page_follows_the_sidebar_filters():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.session_state["ortsteil"] = [202]  # sidebar widgets: set state before the run (st.navigation)
    at.run()
    at.switch_page("pages/indikatoren.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Marxloh" in at.info[0].value
    total = at.table[0].value.loc["EECO01"]
    assert str(metrics.headline(sample(), Filters(ortsteile=(202,)))["participants"]) == "303"
    assert total["Insgesamt"] == "300"  # not the programme: rounded to a multiple of ten (issue 13)
    assert T.PUBLICATION_ROUNDED_FOOTNOTE in " ".join(c.value for c in at.caption)
