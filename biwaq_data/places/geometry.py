"""Duisburg geometry for maps: boundaries, Ortsteil points, population excerpt, label placement.

Pure (no Streamlit). Reference files are in `places/reference/` (see its README for sources and licences:
boundaries © OpenStreetMap contributors, ODbL 1.0; population excerpt from Wikipedia infoboxes).

Official boundaries: a city that has polygons for all 46 Ortsteile points the app at its GeoJSON with
the environment variable BIWAQ_ORTSTEILE_GEOJSON (path) and names the feature property that carries the
3-digit Ortsteil number in BIWAQ_ORTSTEILE_GEOJSON_PROPERTY (default "ortsteil_nr"); see docs/maps.md.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .. import places
from .. import texts_de as T
from .keys import bezirk_key, ortsteil_key
from .simplify import signed_area, simplify_geojson

REFERENCE_DIR = places.REFERENCE_DIR
BEZIRKE_FILE = REFERENCE_DIR / "duisburg_stadtbezirke_osm.geojson"
OSM_ORTSTEILE_FILE = REFERENCE_DIR / "duisburg_ortsteile_osm_partial.geojson"
POINTS_FILE = REFERENCE_DIR / "duisburg_ortsteile_punkte.csv"
POPULATION_FILE = REFERENCE_DIR / "duisburg_ortsteile_bevoelkerung_auszug.csv"

ENV_PATH = "BIWAQ_ORTSTEILE_GEOJSON"
ENV_PROPERTY = "BIWAQ_ORTSTEILE_GEOJSON_PROPERTY"
DEFAULT_PROPERTY = "ortsteil_nr"
CITY_NR = 0  # the city total row of the population excerpt ("000")

# Rough bounding box of Duisburg (lon/lat) with a margin, to catch files in another CRS or place.
_LON_RANGE, _LAT_RANGE = (6.5, 7.0), (51.25, 51.65)
_UTM32_CRS = ("25832", "32632", "3044")


# --- reading ----------------------------------------------------------------

@lru_cache(maxsize=8)
def _read_json(path: str, mtime_ns: int) -> dict:
    with open(path, encoding="utf-8-sig") as fh:
        return json.load(fh)


def load_geojson(path: str | Path) -> dict:
    """A GeoJSON file as a dict (cached per file version; callers must not modify it)."""
    path = Path(path)
    return _read_json(str(path), path.stat().st_mtime_ns)


def _collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


@lru_cache(maxsize=1)
def bezirke_geojson() -> dict:
    """The 7 Stadtbezirke; each feature's id is its selection key ("b100" … "b700")."""
    raw = load_geojson(BEZIRKE_FILE)
    return _collection([{**f, "id": bezirk_key(f["properties"]["bezirk_nr"]), "geometry": rewound(f["geometry"])}
                        for f in raw["features"]])


@lru_cache(maxsize=1)
def drawn_bezirke() -> dict:
    """bezirke_geojson() at screen resolution (simplify.simplify_geojson): only for drawing, never for computing."""
    return simplify_geojson(bezirke_geojson())


@lru_cache(maxsize=1)
def osm_ortsteile_geojson() -> dict:
    """The 27 Ortsteile with an OSM polygon; each feature's id is its selection key ("o508")."""
    raw = load_geojson(OSM_ORTSTEILE_FILE)
    return _collection([{**f, "id": ortsteil_key(f["properties"]["ortsteil_nr"]), "geometry": rewound(f["geometry"])}
                        for f in raw["features"]])


@lru_cache(maxsize=1)
def _drawn_osm_ortsteile() -> dict:
    return simplify_geojson(osm_ortsteile_geojson())


@lru_cache(maxsize=1)
def ortsteil_points() -> pd.DataFrame:
    """All 46 Ortsteile with their map point: ortsteil_nr, ortsteil, bezirk_nr, bezirk, lat, lon (NaN where
    not known: 103, 106, 205), coord_source."""
    df = pd.read_csv(POINTS_FILE, encoding="utf-8")
    df = df.rename(columns={"ortsteil_name": "ortsteil", "bezirk_name": "bezirk"})
    return df.sort_values("ortsteil_nr").reset_index(drop=True)


