"""Roads in a projected CRS, measured in metres from their start, and interval arithmetic on measures.

A road is an ordered list of WGS84 LineStrings (its segments). Measures run across segments one
after another: segment ``i`` covers ``[start_m[i], start_m[i] + length_m[i]]``, so km keep counting
from one segment to the next even where the segments do not touch on the ground.

Lengths and distances are planar in a projected CRS. :func:`utm_crs` picks the UTM zone of the
data (for Shanxi, 110-114.6 E, that is zone 49N, EPSG:32649, central meridian 111 E; its scale
error is under 0.1 % across the province); callers may pass any metric CRS instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray
from pyproj import CRS, Transformer
from shapely.geometry import LineString, MultiLineString
from shapely.geometry.base import BaseGeometry


def utm_crs(lon: ArrayLike, lat: ArrayLike) -> str:
    """EPSG code (``"EPSG:326zz"`` or ``"EPSG:327zz"``) of the UTM zone holding the mean of the points.

    Raises
    ------
    ValueError
        If there is no finite point.
    """
    lon = np.asarray(lon, dtype=float).ravel()
    lat = np.asarray(lat, dtype=float).ravel()
    ok = np.isfinite(lon) & np.isfinite(lat)
    if not ok.any():
        msg = "cannot choose a UTM zone: no finite coordinates"
        raise ValueError(msg)
    lon0, lat0 = float(lon[ok].mean()), float(lat[ok].mean())
    zone = int(np.floor((lon0 + 180.0) / 6.0)) % 60 + 1
    return f"EPSG:{32600 + zone if lat0 >= 0 else 32700 + zone}"


@dataclass(frozen=True, eq=False)
class Frame:
    """A metric CRS and the transformations between it and WGS84 lon/lat."""

    crs: str

    def __post_init__(self) -> None:
        crs = CRS.from_user_input(self.crs)
        if not crs.is_projected:
            msg = f"crs {self.crs!r} is not a projected CRS: distances must be measured in metres"
            raise ValueError(msg)
        unit = crs.axis_info[0].unit_name if crs.axis_info else ""
        if unit not in {"metre", "meter"}:
            msg = f"crs {self.crs!r} has axis unit {unit!r}, expected metres"
            raise ValueError(msg)

    @cached_property
    def _forward(self) -> Transformer:
        return Transformer.from_crs("EPSG:4326", self.crs, always_xy=True)

    @cached_property
    def _inverse(self) -> Transformer:
        return Transformer.from_crs(self.crs, "EPSG:4326", always_xy=True)

    def to_xy(self, lon: ArrayLike, lat: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Projected ``(x, y)`` metres of WGS84 ``(lon, lat)``."""
        x, y = self._forward.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
        return np.asarray(x, dtype=float), np.asarray(y, dtype=float)

    def to_lonlat(self, x: ArrayLike, y: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """WGS84 ``(lon, lat)`` of projected ``(x, y)``."""
        lon, lat = self._inverse.transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
        return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)

    def project(self, geom: BaseGeometry) -> BaseGeometry:
        """``geom`` (WGS84) in this CRS."""

        def fwd(coords: NDArray[np.float64]) -> NDArray[np.float64]:
            return np.column_stack(self.to_xy(coords[:, 0], coords[:, 1]))

        return shapely.transform(geom, fwd)


def check_segments(road_id: str, lines: Sequence[LineString]) -> list[LineString]:
    """``lines`` as a list; ``ValueError`` naming the road and segment unless each is a LineString of 2+ points."""
    if not lines:
        msg = f"road {road_id!r} has no segments"
        raise ValueError(msg)
    for i, line in enumerate(lines):
        if not isinstance(line, LineString) or line.is_empty or len(line.coords) < 2:
            msg = f"segment {i} of road {road_id!r} is not a LineString with two or more points: {line!r}"
            raise ValueError(msg)
    return list(lines)


