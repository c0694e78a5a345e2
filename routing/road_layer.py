"""Keep the routed No.1 tourist roads of the GIS layer in step with the active network."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from gis_data import models
from gis_data.db import session_scope
from gis_data.settings import Settings
from routing.store import active_network, get_router, load_road_masks, save_road_masks
from routing.tourist_roads import ControlPoint, road_edge_masks, route_tourist_roads


def update_tourist_roads(engine: Engine, settings: Settings, *, force: bool = False) -> list[dict[str, Any]] | None:
    """Route the roads on the active network and store geometry, km and skipped points.

    Returns the per-road summaries, or None when the stored routing is already current.
    """
    network = active_network(settings)
    tag = f"{network.name}:{network.digest}"
    with session_scope(engine) as session:
        roads = list(session.scalars(select(models.TouristRoad).order_by(models.TouristRoad.id)))
        current = all(r.routed_network == tag and r.geometry is not None for r in roads)
        if current and not force and load_road_masks(settings, network):
            return None
        points = [
            ControlPoint(p.road_id, p.seq, p.segment, p.name_zh, p.lat, p.lon)
            for p in session.scalars(select(models.RoadControlPoint))
        ]
        router = get_router(settings)
        routed = route_tourist_roads(router, points, {r.id: r.official_km for r in roads})
        for road in roads:
            result = routed[road.id]
            road.geometry = result.geometry()
            road.routed_km = round(result.km, 2)
            road.skipped_points = result.skipped_points + [
                {"segment": s["segment"], "reason": s["reason"], "located_points": s["located_points"]}
                for s in result.unrouted_segments
            ]
            road.routed_network = tag
            road.routed_at = models.utcnow()
        save_road_masks(settings, network, road_edge_masks(network, routed))
        return [routed[r.id].summary() for r in roads]