@lru_cache(maxsize=1)
def population_table() -> pd.DataFrame:
    """Every row of the population excerpt: ortsteil_nr (0 = city), name, stichtag, einwohner, source."""
    df = pd.read_csv(POPULATION_FILE, encoding="utf-8", dtype={"ortsteil_nr": str})
    df["ortsteil_nr"] = df["ortsteil_nr"].astype(int)
    df["stichtag"] = pd.to_datetime(df["stichtag"])
    df = df.rename(columns={"ortsteil_name": "ortsteil"})
    df["quelle"] = [T.NEIGHBOURHOOD_TEXTS["population_cite_city"] if nr == CITY_NR
                    else T.NEIGHBOURHOOD_TEXTS["population_cite"].format(ortsteil=name)
                    for nr, name in zip(df["ortsteil_nr"], df["ortsteil"])]
    return df[["ortsteil_nr", "ortsteil", "stichtag", "einwohner", "quelle", "quelle_url", "anmerkung"]]


def latest_population() -> pd.DataFrame:
    """One row per Ortsteil (and the city, nr 0): the latest Stichtag. Stichtage differ between rows."""
    df = population_table().sort_values(["ortsteil_nr", "stichtag"])
    return df.groupby("ortsteil_nr", as_index=False).tail(1).reset_index(drop=True)


# --- the official-boundaries setting ------------------------------------------

@dataclass(frozen=True)
class BoundarySetting:
    """Where official Ortsteil boundaries come from (None: not configured) and which property has the number."""

    path: Path | None
    property: str = DEFAULT_PROPERTY


def boundary_setting(environ: Mapping[str, str] | None = None) -> BoundarySetting:
    """Read BIWAQ_ORTSTEILE_GEOJSON and BIWAQ_ORTSTEILE_GEOJSON_PROPERTY (blank counts as not set)."""
    env = os.environ if environ is None else environ
    path = (env.get(ENV_PATH) or "").strip()
    prop = (env.get(ENV_PROPERTY) or "").strip() or DEFAULT_PROPERTY
    return BoundarySetting(Path(path).expanduser() if path else None, prop)


@dataclass(frozen=True)
class OrtsteilBoundaries:
    """Ortsteil polygons for the map.

    geojson: FeatureCollection, one feature per Ortsteil, id = selection key ("o202"), properties.ortsteil_nr.
    official: True when drawn from the configured official file. numbers: Ortsteile that have a polygon.
    problem: why the official file was not used (German; None if fine or not configured).
    notes: German remarks on a used official file (skipped features, missing Ortsteile, conversions).
    drawn: geojson at screen resolution (simplify.simplify_geojson), only for drawing; label points and
    point-in-polygon use geojson. ortsteil_boundaries() passes a cached copy; when left out it is made here.
    """

    geojson: dict
    official: bool
    numbers: tuple[int, ...]
    setting: BoundarySetting
    problem: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    drawn: dict | None = None

    def __post_init__(self):
        if self.drawn is None:
            object.__setattr__(self, "drawn", simplify_geojson(self.geojson))


class BoundaryError(ValueError):
    """The official boundary file cannot be used; the message is German."""


