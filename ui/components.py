"""Reusable page pieces: header with Datenstand and filters, metric cards, chart cards with table and download."""

from __future__ import annotations

import html

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from biwaq_data import Dataset, Filters
from biwaq_data import texts_de as T
from biwaq_data.publish.describe import context, metric_label
from biwaq_data.formatting import escape_markdown, format_date, format_int, format_number, format_pct
from biwaq_data.publish.privacy import FOOTNOTE_DE
from ui import charts, publication
from ui.figure_cache import FIGURES, Chart
from ui.publication import Shown

# plotly.js ships only English: a German locale passed in the config (month names in hover dates, decimal comma).
# No mode bar: its eight English buttons (40 on Quartiere) sat over the legends on a phone; each chart has its
# table view and CSV/Excel downloads instead.
PLOTLY_LOCALE_DE = {
    "dictionary": {"Double-click to zoom back out": "Doppelklick zum Zurückzoomen", "trace": "Datenreihe",
                   "Click to enter Plot title": "Titel eingeben"},
    "format": {
        "days": ["Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"],
        "shortDays": ["So", "Mo", "Di", "Mi", "Do", "Fr", "Sa"],
        "months": list(T.MONTHS),
        "shortMonths": ["Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"],
        "date": "%d.%m.%Y", "decimal": ",", "thousands": ".",
    },
}
PLOTLY_CONFIG = {"displaylogo": False, "displayModeBar": False, "locale": "de", "locales": {"de": PLOTLY_LOCALE_DE}}


def theme_type() -> str:
    """'light' or 'dark': the theme the browser shows (st.context.theme; light when unknown, e.g. in AppTest)."""
    try:
        return "dark" if st.context.theme.type == "dark" else "light"
    except Exception:  # noqa: BLE001 - no browser context
        return "light"


def card_label(key: str, rounded: bool = False) -> str:
    """A card's label, capitalised like the chart labels ("In Beschäftigung"), long words breakable; `rounded`:
    with the "gerundet" badge the rounding footnote refers to (:func:`biwaq_data.publish.describe.metric_label`)."""
    return metric_label(key, rounded, T.CARD_LABEL_BREAKS)


def context_meta(dataset: Dataset, filters: Filters) -> dict[str, str]:
    """Datenstand, period, source, data version and filters: shown on every page and in every export."""
    return context(dataset, filters)


def page_header(title: str, dataset: Dataset, filters: Filters, intro: str | None = None,
                show_filters: bool = True) -> dict[str, str]:
    """Title, one line of context (Datenstand, period, source, version) and the active filters.

    Source and filters carry text from the data (file names, Träger): escaped, so they never format or link.
    show_filters=False: the page draws the "Aktive Filter" line itself (filter_line), e.g. after it knows the
    groups chosen on the page."""
    st.session_state[_FOOTNOTES_KEY] = set()  # a new page run: each publication footnote once (footnote_caption)
    st.title(title)
    meta = context_meta(dataset, filters)
    line = (f"**{T.DATENSTAND}:** {meta[T.DATENSTAND]} · **{T.PERIOD}:** {meta[T.PERIOD]} · "
            f"**{T.SOURCE}:** {escape_markdown(meta[T.SOURCE])}")
    if meta[T.SNAPSHOT] != meta[T.SOURCE]:  # the sample data's version is its source: said once, as plain text
        line += f" · **{T.SNAPSHOT}:** {escape_markdown(meta[T.SNAPSHOT])}"
    st.markdown(line)
    if show_filters:
        filter_line(meta, filters)
    if intro:
        st.caption(intro)
    return meta


def filter_line(meta: dict[str, str], filters: Filters, drill: str | None = None) -> None:
    """The "Aktive Filter" line; `drill`: groups chosen on the page itself (Aufschlüsselung), named there too
    (already escaped by the caller)."""
    if filters.is_active() or drill:
        parts = [escape_markdown(meta[T.ACTIVE_FILTERS])] if filters.is_active() else []
        parts += [f"{T.DRILL_LABEL}: {drill}"] if drill else []
        st.info(f"**{T.ACTIVE_FILTERS}:** {'; '.join(parts)}", icon=":material/filter_alt:")
    else:
        st.caption(f"{T.ACTIVE_FILTERS}: {T.NO_FILTERS}. {T.PERIOD_NOTE}")


def open_page(title: str, intro: str | None = None, show_filters: bool = True):
    """The start every figures page shares: data, filters, header, and the protected selection.

    Returns (dataset, filters, meta, selection); stops with a friendly message when the filters leave nobody.
    `selection` reads like metrics.headline() and protects all tables of this selection together.
    """
    from biwaq_data import publication as protected
    from ui.data import current_dataset
    from ui.sidebar import current_filters

    dataset, filters = current_dataset(), current_filters()
    meta = page_header(title, dataset, filters, intro=intro, show_filters=show_filters)
    selection = protected.selection(dataset, filters)
    stop_if_empty(selection)
    return dataset, filters, meta, selection


