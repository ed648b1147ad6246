"""`load_dataset`: files -> validated, typed frames plus the issues found.

Typed frames:
- participants: participant_id (str), provider (category), entry_date, exit_date (datetime64, NaT while
  supported), ortsteil_nr (int16), ortsteil and bezirk (category, all 46 / 7 values), gender,
  employment_status, education, referral_source (category), birth_year (int16), long_term_unemployed,
  migration_background (bool), third_country_national (nullable boolean), source_row (int), and derived:
  birth_date (datetime64, NaT when not given), exit_status, status_6m (category, NaN when not given),
  qualification_gained, improved_situation_6m, disability, minority, homeless (nullable boolean), and derived:
  age_at_entry (full years on the entry date from birth_date; where it is missing entry year − birth year, an
  approximation flagged by age_from_birth_year), age_group (category), best_outcome (category: employment >
  vocational_training > improved_prospects, else in_support when not exited, else no_outcome),
  first_outcome_date (datetime64).
- outcomes: participant_id, outcome (category), outcome_date, employment_kind, sector, source_row, and
  person (int index into participants).
- services: participant_id, service (category), start_date, hours (float, NaN when not given), source_row,
  person.
- targets (optional file/sheet `targets` or `Zielwerte`; empty frame when absent): provider (str or None =
  whole programme), measure, due_date, target, start_date, source_row (see `ingest.targets`).
- enterprises (optional table, None when not delivered): enterprise_id, provider, ortsteil_nr, ortsteil, bezirk,
  size_class, support_start, support_end, support_kind, source_row.

`Dataset.provided`: the optional participant columns the file had (None: unknown, e.g. a frame built in code -
then a column counts as provided when it has any value).
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import places
from . import frames, schema
from .. import texts_de as T
from ..errors import DataError
from .ids import Ids
from .parquet import release_arrow_memory
from .targets import empty_targets, parse_targets
from .files import find_table_files, read_file
from .reading import OPTIONAL_TABLES, TABLE_NAMES, RawTable, reading_issues
from .workbook import read_workbook_bytes
from .validation import IssueLog, _parse_dates, check_dates, parse_ids, parse_table

METADATA_FILES = ("manifest.json", "metadata.json")


@dataclass
class Dataset:
    """Validated tables, the issues found, and where the data came from."""

    participants: pd.DataFrame
    outcomes: pd.DataFrame
    services: pd.DataFrame
    issues: pd.DataFrame
    datenstand: pd.Timestamp
    source: str = ""
    snapshot_id: str | None = None
    files: dict[str, str] = field(default_factory=dict)
    rows_read: dict[str, int] = field(default_factory=dict)
    targets: pd.DataFrame = field(default_factory=empty_targets)  # optional Zielwerte (ingest.targets)
    enterprises: pd.DataFrame | None = None
    provided: frozenset | None = None

    def has_column(self, column: str) -> bool:
        """True when the participants' file had this (optional) column."""
        if self.provided is not None:
            return column in self.provided
        return column in self.participants and bool(self.participants[column].notna().any())
    sample: bool = False  # the bundled synthetic sample (by where the data came from, never by a file name)

    @property
    def rows_rejected(self) -> dict[str, int]:
        """Records kept out of the figures, per table: rows read minus rows accepted (every one of them has an
        error in `issues`, listed or summarised), else the distinct rows with an error."""
        if all(t in self.rows_read for t in TABLE_NAMES):
            return {t: max(int(self.rows_read[t]) - len(getattr(self, t)), 0) for t in TABLE_NAMES}
        errors = self.issues[(self.issues["severity"] == "error") & self.issues["row"].notna()]
        counts = errors.groupby("table", observed=True)["row"].nunique()
        return {t: int(counts.get(t, 0)) for t in TABLE_NAMES}

    @property
    def version(self) -> str:
        """A key that changes whenever the data changes (snapshot id, else Datenstand and row counts)."""
        if self.snapshot_id:
            return self.snapshot_id
        counts = "-".join(str(len(f)) for f in (self.participants, self.outcomes, self.services))
        return f"{self.source}:{self.datenstand:%Y%m%d}:{counts}"


