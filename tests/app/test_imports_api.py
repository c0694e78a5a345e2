"""Write protection of the import endpoints, uploads, audit, and rollback over HTTP."""

from __future__ import annotations

import os

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from gis_data import models
from gis_data.db import get_engine, session_scope
from tests.conftest import clear_caches

GOOD = b"id,lat,lon,kind,languages\napi-s1,37.87,112.56,guide,zh;en\napi-s2,37.9,112.6,direction,zh\n"
BAD = b"id,lat,lon,kind\napi-b1,37.87,112.56,guide\napi-b2,38.04,114.51,guide\n"


@pytest.fixture
def client_with_tokens(built_data_dir):
    from app.main import create_app

    os.environ["JINLV_API_TOKENS"] = "bureau-a:s3cret-a,bureau-b:s3cret-b"
    clear_caches()
    try:
        with TestClient(create_app()) as client:
            yield client
    finally:
        os.environ.pop("JINLV_API_TOKENS")
        clear_caches()


def test_writes_are_refused_without_a_valid_token(client_with_tokens):
    c = client_with_tokens
    files = {"file": ("signs.csv", GOOD, "text/csv")}
    missing = c.post("/api/imports/signs", files=files)
    assert missing.status_code == 401 and "Bearer" in missing.headers["www-authenticate"]
    wrong = c.post("/api/imports/signs", files=files, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403 and "not valid" in wrong.json()["detail"]
    assert c.post("/api/imports/7/rollback").status_code == 401
    with session_scope(get_engine()) as s:
        assert s.get(models.Sign, "api-s1") is None


def test_writes_are_disabled_when_no_token_is_configured(built_data_dir):
    from app.main import create_app

    clear_caches()
    with TestClient(create_app()) as c:
        r = c.post(
            "/api/imports/signs",
            files={"file": ("s.csv", GOOD, "text/csv")},
            headers={"Authorization": "Bearer anything"},
        )
    assert r.status_code == 403 and "JINLV_API_TOKEN" in r.json()["detail"]


def test_authorised_import_is_audited_and_can_be_rolled_back(client_with_tokens):
    c = client_with_tokens
    auth = {"Authorization": "Bearer s3cret-b"}
    bad = c.post("/api/imports/signs", files={"file": ("bad.csv", BAD, "text/csv")}, headers=auth)
    assert bad.status_code == 422
    rows = bad.json()["detail"][0]["rows"]
    assert [(r["row"], r["field"]) for r in rows] == [("line 3", "lat,lon")]
    ok = c.post("/api/imports/signs", files={"file": ("good.csv", GOOD, "text/csv")}, headers=auth)
    assert ok.status_code == 201, ok.text
    batch = ok.json()
    assert (batch["rows"], batch["actor"]) == (2, "bureau-b")
    assert c.get("/api/imports").json()[0]["id"] == batch["batch_id"]
    with session_scope(get_engine()) as s:
        entry = s.scalars(select(models.AuditEntry).where(models.AuditEntry.batch_id == batch["batch_id"])).one()
        assert (entry.actor, entry.action) == ("bureau-b", "import signs")
        assert entry.at is not None
    undo = c.post(f"/api/imports/{batch['batch_id']}/rollback", headers={"Authorization": "Bearer s3cret-a"})
    assert undo.status_code == 200
    again = c.post(f"/api/imports/{batch['batch_id']}/rollback", headers={"Authorization": "Bearer s3cret-a"})
    assert again.status_code == 409
    assert c.post("/api/imports/99999/rollback", headers=auth).status_code == 404
    with session_scope(get_engine()) as s:
        assert s.get(models.Sign, "api-s1") is None
        actors = [a.actor for a in s.scalars(select(models.AuditEntry).where(models.AuditEntry.action == "rollback"))]
        assert "bureau-a" in actors


def test_upload_limits_and_bad_layers(client_with_tokens):
    c = client_with_tokens
    auth = {"Authorization": "Bearer s3cret-a"}
    assert c.post("/api/imports/roads", files={"file": ("x.csv", GOOD, "text/csv")}, headers=auth).status_code == 422
    os.environ["JINLV_MAX_UPLOAD_MB"] = "0.0001"
    clear_caches()
    try:
        big = c.post("/api/imports/signs", files={"file": ("big.csv", GOOD * 100, "text/csv")}, headers=auth)
        assert big.status_code == 413
    finally:
        os.environ.pop("JINLV_MAX_UPLOAD_MB")
        clear_caches()
