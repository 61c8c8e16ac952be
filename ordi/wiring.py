"""The one place that wires the packages together.

Capabilities do not know each other's side effects nor the workers: here the job kinds are
registered with their functions, the certificate issuer is hooked to every wipe step, and
committed jobs are sent to dramatiq's actor. The API process (`ordi.app`) and a worker process
(`workers.process`) both call `wire()` once before doing any work. This is the only module
under `ordi/` that imports `workers` (an import-linter contract says so).
"""

from __future__ import annotations

from ordi.certificates import service as certificates
from ordi.devices import hooks
from ordi.domain.lifecycle import Action
from ordi.donations import jobs as donation_jobs
from ordi.jobs import dispatch, registry
from ordi.jobs.registry import JobFunction
from ordi.printing import jobs as printing_jobs
from ordi.printing import service as printing
from ordi.stats import bilan
from workers.actors import enqueue_job
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


def embedded_worker() -> EmbeddedWorker:
    """The in-process worker of embedded mode (no Redis, no second process)."""
    return EmbeddedWorker()
