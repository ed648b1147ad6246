"""Zeitverlauf: monthly entries, exits, active participants and outcomes; cumulative participants."""

import streamlit as st

from biwaq_data import metrics, publication
from biwaq_data import texts_de as T
from ui import charts
from ui.components import chart_card, metric_cards, page_header, stop_if_empty
from ui.auth import require_page
from ui.data import current_dataset
from ui.publication import show
from ui.sidebar import current_filters

require_page(__file__)  # also when a deep link runs this file without dashboard.py

COLUMNS = {"month": ("Monat", "date"), "entries": ("Eintritte", "int"), "exits": ("Austritte", "int"),
           "active": ("aktiv am Monatsende", "int"), "outcomes": ("Personen mit erstem Ergebnis", "int"),
           "cumulative_participants": ("Teilnehmende kumuliert", "int")}

dataset, filters = current_dataset(), current_filters()
meta = page_header(T.PAGE_TITLES["trends"], dataset, filters)
headline = publication.selection(dataset, filters)
stop_if_empty(headline)
metric_cards(headline, ["participants", "leavers", "in_support", "with_outcome"])
series = show(metrics.monthly(dataset, filters), publication.publish_monthly, headline)

st.subheader("Eintritte, Austritte, Ergebnisse und aktive Teilnehmende je Monat")
chart_card(charts.monthly_flows(series.frame), series, COLUMNS,
           description="Säulen: Eintritte und Austritte je Monat; Linien: Personen mit erstem Ergebnis im Monat und "
           "aktive Teilnehmende am Monatsende.", filename="biwaq_monatsverlauf", key="trend_monthly", meta=meta)
st.subheader("Teilnehmende kumuliert")
chart_card(charts.cumulative(series.frame), series, {"month": COLUMNS["month"],
                                               "cumulative_participants": COLUMNS["cumulative_participants"]},
           description="Fläche: Summe aller Eintritte bis zum jeweiligen Monat; der letzte Wert entspricht den "
           "Teilnehmenden im Zeitraum.", filename="biwaq_kumuliert", key="trend_cumulative", meta=meta)
