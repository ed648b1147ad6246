"""Figures per place for the Quartiere page: counts per Ortsteil and Stadtbezirk, participants per 1.000
residents, comparisons of place groups, and the keys that name a place selection. Pure counting, no protection."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from . import metrics
from .. import texts_de as T
from .filters import Filters, narrow
from ..formatting import format_date
from ..places.geometry import CITY_NR, OrtsteilBoundaries, bezirk_callouts, label_point, latest_population, ortsteil_points
from ..places.keys import ortsteile_of

COUNT_COLUMNS = ("participants", "employment", "vocational_training", "improved_prospects", "with_outcome")


# --- figure-ready frames ---------------------------------------------------------

def _count_values(series: pd.Series) -> np.ndarray:
    """Counts as floats: NaN where a figure is withheld (publication mode)."""
    return pd.Series(series).astype("Float64").to_numpy(dtype=float, na_value=np.nan)


def ortsteil_frame(table: pd.DataFrame, boundaries: OrtsteilBoundaries | None = None) -> pd.DataFrame:
    """All 46 Ortsteile with counts, map point and population.

    table: metrics.breakdown(ds, "ortsteil", filters), or its published version (counts NaN/NA where withheld).
    Columns: ortsteil_nr, ortsteil, bezirk_nr, bezirk, lat, lon, has_point, has_polygon, participants,
    employment, vocational_training, improved_prospects, with_outcome (floats; NaN = withheld), placement_rate,
    outcome_rate (from the table), einwohner, stichtag, quelle, per_1000. Ortsteile not in the table have no
    participants (0, rates NaN). Without a point in the reference CSV, the centre of an (official) polygon is
    used when there is one.
    """
    points = ortsteil_points()
    counts = table.assign(ortsteil_nr=table["ortsteil_nr"].astype(int)).set_index("ortsteil_nr")
    out = points[["ortsteil_nr", "ortsteil", "bezirk_nr", "bezirk", "lat", "lon"]].copy()
    polygons = {}
    if boundaries is not None:
        polygons = {int(f["properties"]["ortsteil_nr"]): f["geometry"] for f in boundaries.geojson["features"]}
    for i, nr in enumerate(out["ortsteil_nr"]):
        if pd.isna(out.at[i, "lat"]) and nr in polygons:
            out.at[i, "lon"], out.at[i, "lat"] = label_point(polygons[nr])
    out["has_point"] = out["lat"].notna() & out["lon"].notna()
    out["has_polygon"] = out["ortsteil_nr"].isin(list(polygons))
    present = out["ortsteil_nr"].isin(counts.index).to_numpy()
    rows = counts.reindex(out["ortsteil_nr"])
    for column in COUNT_COLUMNS:
        out[column] = np.where(present, _count_values(rows[column]), 0.0)
    for column in ("placement_rate", "outcome_rate"):
        out[column] = _count_values(rows[column])
    pop = latest_population().set_index("ortsteil_nr")
    out["einwohner"] = out["ortsteil_nr"].map(pop["einwohner"]).astype("Int64")
    out["stichtag"] = out["ortsteil_nr"].map(pop["stichtag"])
    out["quelle"] = out["ortsteil_nr"].map(pop["quelle"])
    out["per_1000"] = per_1000(out["participants"], out["einwohner"])
    return out


def per_1000(participants, einwohner) -> np.ndarray:
    """Participants per 1.000 residents (NaN where the population is not known or participants withheld)."""
    pop = pd.Series(einwohner, dtype="Float64").to_numpy(dtype=float, na_value=np.nan)
    return metrics._rate(_count_values(pd.Series(participants)) * 1000, pop)


def bezirk_frame(frame: pd.DataFrame, bezirk_table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per Stadtbezirk: bezirk_nr, bezirk, counts and rates, unplaced (participants in Ortsteile without a map
    point, NaN if withheld), unplaced_names, and where its name goes (bezirk_callouts()).

    bezirk_table: metrics.breakdown(ds, "bezirk", filters) or its published version; without it the Ortsteile
    are summed (only correct when nothing is withheld).
    """
    out = frame.groupby(["bezirk_nr", "bezirk"], sort=True)[list(COUNT_COLUMNS)].sum(min_count=1).reset_index()
    if bezirk_table is not None:
        table = bezirk_table.set_index(bezirk_table["key"].astype(str))
        for column in (*COUNT_COLUMNS, "placement_rate", "outcome_rate"):
            out[column] = _count_values(table[column].reindex(out["bezirk"]))
    else:
        out[list(COUNT_COLUMNS)] = out[list(COUNT_COLUMNS)].fillna(0)
        out["placement_rate"] = metrics._rate(out["employment"] + out["vocational_training"], out["participants"])
        out["outcome_rate"] = metrics._rate(out["with_outcome"], out["participants"])
    missing = frame[~frame["has_point"]]
    out["unplaced"] = out["bezirk_nr"].map(missing.groupby("bezirk_nr")["participants"].sum(min_count=1)).fillna(0)
    names = missing[missing["participants"].fillna(1) > 0].groupby("bezirk_nr")["ortsteil"].agg(", ".join)
    out["unplaced_names"] = [names.get(nr, "") for nr in out["bezirk_nr"]]
    callouts = bezirk_callouts().set_index("bezirk_nr")
    for column in ("side", "label_lon", "label_lat", "anchor_lon", "anchor_lat"):
        out[column] = out["bezirk_nr"].map(callouts[column])
    return out


