"""Another organisation's attempt: it gets 403/404 and learns nothing."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.fixtures import WIPE_OK, Api, World


async def test_other_donor_cannot_read_the_device(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    tag = (await api.declare(world.donor, [{"category": "laptop"}]))["devices"][0]["asset_tag"]
    response = await client.get(f"/api/v1/devices/{tag}", headers=world.other_donor.headers)
    assert response.status_code == 404
    assert tag in response.json()["detail"]  # echoes what was asked, nothing more
    assert "declared" not in response.text


async def test_other_donor_does_not_see_the_device_in_lists(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    await api.declare(world.donor, [{"category": "laptop"}, {"category": "tablet"}])
    mine = await client.get("/api/v1/devices", headers=world.donor.headers)
    theirs = await client.get("/api/v1/devices", headers=world.other_donor.headers)
    assert mine.json()["total"] == 2
    assert theirs.json() == {"items": [], "total": 0, "total_estimated": False, "next": None, "limit": 50, "offset": 0}


async def test_other_donor_cannot_read_the_donation(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    donation = await api.declare(world.donor, [{"category": "laptop"}])
    response = await client.get(f"/api/v1/donations/{donation['id']}", headers=world.other_donor.headers)
    assert response.status_code == 404


async def test_other_workshop_cannot_act_on_a_device_in_custody(api: Api, world: World) -> None:
    tag = (await api.declare(world.donor, [{"category": "laptop"}]))["devices"][0]["asset_tag"]
    await api.act(world.workshop, tag, {"action": "collect"})
    problem = await api.act(world.other_workshop, tag, {"action": "receive"}, expected=404)
    assert problem["status"] == 404
    device = await api.device(world.workshop, tag)
    assert device["state"] == "collected"


async def test_donor_may_read_but_not_act(api: Api, world: World) -> None:
    tag = (await api.declare(world.donor, [{"category": "laptop"}]))["devices"][0]["asset_tag"]
    problem = await api.act(world.donor, tag, {"action": "collect"}, expected=403)
    assert problem["detail"].startswith("Seul un atelier")


async def test_a_workshop_with_an_expired_label_is_never_put_in_charge(api: Api, world: World) -> None:
    donation = await api.declare(world.donor, [{"category": "laptop"}], in_charge=None)
    body = {
        "donation_ids": [donation["id"]],
        "postcode": "76000",
        "contact": {"name": "Accueil"},
        "mode": "drop_off",
        "workshop_id": world.expired_workshop.organisation_id,
    }
    refused = await api.client.post("/api/v1/pickups", json=body, headers=world.donor.headers)
    assert refused.status_code == 422 and "label" in refused.json()["detail"]


async def test_label_withdrawn_after_login_is_enforced(api: Api, world: World) -> None:
    from ordi.organisations.tables import Organisation

    tag = (await api.declare(world.donor, [{"category": "laptop"}]))["devices"][0]["asset_tag"]
    await Organisation.update({Organisation.label_valid_until: None}).where(
        Organisation.id == world.workshop.organisation_id
    )
    await api.act(world.workshop, tag, {"action": "collect"}, expected=403)


async def test_association_sees_only_devices_reserved_for_it(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    tag = await api.ready_device(world)
    before = await client.get(f"/api/v1/devices/{tag}", headers=world.association.headers)
    assert before.status_code == 404
    await api.act(world.operator, tag, {"action": "reserve", "association_id": world.association.organisation_id})
    assert (await client.get(f"/api/v1/devices/{tag}", headers=world.association.headers)).status_code == 200
    other = await client.get(f"/api/v1/devices/{tag}", headers=world.other_association.headers)
    assert other.status_code == 404


async def test_committee_reads_figures_but_not_devices(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    await api.declare(world.donor, [{"category": "laptop"}])
    devices = await client.get("/api/v1/devices", headers=world.committee.headers)
    assert devices.status_code == 403
    summary = await client.get("/api/v1/stats/summary", headers=world.committee.headers)
    assert summary.status_code == 200


async def test_committee_summary_holds_no_personal_data(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    tag = await api.delivered_device(world)
    await api.act(
        world.association,
        tag,
        {
            "action": "hand_over",
            "beneficiary": {"category": "student", "age_band": "18_25", "departement": "76"},
            "warranty_contact": {"full_name": "Camille Martin", "phone": "0601020304"},
        },
    )
    summary = await client.get("/api/v1/stats/summary", headers=world.committee.headers)
    assert "Camille" not in summary.text and "0601020304" not in summary.text
    history = await client.get(f"/api/v1/devices/{tag}/events", headers=world.association.headers)
    assert "Camille" not in history.text


async def test_donors_and_workshops_cannot_read_the_summary(client: AsyncTestClient[Any], world: World) -> None:
    for member in (world.donor, world.workshop, world.association):
        response = await client.get("/api/v1/stats/summary", headers=member.headers)
        assert response.status_code == 403


async def test_wipe_of_a_device_in_another_workshop_is_refused(api: Api, world: World) -> None:
    tag = (await api.declare(world.donor, [{"category": "laptop"}]))["devices"][0]["asset_tag"]
    await api.act(world.workshop, tag, {"action": "collect"})
    await api.act(world.workshop, tag, {"action": "receive"})  # at the bench, ready to be wiped
    await api.act(world.other_workshop, tag, WIPE_OK, expected=404)
    assert (await api.device(world.workshop, tag))["state"] == "received"
