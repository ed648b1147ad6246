"""Press kit: one click gives an Excel workbook and a printable A4 PDF - always in publication mode.

* :func:`presskit_excel` - headline figures, breakdowns (Ortsteil, Stadtbezirk, Geschlecht,
  Altersgruppe, Erwerbsstatus, Migrationshintergrund), definitions, period, Datenstand, snapshot id
  and the BA footnote; German Excel formats (``#,##0`` shows as 1.234, ``0.0%`` as 24,5 %), bold
  headers, frozen header rows, column widths. Built with xlsxwriter.
* :func:`presskit_pdf` - the Überblick and Wirkung content (headline cards, the quotable paragraph,
  outcome bars, funnel, Sankey) as an HTML document with the same plotly figures the pages use
  (``ui.charts``; plotly.js inlined, so nothing is fetched), printed to PDF by headless Chromium
  (Debian package). A4 and page numbers come from CSS ``@page``.

Why Chromium: the charts are plotly figures; printing the page's own HTML/JS in a real browser gives
exactly the charts the dashboard shows, with working fonts, Unicode (ä, ö, ü, –, „“) and CSS paged
media, and needs nothing but a Debian package (no Kaleido download of its own browser, no LaTeX).
Alternatives: Kaleido (plotly's static export) downloads or needs a Chrome too; a pure-Python PDF
library (reportlab, fpdf2) would need every chart redrawn by hand.

Both functions withhold small values exactly like the dashboard (:mod:`biwaq_data.publish.publication`).
"""

from __future__ import annotations

import html
import math
import os
import shutil
import subprocess
import tempfile
import time
from datetime import datetime
from io import BytesIO
from pathlib import Path

import numpy as np
import pandas as pd

from ..figures import metrics
from . import publication
from .. import texts_de as T
from .describe import context, metric_label, quote, source_label
from .export import safe_cell
from .indicator_report import leaver_rate
from .privacy import FOOTNOTE_DE, SUPPRESSION_SYMBOL, UNDEFINED_SYMBOL, UNRELIABLE_SYMBOL

CHROMIUM_ENV = "BIWAQ_CHROMIUM"
CARDS = ("participants", "unemployed", "long_term_unemployed", "migration_background",
         "employment", "vocational_training", "improved_prospects", "placement_rate")
FIGURE_KEYS = CARDS + ("with_outcome", "outcome_rate")
BREAKDOWNS = (("ortsteil", "Ortsteile"), ("bezirk", "Stadtbezirke"), ("gender", "Geschlecht"),
              ("age_group", "Altersgruppen"), ("employment_status", "Erwerbsstatus"),
              ("migration_background", "Migrationshintergrund"))
BREAKDOWN_COLUMNS = (("label", "text"), ("participants", "count"), ("share", "rate"), ("employment", "count"),
                     ("vocational_training", "count"), ("improved_prospects", "count"), ("with_outcome", "count"),
                     ("placement_rate", "rate"), ("outcome_rate", "rate"))


class PresskitUnavailable(RuntimeError):
    """The PDF cannot be produced here (no Chromium, or it failed); the message is German, for the page."""


# =========================================================================== Excel


