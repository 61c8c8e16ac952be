"""Running the services' coroutines from dramatiq's worker threads.

Each worker thread keeps one event loop for its life, and that loop its own PostgreSQL pool
(`ordi.db.start_pool`, at most ORDI_DB_WORKER_POOL_SIZE connections): started before the
thread's first job, closed by the thread itself when it stops (the `EventLoops` middleware).
An asyncpg pool belongs to the loop that created it, so no pool is shared between threads; the
same code runs in the API process's in-process worker and in separate worker processes.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

import dramatiq

from ordi.config import get_settings
from ordi.db import close_pool, start_pool
from workers.broker import broker

T = TypeVar("T")
_local = threading.local()


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    runner: asyncio.Runner | None = getattr(_local, "runner", None)
    if runner is None:
        try:
            runner = _start()
        except BaseException:
            coroutine.close()
            raise
    return runner.run(coroutine)


def _start() -> asyncio.Runner:
    """This thread's loop, with its pool (a failure leaves nothing behind: the next job retries)."""
    runner = asyncio.Runner()
    try:
        runner.run(start_pool(get_settings().db_worker_pool_size, wait_for_locks=True))
    except BaseException:
        runner.close()
        raise
    _local.runner = runner
    return runner


def close() -> None:
    """Close this thread's loop and its pool (the thread runs no more jobs; `run` would start anew)."""
    runner: asyncio.Runner | None = getattr(_local, "runner", None)
    if runner is None:
        return
    _local.runner = None
    try:
        runner.run(close_pool())
    finally:
        runner.close()


class EventLoops(dramatiq.Middleware):
    """Closes each worker thread's loop and pool as the thread stops (run in that thread)."""

    def before_worker_thread_shutdown(self, broker: dramatiq.Broker, thread: Any) -> None:
        close()


broker.add_middleware(EventLoops())
