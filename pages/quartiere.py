"""Quartiere: map of Duisburg (Stadtbezirke, Ortsteile as bubbles), the selected neighbourhoods, residents and a
side-by-side comparison. Layout only: figures come from biwaq_data (metrics, publication, places, areas) via ui.maps."""

import pandas as pd
import streamlit as st

from biwaq_data import publication
from biwaq_data.figures import areas
from biwaq_data.places import geometry
from biwaq_data.places import keys as place_keys
from biwaq_data import texts_de as T
from biwaq_data.formatting import format_int, format_number
from biwaq_data.publish.privacy import SUPPRESSION_SYMBOL as SUPPRESSED
from ui import charts, maps
from ui.auth import require_page
from ui.components import chart_card, metric_cards, page_header, stop_if_empty
from ui.data import current_dataset
from ui.publication import figures as published_figures
from ui.publication import show
from ui.sidebar import current_filters
from ui.figure_cache import Chart

require_page(__file__)  # also when a deep link runs this file without dashboard.py

N = T.NEIGHBOURHOOD_TEXTS
SELECT_KEY = "quartier"          # the multiselect, bound to the URL (?quartier=o202)
MAP_KEY = "quartiere_karte"
MAP_COLUMNS = {
    "ortsteil": (N["col_ortsteil"], "text"), "ortsteil_nr": (N["col_ortsteil_nr"], "text"),
    "bezirk": (N["col_bezirk"], "text"), "point_label": (N["col_has_point"], "text"),
    "participants": ("Teilnehmende", "int"), "employment": ("Beschäftigung", "int"),
    "vocational_training": ("Ausbildung", "int"), "improved_prospects": ("Verbesserte Perspektive", "int"),
    "placement_rate": ("Anteil in Arbeit/Ausbildung", "pct"), "outcome_rate": ("Ergebnisquote", "pct"),
    "einwohner": (N["col_population"], "int"), "stichtag": (N["col_stichtag"], "date"),
    "per_1000": (N["col_per_1000"], "number"),
}
BREAKDOWN_COLUMNS = {
    "label": ("Gruppe", "text"), "participants": ("Teilnehmende", "int"), "share": ("Anteil", "pct"),
    "employment": ("Beschäftigung", "int"), "vocational_training": ("Ausbildung", "int"),
    "improved_prospects": ("Verbesserte Perspektive", "int"), "placement_rate": ("Anteil in Arbeit/Ausbildung", "pct"),
    "outcome_rate": ("Ergebnisquote", "pct"),
}
DENSITY_COLUMNS = {
    "name": (N["col_ortsteil"], "text"), "participants": ("Teilnehmende", "int"),
    "einwohner": (N["col_population"], "int"), "stichtag": (N["col_stichtag"], "date"),
    "per_1000": (N["col_per_1000"], "number"), "quelle": (N["col_source"], "text"),
}
COMPARE_COLUMNS = {
    "area": (N["col_area"], "text"), "participants": ("Teilnehmende", "int"), "employment": ("Beschäftigung", "int"),
    "vocational_training": ("Ausbildung", "int"), "improved_prospects": ("Verbesserte Perspektive", "int"),
    "with_outcome": ("mit Ergebnis", "int"), "placement_rate": ("Anteil in Arbeit/Ausbildung", "pct"),
    "outcome_rate": ("Ergebnisquote", "pct"), "einwohner": (N["col_population"], "int"),
    "stichtag": (N["col_stichtag"], "text"), "per_1000": (N["col_per_1000"], "number"),
    "quelle": (N["col_sources"], "text"),
}
FUNNEL_COLUMNS = {"label": ("Stufe", "text"), "persons": ("Personen", "int"),
                  "share_of_initial": (T.SHARE_OF_INITIAL, "pct"), "share_of_previous": (T.SHARE_OF_PREVIOUS, "pct")}


def _select_from_map() -> None:
    """A click on a bubble or Stadtbezirk adds it to the list selection, or removes it when already selected."""
    event = st.session_state.get(MAP_KEY)
    clicked = maps.keys_from_points(event.selection.points if event is not None else [])
    if clicked:
        st.session_state[SELECT_KEY] = place_keys.toggle_keys(st.session_state.get(SELECT_KEY) or [], clicked)


