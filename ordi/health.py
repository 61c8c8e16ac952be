"""`GET /health`: is the database reachable, is the broker reachable."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import Response, get

from ordi.config import get_settings
from ordi.db import fetch_row


async def _database() -> str:
    try:
        await asyncio.wait_for(fetch_row("SELECT 1 AS ok"), timeout=3)
        return "ok"
    except Exception as exc:
        return f"error: {type(exc).__name__}"


async def _broker() -> str:
    settings = get_settings()
    if not settings.redis_url:
        return "ok (embedded)"
    import redis.asyncio as aioredis

    client = aioredis.from_url(settings.redis_url, socket_timeout=3)
    try:
        await client.ping()
        return "ok"
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    finally:
        await client.aclose()


@get("/health", tags=["health"], summary="État du service")
async def health() -> Response[dict[str, Any]]:
    database, broker = await asyncio.gather(_database(), _broker())
    ok = database == "ok" and broker.startswith("ok")
    body = {
        "status": "ok" if ok else "degraded",
        "database": database,
        "broker": broker,
        "mode": "embedded" if get_settings().embedded_worker else "distributed",
    }
    return Response(body, status_code=200 if ok else 503)
