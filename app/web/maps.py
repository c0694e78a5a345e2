"""Folium maps of the pages, served without any CDN.

:class:`OfflineMap` is a ``folium.Map`` that loads Leaflet and jQuery (folium's popups parse their
HTML with it) from ``/static/vendor`` (installed from npm by ``make setup``) instead of folium's
CDN defaults; Bootstrap, Font Awesome and the awesome-markers plugin that folium would also pull
in are not needed (markers are Leaflet ``DivIcon`` and circle markers) and are left out. Raster
tiles come from ``JINLV_TILES`` (OpenStreetMap by default, ``none`` for none); under them lies a
vector basemap from jinlv's own data (boundaries, the road network), fetched from
``/api/basemap/*.geojson``: the network is switched on by itself when the tiles are off or fail
to load. Every map credits OpenStreetMap contributors.

:func:`map_parts` splits a rendered map into what a page template needs: the asset links for
``<head>``, the map ``<div>`` and the script.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import folium
from branca.element import CssLink, JavascriptLink, MacroElement
from jinja2 import Template
from markupsafe import Markup, escape

from gis_data.settings import Settings
from itineraries.exports import DAY_COLOURS, duration_text, place_name

LEAFLET_JS = "/static/vendor/leaflet/leaflet.js"
LEAFLET_CSS = "/static/vendor/leaflet/leaflet.css"
JQUERY_JS = "/static/vendor/jquery/jquery.min.js"
OSM_CREDIT_HTML = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
SHANXI_CENTER = (37.6, 112.3)
SHANXI_BOUNDS = ((34.55, 110.2), (40.75, 114.6))
ROAD_COLOURS = {"yellow_river": "#c8a415", "great_wall": "#8d5a2b", "taihang": "#2f7d4a"}
GRADE_COLOURS = {"5A": "#c62828", "4A": "#ef6c00", "3A": "#f9a825", "unverified": "#78909c"}
GRADES = ("5A", "4A", "3A", "unverified")

Translate = Callable[..., str]


class OfflineMap(folium.Map):
    """A ``folium.Map`` whose Leaflet and jQuery come from the app (no CDN, no Bootstrap/awesome-markers)."""

    default_js = [("leaflet", LEAFLET_JS), ("jquery", JQUERY_JS)]  # noqa: RUF012 - folium reads these
    default_css = [("leaflet_css", LEAFLET_CSS)]  # noqa: RUF012


@dataclass(frozen=True)
class MapParts:
    """A rendered map for a page: ``head`` (asset links), ``body`` (the map div), ``script`` (JS
    without ``<script>`` tags) and ``name`` (the JS variable of the Leaflet map)."""

    head: Markup
    body: Markup
    script: Markup
    name: str


def map_parts(m: folium.Map) -> MapParts:
    """Render ``m`` and split it; only the asset links of the figure header are kept (folium's own
    header styles would size ``html``/``body`` and forbid zooming the page)."""
    fig = m.get_root()
    fig.render()
    head = "\n".join(
        child.render() for child in fig.header._children.values() if isinstance(child, (JavascriptLink, CssLink))
    )
    return MapParts(Markup(head), Markup(fig.html.render()), Markup(fig.script.render()), m.get_name())


class _Js(MacroElement):
    """Raw JavaScript run after the map's other elements, with ``map`` bound to the Leaflet map."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function (map) { {{ this.code }} })({{ this._parent.get_name() }});
        {% endmacro %}"""
    )

    def __init__(self, code: str) -> None:
        super().__init__()
        self._name = "Js"
        self.code = code


def add_js(m: folium.Map, code: str) -> None:
    """Run ``code`` (with ``map`` bound to the Leaflet map) after the elements added so far."""
    _Js(code).add_to(m)


def base_map(settings: Settings, t: Translate, *, show_network: bool = False, boundaries: bool = True) -> folium.Map:
    """An :class:`OfflineMap` of Shanxi with the configured tiles and the vector basemap.

    Parameters
    ----------
    settings
        ``tiles`` / ``tiles_attribution``.
    t
        Translator of the page language (layer names).
    show_network
        Show the road-network basemap from the start (otherwise only when tiles fail or are off).
    boundaries
        Draw province and city boundaries (fetched).
    """
    m = OfflineMap(
        location=SHANXI_CENTER,
        zoom_start=7,
        tiles=None,
        control_scale=True,
        width="100%",
        height="100%",
        min_zoom=5,
        max_zoom=18,
    )
    tiles = (settings.tiles or "").strip()
    tile_layer = None
    if tiles and tiles.lower() != "none":
        tile_layer = folium.TileLayer(
            tiles=tiles,
            attr=settings.tiles_attribution or OSM_CREDIT_HTML,
            name=t("Map tiles"),
            max_zoom=19,
            overlay=False,
            control=True,
        )
        tile_layer.add_to(m)
    network = folium.FeatureGroup(name=t("Road network (own data)"), show=show_network or tile_layer is None)
    network.add_to(m)
    bounds_group = None
    if boundaries:
        bounds_group = folium.FeatureGroup(name=t("Province and city boundaries"), show=True)
        bounds_group.add_to(m)
    config = {
        "network": network.get_name(),
        "boundaries": bounds_group.get_name() if bounds_group else None,
        "tiles": tile_layer.get_name() if tile_layer else None,
        "networkUrl": "/api/basemap/network.geojson",
        "boundariesUrl": "/api/basemap/boundaries.geojson",
        "credit": OSM_CREDIT_HTML,
    }
    add_js(m, f"jinlvBasemap(map, {json.dumps(config)});")
    return m


def finish_map(m: folium.Map, *, bounds: Sequence[Sequence[float]] | None = None, collapsed: bool = True) -> None:
    """Add the layer control and fit the view (``[[south, west], [north, east]]``; default Shanxi)."""
    folium.LayerControl(collapsed=collapsed, position="topright").add_to(m)
    m.fit_bounds(bounds or SHANXI_BOUNDS, padding=(24, 24))


def _lang(t: Translate) -> str:
    return getattr(t, "lang", "zh")


def _template_safe(html: str) -> str:
    """HTML that folium may put in a JavaScript template literal (popups, tooltips) as it is."""
    return html.replace("\\", "&#92;").replace("`", "&#96;").replace("${", "$&#123;")


def _popup(html: str, width: int = 300) -> folium.Popup:
    return folium.Popup(_template_safe(html), max_width=width)


def _tip(text: Any) -> str:
    """A tooltip: plain text, escaped for folium's template literal."""
    return _template_safe(_esc(text))