def ortsteil_boundaries(environ: Mapping[str, str] | None = None) -> OrtsteilBoundaries:
    """Official boundaries when configured and usable, else the partial OSM set (with the reason why)."""
    setting = boundary_setting(environ)
    problem = None
    if setting.path is not None:
        try:
            stat = setting.path.stat()
        except OSError:
            problem = T.OFFICIAL_BOUNDARY_ERRORS["not_found"].format(path=setting.path)
        else:
            try:
                geojson, numbers, notes = _official(str(setting.path), stat.st_mtime_ns, stat.st_size,
                                                    setting.property)
                key = (str(setting.path), stat.st_mtime_ns, stat.st_size, setting.property)
                return OrtsteilBoundaries(geojson, True, numbers, setting, None, notes, _drawn_official(*key))
            except BoundaryError as exc:
                problem = str(exc)
    osm = osm_ortsteile_geojson()
    numbers = tuple(sorted(int(f["properties"]["ortsteil_nr"]) for f in osm["features"]))
    return OrtsteilBoundaries(osm, False, numbers, setting, problem, drawn=_drawn_osm_ortsteile())


@lru_cache(maxsize=4)
def _official(path: str, mtime_ns: int, size: int, prop: str) -> tuple[dict, tuple[int, ...], tuple[str, ...]]:
    return normalise_official(path, prop)


@lru_cache(maxsize=4)
def _drawn_official(path: str, mtime_ns: int, size: int, prop: str) -> dict:
    """The official polygons of _official (same key) at screen resolution, for drawing."""
    return simplify_geojson(_official(path, mtime_ns, size, prop)[0])


def normalise_official(path: str | Path, prop: str = DEFAULT_PROPERTY) -> tuple[dict, tuple[int, ...], tuple[str, ...]]:
    """Read an official Ortsteil GeoJSON: one (Multi)Polygon per Ortsteil number, WGS84 lon/lat.

    Returns (FeatureCollection, numbers, German notes). Raises BoundaryError when nothing usable is in it.
    Numbers are read from properties[prop] ("202", 202, 202.0 or the Ortsteil name); features sharing a number
    are merged; ETRS89/UTM 32N coordinates (EPSG:25832, as in German open geodata) are converted.
    """
    E = T.OFFICIAL_BOUNDARY_ERRORS
    try:
        with open(path, encoding="utf-8-sig") as fh:
            data = json.load(fh)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise BoundaryError(E["unreadable"].format(path=path, reason=type(exc).__name__)) from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" \
            or not isinstance(data.get("features"), list):
        raise BoundaryError(E["not_collection"].format(path=path))
    features = [f for f in data["features"] if isinstance(f, dict)]
    props = [f.get("properties") or {} for f in features]
    if not any(prop in p for p in props):
        available = sorted({k for p in props for k in p})
        raise BoundaryError(E["no_property"].format(prop=prop, available=", ".join(available[:12]) or "keine"))
    notes = []
    crs = _crs_name(data)
    utm = crs is not None and any(code in crs for code in _UTM32_CRS)
    if crs is not None and not utm and not any(c in crs for c in ("4326", "CRS84", "4258")):
        raise BoundaryError(E["crs"].format(crs=crs))
    polygons: dict[int, list] = {}
    sources: dict[int, int] = {}
    skipped = []
    for feature, p in zip(features, props):
        nr = places.resolve_ortsteil(p.get(prop))
        geometry = feature.get("geometry") or {}
        kind = geometry.get("type")
        if nr is None or kind not in ("Polygon", "MultiPolygon"):
            skipped.append(str(p.get(prop)))
            continue
        parts = [geometry["coordinates"]] if kind == "Polygon" else list(geometry["coordinates"])
        polygons.setdefault(nr, []).extend(parts)
        sources[nr] = sources.get(nr, 0) + 1
    if not polygons:
        raise BoundaryError(E["no_features"])
    if not utm and crs is None and _looks_like_utm32(polygons):
        utm = True
    if utm:
        polygons = {nr: [[[_utm32_to_lonlat(x, y) for x, y, *_ in ring] for ring in poly] for poly in parts]
                    for nr, parts in polygons.items()}
        notes.append(T.OFFICIAL_BOUNDARY_NOTES["utm"])
    lons, lats = _all_coordinates(polygons)
    if not (_LON_RANGE[0] <= np.median(lons) <= _LON_RANGE[1] and _LAT_RANGE[0] <= np.median(lats) <= _LAT_RANGE[1]):
        raise BoundaryError(E["outside"])
    table = places.ortsteile().set_index("ortsteil_nr")
    out = []
    merged = sum(1 for n in sources.values() if n > 1)
    for nr in sorted(polygons):
        parts = rewound({"type": "MultiPolygon", "coordinates": polygons[nr]})["coordinates"]
        row = table.loc[nr]
        out.append({"type": "Feature", "id": ortsteil_key(nr),
                    "properties": {"ortsteil_nr": int(nr), "ortsteil_name": row["ortsteil"],
                                   "bezirk_nr": int(row["bezirk_nr"]), "bezirk_name": row["bezirk"]},
                    "geometry": {"type": "MultiPolygon", "coordinates": parts}})
    if skipped:
        notes.append(T.OFFICIAL_BOUNDARY_NOTES["skipped"].format(n=len(skipped), values=", ".join(skipped[:8])))
    if merged:
        notes.append(T.OFFICIAL_BOUNDARY_NOTES["merged"].format(n=merged))
    missing = [n for n in table.index if n not in polygons]
    if missing:
        names = ", ".join(f"{table.loc[n, 'ortsteil']} ({n})" for n in missing[:12])
        names += " …" if len(missing) > 12 else ""
        notes.append(T.OFFICIAL_BOUNDARY_NOTES["missing"].format(n=len(missing), names=names))
    return _collection(out), tuple(sorted(polygons)), tuple(notes)


