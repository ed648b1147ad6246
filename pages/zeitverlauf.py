"""Zeitverlauf: monthly entries, exits, active participants and outcomes; cumulative participants."""

import streamlit as st

from biwaq_data import publication
from biwaq_data import texts_de as T
from ui import charts
from ui.components import chart_card, metric_cards, open_page
from ui.auth import require_page
from ui.publication import show
from ui.figure_cache import Chart

require_page(__file__)  # also when a deep link runs this file without dashboard.py

COLUMNS = {"month": ("Monat", "date"), "entries": ("Eintritte", "int"), "exits": ("Austritte", "int"),
           "active": ("aktiv am Monatsende", "int"), "outcomes": ("Personen mit erstem Ergebnis", "int"),
           "cumulative_participants": ("Teilnehmende kumuliert", "int")}

dataset, filters, meta, headline = open_page(T.PAGE_TITLES["trends"])
metric_cards(headline, ["participants", "leavers", "in_support", "with_outcome"])
series = show(publication.metric_frame(dataset, filters, "monthly"), publication.publish_monthly, headline)

st.subheader(T.PAGE_TEXTS["trends_monthly_heading"])
chart_card(Chart(charts.monthly_flows, series.frame), series, COLUMNS,
           description=T.PAGE_TEXTS["trends_monthly"], filename="biwaq_monatsverlauf", key="trend_monthly", meta=meta)
st.subheader(T.PAGE_TEXTS["trends_cumulative_heading"])
chart_card(Chart(charts.cumulative, series.frame), series, {"month": COLUMNS["month"],
                                               "cumulative_participants": COLUMNS["cumulative_participants"]},
           description=T.PAGE_TEXTS["trends_cumulative"], filename="biwaq_kumuliert", key="trend_cumulative", meta=meta)
