"""A year of varied history for the committee's bilan and dashboard, built through the API.

Two régions' workshops (Caen in Normandie, Lyon in Auvergne-Rhône-Alpes) and a third one whose name
is not Latin; hand-overs to two beneficiary categories, one of them a small cell (3 students: "< 11",
and the 11 job seekers suppressed with them so that 14 − 11 gives nothing away); a failed wipe, a
recycled monitor, devices still in stock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar.testing import AsyncTestClient

from ordi.domain.lifecycle import OrgKind
from tests.fixtures import HAND_OVER, LABEL_OK, REFURBISH, WIPE_FAILED, WIPE_OK, Api, Member, World, make_member

UNICODE_WORKSHOP = "Atelier Łódź Ολυμπία ≈ Москва"
JOB_SEEKERS = 11
STUDENTS = 3


@dataclass
class History:
    world: World
    unicode_workshop: Member
    summary: dict[str, Any]


async def build(client: AsyncTestClient[Any], api: Api, world: World) -> History:
    items = [
        {"category": "laptop", "model": "T480", "serial_number": f"L-{i:03d}"}
        for i in range(JOB_SEEKERS + STUDENTS + 1)
    ]
    items += [{"category": "monitor", "model": "P2419H", "serial_number": "M-001", "has_storage": False}]
    donation = await api.declare(world.donor, items)
    tags = await api.donation_tags(world.donor, donation["id"])
    laptops, monitor = tags[:-1], tags[-1]
    for i, tag in enumerate(laptops[: JOB_SEEKERS + STUDENTS]):
        for body in ({"action": "collect"}, {"action": "receive"}, WIPE_OK, REFURBISH):
            await api.act(world.workshop, tag, body)
        await api.act(world.operator, tag, {"action": "reserve", "association_id": world.association.organisation_id})
        await api.act(world.workshop, tag, {"action": "ship"})
        await api.act(world.association, tag, {"action": "deliver"})
        category = "job_seeker" if i < JOB_SEEKERS else "student"
        await api.act(
            world.association, tag, {**HAND_OVER, "beneficiary": {**HAND_OVER["beneficiary"], "category": category}}
        )
    # One laptop whose wipe failed waits in stock, received.
    stuck = laptops[-1]
    for body in ({"action": "collect"}, {"action": "receive"}, WIPE_FAILED):
        await api.act(world.workshop, stuck, body)
    # The monitor (no storage) is recycled.
    await api.act(world.workshop, monitor, {"action": "collect"})
    await api.act(world.workshop, monitor, {"action": "receive"})
    recycle = {"action": "recycle", "reason": "dalle cassée", "weight_kg": 4.2, "channel": "eco_organism"}
    await api.act(world.workshop, monitor, recycle)

    # Lyon's workshop makes two laptops ready.
    lyon = await api.declare(world.other_donor, [{"category": "laptop", "model": "X1"}] * 2, world.other_workshop)
    for tag in await api.donation_tags(world.other_donor, lyon["id"]):
        for body in ({"action": "collect"}, {"action": "receive"}, WIPE_OK, REFURBISH):
            await api.act(world.other_workshop, tag, body)

    # An association's request, approved, allocated one of Lyon's laptops, delivered.
    body = {"items": [{"category": "laptop", "quantity": 1}], "reason": "Atelier numérique"}
    asked = await client.post("/api/v1/requests", json=body, headers=world.association.headers)
    assert asked.status_code == 201, asked.text
    rid = asked.json()["id"]
    await client.post(f"/api/v1/requests/{rid}/approve", headers=world.operator.headers)
    allocated = (await client.post(f"/api/v1/requests/{rid}/allocate", headers=world.operator.headers)).json()
    (delivered,) = allocated["reserved"]
    await api.act(world.other_workshop, delivered, {"action": "ship"})
    await api.act(world.association, delivered, {"action": "deliver"})

    # A workshop whose name no Windows-1252 font can print.
    unicode_shop = await make_member(OrgKind.REFURBISHER, UNICODE_WORKSHOP, postcode="13001", label=LABEL_OK)
    far = await api.declare(world.other_donor, [{"category": "desktop", "model": "Optiplex"}], unicode_shop)
    (tag,) = await api.donation_tags(world.other_donor, far["id"])
    await api.act(unicode_shop, tag, {"action": "collect"})

    summary = await client.get("/api/v1/stats/summary", headers=world.committee.headers)
    assert summary.status_code == 200, summary.text
    return History(world, unicode_shop, summary.json())
