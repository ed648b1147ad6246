"""Kohorten: entry-quarter cohorts with fixed follow-up windows, and time to first outcome (Kaplan-Meier)."""

import streamlit as st

from biwaq_data import texts_de as T
from biwaq_data.figures import cohorts
from biwaq_data.formatting import escape_markdown
from biwaq_data.publish.cohorts import publish_cohorts, publish_survival
from ui import steering
from ui.auth import require_page
from ui.components import footnote_caption, open_page, plot
from ui.publication import is_on, show
from ui.tables import html_table
from ui.figure_cache import Chart

require_page(__file__)  # also when a deep link runs this file without dashboard.py

dataset, filters, meta, headline = open_page(T.PAGE_TITLES["cohorts"], intro=T.COHORT_PAGE_INTRO)

# Two analyses as tabs bound to the link (?ansicht=…): only the open one is computed and sent, so the page
# draws its first chart without the second analysis competing for the browser (bench_browser).
cohort_tab, survival_tab = st.tabs(list(T.COHORT_VIEWS.values()), key="ansicht", bind="query-params",
                                   on_change="rerun")
with cohort_tab:
    if cohort_tab.open:
        st.subheader(T.COHORT_TABLE_HEADING)
        table = show(cohorts.cohort_table(dataset, filters), publish_cohorts, headline)
        # without any share (all open, withheld or on too small a rounded cohort) the chart says so itself
        plot(Chart(steering.cohort_chart, table.frame), key="cohort_chart", description=T.COHORT_CHART)
        st.caption(f"{T.CHART_DESCRIPTION}: {T.COHORT_CHART}")
        html_table(steering.cohort_display(table), label=T.COHORT_TABLE_HEADING)  # static HTML, no table JS
        footnote_caption(table.footnote)  # the * rule, or the rounding and / rules (a selection other than the programme)
        st.markdown(T.COHORT_DEFINITION)
with survival_tab:
    if survival_tab.open:
        left, right = st.columns(2)
        by = left.segmented_control(T.SURVIVAL_GROUP, list(T.SURVIVAL_GROUPS), format_func=T.SURVIVAL_GROUPS.get,
                                    default="provider", key="kurve", bind="query-params")
        event = right.segmented_control(T.SURVIVAL_EVENT, list(T.SURVIVAL_EVENTS),
                                        format_func=T.SURVIVAL_EVENTS.get, default="any", key="ereignis",
                                        bind="query-params")
        curves = cohorts.survival(dataset, filters, by=by or "provider", event=event or "any")
        if is_on():
            rounded = bool(getattr(headline, "rounded", False))  # every selection but the programme
            grid, medians = publish_survival(curves, rounded=rounded)
            shown_curves = grid.dropna(subset=["reached"])
            plot(Chart(steering.survival_chart, shown_curves, stepped=False), key="survival_chart",
                 description=T.SURVIVAL_CHART)
            st.caption(T.SURVIVAL_PUBLICATION_NOTE + (" " + T.SURVIVAL_ROUNDED_NOTE if rounded else ""))
        else:
            medians = cohorts.medians(curves)
            plot(Chart(steering.survival_chart, curves), key="survival_chart", description=T.SURVIVAL_CHART)
        st.caption(f"{T.CHART_DESCRIPTION}: {T.SURVIVAL_CHART}")
        median_text = steering.median_texts(medians, published=is_on())
        for col, (group, text) in zip(st.columns(max(len(median_text), 1)), median_text.items()):
            col.metric(f"{T.SURVIVAL_MEDIAN}: {escape_markdown(group)}", text, help=T.SURVIVAL_DEFINITION,
                       border=True)
        st.markdown(T.SURVIVAL_DEFINITION)
