"""Rows of the built-in layers, assembled from the data files of :mod:`gis_data.sources`.

A scenic spot combines its row of ``scenic_spots.csv`` with its sourced facts
(``place_facts.csv``) and, where a fact is missing, the documented default of its grade and kind
(``visit_defaults.csv``); every default is flagged (``visit_is_default``, ``hours_are_default``).
Spots without coordinates stay in the table and are excluded from routing.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from gis_data import sources as src
from gis_data.lodging import estimate_lodging
from gis_data.sources import optional_float, optional_int, read_rows

TOURIST_ROADS: tuple[dict[str, Any], ...] = (
    {
        "id": "yellow_river",
        "name_zh": "黄河一号旅游公路",
        "name_en": "Yellow River No.1 Tourist Road",
        "official_km": 1238.0,
        "official_km_source": "main line ~1,238 km: 《山西省黄河、长城、太行三个一号旅游公路规划纲要》 (2021) via "
        "http://sanjinmedia.com/jinrongchuangxin/2021-07-06/20060.html ; http://cguiw.com/rd/2021102021369.html",
    },
    {
        "id": "great_wall",
        "name_zh": "长城一号旅游公路",
        "name_en": "Great Wall No.1 Tourist Road",
        "official_km": 1198.0,
        "official_km_source": "main line ~1,198 km: plan 2021 via http://sanjinmedia.com/jinrongchuangxin/"
        "2021-07-06/20060.html ; http://zt-9jc.com.cn/qiche/2021070646976.html",
    },
    {
        "id": "taihang",
        "name_zh": "太行一号旅游公路",
        "name_en": "Taihang No.1 Tourist Road",
        "official_km": 1225.0,
        "official_km_source": "main line 1,225 km: 山西省交通运输厅 via 中新网 2024-09-19 "
        "http://w54.net/public/xinwen.php?OnIjI=tYB.html ; 人民网 http://www.072566.com/info/1235/388888.htm",
    },
)
ROAD_IDS = tuple(r["id"] for r in TOURIST_ROADS)
GRADES = ("5A", "4A", "3A", "unverified")
BUILTIN_FILES = (
    src.SPOTS,
    src.HERITAGE,
    src.HERITAGE_LINKS,
    src.PLACE_FACTS,
    src.CLOSURES,
    src.SPOT_KINDS,
    src.VISIT_DEFAULTS,
    src.THEME_MEMBERS,
    src.CONTROL_POINTS,
    src.TOWNS,
    src.CITY_POPULATION,
)


def _truthy(value: str) -> bool:
    return value.strip().lower() in {"true", "1", "yes"}


def _visit_default(defaults: list[dict[str, str]], grade: str, kind: str) -> dict[str, str]:
    """The most specific default row for ``(grade, kind)``; ``*`` or blank cells match anything."""

    def matches(cell: str, value: str) -> bool:
        return cell in {"", "*", value}

    candidates = [d for d in defaults if matches(d["grade"], grade) and matches(d["kind"], kind)]
    if not candidates:
        msg = f"visit_defaults.csv has no row for grade={grade!r} kind={kind!r}"
        raise LookupError(msg)
    return max(candidates, key=lambda d: (d["kind"] not in {"", "*"}, d["grade"] not in {"", "*"}))


def _visit_profile(
    place_id: str, grade: str, kind: str, facts: dict[str, dict[str, str]], defaults: list[dict[str, str]]
) -> dict[str, Any]:
    """Visit length, ticket, hours and closures of a place: sourced facts first, flagged defaults else."""
    fact = facts.get(place_id, {})
    default = _visit_default(defaults, grade, kind)
    has_visit = bool(fact.get("visit_minutes"))
    has_hours = bool(fact.get("open_time") and fact.get("close_time"))
    return {
        "kind": kind,
        "visit_minutes": int(float(fact["visit_minutes"] if has_visit else default["visit_minutes"])),
        "visit_basis": fact.get("visit_basis", "") if has_visit else f"DEFAULT: {default['basis']}",
        "visit_is_default": not has_visit,
        "ticket_cny": optional_float(fact.get("ticket_cny", "")),
        "ticket_basis": fact.get("ticket_basis", "") if fact.get("ticket_cny") else "price not found",
        "open_time": fact["open_time"] if has_hours else default["open_time"],
        "close_time": fact["close_time"] if has_hours else default["close_time"],
        "offpeak_open_time": fact.get("offpeak_open_time", "") if has_hours else "",
        "offpeak_close_time": fact.get("offpeak_close_time", "") if has_hours else "",
        "peak_start": fact.get("peak_start", "") if has_hours else "",
        "peak_end": fact.get("peak_end", "") if has_hours else "",
        "hours_are_default": not has_hours,
        "closed_weekdays": fact.get("closed_weekdays", ""),
        "season_note": "; ".join(x for x in (fact.get("season_note"), fact.get("booking_note")) if x),
    }


def _profile_sources() -> tuple[dict[str, dict[str, str]], dict[str, str], list[dict[str, str]]]:
    """Sourced facts by place, kinds by place, and the documented defaults."""
    facts = {f["place_id"]: f for f in read_rows(src.PLACE_FACTS)}
    kinds = {k["place_id"]: k["kind"] for k in read_rows(src.SPOT_KINDS)}
    return facts, kinds, read_rows(src.VISIT_DEFAULTS)


def spot_rows() -> list[dict[str, Any]]:
    """Scenic spots with facts merged in and defaults flagged."""
    facts, kinds, defaults = _profile_sources()
    rows = []
    for s in read_rows(src.SPOTS):
        fact = facts.get(s["id"], {})
        rows.append(
            {
                "id": s["id"],
                "name_zh": s["name_zh"],
                "name_en": s["name_en"],
                "grade": s["grade"],
                "grade_status": s["grade_status"],
                "grade_source": s["grade_source"],
                "city": s["city"],
                "county": s["county"].split("(")[0].strip(),
                "lat": optional_float(s["lat"]),
                "lon": optional_float(s["lon"]),
                "coord_quality": s["coord_quality"] or "missing",
                "coord_source": s["coord_source"],
                "themes": s["themes"],
                **_visit_profile(s["id"], s["grade"], kinds.get(s["id"], ""), facts, defaults),
                "notes": s["notes"],
                "source": "; ".join(x for x in ("scenic_spots.csv", fact.get("source_url")) if x),
            }
        )
    return rows


def heritage_rows() -> list[dict[str, Any]]:
    """National heritage sites, each linked to the scenic spot that is the same place or holds it.

    A site counts as visitable only where ``theme_members.csv`` cites evidence that visitors can go.
    """
    links = {link["heritage_id"]: link for link in read_rows(src.HERITAGE_LINKS)}
    facts, kinds, defaults = _profile_sources()
    visitable: dict[str, str] = {}
    for member in read_rows(src.THEME_MEMBERS):
        if member["place_id"].startswith("nh"):
            visitable.setdefault(member["place_id"], member["basis"])
    rows = []
    for h in read_rows(src.HERITAGE):
        link = links.get(h["id"], {})
        rows.append(
            {
                "id": h["id"],
                "name_zh": h["name_zh"],
                "type": h["type"],
                "dynasty": h["dynasty"],
                "batch": h["batch"],
                "year_listed": optional_int(h["year_listed"]),
                "city": h["city"],
                "county": h["county"],
                "lat": optional_float(h["lat"]),
                "lon": optional_float(h["lon"]),
                "coord_quality": h["coord_quality"],
                "coord_source": h["coord_source"],
                "spot_id": link.get("spot_id") or None,
                "spot_relation": link.get("relation", ""),
                "visitable": h["id"] in visitable,
                "visitable_basis": visitable.get(h["id"], ""),
                **_visit_profile(h["id"], "*", kinds.get(h["id"], ""), facts, defaults),
            }
        )
    return rows


def closure_rows() -> list[dict[str, Any]]:
    return [
        {
            "place_id": c["place_id"],
            "kind": c["kind"],
            "start": c["start"],
            "end": c["end"],
            "weekdays": c["weekdays"],
            "monthdays": c["monthdays"],
            "year": optional_int(c["year"]),
            "hard": _truthy(c["hard"]),
            "recurring": _truthy(c["recurring"]),
            "basis": c["basis"],
            "source_url": c["source_url"],
        }
        for c in read_rows(src.CLOSURES)
    ]


def control_point_rows() -> list[dict[str, Any]]:
    return [
        {
            "road_id": c["road"],
            "seq": int(c["seq"]),
            "segment": c["segment"],
            "name_zh": c["name_zh"],
            "name_en": c["name_en"],
            "city": c["city"],
            "county": c["county"],
            "lat": optional_float(c["lat"]),
            "lon": optional_float(c["lon"]),
            "coord_quality": c["coord_quality"] or "missing",
            "coord_source": c["coord_source"],
            "order_source": c["order_source"],
            "notes": c["notes"],
        }
        for c in read_rows(src.CONTROL_POINTS)
    ]


def lodging_rows() -> list[dict[str, Any]]:
    estimates = estimate_lodging(
        towns=read_rows(src.TOWNS), populations=read_rows(src.CITY_POPULATION), spots=read_rows(src.SPOTS)
    )
    return [asdict(e) for e in estimates]
