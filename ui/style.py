"""What the app adds to Streamlit's own page: readable contrast, phone layout, print stylesheet, German `lang`.

Injected once per run by dashboard.py (`apply()`). CSS only touches elements the app draws (captions, metric
cards, keyed containers, plotly charts) plus the print rules that hide the sidebar and the top bar on paper.
What Streamlit itself draws and cannot be changed is listed in docs/interface.md.

The small script (st.html with JavaScript) does what Streamlit offers no setting for:
- `<html lang="de">` (screen readers pick the German voice; Streamlit's index.html says "en"),
- a print zoom (`--biwaq-print-zoom`): on paper the main column is scaled so that the charts, which plotly
  drew at the screen width, fit the page width instead of being cut at the edge,
- the "Text kopieren" button of the quotable paragraph (ui.components.copyable_text).
Dark mode: chart colours follow st.context.theme (ui.charts.apply_theme); the CSS uses inherited colours.
"""

from __future__ import annotations

import streamlit as st

# Text colours (WCAG AA needs >= 4.5:1 for text below 18 pt).
# Captions: Streamlit draws them in the body colour at 60 % opacity (#828180 on white, 3,9:1); at 80 % the body
# colour #2F2D2B gives #595756, 7,0:1 on white, and stays readable on the dark theme's background too.
CSS = """
<style>
/* captions (filter line, chart descriptions, footnotes): Streamlit's grey is 3.9:1; body colour, lighter */
[data-testid="stCaptionContainer"] { color: inherit !important; opacity: .8 !important; }
/* metric card labels wrap instead of being cut ("verbesserte Persp…") */
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * { white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; overflow-wrap: normal !important;
  word-break: normal !important; hyphens: manual; }
[data-testid="stMetricLabel"] { height: auto !important; min-height: 1.5rem; }
/* the quotable paragraph with its copy button (ui.components.copyable_text; the click handler is in SCRIPT) */
.biwaq-copy { border-left: 4px solid #0072B2; padding: .25rem 0 .25rem 1rem; }
.biwaq-copy-text { margin: 0 0 .6rem 0; font-size: 1rem; line-height: 1.6; white-space: pre-wrap; }
.biwaq-copy-button { font: inherit; font-size: .95rem; color: inherit; background: transparent; cursor: pointer;
  border: 1px solid color-mix(in srgb, currentColor 35%, transparent); border-radius: .5rem; padding: .3rem .8rem; }
.biwaq-copy-button:hover { border-color: #0072B2; }
.biwaq-copy-button:focus-visible { outline: 2px solid #0072B2; outline-offset: 2px; }
.biwaq-copy-status { margin-left: .75rem; font-size: .95rem; }
/* Datenversion: plain text like the other context items, not green monospace */
.st-key-biwaq_context code { font-family: inherit; color: inherit; background: none; padding: 0; font-size: inherit; }

/* static tables (ui/tables.py): plain HTML, numbers right-aligned, Soll-Ist status cells tinted (dark text on
   the light tints in both themes; the status is also written in the cell) */
.biwaq-table-wrap { overflow-x: auto; margin: 0 0 1rem 0; }
.biwaq-table { border-collapse: collapse; width: 100%; font-size: .9rem; line-height: 1.45; }
.biwaq-table th, .biwaq-table td { padding: .4rem .6rem; text-align: left; vertical-align: top;
  border-bottom: 1px solid color-mix(in srgb, currentColor 18%, transparent); }
.biwaq-table th { font-weight: 600; border-bottom: 2px solid color-mix(in srgb, currentColor 30%, transparent); }
.biwaq-table .num { text-align: right; font-variant-numeric: tabular-nums; }
.biwaq-table td.num { white-space: nowrap; }
.biwaq-table tbody tr:hover { background: color-mix(in srgb, currentColor 5%, transparent); }
.biwaq-status-met { background: #D5F0E6; color: #1A1A1A; }
.biwaq-status-on-track { background: #DCEFFA; color: #1A1A1A; }
.biwaq-status-at-risk { background: #FBEBCC; color: #1A1A1A; }
.biwaq-status-behind { background: #F7D9CC; color: #1A1A1A; }
.biwaq-status-missed { background: #EBC7C7; color: #1A1A1A; }

/* Streamlit's menu (viewer mode) holds only the English "Print" and "Record screen": the browser's own print
   uses the print rules below (docs/interface.md) */
[data-testid="stMainMenu"] { display: none !important; }

/* phone: eight cards in two columns instead of one per row (Streamlit stacks columns below 640 px) */
@media (max-width: 640px) {
  [class*="st-key-biwaq_cards"] [data-testid="stHorizontalBlock"] { flex-wrap: wrap !important; gap: .5rem !important; }
  [class*="st-key-biwaq_cards"] [data-testid="stColumn"] { width: calc(50% - .25rem) !important;
    flex: 1 1 calc(50% - .25rem) !important; min-width: calc(50% - .25rem) !important; }
  [class*="st-key-biwaq_cards"] [data-testid="stMetricValue"] { font-size: 1.6rem !important; }
  [class*="st-key-biwaq_cards"] [data-testid="stMetric"] { padding: .5rem .6rem !important; }
  [data-testid="stMainBlockContainer"] { padding-left: .75rem !important; padding-right: .75rem !important; }
  h1 { font-size: 1.9rem !important; }
  /* a table row becomes a card of "column: value" lines (the headers are in each cell's data-label) */
  .biwaq-table thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
  .biwaq-table, .biwaq-table tbody, .biwaq-table tr, .biwaq-table td { display: block; width: 100%; }
  .biwaq-table tr { border: 1px solid color-mix(in srgb, currentColor 20%, transparent); border-radius: .5rem;
    margin-bottom: .6rem; padding: .2rem 0; }
  .biwaq-table td, .biwaq-table td.num { display: flex; justify-content: space-between; gap: 1rem; border: none;
    padding: .2rem .7rem; text-align: right; white-space: normal; }
  .biwaq-table td::before { content: attr(data-label); font-weight: 600; text-align: left; }
}

/* paper: no sidebar, no top bar, no widgets that do nothing on paper; charts never cut at a page edge */
@media print {
  @page { size: A4; margin: 12mm 10mm 14mm 10mm; }
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
  [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
  [data-testid="stDownloadButton"], [data-testid="stBaseButton-secondary"], [data-testid="stExpander"],
  [data-testid="stElementToolbar"], .st-key-biwaq_noprint, [data-testid="stCodeCopyButton"],
  .modebar-container, .biwaq-copy-button, .biwaq-copy-status { display: none !important; }
  html, body, [data-testid="stApp"], [data-testid="stAppViewContainer"], [data-testid="stMain"] {
    overflow: visible !important; height: auto !important; position: static !important; background: white; }
  [data-testid="stMain"] { margin-left: 0 !important; width: 100% !important; }
  [data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: none !important;
    zoom: var(--biwaq-print-zoom, .7); }
  [data-testid="stPlotlyChart"], [data-testid="stMetric"], [data-testid="stTable"], .st-key-biwaq_quote,
  .biwaq-table tr,
  [class*="st-key-biwaq_cards"] [data-testid="stHorizontalBlock"] { break-inside: avoid; page-break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
  [data-testid="stCaptionContainer"] { opacity: 1 !important; color: #333 !important; }
  .biwaq-table-wrap { overflow: visible; }
}
</style>
"""

