"""ProblemData validation and immutability."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from itineraries.problem import ProblemData


def _data(**overrides: object) -> ProblemData:
    travel = np.array([[0.0, 1.0, 2.0], [1.0, 0.0, 1.5], [2.0, 1.5, 0.0]])
    kwargs: dict[str, object] = {
        "travel": travel,
        "scores": [0, 0, 5],
        "hotels": (0, 1),
        "start": 0,
        "end": 1,
        "trip_limits": [5.0, 5.0],
    }
    kwargs.update(overrides)
    return ProblemData(**kwargs)  # type: ignore[arg-type]


def test_defaults_and_properties() -> None:
    data = _data()
    assert data.num_vertices == 3
    assert data.num_trips == 2
    assert data.pois.tolist() == [2]
    assert data.is_hotel.tolist() == [True, True, False]
    assert np.isinf(data.trip_travel_limits).all()
    assert data.available.all()
    assert not data.has_time_windows
    assert data.tolerance == 0.0


def test_arrays_are_read_only_and_frozen() -> None:
    source = np.zeros((3, 3))
    data = _data(travel=source)
    source[0, 1] = 99.0  # the problem keeps its own copy
    assert data.travel[0, 1] == 0.0
    with pytest.raises(ValueError, match="read-only"):
        data.travel[0, 1] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        data.scores[2] = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.start = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"travel": np.ones((3, 2))}, "travel: expected a square"),
        ({"travel": [[0, -1, 0], [0, 0, 0], [0, 0, 0]]}, r"travel\[0, 1\] = -1"),
        ({"scores": [0, 0, -3]}, "scores: must be >= 0, got -3"),
        ({"scores": [0, 0]}, r"scores: expected shape \(3,\)"),
        ({"start": 2}, "start: vertex 2 is not a hotel"),
        ({"end": 7}, r"end: expected a vertex index in \[0, 3\), got 7"),
        ({"hotels": ()}, "hotels: at least one hotel"),
        ({"trip_limits": [5.0, -1.0]}, "trip_limits: must be >= 0, got -1"),
        ({"tolerance": 2.0}, r"tolerance: must be in \[0, 1\), got 2.0"),
        ({"service": [1, 0, 0]}, "service: hotel 0 must have service time 0"),
        ({"mandatory": (1,)}, "mandatory: vertex 1 is a hotel"),
        ({"available": np.ones((2, 2), dtype=bool)}, r"available: expected shape \(2, 3\)"),
        (
            {"time_window_open": np.full((2, 3), 4.0), "time_window_close": np.full((2, 3), 3.0)},
            "time_window_close: must be >= time_window_open",
        ),
        ({"total_limit": -1}, "total_limit: must be >= 0"),
    ],
)
def test_validation_names_field_and_value(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _data(**overrides)


def test_open_ended_trip_and_effective_limits() -> None:
    data = _data(end=None, tolerance=0.01, total_limit=8.0)
    assert data.end is None
    assert data.effective_trip_limits().tolist() == pytest.approx([5.05, 5.05])
    assert data.effective_total_limit() == pytest.approx(8.08)
