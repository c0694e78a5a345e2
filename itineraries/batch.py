"""Plan many trips at once for travel agencies, sharing the towns' beds between the groups.

Requests are planned in file order. A bed ledger records, per town and night, the beds taken by
the groups already placed; a later group may sleep only where enough beds are still free, so the
planner moves it to other towns, or reports that it could not be placed and why. No town is ever
booked over its bed count (real or estimated).
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError

from itineraries.catalog import Catalog
from itineraries.planner import InfeasibleTrip, plan_trip
from itineraries.request import THEME_IDS, TripRequest
from routing.backends import RoutingBackend

BATCH_COLUMNS = ("product", "theme", "start", "date", "days", "group_size")
OPTIONAL_COLUMNS = ("end", "must_see", "pace", "max_drive_hours")
MAX_BATCH = 200
_PRODUCT = re.compile(r"^[\w\u4e00-\u9fff][\w\u4e00-\u9fff .()\-]{0,79}$")


@dataclass(frozen=True)
class BatchItem:
    """One row of a batch: a product name and its trip request, or why the row is invalid."""

    row: str
    product: str
    request: TripRequest | None
    error: str = ""


@dataclass
class BatchOutcome:
    product: str
    status: str  # "planned" or "failed"
    reason: str = ""
    itinerary: dict[str, Any] | None = None


@dataclass
class BedLedger:
    """Beds per town, and the beds taken per town and night by groups already placed."""

    beds: dict[str, int]
    taken: dict[tuple[str, date], int] = field(default_factory=lambda: defaultdict(int))

    def beds_left(self, town: str, night: date) -> int:
        return self.beds.get(town, 0) - self.taken[(town, night)]

    def book(self, itinerary: dict[str, Any], group_size: int) -> None:
        for day in itinerary["days"]:
            if day["overnight"] is not None:
                key = (day["overnight"]["place_id"], date.fromisoformat(day["date"]))
                if self.taken[key] + group_size > self.beds.get(key[0], 0):
                    msg = f"booking {group_size} beds in {key[0]} on {key[1]} would overfill it"
                    raise ValueError(msg)
                self.taken[key] += group_size


def _request_from_row(row: dict[str, str]) -> TripRequest:
    theme = row.get("theme", "").strip()
    fields: dict[str, Any] = {
        "start": row.get("start", "").strip(),
        "start_date": row.get("date", "").strip() or None,
        "days": row.get("days", "").strip() or None,
        "group_size": row.get("group_size", "").strip() or None,
        "themes": [theme] if theme else [],
    }
    if row.get("end", "").strip():
        fields["end"] = row["end"].strip()
    if row.get("must_see", "").strip():
        fields["must_see"] = tuple(p.strip() for p in re.split(r"[;|]", row["must_see"]) if p.strip())
    if row.get("pace", "").strip():
        fields["pace"] = row["pace"].strip()
    if row.get("max_drive_hours", "").strip():
        fields["max_drive_hours"] = row["max_drive_hours"].strip()
    return TripRequest(**{k: v for k, v in fields.items() if v is not None})


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "request"
    where = {"start_date": "date"}.get(where, where)
    where = "theme" if where.startswith("themes") else where
    return f"{where}: {err['msg']} (got {err.get('input')!r})"


def parse_batch_csv(data: bytes, *, filename: str = "batch.csv") -> list[BatchItem]:
    """Rows of a batch CSV (columns ``product, theme, start, date, days, group_size``; optional
    ``end, must_see, pace, max_drive_hours``). Invalid rows are kept with their error.

    Raises
    ------
    ValueError
        If the file is not UTF-8 CSV, lacks a required column, is empty or too long.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        msg = f"{filename}: not UTF-8 text"
        raise ValueError(msg) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in BATCH_COLUMNS if c not in header]
    if missing:
        msg = f"{filename}: missing column(s) {', '.join(missing)}; expected {', '.join(BATCH_COLUMNS)}"
        raise ValueError(msg)
    reader.fieldnames = header
    items: list[BatchItem] = []
    seen: dict[str, str] = {}
    for record in reader:
        row = {k: (v or "") for k, v in record.items() if k is not None}
        where = f"line {reader.line_num}"
        product = row.get("product", "").strip()
        if not any(v.strip() for v in row.values()):
            continue
        if not _PRODUCT.match(product):
            items.append(
                BatchItem(
                    where,
                    product,
                    None,
                    f"product: {product!r} must be 1-80 letters, digits, spaces, '.', '-', '(' or ')'",
                )
            )
            continue
        if product in seen:
            items.append(BatchItem(where, product, None, f"product: {product!r} already used on {seen[product]}"))
            continue
        seen[product] = where
        theme = row.get("theme", "").strip()
        if theme and theme not in THEME_IDS:
            items.append(
                BatchItem(
                    where, product, None, f"theme: unknown theme {theme!r}; expected one of {', '.join(THEME_IDS)}"
                )
            )
            continue
        try:
            items.append(BatchItem(where, product, _request_from_row(row)))
        except ValidationError as exc:
            items.append(BatchItem(where, product, None, _first_error(exc)))
    if not items:
        msg = f"{filename}: no data rows"
        raise ValueError(msg)
    if len(items) > MAX_BATCH:
        msg = f"{filename}: {len(items)} requests, more than the limit of {MAX_BATCH}"
        raise ValueError(msg)
    return items