dataset, filters = current_dataset(), current_filters()
meta = page_header(T.PAGE_TITLES["neighbourhoods"], dataset, filters, intro=N["intro"])
headline = publication.selection(dataset, filters)  # reads like metrics.headline(); protects all its tables
stop_if_empty(headline)

boundaries = geometry.ortsteil_boundaries()
data = maps.shared_map_data(dataset, filters, headline, boundaries)
# Each Stadtbezirk, then its Ortsteile by name (place_options lists them by number)
options, group = {}, []
for key, label in list(place_keys.place_options().items()) + [("b", "")]:
    if key.startswith("b"):
        options.update(sorted(group, key=lambda item: item[1].casefold()))
        group = []
        if label:
            options[key] = label
    else:
        group.append((key, label))

map_col, side_col = st.columns([3, 2], gap="large")
with side_col:
    picked = st.multiselect(N["selection_label"], list(options), format_func=options.get, key=SELECT_KEY,
                            placeholder=N["selection_placeholder"], help=N["selection_help"],
                            bind="query-params", select_all=False)
    picked = place_keys.normalise_keys(picked)
    selected_filters = areas.selection_filters(filters, picked)
    selected = publication.selection(dataset, selected_filters) if picked else headline
    if picked:
        st.subheader(N["selection_heading"].format(names=", ".join(place_keys.selection_names(picked))))
    elif filters.is_active():  # the sidebar filters already narrow the figures: say so, not "ganz Duisburg"
        st.subheader(N["selection_filtered"])
        st.caption(f"{T.ACTIVE_FILTERS}: {meta[T.ACTIVE_FILTERS]}")
    else:
        st.subheader(N["selection_all"])
    metric_cards(selected, ["participants", "with_outcome", "placement_rate", "outcome_rate",
                            "employment", "vocational_training", "improved_prospects", "long_term_unemployed"],
                 columns=2, key="quartier_auswahl")
    if picked:
        area = areas.compare({"": (place_keys.ortsteile_of(picked), published_figures(selected))}).iloc[0]
        if pd.notna(area["einwohner"]):
            value = SUPPRESSED if pd.isna(area["per_1000"]) else format_number(area["per_1000"])
            st.metric(N["selection_density"], value, border=True,
                      help=N["selection_density_help"].format(einwohner=format_int(area["einwohner"]),
                                                              stichtag=area["stichtag"], sources=area["quelle"]))
        else:
            st.caption(N["selection_density_unknown"].format(names=", ".join(place_keys.selection_names(picked))))

with map_col:
    st.subheader(N["map_heading"])
    if boundaries.problem:
        st.warning(N["official_problem"].format(env=geometry.ENV_PATH, reason=boundaries.problem),
                   icon=":material/map:")
    chart_card(maps.shared_neighbourhood_map(dataset, filters, data, boundaries, picked), data.table, MAP_COLUMNS,
               description=N["map_description_official" if boundaries.official else "map_description"],
               filename="biwaq_quartiere_karte", key=MAP_KEY, meta=meta,
               on_select=_select_from_map)
    if boundaries.official:
        st.caption(N["map_source_official"].format(path=boundaries.setting.path.name, env=geometry.ENV_PATH,
                                                   prop=boundaries.setting.property, n=len(boundaries.numbers),
                                                   attribution=T.OSM_ATTRIBUTION))
        for note in boundaries.notes:
            st.caption(N["official_partial"].format(details=note))
    else:
        st.caption(N["map_source"].format(attribution=T.OSM_ATTRIBUTION, n_osm=len(boundaries.numbers)))
    missing = areas.unplaced(data.frame)
    st.caption(N["unplaced"].format(items="; ".join(
        N["unplaced_item"].format(ortsteil=r.ortsteil, bezirk=r.bezirk, participants=maps.count_text(r.participants))
        for r in missing.itertuples())) if len(missing) else N["unplaced_none"])

