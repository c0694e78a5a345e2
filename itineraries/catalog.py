"""What a trip can be made of: candidate places to visit and lodging, read from the GIS layers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from gis_data import models
from gis_data.check import lodging_beds
from gis_data.gazetteer import Gazetteer
from itineraries.calendar import ClosureRule, Hours


@dataclass(frozen=True)
class Candidate:
    """A place that can be visited: a scenic spot or a visitable national heritage site."""

    id: str
    layer: str  # "spot" or "heritage"
    name_zh: str
    name_en: str
    grade: str
    city: str
    lat: float
    lon: float
    visit_minutes: int
    visit_is_default: bool
    ticket_cny: float | None
    hours: Hours
    hours_are_default: bool
    season_note: str
    closures: tuple[ClosureRule, ...]


@dataclass(frozen=True)
class Lodging:
    id: str
    name_zh: str
    name_en: str
    city: str
    kind: str
    lat: float
    lon: float
    beds: int
    beds_estimated: bool


@dataclass(frozen=True)
class Catalog:
    candidates: tuple[Candidate, ...]
    lodging: tuple[Lodging, ...]
    gazetteer: Gazetteer
    unlocated_spots: frozenset[str]

    def candidate(self, place_id: str) -> Candidate | None:
        return next((c for c in self.candidates if c.id == place_id), None)


def _hours(p: models.VisitProfile) -> Hours:
    return Hours(
        p.open_time,
        p.close_time,
        p.offpeak_open_time,
        p.offpeak_close_time,
        p.peak_start,
        p.peak_end,
        p.closed_weekdays,
    )


def _candidate(
    p: models.Spot | models.HeritageSite, *, layer: str, name_en: str, grade: str, closures: tuple[ClosureRule, ...]
) -> Candidate:
    """The candidate of a spot or heritage site row (they share their visit profile columns)."""
    return Candidate(
        p.id,
        layer,
        p.name_zh,
        name_en,
        grade,
        p.city,
        p.lat,
        p.lon,
        p.visit_minutes,
        p.visit_is_default,
        p.ticket_cny,
        _hours(p),
        p.hours_are_default,
        p.season_note,
        closures,
    )


def load_catalog(session: Session) -> Catalog:
    """Candidates (located spots; located, visitable heritage sites not already part of a spot) and
    lodging places with their beds (real where hotels were imported, else the labelled estimate)."""
    rules: dict[str, list[ClosureRule]] = {}
    for c in session.scalars(select(models.PlaceClosure)):
        rules.setdefault(c.place_id, []).append(
            ClosureRule(
                c.place_id, c.kind, c.start, c.end, c.weekdays, c.monthdays, c.hard, c.recurring, c.year, c.basis
            )
        )
    province = tuple(rules.get("province", ()))
    candidates = []
    unlocated = set()
    for s in session.scalars(select(models.Spot).order_by(models.Spot.id)):
        if s.lat is None:
            unlocated.add(s.id)
            continue
        closures = tuple(rules.get(s.id, ())) + province
        candidates.append(_candidate(s, layer="spot", name_en=s.name_en, grade=s.grade, closures=closures))
    for h in session.scalars(select(models.HeritageSite).order_by(models.HeritageSite.id)):
        if h.spot_id is not None or not h.visitable:
            continue
        if h.lat is None:
            unlocated.add(h.id)
            continue
        closures = tuple(rules.get(h.id, ())) + province
        candidates.append(_candidate(h, layer="heritage", name_en="", grade="heritage", closures=closures))
    beds = lodging_beds(session)
    lodging = tuple(
        Lodging(lp.id, lp.name_zh, lp.name_en, lp.city, lp.kind, lp.lat, lp.lon, *beds[lp.id])
        for lp in session.scalars(select(models.LodgingPlace).order_by(models.LodgingPlace.id))
        if lp.lat is not None
    )
    return Catalog(tuple(candidates), lodging, Gazetteer.from_session(session), frozenset(unlocated))
