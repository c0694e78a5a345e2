"""Small constructed OPHS instances and a brute-force reference solver for the tests."""

from __future__ import annotations

import itertools
import math

import numpy as np

from itineraries.problem import ProblemData


def euclidean(points: list[tuple[float, float]]) -> np.ndarray:
    xy = np.asarray(points, dtype=float)
    return np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))


def random_instance(seed: int, *, num_pois: int = 6, num_hotels: int = 3, num_trips: int = 2) -> ProblemData:
    """Random Euclidean instance small enough for :func:`brute_force`."""
    rng = np.random.default_rng(seed)
    points = [tuple(p) for p in rng.uniform(0, 10, size=(num_hotels + num_pois, 2))]
    travel = euclidean(points)
    scores = np.concatenate([np.zeros(num_hotels), rng.integers(1, 10, size=num_pois)])
    limits = rng.uniform(8, 16, size=num_trips)
    return ProblemData(
        travel=travel,
        scores=scores,
        hotels=tuple(range(num_hotels)),
        start=0,
        end=1,
        trip_limits=limits,
        name=f"random-{seed}",
    )


def _trip_duration(data: ProblemData, d: int, route: tuple[int, ...]) -> float:
    """Duration of a trip with waiting, or inf when a window or limit is broken."""
    clock = 0.0
    driven = 0.0
    for a, b in itertools.pairwise(route):
        clock += data.service[a] + data.travel[a, b]
        driven += data.travel[a, b]
        if not data.is_hotel[b]:
            clock = max(clock, data.time_window_open[d, b])
            if clock > data.time_window_close[d, b]:
                return math.inf
    limit = data.trip_limits[d] * (1 + data.tolerance)
    travel_limit = data.trip_travel_limits[d] * (1 + data.tolerance)
    if clock > limit or driven > travel_limit:
        return math.inf
    return clock


def brute_force(data: ProblemData) -> float:
    """Best objective over every hotel sequence, POI assignment and visiting order."""
    pois = [int(p) for p in data.pois]
    hotels = [int(h) for h in data.hotels]
    num_trips = data.num_trips
    cache: dict[tuple[int, int, int, frozenset[int]], float] = {}

    def best_trip(d: int, i: int, j: int, subset: frozenset[int]) -> float:
        key = (d, i, j, subset)
        if key not in cache:
            if any(not data.available[d, p] for p in subset):
                cache[key] = math.inf
            else:
                cache[key] = min(
                    (_trip_duration(data, d, (i, *perm, j)) for perm in itertools.permutations(subset)),
                    default=math.inf,
                )
        return cache[key]

    best = -math.inf
    ends = [data.end] if data.end is not None else hotels
    for middle in itertools.product(hotels, repeat=num_trips - 1):
        for end in ends:
            seq = (data.start, *middle, end)
            if any(not data.hotel_allowed[d, seq[d + 1]] for d in range(num_trips)):
                continue
            penalty = sum(data.hotel_penalty[d, seq[d + 1]] for d in range(num_trips))
            for assign in itertools.product(range(num_trips + 1), repeat=len(pois)):
                groups = [frozenset(p for p, a in zip(pois, assign, strict=True) if a == d) for d in range(num_trips)]
                visited = {p for p, a in zip(pois, assign, strict=True) if a < num_trips}
                if any(m not in visited for m in data.mandatory):
                    continue
                total = 0.0
                for d in range(num_trips):
                    total += best_trip(d, seq[d], seq[d + 1], groups[d])
                    if total == math.inf:
                        break
                if total == math.inf or total > data.total_limit * (1 + data.tolerance):
                    continue
                score = sum(data.scores[p] for p in visited) - penalty
                best = max(best, score)
    return best