def presskit_excel(dataset, filters=None, meta: dict | None = None) -> bytes:
    """The press workbook (always publication mode). Sheets: Kennzahlen, one per breakdown,
    Definitionen, Hinweise. ``meta``: extra lines for Hinweise (label -> value)."""
    import xlsxwriter

    sel = publication.selection(dataset, filters)
    figures = sel.headline()
    ctx = context(dataset, filters, meta)
    buffer = BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False})
    f = {
        "title": book.add_format({"bold": True, "font_size": 14}),
        "head": book.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1, "text_wrap": True,
                                 "valign": "top"}),
        "count": book.add_format({"num_format": "#,##0", "border": 1}),
        "rate": book.add_format({"num_format": "0.0%", "border": 1}),
        "star": book.add_format({"align": "right", "border": 1}),
        "text": book.add_format({"border": 1, "text_wrap": True, "valign": "top"}),
        "bold_text": book.add_format({"border": 1, "bold": True}),
        "bold_count": book.add_format({"num_format": "#,##0", "border": 1, "bold": True}),
        "bold_rate": book.add_format({"num_format": "0.0%", "border": 1, "bold": True}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "small": book.add_format({"italic": True, "font_color": "#555555", "text_wrap": True}),
    }

    def text(ws, r, c, value, fmt=None):
        ws.write_string(r, c, str(safe_cell("" if value is None else str(value))), fmt)

    def value(ws, r, c, v, kind, suppressed, undefined=False, bold=False, unreliable=False):
        if suppressed:
            ws.write_string(r, c, SUPPRESSION_SYMBOL, f["star"])
        elif unreliable:
            ws.write_string(r, c, UNRELIABLE_SYMBOL, f["star"])
        elif undefined or v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            ws.write_string(r, c, UNDEFINED_SYMBOL, f["star"])
        else:
            ws.write_number(r, c, float(v), f[("bold_" if bold else "") + kind])

    def context_block(ws, row):
        for label in (T.PERIOD, T.DATENSTAND, T.SNAPSHOT, T.ACTIVE_FILTERS):
            text(ws, row, 0, f"{label}: {ctx[label]}", f["small"])
            row += 1
        return row

    # --- Kennzahlen
    ws = book.add_worksheet(T.PRESSKIT_SHEETS["figures"])
    text(ws, 0, 0, T.PRESSKIT_TITLE, f["title"])
    row = context_block(ws, 1) + 1
    header_row = row
    for c, label in enumerate(T.PRESSKIT_FIGURE_HEADERS):
        text(ws, row, c, label, f["head"])
    for key in FIGURE_KEYS:
        row += 1
        is_rate = key.endswith("_rate")
        text(ws, row, 0, T.METRIC_LABELS[key], f["text"])
        value(ws, row, 1, figures[key], "rate" if is_rate else "count", key in figures.suppressed,
              key in figures.undefined, unreliable=key in figures.unreliable)
        text(ws, row, 2, T.PRESSKIT_UNIT_RATE if is_rate else T.PRESSKIT_UNIT_PERSONS, f["text"])
        text(ws, row, 3, T.METRIC_DEFINITIONS[key], f["text"])
    row += 2
    if figures.footnote:  # the * rule and/or the rounding rule
        text(ws, row, 0, figures.footnote, f["small"])
        row += 1
    q = press_quote(dataset, filters)
    if q:
        text(ws, row + 1, 0, T.QUOTE_HEADING, f["head"])
        ws.merge_range(row + 2, 0, row + 2, 3, "", f["wrap"])
        text(ws, row + 2, 0, q, f["wrap"])
        ws.set_row(row + 2, 75)
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 12)
    ws.set_column(2, 2, 10)
    ws.set_column(3, 3, 95)
    ws.freeze_panes(header_row + 1, 0)

    # --- breakdowns
    for attribute, sheet_name in BREAKDOWNS:
        pub = sel.breakdown(attribute, with_total=True)
        ws = book.add_worksheet(sheet_name)
        text(ws, 0, 0, f"{T.PRESSKIT_BREAKDOWN_TITLE} {sheet_name}", f["title"])
        row = context_block(ws, 1) + 1
        header_row = row
        headers = [T.PRESSKIT_GROUP_LABELS.get(attribute, sheet_name)] + [
            T.PRESSKIT_COLUMN_LABELS[c] for c, _ in BREAKDOWN_COLUMNS[1:]]
        for c, label in enumerate(headers):
            text(ws, row, c, label, f["head"])
        frame = pub.frame
        last = len(frame) - 1
        for i in range(len(frame)):
            row += 1
            bold = i == last
            for c, (col, kind) in enumerate(BREAKDOWN_COLUMNS):
                if kind == "text":
                    text(ws, row, c, frame.loc[i, col], f["bold_text"] if bold else f["text"])
                else:
                    value(ws, row, c, frame.loc[i, col], kind, bool(pub.suppressed.loc[i, col]),
                          bool(pub.undefined.loc[i, col]), bold, bool(pub.unreliable.loc[i, col]))
        row += 2
        if pub.footnote:
            text(ws, row, 0, pub.footnote, f["small"])
            row += 1
        text(ws, row, 0, T.PRESSKIT_BREAKDOWN_NOTE, f["small"])
        ws.set_column(0, 0, 30)
        ws.set_column(1, len(BREAKDOWN_COLUMNS) - 1, 14)
        ws.set_row(header_row, 32)
        ws.freeze_panes(header_row + 1, 1)

    # --- Definitionen
    ws = book.add_worksheet(T.PRESSKIT_SHEETS["definitions"])
    text(ws, 0, 0, T.PRESSKIT_SHEETS["definitions"], f["title"])
    text(ws, 2, 0, T.PRESSKIT_DEFINITION_HEADERS[0], f["head"])
    text(ws, 2, 1, T.PRESSKIT_DEFINITION_HEADERS[1], f["head"])
    row = 2
    for key in FIGURE_KEYS + ("in_support", "no_outcome", "leavers"):
        row += 1
        text(ws, row, 0, T.METRIC_LABELS[key], f["text"])
        text(ws, row, 1, T.METRIC_DEFINITIONS[key], f["text"])
    for label, definition in T.PRESSKIT_EXTRA_DEFINITIONS.items():
        row += 1
        text(ws, row, 0, label, f["text"])
        text(ws, row, 1, definition, f["text"])
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 110)
    ws.freeze_panes(3, 0)

    # --- Hinweise
    ws = book.add_worksheet(T.PRESSKIT_SHEETS["notes"])
    text(ws, 0, 0, T.PRESSKIT_TITLE, f["title"])
    lines = list(ctx.items()) + [(T.PRESSKIT_PROTECTION, T.ESF_PROTECTED),
                                 (T.PRESSKIT_FOOTNOTE, FOOTNOTE_DE),
                                 (T.PRESSKIT_GENDER_LABEL, T.PUBLICATION_GENDER_FOOTNOTE),
                                 *([(T.PUBLICATION_ROUNDED_BADGE, T.PUBLICATION_ROUNDED_FOOTNOTE)]
                                   if getattr(sel, "rounded", False) else []),
                                 (T.ESF_NOTE_CREATED, datetime.now().strftime("%d.%m.%Y %H:%M"))]
    for r, (label, val) in enumerate(lines, start=2):
        text(ws, r, 0, label, f["bold_text"])
        text(ws, r, 1, val, f["text"])
    ws.set_column(0, 0, 24)
    ws.set_column(1, 1, 110)
    book.close()
    return buffer.getvalue()