# Runs in the page (not an iframe). Idempotent: installs its listeners once per browser tab.
SCRIPT = """
<script>
(() => {
  const doc = window.document;
  doc.documentElement.lang = "de";
  if (window.biwaqInstalled) return;
  window.biwaqInstalled = true;
  // A4 portrait minus margins is about 720 CSS px: scale the main column so that what plotly drew at the
  // screen width fits on paper (the main column reflows to exactly the width it has on screen).
  const PAPER = 720;
  // The width comes from a ResizeObserver (after layout, when it changes) instead of reading it on every DOM
  // change: reading it forced the browser to lay out a half-built page (about 50 ms before the first chart).
  let observed = null;
  const zoomFor = (width) => {
    if (width) doc.documentElement.style.setProperty("--biwaq-print-zoom", Math.min(1, PAPER / width).toFixed(3));
  };
  const sizes = new ResizeObserver((entries) => {
    const box = entries[entries.length - 1].borderBoxSize;
    zoomFor(box && box[0] ? box[0].inlineSize : entries[entries.length - 1].contentRect.width);
  });
  const watch = () => {
    const main = doc.querySelector('[data-testid="stMainBlockContainer"]');
    if (main && main !== observed) {
      if (observed) sizes.unobserve(observed);
      sizes.observe(main);
      observed = main;
    }
  };
  // "Text kopieren" (ui.components.copyable_text): one listener for every such button, here and on later pages.
  doc.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest(".biwaq-copy-button");
    if (!button) return;
    const box = button.closest(".biwaq-copy");
    const paragraph = box.querySelector(".biwaq-copy-text");
    const status = box.querySelector(".biwaq-copy-status");
    const report = (ok) => {
      status.textContent = ok ? button.dataset.done : button.dataset.failed;
      clearTimeout(status.biwaqTimer);
      status.biwaqTimer = setTimeout(() => { status.textContent = ""; }, 5000);
    };
    const bySelection = () => {  // no Clipboard API (plain http on another host): copy the selected paragraph
      const range = doc.createRange();
      range.selectNodeContents(paragraph);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      let ok = false;
      try { ok = doc.execCommand("copy"); } catch (e) { ok = false; }
      report(ok);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(paragraph.textContent).then(() => report(true), bySelection);
    } else {
      bySelection();
    }
  });
  window.addEventListener("beforeprint", () => {
    watch();
    if (observed) zoomFor(observed.getBoundingClientRect().width);
  });
  new MutationObserver(() => { if (doc.documentElement.lang !== "de") doc.documentElement.lang = "de"; watch(); })
    .observe(doc.body, {childList: true, subtree: true});
  watch();
})();
</script>
"""


def apply() -> None:
    """Add the app's stylesheet to this run's page (also the sign-in gate: it only goes to the event container)."""
    st.html(CSS)


def apply_script() -> None:
    """The lang/print/copy script, in the sidebar (not printed, takes no room); only on pages behind the sign-in
    gate, whose sidebar stays empty."""
    with st.sidebar:
        st.html(SCRIPT, unsafe_allow_javascript=True)
