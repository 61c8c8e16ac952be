"""The one place that wires the packages together.

Capabilities do not know each other's side effects nor the workers: here the job kinds are
registered with their functions, the certificate issuer is hooked to every wipe step, committed
jobs and notifications are sent to dramatiq's actors, and the periodic tasks are registered.
The API process (`ordi.app`) and a worker process (`workers.process`) both call `wire()` once
before doing any work. This is the only module under `ordi/` that imports `workers` (an
import-linter contract says so).
"""

from __future__ import annotations

from ordi import privacy
from ordi.auth import resets
from ordi.beneficiaries import service as beneficiaries
from ordi.certificates import service as certificates
from ordi.config import get_settings
from ordi.devices import hooks
from ordi.domain.lifecycle import Action
from ordi.donations import jobs as donation_jobs
from ordi.jobs import dispatch, registry
from ordi.jobs.registry import JobFunction
from ordi.notifications import delivery as notification_delivery
from ordi.notifications import events as notification_events
from ordi.periodic import service as periodic
from ordi.printing import jobs as printing_jobs
from ordi.printing import service as printing
from ordi.stats import bilan, rollups
from workers.actors import enqueue_job, enqueue_notification
from workers.embedded import EmbeddedWorker

JOB_KINDS: dict[str, JobFunction] = {
    "donation_import": donation_jobs.import_donation,
    "donation_report": donation_jobs.donation_report,
    printing.JOB_KIND: printing_jobs.print_labels,
    bilan.JOB_KIND: bilan.bilan_job,
}


def wire() -> None:
    """Idempotent: registering twice changes nothing."""
    for kind, function in JOB_KINDS.items():
        registry.register(kind, function)
    hooks.on_step(Action.WIPE, certificates.issue_for_wipe)
    dispatch.set_sender(enqueue_job)
    _notifications_and_retention()


#: How often the labels about to expire are looked for (each label is announced once).
LABEL_CHECK_SECONDS = 6 * 3600.0


def _notifications_and_retention() -> None:
    """Notifications written by steps, contacts purged by steps, and the periodic tasks that the
    workers and the embedded worker run (`ordi.periodic`): the purges, the labels' check, the
    notifications' outbox."""
    hooks.on_step(Action.WIPE, notification_events.on_wipe)  # after the certificate's: it reads its number
    hooks.on_step(Action.SHIP, notification_events.on_ship)
    hooks.on_step(Action.RETURN, beneficiaries.on_step)
    hooks.on_step(Action.RECYCLE, beneficiaries.on_step)
    notification_delivery.set_sender(enqueue_notification)
    resets.on_reset_link(notification_events.password_reset_link)  # a link asked for by e-mail is mailed
    privacy.register_purge("password_reset_links", resets.purge_expired)
    periodic.register("retention", lambda: get_settings().purge_every_seconds, privacy.purge_expired)
    periodic.register("label_expiry", lambda: LABEL_CHECK_SECONDS, notification_events.labels_expiring)
    periodic.register(
        "notification_outbox", lambda: get_settings().job_sweep_seconds, notification_delivery.sweep, exclusive=False
    )
    # Every worker process and the embedded worker fold the rollups' journal on their own timer.
    periodic.register("stats_fold", lambda: rollups.FOLD_EVERY_SECONDS, rollups.fold, exclusive=False)
    periodic.register("stats_age", lambda: rollups.AGE_EVERY_SECONDS, rollups.age_out)


def embedded_worker() -> EmbeddedWorker:
    """The in-process worker of embedded mode (no Redis, no second process)."""
    return EmbeddedWorker()
