"""Periodic tasks, run inside every worker process and the embedded worker, safe with many.

A task is registered by the wiring with its period. An *exclusive* task (a purge, the daily check
of labels) runs once per period across all processes: its row in `periodic_run` is taken by one
conditional UPDATE (lease free, last run a period ago), which one process wins on either engine;
a process that dies while running it leaves a lease that runs out (`LEASE`), and another takes the
task over. A *shared* task (the notifications' sweep, which picks its rows with SKIP LOCKED) runs
in each process on its own timer. A tick that finds nothing due only reads.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ordi.clock import now
from ordi.periodic.tables import PeriodicRun

log = logging.getLogger("ordi.periodic")

#: How long a run may last before another process may take the task over.
LEASE = timedelta(minutes=15)
#: The loop's pace: the shortest period it can honour.
TICK_SECONDS = 1.0


@dataclass
class Task:
    name: str
    every: Callable[[], float]  # seconds, read at each tick (the setting in force)
    run: Callable[[], Awaitable[Any]]
    exclusive: bool = True
    _last_local: float = field(default=0.0, repr=False)


_TASKS: dict[str, Task] = {}


def register(
    name: str, every: Callable[[], float], run: Callable[[], Awaitable[Any]], *, exclusive: bool = True
) -> None:
    """Idempotent: the wiring calls it at each start-up."""
    _TASKS[name] = Task(name=name, every=every, run=run, exclusive=exclusive)


def tasks() -> dict[str, Task]:
    return dict(_TASKS)


async def _claim(task: Task, at: datetime) -> bool:
    """Whether this process runs `task` now (one process per period wins)."""
    period = timedelta(seconds=task.every())
    row = await PeriodicRun.select().where(PeriodicRun.name == task.name).first()
    if row is None:
        await PeriodicRun.insert(PeriodicRun(name=task.name)).on_conflict(action="DO NOTHING")
        row = {"lease_until": None, "last_finished_at": None}
    leased = row["lease_until"] is not None and row["lease_until"] >= at
    recent = row["last_finished_at"] is not None and row["last_finished_at"] > at - period
    if leased or recent:
        return False
    taken = (
        await PeriodicRun.update({PeriodicRun.lease_until: at + LEASE, PeriodicRun.last_started_at: at})
        .where(
            (PeriodicRun.name == task.name)
            & (PeriodicRun.lease_until.is_null() | (PeriodicRun.lease_until < at))
            & (PeriodicRun.last_finished_at.is_null() | (PeriodicRun.last_finished_at <= at - period))
        )
        .returning(PeriodicRun.name)
    )
    return bool(taken)


async def _finish(task: Task, result: str) -> None:
    await PeriodicRun.update(
        {PeriodicRun.lease_until: None, PeriodicRun.last_finished_at: now(), PeriodicRun.last_result: result[:500]}
    ).where(PeriodicRun.name == task.name)


async def run_task(task: Task) -> Any:
    """Run one task now, whatever its period (an exclusive task still records its run)."""
    try:
        result = await task.run()
    except Exception as exc:
        log.warning("periodic task %s failed", task.name, exc_info=True)
        if task.exclusive:
            await _finish(task, f"échec : {type(exc).__name__}")
        return None
    if task.exclusive:
        await _finish(task, str(result))
    return result


async def tick(only: set[str] | None = None) -> list[str]:
    """Run the tasks that are due in this process; return the names of those it ran."""
    ran: list[str] = []
    for task in list(_TASKS.values()):
        if only is not None and task.name not in only:
            continue
        if task.exclusive:
            if not await _claim(task, now()):
                continue
        else:
            clock = time.monotonic()
            if task._last_local and clock - task._last_local < task.every():
                continue
            task._last_local = clock
        await run_task(task)
        ran.append(task.name)
    return ran


async def run_forever(interval: float = TICK_SECONDS) -> None:
    """Tick until cancelled (a failing tick is logged and tried again)."""
    while True:
        try:
            await tick()
        except Exception:
            log.warning("periodic tick failed; trying again", exc_info=True)
        await asyncio.sleep(interval * random.uniform(0.8, 1.2))
