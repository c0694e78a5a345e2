"""Solution state and the moves of the local search: shakes (removals), hotel changes, and the
compiled greedy fill and local search (:mod:`~itineraries.solver._kernels` for plain OPHS,
:mod:`~itineraries.solver._tw_kernels` for trips with time windows or travel limits)."""

from __future__ import annotations

import numpy as np

from itineraries.solver import _kernels, _tw_kernels
from itineraries.solver._model import Model, Route

_EPS = 1e-9


class Solution:
    """A tour under construction: always feasible except for possibly missing mandatory POIs."""

    __slots__ = ("durations", "penalty", "score", "travels", "trips", "visited")

    def __init__(
        self,
        trips: list[Route],
        durations: list[float],
        travels: list[float],
        visited: np.ndarray,
        score: float,
        penalty: float,
    ) -> None:
        self.trips = trips
        self.durations = durations
        self.travels = travels
        self.visited = visited
        self.score = score
        self.penalty = penalty

    @classmethod
    def empty(cls, model: Model, hotels: tuple[int, ...]) -> Solution:
        """Tour through ``hotels`` (start, each night's hotel) visiting no POI."""
        trips = [[hotels[d], hotels[d + 1]] for d in range(model.num_trips)]
        timings = [model.timing(trip, d) for d, trip in enumerate(trips)]
        penalty = float(sum(model.penalty[d, hotels[d + 1]] for d in range(model.num_trips)))
        return cls(
            trips,
            [t.duration for t in timings],
            [t.travel for t in timings],
            np.zeros(model.n, dtype=bool),
            0.0,
            penalty,
        )

    def copy(self) -> Solution:
        return Solution(
            [list(t) for t in self.trips],
            list(self.durations),
            list(self.travels),
            self.visited.copy(),
            self.score,
            self.penalty,
        )

    @property
    def objective(self) -> float:
        return self.score - self.penalty

    @property
    def hotels(self) -> tuple[int, ...]:
        return (self.trips[0][0], *(t[-1] for t in self.trips))

    def key(self) -> tuple[float, float]:
        """Sort key: higher objective first, then shorter total duration."""
        return (round(self.objective, 9), -round(sum(self.durations), 9))

    def set_trip(self, model: Model, d: int, route: Route) -> bool:
        """Replace trip ``d`` by ``route`` if it is feasible; return whether it was."""
        timing = model.timing(route, d)
        if not timing.feasible:
            return False
        old = self.trips[d]
        total = sum(self.durations) - self.durations[d] + timing.duration
        if total > model.total_limit:
            return False
        for v in old[1:-1]:
            self.visited[v] = False
            self.score -= model.scores[v]
        for v in route[1:-1]:
            self.visited[v] = True
            self.score += model.scores[v]
        self.trips[d] = route
        self.durations[d] = timing.duration
        self.travels[d] = timing.travel
        return True

    def missing_mandatory(self, model: Model) -> np.ndarray:
        return np.flatnonzero(model.mandatory & ~self.visited)


def fill(
    model: Model,
    sol: Solution,
    rng: np.random.Generator | None = None,
    *,
    noise: float = 0.0,
    weights: np.ndarray | None = None,
    trips: np.ndarray | None = None,
    tabu: np.ndarray | None = None,
) -> set[int]:
    """Insert POIs greedily (mandatory ones first, then best score/time ratio) until none fits.

    ``trips`` optionally masks the trips that may receive POIs; ``tabu`` POIs are not inserted.
    ``weights`` replace the scores in the ratio. Returns the set of trips that changed.
    """
    packed = _pack(model, sol)
    visited = sol.visited.copy()
    weights = model.scores if weights is None else weights
    tabu_mask = np.zeros(model.n, dtype=np.bool_) if tabu is None else tabu
    noise = noise if rng is not None else 0.0
    seed = int(rng.integers(2**31 - 2)) if rng is not None else 0
    trip_mask = np.ones(model.num_trips, dtype=np.bool_) if trips is None else trips
    if model.fast:
        done = _kernels.fill(
            model.travel,
            model.service,
            model.cost,
            weights,
            model.scores,
            model.candidates,
            tabu_mask,
            model.mandatory,
            model.limits,
            model.total_limit,
            *packed,
            visited,
            noise,
            seed,
            trip_mask,
        )
    else:
        done = _tw_kernels.fill(
            model.travel,
            model.service,
            model.open,
            model.close,
            weights,
            model.candidates,
            tabu_mask,
            model.mandatory,
            model.limits,
            model.travel_limits,
            model.total_limit,
            *packed,
            visited,
            noise,
            seed,
            trip_mask,
        )
    _unpack(model, sol, packed, visited)
    return set(np.flatnonzero(done).tolist())


