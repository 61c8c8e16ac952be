"""How a committed job reaches a worker.

Services never import the workers: they call `dispatch(job_id)` once the job's row has
committed, and the one wiring module (`ordi.wiring`) says which sender that is (dramatiq's
actor, in every mode). Tests may set their own sender.

Dispatching never fails the caller: the job's row is the source of truth (an outbox). The send
runs in a thread (a slow or absent broker does not hold the event loop); once the broker has the
message the row is marked dispatched. If the broker refuses, the row stays undispatched and
`ordi.jobs.outbox` sends it later; if the mark is lost, the outbox sends it once more, and the
duplicate message finds the job taken (`ordi.jobs.service.claim`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence

from ordi.jobs import service

Sender = Callable[[str], None]

log = logging.getLogger("ordi.jobs")

_sender: Sender | None = None
_in_flight: set[asyncio.Task[None]] = set()


def set_sender(sender: Sender | None) -> None:
    """Called by the wiring (and by tests): where committed jobs are sent."""
    global _sender
    _sender = sender


def send_many(job_ids: Sequence[str]) -> int:
    """Hand these jobs to the broker, in order; stop at the first refusal. Returns how many went.

    Blocking (the broker's client is): call it from a thread when on an event loop.
    """
    if _sender is None:
        raise RuntimeError("aucun envoi de tâches configuré : appeler ordi.wiring.wire() au démarrage")
    for sent, job_id in enumerate(job_ids):
        try:
            _sender(job_id)
        except Exception as exc:
            log.warning("broker refused job %s (%s): the outbox will send it again", job_id, exc)
            return sent
    return len(job_ids)


def dispatch(job_id: str) -> None:
    """Hand a committed job to the workers, now if the broker answers, else later (never raises)."""
    if _sender is None:
        raise RuntimeError("aucun envoi de tâches configuré : appeler ordi.wiring.wire() au démarrage")
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # no event loop (a script): send here; the outbox marks it when it resends
        send_many([job_id])
        return
    task = loop.create_task(_send(job_id))
    _in_flight.add(task)
    task.add_done_callback(_in_flight.discard)


async def _send(job_id: str) -> None:
    try:
        if await asyncio.to_thread(send_many, [job_id]):
            await service.mark_dispatched([job_id])
    except Exception:
        log.warning("job %s: sending or marking it failed; the outbox will send it", job_id, exc_info=True)


async def settle() -> None:
    """Wait for the sends that `dispatch` started on this event loop (at shutdown, and in tests).

    Sends started on another loop are that loop's business: if it stopped before they ran, their
    jobs are still undispatched rows, and the outbox sends them.
    """
    loop = asyncio.get_running_loop()
    while mine := [t for t in list(_in_flight) if t.get_loop() is loop and not t.done()]:
        await asyncio.wait(mine)
