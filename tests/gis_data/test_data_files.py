"""Checks of the curated data files in gis_data/data (structure, ids, syntax, provenance)."""

from __future__ import annotations

import csv
import os
import re
from collections import Counter
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "gis_data" / "data"
# the shared fact files the data were built from; optional, the coverage tests skip without them
SHARED_FACTS = Path(os.environ.get("JINLV_SHARED_DATA", "/work/shared/data")) / "facts"

THEME_IDS = {
    "red_tourism",
    "ancient_architecture",
    "jin_merchant",
    "great_wall",
    "yellow_river",
    "taihang",
    "buddhist",
    "nature",
    "national_treasure",
}
KINDS = {
    "ancient_town",
    "village",
    "residence_compound",
    "temple",
    "grottoes",
    "historic_building",
    "museum_memorial",
    "pass_great_wall",
    "mountain_nature",
    "waterscape",
    "park_leisure",
    "archaeological_site",
}
CLOSURE_KINDS = {
    "seasonal",
    "fire_prevention",
    "ice_run",
    "flood",
    "weekly",
    "weather",
    "booking",
    "pricing",
    "access",
    "capacity",
    "maintenance",
}
WEEKDAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}
RELATIONS = {"same_place", "contains", "part_of"}
BOOL = {"true", "false"}
# facts rows / closure rules that could not be mapped to a place id (listed in gis_data/data/README.md)
UNMATCHED_FACTS = {"山西博物院"}
UNMAPPED_RULES = {25}

REQUIRED = {
    "place_facts.csv": [
        "place_id",
        "name_zh",
        "ticket_cny",
        "ticket_basis",
        "open_time",
        "close_time",
        "offpeak_open_time",
        "offpeak_close_time",
        "peak_start",
        "peak_end",
        "last_entry",
        "closed_weekdays",
        "visit_minutes",
        "visit_basis",
        "season_note",
        "booking_note",
        "source_url",
    ],
    "closures.csv": [
        "place_id",
        "kind",
        "start",
        "end",
        "weekdays",
        "hard",
        "recurring",
        "basis",
        "source_url",
        "quote",
    ],
    "heritage_links.csv": ["spot_id", "heritage_id", "relation", "basis"],
    "spot_kinds.csv": ["place_id", "kind", "basis"],
    "visit_defaults.csv": ["grade", "kind", "visit_minutes", "open_time", "close_time", "basis"],
    "themes.csv": [
        "theme_id",
        "name_zh",
        "name_en",
        "description_zh",
        "description_en",
        "includes_heritage",
        "scoring_rule",
        "source",
    ],
    "theme_members.csv": ["theme_id", "place_id", "basis"],
    "theme_presets.csv": [
        "preset_id",
        "name_zh",
        "name_en",
        "theme_id",
        "suggested_days",
        "start_city",
        "end_city",
        "day_start",
        "must_see",
        "source",
    ],
}

HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
MMDD = re.compile(r"^(\d\d)-(\d\d)$")
DAYS_IN_MONTH = {1: 31, 2: 29, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}
# closed_weekdays := DAYS [" except " EXC ("," EXC)*];  DAYS := Day ("," Day)*
# EXC := MM-DD..MM-DD | statutory_holidays | spring_festival
EXC_TOKENS = {"statutory_holidays", "spring_festival"}


