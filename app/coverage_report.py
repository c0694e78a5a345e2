"""Render a coverage audit (the dict of :meth:`routing.coverage.CoverageResult.to_json`) as HTML or CSV.

HTML: :func:`render_coverage_html` renders ``templates/coverage/report.html``, a self-contained
page around the partial ``templates/coverage/_body.html``. The web page ``/bureau/coverage`` can
include the partial in its own layout with the same context (``report``, ``map_html``) or call
this function; ``map_html`` (e.g. the ``_repr_html_()`` of a Folium map of
``CoverageResult.to_geojson()``) is inserted as is, above the tables.

CSV (:func:`coverage_csv`): one table, one row per record, the kind of record in the first column
``record``:

=====================  ====================================================================
``record``             filled columns
=====================  ====================================================================
``inventory``          ``item_id`` (inventory source), ``note`` (SYNTHETIC notice or "")
``road``               ``road_id``, ``name``, ``length_km``, ``covered_km``, ``coverage_pct``,
                       ``signs_matched``, ``multilingual_share``, ``km`` (official km)
``county``             ``road_id``, ``item_id`` (adcode), ``name`` (city county),
                       ``length_km``, ``covered_km``, ``coverage_pct``
``gap``                ``road_id``, ``start_km``, ``end_km``, ``km``, ``lat``/``lon`` (midpoint),
                       ``nearest_town``, ``distance_km`` (to that town), ``map_link``
``spot_without_sign``  ``road_id``, ``item_id`` (spot id), ``name``, ``grade``, ``km``
                       (junction km), ``lat``/``lon`` (junction), ``distance_km`` (spot to
                       road), ``map_link``, ``note`` (junction method)
``unmatched_sign``     ``item_id`` (sign id), ``name`` (kind), ``lat``/``lon``, ``road_id``
                       (nearest road), ``distance_km`` (to it), ``note`` (reason)
=====================  ====================================================================
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

TEMPLATES = Path(__file__).resolve().parent / "templates"
CSV_COLUMNS = (
    "record",
    "road_id",
    "item_id",
    "name",
    "grade",
    "start_km",
    "end_km",
    "km",
    "length_km",
    "covered_km",
    "coverage_pct",
    "signs_matched",
    "multilingual_share",
    "lat",
    "lon",
    "distance_km",
    "nearest_town",
    "map_link",
    "note",
)


@cache
def template_env() -> Environment:
    """The Jinja2 environment of ``app/templates`` (autoescaped)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    env.filters["num"] = _num
    env.filters["pct"] = lambda x: "–" if x is None else f"{x:.1f} %"
    # English by default; the web pages pass their own translator as ``_`` / ``_n`` in the context.
    env.globals["_"] = _english
    env.globals["_n"] = lambda singular, plural, n, **values: _english(singular if n == 1 else plural, n=n, **values)
    return env


def _english(text: str, **values: Any) -> str:
    return text.format(**values) if values else text


def _num(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def render_coverage_html(report: dict[str, Any], *, map_html: str | None = None, title: str | None = None) -> str:
    """A self-contained HTML page of the audit.

    Parameters
    ----------
    report
        ``CoverageResult.to_json()``.
    map_html
        Optional HTML of a map (e.g. Folium) put above the tables, unescaped.
    title
        Page title (default names the roads).
    """
    roads = ", ".join(r["name"] for r in report["roads"])
    return (
        template_env()
        .get_template("coverage/report.html")
        .render(
            report=report,
            map_html=map_html,
            title=title or f"Road-signage coverage audit — {roads}",
            generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        )
    )


def coverage_csv(report: dict[str, Any]) -> str:
    """The audit as one CSV table (layout in the module docstring)."""
    rows: list[dict[str, Any]] = [
        {"record": "inventory", "item_id": report["inventory"]["source"], "note": report.get("notice") or ""}
    ]
    for road in report["roads"]:
        rid = road["road_id"]
        rows.append(
            {
                "record": "road",
                "road_id": rid,
                "name": road["name"],
                "km": road.get("official_km"),
                "length_km": road["length_km"],
                "covered_km": road["covered_km"],
                "coverage_pct": road["coverage_pct"],
                "signs_matched": road["signs_matched"],
                "multilingual_share": road["multilingual_share"],
            }
        )
        rows.extend(
            {
                "record": "county",
                "road_id": rid,
                "item_id": c["adcode"] or "",
                "name": f"{c['city']} {c['county']}".strip(),
                "length_km": c["length_km"],
                "covered_km": c["covered_km"],
                "coverage_pct": c["coverage_pct"],
            }
            for c in road["counties"]
        )
        rows.extend(
            {
                "record": "gap",
                "road_id": rid,
                "start_km": g["start_km"],
                "end_km": g["end_km"],
                "km": g["km"],
                "lat": g["mid_lat"],
                "lon": g["mid_lon"],
                "nearest_town": g["nearest_town"] or "",
                "distance_km": g["nearest_town_km"],
                "map_link": g["map_link"],
            }
            for g in road["gaps"]
        )
    rows.extend(
        {
            "record": "spot_without_sign",
            "road_id": s["road_id"],
            "item_id": s["spot_id"],
            "name": s["name"],
            "grade": s["grade"],
            "km": s["junction_km"],
            "lat": s["junction_lat"],
            "lon": s["junction_lon"],
            "distance_km": s["distance_to_road_km"],
            "map_link": s["map_link"],
            "note": s["junction_method"],
        }
        for s in report["spots_without_approach_sign"]
    )
    rows.extend(
        {
            "record": "unmatched_sign",
            "road_id": u["nearest_road"] or "",
            "item_id": u["id"],
            "name": u["kind"],
            "lat": u["lat"],
            "lon": u["lon"],
            "distance_km": None if u["distance_m"] is None else round(u["distance_m"] / 1000.0, 3),
            "note": u["reason"],
        }
        for u in report["unmatched_signs"]
    )
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=list(CSV_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row.get(k) is None else row.get(k, "") for k in CSV_COLUMNS})
    return buf.getvalue()
