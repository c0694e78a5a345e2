"""``GET /api/places``: places a trip can start or end at, for suggestions."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel

from app.api.deps import SessionDep
from gis_data.gazetteer import KIND_ORDER, Gazetteer

router = APIRouter(prefix="/api", tags=["layers"])
Kind = Literal["city", "spot", "town", "heritage"]


class PlaceOut(BaseModel):
    id: str
    kind: str
    name_zh: str
    name_en: str
    city: str
    lat: float | None
    lon: float | None


@router.get("/places", response_model=list[PlaceOut])
def list_places(
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=80, description="part of a name (zh or en)")] = None,
    kind: Annotated[list[Kind] | None, Query(description="kinds to list (default city, spot, town)")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> list[PlaceOut]:
    """Cities, spots and lodging towns (and heritage sites if asked) whose name contains ``q``;
    cities first."""
    kinds = set(kind or ("city", "spot", "town"))
    needle = (q or "").strip().lower()
    found = [
        p
        for p in Gazetteer.from_session(session).places
        if p.kind in kinds and p.located and (not needle or needle in p.name_zh.lower() or needle in p.name_en.lower())
    ]
    found.sort(key=lambda p: (KIND_ORDER[p.kind], not p.name_zh.startswith(q or ""), p.name_zh))
    return [
        PlaceOut(id=p.id, kind=p.kind, name_zh=p.name_zh, name_en=p.name_en, city=p.city, lat=p.lat, lon=p.lon)
        for p in found[:limit]
    ]
