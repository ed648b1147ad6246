"""Reading files into raw tables: CSV (encodings, delimiters) and Parquet here, Excel in `workbook`, any file
by its name in `files`. The raw table, its issue rows and the header search live here and are shared by both.

Nothing is interpreted here beyond turning bytes into cells; `validation`
gives the cells their meaning. Row numbers are kept as the user sees them in
a spreadsheet: the header is row 1, the first record row 2. Title lines above
the header ("BIWAQ-Export vom 31.03.2025") are skipped – the header is the row
among the first 30 that names the most known columns – and the numbers stay
those of the file/sheet.

Bad input raises `DataError` with a German message that names the file (and
the line where that helps): empty file, header only, a file whose content is
not what its name says (an .xlsx or a PNG renamed to .csv), an unknown text
encoding, a broken CSV line, a missing sheet.

Problems that do not stop reading are kept on the raw table as issue rows
(`RawTable.issues`, same columns as `validation.ISSUE_COLUMNS`):
- Excel cells with formulas: never evaluated; the value Excel stored with the
  file is used, or the cell counts as empty when there is none (rule
  "formula_cell", one warning per cell with its sheet row and column);
- text cells starting with "=" (rule "text_formula", warning);
- UTF-8 text that looks double-encoded ("Ã¤" instead of "ä", rule "mojibake").
`reading_issues(raw)` joins them into one frame.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from .. import texts_de as T
from ..errors import DataError
from . import arrowtext
from .parquet import read_frame

TABLE_NAMES = ("participants", "outcomes", "services")

OPTIONAL_TABLES = ("targets", "enterprises")  # read when present, never required (Zielwerte: docs/steering.md; EECO19)
SUFFIXES = (".csv", ".xlsx", ".parquet")
# German and English file/sheet names users give their exports.
TABLE_FILE_ALIASES = {
    "participants": ("participants", "teilnehmende", "teilnehmer", "teilnehmerinnen"),
    "outcomes": ("outcomes", "ergebnisse", "verbleib"),
    "services": ("services", "leistungen", "angebote"),
    "targets": ("targets", "zielwerte", "ziele", "sollwerte", "planwerte"),
    "enterprises": ("enterprises", "unternehmen", "betriebe"),
}
READING_ISSUE_COLUMNS = ["table", "file", "row", "column", "value", "message", "severity", "rule"]
HEADER_SEARCH_ROWS = 30  # title lines above the header ("Export vom 31.03.2025") are skipped up to here
MAX_CSV_ROWS = 5_000_000  # lines of one CSV, checked before parsing: above the largest export the dashboard is
# built for (1.000.000 participants: 3,43 million service lines, docs/benchmark.md), far below what fills memory
MAX_COLUMNS = 500  # columns of one table (the contract has 13 at most); checked before parsing


def _known_header_keys() -> frozenset[str]:
    from . import schema

    return frozenset(k for columns in schema.TABLES.values() for k in schema.header_lookup(columns))


def header_index(rows: list[list[object]]) -> int | None:
    """Index of the header among the first rows: the row naming the most known columns (at least two),
    else the first non-empty row; None when all are empty."""
    from .schema import normalise_key

    keys = _known_header_keys()
    best, best_hits, first = None, 1, None
    for i, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        texts = [c for c in cells if c is not None and str(c).strip()]
        if not texts:
            continue
        if first is None:
            first = i
        hits = sum(normalise_key(c) in keys for c in texts)
        if hits > best_hits:
            best, best_hits = i, hits
    return best if best is not None else first


@dataclass
class RawTable:
    """Cells of one table as read, with the spreadsheet row number of every record.

    `issues`: issue frames found while reading (formula cells, text starting with "="); see module docstring.
    """

    table: str
    file: str  # what the user calls it: "participants.csv" or "export.xlsx › Teilnehmende"
    frame: pd.DataFrame
    rows: np.ndarray  # int64, same length as frame
    issues: list[pd.DataFrame] = field(default_factory=list)


def reading_issues(raw: RawTable) -> pd.DataFrame:
    """The issues found while reading `raw`, as one frame (READING_ISSUE_COLUMNS), table name filled in."""
    if not raw.issues:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in READING_ISSUE_COLUMNS})
    out = pd.concat(raw.issues, ignore_index=True)
    out["table"] = raw.table
    out["file"] = raw.file
    out["row"] = out["row"].astype("Int64")
    return out[READING_ISSUE_COLUMNS]


def issue_frame(rows, columns, values, messages, rule: str, severity: str = "warning") -> pd.DataFrame:
    return pd.DataFrame({"table": "", "file": "", "row": pd.array(rows, dtype="Int64"), "column": columns,
                         "value": values, "message": messages, "severity": severity, "rule": rule})


# --- names --------------------------------------------------------------------


def table_for_name(stem: str) -> str | None:
    key = stem.strip().lower()
    for table, names in TABLE_FILE_ALIASES.items():
        if key in names:
            return table
    return None


def _fold(text: str) -> str:
    return text.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")


def guess_table(name: str) -> str | None:
    """Table named by a file or sheet name, tolerant of additions.

    Exact names first ("Teilnehmende"), then words of the name ("2025-03_Teilnehmende_Export",
    "Teilnehmerliste (1)"). None when no table or more than one table is named.
    """
    stem = Path(name).stem if Path(name).suffix.lower() in SUFFIXES else name
    exact = table_for_name(stem)
    if exact:
        return exact
    tokens = [t for t in re.split(r"[^a-z0-9]+", _fold(stem)) if t]
    hits = {table for table, names in TABLE_FILE_ALIASES.items() for tok in tokens for alias in names
            if tok == alias or (len(alias) >= 6 and tok.startswith(alias))}
    return hits.pop() if len(hits) == 1 else None


# --- what a file really is ----------------------------------------------------

_MAGIC = ((b"\x89PNG", "png"), (b"\xff\xd8\xff", "jpeg"), (b"GIF8", "gif"), (b"%PDF", "pdf"),
          (b"PAR1", "parquet"), (b"\xd0\xcf\x11\xe0", "xls"))


def sniff_kind(data: bytes) -> str:
    """What the bytes are: "xlsx", "xls", "parquet", "png", "jpeg", "gif", "pdf", "docx", "zip", "text" or "binary"."""
    head = data[:8]
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return "zip"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        if any(n.startswith("word/") for n in names):
            return "docx"
        return "zip"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(data):
        return "text"
    if b"\x00" in data[:4096]:
        return "binary"
    return "text"


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 without byte order mark: every other byte of a Latin text is zero."""
    head = data[:4096]
    if len(head) < 4:
        return False
    even, odd = head[0::2], head[1::2]
    return (even.count(0) > 0.9 * len(even) and odd.count(0) == 0) or (odd.count(0) > 0.9 * len(odd)
                                                                         and even.count(0) == 0)


