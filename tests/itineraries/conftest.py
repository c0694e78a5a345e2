"""Shared fixtures for the itinerary tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# four SET1 instances kept in the repo (see data/ophs/README.md), for tests that need only those
SAMPLE = Path(__file__).resolve().parent / "data" / "ophs"


def ophs_data_folder() -> Path:
    """``shared/data/ophs`` beside the checkout (or beside its parent, for git worktrees)."""
    override = os.environ.get("JINLV_OPHS_DATA")
    if override:
        return Path(override)
    candidates = [ROOT / ".." / "shared" / "data" / "ophs", ROOT / ".." / ".." / "shared" / "data" / "ophs"]
    return next((c for c in candidates if c.is_dir()), candidates[0])


@pytest.fixture(scope="session")
def ophs_data() -> Path:
    folder = ophs_data_folder()
    if not (folder / "SET1").is_dir():
        pytest.skip(f"OPHS benchmark data not found at {folder}")
    return folder


@pytest.fixture(scope="session")
def ophs_sample() -> Path:
    """A folder with ``SET1/`` holding at least the four sample instances (the repo's own copy)."""
    return SAMPLE
