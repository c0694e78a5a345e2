"""The pages: planner form, trip, printable day sheet, the layers map and the bureau's coverage audit.

Server-rendered with Jinja2 (``app/templates``) in Chinese or English (:mod:`app.web.i18n`); maps
are Folium maps served without CDN (:mod:`app.web.maps`).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from app.api.deps import SessionDep, SettingsDep
from app.api.routes.coverage import read_upload
from app.api.routes.spots import spot_out
from app.commands.roads import roads_feature_collection
from app.coverage_report import template_env
from app.services.coverage import ROADS, CoverageOptions, run_coverage
from app.services.trips import (
    PlannerBusy,
    TripError,
    created_at,
    data_fingerprint,
    get_trip,
    plan_and_save,
    trip_json,
)
from app.web import forms
from app.web.i18n import COOKIE, LANGS, Translator, lang_url, request_lang
from app.web.maps import MapParts, coverage_map, map_parts, overview_map, trip_map
from gis_data import models
from gis_data.check import lodging_beds
from gis_data.gazetteer import Gazetteer
from gis_data.settings import PROJECT_ROOT
from itineraries.exports import DAY_COLOURS, duration_text, timeline
from itineraries.request import CHINA_TZ, MAX_DAYS, MAX_MUST_SEE
from itineraries.themes import presets, themes

STATIC_DIR = PROJECT_ROOT / "static"
router = APIRouter(include_in_schema=False)


@cache
def _templates() -> Jinja2Templates:
    env = template_env()
    env.globals["static"] = static_url
    return Jinja2Templates(env=env)


def static_url(path: str) -> str:
    """``/static/{path}`` with a version query from the file's modification time (cache busting)."""
    file = STATIC_DIR / path
    try:
        version = int(file.stat().st_mtime)
    except OSError:
        version = 0
    return f"/static/{path}?v={version}"


