"""Which service function runs each kind of background job.

Capabilities register their job kinds here (donation import, label batches, reports); the one
dramatiq actor looks the kind up and calls the function, so actors hold no business rule.
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


def job_kind(kind: str) -> Callable[[JobFunction], JobFunction]:
    def register(function: JobFunction) -> JobFunction:
        _HANDLERS[kind] = function
        return function

    return register


def handler(kind: str) -> JobFunction:
    return _HANDLERS[kind]
