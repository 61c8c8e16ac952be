"""Running one job: the body of the dramatiq actor, kept out of it so it can be tested directly."""

from __future__ import annotations

import logging

from ordi.auth.service import actor_for_user
from ordi.domain.errors import DomainError
from ordi.jobs import service
from ordi.jobs.registry import JobContext, handler

log = logging.getLogger("ordi.jobs")

#: Runs a job gets in all: the first and dramatiq's retries (`workers.actors.run_job`'s
#: max_retries=3). After the last one a failure is final and the job's input is dropped.
MAX_ATTEMPTS = 4


async def run_job(job_id: str) -> None:
    """Idempotent: a job that already ended is skipped; a retried one starts over cleanly."""
    row = await service.load_for_run(job_id)
    if row is None:
        return

    async def report(done: int, total: int) -> None:
        await service.report(job_id, done, total)

    try:
        actor = await actor_for_user(row["created_by"])  # inside: a deactivated user fails the job
        context = JobContext(job_id=job_id, params=row["params"] or {}, actor=actor, report=report)
        result = await handler(row["kind"])(context)
    except DomainError as exc:
        # The input is wrong: retrying would fail the same way.
        await service.fail(job_id, exc, final=True)
        return
    except Exception as exc:
        log.exception("job %s (%s) failed, attempt %s of %s", job_id, row["kind"], row["attempt"], MAX_ATTEMPTS)
        await service.fail(job_id, exc, final=row["attempt"] >= MAX_ATTEMPTS)
        raise
    await service.succeed(job_id, result)