@dataclass(frozen=True, eq=False)
class ProjectedRoad:
    """One road: its WGS84 segments, the same in a metric CRS, and where each segment starts.

    Build it with :meth:`from_lines`.
    """

    road_id: str
    frame: Frame
    lines_wgs84: tuple[LineString, ...]
    lines: tuple[LineString, ...]
    start_m: NDArray[np.float64]
    length_m: NDArray[np.float64]

    @classmethod
    def from_lines(cls, road_id: str, lines: Sequence[LineString], *, frame: Frame) -> ProjectedRoad:
        """Project ``lines`` (WGS84, in road order); empty or degenerate lines are an error."""
        wgs = check_segments(road_id, lines)
        projected = tuple(frame.project(line) for line in wgs)
        length = np.array([line.length for line in projected], dtype=float)
        start = np.concatenate([[0.0], np.cumsum(length)[:-1]])
        return cls(road_id, frame, tuple(wgs), projected, start, length)

    @property
    def total_m(self) -> float:
        return float(self.length_m.sum())

    @property
    def end_m(self) -> NDArray[np.float64]:
        return self.start_m + self.length_m

    @cached_property
    def multiline(self) -> MultiLineString:
        """All segments as one projected geometry (for distances)."""
        return MultiLineString(list(self.lines))

    def pieces(self) -> tuple[NDArray[np.object_], NDArray[np.int64], NDArray[np.float64]]:
        """Every straight two-point piece of the road: geometries, segment index, measure of its start."""
        geoms, segs, starts = [], [], []
        for i, line in enumerate(self.lines):
            coords = np.asarray(line.coords)[:, :2]
            keep = np.ones(len(coords), dtype=bool)
            keep[1:] = np.any(np.diff(coords, axis=0) != 0, axis=1)
            coords = coords[keep]
            if len(coords) < 2:
                continue
            seg_len = np.hypot(*np.diff(coords, axis=0).T)
            geoms.append(shapely.linestrings(np.stack([coords[:-1], coords[1:]], axis=1)))
            segs.append(np.full(len(seg_len), i, dtype=np.int64))
            starts.append(self.start_m[i] + np.concatenate([[0.0], np.cumsum(seg_len)[:-1]]))
        if not geoms:
            return np.empty(0, dtype=object), np.empty(0, dtype=np.int64), np.empty(0)
        return np.concatenate(geoms), np.concatenate(segs), np.concatenate(starts)

    def locate(self, x: ArrayLike, y: ArrayLike) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]:
        """Nearest point on the road of each projected point: segment, measure (m) and distance (m)."""
        points = shapely.points(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
        points = np.atleast_1d(points)
        dist = np.stack([shapely.distance(points, line) for line in self.lines])
        seg = np.argmin(dist, axis=0)
        along = np.empty(points.size)
        for i, line in enumerate(self.lines):
            here = seg == i
            if here.any():
                along[here] = self.start_m[i] + shapely.line_locate_point(line, points[here])
        return seg.astype(np.int64), along, dist[seg, np.arange(points.size)]

    def segment_of(self, measure_m: ArrayLike) -> NDArray[np.int64]:
        """Segment holding each measure (a measure on a boundary belongs to the later segment)."""
        m = np.asarray(measure_m, dtype=float)
        return np.clip(np.searchsorted(self.start_m, m, side="right") - 1, 0, len(self.lines) - 1)

    def interpolate(
        self, measure_m: ArrayLike, *, segment: ArrayLike | None = None
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Projected ``(x, y)`` at each measure (on ``segment`` when given, else the segment holding it)."""
        m = np.atleast_1d(np.asarray(measure_m, dtype=float))
        seg = self.segment_of(m) if segment is None else np.atleast_1d(np.asarray(segment, dtype=np.int64))
        x, y = np.empty(m.size), np.empty(m.size)
        for i, line in enumerate(self.lines):
            here = seg == i
            if here.any():
                pts = shapely.line_interpolate_point(line, np.clip(m[here] - self.start_m[i], 0, self.length_m[i]))
                x[here], y[here] = shapely.get_x(pts), shapely.get_y(pts)
        return x, y

    def lonlat_at(self, measure_m: ArrayLike, *, segment: ArrayLike | None = None) -> NDArray[np.float64]:
        """WGS84 ``(lon, lat)`` rows at each measure."""
        x, y = self.interpolate(measure_m, segment=segment)
        return np.column_stack(self.frame.to_lonlat(x, y))

    def sample(self, step_m: float) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """Cut the road into pieces of at most ``step_m``: their start and end measures and midpoints' (x, y).

        Returns ``(start_m, end_m, mid_xy)``; used to split lengths among polygons (counties).
        """
        starts, ends, mids = [], [], []
        for i, line in enumerate(self.lines):
            n = max(1, int(np.ceil(self.length_m[i] / step_m)))
            edges = np.linspace(0.0, self.length_m[i], n + 1)
            coords = np.asarray(line.coords)[:, :2]
            along = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(coords, axis=0).T))])
            at = (edges[:-1] + edges[1:]) / 2
            starts.append(self.start_m[i] + edges[:-1])
            ends.append(self.start_m[i] + edges[1:])
            mids.append(np.column_stack([np.interp(at, along, coords[:, 0]), np.interp(at, along, coords[:, 1])]))
        return np.concatenate(starts), np.concatenate(ends), np.concatenate(mids)


def project_roads(
    roads: Mapping[str, Sequence[LineString]], *, crs: str | None = None
) -> tuple[Frame, list[ProjectedRoad]]:
    """Every road (``road_id`` -> WGS84 segments) as a :class:`ProjectedRoad` in one frame.

    ``crs`` defaults to the UTM zone of all the roads' points (:func:`utm_crs`). Raises
    ``ValueError`` as :func:`check_segments` and :class:`Frame` do.
    """
    if crs is None:
        coords = shapely.get_coordinates([ln for rid, lines in roads.items() for ln in check_segments(rid, lines)])
        crs = utm_crs(coords[:, 0], coords[:, 1])
    frame = Frame(crs)
    return frame, [ProjectedRoad.from_lines(rid, list(lines), frame=frame) for rid, lines in roads.items()]


# -- intervals ------------------------------------------------------------------------------------


def union_intervals(starts: ArrayLike, ends: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Union of closed intervals ``[starts[i], ends[i]]`` as sorted, disjoint ``(starts, ends)``.

    Intervals that touch or overlap merge; empty intervals (end < start) are ignored.
    """
    s = np.asarray(starts, dtype=float).ravel()
    e = np.asarray(ends, dtype=float).ravel()
    keep = e >= s
    s, e = s[keep], e[keep]
    if s.size == 0:
        return np.empty(0), np.empty(0)
    order = np.argsort(s, kind="stable")
    s, e = s[order], e[order]
    running = np.maximum.accumulate(e)
    new = np.ones(s.size, dtype=bool)
    new[1:] = s[1:] > running[:-1]
    first = np.flatnonzero(new)
    return s[first], np.maximum.reduceat(e, first)


def covered_before(union_starts: NDArray[np.float64], union_ends: NDArray[np.float64], x: ArrayLike) -> NDArray:
    """Covered length in ``(-inf, x]`` of a disjoint sorted union, for each ``x`` (vectorised)."""
    x = np.asarray(x, dtype=float)
    if union_starts.size == 0:
        return np.zeros_like(x)
    knots = np.column_stack([union_starts, union_ends]).ravel()
    lengths = union_ends - union_starts
    cum = np.concatenate([[0.0], np.cumsum(lengths)])
    values = np.column_stack([cum[:-1], cum[1:]]).ravel()
    return np.interp(x, knots, values, left=0.0, right=float(cum[-1]))


def complement_within(
    union_starts: NDArray[np.float64], union_ends: NDArray[np.float64], lo: float, hi: float
) -> list[tuple[float, float]]:
    """The parts of ``[lo, hi]`` outside a disjoint sorted union, as ``(start, end)`` pairs."""
    out = []
    cursor = lo
    for a, b in zip(union_starts, union_ends, strict=True):
        if b <= lo or a >= hi:
            continue
        if a > cursor:
            out.append((cursor, float(min(a, hi))))
        cursor = max(cursor, float(b))
        if cursor >= hi:
            break
    if cursor < hi:
        out.append((cursor, hi))
    return out
