"""Überblick: the headline figures for press officers, a quotable paragraph and downloads."""

import pandas as pd
import streamlit as st

from biwaq_data import metrics, publication
from biwaq_data import texts_de as T
from biwaq_data.describe import quote
from ui import charts
from ui.components import chart_card, download_buttons, metric_cards, page_header, stop_if_empty
from ui.data import current_dataset
from ui.publication import figures as published_figures
from ui.publication import force_on, show
from ui.sidebar import current_filters

CARDS = ["participants", "unemployed", "long_term_unemployed", "migration_background",
         "employment", "vocational_training", "improved_prospects", "placement_rate"]

force_on()  # press figures: always in publication mode
dataset, filters = current_dataset(), current_filters()
meta = page_header(T.PAGE_TITLES["overview"], dataset, filters)
headline = metrics.headline(dataset, filters)
stop_if_empty(headline)

metric_cards(headline, CARDS)

st.subheader(T.QUOTE_HEADING)
start, end = metrics.period(dataset, filters)
st.code(quote(headline, start, end, dataset.datenstand, filters), language=None, wrap_lines=True)
st.caption(T.QUOTE_HELP)

left, right = st.columns([3, 2])
with left:
    st.subheader("Ergebnisse je Person")
    outcomes = show(metrics.outcome_table(dataset, filters), publication.publish_outcome_table, headline)
    chart_card(charts.outcome_bars(outcomes.frame), outcomes,
               {"label": ("Ergebnis", "text"), "best_persons": ("Personen (bestes Ergebnis)", "int"),
                "share": ("Anteil an allen Teilnehmenden", "pct")},
               description="Säulen: Personen nach ihrem besten Ergebnis (Beschäftigung, Ausbildung, verbesserte "
               "Perspektive); jede Person zählt einmal.", filename="biwaq_ergebnisse", key="overview_outcomes",
               meta=meta)
with right:
    st.subheader("Kennzahlen herunterladen")
    protected = published_figures(headline)
    figures = pd.DataFrame({
        "Kennzahl": [T.METRIC_LABELS[k] for k in CARDS + ["with_outcome"]],
        "Wert": ["*" if k in protected.suppressed else protected[k] * 100 if k.endswith("_rate") else protected[k]
                 for k in CARDS + ["with_outcome"]],
        "Einheit": ["%" if k.endswith("_rate") else "Personen" for k in CARDS + ["with_outcome"]],
        "Definition": [T.METRIC_DEFINITIONS[k] for k in CARDS + ["with_outcome"]],
    })
    st.caption("Alle Kennzahlen mit Definition, Datenstand, Zeitraum und Filtern als CSV oder Excel.")
    download_buttons({"Kennzahlen": figures}, meta, "biwaq_kennzahlen", key="overview_figures")
    with st.expander(T.DEFINITION + "en", icon=":material/info:"):
        for key in CARDS + ["with_outcome"]:
            st.markdown(f"**{T.METRIC_LABELS[key]}**: {T.METRIC_DEFINITIONS[key]}")
