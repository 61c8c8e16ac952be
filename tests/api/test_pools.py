"""Connection pools: every event loop that talks to PostgreSQL has its own, in every mode.

The suite runs with the in-process worker on (as development does): the API's loop and each
worker thread's loop must each keep a pool, instead of opening a connection per query. (Litestar's
test client serves the app on a loop of its own, in another thread: the test's own queries run
on the test's loop, which has no pool.)
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.conftest import BACKEND
from tests.fixtures import Api, World, wait_for

postgres_only = pytest.mark.skipif(BACKEND != "postgres", reason="connection pools exist on PostgreSQL only")


def _count_connects(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every new PostgreSQL connection from now on, by the thread that opened it.

    Piccolo opens its own through `asyncpg.connect`, a pool through `asyncpg.connection.connect`
    (looked up when the pool is created).
    """
    import asyncpg
    import asyncpg.connection

    opened: list[str] = []
    original = asyncpg.connection.connect

    async def connect(*args: Any, **kwargs: Any) -> Any:
        opened.append(threading.current_thread().name)
        return await original(*args, **kwargs)

    monkeypatch.setattr(asyncpg, "connect", connect)
    monkeypatch.setattr(asyncpg.connection, "connect", connect)
    return opened


def _in_new_loop(function: Callable[[], Any]) -> Any:
    """Run `function()` (a coroutine function) on a loop of its own, in another thread."""
    return asyncio.to_thread(asyncio.run, function())