def render(request: Request, name: str, context: dict[str, Any], *, status_code: int = 200) -> HTMLResponse:
    """Render a page in the request's language; ``?lang=`` is remembered in a cookie."""
    lang = request_lang(request)
    t = Translator(lang)
    base = {
        "lang": lang,
        "_": t,
        "_n": t.n,
        "t": t,
        "lang_url": lambda code: lang_url(request, code),
        "path": request.url.path,
    }
    response = _templates().TemplateResponse(request, name, base | context, status_code=status_code)
    if request.query_params.get("lang") in LANGS:
        response.set_cookie(COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response


def not_found(request: Request, message: str) -> HTMLResponse:
    return render(request, "404.html", {"message": message}, status_code=404)


# -- planner --------------------------------------------------------------------------------------


def _planner_context(session: SessionDep, t: Translator) -> dict[str, Any]:
    gazetteer = Gazetteer.from_session(session)
    places = sorted(
        (p for p in gazetteer.places if p.located and p.kind in ("city", "town", "spot")),
        key=lambda p: ({"city": 0, "town": 1, "spot": 2}[p.kind], p.name_zh),
    )
    grade_order = {"5A": 0, "4A": 1, "3A": 2}
    spots = sorted(
        (spot_out(s) for s in session.scalars(select(models.Spot)) if s.lat is not None),
        key=lambda s: (grade_order.get(s.grade, 3), s.city, s.name_zh),
    )
    # the heritage sites the planner can visit on their own (those inside a spot are visited with it)
    heritage = [
        {"id": h.id, "name_zh": h.name_zh, "name_en": "", "city": h.city}
        for h in session.scalars(
            select(models.HeritageSite).order_by(models.HeritageSite.city, models.HeritageSite.name_zh)
        )
        if h.visitable and h.spot_id is None and h.lat is not None
    ]
    return {
        "places": [{"value": t.name(p), "label": p.name_zh if t.lang == "en" else p.name_en} for p in places],
        "spots": spots,
        "heritage": heritage,
        "themes": list(themes().values()),
        "presets": list(presets().values()),
        "city_names": {p.name_zh: (p.name_en if t.lang == "en" else p.name_zh) for p in places if p.kind == "city"},
        "max_days": MAX_DAYS,
        "max_must_see": MAX_MUST_SEE,
    }


def _routable(session: SessionDep) -> Callable[[str], bool]:
    """Whether a place id has coordinates (can be a must-see of a trip)."""
    gazetteer = Gazetteer.from_session(session)

    def routable(place_id: str) -> bool:
        place = gazetteer.get(place_id)
        return place is not None and place.located

    return routable


@router.get("/", response_class=HTMLResponse, name="planner")
def planner(request: Request, session: SessionDep) -> HTMLResponse:
    """The planner form (``?from=TRIP`` edits a trip, ``?preset=ID`` starts from a boutique line,
    ``?must_see=ID&start=...`` pre-selects)."""
    t = Translator(request_lang(request))
    values = forms.default_form()
    q = request.query_params
    if q.get("from") and (saved := get_trip(session, q["from"])) is not None:
        values = forms.form_from_request(saved.request or {})
    elif q.get("preset") and (preset := forms.form_from_preset(q["preset"], routable=_routable(session))) is not None:
        values = preset
    if q.getlist("must_see"):
        values["must_see"] = [v for v in q.getlist("must_see") if v][:MAX_MUST_SEE]
    if q.get("start"):
        values["start"] = q["start"][:80]
    return render(request, "planner.html", _planner_context(session, t) | {"values": values, "errors": {}})


def wants_json(request: Request) -> bool:
    """Whether the page's script posted the form (``Accept: application/json``)."""
    return "application/json" in request.headers.get("accept", "")


@router.post("/trips", name="plan_form")
async def plan_form(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """The planner form posted: plan, then go to the trip page (or show the form with errors).

    With ``Accept: application/json`` (the page's script) the answer is ``{"id", "url"}`` (201) or
    ``{"errors": {field: message}}`` (422).
    """
    lang = request_lang(request)
    t = Translator(lang)
    values = forms.form_values(await request.form())
    errors: list[dict[str, Any]] = []
    status = 422
    try:
        trip_request = forms.validate(forms.request_data(values, lang=lang))
    except ValidationError as exc:
        errors = forms.pydantic_errors(exc)
    else:
        try:
            planned = await run_in_threadpool(plan_and_save, session, trip_request, settings=settings)
        except TripError as exc:
            errors = exc.errors
        except PlannerBusy:
            errors = [
                {"loc": ["body"], "msg": t("The planner is busy; please try again in a few seconds."), "type": ""}
            ]
            status = 503
        else:
            url = str(request.url_for("trip_page", trip_id=planned.saved.id).path)
            if wants_json(request):
                return JSONResponse({"id": planned.saved.id, "url": url}, status_code=201)
            return RedirectResponse(url, status_code=303)
    messages = forms.field_errors(errors, t)
    if wants_json(request):
        return JSONResponse({"errors": messages}, status_code=status)
    context = _planner_context(session, t) | {"values": values, "errors": messages}
    return render(request, "planner.html", context, status_code=status)


@router.get("/trips", name="trips_index")
def trips_index(request: Request) -> RedirectResponse:
    """There is no list of trips (they are private to whoever has the link): go to the planner."""
    lang = request.query_params.get("lang")
    return RedirectResponse(f"/?lang={lang}" if lang in LANGS else "/", status_code=307)


# -- trip -----------------------------------------------------------------------------------------


def schedule(itinerary: dict[str, Any], t: Translator) -> list[dict[str, Any]]:
    """The days as the trip page and the day sheet show them: each with its items in order
    (``start``, ``drive``, ``visit``, ``end``), numbered stops and the day's colour."""
    events = timeline(itinerary)
    number = 0
    out = []
    named = itinerary.get("start_place") or {}
    for d, day in enumerate(itinerary["days"]):
        place = t.name(day["start"])
        if d == 0 and named and named.get("id") != day["start"]["id"] and t.name(named) != place:
            place = f"{t.name(named)} · {place}"  # a city starts from its seat town
        items: list[dict[str, Any]] = [{"kind": "start", "time": day["start"].get("time") or "", "place": place}]
        names = {day["start"]["id"]: day["start"], day["end"]["id"]: day["end"]}
        names |= {s["place_id"]: s for s in day["stops"]}
        for ev in (e for e in events if e.day == day["index"]):
            if ev.kind == "drive":
                leg = ev.leg
                road_km = round(sum((leg.get("tourist_road_km") or {}).values()), 1)
                items.append(
                    {
                        "kind": "drive",
                        "from": t.name(names.get(leg["from_id"], {"name_zh": leg["from_name"]})),
                        "to": t.name(names.get(leg["to_id"], {"name_zh": leg["to_name"]})),
                        "depart": ev.start.strftime("%H:%M"),
                        "arrive": ev.end.strftime("%H:%M"),
                        "km": leg["km"],
                        "minutes": leg["minutes"],
                        "duration": duration_text(leg["minutes"], lang=t.lang),
                        "road_km": road_km,
                    }
                )
            else:
                number += 1
                stop = ev.stop
                items.append(
                    {
                        "kind": "visit",
                        "number": number,
                        "stop": stop,
                        "name": t.name(stop),
                        "other_name": stop["name_zh"] if t.lang == "en" else stop.get("name_en") or "",
                        "duration": duration_text(stop["visit_minutes"], lang=t.lang),
                        "notes": [t(n) for n in stop.get("notes") or []],
                    }
                )
        night = day.get("overnight")
        items.append({"kind": "end", "time": day["ends_at"], "place": t.name(day["end"]), "overnight": night})
        day_date = date.fromisoformat(day["date"])
        out.append(
            {
                "index": day["index"],
                "date": day["date"],
                "weekday": t.weekday(day_date),
                "colour": DAY_COLOURS[d % len(DAY_COLOURS)],
                "items": items,
                "stops": len(day["stops"]),
                "drive_km": day["drive_km"],
                "drive": duration_text(day["drive_minutes"], lang=t.lang),
                "visit": duration_text(day["visit_minutes"], lang=t.lang),
                "ends_at": day["ends_at"],
                "overnight": night,
                "overnight_name": t.name(night) if night else "",
            }
        )
    return out


def trip_view(
    data: dict[str, Any], t: Translator, *, share_url: str, road_names: dict[str, str], created: datetime | None
) -> dict[str, Any]:
    """What the trip page and the day sheet show of a trip's JSON (:func:`trip_json`)."""
    totals = data.get("totals") or {}
    trip_id = data.get("id") or ""
    api = f"/api/itineraries/{trip_id}"
    return {
        "trip": data,
        "title": data["title"],
        "days": schedule(data, t),
        "totals": totals,
        "total_drive": duration_text(totals.get("drive_minutes", 0), lang=t.lang),
        "road_names": road_names,
        "notes": [t(n) for n in data.get("notes") or []],
        "created": created.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M") if created else "",
        "share_url": share_url,
        "exports": [
            ("gpx", t("GPX (navigation apps)"), f"{api}.gpx?lang={t.lang}"),
            ("kml", t("KML (Google Earth)"), f"{api}.kml?lang={t.lang}"),
            ("ics", t("ICS (calendar)"), f"{api}.ics?lang={t.lang}"),
            ("geojson", t("GeoJSON (GIS)"), f"{api}.geojson?lang={t.lang}"),
        ],
        "first_date": data["days"][0]["date"] if data["days"] else "",
        "last_date": data["days"][-1]["date"] if data["days"] else "",
    }


def _trip_view(request: Request, session: SessionDep, saved: models.SavedItinerary, t: Translator) -> dict[str, Any]:
    return trip_view(
        trip_json(saved, lang=t.lang),
        t,
        share_url=str(request.url_for("trip_page", trip_id=saved.id)),
        road_names=road_names(session, t),
        created=created_at(saved),
    )


def print_sheet(
    data: dict[str, Any], *, lang: str, share_url: str = "", road_names: dict[str, str] | None = None
) -> str:
    """The printable day sheet of a trip's JSON as one self-contained HTML file (styles inline, no
    links into the site), for agency batch files."""
    t = Translator(lang)
    created = data.get("created_at")
    view = trip_view(
        data,
        t,
        share_url=share_url,
        road_names=road_names or {},
        created=datetime.fromisoformat(created) if created else None,
    )
    context = {
        "lang": t.lang,
        "_": t,
        "_n": t.n,
        "t": t,
        "lang_url": lambda code: f"?lang={code}",
        "path": "",
        "standalone": True,
        "inline_css": _app_css(),
    }
    return _templates().env.get_template("print.html").render(view | context)


@cache
def _app_css() -> str:
    try:
        return (STATIC_DIR / "css" / "app.css").read_text(encoding="utf-8")
    except OSError:
        return ""


def road_names(session: SessionDep, t: Translator) -> dict[str, str]:
    """The No.1 tourist roads' names in the page language, by road id."""
    return {r.id: (r.name_en if t.lang == "en" else r.name_zh) for r in session.scalars(select(models.TouristRoad))}


TRIP_MAP_CACHE_SIZE = 256
_TRIP_MAPS: OrderedDict[tuple[str, str, str, str], MapParts] = OrderedDict()
_TRIP_MAPS_LOCK = threading.Lock()


@router.get("/trips/{trip_id}", response_class=HTMLResponse, name="trip_page")
def trip_page(trip_id: str, request: Request, session: SessionDep, settings: SettingsDep) -> HTMLResponse:
    """A saved trip: map beside the day-by-day schedule, totals, notes and exports."""
    t = Translator(request_lang(request))
    saved = get_trip(session, trip_id)
    if saved is None:
        return not_found(request, t("There is no trip {id}.", id=trip_id))
    view = _trip_view(request, session, saved, t)
    key = (trip_id, t.lang, settings.tiles, data_fingerprint(session, settings))
    with _TRIP_MAPS_LOCK:
        parts = _TRIP_MAPS.get(key)
    if parts is None:
        # A saved trip never changes: its rendered map is reused until the data or network change.
        parts = map_parts(trip_map(view["trip"], roads_feature_collection(session), settings, t))
        with _TRIP_MAPS_LOCK:
            _TRIP_MAPS[key] = parts
            while len(_TRIP_MAPS) > TRIP_MAP_CACHE_SIZE:
                _TRIP_MAPS.popitem(last=False)
    return render(request, "trip.html", view | {"map": parts})


@router.get("/trips/{trip_id}/print", response_class=HTMLResponse, name="trip_print")
def trip_print(trip_id: str, request: Request, session: SessionDep) -> HTMLResponse:
    """The printable day sheet of a trip (no map)."""
    t = Translator(request_lang(request))
    saved = get_trip(session, trip_id)
    if saved is None:
        return not_found(request, t("There is no trip {id}.", id=trip_id))
    return render(request, "print.html", _trip_view(request, session, saved, t))


# -- layers map -----------------------------------------------------------------------------------


@router.get("/map", response_class=HTMLResponse, name="layers_map")
def layers_map(request: Request, session: SessionDep, settings: SettingsDep) -> HTMLResponse:
    """Every layer on one map with a layer control."""
    t = Translator(request_lang(request))
    spots = [spot_out(s).model_dump() for s in session.scalars(select(models.Spot).order_by(models.Spot.id))]
    beds = lodging_beds(session)
    lodging = []
    for lp in session.scalars(select(models.LodgingPlace).order_by(models.LodgingPlace.id)):
        count, estimated = beds.get(lp.id, (lp.estimated_beds, True))
        lodging.append(
            {
                "id": lp.id,
                "name_zh": lp.name_zh,
                "name_en": lp.name_en,
                "city": lp.city,
                "lat": lp.lat,
                "lon": lp.lon,
                "beds": count,
                "beds_estimated": estimated,
                "estimate_basis": lp.estimate_basis,
            }
        )
    heritage = [
        {
            "name_zh": h.name_zh,
            "type": h.type,
            "dynasty": h.dynasty,
            "city": h.city,
            "lat": h.lat,
            "lon": h.lon,
            "visitable": h.visitable,
        }
        for h in session.scalars(select(models.HeritageSite).order_by(models.HeritageSite.id))
    ]
    catalogue = themes()
    theme_names = {k: (v.name_en if t.lang == "en" else v.name_zh) for k, v in catalogue.items()}
    m = overview_map(
        spots=spots,
        lodging=lodging,
        heritage=heritage,
        roads=roads_feature_collection(session),
        theme_names=theme_names,
        settings=settings,
        t=t,
    )
    return render(request, "map.html", {"map": map_parts(m), "theme_names": theme_names})


# -- bureau coverage ------------------------------------------------------------------------------


def _coverage_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    *,
    data: bytes | None = None,
    filename: str | None = None,
    options: CoverageOptions | None = None,
    file_error: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    t = Translator(request_lang(request))
    options = options or CoverageOptions()
    run = run_coverage(session, settings, data=data, filename=filename, options=options)
    reported = [r["road_id"] for r in run.report["roads"]]
    collection = roads_feature_collection(session)
    m = coverage_map(
        run.result.to_geojson(),
        collection,
        reported,
        settings,
        t,
        approach_km=run.report["parameters"]["approach_km"],
    )
    parts = map_parts(m)
    roads = {f["properties"]["road"]: f["properties"] for f in collection["features"]}
    road_labels = {rid: (roads[rid]["name_en"] if t.lang == "en" else roads[rid]["name_zh"]) for rid in roads}
    return render(
        request,
        "bureau_coverage.html",
        {
            "report": run.report,
            "run": run,
            "map": parts,
            "map_html": None,
            "title": None,
            "generated": None,
            "options": options,
            "roads": ROADS,
            "road_labels": road_labels,
            "file_error": file_error,
            "report_json": json.dumps(run.report, ensure_ascii=False),
        },
        status_code=status_code,
    )


@router.get("/bureau/coverage", response_class=HTMLResponse, name="bureau_coverage")
def bureau_coverage(request: Request, session: SessionDep, settings: SettingsDep) -> HTMLResponse:
    """The signage coverage audit of the default inventory (the SYNTHETIC sample unless signs were
    imported)."""
    return _coverage_page(request, session, settings)


@router.post("/bureau/coverage", response_class=HTMLResponse)
async def bureau_coverage_upload(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    file: Annotated[UploadFile | None, File()] = None,
    road: Annotated[list[str] | None, Form()] = None,
    reach_km: Annotated[str, Form()] = "",
    gap_km: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """The audit of an uploaded sign file (bad rows are listed above the default audit)."""
    defaults = CoverageOptions()

    def number(text: str, default: float, upper: float) -> float:
        try:
            value = float(text)
        except ValueError:
            return default
        return value if 0 < value <= upper else default

    options = CoverageOptions(
        roads=tuple(r for r in ROADS if r in (road or ())),
        reach_km=number(reach_km, defaults.reach_km, 50),
        gap_km=number(gap_km, defaults.gap_km, 500),
    )
    try:
        data, filename = await read_upload(file)
        return await run_in_threadpool(
            _coverage_page, request, session, settings, data=data, filename=filename, options=options
        )
    except (ValueError, LookupError) as exc:
        rows = [e.to_json() for e in getattr(exc, "errors", [])][:200]
        error = {"message": str(exc).splitlines()[0], "rows": rows}
        return await run_in_threadpool(
            _coverage_page, request, session, settings, options=options, file_error=error, status_code=422
        )


def vendor_ready() -> bool:
    """Whether ``make setup`` has installed the front-end assets into ``static/vendor``."""
    return (STATIC_DIR / "vendor" / "leaflet" / "leaflet.js").is_file()


def static_dir() -> Path:
    return STATIC_DIR
