"""``GET /api/basemap/network.geojson`` and ``/api/basemap/boundaries.geojson``: the vector basemap
(road network, province and city boundaries) that keeps the maps useful without raster tiles."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse

from app.api.deps import SessionDep, SettingsDep
from app.services.basemap import boundaries_bytes, network_file
from app.services.trips import data_fingerprint

router = APIRouter(prefix="/api/basemap", tags=["layers"])
GEOJSON = "application/geo+json"
CACHE = "public, max-age=86400"


def _not_modified(request: Request, etag: str) -> bool:
    return etag in {t.strip() for t in request.headers.get("if-none-match", "").split(",")}


GEOJSON_RESPONSES = {
    200: {"content": {GEOJSON: {}}, "description": "GeoJSON FeatureCollection"},
    304: {"description": "Not modified (ETag)"},
}


@router.get("/network.geojson", response_class=FileResponse, responses=GEOJSON_RESPONSES)
def network(request: Request, settings: SettingsDep) -> Response:
    """Every road of the active network once, simplified, as one MultiLineString feature."""
    path = network_file(settings)
    etag = f'"{path.stem}"'
    if _not_modified(request, etag):
        return Response(status_code=304, headers={"ETag": etag, "Cache-Control": CACHE})
    return FileResponse(path, media_type=GEOJSON, headers={"ETag": etag, "Cache-Control": CACHE})


@router.get("/boundaries.geojson", response_class=Response, responses=GEOJSON_RESPONSES)
def boundaries(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """The province and its prefecture cities (simplified polygons with ``level`` and names)."""
    fingerprint = data_fingerprint(session, settings)
    etag = f'"b-{fingerprint[:16]}"'
    if _not_modified(request, etag):
        return Response(status_code=304, headers={"ETag": etag, "Cache-Control": CACHE})
    return Response(
        boundaries_bytes(session, fingerprint), media_type=GEOJSON, headers={"ETag": etag, "Cache-Control": CACHE}
    )
