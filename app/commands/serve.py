"""``jinlv serve``: run the web app with uvicorn."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("serve", help="serve the web app and JSON API")
    parser.add_argument("--host", default=None, help="interface to bind (default JINLV_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="port (default JINLV_PORT or 8000)")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from gis_data.settings import get_settings

    settings = get_settings()
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=args.workers,
        log_level="info",
    )
    return 0
