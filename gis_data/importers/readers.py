"""Read an import file (CSV or GeoJSON) into numbered rows of strings."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

MAX_ROWS = 200_000


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(_cell(v) for v in value)
    return str(value).strip()


def read_rows(data: bytes, *, filename: str) -> list[tuple[str, dict[str, str]]]:
    """Rows of a CSV (header row) or GeoJSON FeatureCollection of points, each with its location.

    The location is ``line N`` for CSV (the header is line 1) and ``feature N`` (0-based) for GeoJSON.
    GeoJSON point coordinates become ``lon``/``lat`` fields.

    Raises
    ------
    ValueError
        If the file is not valid UTF-8 CSV/GeoJSON, is empty, or has too many rows.
    """
    suffix = Path(filename).suffix.lower()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        msg = f"{filename}: not UTF-8 text (byte {exc.start}); save the file as UTF-8"
        raise ValueError(msg) from None
    if suffix in {".geojson", ".json"}:
        rows = _geojson_rows(text, filename=filename)
    elif suffix in {".csv", ".txt"}:
        rows = _csv_rows(text, filename=filename)
    else:
        msg = f"{filename}: unsupported file type {suffix or '(none)'!r}; use .csv or .geojson"
        raise ValueError(msg)
    if not rows:
        msg = f"{filename}: no data rows"
        raise ValueError(msg)
    if len(rows) > MAX_ROWS:
        msg = f"{filename}: {len(rows)} rows, more than the limit of {MAX_ROWS}"
        raise ValueError(msg)
    return rows


def _csv_rows(text: str, *, filename: str) -> list[tuple[str, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        msg = f"{filename}: empty file"
        raise ValueError(msg) from None
    except csv.Error as exc:
        msg = f"{filename}: unreadable CSV header ({exc})"
        raise ValueError(msg) from None
    names = [h.strip().lower() for h in header]
    if not any(names) or len(set(names)) != len(names):
        msg = f"{filename}: the header row must name each column once, got {header!r}"
        raise ValueError(msg)
    rows = []
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(names):
                msg = f"{filename}: line {line} has {len(record)} cells, the header has {len(names)}"
                raise ValueError(msg)
            rows.append((f"line {line}", {n: c.strip() for n, c in zip(names, record, strict=True)}))
    except csv.Error as exc:
        msg = f"{filename}: line {reader.line_num}: unreadable CSV ({exc})"
        raise ValueError(msg) from None
    return rows


def _geojson_rows(text: str, *, filename: str) -> list[tuple[str, dict[str, str]]]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        msg = f"{filename}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        raise ValueError(msg) from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        msg = f"{filename}: expected a GeoJSON FeatureCollection"
        raise ValueError(msg)
    rows = []
    for i, feature in enumerate(doc["features"]):
        where = f"feature {i}"
        if not isinstance(feature, dict):
            msg = f"{filename}: {where} is not a GeoJSON Feature object"
            raise ValueError(msg)
        props = feature.get("properties") or {}
        if not isinstance(props, dict):
            msg = f"{filename}: {where} has properties that are not an object"
            raise ValueError(msg)
        row = {str(k).strip().lower(): _cell(v) for k, v in props.items()}
        geom = feature.get("geometry")
        if geom is not None:
            coords = geom.get("coordinates") if isinstance(geom, dict) else None
            if (
                not isinstance(geom, dict)
                or geom.get("type") != "Point"
                or not isinstance(coords, list)
                or len(coords) < 2
            ):
                row["lon"], row["lat"] = "<not a Point>", "<not a Point>"
            else:
                row["lon"], row["lat"] = _cell(coords[0]), _cell(coords[1])
        rows.append((where, row))
    return rows
