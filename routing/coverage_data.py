"""Inputs of the coverage audit from the database and from a bureau sign file; the one-call entry point.

:func:`coverage_from_database` is what the CLI (``jinlv coverage``) and the web page
(``POST /api/coverage``) call::

    with session_scope(get_engine()) as session:
        signs = signs_from_file(session, data, filename="signs.csv")  # or None: the database's signs
        result = coverage_from_database(session, signs=signs, road="taihang", reach_km=1.0)
    report = result.to_json()                       # the JSON of POST /api/coverage
    html = render_coverage_html(report, map_html=m)  # app.coverage_report; the page /bureau/coverage

where ``m`` may be a Folium map drawn from ``result.to_geojson()`` (gaps as lines along the road,
spots without approach sign and unmatched signs as points, ``properties.layer`` naming each).

A sign file is validated by the bureau import's own rules (:func:`gis_data.importers.batches.validate_file`)
without writing anything: a bad file raises :class:`gis_data.importers.ImportError_` listing every bad value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from shapely.geometry import LineString, shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from gis_data import models
from gis_data.settings import Settings, get_settings
from routing.coverage import CountyPolygon, CoverageResult, SignRecord, SpotRecord, TownRecord, analyse_coverage
from routing.junctions import JunctionFinder, NearestPointJunctions, NetworkJunctions


@dataclass(frozen=True)
class RoadLines:
    """A routed tourist road: its segments (WGS84) and names."""

    road_id: str
    name_zh: str
    name_en: str
    official_km: float | None
    lines: list[LineString]


def load_roads(session: Session) -> dict[str, RoadLines]:
    """Routed tourist roads (``tourist_roads.geometry``), in id order.

    Raises
    ------
    LookupError
        If no road has been routed (``jinlv data build`` has not run).
    """
    out = {}
    for road in session.scalars(select(models.TouristRoad).order_by(models.TouristRoad.id)):
        if not road.geometry:
            continue
        geom = shape(road.geometry)
        lines = list(geom.geoms) if hasattr(geom, "geoms") else [geom]
        lines = [line for line in lines if isinstance(line, LineString) and len(line.coords) >= 2]
        if lines:
            out[road.id] = RoadLines(road.id, road.name_zh, road.name_en, road.official_km, lines)
    if not out:
        msg = "no routed tourist road in the database: run `jinlv data build` first"
        raise LookupError(msg)
    return out


def load_spots(session: Session) -> list[SpotRecord]:
    """Every scenic spot (with or without coordinates)."""
    return [
        SpotRecord(s.id, s.name_zh, s.grade, s.lat, s.lon)
        for s in session.scalars(select(models.Spot).order_by(models.Spot.id))
    ]


def load_towns(session: Session) -> list[TownRecord]:
    """Lodging places (county seats and scenic-area towns) that have a point."""
    return [
        TownRecord(t.name_zh, t.lat, t.lon)
        for t in session.scalars(select(models.LodgingPlace).order_by(models.LodgingPlace.id))
        if t.lat is not None and t.lon is not None
    ]


def load_counties(session: Session) -> list[CountyPolygon]:
    """County polygons (WGS84), by adcode."""
    rows = session.scalars(
        select(models.Boundary).where(models.Boundary.level == "county").order_by(models.Boundary.adcode)
    )
    return [CountyPolygon(b.adcode, b.city, b.name_zh, shape(b.geometry)) for b in rows]


def signs_from_database(session: Session) -> list[SignRecord]:
    """The signs table."""
    return [
        SignRecord(
            id=s.id,
            lat=s.lat,
            lon=s.lon,
            kind=s.kind,
            languages=s.languages or "zh",
            target_spot_id=s.target_spot_id,
            road_id=s.road_id,
            bearing=s.bearing,
            synthetic=bool(s.synthetic),
        )
        for s in session.scalars(select(models.Sign).order_by(models.Sign.id))
    ]


def signs_from_file(session: Session, data: bytes, *, filename: str) -> list[SignRecord]:
    """Signs of a bureau file (CSV/GeoJSON), validated like ``jinlv import signs`` but not written.

    Raises
    ------
    gis_data.importers.ImportError_
        (a ``ValueError``) listing every bad row, field and value.
    ValueError
        If the file cannot be read at all.
    """
    from gis_data.importers.batches import validate_file

    rows, _ = validate_file(session, "signs", data, filename=filename)
    return [SignRecord.from_row(row) for row in rows]


def network_junctions(settings: Settings | None = None) -> NetworkJunctions:
    """The network junction finder on the active network (the one the roads were routed on)."""
    from routing.store import active_network

    settings = settings or get_settings()
    return NetworkJunctions(active_network(settings), max_spot_snap_km=settings.max_snap_km)


def coverage_from_database(
    session: Session,
    *,
    signs: Sequence[SignRecord] | None = None,
    inventory: str | None = None,
    road: str | Sequence[str] | None = None,
    junctions: JunctionFinder | str = "network",
    settings: Settings | None = None,
    **options: Any,
) -> CoverageResult:
    """Run :func:`routing.coverage.analyse_coverage` on the database's roads, spots, towns and counties.

    Parameters
    ----------
    session
        Open database session.
    signs
        The inventory to audit; None means the database's ``signs`` table.
    inventory
        How to describe the inventory in the report (default: "database" or "N signs given").
    road
        A road id (or several) to report; default all routed roads.
    junctions
        ``"network"`` (default: shortest path on the active road network), ``"nearest_point"``, or a
        junction finder.
    settings
        Settings for the active network (default: the process settings).
    **options
        Keyword options of :func:`~routing.coverage.analyse_coverage` (``tolerance_m``, ``reach_km``,
        ``gap_km``, ``spot_radius_km``, ``approach_km``, ``grades``, ``use_bearing``,
        ``require_both_sides``, ``crs``).

    Raises
    ------
    LookupError
        If no road is routed, or ``road`` names a road that is not.
    ValueError
        If an option is out of range or ``junctions`` is unknown.
    """
    roads = load_roads(session)
    wanted = None if road is None else [road] if isinstance(road, str) else list(road)
    for r in wanted or []:
        if r not in roads:
            msg = f"road {r!r} is not routed in the database (routed: {', '.join(roads)})"
            raise LookupError(msg)
    if isinstance(junctions, str):
        if junctions == "network":
            finder: JunctionFinder = network_junctions(settings)
        elif junctions == "nearest_point":
            finder = NearestPointJunctions()
        else:
            msg = f"junctions must be 'network' or 'nearest_point', got {junctions!r}"
            raise ValueError(msg)
    else:
        finder = junctions
    if signs is None:
        signs = signs_from_database(session)
        inventory = inventory or "database (signs table)"
    return analyse_coverage(
        {rid: r.lines for rid, r in roads.items()},
        list(signs),
        spots=load_spots(session),
        towns=load_towns(session),
        counties=load_counties(session),
        report_roads=wanted,
        road_names={rid: f"{r.name_zh} {r.name_en}" for rid, r in roads.items()},
        official_km={rid: r.official_km for rid, r in roads.items() if r.official_km is not None},
        junctions=finder,
        inventory=inventory or f"{len(signs)} signs given",
        **options,
    )
