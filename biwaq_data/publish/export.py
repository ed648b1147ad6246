"""Safe downloads: CSV and Excel files that carry their Datenstand and cannot run formulas.

Spreadsheet formula injection (OWASP "CSV injection"): a text cell that starts with
=, +, -, @, a tab or a carriage return is treated as a formula by Excel/LibreOffice.
Every text cell (and every column header and sheet note) of an export is passed
through `safe_cell`, which puts an apostrophe in front of such text; numbers,
dates and booleans are written as typed values and never changed (-5 stays the
number -5).

`meta` (shown above every CSV table and on the "Hinweise" sheet of every Excel
file) is a dict of label -> value, in order. Values may be text, numbers, dates
(written dd.mm.yyyy), None (texts_de.EXPORT_EMPTY), or a dict/list (one line per entry, e.g. the
definitions of the figures). The keys "datenstand", "snapshot_id", "source",
"created", "filters" and "definitions" are shown with their German labels
(texts_de.EXPORT_META_LABELS); `export_meta()` builds the usual dict from a Dataset.

Number formats in Excel: integers '#,##0', other numbers '#,##0.0', rates '0.0%'
(columns whose name contains "quote", "rate" or "anteil" but no "%", or given in
`formats`; values are fractions, 0.245 = 24,5 %; a column named "… (%)" already
holds percent numbers, 24.5, and gets '#,##0.0'), years/ids/row numbers '0',
dates 'DD.MM.YYYY'. Excel shows these with the reader's locale, so a German Excel
displays 1.234 and 24,5 %.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Mapping
from datetime import date, datetime

import numpy as np
import pandas as pd

from .. import texts_de as T

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
INT_FORMAT = "#,##0"
FLOAT_FORMAT = "#,##0.0"
PERCENT_FORMAT = "0.0%"
PLAIN_INT_FORMAT = "0"
DATE_FORMAT = "DD.MM.YYYY"
_RATE_WORDS = ("quote", "rate", "anteil")
_PLAIN_WORDS = ("jahr", "year", "nr", "id", "zeile", "row", "plz")


# --- neutralising ------------------------------------------------------------


def safe_cell(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; everything else is unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _safe_label(label: object) -> object:
    if isinstance(label, tuple):
        return tuple(safe_cell(x) for x in label)
    return safe_cell(label)


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` where every text cell, column header and index label is passed through `safe_cell`."""
    out = frame.copy()
    for i in range(out.shape[1]):
        values = out.iloc[:, i]
        if isinstance(values.dtype, pd.CategoricalDtype):
            cats = values.cat.categories
            if cats.dtype == object or pd.api.types.is_string_dtype(cats.dtype):
                new = [safe_cell(c) for c in cats]
                if len(set(new)) == len(new):
                    out.isetitem(i, values.cat.rename_categories(new))
                else:
                    out.isetitem(i, values.astype(object).map(safe_cell))
        elif pd.api.types.is_string_dtype(values.dtype) or values.dtype == object:
            out.isetitem(i, values.map(safe_cell))
    out.columns = [_safe_label(c) for c in out.columns]
    if not isinstance(out.index, pd.RangeIndex):
        out.index = out.index.map(_safe_label)
    return out


# --- meta --------------------------------------------------------------------


def _text(value: object) -> str:
    if value is None or (not isinstance(value, (str, list, dict)) and pd.isna(value)):
        return T.EXPORT_EMPTY
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.strftime("%d.%m.%Y %H:%M") if (value.hour or value.minute) else value.strftime("%d.%m.%Y")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float):
        return f"{value:,.2f}".replace(",", "\0").replace(".", ",").replace("\0", ".")
    return str(value)


def meta_items(meta: Mapping | None) -> list[tuple[str, str]]:
    """(label, text) lines of the meta dict: nested dicts/lists give one line per entry; all text neutralised."""
    items: list[tuple[str, str]] = []
    for key, value in (meta or {}).items():
        label = T.EXPORT_META_LABELS.get(key, str(key))
        if isinstance(value, Mapping):
            for sub, text in value.items():
                items.append((f"{label}: {sub}", _text(text)))
        elif isinstance(value, (list, tuple)):
            for text in value:
                items.append((label, _text(text)))
        else:
            items.append((label, _text(value)))
    return [(str(safe_cell(a)), str(safe_cell(b))) for a, b in items]


