"""Independent feasibility checker for OPHS tours.

Deliberately simple, loop-based code sharing nothing with the solver's incremental bookkeeping:
it recomputes every trip from the problem's matrix and checks every rule.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field

from itineraries.problem import ProblemData

__all__ = ["CheckReport", "check_solution"]


@dataclass(frozen=True)
class CheckReport:
    """Outcome of :func:`check_solution`.

    Attributes
    ----------
    feasible
        Whether every rule holds.
    violations
        One human-readable line per broken rule.
    score
        Sum of the scores of the distinct POIs visited.
    objective
        ``score`` minus the hotel penalties.
    durations
        Duration (travel + service + waiting) of each trip.
    travel_times
        Travel (driving) time of each trip.
    """

    feasible: bool
    violations: list[str] = field(default_factory=list)
    score: float = 0.0
    objective: float = 0.0
    durations: list[float] = field(default_factory=list)
    travel_times: list[float] = field(default_factory=list)


def check_solution(data: ProblemData, trips: Sequence[Sequence[int]]) -> CheckReport:
    """Check a tour against every rule of ``data``.

    Parameters
    ----------
    data
        The problem.
    trips
        One vertex list per trip, each starting and ending at a hotel.

    Returns
    -------
    CheckReport
        Feasibility, the list of violations, score and per-trip durations.
    """
    bad: list[str] = []
    n = data.num_vertices
    hotels = set(data.hotels)
    if len(trips) != data.num_trips:
        bad.append(f"expected {data.num_trips} trips, got {len(trips)}")
        return CheckReport(False, bad)
    for d, trip in enumerate(trips):
        if len(trip) < 2:
            bad.append(f"trip {d}: needs at least its two hotels, got {list(trip)}")
        for v in trip:
            if not isinstance(v, numbers.Integral) or isinstance(v, bool) or not 0 <= int(v) < n:
                bad.append(f"trip {d}: bad vertex {v!r}")
    if bad:
        return CheckReport(False, bad)

    if trips[0][0] != data.start:
        bad.append(f"trip 0 starts at {trips[0][0]}, not at the start hotel {data.start}")
    if data.end is not None and trips[-1][-1] != data.end:
        bad.append(f"last trip ends at {trips[-1][-1]}, not at the end hotel {data.end}")
    for d, trip in enumerate(trips):
        for pos in (0, len(trip) - 1):
            if trip[pos] not in hotels:
                bad.append(f"trip {d}: vertex {trip[pos]} at position {pos} is not a hotel")
        for v in trip[1:-1]:
            if v in hotels:
                bad.append(f"trip {d}: hotel {v} visited inside the trip")
        if d + 1 < len(trips) and trip[-1] != trips[d + 1][0]:
            bad.append(f"trip {d} ends at {trip[-1]} but trip {d + 1} starts at {trips[d + 1][0]}")
        if not data.hotel_allowed[d][trip[-1]]:
            bad.append(f"trip {d}: hotel {trip[-1]} is not allowed that night")

    seen: set[int] = set()
    score = 0.0
    for d, trip in enumerate(trips):
        for v in trip[1:-1]:
            if v in seen:
                bad.append(f"POI {v} visited more than once")
            else:
                seen.add(v)
                score += float(data.scores[v])
            if not data.available[d][v]:
                bad.append(f"trip {d}: POI {v} is not available that day")
    for m in data.mandatory:
        if m not in seen:
            bad.append(f"mandatory POI {m} is not visited")

    durations: list[float] = []
    travels: list[float] = []
    for d, trip in enumerate(trips):
        clock = 0.0
        driven = 0.0
        for a, b in itertools.pairwise(trip):
            leg = float(data.travel[a][b])
            driven += leg
            clock += float(data.service[a]) + leg
            if b in hotels:
                continue
            opens = float(data.time_window_open[d][b])
            closes = float(data.time_window_close[d][b])
            clock = max(clock, opens)
            if clock > closes:
                bad.append(f"trip {d}: service at POI {b} starts at {clock:.6g}, after its close {closes:.6g}")
        durations.append(clock)
        travels.append(driven)
        limit = float(data.trip_limits[d]) * (1.0 + data.tolerance)
        if not math.isfinite(clock):
            bad.append(f"trip {d}: uses an unreachable (infinite) leg")
        elif not clock <= limit:
            bad.append(f"trip {d}: duration {clock:.9g} exceeds its limit {limit:.9g}")
        travel_limit = float(data.trip_travel_limits[d]) * (1.0 + data.tolerance)
        if not driven <= travel_limit:
            bad.append(f"trip {d}: travel time {driven:.9g} exceeds its limit {travel_limit:.9g}")
    total = math.fsum(durations)
    total_limit = data.total_limit * (1.0 + data.tolerance)
    if not total <= total_limit:
        bad.append(f"total duration {total:.9g} exceeds the limit {total_limit:.9g}")
    penalty = sum(float(data.hotel_penalty[d][trip[-1]]) for d, trip in enumerate(trips))
    return CheckReport(not bad, bad, score, score - penalty, durations, travels)
