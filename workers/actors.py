"""The actors: thin, idempotent, taking ids; the work itself lives in the services."""

from __future__ import annotations

import logging

import dramatiq

from ordi.jobs.runner import run_job as run_job_now
from workers.broker import broker  # noqa: F401 - must be configured before actors are declared
from workers.runtime import run

log = logging.getLogger("ordi.jobs")


# No retries by dramatiq: the job's row counts the attempts and the outbox sends a retry
# (ordi.jobs.outbox), so a retry survives the broker's restart and a dead worker alike.
@dramatiq.actor(queue_name="ordi", max_retries=0, time_limit=3_600_000)
def run_job(job_id: str) -> None:
    """Run one attempt of a background job by its id (a job taken or ended is skipped)."""
    try:
        run(run_job_now(job_id))
    except Exception as exc:  # logged by the runner; the job's row says what happens next
        log.info("job %s: attempt ended by %s", job_id, type(exc).__name__)


def enqueue_job(job_id: str) -> None:
    """Call only after the transaction that created the job has committed."""
    run_job.send(job_id)
