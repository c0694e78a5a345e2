"""Defaults of the coverage audit (no imports, so the command line can show them without loading numpy).

Why these values: see the notes of :mod:`routing.coverage`.
"""

DEFAULT_TOLERANCE_M = 150.0
DEFAULT_REACH_KM = 1.0
DEFAULT_GAP_KM = 5.0
DEFAULT_SPOT_RADIUS_KM = 10.0
DEFAULT_APPROACH_KM = 2.0
DEFAULT_GRADES = ("5A", "4A")
