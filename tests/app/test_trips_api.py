"""``POST /api/itineraries`` with the real planner: the itinerary, its saving, reuse, errors naming
the field, and persistence across app instances and processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.app.conftest import TRIP_REQUEST, TRIP_START
from tests.conftest import REPO, clear_caches


def _minutes(hhmm: str) -> int:
    hh, mm = hhmm.split(":")
    return int(hh) * 60 + int(mm)


def test_planned_trip_is_a_saved_itinerary(planned_trip: dict[str, Any]):
    trip = planned_trip
    assert len(trip["id"]) == 12
    assert trip["title"].startswith("太原市 · 3 日")
    assert trip["links"]["page"].endswith(f"/trips/{trip['id']}")
    assert trip["request"]["start"] == "太原" and trip["request"]["themes"] == {"ancient_architecture": 1.0}
    assert [d["date"] for d in trip["days"]] == [
        (date.fromisoformat(TRIP_START) + timedelta(days=i)).isoformat() for i in range(3)
    ]
    assert trip["totals"]["spots"] == sum(len(d["stops"]) for d in trip["days"]) > 0
    assert "OpenStreetMap" in trip["attribution"]
    for day in trip["days"][:-1]:
        assert day["overnight"]["beds"] >= 2
        assert day["overnight"]["beds_estimated"] is True
    assert trip["days"][-1]["end"]["id"] == trip["days"][0]["start"]["id"]  # back to the start
    km = 0.0
    for day in trip["days"]:
        assert len(day["legs"]) == len(day["stops"]) + 1
        assert day["drive_minutes"] <= 4 * 60 + 1e-6
        clock = _minutes(day["start"]["time"])
        for leg, stop in zip(day["legs"], day["stops"], strict=False):
            assert leg["to_id"] == stop["place_id"]
            assert len(trip["geometries"][leg["geometry_ref"]]) >= 2
            assert _minutes(stop["arrive"]) >= clock
            assert _minutes(stop["start"]) >= _minutes(stop["arrive"])
            assert _minutes(stop["depart"]) - _minutes(stop["start"]) == stop["visit_minutes"]
            clock = _minutes(stop["depart"])
        assert _minutes(day["ends_at"]) <= _minutes("19:00")
        km += day["drive_km"]
    assert trip["totals"]["km"] == pytest.approx(km, abs=0.2)


def test_identical_request_reuses_the_saved_plan(app_client: TestClient, planned_trip: dict[str, Any]):
    # Other tests import and roll back data, which (rightly) invalidates earlier plans: plan now, then repeat.
    first = app_client.post("/api/itineraries", json=TRIP_REQUEST)
    assert first.status_code in (200, 201)
    again = app_client.post("/api/itineraries", json=TRIP_REQUEST)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["location"].endswith(f"/api/itineraries/{first.json()['id']}")


def test_get_itinerary_returns_what_was_planned(app_client: TestClient, planned_trip: dict[str, Any]):
    fetched = app_client.get(f"/api/itineraries/{planned_trip['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == planned_trip


def test_a_new_plan_is_created_with_201(app_client: TestClient):
    body = {"start": "平遥古城", "days": 1, "start_date": TRIP_START, "pace": "relaxed"}
    response = app_client.post("/api/itineraries", json=body)
    assert response.status_code == 201, response.text
    trip = response.json()
    assert len(trip["days"]) == 1 and trip["days"][0]["overnight"] is None
    assert response.headers["location"] == trip["links"]["self"]


@pytest.mark.parametrize(
    ("body", "loc", "kind"),
    [
        ({"start": "太原", "days": 0}, ["body", "days"], "greater_than_equal"),
        ({"start": "太原", "days": 15}, ["body", "days"], "less_than_equal"),
        ({"start": "太原", "themes": ["dinosaurs"]}, ["body", "themes"], "value_error"),
        ({"start": "太原", "start_date": "2025-13-40"}, ["body", "start_date"], None),
        ({"start": "太原", "day_start": "8am"}, ["body", "day_start"], "value_error"),
        ({"start": ""}, ["body", "start"], "string_too_short"),
        ({"days": 2}, ["body", "start"], "missing"),
        ({"start": "Atlantis City"}, ["body", "start"], "unknown_place"),
        ({"start": "太原", "end": "Atlantis City"}, ["body", "end"], "unknown_place"),
        ({"start": "太原", "must_see": ["云冈石窟", "no such spot"]}, ["body", "must_see", 1], "unknown_place"),
        ({"start": "太原", "must_see": ["榆次常家庄园"]}, ["body", "must_see", 0], "unroutable_place"),
    ],
)
def test_bad_requests_are_422_naming_the_field(app_client: TestClient, body, loc, kind):
    response = app_client.post("/api/itineraries", json={"start_date": TRIP_START, **body})
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert any(d["loc"] == loc and (kind is None or d["type"] == kind) for d in detail), detail
    assert "Traceback" not in response.text


def test_infeasible_must_see_is_422_on_must_see_with_reasons(app_client: TestClient):
    body = {"start": "大同", "days": 1, "max_drive_hours": 1, "must_see": ["壶口瀑布"], "start_date": TRIP_START}
    response = app_client.post("/api/itineraries", json=body)
    assert response.status_code == 422, response.text
    payload = response.json()
    assert payload["detail"][0]["loc"] == ["body", "must_see", 0]
    assert payload["detail"][0]["type"] == "infeasible_trip"
    assert any("壶口" in reason for reason in payload["reasons"])
    assert not any(reason.startswith("mandatory POI") for reason in payload["reasons"])


def test_must_see_closed_to_visitors_names_must_see(app_client: TestClient):
    # a national heritage site the data do not show as open to visitors
    body = {"start": "太原", "days": 1, "must_see": ["nh224"], "start_date": TRIP_START}
    response = app_client.post("/api/itineraries", json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "must_see", 0]


def test_unknown_ids_are_404(app_client: TestClient):
    for suffix in ("", ".gpx", ".kml", ".ics", ".geojson"):
        assert app_client.get(f"/api/itineraries/0000000000ff{suffix}").status_code == 404


def test_saved_trips_survive_a_new_app_instance(built_data_dir: Path, planned_trip: dict[str, Any]):
    from app.main import create_app

    clear_caches()
    with TestClient(create_app()) as fresh:
        assert fresh.get(f"/api/itineraries/{planned_trip['id']}").json()["days"] == planned_trip["days"]


def test_saved_trips_survive_in_another_process(built_data_dir: Path, live_server: str, planned_trip: dict[str, Any]):
    fetched = httpx.get(f"{live_server}/api/itineraries/{planned_trip['id']}", timeout=30)
    assert fetched.status_code == 200
    assert fetched.json()["days"] == planned_trip["days"]
    code = (
        "import json; from fastapi.testclient import TestClient; from app.main import create_app; "
        f"r = TestClient(create_app()).get('/api/itineraries/{planned_trip['id']}'); "
        "print(r.status_code, json.dumps(r.json()['totals'], sort_keys=True))"
    )
    env = os.environ | {"JINLV_DATA_DIR": str(built_data_dir), "PYTHONPATH": str(REPO)}
    out = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    status, totals = out.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "200" and json.loads(totals) == planned_trip["totals"]
