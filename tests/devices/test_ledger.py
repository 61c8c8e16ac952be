"""The ledger is the one writer of devices and their history, derived from the Piccolo tables.

A column added to the tables is written by every write path without touching any of them: the
test adds one to each table (in the database and in a throwaway subclass), reshapes the ledger,
and walks the paths — bulk declaration, a step, a label print, an allocation.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from piccolo.columns import Varchar

from tests.fixtures import Api, World


@pytest.fixture
async def probed(db: None) -> AsyncIterator[None]:
    from ordi.devices import ledger
    from ordi.devices.tables import Device, DeviceEvent

    class ProbeDevice(Device, tablename="device"):
        probe = Varchar(length=20, default="sonde")

    class ProbeEvent(DeviceEvent, tablename="device_event"):
        probe_note = Varchar(length=20, default="trace")

    await Device.raw("ALTER TABLE device ADD COLUMN probe VARCHAR(20)")
    await Device.raw("ALTER TABLE device_event ADD COLUMN probe_note VARCHAR(20)")
    ledger.reshape(ProbeDevice, ProbeEvent)
    try:
        yield
    finally:
        ledger.reshape()
        await Device.raw("ALTER TABLE device_event DROP COLUMN probe_note")
        await Device.raw("ALTER TABLE device DROP COLUMN probe")


async def _probe(tag: str) -> tuple[Any, list[Any]]:
    from ordi.devices.tables import Device

    device = await Device.raw("SELECT id, probe FROM device WHERE asset_tag = {}", tag)
    events = await Device.raw("SELECT probe_note FROM device_event WHERE device = {} ORDER BY seq", device[0]["id"])
    return device[0]["probe"], [e["probe_note"] for e in events]


async def test_a_new_column_is_written_by_every_write_path(probed: None, api: Api, world: World) -> None:
    from ordi.devices import ledger
    from ordi.devices.tables import Device

    assert '"probe" = ' in ledger._shape.update_device  # the projection rewrite names it
    donation = await api.declare(world.donor, [{"category": "laptop", "serial_number": "PROBE-1"}])
    tag = donation["devices"][0]["asset_tag"]
    assert await _probe(tag) == ("sonde", ["trace"] * 2)  # bulk declaration and drop-off: the table's defaults

    await Device.raw("UPDATE device SET probe = 'changé' WHERE asset_tag = {}", tag)
    await api.act(world.workshop, tag, {"action": "collect"})
    assert await _probe(tag) == ("changé", ["trace"] * 3)  # a step reads and rewrites the whole row

    label = await api.client.get(f"/api/v1/devices/{tag}/label.png", headers=world.workshop.headers)
    assert label.status_code == 200
    assert await _probe(tag) == ("changé", ["trace"] * 4)  # a record-only entry

    ready = await api.ready_device(world)
    asked = await api.client.post(
        "/api/v1/requests",
        headers=world.association.headers,
        json={"items": [{"category": "laptop", "quantity": 1}], "reason": "Accompagnement emploi"},
    )
    request_id = asked.json()["id"]
    await api.client.post(f"/api/v1/requests/{request_id}/approve", headers=world.operator.headers)
    allocated = await api.client.post(f"/api/v1/requests/{request_id}/allocate", headers=world.operator.headers)
    assert allocated.json()["reserved"] == [ready]
    probe, notes = await _probe(ready)
    assert probe == "sonde" and notes == ["trace"] * 7  # declare, assign, collect, receive, wipe, refurbish, reserve


async def test_entries_take_the_next_seq_of_their_device(api: Api, world: World) -> None:
    from ordi.devices.tables import DeviceEvent

    donation = await api.declare(world.donor, [{"category": "monitor", "serial_number": ""}])
    tag = donation["devices"][0]["asset_tag"]
    await api.client.get(f"/api/v1/devices/{tag}/label.png", headers=world.donor.headers)
    await api.act(world.workshop, tag, {"action": "collect"})
    device = await api.device(world.donor, tag)
    rows = await DeviceEvent.select(DeviceEvent.seq, DeviceEvent.action).order_by(DeviceEvent.seq)
    expected = [(1, "declare"), (2, "assign"), (3, "label_printed"), (4, "collect")]
    assert [(r["seq"], r["action"]) for r in rows] == expected
    assert device["state"] == "collected"
