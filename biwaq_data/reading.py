"""Reading files into raw tables: CSV (encodings, delimiters), Excel and Parquet.

Nothing is interpreted here beyond turning bytes into cells; `validation`
gives the cells their meaning. Row numbers are kept as the user sees them in
a spreadsheet: the header is row 1, the first record row 2.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import texts_de as T
from .errors import DataError

TABLE_NAMES = ("participants", "outcomes", "services")
SUFFIXES = (".csv", ".xlsx", ".parquet")
# German and English file/sheet names users give their exports.
TABLE_FILE_ALIASES = {
    "participants": ("participants", "teilnehmende", "teilnehmer", "teilnehmerinnen"),
    "outcomes": ("outcomes", "ergebnisse", "verbleib"),
    "services": ("services", "leistungen", "angebote"),
}


@dataclass
class RawTable:
    """Cells of one table as read, with the spreadsheet row number of every record."""

    table: str
    file: str  # what the user calls it: "participants.csv" or "export.xlsx › Teilnehmende"
    frame: pd.DataFrame
    rows: np.ndarray  # int64, same length as frame


def _table_for_name(stem: str) -> str | None:
    key = stem.strip().lower()
    for table, names in TABLE_FILE_ALIASES.items():
        if key in names:
            return table
    return None


def decode_text(data: bytes, file: str) -> str:
    """Decode CSV bytes as UTF-8 (with or without BOM) or Windows-1252; raise DataError otherwise."""
    if not data.strip():
        raise DataError(T.ERR_EMPTY.format(file=file))
    if b"\x00" in data[:4096] or data[:4] == b"PK\x03\x04":
        raise DataError(T.ERR_NOT_TEXT.format(file=file))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DataError(T.ERR_ENCODING.format(file=file))


def _sniff_separator(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t", "|")}
    return max(counts, key=counts.get) if max(counts.values()) > 0 else ","


def _with_rows(table: str, file: str, frame: pd.DataFrame) -> RawTable:
    """Drop fully empty records (blank lines) but keep each record's spreadsheet row number."""
    rows = np.arange(2, len(frame) + 2, dtype=np.int64)
    if len(frame) and frame.columns.size:
        as_text = frame.astype("string").fillna("")
        blank = (as_text.apply(lambda s: s.str.strip()) == "").all(axis=1).to_numpy()
        if blank.any():
            frame, rows = frame.loc[~blank].reset_index(drop=True), rows[~blank]
    if frame.empty:
        raise DataError(T.ERR_HEADER_ONLY.format(file=file))
    frame.columns = [str(c).strip() for c in frame.columns]
    return RawTable(table, file, frame, rows)


def read_csv_bytes(data: bytes, table: str, file: str) -> RawTable:
    """Parse CSV bytes: every cell as text, empty cells as ''."""
    text = decode_text(data, file)
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=_sniff_separator(first_line), dtype=str, keep_default_na=False,
            skip_blank_lines=False, skipinitialspace=True,
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise DataError(T.ERR_UNREADABLE.format(file=file, reason=str(exc).strip())) from exc
    except pd.errors.EmptyDataError as exc:
        raise DataError(T.ERR_EMPTY.format(file=file)) from exc
    return _with_rows(table, file, frame)


def read_parquet_bytes(data: bytes | Path, table: str, file: str) -> RawTable:
    """Read a Parquet file with its stored types (dictionary columns become categoricals)."""
    try:
        frame = pd.read_parquet(io.BytesIO(data) if isinstance(data, bytes) else data)
    except Exception as exc:  # pyarrow raises several unrelated types for corrupt files
        raise DataError(T.ERR_UNREADABLE.format(file=file, reason=type(exc).__name__)) from exc
    if frame.empty:
        raise DataError(T.ERR_HEADER_ONLY.format(file=file))
    return RawTable(table, file, frame.reset_index(drop=True), np.arange(2, len(frame) + 2, dtype=np.int64))


def read_workbook_bytes(data: bytes | Path, file: str, tables: tuple[str, ...] = TABLE_NAMES) -> dict[str, RawTable]:
    """Read the sheets of an .xlsx workbook that name a table (English or German sheet names)."""
    try:
        book = pd.read_excel(io.BytesIO(data) if isinstance(data, bytes) else data, sheet_name=None,
                             dtype=object, engine="openpyxl")
    except Exception as exc:  # zipfile/openpyxl raise many types for non-workbooks
        raise DataError(T.ERR_UNREADABLE.format(file=file, reason=type(exc).__name__)) from exc
    found: dict[str, RawTable] = {}
    for sheet, frame in book.items():
        table = _table_for_name(sheet)
        if table in tables and table not in found:
            frame = frame.astype(object).where(frame.notna(), "")
            found[table] = _with_rows(table, f"{file} › {sheet}", frame)
    return found


def read_file(path_or_bytes: Path | bytes, name: str, table: str) -> RawTable:
    """Read one table from a CSV, Excel (first matching or first sheet) or Parquet file."""
    suffix = Path(name).suffix.lower()
    data = path_or_bytes.read_bytes() if isinstance(path_or_bytes, Path) and suffix != ".parquet" else path_or_bytes
    if suffix == ".csv":
        return read_csv_bytes(data, table, name)
    if suffix == ".parquet":
        return read_parquet_bytes(data, table, name)
    if suffix == ".xlsx":
        sheets = read_workbook_bytes(data, name)
        if table in sheets:
            return sheets[table]
        book = pd.read_excel(io.BytesIO(data) if isinstance(data, bytes) else data, sheet_name=0, dtype=object)
        return _with_rows(table, name, book.astype(object).where(book.notna(), ""))
    raise DataError(T.ERR_UNSUPPORTED.format(file=name))


def find_table_files(folder: Path) -> dict[str, Path]:
    """Files in a folder that hold the three tables, by table name (first suffix in SUFFIXES wins)."""
    found: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        table = _table_for_name(path.stem)
        if table and path.suffix.lower() in SUFFIXES and table not in found:
            found[table] = path
    return found
