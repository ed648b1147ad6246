"""Reusable page pieces: header with Datenstand and filters, metric cards, chart cards with table and download."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from biwaq_data import Dataset, Filters
from biwaq_data import texts_de as T
from biwaq_data.publish.describe import context
from biwaq_data.formatting import escape_markdown, format_date, format_int, format_number, format_pct
from biwaq_data.publish.privacy import FOOTNOTE_DE
from ui import publication
from ui.publication import Shown

PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def context_meta(dataset: Dataset, filters: Filters) -> dict[str, str]:
    """Datenstand, period, source, data version and filters: shown on every page and in every export."""
    return context(dataset, filters)


def page_header(title: str, dataset: Dataset, filters: Filters, intro: str | None = None) -> dict[str, str]:
    """Title, one line of context (Datenstand, period, source, version) and the active filters.

    Source and filters carry text from the data (file names, Träger): escaped, so they never format or link.
    """
    st.session_state[_FOOTNOTES_KEY] = set()  # a new page run: each publication footnote once (footnote_caption)
    st.title(title)
    meta = context_meta(dataset, filters)
    st.markdown(
        f"**{T.DATENSTAND}:** {meta[T.DATENSTAND]} · **{T.PERIOD}:** {meta[T.PERIOD]} · "
        f"**{T.SOURCE}:** {escape_markdown(meta[T.SOURCE])} · **{T.SNAPSHOT}:** `{meta[T.SNAPSHOT]}`")
    if filters.is_active():
        st.info(f"**{T.ACTIVE_FILTERS}:** {escape_markdown(meta[T.ACTIVE_FILTERS])}", icon=":material/filter_alt:")
    else:
        st.caption(f"{T.ACTIVE_FILTERS}: {T.NO_FILTERS}. {T.PERIOD_NOTE}")
    if intro:
        st.caption(intro)
    return meta


def open_page(title: str, intro: str | None = None):
    """The start every figures page shares: data, filters, header, and the protected selection.

    Returns (dataset, filters, meta, selection); stops with a friendly message when the filters leave nobody.
    `selection` reads like metrics.headline() and protects all tables of this selection together.
    """
    from biwaq_data import publication as protected
    from ui.data import current_dataset
    from ui.sidebar import current_filters

    dataset, filters = current_dataset(), current_filters()
    meta = page_header(title, dataset, filters, intro=intro)
    selection = protected.selection(dataset, filters)
    stop_if_empty(selection)
    return dataset, filters, meta, selection


def stop_if_empty(headline: dict) -> None:
    """A friendly message instead of empty charts when the filters leave nobody."""
    if headline["participants"] == 0:
        st.warning(T.EMPTY_SELECTION, icon=":material/search_off:")
        st.stop()


def metric_cards(headline: dict, keys: list[str], columns: int = 4) -> None:
    """st.metric cards with the metric's definition on hover; protected figures when publication mode is on."""
    shown = publication.figures(headline)
    rounded = getattr(shown, "rounded_keys", frozenset())
    for start in range(0, len(keys), columns):
        cols = st.columns(columns)
        for col, key in zip(cols, keys[start:start + columns]):
            if hasattr(shown, "text"):
                text = shown.text(key)
            else:
                text = format_pct(shown[key]) if key.endswith("_rate") else format_int(shown[key])
            label = T.METRIC_LABELS[key] + (f" ({T.PUBLICATION_ROUNDED_BADGE})" if key in rounded else "")
            col.metric(label, text, help=T.METRIC_DEFINITIONS[key], border=True)
    footnote_caption(getattr(shown, "footnote", None))


_FOOTNOTES_KEY = "biwaq_footnotes_shown"


def footnote_caption(footnote: str | None) -> None:
    """The publication footnote(s) as a caption, each text once per page (issue 13: not under every chart);
    the ``*`` marker only when the ``*`` rule is part of it."""
    if not footnote:
        return
    shown = st.session_state.setdefault(_FOOTNOTES_KEY, set())
    if footnote in shown:
        return
    shown.add(footnote)
    st.caption(f"\\* {footnote}" if FOOTNOTE_DE in footnote else footnote)


def display_table(shown: Shown, columns: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """German column headers and number formats for screen tables. columns: name -> (label, kind)."""
    if shown.on_screen_protected and shown.published is not None:
        text = shown.published.text()
        return pd.DataFrame({label: text[name].map(lambda v, k=kind: format_date(v) if k == "date" else v)
                             for name, (label, kind) in columns.items()})
    formatters = {"int": format_int, "pct": format_pct, "text": str, "date": format_date,
                  "number": format_number}
    return pd.DataFrame({label: shown.raw[name].map(formatters[kind]) for name, (label, kind) in columns.items()})


def export_table(shown: Shown, columns: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """The same columns with German headers but numbers (rates in percent, '*' where withheld) for downloads."""
    frame = shown.export_frame()
    out = {}
    for name, (label, kind) in columns.items():
        values = frame[name]
        if kind == "pct":
            values = values.map(lambda v: v if isinstance(v, str) or pd.isna(v) else float(v) * 100)
        out[f"{label} (%)" if kind == "pct" else label] = values
    return pd.DataFrame(out)


def download_buttons(tables: dict[str, pd.DataFrame], meta: dict[str, str], filename: str, key: str) -> None:
    """CSV (first table) and Excel (all tables) downloads with Datenstand, version, filters and definitions."""
    from biwaq_data import export

    first = next(iter(tables.values()))
    c1, c2 = st.columns(2)
    c1.download_button(T.DOWNLOAD_CSV, export.to_csv_bytes(first, meta), file_name=f"{filename}.csv",
                       mime="text/csv", key=f"{key}_csv", icon=":material/download:", on_click="ignore")
    c2.download_button(T.DOWNLOAD_XLSX, export.to_excel_bytes(tables, meta), file_name=f"{filename}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=f"{key}_xlsx", icon=":material/table_view:", on_click="ignore")


def chart_card(fig, shown: Shown, columns: dict[str, tuple[str, str]], *, description: str, filename: str,
               key: str, meta: dict[str, str], on_select=None, selection_mode=("points",)):
    """A chart with its description (alt text), a table view and downloads of the data behind it.

    `fig` is built from `shown.frame` (protected values in publication mode); the footnote follows when
    anything is withheld.
    """
    if isinstance(shown, pd.DataFrame):
        shown = Shown.plain(shown)
    if shown.on_screen_protected and shown.published is not None and shown.published.suppressed_any:
        from ui.charts import mark_withheld

        fig = mark_withheld(fig)  # a * in place of every withheld bar / point
    event = st.plotly_chart(fig, width="stretch", key=key, config=PLOTLY_CONFIG,
                            on_select=on_select or "ignore", selection_mode=selection_mode)
    st.caption(f"{T.CHART_DESCRIPTION}: {description}")
    footnote_caption(shown.footnote)
    with st.expander(T.TABLE_VIEW, icon=":material/table:"):
        st.dataframe(display_table(shown, columns), hide_index=True, width="stretch")
        download_buttons({filename: export_table(shown, columns)}, meta, filename, key)
    return event
