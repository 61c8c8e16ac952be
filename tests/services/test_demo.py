"""`ordi demo`'s year (ordi.demo): every state, its dates in the past year, rollups equal to their
rebuild from the log, the accounts able to log in. One seed for the module (it takes seconds)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from litestar.testing import AsyncTestClient

from tests.fixtures import empty_tables

STATES = [
    "declared",
    "collected",
    "received",
    "wiped",
    "ready",
    "reserved",
    "shipped",
    "delivered",
    "handed_over",
    "returned",
    "recycled",
    "lost",
    "withdrawn",
]


@pytest.fixture(scope="module")
async def seeded(schema: None) -> Seeded:
    """The demo seeded once on empty tables: the seconds it took, the steps the rules refused."""
    from ordi import demo

    await empty_tables()
    years: list[Any] = []
    run = demo._Year.run

    async def watched(year: Any) -> None:
        years.append(year)
        await run(year)

    started = time.perf_counter()
    with mock.patch.object(demo._Year, "run", watched):
        assert await demo.seed()
    return Seeded(time.perf_counter() - started, sum(y.refused for y in years), sum(y.done for y in years))


@dataclass
class Seeded:
    seconds: float
    refused: int
    steps: int


async def _counts(sql: str) -> dict[str, int]:
    from ordi.db import fetch_all

    return {str(r["k"]): int(r["n"]) for r in await fetch_all(sql)}


async def test_every_state_of_the_journey_is_seeded(seeded: Seeded) -> None:
    states = await _counts("SELECT state AS k, count(*) AS n FROM device GROUP BY state")
    assert [s for s in STATES if not states.get(s)] == []
    assert 400 <= sum(states.values()) <= 800
    # A wipe that failed and waits for another try: received, its last entry a failed wipe.
    failed = await _counts(
        "SELECT 'failed' AS k, count(*) AS n FROM device d JOIN device_event e ON e.device = d.id "
        "AND e.seq = d.event_count WHERE d.state = 'received' AND e.action = 'wipe' AND e.outcome = 'failed'"
    )
    assert failed["failed"] >= 1


async def test_pickups_requests_and_certificates_are_seeded(seeded: Seeded) -> None:
    pickups = await _counts("SELECT state AS k, count(*) AS n FROM pickup GROUP BY state")
    assert {"requested", "scheduled", "collected"} <= set(pickups)
    statuses = await _counts("SELECT status AS k, count(*) AS n FROM equipment_request GROUP BY status")
    assert {"pending", "approved", "fulfilled", "rejected"} <= set(statuses)
    certificates = await _counts("SELECT 'all' AS k, count(*) AS n FROM wipe_certificate")
    assert certificates["all"] > 100


async def test_the_year_is_spread_over_the_last_twelve_months(seeded: Seeded) -> None:
    from ordi import clock
    from ordi.db import fetch_all

    rows = await fetch_all("SELECT occurred_at FROM device_event")
    times = [t if isinstance(t, datetime) else datetime.fromisoformat(t) for t in (r["occurred_at"] for r in rows)]
    now = clock.now()
    assert max(times) <= now
    assert min(times) >= now - timedelta(days=366)
    assert len({(t.year, t.month) for t in times}) >= 12


async def test_the_rollups_equal_their_rebuild_from_the_log(seeded: Seeded) -> None:
    from ordi.db import fetch_all
    from ordi.stats.rebuild import rebuild
    from ordi.stats.tables import COUNTERS, KEYS

    async def snapshot() -> dict[str, dict[tuple[Any, ...], tuple[int, ...]]]:
        out = {}
        for table, key in KEYS.items():
            rows = await fetch_all(f"SELECT {', '.join((*key, *COUNTERS[table]))} FROM {table}")  # noqa: S608
            out[table] = {
                tuple(str(r[c])[:10] if c in ("day", "since", "until") else r[c] for c in key): tuple(
                    int(r[c]) for c in COUNTERS[table]
                )
                for r in rows
                if any(int(r[c]) for c in COUNTERS[table])
            }
        return out

    from ordi.stats.rollups import age_out, fold

    await fold()  # the steps' deltas wait in the journal until a fold (a reader's, or the workers')
    await age_out()  # the stock rows past the oldest age bucket merged, as the rebuild writes them
    live = await snapshot()
    assert all(live.values())
    await rebuild()
    rebuilt = await snapshot()
    for table in KEYS:
        assert live[table] == rebuilt[table], table


async def test_the_accounts_log_in_and_the_seed_runs_once(seeded: Seeded, app_client: AsyncTestClient[Any]) -> None:
    from ordi.demo import ACCOUNTS, DEMO_PASSWORD, OTHER_ACCOUNTS, seed

    for email, _, _ in (ACCOUNTS[0], OTHER_ACCOUNTS[-1]):  # one password hash for all: argon2 is slow on purpose
        answer = await app_client.post("/api/v1/auth/token", json={"email": email, "password": DEMO_PASSWORD})
        assert answer.status_code == 200, (email, answer.text)
    assert await seed() is False


async def test_the_seed_is_fast_and_every_step_is_taken(seeded: Seeded) -> None:
    assert seeded.seconds < 60, f"la démo a mis {seeded.seconds:.0f} s à se créer"
    assert seeded.steps > 1000
    assert seeded.refused == 0  # a step the rules refuse is a mistake of the simulation


def test_the_clock_is_frozen_for_the_block_only() -> None:
    from ordi import clock

    at = datetime.fromisoformat("2025-03-30T23:30:00+00:00")  # already the 31st in Paris
    with clock.frozen_at(at):
        assert clock.now() == at
        assert str(clock.today()) == "2025-03-31"
    assert clock.now() - at > timedelta(days=300)
