"""Soll-Ist: targets from the funding approval against the actual figures, with forecast and status."""

import streamlit as st

from biwaq_data import presskit
from biwaq_data import texts_de as T
from biwaq_data.publish import quarterly
from ui import steering
from ui.auth import require_page
from ui.components import context_meta, page_header
from ui.periods import current_preset
from ui.data import current_dataset
from ui.publication import is_on
from ui.sidebar import current_filters

require_page(__file__)  # also when a deep link runs this file without dashboard.py

dataset, filters = current_dataset(), current_filters()
page_header(T.PAGE_TITLES["targets"], dataset, filters, intro=T.TARGET_PAGE_INTRO)
if dataset.targets.empty:
    st.info(T.TARGET_NONE, icon=":material/flag:")
else:
    protected = is_on()
    rows = steering.progress(dataset, filters.providers, protected)
    steering.render_targets(rows, protected)

st.subheader(T.QUARTERLY_HEADING)
st.caption(T.QUARTERLY_HELP)
meta = context_meta(dataset, filters)
preset = current_preset()
xlsx, pdf = st.columns(2)
xlsx.download_button(T.QUARTERLY_XLSX, lambda: quarterly.quarterly_excel(dataset, filters, preset, meta),
                     file_name="biwaq_quartalsbericht.xlsx", icon=":material/table_view:", on_click="ignore",
                     mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="quarterly_xlsx")
if presskit.unavailable_reason():
    pdf.warning(presskit.unavailable_reason())
else:
    pdf.download_button(T.QUARTERLY_PDF, lambda: quarterly.quarterly_pdf(dataset, filters, preset, meta),
                        file_name="biwaq_quartalsbericht.pdf", mime="application/pdf", on_click="ignore",
                        icon=":material/picture_as_pdf:", key="quarterly_pdf")