def load(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def header(name: str) -> list[str]:
    with open(DATA / name, encoding="utf-8", newline="") as f:
        return next(csv.reader(f))


def is_time(s: str) -> bool:
    return bool(HHMM.match(s))


def is_mmdd(s: str) -> bool:
    m = MMDD.match(s)
    if not m:
        return False
    month, day = int(m.group(1)), int(m.group(2))
    return 1 <= month <= 12 and 1 <= day <= DAYS_IN_MONTH[month]


def minutes(t: str) -> int:
    h, m = t.split(":")
    return int(h) * 60 + int(m)


def urls_ok(cell: str) -> bool:
    parts = [p.strip() for p in cell.split(" ; ")]
    return bool(cell.strip()) and all(p.startswith(("http://", "https://")) for p in parts)


def parse_closed_weekdays(cell: str) -> tuple[set[str], list[str]]:
    days, _, exc = cell.partition(" except ")
    day_set = set(days.split(","))
    assert day_set <= WEEKDAYS, cell
    excs = exc.split(",") if exc else []
    for e in excs:
        if e in EXC_TOKENS:
            continue
        a, sep, b = e.partition("..")
        assert sep and is_mmdd(a) and is_mmdd(b), (cell, e)
    return day_set, excs


@pytest.fixture(scope="module")
def spots() -> dict[str, dict[str, str]]:
    return {r["id"]: r for r in load("scenic_spots.csv")}


@pytest.fixture(scope="module")
def heritage() -> dict[str, dict[str, str]]:
    return {r["id"]: r for r in load("national_heritage_sites.csv")}


@pytest.fixture(scope="module")
def places(spots, heritage) -> set[str]:
    return set(spots) | set(heritage)


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_required_columns(name):
    cols = header(name)
    missing = [c for c in REQUIRED[name] if c not in cols]
    assert not missing, f"{name} lacks {missing}"
    assert len(cols) == len(set(cols)), f"{name} has duplicate columns"
    for row in load(name):
        assert None not in row, f"{name}: row with too many cells: {row}"


def test_base_ids_unique(spots, heritage):
    assert len(spots) == 97
    assert len(heritage) == 532
    assert not set(spots) & set(heritage)


def test_place_facts(places):
    rows = load("place_facts.csv")
    ids = Counter(r["place_id"] for r in rows)
    assert not [k for k, n in ids.items() if n > 1], "duplicate place_id"
    for r in rows:
        pid = r["place_id"]
        assert pid in places, pid
        for col in ("open_time", "close_time", "offpeak_open_time", "offpeak_close_time", "last_entry"):
            assert r[col] == "" or is_time(r[col]), (pid, col, r[col])
        for col in ("peak_start", "peak_end"):
            assert r[col] == "" or is_mmdd(r[col]), (pid, col, r[col])
        # peak dates come in pairs and only together with an off-peak pair of hours
        assert bool(r["peak_start"]) == bool(r["peak_end"]), pid
        if r["peak_start"]:
            assert r["offpeak_open_time"] and r["offpeak_close_time"], pid
        assert bool(r["offpeak_open_time"]) == bool(r["offpeak_close_time"]), pid
        if r["offpeak_open_time"]:
            assert r["open_time"] and r["close_time"], pid
        if r["open_time"] and r["close_time"]:
            assert minutes(r["open_time"]) < minutes(r["close_time"]), pid
        if r["closed_weekdays"]:
            parse_closed_weekdays(r["closed_weekdays"])
        if r["ticket_cny"]:
            assert float(r["ticket_cny"]) >= 0, pid
            assert r["ticket_basis"].strip(), pid
        if r["visit_minutes"]:
            assert int(r["visit_minutes"]) > 0, pid
            assert r["visit_basis"].strip(), pid
        numeric = [r[c] for c in REQUIRED["place_facts.csv"] if c.endswith(("_time", "_cny", "_minutes"))]
        if any(numeric) or r["last_entry"] or r["closed_weekdays"]:
            assert urls_ok(r["source_url"]), f"{pid}: values without a source URL"


def test_place_facts_cover_the_shared_facts():
    src = SHARED_FACTS / "spot_visit_facts.csv"
    if not src.exists():
        pytest.skip("shared facts not available")
    with open(src, encoding="utf-8", newline="") as f:
        facts = list(csv.DictReader(f))
    names = {r["name_zh"] for r in load("place_facts.csv")}
    for fr in facts:
        assert fr["name_zh"] in names or fr["name_zh"] in UNMATCHED_FACTS, fr["name_zh"]
    by_name = {r["name_zh"]: r for r in load("place_facts.csv")}
    for fr in facts:
        if fr["name_zh"] in by_name:
            assert by_name[fr["name_zh"]]["ticket_cny"] == fr["ticket_cny"], fr["name_zh"]


def test_closures(places):
    rows = load("closures.csv")
    keys = Counter(
        (
            r["place_id"],
            r["kind"],
            r["start"],
            r["end"],
            r["weekdays"],
            r.get("monthdays", ""),
            r.get("source_rule", ""),
        )
        for r in rows
    )
    assert not [k for k, n in keys.items() if n > 1], "duplicate closure rows"
    for r in rows:
        assert r["place_id"] == "province" or r["place_id"] in places, r["place_id"]
        assert r["kind"] in CLOSURE_KINDS, r["kind"]
        for col in ("start", "end"):
            assert r[col] == "" or is_mmdd(r[col]), (r["place_id"], col, r[col])
        if r["weekdays"]:
            assert set(r["weekdays"].split(",")) <= WEEKDAYS, r["weekdays"]
        if r.get("monthdays"):
            assert all(1 <= int(d) <= 31 for d in r["monthdays"].split(",")), r["monthdays"]
        assert r["hard"] in BOOL and r["recurring"] in BOOL, r
        if r["hard"] == "true":
            # only closures of the place itself may be hard
            assert r["kind"] not in {"booking", "pricing", "access", "capacity", "maintenance"}, r
        if r.get("year"):
            assert re.fullmatch(r"(19|20)\d\d", r["year"]) and r["recurring"] == "false", r
        assert r["basis"].strip(), r
        assert urls_ok(r["source_url"]), r
        if r["kind"] == "weekly":
            assert r["weekdays"] and r["start"] and r["end"], r


def test_closures_cover_the_shared_rules():
    src = SHARED_FACTS / "closures.csv"
    if not src.exists():
        pytest.skip("shared facts not available")
    with open(src, encoding="utf-8", newline="") as f:
        n = len(list(csv.DictReader(f)))
    covered = set()
    for r in load("closures.csv"):
        covered |= {int(x) for x in r["source_rule"].split(";") if x}
    assert covered <= set(range(1, n + 1))
    assert covered | UNMAPPED_RULES == set(range(1, n + 1)), sorted(set(range(1, n + 1)) - covered)


def test_weekly_closures_match_closed_weekdays():
    weekly = {r["place_id"] for r in load("closures.csv") if r["kind"] == "weekly"}
    marked = {r["place_id"] for r in load("place_facts.csv") if r["closed_weekdays"]}
    assert weekly == marked


def test_heritage_links(spots, heritage):
    rows = load("heritage_links.csv")
    keys = Counter((r["spot_id"], r["heritage_id"]) for r in rows)
    assert not [k for k, n in keys.items() if n > 1]
    for r in rows:
        assert r["spot_id"] in spots, r["spot_id"]
        assert r["heritage_id"] in heritage, r["heritage_id"]
        assert r["relation"] in RELATIONS, r["relation"]
        assert r["basis"].strip()


def test_spot_kinds(spots, places):
    rows = load("spot_kinds.csv")
    ids = Counter(r["place_id"] for r in rows)
    assert not [k for k, n in ids.items() if n > 1], "place with more than one kind"
    assert set(spots) <= set(ids), sorted(set(spots) - set(ids))
    for r in rows:
        assert r["place_id"] in places, r["place_id"]
        assert r["kind"] in KINDS, r["kind"]
        assert r["basis"].strip()


def test_visit_defaults():
    rows = load("visit_defaults.csv")
    keys = Counter((r["grade"], r["kind"]) for r in rows)
    assert not [k for k, n in keys.items() if n > 1]
    assert ("*", "*") in keys, "fallback row missing"
    assert {k for _, k in keys} - {"*"} == KINDS, "every kind needs a default"
    for r in rows:
        assert r["grade"] in {"*", "5A", "4A", "unverified"}, r["grade"]
        assert r["kind"] in KINDS | {"*"}, r["kind"]
        assert int(r["visit_minutes"]) > 0
        assert is_time(r["open_time"]) and is_time(r["close_time"])
        assert r["basis"].startswith("jinlv default"), r["basis"]
    assert "ticket_cny" not in header("visit_defaults.csv"), "no ticket defaults"


def test_themes():
    rows = load("themes.csv")
    assert [r["theme_id"] for r in rows if r["theme_id"] not in THEME_IDS] == []
    assert {r["theme_id"] for r in rows} == THEME_IDS and len(rows) == len(THEME_IDS)
    for r in rows:
        assert r["includes_heritage"] in BOOL
        for col in ("name_zh", "name_en", "scoring_rule", "source"):
            assert r[col].strip(), (r["theme_id"], col)


def test_theme_members(spots, heritage):
    with_heritage = {r["theme_id"] for r in load("themes.csv") if r["includes_heritage"] == "true"}
    rows = load("theme_members.csv")
    keys = Counter((r["theme_id"], r["place_id"]) for r in rows)
    assert not [k for k, n in keys.items() if n > 1]
    for r in rows:
        assert r["theme_id"] in THEME_IDS, r["theme_id"]
        assert r["place_id"] in spots or r["place_id"] in heritage, r["place_id"]
        assert r["basis"].strip()
        if r["place_id"] in heritage:
            assert r["theme_id"] in with_heritage, r
            assert "open to visitors" in r["basis"], r


def test_theme_presets(places):
    rows = load("theme_presets.csv")
    seats = {r["city"] for r in load("prefecture_seats.csv")}
    ids = Counter(r["preset_id"] for r in rows)
    assert not [k for k, n in ids.items() if n > 1]
    for r in rows:
        assert r["theme_id"] in THEME_IDS, r["theme_id"]
        assert int(r["suggested_days"]) > 0
        assert "jinlv" in r["source"], "suggested days/start city must be labelled as jinlv proposals"
        for pid in filter(None, r["must_see"].split(";")):
            assert pid in places, (r["preset_id"], pid)
        assert r["end_city"] == "" or r["end_city"] in seats, (r["preset_id"], r["end_city"])
        assert r["start_city"] in seats, (r["preset_id"], r["start_city"])
        assert r["day_start"] == "" or is_time(r["day_start"]), (r["preset_id"], r["day_start"])
        if r["end_city"] or r["day_start"]:
            assert "end_city" in r["source"] or "day_start" in r["source"], "say why in the source"
