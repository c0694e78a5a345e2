"""The independent feasibility checker."""

from __future__ import annotations

import numpy as np

from itineraries.checker import check_solution
from itineraries.problem import ProblemData
from tests.itineraries._instances import euclidean


def _line() -> ProblemData:
    # Hotels 0, 1, 2 and POIs 3, 4 on a line.
    travel = euclidean([(0, 0), (4, 0), (2, 0), (1, 0), (3, 0)])
    return ProblemData(
        travel=travel,
        scores=[0, 0, 0, 5, 7],
        hotels=(0, 1, 2),
        start=0,
        end=1,
        trip_limits=[2.0, 2.0],
        tolerance=0.01,
    )


def test_feasible_tour() -> None:
    report = check_solution(_line(), [[0, 3, 2], [2, 4, 1]])
    assert report.feasible, report.violations
    assert report.score == 12
    assert report.durations == [2.0, 2.0]


def test_each_rule_is_checked() -> None:
    data = _line()
    cases = {
        "expected 2 trips": [[0, 3, 1]],
        "not at the start hotel": [[2, 3, 2], [2, 4, 1]],
        "not at the end hotel": [[0, 3, 2], [2, 4, 2]],
        "but trip 1 starts at": [[0, 3, 2], [1, 4, 1]],
        "visited more than once": [[0, 3, 2], [2, 3, 1]],
        "exceeds its limit": [[0, 4, 3, 2], [2, 1]],
        "is not a hotel": [[0, 3], [3, 4, 1]],
        "bad vertex": [[0, 9, 2], [2, 1]],
    }
    for expected, trips in cases.items():
        report = check_solution(data, trips)
        assert not report.feasible
        assert any(expected in v for v in report.violations), (expected, report.violations)


def test_tolerance_windows_availability_and_mandatory() -> None:
    base = _line()
    # 2.015 is within 2 * (1 + 0.01); 2.03 is not.
    travel = np.array(base.travel)
    travel[2, 4] = travel[4, 2] = 1.015
    data = ProblemData(
        travel=travel,
        scores=base.scores,
        hotels=base.hotels,
        start=0,
        end=1,
        trip_limits=[2.0, 2.0],
        tolerance=0.01,
        available=np.array([[True] * 5, [True, True, True, True, False]]),
        time_window_open=np.full((2, 5), 0.0),
        time_window_close=np.array([[np.inf] * 5, [np.inf, np.inf, np.inf, 0.5, np.inf]]),
        mandatory=(4,),
    )
    ok = check_solution(data, [[0, 3, 4, 2], [2, 1]])
    assert not ok.feasible  # 0 -> 3 -> 4 -> 2 is 1 + 2 + 1 = 4 > 2.02
    report = check_solution(data, [[0, 3, 2], [2, 4, 1]])
    assert any("not available" in v for v in report.violations)
    assert not any("exceeds" in v for v in report.violations)  # 2.015 <= 2 * 1.01
    travel[2, 4] = travel[4, 2] = 1.03
    over = ProblemData(
        travel=travel,
        scores=base.scores,
        hotels=base.hotels,
        start=0,
        end=1,
        trip_limits=[2, 2],
        tolerance=0.01,
    )
    assert any("exceeds its limit" in v for v in check_solution(over, [[0, 3, 2], [2, 4, 1]]).violations)
    report = check_solution(data, [[0, 2], [2, 3, 1]])
    assert any("after its close" in v for v in report.violations)
    assert any("mandatory POI 4" in v for v in report.violations)
