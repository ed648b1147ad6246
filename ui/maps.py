"""Plotly figures for the Quartiere page: the Duisburg map, per-1.000-residents bars and the side-by-side comparison.

Offline by design: plotly geo with our own GeoJSON, no tile server and no plotly base layers (no topojson fetch).
Every trace of the map carries `meta` naming its role, and every selectable point carries its selection key
("b200" Stadtbezirk, "o202" Ortsteil) as customdata[0] (choropleth: also as its location).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from biwaq_data import publication
from biwaq_data.figures import areas, memo
from biwaq_data.places import geometry
from biwaq_data.places import keys as place_keys
from biwaq_data.publish import areas as published_areas
from biwaq_data import texts_de as T
from biwaq_data.figures.filters import narrow
from biwaq_data.formatting import format_date, format_int, format_number, format_pct
from biwaq_data.publish.privacy import SUPPRESSION_SYMBOL as SUPPRESSED
from biwaq_data.publish.privacy import UNRELIABLE_SYMBOL as UNRELIABLE
from ui import publication as ui_publication
from ui.charts import COLOURS, _layout
from ui.figure_cache import Chart
from ui.publication import Shown, show

N = T.NEIGHBOURHOOD_TEXTS
M = T.METRIC_LABELS
COLOURSCALE = "YlGnBu"  # sequential, readable in greyscale and with colour-vision deficiencies
BEZIRK_FILL = "#F1F1EE"
BEZIRK_LINE = "#7D7D7D"
ORTSTEIL_LINE = "#BDBDBD"
MAX_BUBBLE_PX = 48
WITHHELD_GREY = "#BDBDBD"  # bubble / polygon fill where the placement rate is withheld (publication mode)
LEGEND_BLUE = "#2C7FB8"  # a middle colour of YlGnBu, for the legend symbol of the bubbles
NAME_ROOM = 0.085  # degrees of longitude kept free beside the city for the Bezirk names
HALO = "1px 1px 2px #fff, -1px -1px 2px #fff, 1px -1px 2px #fff, -1px 1px 2px #fff"  # readable on any fill
AREA_COLOURS = ("#1B3A5C", "#D55E00")  # Quartier A, Quartier B (not the outcome colours)

# customdata columns of the Ortsteil bubbles (after the key): the numbers shown, null where withheld.
BUBBLE_DATA = ["ortsteil_nr", "participants", "employment", "vocational_training", "improved_prospects",
               "with_outcome", "placement_rate", "outcome_rate", "per_1000"]


def count_text(value) -> str:
    """1.234, or * where the figure is withheld (publication mode)."""
    return SUPPRESSED if pd.isna(value) else format_int(value)


_count = count_text


def _rate(value, denominator, missing: str = SUPPRESSED) -> str:
    """24,5 %; `missing` (* withheld, / a share of rounded counts on too small a base) where not shown; – where
    there is nobody to divide by."""
    if pd.notna(value):
        return format_pct(value)
    return "–" if denominator == 0 else missing


def missing_share(frame: pd.DataFrame) -> str:
    """The symbol for a share the map's frame leaves out: "/" in a free combination (rounded counts, shares only
    from a rounded base of 50), else "*" (withheld). Set by map_data in frame.attrs["rounded"]."""
    return UNRELIABLE if frame.attrs.get("rounded") else SUPPRESSED


def _ortsteil_hover(row, missing: str = SUPPRESSED) -> str:
    lines = [f"<b>{row.ortsteil}</b> ({row.ortsteil_nr}, {row.bezirk})"]
    if row.participants == 0:
        lines.append(N["hover_no_participants"])
    else:
        outcome = T.CATEGORY_LABELS["outcome"]
        lines += [
            f"{N['hover_participants']}: {_count(row.participants)}",
            f"{outcome['employment']}: {_count(row.employment)} · {outcome['vocational_training']}: "
            f"{_count(row.vocational_training)} · {outcome['improved_prospects']}: {_count(row.improved_prospects)}",
            f"{M['placement_rate']}: {_rate(row.placement_rate, row.participants, missing)}",
            f"{M['outcome_rate']}: {_rate(row.outcome_rate, row.participants, missing)}",
        ]
    if pd.notna(row.einwohner):
        per = SUPPRESSED if pd.isna(row.per_1000) else format_number(row.per_1000)
        lines.append(f"{N['hover_per_1000']}: {per} "
                     f"({N['col_population']} {format_int(row.einwohner)}, Stand {format_date(row.stichtag)})")
    lines.append(f"<i>{N['hover_click']}</i>")
    return "<br>".join(lines)


def _bezirk_hover(row, missing: str = SUPPRESSED) -> str:
    lines = [f"<b>{N['option_bezirk'].format(name=row.bezirk)}</b>",
             f"{N['hover_participants']}: {_count(row.participants)}"]
    if row.participants != 0:
        lines += [f"{M['placement_rate']}: {_rate(row.placement_rate, row.participants, missing)}",
                  f"{M['outcome_rate']}: {_rate(row.outcome_rate, row.participants, missing)}"]
    if row.unplaced_names:
        lines.append(f"{N['hover_unplaced']}: {_count(row.unplaced)} ({row.unplaced_names})")
    lines.append(f"<i>{N['hover_click']}</i>")
    return "<br>".join(lines)


def _json_number(value):
    """Plain int/float for plotly's JSON; None (null) where withheld or undefined."""
    if value is None or pd.isna(value):
        return None
    return int(value) if float(value).is_integer() else float(value)


