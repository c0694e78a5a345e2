"""The pages in headless Chromium against the app served in another process. Every request that is
not to that server is blocked and recorded: the pages must work without any (raster tiles, the only
other host a page asks for, fail and the vector basemap takes over)."""

from __future__ import annotations

import json
from typing import Any

import gpxpy
import httpx
import icalendar
import pytest
from lxml import etree

from tests.app.conftest import TRIP_START, OfflinePage

pytestmark = pytest.mark.browser
TILE_HOSTS = {"tile.openstreetmap.org"}
TIMEOUT = 60_000


def _assert_offline_ok(page: OfflinePage) -> None:
    assert page.blocked_hosts() <= TILE_HOSTS, page.blocked_hosts()
    assert page.errors == []


def _wait_for_map(page: Any) -> None:
    page.wait_for_function("window.jinlvMap !== undefined && window.L !== undefined", timeout=TIMEOUT)


def test_plan_a_trip_in_the_browser(offline_page: OfflinePage, live_server: str, tmp_path):
    page = offline_page.page
    page.goto(f"{live_server}/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.fill("#start", "太原")
    page.fill("#start_date", TRIP_START)
    page.fill("#days", "2")
    page.check("input[name=themes][value=buddhist]")
    page.fill(".picker-search", "平遥")
    page.locator(".picker-list li[data-id=pingyao-ancient-city]").click()
    assert page.locator(".chips .chip").count() == 1
    page.click("#plan-button")
    assert page.locator("#progress").is_visible() or "/trips/" in page.url
    page.wait_for_function(
        "location.pathname.startsWith('/trips/') || !document.getElementById('err-__all__').hidden", timeout=TIMEOUT
    )
    if "/trips/" not in page.url:
        pytest.fail("planning failed: " + page.locator(".field-error:visible, .form-error").all_inner_texts().__str__())
    page.wait_for_load_state("load")
    trip_id = page.url.rsplit("/", 1)[1]
    trip = httpx.get(f"{live_server}/api/itineraries/{trip_id}", timeout=30).json()
    assert trip["request"]["must_see"] == ["pingyao-ancient-city"]
    assert any(s["place_id"] == "pingyao-ancient-city" for d in trip["days"] for s in d["stops"])

    _wait_for_map(page)
    stops = sum(len(d["stops"]) for d in trip["days"])
    assert page.locator(".leaflet-marker-icon.stop-marker").count() == stops
    assert page.locator(".leaflet-marker-icon.stop-marker .pin").all_inner_texts() == [
        str(n) for n in range(1, stops + 1)
    ]
    colours = {}
    for day in trip["days"]:
        lines = page.locator(f"path.trip-leg.day-{day['index']}")
        assert lines.count() == len(day["legs"])
        colours[day["index"]] = {lines.nth(i).get_attribute("stroke") for i in range(lines.count())}
        assert len(colours[day["index"]]) == 1
    assert len({c for cs in colours.values() for c in cs}) == len(trip["days"])  # one colour per day
    assert page.locator(".leaflet-marker-icon.overnight-marker").count() == 1
    assert page.locator(".leaflet-control-scale").count() == 1
    assert "OpenStreetMap" in page.locator(".leaflet-control-attribution").inner_text()
    assert page.locator(".leaflet-control-layers").count() == 1
    page.wait_for_selector(".leaflet-basemap-pane path", state="attached", timeout=TIMEOUT)  # tiles are blocked

    # the schedule opens a stop's popup on the map
    page.locator("button.stop-name").first.click()
    page.wait_for_selector(".leaflet-popup-content .popup", timeout=TIMEOUT)

    page.click("a[data-lang=en]")
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Day 1" in page.locator("#trip-panel").inner_text()
    _wait_for_map(page)

    page.click(".export-menu summary")
    files = {}
    for fmt in ("gpx", "kml", "ics", "geojson"):
        with page.expect_download() as download:
            page.click(f"a[data-export={fmt}]")
        assert download.value.suggested_filename == f"jinlv-{trip_id}.{fmt}"
        path = tmp_path / download.value.suggested_filename
        download.value.save_as(path)
        files[fmt] = path.read_bytes()
    gpx = gpxpy.parse(files["gpx"].decode())
    assert len([w for w in gpx.waypoints if w.type == "stop"]) == stops
    assert gpx.waypoints[0].name.startswith("Day 1")  # English names
    assert len(etree.fromstring(files["kml"]).findall(".//{http://www.opengis.net/kml/2.2}Folder")) == 2
    assert len(icalendar.Calendar.from_ical(files["ics"]).walk("VEVENT")) == stops + sum(
        len(d["legs"]) for d in trip["days"]
    )
    assert json.loads(files["geojson"])["id"] == trip_id

    page.click("a[data-action=print]")
    page.wait_for_url(f"{live_server}/trips/{trip_id}/print")
    assert page.locator("section.sheet-day").count() == 2
    _assert_offline_ok(offline_page)


def test_form_errors_in_the_browser(offline_page: OfflinePage, live_server: str):
    page = offline_page.page
    page.goto(f"{live_server}/?lang=en")
    page.fill("#days", "20")
    page.fill("#start", "太原")
    page.click("#plan-button")
    assert page.evaluate("document.getElementById('days').validity.rangeOverflow") is True
    assert page.url == f"{live_server}/?lang=en"  # the browser kept the form (HTML5 constraint)
    page.fill("#days", "2")
    page.fill("#start", "Atlantis City")
    page.click("#plan-button")
    error = page.locator("#err-start")
    error.wait_for(state="visible", timeout=TIMEOUT)
    assert "Unknown place “Atlantis City”" in error.inner_text()
    assert page.locator("#start").get_attribute("aria-invalid") == "true"
    assert page.url == f"{live_server}/?lang=en"
    _assert_offline_ok(offline_page)


def test_layers_map(offline_page: OfflinePage, live_server: str):
    page = offline_page.page
    page.goto(f"{live_server}/map")
    _wait_for_map(page)
    located = [s for s in httpx.get(f"{live_server}/api/spots", timeout=30).json() if s["routable"]]
    spots = page.locator("path.spot")
    assert spots.count() == len(located)
    assert page.locator("path.lodging").count() >= 117
    assert page.locator("path.tourist-road").count() == 3
    page.wait_for_selector(".leaflet-basemap-pane path", state="attached", timeout=TIMEOUT)
    visible = (
        "Array.from(document.querySelectorAll('path.spot')).filter(p => getComputedStyle(p).display !== 'none').length"
    )
    page.select_option("#theme-filter", "buddhist")
    buddhist = [s for s in located if "buddhist" in s["theme_ids"]]
    assert page.evaluate(visible) == len(buddhist) > 0
    page.select_option("#theme-filter", "")
    assert page.evaluate(visible) == len(located)
    labels = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    assert any("5A" in label for label in labels) and any("住宿" in label for label in labels)
    _assert_offline_ok(offline_page)


def test_coverage_page(offline_page: OfflinePage, live_server: str):
    report = httpx.post(f"{live_server}/api/coverage", timeout=60).json()
    page = offline_page.page
    page.goto(f"{live_server}/bureau/coverage")
    banner = page.locator("#synthetic-banner")
    assert banner.is_visible() and "SYNTHETIC" in banner.inner_text()
    _wait_for_map(page)
    for road in report["roads"]:
        cells = page.locator(f"#coverage-roads tr[data-road={road['road_id']}] td").all_inner_texts()
        assert cells[3] == f"{road['covered_km']:,.1f}"
        assert cells[4] == f"{road['coverage_pct']:.1f} %"
        assert cells[7] == str(road["signs_matched"])
    assert page.locator("path.gap").count() == sum(len(r["gaps"]) for r in report["roads"])
    assert page.locator(".leaflet-marker-icon.spot-flag").count() == len(report["spots_without_approach_sign"])
    assert page.locator("path.covered").count() == len(report["roads"])
    _assert_offline_ok(offline_page)
