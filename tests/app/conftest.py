"""Fixtures of the web-app tests: the app on the built data, one planned trip, a live server in
another process and headless Chromium (Debian's ``/usr/bin/chromium``) that may only reach it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.conftest import REPO, clear_caches

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TRIP_START = (date.today() + timedelta(days=30)).isoformat()
TRIP_REQUEST = {"start": "太原", "days": 3, "themes": ["ancient_architecture"], "start_date": TRIP_START}


@pytest.fixture(scope="session")
def session_client(built_data_dir: Path) -> Iterator[TestClient]:
    """A TestClient of ``create_app()`` on the session's built data directory."""
    from app.main import create_app

    with TestClient(create_app()) as client:
        yield client


@pytest.fixture
def app_client(session_client: TestClient) -> TestClient:
    """The session's TestClient without cookies (no language remembered)."""
    session_client.cookies.clear()
    return session_client


@pytest.fixture(scope="session")
def planned_trip(session_client: TestClient) -> dict[str, Any]:
    """One trip planned by the real planner through the API (Taiyuan, 3 days, ancient architecture)."""
    response = session_client.post("/api/itineraries", json=TRIP_REQUEST)
    assert response.status_code in (200, 201), response.text
    return response.json()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data_dir: Path, *, extra_env: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    """``jinlv serve`` in a new process on a free localhost port; returns it and its base URL."""
    port = free_port()
    env = os.environ | {"JINLV_DATA_DIR": str(data_dir), "PYTHONPATH": str(REPO)} | (extra_env or {})
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read().decode(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start within 60 s")


@pytest.fixture(scope="session")
def live_server(built_data_dir: Path) -> Iterator[str]:
    """Base URL of the app served by uvicorn in another process, on the session's data."""
    proc, base = start_server(built_data_dir)
    try:
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        clear_caches()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Headless Chromium driven by Playwright."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: `make system-deps` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class OfflinePage:
    """A browser page whose requests may only go to the local server; the others are blocked and
    recorded, with console errors and page errors."""

    def __init__(self, browser: Any, base: str, **context: Any) -> None:
        self.base = base
        self.context = browser.new_context(accept_downloads=True, **context)
        self.page = self.context.new_page()
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _route(self, route: Any) -> None:
        url = route.request.url
        self.requests.append(url)
        if url.startswith(self.base + "/") or url == self.base:
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def blocked_hosts(self) -> set[str]:
        return {u.split("/")[2] for u in self.blocked}

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def offline_page(chromium: Any, live_server: str) -> Iterator[OfflinePage]:
    page = OfflinePage(chromium, live_server, viewport={"width": 1280, "height": 860})
    yield page
    page.close()
