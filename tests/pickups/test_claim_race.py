"""Claims really at once: several workshops of the région claim the same pickup in the same instant."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from litestar.testing import AsyncTestClient

from ordi.domain.lifecycle import OrgKind
from tests.fixtures import LABEL_OK, Api, World, make_member
from tests.pickups.test_api_pickups import _ask


async def test_six_workshops_claiming_at_the_same_instant_leave_exactly_one_winner(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    from ordi.db import close_pool, is_postgres, start_pool

    workshops = [world.workshop] + [
        await make_member(OrgKind.REFURBISHER, f"Atelier {n}", postcode=code, label=LABEL_OK)
        for n, code in enumerate(["76100", "27000", "50100", "61000", "14100"])
    ]
    donation = await api.declare(world.donor, [{"category": "laptop"}], in_charge=None)
    pid = (await _ask(api, world.donor, [donation["id"]]))["id"]
    # The suite's client runs one request at a time; an ASGI transport on this loop runs them
    # at once, each on its own pooled connection on PostgreSQL.
    concurrent = httpx.AsyncClient(transport=httpx.ASGITransport(app=client.app), base_url="http://ordi.test")
    if is_postgres():
        await start_pool()
    try:
        claims = await asyncio.gather(
            *[concurrent.post(f"/api/v1/pickups/{pid}/claim", headers=w.headers) for w in workshops]
        )
    finally:
        await concurrent.aclose()
        if is_postgres():
            await close_pool()
    assert sorted(r.status_code for r in claims) == [200] + [409] * 5, [r.text for r in claims]
    winner = workshops[[r.status_code for r in claims].index(200)]
    for loser in claims:
        if loser.status_code == 409:
            assert loser.headers["content-type"].startswith("application/problem+json")
            assert loser.json()["detail"]
    seen = await client.get(f"/api/v1/pickups/{pid}", headers=winner.headers)
    assert seen.status_code == 200 and seen.json()["workshop_id"] == winner.organisation_id
    others = [w for w in workshops if w is not winner]
    for other in others:
        assert (await client.get(f"/api/v1/pickups/{pid}", headers=other.headers)).status_code == 404
