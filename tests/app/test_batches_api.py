"""Agency batches through the API and the CLI, on the real planner and data: a 20-request batch
planned in the background while the app keeps answering, its ZIP read back with csv, openpyxl and
gpxpy, 4xx for bad batches, batches that survive a restart, and ``jinlv batch``."""

from __future__ import annotations

import csv
import io
import json
import time
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import gpxpy
import lxml.html
import openpyxl
import pytest
from fastapi.testclient import TestClient

DAY = date.today() + timedelta(days=40)
TIMEOUT = 300


def _day(k: int = 0) -> str:
    return (DAY + timedelta(days=k)).isoformat()


def wait_done(client: TestClient, url: str, *, timeout: float = TIMEOUT) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        status = client.get(url).json()
        seen.append(status["done"])
        if status["status"] in ("done", "error"):
            status["_seen"] = seen
            return status
        time.sleep(0.3)
    pytest.fail(f"batch not finished in {timeout} s: {status}")


TWENTY = (
    "product,theme,start,date,days,group_size,must_see,preset\n"
    + "".join(f"晋商-{k:02d},,,{_day(k % 3)},,{20 + k},,jin_merchant_soul\n" for k in range(1, 5))
    + "".join(f"古建-{k:02d},ancient_architecture,太原,{_day(k)},2,25,pingyao-ancient-city,\n" for k in range(1, 5))
    + "".join(f"佛教-{k:02d},buddhist,大同,{_day(k)},2,30,,\n" for k in range(1, 5))
    + "".join(f"红色-{k:02d},red_tourism,长治,{_day(k)},2,35,,\n" for k in range(1, 4))
    + "".join(f"自然-{k:02d},nature,晋城,{_day(k)},2,15,,\n" for k in range(1, 4))
    + f"黄河-01,yellow_river,临汾,{_day()},2,20,,\n"
    + f"国宝-01,national_treasure,Taiyuan,{_day()},1,10,,\n"
)


@pytest.fixture(scope="module")
def twenty(session_client: TestClient) -> dict[str, Any]:
    """A 20-request batch uploaded as CSV and planned in the background; the app's answer times while
    it ran are kept."""
    response = session_client.post(
        "/api/batches", files={"file": ("agency.csv", TWENTY.encode(), "text/csv")}, params={"lang": "zh"}
    )
    assert response.status_code == 202, response.text
    created = response.json()
    assert response.headers["location"] == created["links"]["self"]
    answers = []
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        t0 = time.perf_counter()
        assert session_client.get("/api/themes").status_code == 200
        answers.append(time.perf_counter() - t0)
        if session_client.get(created["links"]["self"]).json()["status"] in ("done", "error"):
            break
        time.sleep(0.2)
    status = wait_done(session_client, created["links"]["self"])
    zipped = session_client.get(created["links"]["zip"])
    assert zipped.status_code == 200, zipped.text
    return {"created": created, "status": status, "answers": answers, "zip": zipped}


def test_a_twenty_request_batch_gives_every_request_a_status(twenty: dict[str, Any], app_client: TestClient):
    created, status = twenty["created"], twenty["status"]
    assert created["total"] == 20 and created["status"] == "queued"
    assert status["status"] == "done" and status["done"] == status["total"] == 20
    assert status["planned"] + status["failed"] == 20 and status["planned"] >= 18
    assert [it["product"] for it in status["items"]][:2] == ["晋商-01", "晋商-02"]
    for it in status["items"]:
        assert it["status"] in ("planned", "failed")
        if it["status"] == "planned":
            assert it["trip_id"] and it["trip_url"].endswith(f"/trips/{it['trip_id']}")
            assert it["overnights"] is not None and 0 <= it["theme_share"] <= 1
        else:
            assert it["reason"]
    first = status["items"][0]
    assert first["notes"] == [
        "must-see 榆次常家庄园 (chang-family-manor) of preset jin_merchant_soul left out: "
        "it has no coordinates in the data"
    ]
    # every planned request is a normal saved trip with a page titled by its product
    trip = app_client.get(f"/api/itineraries/{first['trip_id']}").json()
    assert trip["title"].startswith("晋商-01 · 太原市") and trip["product"] == "晋商-01"
    assert trip["request"]["group_size"] == 21 and trip["totals"]["theme_share"] == first["theme_share"]
    page = app_client.get(f"/trips/{first['trip_id']}")
    assert page.status_code == 200 and "晋商-01" in page.text


