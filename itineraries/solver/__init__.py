"""Metaheuristic for the orienteering problem with hotel selection.

The solver pre-computes promising hotel sequences (single-trip estimates for every feasible hotel
pair, then the k best sequences by dynamic programming), fills each greedily, races iterated
local searches on the best few and lets the winner run on with hotel-change moves until it
converges or the time limit is reached.

The local search runs in compiled kernels: :mod:`~itineraries.solver._kernels` for plain OPHS
(no time windows, no travel limits: the benchmark sets), :mod:`~itineraries.solver._tw_kernels`
for real trips (opening hours, closures, visit times, a daily driving limit). The time limit
covers everything but the compiled hotel pre-computation (see :func:`solve`).
"""

from __future__ import annotations

import dataclasses
import math
import time

import numpy as np
from numba import njit

from itineraries.checker import check_solution
from itineraries.problem import ProblemData
from itineraries.result import Result
from itineraries.solver._extend import extend
from itineraries.solver._hotels import HotelGraph, best_sequences, pair_values
from itineraries.solver._mandatory import covering_solutions
from itineraries.solver._model import Model
from itineraries.solver._moves import Solution, improve
from itineraries.solver._search import Search

__all__ = ["extend", "solve", "warm_up"]

BUILD_SHARE = 0.25  # of the time left after the hotel estimates, for building the sequences' tours
RACE_SHARE = 0.4  # of the time left after building, for racing the best few


