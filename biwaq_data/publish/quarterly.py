"""Quartalsbericht: one click for managers, Excel and PDF, always in publication mode.

Contents (German tables, ``*`` where withheld, ``x`` where undefined):
- **Kennzahlen**: the headline figures of the selection (the sidebar's period, e.g. the Quartal preset), the
  same figures for the previous period of the same length (`figures.periods`) and the change, only where
  both are published;
- **Soll-Ist**: `publish.targets` (targets are in this report because managers ask for it; the press kit
  and the figure downloads leave them out);
- **Kohorten**: `publish.cohorts` over all entry quarters of the selection (period filter dropped, so
  closed windows are visible);
- **ESF-Plus Output / Ergebnis**: `publish.indicator_report.indicator_tables` of the selection;
- notes: Datenstand, period, comparison period, data version, filters, definitions, the BA footnote.
The PDF prints the same tables as HTML with `presskit.html_to_pdf` (headless Chromium).
"""

from __future__ import annotations

import html
from dataclasses import replace

import pandas as pd

from .. import texts_de as T
from ..figures import cohorts, metrics, periods
from ..figures import targets as tg
from ..figures.filters import Filters
from ..formatting import format_date, format_int, format_number
from . import publication
from .cohorts import publish_cohorts
from .describe import context
from .export import to_excel_bytes
from .indicator_report import indicator_tables
from .privacy import FOOTNOTE_DE, SUPPRESSION_SYMBOL
from .presskit import _CSS, html_to_pdf
from .targets import publish_progress

FIGURE_KEYS = ("participants", "unemployed", "long_term_unemployed", "migration_background", "employment",
               "vocational_training", "improved_prospects", "with_outcome", "placement_rate")


def _previous(dataset, filters, preset: str):
    filters = filters or Filters()
    start, end = metrics.period(dataset, filters)
    return periods.previous_filters(filters, preset, start, end)


def _cell(figures, key: str):
    """A published headline figure as a number (rates in percent), or its symbol ('*' / 'x' / '/')."""
    if key in figures.suppressed or key in figures.undefined or key in figures.unreliable:
        return figures.text(key)
    return round(float(figures[key]) * 100, 1) if key.endswith("_rate") else int(figures[key])


def figures_table(dataset, filters, preset: str) -> pd.DataFrame:
    """Kennzahlen: value, previous period's value and change (numbers; '*' withheld, '–' no comparison)."""
    now = publication.selection(dataset, filters).headline()
    previous = _previous(dataset, filters, preset)
    before = publication.selection(dataset, previous).headline() if previous is not None else None
    rows = []
    for key in FIGURE_KEYS:
        rate = key.endswith("_rate")
        prev_value, delta_value = "–", "–"
        if before is not None:
            prev_value = _cell(before, key)
            delta = periods.change(now[key], before[key])
            if delta is not None:
                delta_value = round(delta * 100, 1) if rate else int(delta)
        rows.append(dict(zip(T.QUARTERLY_FIGURE_COLUMNS, (
            T.METRIC_LABELS[key], _cell(now, key), prev_value, delta_value,
            "Prozent (Veränderung in Prozentpunkten)" if rate else "Personen", T.METRIC_DEFINITIONS[key]))))
    return pd.DataFrame(rows)


def targets_table(dataset, filters) -> pd.DataFrame:
    """Soll-Ist rows as text (protected)."""
    providers = tuple(filters.providers) if filters is not None else ()
    raw = tg.progress(dataset, providers)
    if raw.empty:
        return pd.DataFrame(columns=[T.TARGET_COLUMNS_DE[c] for c in ("provider", "measure", "due_date")])
    pub = publish_progress(raw, dataset)
    C = T.TARGET_COLUMNS_DE
    rows = []
    for i, r in raw.iterrows():
        rate = r["measure"] in ("placement_rate",)

        def val(col):
            if pub.suppressed.loc[i, col]:
                return SUPPRESSION_SYMBOL
            v = r[col]
            return "–" if pd.isna(v) else (format_number(v) + " %" if rate else
                                           format_int(v) if col in ("actual", "target") else format_number(v))
        rows.append({
            C["status"]: T.TARGET_STATUS_LABELS[r["status"]],
            C["provider"]: r["provider"] if isinstance(r["provider"], str) else T.TARGET_ALL_PROVIDERS,
            C["measure"]: T.TARGET_MEASURE_LABELS.get(r["measure"], r["measure"]),
            C["due_date"]: format_date(r["due_date"]), C["actual"]: val("actual"), C["target"]: val("target"),
            C["share_reached"]: SUPPRESSION_SYMBOL if pub.suppressed.loc[i, "share_reached"]
            else format_number(r["share_reached"] * 100) + " %",
            C["share_time"]: format_number(r["share_time"] * 100) + " %",
            C["forecast"]: T.TARGET_NO_FORECAST[r["no_forecast"]] if r["no_forecast"] else val("forecast"),
            C["forecast_low"]: val("forecast_low"), C["forecast_high"]: val("forecast_high"),
        })
    return pd.DataFrame(rows)


