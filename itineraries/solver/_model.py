"""Solver-side view of a problem: dense arrays, trip timing and vectorised insertion costs."""

from __future__ import annotations

import itertools
import math
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
        # Arrays handed to the compiled kernels are C-ordered and writable whatever the problem's
        # arrays are (the planner's column selections come out Fortran-ordered): numba compiles one
        # specialisation per layout, and a new one would be compiled inside the time limit.
        self.travel = np.array(data.travel, dtype=np.float64, order="C")
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
        self.open = np.ascontiguousarray(np.where(data.is_hotel[None, :], 0.0, data.time_window_open))
        self.close = np.ascontiguousarray(np.where(data.is_hotel[None, :], np.inf, data.time_window_close))
        self.has_tw = data.has_time_windows
        self.limits = data.effective_trip_limits()
        self.travel_limits = data.effective_travel_limits()
        self.has_travel_limit = np.isfinite(self.travel_limits)
        # Plain lists for the timing loop, as above.
        self._open_rows = self.open.tolist()
        self._close_rows = self.close.tolist()
        self._limit_list = self.limits.tolist()
        self._travel_limit_list = self.travel_limits.tolist()
        self.total_limit = float(_shrink(np.array([data.effective_total_limit()]))[0])
        self.mandatory = np.zeros(n, dtype=bool)
        self.mandatory[list(data.mandatory)] = True
        # POIs worth inserting on each trip.
        self.candidates = np.ascontiguousarray(self.available & ((self.scores > 0) | self.mandatory)[None, :])
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
            open_d = self._open_rows[d]
            close_d = self._close_rows[d]
            for a, b in itertools.pairwise(route):
                leg = travel[a][b]
                driven += leg
                clock += service[a] + leg
                if clock < open_d[b]:
                    clock = open_d[b]
                if clock > close_d[b]:
                    ok = False
        else:
            # Same arithmetic, in the same order, as the independent checker.
            for a, b in itertools.pairwise(route):
                leg = travel[a][b]
                driven += leg
                clock += service[a] + leg
        ok = ok and clock < math.inf and clock <= self._limit_list[d] and driven <= self._travel_limit_list[d]
        return Timing(clock, driven, ok)


def _shrink(limits: NDArray[np.float64]) -> NDArray[np.float64]:
    return limits * (1.0 - _MARGIN)
