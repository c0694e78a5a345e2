"""Coverage audit on constructed geometry with known answers.

Geometry is built in UTM zone 49N metres (EPSG:32649, the CRS the audit picks for Shanxi) around
x = 500 km (111 E), y = 4,150 km (37.5 N) and converted to WGS84, so that lengths are exact.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Polygon

from routing.coverage import (
    CountyPolygon,
    SignRecord,
    SpotRecord,
    TownRecord,
    analyse_coverage,
)
from routing.junctions import NearestPointJunctions, NetworkJunctions
from routing.linear_ref import Frame, ProjectedRoad, complement_within, covered_before, union_intervals, utm_crs
from routing.network import RoadNetwork
from routing.signage_sample import SAMPLE_FILE, SOURCE, generate_sample, sample_csv

FRAME = Frame("EPSG:32649")
X0, Y0 = 500_000.0, 4_150_000.0


def lonlat(x: float, y: float) -> tuple[float, float]:
    lon, lat = FRAME.to_lonlat(x, y)
    return float(lon), float(lat)


def line(*xy: tuple[float, float]) -> LineString:
    """A WGS84 LineString through projected points given as km offsets from (X0, Y0)."""
    return LineString([lonlat(X0 + x * 1000, Y0 + y * 1000) for x, y in xy])


def sign(sid: str, x_km: float, y_km: float = 0.02, **kw) -> SignRecord:
    lon, lat = lonlat(X0 + x_km * 1000, Y0 + y_km * 1000)
    return SignRecord(sid, lat, lon, **kw)


def spot(sid: str, x_km: float, y_km: float, grade: str = "5A") -> SpotRecord:
    lon, lat = lonlat(X0 + x_km * 1000, Y0 + y_km * 1000)
    return SpotRecord(sid, f"spot {sid}", grade, lat, lon)


def polygon(x0_km: float, x1_km: float, y0_km: float = -20, y1_km: float = 20) -> Polygon:
    ring = shapely.segmentize(
        Polygon([(x0_km, y0_km), (x1_km, y0_km), (x1_km, y1_km), (x0_km, y1_km)]), 1.0
    ).exterior.coords
    return Polygon([lonlat(X0 + x * 1000, Y0 + y * 1000) for x, y in ring])


STRAIGHT = {"r": [line((0, 0), (100, 0))]}


# -- coverage, gaps ----------------------------------------------------------------------------


def test_signs_every_km_on_first_half_cover_half_with_one_gap():
    signs = [sign(f"s{k}", k) for k in range(50)]  # km 0, 1, ..., 49; each covers 1 km after it
    town_lon, town_lat = lonlat(X0 + 80_000, Y0 + 3_000)
    result = analyse_coverage(STRAIGHT, signs, towns=[TownRecord("东镇", town_lat, town_lon)])
    road = result.to_json()["roads"][0]
    assert road["length_km"] == pytest.approx(100.0, abs=0.01)
    assert road["coverage_pct"] == pytest.approx(50.0, abs=1.0)
    assert road["signs_matched"] == 50
    assert len(road["gaps"]) == 1
    gap = road["gaps"][0]
    assert gap["start_km"] == pytest.approx(50.0, abs=0.05)
    assert gap["end_km"] == pytest.approx(100.0, abs=0.01)
    assert gap["km"] == pytest.approx(50.0, abs=0.05)
    mid_lon, mid_lat = lonlat(X0 + 75_000, Y0)
    assert gap["mid_lon"] == pytest.approx(mid_lon, abs=1e-4)
    assert gap["mid_lat"] == pytest.approx(mid_lat, abs=1e-4)
    assert gap["nearest_town"] == "东镇"
    assert gap["nearest_town_km"] == pytest.approx(np.hypot(5, 3), abs=0.1)
    assert gap["map_link"].startswith(f"https://www.openstreetmap.org/?mlat={mid_lat:.5f}&mlon={mid_lon:.5f}#map=12/")
    assert result.to_json()["parameters"]["crs"] == "EPSG:32649"


def test_geojson_layers_for_a_map():
    signs = [sign(f"s{k}", k) for k in range(50)] + [sign("far", 20, 2.0)]
    geo = analyse_coverage(STRAIGHT, signs, spots=[spot("bare", 80, 3)]).to_geojson()
    layers = [f["properties"]["layer"] for f in geo["features"]]
    assert layers == ["gap", "spot_without_approach_sign", "unmatched_sign"]
    gap = geo["features"][0]["geometry"]
    assert gap["type"] == "LineString"
    assert gap["coordinates"][0] == pytest.approx(list(lonlat(X0 + 50_000, Y0)), abs=1e-5)
    assert gap["coordinates"][-1] == pytest.approx(list(lonlat(X0 + 100_000, Y0)), abs=1e-5)


def test_short_uncovered_stretches_count_but_are_not_gaps():
    signs = [sign(f"s{k}", 2.0 * k) for k in range(50)]  # every 2 km: 1 km covered, 1 km not
    road = analyse_coverage(STRAIGHT, signs, gap_km=5).to_json()["roads"][0]
    assert road["coverage_pct"] == pytest.approx(50.0, abs=0.1)
    assert road["gaps"] == []
    road = analyse_coverage(STRAIGHT, signs, gap_km=0.5).to_json()["roads"][0]
    assert len(road["gaps"]) == 50
    touching = analyse_coverage(STRAIGHT, [sign(f"t{k}", k) for k in range(100)], gap_km=0).to_json()["roads"][0]
    assert touching["gaps"] == []  # [k, k+1] and [k+1, k+2] touch up to rounding: no sliver gaps
    assert touching["coverage_pct"] == pytest.approx(100.0, abs=1e-6)


def test_reach_is_configurable_and_clipped_at_the_road_end():
    road = analyse_coverage(STRAIGHT, [sign("a", 10), sign("b", 97)], reach_km=5).to_json()["roads"][0]
    assert road["covered_km"] == pytest.approx(5 + 3, abs=0.01)


def test_multilingual_share_counts_signs_with_english():
    signs = [sign("a", 1, languages="zh;en"), sign("b", 2, languages="zh"), sign("c", 3, languages="en;ja")]
    road = analyse_coverage(STRAIGHT, signs).to_json()["roads"][0]
    assert road["multilingual_share"] == pytest.approx(2 / 3, abs=1e-4)
    assert road["signs_by_kind"]["other"] == 3


def test_bearing_against_the_digitised_direction_covers_the_stretch_behind():
    # The road runs east (bearing 90); a sign read by westbound drivers (bearing 270) covers km 49-50.
    west = analyse_coverage(STRAIGHT, [sign("w", 50, bearing=270.0)], gap_km=0.1).to_json()["roads"][0]
    assert west["gaps"][0]["end_km"] == pytest.approx(49.0, abs=0.01)
    assert west["gaps"][1]["start_km"] == pytest.approx(50.0, abs=0.01)
    east = analyse_coverage(STRAIGHT, [sign("e", 50, bearing=95.0)], gap_km=0.1).to_json()["roads"][0]
    assert east["gaps"][1]["start_km"] == pytest.approx(51.0, abs=0.01)
    ignored = analyse_coverage(STRAIGHT, [sign("w", 50, bearing=270.0)], gap_km=0.1, use_bearing=False)
    assert ignored.to_json()["roads"][0]["gaps"][1]["start_km"] == pytest.approx(51.0, abs=0.01)


def test_multi_segment_road_km_continue_across_segments_and_gaps_stay_within_segments():
    roads = {"m": [line((0, 0), (30, 0)), line((40, 10), (40, 30))]}  # 30 km east, then 20 km north elsewhere
    signs = [sign("end-of-1", 29.5), sign("in-2", 40.02, 15.0)]
    result = analyse_coverage(roads, signs, gap_km=1)
    road = result.to_json()["roads"][0]
    assert road["segments"] == 2
    assert road["length_km"] == pytest.approx(50.0, abs=0.01)
    # end-of-1 covers only up to the end of segment 1 (0.5 km); in-2 sits at 30 + 5 = km 35.
    assert road["covered_km"] == pytest.approx(1.5, abs=0.01)
    gaps = [(g["start_km"], g["end_km"], g["segment"]) for g in road["gaps"]]
    assert gaps == [
        (pytest.approx(0.0), pytest.approx(29.5, abs=0.01), 0),
        (pytest.approx(30.0, abs=0.01), pytest.approx(35.0, abs=0.01), 1),
        (pytest.approx(36.0, abs=0.01), pytest.approx(50.0, abs=0.01), 1),
    ]


def test_county_split_on_two_constructed_counties():
    counties = [
        CountyPolygon("140001", "甲市", "西县", polygon(-10, 40)),
        CountyPolygon("140002", "甲市", "东县", polygon(40, 110)),
    ]
    signs = [sign(f"s{k}", k) for k in range(30, 50)]  # km 30-50 covered: 10 km in each county
    road = analyse_coverage(STRAIGHT, signs, counties=counties).to_json()["roads"][0]
    by_name = {c["county"]: c for c in road["counties"]}
    assert [c["county"] for c in road["counties"]] == ["西县", "东县"]  # in the order the road enters them
    assert by_name["西县"]["length_km"] == pytest.approx(40.0, abs=0.15)
    assert by_name["东县"]["length_km"] == pytest.approx(60.0, abs=0.15)
    assert by_name["西县"]["covered_km"] == pytest.approx(10.0, abs=0.15)
    assert by_name["东县"]["covered_km"] == pytest.approx(10.0, abs=0.15)
    assert by_name["东县"]["coverage_pct"] == pytest.approx(100 * 10 / 60, abs=0.5)
    assert by_name["西县"]["adcode"] == "140001"


def test_road_partly_outside_every_county_has_an_outside_row():
    counties = [CountyPolygon("140001", "甲市", "西县", polygon(-10, 60))]
    road = analyse_coverage(STRAIGHT, [], counties=counties).to_json()["roads"][0]
    assert [c["adcode"] for c in road["counties"]] == ["140001", None]
    assert road["counties"][1]["length_km"] == pytest.approx(40.0, abs=0.15)


# -- snapping, unmatched ---------------------------------------------------------------------


def test_sign_two_km_off_the_road_is_unmatched_with_its_distance():
    result = analyse_coverage(STRAIGHT, [sign("near", 10, 0.1), sign("far", 20, 2.0, kind="guide")])
    data = result.to_json()
    assert data["roads"][0]["signs_matched"] == 1
    assert len(data["unmatched_signs"]) == 1
    far = data["unmatched_signs"][0]
    assert far["id"] == "far"
    assert far["kind"] == "guide"
    assert far["nearest_road"] == "r"
    assert far["distance_m"] == pytest.approx(2000.0, abs=1.0)
    assert data["totals"]["unmatched_signs"] == 1


def test_tolerance_is_configurable():
    result = analyse_coverage(STRAIGHT, [sign("x", 10, 0.3)], tolerance_m=500)
    assert result.to_json()["unmatched_signs"] == []


def test_a_sign_goes_to_its_named_road_when_within_tolerance():
    roads = {"a": [line((0, 0), (100, 0))], "b": [line((0, 0.2), (100, 0.2))]}  # 200 m apart
    near_b = sign("x", 50, 0.15, road_id="a")  # 50 m from b, 150 m from a
    nameless = sign("y", 60, 0.15)
    data = analyse_coverage(roads, [near_b, nameless], tolerance_m=160).to_json()
    counts = {r["road_id"]: r["signs_matched"] for r in data["roads"]}
    assert counts == {"a": 1, "b": 1}


def test_report_roads_limits_the_report_but_signs_of_other_roads_are_not_unmatched():
    roads = {"a": [line((0, 0), (100, 0))], "b": [line((0, 50), (100, 50))]}
    data = analyse_coverage(roads, [sign("on-a", 5), sign("on-b", 5, 50.0)], report_roads=["a"]).to_json()
    assert [r["road_id"] for r in data["roads"]] == ["a"]
    assert data["unmatched_signs"] == []
    assert data["inventory"]["signs_on_other_roads"] == 1


def test_a_sign_without_coordinates_is_listed_not_dropped():
    data = analyse_coverage(STRAIGHT, [SignRecord("nowhere", float("nan"), float("nan"))]).to_json()
    assert data["unmatched_signs"][0]["id"] == "nowhere"
    assert data["unmatched_signs"][0]["reason"] == "no valid coordinates"


# -- approach signs ------------------------------------------------------------------------------


def test_spot_with_guide_sign_before_its_junction_is_not_listed_and_one_without_is():
    spots = [spot("served", 30, 3), spot("bare", 60, 3)]
    signs = [sign("g1", 29, kind="guide", target_spot_id="served")]
    data = analyse_coverage(STRAIGHT, signs, spots=spots).to_json()
    assert [s["spot_id"] for s in data["spots_without_approach_sign"]] == ["bare"]
    bare = data["spots_without_approach_sign"][0]
    assert bare["road_id"] == "r"
    assert bare["grade"] == "5A"
    assert bare["junction_km"] == pytest.approx(60.0, abs=0.01)
    assert bare["distance_to_road_km"] == pytest.approx(3.0, abs=0.01)
    jlon, jlat = lonlat(X0 + 60_000, Y0)
    assert bare["junction_lon"] == pytest.approx(jlon, abs=1e-5)
    assert bare["junction_lat"] == pytest.approx(jlat, abs=1e-5)
    assert bare["junction_method"] == "nearest_point"
    served = data["spots_with_approach_sign"][0]
    assert served["spot_id"] == "served"
    assert served["forward_signs"] == ["g1"]


def test_guide_sign_for_another_target_spot_does_not_count():
    spots = [spot("a", 30, 3)]
    wrong = analyse_coverage(STRAIGHT, [sign("g", 29, kind="guide", target_spot_id="other")], spots=spots)
    assert [s.spot_id for s in wrong.spots_without_approach_sign] == ["a"]
    untargeted = analyse_coverage(STRAIGHT, [sign("g", 29, kind="guide")], spots=spots)
    assert untargeted.spots_without_approach_sign == []
    not_guide = analyse_coverage(STRAIGHT, [sign("d", 29, kind="direction", target_spot_id="a")], spots=spots)
    assert len(not_guide.spots_without_approach_sign) == 1


def test_approach_window_from_both_sides_and_bearing():
    spots = [spot("a", 30, 3)]
    for x, bearing, served in [
        (31.5, None, True),  # after the junction: serves westbound travellers
        (27.5, None, False),  # 2.5 km before: too far (approach_km 2)
        (28.5, 90.0, True),  # before, facing eastbound travellers
        (28.5, 270.0, False),  # before, but read by westbound travellers who have passed the junction
        (31.5, 90.0, False),  # after, facing eastbound travellers who have passed it
        (31.5, 270.0, True),
    ]:
        result = analyse_coverage(STRAIGHT, [sign("g", x, kind="guide", bearing=bearing)], spots=spots)
        assert (not result.spots_without_approach_sign) is served, (x, bearing)
    wide = analyse_coverage(STRAIGHT, [sign("g", 27.5, kind="guide")], spots=spots, approach_km=3)
    assert wide.spots_without_approach_sign == []


def test_require_both_sides():
    spots = [spot("a", 30, 3)]
    one = [sign("g1", 29.5, kind="guide", bearing=90.0)]
    two = [*one, sign("g2", 30.5, kind="guide", bearing=270.0)]
    assert len(analyse_coverage(STRAIGHT, one, spots=spots, require_both_sides=True).spots_without_approach_sign) == 1
    assert analyse_coverage(STRAIGHT, two, spots=spots, require_both_sides=True).spots_without_approach_sign == []


def test_guide_sign_on_another_segment_does_not_serve():
    roads = {"m": [line((0, 0), (30, 0)), line((30, 1), (60, 1))]}
    spots = [spot("a", 29.8, -3)]  # junction at km 29.8 of segment 0
    signs = [sign("g", 30.5, 1.02, kind="guide")]  # km 30.5, on segment 1, 0.7 km "later"
    assert len(analyse_coverage(roads, signs, spots=spots).spots_without_approach_sign) == 1


def test_empty_inventory_gives_zero_coverage_and_lists_every_nearby_spot():
    spots = [
        spot("a", 10, 2),
        spot("b", 50, -9.5, grade="4A"),
        spot("far", 50, 15),
        spot("low", 70, 1, grade="3A"),
        SpotRecord("nopoint", "no point", "5A", None, None),
    ]
    data = analyse_coverage(STRAIGHT, [], spots=spots).to_json()
    road = data["roads"][0]
    assert road["covered_km"] == 0
    assert road["coverage_pct"] == 0
    assert road["multilingual_share"] is None
    assert [(g["start_km"], g["end_km"]) for g in road["gaps"]] == [(0.0, pytest.approx(100.0, abs=0.01))]
    assert sorted(s["spot_id"] for s in data["spots_without_approach_sign"]) == ["a", "b"]
    assert data["spots_not_located"] == [{"spot_id": "nopoint", "name": "no point", "grade": "5A"}]
    assert data["synthetic_inventory"] is False
    assert data["notice"] is None
    grades = analyse_coverage(STRAIGHT, [], spots=spots, grades=["3A"], spot_radius_km=1).to_json()
    assert [s["spot_id"] for s in grades["spots_without_approach_sign"]] == ["low"]


# -- network junctions ---------------------------------------------------------------------------


def _network(access_circuity: float) -> RoadNetwork:
    """Road nodes 0-4 every 10 km along y=0; a side road from node 2 north-west to node 5."""
    xy = [(0, 0), (10, 0), (20, 0), (30, 0), (40, 0), (15, 5)]
    lon, lat = zip(*(lonlat(X0 + x * 1000, Y0 + y * 1000) for x, y in xy), strict=True)
    pairs = [(0, 1), (1, 2), (2, 3), (3, 4), (2, 5)]
    u = np.array([a for a, b in pairs] + [b for a, b in pairs])
    v = np.array([b for a, b in pairs] + [a for a, b in pairs])
    pts = np.array(xy, dtype=float) * 1000
    length = np.hypot(*(pts[u] - pts[v]).T)
    return RoadNetwork(
        name="toy",
        lat=np.array(lat),
        lon=np.array(lon),
        u=u,
        v=v,
        length_m=length,
        speed_kph=np.full(u.size, 60.0),
        travel_time_s=length / (60 / 3.6),
        access_circuity=access_circuity,
    )


def test_network_junction_is_where_the_access_path_leaves_the_road():
    road = {"r": [line((0, 0), (10, 0), (20, 0), (30, 0), (40, 0))]}
    spots = [spot("p", 15, 5.1), spot("q", 40, 1)]
    finder = NetworkJunctions(_network(access_circuity=2.0))
    signs = [sign("g", 19, kind="guide", target_spot_id="p")]
    result = analyse_coverage(road, signs, spots=spots, junctions=finder)
    by_id = {s.spot_id: s for s in result.spot_approaches}
    # p's nearest road point is km 15, but the side road to it leaves the road at node 2 (km 20).
    assert by_id["p"].junction_km == pytest.approx(20.0, abs=0.01)
    assert by_id["p"].junction_method == "network"
    assert by_id["p"].access_km == pytest.approx(np.hypot(5, 5) + 0.1, abs=0.01)
    assert by_id["p"].served
    assert by_id["q"].junction_km == pytest.approx(40.0, abs=0.01)
    assert result.to_json()["parameters"]["junctions"] == "network"
    # Nearest-point junctions put p at km 15, where the guide sign at km 19 is 4 km past.
    plain = analyse_coverage(road, signs, spots=spots, junctions=NearestPointJunctions())
    assert {s.spot_id for s in plain.spots_without_approach_sign} == {"p", "q"}
    assert {s.spot_id for s in result.spots_without_approach_sign} == {"q"}


def test_network_junction_yields_to_a_shorter_direct_access():
    road = {"r": [line((0, 0), (10, 0), (20, 0), (30, 0), (40, 0))]}
    spots = [spot("p", 15, 5.1)]
    direct = analyse_coverage(road, [], spots=spots, junctions=NetworkJunctions(_network(access_circuity=1.3)))
    assert direct.spot_approaches[0].junction_km == pytest.approx(15.0, abs=0.01)
    assert direct.spot_approaches[0].junction_method == "nearest_point"
    forced = NetworkJunctions(_network(access_circuity=1.3), allow_direct=False)
    assert analyse_coverage(road, [], spots=spots, junctions=forced).spot_approaches[0].junction_km == pytest.approx(
        20.0, abs=0.01
    )


def test_road_not_on_the_network_falls_back_to_the_nearest_point():
    road = {"r": [line((0, 30), (40, 30))]}  # matches no network node
    result = analyse_coverage(
        road, [], spots=[spot("p", 15, 33)], junctions=NetworkJunctions(_network(2.0), allow_direct=False)
    )
    assert result.spot_approaches[0].junction_method == "nearest_point (fallback)"
    assert result.spot_approaches[0].junction_km == pytest.approx(15.0, abs=0.01)


# -- inputs, options, result ---------------------------------------------------------------------


def test_options_are_checked():
    with pytest.raises(ValueError, match="reach_km must be a positive number, got -1"):
        analyse_coverage(STRAIGHT, [], reach_km=-1)
    with pytest.raises(ValueError, match="tolerance_m must be a positive number, got 0"):
        analyse_coverage(STRAIGHT, [], tolerance_m=0)
    with pytest.raises(ValueError, match="unknown road 'nope'"):
        analyse_coverage(STRAIGHT, [], report_roads=["nope"])
    with pytest.raises(ValueError, match="no roads"):
        analyse_coverage({}, [])
    with pytest.raises(ValueError, match="is not a projected CRS"):
        analyse_coverage(STRAIGHT, [], crs="EPSG:4326")
    with pytest.raises(ValueError, match="segment 0 of road 'x'"):
        analyse_coverage({"x": [LineString([(111, 37), (111, 37)]).boundary]}, [])


def test_sign_record_from_import_and_model_rows():
    imported = SignRecord.from_row(
        {"id": "a", "lat": 37.5, "lon": 111.0, "kind": "guide", "languages": "zh;en", "target_spot": "t", "road": "r"}
    )
    model = SignRecord.from_row({"id": "a", "lat": 37.5, "lon": 111.0, "target_spot_id": "t", "road_id": "r"})
    csv_row = SignRecord.from_row({"id": "c", "lat": "37.5", "lon": "111", "bearing": "", "synthetic": "false"})
    assert (csv_row.lat, csv_row.bearing, csv_row.synthetic) == (37.5, None, False)
    assert SignRecord.from_row({"id": "d", "lat": 1, "lon": 2, "synthetic": "true", "bearing": "90"}).bearing == 90.0
    assert (imported.target_spot_id, imported.road_id, imported.language_set) == ("t", "r", frozenset({"zh", "en"}))
    assert (model.target_spot_id, model.road_id, model.kind, model.languages) == ("t", "r", "other", "zh")


def test_synthetic_inventory_is_flagged():
    data = analyse_coverage(STRAIGHT, [sign("a", 1), sign("b", 2, synthetic=True)], inventory="test").to_json()
    assert data["synthetic_inventory"] is True
    assert "SYNTHETIC" in data["notice"]
    assert data["inventory"] == {"source": "test", "signs": 2, "synthetic_signs": 1, "signs_on_other_roads": 0}


def test_json_has_the_documented_keys():
    data = analyse_coverage(STRAIGHT, [sign("a", 1)], spots=[spot("s", 5, 1)]).to_json()
    assert set(data) >= {
        "synthetic_inventory",
        "notice",
        "inventory",
        "parameters",
        "method",
        "totals",
        "roads",
        "unmatched_signs",
        "spots_without_approach_sign",
        "spots_with_approach_sign",
        "spots_not_located",
        "attribution",
    }
    assert set(data["roads"][0]) >= {
        "road_id",
        "length_km",
        "covered_km",
        "coverage_pct",
        "gaps",
        "multilingual_share",
        "signs_matched",
        "counties",
    }
    assert set(data["parameters"]) >= {"tolerance_m", "reach_km", "gap_km", "spot_radius_km", "approach_km", "crs"}
    assert "OpenStreetMap contributors" in data["attribution"]


# -- linear referencing --------------------------------------------------------------------------


def test_union_and_complement_of_intervals():
    s, e = union_intervals([5, 0, 2, 10, 12], [6, 3, 4, 12, 13])
    assert s.tolist() == [0, 5, 10] and e.tolist() == [4, 6, 13]
    assert covered_before(s, e, [-1, 2, 4.5, 5.5, 20]).tolist() == [0, 2, 4, 4.5, 8]
    assert complement_within(s, e, 1, 11) == [(4.0, 5.0), (6.0, 10.0)]
    assert complement_within(np.empty(0), np.empty(0), 0, 5) == [(0, 5)]


def test_utm_zone_and_projected_road():
    assert utm_crs([111.5, 113.0], [37.0, 38.0]) == "EPSG:32649"
    assert utm_crs([-70.0], [-33.0]) == "EPSG:32719"
    road = ProjectedRoad.from_lines("m", [line((0, 0), (3, 4)), line((10, 0), (10, 5))], frame=FRAME)
    assert road.start_m.tolist() == pytest.approx([0, 5000])
    assert road.total_m == pytest.approx(10_000)
    seg, along, dist = road.locate([X0 + 10_000 + 50], [Y0 + 2_000])
    assert (seg[0], along[0], dist[0]) == (1, pytest.approx(7000), pytest.approx(50))


# -- synthetic sample ----------------------------------------------------------------------------


def test_sample_is_synthetic_seeded_and_exercises_the_audit():
    roads = {"a": [line((0, 0), (150, 0))], "b": [line((0, 40), (60, 40)), line((80, 40), (150, 40))]}
    spots = [spot(f"s{k}", 15 * k + 5, 2 if k % 2 else -3) for k in range(9)] + [spot("b1", 30, 43)]
    rows = generate_sample(roads, spots=spots, seed=3, count=400)
    assert len(rows) == 400
    assert len({r["id"] for r in rows}) == 400
    assert all(r["synthetic"] == "true" and r["source"] == SOURCE.format(seed=3) for r in rows)
    assert "SYNTHETIC" in rows[0]["source"] and "not real signage" in rows[0]["source"]
    assert rows == generate_sample(roads, spots=spots, seed=3, count=400)
    assert rows != generate_sample(roads, spots=spots, seed=4, count=400)
    assert sample_csv(rows).splitlines()[0] == "id,lat,lon,kind,languages,target_spot,road,bearing,synthetic,source"
    signs = [SignRecord.from_row(r) for r in rows]
    data = analyse_coverage(roads, signs, spots=spots).to_json()
    assert data["synthetic_inventory"] is True
    offroad = {r["id"] for r in rows if "-offroad-" in r["id"]}
    assert len(offroad) == 3
    assert {u["id"] for u in data["unmatched_signs"]} == offroad
    assert all(r["gaps"] for r in data["roads"])  # the deliberate gaps
    assert (
        0
        < len(data["spots_without_approach_sign"])
        < len(data["spots_without_approach_sign"]) + len(data["spots_with_approach_sign"])
    )


def test_sample_keeps_signs_inside_the_given_area():
    inside = polygon(-5, 70, -10, 10)
    rows = generate_sample(STRAIGHT, seed=1, count=200, inside=lambda lon, lat: shapely.contains_xy(inside, lon, lat))
    assert len(rows) == 200
    assert shapely.contains_xy(inside, [r["lon"] for r in rows], [r["lat"] for r in rows]).all()


def test_sample_count_is_checked():
    with pytest.raises(ValueError, match="count must be a whole number of at least 20, got 5"):
        generate_sample(STRAIGHT, count=5)


def test_committed_sample_file_is_labelled_synthetic():
    import csv

    with SAMPLE_FILE.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) > 1000
    assert all(r["synthetic"] == "true" and r["source"].startswith("SYNTHETIC sample generated by jinlv") for r in rows)