def _sources(source) -> tuple[dict[str, RawTable], dict, str]:
    """Raw tables, metadata (from manifest.json/metadata.json) and a description of the source."""
    path = Path(source)
    if not path.exists():
        raise DataError(T.ERR_SOURCE_MISSING.format(path=path))
    meta: dict = {}
    if path.is_dir():
        for name in METADATA_FILES:
            if (path / name).exists():
                meta = json.loads((path / name).read_text(encoding="utf-8"))
                break
        files = find_table_files(path)
        for table in TABLE_NAMES:
            if table not in files:
                workbooks = [p for p in path.glob("*.xlsx")
                             if not p.name.startswith("~$") and p not in files.values()]
                if len(workbooks) == 1:
                    return _workbook_sources(workbooks[0], meta)
                raise DataError(T.ERR_TABLE_MISSING.format(table=table, path=path))
        raws = _read_files(files)  # incl. optional tables
        if meta.get("format") == 2:  # a snapshot's typed frames (store/typed.py): validate their input columns
            provided = (meta.get("typed") or {}).get("provided")
            for raw in raws.values():
                raw.frame = frames.as_input(raw.table, raw.frame, provided)
        return raws, meta, str(path)
    if path.suffix.lower() == ".xlsx":
        return _workbook_sources(path, meta)
    raise DataError(T.ERR_UNSUPPORTED.format(file=path.name))


def _read_files(files: dict[str, Path]) -> dict[str, RawTable]:
    """Read the table files; Parquet files at the same time (pyarrow decodes without the GIL, so the files'
    conversions to pandas overlap). An error is the one reading them in order would raise first."""
    if len(files) < 2 or any(p.suffix.lower() != ".parquet" for p in files.values()):
        return {t: read_file(p, p.name, t) for t, p in files.items()}
    with ThreadPoolExecutor(max_workers=len(files), thread_name_prefix="biwaq-read") as pool:
        futures = {t: pool.submit(read_file, p, p.name, t) for t, p in files.items()}
        raws = {t: f.result() for t, f in futures.items()}
    release_arrow_memory()
    return raws


def _workbook_sources(path: Path, meta: dict):
    raws = read_workbook_bytes(path, path.name, TABLE_NAMES + OPTIONAL_TABLES)
    for table in TABLE_NAMES:
        if table not in raws:
            raise DataError(T.ERR_TABLE_MISSING.format(table=table, path=path.name))
    return raws, meta, str(path)


def load_dataset(source, *, today: pd.Timestamp | None = None, datenstand=None) -> Dataset:
    """Load and validate a folder (participants.*, outcomes.*, services.*) or one .xlsx workbook.

    Raises DataError only when nothing usable can be loaded; every other problem is in `.issues`.
    """
    raws, meta, description = _sources(source)
    ds = validate_tables(raws, today=today, datenstand=datenstand or meta.get("datenstand"))
    ds.source = meta.get("source", description)
    ds.snapshot_id = meta.get("snapshot_id") or meta.get("id")
    ds.sample = meta.get("origin") == "sample"  # written by biwaq_data.sample next to the generated files
    return ds


