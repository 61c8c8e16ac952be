"""Lists page by keyset: a `next` cursor, small offsets only, totals exact or said estimated."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.fixtures import Api, World


async def _declare(api: Api, world: World, count: int) -> list[str]:
    donation = await api.declare(world.donor, [{"category": "laptop", "serial_number": f"P-{i}"} for i in range(count)])
    return [d["asset_tag"] for d in donation["devices"]]


async def _follow(client: AsyncTestClient[Any], url: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    pages = []
    response = await client.get(url, headers=headers)
    while True:
        assert response.status_code == 200, response.text
        pages.append(response.json())
        cursor = response.json()["next"]
        if cursor is None:
            return pages
        joiner = "&" if "?" in url else "?"
        response = await client.get(f"{url}{joiner}cursor={cursor}", headers=headers)


async def test_cursor_pages_give_every_device_once_in_order(api: Api, world: World) -> None:
    tags = await _declare(api, world, 7)
    pages = await _follow(api.client, "/api/v1/devices?limit=3", world.donor.headers)
    assert [len(p["items"]) for p in pages] == [3, 3, 1]
    assert [d["asset_tag"] for p in pages for d in p["items"]] == tags
    assert all(p["total"] == 7 and p["total_estimated"] is False for p in pages)


async def test_a_cursor_stays_within_the_callers_scope(api: Api, world: World) -> None:
    await _declare(api, world, 3)
    first = (await api.client.get("/api/v1/devices?limit=1", headers=world.donor.headers)).json()
    theirs = await api.client.get(f"/api/v1/devices?cursor={first['next']}", headers=world.other_donor.headers)
    assert theirs.status_code == 200
    assert theirs.json()["items"] == [] and theirs.json()["total"] == 0


async def test_a_forged_or_foreign_cursor_is_a_french_422(api: Api, world: World) -> None:
    await _declare(api, world, 2)
    donations = (await api.client.get("/api/v1/donations?limit=1", headers=world.donor.headers)).json()
    for cursor in ("bm9uc2Vuc2U", "WyJkZXZpY2VzIiwtMV0", "WyJkb25hdGlvbnMiLDFd"):  # junk, negative key, other list
        response = await api.client.get(f"/api/v1/devices?cursor={cursor}", headers=world.donor.headers)
        assert response.status_code == 422, cursor
        assert "Curseur" in response.json()["detail"]
    assert donations["next"] is None


async def test_offsets_are_for_the_first_pages_only(api: Api, world: World) -> None:
    ok = await api.client.get("/api/v1/devices?offset=1000", headers=world.donor.headers)
    assert ok.status_code == 200
    refused = await api.client.get("/api/v1/devices?offset=1001", headers=world.donor.headers)
    assert refused.status_code == 400
    assert refused.headers["content-type"].startswith("application/problem+json")


async def test_an_offset_page_also_offers_the_cursor_of_the_next(api: Api, world: World) -> None:
    tags = await _declare(api, world, 5)
    page = (await api.client.get("/api/v1/devices?offset=2&limit=2", headers=world.donor.headers)).json()
    assert [d["asset_tag"] for d in page["items"]] == tags[2:4]
    following = await api.client.get(f"/api/v1/devices?cursor={page['next']}", headers=world.donor.headers)
    assert [d["asset_tag"] for d in following.json()["items"]] == tags[4:]


async def test_donations_are_listed_newest_first_by_cursor(api: Api, world: World) -> None:
    ids = [(await api.declare(world.donor, [{"category": "tablet"}]))["id"] for _ in range(3)]
    pages = await _follow(api.client, "/api/v1/donations?limit=2", world.donor.headers)
    assert [d["id"] for p in pages for d in p["items"]] == sorted(ids, reverse=True)


async def test_the_history_pages_by_its_steps(api: Api, world: World) -> None:
    [tag] = await _declare(api, world, 1)
    for body in ({"action": "collect"}, {"action": "receive"}):
        await api.act(world.workshop, tag, body)
    pages = await _follow(api.client, f"/api/v1/devices/{tag}/events?limit=2", world.donor.headers)
    assert [e["action"] for p in pages for e in p["items"]] == ["declare", "assign", "collect", "receive"]
    assert pages[0]["total"] == 4


async def test_a_large_donation_answers_counts_and_the_way_to_its_devices(api: Api, world: World) -> None:
    items = [{"category": "monitor", "serial_number": f"E-{i}"} for i in range(130)]
    donation = await api.declare(world.donor, items)
    assert len(donation["devices"]) == 100
    assert donation["state_counts"] == {"declared": 130}
    assert donation["devices_url"] == f"/api/v1/devices?donation={donation['id']}"
    rest = await api.client.get(
        f"{donation['devices_url']}&cursor={donation['devices_next']}&limit=500", headers=world.donor.headers
    )
    assert len(rest.json()["items"]) == 30 and rest.json()["next"] is None


async def test_the_directory_pages_by_cursor_too(client: AsyncTestClient[Any], world: World) -> None:
    pages = await _follow(client, "/api/v1/directory?limit=2", {})
    names = [e["name"] for p in pages for e in p["items"]]
    assert len(names) == len(set(names)) == pages[0]["total"] >= 4


async def test_a_large_total_is_estimated_and_says_so(api: Api, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from ordi import paging
    from ordi.db import is_postgres

    await _declare(api, world, 5)
    monkeypatch.setattr(paging, "EXACT_TOTAL_UP_TO", 2)
    page = (await api.client.get("/api/v1/devices?limit=1", headers=world.donor.headers)).json()
    exact = (await api.client.get("/api/v1/devices?limit=1&exact_total=true", headers=world.donor.headers)).json()
    assert exact == {**exact, "total": 5, "total_estimated": False}
    if is_postgres():
        assert page["total_estimated"] is True and page["total"] >= 3
    else:  # the embedded database counts: it holds a workshop's data, not the nation's
        assert page["total_estimated"] is False and page["total"] == 5
