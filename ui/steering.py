"""Streamlit side of the steering views (issue 16): cached Soll-Ist rows, their table and chart.

No figure is computed here: `biwaq_data.figures.targets` counts, `biwaq_data.publish.targets` protects.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from biwaq_data import Dataset
from biwaq_data import texts_de as T
from biwaq_data.figures import targets as tg
from biwaq_data.formatting import format_date, format_int, format_number, format_pct
from biwaq_data.ingest.schema import TARGET_RATE_MEASURES
from biwaq_data.publish.privacy import SUPPRESSION_SYMBOL, UNRELIABLE_SYMBOL
from biwaq_data.publish.targets import publish_progress
from ui.charts import plot_text
from ui.tables import html_table
from ui.figure_cache import Chart

STATUS_COLOURS = {"met": "#009E73", "on_track": "#56B4E9", "at_risk": "#E69F00", "behind": "#D55E00",
                  "missed": "#7F0000"}


@st.cache_resource(show_spinner=False, max_entries=8)
def _progress(_dataset: Dataset, version: str, providers: tuple[str, ...]):
    raw = tg.progress(_dataset, providers)
    return raw, publish_progress(raw, _dataset)


def progress(dataset: Dataset, providers: tuple[str, ...], protected: bool) -> pd.DataFrame:
    """Progress rows for display: the raw frame, or (publication mode) with withheld values as NA and the
    column `withheld` listing which columns are withheld per row."""
    raw, published = _progress(dataset, dataset.version, tuple(providers))
    out = raw.copy()
    out["withheld"] = [()] * len(out)
    if protected and len(out):
        for col in published.kinds:
            if published.kinds[col] != "text":
                out[col] = published.frame[col].astype("Float64").to_numpy(dtype=float, na_value=float("nan"))
        out["withheld"] = [tuple(c for c in published.suppressed.columns if published.suppressed.loc[i, c])
                           for i in published.suppressed.index]
    return out


def measure_label(measure: str) -> str:
    """German name of a target measure; ESF Plus codes with the indicator's name."""
    if measure in T.TARGET_MEASURE_LABELS:
        return T.TARGET_MEASURE_LABELS[measure]
    text = T.ESF_LABELS.get(measure)
    return f"{measure} – {text}" if text else measure


def _value(row, col: str) -> str:
    if col in row["withheld"]:
        return SUPPRESSION_SYMBOL
    value = row[col]
    if row["measure"] in TARGET_RATE_MEASURES:
        return format_number(value) + " %" if pd.notna(value) else "–"
    return format_int(value) if col in ("actual", "target") else format_number(value)


def row_label(row) -> str:
    """Chart label on two lines: Träger, then measure (ESF Plus codes as code) and due date."""
    provider = plot_text(row["provider"]) if isinstance(row["provider"], str) else T.TARGET_ALL_PROVIDERS
    measure = T.TARGET_MEASURE_LABELS.get(row["measure"], row["measure"])
    return f"{provider}<br>{measure} · {format_date(row['due_date'])}"


def display_table(rows: pd.DataFrame) -> pd.DataFrame:
    """German screen table: one row per target with status first."""
    C = T.TARGET_COLUMNS_DE
    out = []
    for _, r in rows.iterrows():
        reason = r["no_forecast"] or ("withheld" if "forecast" in r["withheld"] else "")
        forecast = T.TARGET_NO_FORECAST[reason] if reason else _value(r, "forecast")
        span = ("–" if reason else SUPPRESSION_SYMBOL if "forecast_low" in r["withheld"]
                else f"{_value(r, 'forecast_low')} – {_value(r, 'forecast_high')}")
        out.append({
            C["status"]: f"{T.TARGET_STATUS_ICONS[r['status']]} {T.TARGET_STATUS_LABELS[r['status']]}",
            C["provider"]: r["provider"] if isinstance(r["provider"], str) else T.TARGET_ALL_PROVIDERS,
            C["measure"]: measure_label(r["measure"]),
            C["due_date"]: format_date(r["due_date"]),
            C["actual"]: _value(r, "actual"), C["target"]: _value(r, "target"),
            C["share_reached"]: SUPPRESSION_SYMBOL if "share_reached" in r["withheld"] else format_pct(r["share_reached"]),
            C["share_time"]: format_pct(r["share_time"]),
            C["forecast"]: forecast,
            f"{C['forecast_low']} / {C['forecast_high'].split()[-1]}": span,
            C["months_used"]: format_int(r["months_used"]) if r["months_used"] else "–",
        })
    return pd.DataFrame(out)


def status_classes(rows: pd.DataFrame) -> list[str]:
    """One CSS class per target for its status cell (colours in ui/style.py; the text says the status too)."""
    return [f"biwaq-status-{s.replace('_', '-')}" for s in rows["status"]]


