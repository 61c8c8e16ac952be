"""Brute force: failed logins are slowed, then refused with 429 until their window ends, per account
and per address, across API instances (Redis on PostgreSQL runs, memory on SQLite ones)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from litestar.testing import AsyncTestClient

from ordi.auth import throttle
from tests.fixtures import PASSWORD, World

WINDOW = 5.0  # one argon2 check on a loaded machine stays well within it
WRONG = "pas le bon mot de passe"


def _policy(**changes: Any) -> throttle.Policy:
    values: dict[str, Any] = {
        "window_seconds": 300.0,  # longer than any run of attempts, however loaded the machine
        "free_failures": 3,
        "account_limit": 10,
        "address_limit": 1000,
        "delay_base_ms": 1,
        "delay_max_ms": 5,
        **changes,
    }
    return throttle.Policy(**values)


async def _try(client: AsyncTestClient[Any], email: str, password: str = WRONG) -> Any:
    return await client.post("/api/v1/auth/token", json={"email": email, "password": password})


def test_the_delay_grows_then_stops_growing() -> None:
    rules = _policy(delay_base_ms=100, delay_max_ms=800, address_limit=100)
    assert [rules.delay_seconds(n, 1) for n in range(1, 9)] == [0, 0, 0, 0.1, 0.2, 0.4, 0.8, 0.8]
    assert rules.delay_seconds(1, 51) == 0.1  # many people behind one address: later, but slowed too


async def test_fifty_wrong_logins_are_slowed_then_refused(client: AsyncTestClient[Any], world: World) -> None:
    throttle.configure(_policy(delay_base_ms=60, delay_max_ms=60))
    try:
        statuses, times = [], []
        for _ in range(50):
            before = time.monotonic()
            response = await _try(client, world.workshop.email)
            statuses.append(response.status_code)
            times.append(time.monotonic() - before)
            last = response
        assert statuses == [401] * 10 + [429] * 40
        assert min(times[3:10]) >= 0.06  # each failure past the third waits before it is answered
        assert last.json()["code"] == "login_locked"
        assert last.json()["detail"].startswith("Trop de tentatives de connexion : réessayez dans")
        assert last.json()["title"] == "Trop de tentatives"
        assert 1 <= int(last.headers["retry-after"]) <= 300
        assert (await _try(client, world.workshop.email, PASSWORD)).status_code == 429
        assert (await _try(client, world.other_workshop.email, PASSWORD)).status_code == 200
    finally:
        throttle.configure(None)


async def test_the_right_password_after_a_lock_out_waits_for_the_window(
    client: AsyncTestClient[Any], world: World
) -> None:
    throttle.configure(_policy(window_seconds=WINDOW, account_limit=1))
    try:
        started = time.monotonic()
        assert (await _try(client, world.workshop.email)).status_code == 401
        locked = await _try(client, world.workshop.email, PASSWORD)
        assert locked.status_code == 429
        assert 1 <= int(locked.headers["retry-after"]) <= WINDOW
        await asyncio.sleep(max(0.0, WINDOW - (time.monotonic() - started)) + 0.5)
        assert (await _try(client, world.workshop.email, PASSWORD)).status_code == 200
    finally:
        throttle.configure(None)


async def test_a_success_resets_the_accounts_counter(client: AsyncTestClient[Any], world: World) -> None:
    throttle.configure(_policy(account_limit=4))
    try:
        for _ in range(2):
            for _ in range(3):
                assert (await _try(client, world.donor.email)).status_code == 401
            assert (await _try(client, world.donor.email, PASSWORD)).status_code == 200
        assert [(await _try(client, world.donor.email)).status_code for _ in range(5)] == [401] * 4 + [429]
    finally:
        throttle.configure(None)


async def test_parallel_guesses_do_not_slip_past_the_limit(client: AsyncTestClient[Any], world: World) -> None:
    throttle.configure(_policy(account_limit=4))
    try:
        responses = await asyncio.gather(*(_try(client, world.donor.email) for _ in range(12)))
        assert sorted(r.status_code for r in responses) == [401] * 4 + [429] * 8
    finally:
        throttle.configure(None)


async def test_the_counters_are_shared_by_the_api_instances(client: AsyncTestClient[Any], world: World) -> None:
    from ordi.app import create_app

    other = AsyncTestClient(app=create_app(), base_url="http://ordi.test")
    throttle.configure(_policy(account_limit=4))
    try:
        for api in [client, other] * 2:
            assert (await _try(api, world.donor.email)).status_code == 401
        assert (await _try(other, world.donor.email, PASSWORD)).status_code == 429
        assert (await _try(client, world.donor.email, PASSWORD)).status_code == 429
    finally:
        throttle.configure(None)


async def test_one_address_trying_many_accounts_is_refused(client: AsyncTestClient[Any], world: World) -> None:
    throttle.configure(_policy(address_limit=6))
    try:
        for n in range(6):
            assert (await _try(client, f"personne{n}@nulle.part")).status_code == 401
        refused = await _try(client, "encore@nulle.part")
        assert refused.status_code == 429 and "retry-after" in refused.headers
        assert (await _try(client, world.donor.email, PASSWORD)).status_code == 429
    finally:
        throttle.configure(None)


async def test_people_of_one_office_logging_in_do_not_lock_their_address(
    client: AsyncTestClient[Any], world: World
) -> None:
    throttle.configure(_policy(address_limit=6))
    try:
        for _ in range(3):  # nine logins from one address whose limit is six
            for member in (world.donor, world.workshop, world.association):
                assert (await _try(client, member.email, PASSWORD)).status_code == 200
    finally:
        throttle.configure(None)


async def test_wrong_current_passwords_count_like_wrong_logins(client: AsyncTestClient[Any], world: World) -> None:
    throttle.configure(_policy(account_limit=4))
    body = {"current_password": WRONG, "new_password": "une autre phrase de passe"}
    try:
        statuses = [
            (await client.post("/api/v1/auth/password", json=body, headers=world.donor.headers)).status_code
            for _ in range(5)
        ]
    finally:
        throttle.configure(None)
    assert statuses == [403] * 4 + [429]


async def test_argon2_runs_off_the_event_loop() -> None:
    """The loop keeps ticking while passwords are checked in argon2's thread pool (the suite's client
    runs the app on a loop of its own, so this is checked on the functions; the bench checks the API)."""
    from ordi.auth.passwords import hash_password, verify_password_async

    stored = hash_password(PASSWORD)
    ticks = 0
    stop = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            await asyncio.sleep(0.005)

    task = asyncio.create_task(ticker())
    started = time.monotonic()
    results = await asyncio.gather(*(verify_password_async(stored, "non") for _ in range(6)))
    elapsed = time.monotonic() - started
    stop.set()
    await task
    assert results == [False] * 6
    assert ticks >= elapsed / 0.005 * 0.2, (ticks, elapsed)
