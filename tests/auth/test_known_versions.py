"""The token versions a process remembers (ordi.auth.current): never one that a change made stale.

The unit tests run on every engine; the listener's run on PostgreSQL, where the trigger on
`app_user` notifies every change, whoever writes it.
"""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from ordi.auth.current import KNOWN, KnownVersions
from tests.conftest import BACKEND
from tests.fixtures import PASSWORD, World, wait_for


def _listening() -> KnownVersions:
    known = KnownVersions()
    known.set_listening(True)
    return known


def test_nothing_is_remembered_without_a_listener() -> None:
    known = KnownVersions()
    known.remember(1, 3, known.generation())
    assert known.lookup(1) is None


def test_a_read_that_began_before_a_change_is_not_remembered() -> None:
    known = _listening()
    before = known.generation()
    known.heard("1")  # the change is heard while the read is on its way
    known.remember(1, 3, before)
    assert known.lookup(1) is None
    known.remember(1, 4, known.generation())
    assert known.lookup(1) == 4


def test_a_notification_forgets_its_person_and_a_star_everyone() -> None:
    known = _listening()
    known.remember(1, 3, known.generation())
    known.remember(2, 5, known.generation())
    known.heard("1")
    assert (known.lookup(1), known.lookup(2)) == (None, 5)
    known.heard("*")
    assert known.lookup(2) is None


def test_losing_the_listener_forgets_everything() -> None:
    known = _listening()
    known.remember(1, 3, known.generation())
    known.set_listening(False)
    assert known.lookup(1) is None
    known.remember(1, 3, known.generation())
    assert known.lookup(1) is None


def test_an_entry_lives_at_most_its_time_to_live() -> None:
    known = KnownVersions(ttl_s=-1.0)
    known.set_listening(True)
    known.remember(1, 3, known.generation())
    assert known.lookup(1) is None


postgres_only = pytest.mark.skipif(BACKEND != "postgres", reason="LISTEN/NOTIFY : PostgreSQL seulement")


async def _token(client: AsyncTestClient[Any], email: str) -> dict[str, str]:
    response = await client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def _outside(sql: str, *args: Any) -> None:
    """A change made by somebody else than this process's services: another connection's SQL."""
    from ordi.config import get_settings

    connection = await asyncpg.connect(get_settings().database_url)
    try:
        await connection.execute(sql, *args)
    finally:
        await connection.close()


async def _known_after_a_request(client: AsyncTestClient[Any], headers: dict[str, str], user_id: int) -> None:
    await wait_for(lambda: _true(KNOWN.listening), seconds=10)
    assert (await client.get("/api/v1/auth/me", headers=headers)).status_code == 200
    assert KNOWN.lookup(user_id) is not None


async def _true(value: bool) -> bool:
    return value


@postgres_only
async def test_a_deactivation_made_by_plain_sql_ends_the_remembered_session(
    client: AsyncTestClient[Any], world: World
) -> None:
    headers = await _token(client, world.donor.email)
    user_id = world.donor.actor.user_id
    await _known_after_a_request(client, headers, user_id)
    await _outside("UPDATE app_user SET active = false WHERE id = $1", user_id)
    await wait_for(lambda: _true(KNOWN.lookup(user_id) is None), seconds=5)
    assert (await client.get("/api/v1/auth/me", headers=headers)).status_code == 401


@postgres_only
async def test_a_version_raised_by_plain_sql_ends_the_remembered_session(
    client: AsyncTestClient[Any], world: World
) -> None:
    headers = await _token(client, world.donor.email)
    user_id = world.donor.actor.user_id
    await _known_after_a_request(client, headers, user_id)
    await _outside("UPDATE app_user SET token_version = token_version + 1 WHERE id = $1", user_id)
    await wait_for(lambda: _true(KNOWN.lookup(user_id) is None), seconds=5)
    assert (await client.get("/api/v1/auth/me", headers=headers)).status_code == 401


@postgres_only
async def test_a_lost_listener_forgets_everything_then_listens_again(
    client: AsyncTestClient[Any], world: World
) -> None:
    headers = await _token(client, world.donor.email)
    user_id = world.donor.actor.user_id
    await _known_after_a_request(client, headers, user_id)
    await _outside(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = current_database() AND application_name = 'ordi-listen-ordi_sessions'"
    )
    await wait_for(lambda: _true(KNOWN.lookup(user_id) is None), seconds=5)
    await _known_after_a_request(client, headers, user_id)  # listening again: remembered again
