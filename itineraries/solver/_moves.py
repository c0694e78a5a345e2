"""Solution state and the moves of the local search: insertion, 2-opt, removal, hotel change."""

from __future__ import annotations

import numpy as np

from itineraries.solver import _kernels
from itineraries.solver._model import Model, Route

_EPS = 1e-9

Table = tuple[np.ndarray, np.ndarray, np.ndarray]


class Solution:
    """A tour under construction: always feasible except for possibly missing mandatory POIs."""

    __slots__ = ("_tables", "durations", "penalty", "score", "travels", "trips", "visited")

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
        self._tables: dict[int, tuple[tuple[int, ...], float, Table]] = {}

    def table(self, model: Model, d: int) -> Table:
        """Insertion table of trip ``d`` (see :meth:`Model.insertion_table`), cached per route."""
        route = tuple(self.trips[d])
        cached = self._tables.get(d)
        if cached is not None and cached[0] == route and cached[1] == self.durations[d]:
            return cached[2]
        table = model.insertion_table(self.trips[d], d, self.durations[d], self.travels[d])
        self._tables[d] = (route, self.durations[d], table)
        return table

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
        other = Solution(
            [list(t) for t in self.trips],
            list(self.durations),
            list(self.travels),
            self.visited.copy(),
            self.score,
            self.penalty,
        )
        other._tables = dict(self._tables)
        return other

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

    def table_matrix(self, model: Model, d: int) -> np.ndarray:
        """``(len(route) - 1, n)`` duration increase of inserting each vertex into each edge of trip ``d``."""
        r = np.asarray(self.trips[d], dtype=np.intp)
        prev, nxt = r[:-1], r[1:]
        return model.cost[prev, :] + model.cost[:, nxt].T - model.cost[prev, nxt][:, None]

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
    if model.fast:
        packed = _pack(model, sol)
        visited = sol.visited.copy()
        done = _kernels.fill(
            model.travel,
            model.service,
            model.cost,
            model.scores if weights is None else weights,
            model.scores,
            model.candidates,
            np.zeros(model.n, dtype=np.bool_) if tabu is None else tabu,
            model.mandatory,
            model.limits,
            model.total_limit,
            *packed,
            visited,
            noise if rng is not None else 0.0,
            int(rng.integers(2**31 - 2)) if rng is not None else 0,
            np.ones(model.num_trips, dtype=np.bool_) if trips is None else trips,
        )
        _unpack(model, sol, packed, visited)
        return set(np.flatnonzero(done).tolist())
    num_trips = model.num_trips
    n = model.n
    costs = np.full((num_trips, n), np.inf)
    incs = np.full((num_trips, n), np.inf)
    poss = np.zeros((num_trips, n), dtype=np.intp)
    for d in range(num_trips):
        if trips is None or trips[d]:
            costs[d], incs[d], poss[d] = sol.table(model, d)
    value = model.scores if weights is None else weights
    changed: set[int] = set()
    allowed = model.candidates if tabu is None else model.candidates & ~tabu[None, :]
    while True:
        total_slack = model.total_limit - sum(sol.durations)
        ok = allowed & ~sol.visited[None, :] & (costs < np.inf) & (incs <= total_slack)
        if not ok.any():
            break
        must = ok & model.mandatory[None, :]
        if must.any():
            d, p = np.unravel_index(np.argmin(np.where(must, costs, np.inf)), costs.shape)
        else:
            ratio = np.where(ok, value[None, :] / (costs + _EPS), -1.0)
            if noise > 0.0 and rng is not None:
                ratio *= 1.0 + noise * rng.random(ratio.shape)
            d, p = np.unravel_index(np.argmax(ratio), ratio.shape)
        d = int(d)
        p = int(p)
        route = sol.trips[d]
        route.insert(int(poss[d, p]) + 1, p)
        timing = model.timing(route, d)
        if not timing.feasible or sum(sol.durations) - sol.durations[d] + timing.duration > model.total_limit:
            # The vectorised estimate was off by round-off: undo and never retry this pair.
            route.remove(p)
            costs[d, p] = incs[d, p] = np.inf
            continue
        sol.durations[d] = timing.duration
        sol.travels[d] = timing.travel
        sol.visited[p] = True
        sol.score += float(model.scores[p])
        changed.add(d)
        costs[d], incs[d], poss[d] = sol.table(model, d)
    return changed


