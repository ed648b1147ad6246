"""Quartiere: biwaq_data.places.geometry, .places.keys, .figures.areas, .publish.areas (pure), ui/maps.py (figures), the page in AppTest, and the map in Chromium.

The browser test blocks every request that does not go to the local app, so it proves the map needs no
internet; it saves test-artifacts/quartiere.png (look at it).
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from biwaq_data import Filters, metrics, places, publication
from biwaq_data.figures import areas
from biwaq_data.places import geometry
from biwaq_data.places import keys as place_keys
from biwaq_data.publish import areas as published_areas
from biwaq_data import texts_de as T

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "ortsteile_official_small.geojson"
FIXTURE_NUMBERS = (101, 103, 202, 205, 508)
N = T.NEIGHBOURHOOD_TEXTS


@pytest.fixture(autouse=True)
def _no_official_boundaries(monkeypatch):
    """Tests start from the default (OSM) map unless they set the variables themselves."""
    monkeypatch.delenv(geometry.ENV_PATH, raising=False)
    monkeypatch.delenv(geometry.ENV_PROPERTY, raising=False)


@pytest.fixture(scope="module")
def ortsteil_table(sample_dataset):
    return metrics.breakdown(sample_dataset, "ortsteil")


@pytest.fixture(scope="module")
def frame(ortsteil_table):
    return areas.ortsteil_frame(ortsteil_table, geometry.ortsteil_boundaries({}))


def hand_population() -> dict[int, tuple[str, int]]:
    """Latest Stichtag per Ortsteil, read with the csv module (independent of places.geometry)."""
    latest: dict[int, tuple[str, int]] = {}
    with open(geometry.POPULATION_FILE, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            nr = int(row["ortsteil_nr"])
            if nr not in latest or row["stichtag"] > latest[nr][0]:
                latest[nr] = (row["stichtag"], int(row["einwohner"]))
    return latest


def ring_area(ring) -> float:
    x = np.array([p[0] for p in ring])
    y = np.array([p[1] for p in ring])
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


# --- reference data ------------------------------------------------------------------------------------

def test_reference_boundaries_are_keyed_and_wound_for_plotly():
    bezirke, osm = geometry.bezirke_geojson(), geometry.osm_ortsteile_geojson()
    assert [f["id"] for f in bezirke["features"]] == [f"b{n}" for n in range(100, 800, 100)]
    assert len(osm["features"]) == 27
    with_polygon = places.ortsteile().query("has_polygon")["ortsteil_nr"]
    assert {f["id"] for f in osm["features"]} == {f"o{n}" for n in with_polygon}
    for feature in bezirke["features"] + osm["features"]:
        assert feature["geometry"]["type"] == "MultiPolygon"
        for polygon in feature["geometry"]["coordinates"]:
            assert ring_area(polygon[0]) < 0  # exterior clockwise: d3-geo would otherwise fill the globe
            assert all(ring_area(hole) > 0 for hole in polygon[1:])


def test_points_cover_46_ortsteile_and_three_are_unknown():
    points = geometry.ortsteil_points()
    assert len(points) == 46
    assert points.loc[points["lat"].isna(), "ortsteil_nr"].tolist() == [103, 106, 205]


def test_latest_population_per_ortsteil_matches_the_csv():
    pop = geometry.latest_population().set_index("ortsteil_nr")
    expected = hand_population()
    assert set(pop.index) == set(expected) == {0, 202, 203, 508}
    for nr, (stichtag, einwohner) in expected.items():
        assert pop.loc[nr, "einwohner"] == einwohner
        assert pop.loc[nr, "stichtag"] == pd.Timestamp(stichtag)
    assert pop.loc[508, "stichtag"] == pd.Timestamp("2021-12-31")  # Hochfeld's latest is older than the others
    assert "Wikipedia (de), Artikel Hochfeld" in pop.loc[508, "quelle"]


# --- frames ----------------------------------------------------------------------------------------------

def test_ortsteil_frame_has_all_46_and_the_breakdown_counts(frame, ortsteil_table, sample_dataset):
    assert len(frame) == 46
    counts = ortsteil_table.set_index(ortsteil_table["ortsteil_nr"].astype(int))
    indexed = frame.set_index("ortsteil_nr")
    for column in areas.COUNT_COLUMNS:
        assert (indexed.loc[counts.index, column] == counts[column]).all(), column
    assert indexed.drop(counts.index)["participants"].eq(0).all()
    assert frame["participants"].sum() == metrics.headline(sample_dataset)["participants"]
    assert np.allclose(indexed.loc[counts.index, "placement_rate"], counts["placement_rate"])


def test_participants_per_1000_residents_by_hand(frame, sample_dataset):
    indexed = frame.set_index("ortsteil_nr")
    expected = hand_population()
    for nr in (202, 203, 508):
        assert indexed.loc[nr, "per_1000"] == pytest.approx(indexed.loc[nr, "participants"] / expected[nr][1] * 1000)
    assert indexed.loc[202, "per_1000"] == pytest.approx(303 / 22010 * 1000)  # 13,77 on the sample data
    assert indexed.loc[508, "per_1000"] == pytest.approx(279 / 18144 * 1000)  # 15,38
    assert indexed["per_1000"].notna().sum() == 3
    density = areas.density_frame(frame, metrics.headline(sample_dataset)["participants"]).set_index("ortsteil_nr")
    assert density.loc[0, "per_1000"] == pytest.approx(827 / 508652 * 1000)
    assert density.loc[508, "label"] == "Hochfeld (Einwohner Stand 31.12.2021)"


def test_bezirke_sum_their_ortsteile_and_count_those_without_a_point(frame, sample_dataset):
    bezirke = areas.bezirk_frame(frame).set_index("bezirk")
    reference = metrics.breakdown(sample_dataset, "bezirk").set_index("key")
    for column in areas.COUNT_COLUMNS:
        assert (bezirke.loc[reference.index, column] == reference[column]).all(), column
    alt_hamborn = int(frame.set_index("ortsteil_nr").loc[205, "participants"])
    assert alt_hamborn > 0
    assert bezirke.loc["Hamborn", "unplaced"] == alt_hamborn
    assert bezirke.loc["Hamborn", "unplaced_names"] == "Alt-Hamborn"
    assert areas.unplaced(frame)["ortsteil_nr"].tolist() == [103, 106, 205]


def test_bezirk_names_sit_outside_the_city_with_a_leader_into_their_bezirk():
    callouts = geometry.bezirk_callouts()
    lons = [v for v in geometry.outline_coordinates(geometry.bezirke_geojson())[0] if v is not None]
    for row in callouts.itertuples():
        assert (row.label_lon < min(lons)) if row.side == "west" else (row.label_lon > max(lons))
        feature = next(f for f in geometry.bezirke_geojson()["features"] if f["id"] == f"b{row.bezirk_nr}")
        ring = max((p[0] for p in feature["geometry"]["coordinates"]), key=lambda r: abs(ring_area(r)))
        assert geometry._inside(np.array([row.anchor_lon]), np.array([row.anchor_lat]), ring)[0]
    for side in ("west", "east"):
        lats = np.sort(callouts.loc[callouts["side"] == side, "label_lat"].to_numpy())
        assert (np.diff(lats) >= geometry.CALLOUT_GAP - 1e-9).all()


# --- selection ---------------------------------------------------------------------------------------------

def test_selection_keys():
    options = place_keys.place_options()
    assert len(options) == 7 + 46 and list(options)[:2] == ["b100", "o101"]
    assert options["o202"] == "Marxloh (202, Hamborn)" and options["b200"] == "Stadtbezirk Hamborn"
    assert place_keys.ortsteile_of(["b200", "o508", "x1", "o999"]) == (201, 202, 203, 204, 205, 508)
    assert place_keys.normalise_keys(["o508", "o202", "b200", "bogus"]) == ["b200", "o508"]
    assert place_keys.toggle_keys([], ["o202"]) == ["o202"]
    assert place_keys.toggle_keys(["o202", "o508"], ["o202"]) == ["o508"]           # second click removes
    assert place_keys.toggle_keys(["b200"], ["o202"]) == ["o202"]                   # drill down into the Bezirk
    assert place_keys.toggle_keys(["o202", "o203"], ["b200"]) == ["b200"]           # the Bezirk covers its Ortsteile
    assert areas.selection_filters(None, ["b200"]) == Filters(ortsteile=(201, 202, 203, 204, 205))
    assert areas.selection_filters(Filters(genders=("female",)), []) == Filters(genders=("female",))


def test_compare_equals_headline_of_each_side(sample_dataset):
    groups = {name: ([nr], metrics.headline(sample_dataset, Filters(ortsteile=(nr,))))
              for name, nr in (("Marxloh", 202), ("Hochfeld", 508))}
    table = areas.compare(groups).set_index("area")
    for name, (numbers, h) in groups.items():
        for key in (*areas.COUNT_COLUMNS, "placement_rate", "outcome_rate"):
            assert table.loc[name, key] == pytest.approx(h[key]), key
    assert table.loc["Hochfeld", "stichtag"] == "31.12.2021"
    assert table.loc["Marxloh", "per_1000"] == pytest.approx(303 / 22010 * 1000)
    assert table.loc["Marxloh", "withheld"] == ()


def test_withheld_figures_stay_missing_and_are_marked(sample_dataset, ortsteil_table):
    sel = publication.selection(sample_dataset)
    protected = sel.breakdown("ortsteil")
    frame = areas.ortsteil_frame(protected.frame)
    indexed = frame.set_index("ortsteil_nr")
    withheld = protected.suppressed.set_index(protected.frame["ortsteil_nr"].astype(int).to_numpy())
    assert withheld["employment"].any()  # the sample has small cells
    for nr, row in withheld.iterrows():
        for column in ("employment", "placement_rate"):
            assert pd.isna(indexed.loc[nr, column]) == bool(row[column])
    assert indexed.drop(withheld.index)["participants"].eq(0).all()  # no participants is a published 0
    table = published_areas.published(frame, published_areas.withheld_by_ortsteil(frame, protected))
    text = table.text().set_index(frame["ortsteil_nr"])
    first = withheld.index[withheld["employment"]][0]
    assert text.loc[first, "employment"] == "*"
    assert text.loc[101, "placement_rate"] == "x"  # nobody in Vierlinden: undefined, not withheld
    figures = publication.publish_headline(publication.selection(sample_dataset, Filters(ortsteile=(201,))))
    row = areas.compare({"Röttgersbach": ([201], figures)}).iloc[0]
    assert set(row["withheld"]) == set(figures.suppressed)


# --- official boundaries setting -----------------------------------------------------------------------------

def test_setting_is_read_from_the_environment():
    assert geometry.boundary_setting({}) == geometry.BoundarySetting(None, "ortsteil_nr")
    assert geometry.boundary_setting({geometry.ENV_PATH: "  ", geometry.ENV_PROPERTY: ""}) == geometry.BoundarySetting(None, "ortsteil_nr")
    setting = geometry.boundary_setting({geometry.ENV_PATH: str(FIXTURE), geometry.ENV_PROPERTY: "OT_NR"})
    assert setting == geometry.BoundarySetting(FIXTURE, "OT_NR")


def test_official_fixture_is_normalised():
    boundaries = geometry.ortsteil_boundaries({geometry.ENV_PATH: str(FIXTURE), geometry.ENV_PROPERTY: "OT_NR"})
    assert boundaries.official and boundaries.problem is None
    assert boundaries.numbers == FIXTURE_NUMBERS
    features = {f["id"]: f for f in boundaries.geojson["features"]}
    assert set(features) == {f"o{n}" for n in FIXTURE_NUMBERS}
    assert len(features["o508"]["geometry"]["coordinates"]) == 2  # two features merged
    for feature in features.values():
        for polygon in feature["geometry"]["coordinates"]:
            assert ring_area(polygon[0]) < 0
    notes = " ".join(boundaries.notes)
    assert "999" in notes and "zusammengefasst" in notes and "Ohne Grenze" in notes


def test_official_polygons_give_missing_points_a_centre(ortsteil_table):
    boundaries = geometry.ortsteil_boundaries({geometry.ENV_PATH: str(FIXTURE), geometry.ENV_PROPERTY: "OT_NR"})
    frame = areas.ortsteil_frame(ortsteil_table, boundaries).set_index("ortsteil_nr")
    assert frame.loc[205, "has_point"] and frame.loc[103, "has_point"] and not frame.loc[106, "has_point"]
    assert frame.loc[205, "lon"] == pytest.approx(6.776) and frame.loc[205, "lat"] == pytest.approx(51.492)
    assert areas.unplaced(frame.reset_index())["ortsteil_nr"].tolist() == [106]  # Alt-Hamborn now has a bubble


@pytest.mark.parametrize("env, fragment", [
    ({geometry.ENV_PATH: "/nonexistent/ortsteile.geojson"}, "gibt es nicht"),
    ({geometry.ENV_PATH: str(FIXTURE), geometry.ENV_PROPERTY: "STT_NR"}, "„STT_NR“"),
])
def test_unusable_official_file_falls_back_to_osm_with_a_reason(env, fragment):
    boundaries = geometry.ortsteil_boundaries(env)
    assert not boundaries.official and len(boundaries.numbers) == 27
    assert fragment in boundaries.problem


def test_not_json_and_outside_duisburg_are_refused(tmp_path):
    broken = tmp_path / "kaputt.geojson"
    broken.write_text("{ kein json", encoding="utf-8")
    with pytest.raises(geometry.BoundaryError, match="keine lesbare GeoJSON"):
        geometry.normalise_official(broken)
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    for feature in data["features"]:
        for polygon in ([feature["geometry"]["coordinates"]] if feature["geometry"]["type"] == "Polygon"
                        else feature["geometry"]["coordinates"]):
            for ring in polygon:
                for point in ring:
                    point[0] += 3  # somewhere else
    elsewhere = tmp_path / "anderswo.geojson"
    elsewhere.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(geometry.BoundaryError, match="nicht in Duisburg"):
        geometry.normalise_official(elsewhere, "OT_NR")
    data["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::31466"}}
    elsewhere.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(geometry.BoundaryError, match="31466"):
        geometry.normalise_official(elsewhere, "OT_NR")


def utm32_forward(lon: float, lat: float) -> tuple[float, float]:
    """WGS84/ETRS89 -> UTM 32N, Krüger series (Karney 2011), written independently of places.geometry's inverse."""
    a, f, k0 = 6378137.0, 1 / 298.257222101, 0.9996
    n = f / (2 - f)
    big_a = a / (1 + n) * (1 + n ** 2 / 4 + n ** 4 / 64)
    alpha = (n / 2 - 2 / 3 * n ** 2 + 5 / 16 * n ** 3, 13 / 48 * n ** 2 - 3 / 5 * n ** 3, 61 / 240 * n ** 3)
    phi, lam = math.radians(lat), math.radians(lon - 9.0)
    e = 2 * math.sqrt(n) / (1 + n)
    t = math.sinh(math.atanh(math.sin(phi)) - e * math.atanh(e * math.sin(phi)))
    xi_p, eta_p = math.atan2(t, math.cos(lam)), math.atanh(math.sin(lam) / math.sqrt(1 + t * t))
    xi = xi_p + sum(al * math.sin(2 * j * xi_p) * math.cosh(2 * j * eta_p) for j, al in enumerate(alpha, 1))
    eta = eta_p + sum(al * math.cos(2 * j * xi_p) * math.sinh(2 * j * eta_p) for j, al in enumerate(alpha, 1))
    return 500000 + k0 * big_a * eta, k0 * big_a * xi


