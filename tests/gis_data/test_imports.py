"""Bureau imports: all-or-nothing, per-row reports, batches and rollback, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from gis_data import models
from gis_data.check import lodging_beds
from gis_data.db import session_scope
from gis_data.importers import ImportError_, import_file, list_batches, rollback_batch
from tests.conftest import dump_tables

GOOD_SPOTS = (
    "id,name_zh,name_en,grade,city,county,lat,lon,themes,visit_minutes,ticket_cny,open_time,close_time,source\n"
    "new-temple,新寺,New Temple,4A,太原市,晋源区,37.72,112.47,ancient_architecture,90,30,08:00,17:00,bureau 2026\n"
    "yungang-grottoes,云冈石窟,Yungang Grottoes,5A,大同市,云冈区,40.111814,113.130675,buddhist_grottoes_temples,"
    "240,125,08:30,17:30,bureau 2026\n"
)


def _import(engine, layer, text, filename="f.csv"):
    return import_file(engine, layer, text.encode(), filename=filename, actor="test")


@pytest.mark.parametrize(
    ("body", "field", "value", "message"),
    [
        ("bad,坏,Bad,4A,太原市,,37.7,abc,,,,,,\n", "lon", "abc", "expected a number"),
        ("bad,坏,Bad,4A,太原市,,95.0,112.5,,,,,,\n", "lat", "95.0", "at most 90"),
        ("bad,坏,Bad,4A,太原市,,38.04,114.51,,,,,,\n", "lat,lon", "38.04,114.51", "in 河北省"),
        ("bad,坏,Bad,4A,太原市,,37.7,112.5,,abc,,,,\n", "visit_minutes", "abc", "expected a number"),
        ("bad,坏,Bad,9A,太原市,,37.7,112.5,,,,,,\n", "grade", "9A", "must be one of"),
        ("bad,坏,Bad,4A,太原市,,40.11,113.13,,,,,,\n", "city", "太原市", "lies in 大同市"),
        ("bad,,Bad,4A,太原市,,37.7,112.5,,,,,,\n", "name_zh", "", "required"),
    ],
)
def test_malformed_spot_import_writes_nothing(loaded_engine, body, field, value, message):
    header = (
        "id,name_zh,name_en,grade,city,county,lat,lon,themes,visit_minutes,ticket_cny,open_time,close_time,source\n"
    )
    before = dump_tables(loaded_engine)
    good_row = "fine,好,Fine,4A,太原市,,37.72,112.47,,,,,,\n"
    with pytest.raises(ImportError_) as info:
        _import(loaded_engine, "spots", header + good_row + body)
    errors = info.value.errors
    assert [(e.row, e.field, e.value) for e in errors] == [("line 3", field, value)]
    assert message in errors[0].message
    assert dump_tables(loaded_engine) == before


def test_duplicate_ids_are_reported_per_row(loaded_engine):
    before = dump_tables(loaded_engine)
    text = "id,lat,lon,kind\ns1,37.87,112.56,guide\ns2,37.9,112.6,direction\ns1,38.0,112.9,direction\n"
    with pytest.raises(ImportError_) as info:
        _import(loaded_engine, "signs", text)
    assert [(e.row, e.field, e.value) for e in info.value.errors] == [("line 4", "id", "s1")]
    assert "line 2" in info.value.errors[0].message
    assert dump_tables(loaded_engine) == before


def test_geojson_signs_with_bad_geometry(loaded_engine):
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [112.56, 37.87]},
                "properties": {"id": "g1", "kind": "景区指引标志", "languages": ["zh", "en"]},
            },
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[112, 37], [113, 38]]},
                "properties": {"id": "g2", "kind": "guide"},
            },
        ],
    }
    with pytest.raises(ImportError_) as info:
        _import(loaded_engine, "signs", json.dumps(doc), filename="signs.geojson")
    assert {e.row for e in info.value.errors} == {"feature 1"}
    doc["features"].pop()
    result = _import(loaded_engine, "signs", json.dumps(doc), filename="signs.geojson")
    with session_scope(loaded_engine) as s:
        sign = s.get(models.Sign, "g1")
        assert (sign.kind, sign.languages, sign.batch_id) == ("guide", "zh;en", result.batch_id)


def test_unreadable_files_are_clear_errors(loaded_engine):
    with pytest.raises(ValueError, match="not UTF-8"):
        import_file(loaded_engine, "signs", b"id,lat\n\xff\xfe,1\n", filename="x.csv")
    with pytest.raises(ValueError, match="unsupported file type"):
        import_file(loaded_engine, "signs", b"id", filename="x.xlsx")
    with pytest.raises(ValueError, match="line 2 has 3 cells"):
        import_file(loaded_engine, "signs", b"id,lat\n1,2,3\n", filename="x.csv")
    with pytest.raises(ValueError, match="unknown layer"):
        import_file(loaded_engine, "roads", b"id\n1\n", filename="x.csv")


def test_import_then_rollback_restores_everything(loaded_engine):
    before = dump_tables(loaded_engine)
    result = _import(loaded_engine, "spots", GOOD_SPOTS)
    assert (result.rows, result.inserted, result.replaced) == (2, 1, 1)
    with session_scope(loaded_engine) as s:
        assert s.get(models.Spot, "new-temple").batch_id == result.batch_id
        assert s.get(models.Spot, "yungang-grottoes").ticket_cny == 125
    assert list_batches(loaded_engine)[0]["status"] == "active"
    rollback_batch(loaded_engine, result.batch_id, actor="test")
    after = dump_tables(loaded_engine)
    for table in ("spots", "hotels", "signs", "lodging_places", "heritage_sites"):
        assert after[table] == before[table], table
    assert list_batches(loaded_engine)[0]["status"] == "rolled_back"
    with pytest.raises(ValueError, match="already rolled back"):
        rollback_batch(loaded_engine, result.batch_id)
    with pytest.raises(LookupError, match="no import batch 999"):
        rollback_batch(loaded_engine, 999)
    with session_scope(loaded_engine) as s:
        actions = [a.action for a in s.scalars(select(models.AuditEntry).order_by(models.AuditEntry.id))]
    assert actions == ["import spots", "rollback"]


def test_rollback_refuses_when_a_later_batch_touched_the_rows(loaded_engine):
    first = _import(loaded_engine, "signs", "id,lat,lon,kind\ns1,37.87,112.56,guide\n")
    second = _import(loaded_engine, "signs", "id,lat,lon,kind\ns1,37.88,112.57,direction\n")
    with pytest.raises(ValueError, match=f"later batch\\(es\\) \\[{second.batch_id}\\]"):
        rollback_batch(loaded_engine, first.batch_id)
    rollback_batch(loaded_engine, second.batch_id)
    rollback_batch(loaded_engine, first.batch_id)
    with session_scope(loaded_engine) as s:
        assert s.get(models.Sign, "s1") is None


def test_hotels_replace_the_town_estimate(loaded_engine):
    text = (
        "name,lat,lon,beds,rooms,star,town\n平遥客栈,37.2027,112.1773,40,20,3,平遥县\n平遥酒店,37.20,112.18,160,80,4,\n"
    )
    with session_scope(loaded_engine) as s:
        assert lodging_beds(s)["140728"][1] is True
    _import(loaded_engine, "lodging", text)
    with session_scope(loaded_engine) as s:
        beds, estimated = lodging_beds(s)["140728"]
    assert (beds, estimated) == (200, False)
