"""Plan, save and load trips.

A planned trip is saved in ``itineraries`` (:class:`gis_data.models.SavedItinerary`) under a random
id, with the request and a hash of the request and of the data it was planned on; an identical
request on unchanged data reuses the saved plan. Problems the tourist can fix are raised as
:class:`TripError` with errors in FastAPI's validation format (``loc`` names the request field),
so the API answers them with 422 and the planner form shows them next to the field.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gis_data import models
from gis_data.gazetteer import Place
from gis_data.settings import Settings
from itineraries.catalog import Catalog, load_catalog
from itineraries.planner import InfeasibleTrip, plan_trip
from itineraries.request import TripRequest
from itineraries.themes import themes

PLAN_WAIT_SECONDS = 30.0
_ID_LENGTH = 12


class TripError(Exception):
    """The request cannot be planned; ``errors`` as in a FastAPI 422 body's ``detail``."""

    def __init__(self, errors: list[dict[str, Any]], *, reasons: list[str] | None = None) -> None:
        self.errors = errors
        self.reasons = reasons or [e["msg"] for e in errors]
        super().__init__("; ".join(self.reasons))


class PlannerBusy(Exception):
    """Every planning slot stayed taken for :data:`PLAN_WAIT_SECONDS`."""


def _error(field: str | None, msg: str, kind: str, value: Any = None, index: int | None = None) -> dict[str, Any]:
    loc: list[Any] = ["body"]
    if field:
        loc.append(field)
    if index is not None:
        loc.append(index)
    out: dict[str, Any] = {"loc": loc, "msg": msg, "type": kind}
    if value is not None:
        out["input"] = value
    return out


@dataclass(frozen=True)
class ResolvedPlaces:
    """The start as the tourist named it, and which field and index named each other place."""

    start: Place
    owners: dict[str, str]  # place id -> "must_see:{i}" / "exclude:{i}"


def check_places(request: TripRequest, catalog: Catalog) -> ResolvedPlaces:
    """Resolve every place the request names, as the planner will.

    Raises
    ------
    TripError
        Naming each unknown, ambiguous or unroutable place by its field (``start``, ``end``,
        ``must_see``, ``exclude``) and index.
    """
    gazetteer = catalog.gazetteer
    errors: list[dict[str, Any]] = []
    owners: dict[str, str] = {}
    start: list[Place] = []

    def resolve(field: str, text: str, index: int | None = None, kinds: tuple[str, ...] | None = None) -> None:
        try:
            place = gazetteer.resolve(text, kinds=kinds)
        except (LookupError, ValueError) as exc:
            errors.append(_error(field, str(exc), "unknown_place", text, index))
            return
        if not place.located:
            msg = f"{place.name_zh} has no coordinates in the data and cannot be routed"
            errors.append(_error(field, msg, "unroutable_place", text, index))
            return
        if index is not None:
            owners.setdefault(place.id, f"{field}:{index}")
        if field == "start":
            start.append(place)

    resolve("start", request.start)
    if request.end is not None and not request.open_end:
        resolve("end", request.end)
    for i, text in enumerate(request.must_see):
        resolve("must_see", text, i, ("spot", "heritage"))
    for i, text in enumerate(request.exclude):
        resolve("exclude", text, i, ("spot", "heritage"))
    if errors:
        raise TripError(errors)
    return ResolvedPlaces(start[0], owners)


_MUST_SEE_ID = re.compile(r"\(([^()\s]+)\)")


def _infeasible_errors(exc: InfeasibleTrip, owners: dict[str, str]) -> list[dict[str, Any]]:
    """Attribute each reason of an infeasible trip to the field the tourist can change."""
    errors = []
    for reason in exc.reasons:
        field, index = None, None
        if reason.startswith("must-see"):
            field = "must_see"
            for pid in _MUST_SEE_ID.findall(reason):
                owner = owners.get(pid, "")
                if owner.startswith("must_see:"):
                    index = int(owner.split(":")[1])
                    break
        elif "beds" in reason:
            field = "group_size"
        errors.append(_error(field, reason, "infeasible_trip", index=index))
    if not errors:
        errors.append(_error(None, str(exc), "infeasible_trip"))
    return errors


def data_fingerprint(session: Session, settings: Settings) -> str:
    """Hash of what a plan depends on besides the request: data files, imports, active network."""
    from routing.store import active_record

    h = hashlib.sha256()
    for name, sha in session.execute(
        select(models.DatasetVersion.name, models.DatasetVersion.sha256).order_by(models.DatasetVersion.name)
    ):
        h.update(f"{name}={sha};".encode())
    for batch_id, status in session.execute(
        select(models.ImportBatch.id, models.ImportBatch.status).order_by(models.ImportBatch.id)
    ):
        h.update(f"batch{batch_id}={status};".encode())
    record = active_record(settings)
    h.update(f"network={record.get('name')}:{record.get('path')}".encode())
    return h.hexdigest()


def request_hash(request: TripRequest, fingerprint: str) -> str:
    return hashlib.sha256(f"{request.digest()}:{fingerprint}".encode()).hexdigest()


_slots_lock = threading.Lock()
_slots: dict[int, threading.BoundedSemaphore] = {}
_key_locks: dict[str, threading.Lock] = {}


