"""Database engine and the one transaction helper every write goes through."""

from __future__ import annotations

import asyncio
import sqlite3
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any
from urllib.parse import urlparse

import asyncpg
from piccolo.engine.base import Engine
from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from ordi.config import get_settings


def make_engine(url: str | None = None) -> Engine:
    url = url or get_settings().database_url
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        _prepare_sqlite(path)
        # A generous timeout: concurrent writers queue on the file lock instead of failing.
        return SQLiteEngine(path=path, timeout=30)
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql"}:
        raise ValueError(f"ORDI_DATABASE_URL non pris en charge : {parsed.scheme}")
    return LoopPoolEngine(config={"dsn": url.replace("postgres://", "postgresql://", 1)})


class BoundedPool(asyncpg.Pool):
    """An asyncpg pool whose `acquire()` waits at most `acquire_timeout` seconds by default.

    Piccolo acquires without a timeout; under overload a request then fails with
    `asyncio.TimeoutError` instead of queueing without end.
    """

    __slots__ = ("acquire_timeout",)

    def __init__(self, *args: Any, acquire_timeout: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.acquire_timeout = acquire_timeout

    def acquire(self, *, timeout: float | None = None) -> Any:
        return super().acquire(timeout=self.acquire_timeout if timeout is None else timeout)


class LoopPoolEngine(PostgresEngine):
    """A PostgresEngine whose `pool` is the running event loop's own.

    An asyncpg pool (its connections, their futures) belongs to the loop it was created on; the
    API process runs one loop, and every dramatiq worker thread another (`workers.runtime`).
    Piccolo's queries and transactions and this module's raw helpers all read `engine.pool`, so
    looking it up per running loop gives each loop its pool: `start_pool()` on a loop creates
    that loop's, `close_pool()` closes it (after as many calls as `start_pool()` had: two apps
    served by one loop, as in the tests, share its pool). A loop without one (a CLI command's
    `asyncio.run`) opens a connection per query, as Piccolo does without a pool.
    """

    def __init__(self, config: dict[str, Any]) -> None:
        self._pools: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopPool] = weakref.WeakKeyDictionary()
        super().__init__(config=config)

    @property
    def pool(self) -> BoundedPool | None:
        try:
            held = self._pools.get(asyncio.get_running_loop())
        except RuntimeError:  # no running loop
            return None
        return held.pool if held is not None else None

    @pool.setter
    def pool(self, value: BoundedPool | None) -> None:
        """Ignored: Piccolo's __init__ sets `pool = None`; pools come and go by loop, below."""

    def pool_count(self) -> int:
        """How many event loops hold a pool now (tests and diagnostics)."""
        return len(self._pools)

    async def start_connection_pool(self, **kwargs: Any) -> None:
        """This loop's pool: created on the first call, shared by the later ones."""
        loop = asyncio.get_running_loop()
        held = self._pools.get(loop)
        if held is None:
            settings = get_settings()
            options: dict[str, Any] = {
                "min_size": min(2, settings.db_pool_size),
                "max_size": settings.db_pool_size,
                "acquire_timeout": settings.db_pool_timeout_s,
                "reset": _keep_session,
                **kwargs,
            }
            pool = BoundedPool(
                **self.config,
                max_queries=50_000,
                max_inactive_connection_lifetime=300.0,
                loop=loop,
                connection_class=asyncpg.Connection,
                record_class=asyncpg.Record,
                **options,
            )
            await pool
            held = self._pools.get(loop)  # another task of this loop may have started one meanwhile
            if held is not None:
                await pool.close()
            else:
                held = self._pools[loop] = _LoopPool(pool)
        held.users += 1

    async def close_connection_pool(self) -> None:
        """One user of this loop's pool is done; the last one closes it."""
        loop = asyncio.get_running_loop()
        held = self._pools.get(loop)
        if held is None:
            return
        held.users -= 1
        if held.users <= 0:
            del self._pools[loop]
            await held.pool.close()


class _LoopPool:
    __slots__ = ("pool", "users")

    def __init__(self, pool: BoundedPool) -> None:
        self.pool = pool
        self.users = 0


def _prepare_sqlite(path: str) -> None:
    """WAL lets readers go on while one writer holds the lock; it is a property of the file."""
    from pathlib import Path

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
    finally:
        connection.close()


_engine: Engine | None = None


def engine() -> Engine:
    """The process's engine (looked up once: `engine_finder` imports the configuration each time)."""
    global _engine
    if _engine is None:
        _engine = engine_finder()
        assert _engine is not None, "ordi.piccolo_conf introuvable"
    return _engine


def is_postgres() -> bool:
    return isinstance(engine(), PostgresEngine)


@asynccontextmanager
async def write_transaction() -> AsyncIterator[Any]:
    """One operation, all or nothing.

    On SQLite the transaction is IMMEDIATE: it takes the write lock at once, so two writers
    are serialised instead of both reading the same state. On PostgreSQL the services lock
    the rows they change (`SELECT … FOR UPDATE`).
    """
    db = engine()
    if isinstance(db, SQLiteEngine):
        async with db.transaction(transaction_type=TransactionType.immediate) as tx:
            yield tx
    else:
        assert isinstance(db, PostgresEngine)
        async with db.transaction() as tx:
            yield tx


