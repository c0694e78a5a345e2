"""GCJ-02 <-> WGS84."""

from __future__ import annotations

import numpy as np

from gis_data.crs import gcj02_to_wgs84, wgs84_to_gcj02


def test_round_trip_is_centimetre_exact():
    lon = np.linspace(110.3, 114.5, 50)
    lat = np.linspace(34.7, 40.6, 50)
    glon, glat = wgs84_to_gcj02(lon, lat)
    assert np.all(np.hypot(glon - lon, glat - lat) > 1e-3)  # the offset is real (hundreds of metres)
    back_lon, back_lat = gcj02_to_wgs84(glon, glat)
    assert np.max(np.abs(back_lon - lon)) < 1e-7
    assert np.max(np.abs(back_lat - lat)) < 1e-7


def test_known_conversion_of_yungang():
    # national_heritage_sites.csv gives GCJ-02 40.111011,113.142938 and WGS84 40.109700,113.135800.
    lon, lat = gcj02_to_wgs84(113.142938, 40.111011)
    assert abs(lon - 113.1358) < 2e-5 and abs(lat - 40.1097) < 2e-5
