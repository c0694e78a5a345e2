"""Resolving place names."""

from __future__ import annotations

import pytest

from gis_data.db import session_scope
from gis_data.gazetteer import Gazetteer


@pytest.fixture
def gazetteer(loaded_engine):
    with session_scope(loaded_engine) as s:
        return Gazetteer.from_session(s)


def test_names_ids_and_points(gazetteer):
    assert gazetteer.resolve("太原").kind == "city"
    assert gazetteer.resolve("Taiyuan").name_zh == "太原市"
    assert gazetteer.resolve("Yungang Grottoes").id == "yungang-grottoes"
    assert gazetteer.resolve("yungang-grottoes").name_zh == "云冈石窟"
    assert gazetteer.resolve("五台山").id == "mount-wutai-scenic-area"
    assert gazetteer.resolve("壶口瀑布(吉县)").id == "hukou-waterfall-of-the-yellow-river"
    point = gazetteer.resolve(" 37.8, 112.5 ")
    assert (point.kind, point.lat, point.lon) == ("point", 37.8, 112.5)


def test_unknown_and_bad_input(gazetteer):
    with pytest.raises(LookupError, match="unknown place 'Atlantis'"):
        gazetteer.resolve("Atlantis")
    with pytest.raises(LookupError, match="empty"):
        gazetteer.resolve("  ")
    with pytest.raises(ValueError, match="out of range"):
        gazetteer.resolve("137.8,112.5")


def test_ambiguous_names_list_candidates(gazetteer):
    with pytest.raises(LookupError, match="ambiguous"):
        gazetteer.resolve("城区")