def improve(
    model: Model,
    sol: Solution,
    rng: np.random.Generator | None,
    changed: set[int],
    noise: float,
    *,
    tabu: np.ndarray | None = None,
    weights: np.ndarray | None = None,
) -> None:
    """Local search: greedy fill, then 2-opt, relocate and replace moves with refilling until stable.

    The first fill skips the ``tabu`` POIs (typically those just removed by a shake) so that the
    search does not rebuild the tour it started from.
    """
    packed = _pack(model, sol)
    visited = sol.visited.copy()
    changed_in = np.zeros(model.num_trips, dtype=np.bool_)
    changed_in[list(changed)] = True
    seed = int(rng.integers(2**31 - 2)) if rng is not None else 0
    weights = model.scores if weights is None else weights
    tabu_mask = np.zeros(model.n, dtype=np.bool_) if tabu is None else tabu
    noise = noise if rng is not None else 0.0
    if model.fast:
        _kernels.improve(
            model.travel,
            model.service,
            model.cost,
            model.scores,
            weights,
            model.candidates,
            model.mandatory,
            model.limits,
            model.total_limit,
            model.symmetric,
            *packed,
            visited,
            tabu_mask,
            tabu is not None,
            noise,
            seed,
            changed_in,
        )
    else:
        _tw_kernels.improve(
            model.travel,
            model.service,
            model.open,
            model.close,
            model.scores,
            weights,
            model.candidates,
            model.mandatory,
            model.limits,
            model.travel_limits,
            model.total_limit,
            *packed,
            visited,
            tabu_mask,
            tabu is not None,
            noise,
            seed,
            changed_in,
        )
    _unpack(model, sol, packed, visited)


def _pack(model: Model, sol: Solution) -> tuple[np.ndarray, ...]:
    routes = np.zeros((model.num_trips, model.n + 2), dtype=np.int64)
    lengths = np.array([len(t) for t in sol.trips], dtype=np.int64)
    for d, trip in enumerate(sol.trips):
        routes[d, : len(trip)] = trip
    return routes, lengths, np.array(sol.durations, dtype=np.float64), np.array(sol.travels, dtype=np.float64)


def _unpack(model: Model, sol: Solution, packed: tuple[np.ndarray, ...], visited: np.ndarray) -> None:
    routes, lengths, durations, travels = packed
    sol.trips = [routes[d, : lengths[d]].tolist() for d in range(model.num_trips)]
    sol.durations = durations.tolist()
    sol.travels = travels.tolist()
    sol.visited = visited
    sol.score = float(model.scores[visited].sum())


def remove_positions(model: Model, sol: Solution, d: int, positions: list[int]) -> bool:
    """Remove the POIs at ``positions`` of trip ``d`` (mandatory ones are kept)."""
    route = sol.trips[d]
    drop = {k for k in positions if 0 < k < len(route) - 1 and not model.mandatory[route[k]]}
    if not drop:
        return False
    new = [v for k, v in enumerate(route) if k not in drop]
    return sol.set_trip(model, d, new)


def shake_segments(model: Model, sol: Solution, rng: np.random.Generator, strength: int) -> set[int]:
    """Remove ``strength`` consecutive POIs from a random position of each (random) trip."""
    changed: set[int] = set()
    trips = [d for d in range(model.num_trips) if len(sol.trips[d]) > 2]
    if not trips:
        return changed
    chosen = [d for d in trips if rng.random() < 0.6] or [trips[int(rng.integers(len(trips)))]]
    for d in chosen:
        size = len(sol.trips[d]) - 2
        s = min(strength, size)
        first = 1 + int(rng.integers(size - s + 1))
        if remove_positions(model, sol, d, list(range(first, first + s))):
            changed.add(d)
    return changed


