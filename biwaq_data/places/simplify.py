"""Screen-resolution copies of GeoJSON polygons for drawing (Douglas–Peucker). Pure: no Streamlit.

Only for what is DRAWN. Anything that computes (label points, point-in-polygon, areas) keeps the full geometry.
"""

from __future__ import annotations

import math

import numpy as np

# The Quartiere map shows Duisburg (~25 km north-south) in a 630 px tall chart: ~30-40 m per pixel; full screen
# at 1440x900 ~28 m per pixel. 10 m stays at about a third of a pixel there (one pixel only at ~3x scroll zoom).
DEFAULT_TOLERANCE_M = 10.0
DIGITS = 5  # decimals of output coordinates: 1e-5 degree is ~1,1 m of latitude, ~0,7 m of longitude here
EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius
_M_PER_DEGREE = math.pi / 180 * EARTH_RADIUS_M


def _metres(ring: np.ndarray) -> np.ndarray:
    """lon/lat (n, 2) -> metres in a local equirectangular projection around the ring's mean latitude."""
    k = math.cos(math.radians(float(ring[:, 1].mean())))
    return np.column_stack([ring[:, 0] * k, ring[:, 1]]) * _M_PER_DEGREE


def segment_distance(points: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance of each point (n, 2) from the segment a-b (same planar units as the input)."""
    ab = b - a
    length2 = float(ab @ ab)
    t = np.zeros(len(points)) if length2 == 0 else np.clip((points - a) @ ab / length2, 0.0, 1.0)
    return np.hypot(*(points - (a + t[:, None] * ab)).T)


def _keep(xy: np.ndarray, first: int, last: int, tolerance: float, keep: np.ndarray) -> None:
    """Douglas–Peucker on xy[first..last] (endpoints already kept), iterative with a stack."""
    stack = [(first, last)]
    while stack:
        i, j = stack.pop()
        if j - i < 2:
            continue
        d = segment_distance(xy[i + 1:j], xy[i], xy[j])
        k = int(np.argmax(d))
        if d[k] > tolerance:
            m = i + 1 + k
            keep[m] = True
            stack += [(i, m), (m, j)]


def signed_area(ring) -> float:
    """Planar signed area of a ring [[x, y], …] or an (n, 2) array, in squared input units (> 0:
    counter-clockwise). Extra coordinates (altitude) are ignored."""
    points = ring if isinstance(ring, np.ndarray) else np.asarray([(float(p[0]), float(p[1])) for p in ring])
    x, y = points[:, 0], points[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def simplify_ring(ring, tolerance_m: float = DEFAULT_TOLERANCE_M, digits: int = DIGITS) -> list[list[float]]:
    """A closed ring [[lon, lat], …] (first == last) with the vertices Douglas–Peucker drops at tolerance_m.

    Every dropped vertex lies within tolerance_m metres (before rounding to `digits` decimals) of the simplified
    ring. The ring's first vertex and the vertex farthest from it are always kept, so the result is closed and
    has at least 4 points (first == last). If the result would flip or lose the winding (a ring barely larger
    than the tolerance), the ring is returned unsimplified (rounded): the winding tells plotly what is inside.
    """
    points = np.asarray([(float(p[0]), float(p[1])) for p in ring], dtype=float)
    original = [[round(float(x), digits), round(float(y), digits)] for x, y in points]
    if len(points) <= 4 or not np.array_equal(points[0], points[-1]):
        return original  # nothing to drop, or not a closed ring: left as it is
    xy = _metres(points)
    far = 1 + int(np.argmax(np.hypot(*(xy[1:-1] - xy[0]).T)))
    keep = np.zeros(len(points), dtype=bool)
    keep[[0, far, -1]] = True
    _keep(xy, 0, far, tolerance_m, keep)
    _keep(xy, far, len(points) - 1, tolerance_m, keep)
    if keep.sum() < 4:  # a third distinct vertex: the one farthest from the line first-far
        d = segment_distance(xy, xy[0], xy[far])
        d[keep] = -1.0
        keep[int(np.argmax(d))] = True
    out: list[list[float]] = []
    for x, y in points[keep]:
        p = [round(float(x), digits), round(float(y), digits)]
        if not out or p != out[-1]:  # rounding may merge neighbours
            out.append(p)
    area, before = signed_area(np.asarray(out)), signed_area(points)
    if len(out) < 4 or out[0] != out[-1] or area == 0 or (area > 0) != (before > 0):
        return original
    return out


def simplify_geometry(geometry: dict, tolerance_m: float = DEFAULT_TOLERANCE_M, digits: int = DIGITS) -> dict:
    """A Polygon or MultiPolygon with every ring simplified (simplify_ring); other geometries unchanged."""
    kind = geometry.get("type")
    if kind == "Polygon":
        rings = [simplify_ring(r, tolerance_m, digits) for r in geometry["coordinates"]]
        return {**geometry, "coordinates": rings}
    if kind == "MultiPolygon":
        polygons = [[simplify_ring(r, tolerance_m, digits) for r in poly] for poly in geometry["coordinates"]]
        return {**geometry, "coordinates": polygons}
    return geometry


def simplify_geojson(collection: dict, tolerance_m: float = DEFAULT_TOLERANCE_M, digits: int = DIGITS) -> dict:
    """A copy of a GeoJSON FeatureCollection for drawing at screen resolution.

    Definition: each Polygon/MultiPolygon ring is simplified on its own with Douglas–Peucker, distances measured
    in metres in a local equirectangular projection (longitude scaled by cos(mean latitude of the ring), mean
    Earth radius); tolerance_m in metres; coordinates rounded to `digits` decimals (5: about 1 m). Every feature,
    ring, id and property is kept; every ring stays closed with at least 4 points. Shared borders of neighbouring
    features are simplified twice, independently, so they may differ by up to 2 x tolerance_m (a fraction of a
    pixel at the default). The input is not modified.
    """
    features = [{**f, "geometry": simplify_geometry(f["geometry"], tolerance_m, digits)} if f.get("geometry")
                else dict(f) for f in collection["features"]]
    return {**collection, "features": features}


def vertex_count(collection: dict) -> int:
    """Number of coordinate pairs in the Polygon/MultiPolygon rings of a FeatureCollection (closing point included)."""
    total = 0
    for feature in collection["features"]:
        geometry = feature.get("geometry") or {}
        polygons = ([geometry["coordinates"]] if geometry.get("type") == "Polygon"
                    else geometry.get("coordinates", []) if geometry.get("type") == "MultiPolygon" else [])
        total += sum(len(ring) for poly in polygons for ring in poly)
    return total
