"""Resolve place names (Chinese or English), ids and ``lat,lon`` strings to points.

Places are scenic spots, lodging towns (county seats and scenic-area lodging), prefecture
cities (resolved to their seat) and national heritage sites. Matching tries, in order: the id,
the exact name, a name without its administrative suffix (``太原`` for ``太原市``), then a unique
name prefix or substring. An ambiguous or unknown name is a ``LookupError`` naming candidates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from gis_data import models
from gis_data.sources import read_rows

_LATLON = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")
_SUFFIXES = ("风景名胜区", "旅游景区", "文化旅游区", "旅游区", "景区", "风景区", "市", "县", "区")
_PLACE_SUFFIXES = ("县城", "市区", "城区", "景区", "古镇")
KIND_ORDER = {"city": 0, "spot": 1, "town": 2, "heritage": 3, "point": 4}


@dataclass(frozen=True)
class Place:
    """A resolved place: what it is, its id and names, and its WGS84 point (None if unknown)."""

    kind: str
    id: str
    name_zh: str
    name_en: str
    lat: float | None
    lon: float | None
    city: str = ""
    aliases: tuple[str, ...] = field(default=(), compare=False)

    @property
    def located(self) -> bool:
        return self.lat is not None and self.lon is not None

    def label(self, language: str = "zh") -> str:
        return self.name_en if language == "en" and self.name_en else self.name_zh


def _norm(text: str) -> str:
    return re.sub(r"[\s·()（）\-_'’]", "", text).lower()


def _short(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _variants(query: str) -> list[str]:
    """The query, then without a parenthesis, the parenthesis itself, then without a town suffix."""
    out = [query]
    outer = re.sub(r"[（(].*?[)）]", "", query).strip()
    inner = re.findall(r"[（(](.*?)[)）]", query)
    out += [outer, *[part.split(",")[0].strip() for part in inner]]
    for text in list(out):
        for suffix in _PLACE_SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix) + 1:
                out.append(text[: -len(suffix)])
    seen: list[str] = []
    for text in out:
        if text and text not in seen:
            seen.append(text)
    return seen


def parse_latlon(text: str) -> tuple[float, float] | None:
    """``(lat, lon)`` for a ``"lat,lon"`` string, None if it is not one; range errors raise."""
    match = _LATLON.match(text)
    if not match:
        return None
    lat, lon = float(match.group(1)), float(match.group(2))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        msg = f"coordinate {text!r} is out of range: lat must be in [-90, 90] and lon in [-180, 180]"
        raise ValueError(msg)
    return lat, lon


class Gazetteer:
    """Name lookup over a fixed list of places."""

    def __init__(self, places: list[Place]) -> None:
        self.places = places
        self._by_id = {p.id: p for p in places}

    @classmethod
    def from_session(cls, session: Session) -> Gazetteer:
        """Build the gazetteer from the database's spots, lodging, seats and heritage sites."""
        places: list[Place] = []
        lodging = {lp.id: lp for lp in session.scalars(select(models.LodgingPlace))}
        for seat in read_rows("prefecture_seats.csv"):
            town = lodging.get(seat["seat_town_adcode"])
            if town is None:
                continue
            places.append(
                Place(
                    "city",
                    f"city:{seat['adcode']}",
                    seat["city"],
                    seat["city_en"],
                    town.lat,
                    town.lon,
                    seat["city"],
                    aliases=(_short(seat["city"]), seat["city_en"]),
                )
            )
        for s in session.scalars(select(models.Spot)):
            places.append(Place("spot", s.id, s.name_zh, s.name_en, s.lat, s.lon, s.city, aliases=(_short(s.name_zh),)))
        for lp in lodging.values():
            aliases = (_short(lp.name_zh),) if lp.kind == "county_seat" else ()
            places.append(Place("town", lp.id, lp.name_zh, lp.name_en, lp.lat, lp.lon, lp.city, aliases=aliases))
        for h in session.scalars(select(models.HeritageSite)):
            places.append(Place("heritage", h.id, h.name_zh, "", h.lat, h.lon, h.city))
        return cls(places)

    def _match(self, query: str, pool: list[Place]) -> Place | None:
        q = _norm(query)
        if not q:
            return None
        tiers = (
            lambda p: q in (_norm(p.name_zh), _norm(p.name_en)),
            lambda p: q in {_norm(a) for a in p.aliases if a},
            lambda p: _norm(p.name_zh).startswith(q) or (p.name_en and _norm(p.name_en).startswith(q)),
            lambda p: q in _norm(p.name_zh) or (len(q) > 3 and p.name_en and q in _norm(p.name_en)),
        )
        for matches in tiers:
            found = [p for p in pool if matches(p)]
            if not found:
                continue
            best = min(KIND_ORDER[p.kind] for p in found)
            found = [p for p in found if KIND_ORDER[p.kind] == best]
            if len(found) == 1:
                return found[0]
            names = ", ".join(f"{p.name_zh} ({p.id})" for p in found[:8])
            msg = f"place {query!r} is ambiguous: {names}"
            raise LookupError(msg)
        return None

    def get(self, place_id: str) -> Place | None:
        return self._by_id.get(place_id)

    def resolve(self, text: str, *, kinds: tuple[str, ...] | None = None) -> Place:
        """Return the place named by ``text`` (an id, a name in zh/en, or ``"lat,lon"``).

        Raises
        ------
        LookupError
            If nothing matches, or several places match equally well (candidates are named).
        ValueError
            If ``text`` is a coordinate pair out of range.
        """
        query = text.strip()
        if not query:
            msg = "place name is empty"
            raise LookupError(msg)
        latlon = parse_latlon(query)
        if latlon is not None:
            return Place("point", query, query, query, latlon[0], latlon[1])
        pool = [p for p in self.places if kinds is None or p.kind in kinds]
        if query in self._by_id and self._by_id[query] in pool:
            return self._by_id[query]
        for variant in _variants(query):
            found = self._match(variant, pool)
            if found is not None:
                return found
        msg = f"unknown place {text!r}: give a scenic spot, town or city name (zh/en), an id, or 'lat,lon'"
        raise LookupError(msg)
