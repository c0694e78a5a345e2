"""Plan many trips at once for travel agencies, sharing the towns' beds between the groups.

A batch is a list of products (a product name and a trip request), read from a CSV file
(:func:`parse_batch_csv`) or from JSON records (:func:`parse_batch_records`); a product may start from
a named boutique line (``preset``). Requests are planned in order. A bed ledger records, per town and
night, the beds taken by the groups already placed; a later group may sleep only where enough beds
are still free, so the planner moves it to other towns, or reports that it could not be placed, on
which night and because earlier groups of the batch booked the towns. No town is ever booked over
its bed count (real or estimated).
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError

from itineraries.catalog import Catalog
from itineraries.planner import InfeasibleTrip, plan_trip
from itineraries.request import THEME_IDS, TripRequest
from itineraries.themes import Preset, place_name, presets
from routing.backends import RoutingBackend

BATCH_COLUMNS = ("product", "theme", "start", "date", "days", "group_size")
OPTIONAL_COLUMNS = ("end", "must_see", "pace", "max_drive_hours", "day_start", "day_end", "preset")
MAX_BATCH = 200
PRODUCT_RULE = "1-80 letters, digits, spaces, '.', '-', '_', '(' or ')', not starting with a space or punctuation"
_PRODUCT = re.compile(r"^[\w\u4e00-\u9fff][\w\u4e00-\u9fff .()\-]{0,79}$")
Routable = Callable[[str], bool]


@dataclass(frozen=True)
class BatchItem:
    """One product of a batch: its name and trip request, or why the row is invalid.

    ``row`` says where it came from (``"line 3"`` of a CSV file, ``"item 2"`` of a JSON list);
    ``field`` and ``value`` name what is wrong; ``notes`` say what was adjusted (must-see places of
    a preset that have no coordinates and were left out).
    """

    row: str
    product: str
    request: TripRequest | None
    error: str = ""
    field: str = ""
    value: Any = None
    notes: tuple[str, ...] = ()
    index: int = 0


@dataclass
class BatchOutcome:
    product: str
    status: str  # "planned" or "failed"
    reason: str = ""
    itinerary: dict[str, Any] | None = None
    notes: tuple[str, ...] = ()


@dataclass
class BedLedger:
    """Beds per town, and the beds taken per town and night by the groups already placed."""

    beds: dict[str, int]
    taken: dict[tuple[str, date], int] = field(default_factory=lambda: defaultdict(int))
    guests: dict[tuple[str, date], list[tuple[str, int]]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def of(cls, catalog: Catalog) -> BedLedger:
        """An empty ledger of the catalogue's lodging places."""
        return cls({lp.id: lp.beds for lp in catalog.lodging})

    def beds_left(self, town: str, night: date) -> int:
        return self.beds.get(town, 0) - self.taken[(town, night)]

    def nights(self, itinerary: Mapping[str, Any]) -> list[tuple[str, date]]:
        """The (town id, night) pairs an itinerary sleeps in."""
        return [
            (day["overnight"]["place_id"], date.fromisoformat(day["date"]))
            for day in itinerary["days"]
            if day.get("overnight") is not None
        ]

    def book(self, itinerary: Mapping[str, Any], group_size: int, *, product: str = "") -> None:
        """Take ``group_size`` beds in every town the itinerary sleeps in.

        Raises
        ------
        ValueError
            If a town has fewer free beds that night (nothing is booked then).
        """
        nights = self.nights(itinerary)
        for town, night in nights:
            if self.beds_left(town, night) < group_size:
                msg = (
                    f"booking {group_size} beds in {town} on {night} would overfill it "
                    f"({self.beds_left(town, night)} of {self.beds.get(town, 0)} left)"
                )
                raise ValueError(msg)
        for key in nights:
            self.taken[key] += group_size
            self.guests[key].append((product, group_size))


# -- reading --------------------------------------------------------------------------------------


def _check_product(product: Any, seen: dict[str, str], where: str) -> str | None:
    """Why ``product`` is not a valid, new product name (None if it is)."""
    if not isinstance(product, str) or not _PRODUCT.match(product.strip()):
        return f"product: {product!r} must be {PRODUCT_RULE}"
    if product.strip() in seen:
        return f"product: {product.strip()!r} is used twice ({seen[product.strip()]} and {where})"
    return None


