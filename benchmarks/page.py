"""Trip-page benchmark: page weight and time to interactive of ``/trips/{id}`` in headless Chromium.

Usage: ``python benchmarks/page.py [--json] [--runs N] [--data-dir DIR] [--days N] [--tiles URL|none]``.
Without ``--data-dir`` it builds a fresh temporary data directory first (``jinlv data build``,
about 6 s). It starts ``jinlv serve`` on a free local port, plans a trip through ``POST
/api/itineraries`` and loads its page ``--runs`` times, each in a new browser context (cold
cache). Requests to any other host (raster tiles) are blocked, as they would fail offline; the map
then draws its vector basemap.

Figures (median of the runs):

* ``transferred_kb``: bytes on the wire of every request of the page (headers and compressed
  bodies, from Chromium's ``Network.loadingFinished``), target <= 1,500 kB; ``decoded_kb`` the
  same bodies uncompressed; per resource type in ``by_type_kb``;
* ``dom_content_loaded_ms``, ``load_ms``: navigation timing;
* ``leaflet_map_ms``: when the Leaflet map object exists (target <= 2,000 ms); ``trip_layers_ms``:
  when every day's lines and markers are on it; ``road_basemap_ms``: when the road-network
  basemap (fetched after load, because the tiles are blocked) is drawn.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

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
TARGET_KB = 1500.0
TARGET_MS = 2000.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(data_dir: str, tiles: str | None) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = os.environ | {"JINLV_DATA_DIR": data_dir, "PYTHONPATH": str(REPO)}
    if tiles:
        env["JINLV_TILES"] = tiles
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    msg = "the server did not start within 60 s"
    raise RuntimeError(msg)


def _load(browser: Any, url: str, base: str) -> dict[str, Any]:
    """Load ``url`` in a fresh context; transferred bytes per request and the page's milestones."""
    context = browser.new_context(viewport={"width": 1366, "height": 860})
    page = context.new_page()
    blocked: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith(base):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    kinds: dict[str, str] = {}
    encoded: dict[str, float] = {}
    decoded: dict[str, float] = {}
    cdp.on("Network.responseReceived", lambda e: kinds.__setitem__(e["requestId"], e["type"]))
    cdp.on(
        "Network.dataReceived",
        lambda e: decoded.__setitem__(e["requestId"], decoded.get(e["requestId"], 0) + e["dataLength"]),
    )
    cdp.on("Network.loadingFinished", lambda e: encoded.__setitem__(e["requestId"], e["encodedDataLength"]))
    page.goto(url, wait_until="load")
    page.wait_for_function("window.jinlvTimings && window.jinlvTimings.layers !== undefined", timeout=30_000)
    page.wait_for_function("window.jinlvTimings.network !== undefined", timeout=30_000)
    page.wait_for_timeout(300)  # let the last responses finish
    timing = page.evaluate(
        """() => {
            const nav = performance.getEntriesByType('navigation')[0];
            return {dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, ttfb: nav.responseStart,
                    marks: window.jinlvTimings};
        }"""
    )
    markers = page.locator(".leaflet-marker-icon.stop-marker").count()
    context.close()
    by_type: dict[str, float] = {}
    for rid, size in encoded.items():
        kind = kinds.get(rid, "Other")
        by_type[kind] = by_type.get(kind, 0.0) + size
    return {
        "requests": len(encoded),
        "transferred_kb": sum(encoded.values()) / 1000,
        "decoded_kb": sum(decoded.values()) / 1000,
        "by_type_kb": {k: round(v / 1000, 1) for k, v in sorted(by_type.items())},
        "ttfb_ms": timing["ttfb"],
        "dom_content_loaded_ms": timing["dcl"],
        "load_ms": timing["load"],
        "leaflet_map_ms": timing["marks"]["map"],
        "trip_layers_ms": timing["marks"]["layers"],
        "road_basemap_ms": timing["marks"]["network"],
        "stop_markers": markers,
        "blocked_requests": len(blocked),
        "blocked_hosts": sorted({u.split("/")[2] for u in blocked}),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--runs", type=int, default=5, help="page loads (default 5)")
    parser.add_argument("--days", type=int, default=3, help="days of the trip planned (default 3)")
    parser.add_argument("--data-dir", type=Path, help="an already built JINLV_DATA_DIR (default: build a fresh one)")
    parser.add_argument("--tiles", help="JINLV_TILES for the server (default: the OSM tiles, blocked here)")
    args = parser.parse_args()
    if args.data_dir is None:
        data_dir = tempfile.mkdtemp(prefix="jinlv-bench-page-")
        env = os.environ | {"JINLV_DATA_DIR": data_dir, "PYTHONPATH": str(REPO)}
        subprocess.run([sys.executable, "-m", "app.cli", "data", "build", "--quiet"], cwd=REPO, env=env, check=True)
    else:
        data_dir = str(args.data_dir)

    from playwright.sync_api import sync_playwright

    proc, base = _serve(data_dir, args.tiles)
    try:
        request = {"start": "太原", "days": args.days, "themes": ["ancient_architecture", "jin_merchant"]}
        start = time.perf_counter()
        response = httpx.post(f"{base}/api/itineraries", json=request, timeout=120)
        plan_s = time.perf_counter() - start
        response.raise_for_status()
        trip = response.json()
        url = f"{base}/trips/{trip['id']}"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            _load(browser, url, base)  # warm the server (first render, basemap file)
            runs = [_load(browser, url, base) for _ in range(args.runs)]
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)

    keys = ("transferred_kb", "decoded_kb", "ttfb_ms", "dom_content_loaded_ms", "load_ms", "leaflet_map_ms",
            "trip_layers_ms", "road_basemap_ms")  # fmt: skip
    median = {k: round(statistics.median(r[k] for r in runs), 1) for k in keys}
    summary = {
        "trip": {
            "id": trip["id"],
            "days": len(trip["days"]),
            "stops": trip["totals"]["spots"],
            "legs": sum(len(d["legs"]) for d in trip["days"]),
            "plan_s": round(plan_s, 2),
            "status": response.status_code,
        },
        "runs": len(runs),
        "median": median,
        "requests": runs[-1]["requests"],
        "by_type_kb": runs[-1]["by_type_kb"],
        "blocked_hosts": runs[-1]["blocked_hosts"],
        "stop_markers": runs[-1]["stop_markers"],
        "targets": {
            "page_weight_ok": median["transferred_kb"] <= TARGET_KB,
            "time_to_interactive_ok": median["leaflet_map_ms"] <= TARGET_MS and median["trip_layers_ms"] <= TARGET_MS,
        },
    }
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0
    t = summary["trip"]
    print(
        f"trip {t['id']}: {t['days']} days, {t['stops']} stops, {t['legs']} legs; "
        f"POST /api/itineraries {t['plan_s']} s (HTTP {t['status']})"
    )
    print(f"page /trips/{t['id']}, {len(runs)} cold loads (cache disabled), median:")
    print(
        f"  weight: {median['transferred_kb']:,.1f} kB transferred in {summary['requests']} requests "
        f"({median['decoded_kb']:,.1f} kB uncompressed); target <= {TARGET_KB:,.0f} kB"
    )
    print("  by type (kB on the wire): " + ", ".join(f"{k} {v:,.1f}" for k, v in summary["by_type_kb"].items()))
    print(
        f"  time: first byte {median['ttfb_ms']:.0f} ms, DOMContentLoaded {median['dom_content_loaded_ms']:.0f} ms, "
        f"load {median['load_ms']:.0f} ms"
    )
    print(
        f"  interactive: Leaflet map {median['leaflet_map_ms']:.0f} ms, trip layers {median['trip_layers_ms']:.0f} ms "
        f"({summary['stop_markers']} stop markers), road basemap drawn {median['road_basemap_ms']:.0f} ms; "
        f"target <= {TARGET_MS:,.0f} ms"
    )
    print(f"  blocked (other hosts): {', '.join(summary['blocked_hosts']) or 'none'}")
    ok = summary["targets"]
    print(
        f"targets: page weight {'OK' if ok['page_weight_ok'] else 'MISSED'}, "
        f"time to interactive {'OK' if ok['time_to_interactive_ok'] else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
