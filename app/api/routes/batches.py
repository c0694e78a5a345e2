"""Agency batches: ``POST /api/batches`` (JSON list or CSV upload) plans many trips in the background;
``GET /api/batches/{id}`` reports progress; ``GET /api/batches/{id}.zip`` downloads the results."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from app.api.deps import SessionDep, SettingsDep
from app.services.batches import (
    BatchQueueFull,
    BatchRejected,
    batch_status,
    batch_zip_bytes,
    get_batch,
    routable,
    submit_batch,
)
from itineraries.batch import BATCH_COLUMNS, MAX_BATCH, OPTIONAL_COLUMNS, parse_batch_csv, parse_batch_records
from itineraries.catalog import load_catalog
from itineraries.request import MAX_DAYS, MAX_MUST_SEE, THEME_IDS

router = APIRouter(prefix="/api", tags=["agency"])
Lang = Literal["zh", "en"]
CSV_TYPES = ("text/csv", "text/plain", "application/csv", "application/vnd.ms-excel", "application/octet-stream")
ThemeId = Literal[THEME_IDS]  # type: ignore[valid-type]


class BatchRequestIn(BaseModel):
    """One product of a batch: a product name and a trip request (the fields of ``POST /api/itineraries``);
    ``preset`` (a boutique line id of ``GET /api/themes``) fills the fields that are not given."""

    model_config = ConfigDict(extra="forbid")

    product: str = Field(min_length=1, max_length=80, description="unique within the batch; names the files")
    preset: str | None = Field(None, description="boutique line id: start, end, days, theme and must-see places")
    start: str | None = Field(None, min_length=1, max_length=80)
    end: str | None = Field(None, min_length=1, max_length=80)
    start_date: date | None = None
    days: int | None = Field(None, ge=1, le=MAX_DAYS)
    themes: list[ThemeId] | None = None
    group_size: int | None = Field(None, ge=1, le=500)
    must_see: list[str] | None = Field(None, max_length=MAX_MUST_SEE)
    exclude: list[str] | None = Field(None, max_length=200)
    pace: Literal["relaxed", "normal", "packed"] | None = None
    max_drive_hours: float | None = Field(None, gt=0, le=12)
    day_start: str | None = Field(None, pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    day_end: str | None = Field(None, pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    prefer_tourist_roads: float | None = Field(None, ge=0.5, le=1.0)
    include_heritage: bool | None = None
    language: Lang | None = None


class BatchLinks(BaseModel):
    self: str
    zip: str
    page: str


class BatchCreated(BaseModel):
    id: str
    status: str
    total: int
    links: BatchLinks


class BatchItemOut(BaseModel):
    position: int
    row: str
    product: str
    status: Literal["queued", "planned", "failed"]
    reason: str
    notes: list[str]
    start_date: str | None
    days: int | None
    group_size: int | None
    themes: list[str]
    trip_id: str | None
    trip_url: str | None = None
    theme_share: float | None = None
    spots: int | None = None
    overnights: list[str] | None = Field(None, description="overnight towns in Chinese, night by night")
    overnights_en: list[str] | None = Field(None, description="the same in English")


class BatchStatusOut(BaseModel):
    id: str
    status: Literal["queued", "running", "done", "error"]
    source: str
    filename: str
    language: str
    created_at: str | None
    started_at: str | None
    finished_at: str | None
    total: int
    done: int
    planned: int
    failed: int
    error: str
    items: list[BatchItemOut]
    links: BatchLinks


_REQUEST_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_BATCH,
                "items": BatchRequestIn.model_json_schema(),
            },
            "example": [
                {"product": "晋商-A", "preset": "jin_merchant_soul", "start_date": "2026-05-10", "group_size": 30},
                {
                    "product": "古建-B",
                    "start": "太原",
                    "days": 3,
                    "themes": ["ancient_architecture"],
                    "start_date": "2026-05-12",
                    "group_size": 25,
                    "must_see": ["pingyao-ancient-city"],
                },
            ],
        },
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    "file": {
                        "type": "string",
                        "format": "binary",
                        "description": f"UTF-8 CSV, columns {', '.join(BATCH_COLUMNS)}; optional "
                        f"{', '.join(OPTIONAL_COLUMNS)}",
                    }
                },
                "required": ["file"],
            }
        },
        "text/csv": {"schema": {"type": "string"}},
    },
}


def _links(request: Request, batch_id: str) -> BatchLinks:
    api = str(request.url_for("get_batch_status", batch_id=batch_id))
    return BatchLinks(self=api, zip=f"{api}.zip", page=f"{request.url_for('agency_page')}?batch={batch_id}")


def _rejected(errors: list[dict[str, Any]], status_code: int = 422) -> JSONResponse:
    return JSONResponse({"detail": errors}, status_code=status_code)


async def read_batch_body(request: Request, *, limit: int) -> tuple[str, bytes | Any, str]:
    """The submitted batch: ``("json", records, "")`` or ``("csv", data, filename)``.

    Raises
    ------
    HTTPException
        400 malformed JSON, 413 too large, 415 neither JSON nor CSV, 422 no file.
    """
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "multipart/form-data":
        form = await request.form(max_files=2)
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise HTTPException(422, [{"loc": ["body", "file"], "msg": "a CSV file is required", "type": "missing"}])
        name = upload.filename or "batch.csv"
        kind = (upload.content_type or "").split(";")[0].strip().lower()
        if not name.lower().endswith(".csv") and kind not in CSV_TYPES[:3]:
            msg = f"{name}: not a CSV file (type {kind or 'unknown'}); upload a UTF-8 .csv file"
            raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, msg)
        data = await upload.read(limit + 1)
        if len(data) > limit:
            raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, f"{name} is larger than {limit // 1024} KB")
        return "csv", data, name
    if ctype in ("application/json", "text/csv"):
        data = b""
        async for chunk in request.stream():
            data += chunk
            if len(data) > limit:
                raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, f"the body is larger than {limit // 1024} KB")
        if ctype == "text/csv":
            return "csv", data, "batch.csv"
        try:
            return "json", json.loads(data), ""
        except (ValueError, UnicodeDecodeError) as exc:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, f"the body is not valid JSON: {exc}") from None
    msg = (
        f"unsupported content type {ctype or 'none'!r}: send a JSON list, a CSV file (multipart/form-data) or CSV text"
    )
    raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, msg)


MAX_BODY_BYTES = 2 * 1024 * 1024


@router.post(
    "/batches",
    status_code=status.HTTP_202_ACCEPTED,
    openapi_extra={"requestBody": _REQUEST_BODY},
    responses={
        202: {"description": "Accepted: the batch is planned in the background; poll ``links.self``"},
        400: {"description": "Malformed JSON"},
        413: {"description": "Body or file too large"},
        415: {"description": "Neither a JSON list nor a CSV file"},
        422: {
            "description": 'Invalid batch: ``detail[].loc`` names the item (``["body", index, field]``) or CSV '
            'line (``["file", "line 3", field]``): unknown theme or place, bad date, duplicate product, '
            f"more than {MAX_BATCH} requests, ..."
        },
        503: {"description": "Too many batches are waiting; retry after ``Retry-After`` seconds"},
    },
)
async def create_batch(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    lang: Annotated[Lang, Query(description="language of the titles, day sheets and GPX names")] = "zh",
) -> JSONResponse:
    """Plan many trips for agency groups, sharing the towns' beds between them.

    Send a JSON list of products (``product`` plus trip-request fields, or a ``preset`` id), or a CSV
    file (``multipart/form-data`` field ``file``, or a ``text/csv`` body) with the columns
    ``product, theme, start, date, days, group_size`` (optional ``end, must_see, pace,
    max_drive_hours, day_start, day_end, preset``). At most 200 products. Every product is checked
    first (a 422 lists every problem and nothing is planned); then the requests are planned in order,
    each group sleeping only where the earlier groups left enough beds.
    """
    source, payload, filename = await read_batch_body(request, limit=MAX_BODY_BYTES)

    def submit() -> Any:
        catalog = load_catalog(session)
        try:
            if source == "json":
                items = parse_batch_records(payload, routable=routable(catalog), language=lang)
            else:
                items = parse_batch_csv(payload, filename=filename, routable=routable(catalog), language=lang)
        except ValueError as exc:
            where = ["body"] if source == "json" else ["file"]
            return _rejected([{"loc": where, "msg": str(exc), "type": "invalid_batch"}])
        try:
            return submit_batch(session, items, catalog, source=source, filename=filename, language=lang)
        except BatchRejected as exc:
            return _rejected(exc.errors)
        except BatchQueueFull:
            return JSONResponse(
                {"detail": "too many batches are waiting to be planned; retry in a minute"},
                status_code=503,
                headers={"Retry-After": "60"},
            )

    result = await run_in_threadpool(submit)
    if isinstance(result, JSONResponse):
        return result
    links = _links(request, result.id)
    body = BatchCreated(id=result.id, status=result.status, total=result.total, links=links)
    return JSONResponse(body.model_dump(), status_code=202, headers={"Location": links.self})


@router.get(
    "/batches/{batch_id}.zip",
    response_class=Response,
    responses={
        200: {
            "content": {"application/zip": {}},
            "description": "summary.csv, schedule.csv/.xlsx, per product its JSON, GPX and printable day sheet (HTML)",
        },
        404: {"description": "No such batch"},
        409: {"description": "The batch is not finished yet"},
    },
)
def get_batch_zip(
    batch_id: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    lang: Annotated[Lang | None, Query(description="names in zh or en (default: the batch's language)")] = None,
) -> Response:
    """Download the results of a finished batch as a ZIP."""
    from app.web.i18n import Translator
    from app.web.pages import road_names

    batch = get_batch(session, batch_id)
    if batch is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no batch {batch_id!r}")
    if batch.status not in ("done", "error"):
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            f"batch {batch_id} is {batch.status} ({batch.done} of {batch.total} planned so far)",
            headers={"Retry-After": "5"},
        )
    language = lang or batch.language
    content = batch_zip_bytes(
        session,
        batch,
        settings,
        lang=language,
        share_url=lambda trip_id: str(request.url_for("trip_page", trip_id=trip_id)),
        road_names=road_names(session, Translator(language)),
    )
    return Response(
        content,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="jinlv-batch-{batch.id}.zip"'},
    )


@router.get("/batches/{batch_id}", response_model=BatchStatusOut, responses={404: {"description": "No such batch"}})
def get_batch_status(batch_id: str, request: Request, session: SessionDep) -> BatchStatusOut:
    """Progress of a batch (``done`` of ``total``) and each request's status, reason and trip page."""
    batch = get_batch(session, batch_id)
    if batch is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no batch {batch_id!r}")
    data = batch_status(session, batch, trip_url=lambda tid: str(request.url_for("trip_page", trip_id=tid)))
    return BatchStatusOut(**data, links=_links(request, batch.id))
