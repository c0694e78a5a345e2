"""Immutable data of an orienteering problem with hotel selection (OPHS).

A tour covers ``D`` trips (days). Trip ``d`` leaves a hotel, visits points of interest (POIs)
and ends at a hotel where the next trip starts. The first trip leaves :attr:`ProblemData.start`,
the last one ends at :attr:`ProblemData.end` (or at any allowed hotel when ``end`` is ``None``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["ProblemData"]


@dataclass(frozen=True, kw_only=True, eq=False)
class ProblemData:
    """Validated, read-only OPHS instance.

    Parameters
    ----------
    travel
        ``(n, n)`` travel-time (or distance) matrix; may be asymmetric, ``inf`` means unreachable.
    scores
        ``(n,)`` non-negative score of each vertex; hotel scores are ignored.
    hotels
        Indices of the hotel vertices. Every other vertex is a POI.
    start
        Hotel where the first trip starts.
    end
        Hotel where the last trip ends, or ``None`` for any allowed hotel.
    trip_limits
        ``(D,)`` maximum duration (travel + service + waiting) of each trip.
    trip_travel_limits
        ``(D,)`` maximum travel (driving) time of each trip; ``inf`` when absent.
    total_limit
        Maximum summed duration of all trips (``inf`` when absent).
    tolerance
        Relative tolerance on the trip and total limits: a trip is feasible when its duration
        is at most ``limit * (1 + tolerance)``. ``0`` for real problems; the benchmark reader uses
        ``2e-4`` because limits in ``.ophs`` files are printed rounded.
    service
        ``(n,)`` service time per vertex (hotels must have ``0``).
    available
        ``(D, n)`` boolean: POI ``i`` may be visited on trip ``d``. Default: always.
    time_window_open, time_window_close
        ``(D, n)`` earliest arrival and latest start of service of each POI on trip ``d``,
        relative to the start of the trip. Waiting is allowed. Default ``0`` and ``inf``.
    hotel_allowed
        ``(D, n)`` boolean: hotel ``h`` may end trip ``d`` (be that night's hotel). Default: always.
    hotel_penalty
        ``(D, n)`` penalty subtracted from the objective when trip ``d`` ends at hotel ``h``.
    mandatory
        POIs that must be visited.
    coordinates
        Optional ``(n, 2)`` coordinates, for display only.
    name
        Instance name.
    """

    travel: NDArray[np.float64]
    scores: NDArray[np.float64]
    hotels: tuple[int, ...]
    start: int
    end: int | None
    trip_limits: NDArray[np.float64]
    trip_travel_limits: NDArray[np.float64] | None = None
    total_limit: float = math.inf
    tolerance: float = 0.0
    service: NDArray[np.float64] | None = None
    available: NDArray[np.bool_] | None = None
    time_window_open: NDArray[np.float64] | None = None
    time_window_close: NDArray[np.float64] | None = None
    hotel_allowed: NDArray[np.bool_] | None = None
    hotel_penalty: NDArray[np.float64] | None = None
    mandatory: tuple[int, ...] = ()
    coordinates: NDArray[np.float64] | None = None
    name: str = ""
    _is_hotel: NDArray[np.bool_] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        travel = _float_array("travel", self.travel, ndim=2)
        n = travel.shape[0]
        if travel.shape != (n, n) or n < 1:
            msg = f"travel: expected a square (n, n) matrix, got shape {travel.shape}"
            raise ValueError(msg)
        if np.isnan(travel).any() or (travel < 0).any():
            i, j = np.argwhere(np.isnan(travel) | (travel < 0))[0]
            msg = f"travel: entries must be >= 0 or inf, got travel[{i}, {j}] = {travel[i, j]}"
            raise ValueError(msg)
        scores = _float_array("scores", self.scores, shape=(n,))
        _check_finite_nonneg("scores", scores)

        hotels = tuple(sorted({_index("hotels", h, n) for h in self.hotels}))
        if not hotels:
            msg = "hotels: at least one hotel is required"
            raise ValueError(msg)
        is_hotel = np.zeros(n, dtype=bool)
        is_hotel[list(hotels)] = True
        start = _index("start", self.start, n)
        if not is_hotel[start]:
            msg = f"start: vertex {start} is not a hotel"
            raise ValueError(msg)
        end = None if self.end is None else _index("end", self.end, n)
        if end is not None and not is_hotel[end]:
            msg = f"end: vertex {end} is not a hotel"
            raise ValueError(msg)

        trip_limits = _float_array("trip_limits", self.trip_limits, ndim=1)
        num_trips = trip_limits.shape[0]
        if num_trips < 1:
            msg = "trip_limits: at least one trip is required"
            raise ValueError(msg)
        _check_nonneg("trip_limits", trip_limits)
        if self.trip_travel_limits is None:
            travel_limits = np.full(num_trips, np.inf)
        else:
            travel_limits = _float_array("trip_travel_limits", self.trip_travel_limits, shape=(num_trips,))
            _check_nonneg("trip_travel_limits", travel_limits)
        total_limit = float(self.total_limit)
        if math.isnan(total_limit) or total_limit < 0:
            msg = f"total_limit: must be >= 0 or inf, got {self.total_limit}"
            raise ValueError(msg)
        tolerance = float(self.tolerance)
        if not 0 <= tolerance < 1:
            msg = f"tolerance: must be in [0, 1), got {self.tolerance}"
            raise ValueError(msg)

        service = np.zeros(n) if self.service is None else _float_array("service", self.service, shape=(n,))
        _check_finite_nonneg("service", service)
        if (service[is_hotel] != 0).any():
            h = int(np.flatnonzero(is_hotel & (service != 0))[0])
            msg = f"service: hotel {h} must have service time 0, got {service[h]}"
            raise ValueError(msg)

        shape = (num_trips, n)
        available = _bool_array("available", self.available, shape, default=True)
        tw_open = _float_array("time_window_open", self.time_window_open, shape=shape, default=0.0)
        tw_close = _float_array("time_window_close", self.time_window_close, shape=shape, default=np.inf)
        _check_finite_nonneg("time_window_open", tw_open)
        if np.isnan(tw_close).any() or (tw_close < tw_open).any():
            d, i = np.argwhere(np.isnan(tw_close) | (tw_close < tw_open))[0]
            msg = (
                f"time_window_close: must be >= time_window_open, got [{tw_open[d, i]}, {tw_close[d, i]}]"
                f" for vertex {i} on trip {d}"
            )
            raise ValueError(msg)
        hotel_allowed = _bool_array("hotel_allowed", self.hotel_allowed, shape, default=True)
        hotel_penalty = _float_array("hotel_penalty", self.hotel_penalty, shape=shape, default=0.0)
        if not np.isfinite(hotel_penalty).all():
            d, h = np.argwhere(~np.isfinite(hotel_penalty))[0]
            msg = f"hotel_penalty: must be finite, got {hotel_penalty[d, h]} for hotel {h} on trip {d}"
            raise ValueError(msg)

        mandatory = tuple(sorted({_index("mandatory", m, n) for m in self.mandatory}))
        for m in mandatory:
            if is_hotel[m]:
                msg = f"mandatory: vertex {m} is a hotel, not a POI"
                raise ValueError(msg)
        coordinates = None
        if self.coordinates is not None:
            coordinates = _float_array("coordinates", self.coordinates, shape=(n, 2))

        for name, value in [
            ("travel", travel),
            ("scores", scores),
            ("trip_limits", trip_limits),
            ("trip_travel_limits", travel_limits),
            ("tolerance", tolerance),
            ("total_limit", total_limit),
            ("service", service),
            ("available", available),
            ("time_window_open", tw_open),
            ("time_window_close", tw_close),
            ("hotel_allowed", hotel_allowed),
            ("hotel_penalty", hotel_penalty),
            ("coordinates", coordinates),
            ("hotels", hotels),
            ("start", start),
            ("end", end),
            ("mandatory", mandatory),
            ("name", str(self.name)),
            ("_is_hotel", is_hotel),
        ]:
            if isinstance(value, np.ndarray):
                value.setflags(write=False)
            object.__setattr__(self, name, value)

    @property
    def num_vertices(self) -> int:
        """Number of vertices (hotels and POIs)."""
        return int(self.travel.shape[0])

    @property
    def num_trips(self) -> int:
        """Number of trips (days) ``D``."""
        return int(self.trip_limits.shape[0])

    @property
    def is_hotel(self) -> NDArray[np.bool_]:
        """``(n,)`` boolean mask of the hotel vertices."""
        return self._is_hotel

    @property
    def pois(self) -> NDArray[np.intp]:
        """Indices of the POIs (non-hotel vertices)."""
        return np.flatnonzero(~self._is_hotel)

    @property
    def has_time_windows(self) -> bool:
        """Whether any POI has a binding time window."""
        return bool((self.time_window_open > 0).any() or np.isfinite(self.time_window_close).any())

    def effective_trip_limits(self) -> NDArray[np.float64]:
        """Trip duration limits with the tolerance applied."""
        return self.trip_limits * (1.0 + self.tolerance)

    def effective_travel_limits(self) -> NDArray[np.float64]:
        """Trip travel limits with the tolerance applied."""
        return self.trip_travel_limits * (1.0 + self.tolerance)

    def effective_total_limit(self) -> float:
        """Total duration limit with the tolerance applied."""
        return self.total_limit * (1.0 + self.tolerance)


def _index(name: str, value: object, n: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or not 0 <= int(value) < n:
        msg = f"{name}: expected a vertex index in [0, {n}), got {value!r}"
        raise ValueError(msg)
    return int(value)


def _float_array(
    name: str,
    value: ArrayLike | None,
    *,
    ndim: int | None = None,
    shape: Sequence[int] | None = None,
    default: float | None = None,
) -> NDArray[np.float64]:
    if value is None and default is not None and shape is not None:
        return np.full(tuple(shape), default, dtype=np.float64)
    try:
        array = np.array(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        msg = f"{name}: expected numbers, got {value!r:.80}"
        raise ValueError(msg) from exc
    if ndim is not None and array.ndim != ndim:
        msg = f"{name}: expected a {ndim}-dimensional array, got shape {array.shape}"
        raise ValueError(msg)
    if shape is not None and array.shape != tuple(shape):
        msg = f"{name}: expected shape {tuple(shape)}, got {array.shape}"
        raise ValueError(msg)
    return array


def _bool_array(name: str, value: ArrayLike | None, shape: tuple[int, int], *, default: bool) -> NDArray[np.bool_]:
    if value is None:
        return np.full(shape, default, dtype=bool)
    array = np.array(value)
    if array.shape != shape:
        msg = f"{name}: expected shape {shape}, got {array.shape}"
        raise ValueError(msg)
    if array.dtype != bool:
        msg = f"{name}: expected booleans, got dtype {array.dtype}"
        raise ValueError(msg)
    return array.copy()


def _check_nonneg(name: str, array: NDArray[np.float64]) -> None:
    bad = np.isnan(array) | (array < 0)
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        where = idx[0] if len(idx) == 1 else idx
        msg = f"{name}: must be >= 0, got {array[idx]} at {where}"
        raise ValueError(msg)


def _check_finite_nonneg(name: str, array: NDArray[np.float64]) -> None:
    _check_nonneg(name, array)
    if not np.isfinite(array).all():
        idx = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
        where = idx[0] if len(idx) == 1 else idx
        msg = f"{name}: must be finite, got {array[idx]} at {where}"
        raise ValueError(msg)