def _crs_name(data: dict) -> str | None:
    crs = data.get("crs")
    if isinstance(crs, dict):
        name = (crs.get("properties") or {}).get("name")
        return str(name) if name else None
    return None


def _all_coordinates(polygons: dict[int, list]) -> tuple[np.ndarray, np.ndarray]:
    points = [pt for parts in polygons.values() for poly in parts for ring in poly for pt in ring]
    arr = np.asarray([(float(p[0]), float(p[1])) for p in points])
    return arr[:, 0], arr[:, 1]


def _looks_like_utm32(polygons: dict[int, list]) -> bool:
    x, y = _all_coordinates(polygons)
    return bool(1e5 <= np.median(x) <= 9e5 and 5.0e6 <= np.median(y) <= 6.5e6)


def _utm32_to_lonlat(easting: float, northing: float) -> list[float]:
    """ETRS89 / UTM zone 32N (GRS80) -> [lon, lat] in degrees (Krüger series, error far below 1 m)."""
    a, f, k0, lon0 = 6378137.0, 1 / 298.257222101, 0.9996, math.radians(9.0)
    n = f / (2 - f)
    big_a = a / (1 + n) * (1 + n ** 2 / 4 + n ** 4 / 64)
    beta = (n / 2 - 2 / 3 * n ** 2 + 37 / 96 * n ** 3, n ** 2 / 48 + n ** 3 / 15, 17 / 480 * n ** 3)
    delta = (2 * n - 2 / 3 * n ** 2 - 2 * n ** 3, 7 / 3 * n ** 2 - 8 / 5 * n ** 3, 56 / 15 * n ** 3)
    xi = float(northing) / (k0 * big_a)
    eta = (float(easting) - 500000.0) / (k0 * big_a)
    xi_p = xi - sum(b * math.sin(2 * j * xi) * math.cosh(2 * j * eta) for j, b in enumerate(beta, 1))
    eta_p = eta - sum(b * math.cos(2 * j * xi) * math.sinh(2 * j * eta) for j, b in enumerate(beta, 1))
    chi = math.asin(math.sin(xi_p) / math.cosh(eta_p))
    lat = chi + sum(d * math.sin(2 * j * chi) for j, d in enumerate(delta, 1))
    lon = lon0 + math.atan2(math.sinh(eta_p), math.cos(xi_p))
    return [round(math.degrees(lon), 7), round(math.degrees(lat), 7)]


