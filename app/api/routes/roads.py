"""``GET /api/roads``: the three No.1 tourist roads as routed on the active network (GeoJSON)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.api.deps import SessionDep
from app.commands.roads import roads_feature_collection

router = APIRouter(prefix="/api", tags=["layers"])


@router.get(
    "/roads",
    response_class=JSONResponse,
    responses={200: {"content": {"application/geo+json": {}}, "description": "GeoJSON FeatureCollection"}},
)
def list_roads(session: SessionDep) -> Any:
    """One feature per road: routed geometry (MultiLineString), routed and official km, the network
    it was routed on and the control points skipped (no coordinates or off the network)."""
    return JSONResponse(roads_feature_collection(session), media_type="application/geo+json")