def press_quote(dataset, filters=None) -> str | None:
    """The quotable paragraph, or None if one of its figures is withheld (then it is not quotable).
    Once per (data version, filters), shared by all sessions."""
    from ..figures.memo import per_selection

    return per_selection(dataset, filters, "press_quote", lambda: _press_quote(dataset, filters))


def _press_quote(dataset, filters=None) -> str | None:
    sel = publication.selection(dataset, filters)
    figures = sel.headline()
    keys = ("participants", "unemployed", "long_term_unemployed", "migration_background", "employment",
            "vocational_training", "improved_prospects", "placement_rate")
    if any(k in figures.suppressed or k in figures.undefined for k in keys):
        return None
    # a share on too small a rounded base ("/") is left out of the text with its sentence (describe.quote)
    start, end = metrics.period(dataset, filters)
    # the published figures (exact or rounded), never the raw ones; the leaver sentence only where the
    # selection's tables are exact (the programme), since its indicator tables are rounded elsewhere
    leavers = None if getattr(sel, "rounded", False) else leaver_rate(dataset, filters)
    text = quote(dict(figures), start, end, dataset.datenstand, filters, source=source_label(dataset),
                 leaver_rate=leavers)
    return text + T.QUOTE_ROUNDED if any(k in getattr(figures, "rounded_keys", ()) for k in keys) else text


# =========================================================================== PDF


def chromium_path() -> str | None:
    """$BIWAQ_CHROMIUM if set (and executable), else ``chromium`` on the PATH."""
    override = os.environ.get(CHROMIUM_ENV)
    if override:
        return override if shutil.which(override) else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def unavailable_reason() -> str | None:
    """German message for the page if the PDF cannot be made here (no Chromium), else None."""
    return None if chromium_path() else T.PRESSKIT_NO_CHROMIUM


def _float(frame: pd.DataFrame, col: str) -> np.ndarray:
    return frame[col].astype("Float64").to_numpy(dtype=float, na_value=np.nan)


