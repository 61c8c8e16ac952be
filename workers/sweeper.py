"""The jobs' dispatcher and lease sweeper in a worker process (the API processes run their own).

A thread of its own with its own event loop and a one-connection pool ticks `ordi.jobs.outbox`
every ORDI_JOB_SWEEP_SECONDS: it sends the jobs not sent and takes back those whose worker died,
so jobs survive even while no API process runs. It also runs the periodic tasks (`ordi.periodic`:
retention purges, labels about to expire, the notifications' outbox). Started when the worker has booted, stopped
with it; several processes sweeping at once take each job once.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

import dramatiq

from ordi.config import get_settings
from ordi.db import close_pool, start_pool
from ordi.jobs import outbox
from ordi.periodic import service as periodic

log = logging.getLogger("ordi.jobs")


class JobSweeper(dramatiq.Middleware):
    def __init__(self) -> None:
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None

    def after_worker_boot(self, broker: dramatiq.Broker, worker: Any) -> None:
        started = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(started,), name="ordi-job-sweeper", daemon=True)
        self._thread.start()
        started.wait(timeout=10)

    def before_worker_shutdown(self, broker: dramatiq.Broker, worker: Any) -> None:
        loop, task = self._loop, self._task
        if loop is not None and task is not None:
            loop.call_soon_threadsafe(task.cancel)
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self, started: threading.Event) -> None:
        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            self._task = asyncio.current_task()  # type: ignore[assignment]
            started.set()
            await start_pool(2)
            try:
                if get_settings().schedule_enabled:  # the purges and the notifications' outbox (ordi.periodic)
                    await asyncio.gather(outbox.run_forever(get_settings().job_sweep_seconds), periodic.run_forever())
                else:
                    await outbox.run_forever(get_settings().job_sweep_seconds)
            finally:
                await close_pool()

        try:
            asyncio.run(main())
        except asyncio.CancelledError:
            pass
        except Exception:
            log.exception("the job sweeper stopped")
