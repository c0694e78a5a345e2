"""Dependencies injected into the routers: settings and a database session per request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends
from sqlalchemy.orm import Session

from gis_data.db import get_engine, session_scope
from gis_data.settings import Settings, get_settings


def settings_dep() -> Settings:
    return get_settings()


def session_dep() -> Iterator[Session]:
    with session_scope(get_engine()) as session:
        yield session


SettingsDep = Annotated[Settings, Depends(settings_dep)]
SessionDep = Annotated[Session, Depends(session_dep)]
