"""Agency batches: reading CSV and JSON batches, and sharing the towns' beds between the groups of a
batch on the real planner and data (no town is ever booked over its beds; groups move or are reported)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import pytest

from itineraries.batch import (
    MAX_BATCH,
    BedLedger,
    parse_batch_csv,
    parse_batch_records,
    run_batch,
    schedule_rows,
)

DAY = (date.today() + timedelta(days=45)).isoformat()
HEADER = "product,theme,start,date,days,group_size"


def _csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


# -- reading --------------------------------------------------------------------------------------


def test_csv_rows_become_requests():
    items = parse_batch_csv(
        _csv(
            f"古建-01,ancient_architecture,太原,{DAY},3,30,pingyao-ancient-city;nh027,relaxed",
            f"红色-01,red_tourism,长治,{DAY},2,40,,",
            header=HEADER + ",must_see,pace",
        )
    )
    assert [i.product for i in items] == ["古建-01", "红色-01"]
    first = items[0].request
    assert first.themes == {"ancient_architecture": 1.0} and first.days == 3 and first.group_size == 30
    assert first.must_see == ("pingyao-ancient-city", "nh027") and first.pace == "relaxed"
    assert items[1].request.must_see == ()


def test_a_preset_fills_the_empty_cells_and_notes_must_see_places_without_coordinates():
    located = {"qiao-family-compound", "pingyao-ancient-city", "wang-family-compound"}
    items = parse_batch_csv(
        _csv(f"晋商-01,,,{DAY},,25,jin_merchant_soul", header=HEADER + ",preset"), routable=located.__contains__
    )
    request = items[0].request
    assert request.start == "太原市" and request.days == 2 and request.themes == {"jin_merchant": 1.0}
    assert set(request.must_see) == located
    assert items[0].notes == (
        "must-see 榆次常家庄园 (chang-family-manor) of preset jin_merchant_soul left out: "
        "it has no coordinates in the data",
    )
    # a value in the row wins over the line's
    (item,) = parse_batch_records(
        [{"product": "x", "preset": "jin_merchant_soul", "days": 3, "start_date": DAY}], routable=located.__contains__
    )
    assert item.request.days == 3


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        (f"a,nope,太原,{DAY},3,30", "theme", "unknown theme 'nope'"),
        ("a,nature,太原,2020-01-01,3,30", "date", "out of range"),
        ("a,nature,太原,31/12/2026,3,30", "date", "valid date"),
        (f"a,nature,太原,{DAY},0,30", "days", "greater than or equal to 1"),
        (f"a,nature,太原,{DAY},3,9999", "group_size", "less than or equal to 500"),
        (f",nature,太原,{DAY},3,30", "product", "must be 1-80"),
        (f"a/b,nature,太原,{DAY},3,30", "product", "must be 1-80"),
    ],
)
def test_invalid_rows_name_their_field_and_value(row: str, field: str, message: str):
    (item,) = parse_batch_csv(_csv(row))
    assert item.request is None
    assert item.field == field and message in item.error and item.row == "line 2"


def test_duplicate_products_are_invalid():
    items = parse_batch_csv(_csv(f"a,nature,太原,{DAY},3,30", f"a,nature,大同,{DAY},3,30"))
    assert items[0].request is not None
    assert items[1].request is None and "used twice (line 2 and line 3)" in items[1].error


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not a UTF-8 text"),
        (b"", "empty file"),
        (b"product,theme\nx,nature\n", "missing column(s) start, date, days, group_size"),
        (_csv(f"a,nature,太原,{DAY},3,30", header=HEADER + ",colour"), "unknown column(s) colour"),
        (_csv(), "no data rows"),
        (_csv(*(f"p{k},nature,太原,{DAY},3,30" for k in range(MAX_BATCH + 1))), f"more than {MAX_BATCH}"),
    ],
)
def test_bad_files_are_refused(data: bytes, message: str):
    with pytest.raises(ValueError, match=r"batch\.csv: ") as exc:
        parse_batch_csv(data)
    assert message in str(exc.value)


def test_json_records():
    items = parse_batch_records(
        [
            {"product": "a", "start": "太原", "start_date": DAY, "themes": ["buddhist"], "group_size": 12},
            {"product": "b", "start": "太原", "start_date": DAY, "colour": "red"},
            {"product": "a", "start": "大同"},
            "not an object",
        ]
    )
    assert items[0].request.themes == {"buddhist": 1.0}
    assert items[1].field == "colour" and "Extra inputs are not permitted" in items[1].error
    assert items[2].field == "product" and "used twice" in items[2].error
    assert items[3].field == "request"
    for bad, message in (({"product": "a"}, "expected a JSON list"), ([], "empty"), ([{}] * 201, "limit of 200")):
        with pytest.raises(ValueError, match=message):
            parse_batch_records(bad)


# -- beds shared between the groups ---------------------------------------------------------------


@pytest.fixture(scope="module")
def planning(built_data_dir) -> dict[str, Any]:
    from gis_data.db import get_engine, session_scope
    from gis_data.settings import get_settings
    from itineraries.catalog import load_catalog
    from routing.store import get_router

    with session_scope(get_engine()) as session:
        catalog = load_catalog(session)
    return {"catalog": catalog, "router": get_router(), "cache_dir": get_settings().cache_dir}


def _groups(n: int, *, start: str, size: int, hours: float) -> list[dict[str, Any]]:
    return [
        {"product": f"G{k + 1:02d}", "start": start, "start_date": DAY, "days": 2, "group_size": size,
         "max_drive_hours": hours}
        for k in range(n)
    ]  # fmt: skip


def _nights(outcomes) -> dict[tuple[str, str], list[tuple[str, int]]]:
    booked = defaultdict(list)
    for o in outcomes:
        if o.itinerary is None:
            continue
        for day in o.itinerary["days"]:
            if day["overnight"]:
                booked[(day["overnight"]["place_id"], day["date"])].append(
                    (o.product, o.itinerary["request"]["group_size"])
                )
    return booked


def _assert_never_overbooked(outcomes, catalog) -> dict[tuple[str, str], list[tuple[str, int]]]:
    beds = {lp.id: lp.beds for lp in catalog.lodging}
    booked = _nights(outcomes)
    for (town, night), groups in booked.items():
        assert sum(size for _, size in groups) <= beds[town], (town, night, groups, beds[town])
    return booked


def test_groups_move_to_another_town_when_the_first_one_is_full(planning):
    """Fourteen groups of 500 leave 大宁县 (临汾) on the same day for two days with at most an hour's
    driving a day: the nearby county towns have 2,476-4,952 estimated beds, so one town cannot hold them
    all and later groups must sleep elsewhere."""
    catalog = planning["catalog"]
    ledger = BedLedger.of(catalog)
    items = parse_batch_records(_groups(14, start="大宁县", size=500, hours=1.0))
    outcomes = run_batch(
        items, catalog, planning["router"], cache_dir=planning["cache_dir"], time_limit=0.3, ledger=ledger
    )
    assert [o.status for o in outcomes] == ["planned"] * 14
    booked = _assert_never_overbooked(outcomes, catalog)
    assert len(booked) >= 2, booked  # the groups had to be spread over towns
    first_town = next(iter(booked))
    assert sum(size for _, size in booked[first_town]) + 500 > ledger.beds[first_town[0]]  # it was full
    for (town, night), groups in booked.items():
        assert ledger.taken[(town, date.fromisoformat(night))] == sum(size for _, size in groups)
        assert ledger.beds_left(town, date.fromisoformat(night)) >= 0


def test_a_group_that_cannot_be_placed_is_reported_with_the_night_and_the_earlier_groups(planning):
    """With half an hour's driving a day the groups can only sleep in 大宁县 itself (2,476 estimated
    beds): four groups of 500 fit, the fifth and later ones are reported."""
    catalog = planning["catalog"]
    items = parse_batch_records(_groups(6, start="大宁县", size=500, hours=0.5))
    outcomes = run_batch(items, catalog, planning["router"], cache_dir=planning["cache_dir"], time_limit=0.3)
    booked = _assert_never_overbooked(outcomes, catalog)
    planned = [o for o in outcomes if o.status == "planned"]
    failed = [o for o in outcomes if o.status == "failed"]
    assert len(planned) == 4 and len(failed) == 2, [(o.product, o.status, o.reason) for o in outcomes]
    assert list(booked) == [(catalog.gazetteer.resolve("大宁县").id, DAY)]
    night = (date.fromisoformat(DAY)).isoformat()
    for o in failed:
        assert f"night 1 ({night}): 大宁县 has 476 of 2,476 beds left" in o.reason, o.reason
        assert "booked by earlier groups of this batch (G01, G02, G03, G04)" in o.reason
        assert o.itinerary is None


def test_the_ledger_refuses_to_overfill():
    ledger = BedLedger({"town": 100})
    itinerary = {"days": [{"date": DAY, "overnight": {"place_id": "town"}}, {"date": DAY, "overnight": None}]}
    ledger.book(itinerary, 60, product="a")
    with pytest.raises(ValueError, match="would overfill it"):
        ledger.book(itinerary, 41, product="b")
    assert ledger.beds_left("town", date.fromisoformat(DAY)) == 40
    assert ledger.guests[("town", date.fromisoformat(DAY))] == [("a", 60)]


def test_schedule_rows():
    itinerary = {
        "days": [
            {
                "index": 1,
                "date": DAY,
                "drive_km": 120.0,
                "legs": [{"to_id": "s1", "km": 50.5}, {"to_id": "t", "km": 69.5}],
                "stops": [
                    {"place_id": "s1", "name_zh": "景点", "name_en": "Spot", "arrive": "09:00", "depart": "11:00"}
                ],
                "overnight": {"name_zh": "平遥县", "name_en": "Pingyao County"},
            },
            {"index": 2, "date": DAY, "drive_km": 80.0, "legs": [], "stops": [], "overnight": None},
        ]
    }
    rows = schedule_rows("P", itinerary)
    assert rows[0] | {} == {
        "product": "P", "day": 1, "date": DAY, "order": 1, "spot": "景点", "spot_en": "Spot", "arrive": "09:00",
        "depart": "11:00", "km": 50.5, "overnight_town": "平遥县", "overnight_town_en": "Pingyao County",
    }  # fmt: skip
    assert rows[1]["order"] == 0 and rows[1]["km"] == 80.0 and rows[1]["overnight_town"] == ""
