"""Data check of the GIS layers: counts, missing coordinates, points outside their city, beds."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gis_data import models
from gis_data.boundaries import Boundaries
from gis_data.layers import GRADES

# Points may sit a little outside their stated polygon: boundary data are generalised and many
# source points are town centroids or approximate. Past this distance a point is reported.
CITY_TOLERANCE_KM = 1.0


def load_boundaries(session: Session) -> Boundaries:
    """Boundaries as stored in the database."""
    records = [
        {"adcode": b.adcode, "level": b.level, "name_zh": b.name_zh, "city": b.city, "geometry": b.geometry}
        for b in session.scalars(select(models.Boundary))
    ]
    if not records:
        msg = "the database holds no boundaries: run `jinlv data build` first"
        raise LookupError(msg)
    return Boundaries.from_records(records)


def lodging_beds(session: Session) -> dict[str, tuple[int, bool]]:
    """Beds of every lodging place and whether the figure is an estimate.

    A place with imported hotels counts their beds (real); any other place keeps its estimate.
    """
    real = dict(
        session.execute(select(models.Hotel.town_id, func.sum(models.Hotel.beds)).group_by(models.Hotel.town_id)).all()
    )
    out = {}
    for place_id, estimated in session.execute(
        select(models.LodgingPlace.id, models.LodgingPlace.estimated_beds)
    ).all():
        out[place_id] = (int(real[place_id]), False) if place_id in real else (int(estimated), True)
    return out


def _outside_city(rows: list[Any], boundaries: Boundaries, layer: str) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        if r.lat is None or r.city not in boundaries.cities:
            continue
        km = boundaries.distance_outside_km(r.lon, r.lat, city=r.city)
        if km > CITY_TOLERANCE_KM:
            out.append(
                {
                    "layer": layer,
                    "id": r.id,
                    "name_zh": r.name_zh,
                    "stated_city": r.city,
                    "found_city": boundaries.city_of(r.lon, r.lat),
                    "km_outside": round(km, 2),
                }
            )
    return out


def layer_report(session: Session) -> dict[str, Any]:
    """Counts and consistency findings for every layer in the database."""
    boundaries = load_boundaries(session)
    spots = list(session.scalars(select(models.Spot).order_by(models.Spot.id)))
    heritage = list(session.scalars(select(models.HeritageSite)))
    lodging = list(session.scalars(select(models.LodgingPlace)))
    grades = Counter(s.grade for s in spots)
    beds = lodging_beds(session)
    outside_province = [
        {
            "layer": "spots",
            "id": s.id,
            "name_zh": s.name_zh,
            "km_outside": round(boundaries.distance_outside_km(s.lon, s.lat), 2),
        }
        for s in spots
        if s.lat is not None and not boundaries.in_province(s.lon, s.lat, tolerance_km=CITY_TOLERANCE_KM)
    ]
    seat_ids = {"county_seat"}
    return {
        "spots": len(spots),
        "spots_by_grade": {g: grades.get(g, 0) for g in GRADES} | {g: n for g, n in grades.items() if g not in GRADES},
        "spots_without_coords": [{"id": s.id, "name_zh": s.name_zh, "city": s.city} for s in spots if s.lat is None],
        "spots_outside_province": outside_province,
        "spots_outside_city": _outside_city(spots, boundaries, "spots"),
        "spots_with_default_visit_minutes": sum(s.visit_is_default for s in spots),
        "spots_with_default_hours": sum(s.hours_are_default for s in spots),
        "spots_with_ticket": sum(s.ticket_cny is not None for s in spots),
        "heritage_sites": len(heritage),
        "heritage_sites_with_coords": sum(h.lat is not None for h in heritage),
        "heritage_sites_linked_to_spots": sum(h.spot_id is not None for h in heritage),
        "heritage_outside_city": _outside_city(heritage, boundaries, "heritage_sites"),
        "tourist_roads": session.scalar(select(func.count()).select_from(models.TouristRoad)),
        "road_control_points": session.scalar(select(func.count()).select_from(models.RoadControlPoint)),
        "road_control_points_without_coords": session.scalar(
            select(func.count()).select_from(models.RoadControlPoint).where(models.RoadControlPoint.lat.is_(None))
        ),
        "cities": len(boundaries.cities),
        "counties": len(boundaries.counties),
        "lodging_places": len(lodging),
        "county_seats_with_lodging": sum(lp.kind in seat_ids for lp in lodging),
        "lodging_without_coords": [lp.id for lp in lodging if lp.lat is None],
        "beds_total": sum(b for b, _ in beds.values()),
        "beds_estimated": sum(b for b, est in beds.values() if est),
        "beds_real": sum(b for b, est in beds.values() if not est),
        "hotels": session.scalar(select(func.count()).select_from(models.Hotel)),
        "signs": session.scalar(select(func.count()).select_from(models.Sign)),
        "signs_synthetic": session.scalar(
            select(func.count()).select_from(models.Sign).where(models.Sign.synthetic.is_(True))
        ),
        "closure_rules": session.scalar(select(func.count()).select_from(models.PlaceClosure)),
    }
