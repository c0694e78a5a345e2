"""The travel agencies' page ``/agency``: generate a batch of themed trips for groups, follow its
progress, open each trip and download the ZIP.

The form builds a batch of ``count`` departures of one boutique line or theme (or takes an uploaded
CSV) and submits it like ``POST /api/batches``; the page script polls ``GET /api/batches/{id}``.
Without JavaScript the form posts normally and the page shows the batch (reload to update).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from app.api.deps import SessionDep
from app.services.batches import BatchQueueFull, BatchRejected, batch_status, get_batch, routable, submit_batch
from app.web.forms import localise
from app.web.i18n import Translator, request_lang
from app.web.pages import render, wants_json
from gis_data.gazetteer import Gazetteer
from itineraries.batch import BATCH_COLUMNS, MAX_BATCH, OPTIONAL_COLUMNS, parse_batch_csv, parse_batch_records
from itineraries.catalog import load_catalog
from itineraries.request import CHINA_TZ, MAX_DAYS
from itineraries.themes import presets, themes

router = APIRouter(include_in_schema=False)
MAX_CSV_BYTES = 2 * 1024 * 1024
FIELDS = ("mode", "preset", "theme", "start", "days", "start_date", "group_size", "count", "interval_days", "prefix")


def _today() -> date:
    from datetime import datetime

    return datetime.now(CHINA_TZ).date()


def default_form() -> dict[str, Any]:
    first = next(iter(presets().values()), None)
    return {
        "mode": "preset",
        "preset": first.id if first else "",
        "theme": "ancient_architecture",
        "start": "太原",
        "days": 3,
        "start_date": (_today() + timedelta(days=30)).isoformat(),
        "group_size": 30,
        "count": 3,
        "interval_days": 0,
        "prefix": "",
    }


def status_labels(t: Translator) -> dict[str, str]:
    """What the page calls each status of a batch and of a request."""
    return {
        "queued": t("Waiting"),
        "running": t("Planning…"),
        "done": t("Finished"),
        "error": t("Stopped by an error"),
        "planned": t("Planned"),
        "failed": t("Not placed"),
    }


def _context(t: Translator, session: SessionDep) -> dict[str, Any]:
    cities = {p.name_zh: p.name_en for p in Gazetteer.from_session(session).places if p.kind == "city"}
    return {
        "city_names": {zh: (cities.get(zh) or zh) if t.lang == "en" else zh for zh in cities},
        "status_labels": status_labels(t),
        "presets": list(presets().values()),
        "themes": list(themes().values()),
        "max_batch": MAX_BATCH,
        "max_days": MAX_DAYS,
        "columns": BATCH_COLUMNS,
        "optional_columns": OPTIONAL_COLUMNS,
        "csv_example": "product,theme,start,date,days,group_size,must_see\n"
        f"古建-01,ancient_architecture,太原,{(_today() + timedelta(days=30)).isoformat()},3,30,"
        "pingyao-ancient-city\n"
        f"红色-01,red_tourism,长治,{(_today() + timedelta(days=31)).isoformat()},2,40,\n",
    }


def _product_prefix(values: dict[str, Any], t: Translator) -> str:
    prefix = str(values.get("prefix") or "").strip()
    if not prefix:
        if values["mode"] == "preset" and values["preset"] in presets():
            theme = themes().get(presets()[values["preset"]].theme)
        else:
            theme = themes().get(values["theme"])
        prefix = (theme.name_en if t.lang == "en" else theme.name_zh) if theme else "trip"
    return re.sub(r"[^\w\u4e00-\u9fff .()\-]", "", prefix).strip(" .-()")[:60] or "trip"


def _int(values: dict[str, Any], name: str, low: int, high: int, errors: dict[str, str], t: Translator) -> int:
    try:
        value = int(str(values.get(name, "")).strip())
    except ValueError:
        errors[name] = t("Enter a whole number.")
        return low
    if not low <= value <= high:
        errors[name] = (
            t("Must be at least {limit}.", limit=low) if value < low else t("Must be at most {limit}.", limit=high)
        )
    return value


def form_records(values: dict[str, Any], t: Translator) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The batch (JSON records) of the form: ``count`` departures of a preset or a theme, every
    ``interval_days`` days from ``start_date``; and the form's own field errors."""
    errors: dict[str, str] = {}
    count = _int(values, "count", 1, MAX_BATCH, errors, t)
    interval = _int(values, "interval_days", 0, 60, errors, t)
    group = _int(values, "group_size", 1, 500, errors, t)
    try:
        first = date.fromisoformat(str(values.get("start_date", "")).strip())
    except ValueError:
        errors["start_date"] = t("Enter a valid date (YYYY-MM-DD).")
        first = _today()
    base: dict[str, Any] = {"group_size": group, "language": t.lang}
    if values["mode"] == "preset":
        if values.get("preset") not in presets():
            errors["preset"] = t("Choose one of the options.")
        base["preset"] = values.get("preset")
    else:
        if values.get("theme") not in themes():
            errors["theme"] = t("Unknown theme.")
        if not str(values.get("start", "")).strip():
            errors["start"] = t("This field is required.")
        base |= {
            "themes": [values.get("theme")],
            "start": str(values.get("start", "")).strip(),
            "days": _int(values, "days", 1, MAX_DAYS, errors, t),
        }
    if errors:
        return [], errors
    prefix = _product_prefix(values, t)
    width = max(2, len(str(count)))
    records = [
        base
        | {"product": f"{prefix}-{k + 1:0{width}d}", "start_date": (first + timedelta(days=k * interval)).isoformat()}
        for k in range(count)
    ]
    return records, errors