def two_opt(model: Model, sol: Solution, d: int) -> bool:
    """Best-improvement 2-opt on trip ``d`` (symmetric travel times, no time windows only)."""
    if model.has_tw or not model.symmetric:
        return False
    route = np.asarray(sol.trips[d], dtype=np.intp)
    if len(route) < 5:
        return False
    travel = model.travel
    improved = False
    while True:
        a = route[:-1]
        b = route[1:]
        edge = travel[a, b]
        gain = edge[:, None] + edge[None, :] - travel[a[:, None], a[None, :]] - travel[b[:, None], b[None, :]]
        gain = np.triu(gain, 2)
        k = int(np.argmax(gain))
        i, j = divmod(k, gain.shape[1])
        if gain[i, j] <= 1e-10:
            break
        route[i + 1 : j + 1] = route[i + 1 : j + 1][::-1].copy()
        improved = True
    if improved:
        new = [int(v) for v in route]
        timing = model.timing(new, d)
        if timing.feasible and timing.duration <= sol.durations[d] + _EPS:
            sol.trips[d] = new
            sol.durations[d] = timing.duration
            sol.travels[d] = timing.travel
            return True
    return False


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
    if model.fast:
        _improve_compiled(model, sol, rng, changed, noise, tabu, weights)
        return
    if tabu is not None:
        changed = changed | fill(model, sol, rng, noise=noise, tabu=tabu, weights=weights)
        for d in sorted(changed):
            two_opt(model, sol, d)
    changed = changed | fill(model, sol, rng, noise=noise, weights=weights)
    for _ in range(20):
        for d in sorted(changed):
            two_opt(model, sol, d)
        changed = set()
        moved = relocate(model, sol)
        if moved:
            changed |= moved
        else:
            moved = replace(model, sol)
            if moved is not None:
                changed.add(moved)
        if not changed:
            break
        changed |= fill(model, sol)


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


def _improve_compiled(
    model: Model,
    sol: Solution,
    rng: np.random.Generator | None,
    changed: set[int],
    noise: float,
    tabu: np.ndarray | None,
    weights: np.ndarray | None,
) -> None:
    packed = _pack(model, sol)
    visited = sol.visited.copy()
    changed_in = np.zeros(model.num_trips, dtype=np.bool_)
    changed_in[list(changed)] = True
    seed = int(rng.integers(2**31 - 2)) if rng is not None else 0
    _kernels.improve(
        model.travel,
        model.service,
        model.cost,
        model.scores,
        model.scores if weights is None else weights,
        model.candidates,
        model.mandatory,
        model.limits,
        model.total_limit,
        model.symmetric,
        *packed,
        visited,
        np.zeros(model.n, dtype=np.bool_) if tabu is None else tabu,
        tabu is not None,
        noise if rng is not None else 0.0,
        seed,
        changed_in,
    )
    _unpack(model, sol, packed, visited)


def relocate(model: Model, sol: Solution) -> set[int]:
    """Move one POI to another trip where it costs less time than it saves; return changed trips."""
    num_trips = model.num_trips
    if num_trips < 2 or model.has_tw:
        return set()
    cost = model.cost
    owner = []
    where = []
    savings = []
    for a in range(num_trips):
        route = np.asarray(sol.trips[a], dtype=np.intp)
        if len(route) < 3:
            continue
        inner = route[1:-1]
        savings.append(cost[route[:-2], inner] + cost[inner, route[2:]] - cost[route[:-2], route[2:]])
        owner.append(np.full(inner.size, a))
        where.append(inner)
    if not where:
        return set()
    pois = np.concatenate(where)
    trip_of = np.concatenate(owner)
    saving = np.concatenate(savings)
    tables = [sol.table(model, b) for b in range(num_trips)]
    incs = np.stack([t[1] for t in tables])[:, pois]
    total_slack = model.total_limit - sum(sol.durations)
    ok = model.available[:, pois] & (trip_of[None, :] != np.arange(num_trips)[:, None])
    ok &= (incs < np.inf) & (incs <= total_slack + saving[None, :])
    gain = np.where(ok, saving[None, :] - incs, -np.inf)
    b, i = np.unravel_index(np.argmax(gain), gain.shape)
    if gain[b, i] <= 1e-7:
        return set()
    b = int(b)
    a = int(trip_of[i])
    v = int(pois[i])
    k = sol.trips[a].index(v)
    pos = int(tables[b][2][v])
    route_a = sol.trips[a][:k] + sol.trips[a][k + 1 :]
    route_b = list(sol.trips[b])
    route_b.insert(pos + 1, v)
    backup = sol.copy()
    if sol.set_trip(model, a, route_a) and sol.set_trip(model, b, route_b):
        return {a, b}
    _restore(sol, backup)
    return set()