def _slot(limit: int) -> threading.BoundedSemaphore:
    with _slots_lock:
        return _slots.setdefault(limit, threading.BoundedSemaphore(limit))


def _key_lock(key: str) -> threading.Lock:
    with _slots_lock:
        if len(_key_locks) > 1000:
            _key_locks.clear()
        return _key_locks.setdefault(key, threading.Lock())


def cached_trip(session: Session, key: str) -> models.SavedItinerary | None:
    """The newest trip saved under ``key`` (request and data hash), if any."""
    return session.scalars(
        select(models.SavedItinerary)
        .where(models.SavedItinerary.request_hash == key)
        .order_by(models.SavedItinerary.created_at.desc())
        .limit(1)
    ).first()


@dataclass(frozen=True)
class PlannedTrip:
    saved: models.SavedItinerary
    reused: bool


def plan_and_save(session: Session, request: TripRequest, *, settings: Settings) -> PlannedTrip:
    """Plan ``request`` (or reuse the identical request's saved plan) and save it.

    Raises
    ------
    TripError
        Unknown places or no feasible trip (errors name the fields).
    PlannerBusy
        If no planning slot freed up in time.
    """
    from routing.store import get_router

    key = request_hash(request, data_fingerprint(session, settings))
    found = cached_trip(session, key)
    if found is not None:
        return PlannedTrip(found, reused=True)
    with _key_lock(key):
        found = cached_trip(session, key)
        if found is not None:
            return PlannedTrip(found, reused=True)
        catalog = load_catalog(session)
        places = check_places(request, catalog)
        slot = _slot(settings.max_concurrent_plans)
        if not slot.acquire(timeout=PLAN_WAIT_SECONDS):
            raise PlannerBusy
        try:
            itinerary = plan_trip(
                request,
                catalog,
                get_router(settings),
                cache_dir=settings.cache_dir,
                time_limit=settings.plan_time_limit,
            )
        except InfeasibleTrip as exc:
            raise TripError(_infeasible_errors(exc, places.owners)) from None
        except (LookupError, ValueError) as exc:
            raise TripError([_error(None, str(exc), "invalid_trip")]) from None
        finally:
            slot.release()
        itinerary.id = _new_id(session)
        data = itinerary.to_json()
        # the place the tourist named (a city resolves to its seat town, which day 1 starts from)
        start = places.start
        data["start_place"] = {"id": start.id, "kind": start.kind, "name_zh": start.name_zh, "name_en": start.name_en}
        saved = models.SavedItinerary(
            id=itinerary.id,
            created_at=datetime.now(UTC),
            request_hash=key,
            request=request.model_dump(mode="json"),
            itinerary=data,
            title=trip_title(request.model_dump(mode="json"), data, lang="zh")[:200],
        )
        session.add(saved)
        session.commit()
        return PlannedTrip(saved, reused=False)


def _new_id(session: Session) -> str:
    while True:
        trip_id = secrets.token_hex(_ID_LENGTH // 2)
        if session.get(models.SavedItinerary, trip_id) is None:
            return trip_id


def get_trip(session: Session, trip_id: str) -> models.SavedItinerary | None:
    """The saved trip ``trip_id`` (None if there is none)."""
    if not trip_id or len(trip_id) > 32:
        return None
    return session.get(models.SavedItinerary, trip_id)


def trip_title(request: dict[str, Any], itinerary: dict[str, Any], *, lang: str = "zh") -> str:
    """``"太原市 · 3 日 · 匠心古建"`` / ``"Taiyuan · 3 days · Master-Crafted Ancient Architecture"``."""
    days = itinerary.get("days") or []
    start = itinerary.get("start_place") or (days[0]["start"] if days else {"name_zh": request.get("start", "")})
    name = (start.get("name_en") if lang == "en" else None) or start.get("name_zh") or request.get("start", "")
    n = request.get("days") or len(days)
    parts = [name, f"{n} day{'s' if n != 1 else ''}" if lang == "en" else f"{n} 日"]
    catalogue = themes()
    names = [
        (catalogue[t].name_en if lang == "en" else catalogue[t].name_zh)
        for t in (request.get("themes") or {})
        if t in catalogue
    ]
    if names:
        parts.append(", ".join(names) if lang == "en" else "、".join(names))
    if itinerary.get("product"):  # an agency's product (batch)
        parts.insert(0, str(itinerary["product"]))
    return " · ".join(parts)


def trip_json(saved: models.SavedItinerary, *, lang: str | None = None) -> dict[str, Any]:
    """The saved itinerary JSON with its id, title and creation time."""
    out = dict(saved.itinerary)
    out["id"] = saved.id
    language = lang or (saved.request or {}).get("language") or "zh"
    out["title"] = trip_title(saved.request or {}, saved.itinerary, lang=language)
    created = created_at(saved)
    out["created_at"] = created.isoformat() if created else None
    return out


def created_at(saved: models.SavedItinerary) -> datetime | None:
    """When ``saved`` was planned, timezone-aware (a database without timezones gives naive UTC)."""
    created = saved.created_at
    if created is not None and created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    return created