def validate_tables(raws: dict[str, RawTable], *, today=None, datenstand=None) -> Dataset:
    """Apply every rule to the raw tables and build the typed frames (see module docstring). The ids are hashed
    on a second thread meanwhile; issues come in the same order as checking one table after the other."""
    today = pd.Timestamp(today or pd.Timestamp.today()).normalize()
    log = IssueLog()
    # A given Datenstand bounds the records: entries, outcomes and service starts after it are errors at their
    # rows (exits after it are fine: the person was still in support at the Datenstand).
    given = _parse_datenstand(datenstand) if datenstand else None
    # All participant ids and the ids pointing at them are hashed in one pass (ingest.ids), on a second thread
    # while the other columns are parsed here. Outcomes and services are parsed ahead, each into its own log,
    # taken over below in the usual order.
    ready = [parse_ids(raws[t]) for t in TABLE_NAMES]  # None for a table without an id column (refused below)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="biwaq-ids") as pool:
        hashing = pool.submit(Ids, ready[0][1], [r[1] for r in ready[1:]]) if all(ready) else None
        parsed = parse_table(raws["participants"], log, ids=ready[0])
        ahead = {}
        for table, table_ids in zip(("outcomes", "services"), ready[1:]):
            own = IssueLog()
            ahead[table] = (own, parse_table(raws[table], own, ids=table_ids))
        # (hashing is None only when a table has no id column: parse_table refused it)
        participants, headers = _participants(raws["participants"], parsed, hashing.result, log, today, given)
        ids = hashing.result()
    linked = []
    for i, (table, date_column) in enumerate((("outcomes", "outcome_date"), ("services", "start_date"))):
        own, table_parsed = ahead.pop(table)
        log.merge(own)
        linked.append(_linked(raws[table], table_parsed, ids.linked[i], participants, ids, log, today,
                              date_column, given))
    outcomes, services = linked
    people = participants.pop("_valid").to_numpy()
    if people.all():  # nothing rejected: no copy of the frame
        valid_participants = participants.reset_index(drop=True)
    else:
        valid_participants = participants.loc[people].reset_index(drop=True)
    if valid_participants.empty:
        error = DataError(T.ERR_NO_USABLE_ROWS.format(file=raws["participants"].file))
        error.issues = _issues(raws, log)  # the reasons, for the import report
        raise error
    # person = row of the accepted participant: its first-occurrence row, counted among the accepted rows
    accepted_rank = np.cumsum(people) - 1
    for frame in (outcomes, services):
        frame["person"] = accepted_rank[frame.pop("_row").to_numpy()].astype(np.int32)
    frames = _finish(valid_participants, outcomes, services)
    targets = (parse_targets(raws["targets"], log, frames[0]["provider"].cat.categories)
               if "targets" in raws else empty_targets())
    latest = max(pd.Timestamp(x) for x in (
        frames[0]["entry_date"].max(), frames[0]["exit_date"].max(), frames[1]["outcome_date"].max(),
        frames[2]["start_date"].max()) if pd.notna(x))
    stand = given if given is not None else latest
    participants_f, outcomes_f, services_f = _derive(*frames, stand)
    _check_follow_up(raws["participants"], participants_f, headers, log, stand)
    enterprises = _enterprises(raws["enterprises"], log, today) if "enterprises" in raws else None
    return Dataset(participants_f, outcomes_f, services_f, _issues(raws, log), stand,
                   files={t: r.file for t, r in raws.items()}, rows_read={t: len(r.frame) for t, r in raws.items()},
                   targets=targets,
                   enterprises=enterprises,
                   provided=frozenset(c for c in schema.MONITORING_COLUMNS + ("third_country_national",)
                                      if c in headers))


def participant_prefix_check(raw: RawTable, *, today=None, datenstand=None) -> tuple[int, pd.DataFrame]:
    """(valid records, issues) of a participants table by the participant rules alone: the import uses it on
    the first rows of a large file to refuse junk before reading the rest."""
    today = pd.Timestamp(today or pd.Timestamp.today()).normalize()
    log = IssueLog()
    parsed = parse_table(raw, log)
    frame, _ = _participants(raw, parsed, lambda: Ids(parsed[0]["participant_id"]), log, today,
                             _parse_datenstand(datenstand) if datenstand else None)
    return int(frame["_valid"].sum()), _issues({raw.table: raw}, log)


