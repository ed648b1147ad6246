"""Parquet written by another tool: plain text and timestamp columns, no categoricals.

The loader reads the contract's text columns of such files as dictionaries and links outcomes and services to
participants by their ids (`ingest.parquet`, `ingest.dataset`). These tests pin that the result is the one of
the other paths: the same typed frames as the project's own Parquet, and for a text export with bad cells
the same frames and the same issues (file, row, column, value, German message) as the same cells in a CSV.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import biwaq_data
from biwaq_data.tools import sample

N = 300
SEED = 11
TABLES = ("participants", "outcomes", "services")


@pytest.fixture(scope="module")
def generated():
    return sample.generate(N, seed=SEED)


def plain_arrow(frame: pd.DataFrame) -> pa.Table:
    """The frame as another tool writes it: categoricals and pandas strings as plain Arrow strings."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    fields = [pa.field(f.name, pa.string()) if pa.types.is_dictionary(f.type) or pa.types.is_large_string(f.type)
              else f for f in table.schema]
    return table.cast(pa.schema(fields)).replace_schema_metadata(None)


def write_plain(folder: Path, tables: dict[str, pd.DataFrame], row_group_size: int | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        table = plain_arrow(frame)
        assert not any(pa.types.is_dictionary(f.type) for f in table.schema)
        pq.write_table(table, folder / f"{name}.parquet", row_group_size=row_group_size)
    return folder


def test_plain_parquet_loads_the_same_frames_as_the_own_parquet(tmp_path, generated, today):
    own = tmp_path / "own"
    own.mkdir()
    for name, frame in generated.items():
        frame.to_parquet(own / f"{name}.parquet", index=False)
    foreign = write_plain(tmp_path / "foreign", generated, row_group_size=64)  # columns read in several chunks
    ours, theirs = biwaq_data.load_dataset(own, today=today), biwaq_data.load_dataset(foreign, today=today)
    assert theirs.issues.empty, theirs.issues.to_string()
    for table in TABLES:
        pd.testing.assert_frame_equal(getattr(theirs, table), getattr(ours, table), obj=table)
    assert (theirs.outcomes["person"].to_numpy() >= 0).all() and len(theirs.services) == len(generated["services"])


def bad_export(generated) -> dict[str, pd.DataFrame]:
    """The German text export with bad cells in every kind of column and in the ids."""
    tables = {k: v.astype(object).where(v.notna(), "").astype(str)
              for k, v in sample.to_export_format(generated).items()}
    p = tables["participants"]
    ids = p["Teilnehmer-ID"].tolist()
    edits = {
        "participants": {
            ("Träger", 1): "=SUMME(A1)", ("Träger", 2): "", ("Geschlecht", 3): "xyz", ("Geschlecht", 4): "",
            ("Geschlecht", 5): "  weiblich ", ("Erwerbsstatus bei Eintritt", 6): "=1+1",
            ("Bildungsniveau", 7): "", ("Zugangsweg", 8): "Zeitung", ("Ortsteil", 9): "Hochfled",
            ("Eintrittsdatum", 10): "31.02.2024", ("Geburtsjahr", 11): "neunzehn", ("Langzeitarbeitslos", 12): "vielleicht",
            ("Teilnehmer-ID", 13): ids[14], ("Teilnehmer-ID", 15): "", ("Teilnehmer-ID", 16): f" {ids[16]} ",
            ("Eintrittsdatum", 17): "01.01.2020",
        },
        "outcomes": {
            ("Teilnehmer-ID", 0): "TN-GIBTESNICHT", ("Teilnehmer-ID", 1): ids[3], ("Teilnehmer-ID", 2): "",
            ("Teilnehmer-ID", 3): f"  {ids[16]}", ("Ergebnis", 4): "quatsch", ("Ergebnis", 5): "=A1",
            ("Art der Beschäftigung", 6): "  Vollzeit ", ("Branche", 7): "=Pflege", ("Ergebnisdatum", 8): "gestern",
        },
        "services": {
            ("Teilnehmer-ID", 0): "TN-NIEMAND", ("Teilnehmer-ID", 1): ids[10], ("Teilnehmer-ID", 2): ids[14],
            ("Leistung", 3): "Yoga", ("Leistung", 4): "", ("Stunden", 5): "viele", ("Beginn", 6): "=HEUTE()",
        },
    }
    for table, cells in edits.items():
        frame = tables[table]
        for (column, row), value in cells.items():
            frame.loc[row, column] = value
    return tables


def test_plain_text_parquet_with_bad_cells_gives_the_issues_of_the_same_csv(tmp_path, generated, today):
    tables = bad_export(generated)
    csv = tmp_path / "csv"
    csv.mkdir()
    for name, frame in tables.items():
        frame.to_csv(csv / f"{name}.csv", sep=";", index=False)
    parquet = write_plain(tmp_path / "parquet", tables)
    from_csv = biwaq_data.load_dataset(csv, today=today)
    from_parquet = biwaq_data.load_dataset(parquet, today=today)
    for table in TABLES:
        pd.testing.assert_frame_equal(getattr(from_parquet, table), getattr(from_csv, table), obj=table)
    issues_csv = from_csv.issues.assign(file=from_csv.issues["file"].str.replace(".csv", ".parquet"))
    pd.testing.assert_frame_equal(from_parquet.issues, issues_csv)
    rules = set(from_parquet.issues["rule"])
    assert {"text_formula", "unknown_category", "missing_required", "unknown_ortsteil", "invalid_date",
            "invalid_number", "invalid_bool", "duplicate_id", "unknown_person", "rejected_person"} <= rules, rules
    formulas = from_parquet.issues[from_parquet.issues["rule"] == "text_formula"]
    assert {("participants", 3, "Träger", "=SUMME(A1)"), ("outcomes", 7, "Ergebnis", "=A1"),
            ("outcomes", 9, "Branche", "=Pflege"), ("services", 8, "Beginn", "=HEUTE()")} <= set(
        formulas[["table", "row", "column", "value"]].itertuples(index=False, name=None))
    # nothing dropped silently: every record not in the frames has an error at its row
    for table in TABLES:
        errors = from_parquet.issues[(from_parquet.issues["table"] == table)
                                     & (from_parquet.issues["severity"] == "error")]
        kept = set(getattr(from_parquet, table)["source_row"])
        assert set(range(2, len(tables[table]) + 2)) - kept == set(errors["row"].dropna().astype(int)), table
    # the padded id is the same person (stripped), linked to the right participants row
    person = from_parquet.participants.index[from_parquet.participants["participant_id"] == tables[
        "participants"].loc[16, "Teilnehmer-ID"].strip()]
    assert len(person) == 1
    linked = from_parquet.outcomes[from_parquet.outcomes["source_row"] == 5]
    assert linked["person"].tolist() == person.tolist()
    assert np.array_equal(from_parquet.participants["participant_id"].to_numpy()[from_parquet.services["person"]],
                          from_parquet.services["participant_id"].to_numpy())


def test_issues_keep_their_order_though_tables_are_checked_ahead(tmp_path, generated, today):
    """Outcomes and services are parsed, and the participant rules checked, while the ids are hashed, each into
    its own log: the issues still come table by table, and for participants parse problems, then duplicate ids,
    then the other rules."""
    parquet = write_plain(tmp_path / "parquet", bad_export(generated))
    issues = biwaq_data.load_dataset(parquet, today=today).issues
    errors = issues[issues["severity"] == "error"]
    order = errors["table"].map({t: i for i, t in enumerate(TABLES)}).to_numpy()
    assert (np.diff(order) >= 0).all(), errors[["table", "rule"]].to_string()
    rules = errors.loc[errors["table"] == "participants", "rule"].tolist()
    assert rules.index("unknown_category") < rules.index("duplicate_id") < rules.index("before_programme")
    linked = errors.loc[errors["table"] == "outcomes", "rule"].tolist()
    assert linked.index("unknown_category") < linked.index("unknown_person") < linked.index("rejected_person")


def test_full_years_counts_birthdays_leap_days_and_gaps():
    """Age in completed years (ingest.dataset._full_years, used for age_at_entry and the over-100 rule)."""
    from biwaq_data.ingest.dataset import _full_years

    born = pd.Series(pd.to_datetime(["2000-02-29", "2000-02-29", "2000-02-29", "1960-06-15", "1960-06-15",
                                     "1969-12-31", None, "1999-12-31"]))
    day = pd.Series(pd.to_datetime(["2023-02-28", "2023-03-01", "2024-02-29", "2023-06-14", "2023-06-15",
                                    "2023-01-01", "2023-01-01", None]))
    years = _full_years(born, day)
    assert years[:6].tolist() == [22, 23, 24, 62, 63, 53]
    assert years[6:].isna().all()


def test_timestamps_of_any_unit_time_of_day_or_zone_give_the_same_dates(tmp_path, generated, today):
    """Dates stored as date32, as seconds, milliseconds, with a time of day or in a time zone: the same days."""
    import pyarrow.compute as pc

    own = tmp_path / "own"
    own.mkdir()
    for name, frame in generated.items():
        frame.to_parquet(own / f"{name}.parquet", index=False)
    tables = {name: plain_arrow(frame) for name, frame in generated.items()}
    p = tables["participants"]
    entry = pc.add(pc.cast(p["entry_date"], pa.timestamp("ms")), pa.scalar(10 * 3600 * 1000, pa.duration("ms")))
    p = p.set_column(p.schema.get_field_index("entry_date"), "entry_date", entry)  # 10:00 on the day
    p = p.set_column(p.schema.get_field_index("exit_date"), "exit_date",  # midnight UTC = 01:00/02:00 in Berlin
                     pc.cast(p["exit_date"], pa.timestamp("us", tz="Europe/Berlin")))
    o, s = tables["outcomes"], tables["services"]
    tables = {"participants": p,
              "outcomes": o.set_column(o.schema.get_field_index("outcome_date"), "outcome_date",
                                       pc.cast(o["outcome_date"], pa.date32())),
              "services": s.set_column(s.schema.get_field_index("start_date"), "start_date",
                                       pc.cast(s["start_date"], pa.timestamp("s")))}
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    for name, table in tables.items():
        pq.write_table(table, foreign / f"{name}.parquet")
    ours, theirs = biwaq_data.load_dataset(own, today=today), biwaq_data.load_dataset(foreign, today=today)
    assert theirs.issues.empty, theirs.issues.to_string()
    for table in TABLES:
        pd.testing.assert_frame_equal(getattr(theirs, table), getattr(ours, table), obj=table)


def _codes(arrays):
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(pa.chunked_array(arrays), null_encoding="encode")
    return np.concatenate([c.indices.to_numpy() for c in encoded.chunks]) if encoded.num_chunks else np.zeros(0)


@pytest.mark.parametrize("values, used", [
    ([["TN-A6B50731", None, "TN-00000001", "TN-A6B50731"], ["TN-00000001", "TN-FFFFFFFF", None]], True),
    ([["1", "22", "333", "22", ""], ["333", "4444", "1"]], True),  # different lengths, no shared prefix needed
    ([["BIWAQ-2023-0001", "BIWAQ-2023-0002"], ["BIWAQ-2023-0002", "BIWAQ-2023-0003"]], True),
    ([["ä-1", "ä-2"], ["ä-2", "ö-2"]], True),  # bytes of UTF-8, not characters
    ([["TN-123456789", "XN-123456789"], ["TN-123456789"]], False),  # 12 bytes, no shared prefix of 4
    ([["a\x00", "a"], ["a"]], False),  # a NUL byte would be ambiguous with the padding
    ([["short", "a-much-longer-id"], []], False),
])
def test_short_id_keys_are_equal_exactly_where_the_ids_are(values, used):
    """ingest.arrowtext.short_keys: the integer keys the id hashing uses number ids exactly as the strings."""
    from biwaq_data.ingest.arrowtext import short_keys

    arrays = [pa.array(v, pa.large_string()) for v in values]
    keys = short_keys(arrays)
    assert (keys is not None) == used
    if used:
        assert [k.null_count for k in keys] == [a.null_count for a in arrays]
        assert np.array_equal(_codes(keys), _codes(arrays))


def test_short_id_keys_on_random_ids():
    """Random ids: shared prefixes, lengths 0-10, nulls, empty strings, multi-byte and NUL characters, string
    and large_string arrays, sliced arrays. Where keys are made, they number the ids as the strings do."""
    import random

    from biwaq_data.ingest.arrowtext import short_keys

    rng = random.Random(5)
    made = 0
    for _ in range(1500):
        prefix = rng.choice(["", "TN-", "TN-00", "x"])
        width = rng.choice([None, 1, 3, 5, 8, 8, 9])
        alphabet = ["A", "B", "0", "1", "-", " ", "ä", "\x00"][:rng.choice([2, 4, 6, 6, 7, 8])]

        def one():
            if rng.random() < 0.1:
                return None
            size = width if width is not None else rng.randint(0, rng.choice([3, 8, 10]))
            return "" if rng.random() < 0.03 else prefix + "".join(rng.choice(alphabet) for _ in range(size))

        pool = [one() for _ in range(rng.randint(1, 30))]
        kind = rng.choice([pa.string(), pa.large_string()])
        arrays = []
        for _ in range(3):
            array = pa.array([rng.choice(pool) if rng.random() < 0.8 else one() for _ in range(rng.randint(0, 40))], kind)
            arrays.append(array.slice(1, len(array) - 2) if len(array) > 2 and rng.random() < 0.3 else array)
        if not sum(map(len, arrays)):
            continue
        keys = short_keys(arrays)
        if keys is not None:
            made += 1
            assert np.array_equal(_codes(keys), _codes(arrays)), arrays
    assert made > 300  # the keys path itself was exercised


@pytest.mark.parametrize("make", [
    lambda i: f"{i:05d}",  # 5 bytes: no prefix to strip, words masked to 5 bytes
    lambda i: f"TN{i:06d}",  # exactly 8 bytes
    lambda i: f"TN-{i:08X}",  # 11 bytes: "TN-" stripped
    lambda i: f"BIWAQ-DUISBURG-2023-{i:05d}",  # 25 bytes: a 17-byte prefix
])
def test_short_id_keys_of_fixed_width_ids_in_long_arrays(make):
    """The fast path for fixed-width ids (8-byte reads at a stride, the last ones byte by byte), on arrays long
    enough to take it, with nulls, slices and both string types."""
    from biwaq_data.ingest.arrowtext import short_keys

    rng = np.random.default_rng(1)
    pool = [make(i) for i in rng.choice(50_000, 3_000, replace=False)]

    def value(j):  # a pooled id, now and then a null or an id no other array has
        return None if j % 97 == 0 else pool[j] if j < len(pool) else make(50_000 + j)

    arrays = [pa.array([value(j) for j in rng.integers(0, len(pool) + 500, size)], kind).slice(3, size - 10)
              for kind, size in ((pa.string(), 3_000), (pa.large_string(), 5_000), (pa.string(), 7_000))]
    arrays = [a.cast(arrays[0].type) for a in arrays]
    keys = short_keys(arrays)
    assert keys is not None
    assert np.array_equal(_codes(keys), _codes(arrays))
    wrong_prefix = [pa.array(["X" + v[1:] for v in pool[:50]] + pool[50:100], arrays[0].type)]
    assert short_keys(arrays + wrong_prefix) is None or len(pool[0]) <= 8


def test_a_date_beyond_what_pandas_holds_is_an_invalid_date(tmp_path, generated, today):
    """Parquet can store 01.01.3000; pandas' nanosecond timestamps cannot: that cell is an invalid date with the
    usual German message naming file, row and column (it used to stop the load with pandas' OutOfBoundsDatetime)."""
    import datetime as dt

    from biwaq_data import texts_de as T

    tables = {name: plain_arrow(frame) for name, frame in generated.items()}
    p = tables["participants"]
    exits = p["exit_date"].cast(pa.timestamp("us")).to_pylist()
    exits[4] = dt.datetime(3000, 1, 1)
    tables["participants"] = p.set_column(p.schema.get_field_index("exit_date"), "exit_date",
                                          pa.array(exits, pa.timestamp("us")))
    folder = tmp_path / "far"
    folder.mkdir()
    for name, table in tables.items():
        pq.write_table(table, folder / f"{name}.parquet")
    ds = biwaq_data.load_dataset(folder, today=today)
    errors = ds.issues[ds.issues["severity"] == "error"]
    first = errors.iloc[0]
    assert (first["file"], first["row"], first["column"], first["value"], first["rule"], first["message"]) == (
        "participants.parquet", 6, "exit_date", "01.01.3000", "invalid_date", T.RULE_MESSAGES["invalid_date"])
    assert len(ds.participants) == N - 1 and 6 not in set(ds.participants["source_row"])
    assert set(errors["rule"]) <= {"invalid_date", "rejected_person"}