def test_the_app_answers_while_a_batch_runs(twenty: dict[str, Any]):
    answers = twenty["answers"]
    assert len(answers) >= 3
    assert max(answers) < 2.0, answers
    assert len(set(twenty["status"]["_seen"])) >= 1


def _cell(value: Any) -> Any:
    """A CSV or XLSX cell as a comparable value (numbers as floats, empty as "")."""
    if value is None or value == "":
        return ""
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def test_the_zip_opens_in_its_libraries(twenty: dict[str, Any], app_client: TestClient):
    status = twenty["status"]
    response = twenty["zip"]
    assert response.headers["content-type"] == "application/zip"
    assert f"jinlv-batch-{status['id']}.zip" in response.headers["content-disposition"]
    zf = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(zf.namelist())
    planned = [it for it in status["items"] if it["status"] == "planned"]
    assert {"summary.csv", "schedule.csv", "schedule.xlsx"} <= names
    assert len(names) == 3 + 3 * len(planned)

    summary = list(csv.DictReader(io.StringIO(zf.read("summary.csv").decode())))
    assert list(summary[0]) == ["product", "status", "reason"]
    assert [(r["product"], r["status"]) for r in summary] == [(it["product"], it["status"]) for it in status["items"]]

    schedule = list(csv.DictReader(io.StringIO(zf.read("schedule.csv").decode())))
    book = openpyxl.load_workbook(io.BytesIO(zf.read("schedule.xlsx")), read_only=True)
    sheet = list(book["schedule"].iter_rows(values_only=True))
    assert list(sheet[0]) == list(schedule[0])
    assert {"product", "day", "order", "spot", "arrive", "depart", "km", "overnight_town"} <= set(sheet[0])
    assert len(sheet) - 1 == len(schedule) > 20
    for row, xrow in zip(schedule, sheet[1:], strict=True):
        assert [_cell(v) for v in xrow] == [_cell(v) for v in row.values()]
    assert [r[:2] for r in book["summary"].iter_rows(values_only=True)][1:] == [
        (r["product"], r["status"]) for r in summary
    ]

    for it in planned:
        name = it["product"]
        itinerary = json.loads(zf.read(f"{name}/{name}.json"))
        assert itinerary["id"] == it["trip_id"] and itinerary["product"] == name
        visits = sum(len(d["stops"]) for d in itinerary["days"])
        gpx = gpxpy.parse(zf.read(f"{name}/{name}.gpx").decode())
        assert len([w for w in gpx.waypoints if w.type == "stop"]) == visits
        assert gpx.name.startswith(name) and len(gpx.tracks) == len(itinerary["days"])
        rows = [r for r in schedule if r["product"] == name and r["order"] != "0"]
        assert len(rows) == visits
        html = zf.read(f"{name}/{name}.html").decode()
        doc = lxml.html.fromstring(html)
        assert len(doc.xpath("//section[@class='sheet-day']")) == len(itinerary["days"])
        assert name in doc.xpath("//h1")[0].text_content()
        assert not doc.xpath("//link[@rel='stylesheet'] | //script[@src] | //header[@class='topbar']")  # standalone
        assert "<style>" in html and f"/trips/{it['trip_id']}" in html
    # English on request, served from the data directory's cache afterwards
    english = app_client.get(f"/api/batches/{status['id']}.zip", params={"lang": "en"})
    zf_en = zipfile.ZipFile(io.BytesIO(english.content))
    name = planned[0]["product"]
    assert "Day 1" in zf_en.read(f"{name}/{name}.html").decode()
    assert app_client.get(f"/api/batches/{status['id']}.zip", params={"lang": "en"}).content == english.content


