"""Two people acting on the same device at once: exactly one wins, nothing is half-written."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar.testing import AsyncTestClient

from tests.fixtures import Api, World


async def test_concurrent_collects_of_one_device_one_wins(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    from ordi.devices.tables import DeviceEvent

    tag = (await api.declare(world.donor, [{"category": "laptop"}]))["devices"][0]["asset_tag"]
    members = (world.workshop, world.other_workshop, world.workshop, world.other_workshop)
    attempts = [
        client.post(f"/api/v1/devices/{tag}/events", json={"action": "collect"}, headers=member.headers)
        for member in members
    ]
    responses = await asyncio.gather(*attempts)
    codes = [r.status_code for r in responses]
    assert codes.count(201) == 1, [r.text for r in responses]
    winner = members[codes.index(201)].organisation_id
    # The winner's colleagues are told it is too late (409); the other workshop no longer sees it (404).
    for member, code in zip(members, codes, strict=True):
        if code != 201:
            assert code == (409 if member.organisation_id == winner else 404), (member.email, code)
    assert await DeviceEvent.count().where(DeviceEvent.action == "collect") == 1


async def test_concurrent_allocations_never_reserve_a_device_twice(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    from ordi.devices.tables import DeviceEvent

    tags = [await api.ready_device(world) for _ in range(3)]
    request_ids = []
    for member in (world.association, world.other_association):
        created = await client.post(
            "/api/v1/requests",
            headers=member.headers,
            json={"items": [{"category": "laptop", "quantity": 2}], "reason": "inclusion"},
        )
        request_ids.append(created.json()["id"])
        await client.post(f"/api/v1/requests/{request_ids[-1]}/approve", headers=world.operator.headers)
    results = await asyncio.gather(
        *[client.post(f"/api/v1/requests/{rid}/allocate", headers=world.operator.headers) for rid in request_ids]
    )
    assert all(r.status_code == 200 for r in results), [r.text for r in results]
    reserved = [tag for r in results for tag in r.json()["reserved"]]
    assert sorted(reserved) == sorted(tags)  # all three given out, none twice
    assert sum(sum(r.json()["shortfall"].values()) for r in results) == 1
    assert await DeviceEvent.count().where(DeviceEvent.action == "reserve") == 3


async def test_concurrent_allocations_of_one_request_do_not_over_allocate(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    for _ in range(3):
        await api.ready_device(world)
    created = await client.post(
        "/api/v1/requests",
        headers=world.association.headers,
        json={"items": [{"category": "laptop", "quantity": 2}], "reason": "inclusion"},
    )
    rid = created.json()["id"]
    await client.post(f"/api/v1/requests/{rid}/approve", headers=world.operator.headers)
    results = await asyncio.gather(
        *[client.post(f"/api/v1/requests/{rid}/allocate", headers=world.operator.headers) for _ in range(2)]
    )
    reserved = [tag for r in results if r.status_code == 200 for tag in r.json()["reserved"]]
    assert len(reserved) == 2
    assert sorted(r.status_code for r in results) == [200, 409]


async def test_retried_request_with_idempotency_key_records_once(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    from ordi.devices.tables import DeviceEvent

    tag = (await api.declare(world.donor, [{"category": "laptop"}]))["devices"][0]["asset_tag"]
    headers = {**world.workshop.headers, "Idempotency-Key": "scan-42"}
    first = await client.post(f"/api/v1/devices/{tag}/events", json={"action": "collect"}, headers=headers)
    again = await client.post(f"/api/v1/devices/{tag}/events", json={"action": "collect"}, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["replayed"] is True
    assert again.json()["event"]["id"] == first.json()["event"]["id"]
    assert await DeviceEvent.count().where(DeviceEvent.action == "collect") == 1


async def test_concurrent_retries_with_the_same_key_record_once(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    from ordi.devices.tables import DeviceEvent

    tag = (await api.declare(world.donor, [{"category": "laptop"}]))["devices"][0]["asset_tag"]
    headers = {**world.workshop.headers, "Idempotency-Key": "double-clic"}
    responses = await asyncio.gather(
        *[client.post(f"/api/v1/devices/{tag}/events", json={"action": "collect"}, headers=headers) for _ in range(3)]
    )
    assert all(r.status_code == 201 for r in responses)
    assert len({r.json()["event"]["id"] for r in responses}) == 1
    assert await DeviceEvent.count().where(DeviceEvent.action == "collect") == 1


async def test_idempotency_key_reused_for_another_action_is_refused(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    tag = (await api.declare(world.donor, [{"category": "laptop"}]))["devices"][0]["asset_tag"]
    headers = {**world.workshop.headers, "Idempotency-Key": "k1"}
    await client.post(f"/api/v1/devices/{tag}/events", json={"action": "collect"}, headers=headers)
    clash = await client.post(f"/api/v1/devices/{tag}/events", json={"action": "receive"}, headers=headers)
    assert clash.status_code == 422
    assert "idempotence" in clash.json()["detail"]


async def test_idempotency_key_replayed_with_another_body_is_refused(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    from ordi.devices.tables import DeviceEvent
    from tests.fixtures import WIPE_OK

    tag = (await api.declare(world.donor, [{"category": "laptop"}]))["devices"][0]["asset_tag"]
    for body in ({"action": "collect"}, {"action": "receive"}):
        await api.act(world.workshop, tag, body)
    headers = {**world.workshop.headers, "Idempotency-Key": "effacement-1"}
    first = await client.post(f"/api/v1/devices/{tag}/events", json=WIPE_OK, headers=headers)
    same = await client.post(f"/api/v1/devices/{tag}/events", json=WIPE_OK, headers=headers)
    other_disk = {**WIPE_OK, "media": [{**WIPE_OK["media"][0], "serial": "AUTRE-DISQUE"}]}
    changed = await client.post(f"/api/v1/devices/{tag}/events", json=other_disk, headers=headers)
    assert (first.status_code, same.status_code, changed.status_code) == (201, 201, 422)
    assert same.json()["replayed"] is True
    assert "idempotence" in changed.json()["detail"]
    assert await DeviceEvent.count().where(DeviceEvent.action == "wipe") == 1


async def test_the_same_key_sent_at_once_on_ten_devices_records_one_step(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    from ordi.devices.tables import DeviceEvent

    donation = await api.declare(world.donor, [{"category": "laptop"} for _ in range(10)])
    tags = [d["asset_tag"] for d in donation["devices"]]
    headers = {**world.workshop.headers, "Idempotency-Key": "une-seule-fois"}
    responses = await asyncio.gather(
        *[client.post(f"/api/v1/devices/{tag}/events", json={"action": "collect"}, headers=headers) for tag in tags]
    )
    assert sorted(r.status_code for r in responses) == [201] + [422] * 9
    assert await DeviceEvent.count().where(DeviceEvent.action == "collect") == 1
