"""``GET /api/lodging``: towns where visitors can sleep, with their beds."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import func, select

from app.api.deps import SessionDep
from gis_data import models
from gis_data.check import lodging_beds

router = APIRouter(prefix="/api", tags=["layers"])


class LodgingOut(BaseModel):
    id: str
    name_zh: str
    name_en: str
    city: str
    kind: str
    lat: float | None
    lon: float | None
    beds: int
    beds_estimated: bool
    estimate_basis: str | None
    hotels: int
    source: str


@router.get("/lodging", response_model=list[LodgingOut])
def list_lodging(
    session: SessionDep,
    city: Annotated[str | None, Query(max_length=16, description="prefecture city, e.g. 大同市")] = None,
    min_beds: Annotated[int, Query(ge=0, description="only places with at least this many beds")] = 0,
) -> list[LodgingOut]:
    """Every lodging place with its beds: the imported hotels' beds where there are any
    (``beds_estimated`` false), otherwise jinlv's labelled estimate and how it was made
    (``estimate_basis``)."""
    beds = lodging_beds(session)
    hotels = dict(session.execute(select(models.Hotel.town_id, func.count()).group_by(models.Hotel.town_id)).all())
    query = select(models.LodgingPlace).order_by(models.LodgingPlace.city, models.LodgingPlace.id)
    if city:
        query = query.where(models.LodgingPlace.city == city)
    out = []
    for lp in session.scalars(query):
        count, estimated = beds.get(lp.id, (lp.estimated_beds, True))
        if count < min_beds:
            continue
        out.append(
            LodgingOut(
                id=lp.id,
                name_zh=lp.name_zh,
                name_en=lp.name_en,
                city=lp.city,
                kind=lp.kind,
                lat=lp.lat,
                lon=lp.lon,
                beds=count,
                beds_estimated=estimated,
                estimate_basis=lp.estimate_basis if estimated else None,
                hotels=int(hotels.get(lp.id, 0)),
                source=lp.source,
            )
        )
    return out
