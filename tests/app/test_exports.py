"""GPX, KML, iCalendar and GeoJSON exports of a planned trip, parsed back with gpxpy, lxml,
icalendar and json."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import gpxpy
import icalendar
import pytest
from fastapi.testclient import TestClient
from lxml import etree

from itineraries import exports

SHANGHAI = ZoneInfo("Asia/Shanghai")
KML = "{http://www.opengis.net/kml/2.2}"


def _get(client: TestClient, trip: dict[str, Any], fmt: str, **params: str) -> Any:
    response = client.get(f"/api/itineraries/{trip['id']}.{fmt}", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == f'attachment; filename="jinlv-{trip["id"]}.{fmt}"'
    return response


def _local(day: str, hhmm: str) -> datetime:
    hh, mm = map(int, hhmm.split(":"))
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), tzinfo=SHANGHAI) + timedelta(
        hours=hh, minutes=mm
    )


def _stops(trip: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    return [(day, stop) for day in trip["days"] for stop in day["stops"]]


def test_gpx(app_client: TestClient, planned_trip: dict[str, Any]):
    response = _get(app_client, planned_trip, "gpx")
    assert response.headers["content-type"].startswith("application/gpx+xml")
    gpx = gpxpy.parse(response.text)
    assert gpx.version == "1.1"
    assert gpx.name == planned_trip["title"]
    stops = [w for w in gpx.waypoints if w.type == "stop"]
    nights = [w for w in gpx.waypoints if w.type == "overnight"]
    assert len(stops) == len(_stops(planned_trip)) == planned_trip["totals"]["spots"]
    assert len(nights) == sum(1 for d in planned_trip["days"] if d["overnight"])
    for wpt, (day, stop) in zip(stops, _stops(planned_trip), strict=True):
        assert stop["name_zh"] in wpt.name
        assert (wpt.latitude, wpt.longitude) == pytest.approx((stop["lat"], stop["lon"]), abs=1e-6)
        assert wpt.time == _local(day["date"], stop["arrive"]).astimezone(UTC)  # 8 h earlier in UTC
    days_with_legs = [d for d in planned_trip["days"] if d["legs"]]
    assert len(gpx.tracks) == len(days_with_legs)
    assert len(gpx.routes) == len(planned_trip["days"])
    for track, day in zip(gpx.tracks, days_with_legs, strict=True):
        assert track.number == day["index"]
        assert len(track.segments) == len(day["legs"])
        for segment, leg in zip(track.segments, day["legs"], strict=True):
            geometry = planned_trip["geometries"][leg["geometry_ref"]]
            assert len(segment.points) == len(geometry)
            assert (segment.points[0].longitude, segment.points[0].latitude) == pytest.approx(geometry[0], abs=1e-6)
        assert track.length_2d() / 1000 == pytest.approx(day["drive_km"], rel=0.25)
    for route, day in zip(gpx.routes, planned_trip["days"], strict=True):
        assert len(route.points) == len(day["stops"]) + 2


def test_gpx_in_english(app_client: TestClient, planned_trip: dict[str, Any]):
    gpx = gpxpy.parse(_get(app_client, planned_trip, "gpx", lang="en").text)
    first = next(w for w in gpx.waypoints if w.type == "stop")
    _day, stop = _stops(planned_trip)[0]
    assert first.name.startswith("Day 1 1.")
    assert (stop["name_en"] or stop["name_zh"]) in first.name


def test_kml(app_client: TestClient, planned_trip: dict[str, Any]):
    response = _get(app_client, planned_trip, "kml")
    assert response.headers["content-type"].startswith("application/vnd.google-earth.kml+xml")
    root = etree.fromstring(response.content)
    document = root.find(f"{KML}Document")
    folders = document.findall(f"{KML}Folder")
    assert len(folders) == len(planned_trip["days"])
    styles = {s.get("id"): s for s in document.findall(f"{KML}Style")}
    colours = {styles[f"day-{d['index']}"].findtext(f"{KML}LineStyle/{KML}color") for d in planned_trip["days"]}
    assert len(colours) == len(planned_trip["days"])  # a colour per day
    for folder, day in zip(folders, planned_trip["days"], strict=True):
        placemarks = folder.findall(f"{KML}Placemark")
        lines = [p for p in placemarks if p.find(f"{KML}LineString") is not None]
        points = [p for p in placemarks if p.find(f"{KML}Point") is not None]
        assert len(lines) == len(day["legs"])
        assert len(points) == len(day["stops"]) + (1 if day["overnight"] else 0)
        assert all(p.findtext(f"{KML}styleUrl") == f"#day-{day['index']}" for p in lines)
        for line, leg in zip(lines, day["legs"], strict=True):
            coords = line.findtext(f"{KML}LineString/{KML}coordinates").split()
            assert len(coords) == len(planned_trip["geometries"][leg["geometry_ref"]])
        for point, stop in zip(points, day["stops"], strict=False):
            lon, lat = map(float, point.findtext(f"{KML}Point/{KML}coordinates").split(","))
            assert (lat, lon) == pytest.approx((stop["lat"], stop["lon"]), abs=1e-6)
            begin = datetime.fromisoformat(point.findtext(f"{KML}TimeSpan/{KML}begin"))
            assert begin == _local(day["date"], stop["start"])


def test_ics(app_client: TestClient, planned_trip: dict[str, Any]):
    response = _get(app_client, planned_trip, "ics")
    assert response.headers["content-type"].startswith("text/calendar")
    raw = response.content
    assert all(len(line) <= 75 for line in raw.split(b"\r\n")), "content lines are folded at 75 octets"
    calendar = icalendar.Calendar.from_ical(raw)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    timezones = calendar.walk("VTIMEZONE")
    assert [str(tz["TZID"]) for tz in timezones] == ["Asia/Shanghai"]
    events = calendar.walk("VEVENT")
    visits = [e for e in events if str(e["CATEGORIES"].cats[0]) == "VISIT"]
    drives = [e for e in events if str(e["CATEGORIES"].cats[0]) == "DRIVE"]
    assert len(visits) == len(_stops(planned_trip))
    assert len(drives) == sum(len(d["legs"]) for d in planned_trip["days"])
    assert len({str(e["UID"]) for e in events}) == len(events)
    for event, (day, stop) in zip(visits, _stops(planned_trip), strict=True):
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert str(start.tzinfo) == "Asia/Shanghai"
        assert start == _local(day["date"], stop["start"])
        assert start.astimezone(UTC) == _local(day["date"], stop["start"]).astimezone(UTC)
        assert (end - start) == timedelta(minutes=stop["visit_minutes"])
        assert stop["name_zh"] in str(event["SUMMARY"])
        assert event.decoded("DTSTAMP").tzinfo is not None
    first_drive = drives[0]
    day1 = planned_trip["days"][0]
    assert first_drive.decoded("DTSTART") == _local(day1["date"], day1["start"]["time"])
    assert first_drive.decoded("DTEND") == _local(day1["date"], day1["stops"][0]["arrive"])
    again = icalendar.Calendar.from_ical(_get(app_client, planned_trip, "ics").content)
    assert [str(e["UID"]) for e in again.walk("VEVENT")] == [str(e["UID"]) for e in events]  # stable UIDs
    assert [e.decoded("DTSTAMP") for e in again.walk("VEVENT")] == [e.decoded("DTSTAMP") for e in events]


def test_geojson(app_client: TestClient, planned_trip: dict[str, Any]):
    response = _get(app_client, planned_trip, "geojson")
    assert response.headers["content-type"].startswith("application/geo+json")
    collection = json.loads(response.text)
    assert collection["type"] == "FeatureCollection" and collection["id"] == planned_trip["id"]
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for feature in collection["features"]:
        by_kind.setdefault(feature["properties"]["kind"], []).append(feature)
    legs = [leg for day in planned_trip["days"] for leg in day["legs"]]
    assert len(by_kind["leg"]) == len(legs)
    for feature, leg in zip(by_kind["leg"], legs, strict=True):
        assert feature["geometry"]["type"] == "LineString"
        assert feature["geometry"]["coordinates"] == planned_trip["geometries"][leg["geometry_ref"]]
        assert (feature["properties"]["km"], feature["properties"]["minutes"]) == (leg["km"], leg["minutes"])
        assert feature["properties"]["day"] == int(leg["id"][1 : leg["id"].index("l")])
    assert len(by_kind["stop"]) == planned_trip["totals"]["spots"]
    assert all(f["geometry"]["type"] == "Point" for f in by_kind["stop"] + by_kind.get("overnight", []))
    assert len(by_kind.get("overnight", [])) == sum(1 for d in planned_trip["days"] if d["overnight"])
    assert "OpenStreetMap" in collection["attribution"]


def test_export_functions_are_pure_and_localised(planned_trip: dict[str, Any]):
    created = datetime(2025, 5, 1, 4, 0, tzinfo=UTC)
    a = exports.to_ics(planned_trip, created=created, lang="en")
    assert a == exports.to_ics(planned_trip, created=created, lang="en")
    assert "DTSTAMP:20250501T040000Z" in a and "SUMMARY:Visit " in a
    assert exports.to_gpx(planned_trip, created=created) == exports.to_gpx(planned_trip, created=created)
    kml_en = exports.to_kml(planned_trip, lang="en")
    assert "Day 1" in kml_en and "第1天" in exports.to_kml(planned_trip)
    events = exports.timeline(planned_trip)
    assert [e.kind for e in events].count("visit") == planned_trip["totals"]["spots"]
    assert all(e.end >= e.start for e in events)
