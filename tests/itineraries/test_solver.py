"""The OPHS solver on constructed instances with known optima and infeasibilities."""

from __future__ import annotations

import numpy as np
import pytest

from itineraries.checker import check_solution
from itineraries.problem import ProblemData
from itineraries.solver import _tw_kernels, solve, warm_up
from itineraries.solver._model import Model
from tests.itineraries._instances import brute_force, euclidean, random_instance

FAST = {"time_limit": 5.0, "max_iterations": 300, "max_no_improvement": 100}


def _assert_feasible(data: ProblemData, result) -> None:
    assert result.feasible, result.reasons
    report = check_solution(data, result.trips)
    assert report.feasible, report.violations
    assert report.score == pytest.approx(result.score)


@pytest.mark.parametrize("seed", range(8))
def test_matches_brute_force_optimum(seed: int) -> None:
    data = random_instance(seed)
    result = solve(data, seed=seed, **FAST)
    _assert_feasible(data, result)
    assert result.objective == pytest.approx(brute_force(data))


def test_open_end_penalties_and_allowed_hotels_match_brute_force() -> None:
    base = random_instance(42, num_pois=5, num_hotels=4, num_trips=3)
    allowed = np.ones((3, base.num_vertices), dtype=bool)
    allowed[0, 2] = False  # hotel 2 is full on the first night
    penalty = np.zeros((3, base.num_vertices))
    penalty[1, 3] = 2.5
    data = ProblemData(
        travel=base.travel,
        scores=base.scores,
        hotels=base.hotels,
        start=0,
        end=None,
        trip_limits=base.trip_limits,
        hotel_allowed=allowed,
        hotel_penalty=penalty,
    )
    result = solve(data, seed=1, **FAST)
    _assert_feasible(data, result)
    assert result.trips[0][-1] != 2
    assert result.objective == pytest.approx(brute_force(data))


def test_same_seed_same_result() -> None:
    data = random_instance(7, num_pois=8)
    first = solve(data, seed=3, **FAST)
    second = solve(data, seed=3, **FAST)
    assert first.trips == second.trips
    assert first.score == second.score
    assert first.iterations == second.iterations
    assert first.seed == 3


def _corridor(**overrides: object) -> ProblemData:
    # Hotels 0 and 1 at both ends of a corridor, POIs 2..5 along it, POI 6 far away.
    points = [(0, 0), (10, 0), (2, 0), (4, 0), (6, 0), (8, 0), (5, 40)]
    kwargs: dict[str, object] = {
        "travel": euclidean(points),
        "scores": [0, 0, 1, 1, 1, 1, 10],
        "hotels": (0, 1),
        "start": 0,
        "end": 1,
        "trip_limits": [12.0, 12.0],
    }
    kwargs.update(overrides)
    return ProblemData(**kwargs)  # type: ignore[arg-type]


def test_unreachable_mandatory_poi_is_reported() -> None:
    data = _corridor(mandatory=(6,))
    result = solve(data, seed=0, **FAST)
    assert not result.feasible
    assert result.trips == []
    assert result.unplaced_mandatory == {6: "unreachable within any day's limit"}
    assert "mandatory POI 6: unreachable within any day's limit" in result.reasons


def test_mandatory_poi_closed_every_day_is_reported() -> None:
    available = np.ones((2, 7), dtype=bool)
    available[:, 3] = False
    result = solve(_corridor(mandatory=(3,), available=available), seed=0, **FAST)
    assert not result.feasible
    assert result.unplaced_mandatory == {3: "closed on every day"}


def test_mandatory_pois_that_do_not_fit_together() -> None:
    # Each far POI fits alone on a day, but both far POIs and the hotel trips cannot share two days.
    points = [(0, 0), (0, 0), (0, 5), (0, -5), (5, 0)]
    data = ProblemData(
        travel=euclidean(points),
        scores=[0, 0, 1, 1, 1],
        hotels=(0, 1),
        start=0,
        end=1,
        trip_limits=[10.0, 0.0],
        mandatory=(2, 3),
    )
    result = solve(data, seed=0, **FAST)
    assert not result.feasible
    # Either fits alone, so the result names the one left out of the closest tour.
    assert len(result.unplaced_mandatory) == 1
    assert set(result.unplaced_mandatory) <= {2, 3}
    assert all("no feasible insertion" in why for why in result.unplaced_mandatory.values())


