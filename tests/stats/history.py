"""A year of varied history, built through the API on a clock the test moves: every path of
PRODUCT.md §3, two donors and two workshops in two régions, requests, returns then recycling."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from tests.fixtures import HAND_OVER, REFURBISH, WIPE_FAILED, WIPE_OK, Api, Member, World

START = datetime(2025, 1, 6, 8, 0, 0, tzinfo=UTC)
DESTROY = {
    **WIPE_OK,
    "level": "destroy",
    "method": "broyage",
    "media": [{"kind": "hdd", "serial": "HDD-9", "capacity_gb": 500, "result": "destroyed"}],
}
RECYCLE = {"action": "recycle", "reason": "carte mère HS", "weight_kg": 2.5, "channel": "eco_organism"}
BENEFICIARIES = ["job_seeker"] * 12 + ["student"] * 3 + ["senior"]


@dataclass
class Clock:
    """The programme's clock in the test: whole seconds, moved forward by the scenario."""

    at: datetime = START

    def now(self) -> datetime:
        return self.at

    def advance(self, days: float = 0, hours: float = 0) -> None:
        self.at += timedelta(days=days, hours=hours)


def install(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Every service that stamps a step, a donation, a pickup or a request reads this clock."""
    from piccolo.columns.defaults.timestamptz import TimestamptzNow

    clock = Clock()
    for module in (
        "ordi.devices.service",
        "ordi.devices.corrections",
        "ordi.donations.service",
        "ordi.pickups.service",
        "ordi.requests.service",
    ):
        monkeypatch.setattr(f"{module}.now", clock.now)
    monkeypatch.setattr(TimestamptzNow, "python", lambda self: clock.now())
    return clock


@dataclass
class History:
    api: Api
    world: World
    clock: Clock
    tags: dict[str, list[str]] = field(default_factory=dict)
    beneficiary: int = 0

    async def act(self, member: Member, tag: str, body: dict[str, Any], days: float = 1.0) -> None:
        self.clock.advance(days=days)
        await self.api.act(member, tag, body)

    async def donation(self, donor: Member, workshop: Member, items: list[dict[str, Any]]) -> list[str]:
        self.clock.advance(hours=5)
        donation = await self.api.declare(donor, items, in_charge=workshop)
        return [d["asset_tag"] for d in donation["devices"]]

    def next_beneficiary(self) -> dict[str, Any]:
        category = BENEFICIARIES[self.beneficiary % len(BENEFICIARIES)]
        self.beneficiary += 1
        return {**HAND_OVER, "beneficiary": {**HAND_OVER["beneficiary"], "category": category}}

    async def bench(self, workshop: Member, tag: str, *, storage: bool = True, fail_first: bool = False) -> None:
        """collect (unless dropped off), receive, wipe (a failed one first), refurbish."""
        await self.act(workshop, tag, {"action": "receive"}, days=2)
        if storage:
            if fail_first:
                await self.act(workshop, tag, WIPE_FAILED, days=1)
            await self.act(workshop, tag, WIPE_OK, days=1)
        grade = "ABC"[len(tag) % 3]
        await self.act(workshop, tag, {**REFURBISH, "grade": grade, "labour_minutes": 30 + len(tag) * 7}, days=3)

    async def out(self, workshop: Member, association: Member, tag: str, *, by_request: bool = False) -> None:
        """reserve (operator), ship, deliver, hand over."""
        if not by_request:
            body = {"action": "reserve", "association_id": association.organisation_id}
            await self.act(self.world.operator, tag, body, days=4)
        await self.act(workshop, tag, {"action": "ship", "carrier": "Colissimo"}, days=2)
        await self.act(association, tag, {"action": "deliver"}, days=3)
        await self.act(association, tag, self.next_beneficiary(), days=6)

    async def request(self, association: Member, category: str, quantity: int) -> int:
        client = self.api.client
        self.clock.advance(hours=3)
        body = {"items": [{"category": category, "quantity": quantity}], "reason": "Accompagnement emploi"}
        response = await client.post("/api/v1/requests", json=body, headers=association.headers)
        assert response.status_code == 201, response.text
        rid = int(response.json()["id"])
        self.clock.advance(days=2)
        approved = await client.post(f"/api/v1/requests/{rid}/approve", headers=self.world.operator.headers)
        assert approved.status_code == 200, approved.text
        return rid

    async def allocate(self, rid: int) -> list[str]:
        self.clock.advance(days=1)
        client = self.api.client
        response = await client.post(f"/api/v1/requests/{rid}/allocate", headers=self.world.operator.headers)
        assert response.status_code == 200, response.text
        return list(response.json()["reserved"])


async def build_year(api: Api, world: World, clock: Clock) -> History:
    """About twenty devices and 200 steps over 2025, into the first days of 2026."""
    h = History(api, world, clock)
    w = world
    caen, lyon = w.workshop, w.other_workshop
    havre, marseille = w.association, w.other_association
    laptop = {"category": "laptop", "brand": "Lenovo", "model": "T480", "serial_number": ""}
    monitor = {"category": "monitor", "brand": "Dell", "model": "P2419", "serial_number": "", "has_storage": False}
    desktop = {"category": "desktop", "brand": "HP", "model": "800 G3", "serial_number": ""}

    # January–March: a Rouen donation to Caen, the whole path, one wipe failing first.
    tags = await h.donation(w.donor, caen, [laptop] * 6 + [monitor] * 2)
    for i, tag in enumerate(tags):
        if i % 2 == 0:
            await h.act(caen, tag, {"action": "collect"}, days=3)
        await h.bench(caen, tag, storage=i < 6, fail_first=i == 1)
    for tag in tags[:5]:
        await h.out(caen, havre, tag)
    # A reservation released, then the device reserved again and handed over.
    await h.act(w.operator, tags[5], {"action": "reserve", "association_id": havre.organisation_id}, days=2)
    await h.act(caen, tags[5], {"action": "release"}, days=5)
    await h.out(caen, havre, tags[5])
    # A monitor (no storage) recycled from ready, the other lost on the shelf.
    await h.act(caen, tags[6], RECYCLE, days=9)
    await h.act(caen, tags[7], {"action": "lose", "note": "introuvable à l'inventaire"}, days=1)

    # April–June: a Lyon donor's desktops to the Lyon workshop, a request served by allocation.
    clock.at = datetime(2025, 4, 2, 9, 0, 0, tzinfo=UTC)
    lyon_tags = await h.donation(w.other_donor, lyon, [desktop] * 5 + [laptop] * 3)
    for tag in lyon_tags:
        await h.act(lyon, tag, {"action": "collect"}, days=6)
        await h.bench(lyon, tag)
    rid = await h.request(marseille, "desktop", 6)  # five ready: a shortfall of one
    reserved = await h.allocate(rid)
    assert len(reserved) == 5
    for tag in reserved:
        await h.out(lyon, marseille, tag, by_request=True)
    for tag in lyon_tags[5:]:
        await h.out(lyon, marseille, tag)

    # July–September: returns. One handed over, returned, received again, recycled after a destruction;
    # one returned from delivered, handed over again; one handed over then lost by the association.
    clock.at = datetime(2025, 7, 15, 10, 0, 0, tzinfo=UTC)
    back = tags[0]
    await h.act(havre, back, {"action": "return", "reason": "panne écran"}, days=2)
    await h.act(caen, back, {"action": "receive"}, days=3)
    await h.act(caen, back, DESTROY, days=1)
    await h.act(caen, back, RECYCLE, days=2)
    summer = await h.donation(w.donor, caen, [laptop] * 4)
    for tag in summer:
        await h.act(caen, tag, {"action": "collect"}, days=2)
        await h.bench(caen, tag)
    await h.act(w.operator, summer[0], {"action": "reserve", "association_id": havre.organisation_id}, days=1)
    await h.act(caen, summer[0], {"action": "ship"}, days=1)
    await h.act(havre, summer[0], {"action": "deliver"}, days=1)
    await h.act(havre, summer[0], {"action": "return", "reason": "ne convient pas"}, days=4)
    await h.act(caen, summer[0], {"action": "receive"}, days=2)
    await h.act(caen, summer[0], WIPE_OK, days=1)
    await h.act(caen, summer[0], {**REFURBISH, "grade": "B"}, days=1)
    await h.out(caen, havre, summer[0])
    await h.out(caen, havre, summer[1])
    await h.act(havre, summer[1], {"action": "lose", "note": "volé"}, days=20)
    await h.out(caen, havre, summer[2])

    # December into January: a hand-over returned early in the new year; stock left at every stage.
    clock.at = datetime(2025, 12, 10, 10, 0, 0, tzinfo=UTC)
    await h.out(caen, havre, summer[3])
    await h.act(havre, summer[3], {"action": "return", "reason": "doublon"}, days=20)
    late = await h.donation(w.donor, caen, [laptop] * 3)
    await h.act(caen, late[0], {"action": "collect"}, days=1)
    await h.act(caen, late[1], {"action": "receive"}, days=1)
    await h.act(caen, late[1], WIPE_FAILED, days=1)
    await _revisions(h, tags, summer, late, laptop)
    # A pickup asked by the donor, claimed, collected with one device more than declared, received.
    h.tags = {"caen": tags, "lyon": lyon_tags, "summer": summer, "late": late, "pickup": await _pickup(h, laptop)}
    return h


async def _history(h: History, member: Member, tag: str) -> list[dict[str, Any]]:
    response = await h.api.client.get(f"/api/v1/devices/{tag}/events", headers=member.headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def _correct(h: History, member: Member, tag: str, corrects: int, changes: dict[str, Any]) -> int:
    h.clock.advance(days=1)
    body = {"corrects": corrects, "reason": "Relevé revu", "changes": changes}
    response = await h.api.client.post(f"/api/v1/devices/{tag}/corrections", json=body, headers=member.headers)
    assert response.status_code == 201, response.text
    return int(response.json()["event"]["id"])


async def _revisions(h: History, caen: list[str], summer: list[str], late: list[str], item: dict[str, Any]) -> None:
    """The donor's edits and removals before collection, a cancelled donation, and corrections
    after it: of a handed-over device's refurbishment (grade, then its minutes by a chained
    correction), of an earlier refurbishment of a device refurbished twice, and of a category."""
    client, w = h.api.client, h.world
    edited = await h.donation(w.donor, w.workshop, [item] * 3)
    h.clock.advance(days=1)
    patched = await client.patch(
        f"/api/v1/devices/{edited[0]}", json={"category": "desktop", "model": "800 G4"}, headers=w.donor.headers
    )
    assert patched.status_code == 200, patched.text
    h.clock.advance(days=1)
    removed = await client.delete(f"/api/v1/devices/{edited[1]}?reason=Vendu", headers=w.donor.headers)
    assert removed.status_code == 200, removed.text
    await h.act(w.workshop, edited[0], {"action": "collect"}, days=2)
    self_cancelled = await h.api.declare(w.other_donor, [item] * 2, in_charge=w.other_workshop)
    h.clock.advance(days=1)
    cancelled = await client.delete(
        f"/api/v1/donations/{self_cancelled['id']}?reason=Erreur", headers=w.other_donor.headers
    )
    assert cancelled.status_code == 200, cancelled.text

    handed = caen[2]
    refurbish = next(e for e in await _history(h, w.operator, handed) if e["action"] == "refurbish")
    fixed = await _correct(
        h, w.operator, handed, refurbish["id"], {"grade": "C" if refurbish["payload"]["grade"] != "C" else "A"}
    )
    await _correct(h, w.operator, handed, fixed, {"labour_minutes": 200})
    twice = [e for e in await _history(h, w.operator, summer[0]) if e["action"] == "refurbish"]
    assert len(twice) == 2
    await _correct(
        h,
        w.operator,
        summer[0],
        twice[0]["id"],
        {"grade": "B" if twice[0]["payload"]["grade"] != "B" else "A", "labour_minutes": 5},
    )
    declare = (await _history(h, w.workshop, late[0]))[0]
    await _correct(h, w.workshop, late[0], declare["id"], {"category": "desktop"})


async def _pickup(h: History, item: dict[str, Any]) -> list[str]:
    client, w = h.api.client, h.world
    h.clock.advance(days=1)
    donation = await h.api.declare(w.donor, [item, item], in_charge=None)
    tags = [d["asset_tag"] for d in donation["devices"]]
    soon = date.today() + timedelta(days=5)
    body = {
        "donation_ids": [donation["id"]],
        "address": "2 rue du Docteur Fleury",
        "postcode": "76130",
        "city": "Mont-Saint-Aignan",
        "contact": {"name": "Accueil", "phone": "", "email": "", "role": ""},
        "windows": [{"from": f"{soon}T09:00:00+01:00", "to": f"{soon}T12:00:00+01:00"}],
    }
    asked = await client.post("/api/v1/pickups", json=body, headers=w.donor.headers)
    assert asked.status_code == 201, asked.text
    pid = asked.json()["id"]
    h.clock.advance(days=1)
    claimed = await client.post(f"/api/v1/pickups/{pid}/claim", headers=w.workshop.headers)
    assert claimed.status_code == 200, claimed.text
    scheduled = await client.post(
        f"/api/v1/pickups/{pid}/schedule", json={"date": soon.isoformat()}, headers=w.workshop.headers
    )
    assert scheduled.status_code == 200, scheduled.text
    h.clock.advance(days=4)
    collected = await client.post(
        f"/api/v1/pickups/{pid}/collect",
        json={
            "handed_over_by": {"name": "Claire Martin", "role": "Secrétaire"},
            "tags": tags,
            "extra": [{"category": "monitor", "brand": "Dell", "model": "P2419H"}],
        },
        headers=w.workshop.headers,
    )
    assert collected.status_code == 201, collected.text
    extra = collected.json()["extra"]
    h.clock.advance(days=1)
    received = await client.post(
        f"/api/v1/pickups/{pid}/reception", json={"tags": [tags[0], *extra]}, headers=w.workshop.headers
    )
    assert received.status_code in (200, 201), received.text
    return [*tags, *extra]