def stop_if_empty(headline: dict) -> None:
    """A friendly message instead of empty charts when the filters leave nobody."""
    if headline["participants"] == 0:
        st.warning(T.EMPTY_SELECTION, icon=":material/search_off:")
        st.stop()


def metric_cards(headline: dict, keys: list[str], columns: int = 4, key: str | None = None) -> None:
    """st.metric cards with the metric's definition on hover; protected figures when publication mode is on."""
    shown = publication.figures(headline)
    rounded = getattr(shown, "rounded_keys", frozenset())
    with st.container(key=f"biwaq_cards_{key or '_'.join(keys)}"):  # two per row on a phone (ui/style.py)
        for start in range(0, len(keys), columns):
            cols = st.columns(columns)
            for col, name in zip(cols, keys[start:start + columns]):
                if hasattr(shown, "text"):
                    text = shown.text(name)
                else:
                    text = format_pct(shown[name]) if name.endswith("_rate") else format_int(shown[name])
                label = card_label(name, name in rounded)
                col.metric(label, text, help=T.METRIC_DEFINITIONS[name], border=True)
    footnote_caption(getattr(shown, "footnote", None))


_FOOTNOTES_KEY = "biwaq_footnotes_shown"


#: The footnotes a published result may join into its `footnote` (biwaq_data.publish.results), in that order.
_FOOTNOTE_PARTS = (T.PUBLICATION_ROUNDED_FOOTNOTE, T.PUBLICATION_UNRELIABLE_FOOTNOTE, FOOTNOTE_DE)


def footnote_caption(footnote: str | None) -> None:
    """The publication footnote(s) as a caption, each rule once per page (issue 13: not under every chart): a
    footnote joining several rules (rounding, "/", "*", a table's own note) shows only those not shown yet on this
    page; the ``*`` marker only before the ``*`` rule."""
    if not footnote:
        return
    parts = [part for part in _FOOTNOTE_PARTS if part in footnote]
    rest = footnote
    for part in parts:
        rest = rest.replace(part, "")
    parts += [rest.strip()] if rest.strip() else []
    shown = st.session_state.setdefault(_FOOTNOTES_KEY, set())
    new = [part for part in parts if part not in shown]
    if not new:
        return
    shown.update(new)
    st.caption(" ".join(f"\\* {part}" if part == FOOTNOTE_DE else part for part in new))


