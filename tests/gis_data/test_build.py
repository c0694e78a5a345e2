"""Loading the built-in layers into SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from gis_data import models
from gis_data.build import load_builtin_layers
from gis_data.db import session_scope
from gis_data.lodging import PROVINCE_BED_TARGET
from gis_data.sources import SPOTS, TOWNS, read_rows
from tests.conftest import dump_tables


def test_layers_load_completely(loaded_engine):
    with session_scope(loaded_engine) as s:
        spots = list(s.scalars(select(models.Spot)))
        assert len(spots) == len(read_rows(SPOTS)) == 97
        assert Counter(sp.grade for sp in spots)["5A"] == 11
        no_coords = [sp for sp in spots if sp.lat is None]
        assert no_coords and all(sp.coord_quality == "missing" for sp in no_coords)
        assert s.scalar(select(func.count()).select_from(models.HeritageSite)) == 532
        assert (
            s.scalar(select(func.count()).select_from(models.HeritageSite).where(models.HeritageSite.lat.is_not(None)))
            == 504
        )
        roads = {r.id: r.official_km for r in s.scalars(select(models.TouristRoad))}
        assert roads == {"yellow_river": 1238.0, "great_wall": 1198.0, "taihang": 1225.0}
        lodging = list(s.scalars(select(models.LodgingPlace)))
        seats = {lp.id for lp in lodging if lp.kind == "county_seat"}
        assert seats == {t["adcode"] for t in read_rows(TOWNS)}
        assert sum(lp.estimated_beds for lp in lodging) == PROVINCE_BED_TARGET
        assert all("ESTIMATE" in lp.estimate_basis for lp in lodging)
        assert s.scalar(select(func.count()).select_from(models.Boundary).where(models.Boundary.level == "city")) == 11


def test_defaults_are_flagged_and_facts_are_used(loaded_engine):
    with session_scope(loaded_engine) as s:
        yungang = s.get(models.Spot, "yungang-grottoes")
        assert yungang.ticket_cny == 120
        assert (yungang.open_time, yungang.close_time) == ("08:30", "17:30")
        assert not yungang.hours_are_default
        assert yungang.visit_is_default and yungang.visit_basis.startswith("DEFAULT")
        assert all(sp.visit_minutes > 0 for sp in s.scalars(select(models.Spot)))


def test_heritage_linked_not_duplicated(loaded_engine):
    with session_scope(loaded_engine) as s:
        site = s.scalars(select(models.HeritageSite).where(models.HeritageSite.name_zh == "云冈石窟")).one()
        assert site.spot_id == "yungang-grottoes"


def test_second_load_changes_nothing(loaded_engine):
    before = dump_tables(loaded_engine)
    assert load_builtin_layers(loaded_engine) == {}
    after = dump_tables(loaded_engine)
    assert before == after
