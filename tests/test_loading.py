"""Loading: every supported format and German CSV quirk gives the same dataset; DataError when nothing loads.

Fixture files are written into tmp_path by the tests, from a small generated dataset
(`sample.generate` + `sample.to_export_format`) or from hand-written text.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import biwaq_data
from biwaq_data import DataError, Filters, metrics, places, schema
from biwaq_data.tools import sample
from biwaq_data import texts_de as T

N = 60
SEED = 7
TABLES = ("participants", "outcomes", "services")
DOC = Path(__file__).resolve().parent.parent / "docs" / "data.md"


# --- helpers -----------------------------------------------------------------


@pytest.fixture(scope="module")
def generated():
    """Canonical typed tables (English codes) of a small synthetic dataset."""
    return sample.generate(N, seed=SEED)


@pytest.fixture(scope="module")
def exported(generated):
    """The same tables as a programme office exports them: German headers and values, dd.mm.yyyy, ja/nein."""
    return sample.to_export_format(generated)


def english_text(tables):
    """Canonical tables with English headers and codes, ISO dates, True/False."""
    out = {}
    for name, frame in tables.items():
        frame = frame.copy()
        for col in frame.columns:
            if pd.api.types.is_datetime64_any_dtype(frame[col]):
                frame[col] = frame[col].dt.strftime("%Y-%m-%d")
        out[name] = frame
    return out


def write_csv(folder: Path, tables, *, sep=";", encoding="utf-8", names=None):
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        stem = (names or {}).get(name, name)
        frame.to_csv(folder / f"{stem}.csv", sep=sep, index=False, encoding=encoding)
    return folder


def write_xlsx_files(folder: Path, tables):
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.to_excel(folder / f"{name}.xlsx", index=False)
    return folder


def write_workbook(path: Path, tables, sheet_names):
    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path) as writer:
        for name, frame in tables.items():
            frame.to_excel(writer, sheet_name=sheet_names.get(name, name), index=False)
    return path


def write_parquet(folder: Path, tables):
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    return folder


def template_regex(template: str) -> re.Pattern:
    """A DataError template from texts_de as a regex: fixed German text, any value in the {placeholders}."""
    parts = re.split(r"\{[a-z_]+\}", template)
    return re.compile(".+".join(re.escape(p) for p in parts), re.S)


def assert_same_dataset(ds, ref):
    assert ds.issues.empty, ds.issues.to_string()
    assert metrics.headline(ds) == pytest.approx(metrics.headline(ref))
    for table in TABLES:
        pd.testing.assert_frame_equal(getattr(ds, table), getattr(ref, table), obj=table)
    assert ds.datenstand == ref.datenstand


@pytest.fixture(scope="module")
def reference(tmp_path_factory, exported, today):
    """The dataset loaded from the plain export: UTF-8 CSV with semicolons, German headers."""
    folder = write_csv(tmp_path_factory.mktemp("reference"), exported)
    return biwaq_data.load_dataset(folder, today=today)


# --- the reference itself counts what the generator made ----------------------


def test_reference_counts_match_the_generated_tables(reference, generated):
    p = generated["participants"]
    h = metrics.headline(reference)
    assert reference.issues.empty
    assert h["participants"] == len(p) == N
    assert h["unemployed"] == (p["employment_status"] == "unemployed").sum()
    assert h["long_term_unemployed"] == p["long_term_unemployed"].sum()
    assert h["migration_background"] == p["migration_background"].sum()
    assert len(reference.outcomes) == len(generated["outcomes"])
    assert len(reference.services) == len(generated["services"])
    ranks = generated["outcomes"].groupby("participant_id")["outcome"].agg(lambda s: s.cat.codes.min())
    for code, key in enumerate(schema.OUTCOMES):
        assert h[key] == (ranks == code).sum()


def test_typed_frames(reference):
    p, o, s = reference.participants, reference.outcomes, reference.services
    for frame, col in ((p, "entry_date"), (p, "exit_date"), (o, "outcome_date"), (s, "start_date")):
        assert pd.api.types.is_datetime64_any_dtype(frame[col]), col
    for col in ("gender", "employment_status", "education", "referral_source", "ortsteil", "bezirk",
                "provider", "age_group", "best_outcome"):
        assert isinstance(p[col].dtype, pd.CategoricalDtype), col
    assert list(p["gender"].cat.categories) == list(schema.PARTICIPANT_CATEGORIES["gender"])
    assert list(p["ortsteil"].cat.categories) == places.ortsteil_names()
    assert isinstance(o["outcome"].dtype, pd.CategoricalDtype)
    assert isinstance(s["service"].dtype, pd.CategoricalDtype)
    assert p["long_term_unemployed"].dtype == bool and p["migration_background"].dtype == bool
    assert pd.api.types.is_bool_dtype(p["third_country_national"])
    assert pd.api.types.is_integer_dtype(p["birth_year"]) and pd.api.types.is_float_dtype(s["hours"])
    assert p["participant_id"].is_unique
    # the Ortsteil name, number and Bezirk agree with the reference list
    ref = places.ortsteile().set_index("ortsteil_nr")
    assert (p["ortsteil"].astype(str).to_numpy() == ref.loc[p["ortsteil_nr"], "ortsteil"].to_numpy()).all()
    assert (p["bezirk"].astype(str).to_numpy() == ref.loc[p["ortsteil_nr"], "bezirk"].to_numpy()).all()


# --- every format gives the same dataset ---------------------------------------

FORMATS = {
    "csv utf-8 with BOM, comma": lambda d, g, e: write_csv(d, e, sep=",", encoding="utf-8-sig"),
    "csv windows-1252, semicolon": lambda d, g, e: write_csv(d, e, sep=";", encoding="cp1252"),
    "csv tab separated": lambda d, g, e: write_csv(d, e, sep="\t"),
    "csv English headers, ISO dates, true/false": lambda d, g, e: write_csv(d, english_text(g), sep=","),
    "csv German file names": lambda d, g, e: write_csv(
        d, e, names={"participants": "Teilnehmende", "outcomes": "Ergebnisse", "services": "Leistungen",
               "enterprises": "Unternehmen"}),
    "xlsx folder, German text cells": lambda d, g, e: write_xlsx_files(d, e),
    "xlsx folder, typed cells": lambda d, g, e: write_xlsx_files(d, g),
    "workbook in folder, German sheets": lambda d, g, e: write_workbook(
        d / "export.xlsx", e, {"participants": "Teilnehmende", "outcomes": "Ergebnisse", "services": "Leistungen",
           "enterprises": "Unternehmen"}
    ).parent,
    "workbook file, English sheets": lambda d, g, e: write_workbook(
        d / "biwaq.xlsx", english_text(g), {t: t for t in TABLES}),
    "parquet folder, typed": lambda d, g, e: write_parquet(d, g),
    "parquet folder, German text": lambda d, g, e: write_parquet(d, e),
}


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_loads_the_same_dataset(fmt, tmp_path, generated, exported, reference, today):
    source = FORMATS[fmt](tmp_path / "data", generated, exported)
    ds = biwaq_data.load_dataset(source, today=today)
    assert_same_dataset(ds, reference)


def test_windows_1252_file_really_is_windows_1252(tmp_path, exported):
    folder = write_csv(tmp_path, exported, encoding="cp1252")
    data = (folder / "participants.csv").read_bytes()
    assert "Träger".encode("cp1252") in data
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


def test_workbook_files_are_named_with_their_sheet(tmp_path, exported, today):
    path = write_workbook(tmp_path / "export.xlsx", exported,
                          {"participants": "Teilnehmende", "outcomes": "Ergebnisse", "services": "Leistungen",
                           "enterprises": "Unternehmen"})
    ds = biwaq_data.load_dataset(path, today=today)
    assert ds.files == {"participants": "export.xlsx › Teilnehmende", "outcomes": "export.xlsx › Ergebnisse",
                        "services": "export.xlsx › Leistungen", "enterprises": "export.xlsx › Unternehmen"}


# --- German CSV quirks, hand-written -------------------------------------------

HEADER = ("Teilnehmer-ID;Träger;Eintrittsdatum;Austrittsdatum;Ortsteil;Geschlecht;Geburtsjahr;"
          "Erwerbsstatus bei Eintritt;Langzeitarbeitslos;Migrationshintergrund")
QUIRK_ROWS = [
    "A1;GfB Hochfeld;{d1};;Kaßlerfeld;weiblich;1990;arbeitslos;{yes};{no}",
    "A2;Werkkiste Marxloh;{d2};{d3};Neumühl;männlich;1985;nicht erwerbstätig;{no};{yes}",
    "A3;Werkkiste Marxloh;{d2};;Neumuehl;divers;2001;arbeitslos;{no};{yes}",
    "A4;GfB Hochfeld;{d1};;204;keine Angabe;1970;erwerbstätig;{no};{no}",
]
OUTCOMES_TEXT = "Teilnehmer-ID;Ergebnis;Ergebnisdatum\nA1;Beschäftigung;{d3}\nA2;Verbesserte Perspektive;{d3}\n"
SERVICES_TEXT = "Teilnehmer-ID;Leistung;Beginn;Stunden\nA1;Beratung;{d2};{h1}\nA4;Stellensuche;{d3};12\n"
DATES = {
    "iso": {"d1": "2023-03-31", "d2": "2024-01-02", "d3": "2024-06-30"},
    "german": {"d1": "31.03.2023", "d2": "02.01.2024", "d3": "30.06.2024"},
    "german short year": {"d1": "31.03.23", "d2": "2.1.24", "d3": "30.06.24"},
}
BOOLS = {"ja/nein": ("ja", "nein"), "Ja/NEIN": ("Ja", "NEIN"), "j/n": ("j", "n"), "1/0": ("1", "0"),
         "x/nein": ("x", "nein")}


def write_quirk_files(folder: Path, dates: dict, yes: str, no: str, encoding: str, sep: str = ";") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    # a German decimal comma must be quoted in a comma-separated file, as spreadsheet programs do
    fields = {**dates, "yes": yes, "no": no, "h1": '"1,5"' if sep == "," else "1,5"}
    texts = {
        "participants": "\n".join([HEADER, *(r.format(**fields) for r in QUIRK_ROWS)]) + "\n",
        "outcomes": OUTCOMES_TEXT.format(**fields),
        "services": SERVICES_TEXT.format(**fields),
    }
    for name, text in texts.items():
        if sep != ";":
            text = text.replace(";", sep)
        (folder / f"{name}.csv").write_bytes(text.encode(encoding))
    return folder


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("dates", list(DATES))
def test_german_quirks_hand_written(tmp_path, encoding, dates, today):
    ds = biwaq_data.load_dataset(write_quirk_files(tmp_path, DATES[dates], "ja", "nein", encoding), today=today)
    assert ds.issues["severity"].eq("error").sum() == 0, ds.issues.to_string()
    p = ds.participants.set_index("participant_id")
    assert p["ortsteil_nr"].to_dict() == {"A1": 503, "A2": 204, "A3": 204, "A4": 204}
    assert p["ortsteil"].astype(str).to_dict() == {"A1": "Kaßlerfeld", "A2": "Neumühl", "A3": "Neumühl",
                                                   "A4": "Neumühl"}
    assert p["bezirk"].astype(str).to_dict() == {"A1": "Mitte", "A2": "Hamborn", "A3": "Hamborn", "A4": "Hamborn"}
    assert p["provider"].astype(str).to_dict()["A2"] == "Werkkiste Marxloh"
    assert p["gender"].astype(str).tolist() == ["female", "male", "non_binary", "unknown"]
    assert p["employment_status"].astype(str).tolist() == ["unemployed", "inactive", "unemployed", "employed"]
    assert p["entry_date"].tolist() == [pd.Timestamp("2023-03-31"), pd.Timestamp("2024-01-02"),
                                        pd.Timestamp("2024-01-02"), pd.Timestamp("2023-03-31")]
    assert p.loc["A2", "exit_date"] == pd.Timestamp("2024-06-30") and pd.isna(p.loc["A1", "exit_date"])
    assert p["long_term_unemployed"].tolist() == [True, False, False, False]
    assert p["migration_background"].tolist() == [False, True, True, False]
    assert ds.outcomes["outcome"].astype(str).tolist() == ["employment", "improved_prospects"]
    assert ds.services["hours"].tolist() == [1.5, 12.0]
    # optional columns that are absent are reported once each, as warnings
    absent = ds.issues.loc[ds.issues["rule"] == "optional_column_missing", "column"].tolist()
    assert sorted(absent) == sorted([T.COLUMN_LABELS[c] for c in (
        "third_country_national", "education", "referral_source", "employment_kind", "sector")])


@pytest.mark.parametrize("words", list(BOOLS))
def test_yes_no_spellings(tmp_path, words, today):
    yes, no = BOOLS[words]
    ds = biwaq_data.load_dataset(write_quirk_files(tmp_path, DATES["german"], yes, no, "utf-8"), today=today)
    assert not (ds.issues["severity"] == "error").any(), ds.issues.to_string()
    assert ds.participants["long_term_unemployed"].tolist() == [True, False, False, False]
    assert ds.participants["migration_background"].tolist() == [False, True, True, False]


@pytest.mark.parametrize("sep", [",", ";"])
def test_comma_and_semicolon_hand_written(tmp_path, sep, today):
    folder = write_quirk_files(tmp_path, DATES["iso"], "ja", "nein", "utf-8", sep=sep)
    assert (sep == ",") == (b"A1,GfB Hochfeld" in (folder / "participants.csv").read_bytes())
    ds = biwaq_data.load_dataset(folder, today=today)
    assert not (ds.issues["severity"] == "error").any(), ds.issues.to_string()
    assert ds.participants["participant_id"].tolist() == ["A1", "A2", "A3", "A4"]
    assert ds.participants["ortsteil_nr"].tolist() == [503, 204, 204, 204]
    assert ds.services["hours"].tolist() == [1.5, 12.0]


def test_headers_match_regardless_of_case_spaces_and_umlaut_spelling(tmp_path, today):
    folder = write_quirk_files(tmp_path, DATES["iso"], "ja", "nein", "utf-8")
    path = folder / "participants.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Träger", "TRAEGER").replace("Eintrittsdatum", " eintritts datum "),
                    encoding="utf-8")
    ds = biwaq_data.load_dataset(folder, today=today)
    assert not (ds.issues["rule"] == "unknown_column").any()
    assert len(ds.participants) == 4


# --- Datenstand -----------------------------------------------------------------


@pytest.mark.parametrize("meta_file, value, expected", [
    ("metadata.json", "2025-12-31", "2025-12-31"),
    ("manifest.json", "2025-12-31", "2025-12-31"),
    ("metadata.json", "01.09.2025", "2025-09-01"),  # German day-first, not 9 January
])
def test_datenstand_from_metadata(tmp_path, meta_file, value, expected, today):
    folder = write_quirk_files(tmp_path, DATES["iso"], "ja", "nein", "utf-8")
    (folder / meta_file).write_text(json.dumps({"datenstand": value, "source": "Testexport"}), encoding="utf-8")
    ds = biwaq_data.load_dataset(folder, today=today)
    assert ds.datenstand == pd.Timestamp(expected)
    assert ds.source == "Testexport"


def test_manifest_wins_over_metadata(tmp_path, today):
    folder = write_quirk_files(tmp_path, DATES["iso"], "ja", "nein", "utf-8")
    (folder / "manifest.json").write_text(json.dumps({"datenstand": "2025-01-31"}), encoding="utf-8")
    (folder / "metadata.json").write_text(json.dumps({"datenstand": "2025-12-31"}), encoding="utf-8")
    assert biwaq_data.load_dataset(folder, today=today).datenstand == pd.Timestamp("2025-01-31")


def test_datenstand_without_metadata_is_the_latest_date_in_the_data(tmp_path, today):
    folder = write_quirk_files(tmp_path, DATES["iso"], "ja", "nein", "utf-8")
    assert biwaq_data.load_dataset(folder, today=today).datenstand == pd.Timestamp("2024-06-30")
    services = folder / "services.csv"  # a later service start moves it
    services.write_text(services.read_text(encoding="utf-8") + "A4;Beratung;2024-07-15;2\n", encoding="utf-8")
    assert biwaq_data.load_dataset(folder, today=today).datenstand == pd.Timestamp("2024-07-15")


def test_datenstand_argument_wins(tmp_path, today):
    folder = write_quirk_files(tmp_path, DATES["iso"], "ja", "nein", "utf-8")
    (folder / "metadata.json").write_text(json.dumps({"datenstand": "2025-12-31"}), encoding="utf-8")
    ds = biwaq_data.load_dataset(folder, today=today, datenstand="2024-12-31")
    assert ds.datenstand == pd.Timestamp("2024-12-31")
    # A2 left on 30.06.2024: a leaver at this Datenstand
    assert metrics.headline(ds)["leavers"] == 1


# --- DataError: nothing usable ------------------------------------------------------


def test_data_error_is_a_value_error():
    assert issubclass(DataError, ValueError)


def test_missing_source(tmp_path):
    with pytest.raises(DataError, match=template_regex(T.ERR_SOURCE_MISSING)) as err:
        biwaq_data.load_dataset(tmp_path / "gibt-es-nicht")
    assert "gibt-es-nicht" in str(err.value)


@pytest.mark.parametrize("missing", TABLES)
def test_missing_table(tmp_path, exported, missing):
    write_csv(tmp_path, {t: f for t, f in exported.items() if t != missing})
    with pytest.raises(DataError, match=template_regex(T.ERR_TABLE_MISSING)) as err:
        biwaq_data.load_dataset(tmp_path)
    assert f"„{missing}“" in str(err.value)


def test_missing_table_next_to_an_excel_table_file_names_the_missing_table(tmp_path, exported):
    write_xlsx_files(tmp_path, {"participants": exported["participants"]})
    write_csv(tmp_path, {"outcomes": exported["outcomes"]})
    with pytest.raises(DataError, match=template_regex(T.ERR_TABLE_MISSING)) as err:
        biwaq_data.load_dataset(tmp_path)
    assert "„services“" in str(err.value)


def test_missing_sheet_in_workbook(tmp_path, exported):
    path = write_workbook(tmp_path / "export.xlsx", {t: exported[t] for t in ("participants", "services")},
                          {"participants": "Teilnehmende", "services": "Leistungen"})
    with pytest.raises(DataError, match=template_regex(T.ERR_TABLE_MISSING)) as err:
        biwaq_data.load_dataset(path)
    assert "„outcomes“" in str(err.value) and "export.xlsx" in str(err.value)


@pytest.mark.parametrize("table, column", [
    ("participants", "entry_date"), ("participants", "ortsteil"), ("participants", "migration_background"),
    ("outcomes", "outcome_date"), ("services", "service"),
])
def test_missing_required_column(tmp_path, exported, table, column):
    tables = dict(exported)
    tables[table] = exported[table].drop(columns=T.COLUMN_LABELS[column])
    write_csv(tmp_path, tables)
    with pytest.raises(DataError, match=template_regex(T.ERR_COLUMN_MISSING)) as err:
        biwaq_data.load_dataset(tmp_path)
    message = str(err.value)
    assert message.startswith(f"{table}.csv: ")
    assert f"„{T.COLUMN_LABELS[column]}“" in message
    for spelling in next(c for c in schema.TABLES[table] if c.name == column).aliases:
        assert f"„{spelling}“" in message


def test_missing_required_column_in_a_workbook_names_the_sheet(tmp_path, exported):
    tables = dict(exported)
    tables["participants"] = exported["participants"].drop(columns="Geschlecht")
    path = write_workbook(tmp_path / "export.xlsx", tables,
                          {"participants": "Teilnehmende", "outcomes": "Ergebnisse", "services": "Leistungen"})
    with pytest.raises(DataError, match=template_regex(T.ERR_COLUMN_MISSING)) as err:
        biwaq_data.load_dataset(path)
    assert str(err.value).startswith("export.xlsx › Teilnehmende: ") and "„Geschlecht“" in str(err.value)


def german_error_template(message: str) -> str | None:
    """Name of the texts_de ERR_* template the message was made from (None: not one of ours)."""
    for name in dir(T):
        template = getattr(T, name)
        if name.startswith("ERR_") and isinstance(template, str) and template_regex(template).fullmatch(message):
            return name
    return None


UNREADABLE = {
    "xlsx saved as .csv": ("participants.csv", b"PK\x03\x04" + bytes(range(256)) * 4),
    "png saved as .csv": ("participants.csv", b"\x89PNG\r\n\x1a\n" + bytes(200)),
    "undecodable bytes": ("participants.csv", b"Teilnehmer-ID;Tr\x81ger\nA1;X\n"),
    "empty csv": ("participants.csv", b""),
    "header only": ("participants.csv", "Teilnehmer-ID;Träger\n".encode()),
    "broken workbook": ("participants.xlsx", b"PK\x03\x04 not really a zip file"),
    "broken parquet": ("participants.parquet", b"PAR1 nonsense PAR1"),
}


@pytest.mark.parametrize("case", list(UNREADABLE))
def test_unreadable_file(tmp_path, exported, case):
    name, data = UNREADABLE[case]
    write_csv(tmp_path, {t: f for t, f in exported.items() if t != "participants"})
    (tmp_path / name).write_bytes(data)
    with pytest.raises(DataError) as err:
        biwaq_data.load_dataset(tmp_path)
    message = str(err.value)
    assert message.startswith(f"{name}: ")
    assert german_error_template(message), f"not a German message from texts_de: {message}"


def test_unsupported_source_file(tmp_path):
    path = tmp_path / "export.ods"
    path.write_bytes(b"whatever")
    with pytest.raises(DataError, match=template_regex(T.ERR_UNSUPPORTED)):
        biwaq_data.load_dataset(path)


def test_no_valid_participant_at_all(tmp_path, exported, today):
    tables = dict(exported)
    tables["participants"] = exported["participants"].assign(Ortsteil="Atlantis")
    write_csv(tmp_path, tables)
    with pytest.raises(DataError, match=template_regex(T.ERR_NO_USABLE_ROWS)) as err:
        biwaq_data.load_dataset(tmp_path, today=today)
    assert str(err.value).startswith("participants.csv: ")


# --- the committed sample ------------------------------------------------------------


def test_sample_data_loads_without_any_issue(sample_dataset, sample_dir):
    assert sample_dataset.issues.empty, sample_dataset.issues.head().to_string()
    assert sample_dataset.rows_rejected == {t: 0 for t in TABLES}
    assert sample_dataset.files == {t: f"{t}.csv" for t in (*TABLES, "targets", "enterprises")}
    for table in (*TABLES, "targets", "enterprises"):  # nothing dropped: every record of every file is in the typed frame
        lines = (sample_dir / f"{table}.csv").read_text(encoding="utf-8-sig").strip().split("\n")
        assert sample_dataset.rows_read[table] == len(lines) - 1 == len(getattr(sample_dataset, table))
    assert sample_dataset.datenstand == pd.Timestamp(sample.DATENSTAND)


def test_filters_select_from_the_loaded_sample(sample_dataset):
    """Smoke check that the loaded frame supports the filters the dashboard uses."""
    marxloh = metrics.headline(sample_dataset, Filters(ortsteile=(202,)))["participants"]
    assert marxloh == int((sample_dataset.participants["ortsteil"] == "Marxloh").sum()) > 0


# --- docs/data.md and schema.py stay in step ---------------------------------------------


def _doc_spellings() -> set[str]:
    return set(re.findall(r"`([^`\n]+)`", DOC.read_text(encoding="utf-8")))


def test_doc_names_every_column_and_header_alias():
    spellings = _doc_spellings()
    missing = [(table, s) for table, columns in schema.TABLES.items() for col in columns
               for s in (col.name, *col.aliases) if s not in spellings]
    assert not missing, f"add these to docs/data.md (in backticks): {missing}"


def test_doc_names_every_allowed_value_rule_and_yes_no_word():
    spellings = _doc_spellings()
    normalised = {schema.normalise_key(s) for s in spellings}
    missing = [code for codes in (*schema.PARTICIPANT_CATEGORIES.values(), schema.BEST_OUTCOMES, schema.SERVICES,
                                  schema.AGE_GROUPS, tuple(T.RULE_MESSAGES)) for code in codes
               if code not in spellings]
    missing += [key for columns in schema.TABLES.values() for col in columns for key in col.value_aliases
                if key not in normalised]
    missing += [w for w in (*schema.TRUE_WORDS, *schema.FALSE_WORDS) if w not in spellings]
    assert not missing, f"add these to docs/data.md (in backticks): {missing}"


def test_doc_quotes_every_rule_message():
    text = DOC.read_text(encoding="utf-8")
    for rule, message in T.RULE_MESSAGES.items():
        fixed = max(re.split(r"\{[a-z_]+\}", message), key=len).strip()
        assert fixed in text, (rule, fixed)


def test_loaded_frames_have_no_stray_values(reference):
    """Every category cell of the reference is one of the documented codes (none left as NA)."""
    p = reference.participants
    for col, codes in schema.PARTICIPANT_CATEGORIES.items():
        assert p[col].notna().all() and set(p[col].astype(str)) <= set(codes), col
    assert np.isin(reference.outcomes["outcome"].astype(str), schema.OUTCOMES).all()
