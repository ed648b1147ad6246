"""Plotly figures built from metric result frames. One colour per outcome on every page; German number format."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from biwaq_data import texts_de as T
from biwaq_data.formatting import format_int
from biwaq_data.ingest.schema import BEST_OUTCOMES, OUTCOMES

# Okabe–Ito palette: distinguishable with colour-vision deficiencies.
COLOURS = {
    "employment": "#0072B2",
    "vocational_training": "#009E73",
    "improved_prospects": "#E69F00",
    "in_support": "#56B4E9",
    "no_outcome": "#B0B0B0",
    "participants": "#3A3A3A",
    "entries": "#3A3A3A",
    "exits": "#CC79A7",
    "active": "#56B4E9",
    "outcomes": "#0072B2",
}
OUTCOME_LABELS = T.CATEGORY_LABELS["best_outcome"]
# Funnel stages are not outcomes (except the last, employment), so they use neutral shades. White text on each
# has >= 4.5:1 (the third was #4F8FC0, 3.5:1).
FUNNEL_COLOURS = ["#3A3A3A", "#6B6B6B", "#2F6F9F", COLOURS["employment"]]

# Chart text colours per Streamlit theme (>= 4.5:1 against the chart background; Streamlit's plotly template
# writes ticks and axis titles in #808495, 3.7:1 on white).
# Backgrounds are transparent (the page's own background shows); `halo` is a solid colour close to it, for text
# halos and legend/colour-bar boxes.
THEMES = {
    "light": dict(text="#31333F", grid="#E6E6E6", background="rgba(0,0,0,0)", halo="#FFFFFF", line="#8A8A8A"),
    "dark": dict(text="#E6E6EA", grid="#3A3A3A", background="rgba(0,0,0,0)", halo="#1A1A1A", line="#6B6E78"),
}


def plot_text(value) -> str:
    """Text from the data (a Träger name) made inert for plotly, which draws <a href>, <b>, <br> in labels and
    hovers as HTML: &, < and > become entities (shown as typed). Selection events return this form."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _labels(values) -> list[str]:
    """Bar labels in German format; '*' where a value is withheld (NaN in publication mode)."""
    return ["*" if pd.isna(v) else format_int(v) for v in values]


def apply_theme(fig: go.Figure, theme: str = "light") -> go.Figure:
    """Text, grid and background colours of every part of `fig` for Streamlit's light or dark theme.

    Called once per drawn chart (ui.components), so it is written for speed: nested dicts instead of plotly's
    "magic underscore" paths, whose parsing made this about 17 ms per chart.
    """
    c = THEMES.get(theme, THEMES["light"])
    text = dict(color=c["text"])
    layout = fig.layout
    fig.update_layout(dict(font=text, legend=dict(font=text), paper_bgcolor=c["background"],
                           plot_bgcolor=c["background"], hoverlabel=dict(font=dict(color="#1F1F1F"),
                                                                         bgcolor="#FFFFFF")))
    axis = dict(tickfont=text, title=dict(font=text), gridcolor=c["grid"], linecolor=c["line"],
                zerolinecolor=c["grid"])
    fig.update_xaxes(axis)
    fig.update_yaxes(axis)
    for annotation in layout.annotations or ():
        # subplot titles and the map's attribution follow the theme; the withheld-value * keeps its own dark-on-white box
        if annotation.font is None or annotation.font.color in (None, "#444444"):
            annotation.font.color = c["text"]
            if annotation.bgcolor:
                annotation.bgcolor = c["halo"]
    if layout.coloraxis.to_plotly_json():  # a colour axis in use (the map); reading it adds nothing to the figure
        fig.update_layout(dict(coloraxis=dict(colorbar=dict(tickfont=text, title=dict(font=text),
                                                            bgcolor=c["halo"]))))
    if layout.geo.to_plotly_json():
        fig.update_geos(dict(bgcolor=c["background"]))
    for trace in fig.data:
        if trace.type in ("bar", "funnel") and getattr(trace, "textposition", None) is not None:
            trace.outsidetextfont = text
        if trace.type == "sankey":
            trace.textfont = dict(color=c["text"], size=13, shadow="none")
        if trace.type == "scattergeo" and trace.meta == "bezirk_labels":
            trace.textfont.color = c["text"]
        # (Ortsteil names on the map keep dark text with a white halo: they sit on the light map in both themes)
    return fig


