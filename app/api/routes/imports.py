"""Bureau imports over HTTP (token required): upload a file, list batches, roll one back."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, HTTPException, UploadFile, status
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from app.api.deps import SettingsDep
from app.api.security import WriterDep
from gis_data.db import get_engine
from gis_data.importers import ImportError_, import_file, list_batches, rollback_batch

router = APIRouter(prefix="/api/imports", tags=["bureau"])
Layer = Literal["spots", "lodging", "signs"]


@router.get("")
def batches() -> list[dict[str, Any]]:
    """Every import batch, newest first."""
    return list_batches(get_engine())


@router.post(
    "/{layer}",
    status_code=status.HTTP_201_CREATED,
    responses={
        401: {"description": "No API token"},
        403: {"description": "Wrong token, or write endpoints disabled"},
        413: {"description": "File too large"},
        422: {"description": "Invalid file: every bad row, field and value is listed; nothing was written"},
    },
)
async def import_layer(
    layer: Layer,
    actor: WriterDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="CSV or GeoJSON, columns as for `jinlv import`")],
) -> dict[str, Any]:
    """Import a file as one batch (all-or-nothing)."""
    limit = int(settings.max_upload_mb * 1024 * 1024)
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise HTTPException(
            status.HTTP_413_CONTENT_TOO_LARGE, f"file is larger than the limit of {settings.max_upload_mb:g} MB"
        )
    filename = file.filename or f"upload.{'geojson' if data[:1] == b'{' else 'csv'}"
    try:
        result = await run_in_threadpool(import_file, get_engine(), layer, data, filename=filename, actor=actor)
    except ImportError_ as exc:
        return JSONResponse(
            {
                "detail": [
                    {
                        "loc": ["body", "file"],
                        "msg": f"{exc.filename}: {len(exc.errors)} invalid value(s), nothing imported",
                        "type": "invalid_import",
                        "rows": [e.to_json() for e in exc.errors],
                    }
                ]
            },
            status_code=422,
        )
    except ValueError as exc:
        return JSONResponse(
            {"detail": [{"loc": ["body", "file"], "msg": str(exc), "type": "invalid_import"}]}, status_code=422
        )
    return result.to_json() | {"actor": actor}


@router.post(
    "/{batch_id}/rollback",
    responses={
        401: {"description": "No API token"},
        403: {"description": "Wrong token"},
        404: {"description": "No such batch"},
        409: {"description": "Already rolled back or superseded"},
    },
)
async def rollback(batch_id: int, actor: WriterDep) -> dict[str, Any]:
    """Undo an import batch."""
    try:
        return await run_in_threadpool(rollback_batch, get_engine(), batch_id, actor=actor)
    except LookupError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc).strip("'\"")) from None
    except ValueError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
