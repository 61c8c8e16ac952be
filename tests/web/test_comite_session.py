"""The committee's dashboard opens with the web application's session, like every page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.fixtures import World
from tests.web.helpers import log_in


@pytest.fixture(autouse=True)
async def forget_the_session(client: AsyncTestClient[Any]) -> AsyncIterator[None]:
    """The suite's client is shared: the next test starts as a stranger."""
    yield
    client.cookies.clear()


async def test_the_committee_logged_in_at_connexion_opens_its_dashboard(
    client: AsyncTestClient[Any], world: World
) -> None:
    await log_in(client, world.committee, to="/comite")
    page = await client.get("/comite")
    assert page.status_code == 200
    assert "Tableau de bord" in page.text or "comité" in page.text.lower()
    assert page.text.count("<img") >= 8  # its charts


async def test_a_donor_logged_in_gets_the_not_found_page_and_a_stranger_the_login_link(
    client: AsyncTestClient[Any], world: World
) -> None:
    await log_in(client, world.donor)
    assert (await client.get("/comite")).status_code == 404
    client.cookies.clear()
    stranger = await client.get("/comite")
    assert stranger.status_code == 401 and 'href="/connexion?suivant=/comite"' in stranger.text


async def test_an_ended_session_is_a_stranger_on_the_dashboard(client: AsyncTestClient[Any], world: World) -> None:
    await log_in(client, world.committee)
    # Ending every session of the person (the API's "log out everywhere") ends this one too.
    ended = await client.post("/api/v1/auth/logout-all", headers=world.committee.headers)
    assert ended.status_code == 204
    assert (await client.get("/comite")).status_code == 401
