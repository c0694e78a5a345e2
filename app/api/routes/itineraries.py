"""``POST /api/itineraries`` plans and saves a trip; ``GET`` reads it back and exports it.

Exports: ``GET /api/itineraries/{id}.gpx`` (GPX 1.1), ``.kml`` (KML 2.2), ``.ics`` (iCalendar) and
``.geojson`` (GeoJSON), built by :mod:`itineraries.exports`; ``?lang=en`` for English names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request, Response, status
from fastapi.responses import JSONResponse

from app.api.deps import SessionDep, SettingsDep
from app.services.trips import PlannerBusy, TripError, created_at, get_trip, plan_and_save, trip_json
from gis_data import models
from itineraries import exports
from itineraries.request import TripRequest

router = APIRouter(prefix="/api", tags=["itineraries"])
Lang = Literal["zh", "en"]

ERRORS: dict[int | str, dict[str, Any]] = {
    422: {
        "description": "Invalid request: ``detail[].loc`` names the field (``start``, ``must_see``, ``days``, ...); "
        "an infeasible trip also lists ``reasons``",
    },
}


def trip_links(request: Request, trip_id: str) -> dict[str, str]:
    """Absolute links of a trip: API, page, print sheet and exports."""
    api = str(request.url_for("get_itinerary", trip_id=trip_id))
    links = {
        "self": api,
        "page": str(request.url_for("trip_page", trip_id=trip_id)),
        "print": str(request.url_for("trip_print", trip_id=trip_id)),
    }
    for fmt in EXPORTS:
        links[fmt] = f"{api}.{fmt}"
    return links


def _load(session: SessionDep, trip_id: str) -> models.SavedItinerary:
    saved = get_trip(session, trip_id)
    if saved is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no itinerary {trip_id!r}")
    return saved


@router.post(
    "/itineraries",
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"description": "The identical request (on unchanged data) was planned before: its saved trip"},
        201: {"description": "The planned trip, saved: the itinerary JSON with ``id``, ``title`` and ``links``"},
        **ERRORS,
        503: {"description": "Every planning slot is busy; retry after ``Retry-After`` seconds"},
    },
)
def create_itinerary(body: TripRequest, request: Request, session: SessionDep, settings: SettingsDep) -> JSONResponse:
    """Plan a multi-day self-drive trip and save it under a shareable id.

    The body is a trip request, e.g. ``{"start": "太原", "days": 3, "themes": ["ancient_architecture"]}``.
    The answer is the itinerary: ``days[]`` (date, start, ``stops[]`` with arrive/start/depart
    times, ``legs[]`` with km, minutes and tourist-road km, ``overnight`` town and its beds),
    ``totals``, ``geometries`` (leg id -> ``[[lon, lat], ...]``), ``notes`` and ``attribution``.
    """
    try:
        planned = plan_and_save(session, body, settings=settings)
    except TripError as exc:
        return JSONResponse({"detail": exc.errors, "reasons": exc.reasons}, status_code=422)
    except PlannerBusy:
        return JSONResponse(
            {"detail": "the planner is busy with other trips; retry in a few seconds"},
            status_code=503,
            headers={"Retry-After": "5"},
        )
    saved = planned.saved
    body_json = trip_json(saved) | {"links": trip_links(request, saved.id)}
    return JSONResponse(
        body_json,
        status_code=status.HTTP_200_OK if planned.reused else status.HTTP_201_CREATED,
        headers={"Location": body_json["links"]["self"]},
    )


def _export(
    render: Callable[..., str], media_type: str, suffix: str
) -> Callable[[str, Request, SessionDep, Lang | None], Response]:
    def endpoint(
        trip_id: str,
        request: Request,
        session: SessionDep,
        lang: Annotated[Lang | None, Query(description="names in zh or en (default: the request's language)")] = None,
    ) -> Response:
        saved = _load(session, trip_id)
        data = trip_json(saved, lang=lang)
        language = lang or (saved.request or {}).get("language") or "zh"
        page = str(request.url_for("trip_page", trip_id=saved.id))
        options: dict[str, Any] = {"lang": language, "title": data["title"]}
        if suffix in ("gpx", "ics"):
            options |= {"url": page, "created": created_at(saved)}
        elif suffix == "kml":
            options["url"] = page
        text = render(data, **options)
        return Response(
            text,
            media_type=media_type,
            headers={"Content-Disposition": f'attachment; filename="jinlv-{saved.id}.{suffix}"'},
        )

    return endpoint


EXPORTS = {
    "gpx": (exports.to_gpx, "application/gpx+xml", "GPX 1.1: stops and overnight towns as waypoints, days as tracks"),
    "kml": (exports.to_kml, "application/vnd.google-earth.kml+xml", "KML 2.2: a folder per day"),
    "ics": (exports.to_ics, "text/calendar; charset=utf-8", "iCalendar: one event per visit and per drive"),
    "geojson": (exports.geojson_text, "application/geo+json", "GeoJSON FeatureCollection of legs, stops, nights"),
}

for _fmt, (_render, _media, _summary) in EXPORTS.items():
    router.add_api_route(
        f"/itineraries/{{trip_id}}.{_fmt}",
        _export(_render, _media, _fmt),
        methods=["GET"],
        name=f"export_{_fmt}",
        summary=f"Export a trip as {_fmt.upper()}",
        description=_summary,
        response_class=Response,
        responses={200: {"content": {_media.split(";")[0]: {}}}, 404: {"description": "No such trip"}},
    )


@router.get("/itineraries/{trip_id}", responses={404: {"description": "No such trip"}})
def get_itinerary(trip_id: str, request: Request, session: SessionDep) -> JSONResponse:
    """A saved trip: the itinerary JSON as returned when it was planned."""
    saved = _load(session, trip_id)
    return JSONResponse(trip_json(saved) | {"links": trip_links(request, saved.id)})
