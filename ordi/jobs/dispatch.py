"""How a committed job reaches a worker.

Services never import the workers: they call `dispatch(job_id)` once the job's row has
committed, and the one wiring module (`ordi.wiring`) says which sender that is (dramatiq's
actor, in every mode). Tests may set their own sender.
"""

from __future__ import annotations

from collections.abc import Callable

Sender = Callable[[str], None]

_sender: Sender | None = None


def set_sender(sender: Sender | None) -> None:
    """Called by the wiring (and by tests): where committed jobs are sent."""
    global _sender
    _sender = sender


def dispatch(job_id: str) -> None:
    """Hand a committed job to the workers."""
    if _sender is None:
        raise RuntimeError("aucun envoi de tâches configuré : appeler ordi.wiring.wire() au démarrage")
    _sender(job_id)