def rewound(geometry: dict) -> dict:
    """A (Multi)Polygon as MultiPolygon with the winding d3-geo needs (else plotly fills the whole globe)."""
    return {"type": "MultiPolygon",
            "coordinates": [[_clockwise(ring, exterior=(i == 0)) for i, ring in enumerate(poly)]
                            for poly in _polygons_of(geometry)]}


def _clockwise(ring: list, exterior: bool) -> list:
    """Exterior rings clockwise, holes counter-clockwise (planar lon/lat), the winding d3-geo (plotly) expects."""
    ring = [[float(p[0]), float(p[1])] for p in ring]
    area = signed_area(ring)
    return ring[::-1] if (area > 0) == exterior else ring


# --- geometry helpers ----------------------------------------------------------

def _polygons_of(geometry: dict) -> list:
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else list(geometry["coordinates"])


def label_point(geometry: dict) -> tuple[float, float]:
    """(lon, lat) for a label: the area-weighted centroid of the largest polygon's outer ring (planar)."""
    rings = [poly[0] for poly in _polygons_of(geometry)]
    ring = max(rings, key=lambda r: abs(signed_area(r)))
    x = np.asarray([p[0] for p in ring], dtype=float)
    y = np.asarray([p[1] for p in ring], dtype=float)
    cross = x * np.roll(y, -1) - np.roll(x, -1) * y
    area = cross.sum() / 2
    if abs(area) < 1e-15:
        return float(x.mean()), float(y.mean())
    return (float(((x + np.roll(x, -1)) * cross).sum() / (6 * area)),
            float(((y + np.roll(y, -1)) * cross).sum() / (6 * area)))


def _inside(x: np.ndarray, y: np.ndarray, ring: list) -> np.ndarray:
    """Ray casting: which of the points (x, y) lie inside the ring."""
    rx = np.asarray([p[0] for p in ring], dtype=float)
    ry = np.asarray([p[1] for p in ring], dtype=float)
    x1, y1, x2, y2 = rx, ry, np.roll(rx, -1), np.roll(ry, -1)
    inside = np.zeros(len(x), dtype=bool)
    for ax, ay, bx, by in zip(x1, y1, x2, y2):
        crosses = ((ay > y) != (by > y)) & (x < (bx - ax) * (y - ay) / np.where(by == ay, 1e-12, by - ay) + ax)
        inside ^= crosses
    return inside


def _distance_to_ring(x: np.ndarray, y: np.ndarray, ring: list) -> np.ndarray:
    rx = np.asarray([p[0] for p in ring], dtype=float)
    ry = np.asarray([p[1] for p in ring], dtype=float)
    ax, ay, bx, by = rx[:-1], ry[:-1], rx[1:], ry[1:]
    dx, dy = bx - ax, by - ay
    length = np.where(dx * dx + dy * dy == 0, 1e-18, dx * dx + dy * dy)
    t = np.clip(((x[:, None] - ax) * dx + (y[:, None] - ay) * dy) / length, 0, 1)
    return np.sqrt((ax + t * dx - x[:, None]) ** 2 + (ay + t * dy - y[:, None]) ** 2).min(axis=1)


