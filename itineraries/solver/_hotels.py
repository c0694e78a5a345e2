"""Hotel-sequence pre-computation: feasible hotel pairs, pair value estimates, k-best sequences.

Following Divsalar et al. and Lu, Benlic & Wu, the value of going from hotel ``i`` to hotel
``j`` on trip ``d`` is estimated by a quick single-trip orienteering fill; the best sequences by
summed estimates (ignoring POIs shared between trips) are then built for real.
"""

from __future__ import annotations

import heapq

import numpy as np

from itineraries.solver._model import Model
from itineraries.solver._moves import Solution, fill

Sequence = tuple[int, ...]


class HotelGraph:
    """Which hotel pairs can form each trip on their own, and which hotels can still reach the end."""

    def __init__(self, model: Model) -> None:
        self.model = model
        hotels = [int(h) for h in model.hotels]
        num_trips = model.num_trips
        self.direct: list[dict[int, list[int]]] = []
        for d in range(num_trips):
            succ: dict[int, list[int]] = {}
            for i in hotels:
                succ[i] = [j for j in hotels if model.hotel_ok[d, j] and model.timing([i, j], d).feasible]
            self.direct.append(succ)
        start = model.data.start
        self.reach: list[set[int]] = [{start}]
        for d in range(num_trips):
            self.reach.append({j for i in self.reach[d] for j in self.direct[d][i]})
        alive: list[set[int]] = [set() for _ in range(num_trips + 1)]
        alive[num_trips] = set(self.reach[num_trips])
        for d in range(num_trips - 1, -1, -1):
            alive[d] = {i for i in self.reach[d] if any(j in alive[d + 1] for j in self.direct[d][i])}
        self.alive = alive
        # Usable (i, j) pairs per trip: on some start-to-end path.
        self.pairs: list[list[tuple[int, int]]] = [
            [(i, j) for i in sorted(alive[d]) for j in self.direct[d][i] if j in alive[d + 1]] for d in range(num_trips)
        ]

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
        model = self.model
        best = {model.data.start: 0.0}
        for d in range(model.num_trips):
            nxt: dict[int, float] = {}
            for i, c in best.items():
                for j in self.direct[d][i]:
                    v = c + model.timing([i, j], d).duration
                    if v < nxt.get(j, np.inf):
                        nxt[j] = v
            best = nxt
        return min(best.values(), default=np.inf)

    def neighbours(self, sol_hotels: Sequence, night: int) -> list[int]:
        """Hotels that could replace the hotel of ``night`` keeping both adjacent trips direct-feasible."""
        before = sol_hotels[night]
        current = sol_hotels[night + 1]
        out = []
        for h in self.direct[night][before]:
            if h == current:
                continue
            last = night + 1 >= self.model.num_trips
            if not last and sol_hotels[night + 2] not in self.direct[night + 1].get(h, ()):
                continue
            out.append(h)
        return out


PairValues = list[dict[tuple[int, int], tuple[float, np.ndarray]]]


def pair_values(model: Model, graph: HotelGraph) -> PairValues:
    """Estimate each usable (hotel, hotel) pair per trip by a single-trip greedy fill.

    Returns, per trip, the estimated score and the POIs visited by that fill.
    """
    values: PairValues = []
    cache: dict[tuple, tuple[float, np.ndarray]] = {}
    for d in range(model.num_trips):
        # Trips with the same limits and availability share their estimates.
        signature = (
            float(model.limits[d]),
            float(model.travel_limits[d]),
            model.available[d].tobytes(),
            model.open[d].tobytes(),
            model.close[d].tobytes(),
        )
        row: dict[tuple[int, int], tuple[float, np.ndarray]] = {}
        for i, j in graph.pairs[d]:
            key = (i, j, signature)
            if key not in cache:
                cache[key] = _single_trip_value(model, d, i, j)
            row[(i, j)] = cache[key]
        values.append(row)
    return values


def _single_trip_value(model: Model, d: int, i: int, j: int) -> tuple[float, np.ndarray]:
    sol = Solution.empty(model, (i, j) if model.num_trips == 1 else _padded(model, d, i, j))
    only = np.zeros(model.num_trips, dtype=bool)
    only[d] = True
    fill(model, sol, trips=only)
    return float(sol.score), sol.visited


def _padded(model: Model, d: int, i: int, j: int) -> tuple[int, ...]:
    # Other trips stay at their own hotel; only trip d is filled.
    hotels = [i] * (d + 1) + [j] * (model.num_trips - d)
    return tuple(hotels)


def best_sequences(model: Model, graph: HotelGraph, values: PairValues, *, k: int) -> list[tuple[float, Sequence]]:
    """Promising hotel sequences, best first.

    The ``4 k`` sequences with the highest summed pair values (minus hotel penalties) are
    re-ranked by the score of the union of their trips' POIs, which stops sequences that return
    to the same area every day from looking as good as the sum of their days.
    """
    start = model.data.start
    layer: dict[int, list[tuple[float, float, Sequence]]] = {start: [(0.0, 0.0, (start,))]}
    durations = {}
    for d in range(model.num_trips):
        nxt: dict[int, list[tuple[float, float, Sequence]]] = {}
        for (i, j), (value, _) in values[d].items():
            if i not in layer:
                continue
            if (d, i, j) not in durations:
                durations[(d, i, j)] = model.timing([i, j], d).duration
            gain = value - float(model.penalty[d, j])
            bucket = nxt.setdefault(j, [])
            for v, c, seq in layer[i]:
                bucket.append((v + gain, c + durations[(d, i, j)], (*seq, j)))
        layer = {j: heapq.nlargest(4 * k, bucket) for j, bucket in nxt.items()}
    final = [item for bucket in layer.values() for item in bucket if item[1] <= model.total_limit]
    final = heapq.nlargest(4 * k, final)
    ranked = []
    for v, _, seq in final:
        union = np.zeros(model.n, dtype=bool)
        penalty = 0.0
        for d in range(model.num_trips):
            union |= values[d][(seq[d], seq[d + 1])][1]
            penalty += float(model.penalty[d, seq[d + 1]])
        ranked.append((float(model.scores[union].sum()) - penalty, v, seq))
    ranked.sort(key=lambda item: (-item[0], -item[1], item[2]))
    return [(u, seq) for u, _, seq in ranked[:k]]
