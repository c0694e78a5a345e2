"""Property tests: whatever bytes an import gets, it answers with a report, never another exception."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gis_data.build import load_builtin_layers
from gis_data.db import create_db_engine, session_scope
from gis_data.importers import ImportError_
from gis_data.importers.batches import validate_file

LAYERS = ("spots", "lodging", "signs")
COLUMNS = ("id", "name", "name_zh", "grade", "city", "lat", "lon", "kind", "beds", "languages", "town", "bearing")
cells = st.one_of(
    st.text(max_size=12),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(-(10**6), 10**6).map(str),
    st.sampled_from(["", "37.8", "112.5", "5A", "guide", "zh;en", "太原市", "nan", "1e309", "-0"]),
)


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    engine = create_db_engine(f"sqlite:///{tmp_path_factory.mktemp('props') / 'p.sqlite3'}")
    load_builtin_layers(engine)
    yield engine
    engine.dispose()


def _validate(engine, layer: str, data: bytes, filename: str) -> None:
    with session_scope(engine) as session:
        try:
            rows, _ = validate_file(session, layer, data, filename=filename)
        except ImportError_ as exc:
            assert exc.errors and all(e.row and e.field for e in exc.errors)
        except ValueError as exc:
            assert filename in str(exc) or "layer" in str(exc)
        else:
            assert all("id" in r for r in rows)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(layer=st.sampled_from(LAYERS), data=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".geojson"]))
def test_random_bytes(engine, layer, data, suffix):
    _validate(engine, layer, data, f"f{suffix}")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    layer=st.sampled_from(LAYERS),
    header=st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=8, unique=True),
    rows=st.lists(st.lists(cells, min_size=0, max_size=9), max_size=6),
)
def test_random_csv_tables(engine, layer, header, rows):
    lines = [",".join(header)] + [",".join(c.replace(",", " ").replace("\n", " ") for c in r) for r in rows]
    _validate(engine, layer, "\n".join(lines).encode(), "f.csv")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    layer=st.sampled_from(LAYERS),
    doc=st.recursive(
        st.none() | st.booleans() | st.floats() | st.text(max_size=8),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
        max_leaves=12,
    ),
)
def test_random_json_documents(engine, layer, doc):
    _validate(engine, layer, json.dumps(doc).encode(), "f.geojson")
    features = {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": doc, "properties": doc}]}
    _validate(engine, layer, json.dumps(features).encode(), "f.geojson")