def _layout(fig: go.Figure, *, height: int = 380, title: str | None = None) -> go.Figure:
    fig.update_layout(
        separators=",.",  # decimal comma, thousands dot
        height=height, margin=dict(l=10, r=10, t=40 if title else 10, b=10),
        title=dict(text=title, x=0, font=dict(size=15)) if title else None,
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0, title_text=""),
        font=dict(family="Source Sans Pro, sans-serif", size=13),
        hoverlabel=dict(font_size=13),
    )
    fig.update_xaxes(automargin=True)  # tick labels and axis titles get room instead of being cut or overlapping
    fig.update_yaxes(automargin=True)
    return fig  # the theme's colours come when it is drawn (ui.components.chart_card / plot: apply_theme)


def funnel(frame: pd.DataFrame) -> go.Figure:
    """Funnel of metrics.funnel(): persons per stage, % of initial and of the previous stage."""
    fig = go.Figure(go.Funnel(
        y=frame["label"], x=frame["persons"],
        texttemplate="%{x:,} · %{customdata[0]:.1f} %", textfont=dict(size=13), insidetextfont=dict(color="white"),
        # wide stages carry their text inside, narrow ones beside the bar
        textposition=["inside" if share >= 0.35 else "outside" for share in frame["share_of_initial"].fillna(0)],
        marker=dict(color=FUNNEL_COLOURS[: len(frame)]),
        customdata=frame[["share_of_initial", "share_of_previous"]].to_numpy() * 100,
        hovertemplate="<b>%{y}</b><br>%{x:,} Personen<br>" + T.SHARE_OF_INITIAL + ": %{customdata[0]:.1f} %<br>"
        + T.SHARE_OF_PREVIOUS + ": %{customdata[1]:.1f} %<extra></extra>",
        connector=dict(line=dict(color="#DDDDDD")),
    ))
    return _layout(fig, height=360)


def outcome_bars(frame: pd.DataFrame) -> go.Figure:
    """Persons by best outcome (metrics.outcome_table), one bar and colour per outcome."""
    fig = go.Figure(go.Bar(
        x=[label.replace(" ", "<br>") for label in frame["label"]], y=frame["best_persons"],
        marker_color=[COLOURS[k] for k in frame["outcome"]],
        text=_labels(frame["best_persons"]), textposition="outside", customdata=frame["share"] * 100,
        hovertemplate="<b>%{x}</b><br>%{y:,} Personen<br>%{customdata:.1f} % aller Teilnehmenden<extra></extra>",
    ))
    fig.update_traces(cliponaxis=False)
    top = pd.to_numeric(frame["best_persons"], errors="coerce").max()
    fig.update_yaxes(title_text="Personen (bestes Ergebnis)", rangemode="tozero",
                     range=[0, float(top) * 1.15] if pd.notna(top) and top > 0 else None)  # room for the labels
    fig.update_xaxes(tickangle=0)
    return _layout(fig, height=340)


