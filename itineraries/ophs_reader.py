"""Reader for the standard OPHS benchmark format (Divsalar et al.).

Layout of a ``.ophs`` file::

    N H D            N = number of POIs + 2, H = extra hotels, D = trips
    Tmax             total tour length
    T_1 ... T_D      trip lengths
    x y S            N + H vertex lines: start hotel, end hotel, H extra hotels, N - 2 POIs
    -----            optional dashed line; anything after it is ignored

Vertices are numbered 0-based in file order: 0 = start hotel, 1 = end hotel, ``2..H+1`` extra
hotels, then the POIs. Travel costs are unrounded Euclidean distances.
"""

from __future__ import annotations

import math
import re
from os import PathLike
from pathlib import Path

import numpy as np

from itineraries.problem import ProblemData

__all__ = ["OPHS_TOLERANCE", "parse_ophs", "read_ophs"]

OPHS_TOLERANCE = 2e-4
"""Relative tolerance on trip limits for ``.ophs`` files.

Limits are printed rounded; the known optimal tours exceed them by up to 0.014 %.
"""

_DASHES = re.compile(r"^\s*-{3,}\s*$")


def read_ophs(path: str | PathLike[str], *, tolerance: float = OPHS_TOLERANCE) -> ProblemData:
    """Read an ``.ophs`` benchmark file.

    Parameters
    ----------
    path
        File to read.
    tolerance
        Relative tolerance applied to the trip and total limits (see :data:`OPHS_TOLERANCE`).

    Returns
    -------
    ProblemData
        The instance, named after the file stem.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If the file is malformed; the message names the file, line and bad value.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        msg = f"{path}: not a text file ({exc.reason} at byte {exc.start})"
        raise ValueError(msg) from exc
    return parse_ophs(text, name=path.stem, source=str(path), tolerance=tolerance)


def parse_ophs(
    text: str, *, name: str = "", source: str = "<string>", tolerance: float = OPHS_TOLERANCE
) -> ProblemData:
    """Parse the text of an ``.ophs`` file; see :func:`read_ophs`."""
    lines = _data_lines(text, source)
    if not lines:
        msg = f"{source}: empty file, expected 'N H D' on line 1"
        raise ValueError(msg)

    lineno, header = lines[0]
    num, num_extra, num_trips = _ints(header, 3, source, lineno, "'N H D'")
    if num < 2 or num_extra < 0 or num_trips < 1:
        msg = f"{source}:{lineno}: need N >= 2, H >= 0 and D >= 1, got {' '.join(header)!r}"
        raise ValueError(msg)
    num_vertices = num + num_extra
    expected = 3 + num_vertices
    if len(lines) < 3:
        msg = f"{source}: truncated after line {lines[-1][0]}: expected Tmax and the {num_trips} trip lengths"
        raise ValueError(msg)

    lineno, fields = lines[1]
    (total,) = _floats(fields, 1, source, lineno, "Tmax")
    lineno, fields = lines[2]
    trip_limits = _floats(fields, num_trips, source, lineno, f"{num_trips} trip lengths")

    if len(lines) < expected:
        msg = (
            f"{source}: truncated after line {lines[-1][0]}: expected {num_vertices} vertex lines "
            f"(N + H = {num} + {num_extra}), got {len(lines) - 3}"
        )
        raise ValueError(msg)
    if len(lines) > expected:
        lineno, fields = lines[expected]
        msg = (
            f"{source}:{lineno}: unexpected data {' '.join(fields)!r} after the {num_vertices} vertex lines "
            f"(N + H = {num} + {num_extra})"
        )
        raise ValueError(msg)

    xys = np.empty((num_vertices, 2))
    scores = np.empty(num_vertices)
    for k, (lineno, fields) in enumerate(lines[3:]):
        x, y, s = _floats(fields, 3, source, lineno, "'x y S'", nonneg=False)
        if s < 0:
            msg = f"{source}:{lineno}: score must be >= 0, got {fields[2]!r}"
            raise ValueError(msg)
        xys[k] = x, y
        scores[k] = s
    hotels = num_extra + 2
    scores[:hotels] = 0.0  # hotels carry no score, whatever the file says
    with np.errstate(over="ignore", invalid="ignore"):
        diff = xys[:, None, :] - xys[None, :, :]
        travel = np.sqrt((diff**2).sum(axis=2))
    if not np.isfinite(travel).all():
        msg = f"{source}: coordinates too large, distances overflow"
        raise ValueError(msg)
    return ProblemData(
        travel=travel,
        scores=scores,
        hotels=tuple(range(hotels)),
        start=0,
        end=1,
        trip_limits=trip_limits,
        total_limit=total,
        tolerance=tolerance,
        coordinates=xys,
        name=name,
    )


def _data_lines(text: str, source: str) -> list[tuple[int, list[str]]]:
    lines: list[tuple[int, list[str]]] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if _DASHES.match(line):
            break
        fields = line.split()
        if fields:
            lines.append((lineno, fields))
    return lines


def _floats(fields: list[str], count: int, source: str, lineno: int, what: str, *, nonneg: bool = True) -> list[float]:
    if len(fields) != count:
        msg = f"{source}:{lineno}: expected {what} ({count} numbers), got {' '.join(fields)!r:.80}"
        raise ValueError(msg)
    values = []
    for field in fields:
        try:
            value = float(field)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            msg = f"{source}:{lineno}: bad number {field!r:.40} in {what}"
            raise ValueError(msg)
        values.append(value)
    for field, value in zip(fields, values, strict=True):
        if nonneg and value < 0:
            msg = f"{source}:{lineno}: {what} must be >= 0, got {field!r}"
            raise ValueError(msg)
    return values


def _ints(fields: list[str], count: int, source: str, lineno: int, what: str) -> list[int]:
    if len(fields) != count:
        msg = f"{source}:{lineno}: expected {what} ({count} integers), got {' '.join(fields)!r:.80}"
        raise ValueError(msg)
    values = []
    for field in fields:
        try:
            values.append(int(field))
        except ValueError:
            msg = f"{source}:{lineno}: bad integer {field!r:.40} in {what}"
            raise ValueError(msg) from None
    return values
