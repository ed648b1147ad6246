"""Soll-Ist: targets from the funding approval against the actual figures, with forecast and status."""

import streamlit as st

from biwaq_data import texts_de as T
from biwaq_data.publish.privacy import FOOTNOTE_DE
from ui import steering
from ui.auth import require_page
from ui.components import page_header
from ui.data import current_dataset
from ui.publication import is_on
from ui.sidebar import current_filters

require_page(__file__)  # also when a deep link runs this file without dashboard.py

dataset, filters = current_dataset(), current_filters()
page_header(T.PAGE_TITLES["targets"], dataset, filters, intro=T.TARGET_PAGE_INTRO)
if dataset.targets.empty:
    st.info(T.TARGET_NONE, icon=":material/flag:")
    st.stop()

protected = is_on()
rows = steering.progress(dataset, filters.providers, protected)
counts = rows["status"].value_counts()
st.markdown(f"**{T.TARGET_SUMMARY_LABEL}:** " + " ".join(
    f":{T.TARGET_STATUS_BADGE_COLOURS[s]}-badge[{T.TARGET_STATUS_ICONS[s]} {int(counts.get(s, 0))} "
    f"{T.TARGET_STATUS_LABELS[s]}]" for s in T.TARGET_STATUS_LABELS), help=T.TARGET_RULES)

st.subheader(T.TARGET_CHART_HEADING)
st.plotly_chart(steering.progress_chart(rows), width="stretch", key="targets_chart",
                config={"displaylogo": False})
st.caption(f"{T.CHART_DESCRIPTION}: {T.TARGET_CHART}")

st.subheader(T.TARGET_TABLE_HEADING)
st.dataframe(steering.styled_table(rows), hide_index=True, width="stretch")
if protected:
    st.caption(T.TARGET_PUBLICATION_NOTE)
    if any(rows["withheld"].map(len)):
        st.caption(f"\\* {FOOTNOTE_DE}")
with st.expander(T.DEFINITION + "en und Regeln", icon=":material/info:", expanded=True):
    st.markdown(T.TARGET_RULES)
    st.caption(T.TARGET_EXPORT_NOTE)
