"""The theme catalogue: themes, their member places and the named boutique-line presets.

The data live in ``gis_data/data`` (``themes.csv``, ``theme_members.csv``, ``theme_presets.csv``),
reviewable in one place; member places are scenic spots and, for themes that include them,
national heritage sites with evidence that visitors can go.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from gis_data.sources import HERITAGE, SPOTS, THEME_MEMBERS, THEME_PRESETS, THEMES, read_rows


@dataclass(frozen=True)
class Theme:
    id: str
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str
    includes_heritage: bool
    scoring_rule: str
    members: frozenset[str]


@dataclass(frozen=True)
class Preset:
    id: str
    name_zh: str
    name_en: str
    theme: str
    days: int
    start_city: str
    must_see: tuple[str, ...]
    source: str
    end_city: str = ""  # empty: back to the start
    day_start: str = ""  # empty: the trip request's default

    def trip_fields(self, *, routable: Callable[[str], bool] | None = None) -> tuple[dict[str, Any], list[str]]:
        """The trip-request fields of this line (start, end, days, theme, must-see), and the
        must-see ids left out because ``routable(place_id)`` says they cannot be visited (no
        coordinates in the data)."""
        keep = [p for p in self.must_see if routable is None or routable(p)]
        fields: dict[str, Any] = {
            "start": self.start_city,
            "days": self.days,
            "themes": [self.theme],
            "must_see": keep,
        }
        if self.end_city:
            fields["end"] = self.end_city
        if self.day_start:
            fields["day_start"] = self.day_start
        return fields, [p for p in self.must_see if p not in keep]


@cache
def place_name(place_id: str) -> str:
    """The Chinese name of a spot or heritage site in the layer files (the id itself if unknown),
    for messages about a line's must-see places."""
    return _place_names().get(place_id, place_id)


@cache
def _place_names() -> dict[str, str]:
    return {r["id"]: r["name_zh"] for name in (SPOTS, HERITAGE) for r in read_rows(name)}


@cache
def themes() -> dict[str, Theme]:
    """Every theme by id."""
    members: dict[str, set[str]] = defaultdict(set)
    for row in read_rows(THEME_MEMBERS):
        members[row["theme_id"]].add(row["place_id"])
    return {
        r["theme_id"]: Theme(
            id=r["theme_id"],
            name_zh=r["name_zh"],
            name_en=r["name_en"],
            description_zh=r["description_zh"],
            description_en=r["description_en"],
            includes_heritage=r["includes_heritage"].lower() == "true",
            scoring_rule=r["scoring_rule"],
            members=frozenset(members[r["theme_id"]]),
        )
        for r in read_rows(THEMES)
    }


@cache
def presets() -> dict[str, Preset]:
    """The named boutique lines by id."""
    return {
        r["preset_id"]: Preset(
            id=r["preset_id"],
            name_zh=r["name_zh"],
            name_en=r["name_en"],
            theme=r["theme_id"],
            days=int(r["suggested_days"]),
            start_city=r["start_city"],
            end_city=r.get("end_city", "").strip(),
            day_start=r.get("day_start", "").strip(),
            must_see=tuple(p for p in r["must_see"].split(";") if p),
            source=r["source"],
        )
        for r in read_rows(THEME_PRESETS)
    }


def theme_memberships(place_id: str) -> set[str]:
    """The ids of the themes ``place_id`` belongs to."""
    return {t.id for t in themes().values() if place_id in t.members}
