"""Wirkung: from support to outcome: funnel, outcome bars and flows from entry status to best outcome."""

import streamlit as st

from biwaq_data import metrics, publication
from biwaq_data import texts_de as T
from ui import charts
from ui.components import chart_card, metric_cards, page_header, stop_if_empty
from ui.cards import outcome_card
from ui.auth import require_page
from ui.data import current_dataset
from ui.publication import show
from ui.sidebar import current_filters

require_page(__file__)  # also when a deep link runs this file without dashboard.py

dataset, filters = current_dataset(), current_filters()
meta = page_header(T.PAGE_TITLES["impact"], dataset, filters)
headline = publication.selection(dataset, filters)
stop_if_empty(headline)
metric_cards(headline, ["participants", "with_outcome", "placement_rate", "outcome_rate"])

left, right = st.columns([3, 2])
with left:
    st.subheader("Vom Eintritt zum Ergebnis")
    stages = show(metrics.funnel(dataset, filters), publication.publish_funnel, headline)
    chart_card(charts.funnel(stages.frame), stages,
               {"label": ("Stufe", "text"), "persons": ("Personen", "int"),
                "share_of_initial": (T.SHARE_OF_INITIAL, "pct"), "share_of_previous": (T.SHARE_OF_PREVIOUS, "pct")},
               description="Trichter: alle Unterstützten, davon mit Ergebnis, davon in Arbeit oder Ausbildung, "
               "davon in Arbeit; mit Anteil an allen und an der Vorstufe.", filename="biwaq_trichter",
               key="impact_funnel", meta=meta)
with right:
    st.subheader("Bestes Ergebnis je Person")
    outcome_card(dataset, filters, headline, meta, key="impact_outcomes")

st.subheader("Von der Ausgangslage zum Ergebnis")
flows = show(metrics.flows(dataset, filters), publication.publish_flows, headline)
chart_card(charts.sankey(flows.frame), flows,
           {"source_label": ("Status bei Eintritt", "text"), "target_label": ("Bestes Ergebnis", "text"),
            "persons": ("Personen", "int")},
           description="Flussdiagramm: Personen vom Erwerbsstatus bei Eintritt (langzeitarbeitslos, arbeitslos, "
           "nicht erwerbstätig, erwerbstätig) zu ihrem besten Ergebnis, einschließlich „noch in Betreuung“ "
           "(ohne Ergebnis, nicht ausgetreten) und „ohne Ergebnis“ (ausgetreten ohne Ergebnis).",
           filename="biwaq_verlauf", key="impact_sankey", meta=meta)
