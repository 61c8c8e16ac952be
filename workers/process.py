"""What a worker process loads (`dramatiq workers.process`): the application wired, its actors."""

from __future__ import annotations

from ordi.wiring import wire
from workers import actors  # noqa: F401 - declares the actors on the configured broker

wire()