def _esc(text: Any) -> str:
    return str(escape("" if text is None else text))


def road_groups(m: folium.Map, roads: Mapping[str, Any], t: Translate, lang: str, *, show: bool = True) -> None:
    """The routed No.1 tourist roads, one toggleable layer each."""
    for feature in roads.get("features", []):
        props = feature["properties"]
        if not feature.get("geometry"):
            continue
        name = road_name(props, lang)
        colour = _road_colour(props)
        group = folium.FeatureGroup(name=f"{_swatch(colour)} {_esc(name)}", show=show)
        folium.GeoJson(
            {"type": "Feature", "geometry": feature["geometry"], "properties": {"road": props["road"]}},
            style_function=lambda _f, c=colour: {
                "color": c,
                "weight": 7,
                "opacity": 0.45,
                "className": "tourist-road",
            },
            tooltip=_tip(f"{name} · {t('{km} km routed', km=format(props['km'] or 0, ',.0f'))}"),
        ).add_to(group)
        group.add_to(m)


def _road_colour(props: Mapping[str, Any]) -> str:
    return ROAD_COLOURS.get(props["road"], "#6d4c41")


def road_name(props: Mapping[str, Any], lang: str) -> str:
    return props["name_en"] if lang == "en" and props.get("name_en") else props["name_zh"]


def road_legend(roads: Mapping[str, Any], t: Translate) -> list[str]:
    """Legend rows of the tourist roads."""
    return [
        f"{_swatch(_road_colour(f['properties']))} {_esc(road_name(f['properties'], _lang(t)))}"
        for f in roads.get("features", [])
        if f.get("geometry")
    ]


def _legend(m: folium.Map, title: str, rows: Iterable[str]) -> None:
    """A legend box (Leaflet control, bottom left, folded on narrow screens) with ``rows`` of trusted HTML."""
    html = f'<details class="map-legend" open><summary>{_esc(title)}</summary>'
    html += "".join(f"<div>{row}</div>" for row in rows) + "</details>"
    literal = json.dumps(html).replace("</", "<\\/")  # never "</script>" inside the page's script
    add_js(
        m,
        "var legend = L.control({position: 'bottomleft'});"
        "legend.onAdd = function () { var d = L.DomUtil.create('div', 'leaflet-control');"
        f" d.innerHTML = {literal};"
        " if (window.innerWidth < 700) { d.firstChild.open = false; }"
        " L.DomEvent.disableClickPropagation(d); L.DomEvent.disableScrollPropagation(d); return d; };"
        "legend.addTo(map);",
    )


