"""Files of an agency batch: the summary, one itinerary per product, the schedule table (CSV and
XLSX), and a ZIP of them all with each product's GPX and printable day sheet."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from itineraries.batch import BatchOutcome, schedule_rows

SUMMARY_COLUMNS = ("product", "status", "reason")
SCHEDULE_COLUMNS = (
    "product",
    "day",
    "date",
    "order",
    "spot",
    "spot_en",
    "arrive",
    "depart",
    "km",
    "overnight_town",
    "overnight_town_en",
)
Render = Callable[[Mapping[str, Any]], str]


def safe_name(product: str) -> str:
    """A file name for a product (its own characters where safe)."""
    return re.sub(r"[^\w\u4e00-\u9fff.\-]+", "_", product).strip("._") or "product"


def unique_names(outcomes: list[BatchOutcome]) -> dict[str, str]:
    """A distinct file name per product (products that differ only in unsafe characters get ``-2``...)."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for o in outcomes:
        base = name = safe_name(o.product)
        k = 1
        while name.lower() in used:
            k += 1
            name = f"{base}-{k}"
        used.add(name.lower())
        names[o.product] = name
    return names


def _reason(o: BatchOutcome) -> str:
    return o.reason if o.status != "planned" else "; ".join(o.notes)


def summary_csv(outcomes: list[BatchOutcome]) -> str:
    """``product, status, reason`` per product (a planned product's notes in ``reason``)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(SUMMARY_COLUMNS)
    for o in outcomes:
        writer.writerow([o.product, o.status, _reason(o)])
    return buf.getvalue()


def _schedule(outcomes: list[BatchOutcome]) -> list[dict[str, Any]]:
    return [row for o in outcomes if o.itinerary is not None for row in schedule_rows(o.product, o.itinerary)]


def schedule_csv(outcomes: list[BatchOutcome]) -> str:
    """The schedule table (:func:`itineraries.batch.schedule_rows`) of every planned product, as CSV."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=SCHEDULE_COLUMNS)
    writer.writeheader()
    writer.writerows(_schedule(outcomes))
    return buf.getvalue()


def schedule_xlsx(outcomes: list[BatchOutcome]) -> bytes:
    """The schedule table as an Excel workbook: sheet ``schedule`` (one row per visit, numbers as
    numbers, header frozen and filtered) and sheet ``summary`` (product, status, reason)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "schedule"
    sheet.append(list(SCHEDULE_COLUMNS))
    for row in _schedule(outcomes):
        sheet.append([row[c] for c in SCHEDULE_COLUMNS])
    summary = book.create_sheet("summary")
    summary.append(list(SUMMARY_COLUMNS))
    for o in outcomes:
        summary.append([o.product, o.status, _reason(o)])
    widths = {"product": 18, "date": 11, "spot": 24, "spot_en": 30, "overnight_town": 12, "overnight_town_en": 16}
    for ws, columns in ((sheet, SCHEDULE_COLUMNS), (summary, SUMMARY_COLUMNS)):
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
        for k, name in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(k)].width = widths.get(name, 80 if name == "reason" else 9)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def write_batch_outputs(outcomes: list[BatchOutcome], out_dir: Path) -> Path:
    """Write ``summary.csv``, ``schedule.csv``, ``schedule.xlsx`` and ``<product>.json`` into
    ``out_dir``; return the summary's path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = out_dir / "summary.csv"
    summary.write_text(summary_csv(outcomes), encoding="utf-8")
    (out_dir / "schedule.csv").write_text(schedule_csv(outcomes), encoding="utf-8")
    (out_dir / "schedule.xlsx").write_bytes(schedule_xlsx(outcomes))
    names = unique_names(outcomes)
    for o in outcomes:
        if o.itinerary is not None:
            (out_dir / f"{names[o.product]}.json").write_text(
                json.dumps(o.itinerary, ensure_ascii=False, indent=2), encoding="utf-8"
            )
    return summary


def batch_zip(outcomes: list[BatchOutcome], *, extra: Mapping[str, Render] | None = None) -> bytes:
    """A ZIP with ``summary.csv``, ``schedule.csv``, ``schedule.xlsx`` and, per planned product,
    ``<product>/<product>.json`` plus any ``extra`` renderings (``{suffix: function(itinerary) -> str}``,
    e.g. ``.gpx`` and ``.html``)."""
    buf = io.BytesIO()
    names = unique_names(outcomes)
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("summary.csv", summary_csv(outcomes))
        zf.writestr("schedule.csv", schedule_csv(outcomes))
        zf.writestr("schedule.xlsx", schedule_xlsx(outcomes))
        for o in outcomes:
            if o.itinerary is None:
                continue
            name = names[o.product]
            zf.writestr(f"{name}/{name}.json", json.dumps(o.itinerary, ensure_ascii=False, indent=2))
            for suffix, render in (extra or {}).items():
                zf.writestr(f"{name}/{name}{suffix}", render(o.itinerary))
    return buf.getvalue()
