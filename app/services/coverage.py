"""The signage coverage audit for ``POST /api/coverage`` and the page ``/bureau/coverage``.

Both call :func:`run_coverage` with the same defaults, so the JSON and the page's tables agree.
The inventory audited is an uploaded sign file, else the ``signs`` table when it holds any sign,
else the committed SYNTHETIC sample (``routing/data/signage_sample.csv``), labelled as such.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gis_data import models
from gis_data.settings import Settings
from routing import coverage_params as cov
from routing.coverage import CoverageResult
from routing.coverage_data import coverage_from_database, signs_from_file
from routing.signage_sample import SAMPLE_FILE

SOURCES = ("auto", "database", "sample")
ROADS = ("yellow_river", "great_wall", "taihang")
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
_CACHE_SIZE = 8


@dataclass(frozen=True)
class CoverageOptions:
    """The audit options a bureau user can change (defaults: :mod:`routing.coverage_params`)."""

    roads: tuple[str, ...] = ()
    reach_km: float = cov.DEFAULT_REACH_KM
    gap_km: float = cov.DEFAULT_GAP_KM
    tolerance_m: float = cov.DEFAULT_TOLERANCE_M
    approach_km: float = cov.DEFAULT_APPROACH_KM
    spot_radius_km: float = cov.DEFAULT_SPOT_RADIUS_KM

    def kwargs(self) -> dict[str, Any]:
        return {
            "road": list(self.roads) or None,
            "reach_km": self.reach_km,
            "gap_km": self.gap_km,
            "tolerance_m": self.tolerance_m,
            "approach_km": self.approach_km,
            "spot_radius_km": self.spot_radius_km,
        }


@dataclass(frozen=True)
class CoverageRun:
    """An audit and what it audited (``source``: ``file``, ``database`` or ``sample``)."""

    result: CoverageResult
    report: dict[str, Any]
    source: str
    filename: str | None


_lock = threading.Lock()
_cache: OrderedDict[tuple, CoverageRun] = OrderedDict()


def database_signs(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(models.Sign)) or 0)


def run_coverage(
    session: Session,
    settings: Settings,
    *,
    data: bytes | None = None,
    filename: str | None = None,
    source: str = "auto",
    options: CoverageOptions | None = None,
) -> CoverageRun:
    """Audit an uploaded file (``data``), the database's signs or the SYNTHETIC sample.

    Raises
    ------
    gis_data.importers.ImportError_
        If the uploaded file has invalid rows (each listed).
    LookupError
        If no road is routed.
    ValueError
        For an unknown ``source`` or out-of-range options.
    """
    from app.services.trips import data_fingerprint

    options = options or CoverageOptions()
    if source not in SOURCES:
        msg = f"source must be one of {', '.join(SOURCES)}, got {source!r}"
        raise ValueError(msg)
    if data is not None:
        signs = signs_from_file(session, data, filename=filename or "signs.csv")
        result = coverage_from_database(
            session, signs=signs, inventory=f"file {filename or 'signs.csv'}", settings=settings, **options.kwargs()
        )
        return CoverageRun(result, result.to_json(), "file", filename)
    if source == "auto":
        source = "database" if database_signs(session) else "sample"
    key = (source, options, data_fingerprint(session, settings), SAMPLE_FILE.stat().st_mtime_ns)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    if source == "database":
        result = coverage_from_database(session, signs=None, settings=settings, **options.kwargs())
        filename = None
    else:
        signs = signs_from_file(session, SAMPLE_FILE.read_bytes(), filename=SAMPLE_FILE.name)
        filename = f"routing/data/{SAMPLE_FILE.name}"
        result = coverage_from_database(
            session, signs=signs, inventory=f"SYNTHETIC sample {filename}", settings=settings, **options.kwargs()
        )
    run = CoverageRun(result, result.to_json(), source, filename)
    with _lock:
        _cache[key] = run
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return run