def _wrong_type(file: str, kind: str) -> DataError:
    suffix = Path(file.split(" › ")[0]).suffix.lower() or "(keine)"
    return DataError(T.ERR_WRONG_TYPE.format(file=file, suffix=suffix, kind=T.FILE_KIND_LABELS[kind],
                                             hint=T.FILE_KIND_HINTS.get(kind, T.HINT_EXPORT_AGAIN)))


def check_kind(data: bytes, expected: str, file: str) -> None:
    """Raise DataError (ERR_WRONG_TYPE) when the content is not `expected` ("text", "xlsx" or "parquet")."""
    if not data.strip():
        raise DataError(T.ERR_EMPTY.format(file=file))
    kind = sniff_kind(data)
    if kind != expected:
        raise _wrong_type(file, kind)


# --- CSV ----------------------------------------------------------------------

_MOJIBAKE = re.compile("Ã[¤¶¼\u201e\u2013\u0153\u0178]")  # ä ö ü Ä Ö Ü ß read as Windows-1252


def decode_text(data: bytes, file: str) -> str:
    """Decode CSV bytes as UTF-8 (with or without BOM), UTF-16 (Excel "Unicode-Text") or Windows-1252.

    Raises DataError for empty files, files that are not text (naming what they are) and undecodable bytes
    (naming the line of the first one).
    """
    if not data.strip():
        raise DataError(T.ERR_EMPTY.format(file=file))
    kind = sniff_kind(data)
    if kind != "text":
        raise _wrong_type(file, kind)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise DataError(T.ERR_ENCODING.format(file=file)) from None
    if _looks_utf16(data):
        encoding = "utf-16-le" if data[1] == 0 else "utf-16-be"
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            raise DataError(T.ERR_ENCODING.format(file=file)) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # Real UTF-8 elsewhere in the file (ä as two bytes that decode): one line was saved in another encoding.
        # Reading all as Windows-1252 would garble the rest (the header "Träger" would not be found): say where.
        decoded = data.decode("utf-8", errors="replace")
        if any(ord(c) > 127 and c not in "\ufffd\ufeff" for c in decoded):
            at = exc.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)  # positions after the BOM
            line = data.count(b"\n", 0, at) + 1
            raise DataError(T.ERR_ENCODING_MIXED.format(file=file, line=line, byte=f"{data[at]:02X}")) from None
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DataError(T.ERR_ENCODING_AT.format(file=file, line=line, byte=f"{data[exc.start]:02X}")) from None


