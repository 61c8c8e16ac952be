"""Which service function runs each kind of background job.

The wiring (`ordi.wiring`) registers each capability's job functions here (donation import,
label batches, reports); the one dramatiq actor looks the kind up and calls the function, so
actors hold no business rule.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from ordi.domain.lifecycle import Actor


@dataclass
class JobContext:
    """What a job function gets: its id, parameters, the actor who asked, and progress reporting."""

    job_id: str
    params: dict[str, Any]
    actor: Actor
    report: Callable[[int, int], Awaitable[None]]


JobFunction = Callable[[JobContext], Awaitable[dict[str, Any]]]

_HANDLERS: dict[str, JobFunction] = {}


def register(kind: str, function: JobFunction) -> None:
    _HANDLERS[kind] = function


def handler(kind: str) -> JobFunction:
    try:
        return _HANDLERS[kind]
    except KeyError:
        raise RuntimeError(f"tâche « {kind} » inconnue : appeler ordi.wiring.wire() au démarrage") from None