def _issues(raws: dict[str, RawTable], log: IssueLog) -> pd.DataFrame:
    """Problems found while reading (formula cells, …) and while validating, in one frame."""
    parts = [reading_issues(raws[t]) for t in TABLE_NAMES + OPTIONAL_TABLES if t in raws]
    parts = [p for p in parts if len(p)] + [log.frame()]
    out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    out["row"] = out["row"].astype("Int64")
    return out


def _parse_datenstand(value) -> pd.Timestamp:
    """A Datenstand as given in metadata or by the caller: ISO or German day-first (01.09.2026 = 1 September)."""
    parsed = _parse_dates(np.array([value], dtype=object))[0]
    return pd.Timestamp(parsed) if pd.notna(parsed) else pd.Timestamp(value).normalize()



def _end_before_start(raw: RawTable, frame: pd.DataFrame, headers: dict, log: IssueLog, start: str, end: str,
                      rule: str, field_name: str) -> np.ndarray:
    """Rows whose `end` date lies before their `start` date: an error at the end cell, naming the start date."""
    early = (frame[end] < frame[start]).to_numpy()
    if early.any():
        starts = iter(frame.loc[early, start].dt.strftime("%d.%m.%Y").tolist())
        log.add(raw, early, headers[end], raw.frame[headers[end]],
                lambda _v: T.RULE_MESSAGES[rule].format(**{field_name: next(starts)}), rule)
    return early

def _participants(raw: RawTable, parsed, lookup, log: IssueLog, today: pd.Timestamp,
                  stand: pd.Timestamp | None = None) -> tuple[pd.DataFrame, dict]:
    """The participant rules on the parsed table (`parse_table`'s result); adds the column `_valid`.

    `lookup()` gives the `Ids`: it is called after the other rules, which are checked while the ids are hashed
    (into their own log, taken over after the duplicate ids: the issues keep their order)."""
    frame, error, headers = parsed
    rules = IssueLog()
    error |= _participant_rules(raw, frame, headers, rules, today, stand)
    ids = frame["participant_id"]
    dup = lookup().duplicate
    if dup.any():
        first_row = pd.Series(raw.rows, index=ids.index).groupby(ids).transform("first")
        log.add(raw, dup, headers["participant_id"], raw.frame[headers["participant_id"]],
                lambda _v, it=iter(first_row[dup].tolist()): T.RULE_MESSAGES["duplicate_id"].format(
                    first_row=next(it)), "duplicate_id")
    error |= dup
    log.merge(rules)
    frame["_valid"] = ~error
    return frame, headers


def _participant_rules(raw: RawTable, frame: pd.DataFrame, headers: dict, log: IssueLog, today: pd.Timestamp,
                       stand: pd.Timestamp | None) -> np.ndarray:
    """Dates, long-term unemployment, birth year and birth date (every participant rule but duplicate ids):
    the issues go to `log`, the records with an error are returned."""
    error = check_dates(raw, frame, "entry_date", headers, log, today, stand)
    error |= check_dates(raw, frame, "exit_date", headers, log, today)
    error |= _end_before_start(raw, frame, headers, log, "entry_date", "exit_date", "exit_before_entry", "entry")
    ltu_wrong = (frame["long_term_unemployed"].fillna(False).to_numpy(dtype=bool)
                 & (frame["employment_status"] != "unemployed").to_numpy() & frame["employment_status"].notna())
    log.add(raw, ltu_wrong, headers["long_term_unemployed"], raw.frame[headers["long_term_unemployed"]],
            T.RULE_MESSAGES["ltu_not_unemployed"], "ltu_not_unemployed")
    error |= ltu_wrong
    low, high = 1930, today.year - 14
    by = frame["birth_year"]
    implausible = ((by < low) | (by > high)).to_numpy()
    log.add(raw, implausible, headers["birth_year"], raw.frame[headers["birth_year"]],
            T.RULE_MESSAGES["birth_year_implausible"].format(low=low, high=high), "birth_year_implausible")
    error |= implausible
    error |= _check_birth_date(raw, frame, headers, log)
    return error