def _sniff_separator(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t", "|")}
    return max(counts, key=counts.get) if max(counts.values()) > 0 else ","


def _blank_mask(frame: pd.DataFrame) -> np.ndarray:
    """Per record: True when every cell is empty or white space."""
    blank = np.ones(len(frame), dtype=bool)
    for _, values in frame.items():
        if pd.api.types.is_string_dtype(values) and not isinstance(values.dtype, pd.CategoricalDtype):
            col_blank = (values.isna() | (values.str.strip() == "")).to_numpy(dtype=bool)
        elif values.dtype == object:
            col_blank = values.map(lambda v: v is None or (isinstance(v, str) and not v.strip())
                                   or (not isinstance(v, (str, datetime, date)) and pd.isna(v))).to_numpy(dtype=bool)
        else:
            col_blank = values.isna().to_numpy(dtype=bool)
        blank &= col_blank
        if not blank.any():
            break
    return blank


def with_rows(table: str, file: str, frame: pd.DataFrame, rows: np.ndarray | None = None) -> RawTable:
    """Drop fully empty records (blank lines) and unnamed empty columns; keep each record's row number."""
    if rows is None:
        rows = np.arange(2, len(frame) + 2, dtype=np.int64)
    frame.columns = [str(c).strip() for c in frame.columns]
    if len(frame) and frame.columns.size:
        blank = _blank_mask(frame)
        if blank.any():
            frame, rows = frame.loc[~blank].reset_index(drop=True), rows[~blank]
    if frame.empty:
        raise DataError(T.ERR_HEADER_ONLY.format(file=file))
    unnamed = [c for c in frame.columns if c == "" or c.startswith("Unnamed: ")]
    drop = [c for c in unnamed if _blank_mask(frame[[c]]).all()]
    if drop:
        frame = frame.drop(columns=drop)
    return RawTable(table, file, frame, rows)


def text_formula_issues(raw: RawTable, text_categoricals: frozenset = frozenset()) -> None:
    """A warning for every text cell that starts with "=" (it is read as text, never evaluated).

    `text_categoricals`: columns the file stored as text that were read as categoricals (Parquet, see
    `read_parquet_bytes`): checked on their categories, with the same issue rows as the text column."""
    for column, values in raw.frame.items():
        if column in text_categoricals and isinstance(values.dtype, pd.CategoricalDtype):
            labels = pd.Series(values.cat.categories.astype(str))
            hits = np.flatnonzero(labels.str.lstrip().str.startswith("=").to_numpy(dtype=bool))
            if not len(hits):
                continue
            mask = np.isin(values.cat.codes.to_numpy(), hits)
        elif pd.api.types.is_string_dtype(values) and not isinstance(values.dtype, pd.CategoricalDtype):
            if not arrowtext.may_contain(values, "=") or not values.str.contains("=", regex=False).any():
                continue  # one fast scan; most columns have no "=" at all
            mask = values.str.lstrip().str.startswith("=").fillna(False).to_numpy(dtype=bool)
        elif values.dtype == object:
            mask = values.map(lambda v: isinstance(v, str) and v.lstrip().startswith("=")).to_numpy(dtype=bool)
        else:
            continue
        idx = np.flatnonzero(mask)
        if len(idx):
            raw.issues.append(issue_frame(raw.rows[idx], str(column), values.iloc[idx].astype(str).tolist(),
                                          T.WARN_TEXT_FORMULA, "text_formula"))


def read_csv_bytes(data: bytes, table: str, file: str) -> RawTable:
    """Parse CSV bytes: every cell as text, empty cells as ''."""
    text = decode_text(data, file).lstrip("\ufeff")
    if not text.strip():
        raise DataError(T.ERR_EMPTY.format(file=file))
    lines = text.count("\n")
    if lines > MAX_CSV_ROWS:
        raise DataError(T.ERR_TOO_MANY_ROWS.format(file=file, rows=f"{lines:,}".replace(",", "."),
                                                   limit=f"{MAX_CSV_ROWS:,}".replace(",", ".")))
    head = [line[:100_000] for line in text.split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS]]
    skip = header_index([line.split(_sniff_separator(line))[:MAX_COLUMNS + 1] for line in head]) or 0
    sep = _sniff_separator(head[skip])
    if head[skip].count(sep) + 1 > MAX_COLUMNS:
        raise DataError(T.ERR_TOO_MANY_COLUMNS.format(file=file, n=head[skip].count(sep) + 1, limit=MAX_COLUMNS))
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
            skip_blank_lines=False, skipinitialspace=True, skiprows=skip,
        )
    except pd.errors.EmptyDataError as exc:
        raise DataError(T.ERR_EMPTY.format(file=file)) from exc
    except (pd.errors.ParserError, ValueError) as exc:
        if "out of memory" in str(exc).lower() or "read(nbytes) on source failed" in str(exc):
            # the C parser reports a memory limit as a parser error; reading the in-memory text can fail only so
            raise MemoryError(str(exc)) from exc
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if found:
            expected, line, saw = found.groups()
            raise DataError(T.ERR_CSV_FIELDS.format(file=file, line=line, found=saw, expected=expected,
                                                    sep={"\t": "Tab"}.get(sep, sep))) from exc
        raise DataError(T.ERR_CSV_BROKEN.format(file=file)) from exc
    raw = with_rows(table, file, frame, np.arange(skip + 2, skip + 2 + len(frame), dtype=np.int64))
    text_formula_issues(raw)
    if _MOJIBAKE.search(text[:1_000_000]):
        raw.issues.append(issue_frame([None], "", "", T.WARN_MOJIBAKE, "mojibake"))
    return raw


# --- Parquet ------------------------------------------------------------------


def read_parquet_bytes(data: bytes | Path, table: str, file: str) -> RawTable:
    """Read a Parquet file with its stored types (dictionary columns become categoricals, and so do the
    contract's text columns other than the id: `parquet.read_frame`)."""
    if isinstance(data, bytes):
        check_kind(data, "parquet", file)
    frame, text_categoricals = read_frame(data, table, file)
    raw = RawTable(table, file, frame, np.arange(2, len(frame) + 2, dtype=np.int64))
    text_formula_issues(raw, text_categoricals)
    return raw
