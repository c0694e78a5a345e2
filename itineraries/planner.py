"""Plan a multi-day trip: build the OPHS problem from a request, solve it, assemble the itinerary.

Vertices are the lodging places (hotels of the OPHS), a separate start/end point when the trip
starts or ends somewhere that is not a lodging town, and the candidate places to visit. Travel
times come from the road network (preferring tourist roads if asked); each day is a trip limited
by the daily window (visits, driving and waiting) and by the daily driving cap; every night is spent
in a town with at least the group's beds; visits respect opening hours and closures of their date.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from gis_data.gazetteer import Place
from itineraries.calendar import day_status
from itineraries.catalog import Candidate, Catalog, Lodging
from itineraries.itinerary import Day, Itinerary, Leg, Overnight, Stop
from itineraries.problem import ProblemData
from itineraries.request import TripRequest
from itineraries.scoring import place_score
from itineraries.solver import extend, solve
from itineraries.themes import theme_memberships
from routing.backends import RoutingBackend
from routing.matrix_cache import cached_matrix
from routing.router import ROAD_IDS, Waypoint

DEFAULT_TIME_LIMIT = 0.8
# Shanxi has ~120 lodging towns. Offering all of them fits in the time limit (the hotel
# pre-computation takes ~0.1-0.3 s), but within 0.8 s the search then explores worse: measured with
# `benchmarks/plan.py --max-hotels N` against best-found references, 24 well-spread towns gave the
# smallest gaps (5 days from 太原: 1.0 % with 16, 24 or 32 towns, 3-4 % with 48 or all; 14 days:
# 4 % with 24, 5.5 % with 16, 10 % with 32 or more). A trip only ever sleeps near the places worth
# visiting.
DEFAULT_MAX_HOTELS = 24
REACH_SLACK = 1.1
MUST_SEE_TOWNS = 3


class InfeasibleTrip(ValueError):
    """No trip satisfies the request; ``reasons`` says which constraint and why."""

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__("no feasible trip: " + "; ".join(reasons))


@dataclass(frozen=True)
class _Vertex:
    kind: str  # "lodging", "endpoint" or "poi"
    id: str
    name_zh: str
    name_en: str
    lat: float
    lon: float
    lodging: Lodging | None = None
    candidate: Candidate | None = None


def _hhmm(minutes: float) -> str:
    total = round(minutes)
    return f"{total // 60:02d}:{total % 60:02d}"


def _locate(place: Place, what: str) -> Place:
    if not place.located:
        msg = f"{what} {place.name_zh!r} has no coordinates in the data and cannot be routed"
        raise ValueError(msg)
    return place


def _lodging_at(place: Place, catalog: Catalog) -> Lodging | None:
    if place.kind == "town":
        return next((lp for lp in catalog.lodging if lp.id == place.id), None)
    if place.kind == "city":
        return next((lp for lp in catalog.lodging if (lp.lat, lp.lon) == (place.lat, place.lon)), None)
    return None


def _resolve_places(request: TripRequest, catalog: Catalog) -> tuple[list[str], set[str]]:
    must, excluded = [], set()
    for text in request.exclude:
        excluded.add(catalog.gazetteer.resolve(text, kinds=("spot", "heritage")).id)
    for text in request.must_see:
        place = catalog.gazetteer.resolve(text, kinds=("spot", "heritage"))
        if place.id in excluded:
            msg = f"must-see {place.name_zh!r} is also in the excluded places"
            raise ValueError(msg)
        if catalog.candidate(place.id) is None:
            why = (
                "has no coordinates in the data"
                if place.id in catalog.unlocated_spots
                else ("is not open to visitors as far as the data show")
            )
            raise InfeasibleTrip([f"must-see {place.name_zh} ({place.id}) {why}"])
        if place.id not in must:
            must.append(place.id)
    return must, excluded


BedsLeft = Callable[[str, date], int]


def build_problem(
    request: TripRequest,
    catalog: Catalog,
    router: RoutingBackend,
    *,
    cache_dir: Path | None = None,
    beds_left: BedsLeft | None = None,
    max_hotels: int | None = DEFAULT_MAX_HOTELS,
) -> tuple[ProblemData, list[_Vertex], dict[str, Any]]:
    """The OPHS problem for ``request``, its vertices, and facts needed to explain infeasibility.

    ``beds_left(town_id, night)`` gives the beds still free in a town on a night (when several
    groups share the towns, e.g. in an agency batch); default: all of the town's beds.
    ``max_hotels`` caps the lodging towns offered to the solver (see :func:`_select_hotels`);
    None offers every town.
    """
    start_place = _locate(catalog.gazetteer.resolve(request.start), "start")
    must, excluded = _resolve_places(request, catalog)
    vertices: list[_Vertex] = []
    for lp in catalog.lodging:
        vertices.append(_Vertex("lodging", lp.id, lp.name_zh, lp.name_en, lp.lat, lp.lon, lodging=lp))
    index = {v.id: i for i, v in enumerate(vertices)}

    def endpoint(place: Place, label: str) -> int:
        lodging = _lodging_at(place, catalog)
        if lodging is not None:
            return index[lodging.id]
        vertices.append(_Vertex("endpoint", f"{label}:{place.id}", place.name_zh, place.name_en, place.lat, place.lon))
        return len(vertices) - 1

    start = endpoint(start_place, "start")
    if request.round_trip:
        end: int | None = start
    elif request.open_end:
        end = None
    else:
        end = endpoint(_locate(catalog.gazetteer.resolve(request.end), "end"), "end")
    hotels = tuple(range(len(vertices)))
    for c in catalog.candidates:
        # a heritage site named as a must-see is visited even when heritage sites are not offered
        if c.id in excluded or (c.layer == "heritage" and not request.include_heritage and c.id not in must):
            continue
        vertices.append(_Vertex("poi", c.id, c.name_zh, c.name_en, c.lat, c.lon, candidate=c))
    n, days = len(vertices), request.days
    points = [Waypoint(v.id, v.lat, v.lon) for v in vertices]
    matrix = cached_matrix(router, points, cache_dir=cache_dir, prefer_tourist_roads=request.prefer_tourist_roads)
    travel = np.array(matrix.minutes, dtype=float)
    np.fill_diagonal(travel, 0.0)

    scores = np.zeros(n)
    service = np.zeros(n)
    available = np.ones((days, n), dtype=bool)
    tw_open = np.zeros((days, n))
    tw_close = np.full((days, n), np.inf)
    day_start = request.day_start_minute
    dates = request.dates()
    closed_every_day: list[str] = []
    in_theme = np.zeros(n, dtype=bool)
    for i, v in enumerate(vertices):
        if v.kind != "poi":
            continue
        c = v.candidate
        memberships = theme_memberships(c.id)
        scores[i] = place_score(c.grade, memberships, request.themes)
        in_theme[i] = bool(memberships & request.themes.keys())
        service[i] = round(c.visit_minutes * request.pace.visit_factor)
        for d, day in enumerate(dates):
            status = day_status(c.hours, c.closures, day)
            latest = status.close_minute - service[i] - day_start
            earliest = max(0.0, status.open_minute - day_start)
            if not status.open or latest < earliest:
                available[d, i] = False
                continue
            tw_open[d, i] = earliest
            tw_close[d, i] = latest
        if not available[:, i].any() and c.id in must:
            closed_every_day.append(c.name_zh)
    if closed_every_day:
        names = ", ".join(closed_every_day)
        raise InfeasibleTrip(
            [
                f"must-see {names} is closed (or its opening hours do not fit the day) on every "
                f"day from {dates[0]} to {dates[-1]}"
            ]
        )

    allowed = np.zeros((days, n), dtype=bool)
    for i in hotels:
        v = vertices[i]
        if v.kind != "lodging":
            continue
        for d, night in enumerate(dates):
            free = v.lodging.beds if beds_left is None else beds_left(v.lodging.id, night)
            allowed[d, i] = free >= request.group_size
    # A night's town must be within reach of the start, and of the end, at the daily driving limit
    # (with 10 % slack): this keeps a 4-day trip from 大同 from being offered towns near 运城.
    nights_possible = int(allowed[: max(days - 1, 1)].any(axis=0).sum())  # by beds alone
    day_drive = request.max_drive_hours * 60.0 * REACH_SLACK
    for d in range(days):
        allowed[d] &= travel[start, :] <= (d + 1) * day_drive
        if end is not None:
            allowed[d] &= travel[:, end] <= (days - 1 - d) * day_drive
    if end is not None:
        allowed[days - 1, :] = False
        allowed[days - 1, end] = True
    mandatory = [i for i, v in enumerate(vertices) if v.id in must]
    keep_hotels = _select_hotels(
        travel,
        scores,
        hotels,
        allowed,
        keep=[start] + ([] if end is None else [end]),
        mandatory=mandatory,
        reach=min(request.max_drive_hours * 30.0, 120.0),
        limit=max_hotels,
    )
    keep = np.array(keep_hotels + [i for i in range(n) if i not in hotels], dtype=int)
    remap = {int(old): new for new, old in enumerate(keep)}
    vertices = [vertices[i] for i in keep]
    travel, scores, service, in_theme = travel[np.ix_(keep, keep)], scores[keep], service[keep], in_theme[keep]
    available, tw_open, tw_close, allowed = available[:, keep], tw_open[:, keep], tw_close[:, keep], allowed[:, keep]
    start, end = remap[start], (None if end is None else remap[end])
    hotels = tuple(range(len(keep_hotels)))
    n = len(vertices)
    data = ProblemData(
        travel=travel,
        scores=scores,
        hotels=hotels,
        start=start,
        end=end,
        trip_limits=np.full(days, float(request.window_minutes)),
        trip_travel_limits=np.full(days, request.max_drive_hours * 60.0),
        service=service,
        available=available,
        time_window_open=tw_open,
        time_window_close=tw_close,
        hotel_allowed=allowed,
        mandatory=tuple(remap[i] for i in mandatory),
        name=f"trip from {request.start}",
    )
    facts = {"nights_possible": nights_possible, "in_theme": in_theme}
    return data, vertices, facts


def _select_hotels(
    travel: np.ndarray,
    scores: np.ndarray,
    hotels: tuple[int, ...],
    allowed: np.ndarray,
    *,
    keep: list[int],
    mandatory: list[int],
    reach: float,
    limit: int | None,
) -> list[int]:
    """The lodging towns to offer the solver: the start/end, the nearest allowed town of every
    must-see place, then greedily the towns that add most value within ``reach`` minutes of the
    places to visit (facility-location style with diminishing returns, so the picks spread out)."""
    usable = [h for h in hotels if allowed[:, h].any() or h in keep]
    if limit is None or len(usable) <= limit:
        return sorted(set(usable) | set(keep))
    chosen: list[int] = list(dict.fromkeys(keep))
    pois = np.flatnonzero(scores > 0)
    candidates = [h for h in usable if allowed[:, h].any()]
    # a few towns near each must-see place: the nights around a far one (老牛湾) need a choice
    per_must = max(1, min(MUST_SEE_TOWNS, (limit - len(chosen)) // max(1, len(mandatory))))
    for m in mandatory:
        for nearest in sorted(candidates, key=lambda h: min(travel[h, m], travel[m, h]))[:per_must]:
            if nearest not in chosen:
                chosen.append(nearest)
    near = np.minimum(travel[np.ix_(candidates, pois)], travel[np.ix_(pois, candidates)].T)
    cover = np.clip(1.0 - near / reach, 0.0, 1.0) * scores[pois][None, :]
    covered = np.zeros(pois.size)
    for h in chosen:
        if h in candidates:
            covered = np.maximum(covered, cover[candidates.index(h)])
    while len(chosen) < limit:
        gain = np.maximum(cover - covered[None, :], 0.0).sum(axis=1)
        for h in chosen:
            if h in candidates:
                gain[candidates.index(h)] = -1.0
        best = int(np.argmax(gain))
        if gain[best] <= 0:
            break
        chosen.append(candidates[best])
        covered = np.maximum(covered, cover[best])
    return sorted(chosen)


def _named(reason: str, vertices: list[_Vertex]) -> str:
    """A solver reason with vertex numbers replaced by place names."""

    def name(match: re.Match[str]) -> str:
        i = int(match.group(2))
        return f"{match.group(1)} {vertices[i].name_zh}" if 0 <= i < len(vertices) else match.group(0)

    reason = re.sub(r"\b(POI|vertex|hotel) (\d+)", name, reason)
    return re.sub(
        r"\[([\d, ]+)\]",
        lambda m: ", ".join(
            vertices[int(x)].name_zh for x in m.group(1).split(",") if x.strip().isdigit() and int(x) < len(vertices)
        ),
        reason,
    )


def _explain_nights(request: TripRequest, data: ProblemData, vertices: list[_Vertex]) -> list[str]:
    """Why no sequence of overnight towns exists, in the traveller's terms (empty if one exists)."""
    reach = min(request.window_minutes, request.max_drive_hours * 60.0)
    frontier = {data.start}
    for d in range(data.num_trips):
        night = request.start_date + timedelta(days=d)
        allowed = np.flatnonzero(data.hotel_allowed[d])
        nxt = {int(h) for h in allowed if any(data.travel[f, h] <= reach for f in frontier)}
        if not nxt:
            if d == data.num_trips - 1 and data.end is not None:
                return [
                    f"{vertices[data.end].name_zh} cannot be reached on the last day ({night}) within "
                    f"{request.max_drive_hours:g} h of driving from the towns reachable before it"
                ]
            return [
                f"night {d + 1} ({night}): no town with {request.group_size} free beds lies within "
                f"{request.max_drive_hours:g} h of driving of where day {d + 1} starts"
            ]
        frontier = nxt
    return []


