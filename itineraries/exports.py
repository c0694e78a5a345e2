"""Exports of a planned trip: GPX 1.1, KML 2.2, iCalendar (RFC 5545) and GeoJSON.

Every function takes the itinerary JSON (:meth:`itineraries.itinerary.Itinerary.to_json`, as saved
with its ``id``) and returns text (GeoJSON: a dict). Place names are Chinese, or English where
``lang="en"`` and the place has an English name. Times in the itinerary are local times in
China (Asia/Shanghai, UTC+8 all year); the GPX carries them in UTC, the calendar with ``TZID`` and
a ``VTIMEZONE``.

:func:`timeline` gives the clock times of every drive and visit, the schedule the exports share.
"""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

CHINA_TZ = ZoneInfo("Asia/Shanghai")
GPX_NS = "http://www.topografix.com/GPX/1/1"
KML_NS = "http://www.opengis.net/kml/2.2"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
OSM_CREDIT = "© OpenStreetMap contributors (ODbL)"
CREATOR = "jinlv 晋旅"
# One colour per day (maps, KML, legend); day 15+ would wrap, but trips are at most 14 days.
DAY_COLOURS = (
    "#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#00a3a3", "#f032e6",
    "#9a6324", "#808000", "#000075", "#e6a100", "#469990", "#800000", "#5c5c5c",
)  # fmt: skip

_TEXT = {
    "zh": {
        "day": "第{n}天",
        "visit": "游览",
        "drive": "驾车",
        "arrive": "到达",
        "depart": "离开",
        "visit_time": "游览 {m} 分钟",
        "ticket": "门票 ¥{t:g}",
        "ticket_unknown": "门票未知",
        "overnight": "住宿",
        "beds": "床位 {b:,}",
        "estimate": "（估计）",
        "km_min": "{km:g} 公里，约 {h}",
        "tourist_road": "其中旅游公路 {km:g} 公里",
        "then_overnight": "当晚住宿：{name}",
        "start": "出发",
        "end": "终点",
        "trip": "晋旅行程",
        "hours": "{h} 小时 {m} 分",
        "minutes": "{m} 分钟",
    },
    "en": {
        "day": "Day {n}",
        "visit": "Visit",
        "drive": "Drive",
        "arrive": "arrive",
        "depart": "depart",
        "visit_time": "visit {m} min",
        "ticket": "ticket ¥{t:g}",
        "ticket_unknown": "ticket unknown",
        "overnight": "Overnight",
        "beds": "{b:,} beds",
        "estimate": " (estimate)",
        "km_min": "{km:g} km, about {h}",
        "tourist_road": "{km:g} km on tourist roads",
        "then_overnight": "overnight in {name}",
        "start": "Start",
        "end": "End",
        "trip": "jinlv trip",
        "hours": "{h} h {m} min",
        "minutes": "{m} min",
    },
}


def _t(lang: str, key: str, **kw: Any) -> str:
    return _TEXT["en" if lang == "en" else "zh"][key].format(**kw)


