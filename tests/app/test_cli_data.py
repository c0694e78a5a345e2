"""``jinlv data check`` and ``jinlv import`` from the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from app.cli import main
from tests.conftest import REPO, SHARED_DATA


def test_data_check_json_meets_the_foundation_targets(built_data_dir, capsys):
    assert main(["data", "check", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["spots_by_grade"]["5A"] == 11
    assert report["spots_outside_city"] == []
    assert report["tourist_roads"] == 3
    assert report["cities"] == 11
    assert report["county_seats_with_lodging"] == 117
    assert report["beds_total"] == report["beds_estimated"] == 1_000_000
    assert len(report["spots_without_coords"]) == 37
    net = report["network"]
    assert net["largest_component_share"] >= 0.99
    assert net["seat_pairs"] == net["seat_pairs_connected"] == 55
    assert net["nodes"] > 5000 and net["edges"] > net["nodes"]


def test_every_shared_spot_with_coordinates_is_in_its_city(built_data_dir, capsys):
    import csv

    shared = SHARED_DATA / "poi" / "scenic_spots.csv"
    if not shared.exists():
        return
    with shared.open(encoding="utf-8") as fh:
        located = [r for r in csv.DictReader(fh) if r["lat"]]
    assert main(["data", "check", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["spots"] - len(report["spots_without_coords"]) == len(located) == 60
    assert report["spots_outside_city"] == []


def test_malformed_import_exits_nonzero_with_a_report(built_data_dir, tmp_path):
    bad = tmp_path / "signs.csv"
    bad.write_text(
        "id,lat,lon,kind\ns1,37.87,112.56,guide\ns2,38.04,114.51,guide\ns1,37.9,112.6,guide\n", encoding="utf-8"
    )
    env = os.environ | {"JINLV_DATA_DIR": str(built_data_dir)}
    run = subprocess.run(
        [sys.executable, "-m", "app.cli", "import", "signs", str(bad)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1
    assert "line 3: lat,lon='38.04,114.51'" in run.stderr and "河北省" in run.stderr
    assert "line 4: id='s1': duplicate id" in run.stderr
    assert "Traceback" not in run.stderr
    listing = subprocess.run(
        [sys.executable, "-m", "app.cli", "import", "list", "--json"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert json.loads(listing.stdout) == []
