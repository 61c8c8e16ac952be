"""The issue's acceptance scenario, through the API, for all five users."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.fixtures import HAND_OVER, REFURBISH, WIPE_FAILED, WIPE_OK, Api, World


async def test_whole_journey_for_every_user(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    donation = await api.declare(
        world.donor,
        [
            {"category": "laptop", "brand": "Dell", "model": "Latitude 5490", "serial_number": "SN-A"},
            {"category": "laptop", "brand": "Lenovo", "model": "T480", "serial_number": "SN-B"},
            {"category": "desktop", "brand": "HP", "model": "EliteDesk", "serial_number": "SN-C"},
        ],
    )
    a, b, c = (d["asset_tag"] for d in donation["devices"])
    assert all(d["state"] == "declared" for d in donation["devices"])

    for tag in (a, b, c):
        await api.act(world.workshop, tag, {"action": "collect"})
        await api.act(world.workshop, tag, {"action": "receive"})
    await api.act(world.workshop, a, WIPE_OK)
    await api.act(world.workshop, b, WIPE_OK)
    failed = await api.act(world.workshop, c, WIPE_FAILED)
    assert failed["event"]["outcome"] == "failed"
    assert failed["device"]["state"] == "received"

    # the failed one cannot be refurbished; nothing changes
    refused = await api.act(world.workshop, c, REFURBISH, expected=409)
    assert "effacement" in refused["detail"]
    assert (await api.device(world.workshop, c))["state"] == "received"

    await api.act(world.workshop, a, REFURBISH)
    await api.act(world.workshop, b, REFURBISH)
    await api.act(
        world.workshop,
        c,
        {**WIPE_OK, "level": "destroy", "media": [{"kind": "hdd", "serial": "HDD-001", "result": "destroyed"}]},
    )
    await api.act(
        world.workshop, c, {"action": "recycle", "reason": "carte mère HS", "weight_kg": 8.5, "channel": "eco_organism"}
    )

    request = await client.post(
        "/api/v1/requests",
        headers=world.association.headers,
        json={"items": [{"category": "laptop", "quantity": 2}], "reason": "Ateliers d'inclusion numérique"},
    )
    assert request.status_code == 201, request.text
    request_id = request.json()["id"]
    approved = await client.post(f"/api/v1/requests/{request_id}/approve", headers=world.operator.headers)
    assert approved.json()["status"] == "approved"
    allocation = await client.post(f"/api/v1/requests/{request_id}/allocate", headers=world.operator.headers)
    assert allocation.status_code == 200, allocation.text
    assert sorted(allocation.json()["reserved"]) == sorted([a, b])
    assert allocation.json()["request"]["status"] == "fulfilled"

    for tag in (a, b):
        await api.act(world.workshop, tag, {"action": "ship", "carrier": "Colissimo"})
        await api.act(world.association, tag, {"action": "deliver"})
        await api.act(world.association, tag, HAND_OVER)
    assert (await api.device(world.association, a))["state"] == "handed_over"

    summary = await client.get("/api/v1/stats/summary", headers=world.committee.headers)
    assert summary.status_code == 200, summary.text
    figures = summary.json()
    assert figures["stages"]["declared"] == 3
    assert figures["stages"]["collected"] == 3
    assert figures["stages"]["wiped"] == 3  # two erasures and one destruction
    assert figures["stages"]["wipe_failed"] == 1
    assert figures["stages"]["refurbished"] == 2
    assert figures["stages"]["redistributed"] == 2
    assert figures["stages"]["recycled"] == 1
    assert figures["reuse_rate"] == round(2 / 3, 4)
    assert figures["stock"]["by_state"]["handed_over"] == 2
    # Two people in all: under the small-cell threshold, every beneficiary cell is hidden.
    assert set(figures["redistributed_by_beneficiary_category"].values()) == {"< 11"}
    assert figures["impact"]["insertion_labour_hours"] == 3.0
    assert figures["impact"]["kg_co2e_avoided"] > 0


async def test_history_is_the_append_only_list_of_steps(api: Api, client: AsyncTestClient[Any], world: World) -> None:
    tag = await api.ready_device(world)
    response = await client.get(f"/api/v1/devices/{tag}/events", headers=world.workshop.headers)
    events = response.json()
    assert events["total"] == 6
    assert [e["action"] for e in events["items"]] == ["declare", "assign", "collect", "receive", "wipe", "refurbish"]
    assert [e["to_state"] for e in events["items"]][-1] == "ready"
    assert events["items"][4]["payload"]["media"][0]["serial"] == "SSD-001"


async def test_device_projection_equals_the_fold_of_its_events(api: Api, world: World) -> None:
    from ordi.devices.tables import Device, DeviceEvent
    from ordi.domain.lifecycle import Action, EventFacts, State, fold

    donation = await api.declare(world.donor, [{"category": "desktop", "has_storage": False}])
    tag = donation["devices"][0]["asset_tag"]
    await api.act(world.workshop, tag, {"action": "collect"})
    await api.act(world.workshop, tag, {"action": "receive", "has_storage": True})
    await api.act(world.workshop, tag, WIPE_FAILED)
    await api.act(world.workshop, tag, WIPE_OK)
    await api.act(world.workshop, tag, REFURBISH)
    await api.act(world.workshop, tag, {"action": "lose", "note": "tombé du camion"})
    device = await Device.select().where(Device.asset_tag == tag).first()
    rows = (
        await DeviceEvent.select()
        .where(DeviceEvent.device == device["id"])
        .order_by(DeviceEvent.seq)
        .output(load_json=True)
    )
    facts = fold(
        device["donor"],
        device["has_storage"],
        [
            EventFacts(
                Action(r["action"]),
                r["actor_organisation"],
                State(r["to_state"]),
                r["outcome"],
                (r["payload"] or {}).get("association_id"),
                (r["payload"] or {}).get("has_storage"),
            )
            for r in rows
        ],
    )
    assert facts.state.value == device["state"] == "lost"
    assert facts.custodian_id == device["custodian"]
    assert facts.data_cleared == device["data_cleared"]
    assert facts.has_storage == device["has_storage"] is True


async def test_a_disk_the_donor_did_not_declare_must_still_be_wiped(api: Api, world: World) -> None:
    donation = await api.declare(world.donor, [{"category": "desktop", "has_storage": False}])
    tag = donation["devices"][0]["asset_tag"]
    await api.act(world.workshop, tag, {"action": "collect"})
    received = await api.act(world.workshop, tag, {"action": "receive", "has_storage": True})
    assert received["device"]["has_storage"] is True
    assert received["device"]["data_cleared"] is False
    await api.act(world.workshop, tag, REFURBISH, expected=409)
    await api.act(world.workshop, tag, WIPE_OK)
    assert (await api.act(world.workshop, tag, REFURBISH))["device"]["state"] == "ready"
