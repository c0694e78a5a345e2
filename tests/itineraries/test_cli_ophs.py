"""``jinlv ophs``: JSON output shape, feasibility and clean errors."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from app.cli import main
from itineraries.checker import check_solution
from itineraries.ophs_reader import read_ophs


@pytest.mark.parametrize("name", ["T1-65-2-3", "64-45-3-4", "102-50-1-2"])
def test_json_output_is_a_feasible_tour(ophs_sample: Path, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = ophs_sample / "SET1" / f"{name}.ophs"
    assert main(["ophs", str(path), "--time-limit", "0.5", "--seed", "1", "--json"]) == 0
    out = capsys.readouterr().out
    payload = json.loads(out)
    assert out.count("\n") == 1
    assert set(payload) == {"instance", "score", "seconds", "trips"}
    assert payload["instance"] == name
    assert payload["seconds"] >= 0
    trips = payload["trips"]
    data = read_ophs(path)
    assert len(trips) == data.num_trips
    assert trips[0][0] == 0
    assert trips[-1][-1] == 1
    for before, after in itertools.pairwise(trips):
        assert before[-1] == after[0]
    report = check_solution(data, trips)
    assert report.feasible, report.violations
    assert report.score == payload["score"]


def test_readable_summary(ophs_sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = ophs_sample / "SET1" / "T1-65-1-2.ophs"
    assert main(["ophs", str(path), "--time-limit", "0.3"]) == 0
    out = capsys.readouterr().out
    assert "score" in out and "trip 1" in out and "independent check: feasible" in out


def test_malformed_file_is_a_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "broken.ophs"
    path.write_text("4 1 2\n10\n3 3\n0 0 0\n0 1 0\n1 1 0\n2 2 oops\n1 3 2\n")
    assert main(["ophs", str(path), "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err.strip()
    assert "\n" not in err
    assert "broken.ophs:7" in err and "'oops'" in err


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ophs", str(tmp_path / "nope.ophs")]) == 1
    assert "nope.ophs" in capsys.readouterr().err


def test_infeasible_instance_prints_no_tour(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The end hotel is 10 away but each trip may only be 1 long.
    path = tmp_path / "stuck.ophs"
    path.write_text("3 0 2\n2\n1 1\n0 0 0\n10 0 0\n5 0 4\n")
    assert main(["ophs", str(path), "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "no feasible hotel sequence" in captured.err
