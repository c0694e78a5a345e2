"""Lodging places and the labelled estimate of their beds.

No per-town bed statistics exist offline (see ``README.md``), so the default bed counts are an
**estimate**: the provincial plan's 2024 target of 1,000,000 beds available to visitors
(晋政发〔2024〕2号, §一) shared out to the 11 prefecture cities by their 2020 census population,
and within a city among its lodging places by weight:

* every county-level seat has weight 1, plus 1 per 4A and 3 per 5A scenic spot in its county;
* a 5A scenic area whose own point lies more than ``SCENIC_LODGING_MIN_KM`` from every county
  seat (e.g. Mount Wutai, 40 km from Wutai county town) is a lodging place of its own
  (kind ``scenic_area``) and takes that 5A spot's weight of 3 from its county seat.

Shares are rounded by the largest-remainder method so that the cities sum exactly to the target.
Importing a real hotel inventory replaces a town's estimate by the sum of its hotels' beds.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

PROVINCE_BED_TARGET = 1_000_000
BED_TARGET_SOURCE = "山西省 plan 晋政发〔2024〕2号 §一: 全省可供游客使用的床位总数达到100万张 (2024 target)"
SCENIC_LODGING_MIN_KM = 15.0
WEIGHT_SEAT, WEIGHT_4A, WEIGHT_5A = 1, 1, 3


@dataclass(frozen=True)
class LodgingEstimate:
    id: str
    name_zh: str
    name_en: str
    city: str
    kind: str
    lat: float | None
    lon: float | None
    coord_source: str
    estimated_beds: int
    estimate_basis: str
    source: str


def largest_remainder(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Split ``total`` in proportion to ``weights`` into integers that sum to ``total``."""
    weight_sum = sum(weights.values())
    if weight_sum <= 0:
        msg = f"weights must have a positive sum, got {weight_sum}"
        raise ValueError(msg)
    exact = {k: total * w / weight_sum for k, w in weights.items()}
    shares = {k: math.floor(x) for k, x in exact.items()}
    left = total - sum(shares.values())
    for key in sorted(exact, key=lambda k: (exact[k] - shares[k], k), reverse=True)[:left]:
        shares[key] += 1
    return shares


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def _county_key(city: str, county: str) -> tuple[str, str]:
    # A few source cells carry an annotation, e.g. "城区(source)".
    return city, county.split("(")[0].strip()


def estimate_lodging(
    *,
    towns: list[dict[str, str]],
    populations: list[dict[str, str]],
    spots: list[dict[str, str]],
    total_beds: int = PROVINCE_BED_TARGET,
) -> list[LodgingEstimate]:
    """Return every lodging place with its estimated beds (see the module docstring for the rule)."""
    seats = {(t["city"], t["name_zh"]): t for t in towns}
    weights: dict[str, float] = {}
    places: dict[str, dict] = {}
    for t in towns:
        places[t["adcode"]] = {
            "id": t["adcode"],
            "name_zh": t["name_zh"],
            "name_en": t["name_en"],
            "city": t["city"],
            "kind": "county_seat",
            "lat": float(t["lat"]) if t["lat"] else None,
            "lon": float(t["lon"]) if t["lon"] else None,
            "coord_source": t["coord_source"],
            "source": "towns.csv (county-level seat)",
            "n4a": 0,
            "n5a": 0,
        }
        weights[t["adcode"]] = WEIGHT_SEAT
    located_seats = [t for t in towns if t["lat"]]
    for s in spots:
        seat = seats.get(_county_key(s["city"], s["county"]))
        if s["grade"] == "5A" and s["lat"]:
            lat, lon = float(s["lat"]), float(s["lon"])
            nearest = min(_haversine_km(lat, lon, float(t["lat"]), float(t["lon"])) for t in located_seats)
            if nearest > SCENIC_LODGING_MIN_KM:
                pid = f"scenic:{s['id']}"
                places[pid] = {
                    "id": pid,
                    "name_zh": s["name_zh"],
                    "name_en": s["name_en"],
                    "city": s["city"],
                    "kind": "scenic_area",
                    "lat": lat,
                    "lon": lon,
                    "coord_source": f"point of scenic spot {s['id']} ({nearest:.0f} km from the nearest seat)",
                    "source": "scenic_spots.csv (5A area far from any county seat)",
                    "n4a": 0,
                    "n5a": 1,
                }
                weights[pid] = WEIGHT_5A
                continue
        if seat is None:
            continue
        if s["grade"] == "5A":
            places[seat["adcode"]]["n5a"] += 1
            weights[seat["adcode"]] += WEIGHT_5A
        elif s["grade"] == "4A":
            places[seat["adcode"]]["n4a"] += 1
            weights[seat["adcode"]] += WEIGHT_4A
    city_beds = largest_remainder(total_beds, {p["city"]: float(p["population_2020"]) for p in populations})
    by_city: dict[str, dict[str, float]] = defaultdict(dict)
    for pid, place in places.items():
        by_city[place["city"]][pid] = weights[pid]
    out = []
    for city, city_weights in sorted(by_city.items()):
        beds = largest_remainder(city_beds[city], city_weights)
        weight_sum = sum(city_weights.values())
        for pid in sorted(city_weights):
            p = places[pid]
            basis = (
                f"ESTIMATE: {total_beds:,} beds (plan target) x {city} 2020 population share = "
                f"{city_beds[city]:,}; x weight {city_weights[pid]:g}/{weight_sum:g} "
                f"(seat 1 + {p['n4a']} 4A x1 + {p['n5a']} 5A x3)"
                if p["kind"] == "county_seat"
                else f"ESTIMATE: {city_beds[city]:,} city beds x weight 3/{weight_sum:g} (5A scenic area)"
            )
            out.append(
                LodgingEstimate(
                    id=pid,
                    name_zh=p["name_zh"],
                    name_en=p["name_en"],
                    city=city,
                    kind=p["kind"],
                    lat=p["lat"],
                    lon=p["lon"],
                    coord_source=p["coord_source"],
                    estimated_beds=beds[pid],
                    estimate_basis=basis,
                    source=p["source"],
                )
            )
    return out