# Below the map, three views as tabs bound to the URL (?ansicht=…): only the open one is computed and sent,
# so the page draws the map and the selection first and nothing it does not show (bench_browser).
VIEWS = [N["tab_selection"], N["tab_density"], N["tab_compare"]]
selection_tab, density_tab, compare_tab = st.tabs(VIEWS, key="ansicht", bind="query-params", on_change="rerun")
with selection_tab:
    if selection_tab.open:
        if selected["participants"] == 0:
            st.warning(N["selection_empty"], icon=":material/search_off:")
        else:
            funnel_col, composition_col = st.columns(2, gap="large")
            with funnel_col:
                st.subheader(N["funnel_heading"])
                stages = show(publication.metric_frame(dataset, selected_filters, "funnel"),
                              publication.publish_funnel, selected)
                chart_card(Chart(charts.funnel, stages.frame), stages, FUNNEL_COLUMNS,
                           description=N["funnel_description"],
                           filename="biwaq_quartiere_trichter", key="quartiere_funnel", meta=meta)
            with composition_col:
                st.subheader(N["composition_heading"])
                dimensions = T.NEIGHBOURHOOD_DIMENSIONS
                dimension = st.selectbox(N["composition_by"], list(dimensions), format_func=dimensions.get,
                                         key="quartiere_dimension")
                inner = show(publication.metric_frame(dataset, selected_filters, f"breakdown:{dimension}"),
                             publication.publish_breakdown, selected, dimension)
                chart_card(Chart(charts.breakdown_bars, inner.frame, dimensions[dimension]), inner,
                           BREAKDOWN_COLUMNS,
                           description=N["composition_description"].format(dimension=dimensions[dimension]),
                           filename=f"biwaq_quartiere_{dimension}", key=f"quartiere_composition_{dimension}",
                           meta=meta)
with density_tab:
    if density_tab.open:
        st.subheader(N["density_heading"])
        density_col, source_col = st.columns([3, 2], gap="large")
        with density_col:
            chart_card(Chart(maps.density_bars, data.density.frame), data.density, DENSITY_COLUMNS,
                       description=N["density_description"], filename="biwaq_quartiere_je_1000_einwohner",
                       key="quartiere_density", meta=meta)
        with source_col:
            st.caption(N["density_intro"])
            dates = sorted(set(data.density.raw["stichtag"]))
            if len(dates) > 1:
                st.warning(N["density_stichtag_warning"].format(
                    dates=", ".join(d.strftime("%d.%m.%Y") for d in dates)), icon=":material/event:")
            st.caption(N["density_source"].format(sources="; ".join(dict.fromkeys(data.density.raw["quelle"]))))
with compare_tab:
    if compare_tab.open:
        st.subheader(N["compare_heading"])
        ortsteil_names = dict(zip(data.frame["ortsteil_nr"], data.frame["ortsteil"]))
        ortsteil_labels = {nr: N["option_ortsteil"].format(name=name, nr=nr, bezirk=b)  # listed by name
                           for name, nr, b in sorted(zip(data.frame["ortsteil"], data.frame["ortsteil_nr"],
                                                         data.frame["bezirk"]), key=lambda t: t[0].casefold())}
        col_a, col_b = st.columns(2)
        side_a = col_a.multiselect(N["compare_a"], list(ortsteil_labels), default=[202],
                                   format_func=ortsteil_labels.get, key="vergleich_a", help=N["compare_help"],
                                   bind="query-params", placeholder=T.CHOOSE, select_all=False)
        side_b = col_b.multiselect(N["compare_b"], list(ortsteil_labels), default=[508],
                                   format_func=ortsteil_labels.get, key="vergleich_b", help=N["compare_help"],
                                   bind="query-params", placeholder=T.CHOOSE, select_all=False)
        name_a = ", ".join(ortsteil_names[n] for n in side_a)
        name_b = ", ".join(ortsteil_names[n] for n in side_b)
        if name_a == name_b:
            name_a, name_b = f"{N['compare_a']}: {name_a}", f"{N['compare_b']}: {name_b}"
        groups = {name: tuple(side) for name, side in ((name_a, side_a), (name_b, side_b)) if side}
        if groups:
            comparison = maps.comparison(dataset, filters, groups)
            chart_card(Chart(maps.comparison_bars, comparison.frame), comparison, COMPARE_COLUMNS,
                       description=N["compare_description"], filename="biwaq_quartiere_vergleich",
                       key="quartiere_compare", meta=meta)
        else:
            st.info(N["compare_none"], icon=":material/compare_arrows:")
