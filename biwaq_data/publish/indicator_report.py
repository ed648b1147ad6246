"""The ESF Plus indicator tables as published (publication mode applied jointly with the selection's other
tables) and the indicator report as an Excel workbook. The counts come from :mod:`biwaq_data.figures.indicators`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from io import BytesIO

import numpy as np
import pandas as pd

from .. import texts_de as T
from ..figures.filters import Filters
from ..figures.indicators import (GENDERS, OUTPUT_BLOCKS, OUTPUT_ORDER, RATES, RESULT_BLOCKS, RESULT_ORDER, IndicatorCounts,
                                  indicator_counts)
from ..figures import metrics
from ..formatting import format_date
from . import publication
from .describe import describe_filters
from .export import safe_cell
from .privacy import SUPPRESSION_SYMBOL


# =========================================================================== published frames

COLUMNS = GENDERS + ("total",)


@dataclass(frozen=True, eq=False)
class IndicatorTables:
    """The indicator tables of one selection.

    ``output`` / ``results`` / ``rates``: :class:`publication.Published` with columns code, key,
    indicator (German label), denominator (German label, results/rates only), female, male,
    non_binary, unknown, total (counts ``Int64`` / rates ``Float64``, NA where withheld or undefined).
    ``protected``: publication mode applied.
    """

    output: object
    results: object
    rates: object
    protected: bool

    @property
    def suppressed_any(self) -> bool:
        return self.output.suppressed_any or self.results.suppressed_any or self.rates.suppressed_any


def _frame_rows(keys, counts: IndicatorCounts, masks: dict | None, labels: dict, codes: dict,
                denominators: dict | None = None):
    rows, sup = [], []
    for key in keys:
        values = counts.row(key)
        row = {"code": codes.get(key) or "", "key": key, "indicator": labels[key]}
        if denominators is not None:
            row["denominator"] = denominators.get(key, "")
        row.update({g: int(v) for g, v in zip(GENDERS, values)})
        row["total"] = int(values.sum())
        rows.append(row)
        sup.append(masks[key] if masks is not None else np.zeros(len(COLUMNS), dtype=bool))
    return pd.DataFrame(rows), np.array(sup, dtype=bool).reshape(len(rows), len(COLUMNS))


def indicator_tables(dataset, filters: Filters | None = None, *, protect: bool = True) -> IndicatorTables:
    """Output indicators, result indicators (counts with their denominators) and result rates.

    ``protect`` (default True): publication mode, consistent with every other published table of the
    selection (see :mod:`biwaq_data.publish.publication`). ``protect=False`` only for analysts' screens.
    """
    counts = indicator_counts(dataset, filters)
    masks = publication.selection(dataset, filters).indicator_masks() if protect else None
    codes = {k: c for block in (*OUTPUT_BLOCKS.values(), *RESULT_BLOCKS.values()) for k, c in block if c}
    codes["total"] = "EECO01"
    out_frame, out_sup = _frame_rows(OUTPUT_ORDER, counts, masks, T.ESF_OUTPUT_LABELS, codes)
    den = {"education_28": T.ESF_DENOMINATORS["leavers"], "employment_28": T.ESF_DENOMINATORS["leavers"],
           "employment_6m": T.ESF_DENOMINATORS["assessable_leavers"]}
    res_frame, res_sup = _frame_rows(RESULT_ORDER, counts, masks, T.ESF_RESULT_LABELS, codes, den)
    kinds = {c: "count" for c in COLUMNS}
    output = publication._result(out_frame, {c: (out_frame[c], out_sup[:, j], np.zeros(len(out_frame)))
                                             for j, c in enumerate(COLUMNS)}, kinds)
    results = publication._result(res_frame, {c: (res_frame[c], res_sup[:, j], np.zeros(len(res_frame)))
                                              for j, c in enumerate(COLUMNS)}, kinds)
    rate_rows, rate_cols = [], {c: ([], [], []) for c in COLUMNS}
    for numerator, denominator in RATES:
        rate_rows.append({"code": codes[numerator], "key": numerator, "indicator": T.ESF_RESULT_LABELS[numerator],
                          "denominator": T.ESF_DENOMINATORS[denominator]})
        i, d = RESULT_ORDER.index(numerator), RESULT_ORDER.index(denominator)
        for j, col in enumerate(COLUMNS):
            n, dv = int(res_frame.loc[i, col]), int(res_frame.loc[d, col])
            if protect:
                value, sup, und = publication._rates([n], [dv], [not res_sup[i, j]], [not res_sup[d, j]])
            else:  # analysts' screen: plain shares (x where the denominator is 0)
                value, sup, und = [n / dv if dv else np.nan], [False], [dv == 0]
            rate_cols[col][0].append(value[0])
            rate_cols[col][1].append(sup[0])
            rate_cols[col][2].append(und[0])
    rate_frame = pd.DataFrame(rate_rows)
    for col in COLUMNS:
        rate_frame[col] = rate_cols[col][0]
    rates = publication._result(rate_frame, {c: tuple(np.array(x) for x in rate_cols[c]) for c in COLUMNS},
                                {c: "rate" for c in COLUMNS})
    return IndicatorTables(output, results, rates, protect)


# =========================================================================== Excel report


def indicator_report_excel(dataset, filters: Filters | None = None, meta: dict | None = None, *,
                           protect: bool = True) -> bytes:
    """The indicator report as an .xlsx workbook (sheets Output, Ergebnis, Hinweise).

    ``meta``: optional extra lines for the Hinweise sheet (label -> text, e.g. the page's context).
    Publication mode by default; ``protect=False`` is honoured only if
    :func:`publication.exports_unprotected_allowed` (the documented operator setting).
    """
    import xlsxwriter


    protect = protect or not publication.exports_unprotected_allowed()
    tables = indicator_tables(dataset, filters, protect=protect)
    start, end = metrics.period(dataset, filters)
    buffer = BytesIO()
    # strings_to_formulas=False: text from the data (e.g. a provider name in the filters) never becomes a formula
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    bold = book.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1, "text_wrap": True, "valign": "top"})
    title = book.add_format({"bold": True, "font_size": 13})
    count = book.add_format({"num_format": "#,##0", "border": 1})
    rate = book.add_format({"num_format": "0.0%", "border": 1})
    star = book.add_format({"align": "right", "border": 1})
    text = book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    headers = [T.ESF_COLUMN_LABELS[c] for c in ("code", "indicator")] + [
        T.ESF_COLUMN_LABELS[c] for c in COLUMNS]

    def sheet(name, heading, published, kind, with_denominator):
        ws = book.add_worksheet(name)
        ws.write(0, 0, heading, title)
        cols = headers[:2] + ([T.ESF_COLUMN_LABELS["denominator"]] if with_denominator else []) + headers[2:]
        ws.write_row(2, 0, cols, bold)
        frame = published.frame
        for r, (i, row) in enumerate(frame.iterrows(), start=3):
            ws.write(r, 0, row["code"], text)
            ws.write(r, 1, row["indicator"], text)
            c0 = 2
            if with_denominator:
                ws.write(r, 2, row["denominator"], text)
                c0 = 3
            for j, col in enumerate(COLUMNS):
                if published.suppressed.loc[i, col]:
                    ws.write_string(r, c0 + j, SUPPRESSION_SYMBOL, star)
                elif published.undefined.loc[i, col]:
                    ws.write_string(r, c0 + j, "x", star)
                else:
                    ws.write_number(r, c0 + j, float(row[col]), count if kind == "count" else rate)
        ws.set_column(0, 0, 9)
        ws.set_column(1, 1, 58)
        if with_denominator:
            ws.set_column(2, 2, 40)
        ws.set_column(c0, c0 + len(COLUMNS) - 1, 12)
        ws.freeze_panes(3, 2)
        last = 3 + len(frame)
        if published.suppressed_any:
            ws.write(last + 1, 0, publication.FOOTNOTE_DE)
        return ws, last

    sheet(T.ESF_SHEETS["output"], T.ESF_OUTPUT_TITLE, tables.output, "count", False)
    ws, last = sheet(T.ESF_SHEETS["results"], T.ESF_RESULT_TITLE, tables.results, "count", True)
    # rates under the counts on the same sheet
    ws.write(last + 3, 0, T.ESF_RATES_TITLE, title)
    ws.write_row(last + 5, 0, headers[:2] + [T.ESF_COLUMN_LABELS["denominator"]] + headers[2:], bold)
    for r, (i, row) in enumerate(tables.rates.frame.iterrows(), start=last + 6):
        ws.write(r, 0, row["code"], text)
        ws.write(r, 1, row["indicator"], text)
        ws.write(r, 2, row["denominator"], text)
        for j, col in enumerate(COLUMNS):
            if tables.rates.suppressed.loc[i, col]:
                ws.write_string(r, 3 + j, SUPPRESSION_SYMBOL, star)
            elif tables.rates.undefined.loc[i, col]:
                ws.write_string(r, 3 + j, "x", star)
            else:
                ws.write_number(r, 3 + j, float(row[col]), rate)
    notes = book.add_worksheet(T.ESF_SHEETS["notes"])
    notes.set_column(0, 0, 28)
    notes.set_column(1, 1, 110)
    described = describe_filters(filters)
    lines = [
        (T.DATENSTAND, format_date(dataset.datenstand)),
        (T.SNAPSHOT, dataset.snapshot_id or T.SAMPLE_SOURCE),
        (T.PERIOD, f"{format_date(start)} – {format_date(end)}"),
        (T.ACTIVE_FILTERS, "; ".join(described) if described else T.NO_FILTERS),
        (T.ESF_NOTE_PROTECTION, T.ESF_PROTECTED if tables.protected else T.ESF_UNPROTECTED),
        (T.ESF_NOTE_CREATED, datetime.now().strftime("%d.%m.%Y %H:%M")),
    ]
    lines += list((meta or {}).items())
    notes.write(0, 0, T.ESF_REPORT_TITLE, title)
    r = 2
    for label, value in lines:
        notes.write_string(r, 0, str(safe_cell(str(label))), bold)
        notes.write_string(r, 1, str(safe_cell(str(value))), wrap)
        r += 1
    r += 1
    notes.write(r, 0, T.ESF_DEFINITIONS_HEADING, title)
    r += 1
    for label, value in T.ESF_DEFINITIONS.items():
        notes.write(r, 0, label, bold)
        notes.write(r, 1, value, wrap)
        r += 1
    r += 1
    notes.write(r, 0, T.ESF_FOOTNOTE_LABEL, bold)
    notes.write(r, 1, publication.FOOTNOTE_DE, wrap)
    book.close()
    return buffer.getvalue()

