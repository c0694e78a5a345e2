"""The labelled bed estimate."""

from __future__ import annotations

import pytest

from gis_data.lodging import estimate_lodging, largest_remainder
from gis_data.sources import CITY_POPULATION, SPOTS, TOWNS, read_rows


def test_largest_remainder_sums_exactly():
    shares = largest_remainder(10, {"a": 1, "b": 1, "c": 1})
    assert sum(shares.values()) == 10
    assert sorted(shares.values()) == [3, 3, 4]


def test_largest_remainder_rejects_zero_weights():
    with pytest.raises(ValueError, match="positive sum"):
        largest_remainder(5, {"a": 0})


def test_city_shares_follow_population():
    places = estimate_lodging(towns=read_rows(TOWNS), populations=read_rows(CITY_POPULATION), spots=read_rows(SPOTS))
    by_city: dict[str, int] = {}
    for p in places:
        by_city[p.city] = by_city.get(p.city, 0) + p.estimated_beds
    pops = {r["city"]: int(r["population_2020"]) for r in read_rows(CITY_POPULATION)}
    total_pop = sum(pops.values())
    for city, beds in by_city.items():
        assert beds == pytest.approx(1_000_000 * pops[city] / total_pop, abs=1)
    # 5A areas far from any county seat are lodging places of their own (e.g. Mount Wutai).
    assert any(p.id == "scenic:mount-wutai-scenic-area" for p in places)
