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
from ..figures.indicators import BY_CODE, COLUMNS, GENDERS, INDICATORS, indicator_table
from ..figures import metrics
from ..formatting import format_date
from . import publication
from .describe import describe_filters
from .export import safe_cell
from .rounding import round10, rounded_share
from .privacy import (PRIMARY_VALUES, SUPPRESSION_SYMBOL, UNDEFINED_SYMBOL, UNRELIABLE_SYMBOL, format_count_de,
                      format_rate_de)


# =========================================================================== published frames

OUTPUT_CODES = tuple(i.code for i in INDICATORS if i.section in ("output", "entity"))
RESULT_CODES = ("BIWAQ-D1", "BIWAQ-D2", "EECR01", "EECR02", "EECR03", "EECR04", "BIWAQ-R1", "BIWAQ-R2",
                "BIWAQ-D3", "EECR05", "BIWAQ-L1")
RATE_CODES = tuple(c for c in RESULT_CODES if BY_CODE[c].denominator)


@dataclass(frozen=True, eq=False)
class IndicatorTables:
    """The indicator tables of one selection, built from :func:`figures.indicators.indicator_table`.

    ``output`` / ``results`` / ``rates``: :class:`publication.Published` with columns code (with "(abgeleitet)"
    where derived), key, indicator (German label; derived rows say so), basis (German: erhoben / abgeleitet /
    Näherung / nicht erhoben - Spalte …), denominator (results/rates), female, male, non_binary, unknown, total
    (counts ``Int64`` / rates ``Float64``; NA where withheld, undefined or not collected).
    ``raw``: the unprotected indicator frame; ``basis``: code -> Basis; ``protected``: publication mode applied.
    """

    output: object
    results: object
    rates: object
    protected: bool
    raw: pd.DataFrame = None
    basis: dict = None
    headline_text: dict = None  # German text of participants and placement_rate, shown beside BIWAQ-R2

    @property
    def suppressed_any(self) -> bool:
        return self.output.suppressed_any or self.results.suppressed_any or self.rates.suppressed_any

    def not_collected(self, code: str) -> bool:
        return self.basis[code].kind == "not_collected"

    def text(self, part: str) -> pd.DataFrame:
        """German display strings of ``output`` / ``results`` / ``rates`` with "nicht erhoben" in the value
        cells of indicators the data cannot provide, and "x" (not meaningful) for the gender split of EECO19.
        Built once per table (the tables are shared by all sessions); each call returns a copy."""
        cache = self.__dict__.setdefault("_text_cache", {})
        if part not in cache:
            cache[part] = self._text(part)
        return cache[part].copy()

    def _text(self, part: str) -> pd.DataFrame:
        published = getattr(self, part)
        text = published.text()
        for i, code in enumerate(published.frame["code_plain"]):
            if self.not_collected(code):
                text.loc[i, list(COLUMNS)] = T.ESF_NOT_COLLECTED
            elif code == "EECO19":
                text.loc[i, list(GENDERS)] = UNDEFINED_SYMBOL
        return text


def _missing_text(basis) -> str:
    """„Status bei Austritt“ for columns, Tabelle „Unternehmen“ for the optional table."""
    return ", ".join(T.ESF_MISSING_TABLE.format(table=T.TABLE_LABELS[c]) if c in T.TABLE_LABELS
                     else f"„{T.COLUMN_LABELS.get(c, c)}“" for c in basis.missing)


def _basis_text(basis) -> str:
    text = T.ESF_BASIS[basis.kind].format(columns=_missing_text(basis))
    return text.replace("Spalte Tabelle", "Tabelle")


def basis_notes(tables: IndicatorTables) -> list[str]:
    """German notes for the page: each indicator that is not collected, derived or approximated, naming the
    column (or table) the data lack."""
    notes = []
    for code, basis in tables.basis.items():
        template = {"not_collected": T.ESF_MISSING_NOTE, "derived": T.ESF_DERIVED_NOTE,
                    "approximate": T.ESF_APPROX_NOTE}.get(basis.kind)
        if template:
            notes.append(template.format(code=code, columns=_missing_text(basis)).replace("Spalte Tabelle", "Tabelle"))
    return notes