def free_label_point(geometry: dict, obstacles: np.ndarray, grid: int = 28,
                     side: str | None = None) -> tuple[float, float]:
    """(lon, lat) inside the largest polygon, as far as possible from its edge and from the obstacle points.

    side "west"/"east" keeps to that half of the polygon (seen from its centroid). Distances are planar with
    longitude scaled by cos(latitude). obstacles: array of shape (n, 2) of lon/lat.
    """
    ring = max((poly[0] for poly in _polygons_of(geometry)), key=lambda r: abs(signed_area(r)))
    rx = np.asarray([p[0] for p in ring], dtype=float)
    ry = np.asarray([p[1] for p in ring], dtype=float)
    gx, gy = np.meshgrid(np.linspace(rx.min(), rx.max(), grid), np.linspace(ry.min(), ry.max(), grid))
    x, y = gx.ravel(), gy.ravel()
    keep = _inside(x, y, ring)
    if side is not None:
        centre = label_point({"type": "Polygon", "coordinates": [ring]})[0]
        half = keep & ((x <= centre) if side == "west" else (x >= centre))
        keep = half if half.any() else keep
    if not keep.any():
        return label_point(geometry)
    x, y = x[keep], y[keep]
    k = math.cos(math.radians(float(ry.mean())))
    scaled = [[p[0] * k, p[1]] for p in ring]
    edge = _distance_to_ring(x * k, y, scaled)
    if len(obstacles):
        ox, oy = obstacles[:, 0] * k, obstacles[:, 1]
        distance = np.sqrt((x[:, None] * k - ox) ** 2 + (y[:, None] - oy) ** 2)
        if side is not None:
            # The leader line runs horizontally from the point to the city edge; points near that corridor (and
            # their names, written beside them) must keep their height distance from it.
            reach = CORRIDOR_REACH * k
            if side == "east":
                ahead = ox[None, :] >= x[:, None] * k - reach
            else:
                ahead = ox[None, :] <= x[:, None] * k + reach
            distance = np.where(ahead, np.minimum(distance, np.abs(y[:, None] - oy[None, :])), distance)
        near = distance.min(axis=1)
    else:
        near = np.full(len(x), np.inf)
    best = int(np.argmax(np.minimum(edge * 1.5, near)))
    return float(x[best]), float(y[best])


CORRIDOR_REACH = 0.04  # degrees of longitude behind the anchor that an Ortsteil name may extend into
CALLOUT_OFFSET = 0.012  # degrees of longitude between the city edge and a Bezirk name
CALLOUT_GAP = 0.024     # minimum vertical distance (degrees of latitude) between names on one side


@lru_cache(maxsize=1)
def bezirk_callouts() -> pd.DataFrame:
    """Where to write the Stadtbezirk names: outside the city, west or east (the side the Bezirk lies on),
    with a leader line to a point inside the Bezirk that is clear of the Ortsteil points.

    Columns: bezirk_nr, side, label_lon, label_lat (outside), anchor_lon, anchor_lat (inside). Stable: it does
    not depend on the data, so names never move when filters change.
    """
    points = ortsteil_points().dropna(subset=["lat", "lon"])[["lon", "lat"]].to_numpy(dtype=float)
    features = bezirke_geojson()["features"]
    lons, _ = outline_coordinates(bezirke_geojson())
    lons = [v for v in lons if v is not None]
    west, east = min(lons), max(lons)
    centre = (west + east) / 2
    rows = []
    for f in features:
        side = "west" if label_point(f["geometry"])[0] < centre else "east"
        ax, ay = free_label_point(f["geometry"], points, side=side)
        rows.append({"bezirk_nr": int(f["properties"]["bezirk_nr"]), "side": side, "anchor_lon": ax,
                     "anchor_lat": ay, "label_lon": west - CALLOUT_OFFSET if side == "west" else east + CALLOUT_OFFSET,
                     "label_lat": ay})
    out = pd.DataFrame(rows)
    for side in ("west", "east"):  # push names apart from the top down
        part = out[out["side"] == side].sort_values("label_lat", ascending=False)
        previous = None
        for i in part.index:
            if previous is not None and previous - out.at[i, "label_lat"] < CALLOUT_GAP:
                out.at[i, "label_lat"] = previous - CALLOUT_GAP
            previous = out.at[i, "label_lat"]
    return out.sort_values("bezirk_nr").reset_index(drop=True)


def outline_coordinates(geojson: dict) -> tuple[list, list]:
    """All rings of a FeatureCollection as one lon and one lat list, rings separated by None (for a line trace)."""
    lons: list = []
    lats: list = []
    for feature in geojson["features"]:
        for poly in _polygons_of(feature["geometry"]):
            for ring in poly:
                lons.extend([float(p[0]) for p in ring] + [None])
                lats.extend([float(p[1]) for p in ring] + [None])
    return lons, lats
