"""Server-rendered pages: languages, no CDN, the planner form without JavaScript, trip, print sheet,
layers map and the bureau coverage page (its tables agree with ``POST /api/coverage``)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from fastapi.testclient import TestClient

from app.web.i18n import ZH
from routing.signage_sample import SAMPLE_FILE
from tests.app.conftest import TRIP_START
from tests.conftest import REPO

CDN_HOSTS = ("jsdelivr", "cdnjs", "unpkg", "code.jquery", "bootstrapcdn", "googleapis", "fontawesome", "gstatic")
# hosts a page may name: links for people (copyright, map links) and the raster tile template
ALLOWED_HOSTS = {"www.openstreetmap.org", "tile.openstreetmap.org", "testserver"}


def _in_page(text: str, html: str) -> bool:
    """``text`` in the HTML, or in its scripts (where folium writes non-ASCII as ``\\uXXXX``)."""
    return text in html or json.dumps(text)[1:-1] in html


def _pages(trip: dict[str, Any]) -> list[str]:
    tid = trip["id"]
    return ["/", "/map", f"/trips/{tid}", f"/trips/{tid}/print", "/bureau/coverage", "/docs", "/no-such-page"]


def test_no_page_loads_anything_from_another_host(app_client: TestClient, planned_trip: dict[str, Any]):
    for path in _pages(planned_trip):
        for lang in ("zh", "en"):
            html = app_client.get(path, params={"lang": lang}).text
            assert not any(host in html for host in CDN_HOSTS), path
            doc = lxml.html.fromstring(html)
            resources = doc.xpath("//script/@src | //link/@href | //img/@src | //iframe/@src | //source/@src")
            assert all(r.startswith("/") and not r.startswith("//") for r in resources), (path, resources)
            hosts = {m.group(1) for m in re.finditer(r"https?://([^/\"'\s)<>\\]+)", html)}
            assert hosts <= ALLOWED_HOSTS, (path, hosts - ALLOWED_HOSTS)
            assert "url(http" not in html


def test_static_assets_are_served(app_client: TestClient, planned_trip: dict[str, Any]):
    html = app_client.get(f"/trips/{planned_trip['id']}").text
    doc = lxml.html.fromstring(html)
    for src in doc.xpath("//script/@src | //link[@rel='stylesheet']/@href"):
        assert app_client.get(src).status_code == 200, src
    assert "/static/vendor/leaflet/leaflet.js" in html


def test_language_switch_on_every_page(app_client: TestClient, planned_trip: dict[str, Any]):
    for path in _pages(planned_trip):
        if path == "/docs":
            continue
        zh = app_client.get(path)
        assert '<html lang="zh-CN">' in zh.text, path
        doc = lxml.html.fromstring(zh.text)
        assert doc.xpath("//a[@data-lang='en']/@href")[0].endswith("lang=en")
        assert doc.xpath("//a[@data-lang='zh']/@href")[0].endswith("lang=zh")
    en = app_client.get("/", params={"lang": "en"})
    assert '<html lang="en">' in en.text and "Plan a self-drive trip in Shanxi" in en.text
    assert en.cookies.get("jinlv_lang") == "en"
    remembered = app_client.get("/map", cookies={"jinlv_lang": "en"})
    assert '<html lang="en">' in remembered.text and "All layers" in remembered.text
    assert "全部图层" in app_client.get("/map", cookies={"jinlv_lang": "zh"}).text


def _literal_strings() -> set[str]:
    """Every ``_("...")``, ``_n(..., "...")`` and ``t("...")`` literal of the templates and page code."""
    found: set[str] = set()
    call = re.compile(r"""(?<![\w.])(?:_|t)\(\s*(["'])((?:(?!\1).)+)\1""", re.S)
    plural = re.compile(r"""_n\(\s*(["'])((?:(?!\1).)+)\1\s*,\s*(["'])((?:(?!\3).)+)\3""", re.S)
    files = list((REPO / "app" / "templates").rglob("*.html")) + list((REPO / "app" / "web").glob("*.py"))
    for path in files:
        text = path.read_text(encoding="utf-8")
        found |= {m.group(2) for m in call.finditer(text)}
        found |= {m.group(4) for m in plural.finditer(text)}
    return found


def test_every_page_string_has_a_chinese_translation():
    strings = _literal_strings()
    assert len(strings) > 150
    missing = sorted(s for s in strings if s not in ZH)
    assert missing == []


def test_planner_form(app_client: TestClient):
    html = app_client.get("/").text
    doc = lxml.html.fromstring(html)
    form = doc.get_element_by_id("plan-form")
    names = set(form.xpath(".//*[@name]/@name"))
    assert {"start", "end_mode", "end", "start_date", "days", "themes", "pace", "group_size"} <= names
    assert {"max_drive_hours", "day_start", "day_end", "must_see", "prefer_tourist_roads"} <= names
    days = form.xpath(".//input[@name='days']")[0]
    assert (days.get("min"), days.get("max")) == ("1", "14") and "required" in days.attrib
    assert len(form.xpath(".//input[@name='themes']")) == 9
    must_see = form.xpath(".//select[@name='must_see']")[0]
    heritage = must_see.xpath(".//optgroup[@label='全国重点文物保护单位']/option/@value")
    assert heritage and all(v.startswith("nh") for v in heritage), heritage
    assert "nh054" in heritage  # 龙山石窟: visitable, not inside a graded spot
    # every spot with coordinates, then the heritage sites the planner can visit on their own
    assert len(must_see.xpath(".//option")) == 60 + len(heritage)
    assert len(doc.xpath("//datalist[@id='place-list']/option")) > 150
    assert "匠心古建" in html and "规划我的行程" in html


def test_planner_prefills_from_a_preset_and_from_a_trip(app_client: TestClient, planned_trip: dict[str, Any]):
    doc = lxml.html.fromstring(app_client.get("/", params={"from": planned_trip["id"]}).text)
    assert doc.get_element_by_id("start").get("value") == "太原"
    assert doc.xpath("//input[@name='themes'][@value='ancient_architecture']/@checked")
    preset = app_client.get("/api/themes").json()["presets"][0]
    doc = lxml.html.fromstring(app_client.get("/", params={"preset": preset["id"]}).text)
    assert doc.get_element_by_id("start").get("value") == preset["start_city"]
    assert doc.get_element_by_id("days").get("value") == str(preset["days"])


def _form(**overrides: Any) -> dict[str, Any]:
    data = {
        "submitted": "1",
        "start": "太原",
        "end_mode": "start",
        "end": "",
        "start_date": TRIP_START,
        "days": "2",
        "day_start": "08:00",
        "day_end": "19:00",
        "themes": ["buddhist"],
        "pace": "normal",
        "group_size": "2",
        "max_drive_hours": "4",
        "prefer_tourist_roads": "on",
        "include_heritage": "on",
    }
    data.update(overrides)
    return data


def test_form_without_javascript_plans_and_redirects(app_client: TestClient):
    response = app_client.post("/trips", data=_form(), follow_redirects=False)
    assert response.status_code == 303, response.text[:2000]
    trip_id = response.headers["location"].rsplit("/", 1)[1]
    trip = app_client.get(f"/api/itineraries/{trip_id}").json()
    assert trip["request"]["prefer_tourist_roads"] == 0.7
    assert trip["request"]["themes"] == {"buddhist": 1.0}
    as_json = app_client.post("/trips", data=_form(), headers={"Accept": "application/json"})
    assert as_json.status_code == 201 and as_json.json() == {"id": trip_id, "url": f"/trips/{trip_id}"}


@pytest.mark.parametrize(
    ("overrides", "field", "zh", "en"),
    [
        ({"days": "0"}, "days", "不能小于 1", "Must be at least 1"),
        ({"start": "Atlantis City"}, "start", "未找到地点“Atlantis City”", "Unknown place “Atlantis City”"),
        ({"start_date": "2025-02-30"}, "start_date", "请输入有效日期", "Enter a valid date"),
        ({"day_end": "09:00"}, "day_end", "至少 2 小时", "at least 2 hours"),
        ({"end_mode": "place", "end": ""}, "end", "此项必填", "This field is required"),
        ({"must_see": ["no-such-spot"]}, "must_see", "未找到地点", "Unknown place"),
        ({"start": "大同", "days": "1", "max_drive_hours": "1", "must_see": ["hukou-waterfall-of-the-yellow-river"]},
         "must_see", "无法安排可行的行程", "No feasible trip"),
    ],
)  # fmt: skip
def test_form_errors_are_shown_next_to_their_field(app_client: TestClient, overrides, field, zh, en):
    for lang, text in (("zh", zh), ("en", en)):
        response = app_client.post(f"/trips?lang={lang}", data=_form(**overrides))
        assert response.status_code == 422
        doc = lxml.html.fromstring(response.text)
        box = doc.get_element_by_id(f"err-{field}")
        assert text in box.text_content(), (lang, box.text_content())
        assert box.get("hidden") is None
        assert doc.get_element_by_id("err-__all__").get("hidden") is None
        control = doc.xpath(f"//*[@name='{field}']")[0]
        assert control.get("aria-invalid") == "true"
        # the submitted values are kept
        assert doc.get_element_by_id("start").get("value") == _form(**overrides)["start"]
        answer = app_client.post(f"/trips?lang={lang}", data=_form(**overrides), headers={"Accept": "application/json"})
        assert answer.status_code == 422 and text in answer.json()["errors"][field]


def test_trip_page(app_client: TestClient, planned_trip: dict[str, Any]):
    tid = planned_trip["id"]
    html = app_client.get(f"/trips/{tid}").text
    doc = lxml.html.fromstring(html)
    assert doc.findtext(".//h1") == planned_trip["title"]
    sections = doc.xpath("//section[@class='day']")
    assert len(sections) == len(planned_trip["days"])
    for section, day in zip(sections, planned_trip["days"], strict=True):
        text = section.text_content()
        assert f"第{day['index']}天" in text and day["date"] in text
        for stop in day["stops"]:
            assert stop["name_zh"] in text and stop["arrive"] in text
        if day["overnight"]:
            assert day["overnight"]["name_zh"] in text and "估计" in text
        assert len(section.xpath(".//li[@class='tl-drive']")) == len(day["legs"])
    stops = planned_trip["totals"]["spots"]
    assert html.count('"className": "stop-marker day-') == stops
    for day in planned_trip["days"]:
        assert html.count(f'"className": "trip-leg day-{day["index"]}"') == len(day["legs"])
    assert html.count('"className": "overnight-marker"') == sum(1 for d in planned_trip["days"] if d["overnight"])
    exports = doc.xpath("//a[@data-export]/@href")
    assert [e.split("?")[0] for e in exports] == [
        f"/api/itineraries/{tid}.{f}" for f in ("gpx", "kml", "ics", "geojson")
    ]
    assert doc.xpath(f"//a[@href='/trips/{tid}/print']")
    assert "OpenStreetMap" in html and "L.control.scale()" in html
    for name in ("黄河一号旅游公路", "长城一号旅游公路", "太行一号旅游公路"):
        assert _in_page(name, html)  # toggleable road layers and legend
    english = app_client.get(f"/trips/{tid}", params={"lang": "en"}).text
    assert "Day 1" in english and "estimate" in english and "Export" in english


def test_print_sheet(app_client: TestClient, planned_trip: dict[str, Any]):
    html = app_client.get(f"/trips/{planned_trip['id']}/print").text
    doc = lxml.html.fromstring(html)
    assert "leaflet" not in html.lower()
    assert len(doc.xpath("//section[@class='sheet-day']")) == len(planned_trip["days"])
    assert len(doc.xpath("//tr[@class='visit']")) == planned_trip["totals"]["spots"]
    assert "@media print" in Path(REPO / "static" / "css" / "app.css").read_text(encoding="utf-8")


def test_unknown_trip_is_a_404_page(app_client: TestClient):
    for path in ("/trips/000000000000", "/trips/000000000000/print"):
        response = app_client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        assert "页面不存在" in response.text and "000000000000" in response.text
    assert "Page not found" in app_client.get("/trips/x", params={"lang": "en"}).text


def test_layers_map_page(app_client: TestClient):
    html = app_client.get("/map").text
    for layer in (
        "5A 景区",
        "住宿（床位）",
        "全国重点文物保护单位",
        "省市边界",
        "路网（自有数据）",
        "黄河一号旅游公路",
    ):
        assert _in_page(layer, html), layer
    assert "L.control.layers" in html
    doc = lxml.html.fromstring(html)
    assert len(doc.xpath("//select[@id='theme-filter']/option")) == 10


def _cell_numbers(row: Any) -> list[str]:
    return [td.text_content().strip() for td in row.xpath("./td")]


def _num(x: float | None, digits: int = 1) -> str:
    return "–" if x is None else f"{x:,.{digits}f}"


def test_coverage_page_agrees_with_the_api(app_client: TestClient):
    api = app_client.post("/api/coverage")
    assert api.status_code == 200
    report = api.json()
    assert report["synthetic_inventory"] is True
    with SAMPLE_FILE.open("rb") as fh:
        uploaded = app_client.post("/api/coverage", files={"file": ("signs.csv", fh, "text/csv")}).json()
    assert uploaded["roads"] == report["roads"]
    html = app_client.get("/bureau/coverage").text
    doc = lxml.html.fromstring(html)
    banner = doc.get_element_by_id("synthetic-banner")
    assert "SYNTHETIC" in banner.text_content() and "合成" in banner.text_content()
    rows = {r.get("data-road"): r for r in doc.xpath("//table[@id='coverage-roads']/tbody/tr")}
    assert set(rows) == {r["road_id"] for r in report["roads"]} | {"all"}
    for road in report["roads"]:
        cells = _cell_numbers(rows[road["road_id"]])
        assert cells[2] == _num(road["length_km"])
        assert cells[3] == _num(road["covered_km"])
        assert cells[4] == f"{road['coverage_pct']:.1f} %"
        assert cells[6] == f"{len(road['gaps'])} ({_num(road['gaps_km'])})"
        assert cells[7] == str(road["signs_matched"])
        assert cells[10] == str(road["spots_without_approach_sign"])
        gap_rows = doc.xpath(f"//table[@class='coverage-gaps'][@data-road='{road['road_id']}']/tbody/tr")
        assert [_cell_numbers(r)[2] for r in gap_rows] == [_num(g["km"]) for g in road["gaps"]]
    total = _cell_numbers(rows["all"])
    assert total[1] == _num(report["totals"]["length_km"]) and total[2] == _num(report["totals"]["covered_km"])
    spots = doc.xpath("//table[@id='coverage-spots']/tbody/tr/@data-spot")
    assert spots == [s["spot_id"] for s in report["spots_without_approach_sign"]]
    assert len(doc.xpath("//table[@id='coverage-unmatched']/tbody/tr")) == len(report["unmatched_signs"])
    assert html.count('"className": "gap"') == sum(len(r["gaps"]) for r in report["roads"])
    assert html.count('"className": "spot-flag"') == len(report["spots_without_approach_sign"])


def test_coverage_options_and_bad_files(app_client: TestClient):
    one = app_client.post("/api/coverage", data={"road": ["taihang"], "gap_km": "3", "reach_km": "2"}).json()
    assert [r["road_id"] for r in one["roads"]] == ["taihang"]
    assert one["parameters"]["gap_km"] == 3.0 and one["parameters"]["reach_km"] == 2.0
    assert app_client.post("/api/coverage", data={"gap_km": "-1"}).status_code == 422
    bad = b"id,lat,lon,kind\ns1,91.5,112.0,guide\ns2,37.0,abc,guide\n"
    response = app_client.post("/api/coverage", files={"file": ("bad.csv", bad, "text/csv")})
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", "file"] and len(detail["rows"]) >= 2
    page = app_client.post("/bureau/coverage", files={"file": ("bad.csv", bad, "text/csv")})
    assert page.status_code == 422
    assert "标识文件无效" in page.text and "bad.csv" in page.text
    good = app_client.post("/bureau/coverage", files={"file": ("mine.csv", SAMPLE_FILE.read_bytes(), "text/csv")})
    assert good.status_code == 200 and "file mine.csv" in good.text


def test_tiles_can_be_switched_off(built_data_dir: Path, planned_trip: dict[str, Any], monkeypatch):
    from app.main import create_app
    from gis_data.settings import get_settings

    monkeypatch.setenv("JINLV_TILES", "none")
    get_settings.cache_clear()
    try:
        with TestClient(create_app()) as client:
            for path in (f"/trips/{planned_trip['id']}", "/map", "/bureau/coverage"):
                html = client.get(path).text
                assert "tile.openstreetmap.org" not in html and "L.tileLayer" not in html
                assert '"tiles": null' in html  # the basemap script shows the road network at once
                assert "OpenStreetMap" in html  # credited by the basemap script
    finally:
        monkeypatch.delenv("JINLV_TILES")
        get_settings.cache_clear()


def test_default_tiles_are_osm_with_attribution(app_client: TestClient, planned_trip: dict[str, Any]):
    html = app_client.get(f"/trips/{planned_trip['id']}").text
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in html
    assert "openstreetmap.org/copyright" in html


def test_trips_index_redirects_to_the_planner(app_client: TestClient):
    response = app_client.get("/trips", params={"lang": "en"}, follow_redirects=False)
    assert response.status_code == 307 and response.headers["location"] == "/?lang=en"
    # the language switch of the form's error page (a POST to /trips) leads back to the planner
    doc = lxml.html.fromstring(app_client.post("/trips", data=_form(days="0")).text)
    target = doc.xpath("//a[@data-lang='en']/@href")[0]
    assert app_client.get(target).status_code == 200