def plan_trip(
    request: TripRequest,
    catalog: Catalog,
    router: RoutingBackend,
    *,
    cache_dir: Path | None = None,
    seed: int = 0,
    time_limit: float = DEFAULT_TIME_LIMIT,
    beds_left: BedsLeft | None = None,
    max_hotels: int | None = DEFAULT_MAX_HOTELS,
    solver_options: dict[str, Any] | None = None,
) -> Itinerary:
    """Plan the trip, or raise :class:`InfeasibleTrip` saying why none exists.

    ``solver_options`` go to :func:`itineraries.solver.solve` (say, longer stall limits for the
    reference runs of ``benchmarks/plan_quality.py``).

    Raises
    ------
    InfeasibleTrip
        Must-see places that cannot be fitted, no town with enough beds in reach, ...
    LookupError, ValueError
        Unknown or unroutable places in the request.
    """
    data, vertices, facts = build_problem(
        request, catalog, router, cache_dir=cache_dir, beds_left=beds_left, max_hotels=max_hotels
    )
    if request.days > 1 and facts["nights_possible"] == 0:
        raise InfeasibleTrip([f"no lodging town has {request.group_size} free beds for the group"])
    result = _solve_theme_first(
        request, data, facts["in_theme"], seed=seed, time_limit=time_limit, options=solver_options or {}
    )
    if not result.feasible:
        reasons = [
            f"must-see {vertices[v].name_zh} ({vertices[v].id}): {why}" for v, why in result.unplaced_mandatory.items()
        ]
        reasons += _explain_nights(request, data, vertices)
        if not reasons:
            reasons = [_named(reason, vertices) for reason in result.reasons if "mandatory POI" not in reason]
        raise InfeasibleTrip(reasons or ["no trip fits the daily window, driving limit and lodging constraints"])
    return _assemble(request, data, vertices, result, router)