def _swatch(colour: str, *, line: bool = True) -> str:
    kind = "line" if line else "dot"
    return f'<span class="swatch swatch-{kind}" style="background:{_esc(colour)}"></span>'


# -- the trip map ---------------------------------------------------------------------------------


def _stop_popup(stop: Mapping[str, Any], n: int, t: Translate, lang: str) -> str:
    name = place_name(stop, lang=lang)
    other = stop["name_zh"] if lang == "en" else stop.get("name_en") or ""
    ticket = t("¥{price}", price=f"{stop['ticket_cny']:g}") if stop.get("ticket_cny") is not None else t("unknown")
    grade = t("National heritage site") if stop.get("grade") == "heritage" else stop.get("grade") or ""
    visit = duration_text(stop["visit_minutes"], lang=lang)
    if stop.get("visit_is_default"):
        visit += f" ({t('default')})"
    rows = [
        (t("Grade"), grade),
        (t("Arrive"), stop["arrive"]),
        (t("Visit"), f"{stop['start']}–{stop['depart']}"),
        (t("Visit time"), visit),
        (t("Ticket"), ticket),
    ]
    html = f'<div class="popup"><h4>{n}. {_esc(name)}</h4>'
    if other and other != name:
        html += f'<div class="muted">{_esc(other)}</div>'
    html += "<table>" + "".join(f"<tr><th>{_esc(k)}</th><td>{_esc(v)}</td></tr>" for k, v in rows) + "</table>"
    notes = stop.get("notes") or []
    if notes:
        html += "<ul class='notes'>" + "".join(f"<li>{_esc(t(note))}</li>" for note in notes) + "</ul>"
    return html + "</div>"


def _overnight_popup(night: Mapping[str, Any], day: int, t: Translate, lang: str) -> str:
    beds = f"{night['beds']:,}"
    if night.get("beds_estimated"):
        beds += f" ({t('estimate')})"
    return (
        f'<div class="popup"><h4>{_esc(t("Night {n}", n=day))}: {_esc(place_name(night, lang=lang))}</h4>'
        f"<table><tr><th>{_esc(t('City'))}</th><td>{_esc(night.get('city') or '')}</td></tr>"
        f"<tr><th>{_esc(t('Beds'))}</th><td>{_esc(beds)}</td></tr></table></div>"
    )