def report_figures(dataset, filters=None) -> dict:
    """The PDF's plotly figures, built with the pages' own builders (ui.charts) from protected frames
    (NaN where withheld: bars labelled ``*``, withheld flows not drawn), sized for A4."""
    from ui import charts

    sel = publication.selection(dataset, filters)
    out_pub, fun_pub, flow_pub = sel.outcome_table(), sel.funnel(), sel.flows()
    font = dict(family="Liberation Sans, DejaVu Sans, Arial, sans-serif", size=12)

    outcomes = out_pub.frame.copy()
    for col in ("best_persons", "any_persons", "share"):
        outcomes[col] = _float(out_pub.frame, col)
    bars = charts.apply_theme(charts.outcome_bars(outcomes), "light")  # paper: the light theme's text colours
    bars.update_traces(cliponaxis=False, width=0.55)
    bars.update_yaxes(rangemode="tozero", tickformat=",d")
    top = np.nanmax(outcomes["best_persons"].to_numpy(dtype=float), initial=0.0)
    if top < 6:  # small counts: whole-number ticks only
        bars.update_yaxes(range=[0, max(top, 3) * 1.2], dtick=1)
    for label, withheld in zip(outcomes["label"], out_pub.suppressed["best_persons"]):
        if withheld:  # a withheld bar is not drawn: mark it, so it cannot be mistaken for zero
            bars.add_annotation(x=label, y=0, text=SUPPRESSION_SYMBOL, showarrow=False, yshift=12,
                                font=dict(size=16))
    bars.update_layout(width=680, height=270, font=font, margin=dict(l=10, r=10, t=25, b=10))

    stages = fun_pub.frame.copy()
    for col in ("persons", "share_of_initial", "share_of_previous"):
        stages[col] = np.nan_to_num(_float(fun_pub.frame, col))
    stages["label"] = [f"{label} {SUPPRESSION_SYMBOL}" if withheld else label
                       for label, withheld in zip(stages["label"], fun_pub.suppressed["persons"])]
    funnel = charts.apply_theme(charts.funnel(stages), "light")
    t = fun_pub.text()
    labels = [f"{t.loc[i, 'persons']}<br>{t.loc[i, 'share_of_initial']} {T.PRESSKIT_OF_ALL}"
              + (f"<br>{t.loc[i, 'share_of_previous']} {T.PRESSKIT_OF_PREVIOUS}" if i else "")
              for i in range(len(t))]
    funnel.update_traces(texttemplate=labels, insidetextfont=dict(color="white", size=11))
    funnel.update_layout(width=680, height=270, font=font, margin=dict(l=10, r=10, t=10, b=10))

    flows = flow_pub.frame.copy()
    flows["persons"] = _float(flow_pub.frame, "persons")
    sankey = charts.sankey(flows) if flows["persons"].notna().any() else None
    if sankey is not None:
        totals = sankey_totals(sel)
        sankey = charts.apply_theme(charts.sankey(flows, totals), "light")
        sankey.update_layout(width=680, height=400, font=font, margin=dict(l=10, r=10, t=10, b=10))
    return {"outcome_bars": bars, "funnel": funnel, "sankey": sankey,
            "flows_hidden": bool(flow_pub.suppressed_any)}


def sankey_totals(sel) -> dict[str, str]:
    """Published node totals for the Sankey labels (status at entry, best outcome)."""
    figures = sel.headline()
    es = sel.breakdown("employment_status").text().set_index("key")["participants"]
    totals = {}
    target = T.CATEGORY_LABELS["best_outcome"]
    for key in ("employment", "vocational_training", "improved_prospects", "in_support", "no_outcome"):
        totals[target[key]] = figures.text(key)
    short = SUPPRESSION_SYMBOL if {"unemployed", "long_term_unemployed"} & figures.suppressed else \
        publication.format_count_de(figures["unemployed"] - figures["long_term_unemployed"])
    totals.update({metrics.ENTRY_STATUS_LABELS["long_term_unemployed"]: figures.text("long_term_unemployed"),
                   metrics.ENTRY_STATUS_LABELS["short_term_unemployed"]: short,
                   metrics.ENTRY_STATUS_LABELS["inactive"]: es["inactive"],
                   metrics.ENTRY_STATUS_LABELS["employed"]: es["employed"]})
    return totals


