"""The project's own data files (``gis_data/data``) and typed access to their rows.

Every file keeps the source columns of the facts it was copied from; see
``gis_data/data/README.md`` for what each column means and where it came from.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

SPOTS = "scenic_spots.csv"
HERITAGE = "national_heritage_sites.csv"
HERITAGE_LINKS = "heritage_links.csv"
PLACE_FACTS = "place_facts.csv"
CLOSURES = "closures.csv"
SPOT_KINDS = "spot_kinds.csv"
VISIT_DEFAULTS = "visit_defaults.csv"
CONTROL_POINTS = "road_control_points.csv"
TOWNS = "towns.csv"
CITY_POPULATION = "city_population_2020.csv"
DRIVE_TIMES = "drive_times.csv"
THEMES = "themes.csv"
THEME_MEMBERS = "theme_members.csv"
THEME_PRESETS = "theme_presets.csv"


def data_path(name: str) -> Path:
    """Path of the data file ``name`` in ``gis_data/data``."""
    return DATA_DIR / name


def read_rows(name: str) -> list[dict[str, str]]:
    """Rows of a data file as dicts of stripped strings (empty string for a blank cell)."""
    with data_path(name).open(encoding="utf-8", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def file_sha256(*names: str) -> str:
    """One digest over the named data files, to tell whether a built-in layer must be reloaded."""
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode())
        digest.update(data_path(name).read_bytes())
    return digest.hexdigest()


def optional_float(value: str) -> float | None:
    return float(value) if value else None


def optional_int(value: str) -> int | None:
    return int(float(value)) if value else None