def run_batch(
    items: list[BatchItem],
    catalog: Catalog,
    router: RoutingBackend,
    *,
    cache_dir: Any = None,
    seed: int = 0,
    time_limit: float = 0.8,
    progress: Callable[[int, int, BatchOutcome], None] | None = None,
) -> list[BatchOutcome]:
    """Plan every valid item in order, sharing beds; one outcome per item (failed ones say why)."""
    ledger = BedLedger({lp.id: lp.beds for lp in catalog.lodging})
    outcomes: list[BatchOutcome] = []
    for k, item in enumerate(items):
        if item.request is None:
            outcome = BatchOutcome(item.product, "failed", f"{item.row}: {item.error}")
        else:
            outcome = _plan_one(item, catalog, router, ledger, cache_dir=cache_dir, seed=seed, time_limit=time_limit)
        outcomes.append(outcome)
        if progress is not None:
            progress(k + 1, len(items), outcome)
    return outcomes


def _plan_one(
    item: BatchItem, catalog: Catalog, router: RoutingBackend, ledger: BedLedger, **kwargs: Any
) -> BatchOutcome:
    request = item.request
    try:
        itinerary = plan_trip(request, catalog, router, beds_left=ledger.beds_left, **kwargs).to_json()
    except InfeasibleTrip as exc:
        reason = "; ".join(exc.reasons)
        try:
            plan_trip(request, catalog, router, **kwargs)
        except (InfeasibleTrip, LookupError, ValueError):
            pass
        else:
            reason = (
                "the towns within reach are fully booked on some night by earlier groups of this batch "
                f"(group of {request.group_size}); " + reason
            )
        return BatchOutcome(item.product, "failed", reason)
    except (LookupError, ValueError) as exc:
        return BatchOutcome(item.product, "failed", str(exc))
    ledger.book(itinerary, request.group_size)
    itinerary["product"] = item.product
    return BatchOutcome(item.product, "planned", "", itinerary)


def schedule_rows(product: str, itinerary: dict[str, Any]) -> list[dict[str, Any]]:
    """The agency table: one row per visit (product, day, order, spot, arrive, depart, km, overnight town)."""
    rows = []
    for day in itinerary["days"]:
        overnight = day["overnight"]["name_zh"] if day["overnight"] else ""
        km_to = {leg["to_id"]: leg["km"] for leg in day["legs"]}
        for order, stop in enumerate(day["stops"], start=1):
            rows.append(
                {
                    "product": product,
                    "day": day["index"],
                    "date": day["date"],
                    "order": order,
                    "spot": stop["name_zh"],
                    "spot_en": stop["name_en"],
                    "arrive": stop["arrive"],
                    "depart": stop["depart"],
                    "km": km_to.get(stop["place_id"], ""),
                    "overnight_town": overnight,
                }
            )
        if not day["stops"]:
            rows.append(
                {
                    "product": product,
                    "day": day["index"],
                    "date": day["date"],
                    "order": 0,
                    "spot": "",
                    "spot_en": "",
                    "arrive": "",
                    "depart": "",
                    "km": day["drive_km"],
                    "overnight_town": overnight,
                }
            )
    return rows
