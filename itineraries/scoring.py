"""How much a visit is worth: grade value times theme match.

* grade value: 5A 10, 4A 6, 3A 4, 2A/1A 3, unverified 3; a visitable national heritage site 5;
* with themes requested, a member of a requested theme of weight ``w`` counts ``1 + 4 w`` times its
  value and every other place a quarter, so any member (at least 3) outscores any other place (at
  most 2.5). The planner also plans theme-first (:func:`itineraries.planner.plan_trip`): the tour of
  the members (and must-see places) alone, then others only in the time the theme leaves free.
"""

from __future__ import annotations

GRADE_VALUE = {"5A": 10.0, "4A": 6.0, "3A": 4.0, "2A": 3.0, "1A": 3.0, "unverified": 3.0, "heritage": 5.0}
NON_MEMBER_FACTOR = 0.25


def grade_value(grade: str) -> float:
    return GRADE_VALUE.get(grade, 3.0)


def place_score(grade: str, memberships: set[str], themes: dict[str, float]) -> float:
    """Score of a place of ``grade`` in the given themes, for a request with theme weights ``themes``."""
    value = grade_value(grade)
    if not themes:
        return value
    weights = [w for theme, w in themes.items() if theme in memberships]
    if not weights:
        return value * NON_MEMBER_FACTOR
    return value * (1.0 + 4.0 * max(weights))
