"""The .ophs benchmark reader: real files, layout variants and malformed input."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from itineraries.ophs_reader import OPHS_TOLERANCE, parse_ophs, read_ophs

SMALL = """4\t1\t2
10
6\t4.5\t
0 0 0
4 0 0
2 0 0
1 1 5
3 1 7
-------------------------
notes: anything after the dashed line is ignored 1 2 3
"""


def test_small_file_layout() -> None:
    data = parse_ophs(SMALL, name="small")
    assert data.num_vertices == 5  # N + H = 4 + 1
    assert data.num_trips == 2
    assert data.hotels == (0, 1, 2)
    assert (data.start, data.end) == (0, 1)
    assert data.pois.tolist() == [3, 4]
    assert data.scores.tolist() == [0, 0, 0, 5, 7]
    assert data.trip_limits.tolist() == [6.0, 4.5]
    assert data.total_limit == 10.0
    assert data.tolerance == OPHS_TOLERANCE
    assert data.travel[0, 1] == 4.0
    assert data.travel[3, 4] == 2.0
    assert data.travel[0, 3] == pytest.approx(math.sqrt(2))


def test_zero_trip_length_and_no_trailer() -> None:
    text = "3 0 2\n5\n5 0\n0 0 0\n1 0 0\n0.5 0 3\n"
    data = parse_ophs(text)
    assert data.trip_limits.tolist() == [5.0, 0.0]
    assert data.num_vertices == 3


def test_real_set1_file(ophs_sample: Path) -> None:
    data = read_ophs(ophs_sample / "SET1" / "64-45-3-4.ophs")
    assert data.name == "64-45-3-4"
    assert data.num_trips == 4
    assert data.hotels == (0, 1, 2, 3, 4)
    assert data.num_vertices == 64 + 3
    assert data.total_limit == 45
    assert data.trip_limits.tolist() == pytest.approx([11.3138, 11.8996, 11.3138, 9.90319])
    assert data.coordinates is not None
    assert data.coordinates[0].tolist() == [0, -7]
    assert data.coordinates[-1].tolist() == [1, 6]
    assert data.scores[:5].tolist() == [0, 0, 0, 0, 0]
    assert data.scores[5:].sum() > 0


def test_every_set1_file_reads(ophs_data: Path) -> None:
    files = sorted((ophs_data / "SET1").glob("*.ophs"))
    assert len(files) == 105
    for path in files:
        data = read_ophs(path)
        assert data.num_trips >= 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty file"),
        ("4 1\n", r":1: expected 'N H D' \(3 integers\)"),
        ("4 x 2\n", r":1: bad integer 'x'"),
        ("4 1 2\n10\n", "truncated after line 2"),
        ("4 1 2\nten\n1 2\n", r":2: bad number 'ten' in Tmax"),
        ("4 1 2\n10\n1 -2\n", r":3: 2 trip lengths must be >= 0, got '-2'"),
        ("4 1 2\n10\n1 2\n0 0 0\n", "expected 5 vertex lines"),
        ("4 1 2\n10\n1 2\n0 0 0\n1 1 0\n2 2 0\n3 3\n4 4 1\n", r":7: expected 'x y S'"),
        ("4 1 2\n10\n1 2\n0 0 0\n1 1 0\n2 2 0\n3 3 nan\n4 4 1\n", r":7: bad number 'nan'"),
        ("4 1 2\n10\n1 2\n0 0 0\n1 1 0\n2 2 0\n3 3 -1\n4 4 1\n", r":7: score must be >= 0"),
        ("4 1 2\n10\n1 2\n0 0 0\n1 1 0\n2 2 0\n3 3 1\n4 4 1\n5 5 5\n", r":9: unexpected data"),
        ("1 1 2\n10\n1 2\n", r":1: need N >= 2"),
    ],
)
def test_malformed_files_name_the_line(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        parse_ophs(text, source="bad.ophs")
    assert str(info.value).startswith("bad.ophs")


def test_read_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.ophs"
    path.write_text("4 1 2\n10\n1 zz\n")
    with pytest.raises(ValueError, match=r"broken\.ophs:3: bad number 'zz'"):
        read_ophs(path)
    binary = tmp_path / "binary.ophs"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ValueError, match=r"binary\.ophs"):
        read_ophs(binary)


_tokens = st.sampled_from(["0", "1", "2", "3", "-1", "1.5", "1e400", "x", "nan", "---", "\t", " ", "\n"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_tokens, max_size=60).map(" ".join) | st.text(max_size=200))
def test_garbage_raises_value_error_only(text: str) -> None:
    try:
        data = parse_ophs(text, source="garbage.ophs")
    except ValueError as exc:
        assert str(exc).startswith("garbage.ophs")
    else:
        assert data.num_vertices >= 2


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=len(SMALL)))
def test_truncated_file_raises_value_error_only(cut: int) -> None:
    try:
        data = parse_ophs(SMALL[:cut], source="cut.ophs")
    except ValueError as exc:
        assert str(exc).startswith("cut.ophs")
    else:
        assert np.isfinite(data.travel).all()
