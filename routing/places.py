"""Turn gazetteer places into routing waypoints (with a clear error for places without coordinates)."""

from __future__ import annotations

from gis_data.gazetteer import Place
from routing.router import Waypoint


def waypoint(place: Place) -> Waypoint:
    """The waypoint of ``place``; ``ValueError`` if the place has no coordinates."""
    if not place.located:
        msg = f"place {place.name_zh!r} ({place.id}) has no coordinates in the data, so it cannot be routed"
        raise ValueError(msg)
    return Waypoint(place.name_zh, float(place.lat), float(place.lon))