def progress_chart(rows: pd.DataFrame) -> go.Figure:
    """Share of the target reached (bars), forecast share with range (diamond + error bar), time elapsed (tick)."""
    labels = [row_label(r) for _, r in rows.iterrows()]
    reached = rows["share_reached"] * 100
    target = rows["target"].where(rows["target"] > 0)
    forecast = rows["forecast"] / target * 100
    low, high = rows["forecast_low"] / target * 100, rows["forecast_high"] / target * 100
    colours = [STATUS_COLOURS[s] for s in rows["status"]]
    status_text = [T.TARGET_STATUS_LABELS[s] for s in rows["status"]]
    fig = go.Figure()
    fig.add_bar(y=labels, x=reached, orientation="h", marker_color=colours, name=T.TARGET_COLUMNS_DE["share_reached"],
                text=["*" if pd.isna(v) else format_number(v, 0) + " %" for v in reached], textposition="inside",
                insidetextanchor="start",  # dark text on the status colours, white on dark red (>= 4,5:1)
                insidetextfont=dict(color=["#FFFFFF" if s == "missed" else "#000000" for s in rows["status"]]),
                customdata=status_text, hovertemplate="%{y}<br>erreicht: %{x:.1f} %<br>Status: %{customdata}<extra></extra>")
    fig.add_scatter(y=labels, x=forecast, mode="markers", marker=dict(symbol="diamond", size=11, color="#3A3A3A"),
                    error_x=dict(type="data", symmetric=False, array=(high - forecast).fillna(0),
                                 arrayminus=(forecast - low).fillna(0), color="#3A3A3A", thickness=1.2),
                    name=T.TARGET_COLUMNS_DE["forecast"],
                    hovertemplate="%{y}<br>Prognose: %{x:.1f} % des Ziels<extra></extra>")
    fig.add_scatter(y=labels, x=rows["share_time"] * 100, mode="markers", name=T.TARGET_COLUMNS_DE["share_time"],
                    marker=dict(symbol="line-ns", size=22, line=dict(width=3, color="#CC79A7")),
                    hovertemplate="%{y}<br>Zeit verstrichen: %{x:.0f} %<extra></extra>")
    fig.add_vline(x=100, line_dash="dash", line_color="#3A3A3A")
    fig.update_layout(separators=",.", height=max(280, 44 * len(rows) + 110), margin=dict(l=10, r=10, t=10, b=10),
                      barmode="overlay", legend=dict(orientation="h", y=-0.12),
                      xaxis=dict(title="% des Ziels", ticksuffix=" %", rangemode="tozero"),
                      yaxis=dict(autorange="reversed", automargin=True))
    return fig


# --- cohorts and time to first outcome --------------------------------------------------------------

WINDOW_COLOURS = {3: "#009E73", 6: "#0072B2", 12: "#D55E00"}  # Okabe-Ito, each >= 3:1 on light and dark
GROUP_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9"]


def cohort_display(shown) -> pd.DataFrame:
    """German cohort table: size, and per window 'reached (share)' or 'offen'; '*' where withheld, 'reached (/)'
    where a rounded cohort is too small for its share."""
    from biwaq_data.figures.cohorts import WINDOWS

    frame = shown.frame
    protected = shown.on_screen_protected and shown.published is not None
    withheld = shown.published.suppressed if protected else None
    unreliable = shown.published.unreliable if protected else None
    C = T.COHORT_COLUMNS_DE
    rows = []
    for i, r in frame.reset_index(drop=True).iterrows():
        raw = shown.raw.iloc[i]
        row = {C["cohort"]: r["cohort"],
               C["persons"]: SUPPRESSION_SYMBOL if withheld is not None and withheld.loc[i, "persons"]
               else format_int(r["persons"])}
        for w in WINDOWS:
            if raw[f"open_{w}"]:
                row[C[f"reached_{w}"]] = T.COHORT_OPEN
            elif withheld is not None and withheld.loc[i, f"share_{w}"]:
                row[C[f"reached_{w}"]] = SUPPRESSION_SYMBOL
            elif unreliable is not None and unreliable.loc[i, f"share_{w}"]:
                row[C[f"reached_{w}"]] = f"{format_int(r[f'reached_{w}'])} ({UNRELIABLE_SYMBOL})"
            else:
                row[C[f"reached_{w}"]] = f"{format_int(r[f'reached_{w}'])} ({format_pct(r[f'share_{w}'])})"
        rows.append(row)
    return pd.DataFrame(rows)


def has_shares(frame: pd.DataFrame) -> bool:
    """True if the cohort table has at least one share to draw (not all open, withheld or "/")."""
    from biwaq_data.figures.cohorts import WINDOWS

    return bool(frame[[f"share_{w}" for w in WINDOWS]].notna().to_numpy().any())