def _rows(codes, raw: pd.DataFrame, basis: dict, masks: dict | None, with_denominator: bool):
    position = {code: i for i, code in enumerate(raw.index)}
    values = {c: raw[c].array for c in COLUMNS}  # cell by position: the same values as raw.loc, without its cost
    rows, sup = [], []
    for code in codes:
        ind = BY_CODE[code]
        b = basis[code]
        derived = b.kind == "derived"
        row = {"code": f"{code} {T.ESF_DERIVED_CODE}" if derived else code, "code_plain": code, "key": ind.key,
               "indicator": (T.ESF_LABELS[code] + T.ESF_DERIVED_SUFFIX[code]) if derived else T.ESF_LABELS[code],
               "basis": _basis_text(b)}
        if with_denominator:
            row["denominator"] = T.ESF_DENOMINATORS.get(ind.denominator, "")
        row.update({c: values[c][position[code]] for c in COLUMNS})
        rows.append(row)
        if masks is None or b.kind == "not_collected":
            sup.append(np.zeros(len(COLUMNS), dtype=bool))
        elif code == "EECO19":
            n = raw.loc[code, "total"]
            sup.append(np.array([False] * len(GENDERS) + [bool(not pd.isna(n) and int(n) in PRIMARY_VALUES)]))
        else:
            sup.append(np.asarray(masks[ind.key], dtype=bool))
    frame = pd.DataFrame(rows)
    undefined = frame[list(COLUMNS)].isna().to_numpy()
    return frame, np.array(sup, dtype=bool).reshape(len(rows), len(COLUMNS)), undefined


def _published(frame, sup, und):
    kinds = {c: "count" for c in COLUMNS}
    values = {c: (frame[c].fillna(0).astype("int64"), sup[:, j], und[:, j] & ~sup[:, j])
              for j, c in enumerate(COLUMNS)}
    return publication._result(frame, values, kinds)


def indicator_tables(dataset, filters: Filters | None = None, *, protect: bool = True,
                     four_genders: bool = False) -> IndicatorTables:
    """:func:`build_indicator_tables`, once per (data version, filters, protect, four_genders), shared by the
    page, the press paragraph and all sessions (read-only)."""
    from ..figures.memo import per_selection

    return per_selection(dataset, filters, ("indicator_tables", protect, four_genders),
                         lambda: build_indicator_tables(dataset, filters, protect=protect, four_genders=four_genders))


