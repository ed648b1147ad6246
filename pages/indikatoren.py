"""ESF-Plus-Indikatoren: output indicators at entry and result indicators over leavers, by gender.

Layout only: every figure comes from biwaq_data.figures.indicators (publication mode via biwaq_data.publish.publication).
"""

import streamlit as st

from biwaq_data import metrics
from biwaq_data import texts_de as T
from biwaq_data.publish.indicator_report import COLUMNS, indicator_report_excel, indicator_tables
from biwaq_data.publish.privacy import FOOTNOTE_DE
from ui.components import page_header, stop_if_empty
from ui.auth import require_page
from ui.data import current_dataset
from ui.publication import is_on as publication_mode_on
from ui.sidebar import current_filters

require_page(__file__)  # also when a deep link runs this file without dashboard.py

LABELS = T.ESF_COLUMN_LABELS

dataset, filters = current_dataset(), current_filters()
meta = page_header(T.PAGE_TITLES["indicators"], dataset, filters, intro=T.ESF_PAGE_INTRO)
stop_if_empty(metrics.headline(dataset, filters))

protect = publication_mode_on()  # the sidebar switch "Veröffentlichungsmodus"
if not protect:
    st.warning(T.ESF_UNPROTECTED_WARNING, icon=":material/visibility:")
tables = indicator_tables(dataset, filters, protect=protect)


def show(published, with_denominator: bool, caption: str) -> None:
    """A report table: every row and column at once (no inner scrolling), text wraps."""
    text = published.text()
    columns = ["code", "indicator"] + (["denominator"] if with_denominator else []) + list(COLUMNS)
    shown = text[columns].rename(columns=LABELS)
    # st.table renders cells as Markdown: a lone "*" (withheld) would become a list bullet
    shown = shown.map(lambda v: v.replace("*", "\\*") if isinstance(v, str) else v)
    st.table(shown, hide_index=True, border="horizontal", alt=caption)


st.subheader(T.ESF_OUTPUT_HEADING)
show(tables.output, False, T.ESF_OUTPUT_HEADING)
total = tables.output.text().set_index("key").loc["total", "total"]
st.caption(T.ESF_OUTPUT_CAPTION.format(n=total))

st.subheader(T.ESF_RESULT_HEADING)
show(tables.results, True, T.ESF_RESULT_HEADING)
results = tables.results.text().set_index("key")
st.caption(T.ESF_RESULT_CAPTION.format(leavers=results.loc["leavers", "total"],
                                       assessable=results.loc["assessable_leavers", "total"]))
st.subheader(T.ESF_RATES_HEADING)
show(tables.rates, True, T.ESF_RATES_HEADING)

if tables.suppressed_any:
    st.caption(f"\\* {FOOTNOTE_DE}")

with st.expander(T.ESF_DEFINITIONS_EXPANDER, icon=":material/info:"):
    for label, text in T.ESF_DEFINITIONS.items():
        st.markdown(f"**{label}**: {text}")

# built only when clicked (callable), always protected unless the operator allowed otherwise
st.download_button(T.ESF_DOWNLOAD, lambda: indicator_report_excel(dataset, filters, {T.SOURCE: meta[T.SOURCE]},
                                                                  protect=protect),
                   file_name="biwaq_esf_plus_indikatoren.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   icon=":material/table_view:", on_click="ignore", key="esf_download")