def _check_birth_date(raw: RawTable, frame: pd.DataFrame, headers: dict, log: IssueLog) -> np.ndarray:
    """Birth date after entry or age over 100 at entry: error; birth year differing from the date: warning.
    Keeps the exact age at entry as the column `_age` (for `_derive`)."""
    if "birth_date" not in headers:
        return np.zeros(len(frame), dtype=bool)
    born, entry, column = frame["birth_date"], frame["entry_date"], headers["birth_date"]
    after = (born > entry).to_numpy()
    if after.any():
        entries = iter(frame.loc[after, "entry_date"].dt.strftime("%d.%m.%Y").tolist())
        log.add(raw, after, column, raw.frame[column],
                lambda _v: T.RULE_MESSAGES["birth_date_after_entry"].format(entry=next(entries)),
                "birth_date_after_entry")
    frame["_age"] = _full_years(born, entry)  # also the exact age at entry (_derive)
    old = (frame["_age"] > 100).to_numpy() & ~after
    log.add(raw, old, column, raw.frame[column], T.RULE_MESSAGES["age_over_100"], "age_over_100")
    mismatch = (born.dt.year != frame["birth_year"]).to_numpy() & born.notna().to_numpy() & ~after & ~old
    if mismatch.any() and "birth_year" in headers:
        years = iter(born[mismatch].dt.year.tolist())
        log.add(raw, mismatch, headers["birth_year"], raw.frame[headers["birth_year"]],
                lambda _v: T.RULE_MESSAGES["birth_year_mismatch"].format(year=next(years)), "birth_year_mismatch",
                severity="warning")
    return after | old


def _full_years(born: pd.Series, day: pd.Series) -> pd.Series:
    """Age in completed years on `day` (float; NaN where `born` or `day` is missing)."""
    b, d = born.to_numpy(dtype="datetime64[ns]"), day.to_numpy(dtype="datetime64[ns]")
    (b_year, b_month, b_day), (d_year, d_month, d_day) = _civil(b), _civil(d)
    years = d_year - b_year - ((d_month * 32 + d_day) < (b_month * 32 + b_day))  # birthday not yet that year
    return pd.Series(np.where(np.isnat(b) | np.isnat(d), np.nan, years), index=born.index)