def test_json_batch_and_preset(app_client: TestClient):
    body = [
        {"product": "line-1", "preset": "red_imprint", "start_date": _day(), "group_size": 12, "days": 2},
        {"product": "theme-1", "start": "大同", "days": 1, "themes": ["great_wall"], "start_date": _day()},
    ]
    response = app_client.post("/api/batches", json=body, params={"lang": "en"})
    assert response.status_code == 202, response.text
    status = wait_done(app_client, response.json()["links"]["self"])
    assert [it["status"] for it in status["items"]] == ["planned", "planned"]
    assert status["language"] == "en" and status["source"] == "json"
    assert status["items"][0]["themes"] == ["red_tourism"] and status["items"][0]["days"] == 2
    assert len(status["items"][0]["notes"]) == 2  # 黄崖洞 and 麻田 have no coordinates
    trip = app_client.get(f"/api/itineraries/{status['items'][0]['trip_id']}").json()
    assert trip["title"].startswith("line-1 · Taiyuan")


def _detail(response) -> list[dict[str, Any]]:
    assert response.status_code == 422, response.text
    return response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "loc", "message"),
    [
        ([{"product": "a", "start": "太原", "themes": ["nope"], "start_date": _day()}], ["body", 0, "themes"],
         "unknown theme 'nope'"),
        ([{"product": "a", "start": "太原", "start_date": "2020-01-01"}], ["body", 0, "start_date"], "out of range"),
        ([{"product": "a", "start": "太原", "start_date": "2026-13-45"}], ["body", 0, "start_date"], "valid date"),
        ([{"product": "a", "start": "太原"}, {"product": "a", "start": "大同"}], ["body", 1, "product"],
         "'a' is used twice (item 0 and item 1)"),
        ([{"product": "a", "start": "Atlantis City"}], ["body", 0, "start"], "Atlantis City"),
        ([{"product": "a", "start": "太原", "must_see": ["no-such-spot"]}], ["body", 0, "must_see", 0],
         "no-such-spot"),
        ([{"product": "a", "preset": "no_such_line"}], ["body", 0, "preset"], "unknown preset 'no_such_line'"),
        ([{"start": "太原"}], ["body", 0, "product"], "must be 1-80"),
        ([{"product": f"p{k}", "start": "太原"} for k in range(201)], ["body"], "more than the limit of 200"),
        ({"product": "a"}, ["body"], "expected a JSON list"),
        ([], ["body"], "empty"),
    ],
)  # fmt: skip
def test_bad_json_batches_are_4xx_naming_the_item_field_and_value(app_client, body, loc, message):
    detail = _detail(app_client.post("/api/batches", json=body))
    assert any(d["loc"] == loc and message in d["msg"] for d in detail), detail


@pytest.mark.parametrize(
    ("file", "status_code", "message"),
    [
        (("agency.png", b"\x89PNG\r\n\x1a\n", "image/png"), 415, "not a CSV file"),
        (("agency.csv", b"\x89PNG\r\n\x1a\n\x00\x00\xff", "text/csv"), 422, "not a UTF-8 text"),
        (("agency.csv", b"product,theme\nx,nature\n", "text/csv"), 422, "missing column(s) start, date"),
        (("agency.csv", f"product,theme,start,date,days,group_size\nx,nope,太原,{_day()},2,30\n".encode(), "text/csv"),
         422, "line 2 (x): theme: unknown theme 'nope'"),
        (("agency.csv", "product,theme,start,date,days,group_size\nx,nature,太原,31.12.2026,2,30\n".encode(),
          "text/csv"), 422, "line 2 (x): date:"),
        (("agency.csv", b"product,theme,start,date,days,group_size\n"
          + "".join(f"p{k},nature,太原,{_day()},2,30\n" for k in range(201)).encode(), "text/csv"), 422,
         "more than 200 requests"),
    ],
)  # fmt: skip
def test_bad_csv_batches_are_4xx(app_client, file, status_code, message):
    response = app_client.post("/api/batches", files={"file": file})
    assert response.status_code == status_code, response.text
    assert message in json.dumps(response.json(), ensure_ascii=False)


