"""Überblick: the headline figures for press officers, a quotable paragraph and downloads."""

import pandas as pd
import streamlit as st

from biwaq_data import presskit, publication
from biwaq_data import texts_de as T
from ui.components import (card_label, copyable_text, download_buttons, export_values, metric_cards, page_header,
                           stop_if_empty)
from ui.cards import outcome_card
from ui.auth import require_page
from ui.data import current_dataset
from ui.publication import figures as published_figures
from ui.publication import force_on
from ui.periods import comparison_cards
from ui.sidebar import current_filters

require_page(__file__)  # also when a deep link runs this file without dashboard.py

CARDS = ["participants", "unemployed", "long_term_unemployed", "migration_background",
         "employment", "vocational_training", "improved_prospects", "placement_rate"]

force_on()  # press figures: always in publication mode
dataset, filters = current_dataset(), current_filters()
meta = page_header(T.PAGE_TITLES["overview"], dataset, filters)
headline = publication.selection(dataset, filters)
stop_if_empty(headline)

if not comparison_cards(dataset, filters, headline, CARDS):  # with a period preset: change vs. previous period
    metric_cards(headline, CARDS)

left, right = st.columns([3, 2])
with left:
    st.subheader(T.PAGE_TEXTS["overview_outcomes_heading"])
    outcome_card(dataset, filters, headline, meta, key="overview_outcomes")
with right:
    st.subheader(T.PAGE_TEXTS["overview_downloads_heading"])
    protected = published_figures(headline)
    figures = pd.DataFrame({
        "Kennzahl": [card_label(k) for k in CARDS + ["with_outcome"]],
        # counts as whole numbers, rates in percent rounded as on the cards (24,5)
        # "*" withheld, "/" a share on too small a rounded base, "x" a share of nobody
        "Wert": [protected.text(k) if k in protected.suppressed | protected.unreliable | protected.undefined
                 else export_values(pd.Series([protected[k]]), "pct" if k.endswith("_rate") else "int")[0]
                 for k in CARDS + ["with_outcome"]],
        "Einheit": ["%" if k.endswith("_rate") else "Personen" for k in CARDS + ["with_outcome"]],
        "Definition": [T.METRIC_DEFINITIONS[k] for k in CARDS + ["with_outcome"]],
    })
    st.caption(T.PAGE_TEXTS["overview_downloads"])
    download_buttons({"Kennzahlen": figures}, meta, "biwaq_kennzahlen", key="overview_figures")
    st.subheader(T.PRESSKIT_HEADING)
    st.caption(T.PRESSKIT_HELP)
    kit_xlsx, kit_pdf = st.columns(2)
    kit_xlsx.download_button(T.PRESSKIT_XLSX, lambda: presskit.presskit_excel(dataset, filters, meta),
                             file_name="biwaq_pressemappe.xlsx", icon=":material/table_view:", on_click="ignore",
                             mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                             key="presskit_xlsx")
    if presskit.unavailable_reason():
        kit_pdf.warning(presskit.unavailable_reason())
    else:
        kit_pdf.download_button(T.PRESSKIT_PDF, lambda: presskit.presskit_pdf(dataset, filters, meta),
                                file_name="biwaq_pressebericht.pdf", mime="application/pdf", on_click="ignore",
                                icon=":material/picture_as_pdf:", key="presskit_pdf")
    with st.expander(T.DEFINITION + "en", icon=":material/info:"):
        st.markdown("\n".join(f"- **{T.METRIC_LABELS[key]}**: {T.METRIC_DEFINITIONS[key]}"
                               for key in CARDS + ["with_outcome"]))  # one element: less for the browser to draw

st.subheader(T.QUOTE_HEADING)
press_text = presskit.press_quote(dataset, filters)  # None when one of its figures is withheld (as the press kit)
if press_text:
    with st.container(key="biwaq_quote"):  # text with a one-click copy button (ui/components.copyable_text)
        copyable_text(press_text, key="biwaq_quote_text")
    st.caption(T.QUOTE_HELP)
else:
    st.caption(T.PRESSKIT_NO_QUOTE)
