"""``POST /api/coverage``: the road-signage coverage audit of an uploaded sign file (or of the default
inventory: the database's signs, else the SYNTHETIC sample)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from app.api.deps import SessionDep, SettingsDep
from app.services.coverage import MAX_UPLOAD_BYTES, ROADS, CoverageOptions, run_coverage
from gis_data.importers import ImportError_
from routing import coverage_params as cov

router = APIRouter(prefix="/api", tags=["bureau"])
RoadId = Literal["yellow_river", "great_wall", "taihang"]


class UploadTooLarge(ValueError):
    pass


async def read_upload(file: UploadFile | None) -> tuple[bytes | None, str | None]:
    """The uploaded bytes (None without a file or with an empty one); at most :data:`MAX_UPLOAD_BYTES`."""
    if file is None or not file.filename:
        return None, None
    data = await file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        msg = f"the sign file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB"
        raise UploadTooLarge(msg)
    return (data or None), file.filename


def coverage_error(exc: Exception) -> JSONResponse:
    """422 naming the file field (and every bad row of an invalid file)."""
    detail: dict[str, Any] = {"loc": ["body", "file"], "msg": str(exc).splitlines()[0], "type": "invalid_sign_file"}
    if isinstance(exc, ImportError_):
        detail["rows"] = [e.to_json() for e in exc.errors]
    return JSONResponse({"detail": [detail]}, status_code=422)


@router.post("/coverage", responses={422: {"description": "Invalid sign file (bad rows listed) or option"}})
async def coverage(
    session: SessionDep,
    settings: SettingsDep,
    file: Annotated[UploadFile | None, File(description="sign inventory, CSV or GeoJSON (import columns)")] = None,
    source: Annotated[
        Literal["auto", "database", "sample"],
        Form(description="without a file: the database's signs, the SYNTHETIC sample, or auto (database if any)"),
    ] = "auto",
    road: Annotated[list[RoadId] | None, Form(description="roads to report (default all)")] = None,
    reach_km: Annotated[float, Form(gt=0, le=50)] = cov.DEFAULT_REACH_KM,
    gap_km: Annotated[float, Form(gt=0, le=500)] = cov.DEFAULT_GAP_KM,
    tolerance_m: Annotated[float, Form(gt=0, le=5000)] = cov.DEFAULT_TOLERANCE_M,
    approach_km: Annotated[float, Form(gt=0, le=50)] = cov.DEFAULT_APPROACH_KM,
    spot_radius_km: Annotated[float, Form(gt=0, le=100)] = cov.DEFAULT_SPOT_RADIUS_KM,
) -> JSONResponse:
    """Coverage per road and county, gaps, graded spots without an approach sign and unmatched
    signs (the JSON of ``CoverageResult.to_json()``, with ``synthetic_inventory`` and its notice)."""
    options = CoverageOptions(
        roads=tuple(r for r in ROADS if r in (road or ())),
        reach_km=reach_km,
        gap_km=gap_km,
        tolerance_m=tolerance_m,
        approach_km=approach_km,
        spot_radius_km=spot_radius_km,
    )
    try:
        data, filename = await read_upload(file)
        run = await run_in_threadpool(
            run_coverage, session, settings, data=data, filename=filename, source=source, options=options
        )
    except (ValueError, LookupError) as exc:
        return coverage_error(exc)
    return JSONResponse(run.report)
