"""The trip request: what a tourist or agency asks for, validated and immutable."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

CHINA_TZ = ZoneInfo("Asia/Shanghai")
THEME_IDS = (
    "red_tourism",
    "ancient_architecture",
    "jin_merchant",
    "great_wall",
    "yellow_river",
    "taihang",
    "buddhist",
    "nature",
    "national_treasure",
)
MAX_DAYS = 14
MAX_MUST_SEE = 12
ANYWHERE = "anywhere"
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class Pace(StrEnum):
    """How long visits take: a multiplier on each spot's typical visit time."""

    relaxed = "relaxed"
    normal = "normal"
    packed = "packed"

    @property
    def visit_factor(self) -> float:
        return {"relaxed": 1.3, "normal": 1.0, "packed": 0.75}[self.value]


def _today() -> date:
    return datetime.now(CHINA_TZ).date()


def _minutes(text: str) -> int:
    hh, mm = text.split(":")
    return int(hh) * 60 + int(mm)


PlaceText = Annotated[str, Field(min_length=1, max_length=80)]


class TripRequest(BaseModel):
    """A multi-day self-drive trip request.

    ``start`` and ``end`` are place names (spot, town or city, Chinese or English), ids, or
    ``"lat,lon"``; ``end`` defaults to the start (a round trip) and may be ``"anywhere"``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: PlaceText
    end: PlaceText | None = None
    start_date: date = Field(default_factory=_today)
    days: int = Field(default=3, ge=1, le=MAX_DAYS)
    day_start: str = "08:00"
    day_end: str = "19:00"
    max_drive_hours: float = Field(default=4.0, gt=0, le=12)
    pace: Pace = Pace.normal
    themes: dict[str, float] = Field(default_factory=dict)
    must_see: tuple[PlaceText, ...] = Field(default=(), max_length=MAX_MUST_SEE)
    exclude: tuple[PlaceText, ...] = Field(default=(), max_length=200)
    group_size: int = Field(default=2, ge=1, le=500)
    prefer_tourist_roads: float = Field(default=1.0, ge=0.5, le=1.0)
    include_heritage: bool = True
    language: str = Field(default="zh", pattern="^(zh|en)$")

    @field_validator("themes", mode="before")
    @classmethod
    def _themes(cls, value: Any) -> Any:
        if value is None:
            return {}
        if isinstance(value, str):
            value = [t for t in re.split(r"[,;\s]+", value) if t]
        if isinstance(value, (list, tuple)):
            value = dict.fromkeys(value, 1.0)
        return value

    @field_validator("themes")
    @classmethod
    def _theme_ids(cls, value: dict[str, float]) -> dict[str, float]:
        for theme, weight in value.items():
            if theme not in THEME_IDS:
                msg = f"unknown theme {theme!r}: expected one of {', '.join(THEME_IDS)}"
                raise ValueError(msg)
            if not 0 <= weight <= 1:
                msg = f"theme weight of {theme!r} must be in [0, 1], got {weight}"
                raise ValueError(msg)
        return value

    @field_validator("day_start", "day_end")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        if not _HHMM.match(value):
            msg = f"expected a time HH:MM (24 h), got {value!r}"
            raise ValueError(msg)
        return value

    @field_validator("start_date")
    @classmethod
    def _date_range(cls, value: date) -> date:
        today = _today()
        if not today - timedelta(days=366) <= value <= today + timedelta(days=3 * 366):
            msg = f"start_date {value.isoformat()} is out of range (within a year back and three years ahead)"
            raise ValueError(msg)
        return value

    @model_validator(mode="after")
    def _window(self) -> TripRequest:
        if _minutes(self.day_end) - _minutes(self.day_start) < 120:
            msg = f"day_end {self.day_end} must be at least 2 hours after day_start {self.day_start}"
            raise ValueError(msg)
        return self

    @property
    def window_minutes(self) -> int:
        return _minutes(self.day_end) - _minutes(self.day_start)

    @property
    def day_start_minute(self) -> int:
        """``day_start`` in minutes after midnight."""
        return _minutes(self.day_start)

    @property
    def round_trip(self) -> bool:
        return self.end is None

    @property
    def open_end(self) -> bool:
        return self.end is not None and self.end.strip().lower() == ANYWHERE

    def dates(self) -> list[date]:
        return [self.start_date + timedelta(days=d) for d in range(self.days)]

    def digest(self) -> str:
        """Stable hash of the request, for plan caching."""
        payload = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()
