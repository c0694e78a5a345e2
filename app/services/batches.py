"""Agency batches: submit, plan in the background, report progress, package the results.

A batch (:class:`gis_data.models.AgencyBatch`) and its requests (:class:`~gis_data.models.AgencyBatchItem`)
are stored when submitted; a worker thread of the process plans the requests one after the other
(sharing the towns' beds, :mod:`itineraries.batch`), saves each planned one as a normal trip with
a shareable page, and records every outcome as it goes. Batches survive restarts: a worker claims
a queued batch, or a running one whose worker stopped renewing its heartbeat, and carries on from
the first request without an outcome (the beds of the requests already planned are booked again
first). Planning takes the same slots as interactive trips (``JINLV_MAX_CONCURRENT_PLANS``), so the
app stays responsive.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from app.services.trips import TripError, _new_id, _slot, check_places, data_fingerprint, trip_title
from gis_data import models
from gis_data.db import get_engine, session_scope
from gis_data.settings import Settings, get_settings
from itineraries.batch import BatchItem, BatchOutcome, BedLedger, plan_item
from itineraries.catalog import Catalog, load_catalog
from itineraries.request import TripRequest

log = logging.getLogger("jinlv.batches")
MAX_OPEN_BATCHES = 20
STALE_AFTER = timedelta(seconds=120)
IDLE_POLL_SECONDS = 5.0
_ID_BYTES = 6


class BatchRejected(Exception):
    """The batch is invalid; ``errors`` in a FastAPI 422 body's ``detail`` format (``loc`` names
    where: ``["body", index, field]`` or ``["file", "line 3", field]``)."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        self.errors = errors
        super().__init__("; ".join(e["msg"] for e in errors))


class BatchQueueFull(Exception):
    """Too many batches are waiting or running."""


def _where(source: str, item: BatchItem) -> list[Any]:
    return ["file", item.row] if source == "csv" else ["body", item.index]


def validate_items(items: list[BatchItem], catalog: Catalog, *, source: str) -> None:
    """Check every item (fields and places) before anything is stored.

    Raises
    ------
    BatchRejected
        Naming each invalid item (its row or index, product, field and value).
    """
    errors: list[dict[str, Any]] = []
    for item in items:
        label = f"{item.row} ({item.product})" if item.product else item.row
        if item.request is None:
            err: dict[str, Any] = {
                "loc": [*_where(source, item), item.field or "request"],
                "msg": f"{label}: {item.error}",
                "type": "invalid_batch_item",
            }
            if isinstance(item.value, (str, int, float, bool)):
                err["input"] = item.value
            errors.append(err)
            continue
        try:
            check_places(item.request, catalog)
        except TripError as exc:
            for e in exc.errors:
                field = [p for p in e["loc"][1:]]
                out = {"loc": [*_where(source, item), *field], "msg": f"{label}: {e['msg']}", "type": e["type"]}
                if "input" in e:
                    out["input"] = e["input"]
                errors.append(out)
    if errors:
        raise BatchRejected(errors)


def routable(catalog: Catalog) -> Callable[[str], bool]:
    """Whether a place id can be a must-see (it is a candidate with coordinates)."""
    return lambda place_id: catalog.candidate(place_id) is not None


def submit_batch(
    session: Session,
    items: list[BatchItem],
    catalog: Catalog,
    *,
    source: str,
    filename: str = "",
    language: str = "zh",
) -> models.AgencyBatch:
    """Validate and store a batch, and wake the worker.

    Raises
    ------
    BatchRejected
        Any invalid item (nothing is stored).
    BatchQueueFull
        If :data:`MAX_OPEN_BATCHES` batches are already waiting or running.
    """
    validate_items(items, catalog, source=source)
    open_batches = session.scalar(
        select(func.count()).select_from(models.AgencyBatch).where(models.AgencyBatch.status.in_(("queued", "running")))
    )
    if open_batches >= MAX_OPEN_BATCHES:
        raise BatchQueueFull
    batch = models.AgencyBatch(
        id=_new_batch_id(session),
        created_at=datetime.now(UTC),
        source=source,
        filename=filename[:255],
        language=language if language in ("zh", "en") else "zh",
        status="queued",
        total=len(items),
        done=0,
        planned=0,
        failed=0,
        error="",
        worker="",
    )
    session.add(batch)
    session.flush()
    for position, item in enumerate(items):
        session.add(
            models.AgencyBatchItem(
                batch_id=batch.id,
                position=position,
                row=item.row,
                product=item.product,
                request=item.request.model_dump(mode="json"),
                notes=list(item.notes),
                status="queued",
                reason="",
            )
        )
    session.commit()
    worker().wake()
    return batch


