"""``GET /api/spots``: scenic spots with filters."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import select

from app.api.deps import SessionDep
from gis_data import models
from itineraries.themes import theme_memberships

router = APIRouter(prefix="/api", tags=["layers"])

Grade = Literal["5A", "4A", "3A", "unverified"]


class SpotOut(BaseModel):
    """A scenic spot; ``themes`` are the spot's own tags, ``theme_ids`` its themes of the catalogue
    (``GET /api/themes``, the ids a trip request takes)."""

    id: str
    name_zh: str
    name_en: str
    grade: str
    grade_status: str
    city: str
    county: str
    lat: float | None
    lon: float | None
    coord_quality: str
    routable: bool
    themes: list[str]
    theme_ids: list[str]
    kind: str
    visit_minutes: int
    visit_is_default: bool
    ticket_cny: float | None
    open_time: str
    close_time: str
    hours_are_default: bool
    closed_weekdays: str
    season_note: str


def spot_out(s: models.Spot) -> SpotOut:
    return SpotOut(
        id=s.id,
        name_zh=s.name_zh,
        name_en=s.name_en,
        grade=s.grade,
        grade_status=s.grade_status,
        city=s.city,
        county=s.county,
        lat=s.lat,
        lon=s.lon,
        coord_quality=s.coord_quality,
        routable=s.lat is not None,
        themes=[t for t in s.themes.split(";") if t],
        theme_ids=sorted(theme_memberships(s.id)),
        kind=s.kind,
        visit_minutes=s.visit_minutes,
        visit_is_default=s.visit_is_default,
        ticket_cny=s.ticket_cny,
        open_time=s.open_time,
        close_time=s.close_time,
        hours_are_default=s.hours_are_default,
        closed_weekdays=s.closed_weekdays,
        season_note=s.season_note,
    )


@router.get("/spots", response_model=list[SpotOut])
def list_spots(
    session: SessionDep,
    grade: Annotated[Grade | None, Query(description="only spots of this grade")] = None,
    theme: Annotated[
        str | None,
        Query(max_length=40, description="only spots of this theme (catalogue id, e.g. buddhist, or a spot tag)"),
    ] = None,
    city: Annotated[str | None, Query(max_length=16, description="prefecture city, e.g. 大同市")] = None,
) -> list[SpotOut]:
    query = select(models.Spot).order_by(models.Spot.grade, models.Spot.id)
    if grade:
        query = query.where(models.Spot.grade == grade)
    if city:
        query = query.where(models.Spot.city == city)
    spots = session.scalars(query).all()
    if theme:
        spots = [s for s in spots if theme in s.themes.split(";") or theme in theme_memberships(s.id)]
    return [spot_out(s) for s in spots]
