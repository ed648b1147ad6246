"""ESF Plus common indicators (Reg. (EU) 2021/1057, Annex I) for a selection - pure, no Streamlit.

**Output indicators** count participants *at entry* (the selection's entrants), each split by
gender (Frauen, Männer, nicht-binär, ohne Angabe - the last column makes the rows add up - and
Insgesamt):

    EECO02 unemployed incl. long-term unemployed   EECO03 long-term unemployed (> 12 months)
    EECO04 inactive                                EECO05 employed incl. self-employed
    EECO06 below 18   EECO07 18-29   EECO08 55 and above   (age at entry = entry year - birth year)
    EECO09 ISCED 0-2  EECO10 ISCED 3-4  EECO11 ISCED 5-8    (education "unknown" is not counted)
    EECO13 third-country nationals (not recorded = not counted)
    EECO14 participants with a foreign background (the data's "Migrationshintergrund")
    EECO01 total number of participants

**Result indicators** count **leavers**: selected participants whose exit date is on or before the
Datenstand. "Within 28 days of exit" means: an outcome record dated on or after the entry date and
at most 28 days after the exit date (exit + 28 days is in, exit + 29 days is out; outcomes reached
before the exit count - the person was in that situation upon leaving)::

    EECR02 in education or training within 28 days  (outcome "Ausbildung")      denominator: leavers
    EECR04 in employment within 28 days              (outcome "Beschäftigung")   denominator: leavers
    EECR05 employment six months after leaving - only approximated: the data record when an employment
           *started*, not whether it still existed six months later. We count an employment outcome
           dated at most 183 days after the exit, and only for leavers whose exit is at least 183
           days before the Datenstand ("assessable leavers", the denominator). Labelled as such.

For leavers who left less than 28 days before the Datenstand the window is not complete yet (the
figure can still rise); the report says so.

Indicator codes: EECO02, EECO05, EECO12-EECO15 and EECR01/EECR03/EECR04 as in the programme's
reference; the other codes follow the same numbering of the ESF Plus list (EECO01 total,
EECO03/04, EECO06-11, EECR02, EECR05).

All tables come out of :class:`biwaq_data.publication.Selection`, so in publication mode they are
protected together with every other table of the same selection (their totals are the dashboard's
breakdowns by gender, employment status, age group, education and migration background).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from io import BytesIO

import numpy as np
import pandas as pd

from . import texts_de as T
from .filters import Filters, participant_mask
from .privacy import SUPPRESSION_SYMBOL

GENDERS = ("female", "male", "non_binary", "unknown")
WINDOW_DAYS = 28
SIX_MONTHS_DAYS = 183

#: Output indicator blocks: block -> rows (key, code or None for a hidden complement row).
#: Each block is a partition of the participants (hidden rows complete it; they are never shown but
#: are protected like cells because a reader can work them out from the total).
OUTPUT_BLOCKS: dict[str, tuple[tuple[str, str | None], ...]] = {
    "status": (("unemployed", "EECO02"), ("inactive", "EECO04"), ("employed", "EECO05")),
    "long_term": (("long_term_unemployed", "EECO03"), ("short_term_unemployed", None)),  # parts of "unemployed"
    "age": (("under_18", "EECO06"), ("18_29", "EECO07"), ("30_54", None), ("55_plus", "EECO08")),
    "education": (("isced_0_2", "EECO09"), ("isced_3_4", "EECO10"), ("isced_5_8", "EECO11"),
                  ("education_unknown", None)),
    "third_country": (("third_country_national", "EECO13"), ("not_third_country_national", None)),
    "foreign": (("foreign_background", "EECO14"), ("no_foreign_background", None)),
}
OUTPUT_ORDER = ("unemployed", "long_term_unemployed", "inactive", "employed", "under_18", "18_29", "55_plus",
                "isced_0_2", "isced_3_4", "isced_5_8", "third_country_national", "foreign_background", "total")
#: Result blocks: "leavers" splits participants, "assessable" splits leavers, the others split their
#: denominator into yes / no.
RESULT_BLOCKS: dict[str, tuple[tuple[str, str | None], ...]] = {
    "leavers": (("leavers", None), ("stayers", None)),
    "assessable": (("assessable_leavers", None), ("recent_leavers", None)),
    "education_28": (("education_28", "EECR02"), ("no_education_28", None)),
    "employment_28": (("employment_28", "EECR04"), ("no_employment_28", None)),
    "employment_6m": (("employment_6m", "EECR05"), ("no_employment_6m", None)),
}
RESULT_ORDER = ("leavers", "education_28", "employment_28", "assessable_leavers", "employment_6m")
RATES = (("education_28", "leavers"), ("employment_28", "leavers"), ("employment_6m", "assessable_leavers"))


@dataclass(frozen=True)
class IndicatorCounts:
    """Raw counts: ``cells[key]`` = counts per gender (array in :data:`GENDERS` order) for every
    row key of :data:`OUTPUT_BLOCKS` / :data:`RESULT_BLOCKS` plus "total"."""

    cells: dict
    datenstand: pd.Timestamp

    def row(self, key: str) -> np.ndarray:
        return self.cells[key]


def _persons_with(dataset, outcome: str, mask: np.ndarray, exit_date: np.ndarray, days: int) -> np.ndarray:
    """Boolean per participant: an ``outcome`` record dated on or after entry and at most ``days``
    after exit (participants without exit: False)."""
    p, o = dataset.participants, dataset.outcomes
    rec = o[o["outcome"] == outcome]
    person = rec["person"].to_numpy()
    date = rec["outcome_date"].to_numpy()
    entry = p["entry_date"].to_numpy()[person]
    exit_ = exit_date[person]
    ok = (date >= entry) & ~pd.isna(exit_) & (date <= exit_ + np.timedelta64(days, "D"))
    out = np.zeros(len(p), dtype=bool)
    out[person[ok]] = True
    return out & mask


class _Codes:
    """A categorical column as its codes; `codes == "label"` gives the same mask as comparing the labels."""

    def __init__(self, values: pd.Series):
        self.codes = values.cat.codes.to_numpy()
        self.categories = list(values.cat.categories)

    def __eq__(self, label) -> np.ndarray:
        return self.codes == (self.categories.index(label) if label in self.categories else -2)


def indicator_counts(dataset, filters: Filters | None = None) -> IndicatorCounts:
    """Count every output and result indicator cell (including the hidden complement rows)."""
    p = dataset.participants
    mask = participant_mask(p, filters)
    gender = p["gender"].cat.codes.to_numpy().astype(np.int64)
    stand = dataset.datenstand

    def by_gender(selected: np.ndarray) -> np.ndarray:
        return np.bincount(gender[selected & mask], minlength=len(GENDERS))[: len(GENDERS)].astype(np.int64)

    status = _Codes(p["employment_status"])  # compares like the labels, without a million strings
    ltu = p["long_term_unemployed"].to_numpy(dtype=bool)
    age = _Codes(p["age_group"])
    edu = _Codes(p["education"])
    tcn = p["third_country_national"].fillna(False).to_numpy(dtype=bool)
    mig = p["migration_background"].to_numpy(dtype=bool)
    exit_date = p["exit_date"].to_numpy()
    left = ~pd.isna(exit_date) & (exit_date <= stand.to_datetime64())
    assessable = left & (exit_date <= (stand - pd.Timedelta(days=SIX_MONTHS_DAYS)).to_datetime64())
    edu28 = _persons_with(dataset, "vocational_training", mask & left, exit_date, WINDOW_DAYS)
    emp28 = _persons_with(dataset, "employment", mask & left, exit_date, WINDOW_DAYS)
    emp6m = _persons_with(dataset, "employment", mask & assessable, exit_date, SIX_MONTHS_DAYS)
    everyone = np.ones(len(p), dtype=bool)
    cells = {
        "total": by_gender(everyone),
        "unemployed": by_gender(status == "unemployed"), "inactive": by_gender(status == "inactive"),
        "employed": by_gender(status == "employed"),
        "long_term_unemployed": by_gender(ltu), "short_term_unemployed": by_gender((status == "unemployed") & ~ltu),
        "under_18": by_gender(age == "under_18"), "18_29": by_gender(age == "18_29"),
        "30_54": by_gender(age == "30_54"), "55_plus": by_gender(age == "55_plus"),
        "isced_0_2": by_gender(edu == "isced_0_2"), "isced_3_4": by_gender(edu == "isced_3_4"),
        "isced_5_8": by_gender(edu == "isced_5_8"), "education_unknown": by_gender(edu == "unknown"),
        "third_country_national": by_gender(tcn), "not_third_country_national": by_gender(~tcn),
        "foreign_background": by_gender(mig), "no_foreign_background": by_gender(~mig),
        "leavers": by_gender(left), "stayers": by_gender(~left),
        "assessable_leavers": by_gender(assessable), "recent_leavers": by_gender(left & ~assessable),
        "education_28": by_gender(edu28), "no_education_28": by_gender(left & ~edu28),
        "employment_28": by_gender(emp28), "no_employment_28": by_gender(left & ~emp28),
        "employment_6m": by_gender(emp6m), "no_employment_6m": by_gender(assessable & ~emp6m),
    }
    return IndicatorCounts(cells, stand)


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
    selection (see :mod:`biwaq_data.publication`). ``protect=False`` only for analysts' screens.
    """
    from . import publication

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

    from . import metrics, publication
    from .describe import describe_filters
    from .export import safe_cell
    from .formatting import format_date

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

