"""Which file holds which table, and reading one file of any supported kind (CSV, Excel, Parquet)."""

from __future__ import annotations

from pathlib import Path

from .. import texts_de as T
from ..errors import DataError
from .reading import SUFFIXES, RawTable, read_csv_bytes, read_parquet_bytes, table_for_name
from .workbook import match_sheets, read_workbook_sheets, workbook_sheet_names


def read_file(path_or_bytes: Path | bytes, name: str, table: str) -> RawTable:
    """Read one table from a CSV, Excel (first matching or first sheet) or Parquet file."""
    suffix = Path(name).suffix.lower()
    data = path_or_bytes.read_bytes() if isinstance(path_or_bytes, Path) and suffix != ".parquet" else path_or_bytes
    if suffix == ".csv":
        return read_csv_bytes(data, table, name)
    if suffix == ".parquet":
        return read_parquet_bytes(data, table, name)
    if suffix == ".xlsx":
        sheets = workbook_sheet_names(data, name)
        matched = {s: t for s, t in match_sheets(sheets, (table,)).items() if t == table}
        sheet = next(iter(matched), sheets[0] if sheets else None)
        if sheet is None:
            raise DataError(T.ERR_EMPTY.format(file=name))
        return read_workbook_sheets(data, name, {sheet: table})[table]
    raise DataError(T.ERR_UNSUPPORTED.format(file=name))


def find_table_files(folder: Path) -> dict[str, Path]:
    """Files in a folder that hold the three tables, by table name (first suffix in SUFFIXES wins)."""
    found: dict[str, Path] = {}
    candidates = [p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES]
    for path in sorted(candidates, key=lambda p: (SUFFIXES.index(p.suffix.lower()), p.name)):
        table = table_for_name(path.stem)
        if table and path.suffix.lower() in SUFFIXES and table not in found:
            found[table] = path
    return found