def test_mandatory_poi_is_visited_even_if_worthless() -> None:
    data = _corridor(mandatory=(6,), scores=[0, 0, 1, 1, 1, 1, 0], trip_limits=[12.0, 90.0])
    result = solve(data, seed=0, **FAST)
    _assert_feasible(data, result)
    assert any(6 in trip for trip in result.trips)


def test_no_feasible_hotel_sequence() -> None:
    result = solve(_corridor(trip_limits=[4.0, 4.0]), seed=0, **FAST)
    assert not result.feasible
    assert result.trips == []
    assert result.reasons and result.reasons[0].startswith("no feasible hotel sequence")


def test_total_limit_too_small_for_any_sequence() -> None:
    result = solve(_corridor(total_limit=5.0), seed=0, **FAST)
    assert not result.feasible
    assert "total limit" in result.reasons[0]


def test_availability_is_respected() -> None:
    available = np.ones((2, 7), dtype=bool)
    available[0, [2, 3]] = False  # closed on day one
    data = _corridor(available=available, trip_limits=[30.0, 30.0], hotels=(0, 1), end=0)
    result = solve(data, seed=0, **FAST)
    _assert_feasible(data, result)
    assert 2 not in result.trips[0] and 3 not in result.trips[0]
    assert result.score == 4


def test_time_windows_and_service_are_respected() -> None:
    open_ = np.zeros((2, 7))
    close = np.full((2, 7), np.inf)
    # POI 5 (x=8) must start service by time 9 and POI 2 (x=2) not before time 10: visiting
    # both in one day from x=0 to x=10 needs a detour, so they go on different days.
    close[:, 5] = 9.0
    open_[:, 2] = 10.0
    service = np.array([0, 0, 1, 1, 1, 1, 0], dtype=float)
    data = _corridor(time_window_open=open_, time_window_close=close, service=service, trip_limits=[16.0, 16.0])
    result = solve(data, seed=0, **FAST)
    _assert_feasible(data, result)
    assert result.objective == pytest.approx(brute_force(data))
    for trip in result.trips:
        assert not (2 in trip and 5 in trip)


def test_travel_limit_is_respected() -> None:
    data = _corridor(trip_limits=[30.0, 30.0], trip_travel_limits=[10.0, 10.0])
    result = solve(data, seed=0, **FAST)
    _assert_feasible(data, result)
    assert all(t <= 10.0 for t in result.trip_travel_times)
    assert result.score == 4


def test_zero_length_day_at_the_hotel() -> None:
    data = _corridor(trip_limits=[12.0, 0.0], end=1)
    result = solve(data, seed=0, **FAST)
    _assert_feasible(data, result)
    assert result.trips[1] == [1, 1]
    assert result.score == 4


@pytest.mark.parametrize("seed", range(3))
def test_numpy_path_matches_brute_force(seed: int) -> None:
    # A (non-binding) travel limit routes the search through the general kernels (time windows,
    # travel limits) instead of the plain OPHS ones; both must find the optimum.
    base = random_instance(100 + seed)
    data = ProblemData(
        travel=base.travel,
        scores=base.scores,
        hotels=base.hotels,
        start=base.start,
        end=base.end,
        trip_limits=base.trip_limits,
        trip_travel_limits=np.full(base.num_trips, 1e6),
    )
    result = solve(data, seed=seed, **FAST)
    _assert_feasible(data, result)
    assert result.objective == pytest.approx(brute_force(data))


