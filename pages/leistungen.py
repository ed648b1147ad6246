"""Leistungen: which services participants received, how many hours, and outcome rates by service."""

import streamlit as st

from biwaq_data import publication
from biwaq_data import texts_de as T
from ui import charts
from ui.components import chart_card, open_page
from ui.auth import require_page
from ui.publication import show
from ui.figure_cache import Chart

require_page(__file__)  # also when a deep link runs this file without dashboard.py

COLUMNS = {"label": ("Leistung", "text"), "persons": ("Personen", "int"), "records": ("Einträge", "int"),
           "hours_total": ("Stunden gesamt", "number"), "hours_per_person": ("Stunden je Person", "number"),
           "placement_rate": ("Anteil in Arbeit/Ausbildung", "pct"), "outcome_rate": ("Ergebnisquote", "pct")}

dataset, filters, meta, headline = open_page(T.PAGE_TITLES["services"], intro=T.PAGE_TEXTS["services_intro"])
summary = show(publication.metric_frame(dataset, filters, "services"), publication.publish_services, headline)
# Both charts list the services in the same order: most persons first (withheld counts last).
ordered = summary.frame.sort_values("persons", ascending=False, kind="stable", na_position="last")

left, right = st.columns(2)
with left:
    st.subheader(T.PAGE_TEXTS["services_persons_heading"])
    chart_card(Chart(charts.service_bars, ordered), summary, COLUMNS,
               description=T.PAGE_TEXTS["services_persons"], filename="biwaq_leistungen", key="services_persons", meta=meta)
with right:
    st.subheader(T.PAGE_TEXTS["services_rates_heading"])
    chart_card(Chart(charts.rate_bars, ordered, "Leistung"), summary, COLUMNS,
               description=T.PAGE_TEXTS["services_rates"],
               filename="biwaq_leistungen_quoten", key="services_rates", meta=meta)
