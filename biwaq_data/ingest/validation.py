"""Turning raw cells into typed frames, and the named validation rules.

Every cell that breaks a rule becomes one row of the issues frame
(file, row, column, value, message, severity, rule). A record with an error is
kept out of the figures; nothing is dropped or changed without an issue row.
Parsing works on the distinct values of a column, so a million rows cost little
more than a thousand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
import pandas as pd

from .. import places
from . import arrowtext, schema
from .. import texts_de as T
from ..errors import DataError
from .reading import RawTable

ISSUE_COLUMNS = ["table", "file", "row", "column", "value", "message", "severity", "rule"]
MAX_ISSUES_PER_RULE = 1000
"""Issue rows listed per file, column and rule; the rest become one summary row (rule MORE_RULE)."""
MORE_RULE = "more_rows"  # summary row: `value` holds how many further rows had the same problem


def more_rows(table: str, file: str, column: str, hidden: int, severity: str, rule_message: str) -> dict:
    """The summary row for `hidden` further rows with the same problem (file, column, rule)."""
    from ..formatting import format_int

    return {"table": table, "file": file, "row": pd.NA, "column": column, "value": str(hidden),
            "message": T.ISSUES_MORE.format(n=format_int(hidden), message=rule_message), "severity": severity,
            "rule": MORE_RULE}


def hidden_count(issues: pd.DataFrame, severity: str) -> int:
    """Rows with problems of this severity: listed rows plus those summarised in MORE_RULE rows."""
    sev = issues["severity"] == severity
    more = sev & (issues["rule"] == MORE_RULE)
    return int((sev & ~more).sum()) + int(pd.to_numeric(issues.loc[more, "value"], errors="coerce").fillna(0).sum())
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%d.%m.%Y %H:%M:%S",
                "%d.%m.%Y %H:%M", "%Y-%m-%dT%H:%M:%S")
EXCEL_EPOCH = pd.Timestamp("1899-12-30")


@dataclass
class IssueLog:
    """Collects issue rows as small frames; `frame()` joins them.

    At most `cap` rows per (file, column, rule) are listed; `frame()` adds one MORE_RULE row for the rest, so a
    junk file of a million bad rows costs a few thousand issue rows, not tens of millions.
    """

    parts: list[pd.DataFrame] = field(default_factory=list)
    cap: int = MAX_ISSUES_PER_RULE
    seen: dict = field(default_factory=dict)  # (table, file, column, rule) -> [rows flagged, severity, message]

    def add(self, raw: RawTable, mask: np.ndarray, column: str, values, message, rule: str,
            severity: str = "error") -> None:
        """One issue per True position in `mask` (positions index the raw table's records), up to `cap`.

        `message` is a text, or a function of the cell value for messages that depend on it (called in row
        order, only for the rows listed).
        """
        idx = np.flatnonzero(mask)
        if not len(idx):
            return
        key = (raw.table, raw.file, column, rule)
        entry = self.seen.setdefault(key, [0, severity, None])  # rows flagged, severity, first message
        room = max(self.cap - entry[0], 0)
        entry[0] += len(idx)
        idx = idx[:room]
        if not len(idx):
            return
        vals = pd.Series(values, copy=False).iloc[idx] if values is not None else pd.Series([""] * len(idx))
        messages = message if isinstance(message, str) else [message(v) for v in vals]
        if entry[2] is None:
            entry[2] = messages if isinstance(messages, str) else messages[0]
        self.parts.append(pd.DataFrame({
            "table": raw.table, "file": raw.file, "row": raw.rows[idx], "column": column,
            "value": [_cell_text(v) for v in vals], "message": messages, "severity": severity, "rule": rule,
        }))

    def merge(self, other: "IssueLog") -> None:
        """Append what `other` collected, as if it had been added here now: rules checked ahead into their own
        log, taken over in the usual order. Same as adding them here when no (table, file, column, rule) has
        rows in both logs (the cap counts per key), which is checked."""
        assert not set(other.seen) & set(self.seen), "merge: both logs have rows for the same column and rule"
        self.parts.extend(other.parts)
        self.seen.update(other.seen)

    def add_note(self, raw: RawTable, column: str, message: str, rule: str, severity: str = "warning") -> None:
        """A table-level issue (no row), e.g. a missing optional column."""
        self.parts.append(pd.DataFrame([{"table": raw.table, "file": raw.file, "row": pd.NA, "column": column,
                                         "value": "", "message": message, "severity": severity, "rule": rule}]))

    def frame(self) -> pd.DataFrame:
        summary = [more_rows(table, file, column, count - self.cap, severity, rule_message)
                   for (table, file, column, _), (count, severity, rule_message) in self.seen.items()
                   if count > self.cap]
        parts = self.parts + ([pd.DataFrame(summary)] if summary else [])
        if not parts:
            out = pd.DataFrame({c: pd.Series(dtype="object") for c in ISSUE_COLUMNS})
        else:
            out = pd.concat(parts, ignore_index=True)
        out["row"] = out["row"].astype("Int64")
        return out[ISSUE_COLUMNS]


def _cell_text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.strftime("%d.%m.%Y")
    return str(value)


def _is_blank(values: pd.Series) -> np.ndarray:
    """True where a cell is empty: NA, None or only white space."""
    if pd.api.types.is_string_dtype(values) and not isinstance(values.dtype, pd.CategoricalDtype):
        if arrowtext.trimmed(values):  # nothing to strip: empty means NA or ""
            empty = arrowtext.na_or_empty(values)
            return empty if empty is not None else (values.isna() | (values.str.len() == 0)).to_numpy()
        return (values.isna() | (values.str.strip() == "")).to_numpy()
    if isinstance(values.dtype, pd.CategoricalDtype):
        cats = pd.Series(values.cat.categories.astype(str)).str.strip() == ""
        blank_codes = np.flatnonzero(cats.to_numpy())
        codes = values.cat.codes.to_numpy()
        return (codes < 0) | np.isin(codes, blank_codes)
    if values.dtype == object:
        return values.map(lambda v: v is None or (isinstance(v, str) and not v.strip())
                          or (not isinstance(v, str) and pd.isna(v))).to_numpy(dtype=bool)
    return values.isna().to_numpy()


def _map_unique(values: pd.Series, convert) -> np.ndarray:
    """Apply `convert` (array of distinct values -> array of results) once per distinct value."""
    codes, converted = _distinct(values, convert)
    out = np.empty(len(values), dtype=object)
    out[:] = None
    ok = codes >= 0
    out[ok] = converted[codes[ok]]
    return out


def _distinct(values: pd.Series, convert) -> tuple[np.ndarray, np.ndarray]:
    """(codes, converted): `convert` applied once per distinct value; codes give each cell's distinct value
    (-1 for an empty cell). Callers build the typed column with a take on the typed per-value results, so no
    Python object is created per cell (a million cells cost about what their distinct values cost)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes, np.asarray(convert(np.asarray(uniques, dtype=object)), dtype=object)


def _take(per_value, codes: np.ndarray):
    """Per-cell values from typed per-distinct-value results (NA where the cell was empty)."""
    return per_value.take(codes, allow_fill=True)


def _parse_dates(uniques: np.ndarray) -> np.ndarray:
    result = pd.Series(pd.NaT, index=range(len(uniques)), dtype="datetime64[ns]")
    texts = pd.Series([None] * len(uniques), dtype=object)
    for i, v in enumerate(uniques):
        if isinstance(v, (pd.Timestamp, datetime, date)):
            result[i] = pd.Timestamp(v).normalize()
        elif isinstance(v, (int, float, np.integer, np.floating)) and 20000 <= v <= 80000:
            result[i] = EXCEL_EPOCH + pd.Timedelta(days=int(v))  # Excel serial day number
        elif isinstance(v, str):
            texts[i] = v.strip()
    for fmt in DATE_FORMATS:
        todo = result.isna() & texts.notna()
        if not todo.any():
            break
        result[todo] = pd.to_datetime(texts[todo], format=fmt, errors="coerce")
    return result.dt.normalize().to_numpy(dtype=object)


def _parse_bools(uniques: np.ndarray) -> np.ndarray:
    def one(v):
        if isinstance(v, (bool, np.bool_)):
            return bool(v)
        if isinstance(v, (int, float, np.integer, np.floating)) and v in (0, 1):
            return bool(v)
        key = str(v).strip().lower()
        return True if key in schema.TRUE_WORDS else False if key in schema.FALSE_WORDS else None
    return np.array([one(v) for v in uniques], dtype=object)


def _parse_numbers(uniques: np.ndarray) -> np.ndarray:
    def one(v):
        if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
            return float(v)
        text = str(v).strip().replace("\u00a0", "").replace(" ", "")
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        try:
            return float(text)
        except ValueError:
            return None
    return np.array([one(v) for v in uniques], dtype=object)


def _parse_categories(col: schema.Column):
    lookup = schema.category_lookup(col)
    return lambda uniques: np.array([lookup.get(schema.normalise_key(v)) for v in uniques], dtype=object)


def _parse_ortsteile(uniques: np.ndarray) -> np.ndarray:
    return np.array([places.resolve_ortsteil(v) for v in uniques], dtype=object)


def map_headers(raw: RawTable, columns: tuple[schema.Column, ...], log: IssueLog) -> dict[str, str]:
    """Canonical column name -> header in the file. Raises DataError for a missing required column."""
    lookup = schema.header_lookup(columns)
    found: dict[str, str] = {}
    for header in raw.frame.columns:
        name = lookup.get(schema.normalise_key(header))
        if name is None or name in found:
            log.add_note(raw, str(header), T.RULE_MESSAGES["unknown_column"], "unknown_column")
        else:
            found[name] = header
    for col in columns:
        if col.name in found:
            continue
        if col.required:
            aliases = ", ".join(f"„{a}“" for a in (col.name, *col.aliases))
            raise DataError(T.ERR_COLUMN_MISSING.format(file=raw.file, column=T.COLUMN_LABELS[col.name],
                                                        aliases=aliases))
        if col.name in schema.MONITORING_COLUMNS:
            continue  # older exports lack the monitoring record: the ESF page names the column ("nicht erhoben")
        default = T.CATEGORY_LABELS.get(col.name, {}).get(col.default, "leer") if col.default else "leer"
        log.add_note(raw, T.COLUMN_LABELS[col.name], T.RULE_MESSAGES["optional_column_missing"].format(
            default=default), "optional_column_missing")
    return found


def parse_table(raw: RawTable, log: IssueLog, ids: tuple[np.ndarray, pd.Series] | None = None
                ) -> tuple[pd.DataFrame, np.ndarray, dict[str, str]]:
    """Typed values for every record (NA where a cell is bad), the per-record error mask, and the header map.

    `ids`: `parse_ids(raw)` when the caller has it already (the participant_id column is not parsed again)."""
    columns = schema.TABLES[raw.table]
    headers = map_headers(raw, columns, log)
    n = len(raw.frame)
    error = np.zeros(n, dtype=bool)
    out: dict[str, object] = {}
    for col in columns:
        if col.name not in headers:
            out[col.name] = _absent_column(col, n)
            continue
        header = headers[col.name]
        values = raw.frame[header]
        if ids is not None and col.name == "participant_id":
            (blank, parsed), bad, rule, message = ids, None, "", ""
        else:
            blank = _is_blank(values)
            parsed, bad, rule, message = _parse_column(values, col, blank)
        if col.required:
            log.add(raw, blank, header, values, T.RULE_MESSAGES["missing_required"], "missing_required")
            error |= blank
        if bad is not None:
            log.add(raw, bad, header, values, message, rule)
            error |= bad
        if col.kind == "category" and col.default is not None and blank.any():
            # An empty cell in an optional category column means the same as the absent column: the default
            # (education "unknown", referral "other"); left as NA it would fall out of every breakdown.
            parsed = pd.Categorical(np.where(blank, col.default, np.asarray(parsed, dtype=object)),
                                    categories=col.categories)
            label = T.CATEGORY_LABELS.get(col.name, {}).get(col.default, col.default)
            log.add(raw, blank, header, values, T.RULE_MESSAGES["optional_default_filled"].format(default=label),
                    "optional_default_filled", severity="warning")
        out[col.name] = parsed
    frame = pd.DataFrame(out, copy=False)  # the parsed arrays as they are (no block of same-typed copies)
    frame["source_row"] = raw.rows
    return frame, error, headers


def parse_ids(raw: RawTable) -> tuple[np.ndarray, pd.Series] | None:
    """(empty-cell mask, parsed values) of the table's participant_id column as `parse_table` parses it
    (stripped, NA where empty), the column found by its header as `map_headers` finds it; nothing is logged.
    None when the table has no such column."""
    columns = schema.TABLES[raw.table]
    lookup = schema.header_lookup(columns)
    header = next((h for h in raw.frame.columns if lookup.get(schema.normalise_key(h)) == "participant_id"), None)
    if header is None:
        return None
    values = raw.frame[header]
    if values.dtype == "str" and arrowtext.trimmed(values):  # clean text (Parquet): one look at the buffers
        blank = arrowtext.na_or_empty(values)
        if blank is not None:
            return blank, (values.where(~blank) if blank.any() else values)
    blank = _is_blank(values)
    return blank, _parse_column(values, next(c for c in columns if c.name == "participant_id"), blank)[0]


def _absent_column(col: schema.Column, n: int):
    if col.kind == "category":
        return pd.Categorical([col.default] * n, categories=col.categories)
    if col.kind == "date":
        return pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
    if col.kind == "bool":
        return pd.array([pd.NA] * n, dtype="boolean")
    if col.kind == "float":
        return np.full(n, np.nan)
    return pd.Categorical([None] * n) if col.kind == "text" else pd.array([pd.NA] * n, dtype="str")


def _parse_column(values: pd.Series, col: schema.Column, blank: np.ndarray):
    """(parsed values, bad-cell mask or None, rule, message) for one column."""
    kind = col.kind
    if kind == "id":
        parsed = values.astype("str")
        parsed = parsed if arrowtext.trimmed(parsed) else parsed.str.strip()  # clean ids (Parquet): no copy
        return (parsed.where(~blank) if blank.any() else parsed), None, "", ""
    if kind == "text":
        if isinstance(values.dtype, pd.CategoricalDtype):
            return _text_from_categories(values), None, "", ""
        parsed = values.astype("str")
        parsed = (parsed if arrowtext.trimmed(parsed) else parsed.str.strip()).where(~blank)
        return pd.Categorical(parsed), None, "", ""
    if kind == "date":
        days = _whole_days_ns(values)
        if days is not None:  # timestamps at midnight (Parquet dates): as they are
            return days, np.isnat(days) & ~blank, "invalid_date", T.RULE_MESSAGES["invalid_date"]
        if pd.api.types.is_datetime64_any_dtype(values):
            parsed = values.dt.tz_localize(None) if values.dt.tz is not None else values
            parsed = _in_ns_range(parsed).dt.normalize().astype("datetime64[ns]")
        else:
            codes, per_value = _distinct(values, _parse_dates)
            parsed = pd.Series(_take(pd.array(per_value, dtype="datetime64[ns]"), codes))
        bad = parsed.isna().to_numpy() & ~blank
        return parsed.to_numpy(), bad, "invalid_date", T.RULE_MESSAGES["invalid_date"]
    if kind == "bool":
        if pd.api.types.is_bool_dtype(values):
            return pd.array(values, dtype="boolean"), None, "", ""
        codes, per_value = _distinct(values, _parse_bools)
        parsed = _take(pd.array(per_value, dtype="boolean"), codes)
        bad = np.asarray(parsed.isna()) & ~blank
        return parsed, bad, "invalid_bool", T.RULE_MESSAGES["invalid_bool"]
    if kind in ("int", "float"):
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            parsed = values.astype("float64").to_numpy()
        else:
            codes, per_value = _distinct(values, _parse_numbers)
            numbers = np.array([np.nan if v is None else v for v in per_value], dtype="float64")
            parsed = np.where(codes >= 0, numbers[np.maximum(codes, 0)] if len(numbers) else np.nan, np.nan)
        bad = np.isnan(parsed) & ~blank
        if kind == "int":
            bad |= ~np.isnan(parsed) & (parsed != np.round(parsed))
        return parsed, bad, "invalid_number", T.RULE_MESSAGES["invalid_number"]
    if kind == "category":
        if isinstance(values.dtype, pd.CategoricalDtype) and set(values.cat.categories) <= set(col.categories):
            parsed = pd.Categorical(values, categories=col.categories)
            return parsed, None, "", ""
        codes, per_value = _distinct(values, _parse_categories(col))
        value_codes = pd.Categorical(per_value, categories=col.categories).codes
        parsed = pd.Categorical.from_codes(
            np.where(codes >= 0, value_codes[np.maximum(codes, 0)] if len(value_codes) else -1, -1),
            categories=col.categories)
        bad = (parsed.codes < 0) & ~blank
        labels = T.CATEGORY_LABELS.get(col.name, {})
        allowed = ", ".join(f"{labels.get(c, c)} ({c})" for c in col.categories)
        return parsed, bad, "unknown_category", T.RULE_MESSAGES["unknown_category"].format(allowed=allowed)
    if kind == "ortsteil":
        codes, per_value = _distinct(values, _parse_ortsteile)
        numbers = pd.Series(_take(pd.array(list(per_value), dtype="Int16"), codes))
        bad = numbers.isna().to_numpy() & ~blank
        return numbers.to_numpy(), bad, "unknown_ortsteil", _ortsteil_message
    raise ValueError(f"unknown column kind {kind}")


_UNIT_NS = {"s": 1_000_000_000, "ms": 1_000_000, "us": 1_000, "ns": 1}


def _whole_days_ns(values: pd.Series) -> np.ndarray | None:
    """Naive timestamps that all fall on midnight, as datetime64[ns] (NaT kept): what `.dt.normalize()` and
    `.astype("datetime64[ns]")` would give, without their passes. None for anything else (other dtypes, time
    zones, times of day, values outside the nanosecond range), which takes the general path."""
    dtype = values.dtype
    if not isinstance(dtype, np.dtype) or dtype.kind != "M":
        return None
    factor = _UNIT_NS.get(np.datetime_data(dtype)[0])
    if factor is None:
        return None
    ticks = values.to_numpy().view(np.int64)
    nat, limit, day = np.iinfo(np.int64).min, np.iinfo(np.int64).max // factor, 86_400_000_000_000 // factor
    rest = np.empty(min(len(ticks), 1 << 20), dtype=np.int64)
    for at in range(0, len(ticks), 1 << 20):  # in blocks: no array of the column's size but the result
        part = ticks[at: at + (1 << 20)]
        known = part != nat
        np.remainder(part, day, out=rest[:len(part)])
        if (rest[:len(part)] * known).any() or part.max(initial=0) >= limit or (
                part.min(where=known, initial=0) <= -limit):
            return None
    return values.to_numpy().astype("datetime64[ns]")


def _in_ns_range(dates: pd.Series) -> pd.Series:
    """Naive timestamps with those a nanosecond timestamp cannot hold (before 1677, after 2262; Parquet can
    store them) as NaT, so that they are reported as invalid dates like such a date in a text column."""
    try:
        dates.astype("datetime64[ns]")
        return dates
    except (pd.errors.OutOfBoundsDatetime, OverflowError):
        ticks = dates.to_numpy()
        low, high = np.datetime64(pd.Timestamp.min.ceil("D")), np.datetime64(pd.Timestamp.max.floor("D"))
        return pd.Series(np.where((ticks >= low) & (ticks <= high), ticks, np.datetime64("NaT")).astype(
            ticks.dtype), index=dates.index)


def _text_from_categories(values: pd.Series) -> pd.Categorical:
    """Free text already stored as categories (Parquet dictionary columns): strip the categories, not the cells.

    Same result as pd.Categorical(values.astype("str").str.strip().where(~blank)): categories are the sorted
    distinct stripped non-empty values that occur; empty ones become NA.
    """
    labels = pd.Series(values.cat.categories.astype("str")).str.strip()
    codes = values.cat.codes.to_numpy()
    used = np.zeros(len(labels), dtype=bool)
    used[codes[codes >= 0]] = True
    keep = used & (labels != "").to_numpy()
    if not keep.any():
        return pd.Categorical(pd.Series(np.nan, index=values.index, dtype="str"))
    categories = pd.Index(labels[keep]).unique().sort_values()
    remap = np.full(len(labels) + 1, -1, dtype=np.int64)  # last slot: code -1 (NA) stays NA
    remap[:-1][keep] = categories.get_indexer(labels[keep])
    return pd.Categorical.from_codes(remap[codes], categories=categories)


def _ortsteil_message(value: object) -> str:
    suggestion = places.suggest_ortsteil(value)
    if suggestion:
        return T.RULE_MESSAGES["unknown_ortsteil_suggest"].format(suggestion=suggestion)
    return T.RULE_MESSAGES["unknown_ortsteil"]


def check_dates(raw: RawTable, frame: pd.DataFrame, column: str, headers: dict[str, str], log: IssueLog,
                today: pd.Timestamp, datenstand: pd.Timestamp | None = None) -> np.ndarray:
    """Dates before programme start (01.01.2023) or after `today` are errors; with a given `datenstand`, dates
    after it too (rule after_datenstand: the data cannot know them). Returns the error mask."""
    if column not in headers:
        return np.zeros(len(frame), dtype=bool)
    dates = frame[column]
    early = (dates < pd.Timestamp(schema.PROGRAMME_START)).to_numpy()
    late = (dates > today).to_numpy()
    header, values = headers[column], raw.frame[headers[column]]
    log.add(raw, early, header, values, T.RULE_MESSAGES["before_programme"], "before_programme")
    log.add(raw, late, header, values, T.RULE_MESSAGES["future_date"].format(today=today.strftime("%d.%m.%Y")),
            "future_date")
    if datenstand is not None:
        after = (dates > datenstand).to_numpy() & ~late
        log.add(raw, after, header, values,
                T.RULE_MESSAGES["after_datenstand"].format(datenstand=datenstand.strftime("%d.%m.%Y")),
                "after_datenstand")
        late = late | after
    return early | late


def _fmt_dates(dates: pd.Series) -> pd.Series:
    return dates.dt.strftime("%d.%m.%Y")
