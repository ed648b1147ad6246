"""Reading .xlsx workbooks into raw tables (reading.RawTable): zip-bomb checks before any XML is parsed,
formulas never evaluated (the stored value or an empty cell, one "formula_cell" warning per cell), the header
found among the first rows like in a CSV (reading.header_index), sheets matched to tables by their names.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from .. import texts_de as T
from ..errors import DataError
from .reading import (MAX_COLUMNS, OPTIONAL_TABLES, TABLE_NAMES, RawTable, check_kind, guess_table, header_index,
                      issue_frame, table_for_name, text_formula_issues, with_rows)

_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
MAX_XLSX_UNCOMPRESSED = 512 * 1024 * 1024
"""Largest total uncompressed content of an .xlsx (its XML parts), checked before any XML is parsed."""
MAX_XLSX_RATIO = 100
"""Largest compression ratio of one part bigger than 1 MB; real workbooks stay far below (5–20)."""
MAX_XLSX_PARTS = 10_000


def check_xlsx_archive(data: bytes | Path, file: str) -> None:
    """Refuse a zip bomb before parsing: sizes and ratios from the archive's directory (DataError, German).

    Reading a part never yields more than its declared size (zipfile stops there), so the declared sizes bound
    the work; a part whose data lie about it fails as a damaged workbook.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a readable zip: the workbook reader reports it as damaged
    if len(infos) > MAX_XLSX_PARTS:
        raise DataError(T.ERR_XLSX_BOMB.format(file=file, detail=T.XLSX_BOMB_PARTS.format(n=len(infos))))
    total = sum(i.file_size for i in infos)
    if total > MAX_XLSX_UNCOMPRESSED:
        raise DataError(T.ERR_XLSX_BOMB.format(file=file, detail=T.XLSX_BOMB_SIZE.format(
            size=_mb_text(total), limit=_mb_text(MAX_XLSX_UNCOMPRESSED))))
    for info in infos:
        if info.file_size > 1024 * 1024 and info.file_size > MAX_XLSX_RATIO * max(info.compress_size, 1):
            raise DataError(T.ERR_XLSX_BOMB.format(file=file, detail=T.XLSX_BOMB_RATIO.format(
                part=info.filename, size=_mb_text(info.file_size), packed=_mb_text(info.compress_size),
                ratio=f"{info.file_size / max(info.compress_size, 1):,.0f}".replace(",", "."), limit=MAX_XLSX_RATIO)))


def _mb_text(size: int) -> str:
    mb = size / 1024 / 1024
    return (f"{mb:.1f}" if mb >= 0.1 else f"{mb:.2f}").removesuffix(".0").replace(".", ",")


def _has_formulas(data: bytes | Path) -> bool:
    """Cheap check whether any worksheet of the .xlsx holds a formula (<f> element)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    with archive.open(name) as member:
                        tail = b""
                        while chunk := member.read(1 << 20):
                            if _FORMULA_TAG.search(tail + chunk):
                                return True
                            tail = chunk[-16:]
    except (zipfile.BadZipFile, OSError, KeyError):
        return True  # let openpyxl decide and report
    return False


def _open_workbook(data: bytes | Path, file: str, data_only: bool = True):
    import openpyxl  # deferred: only needed for Excel files

    if isinstance(data, bytes):
        check_kind(data, "xlsx", file)
    check_xlsx_archive(data, file)
    try:
        return openpyxl.load_workbook(io.BytesIO(data) if isinstance(data, bytes) else data, read_only=True,
                                      data_only=data_only, keep_links=False)
    except Exception as exc:  # zipfile/openpyxl raise many types for damaged workbooks
        raise DataError(T.ERR_XLSX_BROKEN.format(file=file)) from exc


def _display(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (datetime, pd.Timestamp)):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return str(value)


def _sheet_table(rows: list[tuple], table: str, file: str, formulas: list[tuple[int, int, str]]) -> RawTable:
    """RawTable from a sheet's rows (row 1 first); the header is found by `header_index` (title rows skipped)."""
    from openpyxl.utils import get_column_letter

    def filled(v) -> bool:
        return v is not None and not (isinstance(v, str) and not v.strip())

    header_at = header_index(rows)
    if header_at is None:
        raise DataError(T.ERR_EMPTY.format(file=file))
    width = max((max((j + 1 for j, v in enumerate(r) if filled(v)), default=0) for r in rows[header_at:]), default=0)
    if width > MAX_COLUMNS:
        raise DataError(T.ERR_TOO_MANY_COLUMNS.format(file=file, n=width, limit=MAX_COLUMNS))
    header_cells = list(rows[header_at]) + [None] * width
    names: list[str] = []
    for j in range(width):
        name = _display(header_cells[j]).strip() or T.UNNAMED_COLUMN.format(letter=get_column_letter(j + 1))
        while name in names:
            name = f"{name} ({names.count(name) + 1})"
        names.append(name)
    body = rows[header_at + 1:]
    records = [tuple(r[:width]) + (None,) * (width - len(r)) if len(r) < width else tuple(r[:width]) for r in body]
    frame = pd.DataFrame.from_records(records, columns=names) if records else pd.DataFrame(columns=names)
    frame = frame.astype(object)
    frame = frame.where(frame.notna(), "")
    sheet_rows = np.arange(header_at + 2, header_at + 2 + len(records), dtype=np.int64)
    if formulas:
        issue_rows, cols, values, messages = [], [], [], []
        for row, col, formula in formulas:
            cached = rows[row - 1][col - 1] if row - 1 < len(rows) and col - 1 < len(rows[row - 1]) else None
            cell = f"{get_column_letter(col)}{row}"
            issue_rows.append(row)
            cols.append(names[col - 1] if col - 1 < len(names) else get_column_letter(col))
            values.append(formula)
            messages.append(T.WARN_FORMULA_CACHED.format(cell=cell, formula=formula, value=_display(cached))
                            if filled(cached) else T.WARN_FORMULA_EMPTY.format(cell=cell, formula=formula))
        formula_issues = issue_frame(issue_rows, cols, values, messages, "formula_cell")
    else:
        formula_issues = None
    raw = with_rows(table, file, frame, sheet_rows)
    if formula_issues is not None:
        raw.issues.append(formula_issues)
    text_formula_issues(raw)
    return raw