def _opacity(keys: list[str], chosen: set[str], dimmed: float, normal: float = 1.0) -> list[float] | float:
    """Full opacity for selected places, dimmed for the others; all normal when nothing is selected.

    (Highlighting is drawn by us, not with plotly's `selectedpoints`: each click then reaches the page as a
    fresh one-point selection, so a second click on the same place can remove it again.)"""
    return [1.0 if k in chosen else dimmed for k in keys] if chosen else normal


def _rate_axis_max(rates: pd.Series) -> float:
    top = rates.max(skipna=True)
    return 10.0 if pd.isna(top) or top <= 0 else max(10.0, math.ceil(top * 10) * 10.0)


def _label_to_the_left(bubbles: pd.DataFrame) -> np.ndarray:
    """Per bubble: write its name on the left when the other bubbles (weighted by size, closer counts more)
    lie mostly to its right, so names do not run into neighbouring bubbles."""
    x = bubbles["lon"].to_numpy(dtype=float) * math.cos(math.radians(51.45))
    y = bubbles["lat"].to_numpy(dtype=float)
    w = bubbles["participants"].to_numpy(dtype=float)
    dx, dy = x[None, :] - x[:, None], y[None, :] - y[:, None]
    d2 = dx ** 2 + dy ** 2
    np.fill_diagonal(d2, np.inf)
    pull = (np.sqrt(w)[None, :] * dx / d2).sum(axis=1)
    return pull > 0