def _new_batch_id(session: Session) -> str:
    while True:
        batch_id = secrets.token_hex(_ID_BYTES)
        if session.get(models.AgencyBatch, batch_id) is None:
            return batch_id


def get_batch(session: Session, batch_id: str) -> models.AgencyBatch | None:
    if not batch_id or len(batch_id) > 32:
        return None
    return session.get(models.AgencyBatch, batch_id)


def batch_items(session: Session, batch: models.AgencyBatch) -> list[models.AgencyBatchItem]:
    return list(
        session.scalars(
            select(models.AgencyBatchItem)
            .where(models.AgencyBatchItem.batch_id == batch.id)
            .order_by(models.AgencyBatchItem.position)
        )
    )


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def batch_status(
    session: Session, batch: models.AgencyBatch, *, trip_url: Callable[[str], str] | None = None
) -> dict[str, Any]:
    """The batch's progress and each request's status, reason and trip."""
    items = []
    trips = {
        s.id: s
        for s in session.scalars(
            select(models.SavedItinerary).where(
                models.SavedItinerary.id.in_(
                    select(models.AgencyBatchItem.trip_id).where(models.AgencyBatchItem.batch_id == batch.id)
                )
            )
        )
    }
    for it in batch_items(session, batch):
        out: dict[str, Any] = {
            "position": it.position,
            "row": it.row,
            "product": it.product,
            "status": it.status,
            "reason": it.reason,
            "notes": list(it.notes or []),
            "start_date": it.request.get("start_date"),
            "days": it.request.get("days"),
            "group_size": it.request.get("group_size"),
            "themes": list(it.request.get("themes") or {}),
            "trip_id": it.trip_id,
        }
        saved = trips.get(it.trip_id or "")
        if saved is not None:
            data = saved.itinerary
            out["theme_share"] = (data.get("totals") or {}).get("theme_share")
            out["spots"] = (data.get("totals") or {}).get("spots")
            nights = [d["overnight"] for d in data["days"] if d.get("overnight")]
            out["overnights"] = [n["name_zh"] for n in nights]
            out["overnights_en"] = [n.get("name_en") or n["name_zh"] for n in nights]
            if trip_url is not None:
                out["trip_url"] = trip_url(saved.id)
        items.append(out)
    return {
        "id": batch.id,
        "status": batch.status,
        "source": batch.source,
        "filename": batch.filename,
        "language": batch.language,
        "created_at": _iso(batch.created_at),
        "started_at": _iso(batch.started_at),
        "finished_at": _iso(batch.finished_at),
        "total": batch.total,
        "done": batch.done,
        "planned": batch.planned,
        "failed": batch.failed,
        "error": batch.error,
        "items": items,
    }


def batch_outcomes(session: Session, batch: models.AgencyBatch) -> list[BatchOutcome]:
    """Each request's outcome, with its saved itinerary (id and title added) when planned."""
    from app.services.trips import trip_json

    outcomes = []
    for it in batch_items(session, batch):
        itinerary = None
        if it.trip_id and (saved := session.get(models.SavedItinerary, it.trip_id)) is not None:
            itinerary = trip_json(saved)
        status = it.status if it.status in ("planned", "failed") else "not planned"
        reason = it.reason or ("" if status != "not planned" else f"the batch ended with status {batch.status}")
        outcomes.append(BatchOutcome(it.product, status, reason, itinerary, tuple(it.notes or ())))
    return outcomes


def zip_path(settings: Settings, batch: models.AgencyBatch, lang: str) -> Path:
    return settings.data_dir / "batches" / f"{batch.id}-{lang}.zip"