def _first_error(exc: ValidationError, aliases: Mapping[str, str]) -> tuple[str, str, Any]:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"] if not isinstance(p, int)) or "request"
    where = aliases.get(where, where)
    return where, err["msg"].removeprefix("Value error, "), err.get("input")


def _preset_fields(preset_id: str, routable: Routable | None) -> tuple[dict[str, Any], tuple[str, ...]]:
    preset: Preset | None = presets().get(preset_id)
    if preset is None:
        msg = f"unknown preset {preset_id!r}: expected one of {', '.join(presets())}"
        raise LookupError(msg)
    fields, dropped = preset.trip_fields(routable=routable)
    notes = tuple(
        f"must-see {place_name(pid)} ({pid}) of preset {preset_id} left out: it has no coordinates in the data"
        for pid in dropped
    )
    return fields, notes


def _item(
    where: str,
    index: int,
    product: str,
    fields: dict[str, Any],
    *,
    preset_id: str,
    routable: Routable | None,
    aliases: Mapping[str, str],
) -> BatchItem:
    notes: tuple[str, ...] = ()
    if preset_id:
        try:
            base, notes = _preset_fields(preset_id, routable)
        except LookupError as exc:
            return BatchItem(where, product, None, f"preset: {exc.args[0]}", "preset", preset_id, index=index)
        fields = base | {k: v for k, v in fields.items() if v not in (None, "", [], ())}
    try:
        request = TripRequest(**fields)
    except ValidationError as exc:
        name, msg, value = _first_error(exc, aliases)
        return BatchItem(where, product, None, f"{name}: {msg} (got {value!r})", name, value, index=index)
    except TypeError as exc:
        return BatchItem(where, product, None, f"request: {exc}", "request", None, index=index)
    return BatchItem(where, product, request, notes=notes, index=index)


_CSV_ALIASES = {"start_date": "date", "themes": "theme"}


def _csv_fields(row: dict[str, str]) -> dict[str, Any]:
    theme = row.get("theme", "").strip()
    fields: dict[str, Any] = {
        "start": row.get("start", "").strip() or None,
        "start_date": row.get("date", "").strip() or None,
        "days": row.get("days", "").strip() or None,
        "group_size": row.get("group_size", "").strip() or None,
        "themes": [theme] if theme else None,
    }
    for name in ("end", "pace", "max_drive_hours", "day_start", "day_end"):
        if row.get(name, "").strip():
            fields[name] = row[name].strip()
    if row.get("must_see", "").strip():
        fields["must_see"] = tuple(p.strip() for p in re.split(r"[;|]", row["must_see"]) if p.strip())
    return {k: v for k, v in fields.items() if v is not None}


