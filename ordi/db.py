"""Database engine and the one transaction helper every write goes through."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import weakref
from collections import deque
from collections.abc import AsyncIterator, Callable, Generator
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
    settings = get_settings()
    return LoopPoolEngine(
        config={
            "dsn": url.replace("postgres://", "postgresql://", 1),
            # Bounded waits: a request that cannot get its row in time, or whose statement runs
            # away, is stopped by the server and answered 503 (ordi.http.problems) instead of
            # holding a connection while the rest of the API queues behind it.
            "server_settings": {
                "lock_timeout": f"{settings.db_lock_timeout_ms}ms",
                "statement_timeout": f"{settings.db_statement_timeout_ms}ms",
                "idle_in_transaction_session_timeout": f"{max(settings.db_statement_timeout_ms, 60_000)}ms",
            },
        }
    )


class LoopPool:
    """The connections of one event loop: at most `max_size`, a bounded wait for a free one.

    What Piccolo and this module ask of a pool, and no more: `await pool.acquire()` or
    `async with pool.acquire() as connection`, `await pool.release(connection)`, `close()`.
    asyncpg's own pool doubled the CPU cost of a short query here (a proxy object, a timer and a
    shielded task for every release: 33 µs per `fetchrow` through it, 14 µs on the bare
    connection); this one hands out the connection itself and takes it back in place.

    A connection that comes back closed, inside a transaction or with a query being cancelled
    (its request was cancelled mid-statement) is not reused: it is terminated and its place
    freed; one that the server closes while in use frees its place at once. The service keeps no
    session state (no SET, LISTEN or prepared cursor outside a transaction), so a connection
    needs no reset between uses. Idle connections stay open (at most `max_size` per loop).
    """

    def __init__(self, config: dict[str, Any], *, min_size: int, max_size: int, acquire_timeout: float) -> None:
        if not 0 <= min_size <= max_size or max_size < 1:
            raise ValueError(f"pool sizes: min {min_size}, max {max_size}")
        self._config = config
        self._min_size = min_size
        self._max_size = max_size
        self.acquire_timeout = acquire_timeout
        self._idle: deque[asyncpg.Connection] = deque()
        self._in_use: set[asyncpg.Connection] = set()
        self._size = 0  # connections open or being opened
        self._waiters: deque[asyncio.Future[asyncpg.Connection | None]] = deque()
        self._closed = False

    def get_max_size(self) -> int:
        return self._max_size

    def get_size(self) -> int:
        return self._size

    def get_idle_size(self) -> int:
        return len(self._idle)

    def is_closing(self) -> bool:
        return self._closed

    async def open(self) -> None:
        """Open `min_size` connections at once (a database that cannot be reached fails here)."""
        results = await asyncio.gather(*(self._connect() for _ in range(self._min_size)), return_exceptions=True)
        opened = [r for r in results if isinstance(r, asyncpg.Connection)]
        self._idle.extend(opened)
        failed = next((r for r in results if isinstance(r, BaseException)), None)
        if failed is not None:
            await self.close()
            raise failed

    async def _connect(self) -> asyncpg.Connection:
        self._size += 1
        try:
            connection = await asyncpg.connect(**self._config)
        except BaseException:
            self._size -= 1
            self._wake_one(None)
            raise
        connection.add_termination_listener(self._lost)
        return connection

    def _lost(self, connection: asyncpg.Connection) -> None:
        """A connection closed while in use (server gone, commit failed on a dead socket …)."""
        if connection in self._in_use:
            self._in_use.discard(connection)
            self._size -= 1
            self._wake_one(None)

    def acquire(self, *, timeout: float | None = None) -> _Acquire:
        return _Acquire(self, self.acquire_timeout if timeout is None else timeout)

    async def _acquire(self, wait_s: float) -> asyncpg.Connection:
        while True:
            if self._closed:
                raise asyncpg.InterfaceError("the connection pool is closed")
            while self._idle:
                connection = self._idle.pop()  # the most recently used: its caches are warm
                if not connection.is_closed():
                    self._in_use.add(connection)
                    return connection
                self._size -= 1
            if self._size < self._max_size:
                connection = await self._connect()
                self._in_use.add(connection)
                return connection
            loop = asyncio.get_running_loop()
            waiter: asyncio.Future[asyncpg.Connection | None] = loop.create_future()
            self._waiters.append(waiter)
            # A plain timer on the future: `asyncio.timeout` around the wait cost 7 µs of CPU more
            # per query when 32 requests share 10 connections.
            timer = loop.call_later(wait_s, _expire, waiter)
            try:
                handed = await waiter
            except BaseException:
                if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                    late = waiter.result()
                    if late is not None:
                        self._give_back(late)  # handed over just as the wait was abandoned
                else:
                    with contextlib.suppress(ValueError):
                        self._waiters.remove(waiter)
                raise
            finally:
                timer.cancel()
            if handed is not None:
                return handed
            # None: a place was freed (a connection dropped), not a connection: loop and open one.

    async def release(self, connection: asyncpg.Connection) -> None:
        self._give_back(connection)

    def _give_back(self, connection: asyncpg.Connection) -> None:
        if connection not in self._in_use:
            return  # already given back, or lost (its place freed by `_lost`)
        if self._closed or not _reusable(connection):
            self._in_use.discard(connection)
            self._size -= 1
            connection.terminate()
            self._wake_one(None)
            return
        if not self._wake_one(connection):  # handed over as it is: still in use
            self._in_use.discard(connection)
            self._idle.append(connection)

    def _wake_one(self, connection: asyncpg.Connection | None) -> bool:
        """Hand `connection` (or, None, a freed place) to the first task still waiting."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(connection)
                return True
        return False

    async def close(self) -> None:
        """Close the idle connections now; those in use are closed as they come back."""
        self._closed = True
        idle, self._idle = list(self._idle), deque()
        self._size -= len(idle)
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_exception(asyncpg.InterfaceError("the connection pool is closed"))
        self._waiters.clear()
        for connection in idle:
            try:
                await connection.close(timeout=5)
            except Exception:
                connection.terminate()