def export_meta(dataset=None, *, definitions: Mapping[str, str] | None = None, filters: str | None = None,
                **extra) -> dict:
    """The usual meta dict: Datenstand, snapshot id and source of `dataset`, then filters, definitions, extras."""
    meta: dict = {}
    if dataset is not None:
        meta["datenstand"] = dataset.datenstand
        meta["snapshot_id"] = dataset.snapshot_id or (T.SNAPSHOT_NONE if getattr(dataset, "sample", False)
                                                      else T.SNAPSHOT_FOLDER)
        meta["source"] = dataset.source
    meta["created"] = pd.Timestamp.now().floor("min")
    if filters:
        meta["filters"] = filters
    if definitions:
        meta["definitions"] = dict(definitions)
    meta.update(extra)
    return meta


# --- CSV ---------------------------------------------------------------------


def _csv_ready(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame if isinstance(frame.index, pd.RangeIndex) else frame.reset_index()
    out = neutralise_formulas(out)
    for i in range(out.shape[1]):
        values = out.iloc[:, i]
        if pd.api.types.is_bool_dtype(values.dtype):
            out.isetitem(i, values.map(lambda v: "" if pd.isna(v) else T.EXPORT_BOOL_LABELS[bool(v)]).astype(object))
        elif pd.api.types.is_datetime64_any_dtype(values.dtype):
            has_time = (values.dropna() != values.dropna().dt.normalize()).any()
            fmt = "%d.%m.%Y %H:%M" if has_time else "%d.%m.%Y"
            out.isetitem(i, values.dt.strftime(fmt).astype(object).where(values.notna(), ""))
        elif values.dtype == object:  # mixed columns (numbers and '*'): floats get the decimal comma too
            out.isetitem(i, values.map(lambda v: repr(float(v)).replace(".", ",")
                                       if isinstance(v, (float, np.floating)) and math.isfinite(v) else v))
    return out


def to_csv_bytes(frame: pd.DataFrame, meta: Mapping | None = None, *, meta_position: str = "top") -> bytes:
    """CSV for German Excel: UTF-8 with BOM, ';' separated, decimal comma, dates dd.mm.yyyy, ja/nein.

    The meta lines ("Datenstand;30.09.2026", …) come first, then an empty line, then the table
    (`meta_position="bottom"`: the table first, the meta lines after an empty line).
    """
    table = _csv_ready(frame).to_csv(sep=";", decimal=",", index=False, lineterminator="\n")
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\n")
    for label, text in meta_items(meta):
        writer.writerow([label, text])
    block = buf.getvalue()
    if not block:
        body = table
    elif meta_position == "bottom":
        body = table + "\n" + block
    else:
        body = block + "\n" + table
    return body.encode("utf-8-sig")


# --- Excel -------------------------------------------------------------------


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", str(name)).strip("'") or T.EXPORT_SHEET_FALLBACK
    base = base[:31]
    candidate, n = base, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate.lower())
    return candidate


def _number_format(column: str, values: pd.Series, formats: Mapping[str, str]) -> str | None:
    if column in formats:
        return formats[column]
    key = str(column).lower()
    if pd.api.types.is_bool_dtype(values.dtype):
        return None
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return DATE_FORMAT
    if not pd.api.types.is_numeric_dtype(values.dtype):
        return None
    if "%" in key:
        return FLOAT_FORMAT  # already in percent (24.5), see module docstring
    if any(w in key for w in _RATE_WORDS):
        return PERCENT_FORMAT
    if pd.api.types.is_integer_dtype(values.dtype):
        return PLAIN_INT_FORMAT if any(re.search(rf"(^|[^a-z]){w}|{w}($|[^a-z])", key) for w in _PLAIN_WORDS) \
            else INT_FORMAT
    return FLOAT_FORMAT


def _header_footer(meta: Mapping | None) -> str:
    wanted = {T.EXPORT_META_LABELS["datenstand"], T.EXPORT_META_LABELS["snapshot_id"]}
    parts = [f"{a}: {b}" for a, b in meta_items(meta) if a in wanted]
    return ("&L" + "   ".join(parts).replace("&", "&&"))[:250] if parts else ""


