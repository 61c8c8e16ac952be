"""The programme's clock: labels are valid per calendar day in France.

Every service stamps its rows with `now()`. `frozen_at` sets the clock of the current task (a
context variable, so a concurrent request keeps the real time): the demo seed (`ordi.demo`)
writes a past year through the services with it, and the rollups count each step on its day.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")

_frozen: ContextVar[datetime | None] = ContextVar("ordi_clock", default=None)


def now() -> datetime:
    frozen = _frozen.get()
    return frozen if frozen is not None else datetime.now(UTC)


def today() -> date:
    return now().astimezone(PARIS).date()


@contextmanager
def frozen_at(at: datetime) -> Iterator[None]:
    """`now()` answers `at` (timezone-aware) in this task until the block ends."""
    if at.tzinfo is None:
        raise ValueError("frozen_at needs an aware datetime")
    token = _frozen.set(at.astimezone(UTC))
    try:
        yield
    finally:
        _frozen.reset(token)
