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
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..ingest import schema
from .. import texts_de as T
from ..ingest.dataset import Dataset, validate_tables
from ..errors import DataError
from ..ingest.reading import (OPTIONAL_TABLE_NAMES, SUFFIXES, TABLE_NAMES, RawTable, guess_table, match_sheets, read_csv_bytes, read_parquet_bytes,
                      read_workbook_sheets, reading_issues, workbook_sheet_names)
from ..ingest.validation import ISSUE_COLUMNS

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
        return int((self.issues["severity"] == "error").sum())

    @property
    def n_warnings(self) -> int:
        return int((self.issues["severity"] == "warning").sum())

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
    found: dict[str, list[tuple[RawTable, SourceFile]]] = {t: [] for t in TABLE_NAMES + OPTIONAL_TABLE_NAMES}
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
    return {t: entries[0][0] for t, entries in found.items() if entries}  # optional tables (targets) when given


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
    for table in TABLE_NAMES + OPTIONAL_TABLE_NAMES:
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
        raws = _read_upload(files, sources)
        try:
            ds = validate_tables(raws, today=today, datenstand=datenstand)
            validation_issues = ds.issues
        except DataError as exc:
            validation_issues = getattr(exc, "issues", None)
            raise
    except DataError as exc:
        error, ds = str(exc), None
    except MemoryError:
        error, ds = T.ERR_UNEXPECTED.format(files=", ".join(s.name for s in sources), reason="Speicher"), None
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


def issues_to_excel(report: ImportReport) -> bytes:
    """The validation report as .xlsx: sheet "Prüfbericht" (Datei, Zeile, Spalte, Wert, Meldung, Schwere),
    sheet "Übersicht" (rows per table) and "Hinweise" (files with SHA-256, Datenstand, snapshot id)."""
    from ..publish.export import to_excel_bytes

    meta: dict = {}
    if report.dataset is not None:
        meta["datenstand"] = report.dataset.datenstand
    meta["snapshot_id"] = report.snapshot_id or T.EXPORT_EMPTY
    meta["created"] = pd.Timestamp.now().floor("min")
    meta["files"] = {f.name: f.sha256 for f in report.files}
    if report.error:
        meta["error"] = report.error
    return to_excel_bytes({T.IMPORT_ISSUES_SHEET: report.issues_de(), T.IMPORT_SUMMARY_SHEET: report.counts_frame()},
                          meta, formats={T.ISSUE_COLUMNS_DE["row"]: "0"})


__all__ = ["MAX_UPLOAD_BYTES", "MAX_UPLOAD_MB", "ImportReport", "SourceFile", "check_upload", "content_id",
           "issues_to_excel"]