def test_other_bad_requests(app_client: TestClient):
    assert (
        app_client.post("/api/batches", content=b"[{", headers={"content-type": "application/json"}).status_code == 400
    )
    response = app_client.post("/api/batches", content=b"x", headers={"content-type": "application/xml"})
    assert response.status_code == 415 and "unsupported content type" in response.json()["detail"]
    no_file = app_client.post("/api/batches", files={"other": ("a.csv", b"x", "text/csv")})
    assert _detail(no_file)[0]["loc"] == ["body", "file"]
    assert app_client.get("/api/batches/nope").status_code == 404
    assert app_client.get("/api/batches/nope.zip").status_code == 404
    big = b"[" + b" " * (3 * 1024 * 1024) + b"]"
    assert app_client.post("/api/batches", content=big, headers={"content-type": "application/json"}).status_code == 413


def _insert_batch(engine, batch_id: str, items: list[dict[str, Any]], **fields: Any) -> None:
    from gis_data import models
    from gis_data.db import session_scope

    with session_scope(engine) as session:
        values = {"source": "json", "total": len(items), "status": "running"} | fields
        session.add(models.AgencyBatch(id=batch_id, **values))
        session.flush()
        for k, item in enumerate(items):
            session.add(models.AgencyBatchItem(batch_id=batch_id, position=k, row=f"item {k}", **item))


def test_zip_of_a_running_batch_is_409(app_client: TestClient):
    from gis_data.db import get_engine

    now = datetime.now(UTC)
    request = {"start": "太原", "start_date": _day(), "days": 2}
    _insert_batch(get_engine(), "busy0001", [{"product": "p", "request": request}], worker="another", heartbeat_at=now)
    response = app_client.get("/api/batches/busy0001.zip")
    assert response.status_code == 409 and "0 of 1 planned so far" in response.json()["detail"]
    assert app_client.get("/api/batches/busy0001").json()["status"] == "running"  # not taken over: alive
    from gis_data import models
    from gis_data.db import session_scope

    with session_scope(get_engine()) as session:  # leave nothing for the worker to take over later
        session.get(models.AgencyBatch, "busy0001").status = "error"


def test_a_batch_interrupted_by_a_restart_is_resumed_with_its_beds(app_client: TestClient):
    """Six groups of 500 in 大宁县 (2,476 beds, half an hour's driving a day: no other town): planned
    in one go, four fit. The same batch stopped after two groups (a worker that died an hour ago)
    is taken up again, books the first two groups' beds first and ends the same way."""
    groups = [
        {"product": f"G{k}", "start": "大宁县", "start_date": _day(), "days": 2, "group_size": 500,
         "max_drive_hours": 0.5}
        for k in range(1, 7)
    ]  # fmt: skip
    response = app_client.post("/api/batches", json=groups)
    whole = wait_done(app_client, response.json()["links"]["self"])
    assert [it["status"] for it in whole["items"]] == ["planned"] * 4 + ["failed"] * 2
    assert "booked by earlier groups of this batch (G1, G2, G3, G4)" in whole["items"][4]["reason"]

    from app.services.batches import worker
    from gis_data.db import get_engine

    stale = datetime.now(UTC) - timedelta(hours=1)
    items = []
    for k, (group, done) in enumerate(zip(groups, whole["items"], strict=True)):
        request = {key: value for key, value in group.items() if key != "product"}
        item: dict[str, Any] = {"product": group["product"], "request": request}
        if k < 2:
            item |= {"status": "planned", "trip_id": done["trip_id"]}
        items.append(item)
    _insert_batch(get_engine(), "resume01", items, worker="dead-worker", heartbeat_at=stale, done=2, planned=2)
    worker().wake()
    resumed = wait_done(app_client, "/api/batches/resume01")
    assert [it["status"] for it in resumed["items"]] == ["planned"] * 4 + ["failed"] * 2
    assert [it["trip_id"] for it in resumed["items"][:2]] == [it["trip_id"] for it in whole["items"][:2]]
    assert resumed["done"] == 6 and resumed["planned"] == 4 and resumed["failed"] == 2


def test_batches_survive_a_new_app(twenty: dict[str, Any], built_data_dir: Path):
    from app.main import create_app

    with TestClient(create_app()) as client:
        status = client.get(twenty["created"]["links"]["self"].replace("http://testserver", "")).json()
    assert status["status"] == "done" and status["done"] == 20