@postgres_only
async def test_sequential_requests_do_not_open_a_connection_each(
    client: AsyncTestClient[Any], api: Api, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    tag = (await api.declare(world.donor, [{"category": "laptop"}]))["devices"][0]["asset_tag"]
    opened = _count_connects(monkeypatch)
    for _ in range(20):
        scan = await client.get(f"/api/v1/scan/{tag}", headers=world.workshop.headers)  # raw SQL helper
        assert scan.status_code == 200, scan.text
        listed = await client.get("/api/v1/donations", headers=world.donor.headers)  # Piccolo queries
        assert listed.status_code == 200, listed.text
    await api.act(world.workshop, tag, {"action": "collect"})  # a transaction
    assert len(opened) <= 1, f"{len(opened)} connections opened for 41 sequential requests"


async def test_a_job_in_the_in_process_worker_runs_while_requests_are_served(
    client: AsyncTestClient[Any], api: Api, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ordi.db import engine, is_postgres

    tag = (await api.declare(world.donor, [{"category": "laptop"}]))["devices"][0]["asset_tag"]
    opened = _count_connects(monkeypatch)
    rows = "".join(f"laptop;POOL{i}\n" for i in range(300))
    response = await client.post(
        "/api/v1/donations/import?background=true",
        content=("category;serial\n" + rows).encode(),
        headers={**world.donor.headers, "Content-Type": "text/csv"},
    )
    assert response.status_code == 202, response.text
    job_id = response.json()["id"]
    answers: list[int] = []

    async def finished() -> bool:
        # API requests while the worker thread imports: both sides use the database at once.
        answers.append((await client.get(f"/api/v1/scan/{tag}", headers=world.workshop.headers)).status_code)
        job = (await client.get(f"/api/v1/jobs/{job_id}", headers=world.donor.headers)).json()
        return job["status"] in ("succeeded", "failed")

    await wait_for(finished)
    job = (await client.get(f"/api/v1/jobs/{job_id}", headers=world.donor.headers)).json()
    assert job["status"] == "succeeded", job
    assert job["result"]["device_count"] == 300
    assert answers and set(answers) == {200}
    if is_postgres():
        assert engine().pool_count() >= 2  # type: ignore[attr-defined]  # the API's loop and a worker thread's
        # At most a new pool in each of the in-process worker's two threads, never one per query.
        assert len(opened) <= 4, opened


@postgres_only
async def test_each_loop_has_its_own_pool_closed_with_it() -> None:
    from ordi.db import close_pool, engine, fetch_row, start_pool, write_transaction
    from ordi.organisations.tables import Organisation

    before = engine().pool_count()  # type: ignore[attr-defined]

    async def elsewhere() -> tuple[int, int]:
        assert engine().pool is None  # a new loop starts without one
        await start_pool(3)
        pool = engine().pool
        assert pool is not None and pool.get_max_size() == 3
        assert engine().pool_count() == before + 1  # type: ignore[attr-defined]
        async with write_transaction():  # Piccolo's transaction acquires from this loop's pool
            count = await Organisation.count()
        row = await fetch_row("SELECT 1 AS one")
        await close_pool()
        assert engine().pool is None
        return count, row["one"] if row else 0

    assert await _in_new_loop(elsewhere) == (await Organisation.count(), 1)
    assert engine().pool_count() == before  # type: ignore[attr-defined]  # the other loops' pools left alone


@postgres_only
async def test_a_loop_shares_its_pool_until_its_last_user_closes_it() -> None:
    from ordi.db import close_pool, engine, start_pool

    async def two_apps_one_loop() -> list[bool]:
        await start_pool()
        first = engine().pool
        await start_pool()
        same = engine().pool is first
        await close_pool()
        still = engine().pool is first
        await close_pool()
        return [same, still, engine().pool is None]

    assert await _in_new_loop(two_apps_one_loop) == [True, True, True]


@postgres_only
async def test_waiting_for_a_pooled_connection_is_bounded() -> None:
    from ordi.db import engine

    async def exhausted() -> float:
        db = engine()
        await db.start_connection_pool(min_size=1, max_size=1, acquire_timeout=0.2)
        try:
            async with db.pool.acquire():
                loop = asyncio.get_running_loop()
                started = loop.time()
                with pytest.raises(asyncio.TimeoutError):
                    await db.pool.acquire()
                return loop.time() - started
        finally:
            await db.close_connection_pool()

    waited = await _in_new_loop(exhausted)
    assert 0.15 < waited < 2


@postgres_only
async def test_a_worker_thread_keeps_one_pool_for_its_jobs_and_closes_it() -> None:
    from ordi.db import engine
    from ordi.organisations.tables import Organisation
    from workers import runtime

    def worker_thread() -> tuple[bool, int, bool]:
        async def job() -> Any:
            return engine().pool, await Organisation.count()

        first_pool, _ = runtime.run(job())
        second_pool, count = runtime.run(job())
        runtime.close()  # what the thread does as it stops (the EventLoops middleware)
        return first_pool is not None and first_pool is second_pool, count, first_pool.is_closing()

    before = engine().pool_count()  # type: ignore[attr-defined]
    same_pool, count, closed = await asyncio.to_thread(worker_thread)
    assert same_pool and closed
    assert count == await Organisation.count()
    assert engine().pool_count() == before  # type: ignore[attr-defined]


@postgres_only
async def test_a_waiting_request_gets_the_connection_released_first() -> None:
    from ordi.db import LoopPool, engine

    async def handover() -> list[str]:
        pool = LoopPool(engine().config, min_size=1, max_size=1, acquire_timeout=5)
        await pool.open()
        order: list[str] = []
        first = await pool.acquire()

        async def second() -> None:
            async with pool.acquire() as connection:
                order.append("second")
                assert connection is first  # handed over, not a new connection

        waiting = asyncio.create_task(second())
        await asyncio.sleep(0.05)
        order.append("release")
        await pool.release(first)
        await waiting
        assert pool.get_size() == 1 and pool.get_idle_size() == 1
        await pool.close()
        return order

    assert await _in_new_loop(handover) == ["release", "second"]


@postgres_only
async def test_a_connection_left_in_a_transaction_or_closed_is_not_reused() -> None:
    from ordi.db import LoopPool, engine

    async def broken_ones() -> tuple[bool, bool, int]:
        pool = LoopPool(engine().config, min_size=0, max_size=1, acquire_timeout=1)
        connection = await pool.acquire()
        await connection.execute("BEGIN")
        await pool.release(connection)  # still inside its transaction: terminated, place freed
        again = await pool.acquire()
        fresh_after_transaction = again is not connection and not again.is_in_transaction()
        await again.close()  # closed while in use (as by a server restart): its place is freed
        await asyncio.sleep(0)
        third = await pool.acquire()
        fresh_after_close = third is not again and not third.is_closed()
        await pool.release(third)
        size = pool.get_size()
        await pool.close()
        return fresh_after_transaction, fresh_after_close, size

    assert await _in_new_loop(broken_ones) == (True, True, 1)


@postgres_only
async def test_a_write_transaction_commits_or_rolls_back_on_one_pooled_connection(db: None) -> None:
    from ordi.db import close_pool, engine, start_pool, write_transaction
    from ordi.organisations.tables import Organisation

    async def operations() -> tuple[list[str], bool, int]:
        await start_pool(2)
        async with write_transaction() as tx:
            await Organisation.insert(
                Organisation(name="Gardé", kind="donor", postcode="75011", departement="75", region="11")
            )
            async with write_transaction() as inner:  # a nested operation joins the outer one
                joined = inner is tx
            await Organisation.insert(  # Piccolo's query ran on the transaction's connection
                Organisation(name="Aussi", kind="donor", postcode="75011", departement="75", region="11")
            )
        with pytest.raises(RuntimeError):
            async with write_transaction():
                await Organisation.update({Organisation.name: "Perdu"}).where(Organisation.name == "Gardé")
                raise RuntimeError("all or nothing")
        names = sorted(r["name"] for r in await Organisation.select(Organisation.name))
        pool = engine().pool
        assert pool is not None
        idle = pool.get_idle_size()
        await close_pool()
        return names, joined, idle

    names, joined, idle = await _in_new_loop(operations)
    assert names == ["Aussi", "Gardé"] and joined
    assert idle >= 1  # the connection came back to the pool after the commit and the rollback
