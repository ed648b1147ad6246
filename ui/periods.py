"""Period presets in the sidebar (bound to the URL as ?periode=…) and Überblick cards with the change against
the previous period of the same length. Definitions: biwaq_data.figures.periods, docs/steering.md section 3."""

from __future__ import annotations

import streamlit as st

from biwaq_data import Dataset, Filters, metrics, publication
from biwaq_data import texts_de as T
from biwaq_data.figures import periods
from biwaq_data.formatting import format_date, format_int, format_number, format_pct
from ui import publication as shown_publication

PRESET_KEY = "periode"
STATE_KEY = "biwaq_period_preset"
OUTCOME_KEYS = ("employment", "vocational_training", "improved_prospects", "with_outcome", "placement_rate")


def period_input(dataset: Dataset, default: tuple, date_input_args: dict):
    """The preset control and, for "eigener", the date range (key "zeitraum"). Returns the chosen period
    (a (start, end) tuple like st.date_input's) and remembers the preset for the pages.

    An old link with ?zeitraum=… but no ?periode=… opens as "eigener", so it shows the same period as before.
    """
    if PRESET_KEY not in st.session_state:
        st.session_state[PRESET_KEY] = ("custom" if "zeitraum" in st.query_params and PRESET_KEY not in
                                        st.query_params else "all")
    preset = st.segmented_control(T.PERIOD_PRESET_LABEL, list(periods.PRESETS), format_func=T.PERIOD_PRESETS.get,
                                  key=PRESET_KEY, bind="query-params", help=T.PERIOD_PRESET_HELP) or "all"
    st.session_state[STATE_KEY] = preset
    if preset == "custom":
        return st.date_input(value=default, key="zeitraum", bind="query-params", **date_input_args)
    chosen = periods.preset_period(preset, dataset.datenstand) or default
    st.caption(T.PERIOD_CHOSEN.format(start=format_date(chosen[0]), end=format_date(chosen[1])))
    return chosen


def current_preset() -> str:
    return st.session_state.get(STATE_KEY, "all")


def _delta_text(key: str, delta: float, label: str) -> str:
    if key.endswith("_rate"):
        return T.PERIOD_DELTA_PP.format(delta=("+" if delta > 0 else "") + format_number(delta * 100), label=label)
    return T.PERIOD_DELTA.format(delta=("+" if delta > 0 else "") + format_int(delta), label=label)


def comparison_cards(dataset: Dataset, filters: Filters, headline, keys: list[str], columns: int = 4) -> bool:
    """Metric cards with the change against the previous period (protected figures when publication mode is
    on for this page); returns False (drawing nothing) when there is no comparison period."""
    preset = current_preset()
    start, end = metrics.period(dataset, filters)
    previous = periods.previous_filters(filters, preset, start, end)
    if previous is None:
        return False
    label = T.PERIOD_PREVIOUS.get(preset, T.PERIOD_PREVIOUS["custom"])
    protected = shown_publication.is_on()
    now = shown_publication.figures(headline)
    before_selection = publication.selection(dataset, previous)
    before = before_selection.headline() if protected else before_selection.raw
    from ui.components import card_label, footnote_caption

    with st.container(key=f"biwaq_cards_cmp_{'_'.join(keys)}"):  # two per row on a phone (ui/style.py)
        for start in range(0, len(keys), columns):
            for col, key in zip(st.columns(columns), keys[start:start + columns]):
                text = now.text(key) if hasattr(now, "text") else (
                    format_pct(now[key]) if key.endswith("_rate") else format_int(now[key]))
                delta = periods.change(now[key], before[key])
                col.metric(card_label(key, key in getattr(now, "rounded_keys", ())), text,
                           help=T.METRIC_DEFINITIONS[key], border=True,
                           delta=_delta_text(key, delta, label) if delta is not None else None,
                           delta_color="normal" if key in OUTCOME_KEYS else "off")
    for figures in (now, before):  # the * rule, the rounding rule and the / rule, each once per page
        footnote_caption(getattr(figures, "footnote", None))
    st.caption(T.PERIOD_COMPARISON_NOTE.format(label=label, start=format_date(previous.period_start),
                                               end=format_date(previous.period_end)))
    return True
