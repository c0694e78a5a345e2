"""Tours built around the mandatory POIs.

The best hotel sequences by estimated value (:func:`itineraries.solver._hotels.best_sequences`)
favour tours that stay in rich areas; with must-see places spread over a province (an agency's
boutique line) none of them may pass near every one, and a greedy fill cannot then place them all.

Here a trip between two hotels may cover either the mandatory POIs of its single-trip fill (that
fill inserts mandatory POIs first) or any one mandatory POI that fits on the trip alone (a
whole-day visit that must start early, say). A beam search over the trips keeps, per hotel, the
partial sequences covering the most mandatory POIs (then the highest estimated value); each final
sequence is built by inserting every trip's mandatory POIs first, then filled as usual.
"""

from __future__ import annotations

import numpy as np

from itineraries.solver._hotels import HotelGraph, PairValues
from itineraries.solver._model import Model
from itineraries.solver._moves import Solution, improve

_PER_HOTEL = 6
# (covered count, value, covered mask, hotel sequence, mask covered on each trip)
_State = tuple[int, float, int, tuple[int, ...], tuple[int, ...]]


def covering_solutions(
    model: Model, graph: HotelGraph, values: PairValues, *, k: int, per_hotel: int = _PER_HOTEL
) -> list[Solution]:
    """Up to ``k`` tours with every mandatory POI, built on the sequences that cover them best.

    Parameters
    ----------
    model, graph
        The problem and its hotel graph.
    values
        Per trip, the estimated value and visited POIs of each usable hotel pair
        (:func:`itineraries.solver._hotels.pair_values`).
    k
        Number of sequences to build.
    per_hotel
        Beam width: partial sequences kept per hotel and trip.

    Returns
    -------
    list of Solution
        Feasible tours visiting every mandatory POI (possibly none).
    """
    mandatory = np.flatnonzero(model.mandatory)
    if mandatory.size == 0:
        return []
    bits = [1 << b for b in range(mandatory.size)]
    full = (1 << mandatory.size) - 1
    layer: dict[int, list[_State]] = {model.data.start: [(0, 0.0, 0, (model.data.start,), ())]}
    for d in range(model.num_trips):
        options = _trip_options(model, values[d], d, mandatory, bits)
        nxt: dict[int, dict[int, _State]] = {}
        for (i, j), choices in options.items():
            states = layer.get(i)
            if not states:
                continue
            bucket = nxt.setdefault(j, {})
            for _, value, mask, seq, days in states:
                for add, gain in choices:
                    new = mask | add
                    if add and new == mask:
                        continue  # a lone must-see already covered: the fill option is better
                    total = value + gain
                    best = bucket.get(new)
                    if best is None or total > best[1]:
                        bucket[new] = (new.bit_count(), total, new, (*seq, j), (*days, add & ~mask))
        layer = {j: sorted(b.values(), key=lambda s: (-s[0], -s[1]))[:per_hotel] for j, b in nxt.items()}
    final = sorted((s for states in layer.values() for s in states), key=lambda s: (-s[0], -s[1], s[3]))
    built = []
    for _, _, mask, seq, days in final:
        if mask != full or len(built) >= k:
            break
        sol = _build(model, seq, [[int(m) for b, m in zip(bits, mandatory, strict=True) if add & b] for add in days])
        if sol is not None:
            built.append(sol)
    return built


def _trip_options(
    model: Model, values: dict[tuple[int, int], tuple[float, np.ndarray]], d: int, mandatory: np.ndarray, bits: list
) -> dict[tuple[int, int], list[tuple[int, float]]]:
    """Per hotel pair of trip ``d``: (covered mask, estimated value) of its fill and of each lone
    mandatory POI that fits on the trip but is not in the fill."""
    hotels = model.hotels
    position = np.full(model.n, -1, dtype=np.intp)
    position[hotels] = np.arange(hotels.size)
    alone = []
    for m in mandatory:
        reach = model.travel[hotels, m]
        begin = np.maximum(reach, model.open[d, m])
        ok_in = model.available[d, m] & (begin <= model.close[d, m])
        back = model.travel[m, hotels]
        ok = ok_in[:, None] & (begin[:, None] + model.service[m] + back[None, :] <= model.limits[d])
        ok &= reach[:, None] + back[None, :] <= model.travel_limits[d]
        alone.append(ok)
    options = {}
    for (i, j), (value, visited) in values.items():
        fill = 0
        for b, m in zip(bits, mandatory, strict=True):
            if visited[m]:
                fill |= b
        choices = [(fill, value)]
        pi, pj = position[i], position[j]
        for b, m, ok in zip(bits, mandatory, alone, strict=True):
            if not fill & b and ok[pi, pj]:
                choices.append((b, float(model.scores[m])))
        options[(i, j)] = choices
    return options


def _build(model: Model, hotels: tuple[int, ...], per_trip: list[list[int]]) -> Solution | None:
    """The tour through ``hotels`` with each trip's mandatory POIs inserted first, then filled."""
    sol = Solution.empty(model, hotels)
    for d, pois in enumerate(per_trip):
        route = list(sol.trips[d])
        for m in sorted(pois, key=lambda m: -model.service[m]):
            best = None
            for pos in range(1, len(route)):
                trial = [*route[:pos], m, *route[pos:]]
                timing = model.timing(trial, d)
                if timing.feasible and (best is None or timing.duration < best[0]):
                    best = (timing.duration, trial)
            if best is not None:
                route = best[1]
        if len(route) > 2 and not sol.set_trip(model, d, route):
            return None
    improve(model, sol, None, set(range(model.num_trips)), 0.0)
    return None if sol.missing_mandatory(model).size else sol