def replace(model: Model, sol: Solution) -> int | None:
    """Swap one visited POI for an unvisited one of higher score (or equal score, shorter trip).

    Returns the changed trip, or ``None``.
    """
    total = sum(sol.durations)
    best_key = (1e-9, 0.0)
    best: tuple[int, int, int, int] | None = None
    free = model.candidates & ~sol.visited[None, :]
    for d in range(model.num_trips):
        route = sol.trips[d]
        if len(route) < 3 or not free[d].any():
            continue
        if model.has_tw or model.has_travel_limit[d]:
            options = _replace_options_slow(model, sol, d, free[d], total)
        else:
            options = _replace_options(model, sol, d, free[d], total)
        for key, k, u, pos in options:
            if key[0] > best_key[0] or (
                key[0] >= 0 and best_key[0] <= 1e-9 and key[1] > 1e-7 and key > best_key
            ):
                best_key = key
                best = (d, k, u, pos)
    if best is None:
        return None
    d, k, u, pos = best
    route = sol.trips[d][:k] + sol.trips[d][k + 1 :]
    route.insert(pos + 1, u)
    if sol.set_trip(model, d, route):
        return d
    return None


def _replace_options(
    model: Model, sol: Solution, d: int, free: np.ndarray, total: float
) -> list[tuple[tuple[float, float], int, int, int]]:
    """Best replacement per removed position of trip ``d``, all positions at once (no time windows)."""
    cost = model.cost
    r = np.asarray(sol.trips[d], dtype=np.intp)
    num_edges = len(r) - 1
    ins = sol.table_matrix(model, d)
    # Removing r[k] destroys edges k-1 and k of the route; the new bridging edge is priced apart.
    ks = np.arange(1, num_edges)
    stacked = np.broadcast_to(ins, (num_edges - 1, *ins.shape)).copy()
    stacked[ks - 1, ks - 1, :] = np.inf
    stacked[ks - 1, ks, :] = np.inf
    via_edges = stacked.min(axis=1)
    a, v, b = r[:-2], r[1:-1], r[2:]
    saving = cost[a, v] + cost[v, b] - cost[a, b]
    bridge = cost[a, :] + cost[:, b].T - cost[a, b][:, None]
    use_bridge = bridge < via_edges
    best_ins = np.where(use_bridge, bridge, via_edges)
    new_dur = sol.durations[d] - saving[:, None] + best_ins
    ok = (
        free[None, :]
        & (new_dur < np.inf)
        & (new_dur <= model.limits[d])
        & (total - sol.durations[d] + new_dur <= model.total_limit)
        & ~model.mandatory[v][:, None]
    )
    if not ok.any():
        return []
    gain = np.where(ok, model.scores[None, :] - model.scores[v][:, None], -np.inf)
    tie = np.where(ok, new_dur, 0.0)
    u = np.argmax(gain - 1e-9 * tie, axis=1)
    rows = np.arange(len(v))
    out = []
    for i in np.flatnonzero(ok[rows, u]):
        k = int(i) + 1
        uu = int(u[i])
        if use_bridge[i, uu]:
            pos = k - 1
        else:
            edge = int(np.argmin(stacked[i, :, uu]))
            pos = edge if edge < k - 1 else edge - 1
        delta = float(new_dur[i, uu] - sol.durations[d])
        out.append(((float(gain[i, uu]), -delta), k, uu, pos))
    return out


def _replace_options_slow(
    model: Model, sol: Solution, d: int, free: np.ndarray, total: float
) -> list[tuple[tuple[float, float], int, int, int]]:
    route = sol.trips[d]
    out = []
    for k in range(1, len(route) - 1):
        v = route[k]
        if model.mandatory[v]:
            continue
        shorter = route[:k] + route[k + 1 :]
        timing = model.timing(shorter, d)
        if not timing.feasible:
            continue
        _, inc, pos = model.insertion_table(shorter, d, timing.duration, timing.travel)
        slack = model.total_limit - (total - sol.durations[d] + timing.duration)
        ok = free & (inc < np.inf) & (inc <= slack)
        if not ok.any():
            continue
        gain = np.where(ok, model.scores - model.scores[v], -np.inf)
        u = int(np.argmax(gain - 1e-9 * np.where(ok, inc, 0.0)))
        delta = timing.duration + float(inc[u]) - sol.durations[d]
        out.append(((float(gain[u]), -delta), k, u, int(pos[u])))
    return out


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
    trips = [night] if night + 1 >= model.num_trips else [night, night + 1]
    new_routes = {}
    for d in trips:
        route = list(sol.trips[d])
        if d == night:
            route[-1] = hotel
        else:
            route[0] = hotel
        new_routes[d] = _repair(model, route, d)
        if new_routes[d] is None:
            return None
    backup = sol.copy()
    penalty_delta = model.penalty[night, hotel] - model.penalty[night, sol.trips[night][-1]]
    for d in trips:
        # Clear first so POIs moving between the two trips are not double-counted.
        if not sol.set_trip(model, d, [sol.trips[d][0], sol.trips[d][-1]]):
            _restore(sol, backup)
            return None
    for d in trips:
        if not sol.set_trip(model, d, new_routes[d]):
            _restore(sol, backup)
            return None
    sol.penalty += float(penalty_delta)
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