def neighbourhood_map(frame: pd.DataFrame, bezirke: pd.DataFrame, boundaries: geometry.OrtsteilBoundaries,
                      selected: Iterable[str] = (), *, height: int = 630) -> go.Figure:
    """The Duisburg map.

    frame: areas.ortsteil_frame(); bezirke: areas.bezirk_frame(); selected: selection keys (place_keys.normalise_keys).
    Stadtbezirke are clickable polygons; Ortsteile are bubbles (area ∝ participants, colour = placement rate)
    at their reference point. With official boundaries the Ortsteil polygons carry the colour instead and
    the bubbles are neutral.
    """
    selected = set(selected)
    missing = missing_share(frame)
    chosen_ortsteile = {place_keys.ortsteil_key(n) for n in place_keys.ortsteile_of(selected)}
    chosen_bezirke = {k for k in selected if k.startswith("b")}  # Ortsteile of a selected Bezirk count as chosen
    cmax = _rate_axis_max(frame.loc[frame["participants"].fillna(0) > 0, "placement_rate"])
    # Everything drawn uses the screen-resolution polygons (biwaq_data.places.simplify, ~10 m, below a pixel);
    # the label points and anchors in `frame`/`bezirke` were computed from the full geometry.
    drawn_bezirke, drawn_ortsteile = geometry.drawn_bezirke(), boundaries.drawn
    fig = go.Figure()

    # plotly.js decides from the FIRST geo trace whether to download world topojson from cdn.plot.ly (a
    # choropleth has a locationmode and would trigger it; offline the whole map then stays blank). So the first
    # trace is always a plain Scattergeo line trace.
    if not boundaries.official:
        lons, lats = geometry.outline_coordinates(drawn_ortsteile)
        fig.add_trace(go.Scattergeo(
            lon=lons, lat=lats, mode="lines", line=dict(color=ORTSTEIL_LINE, width=0.8), hoverinfo="skip",
            name=N["legend_osm_outlines"].format(n=len(boundaries.numbers)), meta="ortsteil_outlines"))
    lons, lats = geometry.outline_coordinates(drawn_bezirke)
    fig.add_trace(go.Scattergeo(
        lon=lons, lat=lats, mode="lines", line=dict(color=BEZIRK_LINE, width=1.6), hoverinfo="skip",
        name=N["legend_bezirke"], meta="bezirk_outlines"))

    # Stadtbezirke: light polygons, clickable.
    bezirk_keys = [place_keys.bezirk_key(n) for n in bezirke["bezirk_nr"]]
    fig.add_trace(go.Choropleth(
        geojson=drawn_bezirke, featureidkey="id", locations=bezirk_keys, z=[1] * len(bezirk_keys),
        colorscale=[[0, BEZIRK_FILL], [1, BEZIRK_FILL]], showscale=False, zmin=0, zmax=1,
        marker=dict(line=dict(width=0)),
        customdata=[[k, int(n), _json_number(p)] for k, n, p in zip(bezirk_keys, bezirke["bezirk_nr"],
                                                                     bezirke["participants"])],
        hovertext=[_bezirk_hover(r, missing) for r in bezirke.itertuples()], hovertemplate="%{hovertext}<extra></extra>",
        name=N["legend_bezirke"], showlegend=False, meta="bezirke",
    ))

    # Official Ortsteil polygons, coloured by placement rate (then the bubbles are neutral).
    bubbles_coloured = not boundaries.official
    if boundaries.official:
        features = {f["id"] for f in drawn_ortsteile["features"]}
        shown = frame[frame["ortsteil_nr"].map(place_keys.ortsteil_key).isin(features)]
        active = shown["participants"].fillna(1) > 0
        fills = {"ortsteil_polygons_grey": WITHHELD_GREY, "ortsteil_polygons_empty": "#FFFFFF"}
        for role, part in (("ortsteil_polygons", shown[active & shown["placement_rate"].notna()]),
                           ("ortsteil_polygons_grey", shown[active & shown["placement_rate"].isna()]),
                           ("ortsteil_polygons_empty", shown[~active])):
            if part.empty:
                continue
            keys = [place_keys.ortsteil_key(n) for n in part["ortsteil_nr"]]
            coloured = role == "ortsteil_polygons"
            fig.add_trace(go.Choropleth(
                geojson=drawn_ortsteile, featureidkey="id", locations=keys,
                z=(part["placement_rate"] * 100).round(2).tolist() if coloured else [0] * len(keys),
                coloraxis="coloraxis" if coloured else None,
                colorscale=None if coloured else [[0, fills[role]], [1, fills[role]]],
                showscale=False if not coloured else None,
                marker=dict(line=dict(color=ORTSTEIL_LINE, width=0.7), opacity=_opacity(keys, chosen_ortsteile, 0.35)),
                customdata=[[k, int(n), _json_number(p)] for k, n, p in zip(keys, part["ortsteil_nr"],
                                                                             part["participants"])],
                hovertext=[_ortsteil_hover(r, missing) for r in part.itertuples()], hovertemplate="%{hovertext}<extra></extra>",
                name=N["legend_official"], showlegend=False, meta=role,
            ))

    # Ortsteile with a point but no participants: small hollow rings.
    placed = frame[frame["has_point"]]
    empty = placed[placed["participants"] == 0]
    if not empty.empty:
        keys = [place_keys.ortsteil_key(n) for n in empty["ortsteil_nr"]]
        fig.add_trace(go.Scattergeo(
            lon=empty["lon"], lat=empty["lat"], mode="markers",
            marker=dict(size=7, color="rgba(255,255,255,0.9)", opacity=_opacity(keys, chosen_ortsteile, 0.5),
                        line=dict(color=["#000000" if k in chosen_ortsteile else "#9A9A9A" for k in keys],
                                  width=[2.5 if k in chosen_ortsteile else 1.2 for k in keys])),
            customdata=[[k, int(n)] for k, n in zip(keys, empty["ortsteil_nr"])],
            hovertext=[_ortsteil_hover(r, missing) for r in empty.itertuples()], hovertemplate="%{hovertext}<extra></extra>",
            name=N["legend_empty"], meta="bubbles_empty",
        ))
    # Ortsteile with participants: area ∝ participants; colour = placement rate (grey where withheld).
    full = placed[placed["participants"].fillna(1) > 0].sort_values("participants", ascending=False)
    sized = full[full["participants"].notna()]
    top = float(sized["participants"].max()) if len(sized) else 1.0
    labelled = set(sized.loc[sized["participants"] >= max(1.0, 0.1 * top), "ortsteil_nr"])
    left = dict(zip(full["ortsteil_nr"], _label_to_the_left(full.fillna({"participants": 1.0}))))
    withheld = full[full["participants"].isna()]
    if bubbles_coloured:
        known_rate = sized["placement_rate"].notna()
        parts = (("bubbles", sized[known_rate]), ("bubbles_grey", sized[~known_rate]), ("bubbles_withheld", withheld))
    else:  # official polygons carry the colour; bubbles only show the number of participants
        parts = (("bubbles", sized), ("bubbles_withheld", withheld))
    for role, part in parts:
        if part.empty:
            continue
        keys = [place_keys.ortsteil_key(n) for n in part["ortsteil_nr"]]
        picked = [k in chosen_ortsteile for k in keys]
        customdata = [[k, *[_json_number(v) for v in row]]
                      for k, row in zip(keys, part[BUBBLE_DATA].itertuples(index=False))]
        line = dict(width=[3 if p else 1.2 for p in picked],
                    color=["#000000" if p else "#2B2B2B" if bubbles_coloured else "#FFFFFF" for p in picked])
        if role == "bubbles_withheld":  # no size to show: a grey ring marked *
            marker = dict(size=12, color="rgba(255,255,255,0.9)", opacity=_opacity(keys, chosen_ortsteile, 0.4),
                          line=dict(width=line["width"], color=["#000000" if p else "#6B6B6B" for p in picked]))
            text = [SUPPRESSED] * len(part)
        else:
            marker = dict(size=part["participants"].tolist(), sizemode="area", sizemin=5,
                          sizeref=2.0 * top / MAX_BUBBLE_PX ** 2, line=line,
                          opacity=_opacity(keys, chosen_ortsteile, 0.3, 0.95))
            if role == "bubbles" and bubbles_coloured:
                marker.update(color=(part["placement_rate"] * 100).round(2).tolist(), coloraxis="coloraxis")
            else:
                marker.update(color=WITHHELD_GREY if role == "bubbles_grey" else "rgba(40,40,40,0.55)")
            text = [name if nr in labelled else "" for name, nr in zip(part["ortsteil"], part["ortsteil_nr"])]
        if role == "bubbles" and bubbles_coloured:  # legend entry in a colour of the scale, not black
            fig.add_trace(go.Scattergeo(lon=[None], lat=[None], mode="markers", name=N["legend_bubbles"],
                                        marker=dict(size=14, color=LEGEND_BLUE, line=dict(width=1.2, color="#2B2B2B")),
                                        hoverinfo="skip", meta="legend_bubbles"))
        fig.add_trace(go.Scattergeo(
            lon=part["lon"], lat=part["lat"], mode="markers+text", text=text,
            showlegend=not (role == "bubbles" and bubbles_coloured),
            textposition=["middle left" if left[nr] else "middle right" for nr in part["ortsteil_nr"]]
            if role != "bubbles_withheld" else "middle center",
            textfont=dict(size=12, color="#1A1A1A", shadow=HALO), marker=marker, customdata=customdata,
            hovertext=[_ortsteil_hover(r, missing) for r in part.itertuples()], hovertemplate="%{hovertext}<extra></extra>",
            name=N["legend_bubbles_grey_rounded" if role == "bubbles_grey" and missing == UNRELIABLE
                   else "legend_" + role],
            meta=role,
        ))

    # Selected Stadtbezirke (and, with official boundaries, Ortsteile): a bold outline on top.
    outlined = [f for f in drawn_bezirke["features"] if f["id"] in chosen_bezirke]
    if boundaries.official:
        outlined += [f for f in drawn_ortsteile["features"] if f["id"] in chosen_ortsteile]
    if outlined:
        lons, lats = geometry.outline_coordinates({"type": "FeatureCollection", "features": outlined})
        fig.add_trace(go.Scattergeo(lon=lons, lat=lats, mode="lines", line=dict(color="#000000", width=2.6),
                                    hoverinfo="skip", showlegend=False, meta="selected_outline"))

    # Bezirk names outside the city with a leader line to a free spot inside the Bezirk (not interactive).
    leader_lon, leader_lat = [], []
    for row in bezirke.itertuples():
        leader_lon += [row.label_lon, row.anchor_lon, None]
        leader_lat += [row.label_lat, row.anchor_lat, None]
    fig.add_trace(go.Scattergeo(lon=leader_lon, lat=leader_lat, mode="lines", line=dict(color="#A8A8A8", width=0.8),
                                hoverinfo="skip", showlegend=False, meta="bezirk_leaders"))
    fig.add_trace(go.Scattergeo(
        lon=bezirke["label_lon"], lat=bezirke["label_lat"], mode="text",
        # one part per line ("HOMBERG/<br>RUHRORT/<br>BAERL"): narrow names are not cut on a phone
        text=[name.replace("/", "/<br>") for name in bezirke["bezirk"]],
        textposition=["middle left" if side == "west" else "middle right" for side in bezirke["side"]],
        textfont=dict(size=11, color="#5E5E5E", textcase="upper"), hoverinfo="skip",
        showlegend=False, meta="bezirk_labels"))
    # Invisible points widen the fitted bounds so the names (which extend beyond their point) are not cut off.
    mid = float(bezirke["label_lat"].mean())
    fig.add_trace(go.Scattergeo(lon=[bezirke["label_lon"].min() - NAME_ROOM, bezirke["label_lon"].max() + NAME_ROOM],
                                lat=[mid, mid], mode="markers", marker=dict(size=1, opacity=0), hoverinfo="skip",
                                showlegend=False, meta="bounds"))

    _layout(fig, height=height)
    fig.update_layout(
        margin=dict(l=0, r=0, t=36, b=0),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0, title_text="", itemclick=False,
                    itemdoubleclick=False, font=dict(size=12)),
        coloraxis=dict(colorscale=COLOURSCALE, cmin=0, cmax=cmax, colorbar=dict(
            title=dict(text=N["colorbar"], side="top", font=dict(size=12)), ticksuffix=" %", orientation="h",
            len=0.42, thickness=12, x=1.0, xanchor="right", y=0.99, yanchor="top", tickfont=dict(size=11),
            bgcolor="rgba(255,255,255,0.85)")),
        geo=dict(visible=False, projection_type="mercator", fitbounds="locations", bgcolor="white",
                 showframe=False),
        annotations=[dict(text=T.OSM_ATTRIBUTION, xref="paper", yref="paper", x=0, y=0, xanchor="left",
                          yanchor="bottom", showarrow=False, font=dict(size=11, color="#444444"),
                          bgcolor="rgba(255,255,255,0.85)")],
        paper_bgcolor="white",
    )
    return fig