async def _keep_session(connection: Any) -> None:
    """No reset query when a connection returns to the pool.

    asyncpg's default reset costs one more round trip per query; the service sets no session
    state (no SET, LISTEN, advisory lock or open cursor outside a transaction) to reset.
    """


async def start_pool(max_size: int | None = None) -> None:
    """Give the running event loop its PostgreSQL pool (`ORDI_DB_POOL_SIZE` connections at most).

    Every loop that talks to PostgreSQL for long calls this once: the API's at start-up, each
    worker thread's before its first job. Nothing to do on SQLite.
    """
    db = engine()
    if isinstance(db, LoopPoolEngine):
        options = {} if max_size is None else {"max_size": max_size, "min_size": min(2, max_size)}
        await db.start_connection_pool(**options)


async def close_pool() -> None:
    """Close the running loop's pool (before the loop ends)."""
    db = engine()
    if isinstance(db, LoopPoolEngine):
        await db.close_connection_pool()


def for_update(query: Any, skip_locked: bool = False) -> Any:
    """`SELECT … FOR UPDATE` on PostgreSQL; SQLite's IMMEDIATE transaction already serialises writers."""
    if is_postgres():
        return query.lock_rows("UPDATE", skip_locked=skip_locked)
    return query


async def bulk_insert(tx: Any, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Many rows in one go, inside the caller's transaction.

    PostgreSQL gets a binary COPY (the fastest way in), SQLite one prepared statement run for
    every row. This bypasses the ORM on purpose: a 10,000-row donation must import in one request.
    """
    if not rows:
        return
    if is_postgres():
        await tx.connection.copy_records_to_table(table, records=rows, columns=columns)
    else:
        placeholders = ", ".join("?" for _ in columns)
        names = ", ".join(f'"{c}"' for c in columns)
        await tx.connection.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({placeholders})', rows)  # noqa: S608


# --- hot paths -------------------------------------------------------------------------------
# Piccolo builds each query's SQL anew, about 0.3 ms of CPU: more than the database round trip
# on the paths a scanning station hits on every scan. Those few statements are written once as
# SQL with `{}` placeholders, compiled per engine, and run on the current transaction's
# connection (or the pool). Everything else goes through the ORM.


@lru_cache(maxsize=512)
def _compiled(template: str, postgres: bool) -> str:
    if not postgres:
        return template.replace("{}", "?")
    parts = template.split("{}")
    return "".join(part + (f"${i + 1}" if i < len(parts) - 1 else "") for i, part in enumerate(parts))


async def fetch_row(template: str, *args: Any) -> dict[str, Any] | None:
    rows = await _run(template, args, many=False)
    return rows[0] if rows else None


async def fetch_all(template: str, *args: Any) -> list[dict[str, Any]]:
    return await _run(template, args, many=True)


async def _run(template: str, args: tuple[Any, ...], many: bool) -> list[dict[str, Any]]:
    """On the current transaction's connection, else the pool's, else a new one."""
    db = engine()
    postgres = isinstance(db, PostgresEngine)
    sql = _compiled(template, postgres)
    tx = db.current_transaction.get()  # type: ignore[attr-defined]
    if tx is not None:
        return await _fetch_on(tx.connection, sql, args, postgres, many)
    if postgres:
        assert isinstance(db, PostgresEngine)
        if db.pool is not None:
            async with db.pool.acquire() as connection:
                return await _fetch_on(connection, sql, args, True, many)
        connection = await db.get_new_connection()
    else:
        assert isinstance(db, SQLiteEngine)
        connection = await db.get_connection()
    try:
        return await _fetch_on(connection, sql, args, postgres, many)
    finally:
        await connection.close()


async def _fetch_on(
    connection: Any, sql: str, args: tuple[Any, ...], postgres: bool, many: bool = False
) -> list[dict[str, Any]]:
    if postgres:
        if many:
            return [dict(record) for record in await connection.fetch(sql, *args)]
        record = await connection.fetchrow(sql, *args)
        return [dict(record)] if record is not None else []
    async with connection.execute(sql, args) as cursor:
        rows = await cursor.fetchall() if many else [row for row in [await cursor.fetchone()] if row is not None]
    return [dict(row) for row in rows]


async def execute_in_transaction(template: str, *args: Any) -> dict[str, Any] | None:
    """One write inside the caller's `write_transaction`; returns the RETURNING row, if any."""
    db = engine()
    tx = db.current_transaction.get()  # type: ignore[attr-defined]
    assert tx is not None, "execute_in_transaction needs write_transaction()"
    postgres = isinstance(db, PostgresEngine)
    rows = await _fetch_on(tx.connection, _compiled(template, postgres), args, postgres)
    return rows[0] if rows else None
