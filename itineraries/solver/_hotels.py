"""Hotel-sequence pre-computation: feasible hotel pairs, pair value estimates, k-best sequences.

Following Divsalar et al. and Lu, Benlic & Wu, the value of going from hotel ``i`` to hotel
``j`` on trip ``d`` is estimated by a quick single-trip orienteering fill; the best sequences by
summed estimates (ignoring POIs shared between trips) are then built for real.

Everything here scales with (hotels)^2 x trips, so it is vectorised or compiled: the planner offers
up to ~120 towns for two weeks (~30 000 usable pairs).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from itineraries.solver import _kernels, _tw_kernels
from itineraries.solver._model import Model

Sequence = tuple[int, ...]


class HotelGraph:
    """Which hotel pairs can form each trip on their own, and which hotels can still reach the end.

    Attributes
    ----------
    position
        ``(n,)`` index of each hotel vertex in ``model.hotels`` (``-1`` for POIs).
    direct
        Per trip, ``(H, H)`` mask: hotel ``a`` to hotel ``b`` (positions) fits in the trip alone.
    usable
        Per trip, the direct pairs on some start-to-end path.
    pairs
        Per trip, the usable ``(i, j)`` vertex pairs, sorted.
    """

    def __init__(self, model: Model) -> None:
        self.model = model
        hotels = model.hotels
        num_trips = model.num_trips
        self.position = np.full(model.n, -1, dtype=np.intp)
        self.position[hotels] = np.arange(hotels.size)
        # A hotel-to-hotel trip is one leg: hotels have no service time and no time window, so its
        # duration is the leg itself, exactly as Model.timing computes it.
        leg = model.travel[np.ix_(hotels, hotels)]
        self.leg = leg
        self.direct: list[np.ndarray] = []
        for d in range(num_trips):
            ok = (leg < np.inf) & (leg <= model.limits[d]) & (leg <= model.travel_limits[d])
            self.direct.append(ok & model.hotel_ok[d, hotels][None, :])
        reach = [hotels == model.data.start]
        for d in range(num_trips):
            reach.append(self.direct[d][reach[d]].any(axis=0))
        alive = [np.zeros(hotels.size, dtype=bool) for _ in range(num_trips + 1)]
        alive[num_trips] = reach[num_trips]
        for d in range(num_trips - 1, -1, -1):
            alive[d] = reach[d] & self.direct[d][:, alive[d + 1]].any(axis=1)
        self._reach = reach
        self._alive = alive
        self.usable = [self.direct[d] & alive[d][:, None] & alive[d + 1][None, :] for d in range(num_trips)]
        self.pairs: list[list[tuple[int, int]]] = []
        for d in range(num_trips):
            a, b = np.nonzero(self.usable[d])
            self.pairs.append(list(zip(hotels[a].tolist(), hotels[b].tolist(), strict=True)))
        self._successors: dict[tuple[int, int], list[int]] = {}

    @property
    def reach(self) -> list[set[int]]:
        """Per night (0 = the start), the hotels reachable from the start."""
        return [set(self.model.hotels[r].tolist()) for r in self._reach]

    @property
    def alive(self) -> list[set[int]]:
        """Per night, the hotels on some start-to-end path."""
        return [set(self.model.hotels[r].tolist()) for r in self._alive]

    def successors(self, d: int, i: int) -> list[int]:
        """Hotels that hotel ``i`` reaches directly on trip ``d``."""
        key = (d, i)
        if key not in self._successors:
            row = self.direct[d][self.position[i]]
            self._successors[key] = self.model.hotels[row].tolist()
        return self._successors[key]

    @property
    def feasible(self) -> bool:
        return bool(self.alive[0])

    def explain(self) -> str:
        """Why no hotel sequence exists."""
        model = self.model
        for d in range(model.num_trips):
            if not self.reach[d + 1]:
                limit = model.data.trip_limits[d]
                froms = ", ".join(map(str, sorted(self.reach[d])))
                allowed = np.flatnonzero(model.hotel_ok[d]).tolist()
                if not allowed:
                    return f"no feasible hotel sequence: no hotel is allowed at the end of trip {d + 1}"
                return (
                    f"no feasible hotel sequence: trip {d + 1} (limit {limit:g}) cannot reach any allowed "
                    f"hotel {allowed} from the hotels reachable before it ({froms})"
                )
        return "no feasible hotel sequence within the total tour limit"

    def min_total(self) -> float:
        """Smallest summed duration of hotel-to-hotel trips over all sequences."""
        best = np.where(self.model.hotels == self.model.data.start, 0.0, np.inf)
        for d in range(self.model.num_trips):
            best = np.where(self.direct[d], best[:, None] + self.leg, np.inf).min(axis=0)
        return float(best.min(initial=np.inf))

    def neighbours(self, sol_hotels: Sequence, night: int) -> list[int]:
        """Hotels that could replace the hotel of ``night`` keeping both adjacent trips direct-feasible."""
        before = sol_hotels[night]
        current = sol_hotels[night + 1]
        last = night + 1 >= self.model.num_trips
        out = []
        for h in self.successors(night, before):
            if h == current:
                continue
            if not last and not self.direct[night + 1][self.position[h], self.position[sol_hotels[night + 2]]]:
                continue
            out.append(h)
        return out


PairValues = list[dict[tuple[int, int], tuple[float, np.ndarray]]]


def pair_values(model: Model, graph: HotelGraph) -> PairValues:
    """Estimate each usable (hotel, hotel) pair per trip by a single-trip greedy fill.

    Returns, per trip, the estimated score and the POIs visited by that fill.
    """
    values: PairValues = [{} for _ in range(model.num_trips)]
    # Trips with the same limits and availability share their estimates (a fortnight has few
    # distinct days: closures follow the weekday).
    groups: dict[tuple, list[int]] = {}
    for d in range(model.num_trips):
        signature = (
            float(model.limits[d]),
            float(model.travel_limits[d]),
            model.available[d].tobytes(),
            model.open[d].tobytes(),
            model.close[d].tobytes(),
        )
        groups.setdefault(signature, []).append(d)
    hotels = model.hotels
    for days in groups.values():
        union = np.logical_or.reduce([graph.usable[d] for d in days])
        a, b = np.nonzero(union)
        first, last = hotels[a].astype(np.int64), hotels[b].astype(np.int64)
        scores, visited = _fills(model, days[0], first, last)
        found = dict(
            zip(
                zip(first.tolist(), last.tolist(), strict=True), zip(scores.tolist(), visited, strict=True), strict=True
            )
        )
        for d in days:
            values[d] = {pair: found[pair] for pair in graph.pairs[d]}
    return values


def _fills(model: Model, d: int, first: np.ndarray, last: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if model.fast:
        return _kernels.pair_fills(
            model.travel, model.service, model.cost, model.scores, model.candidates[d], model.mandatory,
            float(model.limits[d]), model.total_limit, first, last,
        )  # fmt: skip
    return _tw_kernels.pair_fills(
        model.travel, model.service, model.open[d], model.close[d], model.scores, model.candidates[d],
        model.mandatory, float(model.limits[d]), float(model.travel_limits[d]), model.total_limit, first, last,
    )  # fmt: skip


def best_sequences(model: Model, graph: HotelGraph, values: PairValues, *, k: int) -> list[tuple[float, Sequence]]:
    """Promising hotel sequences, best first.

    The ``4 k`` sequences with the highest summed pair values (minus hotel penalties) are
    re-ranked by the score of the union of their trips' POIs, which stops sequences that return
    to the same area every day from looking as good as the sum of their days.
    """
    hotels = model.hotels
    num_trips = model.num_trips
    size = hotels.size
    gain = np.full((num_trips, size, size), -np.inf)
    for d in range(num_trips):
        if values[d]:
            pairs = np.array(list(values[d].keys()), dtype=np.intp)
            a, b = graph.position[pairs[:, 0]], graph.position[pairs[:, 1]]
            gain[d, a, b] = np.array([v for v, _ in values[d].values()]) - model.penalty[d, hotels[b]]
    width = 4 * k
    start = int(graph.position[model.data.start])
    value, duration, count, parent, rank = _k_best(gain, graph.leg, start, width)
    # Every complete sequence within the total limit, best summed value first.
    ends, ranks = np.nonzero(np.arange(width)[None, :] < count[:, None])
    ok = duration[ends, ranks] <= model.total_limit
    ends, ranks = ends[ok], ranks[ok]
    order = np.lexsort((ranks, ends, -value[ends, ranks]))[:width]
    ranked = []
    for e, r in zip(ends[order].tolist(), ranks[order].tolist(), strict=True):
        summed = float(value[e, r])
        seq = [e]
        for d in range(num_trips - 1, -1, -1):
            e, r = int(parent[d, e, r]), int(rank[d, e, r])
            seq.append(e)
        sequence = tuple(int(hotels[p]) for p in reversed(seq))
        union = np.zeros(model.n, dtype=bool)
        penalty = 0.0
        for d in range(num_trips):
            union |= values[d][(sequence[d], sequence[d + 1])][1]
            penalty += float(model.penalty[d, sequence[d + 1]])
        ranked.append((float(model.scores[union].sum()) - penalty, summed, sequence))
    ranked.sort(key=lambda item: (-item[0], -item[1], item[2]))
    return [(u, seq) for u, _, seq in ranked[:k]]


@njit(cache=True)
def _k_best(gain, leg, start, width):  # pragma: no cover - compiled
    """The ``width`` best partial sequences ending at each hotel after each trip, by summed gain.

    ``gain[d, a, b]`` is the value of trip ``d`` from hotel ``a`` to hotel ``b`` (positions;
    ``-inf`` when the pair is not usable) and ``leg[a, b]`` its duration. Each hotel's list is
    the k-way merge of its predecessors' sorted lists (a binary heap over the predecessors), so a
    trip costs O(H^2 + H * width * log H) rather than sorting every extension.

    Returns the final lists' values, durations and lengths, and per trip and list entry the
    predecessor hotel and its entry (to rebuild the sequences).
    """
    num_trips, size, _ = gain.shape
    value = np.full((size, width), -np.inf)
    duration = np.zeros((size, width))
    count = np.zeros(size, dtype=np.int64)
    value[start, 0] = 0.0
    count[start] = 1
    parent = np.full((num_trips, size, width), -1, dtype=np.int32)
    rank = np.full((num_trips, size, width), -1, dtype=np.int32)
    heap_v = np.empty(size)
    heap_a = np.empty(size, dtype=np.int64)
    heap_r = np.empty(size, dtype=np.int64)
    for d in range(num_trips):
        new_value = np.full((size, width), -np.inf)
        new_duration = np.zeros((size, width))
        new_count = np.zeros(size, dtype=np.int64)
        for b in range(size):
            top = 0
            for a in range(size):
                if count[a] > 0 and gain[d, a, b] > -np.inf:
                    top = _push(heap_v, heap_a, heap_r, top, value[a, 0] + gain[d, a, b], a, 0)
            m = 0
            while top > 0 and m < width:
                v = heap_v[0]
                a = heap_a[0]
                r = heap_r[0]
                top = _pop(heap_v, heap_a, heap_r, top)
                new_value[b, m] = v
                new_duration[b, m] = duration[a, r] + leg[a, b]
                parent[d, b, m] = a
                rank[d, b, m] = r
                m += 1
                if r + 1 < count[a]:
                    top = _push(heap_v, heap_a, heap_r, top, value[a, r + 1] + gain[d, a, b], a, r + 1)
            new_count[b] = m
        value = new_value
        duration = new_duration
        count = new_count
    return value, duration, count, parent, rank


@njit(cache=True)
def _before(heap_v, heap_a, heap_r, x, y):  # pragma: no cover - compiled
    # Higher value first; ties by predecessor and entry, for determinism.
    if heap_v[x] != heap_v[y]:
        return heap_v[x] > heap_v[y]
    if heap_a[x] != heap_a[y]:
        return heap_a[x] < heap_a[y]
    return heap_r[x] < heap_r[y]


@njit(cache=True)
def _swap(heap_v, heap_a, heap_r, x, y):  # pragma: no cover - compiled
    heap_v[x], heap_v[y] = heap_v[y], heap_v[x]
    heap_a[x], heap_a[y] = heap_a[y], heap_a[x]
    heap_r[x], heap_r[y] = heap_r[y], heap_r[x]


@njit(cache=True)
def _push(heap_v, heap_a, heap_r, top, v, a, r):  # pragma: no cover - compiled
    heap_v[top] = v
    heap_a[top] = a
    heap_r[top] = r
    i = top
    while i > 0:
        up = (i - 1) // 2
        if not _before(heap_v, heap_a, heap_r, i, up):
            break
        _swap(heap_v, heap_a, heap_r, i, up)
        i = up
    return top + 1


@njit(cache=True)
def _pop(heap_v, heap_a, heap_r, top):  # pragma: no cover - compiled
    top -= 1
    heap_v[0] = heap_v[top]
    heap_a[0] = heap_a[top]
    heap_r[0] = heap_r[top]
    i = 0
    while True:
        left = 2 * i + 1
        if left >= top:
            break
        child = left
        if left + 1 < top and _before(heap_v, heap_a, heap_r, left + 1, left):
            child = left + 1
        if not _before(heap_v, heap_a, heap_r, child, i):
            break
        _swap(heap_v, heap_a, heap_r, child, i)
        i = child
    return top