def sankey(frame: pd.DataFrame, totals: dict[str, str] | None = None) -> go.Figure:
    """Flows from employment status at entry to best outcome (metrics.flows); withheld flows are left out.

    Each node is labelled with its number of persons: `totals` (label -> text, the published node totals in
    publication mode, where left-out flows would make sums too small), else the sum of its flows."""
    frame = frame[frame["persons"].notna()]
    sources = list(dict.fromkeys(frame["source_label"]))
    targets = [OUTCOME_LABELS[k] for k in BEST_OUTCOMES if k in set(frame["target"])]
    target_keys = [k for k in BEST_OUTCOMES if k in set(frame["target"])]
    nodes = sources + targets
    if totals is None:
        sums = pd.concat([frame.groupby("source_label")["persons"].sum(),
                          frame.assign(t=frame["target"].map(OUTCOME_LABELS)).groupby("t")["persons"].sum()])
        totals = {label: format_int(value) for label, value in sums.items()}
    node_text = dict(textfont=dict(color="#1F1F1F", size=13, shadow="none"))
    index = {label: i for i, label in enumerate(nodes)}
    fig = go.Figure(go.Sankey(
        arrangement="snap", **node_text,
        node=dict(label=[f"{label}: {totals.get(label, '*')}" for label in nodes], pad=18, thickness=16,
                  color=["#6E6E6E"] * len(sources) + [COLOURS[k] for k in target_keys],
                  hovertemplate="%{label} Personen<extra></extra>"),
        link=dict(source=[index[s] for s in frame["source_label"]],
                  target=[len(sources) + target_keys.index(t) for t in frame["target"]],
                  value=frame["persons"], color=[_fade(COLOURS[t]) for t in frame["target"]],
                  hovertemplate="%{source.label} → %{target.label}: %{value:,} Personen<extra></extra>"),
    ))
    return _layout(fig, height=420)


_MARKER_HOVER = {T.PUBLICATION_CHART_MARKER: T.PUBLICATION_CHART_HOVER,
                 T.PUBLICATION_UNRELIABLE_MARKER: T.PUBLICATION_UNRELIABLE_HOVER}


def _marker_style(colour: str, name: str | None, marker: str = T.PUBLICATION_CHART_MARKER) -> dict:
    """Dark marker on white, framed in the series colour (readable on any bar), the series name and why on hover."""
    return dict(font=dict(size=15, color="#1A1A1A"), bgcolor="rgba(255,255,255,0.9)", bordercolor=colour,
                borderwidth=1.5, borderpad=1, hovertext=f"{name or ''}: {_MARKER_HOVER[marker]}")


def mark_withheld(fig: go.Figure, marker: str = T.PUBLICATION_CHART_MARKER) -> go.Figure:
    """Publication mode: a ``*`` (or the given marker, ``/`` for a share of rounded counts on too small a base) in
    place of every (NaN) bar, stacked segment or line point without a value, so a missing bar never reads as 0
    (issue 13). Works on any figure of this module: bars (horizontal or vertical, stacked or not; a stacked
    segment's marker sits where the segment would start) and line points (at the last shown value)."""
    stacked = fig.layout.barmode in ("stack", "relative")
    base: dict = {}
    placed: dict = {}  # markers already at one spot: shift the next one so both stay readable
    markers: list[dict] = []  # added in one assignment at the end (fig.add_annotation each: ~2 ms apiece)
    for trace in fig.data:
        if trace.type == "bar" and trace.x is not None and trace.y is not None:
            horizontal = trace.orientation == "h"
            categories, values = (trace.y, trace.x) if horizontal else (trace.x, trace.y)
            colour = trace.marker.color if isinstance(trace.marker.color, str) else "#3A3A3A"
            for category, value in zip(categories, values):
                key = (trace.xaxis, trace.yaxis, category)
                start = base.get(key, 0.0) if stacked else 0.0
                if value is None or pd.isna(value):
                    shift = 11 * placed.get((key, start), 0)
                    placed[(key, start)] = placed.get((key, start), 0) + 1
                    markers.append(dict(x=start if horizontal else category, y=category if horizontal else start,
                                        xshift=shift if horizontal else 0, yshift=0 if horizontal else shift,
                                        text=marker, showarrow=False,
                                        xanchor="left" if horizontal else "center",
                                        yanchor="middle" if horizontal else "bottom", xref=trace.xaxis or "x",
                                        yref=trace.yaxis or "y", **_marker_style(colour, trace.name, marker)))
                elif stacked:
                    base[key] = start + float(value)
        elif trace.type == "scatter" and trace.x is not None and trace.y is not None:
            colour = trace.line.color or "#3A3A3A"
            last = 0.0
            for x, y in zip(trace.x, trace.y):
                if y is None or pd.isna(y):
                    markers.append(dict(x=x, y=last, text=marker, showarrow=False,
                                        yanchor="bottom", xref=trace.xaxis or "x", yref=trace.yaxis or "y",
                                        **_marker_style(colour, trace.name, marker)))
                else:
                    last = float(y)
    if markers:
        fig.layout.annotations = tuple(fig.layout.annotations) + tuple(markers)
    return fig


