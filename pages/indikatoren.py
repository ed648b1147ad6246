"""ESF-Plus-Indikatoren: output indicators at entry, result indicators over leavers whose window has closed, their
shares, by gender; the local economy (enterprises supported, EECO19).

Layout only: every figure comes from biwaq_data.figures.indicators.indicator_table via
biwaq_data.publish.indicator_report (publication mode there).
"""

import streamlit as st

from biwaq_data import publication
from biwaq_data import texts_de as T
from biwaq_data.publish.indicator_report import (COLUMNS, basis_notes, economy_tables, indicator_report_excel,
                                                 indicator_tables)
from biwaq_data.publish.privacy import FOOTNOTE_DE
from ui.components import markdown_safe, page_header, stop_if_empty
from ui.auth import require_page
from ui.data import current_dataset
from ui.publication import is_on as publication_mode_on
from ui.sidebar import current_filters

require_page(__file__)  # also when a deep link runs this file without dashboard.py

LABELS = T.ESF_COLUMN_LABELS

dataset, filters = current_dataset(), current_filters()
meta = page_header(T.PAGE_TITLES["indicators"], dataset, filters, intro=T.ESF_PAGE_INTRO)
headline = publication.metric_frame(dataset, filters, "headline")
stop_if_empty(headline)

protect = publication_mode_on()  # the sidebar switch "Veröffentlichungsmodus"
if not protect:
    st.warning(T.ESF_UNPROTECTED_WARNING, icon=":material/visibility:")
tables = indicator_tables(dataset, filters, protect=protect)


def show(part: str, with_denominator: bool) -> None:
    text = tables.text(part)
    # figures first, then what they rest on: the long texts do not push the counts out of sight
    columns = ["code", "indicator"] + list(COLUMNS) + (["denominator"] if with_denominator else []) + ["basis"]
    # a report table: every row and column on the page, long texts wrap (no inner scrolling, nothing cut)
    st.table(markdown_safe(text[columns].rename(columns=LABELS).set_index(LABELS["code"])))  # "*" not a bullet


notes = basis_notes(tables)
if notes:
    st.info("\n".join(f"- {n}" for n in notes), icon=":material/info:")

st.subheader(T.ESF_OUTPUT_HEADING)
show("output", False)
out = tables.text("output").set_index("code_plain")
st.caption(T.ESF_OUTPUT_CAPTION.format(n=out.loc["EECO01", "total"]))

st.subheader(T.ESF_RESULT_HEADING)
show("results", True)
res = tables.text("results").set_index("code_plain")
st.caption(T.ESF_RESULT_CAPTION.format(leavers=res.loc["BIWAQ-D1", "total"], closed=res.loc["BIWAQ-D2", "total"],
                                       assessable=res.loc["BIWAQ-D3", "total"]))
st.subheader(T.ESF_RATES_HEADING)
show("rates", True)
rates = tables.text("rates").set_index("code_plain")
shown_headline = tables.headline_text
st.caption(T.ESF_PLACEMENT_NOTE.format(placement=shown_headline["placement_rate"],
                                       participants=shown_headline["participants"],
                                       integration=rates.loc["BIWAQ-R2", "total"],
                                       closed=res.loc["BIWAQ-D2", "total"]))

if tables.suppressed_any:
    st.caption(f"\\* {FOOTNOTE_DE}")
if protect:  # publication mode: statistical gender; free combinations rounded (biwaq_data.publish.pressset)
    st.caption(T.PUBLICATION_GENDER_FOOTNOTE)
    if getattr(publication.selection(dataset, filters), "rounded", False):
        st.caption(T.PUBLICATION_ROUNDED_FOOTNOTE)
    if tables.rates.unreliable_any:  # a share on a rounded base below 50: "/"
        st.caption(T.PUBLICATION_UNRELIABLE_FOOTNOTE)

with st.expander(T.ESF_DEFINITIONS_EXPANDER, icon=":material/info:"):
    st.markdown("\n".join(f"- **{label}**: {text}" for label, text in T.ESF_DEFINITIONS.items()))

# built only when clicked (callable), always protected unless the operator allowed otherwise
st.download_button(T.ESF_DOWNLOAD, lambda: indicator_report_excel(dataset, filters, {T.SOURCE: meta[T.SOURCE]},
                                                                  protect=protect),
                   file_name="biwaq_esf_plus_indikatoren.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   icon=":material/table_view:", on_click="ignore", key="esf_download")

st.subheader(T.ECONOMY_HEADING)
economy = economy_tables(dataset, filters, protect=protect)
if economy is None:
    st.info(T.ECONOMY_MISSING, icon=":material/storefront:")
else:
    st.caption(T.ECONOMY_INTRO)
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{T.ECONOMY_BY_PLACE}**")
        st.dataframe(economy["place"], hide_index=True, width="stretch", height=35 * (len(economy["place"]) + 1) + 3)
    with right:
        st.markdown(f"**{T.ECONOMY_BY_QUARTER}**")
        st.dataframe(economy["quarter"], hide_index=True, width="stretch",
                     height=35 * (len(economy["quarter"]) + 1) + 3)