def duration_text(minutes: float, *, lang: str = "zh") -> str:
    """``"1 h 35 min"`` / ``"1 小时 35 分"`` for a duration in minutes."""
    total = round(minutes)
    if total < 60:
        return _t(lang, "minutes", m=total)
    return _t(lang, "hours", h=total // 60, m=total % 60)


def local_time(day: str, hhmm: str) -> datetime:
    """The aware datetime (Asia/Shanghai) of ``hhmm`` on ``day``; times past 24:00 roll over."""
    hh, mm = hhmm.split(":")
    midnight = datetime.combine(date.fromisoformat(day), datetime.min.time(), tzinfo=CHINA_TZ)
    return midnight + timedelta(hours=int(hh), minutes=int(mm))


def place_name(place: Mapping[str, Any], *, lang: str = "zh") -> str:
    """The place's English name when ``lang="en"`` and it has one, else its Chinese name."""
    if lang == "en" and place.get("name_en"):
        return str(place["name_en"])
    return str(place.get("name_zh") or place.get("name_en") or "")


@dataclass(frozen=True)
class Event:
    """A drive or a visit of the schedule, with local start and end times."""

    kind: str  # "drive" or "visit"
    day: int
    seq: int  # 1-based within the day (drives and visits counted separately)
    start: datetime
    end: datetime
    leg: Mapping[str, Any] | None = None
    stop: Mapping[str, Any] | None = None


def timeline(itinerary: Mapping[str, Any]) -> list[Event]:
    """Every drive and visit in order.

    A drive leaves at the day's start time or when the previous visit ends; it arrives at the
    stop's arrival time (or after the leg's minutes when it ends at the night's lodging).
    """
    events: list[Event] = []
    for day in itinerary["days"]:
        stops = list(day["stops"])
        clock = local_time(day["date"], day["start"].get("time") or "08:00")
        s = 0
        for k, leg in enumerate(day["legs"], start=1):
            if s < len(stops) and leg["to_id"] == stops[s]["place_id"]:
                stop = stops[s]
                arrive = local_time(day["date"], stop["arrive"])
                events.append(Event("drive", day["index"], k, clock, max(arrive, clock), leg=leg))
                begin = local_time(day["date"], stop["start"])
                clock = local_time(day["date"], stop["depart"])
                events.append(Event("visit", day["index"], s + 1, begin, clock, stop=stop))
                s += 1
            else:
                end = clock + timedelta(minutes=float(leg["minutes"]))
                events.append(Event("drive", day["index"], k, clock, end, leg=leg))
                clock = end
    return events


def _names(itinerary: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Every place of the trip by id (for leg end names in English)."""
    out: dict[str, Mapping[str, Any]] = {}
    for day in itinerary["days"]:
        for place in (day["start"], day["end"], *(day["stops"])):
            out.setdefault(place.get("id") or place.get("place_id"), place)
        if day.get("overnight"):
            out.setdefault(day["overnight"]["place_id"], day["overnight"])
    return out


def _leg_names(leg: Mapping[str, Any], names: Mapping[str, Mapping[str, Any]], lang: str) -> tuple[str, str]:
    a = names.get(leg["from_id"], {"name_zh": leg["from_name"]})
    b = names.get(leg["to_id"], {"name_zh": leg["to_name"]})
    return place_name(a, lang=lang), place_name(b, lang=lang)


def _stop_text(stop: Mapping[str, Any], lang: str) -> str:
    parts = [
        f"{stop['grade']}" if stop.get("grade") and stop["grade"] != "unverified" else "",
        f"{_t(lang, 'arrive')} {stop['arrive']}, {_t(lang, 'depart')} {stop['depart']}",
        _t(lang, "visit_time", m=stop["visit_minutes"]),
        _t(lang, "ticket", t=stop["ticket_cny"]) if stop.get("ticket_cny") is not None else _t(lang, "ticket_unknown"),
    ]
    return "; ".join(p for p in parts if p)


def _overnight_text(night: Mapping[str, Any], lang: str) -> str:
    return _t(lang, "beds", b=night["beds"]) + (_t(lang, "estimate") if night.get("beds_estimated") else "")


def _leg_text(leg: Mapping[str, Any], lang: str) -> str:
    text = _t(lang, "km_min", km=leg["km"], h=duration_text(leg["minutes"], lang=lang))
    road_km = round(sum((leg.get("tourist_road_km") or {}).values()), 1)
    if road_km > 0:
        text += "; " + _t(lang, "tourist_road", km=road_km)
    return text


def trip_name(itinerary: Mapping[str, Any], *, lang: str = "zh", title: str | None = None) -> str:
    """The given title, or a name from the first day's start and the number of days."""
    if title:
        return title
    days = itinerary["days"]
    if not days:
        return _t(lang, "trip")
    start = place_name(days[0]["start"], lang=lang)
    n = len(days)
    return f"{start} · {n} 日" if lang != "en" else f"{start} · {n} day{'s' if n != 1 else ''}"


def _geometry(itinerary: Mapping[str, Any], leg: Mapping[str, Any]) -> list[list[float]]:
    coords = (itinerary.get("geometries") or {}).get(leg.get("geometry_ref") or leg["id"]) or []
    return [[float(x), float(y)] for x, y in coords]


def _bounds(itinerary: Mapping[str, Any]) -> tuple[float, float, float, float] | None:
    """``(min_lat, min_lon, max_lat, max_lon)`` of every geometry and stop."""
    lats, lons = [], []
    for coords in (itinerary.get("geometries") or {}).values():
        for x, y in coords:
            lons.append(x)
            lats.append(y)
    for day in itinerary["days"]:
        for stop in day["stops"]:
            lats.append(stop["lat"])
            lons.append(stop["lon"])
    if not lats:
        return None
    return min(lats), min(lons), max(lats), max(lons)


def _utc(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- GPX ------------------------------------------------------------------------------------------


def to_gpx(
    itinerary: Mapping[str, Any],
    *,
    lang: str = "zh",
    title: str | None = None,
    url: str | None = None,
    created: datetime | None = None,
) -> str:
    """GPX 1.1: stops and overnight towns as ``<wpt>``, each day as a ``<rte>`` (start, stops, end)
    and as a ``<trk>`` with one ``<trkseg>`` per leg along the road geometry.

    Waypoints carry ``<type>`` ``stop`` or ``overnight``; a stop's ``<time>`` is its arrival (UTC).

    Parameters
    ----------
    itinerary
        The itinerary JSON.
    lang
        ``"zh"`` or ``"en"`` names and descriptions.
    title
        Name of the trip (default: from its start and days).
    url
        Link back to the trip page.
    created
        Time the trip was planned (metadata ``<time>``; default now).
    """
    ET.register_namespace("", GPX_NS)
    ET.register_namespace("xsi", XSI_NS)

    def sub(parent: ET.Element, tag: str, text: Any = None, **attrib: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{GPX_NS}}}{tag}", attrib)
        if text is not None:
            el.text = str(text)
        return el

    root = ET.Element(
        f"{{{GPX_NS}}}gpx",
        {
            "version": "1.1",
            "creator": CREATOR,
            f"{{{XSI_NS}}}schemaLocation": f"{GPX_NS} http://www.topografix.com/GPX/1/1/gpx.xsd",
        },
    )
    name = trip_name(itinerary, lang=lang, title=title)
    meta = sub(root, "metadata")
    sub(meta, "name", name)
    totals = itinerary.get("totals") or {}
    if totals:
        sub(meta, "desc", f"{totals.get('km', 0):g} km; {duration_text(totals.get('drive_minutes', 0), lang=lang)}")
    copyright_ = sub(meta, "copyright", author="OpenStreetMap contributors")
    sub(copyright_, "license", "https://opendatacommons.org/licenses/odbl/")
    if url:
        link = sub(meta, "link", href=url)
        sub(link, "text", name)
    sub(meta, "time", _utc(created or datetime.now(UTC)))
    bounds = _bounds(itinerary)
    if bounds:
        sub(
            meta,
            "bounds",
            minlat=f"{bounds[0]:.6f}",
            minlon=f"{bounds[1]:.6f}",
            maxlat=f"{bounds[2]:.6f}",
            maxlon=f"{bounds[3]:.6f}",
        )

    for day in itinerary["days"]:
        for n, stop in enumerate(day["stops"], start=1):
            wpt = sub(root, "wpt", lat=f"{stop['lat']:.6f}", lon=f"{stop['lon']:.6f}")
            sub(wpt, "time", _utc(local_time(day["date"], stop["arrive"])))
            sub(wpt, "name", f"{_t(lang, 'day', n=day['index'])} {n}. {place_name(stop, lang=lang)}")
            sub(wpt, "desc", _stop_text(stop, lang))
            sub(wpt, "sym", "Scenic Area")
            sub(wpt, "type", "stop")
        night = day.get("overnight")
        if night:
            wpt = sub(root, "wpt", lat=f"{night['lat']:.6f}", lon=f"{night['lon']:.6f}")
            sub(
                wpt,
                "name",
                f"{_t(lang, 'day', n=day['index'])} {_t(lang, 'overnight')}: {place_name(night, lang=lang)}",
            )
            sub(wpt, "desc", _overnight_text(night, lang))
            sub(wpt, "sym", "Lodging")
            sub(wpt, "type", "overnight")

    for day in itinerary["days"]:
        rte = sub(root, "rte")
        sub(rte, "name", f"{_t(lang, 'day', n=day['index'])} {day['date']}")
        sub(rte, "number", day["index"])
        for place in (day["start"], *day["stops"], day["end"]):
            pt = sub(rte, "rtept", lat=f"{place['lat']:.6f}", lon=f"{place['lon']:.6f}")
            sub(pt, "name", place_name(place, lang=lang))

    names = _names(itinerary)
    for day in itinerary["days"]:
        if not day["legs"]:
            continue
        trk = sub(root, "trk")
        sub(trk, "name", f"{_t(lang, 'day', n=day['index'])} {day['date']}")
        sub(trk, "desc", _t(lang, "km_min", km=day["drive_km"], h=duration_text(day["drive_minutes"], lang=lang)))
        sub(trk, "number", day["index"])
        sub(trk, "type", "drive")
        for leg in day["legs"]:
            seg = sub(trk, "trkseg")
            coords = _geometry(itinerary, leg) or [
                [names[leg["from_id"]]["lon"], names[leg["from_id"]]["lat"]],
                [names[leg["to_id"]]["lon"], names[leg["to_id"]]["lat"]],
            ]
            for lon, lat in coords:
                sub(seg, "trkpt", lat=f"{lat:.6f}", lon=f"{lon:.6f}")
    ET.indent(root, space=" ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# -- KML ------------------------------------------------------------------------------------------


def _kml_colour(hex_rgb: str, alpha: str = "ff") -> str:
    """KML's ``aabbggrr`` from ``#rrggbb``."""
    rr, gg, bb = hex_rgb[1:3], hex_rgb[3:5], hex_rgb[5:7]
    return f"{alpha}{bb}{gg}{rr}".lower()


def to_kml(itinerary: Mapping[str, Any], *, lang: str = "zh", title: str | None = None, url: str | None = None) -> str:
    """KML 2.2: one ``<Folder>`` per day holding its legs (``LineString``, styled in the day's
    colour), its stops and its overnight town (``Point`` placemarks with times and details)."""
    ET.register_namespace("", KML_NS)

    def sub(parent: ET.Element, tag: str, text: Any = None) -> ET.Element:
        el = ET.SubElement(parent, f"{{{KML_NS}}}{tag}")
        if text is not None:
            el.text = str(text)
        return el

    root = ET.Element(f"{{{KML_NS}}}kml")
    doc = sub(root, "Document")
    sub(doc, "name", trip_name(itinerary, lang=lang, title=title))
    sub(doc, "open", 1)
    desc = OSM_CREDIT + (f" — {url}" if url else "")
    sub(doc, "description", desc)
    for d, _day in enumerate(itinerary["days"]):
        colour = DAY_COLOURS[d % len(DAY_COLOURS)]
        style = sub(doc, "Style")
        style.set("id", f"day-{d + 1}")
        icon = sub(style, "IconStyle")
        sub(icon, "color", _kml_colour(colour))
        sub(icon, "scale", "1.1")
        line = sub(style, "LineStyle")
        sub(line, "color", _kml_colour(colour, "e6"))
        sub(line, "width", 4)
    night_style = sub(doc, "Style")
    night_style.set("id", "overnight")
    icon = sub(night_style, "IconStyle")
    sub(icon, "color", "ff4d2e1d")
    sub(icon, "scale", "1.3")

    names = _names(itinerary)
    for d, day in enumerate(itinerary["days"]):
        folder = sub(doc, "Folder")
        sub(folder, "name", f"{_t(lang, 'day', n=day['index'])} {day['date']}")
        sub(
            folder,
            "description",
            _t(lang, "km_min", km=day["drive_km"], h=duration_text(day["drive_minutes"], lang=lang)),
        )
        for leg in day["legs"]:
            a, b = _leg_names(leg, names, lang)
            pm = sub(folder, "Placemark")
            sub(pm, "name", f"{a} → {b}")
            sub(pm, "description", _leg_text(leg, lang))
            sub(pm, "styleUrl", f"#day-{d + 1}")
            ls = sub(pm, "LineString")
            sub(ls, "tessellate", 1)
            coords = _geometry(itinerary, leg)
            sub(ls, "coordinates", " ".join(f"{x:.6f},{y:.6f}" for x, y in coords))
        for n, stop in enumerate(day["stops"], start=1):
            pm = sub(folder, "Placemark")
            sub(pm, "name", f"{n}. {place_name(stop, lang=lang)}")
            sub(pm, "description", _stop_text(stop, lang))
            span = sub(pm, "TimeSpan")
            sub(span, "begin", local_time(day["date"], stop["start"]).isoformat())
            sub(span, "end", local_time(day["date"], stop["depart"]).isoformat())
            sub(pm, "styleUrl", f"#day-{d + 1}")
            point = sub(pm, "Point")
            sub(point, "coordinates", f"{stop['lon']:.6f},{stop['lat']:.6f}")
        night = day.get("overnight")
        if night:
            pm = sub(folder, "Placemark")
            sub(pm, "name", f"{_t(lang, 'overnight')}: {place_name(night, lang=lang)}")
            sub(pm, "description", _overnight_text(night, lang))
            sub(pm, "styleUrl", "#overnight")
            point = sub(pm, "Point")
            sub(point, "coordinates", f"{night['lon']:.6f},{night['lat']:.6f}")
    ET.indent(root, space=" ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# -- iCalendar ------------------------------------------------------------------------------------

_VTIMEZONE = (
    "BEGIN:VTIMEZONE",
    "TZID:Asia/Shanghai",
    "X-LIC-LOCATION:Asia/Shanghai",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0800",
    "TZOFFSETTO:+0800",
    "TZNAME:CST",
    "DTSTART:19700101T000000",
    "END:STANDARD",
    "END:VTIMEZONE",
)


def _ics_escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1) without splitting a UTF-8 character."""
    out, current, size = [], "", 0
    limit = 75
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += ch
        size += n
    out.append(current)
    return "\r\n".join(out)


def _ics_local(dt: datetime) -> str:
    return dt.astimezone(CHINA_TZ).strftime("%Y%m%dT%H%M%S")


def to_ics(
    itinerary: Mapping[str, Any],
    *,
    lang: str = "zh",
    title: str | None = None,
    url: str | None = None,
    created: datetime | None = None,
) -> str:
    """iCalendar (RFC 5545): one ``VEVENT`` per visit and per drive, in ``TZID=Asia/Shanghai``
    (with its ``VTIMEZONE``).

    UIDs are stable (``{trip id}-d{day}-visit{n}@jinlv`` / ``-drive{k}``) so that importing the
    file again updates the events; ``DTSTAMP`` is ``created`` (the planning time, default now).
    """
    trip_id = itinerary.get("id") or "trip"
    stamp = (created or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    name = trip_name(itinerary, lang=lang, title=title)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//jinlv//jinlv trip planner//" + ("EN" if lang == "en" else "ZH"),
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_ics_escape(name)}",
        "X-WR-TIMEZONE:Asia/Shanghai",
        *_VTIMEZONE,
    ]
    names = _names(itinerary)
    nights = {day["index"]: day.get("overnight") for day in itinerary["days"]}
    events = timeline(itinerary)
    last_drive = {ev.day: ev.seq for ev in events if ev.kind == "drive"}
    for ev in events:
        day_label = _t(lang, "day", n=ev.day)
        if ev.kind == "visit":
            stop = ev.stop
            uid = f"{trip_id}-d{ev.day}-visit{ev.seq}@jinlv"
            summary = f"{_t(lang, 'visit')} {place_name(stop, lang=lang)}"
            location = place_name(stop, lang=lang)
            description = f"{day_label}. {_stop_text(stop, lang)}"
            for note in stop.get("notes") or []:
                description += f"\n{note}"
            geo = (stop["lat"], stop["lon"])
            category = "visit"
        else:
            leg = ev.leg
            a, b = _leg_names(leg, names, lang)
            uid = f"{trip_id}-d{ev.day}-drive{ev.seq}@jinlv"
            summary = f"{_t(lang, 'drive')} {a} → {b}"
            location = b
            description = f"{day_label}. {_leg_text(leg, lang)}"
            night = nights.get(ev.day)
            if night and ev.seq == last_drive.get(ev.day):
                description += "\n" + _t(lang, "then_overnight", name=place_name(night, lang=lang))
                description += f" ({_overnight_text(night, lang)})"
            target = names.get(leg["to_id"])
            geo = (target["lat"], target["lon"]) if target else None
            category = "drive"
        if url:
            description += f"\n{url}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;TZID=Asia/Shanghai:{_ics_local(ev.start)}",
            f"DTEND;TZID=Asia/Shanghai:{_ics_local(ev.end)}",
            f"SUMMARY:{_ics_escape(summary)}",
            f"LOCATION:{_ics_escape(location)}",
            f"DESCRIPTION:{_ics_escape(description)}",
            f"CATEGORIES:{category.upper()}",
            "TRANSP:OPAQUE",
        ]
        if geo and all(math.isfinite(v) for v in geo):
            lines.append(f"GEO:{geo[0]:.6f};{geo[1]:.6f}")
        if url:
            lines.append(f"URL:{url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


# -- GeoJSON --------------------------------------------------------------------------------------


def to_geojson(itinerary: Mapping[str, Any], *, lang: str = "zh", title: str | None = None) -> dict[str, Any]:
    """A GeoJSON FeatureCollection: legs as LineStrings (``kind="leg"``, ``day``, ``km``,
    ``minutes``, ...), stops and overnight towns as Points (``kind="stop"`` / ``"overnight"``)."""
    features: list[dict[str, Any]] = []
    names = _names(itinerary)
    times = {(ev.day, ev.kind, ev.seq): ev for ev in timeline(itinerary)}
    for d, day in enumerate(itinerary["days"]):
        colour = DAY_COLOURS[d % len(DAY_COLOURS)]
        for k, leg in enumerate(day["legs"], start=1):
            a, b = _leg_names(leg, names, lang)
            ev = times.get((day["index"], "drive", k))
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "LineString", "coordinates": _geometry(itinerary, leg)},
                    "properties": {
                        "kind": "leg",
                        "id": leg["id"],
                        "day": day["index"],
                        "date": day["date"],
                        "seq": k,
                        "from_id": leg["from_id"],
                        "to_id": leg["to_id"],
                        "from": a,
                        "to": b,
                        "km": leg["km"],
                        "minutes": leg["minutes"],
                        "depart": ev.start.strftime("%H:%M") if ev else None,
                        "arrive": ev.end.strftime("%H:%M") if ev else None,
                        "tourist_road_km": leg.get("tourist_road_km") or {},
                        "stroke": colour,
                    },
                }
            )
        for n, stop in enumerate(day["stops"], start=1):
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [stop["lon"], stop["lat"]]},
                    "properties": {
                        "kind": "stop",
                        "day": day["index"],
                        "date": day["date"],
                        "seq": n,
                        "place_id": stop["place_id"],
                        "name": place_name(stop, lang=lang),
                        "name_zh": stop["name_zh"],
                        "name_en": stop.get("name_en") or "",
                        "grade": stop.get("grade"),
                        "arrive": stop["arrive"],
                        "start": stop["start"],
                        "depart": stop["depart"],
                        "visit_minutes": stop["visit_minutes"],
                        "ticket_cny": stop.get("ticket_cny"),
                        "themes": stop.get("themes") or [],
                        "notes": stop.get("notes") or [],
                        "marker-color": colour,
                    },
                }
            )
        night = day.get("overnight")
        if night:
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [night["lon"], night["lat"]]},
                    "properties": {
                        "kind": "overnight",
                        "day": day["index"],
                        "date": day["date"],
                        "place_id": night["place_id"],
                        "name": place_name(night, lang=lang),
                        "name_zh": night["name_zh"],
                        "name_en": night.get("name_en") or "",
                        "city": night.get("city"),
                        "beds": night["beds"],
                        "beds_estimated": bool(night.get("beds_estimated")),
                    },
                }
            )
    return {
        "type": "FeatureCollection",
        "id": itinerary.get("id"),
        "name": trip_name(itinerary, lang=lang, title=title),
        "totals": itinerary.get("totals") or {},
        "attribution": itinerary.get("attribution") or OSM_CREDIT,
        "features": features,
    }


def geojson_text(itinerary: Mapping[str, Any], **options: Any) -> str:
    """:func:`to_geojson` as compact UTF-8 JSON text."""
    return json.dumps(to_geojson(itinerary, **options), ensure_ascii=False, separators=(",", ":"))
