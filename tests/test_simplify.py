"""biwaq_data.places.simplify (screen-resolution polygons) on the bundled boundary files, and its use by the map.

Distances here are measured independently of the module: local metres per point (longitude
scaled by the cosine of each point's own latitude), point-to-segment.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import math
import shutil

import numpy as np
import pytest

from biwaq_data import metrics
from biwaq_data.figures import areas
from biwaq_data.places import geometry
from biwaq_data.places import keys as place_keys
from biwaq_data.places.simplify import DEFAULT_TOLERANCE_M, simplify_geojson, simplify_ring, vertex_count

M_PER_DEGREE = 111_195.0  # mean Earth radius x pi / 180
ROUNDING_M = 1.0  # 5 decimals: at most 0,5e-5 degree per coordinate, ~0,7 m together


@pytest.fixture(autouse=True)
def _no_official_boundaries(monkeypatch):
    monkeypatch.delenv(geometry.ENV_PATH, raising=False)
    monkeypatch.delenv(geometry.ENV_PROPERTY, raising=False)


def bundled() -> dict[str, dict]:
    return {"bezirke": geometry.bezirke_geojson(), "osm_ortsteile": geometry.osm_ortsteile_geojson()}


def rings(collection: dict):
    for feature in collection["features"]:
        for p, polygon in enumerate(feature["geometry"]["coordinates"]):
            for r, ring in enumerate(polygon):
                yield (feature["id"], p, r), ring


def distance_to_ring_m(point, ring) -> float:
    """Metres from a lon/lat point to the nearest segment of a lon/lat ring (plain Python)."""
    k = math.cos(math.radians(point[1]))
    px, py = point[0] * k * M_PER_DEGREE, point[1] * M_PER_DEGREE
    best = math.inf
    for (ax, ay), (bx, by) in zip(ring, ring[1:]):
        ax, ay, bx, by = ax * k * M_PER_DEGREE, ay * M_PER_DEGREE, bx * k * M_PER_DEGREE, by * M_PER_DEGREE
        dx, dy = bx - ax, by - ay
        t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
        best = min(best, math.hypot(ax + t * dx - px, ay + t * dy - py))
    return best


def signed_area(ring) -> float:
    x, y = np.array([p[0] for p in ring]), np.array([p[1] for p in ring])
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


@pytest.mark.parametrize("name", ["bezirke", "osm_ortsteile"])
def test_every_feature_ring_id_and_property_is_kept_closed_and_wound(name):
    full = bundled()[name]
    before = copy.deepcopy(full)
    small = simplify_geojson(full)
    assert full == before  # the cached full geometry is not modified
    assert [f["id"] for f in small["features"]] == [f["id"] for f in full["features"]]
    assert [f["properties"] for f in small["features"]] == [f["properties"] for f in full["features"]]
    assert [where for where, _ in rings(small)] == [where for where, _ in rings(full)]
    for (where, ring), (_, original) in zip(rings(small), rings(full)):
        assert len(ring) >= 4 and ring[0] == ring[-1], where
        assert all(len(str(v).split(".")[-1]) <= 5 for p in ring for v in p), where
        assert (signed_area(ring) > 0) == (signed_area(original) > 0), where  # d3-geo needs the winding kept
        rounded = {(round(x, 5), round(y, 5)) for x, y in original}
        assert all(tuple(p) in rounded for p in ring), where  # only original vertices, none invented


@pytest.mark.parametrize("name", ["bezirke", "osm_ortsteile"])
def test_no_original_vertex_is_farther_than_the_tolerance(name):
    full = bundled()[name]
    small = simplify_geojson(full)
    worst = max(distance_to_ring_m(point, ring) for (_, ring), (_, original) in zip(rings(small), rings(full))
                for point in original)
    assert worst <= DEFAULT_TOLERANCE_M + ROUNDING_M
    assert worst > DEFAULT_TOLERANCE_M / 2  # the tolerance is really used, not a near-copy


def test_a_real_reduction_in_vertices():
    for name, full in bundled().items():
        assert vertex_count(simplify_geojson(full)) < 0.7 * vertex_count(full), name


def test_small_rings_keep_four_points_and_the_tolerance_is_in_metres():
    # a 6 m square with a vertex in each side's middle: everything within 10 m, still a closed ring of 4+
    d = 6 / M_PER_DEGREE
    lat = 51.43
    k = math.cos(math.radians(lat))
    square = [[6.76, lat], [6.76, lat + d / 2], [6.76, lat + d], [6.76 + d / k, lat + d], [6.76 + d / k, lat],
              [6.76, lat]]
    out = simplify_ring(square, 10.0, digits=7)
    assert len(out) >= 4 and out[0] == out[-1] and (signed_area(out) > 0) == (signed_area(square) > 0)
    # a 100 m straight edge with a 4 m bump in its middle: dropped at 5 m, kept at 3 m
    e = 100 / M_PER_DEGREE
    bump = [[6.76, lat], [6.76 + e / 2 / k, lat + 4 / M_PER_DEGREE], [6.76 + e / k, lat], [6.76 + e / k, lat - e],
            [6.76, lat - e], [6.76, lat]]
    assert len(simplify_ring(bump, 5.0, digits=7)) == 5
    assert len(simplify_ring(bump, 3.0, digits=7)) == 6


def test_drawn_geometry_is_cached_and_keyed_by_the_official_file(tmp_path):
    assert geometry.drawn_bezirke() is geometry.drawn_bezirke()
    osm = geometry.ortsteil_boundaries({})
    assert osm.drawn is geometry.ortsteil_boundaries({}).drawn
    assert osm.geojson is geometry.osm_ortsteile_geojson()  # computing keeps the full polygons
    assert vertex_count(osm.drawn) < vertex_count(osm.geojson)
    official_file = tmp_path / "ortsteile.geojson"  # the OSM Ortsteile file as an "official" one (real polygons)
    shutil.copy(geometry.OSM_ORTSTEILE_FILE, official_file)
    env = {geometry.ENV_PATH: str(official_file)}
    first, again = geometry.ortsteil_boundaries(env), geometry.ortsteil_boundaries(env)
    assert first.official and first.drawn is again.drawn
    assert [f["id"] for f in first.drawn["features"]] == [f["id"] for f in first.geojson["features"]]
    assert vertex_count(first.drawn) < vertex_count(first.geojson)
    data = json.loads(official_file.read_text(encoding="utf-8"))
    data["features"] = data["features"][:3]
    official_file.write_text(json.dumps(data), encoding="utf-8")  # another size: a new cache entry
    changed = geometry.ortsteil_boundaries(env)
    assert len(changed.drawn["features"]) == 3 and changed.drawn is not first.drawn


# --- the map ---------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ortsteil_table(sample_dataset):
    return metrics.breakdown(sample_dataset, "ortsteil")


def build(frame, boundaries, selected=(), *, full=False, monkeypatch=None):
    from ui import maps

    if full:  # the map as it was drawn before: every vertex, 7 decimals
        monkeypatch.setattr(geometry, "drawn_bezirke", geometry.bezirke_geojson)
        boundaries = dataclasses.replace(boundaries, drawn=boundaries.geojson)
    return maps.neighbourhood_map(frame, areas.bezirk_frame(frame), boundaries, selected).to_json()


def line_vertices(trace: dict) -> int:
    return sum(v is not None for v in trace["lon"])


@pytest.mark.parametrize("official", [False, True])
def test_the_map_draws_the_small_geometry_and_its_spec_shrinks(ortsteil_table, monkeypatch, official):
    env = {geometry.ENV_PATH: str(geometry.OSM_ORTSTEILE_FILE)} if official else {}  # real polygons as "official"
    boundaries = geometry.ortsteil_boundaries(env)
    assert boundaries.official is official
    frame = areas.ortsteil_frame(ortsteil_table, boundaries)
    selected = ["b500", "o202"]
    small = build(frame, boundaries, selected)
    figure = {t["meta"]: t for t in json.loads(small)["data"]}
    drawn = geometry.drawn_bezirke()
    assert figure["bezirke"]["geojson"] == drawn
    assert line_vertices(figure["bezirk_outlines"]) == vertex_count(drawn)
    outlined = vertex_count({"features": [f for f in drawn["features"] if f["id"] == "b500"]})
    if official:
        assert figure["ortsteil_polygons"]["geojson"] == boundaries.drawn
        chosen = {place_keys.ortsteil_key(n) for n in place_keys.ortsteile_of(set(selected))}  # 202 and 501 … 509
        outlined += vertex_count({"features": [f for f in boundaries.drawn["features"] if f["id"] in chosen]})
    else:
        assert line_vertices(figure["ortsteil_outlines"]) == vertex_count(boundaries.drawn)
    assert line_vertices(figure["selected_outline"]) == outlined
    full = build(frame, boundaries, selected, full=True, monkeypatch=monkeypatch)
    assert len(small) < 0.75 * len(full)
    full_outlines = next(t for t in json.loads(full)["data"] if t["meta"] == "bezirk_outlines")
    assert line_vertices(full_outlines) == vertex_count(geometry.bezirke_geojson())  # the comparison drew all