def trip_map(itinerary: Mapping[str, Any], roads: Mapping[str, Any], settings: Settings, t: Translate) -> folium.Map:
    """The trip: one colour per day (legs), numbered stop markers with popups, overnight towns with
    beds, the start, the three No.1 roads as toggleable layers, a legend and the scale."""
    lang = _lang(t)
    m = base_map(settings, t)
    road_groups(m, roads, t, lang)
    geometries = itinerary.get("geometries") or {}
    lats: list[float] = []
    lons: list[float] = []
    registry: dict[str, str] = {}
    number = 0
    nights: dict[str, list[int]] = {}
    for d, day in enumerate(itinerary["days"]):
        colour = DAY_COLOURS[d % len(DAY_COLOURS)]
        group = folium.FeatureGroup(name=f"{t('Day {n}', n=day['index'])} · {day['date']}", show=True)
        for leg in day["legs"]:
            coords = geometries.get(leg.get("geometry_ref") or leg["id"]) or []
            if len(coords) < 2:
                continue
            latlon = [[y, x] for x, y in coords]
            lats += [p[0] for p in latlon]
            lons += [p[1] for p in latlon]
            tip = f"{t('Day {n}', n=day['index'])}: {leg['km']:g} km · {duration_text(leg['minutes'], lang=lang)}"
            folium.PolyLine(
                latlon,
                color=colour,
                weight=5,
                opacity=0.9,
                tooltip=_tip(tip),
                class_name=f"trip-leg day-{day['index']}",
            ).add_to(group)
        for stop in day["stops"]:
            number += 1
            lats.append(stop["lat"])
            lons.append(stop["lon"])
            icon = folium.DivIcon(
                html=f'<div class="pin" style="background:{colour}">{number}</div>',
                icon_size=(26, 26),
                icon_anchor=(13, 13),
                class_name=f"stop-marker day-{day['index']}",
            )
            marker = folium.Marker(
                [stop["lat"], stop["lon"]],
                icon=icon,
                tooltip=_tip(f"{number}. {place_name(stop, lang=lang)}"),
                popup=_popup(_stop_popup(stop, number, t, lang)),
            )
            marker.add_to(group)
            registry[f"stop-{number}"] = marker.get_name()
        night = day.get("overnight")
        if night:
            nights.setdefault(night["place_id"], []).append(day["index"])
            lats.append(night["lat"])
            lons.append(night["lon"])
            icon = folium.DivIcon(
                html=f'<div class="pin night" style="border-color:{colour}">{_esc(t("bed-glyph"))}</div>',
                icon_size=(26, 26),
                icon_anchor=(13, 13),
                class_name="overnight-marker",
            )
            marker = folium.Marker(
                [night["lat"], night["lon"]],
                icon=icon,
                tooltip=_tip(f"{t('Night {n}', n=day['index'])}: {place_name(night, lang=lang)}"),
                popup=_popup(_overnight_popup(night, day["index"], t, lang)),
                z_index_offset=-100,
            )
            marker.add_to(group)
            registry[f"night-{day['index']}"] = marker.get_name()
        group.add_to(m)
        registry[f"day-{day['index']}"] = group.get_name()
    if itinerary["days"]:
        start = itinerary["days"][0]["start"]
        folium.Marker(
            [start["lat"], start["lon"]],
            icon=folium.DivIcon(
                html=f'<div class="pin start">{_esc(t("start-glyph"))}</div>',
                icon_size=(26, 26),
                icon_anchor=(13, 13),
                class_name="start-marker",
            ),
            tooltip=_tip(f"{t('Start')}: {place_name(start, lang=lang)}"),
        ).add_to(m)
        lats.append(start["lat"])
        lons.append(start["lon"])
    rows = [
        f"{_swatch(DAY_COLOURS[d % len(DAY_COLOURS)])} {_esc(t('Day {n}', n=day['index']))} · {_esc(day['date'])}"
        for d, day in enumerate(itinerary["days"])
    ]
    rows += [
        f'<span class="pin mini">1</span> {_esc(t("Stop (visit order)"))}',
        f'<span class="pin mini night">{_esc(t("bed-glyph"))}</span> {_esc(t("Overnight town"))}',
        f'<span class="pin mini start">{_esc(t("start-glyph"))}</span> {_esc(t("Start"))}',
    ]
    rows += road_legend(roads, t)
    _legend(m, t("Legend"), rows)
    js_registry = ", ".join(f"{json.dumps(k)}: {v}" for k, v in registry.items())
    add_js(m, f"window.jinlvLayers = {{{js_registry}}}; (window.jinlvTimings || {{}}).layers = performance.now();")
    bounds = [[min(lats), min(lons)], [max(lats), max(lons)]] if lats else None
    finish_map(m, bounds=bounds)
    return m


# -- the overview map -----------------------------------------------------------------------------


def _point(lon: float, lat: float, props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": props}


_BIND = folium.JsCode(
    "function (f, layer) { layer.bindPopup(f.properties.popup, {maxWidth: 320});"
    " layer.bindTooltip(f.properties.name); }"
)


def _points_layer(features: list[dict[str, Any]], style: Callable[[dict], dict], name: str, *, show: bool = True):
    group = folium.FeatureGroup(name=name, show=show)
    if features:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            marker=folium.CircleMarker(radius=6),
            style_function=style,
            on_each_feature=_BIND,
        ).add_to(group)
    return group


