"""``GET /api/themes``: the theme catalogue and the named boutique lines."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from itineraries.themes import presets, themes

router = APIRouter(prefix="/api", tags=["layers"])


class ThemeOut(BaseModel):
    id: str
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str
    includes_heritage: bool
    scoring_rule: str
    members: int


class PresetOut(BaseModel):
    id: str
    name_zh: str
    name_en: str
    theme: str
    days: int
    start_city: str
    end_city: str = Field("", description="where the line ends; empty: back to the start")
    day_start: str = Field("", description="suggested start of each day (HH:MM); empty: the request default")
    must_see: list[str]
    source: str


class ThemesOut(BaseModel):
    themes: list[ThemeOut]
    presets: list[PresetOut]


def theme_list() -> list[ThemeOut]:
    return [
        ThemeOut(
            id=t.id,
            name_zh=t.name_zh,
            name_en=t.name_en,
            description_zh=t.description_zh,
            description_en=t.description_en,
            includes_heritage=t.includes_heritage,
            scoring_rule=t.scoring_rule,
            members=len(t.members),
        )
        for t in themes().values()
    ]


@router.get("/themes", response_model=ThemesOut)
def list_themes() -> ThemesOut:
    """Themes (ids as used in a trip request's ``themes``) with zh/en names, and the preset lines."""
    return ThemesOut(
        themes=theme_list(),
        presets=[
            PresetOut(
                id=p.id,
                name_zh=p.name_zh,
                name_en=p.name_en,
                theme=p.theme,
                days=p.days,
                start_city=p.start_city,
                end_city=p.end_city,
                day_start=p.day_start,
                must_see=list(p.must_see),
                source=p.source,
            )
            for p in presets().values()
        ],
    )
