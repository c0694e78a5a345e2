"""The routing interface the planner uses, and an external-engine implementation for national scale.

Anything with :class:`RoutingBackend`'s methods can route trips: the in-process
:class:`routing.router.Router` (scipy csgraph on the active network, the default),
:class:`routing.nx_backend.NetworkxBackend` (a second local implementation, used to prove that the
interface can be swapped), or :class:`OSRMBackend`, which asks an OSRM server (via ``routingpy``)
when a single machine's network no longer fits — e.g. all of China.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from routing.router import ROAD_IDS, Leg, TravelMatrix, Waypoint


@runtime_checkable
class RoutingBackend(Protocol):
    """What the planner needs from a router."""

    def matrix(
        self,
        points: Sequence[Waypoint],
        *,
        prefer_tourist_roads: float = 1.0,
        with_km: bool = False,
        targets: Sequence[Waypoint] | None = None,
    ) -> TravelMatrix: ...

    def leg(self, origin: Waypoint, destination: Waypoint, *, prefer_tourist_roads: float = 1.0) -> Leg: ...

    def cache_token(self) -> str:
        """Identifies the network and settings, so that cached matrices are never mixed up."""
        ...


class OSRMBackend:
    """Routing by an OSRM server through ``routingpy`` (``pip install routingpy``).

    OSRM knows nothing of the No.1 tourist roads, so ``prefer_tourist_roads`` is ignored and legs
    report 0 km on them; travel times are OSRM's. Not exercised by the offline test suite.

    Parameters
    ----------
    base_url
        The server, e.g. ``http://osrm:5000``.
    profile
        OSRM profile, ``driving`` by default.
    """

    def __init__(self, base_url: str, *, profile: str = "driving", timeout: float = 30.0) -> None:
        try:
            from routingpy import OSRM
        except ImportError as exc:  # pragma: no cover - optional dependency
            msg = "OSRMBackend needs the routingpy package: pip install routingpy"
            raise ImportError(msg) from exc
        self.base_url = base_url
        self.profile = profile
        self._client = OSRM(base_url=base_url, timeout=timeout)

    def cache_token(self) -> str:
        return f"osrm:{self.base_url}:{self.profile}"

    def matrix(
        self,
        points: Sequence[Waypoint],
        *,
        prefer_tourist_roads: float = 1.0,
        with_km: bool = False,
        targets: Sequence[Waypoint] | None = None,
    ) -> TravelMatrix:
        sources = list(points)
        dests = sources if targets is None else list(targets)
        locations = [[p.lon, p.lat] for p in sources + ([] if targets is None else dests)]
        n = len(sources)
        kwargs = {"sources": list(range(n))}
        if targets is not None:
            kwargs["destinations"] = list(range(n, n + len(dests)))
        result = self._client.matrix(locations, profile=self.profile, **kwargs)
        secs = np.array([[np.inf if x is None else float(x) for x in row] for row in result.durations])
        km = None
        if with_km and result.distances is not None:
            km = np.array([[np.inf if x is None else float(x) / 1000.0 for x in row] for row in result.distances])
        return TravelMatrix(tuple(p.label for p in sources), secs / 60.0, km, secs / 60.0)

    def leg(self, origin: Waypoint, destination: Waypoint, *, prefer_tourist_roads: float = 1.0) -> Leg:
        route = self._client.directions(
            [[origin.lon, origin.lat], [destination.lon, destination.lat]], profile=self.profile, geometries="geojson"
        )
        coords = np.asarray(route.geometry, dtype=float)
        return Leg(
            origin.label,
            destination.label,
            [],
            [],
            coords,
            route.distance / 1000.0,
            route.duration / 60.0,
            dict.fromkeys(ROAD_IDS, 0.0),
        )