def shake_random(model: Model, sol: Solution, rng: np.random.Generator, strength: int) -> set[int]:
    """Remove ``strength`` random POIs from the tour."""
    changed: set[int] = set()
    where = [(d, k) for d, t in enumerate(sol.trips) for k in range(1, len(t) - 1)]
    if not where:
        return changed
    picks = rng.choice(len(where), size=min(strength, len(where)), replace=False)
    by_trip: dict[int, list[int]] = {}
    for i in picks:
        d, k = where[int(i)]
        by_trip.setdefault(d, []).append(k)
    for d, positions in by_trip.items():
        if remove_positions(model, sol, d, positions):
            changed.add(d)
    return changed


def shake_spatial(model: Model, sol: Solution, rng: np.random.Generator, strength: int) -> set[int]:
    """Remove a random visited POI and its ``strength`` nearest visited POIs, whatever their trip."""
    visited = np.flatnonzero(sol.visited & ~model.mandatory)
    if visited.size == 0:
        return set()
    centre = int(visited[int(rng.integers(visited.size))])
    near = model.neighbours[centre]
    chosen = near[sol.visited[near] & ~model.mandatory[near]][: strength + 1]
    drop = set(chosen.tolist())
    changed = set()
    for d, route in enumerate(sol.trips):
        positions = [k for k in range(1, len(route) - 1) if route[k] in drop]
        if positions and remove_positions(model, sol, d, positions):
            changed.add(d)
    return changed


def shake_clear(model: Model, sol: Solution, rng: np.random.Generator) -> set[int]:
    """Empty one random trip (or, rarely, all of them) of its non-mandatory POIs."""
    trips = [d for d in range(model.num_trips) if len(sol.trips[d]) > 2]
    if not trips:
        return set()
    chosen = trips if rng.random() < 0.2 else [trips[int(rng.integers(len(trips)))]]
    changed = set()
    for d in chosen:
        if remove_positions(model, sol, d, list(range(1, len(sol.trips[d]) - 1))):
            changed.add(d)
    return changed


def change_hotel(model: Model, sol: Solution, night: int, hotel: int) -> set[int] | None:
    """Make ``hotel`` the end of trip ``night`` (and start of the next), dropping POIs as needed.

    Returns the changed trips, or ``None`` if the move is impossible.
    """
    return change_hotels(model, sol, night, [hotel])


def change_hotels(model: Model, sol: Solution, night: int, hotels: list[int]) -> set[int] | None:
    """Make ``hotels`` the hotels of nights ``night``, ``night + 1``, ..., dropping POIs as needed.

    Returns the changed trips, or ``None`` if the move is impossible.
    """
    last = min(night + len(hotels), model.num_trips - 1)
    trips = list(range(night, last + 1))
    new_routes = {}
    for d in trips:
        route = list(sol.trips[d])
        if night <= d - 1 < night + len(hotels):
            route[0] = hotels[d - 1 - night]
        if d < night + len(hotels):
            route[-1] = hotels[d - night]
        new_routes[d] = _repair(model, route, d)
        if new_routes[d] is None:
            return None
    backup = sol.copy()
    penalty_delta = sum(
        float(model.penalty[night + k, h] - model.penalty[night + k, sol.trips[night + k][-1]])
        for k, h in enumerate(hotels)
    )
    for d in trips:
        # Clear first so POIs moving between the trips are not double-counted.
        if not sol.set_trip(model, d, [sol.trips[d][0], sol.trips[d][-1]]):
            _restore(sol, backup)
            return None
    for d in trips:
        if not sol.set_trip(model, d, new_routes[d]):
            _restore(sol, backup)
            return None
    sol.penalty += penalty_delta
    return set(trips)


def _restore(sol: Solution, backup: Solution) -> None:
    sol.trips = backup.trips
    sol.durations = backup.durations
    sol.travels = backup.travels
    sol.visited = backup.visited
    sol.score = backup.score
    sol.penalty = backup.penalty


def _repair(model: Model, route: Route, d: int) -> Route | None:
    """Drop POIs (worst score per saved time first) until ``route`` is feasible as trip ``d``."""
    route = list(route)
    while not model.timing(route, d).feasible:
        best_k = -1
        best_ratio = np.inf
        for k in range(1, len(route) - 1):
            v = route[k]
            if model.mandatory[v]:
                continue
            a, b = route[k - 1], route[k + 1]
            saving = model.cost[a, v] + model.cost[v, b] - model.cost[a, b]
            ratio = model.scores[v] / (saving + _EPS)
            if ratio < best_ratio:
                best_ratio = ratio
                best_k = k
        if best_k < 0:
            return None
        del route[best_k]
    return route
