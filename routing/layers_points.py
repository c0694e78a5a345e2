"""Tourist-road control points from the project's data file (for routing without a database)."""

from __future__ import annotations

from gis_data.layers import control_point_rows
from routing.tourist_roads import ControlPoint


def control_points() -> list[ControlPoint]:
    return [
        ControlPoint(r["road_id"], r["seq"], r["segment"], r["name_zh"], r["lat"], r["lon"])
        for r in control_point_rows()
    ]