def _fade(hex_colour: str, alpha: float = 0.45) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def breakdown_bars(frame: pd.DataFrame, label_title: str) -> go.Figure:
    """Horizontal stacked bars per group: persons by best outcome, rest grey; placement rate in the hover."""
    frame = frame.iloc[::-1].assign(label=lambda f: f["label"].map(plot_text))  # first group on top
    # Publication mode: a withheld outcome cell (NaN) joins the grey rest, so each bar still ends at the
    # group's published participants; the rest only reveals the sum of a line's withheld cells, which its
    # total gives away anyway.
    withheld = frame[list(OUTCOMES)].isna().to_numpy().any()
    rest = frame["participants"] - frame[list(OUTCOMES)].sum(axis=1, skipna=True)
    rest_label = "ohne Ergebnis / noch in Betreuung" + (" / geschützt (*)" if withheld else "")
    fig = go.Figure()
    for key in OUTCOMES:
        fig.add_bar(
            y=frame["label"], x=frame[key], name=OUTCOME_LABELS[key], orientation="h", marker_color=COLOURS[key],
            customdata=pd.concat([frame["participants"], frame["placement_rate"] * 100, frame["outcome_rate"] * 100],
                                 axis=1).to_numpy(),
            hovertemplate="<b>%{y}</b><br>" + OUTCOME_LABELS[key] + ": %{x:,}<br>Teilnehmende: %{customdata[0]:,}"
            "<br>Anteil in Arbeit/Ausbildung: %{customdata[1]:.1f} %<br>Ergebnisquote: %{customdata[2]:.1f} %<extra></extra>",
        )
    fig.add_bar(y=frame["label"], x=rest, name=rest_label, orientation="h", marker_color=COLOURS["no_outcome"],
                hovertemplate="<b>%{y}</b><br>" + rest_label + ": %{x:,}<extra></extra>")
    fig.update_layout(barmode="stack", clickmode="event+select", legend_traceorder="normal")
    fig.update_xaxes(title_text="Teilnehmende")
    fig.update_yaxes(title_text=label_title, automargin=True)
    return _layout(fig, height=max(260, 34 * len(frame) + 110))


def rate_bars(frame: pd.DataFrame, label_title: str) -> go.Figure:
    """Placement and outcome rate per group (fractions in, percent shown)."""
    frame = frame.iloc[::-1].assign(label=lambda f: f["label"].map(plot_text))
    fig = go.Figure()
    fig.add_bar(y=frame["label"], x=frame["placement_rate"] * 100, name=T.METRIC_LABELS["placement_rate"],
                orientation="h", marker_color=COLOURS["employment"],
                hovertemplate="<b>%{y}</b><br>Anteil in Arbeit/Ausbildung: %{x:.1f} %<extra></extra>")
    fig.add_bar(y=frame["label"], x=frame["outcome_rate"] * 100, name=T.METRIC_LABELS["outcome_rate"],
                orientation="h", marker_color=COLOURS["improved_prospects"],
                hovertemplate="<b>%{y}</b><br>Ergebnisquote: %{x:.1f} %<extra></extra>")
    fig.update_layout(barmode="group")
    fig.update_xaxes(title_text="Prozent", ticksuffix=" %")
    fig.update_yaxes(title_text=label_title, automargin=True)
    return _layout(fig, height=max(260, 40 * len(frame) + 110))


