"""The FastAPI application factory."""

from __future__ import annotations

from fastapi import FastAPI

from app.api.routes import health, spots


def create_app() -> FastAPI:
    """Build the app: JSON API, pages and static assets."""
    app = FastAPI(
        title="jinlv 晋旅",
        description="Itinerary planner for Shanxi's scenic spots and No.1 tourist roads. "
        "Road data © OpenStreetMap contributors (ODbL).",
        version="0.1.0",
    )
    app.include_router(health.router)
    app.include_router(spots.router)
    return app
