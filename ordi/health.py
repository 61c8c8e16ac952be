"""`GET /health`: is the database reachable, is the broker reachable, how the jobs' queue stands.

`jobs` (from the job rows, the source of truth): `waiting` jobs and, of those, `unsent` (not yet
handed to the broker: the outbox sends them), `oldest_waiting_s` (the age of the oldest waiting
job since its creation, null when none waits), `running`, and `stalled` (running jobs whose lease
ran out: their worker died, the sweeper takes them back). A queue does not make the service
degraded; a balancer must not take an API replica out because workers are busy.
"""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import Response, get

from ordi.config import get_settings
from ordi.db import fetch_row
from ordi.jobs import outbox


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


async def _jobs() -> dict[str, Any]:
    try:
        return await asyncio.wait_for(outbox.queue_state(), timeout=3)
    except Exception as exc:
        return {"error": type(exc).__name__}


@get("/health", tags=["health"], summary="État du service")
async def health() -> Response[dict[str, Any]]:
    database, broker, jobs = await asyncio.gather(_database(), _broker(), _jobs())
    ok = database == "ok" and broker.startswith("ok")
    body = {
        "status": "ok" if ok else "degraded",
        "database": database,
        "broker": broker,
        "mode": "embedded" if get_settings().embedded_worker else "distributed",
        "jobs": jobs,
    }
    return Response(body, status_code=200 if ok else 503)