def monthly_flows(frame: pd.DataFrame) -> go.Figure:
    """Two panels sharing the month axis: active participants at month end (top); entries, exits and
    persons with a first outcome per month (bottom), so the small monthly flows stay readable."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08, row_heights=[0.4, 0.6])
    template = "{label}: %{y:,}<extra></extra>"  # the month heads the unified hover (hoverformat below)
    fig.add_scatter(x=frame["month"], y=frame["active"], name=T.METRIC_LABELS["active"], mode="lines",
                    fill="tozeroy", line=dict(color=COLOURS["active"], width=2), row=1, col=1,
                    hovertemplate=template.replace("{label}", T.METRIC_LABELS["active"]))
    for key in ("entries", "exits"):
        fig.add_bar(x=frame["month"], y=frame[key], name=T.METRIC_LABELS[key], marker_color=COLOURS[key], row=2,
                    col=1, hovertemplate=template.replace("{label}", T.METRIC_LABELS[key]))
    fig.add_scatter(x=frame["month"], y=frame["outcomes"], name="Personen mit erstem Ergebnis", mode="lines+markers",
                    line=dict(color=COLOURS["outcomes"], width=2), marker=dict(size=4), row=2, col=1,
                    hovertemplate=template.replace("{label}", "Personen mit erstem Ergebnis"))
    fig.update_layout(barmode="group", hovermode="x unified")
    fig.update_xaxes(tickformat="%m.%Y", hoverformat="%m.%Y")  # the unified hover's title: "11.2024", not "Nov 1, 2024"
    fig.update_xaxes(title_text="Monat", row=2, col=1)
    fig.update_yaxes(title_text="aktiv", row=1, col=1)
    fig.update_yaxes(title_text="Personen je Monat", row=2, col=1)
    return _layout(fig, height=520)


def cumulative(frame: pd.DataFrame) -> go.Figure:
    """Cumulative participants by month of entry."""
    fig = go.Figure(go.Scatter(
        x=frame["month"], y=frame["cumulative_participants"], mode="lines", fill="tozeroy",
        line=dict(color=COLOURS["participants"], width=2), name=T.METRIC_LABELS["cumulative_participants"],
        hovertemplate="%{x|%m.%Y}<br>Teilnehmende kumuliert: %{y:,}<extra></extra>"))
    fig.update_xaxes(tickformat="%m.%Y", hoverformat="%m.%Y", title_text="Monat")
    fig.update_yaxes(title_text="Teilnehmende")
    return _layout(fig, height=320)


def service_bars(frame: pd.DataFrame) -> go.Figure:
    """Persons per service (bars) with hours in the hover; services in the order of the frame (first on top,
    like rate_bars, so both Leistungen charts list the services in the same order)."""
    frame = frame.iloc[::-1]
    fig = go.Figure(go.Bar(
        y=frame["label"], x=frame["persons"], orientation="h", marker_color=COLOURS["participants"],
        text=_labels(frame["persons"]), textposition="outside", cliponaxis=False,
        customdata=frame[["records", "hours_total", "hours_per_person"]].to_numpy(),
        hovertemplate="<b>%{y}</b><br>Personen: %{x:,}<br>Einträge: %{customdata[0]:,}<br>"
        "Stunden gesamt: %{customdata[1]:,.1f}<br>Stunden je Person: %{customdata[2]:.1f}<extra></extra>"))
    top = pd.to_numeric(frame["persons"], errors="coerce").max()
    fig.update_xaxes(title_text="Personen mit dieser Leistung", rangemode="tozero",
                     range=[0, float(top) * 1.18] if pd.notna(top) and top > 0 else None)  # room for "827"
    fig.update_yaxes(automargin=True)
    return _layout(fig, height=360)
