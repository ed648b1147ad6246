"""Aufschlüsselung: participants and outcome rates by a chosen attribute; choosing groups narrows the page.

Groups are chosen in a list (keyboard) or by clicking bars (the click adds or removes the group in the same
list). The choice is bound to the URL (?auswahl=…), named in the "Aktive Filter" line, and its result is shown
right below the chart.
"""

import streamlit as st

from biwaq_data import places, publication
from biwaq_data import texts_de as T
from biwaq_data.figures.filters import narrow
from biwaq_data.formatting import escape_markdown
from ui import charts
from ui.components import chart_card, filter_line, metric_cards, open_page
from ui.auth import require_page
from ui.publication import show
from ui.figure_cache import Chart

require_page(__file__)  # also when a deep link runs this file without dashboard.py

DIMENSIONS = T.BREAKDOWN_DIMENSIONS
PICK_KEY = "auswahl"  # the chosen groups, bound to the URL
BY_SIZE = ("ortsteil", "bezirk", "provider")  # no natural order: bars by participants, lists by name
TABLE_COLUMNS = {
    "label": ("Gruppe", "text"), "participants": ("Teilnehmende", "int"), "share": ("Anteil", "pct"),
    "employment": ("Beschäftigung", "int"), "vocational_training": ("Ausbildung", "int"),
    "improved_prospects": ("Verbesserte Perspektive", "int"), "with_outcome": ("mit Ergebnis", "int"),
    "placement_rate": ("Anteil in Arbeit/Ausbildung", "pct"), "outcome_rate": ("Ergebnisquote", "pct"),
}


def single_valued(filters) -> set[str]:
    """Dimensions the sidebar filters already fix to one group (a breakdown by them would be one bar)."""
    f, fixed = filters, set()
    bezirk_of = dict(zip(places.ortsteile()["ortsteil_nr"], places.ortsteile()["bezirk"]))
    if len(f.ortsteile) == 1:
        fixed.add("ortsteil")
    if len(f.bezirke) == 1 or (f.ortsteile and len({bezirk_of.get(int(n)) for n in f.ortsteile}) == 1):
        fixed.add("bezirk")
    for dimension, values in (("gender", f.genders), ("age_group", f.age_groups), ("provider", f.providers),
                              ("education", f.educations), ("referral_source", f.referral_sources),
                              ("employment_status", f.employment)):
        if len(values) == 1:
            fixed.add(dimension)
    if f.migration_background is not None:
        fixed.add("migration_background")
    return fixed


def _clear_pick() -> None:
    """Another dimension: the chosen groups of the previous one no longer apply."""
    st.session_state[PICK_KEY] = []


def _pick_from_chart(chart_key: str, known: list[str]) -> None:
    """A clicked bar adds its group to the list, or removes it when it is already chosen. (The chart reports a
    group in the form charts.plot_text made inert for plotly.)"""
    event = st.session_state.get(chart_key)
    reported = {charts.plot_text(label): label for label in known}
    clicked = [reported[p.get("y")] for p in (event.selection.points if event is not None else [])
               if p.get("y") in reported]
    chosen = list(st.session_state.get(PICK_KEY) or [])
    for label in dict.fromkeys(clicked):
        if label in chosen:
            chosen.remove(label)
        else:
            chosen.append(label)
    st.session_state[PICK_KEY] = chosen


dataset, filters, meta, headline = open_page(T.PAGE_TITLES["breakdown"], show_filters=False)
filter_slot = st.empty()  # the "Aktive Filter" line, filled once the groups chosen on this page are known
st.caption(T.PAGE_TEXTS["breakdown_intro"])

fixed = single_valued(filters)
options = [d for d in DIMENSIONS if d not in fixed]
if fixed:
    st.caption(T.PAGE_TEXTS["breakdown_fixed"].format(dimensions=", ".join(DIMENSIONS[d] for d in DIMENSIONS
                                                                            if d in fixed)))
