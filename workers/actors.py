"""The actors: thin, idempotent, taking ids; the work itself lives in the services."""

from __future__ import annotations

import dramatiq

from ordi.jobs.runner import MAX_ATTEMPTS
from ordi.jobs.runner import run_job as run_job_now
from workers.broker import broker  # noqa: F401 - must be configured before actors are declared
from workers.runtime import run


@dramatiq.actor(
    queue_name="ordi", max_retries=MAX_ATTEMPTS - 1, min_backoff=1_000, max_backoff=60_000, time_limit=3_600_000
)
def run_job(job_id: str) -> None:
    """Run one background job by its id (a job that already succeeded is skipped)."""
    run(run_job_now(job_id))


def enqueue_job(job_id: str) -> None:
    """Call only after the transaction that created the job has committed."""
    run_job.send(job_id)