def map_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The numbers behind the map (all 46 Ortsteile), with 'ja'/'nein' for whether the Ortsteil has a map point."""
    return frame.assign(point_label=np.where(frame["has_point"], N["yes"], N["no"]))


def keys_from_points(points: Iterable[dict]) -> list[str]:
    """Selection keys from st.plotly_chart selection points (customdata[0] or the choropleth location)."""
    keys = []
    for point in points or []:
        custom = point.get("customdata")
        candidate = custom[0] if isinstance(custom, (list, tuple)) and custom else point.get("location")
        if isinstance(candidate, str) and candidate[:1] in ("b", "o") and candidate[1:].isdigit():
            keys.append(candidate)
    return keys


def density_bars(frame: pd.DataFrame) -> go.Figure:
    """Participants per 1.000 residents (areas.density_frame), the Stichtag in each label; the city total grey.
    Withheld values (publication mode) have no bar and the label *."""
    frame = frame.iloc[::-1]
    colours = [COLOURS["no_outcome"] if nr == geometry.CITY_NR else COLOURS["participants"] for nr in frame["ortsteil_nr"]]
    # the Stichtag on its own line, so the names leave room for the bars on a phone
    labels = [label.replace(" (", "<br>(", 1) for label in frame["label"]]
    fig = go.Figure(go.Bar(
        y=labels, x=[_json_number(v) for v in frame["per_1000"]], orientation="h", marker_color=colours,
        text=[SUPPRESSED if pd.isna(v) else format_number(v) for v in frame["per_1000"]], textposition="outside",
        cliponaxis=False,
        customdata=[[_count(p), format_int(e)] for p, e in zip(frame["participants"], frame["einwohner"])],
        hovertemplate="<b>%{y}</b><br>" + N["hover_per_1000"] + ": %{text}<br>" + N["hover_participants"]
        + ": %{customdata[0]}<br>" + N["col_population"] + ": %{customdata[1]}<extra></extra>"))
    top = frame["per_1000"].max(skipna=True)
    fig.update_xaxes(title_text=N["density_axis"], rangemode="tozero",
                     range=[0, float(top) * 1.15] if pd.notna(top) and top > 0 else None)  # room for the labels
    fig.update_yaxes(automargin=True)
    _layout(fig, height=max(220, 56 * len(frame) + 90))
    fig.update_layout(margin=dict(l=10, r=40, t=10, b=10))  # room for the value label of the longest bar
    return fig


COMPARE_COUNTS = ("participants", "employment", "vocational_training", "improved_prospects", "with_outcome")
COMPARE_RATES = ("placement_rate", "outcome_rate")


def comparison_bars(frame: pd.DataFrame) -> go.Figure:
    """Grouped horizontal bars, one colour per area (areas.compare): persons on top, rates in percent below.
    Horizontal, so the labels stay readable on a phone. Withheld figures (publication mode) have no bar and the
    label *."""
    fig = make_subplots(rows=2, cols=1, row_heights=[0.66, 0.34], vertical_spacing=0.16,
                        subplot_titles=(N["compare_persons"], N["compare_rates"]))
    count_labels = [M[k][:1].upper() + M[k][1:] for k in COMPARE_COUNTS][::-1]  # first on top
    rate_labels = [M[k] for k in COMPARE_RATES][::-1]
    counts_top = rates_top = 0.0
    rows = list(enumerate(frame.itertuples()))
    for i, row in rows[::-1]:  # plotly draws a group's first trace at the bottom: Quartier A on top
        colour = AREA_COLOURS[i % len(AREA_COLOURS)]
        counts = [getattr(row, k) for k in COMPARE_COUNTS][::-1]
        rates = [getattr(row, k) for k in COMPARE_RATES][::-1]
        counts_top = max([counts_top] + [float(v) for v in counts if pd.notna(v)])
        rates_top = max([rates_top] + [float(v) * 100 for v in rates if pd.notna(v)])
        fig.add_bar(y=count_labels, x=[_json_number(v) for v in counts], name=row.area, marker_color=colour,
                    orientation="h", legendgroup=row.area, text=[_count(v) for v in counts], textposition="outside",
                    cliponaxis=False, hovertemplate="<b>" + row.area + "</b><br>%{y}: %{text}<extra></extra>",
                    row=1, col=1)
        fig.add_bar(y=rate_labels, x=[None if pd.isna(v) else round(v * 100, 4) for v in rates], name=row.area,
                    marker_color=colour, orientation="h", legendgroup=row.area, showlegend=False,
                    text=[_rate(v, row.participants, UNRELIABLE if key in row.unreliable else SUPPRESSED)
                          for v, key in zip(rates, COMPARE_RATES[::-1])], textposition="outside", cliponaxis=False,
                    hovertemplate="<b>" + row.area + "</b><br>%{y}: %{text}<extra></extra>", row=2, col=1)
    fig.update_layout(barmode="group", legend_traceorder="reversed")
    # room right of the longest bar for its label, also on a phone (plot area about 200 px wide)
    fig.update_xaxes(rangemode="tozero", range=[0, counts_top * 1.3 or 1], row=1, col=1)
    fig.update_xaxes(ticksuffix=" %", rangemode="tozero", range=[0, rates_top * 1.5 or 10], row=2, col=1)
    _layout(fig, height=560)
    fig.update_layout(margin=dict(l=10, r=30, t=70, b=10), legend=dict(y=1.1))
    return fig


# --- the page's tables as shown (publication mode) --------------------------------------------------------------
# Each table is a ui.publication.Shown: raw figures, their protected version (always computed, because downloads
# stay protected), and whether the screen shows the protected one. Charts are drawn from `.frame`.

@dataclass
class MapData:
    """Everything the map and the per-1.000 section show for one filter selection."""

    frame: pd.DataFrame      # areas.ortsteil_frame() as shown on screen (NaN where withheld)
    bezirke: pd.DataFrame    # areas.bezirk_frame() as shown
    table: Shown             # the 46 Ortsteile behind the map
    density: Shown           # participants per 1.000 residents


def map_data(dataset, filters, headline: publication.Selection, boundaries: geometry.OrtsteilBoundaries) -> MapData:
    """The Ortsteil and Bezirk figures of the selection (protected together by biwaq_data.publish.publication)."""
    ortsteile = show(publication.metric_frame(dataset, filters, "breakdown:ortsteil"), publication.publish_breakdown,
                     headline, "ortsteil")
    bezirke = show(publication.metric_frame(dataset, filters, "breakdown:bezirk"), publication.publish_breakdown,
                   headline, "bezirk")
    protected_figures = publication.publish_headline(headline)
    raw = areas.ortsteil_frame(ortsteile.raw, boundaries)
    protected = areas.ortsteil_frame(ortsteile.published.frame, boundaries)
    on = ortsteile.on_screen_protected
    table = Shown(map_table(raw), published_areas.published(
        map_table(protected), published_areas.withheld_by_ortsteil(protected, ortsteile.published),
        published_areas.unreliable_by_ortsteil(protected, ortsteile.published)), on)
    raw_density = areas.density_frame(raw, headline["participants"])
    protected_density = areas.density_frame(protected, protected_figures["participants"])
    density = Shown(raw_density, published_areas.published(protected_density, published_areas.withheld_in_density(
        protected_density, ortsteile.published, "participants" in protected_figures.suppressed)), on)
    frame = protected if on else raw
    if ortsteile.published.rounded:  # a free combination: rounded figures, "gerundet" in the footnote (issue 13)
        for item in (table, density):
            object.__setattr__(item.published, "rounded", True)
        frame.attrs["rounded"] = on  # shares left out are "/" (too small a rounded base), not "*"
    return MapData(frame, areas.bezirk_frame(frame, bezirke.frame), table, density)


def comparison(dataset, filters, groups: dict[str, tuple[int, ...]]) -> Shown:
    """areas.compare() of named groups of Ortsteile, each group's figures protected as its own selection."""
    selections = {name: publication.selection(dataset, narrow(filters, "ortsteil_nr", numbers))
                  for name, numbers in groups.items()}
    raw = areas.compare({name: (groups[name], sel) for name, sel in selections.items()})
    protected = areas.compare({name: (groups[name], publication.publish_headline(sel))
                             for name, sel in selections.items()})
    published = published_areas.published(protected, published_areas.withheld_in_compare(protected),
                                          published_areas.unreliable_in_compare(protected))
    if any(getattr(sel.headline(), "rounded_keys", ()) for sel in selections.values()):  # issue 13: say so
        object.__setattr__(published, "rounded", True)
    return Shown(raw, published, ui_publication.is_on())