def overview_map(
    *,
    spots: Sequence[Mapping[str, Any]],
    lodging: Sequence[Mapping[str, Any]],
    heritage: Sequence[Mapping[str, Any]],
    roads: Mapping[str, Any],
    theme_names: Mapping[str, str],
    settings: Settings,
    t: Translate,
) -> folium.Map:
    """Every layer: spots by grade (filterable by theme), tourist roads, lodging with beds,
    boundaries, heritage sites (off at first) and the road network, with a layer control."""
    lang = _lang(t)
    m = base_map(settings, t)
    road_groups(m, roads, t, lang)
    by_grade: dict[str, list[dict[str, Any]]] = {g: [] for g in GRADES}
    for s in spots:
        if s.get("lat") is None:
            continue
        themes = [theme_names.get(x, x) for x in s["theme_ids"]]
        rows = [
            (t("Grade"), s["grade"]),
            (t("City"), f"{s['city']} {s.get('county') or ''}"),
            (t("Visit time"), duration_text(s["visit_minutes"], lang=lang)),
            (t("Ticket"), f"¥{s['ticket_cny']:g}" if s.get("ticket_cny") is not None else t("unknown")),
            (t("Opening hours"), f"{s['open_time']}–{s['close_time']}"),
            (t("Themes"), ", ".join(themes) or "–"),
        ]
        name = place_name(s, lang=lang)
        popup = f"<div class='popup'><h4>{_esc(name)}</h4>"
        if lang == "en" and s["name_zh"] != name:
            popup += f"<div class='muted'>{_esc(s['name_zh'])}</div>"
        popup += "<table>" + "".join(f"<tr><th>{_esc(k)}</th><td>{_esc(v)}</td></tr>" for k, v in rows) + "</table>"
        popup += f"<a href='/?must_see={_esc(s['id'])}'>{_esc(t('Plan a trip with this spot'))}</a></div>"
        grade = s["grade"] if s["grade"] in by_grade else "unverified"
        classes = " ".join(["spot", *[f"theme-{x}" for x in s["theme_ids"]]])
        by_grade[grade].append(
            _point(s["lon"], s["lat"], {"name": name, "popup": popup, "grade": grade, "cls": classes})
        )
    for grade in GRADES:
        colour = GRADE_COLOURS[grade]
        label = t("Scenic spots {grade}", grade=t(grade) if grade == "unverified" else grade)
        _points_layer(
            by_grade[grade],
            lambda f, c=colour: {
                "fill": True,
                "color": "#fff",
                "weight": 1.5,
                "fillColor": c,
                "fillOpacity": 0.95,
                "radius": 7 if f["properties"]["grade"] == "5A" else 5.5,
                "className": f["properties"]["cls"],
            },
            f"{_swatch(colour, line=False)} {label} ({len(by_grade[grade])})",
        ).add_to(m)
    beds_features = []
    for lp in lodging:
        if lp.get("lat") is None:
            continue
        beds = f"{lp['beds']:,}" + (f" ({t('estimate')})" if lp["beds_estimated"] else "")
        name = place_name(lp, lang=lang)
        popup = (
            f"<div class='popup'><h4>{_esc(name)}</h4><table>"
            f"<tr><th>{_esc(t('City'))}</th><td>{_esc(lp['city'])}</td></tr>"
            f"<tr><th>{_esc(t('Beds'))}</th><td>{_esc(beds)}</td></tr></table>"
        )
        if lp["beds_estimated"] and lp.get("estimate_basis"):
            popup += f"<div class='muted small'>{_esc(lp['estimate_basis'])}</div>"
        popup += "</div>"
        radius = round(max(3.0, min(14.0, math.sqrt(lp["beds"]) / 12)), 1)
        beds_features.append(_point(lp["lon"], lp["lat"], {"name": name, "popup": popup, "r": radius}))
    _points_layer(
        beds_features,
        lambda f: {
            "fill": True,
            "color": "#1d2e4d",
            "weight": 1,
            "fillColor": "#5c7cfa",
            "fillOpacity": 0.55,
            "radius": f["properties"]["r"],
            "className": "lodging",
        },
        f"{_swatch('#5c7cfa', line=False)} {t('Lodging (beds)')} ({len(beds_features)})",
    ).add_to(m)
    heritage_features = []
    for h in heritage:
        if h.get("lat") is None:
            continue
        rows = [(t("Type"), h["type"]), (t("Dynasty"), h.get("dynasty") or "–"), (t("City"), h["city"])]
        rows.append((t("Open to visitors"), t("yes") if h.get("visitable") else t("not known")))
        popup = f"<div class='popup'><h4>{_esc(h['name_zh'])}</h4><table>"
        popup += "".join(f"<tr><th>{_esc(k)}</th><td>{_esc(v)}</td></tr>" for k, v in rows) + "</table></div>"
        heritage_features.append(_point(h["lon"], h["lat"], {"name": h["name_zh"], "popup": popup}))
    _points_layer(
        heritage_features,
        lambda _f: {
            "fill": True,
            "color": "#4a148c",
            "weight": 1,
            "fillColor": "#ab47bc",
            "fillOpacity": 0.7,
            "radius": 3.5,
            "className": "heritage",
        },
        f"{_swatch('#ab47bc', line=False)} {t('National heritage sites')} ({len(heritage_features)})",
        show=False,
    ).add_to(m)
    rows = [f"{_swatch(GRADE_COLOURS[g], line=False)} {_esc(t('Scenic spots {grade}', grade=t(g)))}" for g in GRADES]
    rows += [
        f"{_swatch('#5c7cfa', line=False)} {_esc(t('Lodging (beds)'))}",
        f"{_swatch('#ab47bc', line=False)} {_esc(t('National heritage sites'))}",
    ]
    rows += road_legend(roads, t)
    _legend(m, t("Legend"), rows)
    finish_map(m)
    return m


