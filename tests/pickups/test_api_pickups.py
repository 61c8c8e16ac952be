"""From the donor's shelf to the workshop: a pickup asked, claimed by one, collected, signed."""

from __future__ import annotations

import asyncio
import base64
import io
from datetime import date, timedelta
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from nacl.signing import VerifyKey
from pypdf import PdfReader

from ordi.certificates.signing import canonical_json
from ordi.domain.lifecycle import OrgKind
from tests.fixtures import LABEL_OK, Api, Member, World, make_member

CONTACT = {"name": "Claire Martin", "phone": "02 35 00 00 00", "email": "", "role": "Secrétaire"}


async def _ask(api: Api, donor: Member, donation_ids: list[int], **extra: Any) -> dict[str, Any]:
    body = {
        "donation_ids": donation_ids,
        "address": "2 rue du Docteur Fleury",
        "postcode": "76130",
        "city": "Mont-Saint-Aignan",
        "contact": CONTACT,
        "windows": [{"from": "2026-12-08T09:00:00+01:00", "to": "2026-12-08T12:00:00+01:00"}],
        **extra,
    }
    response = await api.client.post("/api/v1/pickups", json=body, headers=donor.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


@pytest.fixture
async def rouen(world: World) -> Member:
    """A second labelled workshop in Normandie (the donor's région), beside Caen's."""
    return await make_member(OrgKind.REFURBISHER, "Atelier Rouen", postcode="76100", label=LABEL_OK)


@pytest.fixture
async def marseille(world: World) -> Member:
    return await make_member(OrgKind.REFURBISHER, "Atelier Marseille", postcode="13002", label=LABEL_OK)


async def test_the_journey_from_the_shelf_to_the_workshop(
    client: AsyncTestClient[Any], api: Api, world: World, rouen: Member, marseille: Member
) -> None:
    donation = await api.declare(
        world.donor, [{"category": "laptop", "serial_number": f"R-{i}"} for i in range(3)], in_charge=None
    )
    tags = [d["asset_tag"] for d in donation["devices"]]
    pickup = await _ask(api, world.donor, [donation["id"]])
    pid = pickup["id"]
    assert pickup["state"] == "requested" and pickup["region"] == "28" and pickup["contact"] == CONTACT

    # Marseille sees nothing: not the pickup, not the donation, not its devices, in no list.
    assert (await client.get(f"/api/v1/pickups/{pid}", headers=marseille.headers)).status_code == 404
    assert (await client.get(f"/api/v1/donations/{donation['id']}", headers=marseille.headers)).status_code == 404
    assert (await client.get(f"/api/v1/devices/{tags[0]}", headers=marseille.headers)).status_code == 404
    assert (await client.get("/api/v1/pickups", headers=marseille.headers)).json()["items"] == []
    assert (await client.get("/api/v1/devices", headers=marseille.headers)).json()["items"] == []
    assert (await client.post(f"/api/v1/pickups/{pid}/claim", headers=marseille.headers)).status_code == 404

    # Normandie's workshops see it in their queue, without address nor contact, and claim at once.
    queued = (await client.get("/api/v1/pickups", headers=rouen.headers)).json()["items"]
    assert [p["id"] for p in queued] == [pid] and queued[0]["address"] is None and queued[0]["contact"] is None
    claims = await asyncio.gather(
        client.post(f"/api/v1/pickups/{pid}/claim", headers=rouen.headers),
        client.post(f"/api/v1/pickups/{pid}/claim", headers=world.workshop.headers),
    )
    assert sorted(r.status_code for r in claims) == [200, 409]
    winner, loser = (rouen, world.workshop) if claims[0].status_code == 200 else (world.workshop, rouen)
    won = next(r for r in claims if r.status_code == 200).json()
    assert won["workshop_id"] == winner.organisation_id and won["address"] == "2 rue du Docteur Fleury"
    assert (await client.get(f"/api/v1/pickups/{pid}", headers=loser.headers)).status_code == 404
    assert (await client.get(f"/api/v1/devices/{tags[0]}", headers=loser.headers)).status_code == 404
    assert (await client.get(f"/api/v1/devices/{tags[0]}", headers=winner.headers)).status_code == 200

    day = (date.today() + timedelta(days=3)).isoformat()
    scheduled = await client.post(f"/api/v1/pickups/{pid}/schedule", json={"date": day}, headers=winner.headers)
    assert scheduled.status_code == 200 and scheduled.json()["state"] == "scheduled"

    collected = await client.post(
        f"/api/v1/pickups/{pid}/collect",
        json={
            "handed_over_by": {"name": "Claire Martin", "role": "Secrétaire"},
            "tags": [t.lower() for t in tags[:2]],  # typed in lower case still works
            "extra": [{"category": "monitor", "brand": "Dell", "model": "P2419H"}],
        },
        headers=winner.headers,
    )
    assert collected.status_code == 201, collected.text
    result = collected.json()
    assert result["collected"] == 3 and result["missing"] == [tags[2]] and len(result["extra"]) == 1
    extra_tag = result["extra"][0]
    assert (await api.device(winner, extra_tag))["state"] == "collected"
    assert (await api.device(world.donor, tags[2]))["state"] == "declared"
    assert (await client.get(f"/api/v1/devices/{tags[2]}", headers=winner.headers)).status_code == 404

    # The donor downloads the receipt; its signature verifies offline with the published key.
    receipt = (await client.get(f"/api/v1/pickups/{pid}/receipt.json", headers=world.donor.headers)).json()
    public = (await client.get("/api/v1/certificates/public-key")).json()
    VerifyKey(base64.b64decode(public["public_key_base64"])).verify(
        canonical_json(receipt["content"]), base64.urlsafe_b64decode(receipt["signature"]["value"] + "==")
    )
    content = receipt["content"]
    assert content["handed_over_by"]["name"] == "Claire Martin" and content["tags"] == sorted(tags[:2])
    assert content["missing"] == [tags[2]] and content["extra"] == [extra_tag] and content["device_count"] == 3
    pdf = await client.get(f"/api/v1/pickups/{pid}/receipt.pdf", headers=world.donor.headers)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert receipt["number"] in text and "Claire Martin" in text and all(t in text for t in tags)
    assert (await client.get(f"/api/v1/pickups/{pid}/receipt.json", headers=marseille.headers)).status_code == 404

    # At the workshop the lot is checked against the receipt and received.
    arrived = await client.post(
        f"/api/v1/pickups/{pid}/reception", json={"tags": [tags[0], extra_tag]}, headers=winner.headers
    )
    assert arrived.status_code == 200, arrived.text
    assert arrived.json() == {"received": 2, "already_received": 0, "missing": [tags[1]], "unexpected": []}
    assert (await api.device(winner, tags[0]))["state"] == "received"


async def test_a_device_without_a_pickup_cannot_be_collected(api: Api, world: World) -> None:
    donation = await api.declare(world.donor, [{"category": "laptop"}], in_charge=None)
    tag = donation["devices"][0]["asset_tag"]
    response = await api.client.post(
        f"/api/v1/devices/{tag}/events", json={"action": "collect"}, headers=world.workshop.headers
    )
    assert response.status_code == 404  # not even seen: its donor's shelf is not the workshop's business


async def test_a_drop_off_puts_the_chosen_workshop_in_charge_at_once(api: Api, world: World) -> None:
    donation = await api.declare(world.donor, [{"category": "laptop"}], in_charge=None)
    tag = donation["devices"][0]["asset_tag"]
    pickup = await _ask(api, world.donor, [donation["id"]], mode="drop_off", workshop_id=world.workshop.organisation_id)
    assert pickup["workshop_id"] == world.workshop.organisation_id
    await api.act(world.workshop, tag, {"action": "receive"})
    assert (await api.device(world.workshop, tag))["state"] == "received"


async def test_a_donation_is_in_one_open_pickup_only(api: Api, world: World) -> None:
    donation = await api.declare(world.donor, [{"category": "tablet"}], in_charge=None)
    await _ask(api, world.donor, [donation["id"]])
    again = await api.client.post(
        "/api/v1/pickups",
        json={"donation_ids": [donation["id"]], "postcode": "76000", "contact": CONTACT},
        headers=world.donor.headers,
    )
    assert again.status_code == 409


async def test_only_the_donor_asks_and_only_for_its_own_donations(api: Api, world: World) -> None:
    donation = await api.declare(world.donor, [{"category": "tablet"}], in_charge=None)
    body = {"donation_ids": [donation["id"]], "postcode": "76000", "contact": CONTACT}
    theirs = await api.client.post("/api/v1/pickups", json=body, headers=world.other_donor.headers)
    assert theirs.status_code == 404
    workshop = await api.client.post("/api/v1/pickups", json=body, headers=world.workshop.headers)
    assert workshop.status_code == 403


async def test_cancelling_takes_the_devices_out_of_the_workshops_hands(api: Api, world: World) -> None:
    donation = await api.declare(world.donor, [{"category": "laptop"}], in_charge=None)
    tag = donation["devices"][0]["asset_tag"]
    pickup = await _ask(api, world.donor, [donation["id"]])
    assigned = await api.client.post(
        f"/api/v1/pickups/{pickup['id']}/assign",
        json={"workshop_id": world.other_workshop.organisation_id},  # Lyon: the operator may send anyone
        headers=world.operator.headers,
    )
    assert assigned.status_code == 200 and assigned.json()["workshop_id"] == world.other_workshop.organisation_id
    assert (await api.client.get(f"/api/v1/devices/{tag}", headers=world.other_workshop.headers)).status_code == 200
    no_reason = await api.client.post(
        f"/api/v1/pickups/{pickup['id']}/cancel", json={"reason": ""}, headers=world.donor.headers
    )
    assert no_reason.status_code == 400
    cancelled = await api.client.post(
        f"/api/v1/pickups/{pickup['id']}/cancel", json={"reason": "Matériel déjà donné"}, headers=world.donor.headers
    )
    assert cancelled.json()["state"] == "cancelled"
    assert (await api.client.get(f"/api/v1/devices/{tag}", headers=world.other_workshop.headers)).status_code == 404
    history = (await api.client.get(f"/api/v1/devices/{tag}/events", headers=world.donor.headers)).json()["items"]
    assert [e["action"] for e in history] == ["declare", "assign", "assign"]


async def test_the_contact_is_emptied_when_its_retention_ends(api: Api, world: World) -> None:
    from ordi.clock import now
    from ordi.pickups.tables import Pickup
    from ordi.privacy import purge_expired

    donation = await api.declare(world.donor, [{"category": "laptop"}], in_charge=None)
    pickup = await _ask(api, world.donor, [donation["id"]])
    await api.client.post(
        f"/api/v1/pickups/{pickup['id']}/cancel", json={"reason": "Plus besoin"}, headers=world.donor.headers
    )
    assert (await purge_expired()).pickup_contacts == 0
    # The retention in force counts from the pickup's end (an ended pickup changes no more).
    ended = now() - timedelta(days=90, seconds=1)
    await Pickup.update({Pickup.updated_at: ended}).where(Pickup.id == pickup["id"])
    purged = await purge_expired()
    assert purged.pickup_contacts == 1
    again = await api.client.get(f"/api/v1/pickups/{pickup['id']}", headers=world.donor.headers)
    assert again.json()["contact"] is None
