"""Field-level validation: every bad cell becomes a :class:`RowError` naming row, field and value."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["id", "str", "int", "float", "bool", "enum", "time", "list"]
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,63}$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_TRUE = {"true", "1", "yes", "y", "是"}
_FALSE = {"false", "0", "no", "n", "否", ""}


@dataclass(frozen=True)
class RowError:
    """One problem in one row of an import file."""

    row: str
    field: str
    value: str
    message: str

    def __str__(self) -> str:
        return f"{self.row}: {self.field}={self.value!r}: {self.message}"

    def to_json(self) -> dict[str, str]:
        return {"row": self.row, "field": self.field, "value": self.value, "message": self.message}


class ImportError_(ValueError):
    """An import file with invalid rows; nothing was written."""

    def __init__(self, filename: str, errors: list[RowError]) -> None:
        self.filename = filename
        self.errors = errors
        shown = "\n".join(f"  {e}" for e in errors[:50])
        more = f"\n  ... and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(f"{filename}: {len(errors)} invalid value(s), nothing imported:\n{shown}{more}")


@dataclass(frozen=True)
class FieldSpec:
    """How one column is parsed and checked."""

    name: str
    kind: Kind
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    aliases: dict[str, str] | None = None
    max_len: int = 200

    def parse(self, raw: str) -> Any:
        """The typed value of ``raw``; raises ``ValueError`` with a message for the report."""
        if raw == "":
            if self.required:
                msg = "required value is missing"
                raise ValueError(msg)
            return None
        if len(raw) > self.max_len:
            msg = f"longer than {self.max_len} characters"
            raise ValueError(msg)
        if self.kind == "id":
            if not _ID.match(raw):
                msg = "ids are 1-64 letters, digits, '_', '-', '.', ':' and start with a letter or digit"
                raise ValueError(msg)
            return raw
        if self.kind == "str":
            return raw
        if self.kind in {"int", "float"}:
            return self._number(raw)
        if self.kind == "bool":
            lowered = raw.lower()
            if lowered in _TRUE:
                return True
            if lowered in _FALSE:
                return False
            msg = "expected true or false"
            raise ValueError(msg)
        if self.kind == "time":
            if not _TIME.match(raw):
                msg = "expected a time HH:MM (24 h)"
                raise ValueError(msg)
            return raw
        if self.kind == "enum":
            value = (self.aliases or {}).get(raw, raw)
            if value not in self.choices:
                msg = f"must be one of {', '.join(self.choices)}"
                raise ValueError(msg)
            return value
        parts = [p.strip() for p in re.split(r"[;,|]", raw) if p.strip()]
        bad = [p for p in parts if self.choices and (self.aliases or {}).get(p, p) not in self.choices]
        if bad:
            msg = f"{bad[0]!r} is not one of {', '.join(self.choices)}"
            raise ValueError(msg)
        return ";".join(dict.fromkeys((self.aliases or {}).get(p, p) for p in parts))

    def _number(self, raw: str) -> float | int:
        try:
            value = float(raw)
        except ValueError:
            msg = f"expected a number ({self.kind})"
            raise ValueError(msg) from None
        if not math.isfinite(value):
            msg = "must be a finite number"
            raise ValueError(msg)
        if self.kind == "int":
            if value != int(value):
                msg = "expected a whole number"
                raise ValueError(msg)
            value = int(value)
        if self.minimum is not None and value < self.minimum:
            msg = f"must be at least {self.minimum:g}"
            raise ValueError(msg)
        if self.maximum is not None and value > self.maximum:
            msg = f"must be at most {self.maximum:g}"
            raise ValueError(msg)
        return value


def parse_row(where: str, raw: dict[str, str], fields: tuple[FieldSpec, ...], errors: list[RowError]) -> dict[str, Any]:
    """Typed values of one row; every bad cell is appended to ``errors``. Unknown columns are
    ignored here (the import result lists them)."""
    out: dict[str, Any] = {}
    for spec in fields:
        value = raw.get(spec.name, "")
        try:
            out[spec.name] = spec.parse(value)
        except ValueError as exc:
            errors.append(RowError(where, spec.name, value, str(exc)))
    return out