def solve(
    data: ProblemData,
    *,
    seed: int = 0,
    time_limit: float = 3.0,
    max_iterations: int = 100_000,
    max_no_improvement: int = 5000,
    num_sequences: int = 200,
    num_elite: int = 8,
    race_budget: int = 4000,
) -> Result:
    """Find a high-scoring feasible tour.

    Parameters
    ----------
    data
        The problem.
    seed
        Random seed; a run is deterministic for a given seed unless it stops on ``time_limit``.
    time_limit
        Wall-clock budget in seconds. The hotel pre-computation (pair estimates, k-best sequences)
        runs before any check of the clock; it is compiled and takes ~0.05 s for 5 days over 24
        hotels and ~0.2 s for 14 days over 120 (one batch of estimates per distinct day). Then
        building the sequences' tours may take a quarter of what is left, the race 40 % of the
        rest, and the final search (with hotel changes) the remainder.
    max_iterations
        Cap on local-search iterations.
    max_no_improvement
        Stop after this many iterations of the final search without a better tour.
    num_sequences
        Hotel sequences built from the pre-computed estimates.
    num_elite
        Sequences raced by iterated local search before the final search.
    race_budget
        Iterations shared by the racing rounds: each round runs every remaining sequence, then
        keeps the better half and doubles the iterations per sequence.

    Returns
    -------
    Result
        The best feasible tour, or an infeasible result saying why none was found.
    """
    clock_start = time.perf_counter()
    deadline = clock_start + max(0.0, time_limit)
    rng = np.random.default_rng(seed)
    model = Model(data)

    def failure(reasons: list[str], unplaced: dict[int, str] | None = None, sequences: int = 0) -> Result:
        return Result(
            trips=[],
            trip_durations=[],
            trip_travel_times=[],
            score=0.0,
            objective=0.0,
            feasible=False,
            reasons=reasons,
            unplaced_mandatory=unplaced or {},
            runtime=time.perf_counter() - clock_start,
            seed=seed,
            hotel_sequences=sequences,
        )

    graph = HotelGraph(model)
    if not graph.feasible:
        return failure([graph.explain()])
    shortest = graph.min_total()
    if shortest > model.total_limit:
        msg = f"no feasible hotel sequence: shortest takes {shortest:g} > total limit {data.total_limit:g}"
        return failure([msg])
    unplaced = _diagnose_mandatory(model, graph)
    if unplaced:
        return failure(_mandatory_reasons(unplaced), unplaced)

    values = pair_values(model, graph)
    sequences = best_sequences(model, graph, values, k=max(1, num_sequences))
    # Must-see places far apart: tours built around the sequences that pass near all of them.
    built: list[Solution] = covering_solutions(model, graph, values, k=max(1, num_elite)) if data.mandatory else []
    fewest_missing = list(data.mandatory)
    # Building every sequence may not pay on large instances: keep most of the time for the search.
    build_deadline = time.perf_counter() + BUILD_SHARE * max(0.0, deadline - time.perf_counter())
    for _, hotels in sequences:
        sol = Solution.empty(model, hotels)
        improve(model, sol, None, set(range(model.num_trips)), 0.0)
        missing = sol.missing_mandatory(model).tolist()
        if not missing:
            built.append(sol)
        elif len(missing) < len(fewest_missing):
            fewest_missing = missing
        if time.perf_counter() >= build_deadline and built:
            break
    attempts = 0
    while not built and time.perf_counter() < deadline and attempts < 20 * len(sequences):
        # Mandatory POIs may fit with a less greedy order: retry with noise.
        hotels = sequences[attempts % len(sequences)][1]
        attempts += 1
        sol = Solution.empty(model, hotels)
        improve(model, sol, rng, set(range(model.num_trips)), 0.5)
        missing = sol.missing_mandatory(model).tolist()
        if not missing:
            built.append(sol)
        elif len(missing) < len(fewest_missing):
            fewest_missing = missing
    if not built:
        # Name the POIs left out of the tour that came closest.
        why = "no feasible insertion found together with the other mandatory POIs"
        unplaced = {int(m): why for m in fewest_missing}
        return failure(_mandatory_reasons(unplaced), unplaced, len(sequences))

    bound = _upper_bound(model, graph)
    built.sort(key=Solution.key, reverse=True)
    seeds = rng.integers(2**63, size=num_elite)
    searches = [
        Search(model, graph, sol, np.random.default_rng(int(s)), clock_start)
        for sol, s in zip(built[: max(1, num_elite)], seeds, strict=False)
    ]
    finished = list(searches)
    levels = max(1, math.ceil(math.log2(max(2, len(searches)))))
    rounds = max(20, race_budget // (len(searches) * levels))
    # The race may take RACE_SHARE of the time left, in equal slices per round and per search, so
    # that the winner has time for hotel moves; a round ends early once its iterations are done.
    race_start = time.perf_counter()
    race_slice = RACE_SHARE * max(0.0, deadline - race_start) / levels
    level = 0
    while len(searches) > 1 and time.perf_counter() < deadline:
        round_start = race_start + level * race_slice
        for k, search in enumerate(searches):
            until = min(deadline, round_start + race_slice * (k + 1) / len(searches))
            search.run(rounds, until, hotel_moves=False, bound=bound)
        level += 1
        searches.sort(key=lambda s: s.best.key(), reverse=True)
        if searches[0].best.objective >= bound - 1e-9:
            break
        searches = searches[: (len(searches) + 1) // 2]
        rounds *= 2
    searches[0].run(max_iterations, deadline, hotel_moves=True, max_stall=max_no_improvement, bound=bound)

    candidates = sorted((s for s in finished), key=lambda s: s.best.key(), reverse=True)
    iterations = sum(s.iterations for s in finished)
    for search in candidates:
        sol = search.best
        trips = [[int(v) for v in trip] for trip in sol.trips]
        report = check_solution(data, trips)
        if report.feasible:
            return Result(
                trips=trips,
                trip_durations=report.durations,
                trip_travel_times=report.travel_times,
                score=report.score,
                objective=report.objective,
                feasible=True,
                runtime=time.perf_counter() - clock_start,
                iterations=iterations,
                best_found_time=search.best_time,
                seed=seed,
                hotel_sequences=len(built),
            )
    return failure(["internal error: every tour found failed the independent check"], None, len(built))


def warm_up() -> float:
    """Compile the numba kernels (or load them from numba's on-disk cache); return the seconds spent.

    The first solve in a fresh checkout otherwise spends ~10 s compiling inside its time limit.
    """
    start = time.perf_counter()
    xy = np.array([[0.0, 0.0], [4.0, 0.0], [1.0, 1.0], [2.0, -1.0], [3.0, 1.0]])
    travel = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
    data = ProblemData(travel=travel, scores=[0, 0, 1, 2, 3], hotels=(0, 1), start=0, end=1, trip_limits=[6.0, 6.0])
    # extend() calls the greedy fill directly (themed plans): compile that entry point too.
    extend(data, solve(data, time_limit=1.0, max_iterations=5, race_budget=5).trips)
    # Real trips (opening hours, visit times, a driving limit) run on the general kernels.
    timed = dataclasses.replace(
        data,
        trip_travel_limits=[5.0, 5.0],
        service=[0.0, 0.0, 0.5, 0.5, 0.5],
        time_window_close=np.full((2, 5), 5.0),
    )
    extend(timed, solve(timed, time_limit=1.0, max_iterations=5, race_budget=5).trips)
    return time.perf_counter() - start


def _upper_bound(model: Model, graph: HotelGraph) -> float:
    """Score of all POIs that fit alone on some trip: reaching it proves optimality."""
    usable = np.stack(graph.usable).astype(np.bool_)
    reachable = _fits_alone(model.cost, model.hotels.astype(np.int64), usable, model.candidates, model.limits)
    return float(model.scores[reachable].sum()) - float(model.penalty.min(axis=1).sum())


@njit(cache=True)
def _fits_alone(cost, hotels, usable, candidates, limits):  # pragma: no cover - compiled
    num_trips, n = candidates.shape
    size = hotels.shape[0]
    reachable = np.zeros(n, dtype=np.bool_)
    for d in range(num_trips):
        for a in range(size):
            i = hotels[a]
            for b in range(size):
                if not usable[d, a, b]:
                    continue
                j = hotels[b]
                for p in range(n):
                    if not reachable[p] and candidates[d, p] and cost[i, p] + cost[p, j] <= limits[d]:
                        reachable[p] = True
    return reachable


def _diagnose_mandatory(model: Model, graph: HotelGraph) -> dict[int, str]:
    unplaced: dict[int, str] = {}
    for m in model.data.mandatory:
        days = np.flatnonzero(model.available[:, m])
        if days.size == 0:
            unplaced[m] = "closed on every day"
            continue
        fits = False
        fits_ignoring_windows = False
        for d in days:
            a, b = np.nonzero(graph.usable[d])
            if a.size == 0:
                continue
            i, j = model.hotels[a], model.hotels[b]
            # The trip i -> m -> j timed as Model.timing does (hotels have no service or window).
            begin = np.maximum(0.0 + (0.0 + model.travel[i, m]), model.open[d, m])
            clock = begin + (model.service[m] + model.travel[m, j])
            driven = model.travel[i, m] + model.travel[m, j]
            within = (driven <= model.travel_limits[d]) & (clock < np.inf)
            if (within & (begin <= model.close[d, m]) & (clock <= model.limits[d])).any():
                fits = True
                break
            cost = model.cost[i, m] + model.cost[m, j]
            if ((cost <= model.limits[d]) & (driven <= model.travel_limits[d])).any():
                fits_ignoring_windows = True
        if not fits:
            if fits_ignoring_windows:
                unplaced[m] = "its time window cannot be met on any day it is open"
            else:
                unplaced[m] = "unreachable within any day's limit"
    return unplaced


def _mandatory_reasons(unplaced: dict[int, str]) -> list[str]:
    return [f"mandatory POI {m}: {why}" for m, why in sorted(unplaced.items())]