def build_indicator_tables(dataset, filters: Filters | None = None, *, protect: bool = True,
                           four_genders: bool = False) -> IndicatorTables:
    """Output indicators (incl. EECO19), result indicators with their denominators, and their shares.

    ``protect`` (default True): publication mode, consistent with every other published table of the
    selection (see :mod:`biwaq_data.publish.publication`): statistical gender (divers / ohne Angabe counted in
    Frauen / Männer) and cell suppression for the programme, every count rounded to a multiple of ten for other
    selections; EECO19 (enterprises) gets the primary rule only. ``four_genders`` (the monitoring report for
    the funder): all four recorded categories with this selection's cell suppression. ``protect=False`` only
    for analysts' screens. Shares divide by the leavers whose window has closed.
    """
    raw = indicator_table(dataset, filters)
    basis = raw.attrs["basis"]
    shown, masks, exact = raw, None, None
    if protect:
        sel = (publication.exact_selection(dataset, filters, statistical_gender=False) if four_genders
               else publication.selection(dataset, filters))
        if getattr(sel, "rounded", False):  # a free combination: every count rounded, nothing withheld
            exact = raw  # shares: from the rounded counts, shown from a rounded base of 50 (rounding.rounded_share)
            shown = raw.copy()
            for col in COLUMNS:
                values = shown[col]
                shown[col] = pd.array([pd.NA if pd.isna(v) else int(round10(int(v))) for v in values], dtype="Int64")
        else:
            shown = indicator_table(sel.dataset, filters) if sel.dataset is not dataset else raw
            masks = sel.indicator_masks()
    raw = shown if protect else raw
    out_frame, out_sup, out_und = _rows(OUTPUT_CODES, raw, basis, masks, False)
    res_frame, res_sup, res_und = _rows(RESULT_CODES, raw, basis, masks, True)
    output, results = _published(out_frame, out_sup, out_und), _published(res_frame, res_sup, res_und)
    rate_frame = res_frame[res_frame["code_plain"].isin(RATE_CODES)].reset_index(drop=True)
    rate_cols = {c: ([], [], [], []) for c in COLUMNS}
    position = {c: i for i, c in enumerate(res_frame["code_plain"])}
    exact_frame = _rows(RESULT_CODES, exact, basis, None, True)[0] if exact is not None else None
    for code in rate_frame["code_plain"]:
        i, d = position[code], position[BY_CODE[code].denominator]
        for j, col in enumerate(COLUMNS):
            unr = [False]
            if res_und[i, j]:  # not collected: no share either
                value, sup, und = [np.nan], [False], [True]
            elif exact_frame is not None:  # rounded counts: "/" below a rounded base of 50
                value, und, unr = rounded_share([int(exact_frame.loc[i, col])], [int(exact_frame.loc[d, col])])
                sup = [False]
            else:
                n, dv = int(res_frame.loc[i, col]), int(res_frame.loc[d, col])
                if protect:
                    value, sup, und = publication._rates([n], [dv], [not res_sup[i, j]], [not res_sup[d, j]])
                else:  # analysts' screen: plain shares (x where the denominator is 0)
                    value, sup, und = [n / dv if dv else np.nan], [False], [dv == 0]
            rate_cols[col][0].append(value[0])
            rate_cols[col][1].append(sup[0])
            rate_cols[col][2].append(und[0])
            rate_cols[col][3].append(unr[0])
    for col in COLUMNS:
        rate_frame[col] = rate_cols[col][0]
    rates = publication._result(rate_frame, {c: tuple(np.array(x) for x in rate_cols[c]) for c in COLUMNS},
                                {c: "rate" for c in COLUMNS})
    if protect:
        figures = publication.selection(dataset, filters).headline()
        headline = {k: figures.text(k) for k in ("participants", "placement_rate")}
    else:
        h = metrics.headline(dataset, filters)
        headline = {"participants": format_count_de(h["participants"]),
                    "placement_rate": format_rate_de(h["placement_rate"])}
    return IndicatorTables(output, results, rates, protect, raw, basis, headline)


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
    tables = indicator_tables(dataset, filters, protect=protect, four_genders=True)
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
    headers = [T.ESF_COLUMN_LABELS[c] for c in ("code", "indicator", "basis")]

    def table(ws, top, published, kind, with_denominator):
        cols = headers + ([T.ESF_COLUMN_LABELS["denominator"]] if with_denominator else []) + [
            T.ESF_COLUMN_LABELS[c] for c in COLUMNS]
        ws.write_row(top, 0, cols, bold)
        c0 = len(cols) - len(COLUMNS)
        for r, (i, row) in enumerate(published.frame.iterrows(), start=top + 1):
            ws.write(r, 0, row["code"], text)
            ws.write(r, 1, row["indicator"], text)
            ws.write(r, 2, row["basis"], text)
            if with_denominator:
                ws.write(r, 3, row["denominator"], text)
            for j, col in enumerate(COLUMNS):
                if tables.not_collected(row["code_plain"]):
                    ws.write_string(r, c0 + j, T.ESF_NOT_COLLECTED, star)
                elif published.suppressed.loc[i, col]:
                    ws.write_string(r, c0 + j, SUPPRESSION_SYMBOL, star)
                elif published.undefined.loc[i, col]:
                    ws.write_string(r, c0 + j, UNDEFINED_SYMBOL, star)
                elif published.unreliable.loc[i, col]:
                    ws.write_string(r, c0 + j, UNRELIABLE_SYMBOL, star)
                else:
                    ws.write_number(r, c0 + j, float(row[col]), count if kind == "count" else rate)
        return top + 1 + len(published.frame)

    def sheet(name, heading, published, with_denominator):
        ws = book.add_worksheet(name)
        ws.write(0, 0, heading, title)
        last = table(ws, 2, published, "count", with_denominator)
        ws.set_column(0, 0, 20)
        ws.set_column(1, 1, 58)
        ws.set_column(2, 2, 34)
        ws.set_column(3, 3 + len(COLUMNS), 14)
        ws.freeze_panes(3, 2)
        if published.suppressed_any:
            ws.write(last + 1, 0, publication.FOOTNOTE_DE)
        return ws, last

    sheet(T.ESF_SHEETS["output"], T.ESF_OUTPUT_TITLE, tables.output, False)
    ws, last = sheet(T.ESF_SHEETS["results"], T.ESF_RESULT_TITLE, tables.results, True)
    # shares under the counts on the same sheet
    ws.write(last + 3, 0, T.ESF_RATES_TITLE, title)
    last = table(ws, last + 5, tables.rates, "rate", True)
    if tables.rates.unreliable_any:
        ws.write(last + 1, 0, T.PUBLICATION_UNRELIABLE_FOOTNOTE)
    notes = book.add_worksheet(T.ESF_SHEETS["notes"])
    notes.set_column(0, 0, 28)
    notes.set_column(1, 1, 110)
    described = describe_filters(filters)
    lines = [
        (T.DATENSTAND, format_date(dataset.datenstand)),
        (T.SNAPSHOT, dataset.snapshot_id or (T.SAMPLE_SOURCE if getattr(dataset, "sample", False)
                                              else T.SNAPSHOT_FOLDER)),
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



def leaver_rate(dataset, filters: Filters | None = None) -> dict | None:
    """BIWAQ-R2 for the press paragraph, protected: German text of ``leavers`` (BIWAQ-D2, window closed) and
    ``integration_rate``; None if either is withheld, undefined or there are no such leavers."""
    t = indicator_tables(dataset, filters, protect=True)
    res = t.results.frame.set_index("code_plain")
    rates = t.rates.frame.set_index("code_plain")
    n, rate = res.loc["BIWAQ-D2", "total"], rates.loc["BIWAQ-R2", "total"]
    if pd.isna(n) or pd.isna(rate) or int(n) == 0:
        return None
    return {"leavers": format_count_de(int(n)), "integration_rate": format_rate_de(float(rate))}


# =========================================================================== local economy


def economy_tables(dataset, filters: Filters | None = None, *, protect: bool = True) -> dict | None:
    """German display frames of the enterprises supported per Ortsteil and Träger and per quarter (None
    without an enterprises table). ``protect``: BA rules per table (privacy.suppress_counts, with totals).
    Once per (data version, filters, protect), shared read-only."""
    from ..figures.memo import per_selection

    return per_selection(dataset, filters, ("economy_tables", protect),
                         lambda: _economy_tables(dataset, filters, protect=protect))


def _economy_tables(dataset, filters: Filters | None = None, *, protect: bool = True) -> dict | None:
    from ..figures.enterprises import enterprises_by_place, enterprises_by_quarter
    from .privacy import format_count_de, suppress_counts, to_display_frame

    place, quarter = enterprises_by_place(dataset, filters), enterprises_by_quarter(dataset, filters)
    if place is None:
        return None
    out = {}
    for name, frame, keys in (("place", place, ["ortsteil", "provider"]), ("quarter", quarter, ["quarter"])):
        counts = frame.set_index(keys)[["enterprises", "sme"]]
        if protect and len(counts):
            total = pd.DataFrame([counts.sum()], index=pd.MultiIndex.from_tuples(
                [tuple([T.PUBLICATION_TOTAL_LABEL] + [""] * (len(keys) - 1))], names=keys)
                if len(keys) > 1 else pd.Index([T.PUBLICATION_TOTAL_LABEL], name=keys[0]))
            # "sme" is a part of "enterprises", not a sum: protect each column as its own 1-D table with total
            shown = pd.concat([to_display_frame(suppress_counts(pd.concat([counts[[c]], total[[c]]]),
                                                                total_row=total.index[0])) for c in counts], axis=1)
        else:
            shown = counts.astype(object).map(format_count_de)
        shown = shown.reset_index()
        shown.columns = [T.ECONOMY_COLUMNS[c] for c in shown.columns]
        out[name] = shown
    return out