dimension = st.segmented_control(T.PAGE_TEXTS["breakdown_by"], options, format_func=DIMENSIONS.get,
                                 default=options[0], key="dimension", bind="query-params",
                                 on_change=_clear_pick) or options[0]
if dimension not in options:
    dimension = options[0]
table = show(publication.metric_frame(dataset, filters, f"breakdown:{dimension}"), publication.publish_breakdown,
             headline, dimension)
labels = {row.label: row.key for row in table.raw.itertuples()}
if dimension in BY_SIZE:  # places and Träger: largest group on top; the list of groups by name
    labels = dict(sorted(labels.items(), key=lambda item: item[0].casefold()))
chart_key = f"breakdown_{dimension}"

if PICK_KEY in st.session_state:  # drop groups that do not exist in this breakdown (e.g. from an old link)
    st.session_state[PICK_KEY] = [x for x in st.session_state[PICK_KEY] if x in labels]
picked = st.multiselect(T.PAGE_TEXTS["breakdown_pick"].format(group=DIMENSIONS[dimension]), list(labels),
                        key=PICK_KEY, bind="query-params", placeholder=T.PAGE_TEXTS["breakdown_pick_none"],
                        help=T.PAGE_TEXTS["breakdown_pick_help"], select_all=False)

selected = filters
if picked:
    keys = [labels[label] for label in picked]
    if dimension == "ortsteil":
        keys = table.raw.set_index("key").loc[keys, "ortsteil_nr"].tolist()
    selected = narrow(filters, "ortsteil_nr" if dimension == "ortsteil" else dimension, keys)
with filter_slot.container():
    filter_line(meta, filters,  # (Träger names come from the data: escaped)
                drill=escape_markdown(f"{DIMENSIONS[dimension]}: {', '.join(picked)}") if picked else None)

bars = table.frame.sort_values("participants", ascending=False, kind="stable") if dimension in BY_SIZE else table.frame
chart_card(Chart(charts.breakdown_bars, bars, DIMENSIONS[dimension]), table, TABLE_COLUMNS,
           description=T.PAGE_TEXTS["breakdown_bars"].format(group=DIMENSIONS[dimension]),
           filename=f"biwaq_aufschluesselung_{dimension}", key=chart_key, meta=meta,
           on_select=_pick_from_chart, on_select_args=(chart_key, list(labels)))

if picked:
    with st.container(border=True, key="biwaq_drill_result"):
        st.subheader(T.PAGE_TEXTS["breakdown_selection_heading"].format(
            groups=escape_markdown(", ".join(picked))))  # Träger names come from the data
        selected_headline = publication.selection(dataset, selected)
        metric_cards(selected_headline,
                     ["participants", "employment", "vocational_training", "improved_prospects", "placement_rate",
                      "long_term_unemployed", "migration_background", "outcome_rate"], key="drill")
        inner_options = [d for d in DIMENSIONS if d != dimension and d not in single_valued(selected)]
        second = st.segmented_control(T.PAGE_TEXTS["breakdown_selection_by"], inner_options,
                                      format_func=DIMENSIONS.get, key="dimension2",
                                      default="gender" if "gender" in inner_options else inner_options[0])
        if second:
            inner = show(publication.metric_frame(dataset, selected, f"breakdown:{second}"), publication.publish_breakdown,
                         selected_headline, second)
            chart_card(Chart(charts.rate_bars, inner.frame, DIMENSIONS[second]), inner, TABLE_COLUMNS,
                       description=T.PAGE_TEXTS["breakdown_selection_rates"].format(group=DIMENSIONS[second]),
                       filename=f"biwaq_auswahl_{second}", key=f"inner_{second}", meta=meta)
else:
    st.subheader(T.PAGE_TEXTS["breakdown_rates_heading"])
    chart_card(Chart(charts.rate_bars, bars, DIMENSIONS[dimension]), table, TABLE_COLUMNS,
               description=T.PAGE_TEXTS["breakdown_rates"].format(group=DIMENSIONS[dimension]),
               filename=f"biwaq_quoten_{dimension}", key=f"rates_{dimension}", meta=meta)
