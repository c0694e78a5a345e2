"""``jinlv coverage`` on the real routed roads (built once per session by ``built_data_dir``)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from app.cli import main
from routing.signage_sample import SAMPLE_FILE


def _run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    capsys.readouterr()
    assert main(["coverage", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture(scope="module")
def sample_file(built_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("coverage") / "sample.csv"
    assert main(["coverage", "sample", "--out", str(path), "--count", "800", "--seed", "5"]) == 0
    return path


def test_sample_inventory_through_the_cli_is_consistent(sample_file: Path, capsys: pytest.CaptureFixture[str]):
    report = _run_json(capsys, "--signs", str(sample_file))
    assert report["synthetic_inventory"] is True
    assert "SYNTHETIC" in report["notice"]
    assert report["inventory"]["signs"] == report["inventory"]["synthetic_signs"] == 800
    assert {r["road_id"] for r in report["roads"]} == {"yellow_river", "great_wall", "taihang"}
    params = report["parameters"]
    assert params["crs"] == "EPSG:32649"
    assert params["junctions"] == "network"
    matched = 0
    for road in report["roads"]:
        length = road["length_km"]
        assert 0 < road["covered_km"] <= length
        assert road["coverage_pct"] == pytest.approx(100 * road["covered_km"] / length, abs=0.01)
        assert 0 <= road["multilingual_share"] <= 1
        for gap in road["gaps"]:
            assert 0 <= gap["start_km"] < gap["end_km"] <= length + 1e-6
            assert gap["km"] > params["gap_km"]
            assert gap["nearest_town"]
            assert gap["map_link"].startswith("https://www.openstreetmap.org/?mlat=")
        assert road["gaps_km"] <= length - road["covered_km"] + 1e-3
        assert sum(c["length_km"] for c in road["counties"]) == pytest.approx(length, rel=1e-3)
        assert sum(c["covered_km"] for c in road["counties"]) == pytest.approx(road["covered_km"], abs=0.05)
        assert all(c["covered_km"] <= c["length_km"] + 1e-6 for c in road["counties"])
        matched += road["signs_matched"]
    assert matched + len(report["unmatched_signs"]) + report["inventory"]["signs_on_other_roads"] == 800
    assert len(report["unmatched_signs"]) >= 4  # the sample's off-road signs
    assert all(u["distance_m"] > params["tolerance_m"] for u in report["unmatched_signs"])
    lengths = {r["road_id"]: r["length_km"] for r in report["roads"]}
    for spot in report["spots_without_approach_sign"] + report["spots_with_approach_sign"]:
        assert spot["grade"] in ("5A", "4A")
        assert 0 <= spot["junction_km"] <= lengths[spot["road_id"]] + 1e-6
        assert spot["distance_to_road_km"] <= params["spot_radius_km"]
    assert report["totals"]["spots_checked"] == sum(r["spots_checked"] for r in report["roads"]) > 0


def test_road_filter_and_report_files(sample_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    report = _run_json(capsys, "--signs", str(sample_file), "--road", "taihang", "--reach-km", "2", "--gap-km", "3")
    assert [r["road_id"] for r in report["roads"]] == ["taihang"]
    assert report["parameters"]["reach_km"] == 2.0
    assert report["inventory"]["signs_on_other_roads"] > 0
    html = tmp_path / "report.html"
    assert main(["coverage", "--signs", str(sample_file), "--out", str(html)]) == 0
    text = html.read_text(encoding="utf-8")
    assert '<div class="synthetic" role="alert">SYNTHETIC sign inventory' in text
    assert "OpenStreetMap contributors" in text
    assert "太行一号旅游公路" in text
    table = tmp_path / "report.csv"
    assert main(["coverage", "--signs", str(sample_file), "--out", str(table)]) == 0
    rows = list(csv.DictReader(io.StringIO(table.read_text(encoding="utf-8"))))
    assert rows[0]["record"] == "inventory" and "SYNTHETIC" in rows[0]["note"]
    assert {r["record"] for r in rows} >= {"road", "county", "gap", "unmatched_sign"}
    as_json = tmp_path / "report.json"
    assert main(["coverage", "--signs", str(sample_file), "--out", str(as_json)]) == 0
    assert json.loads(as_json.read_text(encoding="utf-8"))["synthetic_inventory"] is True


def test_committed_sample_passes_the_import_validation(built_data_dir: Path):
    from gis_data.db import get_engine, session_scope
    from routing.coverage_data import signs_from_file

    with session_scope(get_engine()) as session:
        signs = signs_from_file(session, SAMPLE_FILE.read_bytes(), filename=SAMPLE_FILE.name)
    assert len(signs) == 2500
    assert all(s.synthetic for s in signs)


def test_database_signs_are_used_without_signs_option(sample_file: Path, capsys: pytest.CaptureFixture[str]):
    empty = _run_json(capsys)
    assert empty["inventory"]["signs"] == 0
    assert empty["totals"]["covered_km"] == 0
    assert empty["synthetic_inventory"] is False
    assert len(empty["spots_without_approach_sign"]) == empty["totals"]["spots_checked"] > 0
    assert main(["import", "signs", str(sample_file)]) == 0
    try:
        imported = _run_json(capsys)
        assert imported["inventory"]["source"] == "database (signs table)"
        assert imported["inventory"]["signs"] == 800
        assert imported["synthetic_inventory"] is True
    finally:
        batch = json.loads(_list_batches(capsys))[0]["id"]
        assert main(["import", "rollback", str(batch)]) == 0


def _list_batches(capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert main(["import", "list", "--json"]) == 0
    return capsys.readouterr().out


def test_bad_input_is_a_one_line_error(built_data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["coverage", "--signs", str(tmp_path / "missing.csv"), "--json"]) == 1
    assert "no such file" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    bad.write_text("id,lat,lon,kind\ns1,37.5,112.5,guide\ns2,37.5,112.5,banner\n", encoding="utf-8")
    assert main(["coverage", "--signs", str(bad), "--json"]) == 1
    err = capsys.readouterr().err
    assert "line 3: kind='banner'" in err
    assert main(["coverage", "--out", str(tmp_path / "report.txt")]) == 1
    assert "use .html, .json or .csv" in capsys.readouterr().err
    assert main(["coverage", "sample", "--out", str(tmp_path / "s.json")]) == 1
    assert main(["coverage", "--reach-km", "0", "--json"]) == 1
    assert "reach_km must be a positive number" in capsys.readouterr().err
