"""The JSON API's layers, docs and errors, on the real built data."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from itineraries.request import THEME_IDS


def test_healthz(app_client: TestClient):
    response = app_client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_spots_filters_still_work(app_client: TestClient):
    spots = app_client.get("/api/spots", params={"grade": "5A"}).json()
    assert len(spots) == 11 and {s["grade"] for s in spots} == {"5A"}
    themed = app_client.get("/api/spots", params={"theme": "buddhist"}).json()
    assert themed and all("buddhist" in s["theme_ids"] for s in themed)
    tagged = app_client.get("/api/spots", params={"theme": "buddhist_grottoes_temples"}).json()
    assert tagged and all("buddhist_grottoes_temples" in s["themes"] for s in tagged)
    assert app_client.get("/api/spots", params={"grade": "9A"}).status_code == 422


def test_roads_are_geojson_of_the_three_routed_roads(app_client: TestClient):
    response = app_client.get("/api/roads")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/geo+json")
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    assert "OpenStreetMap" in collection["attribution"]
    roads = {f["properties"]["road"]: f for f in collection["features"]}
    assert set(roads) == {"yellow_river", "great_wall", "taihang"}
    for feature in roads.values():
        assert feature["geometry"]["type"] in ("LineString", "MultiLineString")
        assert feature["properties"]["km"] > 100
        assert feature["properties"]["official_km"] > feature["properties"]["km"] * 0.5


def test_lodging_has_beds_estimate_flag_and_basis(app_client: TestClient):
    places = app_client.get("/api/lodging").json()
    assert len(places) >= 117
    assert sum(p["beds"] for p in places) == 1_000_000  # the labelled estimate of the plan target
    for p in places:
        assert p["beds"] >= 0
        assert p["beds_estimated"] is True
        assert p["estimate_basis"].startswith("ESTIMATE")
    big = app_client.get("/api/lodging", params={"min_beds": 20_000}).json()
    assert big and all(p["beds"] >= 20_000 for p in big)
    datong = app_client.get("/api/lodging", params={"city": "大同市"}).json()
    assert datong and {p["city"] for p in datong} == {"大同市"}


def test_themes_have_both_languages(app_client: TestClient):
    body = app_client.get("/api/themes").json()
    assert [t["id"] for t in body["themes"]] == list(THEME_IDS)
    for theme in body["themes"]:
        assert theme["name_zh"] and theme["name_en"] and theme["members"] > 0
    assert body["presets"] and all(p["theme"] in THEME_IDS for p in body["presets"])


def test_places_suggest_cities_first(app_client: TestClient):
    found = app_client.get("/api/places", params={"q": "大同"}).json()
    assert found[0]["kind"] == "city" and found[0]["name_zh"] == "大同市"
    english = app_client.get("/api/places", params={"q": "pingyao"}).json()
    assert any("平遥" in p["name_zh"] for p in english)


def test_basemap_layers(app_client: TestClient):
    network = app_client.get("/api/basemap/network.geojson")
    assert network.status_code == 200
    geometry = network.json()["features"][0]["geometry"]
    assert geometry["type"] == "MultiLineString" and len(geometry["coordinates"]) > 1000
    etag = network.headers["etag"]
    assert app_client.get("/api/basemap/network.geojson", headers={"If-None-Match": etag}).status_code == 304
    boundaries = app_client.get("/api/basemap/boundaries.geojson").json()
    levels = [f["properties"]["level"] for f in boundaries["features"]]
    assert levels.count("province") == 1 and levels.count("city") == 11


def test_docs_work_offline(app_client: TestClient):
    page = app_client.get("/docs")
    assert page.status_code == 200
    sources = re.findall(r"""(?:src|href)=["']([^"']+)""", page.text)
    assert sources and all(s.startswith("/") for s in sources), sources
    for src in sources:
        assert app_client.get(src).status_code == 200, src
    assert app_client.get("/openapi.json").json()["paths"]["/api/itineraries"]["post"]
    assert app_client.get("/redoc").status_code == 404


def test_api_errors_are_json_without_traces(app_client: TestClient):
    for path in ("/api/itineraries/nope", "/api/itineraries/nope.gpx", "/api/nothing-here"):
        response = app_client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/json"
        assert "Traceback" not in response.text
    bad_json = app_client.post("/api/itineraries", content=b"{not json", headers={"content-type": "application/json"})
    assert bad_json.status_code == 422
    assert app_client.post("/api/itineraries", json={"start": "太原", "colour": "red"}).status_code == 422