def test_utm32_coordinates_are_converted(tmp_path):
    # Duisburg town hall is at about 51.4352 N, 6.7627 E, i.e. roughly E 344.000 / N 5.700.000 in UTM 32N.
    east, north = utm32_forward(6.7627, 51.4352)
    assert 343_000 < east < 346_000 and 5_699_000 < north < 5_702_000
    for lon, lat in ((6.7627, 51.4352), (6.66, 51.33), (6.83, 51.56)):
        back = geometry._utm32_to_lonlat(*utm32_forward(lon, lat))
        assert back == pytest.approx([lon, lat], abs=1e-7)  # well under a metre
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    original = json.loads(FIXTURE.read_text(encoding="utf-8"))
    for feature in data["features"]:
        geom = feature["geometry"]
        polygons = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        for polygon in polygons:
            for ring in polygon:
                for point in ring:
                    point[:] = list(utm32_forward(*point))
    data["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}}
    utm = tmp_path / "utm.geojson"
    utm.write_text(json.dumps(data), encoding="utf-8")
    converted, numbers, notes = geometry.normalise_official(utm, "OT_NR")
    reference, _, _ = geometry.normalise_official(FIXTURE, "OT_NR")
    assert numbers == FIXTURE_NUMBERS and any("UTM" in note for note in notes)
    for got, want in zip(converted["features"], reference["features"]):
        assert np.allclose(np.array(got["geometry"]["coordinates"][0][0]),
                           np.array(want["geometry"]["coordinates"][0][0]), atol=1e-6)
    del data["crs"]  # no crs member: recognised from the size of the numbers
    utm.write_text(json.dumps(data), encoding="utf-8")
    assert geometry.normalise_official(utm, "OT_NR")[1] == FIXTURE_NUMBERS
    assert original["features"][0]["geometry"]["coordinates"][0][0][0] < 7  # fixture untouched


# --- figures ---------------------------------------------------------------------------------------------------

def map_figure(frame, boundaries, selected=()):
    from ui import maps

    return json.loads(maps.neighbourhood_map(frame, areas.bezirk_frame(frame), boundaries, selected).to_json())


def traces(figure: dict, meta: str) -> list[dict]:
    return [t for t in figure["data"] if t.get("meta") == meta]


def test_shared_map_is_built_once_and_each_run_gets_its_own_figure(sample_dataset, monkeypatch):
    """Quartiere's map data and figure are shared per (data version, filters, mode, boundaries, selection); each
    run gets a fresh figure equal to a direct build, so theming one never changes another session's."""
    from ui import maps

    boundaries = geometry.ortsteil_boundaries()
    filters = Filters(genders=("female",))  # a key no other test uses: the first call below builds
    headline = publication.selection(sample_dataset, filters)
    data = maps.shared_map_data(sample_dataset, filters, headline, boundaries)
    assert maps.shared_map_data(sample_dataset, filters, headline, boundaries) is data
    from ui.charts import apply_theme
    from ui.figure_cache import FigureCache

    built, real = [], maps.neighbourhood_map
    monkeypatch.setattr(maps, "neighbourhood_map", lambda *a, **k: built.append(a) or real(*a, **k))
    cache = FigureCache()

    def drawn(selected, theme="light"):  # as chart_card draws it: themed, from the shared cache
        chart = maps.shared_neighbourhood_map(sample_dataset, filters, data, boundaries, selected)
        return cache.figure(chart, lambda fig: apply_theme(fig, theme), (theme, False))

    first, second = drawn(["o202", "b500"]), drawn(["b500", "o202"])
    assert len(built) == 1 and first is not second
    direct = apply_theme(real(data.frame, data.bezirke, boundaries, ["o202", "b500"]), "light")
    assert json.loads(first.to_json()) == json.loads(direct.to_json())
    first.update_layout(title_text="nur hier")
    assert second.layout.title.text is None
    # another selection, another filter or the dark theme: built again, never served from another key
    drawn(["o202"])
    drawn(["o202", "b500"], theme="dark")
    other = Filters(genders=("male",))
    other_data = maps.shared_map_data(sample_dataset, other, publication.selection(sample_dataset, other), boundaries)
    cache.figure(maps.shared_neighbourhood_map(sample_dataset, other, other_data, boundaries, ["o202", "b500"]),
                 lambda fig: apply_theme(fig, "light"), ("light", False))
    assert len(built) == 4


def test_map_is_offline_and_attributed(frame):
    figure = map_figure(frame, geometry.ortsteil_boundaries({}))
    first = figure["data"][0]
    assert first["type"] == "scattergeo" and "locations" not in first  # no topojson download (see ui/maps.py)
    assert all(t.get("locationmode") in (None, "geojson-id") for t in figure["data"])
    layout_geo = figure["layout"]["geo"]
    assert layout_geo["visible"] is False and layout_geo["projection"]["type"] == "mercator"
    assert layout_geo["fitbounds"] == "locations"
    assert [a["text"] for a in figure["layout"]["annotations"]] == ["© OpenStreetMap contributors"]
    assert figure["layout"]["coloraxis"]["colorbar"]["ticksuffix"] == " %"
    assert figure["layout"]["separators"] == ",."


def test_selection_is_highlighted_and_clicks_are_read(frame):
    from ui import maps

    figure = map_figure(frame, geometry.ortsteil_boundaries({}), ["o202", "b500"])
    bubbles = traces(figure, "bubbles")[0]
    keys = [row[0] for row in bubbles["customdata"]]
    chosen = {f"o{n}" for n in (202, *range(501, 510))}
    assert [o == 1.0 for o in bubbles["marker"]["opacity"]] == [k in chosen for k in keys]
    assert len(traces(figure, "selected_outline")) == 1
    points = [{"curve_number": 3, "point_index": 1, "customdata": ["o508", 508, 279]},
              {"curve_number": 2, "location": "b200"}, {"customdata": [5, 6]}]
    assert maps.keys_from_points(points) == ["o508", "b200"]


# --- the page in AppTest -------------------------------------------------------------------------------------

def run_page(publication_mode: bool = True, **session) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.session_state["schutz"] = publication_mode  # the sidebar switch (ui.publication.TOGGLE_KEY)
    for key, value in session.items():
        at.session_state[key] = value
    at.run()
    at.switch_page("pages/quartiere.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def values(data) -> list:
    """A plotly JSON array as a list (plotly 6+ writes numpy arrays as base64 "bdata")."""
    if isinstance(data, dict) and "bdata" in data:
        import base64

        array = np.frombuffer(base64.b64decode(data["bdata"]), dtype=np.dtype(data["dtype"]))
        return array.reshape(data["shape"]).tolist() if "shape" in data else array.tolist()
    return list(data)


def figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def find_figure(at: AppTest, meta: str) -> dict:
    return next(f for f in figures(at) if any(t.get("meta") == meta for t in f["data"]))


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


def bubble_rows(figure: dict) -> dict[int, tuple]:
    """Ortsteil number -> (marker size, customdata) over every bubble trace of the map."""
    rows = {}
    for trace in figure["data"]:
        if trace.get("meta") in ("bubbles", "bubbles_grey", "bubbles_withheld"):
            sizes = trace["marker"]["size"]
            sizes = sizes if isinstance(sizes, list) else [sizes] * len(trace["customdata"])
            for size, row in zip(sizes, trace["customdata"]):
                assert row[0] == f"o{row[1]}"
                rows[row[1]] = (size, row)
    return rows


def test_page_map_counts_equal_metrics(ortsteil_table):
    """Publication mode off: every bubble's size and numbers are exactly metrics.breakdown(ds, "ortsteil")."""
    at = run_page(publication_mode=False)
    figure = find_figure(at, "bubbles")
    expected = ortsteil_table.assign(nr=ortsteil_table["ortsteil_nr"].astype(int)).set_index("nr")
    placed = set(geometry.ortsteil_points().dropna(subset=["lat"])["ortsteil_nr"])
    rows = bubble_rows(figure)
    assert set(rows) == {nr for nr in expected.index if nr in placed}
    for nr, (size, row) in rows.items():
        _, _, participants, employment, training, improved, with_outcome, placement_rate, outcome_rate, _ = row
        assert size == participants
        assert (participants, employment, training, improved, with_outcome) == \
            tuple(int(expected.loc[nr, c]) for c in areas.COUNT_COLUMNS)
        assert placement_rate == pytest.approx(expected.loc[nr, "placement_rate"])
        assert outcome_rate == pytest.approx(expected.loc[nr, "outcome_rate"])
    assert not traces(figure, "bubbles_grey") and not traces(figure, "bubbles_withheld")
    # the one Ortsteil with participants but no point is reported, not dropped
    assert 205 in expected.index and 205 not in rows
    assert f"Alt-Hamborn (Hamborn: {int(expected.loc[205, 'participants'])} Teilnehmende)" in captions(at)
    assert "Alt-Walsum (Walsum: 0 Teilnehmende); Fahrn (Walsum: 0 Teilnehmende)" in captions(at)
    empty = traces(figure, "bubbles_empty")[0]
    assert len(empty["customdata"]) + len(rows) == len(placed)
    # attribution on the map and in the caption
    assert figure["layout"]["annotations"][0]["text"] == "© OpenStreetMap contributors"
    assert "© OpenStreetMap contributors" in captions(at)
    assert N["selection_all"] in [s.value for s in at.subheader]


def test_page_map_in_publication_mode(sample_dataset):
    """Default (publication mode on): the bubbles show the protected figures, withheld ones as null."""
    at = run_page()
    figure = find_figure(at, "bubbles")
    protected = publication.selection(sample_dataset).breakdown("ortsteil")
    expected = protected.frame.set_index(protected.frame["ortsteil_nr"].astype(int).to_numpy())
    rows = bubble_rows(figure)
    columns = ("participants", "employment", "vocational_training", "improved_prospects", "with_outcome",
               "placement_rate", "outcome_rate")
    for nr, (size, row) in rows.items():
        for value, column in zip(row[2:9], columns):
            want = expected.loc[nr, column]
            assert (value is None) if pd.isna(want) else value == pytest.approx(float(want)), (nr, column)
        assert size == row[2] or row[2] is None
    grey = {row[1] for row in traces(figure, "bubbles_grey")[0]["customdata"]}
    assert grey == {nr for nr in rows if pd.isna(expected.loc[nr, "placement_rate"])} != set()
    assert any("statistischen Geheimhaltung" in c for c in captions(at).split("\n"))
    assert figure["layout"]["annotations"][0]["text"] == "© OpenStreetMap contributors"


def test_page_selection_follows_the_list(sample_dataset):
    at = run_page(publication_mode=False, quartier=["o202"])
    assert "Auswahl: Marxloh" in [s.value for s in at.subheader]
    cards = {m.label: m.value for m in at.metric}
    assert cards["Teilnehmende"] == "303"
    assert cards[N["selection_density"]] == "13,8"
    funnel = next(f for f in figures(at) if f["data"][0]["type"] == "funnel")
    assert values(funnel["data"][0]["x"])[0] == 303
    bubbles = traces(find_figure(at, "bubbles"), "bubbles")[0]
    opaque = [row[0] for row, o in zip(bubbles["customdata"], bubbles["marker"]["opacity"]) if o == 1.0]
    assert opaque == ["o202"]
    # a Stadtbezirk selects all its Ortsteile
    at = run_page(publication_mode=False, quartier=["b200"])
    assert "Auswahl: Stadtbezirk Hamborn" in [s.value for s in at.subheader]
    hamborn = metrics.headline(sample_dataset, Filters(ortsteile=(201, 202, 203, 204, 205)))["participants"]
    assert {m.label: m.value for m in at.metric}["Teilnehmende"] == str(hamborn)


def test_views_below_the_map_are_tabs_and_only_the_open_one_is_computed():
    """The first view draws the map, the selection and its detail; density and comparison only when opened
    (st.tabs bound to ?ansicht=…, lazy)."""
    at = run_page(publication_mode=False)
    assert [t.label for t in at.tabs] == [N["tab_selection"], N["tab_density"], N["tab_compare"]]
    shown = {t.get("meta") or t.get("type") for f in figures(at) for t in f["data"]}
    assert "bubbles" in shown and "funnel" in shown
    assert not any("Einwohner Stand" in str(f["data"][0].get("y")) for f in figures(at))
    assert "vergleich_a" not in [m.key for m in at.multiselect]
    opened = run_page(publication_mode=False, ansicht=N["tab_compare"])
    assert "vergleich_a" in [m.key for m in opened.multiselect]
    assert not any(f["data"][0].get("type") == "funnel" for f in figures(opened))
    assert opened.query_params["ansicht"] == N["tab_compare"]  # the open view is part of the link


def test_page_density_and_comparison(sample_dataset):
    at = run_page(publication_mode=False, ansicht=N["tab_density"])
    density = next(f for f in figures(at) if f["data"][0].get("orientation") == "h"
                   and "Einwohner Stand" in str(f["data"][0]["y"]))
    bars = dict(zip(values(density["data"][0]["y"]), values(density["data"][0]["x"])))
    population = hand_population()
    assert bars["Marxloh<br>(Einwohner Stand 31.12.2023)"] == pytest.approx(303 / population[202][1] * 1000)
    assert bars["Hochfeld<br>(Einwohner Stand 31.12.2021)"] == pytest.approx(279 / population[508][1] * 1000)
    assert bars["Duisburg gesamt<br>(Einwohner Stand 31.12.2023)"] == pytest.approx(827 / population[0][1] * 1000)
    assert any("Stichtage" in w.value for w in at.warning)
    assert "Wikipedia (de), Artikel Marxloh" in captions(at)
    at = run_page(publication_mode=False, ansicht=N["tab_compare"])
    comparison = next(f for f in figures(at) if {t.get("name") for t in f["data"]} == {"Marxloh", "Hochfeld"})
    # horizontal bars (readable on a phone), persons in the upper panel, first figure on top
    counts = {t["name"]: values(t["x"])[::-1] for t in comparison["data"] if t["yaxis"] == "y"}
    for name, nr in (("Marxloh", 202), ("Hochfeld", 508)):
        h = metrics.headline(sample_dataset, Filters(ortsteile=(nr,)))
        assert counts[name] == [h[k] for k in ("participants", "employment", "vocational_training",
                                               "improved_prospects", "with_outcome")]


def test_page_with_official_boundaries(monkeypatch):
    monkeypatch.setenv(geometry.ENV_PATH, str(FIXTURE))
    monkeypatch.setenv(geometry.ENV_PROPERTY, "OT_NR")
    at = run_page()
    figure = find_figure(at, "bubbles")
    polygons = [t for role in ("ortsteil_polygons", "ortsteil_polygons_grey", "ortsteil_polygons_empty")
                for t in traces(figure, role)]
    drawn = {loc for t in polygons for loc in t["locations"]}
    assert drawn == {f"o{n}" for n in FIXTURE_NUMBERS}
    assert {f["id"] for f in polygons[0]["geojson"]["features"]} == drawn
    assert not traces(figure, "ortsteil_outlines")  # the partial OSM set is not drawn
    assert figure["data"][0]["type"] == "scattergeo"
    bubble_keys = {row[0] for row in traces(figure, "bubbles")[0]["customdata"]}
    assert "o205" in bubble_keys  # Alt-Hamborn placed at its polygon's centre
    text = captions(at)
    assert "ortsteile_official_small.geojson" in text and "„OT_NR“" in text and "5 von 46" in text
    assert "Fahrn (Walsum: 0 Teilnehmende)" in text and "Alt-Hamborn (Hamborn" not in text


def test_page_with_a_broken_setting_still_shows_the_osm_map(monkeypatch):
    monkeypatch.setenv(geometry.ENV_PATH, "/nonexistent/ortsteile.geojson")
    at = run_page()
    assert any("BIWAQ_ORTSTEILE_GEOJSON" in w.value and "gibt es nicht" in w.value for w in at.warning)
    assert traces(find_figure(at, "bubbles"), "ortsteil_outlines")


# --- the real app in Chromium, offline ---------------------------------------------------------------------

@pytest.mark.browser
def test_map_renders_offline_in_chromium():
    from tests.browser import ARTIFACTS, CHROMIUM_ARGS, streamlit_server, wait_for_app

    chromium = "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.skip(f"Browser-Test übersprungen: {chromium} fehlt (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    with streamlit_server() as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 3900}, locale="de-DE")
            blocked: list[str] = []

            def only_local(route):
                if route.request.url.startswith(url):
                    return route.continue_()
                blocked.append(route.request.url)
                return route.abort()

            page.route("**/*", only_local)
            # A fresh server runs its first session in Streamlit's old pages/ mode (see the report of issue 5);
            # the main page first makes st.navigation take over.
            page.goto(url + "/")
            page.locator('[data-testid="stSidebarNav"]').get_by_text(T.PAGE_TITLES["neighbourhoods"],
                                                                     exact=True).wait_for(timeout=60_000)
            page.goto(url + "/quartiere")
            wait_for_app(page)
            page.wait_for_selector(".js-plotly-plot .geo .choroplethlocation", timeout=60_000)
            page.get_by_text("OpenStreetMap").first.wait_for(timeout=30_000)
            assert page.locator('[data-testid="stException"]').count() == 0
            assert page.locator(".js-plotly-plot .geo .choroplethlocation").count() == 7  # the Stadtbezirke
            assert page.locator(".js-plotly-plot .scattergeo path.point").count() >= 43
            assert not [u for u in blocked if "plot.ly" in u or "topojson" in u], blocked
            page.wait_for_timeout(500)
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "quartiere.png"), full_page=True)

            # Click the Marxloh bubble: the page follows; a second click removes it again.
            def click(lon: float, lat: float) -> None:
                x, y = page.evaluate("""([lon, lat]) => {
                    const gd = document.querySelector('.js-plotly-plot');
                    const [px, py] = gd._fullLayout.geo._subplot.projection([lon, lat]);
                    const box = gd.getBoundingClientRect();
                    return [box.left + px, box.top + py];
                }""", [lon, lat])
                page.mouse.move(x, y)
                page.wait_for_timeout(300)
                page.mouse.click(x, y)

            def heading() -> str:
                return page.locator('[data-testid="stMain"] h3').nth(1).inner_text()

            click(6.756944, 51.501944)
            page.wait_for_function("() => [...document.querySelectorAll('[data-testid=\"stMain\"] h3')]"
                                   ".some(h => h.innerText.includes('Auswahl: Marxloh'))", timeout=30_000)
            wait_for_app(page)
            assert "303" in page.locator('[data-testid="stMetric"]').first.inner_text()
            page.locator('[data-testid="stPlotlyChart"]').first.screenshot(
                path=str(ARTIFACTS / "quartiere_marxloh.png"))
            click(6.756944, 51.501944)
            page.wait_for_function("() => [...document.querySelectorAll('[data-testid=\"stMain\"] h3')]"
                                   ".some(h => h.innerText.includes('Ganz Duisburg'))", timeout=30_000)
            assert heading() == N["selection_all"]
        finally:
            browser.close()


@pytest.mark.parametrize("session", [
    {"geschlecht": ["non_binary"]},                      # tiny numbers: most figures withheld
    {"quartier": ["b100"]},                              # a Stadtbezirk without participants
    {"quartier": ["o101"], "vergleich_a": [], "vergleich_b": [103], "ansicht": N["tab_compare"]},
])
def test_page_copes_with_small_and_empty_selections(session):
    at = run_page(**session)  # publication mode on
    figure = find_figure(at, "bezirk_outlines")
    assert figure["layout"]["annotations"][0]["text"] == "© OpenStreetMap contributors"
    if "quartier" in session and "ansicht" not in session:  # the note sits in the selection's own view
        assert any(N["selection_empty"] in w.value for w in at.warning)
    if "ansicht" in session:  # the comparison copes with one empty side
        assert at.multiselect(key="vergleich_a").value == [] and at.multiselect(key="vergleich_b").value == [103]
        assert any(t.get("name") == "Alt-Walsum" for f in figures(at) for t in f["data"])  # one side only
