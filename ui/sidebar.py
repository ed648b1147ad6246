"""The shared sidebar filters. Every widget is bound to the URL, so a copied link opens the same view."""

from __future__ import annotations

from datetime import date

import streamlit as st

from biwaq_data import Dataset, Filters, metrics
from biwaq_data import texts_de as T
from biwaq_data.formatting import escape_markdown, format_date
from biwaq_data.figures.filters import EMPLOYMENT_FILTER_VALUES
from biwaq_data.ingest.schema import AGE_GROUPS, PARTICIPANT_CATEGORIES
from ui import periods, publication
from ui.data import per_version

# Widget key = URL query parameter name.
KEYS = ("periode", "zeitraum", "traeger", "bezirk", "ortsteil", "status", "migration", "geschlecht", "alter")
STATE_KEY = "biwaq_filters"
SAVED_KEY = "biwaq_filters_saved"


def choices(dataset: Dataset) -> dict:
    """What the filters offer; depends only on the data, so computed once per data version (ui.data.per_version)."""
    ref = metrics.ortsteil_options(dataset)  # same rows as drop_duplicates over all participants, ~10x faster
    return {"first": dataset.participants["entry_date"].min().date(), "last": dataset.datenstand.date(),
            "providers": sorted(dataset.participants["provider"].cat.categories),
            "bezirke": list(ref["bezirk"].drop_duplicates()),
            # Ortsteile listed by name (the reference table is ordered by their number)
            "ortsteil_label": {int(r.ortsteil_nr): f"{r.ortsteil} ({r.bezirk})"
                               for r in ref.sort_values("ortsteil", key=lambda s: s.str.casefold()).itertuples()},
            "bezirk_of": {int(r.ortsteil_nr): r.bezirk for r in ref.itertuples()}}


def _defaults(dataset: Dataset) -> dict:
    c = per_version(dataset, "sidebar", choices)
    return {"periode": "all", "zeitraum": (c["first"], c["last"]), "traeger": [], "bezirk": [],
            "ortsteil": [], "status": [], "migration": "all", "geschlecht": [], "alter": []}


def _reset(defaults: dict) -> None:
    for key, value in defaults.items():
        st.session_state[key] = value


def keep_for_later() -> None:
    """On a page the filters do not apply to (Daten): no filters in the sidebar, but their values are kept
    (Streamlit forgets the state of widgets not drawn in a run), so the next page shows the same selection."""
    saved = {k: st.session_state[k] for k in KEYS if k in st.session_state}
    if saved:
        st.session_state[SAVED_KEY] = saved
    st.session_state[STATE_KEY] = Filters()
    with st.sidebar:
        st.caption(T.FILTERS_NOT_HERE)


def _dropped_from_link(from_link: dict[str, list[str]], first: date, last: date) -> list[str]:
    """German notes for link values the widgets did not take (Streamlit drops them silently)."""
    labels = {"zeitraum": T.FILTER_LABELS["period"], "traeger": T.FILTER_LABELS["providers"],
              "bezirk": T.FILTER_LABELS["bezirke"], "ortsteil": T.FILTER_LABELS["ortsteile"],
              "status": T.FILTER_LABELS["employment"], "migration": T.FILTER_LABELS["migration_background"],
              "geschlecht": T.FILTER_LABELS["genders"], "alter": T.FILTER_LABELS["age_groups"]}
    notes = []
    for key, before in from_link.items():
        kept = st.query_params.get_all(key)
        for value in [v for v in before if v not in kept]:
            if key == "zeitraum":
                try:
                    day = date.fromisoformat(value)
                except ValueError:
                    reason = T.FILTER_REASON_BAD_DATE.format(value=value)
                else:
                    if first <= day <= last:
                        continue  # fine itself; the other end of the period was not
                    reason = T.FILTER_REASON_OUT_OF_RANGE.format(value=format_date(day), first=format_date(first),
                                                                 last=format_date(last))
            else:
                reason = T.FILTER_REASON_UNKNOWN.format(value=value)
            notes.append(T.FILTER_LINK_IGNORED.format(label=labels[key], reason=escape_markdown(reason)))
    return notes


def render_filters(dataset: Dataset) -> Filters:
    """Draw the filters in the sidebar and return them; also kept in session state for the pages."""
    for key, value in st.session_state.pop(SAVED_KEY, {}).items():
        if key not in st.session_state:
            st.session_state[key] = value
    L, C = T.FILTER_LABELS, T.CATEGORY_LABELS
    c = per_version(dataset, "sidebar", choices)
    defaults = _defaults(dataset)
    first, last = defaults["zeitraum"]
    ortsteil_label = c["ortsteil_label"]
    bound = {"bind": "query-params"}
    many = {"select_all": False, "placeholder": T.FILTER_ALL}  # no English "Select all" (Enter chose everything)
    from_link = {key: st.query_params.get_all(key) for key in KEYS}  # before the widgets drop invalid values
    problems: list[str] = []
    with st.sidebar:
        st.header(T.FILTER_HEADER)
        period = periods.period_input(dataset, defaults["zeitraum"], dict(  # presets (issue 16), else date range
            label=L["period"], min_value=first, max_value=last, format="DD.MM.YYYY"))
        providers = st.multiselect(L["providers"], c["providers"], key="traeger", **many, **bound)
        bezirke = st.multiselect(L["bezirke"], c["bezirke"], key="bezirk", **many, **bound)
        ortsteil_options = [nr for nr, label in ortsteil_label.items()
                            if not bezirke or c["bezirk_of"][nr] in bezirke]
        ortsteile = st.multiselect(L["ortsteile"], ortsteil_options, format_func=ortsteil_label.get, key="ortsteil",
                                   **many, **bound)
        employment = st.multiselect(L["employment"], list(EMPLOYMENT_FILTER_VALUES), key="status",
                                    format_func=C["employment_filter"].get, **many, **bound)
        migration = st.segmented_control(L["migration_background"], list(T.MIGRATION_CHOICES), key="migration",
                                         format_func=T.MIGRATION_CHOICES.get, default="all", **bound)
        genders = st.multiselect(L["genders"], list(PARTICIPANT_CATEGORIES["gender"]), key="geschlecht",
                                 format_func=C["gender"].get, **many, **bound)
        ages = st.multiselect(L["age_groups"], list(AGE_GROUPS), key="alter", format_func=C["age_group"].get,
                              **many, **bound)
        problems += _dropped_from_link(from_link, first, last)
        publication.render_toggle()
        st.button(T.FILTER_RESET, on_click=_reset, args=(defaults,), icon=":material/restart_alt:",
                  width="stretch")
        st.caption(T.FILTER_LINK_HINT)
    start, end = (tuple(period) + (None, None))[:2] if isinstance(period, (tuple, list)) else (period, None)
    if start and end and start > end:  # only a link can give this: the whole period applies, and the page says why
        problems.append(T.FILTER_LINK_IGNORED.format(label=L["period"], reason=T.FILTER_REASON_REVERSED.format(
            start=format_date(start), end=format_date(end))))
        start, end = None, None
    if problems:  # above the page, where the person who opened the link looks first
        st.warning("  \n".join(problems), icon=":material/link_off:")
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
