"""The demo's year ends when `ordi demo` starts, so what it draws depends on the hour: the morning's
steps (ordi.demo._this_morning) must still leave every state. 2026-12-02 19:00 UTC left its only
received device a monitor, with nothing to wipe, and no device wiped (a CI run failed the same way
at another hour)."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.fixtures import empty_tables
from tests.services.test_demo import STATES


async def test_a_year_ending_at_an_unlucky_hour_still_has_every_state(schema: None) -> None:
    from ordi import clock, demo
    from ordi.db import fetch_all

    await empty_tables()
    with clock.frozen_at(datetime(2026, 12, 2, 19, 0, tzinfo=UTC)):
        assert await demo.seed()
    states = {str(r["k"]) for r in await fetch_all("SELECT state AS k FROM device GROUP BY state")}
    assert [s for s in STATES if s not in states] == []
    received = await fetch_all("SELECT count(*) AS n FROM device WHERE state = 'received' AND has_storage")
    assert received[0]["n"] >= 1  # something left for the technician to wipe
    await empty_tables()  # the next module starts from empty tables