def _timed_instance(seed: int, *, num_pois: int = 6, longer: float = 4.0, drive: float = 0.7) -> ProblemData:
    """Random instance with every rule of a real trip: windows, service, closures, driving limit.

    ``longer`` is added to each day's limit; the driving limit is ``drive`` times the original.
    """
    base = random_instance(200 + seed, num_pois=num_pois, num_hotels=3, num_trips=2)
    rng = np.random.default_rng(seed)
    n = base.num_vertices
    hotel = base.is_hotel
    service = np.where(hotel, 0.0, rng.uniform(0.5, 2.0, size=n))
    open_ = np.where(hotel, 0.0, rng.uniform(0.0, 4.0, size=(2, n)))
    close = np.where(hotel, np.inf, open_ + rng.uniform(1.0, 8.0, size=(2, n)))
    available = rng.random((2, n)) < 0.8
    travel = base.travel * rng.uniform(1.0, 1.2, size=base.travel.shape)
    np.fill_diagonal(travel, 0.0)
    return ProblemData(
        travel=travel,
        scores=base.scores,
        hotels=base.hotels,
        start=0,
        end=1,
        trip_limits=base.trip_limits + longer,
        trip_travel_limits=base.trip_limits * drive,
        service=service,
        available=available,
        time_window_open=open_,
        time_window_close=close,
    )


@pytest.mark.parametrize("seed", range(6))
def test_timed_trips_match_brute_force(seed: int) -> None:
    data = _timed_instance(seed)
    result = solve(data, seed=seed, **FAST)
    _assert_feasible(data, result)
    assert result.objective == pytest.approx(brute_force(data))


@pytest.mark.parametrize("seed", range(20))
def test_insertion_slack_matches_exact_timing(seed: int) -> None:
    # The compiled insertion table predicts, from forward time slack alone, whether inserting a
    # POI keeps a trip feasible and by how much it lengthens it; exact re-timing must agree.
    data = _timed_instance(seed, num_pois=12, longer=12.0, drive=2.0)
    model = Model(data)
    rng = np.random.default_rng(seed)
    pois = rng.permutation(data.pois)
    route = [0, 0]  # a round trip from hotel 0, each POI inserted where it first fits
    for p in pois:
        for k in range(1, len(route)):
            if model.timing([*route[:k], int(p), *route[k:]], 0).feasible:
                route.insert(k, int(p))
                break
    base = model.timing(route, 0)
    assert base.feasible
    n = data.num_vertices
    allowed = ~data.is_hotel & ~np.isin(np.arange(n), route)
    cst, inc, pos = np.empty(n), np.empty(n), np.empty(n, dtype=np.int64)
    packed = np.array(route, dtype=np.int64)
    _tw_kernels.table(
        model.travel, model.service, model.open[0], model.close[0], model.limits[0], model.travel_limits[0],
        packed, len(route), allowed, cst, inc, pos,
    )  # fmt: skip
    for p in np.flatnonzero(allowed):
        exact = [model.timing([*route[: k + 1], int(p), *route[k + 1 :]], 0) for k in range(len(route) - 1)]
        feasible = [t for t in exact if t.feasible]
        assert (pos[p] >= 0) == bool(feasible)
        if pos[p] >= 0:
            chosen = exact[pos[p]]
            assert chosen.feasible
            assert inc[p] == pytest.approx(chosen.duration - base.duration, abs=1e-9)


def test_asymmetric_travel_times() -> None:
    base = random_instance(11)
    rng = np.random.default_rng(0)
    travel = base.travel * rng.uniform(1.0, 1.3, size=base.travel.shape)
    np.fill_diagonal(travel, 0.0)
    data = ProblemData(
        travel=travel,
        scores=base.scores,
        hotels=base.hotels,
        start=0,
        end=1,
        trip_limits=base.trip_limits,
    )
    result = solve(data, seed=0, **FAST)
    _assert_feasible(data, result)
    assert result.objective == pytest.approx(brute_force(data))


def test_warm_up_compiles_the_kernels() -> None:
    assert warm_up() >= 0.0
