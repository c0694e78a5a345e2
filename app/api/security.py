"""Write protection: API tokens for the write endpoints (imports, rollbacks, admin).

Tokens come from the environment: ``JINLV_API_TOKEN`` (actor ``admin``) and/or ``JINLV_API_TOKENS``
(``name:token,...``; the name is what the audit log records). Clients send
``Authorization: Bearer <token>``. Comparison is constant-time. No token configured means write
endpoints are disabled (403); a missing token is 401, a wrong one 403. Reading and planning stay public.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status

from app.api.deps import SettingsDep
from gis_data.settings import Settings


def configured_tokens(settings: Settings) -> dict[str, str]:
    """``{token: actor}`` of every configured token."""
    tokens: dict[str, str] = {}
    if settings.api_token:
        tokens[settings.api_token] = "admin"
    for item in (settings.api_tokens or "").split(","):
        name, sep, token = item.strip().partition(":")
        if sep and name and token:
            tokens[token.strip()] = name.strip()
    return tokens


def require_writer(request: Request, settings: SettingsDep) -> str:
    """The actor name of a valid bearer token; 401/403 otherwise."""
    tokens = configured_tokens(settings)
    if not tokens:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "write endpoints are disabled: set JINLV_API_TOKEN (or JINLV_API_TOKENS) on the server",
        )
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "this endpoint needs an API token: send 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    given = given.strip().encode()
    actor = None
    for token, name in tokens.items():
        # Compare against every token so the time taken does not depend on which one matched.
        if hmac.compare_digest(given, token.encode()):
            actor = name
    if actor is None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "the API token is not valid")
    return actor


WriterDep = Annotated[str, Depends(require_writer)]