def unplaced(frame: pd.DataFrame) -> pd.DataFrame:
    """Ortsteile without a map point (with or without participants): they count under their Bezirk."""
    return frame[~frame["has_point"]].reset_index(drop=True)


def density_frame(frame: pd.DataFrame, city_participants) -> pd.DataFrame:
    """Participants per 1.000 residents where the population is known, plus the city as a whole.

    Columns: ortsteil_nr (0 = city), name, participants (NaN = withheld), einwohner, stichtag, quelle, per_1000,
    label (name with the Stichtag).
    """
    known = frame[frame["einwohner"].notna()]
    rows = known[["ortsteil_nr", "ortsteil", "participants", "einwohner", "stichtag", "quelle"]].rename(
        columns={"ortsteil": "name"})
    city = latest_population().set_index("ortsteil_nr")
    if CITY_NR in city.index:
        c = city.loc[CITY_NR]
        total = np.nan if city_participants is None or pd.isna(city_participants) else float(city_participants)
        rows = pd.concat([rows, pd.DataFrame([{
            "ortsteil_nr": CITY_NR, "name": T.NEIGHBOURHOOD_TEXTS["city_total"], "participants": total,
            "einwohner": int(c["einwohner"]), "stichtag": c["stichtag"], "quelle": c["quelle"]}])], ignore_index=True)
    rows["einwohner"] = rows["einwohner"].astype(int)
    rows["participants"] = _count_values(rows["participants"])
    rows["per_1000"] = per_1000(rows["participants"], rows["einwohner"])
    rows["label"] = [T.NEIGHBOURHOOD_TEXTS["density_label"].format(name=n, stichtag=format_date(s))
                     for n, s in zip(rows["name"], rows["stichtag"])]
    return rows.reset_index(drop=True)


# --- selection -----------------------------------------------------------------

def selection_filters(filters: Filters | None, keys: Iterable[str]) -> Filters:
    """The page filters narrowed to the selected places (no keys: unchanged)."""
    numbers = ortsteile_of(keys)
    return narrow(filters, "ortsteil_nr", numbers) if numbers else (filters or Filters())


def compare(groups: Mapping[str, tuple[Iterable[int], Mapping]]) -> pd.DataFrame:
    """Side by side: one row per named group of Ortsteile.

    groups: name -> (Ortsteil numbers, headline figures of that group) - figures as metrics.headline() gives
    them, or their published version (NA where withheld). Columns: area, ortsteile (tuple), participants,
    employment, vocational_training, improved_prospects, with_outcome (floats, NaN = withheld),
    placement_rate, outcome_rate, einwohner (sum, only if known for every Ortsteil), stichtag (dates of
    those figures), quelle, per_1000, withheld (names of the withheld figures), unreliable (names of the shares
    of rounded counts not shown, publication.rounding.MIN_SHARE_BASE).
    """
    pop = latest_population().set_index("ortsteil_nr")
    rows = []
    for name, (numbers, figures) in groups.items():
        numbers = tuple(int(n) for n in numbers)
        values = {k: figures.get(k, np.nan) if figures else np.nan for k in (*COUNT_COLUMNS, "placement_rate",
                                                                             "outcome_rate")}
        values = {k: np.nan if v is None or v is pd.NA else float(v) for k, v in values.items()}
        known = bool(numbers) and all(n in pop.index for n in numbers)
        rows.append({
            "area": name, "ortsteile": numbers, **values,
            "einwohner": int(pop.loc[list(numbers), "einwohner"].sum()) if known else pd.NA,
            "stichtag": ", ".join(sorted({format_date(pop.loc[n, "stichtag"]) for n in numbers})) if known else "",
            "quelle": "; ".join(dict.fromkeys(pop.loc[n, "quelle"] for n in numbers)) if known else "",
            "withheld": tuple(sorted(getattr(figures, "suppressed", ()) or ())),
            "unreliable": tuple(sorted(getattr(figures, "unreliable", ()) or ())),
        })
    out = pd.DataFrame(rows)
    out["einwohner"] = out["einwohner"].astype("Int64")
    out["per_1000"] = per_1000(out["participants"], out["einwohner"])
    return out
