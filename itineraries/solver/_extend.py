"""Extend a given tour: keep its hotels and visits, insert more POIs where time allows."""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from itineraries.checker import check_solution
from itineraries.problem import ProblemData
from itineraries.result import Result
from itineraries.solver._model import Model
from itineraries.solver._moves import Solution, fill


def extend(
    data: ProblemData, trips: Sequence[Sequence[int]], *, first: np.ndarray | None = None, seed: int = 0
) -> Result:
    """Fill the free time of a feasible tour of ``data`` with more POIs, keeping its hotels and the
    order of the POIs it visits: greedy cheapest insertions, the ``first`` POIs (a boolean mask)
    before any other. The tour is returned unchanged if nothing fits.

    Used for lexicographic objectives: solve for the POIs that matter most first (say, the members
    of a requested theme), then fill the time they leave with the rest.

    Raises
    ------
    ValueError
        If ``trips`` is not a feasible tour of ``data``.
    """
    clock = time.perf_counter()
    report = check_solution(data, trips)
    if not report.feasible:
        msg = f"trips: not a feasible tour of this problem: {'; '.join(report.violations)}"
        raise ValueError(msg)
    model = Model(data)
    routes = [[int(v) for v in trip] for trip in trips]
    sol = Solution.empty(model, (routes[0][0], *(r[-1] for r in routes)))
    for d, route in enumerate(routes):
        sol.set_trip(model, d, route)
    kept = sol.visited.copy()
    if first is not None:
        fill(model, sol, tabu=~np.asarray(first, dtype=bool))
    fill(model, sol)
    extended = [[int(v) for v in trip] for trip in sol.trips]
    final = check_solution(data, extended)
    if not final.feasible or (kept & ~sol.visited).any():
        extended, final = routes, report
    return Result(
        trips=extended,
        trip_durations=final.durations,
        trip_travel_times=final.travel_times,
        score=final.score,
        objective=final.objective,
        feasible=True,
        runtime=time.perf_counter() - clock,
        seed=seed,
    )
