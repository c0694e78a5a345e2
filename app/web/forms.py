"""The planner form: form fields <-> trip request, and errors mapped to fields in the page language."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from app.web.i18n import Translator
from itineraries.request import ANYWHERE, CHINA_TZ, TripRequest
from itineraries.themes import presets

PREFERRED_ROAD_FACTOR = 0.7  # "prefer tourist roads": their edges cost 70 % (routing.router)
FIELDS = (
    "start", "end", "start_date", "days", "day_start", "day_end", "themes", "pace", "group_size",
    "max_drive_hours", "must_see", "exclude", "prefer_tourist_roads", "include_heritage",
)  # fmt: skip


def default_form() -> dict[str, Any]:
    """The form's initial values (the trip request's defaults)."""
    return {
        "start": "",
        "end_mode": "start",
        "end": "",
        "start_date": datetime.now(CHINA_TZ).date().isoformat(),
        "days": 3,
        "day_start": "08:00",
        "day_end": "19:00",
        "themes": [],
        "pace": "normal",
        "group_size": 2,
        "max_drive_hours": 4,
        "must_see": [],
        "prefer_tourist_roads": True,
        "include_heritage": True,
    }


def form_from_request(request: dict[str, Any]) -> dict[str, Any]:
    """Form values of a saved trip request (to edit and plan again)."""
    form = default_form()
    end = request.get("end")
    form.update(
        {
            "start": request.get("start", ""),
            "end_mode": "start" if end is None else "anywhere" if str(end).lower() == ANYWHERE else "place",
            "end": "" if end is None or str(end).lower() == ANYWHERE else end,
            "start_date": request.get("start_date", form["start_date"]),
            "days": request.get("days", 3),
            "day_start": request.get("day_start", "08:00"),
            "day_end": request.get("day_end", "19:00"),
            "themes": list(request.get("themes") or {}),
            "pace": request.get("pace", "normal"),
            "group_size": request.get("group_size", 2),
            "max_drive_hours": request.get("max_drive_hours", 4),
            "must_see": list(request.get("must_see") or ()),
            "prefer_tourist_roads": float(request.get("prefer_tourist_roads", 1.0)) < 1.0,
            "include_heritage": bool(request.get("include_heritage", True)),
        }
    )
    return form


def form_from_preset(preset_id: str, *, routable: Callable[[str], bool] | None = None) -> dict[str, Any] | None:
    """Form values of a named boutique line (None if unknown); must-see places that are not
    ``routable`` (no coordinates in the data) are left out."""
    preset = presets().get(preset_id)
    if preset is None:
        return None
    fields, _ = preset.trip_fields(routable=routable)
    form = default_form()
    form.update({k: v for k, v in fields.items() if k != "end"})
    if "end" in fields:
        form.update({"end_mode": "place", "end": fields["end"]})
    return form


def form_values(form: FormData) -> dict[str, Any]:
    """The submitted values, as the template shows them again."""
    values = default_form()
    for key in ("start", "end_mode", "end", "start_date", "days", "day_start", "day_end", "pace", "group_size"):
        if key in form:
            values[key] = str(form.get(key) or "").strip()
    if "max_drive_hours" in form:
        values["max_drive_hours"] = str(form.get("max_drive_hours") or "").strip()
    values["themes"] = [str(v) for v in form.getlist("themes")]
    values["must_see"] = [str(v) for v in form.getlist("must_see") if str(v).strip()]
    submitted = "submitted" in form
    values["prefer_tourist_roads"] = form.get("prefer_tourist_roads") == "on" if submitted else True
    values["include_heritage"] = form.get("include_heritage") == "on" if submitted else True
    return values


def request_data(values: dict[str, Any], *, lang: str) -> dict[str, Any]:
    """The trip request of the form values (validated by :class:`TripRequest`)."""
    data: dict[str, Any] = {
        "start": values["start"],
        "start_date": values["start_date"],
        "days": values["days"],
        "day_start": values["day_start"],
        "day_end": values["day_end"],
        "themes": values["themes"],
        "pace": values["pace"],
        "group_size": values["group_size"],
        "max_drive_hours": values["max_drive_hours"],
        "must_see": values["must_see"],
        "prefer_tourist_roads": PREFERRED_ROAD_FACTOR if values["prefer_tourist_roads"] else 1.0,
        "include_heritage": values["include_heritage"],
        "language": lang,
    }
    mode = values.get("end_mode") or "start"
    if mode == "anywhere":
        data["end"] = ANYWHERE
    elif mode == "place":
        data["end"] = values.get("end") or ""
    return data


def validate(data: dict[str, Any]) -> TripRequest:
    """:class:`TripRequest` of ``data``; ``ValidationError`` as pydantic raises it."""
    return TripRequest.model_validate(data)


def pydantic_errors(exc: ValidationError) -> list[dict[str, Any]]:
    """Errors of a ``TripRequest`` validation in the API's format (``loc`` starting with ``body``)."""
    return [
        {"loc": ["body", *err["loc"]], "msg": err["msg"], "type": err["type"], "ctx": err.get("ctx") or {}}
        | ({"input": err["input"]} if isinstance(err.get("input"), (str, int, float)) else {})
        for err in exc.errors()
    ]