_CSS = """
@page { size: A4; margin: 16mm 15mm 18mm 15mm;
  @bottom-left { content: "%(footer)s"; font: 8pt "Liberation Sans", "DejaVu Sans", sans-serif; color: #666; }
  @bottom-right { content: "Seite " counter(page) " von " counter(pages);
                  font: 8pt "Liberation Sans", "DejaVu Sans", sans-serif; color: #666; } }
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; }
body { font-family: "Liberation Sans", "DejaVu Sans", Arial, sans-serif; font-size: 10pt; color: #1f1f1f;
       -webkit-print-color-adjust: exact; print-color-adjust: exact; }
h1 { font-size: 18pt; margin: 0 0 2mm 0; }
h2 { font-size: 13pt; margin: 6mm 0 2mm 0; border-bottom: 1.5px solid #0072B2; padding-bottom: 1mm; }
h3 { font-size: 10.5pt; margin: 4mm 0 1mm 0; }
.context { font-size: 8.5pt; color: #444; margin-bottom: 3mm; line-height: 1.4; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 2.5mm; margin: 2mm 0 3mm 0; }
.card { border: 1px solid #d0d7de; border-radius: 2mm; padding: 2mm 2.5mm; break-inside: avoid; }
.card .label { font-size: 8pt; color: #555; min-height: 7mm; }
.card .value { font-size: 16pt; font-weight: bold; margin-top: 1mm; }
.quote { border-left: 3px solid #0072B2; background: #f3f7fb; padding: 2.5mm 3.5mm; font-size: 10pt;
         line-height: 1.45; margin: 2mm 0 3mm 0; break-inside: avoid; }
.row { display: flex; gap: 4mm; align-items: flex-start; break-inside: avoid; }
.chart { break-inside: avoid; }
.caption { font-size: 8pt; color: #555; margin: 1mm 0 2mm 0; }
.page-break { break-before: page; margin-top: 0; }
.definitions { break-inside: avoid; }
.footnote { font-size: 8pt; color: #333; border-top: 1px solid #ccc; padding-top: 1.5mm; margin-top: 4mm; }
table.defs { border-collapse: collapse; font-size: 8pt; width: 100%%; }
table.defs td { border-bottom: 1px solid #e3e3e3; padding: 1mm 1.5mm; vertical-align: top; }
table.defs td:first-child { width: 32%%; font-weight: bold; }
"""


def _cards(figures, keys) -> str:
    # labels as the dashboard's cards show them ("In Beschäftigung"), "(gerundet)" as the footnote says
    rounded = getattr(figures, "rounded_keys", frozenset())
    items = "".join(f'<div class="card"><div class="label">{html.escape(metric_label(k, k in rounded))}</div>'
                    f'<div class="value">{html.escape(figures.text(k))}</div></div>' for k in keys)
    return f'<div class="cards">{items}</div>'


def _plot(fig, first: bool) -> str:
    import plotly.io as pio

    return pio.to_html(fig, full_html=False, include_plotlyjs=True if first else False,
                       config={"staticPlot": True, "displayModeBar": False})


