"""The planned trip: days, stops, legs, overnight stays and totals, as plain data with JSON output."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Stop:
    place_id: str
    layer: str
    name_zh: str
    name_en: str
    grade: str
    lat: float
    lon: float
    arrive: str
    start: str
    depart: str
    visit_minutes: int
    visit_is_default: bool
    ticket_cny: float | None
    themes: list[str]
    notes: list[str] = field(default_factory=list)


@dataclass
class Leg:
    id: str
    from_id: str
    to_id: str
    from_name: str
    to_name: str
    km: float
    minutes: float
    tourist_road_km: dict[str, float]
    geometry_ref: str


@dataclass
class Overnight:
    place_id: str
    name_zh: str
    name_en: str
    city: str
    lat: float
    lon: float
    beds: int
    beds_estimated: bool


@dataclass
class Day:
    index: int
    date: str
    start: dict[str, Any]
    stops: list[Stop]
    legs: list[Leg]
    overnight: Overnight | None
    end: dict[str, Any]
    drive_km: float
    drive_minutes: float
    visit_minutes: int
    ends_at: str


@dataclass
class Itinerary:
    request: dict[str, Any]
    days: list[Day]
    totals: dict[str, Any]
    geometries: dict[str, list[list[float]]]
    solver: dict[str, Any]
    notes: list[str]
    id: str | None = None
    attribution: str = "© OpenStreetMap contributors (ODbL)"

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["id"] = self.id
        return out