def test_agency_page(app_client: TestClient, twenty: dict[str, Any]):
    html = app_client.get("/agency").text
    doc = lxml.html.fromstring(html)
    assert len(doc.xpath("//select[@name='preset']/option")) == 8
    assert len(doc.xpath("//select[@name='theme']/option")) == 9
    assert "旅行社主题线路批量生成" in html
    batch_id = twenty["status"]["id"]
    doc = lxml.html.fromstring(app_client.get("/agency", params={"batch": batch_id, "lang": "en"}).text)
    rows = doc.xpath("//tbody[@id='batch-items']/tr")
    assert len(rows) == 20 and rows[0].get("data-product") == "晋商-01"
    assert doc.xpath("//a[@id='zip-link']/@href") == [f"/api/batches/{batch_id}.zip?lang=en"]
    assert "There is no batch nope." in app_client.get("/agency", params={"batch": "nope", "lang": "en"}).text


def test_agency_form_without_javascript(app_client: TestClient):
    form = {"mode": "preset", "preset": "jin_merchant_soul", "start_date": _day(3), "group_size": "18", "count": "2",
            "interval_days": "1", "prefix": ""}  # fmt: skip
    response = app_client.post("/agency", data=form, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/agency?batch=")
    batch_id = response.headers["location"].split("batch=")[1].split("&")[0]
    status = wait_done(app_client, f"/api/batches/{batch_id}")
    assert [(it["product"], it["start_date"]) for it in status["items"]] == [
        ("晋商之魂-01", _day(3)),
        ("晋商之魂-02", _day(4)),
    ]
    as_theme = {"mode": "theme", "theme": "nature", "days": "2", "start": "Atlantis City"}
    bad = app_client.post("/agency", data=form | as_theme, params={"lang": "en"})
    assert bad.status_code == 422
    assert "Unknown place" in lxml.html.fromstring(bad.text).get_element_by_id("err-start").text_content()
    bad = app_client.post("/agency?lang=zh", data=form | {"count": "0"}, headers={"accept": "application/json"})
    assert bad.status_code == 422 and bad.json()["errors"] == {"count": "不能小于 1。"}


# -- CLI ------------------------------------------------------------------------------------------


def test_cli_batch_writes_the_files(built_data_dir: Path, tmp_path: Path, capsys):
    from app.cli import main

    source = tmp_path / "agency.csv"
    source.write_text(
        "product,theme,start,date,days,group_size,preset\n"
        f"晋商-01,,,{_day()},,20,jin_merchant_soul\n"
        f"古建-01,ancient_architecture,太原,{_day()},2,30,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert main(["batch", str(source), "--out", str(out), "--zip", "--quiet", "--lang", "en"]) == 0
    assert "2 of 2 requests planned" in capsys.readouterr().out
    assert {p.name for p in out.iterdir()} == {
        "summary.csv", "schedule.csv", "schedule.xlsx", "晋商-01.json", "古建-01.json", "batch.zip"
    }  # fmt: skip
    summary = list(csv.DictReader((out / "summary.csv").open(encoding="utf-8")))
    assert [(r["product"], r["status"]) for r in summary] == [("晋商-01", "planned"), ("古建-01", "planned")]
    book = openpyxl.load_workbook(out / "schedule.xlsx")
    assert book.sheetnames == ["schedule", "summary"]
    names = set(zipfile.ZipFile(out / "batch.zip").namelist())
    assert {"古建-01/古建-01.gpx", "古建-01/古建-01.html", "schedule.xlsx"} <= names
    gpxpy.parse(zipfile.ZipFile(out / "batch.zip").read("古建-01/古建-01.gpx").decode())


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"product,theme\nx,y\n", "missing column(s)"),
        (f"product,theme,start,date,days,group_size\nx,nope,太原,{_day()},2,30\n".encode(), "unknown theme 'nope'"),
        (f"product,theme,start,date,days,group_size\nx,nature,Atlantis City,{_day()},2,30\n".encode(), "Atlantis"),
    ],
)
def test_cli_batch_refuses_bad_files(built_data_dir: Path, tmp_path: Path, capsys, content: bytes, message: str):
    from app.cli import main

    source = tmp_path / "bad.csv"
    source.write_bytes(content)
    assert main(["batch", str(source), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
    assert main(["batch", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "out")]) == 2
