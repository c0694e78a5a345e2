"""Files of an agency batch: summary, one itinerary per product, the schedule table, and a ZIP."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from itineraries.batch import BatchOutcome, schedule_rows

SCHEDULE_COLUMNS = ("product", "day", "date", "order", "spot", "spot_en", "arrive", "depart", "km", "overnight_town")


def safe_name(product: str) -> str:
    """A file name for a product (its own characters where safe)."""
    return re.sub(r"[^\w\u4e00-\u9fff.\-]+", "_", product).strip("._") or "product"


def summary_csv(outcomes: list[BatchOutcome]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["product", "status", "reason"])
    for o in outcomes:
        writer.writerow([o.product, o.status, o.reason])
    return buf.getvalue()


def schedule_csv(outcomes: list[BatchOutcome]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=SCHEDULE_COLUMNS)
    writer.writeheader()
    for o in outcomes:
        if o.itinerary is not None:
            writer.writerows(schedule_rows(o.product, o.itinerary))
    return buf.getvalue()


def write_batch_outputs(outcomes: list[BatchOutcome], out_dir: Path) -> Path:
    """Write ``summary.csv``, ``schedule.csv`` and ``<product>.json`` into ``out_dir``; return the summary."""
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = out_dir / "summary.csv"
    summary.write_text(summary_csv(outcomes), encoding="utf-8")
    (out_dir / "schedule.csv").write_text(schedule_csv(outcomes), encoding="utf-8")
    for o in outcomes:
        if o.itinerary is not None:
            (out_dir / f"{safe_name(o.product)}.json").write_text(
                json.dumps(o.itinerary, ensure_ascii=False, indent=2), encoding="utf-8"
            )
    return summary


def batch_zip(outcomes: list[BatchOutcome], *, extra: dict[str, Callable[[dict], str]] | None = None) -> bytes:
    """A ZIP with the summary, the schedule table and, per planned product, its JSON plus any
    ``extra`` renderings (``{suffix: function(itinerary) -> str}``, e.g. GPX and printable HTML)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("summary.csv", summary_csv(outcomes))
        zf.writestr("schedule.csv", schedule_csv(outcomes))
        for o in outcomes:
            if o.itinerary is None:
                continue
            name = safe_name(o.product)
            zf.writestr(f"{name}/{name}.json", json.dumps(o.itinerary, ensure_ascii=False, indent=2))
            for suffix, render in (extra or {}).items():
                zf.writestr(f"{name}/{name}{suffix}", render(o.itinerary))
    return buf.getvalue()
