"""The agency page in headless Chromium against the app served in another process (requests to any
other host blocked): generate a small batch of a boutique line, follow its progress, open a trip's map
and download the ZIP."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, timedelta

import openpyxl
import pytest

from tests.app.conftest import OfflinePage

pytestmark = pytest.mark.browser
TIMEOUT = 120_000
TILE_HOSTS = {"tile.openstreetmap.org"}


def test_generate_a_batch_and_download_the_zip(offline_page: OfflinePage, live_server: str, tmp_path):
    page = offline_page.page
    page.goto(f"{live_server}/agency?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(".mode-block[data-mode=theme]").is_hidden()  # the script shows the chosen mode only
    page.select_option("#preset", "jin_merchant_soul")
    page.fill("#start_date", (date.today() + timedelta(days=50)).isoformat())
    page.fill("#count", "2")
    page.fill("#interval_days", "1")
    page.fill("#group_size", "24")
    page.fill("#prefix", "Jin merchants")
    page.click("#generate-button")

    page.wait_for_selector("#batch:not([hidden])", timeout=TIMEOUT)
    assert "/agency?batch=" in page.url  # the address can be shared and reloaded
    page.wait_for_selector("#batch-download:not([hidden])", timeout=TIMEOUT)
    assert page.locator("#batch-state").get_attribute("data-status") == "done"
    assert page.locator("#batch-count").inner_text() == "2 of 2 planned"
    rows = page.locator("#batch-items tr")
    assert rows.count() == 2
    assert [rows.nth(k).get_attribute("data-product") for k in range(2)] == ["Jin merchants-01", "Jin merchants-02"]
    assert all(rows.nth(k).get_attribute("data-status") == "planned" for k in range(2))
    assert "chang-family-manor" in rows.nth(0).inner_text()  # the must-see without coordinates is noted

    with page.expect_download() as download:
        page.click("#zip-link")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name.startswith("jinlv-batch-") and path.suffix == ".zip"
    zf = zipfile.ZipFile(path)
    summary = list(csv.DictReader(io.StringIO(zf.read("summary.csv").decode())))
    assert [(r["product"], r["status"]) for r in summary] == [
        ("Jin merchants-01", "planned"),
        ("Jin merchants-02", "planned"),
    ]
    book = openpyxl.load_workbook(io.BytesIO(zf.read("schedule.xlsx")))
    products = {row[0] for row in book["schedule"].iter_rows(min_row=2, values_only=True)}
    assert products == {"Jin merchants-01", "Jin merchants-02"}
    assert "Jin_merchants-01/Jin_merchants-01.gpx" in zf.namelist()

    # each trip has its own page with the map
    page.locator("#batch-items tr a.trip-link").first.click()
    page.wait_for_url("**/trips/**")
    page.wait_for_function("window.jinlvMap !== undefined && window.L !== undefined", timeout=TIMEOUT)
    assert "Jin merchants-01" in page.locator("h1").first.inner_text()
    assert page.locator(".leaflet-marker-icon.stop-marker").count() >= 3
    assert offline_page.blocked_hosts() <= TILE_HOSTS, offline_page.blocked_hosts()
    assert offline_page.errors == []


def test_a_bad_csv_shows_its_errors(offline_page: OfflinePage, live_server: str, tmp_path):
    page = offline_page.page
    page.goto(f"{live_server}/agency?lang=en")
    page.check("input[name=mode][value=csv]")
    assert page.locator(".not-csv").is_hidden()
    bad = tmp_path / "agency.csv"
    bad.write_text(f"product,theme,start,date,days,group_size\nx,nope,太原,{date.today()},2,30\n", encoding="utf-8")
    page.set_input_files("#file", str(bad))
    page.click("#generate-button")
    error = page.locator("#err-file")
    error.wait_for(state="visible", timeout=TIMEOUT)
    assert "line 2 (x): theme: unknown theme 'nope'" in error.inner_text()
    assert page.locator("#batch").is_hidden()
    assert offline_page.errors == []