# -- the coverage map -----------------------------------------------------------------------------


def coverage_map(
    report_geojson: Mapping[str, Any],
    roads: Mapping[str, Any],
    reported: Sequence[str],
    settings: Settings,
    t: Translate,
    *,
    approach_km: float = 2.0,
) -> folium.Map:
    """Signage coverage: the reported roads green, their gaps red on top, graded spots lacking an
    approach sign flagged at their junction, unmatched signs as grey points."""
    lang = _lang(t)
    m = base_map(settings, t)
    covered = folium.FeatureGroup(name=t("Road (not in a listed gap)"), show=True)
    road_names = {f["properties"]["road"]: road_name(f["properties"], lang) for f in roads.get("features", [])}
    for feature in roads.get("features", []):
        props = feature["properties"]
        if not feature.get("geometry") or props["road"] not in reported:
            continue
        name = road_name(props, lang)
        folium.GeoJson(
            {"type": "Feature", "geometry": feature["geometry"], "properties": {}},
            style_function=lambda _f: {"color": "#2e7d32", "weight": 5, "opacity": 0.85, "className": "covered"},
            tooltip=_tip(name),
        ).add_to(covered)
    covered.add_to(m)
    gaps = folium.FeatureGroup(name=t("Gaps"), show=True)
    flags = folium.FeatureGroup(name=t("Spots lacking an approach sign"), show=True)
    unmatched = folium.FeatureGroup(name=t("Unmatched signs"), show=True)
    for feature in report_geojson.get("features", []):
        p = feature["properties"]
        if p["layer"] == "gap":
            folium.PolyLine(
                [[y, x] for x, y in feature["geometry"]["coordinates"]],
                color="#d32f2f",
                weight=7,
                opacity=0.95,
                class_name="gap",
                tooltip=_tip(
                    f"{t('Gap')}: {p['km']:.1f} km ({p['start_km']:.1f}–{p['end_km']:.1f} km)"
                    + (f" · {p['nearest_town']}" if p.get("nearest_town") else "")
                ),
            ).add_to(gaps)
        elif p["layer"] == "spot_without_approach_sign":
            x, y = feature["geometry"]["coordinates"]
            popup = (
                f"<div class='popup'><h4>{_esc(p['name'])} ({_esc(p['grade'])})</h4>"
                f"<p>{_esc(t('No guide sign within {km} km before the junction', km=approach_km))}</p>"
                f"<table><tr><th>{_esc(t('Road'))}</th><td>{_esc(road_names.get(p['road_id'], p['road_id']))}</td></tr>"
                f"<tr><th>{_esc(t('Junction km'))}</th><td>{p['junction_km']:.1f}</td></tr></table></div>"
            )
            folium.Marker(
                [y, x],
                icon=folium.DivIcon(
                    html='<div class="pin flag">!</div>',
                    icon_size=(22, 22),
                    icon_anchor=(11, 11),
                    class_name="spot-flag",
                ),
                tooltip=_tip(f"{p['name']}: {t('no approach sign')}"),
                popup=_popup(popup),
            ).add_to(flags)
        elif p["layer"] == "unmatched_sign":
            x, y = feature["geometry"]["coordinates"]
            folium.CircleMarker(
                [y, x],
                radius=4,
                color="#424242",
                weight=1,
                fill=True,
                fill_color="#9e9e9e",
                fill_opacity=0.9,
                class_name="unmatched-sign",
                tooltip=_tip(f"{p['id']} · {p['kind']} · {p.get('distance_m') or 0:.0f} m"),
            ).add_to(unmatched)
    for group in (gaps, flags, unmatched):
        group.add_to(m)
    _legend(
        m,
        t("Legend"),
        [
            f"{_swatch('#2e7d32')} {_esc(t('Road (not in a listed gap)'))}",
            f"{_swatch('#d32f2f')} {_esc(t('Gaps'))}",
            f'<span class="pin mini flag">!</span> {_esc(t("Spots lacking an approach sign"))}',
            f"{_swatch('#9e9e9e', line=False)} {_esc(t('Unmatched signs'))}",
        ],
    )
    finish_map(m)
    return m
