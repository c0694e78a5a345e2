"""Solver-side view of a problem: dense arrays, trip timing and vectorised insertion costs."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from itineraries.problem import ProblemData

# The total limit is shrunk by this relative margin because the solver adds trip durations in
# a different order than an independent recomputation would. Trip limits need none: every
# accepted trip is re-timed exactly as the checker times it.
_MARGIN = 1e-12

Route = list[int]


@dataclass
class Timing:
    """Exact timing of one trip."""

    duration: float
    travel: float
    feasible: bool


class Model:
    """Dense arrays derived once from :class:`ProblemData` for the solver's hot loops."""

    def __init__(self, data: ProblemData) -> None:
        self.data = data
        n = data.num_vertices
        num_trips = data.num_trips
        self.n = n
        self.num_trips = num_trips
        self.travel = np.ascontiguousarray(data.travel)
        self.service = np.where(data.is_hotel, 0.0, data.service)
        # Plain lists: scalar look-ups in the timing loop are much faster than on arrays.
        self._travel_rows = self.travel.tolist()
        self._service_list = self.service.tolist()
        # Duration cost of a leg includes the service at its destination.
        self.cost = self.travel + self.service[None, :]
        self.is_hotel = data.is_hotel.copy()
        self.hotels = np.array(data.hotels, dtype=np.intp)
        self.scores = np.where(data.is_hotel, 0.0, data.scores)
        self.available = data.available & ~data.is_hotel[None, :]
        # Hotels have no time windows.
        self.open = np.where(data.is_hotel[None, :], 0.0, data.time_window_open)
        self.close = np.where(data.is_hotel[None, :], np.inf, data.time_window_close)
        self.has_tw = data.has_time_windows
        self.limits = data.effective_trip_limits()
        self.travel_limits = data.effective_travel_limits()
        self.has_travel_limit = np.isfinite(self.travel_limits)
        self.total_limit = float(_shrink(np.array([data.effective_total_limit()]))[0])
        self.mandatory = np.zeros(n, dtype=bool)
        self.mandatory[list(data.mandatory)] = True
        # POIs worth inserting on each trip.
        self.candidates = self.available & ((self.scores > 0) | self.mandatory)[None, :]
        ends = data.hotel_allowed & data.is_hotel[None, :]
        if data.end is not None:
            last = np.zeros(n, dtype=bool)
            last[data.end] = ends[-1, data.end]
            ends[-1] = last
        self.hotel_ok = ends
        self.penalty = np.asarray(data.hotel_penalty)
        # Trips without time windows or travel limits run on the compiled kernels.
        self.fast = not self.has_tw and not self.has_travel_limit.any()
        # Vertices by increasing round-trip time from each vertex, for spatial shakes.
        self.neighbours = np.argsort(self.travel + self.travel.T, axis=1, kind="stable")
        finite = np.isfinite(self.travel)
        self.symmetric = bool(
            np.array_equal(finite, finite.T) and np.allclose(self.travel[finite], self.travel.T[finite])
        )

    def timing(self, route: Route, d: int) -> Timing:
        """Recompute the timing of ``route`` as trip ``d`` from scratch."""
        travel = self._travel_rows
        service = self._service_list
        clock = 0.0
        driven = 0.0
        ok = True
        if self.has_tw:
            open_d = self.open[d]
            close_d = self.close[d]
            for a, b in itertools.pairwise(route):
                leg = travel[a][b]
                driven += leg
                clock += service[a] + leg
                if clock < open_d[b]:
                    clock = float(open_d[b])
                if clock > close_d[b]:
                    ok = False
        else:
            # Same arithmetic, in the same order, as the independent checker.
            for a, b in itertools.pairwise(route):
                leg = travel[a][b]
                driven += leg
                clock += service[a] + leg
        ok = ok and clock < np.inf and clock <= self.limits[d] and driven <= self.travel_limits[d]
        return Timing(float(clock), float(driven), ok)

    def insertion_table(
        self, route: Route, d: int, duration: float, driven: float
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.intp]]:
        """Cheapest feasible insertion of every vertex into trip ``d``.

        Returns
        -------
        cost, increase, position
            ``(n,)`` arrays: time consumed at the insertion point (``inf`` when no position
            is feasible for the trip), the resulting increase of the trip duration, and the index
            of the route edge to insert into (between ``route[k]`` and ``route[k + 1]``).
        """
        r = np.asarray(route, dtype=np.intp)
        prev = r[:-1]
        nxt = r[1:]
        if self.has_tw:
            return self._tw_table(route, r, d)
        base = self.cost[prev, nxt]
        inc = self.cost[prev, :] + self.cost[:, nxt].T - base[:, None]
        if self.has_travel_limit[d]:
            dinc = self.travel[prev, :] + self.travel[:, nxt].T - self.travel[prev, nxt][:, None]
            inc = np.where(dinc <= self.travel_limits[d] - driven, inc, np.inf)
        pos = np.argmin(inc, axis=0)
        best = inc[pos, np.arange(self.n)]
        best = np.where(best <= self.limits[d] - duration, best, np.inf)
        return best, best, pos

    def _tw_table(
        self, route: Route, r: NDArray[np.intp], d: int
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.intp]]:
        length = len(route)
        arrive = np.zeros(length)
        begin = np.zeros(length)
        clock = 0.0
        driven = 0.0
        for k in range(1, length):
            a, b = route[k - 1], route[k]
            driven += self.travel[a, b]
            clock += self.service[a] + self.travel[a, b]
            arrive[k] = clock
            clock = max(clock, self.open[d, b])
            begin[k] = clock
        wait = begin - arrive
        # Largest delay each vertex can absorb without breaking a later window or the limit.
        slack = np.empty(length)
        slack[-1] = self.limits[d] - begin[-1]
        for k in range(length - 2, 0, -1):
            slack[k] = min(self.close[d, route[k]] - begin[k], wait[k + 1] + slack[k + 1])
        wait_after = np.cumsum(wait[::-1])[::-1]
        prev = r[:-1]
        nxt = r[1:]
        depart = begin[:-1] + self.service[prev]
        reach = depart[:, None] + self.travel[prev, :]
        start = np.maximum(reach, self.open[d][None, :])
        ok = start <= self.close[d][None, :]
        shift = start + self.service[None, :] + self.travel[:, nxt].T - arrive[1:, None]
        ok &= shift <= (wait[1:] + slack[1:])[:, None]
        if self.has_travel_limit[d]:
            dinc = self.travel[prev, :] + self.travel[:, nxt].T - self.travel[prev, nxt][:, None]
            ok &= dinc <= self.travel_limits[d] - driven
        shift = np.where(ok, shift, np.inf)
        pos = np.argmin(shift, axis=0)
        cols = np.arange(self.n)
        best = shift[pos, cols]
        increase = np.maximum(0.0, best - wait_after[pos + 1])
        return best, increase, pos


def _shrink(limits: NDArray[np.float64]) -> NDArray[np.float64]:
    return limits * (1.0 - _MARGIN)
