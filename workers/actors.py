"""The actors: thin, idempotent, taking ids; the work itself lives in the services."""

from __future__ import annotations

import logging

import dramatiq

from ordi.jobs.runner import run_job as run_job_now
from ordi.notifications.delivery import deliver
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


@dramatiq.actor(queue_name="ordi", max_retries=0, time_limit=300_000)
def send_notification(notification_id: int) -> None:
    """Send one notification's e-mail by its id (one already sent or being sent is skipped)."""
    try:
        outcome = run(deliver(notification_id))
    except Exception as exc:  # the row says what follows: the sweep takes it back when its lease runs out
        log.warning("notification %s: send ended by %s", notification_id, type(exc).__name__)
        return
    log.debug("notification %s: %s", notification_id, outcome)


def enqueue_notification(notification_id: int) -> None:
    """Called by the notifications' sweep once the row is marked dispatched."""
    send_notification.send(notification_id)