_UNKNOWN = re.compile(r"unknown place '(.*)':")
_AMBIGUOUS = re.compile(r"place '(.*)' is ambiguous: (.*)$")


def _field(err: dict[str, Any]) -> str:
    loc = [p for p in err.get("loc", []) if p != "body"]
    if loc and isinstance(loc[0], str) and loc[0] in FIELDS:
        return loc[0]
    msg = str(err.get("msg", ""))
    if "day_end" in msg:
        return "day_end"
    return "__all__"


def localise(err: dict[str, Any], t: Translator) -> str:
    """The message of one error in the page language."""
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    msg = str(err.get("msg", ""))
    value = err.get("input")
    if kind in ("missing", "string_too_short"):
        return t("This field is required.")
    if kind == "greater_than_equal":
        return t("Must be at least {limit}.", limit=ctx.get("ge"))
    if kind == "less_than_equal":
        return t("Must be at most {limit}.", limit=ctx.get("le"))
    if kind == "greater_than":
        return t("Must be more than {limit}.", limit=ctx.get("gt"))
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return t("Enter a whole number.")
    if kind in ("float_parsing", "float_type"):
        return t("Enter a number.")
    if kind.startswith("date_"):
        return t("Enter a valid date (YYYY-MM-DD).")
    if kind in ("enum", "literal_error", "string_pattern_mismatch"):
        return t("Choose one of the options.")
    if kind == "too_long":
        return t("Too many spots (at most {limit}).", limit=ctx.get("max_length"))
    if kind == "value_error":
        if "unknown theme" in msg:
            return t("Unknown theme.")
        if "expected a time" in msg:
            return t("Enter a time as HH:MM (24 h).")
        if "out of range" in msg and "start_date" in msg:
            return t("The start date must be within a year back and three years ahead.")
        if "at least 2 hours" in msg:
            return t("The day must end at least 2 hours after it starts.")
    if kind == "unknown_place":
        if match := _AMBIGUOUS.search(msg):
            return t("“{place}” is ambiguous: {names}.", place=match.group(1), names=match.group(2))
        return t(
            "Unknown place “{place}”: give a scenic spot, town or city name, an id, or lat,lon.",
            place=value if value is not None else (m.group(1) if (m := _UNKNOWN.search(msg)) else ""),
        )
    if kind == "unroutable_place":
        return t("“{place}” has no coordinates in the data and cannot be routed.", place=value or "")
    if kind == "infeasible_trip":
        return f"{t('No feasible trip:')} {msg}"
    return msg or t("Invalid value.")


def field_errors(errors: list[dict[str, Any]], t: Translator) -> dict[str, str]:
    """Field name (or ``__all__``) -> message(s), in the page language."""
    out: dict[str, list[str]] = {}
    for err in errors:
        text = localise(err, t)
        bucket = out.setdefault(_field(err), [])
        if text not in bucket:
            bucket.append(text)
    return {k: " ".join(v) for k, v in out.items()}
