"""Checking an upload before anything changes: `check_upload(files) -> ImportReport`.

The Daten page calls only this function with the uploaded files and shows the
report; nothing is stored until the user accepts (then `snapshots.SnapshotStore.save`).
`check_upload` never raises: every problem ends up in `report.error` (a German
message that names the file, and the row/column where that helps) or in
`report.issues`.

Accepted uploads:
- three files, one per table, as .csv, .xlsx or .parquet, named in English or German
  (participants/teilnehmende, outcomes/ergebnisse, services/leistungen; additions such as
  "2025-03_Teilnehmende_Export.csv" are fine); a file whose name names no table is recognised
  by its column headers;
- or one .xlsx workbook with a sheet per table (sheet names as above), also mixed with files.

Limits: every file at most MAX_UPLOAD_MB (50) MB, the same number as `server.maxUploadSize`
in .streamlit/config.toml. 100.000 rows and more are fine (a 100.000-row German CSV is
checked in about a second).

Hostile files cannot exhaust the server (issue 17): an .xlsx is refused from its zip directory
before any XML is parsed when it would unpack to more than 512 MB or a part is packed more than
100-fold (`workbook.check_xlsx_archive`); a CSV with more than MAX_CSV_ROWS lines or MAX_COLUMNS
columns is refused before parsing; at most 1.000 issue rows are listed per file, column and rule,
the rest in one summary row. The Daten page calls `check_upload_isolated`, which runs
`check_upload` in a child process whose address space is limited (BIWAQ_IMPORT_MEMORY_MB, default
1536 MB on top of the loaded libraries) and which is killed after BIWAQ_IMPORT_TIMEOUT_S (300) s:
whatever a file costs is returned to the system when the child ends.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..ingest import schema
from .. import texts_de as T
from ..ingest.dataset import Dataset, participant_prefix_check, validate_tables
from ..errors import DataError
from ..ingest.reading import (HEADER_SEARCH_ROWS, OPTIONAL_TABLES, SUFFIXES, TABLE_NAMES, RawTable, guess_table,
                              read_csv_bytes, read_parquet_bytes, reading_issues)
from ..ingest.workbook import match_sheets, read_workbook_sheets, workbook_sheet_names
from ..ingest.validation import ISSUE_COLUMNS, hidden_count

MAX_UPLOAD_MB = 50
"""Largest accepted file in MB (1 MB = 1024 × 1024 bytes); keep equal to server.maxUploadSize."""
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
REPORT_COLUMNS = ["file", "row", "column", "value", "message", "severity"]
COUNT_COLUMNS = ["table", "file", "read", "accepted", "rejected"]

log = logging.getLogger(__name__)


@dataclass
class SourceFile:
    """One uploaded file: its name, SHA-256 of its bytes, size and the tables read from it."""

    name: str
    sha256: str
    size: int
    tables: tuple[str, ...] = ()
    data: bytes = field(default=b"", repr=False, compare=False)


@dataclass
class ImportReport:
    """What `check_upload` found. `ok` when `dataset` is set (the import may be accepted)."""

    dataset: Dataset | None
    error: str | None
    counts: dict[str, dict]  # table -> {"file", "read", "accepted", "rejected"}
    issues: pd.DataFrame  # validation.ISSUE_COLUMNS: table, file, row, column, value, message, severity, rule
    files: list[SourceFile]
    snapshot_id: str | None = None  # the id the snapshot of this upload will get (content hash)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.dataset is not None and self.error is None

    @property
    def n_errors(self) -> int:
        """Rows with errors, including those summarised in "… und N weitere Zeilen" rows."""
        return hidden_count(self.issues, "error")

    @property
    def n_warnings(self) -> int:
        return hidden_count(self.issues, "warning")

    @property
    def source_hashes(self) -> dict[str, str]:
        """File name -> SHA-256."""
        return {f.name: f.sha256 for f in self.files}

    def counts_frame(self) -> pd.DataFrame:
        """Rows read/accepted/rejected per table, German headers (Tabelle, Datei, gelesen, übernommen, abgelehnt)."""
        rows = [{"table": T.TABLE_LABELS[t], **{k: c.get(k) for k in COUNT_COLUMNS[1:]}}
                for t, c in self.counts.items()]
        frame = pd.DataFrame(rows, columns=COUNT_COLUMNS)
        for col in ("read", "accepted", "rejected"):
            frame[col] = frame[col].astype("Int64")
        return frame.rename(columns=T.IMPORT_COUNT_COLUMNS_DE)

    def issues_de(self) -> pd.DataFrame:
        """The problems with German headers: Datei, Zeile, Spalte, Wert, Meldung, Schwere (fatal error first)."""
        frame = self.issues[REPORT_COLUMNS].copy()
        if self.error:
            fatal = pd.DataFrame([{"file": ", ".join(f.name for f in self.files), "row": pd.NA, "column": "",
                                   "value": "", "message": self.error, "severity": "error"}])
            frame = pd.concat([fatal.astype({"row": "Int64"}), frame], ignore_index=True)
        frame["severity"] = frame["severity"].map(lambda s: T.SEVERITY_LABELS.get(s, s))
        frame["row"] = frame["row"].astype("Int64")
        return frame.rename(columns=T.ISSUE_COLUMNS_DE)


def empty_issues() -> pd.DataFrame:
    out = pd.DataFrame({c: pd.Series(dtype="object") for c in ISSUE_COLUMNS})
    out["row"] = out["row"].astype("Int64")
    return out


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def content_id(files: list[SourceFile], datenstand: pd.Timestamp | None) -> str:
    """Snapshot id: SHA-256 (first 16 hex digits) of the files' contents, the tables each holds, and the Datenstand.

    The same files give the same id whatever they are called; the same files with another Datenstand
    (different figures) give another id.
    """
    lines = sorted(f"{','.join(sorted(f.tables)) or f.name.lower()}={f.sha256}" for f in files)
    if datenstand is not None and not pd.isna(datenstand):
        lines.append(f"datenstand={pd.Timestamp(datenstand):%Y-%m-%d}")
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def _mb(size: int) -> str:
    """Size in MB, German decimal comma: 51,2 / 50 / 0,05."""
    mb = size / 1024 / 1024
    text = f"{mb:.1f}" if mb >= 0.1 else f"{mb:.2f}"
    return text.removesuffix(".0").replace(".", ",")


def _detect_table(frame: pd.DataFrame) -> str | None:
    """The table whose required columns are all among the headers (None when not exactly one)."""
    hits = []
    for table, columns in schema.TABLES.items():
        lookup = schema.header_lookup(columns)
        found = {lookup.get(schema.normalise_key(h)) for h in frame.columns}
        if all(c.name in found for c in columns if c.required):
            hits.append(table)
    return hits[0] if len(hits) == 1 else None


def _read_upload(files: list[tuple[str, bytes]], sources: list[SourceFile]) -> dict[str, RawTable]:
    """Raw tables by table name; DataError for anything that cannot be read or assigned."""
    found: dict[str, list[tuple[RawTable, SourceFile]]] = {t: [] for t in TABLE_NAMES + OPTIONAL_TABLES}
    workbooks: list[tuple[str, list[str]]] = []
    for (name, data), source in zip(files, sources):
        suffix = Path(name).suffix.lower()
        if suffix not in SUFFIXES:
            raise DataError(T.ERR_UNSUPPORTED.format(file=name))
        table = guess_table(name)
        raws: list[RawTable] = []
        if suffix == ".xlsx":
            sheets = workbook_sheet_names(data, name)
            matched = match_sheets(sheets)
            if len(matched) >= 2 or (table is None and matched):
                workbooks.append((name, sheets))
                raws = list(read_workbook_sheets(data, name, matched).values())
            elif table is not None:
                mine = [s for s, t in matched.items() if t == table]
                sheet = mine[0] if mine else sheets[0]
                raws = [read_workbook_sheets(data, name, {sheet: table})[table]]
            elif len(sheets) == 1:
                raw = read_workbook_sheets(data, name, {sheets[0]: "participants"})["participants"]
                raws = [_assign(raw, name)]
            else:
                raise DataError(T.ERR_TABLE_UNKNOWN.format(file=name))
        elif suffix == ".csv":
            raw = read_csv_bytes(data, table or "participants", name)
            raws = [raw if table else _assign(raw, name)]
        else:
            raw = read_parquet_bytes(data, table or "participants", name)
            raws = [raw if table else _assign(raw, name)]
        source.tables = tuple(r.table for r in raws)
        for raw in raws:
            found[raw.table].append((raw, source))
    for table, entries in found.items():
        if len(entries) > 1:
            names = ", ".join(f"„{raw.file}“" for raw, _ in entries)
            raise DataError(T.ERR_TABLE_TWICE.format(table=T.TABLE_LABELS[table], files=names))
    missing = [t for t in TABLE_NAMES if not found[t]]
    if missing:
        if workbooks:
            book, sheets = workbooks[0]
            labels = "“, „".join(T.TABLE_LABELS[t] for t in missing)
            names = "“, „".join([T.TABLE_LABELS[t] for t in missing] + list(missing))
            raise DataError(T.ERR_SHEET_MISSING.format(file=book, table=labels, names=names,
                                                       sheets=", ".join(sheets) or T.EXPORT_EMPTY))
        raise DataError(T.ERR_TABLES_MISSING.format(tables=", ".join(T.TABLE_LABELS[t] for t in missing)))
    return {t: found[t][0][0] for t in TABLE_NAMES + OPTIONAL_TABLES if found[t]}  # enterprises: optional


EARLY_CHECK_BYTES = 5 * 1024 * 1024
EARLY_CHECK_ROWS = 10_000


def _refuse_junk_early(files: list[tuple[str, bytes]], today, datenstand) -> None:
    """A participants CSV over 5 MB whose first 10.000 records are all invalid is refused before the rest is
    read (DataError carrying the issues of those rows): junk costs a second, not a minute."""
    for name, data in files:
        if Path(name).suffix.lower() != ".csv" or len(data) <= EARLY_CHECK_BYTES:
            continue
        cut = 0
        for _ in range(EARLY_CHECK_ROWS + HEADER_SEARCH_ROWS + 1):
            cut = data.find(b"\n", cut) + 1
            if cut == 0:
                return  # a short file after all: the full check is cheap
        table = guess_table(name)
        raw = read_csv_bytes(data[:cut], table or "participants", name)
        if table is None:
            raw = _assign(raw, name)
        if raw.table != "participants":
            continue  # outcomes and services need the participants: checked in full
        valid, issues = participant_prefix_check(raw, today=today, datenstand=datenstand)
        if valid == 0:
            error = DataError(T.ERR_JUNK_EARLY.format(file=name, n=f"{len(raw.frame):,}".replace(",", ".")))
            error.issues = issues
            raise error


def _assign(raw: RawTable, name: str) -> RawTable:
    table = _detect_table(raw.frame)
    if table is None:
        raise DataError(T.ERR_TABLE_UNKNOWN.format(file=name))
    raw.table = table
    return raw


def _sort_issues(issues: pd.DataFrame) -> pd.DataFrame:
    if issues.empty:
        return issues.reset_index(drop=True)
    order = {t: i for i, t in enumerate(TABLE_NAMES)}
    key = pd.DataFrame({"t": issues["table"].map(order).fillna(len(order)),
                        "r": issues["row"].astype("Float64").fillna(-1)}, index=issues.index)
    return issues.loc[key.sort_values(["t", "r"], kind="stable").index].reset_index(drop=True)


def _all_issues(raws: dict[str, RawTable], validation_issues: pd.DataFrame | None) -> pd.DataFrame:
    """Validation issues (which include the reading issues); only the reading issues when validation never ran."""
    if validation_issues is not None:
        parts = [validation_issues[ISSUE_COLUMNS]]
    else:
        parts = [reading_issues(raws[t]) for t in TABLE_NAMES if t in raws]
    parts = [p for p in parts if len(p)]
    if not parts:
        return empty_issues()
    out = pd.concat(parts, ignore_index=True)
    out["row"] = out["row"].astype("Int64")
    return _sort_issues(out[ISSUE_COLUMNS])


def _counts(raws: dict[str, RawTable], ds: Dataset | None) -> dict[str, dict]:
    counts = {}
    for table in TABLE_NAMES + OPTIONAL_TABLES:
        if table not in raws:
            continue
        read = len(raws[table].frame)
        accepted = len(getattr(ds, table)) if ds is not None else 0
        counts[table] = {"file": raws[table].file, "read": read, "accepted": accepted, "rejected": read - accepted}
    return counts


def check_upload(files: list[tuple[str, bytes]] | list, *, today=None, datenstand=None,
                 max_bytes: int = MAX_UPLOAD_BYTES) -> ImportReport:
    """Read and validate uploaded files without storing anything; never raises.

    files: [(name, bytes)] – or Streamlit UploadedFile objects (anything with .name and .getvalue()).

    today: reference date for "date in the future" (default: today). datenstand: the Datenstand of the
    data (default: the latest date in the data). max_bytes: largest accepted file (MAX_UPLOAD_MB).
    """
    start = time.perf_counter()
    files = [(str(item.name), bytes(item.getvalue())) if hasattr(item, "getvalue") else (str(item[0]), bytes(item[1]))
             for item in (files or [])]
    sources = [SourceFile(Path(name).name, sha256(data), len(data), (), data) for name, data in files]
    raws: dict[str, RawTable] = {}
    ds: Dataset | None = None
    error: str | None = None
    validation_issues: pd.DataFrame | None = None
    try:
        if not files:
            raise DataError(T.ERR_NO_FILES)
        for source in sources:
            if source.size > max_bytes:
                raise DataError(T.ERR_TOO_LARGE.format(file=source.name, size=_mb(source.size),
                                                       limit=_mb(max_bytes)))
        try:
            _refuse_junk_early(files, today, datenstand)
            raws = _read_upload(files, sources)
            ds = validate_tables(raws, today=today, datenstand=datenstand)
            validation_issues = ds.issues
        except DataError as exc:
            validation_issues = getattr(exc, "issues", None)
            raise
    except DataError as exc:
        error, ds = str(exc), None
    except MemoryError:
        error, ds = T.ERR_IMPORT_MEMORY.format(files=", ".join(s.name for s in sources)), None
    except Exception as exc:  # noqa: BLE001 - the page must never show a traceback
        log.exception("check_upload failed")
        error, ds = T.ERR_UNEXPECTED.format(files=", ".join(s.name for s in sources) or T.EXPORT_EMPTY,
                                            reason=type(exc).__name__), None
    try:
        issues = _all_issues(raws, validation_issues)
    except Exception:  # noqa: BLE001
        log.exception("collecting issues failed")
        issues = empty_issues()
    snapshot_id = None
    if ds is not None:
        ds.issues = issues
        ds.source = ", ".join(s.name for s in sources)
        snapshot_id = content_id(sources, ds.datenstand)
    return ImportReport(ds, error, _counts(raws, ds), issues, sources, snapshot_id,
                        round(time.perf_counter() - start, 3))


IMPORT_MEMORY_ENV = "BIWAQ_IMPORT_MEMORY_MB"
IMPORT_TIMEOUT_ENV = "BIWAQ_IMPORT_TIMEOUT_S"
DEFAULT_IMPORT_MEMORY_MB = 1536
DEFAULT_IMPORT_TIMEOUT_S = 300
_PROJECT_ROOT = Path(__file__).resolve().parents[2]  # the folder holding biwaq_data (for the child's imports)


def _env_number(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name) or default)
    except ValueError:
        return default


def check_upload_isolated(files, *, today=None, datenstand=None, max_bytes: int = MAX_UPLOAD_BYTES,
                          memory_mb: float | None = None, timeout: float | None = None) -> ImportReport:
    """`check_upload` in a child process with bounded memory and time; never raises.

    The server process only holds the uploaded bytes and the report that comes back; a file that needs more
    than `memory_mb` (default $BIWAQ_IMPORT_MEMORY_MB or 1536) MB or `timeout` s (default
    $BIWAQ_IMPORT_TIMEOUT_S or 300) gets a German error naming the limit.
    """
    start = time.perf_counter()
    files = [(str(item.name), bytes(item.getvalue())) if hasattr(item, "getvalue") else (str(item[0]), bytes(item[1]))
             for item in (files or [])]
    memory_mb = memory_mb or _env_number(IMPORT_MEMORY_ENV, DEFAULT_IMPORT_MEMORY_MB)
    timeout = timeout or _env_number(IMPORT_TIMEOUT_ENV, DEFAULT_IMPORT_TIMEOUT_S)
    payload = pickle.dumps({"files": files, "today": today, "datenstand": datenstand, "max_bytes": max_bytes,
                            "memory_mb": memory_mb, "timeout": timeout}, protocol=pickle.HIGHEST_PROTOCOL)
    names = ", ".join(Path(n).name for n, _ in files) or T.EXPORT_EMPTY
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(_PROJECT_ROOT),
                                                                      os.environ.get("PYTHONPATH")]))}
    try:
        done = subprocess.run([sys.executable, "-m", __name__, "--child"], input=payload, capture_output=True,
                              timeout=timeout + 30, cwd=_PROJECT_ROOT, env=env)
        report = pickle.loads(done.stdout) if done.returncode == 0 and done.stdout else None
        if report is None:
            log.warning("import check child ended with %s: %s", done.returncode, done.stderr[-2000:])
            error = T.ERR_IMPORT_LIMIT.format(files=names, memory=f"{memory_mb:,.0f}".replace(",", "."),
                                              seconds=f"{timeout:,.0f}".replace(",", "."))
    except subprocess.TimeoutExpired:
        report, error = None, T.ERR_IMPORT_LIMIT.format(files=names, memory=f"{memory_mb:,.0f}".replace(",", "."),
                                                         seconds=f"{timeout:,.0f}".replace(",", "."))
    except Exception as exc:  # noqa: BLE001 - the page must never show a traceback
        log.exception("import check child failed")
        report, error = None, T.ERR_UNEXPECTED.format(files=names, reason=type(exc).__name__)
    if report is None:
        sources = [SourceFile(Path(n).name, sha256(d), len(d), (), d) for n, d in files]
        return ImportReport(None, error, {}, empty_issues(), sources, None, round(time.perf_counter() - start, 3))
    for source, (_, data) in zip(report.files, files):
        source.data = data  # the child sent the report without the bytes the server already holds
    report.seconds = round(time.perf_counter() - start, 3)
    return report


def _child_main() -> None:
    """Child side of `check_upload_isolated`: limits, check, report (without file bytes) to stdout."""
    import resource

    params = pickle.loads(sys.stdin.buffer.read())
    with open("/proc/self/status", encoding="ascii") as fh:
        loaded_kb = next((int(line.split()[1]) for line in fh if line.startswith("VmSize:")), 0)
    limit = int(loaded_kb * 1024 + params["memory_mb"] * 1024 * 1024)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    seconds = int(params["timeout"]) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 5))
    report = check_upload(params["files"], today=params["today"], datenstand=params["datenstand"],
                          max_bytes=params["max_bytes"])
    for source in report.files:
        source.data = b""
    sys.stdout.buffer.write(pickle.dumps(report, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.flush()


EXCEL_MAX_ROWS = 1_048_576
"""Rows of one Excel sheet, header included: a longer report is cut with a note and offered in full as CSV."""


def _report_meta(report: ImportReport) -> dict:
    meta: dict = {}
    if report.dataset is not None:
        meta["datenstand"] = report.dataset.datenstand
    meta["snapshot_id"] = report.snapshot_id or T.EXPORT_EMPTY
    meta["created"] = pd.Timestamp.now().floor("min")
    meta["files"] = {f.name: f.sha256 for f in report.files}
    if report.error:
        meta["error"] = report.error
    return meta


def issues_to_excel(report: ImportReport) -> bytes:
    """The validation report as .xlsx: sheet "Prüfbericht" (Datei, Zeile, Spalte, Wert, Meldung, Schwere),
    sheet "Übersicht" (rows per table) and "Hinweise" (files with SHA-256, Datenstand, snapshot id).

    More problems than an Excel sheet holds: the sheet ends with a row saying after which problem (file, row)
    it was cut, the same note is in "Hinweise", and `issues_to_csv` has them all.
    """
    from ..publish.export import to_excel_bytes

    meta = _report_meta(report)
    frame = report.issues_de()
    if len(frame) > EXCEL_MAX_ROWS - 1:
        shown = EXCEL_MAX_ROWS - 2  # header and the note row
        last = frame.iloc[shown - 1]
        row = last[T.ISSUE_COLUMNS_DE["row"]]
        note = T.REPORT_CUT_SHEET.format(total=f"{len(frame):,}".replace(",", "."),
                                         shown=f"{shown:,}".replace(",", "."),
                                         file=last[T.ISSUE_COLUMNS_DE["file"]], row="–" if pd.isna(row) else row)
        frame = pd.concat([frame.iloc[:shown], pd.DataFrame([{T.ISSUE_COLUMNS_DE["message"]: note}])],
                          ignore_index=True)
        frame[T.ISSUE_COLUMNS_DE["row"]] = frame[T.ISSUE_COLUMNS_DE["row"]].astype("Int64")
        meta["cut"] = note
    return to_excel_bytes({T.IMPORT_ISSUES_SHEET: frame, T.IMPORT_SUMMARY_SHEET: report.counts_frame()},
                          meta, formats={T.ISSUE_COLUMNS_DE["row"]: "0"})


def issues_to_csv(report: ImportReport) -> bytes:
    """Every problem of the report as CSV for German Excel (no row limit), with the same notes on top."""
    from ..publish.export import to_csv_bytes

    return to_csv_bytes(report.issues_de(), _report_meta(report))


__all__ = ["MAX_UPLOAD_BYTES", "MAX_UPLOAD_MB", "ImportReport", "SourceFile", "check_upload",
           "check_upload_isolated", "content_id", "issues_to_csv", "issues_to_excel"]

if __name__ == "__main__" and sys.argv[1:] == ["--child"]:
    import importlib

    # Run the function of the imported module (not of __main__), so that the report pickles under its real name.
    importlib.import_module(__spec__.name)._child_main()
