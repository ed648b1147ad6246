"""Wirkung: from support to outcome: funnel, outcome bars and flows from entry status to best outcome."""

import streamlit as st

from biwaq_data import publication
from biwaq_data.publish.presskit import sankey_totals
from biwaq_data import texts_de as T
from ui import charts
from ui.components import chart_card, metric_cards, open_page
from ui.cards import outcome_card
from ui.auth import require_page
from ui.publication import show
from ui.figure_cache import Chart

require_page(__file__)  # also when a deep link runs this file without dashboard.py

dataset, filters, meta, headline = open_page(T.PAGE_TITLES["impact"])
metric_cards(headline, ["participants", "with_outcome", "placement_rate", "outcome_rate"])

left, right = st.columns([3, 2])
with left:
    st.subheader(T.PAGE_TEXTS["impact_funnel_heading"])
    stages = show(publication.metric_frame(dataset, filters, "funnel"), publication.publish_funnel, headline)
    chart_card(Chart(charts.funnel, stages.frame), stages,
               {"label": ("Stufe", "text"), "persons": ("Personen", "int"),
                "share_of_initial": (T.SHARE_OF_INITIAL, "pct"), "share_of_previous": (T.SHARE_OF_PREVIOUS, "pct")},
               description=T.PAGE_TEXTS["impact_funnel"], filename="biwaq_trichter",
               key="impact_funnel", meta=meta)
with right:
    st.subheader(T.PAGE_TEXTS["impact_outcomes_heading"])
    outcome_card(dataset, filters, headline, meta, key="impact_outcomes")

st.subheader(T.PAGE_TEXTS["impact_sankey_heading"])
flows = show(publication.metric_frame(dataset, filters, "flows"), publication.publish_flows, headline)
# node labels carry their persons; in publication mode the published totals (left-out flows would undercount)
totals = sankey_totals(headline) if flows.on_screen_protected else None
chart_card(Chart(charts.sankey, flows.frame, totals), flows,
           {"source_label": ("Status bei Eintritt", "text"), "target_label": ("Bestes Ergebnis", "text"),
            "persons": ("Personen", "int")},
           description=T.PAGE_TEXTS["impact_sankey"],
           filename="biwaq_verlauf", key="impact_sankey", meta=meta)