def _solve_theme_first(
    request: TripRequest,
    data: ProblemData,
    in_theme: np.ndarray,
    *,
    seed: int,
    time_limit: float,
    options: dict[str, Any],
) -> Any:
    """Solve; with themes, lexicographically: the tour of the theme's places (and the must-see
    places) first, then other places only in the time the theme leaves free."""
    if not request.themes:
        return solve(data, seed=seed, time_limit=time_limit, **options)
    keep = in_theme.copy()
    keep[list(data.mandatory)] = True
    theme_only = dataclasses.replace(data, scores=np.where(keep, data.scores, 0.0))
    first = solve(theme_only, seed=seed, time_limit=time_limit, **options)
    if not first.feasible:
        return first
    filled = extend(data, first.trips, first=keep, seed=seed)
    return dataclasses.replace(
        first,
        trips=filled.trips,
        trip_durations=filled.trip_durations,
        trip_travel_times=filled.trip_travel_times,
        score=filled.score,
        objective=filled.objective,
        runtime=first.runtime + filled.runtime,
    )


def _assemble(
    request: TripRequest,
    data: ProblemData,
    vertices: list[_Vertex],
    result: Any,
    router: RoutingBackend,
) -> Itinerary:
    day_start = request.day_start_minute
    days: list[Day] = []
    geometries: dict[str, list[list[float]]] = {}
    notes: set[str] = set()
    total_km = total_minutes = 0.0
    road_km = dict.fromkeys(ROAD_IDS, 0.0)
    tickets = 0.0
    unknown_tickets: list[str] = []
    nights: dict[str, int] = {}
    theme_hits = 0
    visited = 0
    for d, trip in enumerate(result.trips):
        date = request.start_date + timedelta(days=d)
        clock = float(day_start)
        stops: list[Stop] = []
        legs: list[Leg] = []
        drive_km = drive_min = 0.0
        visit_total = 0
        for k, (a, b) in enumerate(itertools.pairwise(trip)):
            va, vb = vertices[a], vertices[b]
            leg = router.leg(
                Waypoint(va.name_zh, va.lat, va.lon),
                Waypoint(vb.name_zh, vb.lat, vb.lon),
                prefer_tourist_roads=request.prefer_tourist_roads,
            )
            leg_id = f"d{d + 1}l{k + 1}"
            geometries[leg_id] = [[round(float(x), 5), round(float(y), 5)] for x, y in leg.coords]
            on_roads = {r: round(leg.tourist_road_km.get(r, 0.0), 1) for r in ROAD_IDS}
            legs.append(
                Leg(
                    leg_id,
                    va.id,
                    vb.id,
                    va.name_zh,
                    vb.name_zh,
                    round(leg.km, 1),
                    round(leg.minutes, 1),
                    on_roads,
                    leg_id,
                )
            )
            drive_km += leg.km
            drive_min += leg.minutes
            for r in ROAD_IDS:
                road_km[r] += leg.tourist_road_km.get(r, 0.0)
            clock += leg.minutes
            if vb.kind == "poi":
                c = vb.candidate
                arrive = clock
                begin = max(arrive, day_start + data.time_window_open[d, b])
                visit = int(data.service[b])
                clock = begin + visit
                visit_total += visit
                status = day_status(c.hours, c.closures, date)
                member = sorted(theme_memberships(c.id))
                stop_notes = list(status.advisories)
                if c.visit_is_default:
                    stop_notes.append("visit time is a default (no sourced figure)")
                if c.hours_are_default:
                    stop_notes.append("opening hours are a default (no sourced figure)")
                if c.season_note:
                    stop_notes.append(c.season_note)
                stops.append(
                    Stop(
                        c.id,
                        c.layer,
                        c.name_zh,
                        c.name_en,
                        c.grade,
                        c.lat,
                        c.lon,
                        _hhmm(arrive),
                        _hhmm(begin),
                        _hhmm(clock),
                        visit,
                        c.visit_is_default,
                        c.ticket_cny,
                        member,
                        stop_notes,
                    )
                )
                visited += 1
                if request.themes and set(member) & set(request.themes):
                    theme_hits += 1
                if c.ticket_cny is None:
                    unknown_tickets.append(c.name_zh)
                else:
                    tickets += c.ticket_cny
        last = vertices[trip[-1]]
        overnight = None
        if d < len(result.trips) - 1 or (request.open_end and last.kind == "lodging"):
            lp = last.lodging
            overnight = Overnight(lp.id, lp.name_zh, lp.name_en, lp.city, lp.lat, lp.lon, lp.beds, lp.beds_estimated)
            nights[lp.name_zh] = nights.get(lp.name_zh, 0) + 1
            if lp.beds_estimated:
                notes.add("bed counts marked as estimates are jinlv's labelled estimate, not statistics")
        first = vertices[trip[0]]
        days.append(
            Day(
                index=d + 1,
                date=date.isoformat(),
                start={
                    "id": first.id,
                    "name_zh": first.name_zh,
                    "name_en": first.name_en,
                    "lat": first.lat,
                    "lon": first.lon,
                    "time": _hhmm(day_start),
                },
                stops=stops,
                legs=legs,
                overnight=overnight,
                end={"id": last.id, "name_zh": last.name_zh, "name_en": last.name_en, "lat": last.lat, "lon": last.lon},
                drive_km=round(drive_km, 1),
                drive_minutes=round(drive_min, 1),
                visit_minutes=visit_total,
                ends_at=_hhmm(clock),
            )
        )
        total_km += drive_km
        total_minutes += drive_min
    totals = {
        "score": round(result.score, 2),
        "km": round(total_km, 1),
        "drive_minutes": round(total_minutes, 1),
        "spots": visited,
        "nights_per_town": nights,
        "tickets_cny": round(tickets, 2),
        "tickets_per_person": True,
        "tickets_unknown": unknown_tickets,
        "tourist_road_km": {r: round(km, 1) for r, km in road_km.items()},
        "tourist_road_share": round(sum(road_km.values()) / total_km, 3) if total_km else 0.0,
        "theme_share": round(theme_hits / visited, 3) if (visited and request.themes) else None,
    }
    solver = {
        "seconds": round(result.runtime, 3),
        "iterations": result.iterations,
        "seed": result.seed,
        "objective": round(result.objective, 2),
        "vertices": data.num_vertices,
        "hotels": len(data.hotels),
    }
    return Itinerary(
        request=request.model_dump(mode="json"),
        days=days,
        totals=totals,
        geometries=geometries,
        solver=solver,
        notes=sorted(notes),
    )
