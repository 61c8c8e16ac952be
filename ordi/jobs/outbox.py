"""The jobs' dispatcher and lease sweeper: no job lost, none run twice at once.

The job's row is the source of truth; the broker's message is only a wake-up call. One `tick`:

1. **Take back** the running jobs whose lease ran out (their worker died or hangs: a live attempt
   renews its lease every few seconds, `ordi.jobs.runner`). With attempts left, the job waits
   again and is sent at once (step 2); after the last one it fails, with a French reason, and its
   input is dropped.
2. **Send** the waiting jobs that were not sent (the broker was down when they were created, or
   a retry's delay has passed: `send_after`), and those sent `ORDI_JOB_REDISPATCH_SECONDS` ago
   but never started (their message was lost with an in-memory broker, or with a worker killed
   while it held it). Each is marked dispatched in the transaction that picks it, then sent after
   the commit; if the broker refuses, the mark is undone and the rest waits for the next tick.

Several processes tick at once (every API process, every worker process): rows are picked with
`FOR UPDATE SKIP LOCKED` on PostgreSQL (SQLite's IMMEDIATE transaction serialises the writers)
and changed by UPDATEs that repeat their condition, so each job is taken back or sent by one of
them. A duplicate message does no harm: `ordi.jobs.service.claim` lets one delivery run. A tick
that finds nothing to do only reads (SQLite's write lock is not taken).
"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import groupby
from typing import Any

from ordi.clock import now
from ordi.config import get_settings
from ordi.db import fetch_row, for_update, write_transaction
from ordi.i18n import message
from ordi.jobs import dispatch
from ordi.jobs.service import MAX_ATTEMPTS
from ordi.jobs.tables import Job

log = logging.getLogger("ordi.jobs")

BATCH = 100


@dataclass
class Sweep:
    """What one tick did."""

    taken_back: int = 0  # leases run out, queued again
    abandoned: int = 0  # leases run out after the last attempt: failed
    sent: int = 0
    refused: int = 0  # the broker refused them: sent on a later tick


async def tick(batch: int = BATCH) -> Sweep:
    settings = get_settings()
    sweep = Sweep()
    at = now()
    await _take_back(at, batch, sweep)
    await _send(at, timedelta(seconds=settings.job_redispatch_seconds), batch, sweep)
    return sweep


async def run_forever(interval: float | None = None) -> None:
    """Tick every `interval` seconds (ORDI_JOB_SWEEP_SECONDS, with jitter) until cancelled."""
    every = interval if interval is not None else get_settings().job_sweep_seconds
    while True:
        try:
            sweep = await tick()
            if sweep.taken_back or sweep.abandoned or sweep.refused:
                log.info("job sweep: %s", sweep)
        except Exception:
            log.warning("job sweep failed; trying again in %.1f s", every, exc_info=True)
        await asyncio.sleep(every * random.uniform(0.8, 1.2))  # jitter, so that processes spread their ticks


async def _take_back(at: datetime, batch: int, sweep: Sweep) -> None:
    expired = (Job.status == "running") & (Job.lease_until < at)
    if not await Job.exists().where(expired):
        return
    async with write_transaction():
        rows = await for_update(
            Job.select(Job.id, Job.attempts).where(expired).order_by(Job.lease_until).limit(batch), skip_locked=True
        )
        by_attempts = sorted(rows, key=lambda r: r["attempts"])
        for attempts, group in groupby(by_attempts, key=lambda r: r["attempts"]):
            ids = [r["id"] for r in group]
            if attempts >= MAX_ATTEMPTS:
                changes: dict[Any, Any] = {
                    Job.status: "failed",
                    Job.error: message("job_abandoned", "fr", attempts=attempts),
                    Job.finished_at: at,
                    Job.params: {},
                    Job.result: {},
                    Job.lease_until: None,
                }
                sweep.abandoned += len(ids)
            else:
                changes = {
                    Job.status: "queued",
                    Job.error: message("job_interrupted", "fr", attempt=attempts, max=MAX_ATTEMPTS),
                    Job.dispatched_at: None,
                    Job.send_after: at,
                    Job.lease_until: None,
                }
                sweep.taken_back += len(ids)
            await Job.update(changes).where(Job.id.is_in(ids) & expired)
            log.warning(
                "jobs %s: attempt %s stopped renewing its lease; %s",
                ", ".join(str(i) for i in ids),
                attempts,
                "abandoned" if attempts >= MAX_ATTEMPTS else "queued again",
            )


async def _send(at: datetime, redispatch_after: timedelta, batch: int, sweep: Sweep) -> None:
    due = (Job.status == "queued") & (
        (Job.dispatched_at.is_null() & (Job.send_after.is_null() | (Job.send_after <= at)))
        | (Job.dispatched_at < at - redispatch_after)
    )
    if not await Job.exists().where(due):
        return
    async with write_transaction():
        rows = await for_update(Job.select(Job.id).where(due).order_by(Job.created_at).limit(batch), skip_locked=True)
        ids = [r["id"] for r in rows]
        if ids:
            await Job.update({Job.dispatched_at: at}).where(Job.id.is_in(ids) & due)
    if not ids:
        return
    sent = await asyncio.to_thread(dispatch.send_many, [str(i) for i in ids])
    sweep.sent += sent
    unsent = ids[sent:]
    if unsent:
        sweep.refused += len(unsent)
        await Job.update({Job.dispatched_at: None, Job.send_after: at}).where(
            Job.id.is_in(unsent) & (Job.status == "queued") & (Job.dispatched_at == at)
        )


async def forget_sent_in_memory() -> int:
    """An in-memory broker starts empty: the waiting jobs sent to a former one are sent again."""
    rows = (
        await Job.update({Job.dispatched_at: None, Job.send_after: None})
        .where((Job.status == "queued") & Job.dispatched_at.is_not_null())
        .returning(Job.id)
    )
    return len(rows)


_QUEUE_STATE = (
    "SELECT COUNT(CASE WHEN status = 'queued' THEN 1 END) AS waiting, "
    "COUNT(CASE WHEN status = 'queued' AND dispatched_at IS NULL THEN 1 END) AS unsent, "
    "MIN(CASE WHEN status = 'queued' THEN created_at END) AS oldest, "
    "COUNT(CASE WHEN status = 'running' THEN 1 END) AS running, "
    "COUNT(CASE WHEN status = 'running' AND lease_until < {} THEN 1 END) AS stalled "
    "FROM job WHERE status IN ('queued', 'running')"
)


def _instant(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(str(value))  # SQLite returns an aggregate's text as stored
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


async def queue_state() -> dict[str, Any]:
    """For /health: jobs waiting (and of those, not yet sent), the age of the oldest since its
    creation, jobs running, and running jobs whose lease ran out (not yet taken back)."""
    at = now()
    row = await fetch_row(_QUEUE_STATE, at) or {}
    oldest = _instant(row.get("oldest"))
    return {
        "waiting": int(row.get("waiting") or 0),
        "unsent": int(row.get("unsent") or 0),
        "oldest_waiting_s": round((at - oldest).total_seconds(), 1) if oldest is not None else None,
        "running": int(row.get("running") or 0),
        "stalled": int(row.get("stalled") or 0),
    }
