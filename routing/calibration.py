"""Fit the embedded network's speed model to sourced drive times (``drive_times.csv``).

Each row of the facts file states a distance and/or a time between two places, as a guide, Q&A
or news page words it. Rows that describe something other than today's self-drive route are left
out (:data:`EXCLUDE_NOTES`: straight-line distances, pre-expressway travelogues, buses, partial
legs). Ranges count at their midpoint, ``50+`` as 50; ``<100`` is no figure. The fit minimises the
median absolute percentage error over every remaining km and minutes figure.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy.optimize import minimize

from gis_data.gazetteer import Gazetteer
from gis_data.network_source import RawNetwork
from gis_data.sources import DRIVE_TIMES, read_rows
from routing.network import largest_strongly_connected, network_from_raw
from routing.router import Router, Waypoint
from routing.speed import EmbeddedSpeedModel

EXCLUDE_NOTES = (
    "straight-line",
    "2012",
    "2004",
    "c.2010",
    "old",
    "before expressway",
    "scheduled bus",
    "minibus",
    "tour bus",
    "tour coach",
    "leg only",
    "doubtful",
    "looks low",
    "route only",
)


@dataclass(frozen=True)
class ReferencePair:
    origin: str
    destination: str
    km: float | None
    minutes: float | None
    note: str
    source_url: str


def _figure(text: str) -> float | None:
    text = text.strip()
    if not text or text.startswith("<"):
        return None
    numbers = [float(x) for x in re.findall(r"\d+(?:\.\d+)?", text)]
    if not numbers:
        return None
    return sum(numbers[:2]) / len(numbers[:2])


def reference_pairs() -> list[ReferencePair]:
    """Usable rows of ``drive_times.csv`` (see the module docstring for the rules)."""
    out = []
    for row in read_rows(DRIVE_TIMES):
        note = row["route_note"].lower()
        if any(word in note for word in EXCLUDE_NOTES):
            continue
        km, minutes = _figure(row["km"]), _figure(row["minutes"])
        if km is None and minutes is None:
            continue
        out.append(ReferencePair(row["from_zh"], row["to_zh"], km, minutes, row["route_note"], row["source_url"]))
    return out


def _waypoints(gazetteer: Gazetteer, pairs: list[ReferencePair]) -> tuple[list[ReferencePair], list[Waypoint]]:
    kept, points, index = [], [], {}
    for pair in pairs:
        try:
            ends = [gazetteer.resolve(pair.origin), gazetteer.resolve(pair.destination)]
        except LookupError:
            continue
        if not all(p.located for p in ends):
            continue
        for name, place in zip((pair.origin, pair.destination), ends, strict=True):
            if name not in index:
                index[name] = len(points)
                points.append(Waypoint(name, place.lat, place.lon))
        kept.append(pair)
    return kept, points


def evaluate(
    raw: RawNetwork,
    model: EmbeddedSpeedModel,
    pairs: list[ReferencePair],
    points: list[Waypoint],
) -> list[dict[str, Any]]:
    """Model km and minutes for every pair, with the percentage error of each stated figure."""
    network, _ = largest_strongly_connected(network_from_raw(raw, model))
    router = Router(network, max_snap_km=25.0)
    matrix = router.matrix(points, with_km=True)
    index = {p.label: i for i, p in enumerate(points)}
    rows = []
    for pair in pairs:
        i, j = index[pair.origin], index[pair.destination]
        km, minutes = float(matrix.km[i, j]), float(matrix.minutes[i, j])
        rows.append(
            {
                "from": pair.origin,
                "to": pair.destination,
                "ref_km": pair.km,
                "model_km": round(km, 1),
                "km_err_pct": None if pair.km is None else round(100 * (km - pair.km) / pair.km, 1),
                "ref_minutes": pair.minutes,
                "model_minutes": round(minutes, 1),
                "minutes_err_pct": None
                if pair.minutes is None
                else round(100 * (minutes - pair.minutes) / pair.minutes, 1),
            }
        )
    return rows


def _errors(rows: list[dict[str, Any]]) -> np.ndarray:
    errs = [r[k] for r in rows for k in ("km_err_pct", "minutes_err_pct") if r[k] is not None]
    return np.abs(np.array(errs, dtype=float))


def fit(raw: RawNetwork, gazetteer: Gazetteer, *, start: EmbeddedSpeedModel | None = None) -> dict[str, Any]:
    """Fit circuity and the speed curve; return the model, its per-pair errors and the median."""
    pairs, points = _waypoints(gazetteer, reference_pairs())
    base = start or EmbeddedSpeedModel()

    def model_of(x: np.ndarray) -> EmbeddedSpeedModel:
        circuity, slow, fast, scale = x
        return EmbeddedSpeedModel(
            circuity=float(np.clip(circuity, 1.0, 1.6)),
            slow_kph=float(np.clip(slow, 10, 80)),
            fast_kph=float(np.clip(fast, 40, 120)),
            scale_km=float(np.clip(scale, 0.5, 40)),
            access_circuity=base.access_circuity,
            access_kph=base.access_kph,
        )

    def loss(x: np.ndarray) -> float:
        return float(np.median(_errors(evaluate(raw, model_of(x), pairs, points))))

    x0 = np.array([base.circuity, base.slow_kph, base.fast_kph, base.scale_km])
    result = minimize(loss, x0, method="Nelder-Mead", options={"xatol": 1e-3, "fatol": 0.05, "maxiter": 300})
    model = model_of(result.x)
    rows = evaluate(raw, model, pairs, points)
    errs = _errors(rows)
    return {
        "parameters": asdict(model),
        "pairs": len(rows),
        "figures": int(errs.size),
        "median_abs_err_pct": round(float(np.median(errs)), 2),
        "mean_abs_err_pct": round(float(np.mean(errs)), 2),
        "rows": rows,
    }
