"""Load benchmark: simulated users on loopback against a real ``jinlv serve`` for a fixed time.

Usage: ``python benchmarks/load.py [--users 50] [--seconds 60] [--workers 2] [--json]``.

The server runs in its own process on a fresh data directory. Before the timed phase a pool of
trip requests is planned once (plans for identical requests are cached by the app). Each user
then loops over a weighted mix: trip page, a GPX/KML/ICS/GeoJSON export, the itinerary JSON,
planning (from the pool, so mostly cached), and the layer APIs. A 503 answer (planner busy) is
retried after its ``Retry-After`` and counted as ``busy``; any other non-2xx answer or transport
failure is an error.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
START = (date.today() + timedelta(days=20)).isoformat()
POOL = [
    {"start": "太原", "days": 3, "start_date": START},
    {"start": "太原", "days": 2, "themes": ["ancient_architecture"], "start_date": START},
    {"start": "大同", "days": 2, "themes": ["buddhist"], "start_date": START},
    {"start": "平遥古城", "days": 2, "start_date": START},
    {"start": "运城", "days": 3, "themes": ["yellow_river"], "start_date": START},
    {"start": "长治", "days": 2, "themes": ["taihang"], "start_date": START},
]
MIX = [("page", 40), ("export", 25), ("json", 10), ("plan", 15), ("layers", 10)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(data_dir: Path, port: int, workers: int) -> subprocess.Popen:
    env = os.environ | {"JINLV_DATA_DIR": str(data_dir), "JINLV_TILES": "none"}
    subprocess.run([sys.executable, "-m", "app.cli", "data", "build", "--quiet"], cwd=REPO, env=env, check=True)
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--workers", str(workers)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    msg = "server did not start"
    raise RuntimeError(msg)


async def _user(client: httpx.AsyncClient, trip_ids: list[str], stop_at: float, stats: dict, rng: random.Random):
    kinds = [k for k, _ in MIX]
    weights = [w for _, w in MIX]
    while time.perf_counter() < stop_at:
        kind = rng.choices(kinds, weights)[0]
        trip = rng.choice(trip_ids)
        if kind == "page":
            call = client.get(f"/trips/{trip}")
        elif kind == "export":
            call = client.get(f"/api/itineraries/{trip}.{rng.choice(['gpx', 'kml', 'ics', 'geojson'])}")
        elif kind == "json":
            call = client.get(f"/api/itineraries/{trip}")
        elif kind == "plan":
            call = client.post("/api/itineraries", json=rng.choice(POOL))
        else:
            call = client.get(rng.choice(["/api/spots", "/api/lodging", "/api/roads", "/api/themes"]))
        started = time.perf_counter()
        try:
            response = await call
        except httpx.HTTPError as exc:
            stats["errors"].append(f"{kind}: {type(exc).__name__}")
            continue
        elapsed = time.perf_counter() - started
        if response.status_code == 503:
            stats["busy"] += 1
            await asyncio.sleep(float(response.headers.get("retry-after", "1")))
            continue
        if response.status_code >= 400:
            stats["errors"].append(f"{kind}: HTTP {response.status_code}")
            continue
        stats["latency"][kind].append(elapsed)
        stats["bytes"] += len(response.content)


async def _run(base: str, users: int, seconds: float) -> dict:
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        trip_ids = []
        for request in POOL:
            r = await client.post("/api/itineraries", json=request)
            r.raise_for_status()
            trip_ids.append(r.json()["id"])
        stats = {"latency": defaultdict(list), "errors": [], "busy": 0, "bytes": 0}
        started = time.perf_counter()
        stop_at = started + seconds
        await asyncio.gather(*[_user(client, trip_ids, stop_at, stats, random.Random(k)) for k in range(users)])
        stats["wall"] = time.perf_counter() - started
    return stats


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="jinlv-load-"))
    port = _free_port()
    server = _start_server(data_dir, port, args.workers)
    try:
        stats = asyncio.run(_run(f"http://127.0.0.1:{port}", args.users, args.seconds))
    finally:
        server.terminate()
        server.wait(timeout=30)
    everything = [x for v in stats["latency"].values() for x in v]
    done = len(everything)
    result = {
        "users": args.users,
        "seconds": round(stats["wall"], 1),
        "workers": args.workers,
        "requests": done,
        "throughput_rps": round(done / stats["wall"], 1),
        "p50_ms": round(_pct(everything, 0.5), 1),
        "p95_ms": round(_pct(everything, 0.95), 1),
        "errors": len(stats["errors"]),
        "busy_503": stats["busy"],
        "mb_transferred": round(stats["bytes"] / 1e6, 1),
        "by_kind": {
            k: {"n": len(v), "p50_ms": round(_pct(v, 0.5), 1), "p95_ms": round(_pct(v, 0.95), 1)}
            for k, v in sorted(stats["latency"].items())
        },
        "error_samples": stats["errors"][:5],
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    print(f"{args.users} users for {stats['wall']:.0f} s against {args.workers} worker(s) on loopback")
    print(
        f"requests {done}, throughput {result['throughput_rps']} req/s, p50 {result['p50_ms']} ms, "
        f"p95 {result['p95_ms']} ms, errors {result['errors']}, busy (503, retried) {stats['busy']}"
    )
    for kind, v in result["by_kind"].items():
        print(f"  {kind:<7} n={v['n']:<6} p50 {v['p50_ms']:>8} ms  p95 {v['p95_ms']:>8} ms")
    for sample in result["error_samples"]:
        print(f"  error: {sample}")
    return 0 if not stats["errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