def presskit_html(dataset, filters=None, meta: dict | None = None) -> str:
    """The printable report as one self-contained HTML document (plotly.js inlined)."""
    sel = publication.selection(dataset, filters)
    figures = sel.headline()
    ctx = context(dataset, filters, meta)
    charts_ = report_figures(dataset, filters)
    tables = [sel.outcome_table(), sel.funnel(), sel.flows()]
    any_suppressed = figures.suppressed_any or any(t.suppressed_any for t in tables)
    any_unreliable = bool(figures.unreliable) or any(t.unreliable_any for t in tables)
    esc = html.escape
    context_html = " · ".join(f"<b>{esc(k)}:</b> {esc(v)}" for k, v in ctx.items())
    q = press_quote(dataset, filters)
    quote_html = f'<div class="quote">{esc(q)}</div>' if q else f'<p class="caption">{esc(T.PRESSKIT_NO_QUOTE)}</p>'
    sankey_html = _plot(charts_["sankey"], False) if charts_["sankey"] is not None else \
        f'<p class="caption">{esc(T.PRESSKIT_NO_FLOWS)}</p>'
    flows_note = f' {esc(T.PRESSKIT_FLOWS_HIDDEN)}' if charts_["flows_hidden"] else ""
    definitions = "".join(f"<tr><td>{esc(T.METRIC_LABELS[k])}</td><td>{esc(T.METRIC_DEFINITIONS[k])}</td></tr>"
                          for k in FIGURE_KEYS + ("in_support", "no_outcome"))
    footer = f"{T.PROGRAMME} · {T.DATENSTAND} {ctx[T.DATENSTAND]} · {T.SNAPSHOT} {ctx[T.SNAPSHOT]}"
    footer = footer.replace("\\", "").replace('"', "'")
    body = f"""
<h1>{esc(T.PRESSKIT_TITLE)}</h1>
<div class="context">{context_html}</div>
<h2>{esc(T.PAGE_TITLES["overview"])}</h2>
{_cards(figures, CARDS)}
<h3>{esc(T.QUOTE_HEADING)}</h3>
{quote_html}
<div class="chart"><h3>{esc(T.PRESSKIT_OUTCOMES_HEADING)}</h3>{_plot(charts_["outcome_bars"], True)}
  <div class="caption">{esc(T.PRESSKIT_OUTCOMES_CAPTION)}</div></div>
<h2 class="page-break">{esc(T.PAGE_TITLES["impact"])}</h2>
{_cards(figures, ("participants", "with_outcome", "placement_rate", "outcome_rate"))}
<div class="chart"><h3>{esc(T.PRESSKIT_FUNNEL_HEADING)}</h3>{_plot(charts_["funnel"], False)}
  <div class="caption">{esc(T.PRESSKIT_FUNNEL_CAPTION)}</div></div>
<div class="chart"><h3>{esc(T.PRESSKIT_SANKEY_HEADING)}</h3>{sankey_html}
  <div class="caption">{esc(T.PRESSKIT_SANKEY_CAPTION)}{flows_note}</div></div>
<div class="definitions"><h2>{esc(T.DEFINITION)}en</h2><table class="defs">{definitions}</table>
{f'<div class="footnote">* {esc(FOOTNOTE_DE)}</div>' if any_suppressed else ''}
{f'<div class="footnote">{esc(T.PUBLICATION_ROUNDED_FOOTNOTE)}</div>' if getattr(sel, "rounded", False) else ''}
{f'<div class="footnote">{esc(T.PUBLICATION_UNRELIABLE_FOOTNOTE)}</div>' if any_unreliable else ''}
<div class="footnote">{esc(T.PUBLICATION_GENDER_FOOTNOTE)}</div>
<div class="footnote">{esc(T.PRESSKIT_PROTECTION_NOTE)}</div></div>
"""
    return (f'<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>{esc(T.PRESSKIT_TITLE)}</title>'
            f"<style>{_CSS % {'footer': footer}}</style></head><body>{body}</body></html>")


def presskit_pdf(dataset, filters=None, meta: dict | None = None, *, timeout: float = 90.0) -> bytes:
    """The printable A4 report (PDF bytes). Raises :class:`PresskitUnavailable` (German message) if
    Chromium is missing or fails."""
    pdf = html_to_pdf(presskit_html(dataset, filters, meta), timeout=timeout)
    presskit_pdf.last_seconds = html_to_pdf.last_seconds
    return pdf


def html_to_pdf(document: str, *, timeout: float = 90.0) -> bytes:
    """Print a self-contained HTML document to PDF with headless Chromium (also used by the Quartalsbericht).
    Raises :class:`PresskitUnavailable` (German message) if Chromium is missing or fails."""
    binary = chromium_path()
    if binary is None:
        raise PresskitUnavailable(T.PRESSKIT_NO_CHROMIUM)
    with tempfile.TemporaryDirectory(prefix="biwaq_presskit_") as tmp:
        folder = Path(tmp)
        page, out = folder / "bericht.html", folder / "bericht.pdf"
        page.write_text(document, encoding="utf-8")
        command = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   "--disable-dev-shm-usage", f"--user-data-dir={folder / 'profile'}", "--no-pdf-header-footer",
                   "--virtual-time-budget=10000", f"--print-to-pdf={out}", page.as_uri()]
        started = time.monotonic()
        try:
            result = subprocess.run(command, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PresskitUnavailable(T.PRESSKIT_CHROMIUM_FAILED.format(reason=type(exc).__name__)) from exc
        if not out.exists() or out.stat().st_size == 0 or not out.read_bytes().startswith(b"%PDF"):
            reason = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"Code {result.returncode}"]
            raise PresskitUnavailable(T.PRESSKIT_CHROMIUM_FAILED.format(reason=reason[0][:200]))
        html_to_pdf.last_seconds = time.monotonic() - started
        return out.read_bytes()


presskit_pdf.last_seconds = None
html_to_pdf.last_seconds = None