def _formula_cells(data: bytes | Path, file: str, sheets: list[str]) -> dict[str, list[tuple[int, int, str]]]:
    """(row, column, formula text) of every formula cell in the named sheets (1-based positions)."""
    book = _open_workbook(data, file, data_only=False)
    try:
        found: dict[str, list[tuple[int, int, str]]] = {}
        for sheet in sheets:
            ws = book[sheet]
            if hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()
            cells = []
            for i, row in enumerate(ws.iter_rows(), start=1):
                for j, cell in enumerate(row, start=1):
                    if cell.data_type == "f" and cell.value is not None:
                        text = getattr(cell.value, "text", None) or str(cell.value)
                        cells.append((i, j, text if text.startswith("=") else f"={text}"))
            found[sheet] = cells
        return found
    finally:
        book.close()


def workbook_sheet_names(data: bytes | Path, file: str) -> list[str]:
    """Names of the sheets of an .xlsx workbook (DataError when it is not one)."""
    book = _open_workbook(data, file)
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def read_workbook_sheets(data: bytes | Path, file: str, wanted: dict[str, str]) -> dict[str, RawTable]:
    """Read the given sheets {sheet name: table} of a workbook into raw tables (keyed by table).

    Formula cells are never evaluated: the value stored with the file is used (see module docstring).
    """
    book = _open_workbook(data, file)
    try:
        contents: dict[str, list[tuple]] = {}
        for sheet in wanted:
            ws = book[sheet]
            if hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()
            contents[sheet] = list(ws.iter_rows(values_only=True))
    finally:
        book.close()
    formulas = _formula_cells(data, file, list(wanted)) if _has_formulas(data) else {}
    return {table: _sheet_table(contents[sheet], table, f"{file} › {sheet}", formulas.get(sheet, []))
            for sheet, table in wanted.items()}


def match_sheets(sheet_names: list[str], tables: tuple[str, ...] = TABLE_NAMES) -> dict[str, str]:
    """{sheet name: table} for the sheets that name a table (exact names first, then tolerant, first wins)."""
    chosen: dict[str, str] = {}
    for matcher in (table_for_name, guess_table):
        for sheet in sheet_names:
            table = matcher(sheet)
            if table in tables and table not in chosen.values() and sheet not in chosen:
                chosen[sheet] = table
    return chosen


def read_workbook_bytes(data: bytes | Path, file: str, tables: tuple[str, ...] = TABLE_NAMES + OPTIONAL_TABLES) -> dict[str, RawTable]:
    """Read the sheets of an .xlsx workbook that name a table (English or German sheet names)."""
    names = workbook_sheet_names(data, file)
    return read_workbook_sheets(data, file, match_sheets(names, tables))
