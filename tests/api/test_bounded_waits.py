"""Bounded waits: a row held too long or a database away answers 503 with Retry-After, never 500."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient

from tests.fixtures import Api, World


async def test_forty_steps_queued_on_a_locked_row_leave_the_api_fast_then_answer_503(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    import asyncpg

    from ordi.config import get_settings
    from ordi.db import close_pool, is_postgres, start_pool

    if not is_postgres():
        pytest.skip("SQLite serialises writers on its file lock (its own timeout), not on a row")
    tag = (await api.declare(world.donor, [{"category": "laptop"}]))["devices"][0]["asset_tag"]
    other = (await api.declare(world.donor, [{"category": "tablet"}]))["devices"][0]["asset_tag"]
    headers = world.workshop.headers
    # The suite's test client runs one request at a time (a blocking portal): these requests go
    # through an ASGI transport on this loop instead, really at once.
    concurrent = httpx.AsyncClient(transport=httpx.ASGITransport(app=client.app), base_url="http://ordi.test")
    await start_pool()  # this loop's pool, as the API process has (10 connections)
    holder = await asyncpg.connect(get_settings().database_url)
    try:
        transaction = holder.transaction()
        await transaction.start()
        await holder.execute("SELECT id FROM device WHERE asset_tag = $1 FOR UPDATE", tag)
        started = time.perf_counter()
        url = f"/api/v1/devices/{tag}/events"
        queued = [
            asyncio.ensure_future(concurrent.post(url, json={"action": "collect"}, headers=headers)) for _ in range(40)
        ]
        await asyncio.sleep(0.3)  # all forty are waiting for the row now
        reads_ms = []
        for _ in range(5):
            read_started = time.perf_counter()
            read = await concurrent.get(f"/api/v1/devices/{other}", headers=world.donor.headers)
            reads_ms.append((time.perf_counter() - read_started) * 1000)
            assert read.status_code == 200
        responses = await asyncio.gather(*queued)
        waited_s = time.perf_counter() - started
        await transaction.rollback()
    finally:
        await holder.close()
        await concurrent.aclose()
        await close_pool()
    assert max(reads_ms) < 100, reads_ms
    assert {r.status_code for r in responses} == {503}
    assert responses[0].headers["retry-after"] == "2"
    assert responses[0].json()["code"] == "database_busy" and "réessayez" in responses[0].json()["detail"]
    assert waited_s < get_settings().db_lock_timeout_ms / 1000 + 3
    again = await client.post(f"/api/v1/devices/{tag}/events", json={"action": "collect"}, headers=headers)
    assert again.status_code == 201  # nothing was half-written: the step goes through once the row is free


async def test_steps_queued_on_a_row_freed_in_time_go_through_one_by_one(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    from ordi.db import is_postgres

    if not is_postgres():
        pytest.skip("PostgreSQL row locks")
    tag = (await api.declare(world.donor, [{"category": "laptop"}]))["devices"][0]["asset_tag"]
    responses = await asyncio.gather(
        *[
            client.post(f"/api/v1/devices/{tag}/events", json={"action": "collect"}, headers=world.workshop.headers)
            for _ in range(10)
        ]
    )
    assert sorted(r.status_code for r in responses) == [201] + [409] * 9


async def test_a_lost_database_is_a_503_with_retry_after(
    client: AsyncTestClient[Any], world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncpg

    from ordi.devices import ledger

    async def gone(*args: Any, **kwargs: Any) -> None:
        raise asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed in the middle of operation")

    from ordi.domain.asset_tags import new_tag

    monkeypatch.setattr(ledger, "device_by_tag", gone)
    response = await client.get(f"/api/v1/devices/{new_tag()}", headers=world.donor.headers)
    assert response.status_code == 503
    assert response.headers["retry-after"] == "2" and response.json()["code"] == "database_unavailable"
