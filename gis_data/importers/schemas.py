"""What each importable layer looks like: its columns, how a row becomes a model, cross-row checks."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gis_data import models
from gis_data.boundaries import Boundaries, neighbour_province
from gis_data.importers.validate import FieldSpec, RowError
from gis_data.layers import ROAD_IDS

# Points of an import may lie this far outside Shanxi (border roads, generalised polygons).
PROVINCE_TOLERANCE_KM = 2.0
CITY_TOLERANCE_KM = 2.0
HOTEL_TOWN_MAX_KM = 40.0
SPOT_GRADES = ("5A", "4A", "3A", "2A", "1A", "unverified")
THEME_TAGS = (
    "ancient_architecture",
    "nature",
    "buddhist_grottoes_temples",
    "red_tourism",
    "taihang",
    "yellow_river",
    "great_wall",
    "jin_merchant",
    "root_seeking",
    "guan_gong_culture",
)
SIGN_KINDS = ("guide", "direction", "distance", "information", "other")
SIGN_KIND_ALIASES = {
    "tourist_area_guide": "guide",
    "景区指引标志": "guide",
    "旅游景区指引标志": "guide",
    "direction_sign": "direction",
    "指路标志": "direction",
    "方向标志": "direction",
    "confirmation": "distance",
    "distance_sign": "distance",
    "距离标志": "distance",
    "确认标志": "distance",
    "information_board": "information",
    "信息板": "information",
    "信息牌": "information",
    "其他": "other",
}
LANGUAGES = ("zh", "en", "ja", "ko", "ru", "fr", "de", "es")
LAT = FieldSpec("lat", "float", required=True, minimum=-90, maximum=90)
LON = FieldSpec("lon", "float", required=True, minimum=-180, maximum=180)
SOURCE = FieldSpec("source", "str", max_len=500)


@dataclass
class Context:
    """What the checks need from the database."""

    boundaries: Boundaries
    spot_ids: set[str]
    lodging: dict[str, models.LodgingPlace]
    filename: str


@dataclass(frozen=True)
class LayerSchema:
    """One importable layer."""

    name: str
    model: type[models.Base]
    fields: tuple[FieldSpec, ...]
    to_model: Callable[[dict[str, Any], Context], dict[str, Any]]
    check: Callable[[str, dict[str, Any], Context, list[RowError]], None]


def _check_point(where: str, row: dict[str, Any], ctx: Context, errors: list[RowError]) -> None:
    lat, lon = row.get("lat"), row.get("lon")
    if lat is None or lon is None:
        return
    km = ctx.boundaries.distance_outside_km(lon, lat)
    if km > PROVINCE_TOLERANCE_KM:
        province = neighbour_province(lon, lat)
        where_is = f"in {province}, " if province else ""
        errors.append(
            RowError(
                where,
                "lat,lon",
                f"{lat},{lon}",
                f"point lies {where_is}{km:.1f} km outside Shanxi; WGS84 lat/lon inside the province expected "
                f"(tolerance {PROVINCE_TOLERANCE_KM:g} km)",
            )
        )


def _spot_check(where: str, row: dict[str, Any], ctx: Context, errors: list[RowError]) -> None:
    _check_point(where, row, ctx, errors)
    city, lat, lon = row.get("city"), row.get("lat"), row.get("lon")
    if city and lat is not None and lon is not None and city in ctx.boundaries.cities:
        km = ctx.boundaries.distance_outside_km(lon, lat, city=city)
        if km > CITY_TOLERANCE_KM and ctx.boundaries.distance_outside_km(lon, lat) <= PROVINCE_TOLERANCE_KM:
            errors.append(
                RowError(
                    where,
                    "city",
                    city,
                    f"the point lies in {ctx.boundaries.city_of(lon, lat)}, {km:.1f} km outside {city}",
                )
            )
    if row.get("open_time") and row.get("close_time") and row["open_time"] >= row["close_time"]:
        errors.append(RowError(where, "close_time", row["close_time"], "must be later than open_time"))


def _spot_model(row: dict[str, Any], ctx: Context) -> dict[str, Any]:
    has_hours = bool(row["open_time"] and row["close_time"])
    return {
        "id": row["id"],
        "name_zh": row["name_zh"],
        "name_en": row["name_en"] or "",
        "grade": row["grade"],
        "grade_status": "imported",
        "grade_source": row["source"] or "",
        "city": row["city"],
        "county": row["county"] or "",
        "lat": row["lat"],
        "lon": row["lon"],
        "coord_quality": "imported",
        "coord_source": row["source"] or f"import {ctx.filename}",
        "themes": row["themes"] or "",
        "kind": row["kind"] or "",
        "visit_minutes": row["visit_minutes"] or 120,
        "visit_basis": "imported" if row["visit_minutes"] else "DEFAULT: 120 min (import without visit_minutes)",
        "visit_is_default": row["visit_minutes"] is None,
        "ticket_cny": row["ticket_cny"],
        "ticket_basis": "imported" if row["ticket_cny"] is not None else "",
        "open_time": row["open_time"] if has_hours else "08:00",
        "close_time": row["close_time"] if has_hours else "17:30",
        "hours_are_default": not has_hours,
        "source": row["source"] or f"import {ctx.filename}",
    }


def _city_choices() -> tuple[str, ...]:
    return (
        "太原市",
        "大同市",
        "阳泉市",
        "长治市",
        "晋城市",
        "朔州市",
        "晋中市",
        "运城市",
        "忻州市",
        "临汾市",
        "吕梁市",
    )


SPOTS = LayerSchema(
    name="spots",
    model=models.Spot,
    fields=(
        FieldSpec("id", "id", required=True),
        FieldSpec("name_zh", "str", required=True, max_len=120),
        FieldSpec("name_en", "str", max_len=160),
        FieldSpec("grade", "enum", required=True, choices=SPOT_GRADES),
        FieldSpec("city", "enum", required=True, choices=_city_choices()),
        FieldSpec("county", "str", max_len=32),
        LAT,
        LON,
        FieldSpec("themes", "list", choices=THEME_TAGS),
        FieldSpec("kind", "str", max_len=32),
        FieldSpec("visit_minutes", "int", minimum=10, maximum=1440),
        FieldSpec("ticket_cny", "float", minimum=0, maximum=5000),
        FieldSpec("open_time", "time"),
        FieldSpec("close_time", "time"),
        SOURCE,
    ),
    to_model=_spot_model,
    check=_spot_check,
)


def _hotel_check(where: str, row: dict[str, Any], ctx: Context, errors: list[RowError]) -> None:
    _check_point(where, row, ctx, errors)
    town = row.get("town")
    if town and _find_town(town, ctx) is None:
        errors.append(RowError(where, "town", town, "no lodging place with this id or name (see GET /api/lodging)"))
    if row.get("rooms") is not None and row.get("beds") is not None and row["rooms"] > row["beds"] * 4:
        errors.append(RowError(where, "rooms", str(row["rooms"]), "more than 4 rooms per bed is implausible"))
    if not town and row.get("lat") is not None and _nearest_town(row["lat"], row["lon"], ctx) is None:
        errors.append(
            RowError(where, "town", "", f"no lodging place within {HOTEL_TOWN_MAX_KM:g} km: give the town column")
        )


def _find_town(text: str, ctx: Context) -> models.LodgingPlace | None:
    if text in ctx.lodging:
        return ctx.lodging[text]
    matches = [lp for lp in ctx.lodging.values() if text in (lp.name_zh, lp.name_en)]
    return matches[0] if len(matches) == 1 else None


def _nearest_town(lat: float, lon: float, ctx: Context) -> models.LodgingPlace | None:
    from gis_data.lodging import _haversine_km

    best, best_km = None, HOTEL_TOWN_MAX_KM
    for lp in ctx.lodging.values():
        if lp.lat is None:
            continue
        km = _haversine_km(lat, lon, lp.lat, lp.lon)
        if km <= best_km:
            best, best_km = lp, km
    return best


def _hotel_model(row: dict[str, Any], ctx: Context) -> dict[str, Any]:
    town = _find_town(row["town"], ctx) if row["town"] else _nearest_town(row["lat"], row["lon"], ctx)
    hotel_id = (
        row["id"] or "h-" + hashlib.sha1(f"{row['name']}|{row['lat']:.5f}|{row['lon']:.5f}".encode()).hexdigest()[:12]
    )
    return {
        "id": hotel_id,
        "name": row["name"],
        "lat": row["lat"],
        "lon": row["lon"],
        "beds": row["beds"],
        "rooms": row["rooms"],
        "star": row["star"],
        "town_id": town.id,
        "source": row["source"] or f"import {ctx.filename}",
    }


LODGING = LayerSchema(
    name="lodging",
    model=models.Hotel,
    fields=(
        FieldSpec("id", "id"),
        FieldSpec("name", "str", required=True, max_len=160),
        LAT,
        LON,
        FieldSpec("beds", "int", required=True, minimum=1, maximum=20000),
        FieldSpec("rooms", "int", minimum=0, maximum=20000),
        FieldSpec("star", "int", minimum=0, maximum=5),
        FieldSpec("town", "str", max_len=64),
        SOURCE,
    ),
    to_model=_hotel_model,
    check=_hotel_check,
)


def _sign_check(where: str, row: dict[str, Any], ctx: Context, errors: list[RowError]) -> None:
    _check_point(where, row, ctx, errors)
    target = row.get("target_spot")
    if target and target not in ctx.spot_ids:
        errors.append(RowError(where, "target_spot", target, "no scenic spot with this id (see GET /api/spots)"))


def _sign_model(row: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return {
        "id": row["id"],
        "lat": row["lat"],
        "lon": row["lon"],
        "kind": row["kind"],
        "languages": row["languages"] or "zh",
        "target_spot_id": row["target_spot"],
        "road_id": row["road"],
        "bearing": row["bearing"],
        "synthetic": bool(row["synthetic"]),
        "source": row["source"] or f"import {ctx.filename}",
    }


SIGNS = LayerSchema(
    name="signs",
    model=models.Sign,
    fields=(
        FieldSpec("id", "id", required=True),
        LAT,
        LON,
        FieldSpec("kind", "enum", required=True, choices=SIGN_KINDS, aliases=SIGN_KIND_ALIASES),
        FieldSpec("languages", "list", choices=LANGUAGES),
        FieldSpec("target_spot", "id"),
        FieldSpec("road", "enum", choices=ROAD_IDS),
        FieldSpec("bearing", "float", minimum=0, maximum=360),
        FieldSpec("synthetic", "bool"),
        SOURCE,
    ),
    to_model=_sign_model,
    check=_sign_check,
)

SCHEMAS: dict[str, LayerSchema] = {s.name: s for s in (SPOTS, LODGING, SIGNS)}


def build_context(session: Session, *, filename: str, boundaries: Boundaries) -> Context:
    return Context(
        boundaries=boundaries,
        spot_ids=set(session.scalars(select(models.Spot.id))),
        lodging={lp.id: lp for lp in session.scalars(select(models.LodgingPlace))},
        filename=filename,
    )