# --- shared per (data version, filters, publication mode, boundaries): computed once for all sessions ----------

def _boundaries_key(boundaries: geometry.OrtsteilBoundaries) -> tuple:
    # the geojson dicts are the per-process cached loads (geometry._official / osm_ortsteile_geojson)
    return (boundaries.official, boundaries.numbers, boundaries.notes, boundaries.problem, id(boundaries.geojson))


def shared_map_data(dataset, filters, headline: publication.Selection,
                    boundaries: geometry.OrtsteilBoundaries) -> MapData:
    """map_data() once per (data version, filters, publication mode, boundaries), shared read-only."""
    on = ui_publication.is_on()
    return memo.per_selection(dataset, filters, ("quartiere_map_data", on, _boundaries_key(boundaries)),
                              lambda: map_data(dataset, filters, headline, boundaries))


def shared_neighbourhood_map(dataset, filters, data: MapData, boundaries: geometry.OrtsteilBoundaries,
                             selected: Iterable[str] = ()) -> Chart:
    """neighbourhood_map() of shared_map_data() as a Chart keyed by (data version, filters, publication mode,
    boundaries, selection): chart_card builds and themes it once per theme for all sessions (ui.figure_cache)
    and gives each run its own copy (about 3 ms instead of about 50 ms of plotly's object model, plus the
    theming)."""
    on, chosen = ui_publication.is_on(), tuple(sorted(selected))
    key = ("quartiere_map", memo.version_key(dataset), filters, on, _boundaries_key(boundaries), chosen)
    return Chart.keyed(key, neighbourhood_map, data.frame, data.bezirke, boundaries, chosen)
