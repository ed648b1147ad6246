"""What the app adds to Streamlit's own page: readable contrast, phone layout, print stylesheet, German `lang`.

Injected once per run by dashboard.py (`apply()`). CSS only touches elements the app draws (captions, metric
cards, keyed containers, plotly charts) plus the print rules that hide the sidebar and the top bar on paper.
What Streamlit itself draws and cannot be changed is listed in docs/interface.md.

The small script (st.html with JavaScript) does three things Streamlit offers no setting for:
- `<html lang="de">` (screen readers pick the German voice; Streamlit's index.html says "en"),
- a print zoom (`--biwaq-print-zoom`): on paper the main column is scaled so that the charts, which plotly
  drew at the screen width, fit the page width instead of being cut at the edge,
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
/* the quotable paragraph: st.code keeps its one-click copy button, but reads as running text */
.st-key-biwaq_quote pre, .st-key-biwaq_quote code { font-family: inherit !important; font-size: 1rem !important;
  line-height: 1.6 !important; white-space: pre-wrap !important; }
.st-key-biwaq_quote [data-testid="stCode"] pre { border-left: 4px solid #0072B2; padding-right: 3rem; }
/* Datenversion: plain text like the other context items, not green monospace */
.st-key-biwaq_context code { font-family: inherit; color: inherit; background: none; padding: 0; font-size: inherit; }

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
}

/* paper: no sidebar, no top bar, no widgets that do nothing on paper; charts never cut at a page edge */
@media print {
  @page { size: A4; margin: 12mm 10mm 14mm 10mm; }
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
  [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
  [data-testid="stDownloadButton"], [data-testid="stBaseButton-secondary"], [data-testid="stExpander"],
  [data-testid="stElementToolbar"], .st-key-biwaq_noprint, [data-testid="stCodeCopyButton"],
  .modebar-container { display: none !important; }
  html, body, [data-testid="stApp"], [data-testid="stAppViewContainer"], [data-testid="stMain"] {
    overflow: visible !important; height: auto !important; position: static !important; background: white; }
  [data-testid="stMain"] { margin-left: 0 !important; width: 100% !important; }
  [data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: none !important;
    zoom: var(--biwaq-print-zoom, .7); }
  [data-testid="stPlotlyChart"], [data-testid="stMetric"], [data-testid="stTable"], .st-key-biwaq_quote,
  [class*="st-key-biwaq_cards"] [data-testid="stHorizontalBlock"] { break-inside: avoid; page-break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
  [data-testid="stCaptionContainer"] { opacity: 1 !important; color: #333 !important; }
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
  const setZoom = () => {
    const main = doc.querySelector('[data-testid="stMainBlockContainer"]');
    if (!main || !main.clientWidth) return;
    const zoom = Math.min(1, PAPER / main.getBoundingClientRect().width);
    doc.documentElement.style.setProperty("--biwaq-print-zoom", zoom.toFixed(3));
  };
  window.addEventListener("beforeprint", setZoom);
  window.addEventListener("resize", setZoom);
  new MutationObserver(() => { doc.documentElement.lang = "de"; setZoom(); })
    .observe(doc.body, {childList: true, subtree: false});
  setZoom();
  setTimeout(setZoom, 1500);
})();
</script>
"""


def apply() -> None:
    """Add the app's stylesheet to this run's page (also the sign-in gate: it only goes to the event container)."""
    st.html(CSS)


def apply_script() -> None:
    """The lang/print script, in the sidebar (not printed, takes no room); only on pages behind the sign-in gate,
    whose sidebar stays empty."""
    with st.sidebar:
        st.html(SCRIPT, unsafe_allow_javascript=True)