def batch_zip_bytes(
    session: Session,
    batch: models.AgencyBatch,
    settings: Settings,
    *,
    lang: str,
    share_url: Callable[[str], str] | None = None,
    road_names: dict[str, str] | None = None,
) -> bytes:
    """The ZIP of a finished batch (built once per language, then served from the data directory):
    summary, schedule CSV and XLSX, and per planned product its JSON, GPX and printable day sheet."""
    from app.batch_files import batch_zip
    from app.web.pages import print_sheet
    from itineraries.exports import to_gpx

    path = zip_path(settings, batch, lang)
    if path.is_file():
        return path.read_bytes()

    def url(data: dict[str, Any]) -> str:
        return share_url(data["id"]) if share_url is not None and data.get("id") else ""

    def gpx(data: dict[str, Any]) -> str:
        created = datetime.fromisoformat(data["created_at"]) if data.get("created_at") else None
        return to_gpx(data, lang=lang, title=data.get("title"), url=url(data) or None, created=created)

    def sheet(data: dict[str, Any]) -> str:
        return print_sheet(data, lang=lang, share_url=url(data), road_names=road_names)

    outcomes = batch_outcomes(session, batch)
    for o in outcomes:
        if o.itinerary is not None:
            o.itinerary["title"] = trip_title(o.itinerary.get("request") or {}, o.itinerary, lang=lang)
    content = batch_zip(outcomes, extra={".gpx": gpx, ".html": sheet})
    if batch.status == "done":
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(content)
        tmp.replace(path)
    return content


# -- the worker -----------------------------------------------------------------------------------


def _now() -> datetime:
    return datetime.now(UTC)


def _claimable():
    return or_(
        models.AgencyBatch.status == "queued",
        (models.AgencyBatch.status == "running") & (models.AgencyBatch.heartbeat_at < _now() - STALE_AFTER),
    )


def claim_next(session: Session, token: str) -> str | None:
    """Take the oldest batch that is queued or whose worker died; None if there is none.

    The claim is one conditional UPDATE, so two processes never take the same batch."""
    candidates = session.scalars(
        select(models.AgencyBatch.id).where(_claimable()).order_by(models.AgencyBatch.created_at).limit(5)
    ).all()
    for batch_id in candidates:
        now = _now()
        result = session.execute(
            update(models.AgencyBatch)
            .where(models.AgencyBatch.id == batch_id, _claimable())
            .values(
                status="running",
                worker=token,
                heartbeat_at=now,
                started_at=func.coalesce(models.AgencyBatch.started_at, now),
            )
            .execution_options(synchronize_session=False)
        )
        session.commit()
        if result.rowcount == 1:
            return batch_id
    return None


@dataclass
class _Context:
    catalog: Catalog
    fingerprint: str


def _ledger(session: Session, batch: models.AgencyBatch, catalog: Catalog) -> BedLedger:
    """The beds taken by the requests of ``batch`` already planned (when a batch is resumed)."""
    ledger = BedLedger.of(catalog)
    for it in batch_items(session, batch):
        if it.status == "planned" and it.trip_id and (saved := session.get(models.SavedItinerary, it.trip_id)):
            try:
                ledger.book(saved.itinerary, int(it.request.get("group_size") or 1), product=it.product)
            except ValueError:  # bed counts changed since (a hotel import): keep the earlier booking
                log.warning("batch %s: %s no longer fits the beds it booked", batch.id, it.product)
    return ledger


def _save_trip(session: Session, batch: models.AgencyBatch, item: models.AgencyBatchItem, outcome, ctx) -> str:
    data = outcome.itinerary
    request = item.request
    try:
        start = ctx.catalog.gazetteer.resolve(request["start"])
    except (LookupError, ValueError):
        start = None
    if start is not None:
        data["start_place"] = {
            "id": start.id,
            "kind": start.kind,
            "name_zh": start.name_zh,
            "name_en": start.name_en,
        }
    if item.notes:
        data["batch_notes"] = list(item.notes)
    trip_id = _new_id(session)
    data["id"] = trip_id
    # batch trips are not reused for interactive requests: their towns depend on the other groups
    key = hashlib.sha256(f"batch:{batch.id}:{item.product}:{ctx.fingerprint}".encode()).hexdigest()
    session.add(
        models.SavedItinerary(
            id=trip_id,
            created_at=_now(),
            request_hash=key,
            request=request,
            itinerary=data,
            title=trip_title(request, data, lang=batch.language)[:200],
        )
    )
    session.flush()
    return trip_id


