"""Leistungen: which services participants received, how many hours, and outcome rates by service."""

import streamlit as st

from biwaq_data import metrics, publication
from biwaq_data import texts_de as T
from ui import charts
from ui.components import chart_card, page_header, stop_if_empty
from ui.auth import require_page
from ui.data import current_dataset
from ui.publication import show
from ui.sidebar import current_filters

require_page(__file__)  # also when a deep link runs this file without dashboard.py

COLUMNS = {"label": ("Leistung", "text"), "persons": ("Personen", "int"), "records": ("Einträge", "int"),
           "hours_total": ("Stunden gesamt", "number"), "hours_per_person": ("Stunden je Person", "number"),
           "placement_rate": ("Vermittlungsquote", "pct"), "outcome_rate": ("Ergebnisquote", "pct")}

dataset, filters = current_dataset(), current_filters()
meta = page_header(T.PAGE_TITLES["services"], dataset, filters,
                   intro="Eine Person mit mehreren Leistungen zählt bei jeder Leistung; die Personen ergeben "
                   "daher zusammen mehr als die Teilnehmenden. Quoten: Nenner sind die Personen mit dieser Leistung.")
headline = publication.selection(dataset, filters)
stop_if_empty(headline)
summary = show(metrics.services_summary(dataset, filters), publication.publish_services, headline)

left, right = st.columns(2)
with left:
    st.subheader("Personen je Leistung")
    chart_card(charts.service_bars(summary.frame), summary, COLUMNS,
               description="Balken: Personen, die die Leistung mindestens einmal erhalten haben; Stunden im "
               "Tooltip.", filename="biwaq_leistungen", key="services_persons", meta=meta)
with right:
    st.subheader("Ergebnisse nach Leistung")
    chart_card(charts.rate_bars(summary.frame, "Leistung"), summary, COLUMNS,
               description="Vermittlungs- und Ergebnisquote unter den Personen mit der jeweiligen Leistung. "
               "Kein Wirkungsnachweis: wer welche Leistung erhält, hängt von der Ausgangslage ab.",
               filename="biwaq_leistungen_quoten", key="services_rates", meta=meta)
