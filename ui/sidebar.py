"""The shared sidebar filters. Every widget is bound to the URL, so a copied link opens the same view."""

from __future__ import annotations

import streamlit as st

from biwaq_data import Dataset, Filters, metrics
from biwaq_data import texts_de as T
from biwaq_data.figures.filters import EMPLOYMENT_FILTER_VALUES
from biwaq_data.ingest.schema import AGE_GROUPS, PARTICIPANT_CATEGORIES
from ui import publication
from ui.data import per_version

# Widget key = URL query parameter name.
KEYS = ("zeitraum", "traeger", "bezirk", "ortsteil", "status", "migration", "geschlecht", "alter")
STATE_KEY = "biwaq_filters"


def choices(dataset: Dataset) -> dict:
    """What the filters offer; depends only on the data, so computed once per data version (ui.data.per_version)."""
    ref = metrics.ortsteil_options(dataset)  # same rows as drop_duplicates over all participants, ~10x faster
    return {"first": dataset.participants["entry_date"].min().date(), "last": dataset.datenstand.date(),
            "providers": sorted(dataset.participants["provider"].cat.categories),
            "bezirke": list(ref["bezirk"].drop_duplicates()),
            "ortsteil_label": {int(r.ortsteil_nr): f"{r.ortsteil} ({r.bezirk})" for r in ref.itertuples()},
            "bezirk_of": {int(r.ortsteil_nr): r.bezirk for r in ref.itertuples()}}


def _defaults(dataset: Dataset) -> dict:
    c = per_version(dataset, "sidebar", choices)
    return {"zeitraum": (c["first"], c["last"]), "traeger": [], "bezirk": [],
            "ortsteil": [], "status": [], "migration": "all", "geschlecht": [], "alter": []}


def _reset(defaults: dict) -> None:
    for key, value in defaults.items():
        st.session_state[key] = value


def render_filters(dataset: Dataset) -> Filters:
    """Draw the filters in the sidebar and return them; also kept in session state for the pages."""
    L, C = T.FILTER_LABELS, T.CATEGORY_LABELS
    c = per_version(dataset, "sidebar", choices)
    defaults = _defaults(dataset)
    first, last = defaults["zeitraum"]
    ortsteil_label = c["ortsteil_label"]
    bound = {"bind": "query-params"}
    with st.sidebar:
        st.header(T.FILTER_HEADER)
        period = st.date_input(L["period"], value=defaults["zeitraum"], min_value=first, max_value=last,
                               format="DD.MM.YYYY", key="zeitraum", **bound)
        providers = st.multiselect(L["providers"], c["providers"], key="traeger",
                                   placeholder="alle", **bound)
        bezirke = st.multiselect(L["bezirke"], c["bezirke"], key="bezirk",
                                 placeholder="alle", **bound)
        ortsteil_options = [nr for nr, label in ortsteil_label.items()
                            if not bezirke or c["bezirk_of"][nr] in bezirke]
        ortsteile = st.multiselect(L["ortsteile"], ortsteil_options, format_func=ortsteil_label.get, key="ortsteil",
                                   placeholder="alle", **bound)
        employment = st.multiselect(L["employment"], list(EMPLOYMENT_FILTER_VALUES), key="status",
                                    format_func=C["employment_filter"].get, placeholder="alle", **bound)
        migration = st.segmented_control(L["migration_background"], list(T.MIGRATION_CHOICES), key="migration",
                                         format_func=T.MIGRATION_CHOICES.get, default="all", **bound)
        genders = st.multiselect(L["genders"], list(PARTICIPANT_CATEGORIES["gender"]), key="geschlecht",
                                 format_func=C["gender"].get, placeholder="alle", **bound)
        ages = st.multiselect(L["age_groups"], list(AGE_GROUPS), key="alter", format_func=C["age_group"].get,
                              placeholder="alle", **bound)
        publication.render_toggle()
        st.button(T.FILTER_RESET, on_click=_reset, args=(defaults,), icon=":material/restart_alt:",
                  width="stretch")
        st.caption(T.FILTER_LINK_HINT)
    start, end = (tuple(period) + (None, None))[:2] if isinstance(period, (tuple, list)) else (period, None)
    filters = Filters(
        period_start=start if start and start != first else None,
        period_end=end if end and end != last else None,
        providers=tuple(providers), bezirke=tuple(bezirke), ortsteile=tuple(int(x) for x in ortsteile),
        employment=tuple(employment),
        migration_background={"yes": True, "no": False}.get(migration or "all"),
        genders=tuple(genders), age_groups=tuple(ages),
    )
    st.session_state[STATE_KEY] = filters
    return filters


def current_filters() -> Filters:
    """The filters the entry file drew for this run (no filters when a page runs on its own)."""
    return st.session_state.get(STATE_KEY, Filters())