def _civil(dates: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(year, month, day) of datetime64 values as int64 arrays; NaT gives meaningless numbers, callers mask it.
    Computed once per day of the range the dates span (a table of at most 200.000 days), else per value."""
    days = dates.astype("datetime64[D]").view(np.int64)
    known = days != np.iinfo(np.int64).min
    if known.any():
        first, last = int(days[known].min()), int(days[known].max())
        if last - first < 200_000:  # about 550 years
            at = np.clip(days - first, 0, last - first)
            return tuple(part[at] for part in _civil_days(np.arange(first, last + 1, dtype=np.int64)))
    return _civil_days(days)


def _civil_days(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(year, month, day) of day numbers since 1970-01-01, by integer arithmetic (H. Hinnant's
    civil_from_days, proleptic Gregorian)."""
    z = days + 719_468  # days since 0000-03-01
    era = z // 146_097
    doe = z - era * 146_097  # day of the 400-year era, 0..146096
    yoe = (doe - doe // 1_460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)  # day of the year starting 1 March
    mp = (5 * doy + 2) // 153
    month = np.where(mp < 10, mp + 3, mp - 9)
    return yoe + era * 400 + (month <= 2), month, doy - (153 * mp + 2) // 5 + 1


def _check_follow_up(raw: RawTable, p: pd.DataFrame, headers: dict, log: IssueLog, stand: pd.Timestamp) -> None:
    """Warnings (the record counts, the value does not): an exit status for someone still in the project, a
    six-month status before six months have passed since the exit (window: see figures.indicators)."""
    left = p["exit_date"].notna() & (p["exit_date"] <= stand)
    rows = p["source_row"].to_numpy()
    positions = np.searchsorted(raw.rows, rows) if len(raw.rows) else rows
    n = len(raw.frame)
    for column, wrong, rule in (
            ("exit_status", p["exit_status"].notna() & ~left, "exit_status_in_project"),
            ("status_6m", p["status_6m"].notna() & ~(left & (p["exit_date"] <= stand - pd.Timedelta(
                days=schema.SIX_MONTHS_DAYS))), "status_6m_too_early")):
        if column not in headers or not wrong.any():
            continue
        mask = np.zeros(n, dtype=bool)
        mask[positions[wrong.to_numpy()]] = True
        log.add(raw, mask, headers[column], raw.frame[headers[column]],
                T.RULE_MESSAGES[rule].format(datenstand=stand.strftime("%d.%m.%Y")), rule, severity="warning")


def _enterprises(raw: RawTable, log: IssueLog, today: pd.Timestamp) -> pd.DataFrame:
    """The optional enterprises table (EECO19): parsed, bad records kept out with an issue each."""
    frame, error, headers = parse_table(raw, log)
    error |= check_dates(raw, frame, "support_start", headers, log, today)
    error |= check_dates(raw, frame, "support_end", headers, log, today)
    error |= _end_before_start(raw, frame, headers, log, "support_start", "support_end", "end_before_start", "start")
    out = frame.loc[~error].reset_index(drop=True)
    out["enterprise_id"] = out["enterprise_id"].astype("str")
    ref = places.ortsteile()
    numbers = out.pop("ortsteil").astype("int16")
    out["ortsteil_nr"] = numbers
    names = dict(zip(ref["ortsteil_nr"], ref["ortsteil"]))
    bezirke = dict(zip(ref["ortsteil_nr"], ref["bezirk"]))
    out["ortsteil"] = pd.Categorical(numbers.map(names), categories=places.ortsteil_names())
    out["bezirk"] = pd.Categorical(numbers.map(bezirke), categories=places.bezirk_names())
    return out


def _linked(raw: RawTable, parsed, pos: np.ndarray, participants: pd.DataFrame, ids: Ids, log: IssueLog, today,
            date_column: str, stand: pd.Timestamp | None = None) -> pd.DataFrame:
    """Outcomes or services, parsed (`parse_table`'s result; `pos`: each row's id code in `ids`, -1 unknown):
    check the person exists, was accepted and the date is after entry."""
    frame, error, headers = parsed
    id_header = headers["participant_id"]
    ids_present = frame["participant_id"].notna().to_numpy()
    known = (pos >= 0) & ids_present  # a blank id must not match a participants row with a blank id
    unknown = ~known & ids_present
    log.add(raw, unknown, id_header, raw.frame[id_header], T.RULE_MESSAGES["unknown_person"], "unknown_person")
    row = ids.first_rows[np.where(known, pos, 0)]  # the participants row of the record's person (0: unknown)
    person_valid = known & participants["_valid"].to_numpy()[row]
    rejected = known & ~person_valid
    if rejected.any():
        rows = iter(participants["source_row"].to_numpy()[row[rejected]].tolist())
        log.add(raw, rejected, id_header, raw.frame[id_header],
                lambda _v: T.RULE_MESSAGES["rejected_person"].format(row=next(rows)), "rejected_person")
    error |= unknown | rejected
    error |= check_dates(raw, frame, date_column, headers, log, today, stand)
    entry = participants["entry_date"].to_numpy().astype("datetime64[ns]", copy=False)
    before = (frame[date_column].to_numpy() < entry[row]) & known & ~error  # NaT compares False
    if before.any():
        entries = iter(pd.Series(entry[row[before]]).dt.strftime("%d.%m.%Y").tolist())
        log.add(raw, before, headers[date_column], raw.frame[headers[date_column]],
                lambda _v: T.RULE_MESSAGES["before_entry"].format(entry=next(entries)), "before_entry")
    error |= before
    if "hours" in headers:
        negative = (frame["hours"] < 0).to_numpy()
        log.add(raw, negative, headers["hours"], raw.frame[headers["hours"]], T.RULE_MESSAGES["negative_hours"],
                "negative_hours")
        error |= negative
    frame["_row"] = row  # participants row of the person; validate_tables turns it into `person`
    if not error.any():
        return frame
    return frame.loc[~error].reset_index(drop=True)


def _finish(participants: pd.DataFrame, outcomes: pd.DataFrame, services: pd.DataFrame):
    """Final dtypes of the accepted records."""
    p = participants
    p["participant_id"] = p["participant_id"].astype("str")
    p["birth_year"] = p["birth_year"].astype("int16")
    for col in ("long_term_unemployed", "migration_background"):
        p[col] = p[col].astype(bool)
    p["provider"] = p["provider"].cat.remove_unused_categories()
    ref = places.ortsteile()
    p["ortsteil_nr"] = p.pop("ortsteil").astype("int16")
    numbers = p["ortsteil_nr"].to_numpy()
    for col, names in (("ortsteil", places.ortsteil_names()), ("bezirk", places.bezirk_names())):
        lookup = np.full(max(int(ref["ortsteil_nr"].max()), int(numbers.max(initial=0))) + 1, -1, dtype=np.int8)
        lookup[ref["ortsteil_nr"].to_numpy()] = [names.index(v) for v in ref[col]]
        p[col] = pd.Categorical.from_codes(lookup[numbers], categories=names)
    for frame in (outcomes, services):
        frame["participant_id"] = frame["participant_id"].astype("str")
        for col in ("employment_kind", "sector"):
            if col in frame:
                frame[col] = pd.Categorical(frame[col]).remove_unused_categories()
    return p, outcomes, services


def _derive(p: pd.DataFrame, o: pd.DataFrame, s: pd.DataFrame, datenstand: pd.Timestamp):
    """Add age, age group, each person's best outcome and first outcome date (see module docstring)."""
    approx = (p["entry_date"].dt.year - p["birth_year"]).astype("int16")
    exact = p.pop("_age") if "_age" in p else _full_years(p["birth_date"], p["entry_date"])
    p["age_from_birth_year"] = exact.isna().to_numpy()
    p["age_at_entry"] = exact.fillna(approx).astype("int16")
    p["age_group"] = pd.Categorical.from_codes(
        np.searchsorted(np.array([18, 30, 55]), p["age_at_entry"].to_numpy(), side="right"),
        categories=schema.AGE_GROUPS)
    n = len(p)
    rank = np.full(n, len(schema.OUTCOMES), dtype=np.int8)
    np.minimum.at(rank, o["person"].to_numpy(), o["outcome"].cat.codes.to_numpy().astype(np.int8))
    never = np.iinfo(np.int64).max
    first_ns = np.full(n, never, dtype=np.int64)
    dates = o["outcome_date"].to_numpy().astype("datetime64[ns]").view(np.int64)
    dated = dates != np.iinfo(np.int64).min  # NaT never counts (as in groupby().min())
    np.minimum.at(first_ns, o["person"].to_numpy()[dated], dates[dated])
    first = pd.Series(np.where(first_ns == never, np.iinfo(np.int64).min, first_ns).view("datetime64[ns]"))
    exited = p["exit_date"].notna().to_numpy() & (p["exit_date"] <= datenstand).to_numpy()
    no_outcome_code = schema.BEST_OUTCOMES.index("no_outcome")
    in_support_code = schema.BEST_OUTCOMES.index("in_support")
    codes = np.where(rank < len(schema.OUTCOMES), rank, np.where(exited, no_outcome_code, in_support_code))
    p["best_outcome"] = pd.Categorical.from_codes(codes, categories=schema.BEST_OUTCOMES)
    p["first_outcome_date"] = first.to_numpy()
    return p, o, s
