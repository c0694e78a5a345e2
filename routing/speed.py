"""Speed models: how long a road edge takes to drive.

Two cases:

* **Real OSM networks** carry a ``highway`` class and often a ``maxspeed``. An edge's speed is its
  parsed ``maxspeed`` where present, otherwise the China default for its class
  (:data:`CHINA_DEFAULT_KPH`, from the national limits: expressways 120 km/h with typical flow
  near 100, class-1/2 highways 80-60, urban streets 50-30; link roads and service roads slower).
* **The embedded network** (scgraph-data) has no road classes and draws each road as a straight
  node-to-node line. Its :class:`EmbeddedSpeedModel` multiplies straight length by a *circuity*
  factor and drives it at an *effective speed* that grows with edge length: long straight edges
  are expressway/trunk stretches between sparse nodes, short ones lie in towns and mountains.
  The parameters are fitted to sourced drive times (``benchmarks/routing.py`` prints the fit).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

CHINA_DEFAULT_KPH: dict[str, float] = {
    "motorway": 100.0,
    "motorway_link": 50.0,
    "trunk": 80.0,
    "trunk_link": 40.0,
    "primary": 60.0,
    "primary_link": 35.0,
    "secondary": 50.0,
    "secondary_link": 30.0,
    "tertiary": 40.0,
    "tertiary_link": 25.0,
    "unclassified": 30.0,
    "residential": 25.0,
    "living_street": 10.0,
    "service": 15.0,
    "road": 30.0,
}
DRIVABLE_HIGHWAYS = frozenset(CHINA_DEFAULT_KPH)
FALLBACK_KPH = 30.0
_MPH = 1.609344
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def parse_maxspeed(value: object) -> float | None:
    """Parse an OSM ``maxspeed`` value to km/h; None when it carries no usable number.

    Handles ``"80"``, ``"80 km/h"``, ``"50 mph"``, lists (``"60;80"`` -> the lower, which is the
    limit that binds somewhere on the way) and osmnx's list values.
    """
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        speeds = [s for s in (parse_maxspeed(v) for v in value) if s is not None]
        return min(speeds) if speeds else None
    if isinstance(value, (int, float)):
        return float(value) if value > 0 and math.isfinite(value) else None
    text = str(value).strip().lower()
    speeds = []
    for part in re.split(r"[;|,]", text):
        match = _NUMBER.search(part)
        if match:
            kph = float(match.group()) * (_MPH if "mph" in part else 1.0)
            if kph > 0:
                speeds.append(kph)
    return min(speeds) if speeds else None


def highway_speed_kph(highway: object, maxspeed: object = None) -> float:
    """Speed for an OSM edge: its ``maxspeed`` if parseable, else the China default of its class."""
    parsed = parse_maxspeed(maxspeed)
    if parsed is not None:
        return parsed
    classes = highway if isinstance(highway, (list, tuple)) else [highway]
    known = [CHINA_DEFAULT_KPH[c] for c in classes if c in CHINA_DEFAULT_KPH]
    return max(known) if known else FALLBACK_KPH


@dataclass(frozen=True)
class EmbeddedSpeedModel:
    """Circuity and length-dependent effective speed for straight-line edges.

    ``speed(L) = slow_kph + (fast_kph - slow_kph) * (1 - exp(-L / scale_km))`` for an edge of
    straight length ``L``; driven length is ``circuity * L``. Access legs (from a point to the
    network) are ``access_circuity`` times the straight distance at ``access_kph``.
    """

    circuity: float = 1.08
    slow_kph: float = 35.0
    fast_kph: float = 85.0
    scale_km: float = 4.0
    access_circuity: float = 1.3
    access_kph: float = 25.0

    def __post_init__(self) -> None:
        for name in ("circuity", "slow_kph", "fast_kph", "scale_km", "access_circuity", "access_kph"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
                msg = f"EmbeddedSpeedModel.{name} must be a positive number, got {value!r}"
                raise ValueError(msg)

    def speed_kph(self, straight_km: NDArray[np.float64]) -> NDArray[np.float64]:
        straight_km = np.asarray(straight_km, dtype=float)
        return self.slow_kph + (self.fast_kph - self.slow_kph) * (1.0 - np.exp(-straight_km / self.scale_km))

    def length_m(self, straight_km: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.asarray(straight_km, dtype=float) * 1000.0 * self.circuity