def _write_frame(book, sheet, frame: pd.DataFrame, formats: Mapping[str, str], styles: dict) -> None:
    frame = neutralise_formulas(frame if isinstance(frame.index, pd.RangeIndex) else frame.reset_index())
    ncols = frame.shape[1]
    for j, column in enumerate(frame.columns):
        label = " / ".join(map(str, column)) if isinstance(column, tuple) else str(column)
        sheet.write_string(0, j, label, styles["header"])
    widths = [min(max(len(str(c)), 6), 60) for c in frame.columns]
    for j in range(ncols):
        values = frame.iloc[:, j]
        fmt_text = _number_format(str(frame.columns[j]), values, formats)
        style = styles.setdefault(fmt_text, book.add_format({"num_format": fmt_text})) if fmt_text else None
        if pd.api.types.is_datetime64_any_dtype(values.dtype):
            seq = values.dt.tz_localize(None) if getattr(values.dt, "tz", None) is not None else values
            for i, v in enumerate(seq.tolist(), start=1):
                if pd.isna(v):
                    sheet.write_blank(i, j, None)
                else:
                    sheet.write_datetime(i, j, v.to_pydatetime(), style)
            widths[j] = max(widths[j], 11)
            continue
        longest = widths[j]
        for i, v in enumerate(values.tolist(), start=1):
            if v is None or (not isinstance(v, str) and not isinstance(v, (list, dict)) and pd.isna(v)):
                sheet.write_blank(i, j, None)
            elif isinstance(v, (bool, np.bool_)):
                sheet.write_boolean(i, j, bool(v))
            elif isinstance(v, (int, float, np.integer, np.floating)):
                if math.isinf(float(v)):
                    sheet.write_blank(i, j, None)
                else:
                    sheet.write_number(i, j, float(v), style)
            elif isinstance(v, (pd.Timestamp, datetime)):
                sheet.write_datetime(i, j, pd.Timestamp(v).tz_localize(None).to_pydatetime(),
                                     styles.setdefault(DATE_FORMAT, book.add_format({"num_format": DATE_FORMAT})))
            elif isinstance(v, date):
                sheet.write_datetime(i, j, datetime(v.year, v.month, v.day),
                                     styles.setdefault(DATE_FORMAT, book.add_format({"num_format": DATE_FORMAT})))
            else:
                text = str(safe_cell(str(v)))
                sheet.write_string(i, j, text[:32767])
                if i <= 2000:
                    longest = max(longest, len(text))
        widths[j] = min(longest, 60)
    for j, width in enumerate(widths):
        sheet.set_column(j, j, width + 2)
    sheet.freeze_panes(1, 0)
    if ncols:
        sheet.autofilter(0, 0, max(len(frame), 1), ncols - 1)


def to_excel_bytes(sheets: Mapping[str, pd.DataFrame], meta: Mapping | None = None, *,
                   formats: Mapping[str, str] | None = None) -> bytes:
    """An .xlsx file with one sheet per frame plus a "Hinweise" sheet (Datenstand, snapshot id, definitions).

    Values are written as typed cells (never as formulas); text is neutralised with `safe_cell`. Every
    printed page carries Datenstand and snapshot id in its footer. `formats`: column name -> Excel format.
    """
    import xlsxwriter  # deferred: only needed for Excel exports

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False, "nan_inf_to_errors": False})
    styles: dict = {"header": book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bottom": 1})}
    footer = _header_footer(meta)
    used: set[str] = {T.EXPORT_NOTES_SHEET.lower()}
    for name, frame in sheets.items():
        sheet = book.add_worksheet(_sheet_name(name, used))
        _write_frame(book, sheet, frame, formats or {}, styles)
        if footer:
            sheet.set_footer(footer)
    notes = book.add_worksheet(T.EXPORT_NOTES_SHEET)
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    bold = book.add_format({"bold": True, "valign": "top"})
    for i, (label, text) in enumerate(meta_items(meta)):
        notes.write_string(i, 0, label, bold)
        notes.write_string(i, 1, text, wrap)
    notes.set_column(0, 0, 34)
    notes.set_column(1, 1, 100)
    book.close()
    return buffer.getvalue()