def process_batch(batch_id: str, *, token: str, stop: threading.Event | None = None) -> None:
    """Plan every request of a claimed batch that has no outcome yet, in order, recording each."""
    from routing.store import get_router

    settings = get_settings()
    engine = get_engine()
    with session_scope(engine) as session:
        batch = session.get(models.AgencyBatch, batch_id)
        catalog = load_catalog(session)
        ctx = _Context(catalog, data_fingerprint(session, settings))
        ledger = _ledger(session, batch, catalog)
        router = get_router(settings)
        slot = _slot(settings.max_concurrent_plans)
        for item in batch_items(session, batch):
            if item.status != "queued":
                continue
            if stop is not None and stop.is_set():
                # hand the batch back: the next worker (after a restart) resumes it at once
                batch.status, batch.worker = "queued", ""
                session.commit()
                return
            session.refresh(batch, ["worker", "status"])
            if batch.worker != token:  # another process took it over (this one was stalled)
                return
            try:
                request = TripRequest.model_validate(item.request)
                work = BatchItem(item.row, item.product, request, notes=tuple(item.notes or ()))
            except Exception as exc:  # a stored request that no longer validates (its date went by)
                outcome = BatchOutcome(item.product, "failed", f"{item.row}: {exc}".splitlines()[0])
            else:
                with slot:
                    try:
                        outcome = plan_item(
                            work,
                            catalog,
                            router,
                            ledger,
                            cache_dir=settings.cache_dir,
                            time_limit=settings.plan_time_limit,
                        )
                    except Exception as exc:
                        log.exception("batch %s: planning %s failed", batch.id, item.product)
                        outcome = BatchOutcome(item.product, "failed", f"internal error while planning: {exc}")
            if outcome.status == "planned":
                item.trip_id = _save_trip(session, batch, item, outcome, ctx)
                batch.planned += 1
            else:
                batch.failed += 1
            item.status = outcome.status
            item.reason = outcome.reason
            item.finished_at = _now()
            batch.done += 1
            batch.heartbeat_at = _now()
            session.commit()
        batch.status = "done"
        batch.finished_at = _now()
        session.commit()


class BatchWorker:
    """One background thread per process that plans the batches in the database."""

    def __init__(self) -> None:
        self.token = f"{os.getpid()}-{secrets.token_hex(4)}"
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        with self._lock:
            if self.alive and not self._stop.is_set():
                return
            if self._thread is not None:
                self._thread.join()  # a stopping worker finishes its request first
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="jinlv-batches", daemon=True)
            self._thread.start()

    def wake(self) -> None:
        self.start()
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop after the request being planned; its batch goes back to the queue."""
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                with session_scope(get_engine()) as session:
                    batch_id = claim_next(session, self.token)
            except Exception:
                log.exception("batch worker: cannot read the batch queue")
                batch_id = None
            if batch_id is None:
                self._wake.wait(IDLE_POLL_SECONDS)
                continue
            try:
                process_batch(batch_id, token=self.token, stop=self._stop)
            except Exception as exc:
                log.exception("batch %s failed", batch_id)
                try:
                    with session_scope(get_engine()) as session:
                        batch = session.get(models.AgencyBatch, batch_id)
                        if batch is not None:
                            batch.status = "error"
                            batch.error = f"{type(exc).__name__}: {exc}"[:2000]
                            batch.finished_at = _now()
                except Exception:
                    log.exception("batch %s: cannot record the failure", batch_id)


_worker: BatchWorker | None = None
_worker_lock = threading.Lock()


def worker() -> BatchWorker:
    """The process's batch worker (created on first use; started by :meth:`BatchWorker.wake`)."""
    global _worker
    with _worker_lock:
        if _worker is None:
            _worker = BatchWorker()
        return _worker


def unfinished_batches(session: Session) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(models.AgencyBatch)
            .where(models.AgencyBatch.status.in_(("queued", "running")))
        )
        or 0
    )
