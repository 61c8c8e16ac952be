"""Running one job: the body of the dramatiq actor, kept out of it so it can be tested directly."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from ordi.auth.service import actor_for_user
from ordi.config import get_settings
from ordi.domain.errors import DomainError
from ordi.jobs import service
from ordi.jobs.registry import JobContext, handler
from ordi.jobs.service import MAX_ATTEMPTS

log = logging.getLogger("ordi.jobs")

__all__ = ["MAX_ATTEMPTS", "run_job"]


async def run_job(job_id: str) -> None:
    """One attempt of a job, if this delivery may claim it (a duplicate or a late one does nothing).

    While the attempt runs, its lease is renewed every sixth of ORDI_JOB_LEASE_SECONDS; if the
    worker dies, the lease runs out and `ordi.jobs.outbox` takes the job back. The job's functions
    key their effects by the job (a retried import finds its donation, a batch its prints, a file
    is replaced), so an attempt that starts over after a death does the work once. An attempt that
    raised is retried by the outbox after a delay, up to MAX_ATTEMPTS; a wrong input fails at once.
    The exception is raised again for the caller's log; the job's row already says what follows.
    """
    row = await service.claim(job_id)
    if row is None:
        return
    attempt = row["attempt"]

    async def report(done: int, total: int) -> None:
        await service.report(job_id, done, total, attempt)

    lease = asyncio.create_task(_keep_lease(job_id, attempt))
    try:
        try:
            actor = await actor_for_user(row["created_by"])  # inside: a deactivated user fails the job
            context = JobContext(job_id=job_id, params=row["params"] or {}, actor=actor, report=report)
            result = await handler(row["kind"])(context)
        except DomainError as exc:
            # The input is wrong: retrying would fail the same way.
            await service.fail(job_id, exc, final=True, attempt=attempt)
            return
        except Exception as exc:
            log.exception("job %s (%s) failed, attempt %s of %s", job_id, row["kind"], attempt, MAX_ATTEMPTS)
            await service.fail(job_id, exc, final=attempt >= MAX_ATTEMPTS, attempt=attempt)
            raise
        if not await service.succeed(job_id, result, attempt):
            log.warning("job %s: attempt %s had lost its lease; the attempt holding the job ends it", job_id, attempt)
    finally:
        lease.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await lease


async def _keep_lease(job_id: str, attempt: int) -> None:
    every = get_settings().job_lease_seconds / 6
    while True:
        await asyncio.sleep(every)
        try:
            if not await service.renew_lease(job_id, attempt):
                log.warning("job %s: attempt %s lost its lease (taken back or ended)", job_id, attempt)
                return
        except Exception as exc:  # the database hiccups: try again before the lease runs out
            log.warning("job %s: could not renew the lease of attempt %s (%s)", job_id, attempt, exc)