def cohort_chart(frame: pd.DataFrame) -> go.Figure:
    """Lines: share with work or training within 3, 6, 12 months per entry quarter (open/withheld = gap)."""
    from biwaq_data.figures.cohorts import WINDOWS

    fig = go.Figure()
    for w in WINDOWS:
        share = frame[f"share_{w}"].astype(float) * 100
        fig.add_scatter(x=frame["cohort"], y=share, mode="lines+markers", name=f"bis {w} Monate",
                        line=dict(color=WINDOW_COLOURS[w], width=2.5), connectgaps=False,
                        hovertemplate=f"%{{x}}<br>bis {w} Monate: %{{y:.1f}} %<extra></extra>")
    fig.update_layout(separators=",.", height=380, margin=dict(l=10, r=10, t=40, b=10),
                      legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0), yaxis=dict(title="Anteil der Kohorte", ticksuffix=" %",
                                                                       rangemode="tozero"),
                      xaxis=dict(title="Eintrittsquartal", type="category"))
    if not has_shares(frame):  # an empty state in the chart's own frame: the page keeps its layout
        fig.update_layout(yaxis_range=[0, 100])
        fig.add_annotation(text=T.COHORT_NO_SHARES_CHART, x=0.5, y=0.5, xref="paper", yref="paper",
                           showarrow=False, font=dict(size=13), align="center")
    return fig


def survival_chart(curves: pd.DataFrame, stepped: bool = True) -> go.Figure:
    """Share reached over days since entry, one line per group (steps of the Kaplan-Meier estimate)."""
    fig = go.Figure()
    for i, (group, km) in enumerate(curves.groupby("group", sort=False)):
        x = [0] + km["days"].tolist()
        y = [0.0] + (km["reached"].astype(float) * 100).tolist()
        name = plot_text(group)  # a Träger name from the data: never HTML in plotly
        fig.add_scatter(x=x, y=y, mode="lines", name=name, line_shape="hv" if stepped else "linear",
                        line=dict(color=GROUP_COLOURS[i % len(GROUP_COLOURS)], width=2.5),
                        hovertemplate=f"{name}<br>Tag %{{x}}: %{{y:.1f}} %<extra></extra>")
    fig.add_hline(y=50, line_dash="dot", line_color="#6B6B6B")
    fig.update_layout(separators=",.", height=380, margin=dict(l=10, r=10, t=10, b=10),
                      legend=dict(orientation="h", y=-0.2),
                      xaxis=dict(title="Tage seit Eintritt", rangemode="tozero"),
                      yaxis=dict(title="Anteil mit Ergebnis", ticksuffix=" %", range=[0, 100]))
    return fig


def median_texts(medians: pd.DataFrame, published: bool) -> dict[str, str]:
    """Card text per group of `medians` (group, median_days; NaN = not reached within the curve)."""
    template = T.SURVIVAL_MEDIAN_DAYS["published" if published else "exact"]
    return {r.group: (T.SURVIVAL_NOT_REACHED if pd.isna(r.median_days)
                      else template.format(days=format_int(r.median_days))) for r in medians.itertuples()}


def render_targets(rows: pd.DataFrame, protected: bool) -> None:
    """The Soll-Ist section: status badges (rule as help), chart, coloured table, publication note, rules."""
    from biwaq_data.publish.privacy import FOOTNOTE_DE

    counts = rows["status"].value_counts()
    st.markdown(f"**{T.TARGET_SUMMARY_LABEL}:** " + " ".join(
        f":{T.TARGET_STATUS_BADGE_COLOURS[s]}-badge[{T.TARGET_STATUS_ICONS[s]} {int(counts.get(s, 0))} "
        f"{T.TARGET_STATUS_LABELS[s]}]" for s in T.TARGET_STATUS_LABELS), help=T.TARGET_RULES)
    st.subheader(T.TARGET_CHART_HEADING)
    from ui.components import plot

    plot(Chart(progress_chart, rows), key="targets_chart", description=T.TARGET_CHART)
    st.caption(f"{T.CHART_DESCRIPTION}: {T.TARGET_CHART}")
    st.subheader(T.TARGET_TABLE_HEADING)
    # static HTML: the whole table on the page, cards on a phone, no table JavaScript (ui/tables.py)
    html_table(display_table(rows), label=T.TARGET_TABLE_HEADING,
               cell_classes={T.TARGET_COLUMNS_DE["status"]: status_classes(rows)})
    if protected:
        st.caption(T.TARGET_PUBLICATION_NOTE)
        if any(rows["withheld"].map(len)):
            st.caption(f"\\* {FOOTNOTE_DE}")
    with st.expander(T.DEFINITION + "en und Regeln", icon=":material/info:", expanded=True):
        st.markdown(T.TARGET_RULES)
        st.caption(T.TARGET_EXPORT_NOTE)