def _expire(waiter: asyncio.Future[Any]) -> None:
    if not waiter.done():
        waiter.set_exception(TimeoutError("no free database connection in time"))


def _reusable(connection: asyncpg.Connection) -> bool:
    if connection.is_closed() or connection.is_in_transaction():
        return False
    protocol = getattr(connection, "_protocol", None)
    cancelling = getattr(protocol, "_is_cancelling", None)
    return not (cancelling is not None and cancelling())


class _Acquire:
    """`await pool.acquire()` (the caller releases) or `async with pool.acquire() as connection`."""

    __slots__ = ("connection", "pool", "wait_s")

    def __init__(self, pool: LoopPool, wait_s: float) -> None:
        self.pool = pool
        self.wait_s = wait_s
        self.connection: asyncpg.Connection | None = None

    def __await__(self) -> Generator[Any, None, asyncpg.Connection]:
        return self.pool._acquire(self.wait_s).__await__()

    async def __aenter__(self) -> asyncpg.Connection:
        self.connection = await self.pool._acquire(self.wait_s)
        return self.connection

    async def __aexit__(self, *exc: object) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            self.pool._give_back(connection)


class LoopPoolEngine(PostgresEngine):
    """A PostgresEngine whose `pool` is the running event loop's own.

    An asyncpg connection (its futures, its transport) belongs to the loop it was opened on; the
    API process runs one loop, and every dramatiq worker thread another (`workers.runtime`).
    Piccolo's queries and transactions and this module's raw helpers all read `engine.pool`, so
    looking it up per running loop gives each loop its pool: `start_pool()` on a loop creates
    that loop's, `close_pool()` closes it (after as many calls as `start_pool()` had: two apps
    served by one loop, as in the tests, share its pool). A loop without one (a CLI command's
    `asyncio.run`) opens a connection per query, as Piccolo does without a pool.
    """

    def __init__(self, config: dict[str, Any]) -> None:
        self._pools: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Held] = weakref.WeakKeyDictionary()
        # The last loop looked up and its pool, one tuple so that threads never mix the two.
        self._last: tuple[asyncio.AbstractEventLoop | None, LoopPool | None] = (None, None)
        super().__init__(config=config)

    @property
    def pool(self) -> LoopPool | None:
        loop = asyncio._get_running_loop()
        if loop is None:
            return None
        last = self._last
        if last[0] is loop:
            return last[1]
        held = self._pools.get(loop)
        pool = held.pool if held is not None else None
        self._last = (loop, pool)
        return pool

    @pool.setter
    def pool(self, value: LoopPool | None) -> None:
        """Ignored: Piccolo's __init__ sets `pool = None`; pools come and go by loop, below."""

    def pool_count(self) -> int:
        """How many event loops hold a pool now (tests and diagnostics)."""
        return len(self._pools)

    async def start_connection_pool(self, **kwargs: Any) -> None:
        """This loop's pool: created on the first call, shared by the later ones.

        `max_size`, `min_size`, `acquire_timeout`: the settings' by default; `wait_for_locks`: no
        lock or statement timeout (a background job may wait for a row; a request may not).
        """
        loop = asyncio.get_running_loop()
        held = self._pools.get(loop)
        if held is None:
            settings = get_settings()
            max_size = int(kwargs.get("max_size", settings.db_pool_size))
            config = self.config
            if kwargs.get("wait_for_locks"):
                patient = {**config.get("server_settings", {}), "lock_timeout": "0", "statement_timeout": "0"}
                config = {**config, "server_settings": patient}
            pool = LoopPool(
                config,
                min_size=int(kwargs.get("min_size", min(2, max_size))),
                max_size=max_size,
                acquire_timeout=float(kwargs.get("acquire_timeout", settings.db_pool_timeout_s)),
            )
            await pool.open()
            held = self._pools.get(loop)  # another task of this loop may have started one meanwhile
            if held is not None:
                await pool.close()
            else:
                held = self._pools[loop] = _Held(pool)
                self._last = (None, None)
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
            self._last = (None, None)
            await held.pool.close()


