"""What the bench scanner sends: a tag in any case, the label's URL, or a serial number."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.fixtures import Api, World


async def _tag(api: Api, world: World) -> str:
    donation = await api.declare(world.donor, [{"category": "laptop", "serial_number": "PF1ABC23"}])
    return str(donation["devices"][0]["asset_tag"])


async def test_scan_tag_in_lower_case(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    tag = await _tag(api, world)
    response = await client.get(f"/api/v1/scan/{tag.lower()}", headers=world.workshop.headers)
    assert response.status_code == 200
    assert response.json()["device"]["asset_tag"] == tag
    assert response.json()["actions"] == ["collect", "receive"]


async def test_scan_the_label_url(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    tag = await _tag(api, world)
    response = await client.get(f"/api/v1/scan/HTTPS://ORDI.TEST/D/{tag}", headers=world.workshop.headers)
    assert response.status_code == 200
    assert response.json()["device"]["url"] == f"HTTPS://ORDI.TEST/D/{tag}"


async def test_scan_a_serial_number(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    tag = await _tag(api, world)
    response = await client.get("/api/v1/scan/pf1abc23", headers=world.workshop.headers)
    assert response.json()["device"]["asset_tag"] == tag


async def test_mistyped_tag_is_caught_by_the_check_character(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    tag = await _tag(api, world)
    typo = tag[:3] + ("0" if tag[3] != "0" else "1") + tag[4:]
    response = await client.get(f"/api/v1/scan/{typo}", headers=world.workshop.headers)
    assert response.status_code == 404
    assert "caractère de contrôle" in response.json()["detail"]


async def test_scan_shows_only_what_this_user_may_do(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    tag = await _tag(api, world)
    await api.act(world.workshop, tag, {"action": "collect"})
    await api.act(world.workshop, tag, {"action": "receive"})
    mine = await client.get(f"/api/v1/scan/{tag}", headers=world.workshop.headers)
    assert mine.json()["actions"] == ["wipe", "lose"]
    assert mine.json()["action_labels"]["wipe"] == "effacer les données"
    donor = await client.get(f"/api/v1/scan/{tag}", headers=world.donor.headers)
    assert donor.json()["actions"] == []
    stranger = await client.get(f"/api/v1/scan/{tag}", headers=world.other_workshop.headers)
    assert stranger.status_code == 404


async def test_public_page_of_a_label(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    tag = await _tag(api, world)
    page = await client.get(f"/D/{tag.lower()}")
    assert page.status_code == 200
    assert tag in page.text and "déclaré" in page.text and "Ordinateur portable" in page.text
    assert "Canope" not in page.text and "PF1ABC23" not in page.text
    assert (await client.get("/d/ZZZZZZZZZZ")).status_code == 404