def display_table(shown: Shown, columns: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """German column headers and number formats for screen tables. columns: name -> (label, kind)."""
    if shown.on_screen_protected and shown.published is not None:
        text = shown.published.text()
        return pd.DataFrame({label: text[name].map(lambda v, k=kind: format_date(v) if k == "date" else v)
                             for name, (label, kind) in columns.items()})
    formatters = {"int": format_int, "pct": format_pct, "text": str, "date": format_date,
                  "number": format_number}
    return pd.DataFrame({label: shown.raw[name].map(formatters[kind]) for name, (label, kind) in columns.items()})


def export_values(values: pd.Series, kind: str) -> pd.Series:
    """Numbers as the screen shows them: counts as whole numbers (827, not 827,0), rates in percent rounded to
    one decimal like on screen (24,5, not 24,546553808948005), other numbers to one decimal (kaufmännisch);
    '*' (withheld) and text unchanged."""
    def one(v):
        if isinstance(v, str) or v is None or pd.isna(v):
            return v
        if kind == "int":
            return int(round(float(v)))
        if kind in ("pct", "number"):
            exact = Decimal(str(float(v))) * (100 if kind == "pct" else 1)
            return float(exact.quantize(Decimal("0.1"), ROUND_HALF_UP))
        return v
    return values.map(one).astype(object)


def export_table(shown: Shown, columns: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """The same columns with German headers but numbers (rates in percent, '*' where withheld) for downloads."""
    frame = shown.export_frame()
    out = {}
    for name, (label, kind) in columns.items():
        values = frame[name]
        out[f"{label} (%)" if kind == "pct" else label] = export_values(values, kind)
    return pd.DataFrame(out)


def download_buttons(tables: dict[str, pd.DataFrame], meta: dict[str, str], filename: str, key: str) -> None:
    """CSV (first table) and Excel (all tables) downloads with Datenstand, version, filters and definitions."""
    from biwaq_data import export

    first = next(iter(tables.values()))
    c1, c2 = st.columns(2)
    # The bytes are built when the button is clicked (callables), not on every run of every chart card.
    c1.download_button(T.DOWNLOAD_CSV, lambda: export.to_csv_bytes(first, meta), file_name=f"{filename}.csv",
                       mime="text/csv", key=f"{key}_csv", icon=":material/download:", on_click="ignore")
    c2.download_button(T.DOWNLOAD_XLSX, lambda: export.to_excel_bytes(tables, meta), file_name=f"{filename}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=f"{key}_xlsx", icon=":material/table_view:", on_click="ignore")


def markdown_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells and headers are inert for st.table, which renders them as Markdown (a withheld
    "*" would show as a list bullet, a Träger name with "_" in italics)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(lambda v: escape_markdown(v) if isinstance(v, str) else v)
    if out.index.dtype == object:
        out.index = out.index.map(lambda v: escape_markdown(v) if isinstance(v, str) else v)
    return out.rename(columns=lambda c: escape_markdown(c) if isinstance(c, str) else c)


def copyable_text(text: str, key: str) -> None:
    """A paragraph to quote, shown as text, with a "Text kopieren" button (the click handler is installed once
    per tab by ui/style.py's script). Plain HTML instead of st.code: st.code's copy button needs Streamlit's
    code highlighter, 1,5 MB of JavaScript that cost 0,27 s of the browser's time before the page's first chart."""
    label = html.escape(T.QUOTE_COPY)
    st.html(f'<div class="biwaq-copy" id="{html.escape(key)}"><p class="biwaq-copy-text">{html.escape(text)}</p>'
            f'<button type="button" class="biwaq-copy-button" data-done="{html.escape(T.QUOTE_COPIED)}" '
            f'data-failed="{html.escape(T.QUOTE_COPY_FAILED)}">{label}</button>'
            f'<span class="biwaq-copy-status" role="status" aria-live="polite"></span></div>')


def themed_figure(fig: go.Figure | Chart, *, marker: str | None = None) -> go.Figure:
    """The figure to send: themed for the browser's theme and, with a `marker` ("*" withheld, "/" a share of
    rounded counts on too small a base), that marker on every bar or point without a value. A `Chart` is built
    once per distinct input, theme and marker for all sessions (ui.figure_cache)."""
    theme = theme_type()

    def finish(figure: go.Figure) -> go.Figure:
        if marker:
            figure = charts.mark_withheld(figure, marker)
        return charts.apply_theme(figure, theme)

    if isinstance(fig, Chart):
        return FIGURES.figure(fig, finish, (theme, marker))
    return finish(fig)


def missing_marker(shown: Shown) -> str | None:
    """The marker for a chart's bars without a value: "*" where the table withholds cells, "/" where it only
    leaves out shares of rounded counts on too small a base (:data:`biwaq_data.publish.rounding.MIN_SHARE_BASE`),
    None when nothing is left out (or publication mode is off)."""
    published = shown.published
    if not shown.on_screen_protected or published is None:
        return None
    if published.suppressed_any:
        return T.PUBLICATION_CHART_MARKER
    return T.PUBLICATION_UNRELIABLE_MARKER if published.unreliable_any else None


def plot(fig: go.Figure | Chart, *, key: str, description: str, **kwargs):
    """st.plotly_chart with the theme's text colours, the German plotly config and the description as the
    chart's accessible name (for charts drawn outside chart_card)."""
    return st.plotly_chart(themed_figure(fig), width="stretch", key=key, config=PLOTLY_CONFIG, alt=description,
                           **kwargs)


def chart_card(fig: go.Figure | Chart, shown: Shown, columns: dict[str, tuple[str, str]], *, description: str,
               filename: str, key: str, meta: dict[str, str], on_select=None, selection_mode=("points",),
               on_select_args: tuple = ()):
    """A chart with its description (alt text), a table view and downloads of the data behind it.

    `fig` is built from `shown.frame` (protected values in publication mode), best as a `Chart` (built once
    for all sessions); the footnote follows when anything is withheld.
    """
    if isinstance(shown, pd.DataFrame):
        shown = Shown.plain(shown)
    # a * in place of every withheld bar / point, or a / where only unreliable shares are left out
    fig = themed_figure(fig, marker=missing_marker(shown))
    callback = on_select
    if callable(on_select) and on_select_args:
        callback = lambda: on_select(*on_select_args)  # noqa: E731 - st.plotly_chart takes no args for it
    event = st.plotly_chart(fig, width="stretch", key=key, config=PLOTLY_CONFIG, alt=description,
                            on_select=callback or "ignore", selection_mode=selection_mode)
    st.caption(f"{T.CHART_DESCRIPTION}: {description}")
    footnote_caption(shown.footnote)
    # The table view and its downloads are built only while it is open (a click on it reruns): a closed view
    # costs nothing on the server and nothing in the browser before the chart (bench_browser).
    table_view = st.expander(T.TABLE_VIEW, icon=":material/table:", key=f"{key}_table_view", on_change="rerun")
    if table_view.open:
        with table_view:
            st.dataframe(display_table(shown, columns), hide_index=True, width="stretch")
            download_buttons({filename: export_table(shown, columns)}, meta, filename, key)
    return event