def _batch_errors(errors: list[dict[str, Any]], t: Translator, *, csv: bool) -> dict[str, str]:
    """Batch errors shown on the form: on the file for a CSV, else on the field they name."""
    if csv:
        return {"file": "\n".join(e["msg"] for e in errors)}
    out: dict[str, str] = {}
    for e in errors:
        field = next((p for p in e["loc"][2:] if isinstance(p, str)), "__all__")
        field = {"themes": "theme", "must_see": "preset"}.get(field, field)
        field = field if field in FIELDS else "__all__"
        text = e["msg"].split(": ", 1)[-1] if field != "__all__" else e["msg"]
        if e.get("type") in ("unknown_place", "unroutable_place"):
            text = localise({"type": e["type"], "msg": text, "input": e.get("input")}, t)
        out.setdefault(field, text)
    return out


@router.get("/agency", response_class=HTMLResponse, name="agency_page")
def agency_page(request: Request, session: SessionDep) -> HTMLResponse:
    """The agency page (``?batch=ID`` shows that batch)."""
    t = Translator(request_lang(request))
    view: dict[str, Any] = {"values": default_form(), "errors": {}, "batch": None}
    batch_id = request.query_params.get("batch", "")
    if batch_id:
        batch = get_batch(session, batch_id)
        if batch is None:
            view["errors"] = {"__all__": t("There is no batch {id}.", id=batch_id)}
        else:
            view["batch"] = batch_status(
                session, batch, trip_url=lambda tid: str(request.url_for("trip_page", trip_id=tid).path)
            )
    return render(request, "agency.html", _context(t, session) | view)


@router.post("/agency", name="agency_submit")
async def agency_submit(
    request: Request,
    session: SessionDep,
    file: Annotated[UploadFile | None, File()] = None,
    mode: Annotated[str, Form()] = "preset",
    preset: Annotated[str, Form()] = "",
    theme: Annotated[str, Form()] = "",
    start: Annotated[str, Form()] = "",
    days: Annotated[str, Form()] = "3",
    start_date: Annotated[str, Form()] = "",
    group_size: Annotated[str, Form()] = "30",
    count: Annotated[str, Form()] = "3",
    interval_days: Annotated[str, Form()] = "0",
    prefix: Annotated[str, Form()] = "",
) -> Response:
    """Generate a batch from the form (a preset or theme and ``count`` departures, or a CSV file)."""
    lang = request_lang(request)
    t = Translator(lang)
    values = {
        "mode": mode if mode in ("preset", "theme", "csv") else "preset",
        "preset": preset,
        "theme": theme,
        "start": start[:80],
        "days": days,
        "start_date": start_date,
        "group_size": group_size,
        "count": count,
        "interval_days": interval_days,
        "prefix": prefix[:60],
    }
    errors: dict[str, str] = {}
    data = None
    if values["mode"] == "csv":
        if file is None or not file.filename:
            errors["file"] = t("Choose a CSV file.")
        else:
            data = await file.read(MAX_CSV_BYTES + 1)
            if len(data) > MAX_CSV_BYTES:
                errors["file"] = t("The file is larger than {n} MB.", n=MAX_CSV_BYTES // (1024 * 1024))
            elif not file.filename.lower().endswith(".csv"):
                errors["file"] = t("Not a CSV file: {name}", name=file.filename)
        records: list[dict[str, Any]] = []
    else:
        records, errors = form_records(values, t)
    status_code = 422

    def submit() -> Any:
        catalog = load_catalog(session)
        if values["mode"] == "csv":
            items = parse_batch_csv(data, filename=file.filename, routable=routable(catalog), language=lang)
        else:
            items = parse_batch_records(records, routable=routable(catalog))
        return submit_batch(
            session, items, catalog, source="csv" if values["mode"] == "csv" else "json",
            filename=file.filename if values["mode"] == "csv" else "", language=lang,
        )  # fmt: skip

    if not errors:
        try:
            batch = await run_in_threadpool(submit)
        except ValueError as exc:
            errors = {"file" if values["mode"] == "csv" else "__all__": str(exc)}
        except BatchRejected as exc:
            errors = _batch_errors(exc.errors, t, csv=values["mode"] == "csv")
        except BatchQueueFull:
            errors = {"__all__": t("Too many batches are waiting; please try again in a minute.")}
            status_code = 503
        else:
            api = str(request.url_for("get_batch_status", batch_id=batch.id).path)
            page = f"{request.url_for('agency_page').path}?batch={batch.id}&lang={lang}"
            if wants_json(request):
                return JSONResponse({"id": batch.id, "status_url": api, "zip_url": f"{api}.zip", "page": page}, 202)
            return RedirectResponse(page, status_code=303)
    if wants_json(request):
        return JSONResponse({"errors": errors}, status_code=status_code)
    view = {"values": default_form() | values, "errors": errors, "batch": None}
    return render(request, "agency.html", _context(t, session) | view, status_code=status_code)