def cohorts_table(dataset, filters) -> pd.DataFrame:
    """Cohorts of the selection without its period filter (protected; 'offen' for open windows)."""
    base = replace(filters, period_start=None, period_end=None) if filters is not None else None
    raw = cohorts.cohort_table(dataset, base)
    pub = publish_cohorts(raw, publication.selection(dataset, base))
    C = T.COHORT_COLUMNS_DE
    text = pub.text()
    out = pd.DataFrame({C["cohort"]: raw["cohort"], C["persons"]: text["persons"]})
    for w in cohorts.WINDOWS:
        out[C[f"reached_{w}"]] = [T.COHORT_OPEN if raw.loc[i, f"open_{w}"] else
                                  SUPPRESSION_SYMBOL if pub.suppressed.loc[i, f"share_{w}"] else
                                  f"{text.loc[i, f'reached_{w}']} ({text.loc[i, f'share_{w}']})" for i in raw.index]
    return out


def report_tables(dataset, filters=None, preset: str = "all") -> dict[str, pd.DataFrame]:
    """Every table of the report, by sheet name (see module docstring)."""
    indicators = indicator_tables(dataset, filters, protect=True)
    ind_cols = {"code": "Code", "indicator": "Indikator", **{k: v for k, v in T.ESF_COLUMN_LABELS.items()
                                                             if k not in ("code", "indicator", "denominator")}}
    S = T.QUARTERLY_SHEETS
    return {
        S["figures"]: figures_table(dataset, filters, preset),
        S["targets"]: targets_table(dataset, filters),
        S["cohorts"]: cohorts_table(dataset, filters),
        S["output"]: indicators.output.text()[list(ind_cols)].rename(columns=ind_cols),
        S["results"]: indicators.results.text()[list(ind_cols)].rename(columns=ind_cols),
    }


def report_meta(dataset, filters=None, preset: str = "all", meta: dict | None = None) -> dict:
    ctx = context(dataset, filters, meta)
    previous = _previous(dataset, filters, preset)
    ctx[T.QUARTERLY_PREVIOUS_LABEL] = (f"{format_date(previous.period_start)} – {format_date(previous.period_end)}"
                                       if previous is not None else T.QUARTERLY_NO_PREVIOUS)
    ctx[T.ESF_NOTE_PROTECTION] = T.ESF_PROTECTED
    ctx[T.ESF_FOOTNOTE_LABEL] = FOOTNOTE_DE
    ctx[T.QUARTERLY_SHEETS["targets"]] = T.QUARTERLY_TARGET_NOTE
    ctx[T.QUARTERLY_SHEETS["cohorts"]] = T.QUARTERLY_COHORT_NOTE
    return ctx


def quarterly_excel(dataset, filters=None, preset: str = "all", meta: dict | None = None) -> bytes:
    """The report as an .xlsx workbook (one sheet per table plus notes)."""
    return to_excel_bytes(report_tables(dataset, filters, preset), report_meta(dataset, filters, preset, meta))


def quarterly_html(dataset, filters=None, preset: str = "all", meta: dict | None = None) -> str:
    esc = html.escape
    ctx = report_meta(dataset, filters, preset, meta)
    parts = [f"<h1>{esc(T.QUARTERLY_TITLE)}</h1>",
             '<div class="context">' + " · ".join(f"<b>{esc(k)}:</b> {esc(str(v))}" for k, v in ctx.items()
                                                  if k not in (T.ESF_FOOTNOTE_LABEL,)) + "</div>"]
    for name, table in report_tables(dataset, filters, preset).items():
        if T.QUARTERLY_FIGURE_COLUMNS[-1] in table:
            table = table.drop(columns=[T.QUARTERLY_FIGURE_COLUMNS[-1]])
        head = "".join(f"<th>{esc(str(c))}</th>" for c in table.columns)
        signed = [c == T.QUARTERLY_FIGURE_COLUMNS[3] for c in table.columns]  # only the change gets a "+"
        body = "".join("<tr>" + "".join(f"<td>{esc(_html_text(v, sign))}</td>" for v, sign in zip(row, signed))
                       + "</tr>" for row in table.itertuples(index=False))
        parts.append(f'<h2>{esc(name)}</h2><table class="report"><tr>{head}</tr>{body}</table>')
    parts.append(f'<div class="footnote">* {esc(FOOTNOTE_DE)}</div>')
    footer = f"{T.PROGRAMME} · {T.DATENSTAND} {ctx[T.DATENSTAND]} · {T.SNAPSHOT} {ctx[T.SNAPSHOT]}"
    css = _CSS % {"footer": footer.replace("\\", "").replace('"', "'")} + (
        "table.report { border-collapse: collapse; font-size: 7.5pt; width: 100%; margin-bottom: 3mm; }"
        "table.report th, table.report td { border-bottom: 1px solid #e3e3e3; padding: 0.8mm 1.2mm; text-align: left;"
        " vertical-align: top; } table.report th { border-bottom: 1.5px solid #555; }"
        " table.report tr { break-inside: avoid; }")
    return (f'<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>{esc(T.QUARTERLY_TITLE)}</title>'
            f"<style>{css}</style></head><body>{''.join(parts)}</body></html>")


def _html_text(value, signed: bool = False) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    sign = "+" if signed and value > 0 else ""
    return sign + (format_int(value) if isinstance(value, int) else format_number(value))


def quarterly_pdf(dataset, filters=None, preset: str = "all", meta: dict | None = None) -> bytes:
    """The report as an A4 PDF (headless Chromium; raises presskit.PresskitUnavailable when missing)."""
    return html_to_pdf(quarterly_html(dataset, filters, preset, meta))
