"""Aufschlüsselung: participants and outcome rates by a chosen attribute; clicking bars narrows the page."""

import streamlit as st

from biwaq_data import metrics, publication
from biwaq_data import texts_de as T
from biwaq_data.publish.describe import describe_filters
from biwaq_data.figures.filters import narrow
from biwaq_data.formatting import escape_markdown
from ui import charts
from ui.components import chart_card, metric_cards, open_page
from ui.auth import require_page
from ui.publication import show

require_page(__file__)  # also when a deep link runs this file without dashboard.py

DIMENSIONS = T.BREAKDOWN_DIMENSIONS
TABLE_COLUMNS = {
    "label": ("Gruppe", "text"), "participants": ("Teilnehmende", "int"), "share": ("Anteil", "pct"),
    "employment": ("Beschäftigung", "int"), "vocational_training": ("Ausbildung", "int"),
    "improved_prospects": ("Verbesserte Perspektive", "int"), "with_outcome": ("mit Ergebnis", "int"),
    "placement_rate": ("Anteil in Arbeit/Ausbildung", "pct"), "outcome_rate": ("Ergebnisquote", "pct"),
}

dataset, filters, meta, headline = open_page(T.PAGE_TITLES["breakdown"], intro=T.PAGE_TEXTS["breakdown_intro"])

dimension = st.segmented_control(T.PAGE_TEXTS["breakdown_by"], list(DIMENSIONS), format_func=DIMENSIONS.get,
                                 default="ortsteil", key="dimension", bind="query-params") or "ortsteil"
table = show(metrics.breakdown(dataset, dimension, filters), publication.publish_breakdown, headline, dimension)
event = chart_card(charts.breakdown_bars(table.frame, DIMENSIONS[dimension]), table, TABLE_COLUMNS,
                   description=T.PAGE_TEXTS["breakdown_bars"].format(group=DIMENSIONS[dimension]),
                   filename=f"biwaq_aufschluesselung_{dimension}", key=f"breakdown_{dimension}", meta=meta,
                   on_select="rerun")

labels = {charts.plot_text(row.label): row.key for row in table.raw.itertuples()}  # as the chart reports them
names = {charts.plot_text(row.label): row.label for row in table.raw.itertuples()}
picked = list(dict.fromkeys(p["y"] for p in (event.selection.points if event else []) if p.get("y") in labels))
if picked:
    keys = [labels[label] for label in picked]
    if dimension == "ortsteil":
        keys = table.raw.set_index("key").loc[keys, "ortsteil_nr"].tolist()
    selected = narrow(filters, "ortsteil_nr" if dimension == "ortsteil" else dimension, keys)
    st.subheader(T.PAGE_TEXTS["breakdown_selection_heading"].format(
        groups=escape_markdown(", ".join(names[label] for label in picked))))
    st.caption(escape_markdown("; ".join(describe_filters(selected))))  # Träger names come from the data
    selected_headline = publication.selection(dataset, selected)
    metric_cards(selected_headline,
                 ["participants", "employment", "vocational_training", "improved_prospects", "placement_rate",
                  "long_term_unemployed", "migration_background", "outcome_rate"])
    second = st.segmented_control(T.PAGE_TEXTS["breakdown_selection_by"],
                                  [d for d in DIMENSIONS if d != dimension], format_func=DIMENSIONS.get,
                                  default="gender" if dimension != "gender" else "age_group", key="dimension2")
    if second:
        inner = show(metrics.breakdown(dataset, second, selected), publication.publish_breakdown, selected_headline,
                     second)
        chart_card(charts.rate_bars(inner.frame, DIMENSIONS[second]), inner, TABLE_COLUMNS,
                   description=T.PAGE_TEXTS["breakdown_selection_rates"].format(group=DIMENSIONS[second]),
                   filename=f"biwaq_auswahl_{second}", key=f"inner_{second}", meta=meta)
else:
    st.subheader(T.PAGE_TEXTS["breakdown_rates_heading"])
    chart_card(charts.rate_bars(table.frame, DIMENSIONS[dimension]), table, TABLE_COLUMNS,
               description=T.PAGE_TEXTS["breakdown_rates"].format(group=DIMENSIONS[dimension]), filename=f"biwaq_quoten_{dimension}", key=f"rates_{dimension}", meta=meta)
