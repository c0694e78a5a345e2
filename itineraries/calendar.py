"""Opening hours and closures of a place on a given date.

Rules come from the spot data (``closures`` table and each place's ``closed_weekdays``):

* a closure is **enforced** (the planner will not schedule a visit) when the source says the place
  itself is closed (``hard``) and the rule recurs every year, or names the year of the date;
* every other rule whose dates include the day is an **advisory** shown with the visit;
* ``MM-DD`` windows may wrap the new year; a missing start or end means the start or end of the
  year; ``weekdays`` / ``monthdays`` narrow a window to those days;
* ``closed_weekdays`` reads ``DAYS [except EXC,...]`` (see ``gis_data/data/README.md``); statutory
  holidays are not known offline, so an ``except statutory_holidays`` exception is not applied
  (the planner errs on the closed side) and the advisory says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class ClosureRule:
    place_id: str
    kind: str
    start: str
    end: str
    weekdays: str
    monthdays: str
    hard: bool
    recurring: bool
    year: int | None
    basis: str


@dataclass(frozen=True)
class Hours:
    """A place's opening hours, with an optional peak season (``MM-DD`` window)."""

    open_time: str
    close_time: str
    offpeak_open_time: str = ""
    offpeak_close_time: str = ""
    peak_start: str = ""
    peak_end: str = ""
    closed_weekdays: str = ""


@dataclass(frozen=True)
class DayStatus:
    """Whether a place can be visited on one date, its hours (minutes after midnight) and notes."""

    open: bool
    open_minute: int = 0
    close_minute: int = 0
    reasons: tuple[str, ...] = ()
    advisories: tuple[str, ...] = field(default=())


def _md(text: str) -> tuple[int, int]:
    month, day = text.split("-")
    return int(month), int(day)


def in_window(day: date, start: str, end: str) -> bool:
    """Whether ``day`` lies in the ``MM-DD`` window ``[start, end]`` (wrapping the new year)."""
    md = (day.month, day.day)
    lo = _md(start) if start else (1, 1)
    hi = _md(end) if end else (12, 31)
    if lo <= hi:
        return lo <= md <= hi
    return md >= lo or md <= hi


def _minutes(hhmm: str) -> int:
    hh, mm = hhmm.split(":")
    return int(hh) * 60 + int(mm)


def _weekday_closed(day: date, spec: str) -> tuple[bool, str]:
    """Apply a ``closed_weekdays`` spec; returns (closed, note)."""
    if not spec.strip():
        return False, ""
    days_part, _, except_part = spec.partition(" except ")
    days = {d.strip() for d in days_part.split(",") if d.strip()}
    if WEEKDAYS[day.weekday()] not in days:
        return False, ""
    note = ""
    for exc in (e.strip() for e in except_part.split(",") if e.strip()):
        if ".." in exc:
            lo, hi = exc.split("..")
            if in_window(day, lo, hi):
                return False, ""
        elif exc in {"statutory_holidays", "spring_festival"}:
            note = f"closed on {WEEKDAYS[day.weekday()]} except on {exc.replace('_', ' ')} (not known offline)"
    return True, note or f"closed every {WEEKDAYS[day.weekday()]}"


def rule_applies(rule: ClosureRule, day: date) -> bool:
    """Whether the dates of ``rule`` include ``day`` (ignoring whether it is enforced)."""
    if not rule.recurring and rule.year is not None and rule.year != day.year:
        return False
    if not (rule.start or rule.end or rule.weekdays or rule.monthdays):
        return rule.recurring
    if (rule.start or rule.end) and not in_window(day, rule.start, rule.end):
        return False
    if rule.weekdays and WEEKDAYS[day.weekday()] not in {d.strip() for d in rule.weekdays.split(",")}:
        return False
    return not (rule.monthdays and str(day.day) not in {d.strip() for d in rule.monthdays.split(",")})


def enforced(rule: ClosureRule) -> bool:
    """A closure the planner must respect: the place itself closed, every year or in a named year,
    on stated dates or weekdays (conditional rules such as 'closes in heavy snow' are advisories)."""
    dated = bool(rule.start or rule.end or rule.weekdays or rule.monthdays)
    return rule.hard and dated and (rule.recurring or rule.year is not None)


def day_status(hours: Hours, rules: Iterable[ClosureRule], day: date) -> DayStatus:
    """Whether the place is open on ``day``, its hours that day, and the notes that apply."""
    reasons: list[str] = []
    advisories: list[str] = []
    closed_weekday, note = _weekday_closed(day, hours.closed_weekdays)
    if closed_weekday:
        reasons.append(note)
    for rule in rules:
        if not rule_applies(rule, day):
            continue
        text = f"{rule.kind}: {rule.basis}".strip()
        if enforced(rule):
            reasons.append(text)
        else:
            advisories.append(text)
    if hours.peak_start and hours.peak_end and not in_window(day, hours.peak_start, hours.peak_end):
        open_t = hours.offpeak_open_time or hours.open_time
        close_t = hours.offpeak_close_time or hours.close_time
    else:
        open_t, close_t = hours.open_time, hours.close_time
    if reasons:
        return DayStatus(False, reasons=tuple(reasons), advisories=tuple(advisories))
    return DayStatus(True, _minutes(open_t), _minutes(close_t), advisories=tuple(advisories))
