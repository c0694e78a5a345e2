"""Settings read from the environment (prefix ``JINLV_``) or a ``.env`` file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'


class Settings(BaseSettings):
    """Configuration of one jinlv process.

    Every field can be set by an environment variable of the same name in upper case with the
    prefix ``JINLV_``, e.g. ``JINLV_DATABASE_URL`` or ``JINLV_DATA_DIR``.
    """

    model_config = SettingsConfigDict(env_prefix="JINLV_", env_file=".env", extra="ignore", frozen=True)

    data_dir: Path = Field(default=PROJECT_ROOT / "var", description="where the database and caches live")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; default: a SQLite file in data_dir")
    network_file: Path | None = Field(
        default=None, description="active road network cache; default: the embedded Shanxi network"
    )
    # The embedded network has no minor roads: the farthest graded spot (碛口) is 21 km from it.
    max_snap_km: float = Field(default=25.0, gt=0, description="farthest a point may lie from any road")
    api_token: str | None = Field(default=None, description="token for write endpoints (imports); actor 'admin'")
    api_tokens: str | None = Field(
        default=None, description="named tokens for write endpoints, 'name:token,name:token' (the name is audited)"
    )
    max_upload_mb: float = Field(default=20.0, gt=0, le=500, description="largest import file accepted by the API")
    tiles: str = Field(
        default=OSM_TILES,
        description="raster tile URL template of the web maps ({z}/{x}/{y}), or 'none' for the vector basemap only",
    )
    tiles_attribution: str = Field(default=OSM_ATTRIBUTION, description="credit shown for the tiles (HTML)")
    plan_time_limit: float = Field(default=0.8, gt=0, le=60, description="seconds the trip solver may search")
    max_concurrent_plans: int = Field(default=2, ge=1, le=64, description="trips planned at the same time")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'jinlv.sqlite3'}"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings (read once)."""
    return Settings()