def parse_batch_csv(
    data: bytes, *, filename: str = "batch.csv", routable: Routable | None = None, language: str | None = None
) -> list[BatchItem]:
    """Rows of a batch CSV (columns ``product, theme, start, date, days, group_size``; optional
    ``end, must_see`` (``;``-separated), ``pace, max_drive_hours, day_start, day_end`` and ``preset``,
    whose line fills the empty cells). ``language`` is the requests' language (names in titles and
    exports). Invalid rows are kept with their error.

    Raises
    ------
    ValueError
        If the file is not UTF-8 CSV, lacks a required column, is empty or has more than
        :data:`MAX_BATCH` rows.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        msg = f"{filename}: not a UTF-8 text (CSV) file"
        raise ValueError(msg) from None
    if "\x00" in text:
        msg = f"{filename}: not a text (CSV) file"
        raise ValueError(msg)
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        msg = f"{filename}: not a valid CSV file ({exc})"
        raise ValueError(msg) from None
    if not header:
        msg = f"{filename}: empty file; expected a header row {', '.join(BATCH_COLUMNS)}"
        raise ValueError(msg)
    missing = [c for c in BATCH_COLUMNS if c not in header]
    if missing:
        msg = f"{filename}: missing column(s) {', '.join(missing)}; expected {', '.join(BATCH_COLUMNS)}"
        raise ValueError(msg)
    unknown = [h for h in header if h not in BATCH_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        msg = f"{filename}: unknown column(s) {', '.join(unknown)}; optional columns are {', '.join(OPTIONAL_COLUMNS)}"
        raise ValueError(msg)
    reader.fieldnames = header
    items: list[BatchItem] = []
    seen: dict[str, str] = {}
    try:
        for record in reader:
            row = {k: (v or "") for k, v in record.items() if k is not None}
            if not any(v.strip() for v in row.values()):
                continue
            if len(items) >= MAX_BATCH:
                msg = f"{filename}: more than {MAX_BATCH} requests, the limit of one batch"
                raise ValueError(msg)
            where = f"line {reader.line_num}"
            items.append(_csv_row(row, where, len(items), seen, routable, language))
    except csv.Error as exc:
        msg = f"{filename}: not a valid CSV file ({exc})"
        raise ValueError(msg) from None
    if not items:
        msg = f"{filename}: no data rows"
        raise ValueError(msg)
    return items


def _csv_row(
    row: dict[str, str],
    where: str,
    index: int,
    seen: dict[str, str],
    routable: Routable | None,
    language: str | None = None,
) -> BatchItem:
    product = row.get("product", "").strip()
    error = _check_product(product, seen, where)
    if error:
        return BatchItem(where, product, None, error, "product", product, index=index)
    seen[product] = where
    theme = row.get("theme", "").strip()
    if theme and theme not in THEME_IDS:
        msg = f"theme: unknown theme {theme!r}; expected one of {', '.join(THEME_IDS)}"
        return BatchItem(where, product, None, msg, "theme", theme, index=index)
    preset_id = row.get("preset", "").strip()
    fields = _csv_fields(row) | ({"language": language} if language else {})
    return _item(where, index, product, fields, preset_id=preset_id, routable=routable, aliases=_CSV_ALIASES)


def parse_batch_records(
    records: Any, *, routable: Routable | None = None, language: str | None = None, source: str = "body"
) -> list[BatchItem]:
    """Products of a JSON batch: a list of objects with ``product`` and trip-request fields
    (``start``, ``start_date``, ``days``, ``themes``, ``group_size``, ``must_see``, ...; optional
    ``preset`` fills the fields not given; ``language``, if given, is the default of the requests'
    ``language``). Invalid items are kept with their error.

    Raises
    ------
    ValueError
        If ``records`` is not a non-empty list of at most :data:`MAX_BATCH` items.
    """
    if not isinstance(records, list):
        msg = f"{source}: expected a JSON list of requests, got {type(records).__name__}"
        raise ValueError(msg)
    if not records:
        msg = f"{source}: the list of requests is empty"
        raise ValueError(msg)
    if len(records) > MAX_BATCH:
        msg = f"{source}: {len(records)} requests, more than the limit of {MAX_BATCH} in one batch"
        raise ValueError(msg)
    items: list[BatchItem] = []
    seen: dict[str, str] = {}
    for index, record in enumerate(records):
        where = f"item {index}"
        if not isinstance(record, dict):
            msg = f"request: expected an object, got {type(record).__name__}"
            items.append(BatchItem(where, "", None, msg, "request", None, index=index))
            continue
        product = record.get("product")
        error = _check_product(product, seen, where)
        if error:
            items.append(BatchItem(where, str(product or ""), None, error, "product", product, index=index))
            continue
        product = product.strip()
        seen[product] = where
        fields = {k: v for k, v in record.items() if k not in ("product", "preset") and v is not None}
        if language:
            fields.setdefault("language", language)
        preset_id = record.get("preset") or ""
        if not isinstance(preset_id, str):
            msg = f"preset: expected a preset id, got {preset_id!r}"
            items.append(BatchItem(where, product, None, msg, "preset", preset_id, index=index))
            continue
        items.append(_item(where, index, product, fields, preset_id=preset_id, routable=routable, aliases={}))
    return items


# -- planning -------------------------------------------------------------------------------------


def bed_reason(request: TripRequest, itinerary: Mapping[str, Any], ledger: BedLedger) -> str:
    """Why a group cannot follow ``itinerary`` (planned without the other groups): the nights
    whose town is booked by earlier groups of the batch."""
    nights = []
    for day in itinerary["days"]:
        night = day.get("overnight")
        if night is None:
            continue
        when = date.fromisoformat(day["date"])
        left = ledger.beds_left(night["place_id"], when)
        if left >= request.group_size:
            continue
        groups = ledger.guests[(night["place_id"], when)]
        names = ", ".join(p or "?" for p, _ in groups[:5]) + (", …" if len(groups) > 5 else "")
        nights.append(
            f"night {day['index']} ({when.isoformat()}): {night['name_zh']} has {max(left, 0)} of "
            f"{night['beds']:,} beds left, booked by earlier groups of this batch ({names})"
        )
    if not nights:
        return (
            f"no trip found with the beds the earlier groups of this batch left free (group of "
            f"{request.group_size}), although one exists without them"
        )
    return (
        f"no town within reach has {request.group_size} free beds on every night: {'; '.join(nights)}; "
        "every other town within the day's driving is full or too far"
    )


def plan_item(
    item: BatchItem,
    catalog: Catalog,
    router: RoutingBackend,
    ledger: BedLedger,
    *,
    cache_dir: Any = None,
    seed: int = 0,
    time_limit: float = 0.8,
) -> BatchOutcome:
    """Plan one product with the beds the ledger has left, and book them if it is placed."""
    if item.request is None:
        return BatchOutcome(item.product, "failed", f"{item.row}: {item.error}", notes=item.notes)
    request = item.request
    options = {"cache_dir": cache_dir, "seed": seed, "time_limit": time_limit}
    try:
        itinerary = plan_trip(request, catalog, router, beds_left=ledger.beds_left, **options).to_json()
    except InfeasibleTrip as exc:
        reason = "; ".join(exc.reasons)
        try:
            alone = plan_trip(request, catalog, router, **options).to_json()
        except (InfeasibleTrip, LookupError, ValueError):
            pass
        else:
            reason = bed_reason(request, alone, ledger)
        return BatchOutcome(item.product, "failed", reason, notes=item.notes)
    except (LookupError, ValueError) as exc:
        return BatchOutcome(item.product, "failed", str(exc), notes=item.notes)
    try:
        ledger.book(itinerary, request.group_size, product=item.product)
    except ValueError as exc:  # the planner never overbooks; refuse rather than record it if it did
        return BatchOutcome(item.product, "failed", f"internal error: {exc}", notes=item.notes)
    itinerary["product"] = item.product
    return BatchOutcome(item.product, "planned", "", itinerary, notes=item.notes)


def run_batch(
    items: list[BatchItem],
    catalog: Catalog,
    router: RoutingBackend,
    *,
    cache_dir: Any = None,
    seed: int = 0,
    time_limit: float = 0.8,
    ledger: BedLedger | None = None,
    progress: Callable[[int, int, BatchOutcome], None] | None = None,
) -> list[BatchOutcome]:
    """Plan every valid item in order, sharing beds; one outcome per item (failed ones say why)."""
    ledger = ledger or BedLedger.of(catalog)
    outcomes: list[BatchOutcome] = []
    for k, item in enumerate(items):
        outcome = plan_item(item, catalog, router, ledger, cache_dir=cache_dir, seed=seed, time_limit=time_limit)
        outcomes.append(outcome)
        if progress is not None:
            progress(k + 1, len(items), outcome)
    return outcomes


def schedule_rows(product: str, itinerary: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The agency table: one row per visit (product, day, date, order, spot, arrive, depart, km of the
    drive to it, overnight town; names in Chinese and English); a day without visits has one row with
    order 0 and the day's km."""
    rows = []
    for day in itinerary["days"]:
        night = day.get("overnight") or {}
        km_to = {leg["to_id"]: leg["km"] for leg in day["legs"]}
        visits = day["stops"] or [None]
        for order, stop in enumerate(visits, start=1):
            rows.append(
                {
                    "product": product,
                    "day": day["index"],
                    "date": day["date"],
                    "order": order if stop else 0,
                    "spot": stop["name_zh"] if stop else "",
                    "spot_en": (stop.get("name_en") or "") if stop else "",
                    "arrive": stop["arrive"] if stop else "",
                    "depart": stop["depart"] if stop else "",
                    "km": km_to.get(stop["place_id"], "") if stop else day["drive_km"],
                    "overnight_town": night.get("name_zh", ""),
                    "overnight_town_en": night.get("name_en", ""),
                }
            )
    return rows
