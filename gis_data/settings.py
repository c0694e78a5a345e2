"""Settings read from the environment (prefix ``JINLV_``) or a ``.env`` file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]


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
    api_token: str | None = Field(default=None, description="token for write endpoints (imports)")
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