class _Held:
    __slots__ = ("pool", "users")

    def __init__(self, pool: LoopPool) -> None:
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
        return
    assert isinstance(db, PostgresEngine)
    outer = db.current_transaction.get()
    if outer is not None:  # inside another operation: one transaction, as Piccolo nests them
        yield outer
        return
    pool = db.pool
    connection = await (pool.acquire() if pool is not None else db.get_new_connection())
    try:
        await connection.execute("BEGIN")
        current = _Transaction(connection)
        token = db.current_transaction.set(current)  # type: ignore[arg-type]  # Piccolo reads `.connection`
        try:
            yield current
        except BaseException:
            if not connection.is_closed():
                await connection.execute("ROLLBACK")
            raise
        finally:
            db.current_transaction.reset(token)
        await connection.execute("COMMIT")
    finally:
        # A connection left inside its transaction (ROLLBACK or COMMIT failed, or was cancelled)
        # is terminated by the pool, not reused.
        if pool is not None:
            await pool.release(connection)
        else:
            await connection.close()


class _Transaction:
    """The current PostgreSQL transaction as Piccolo reads it (`current_transaction.connection`).

    `write_transaction` sends BEGIN and COMMIT itself on its pooled connection: Piccolo's
    PostgresTransaction and asyncpg's Transaction around the same two statements cost about
    10 µs of CPU more per operation. Piccolo's own `engine.transaction()` opened inside joins
    this one (it nests by returning the current transaction).
    """

    __slots__ = ("connection",)

    def __init__(self, connection: Any) -> None:
        self.connection = connection


async def start_pool(max_size: int | None = None, *, wait_for_locks: bool = False) -> None:
    """Give the running event loop its PostgreSQL pool (`ORDI_DB_POOL_SIZE` connections at most).

    Every loop that talks to PostgreSQL for long calls this once: the API's at start-up, each
    worker thread's before its first job (`wait_for_locks`: a job waits for its rows as long as
    it takes, where a request gives up after ORDI_DB_LOCK_TIMEOUT_MS). Nothing to do on SQLite.
    """
    db = engine()
    if isinstance(db, LoopPoolEngine):
        options: dict[str, Any] = {} if max_size is None else {"max_size": max_size, "min_size": min(2, max_size)}
        await db.start_connection_pool(**options, wait_for_locks=wait_for_locks)


async def close_pool() -> None:
    """Close the running loop's pool (before the loop ends)."""
    db = engine()
    if isinstance(db, LoopPoolEngine):
        await db.close_connection_pool()


async def listen_forever(
    channel: str,
    on_notify: Callable[[str], None],
    on_listening: Callable[[bool], None],
    *,
    retry_s: float = 1.0,
    ping_s: float = 15.0,
) -> None:
    """Hold one connection of its own LISTENing on `channel` (PostgreSQL; nothing on SQLite).

    `on_listening(True)` once it listens, `on_listening(False)` as soon as it is lost (closed by
    the server, or silent to the ping every `ping_s`) and on the way out; it reconnects every
    `retry_s`. Not a pool connection: the pool's connections keep no session state (no LISTEN).
    """
    db = engine()
    if not isinstance(db, PostgresEngine):
        return
    while True:
        connection: asyncpg.Connection | None = None
        lost = asyncio.Event()
        try:
            settings = {**db.config.get("server_settings", {}), "application_name": f"ordi-listen-{channel}"}
            connection = await asyncpg.connect(**{**db.config, "server_settings": settings}, timeout=5)
            connection.add_termination_listener(lambda _connection, lost=lost: lost.set())
            await connection.add_listener(channel, lambda _c, _pid, _channel, payload: on_notify(str(payload)))
            on_listening(True)
            while not lost.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(lost.wait(), ping_s)
                if not lost.is_set():
                    await connection.fetchval("SELECT 1", timeout=5)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
            logging.getLogger("ordi").warning("écoute %s interrompue : %s", channel, exc)
        finally:
            on_listening(False)
            if connection is not None and not connection.is_closed():
                connection.terminate()
        await asyncio.sleep(retry_s)


async def refresh_statistics(*tables: str) -> None:
    """ANALYZE after a bulk write (PostgreSQL; nothing on SQLite, whose planner keeps no plan).

    A table that grew by thousands of rows since its statistics were taken keeps the plans made
    for its former size: a prepared statement's generic plan chosen while `device` was small reads
    it whole (an `IN` list of 500 serial numbers compared with every row), and nothing replans it
    before the next ANALYZE, which autovacuum may be far from, or not run at all.
    """
    db = engine()
    if not isinstance(db, PostgresEngine):
        return
    for table in tables:
        await db.run_ddl(f'ANALYZE "{table}"')


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
