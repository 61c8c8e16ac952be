"""Errors are RFC 9457 problem details, French by default, and leave nothing half-written."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.fixtures import REFURBISH, WIPE_OK, Api, World


async def test_409_problem_in_french(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    tag = (await api.declare(world.donor, [{"category": "laptop"}]))["devices"][0]["asset_tag"]
    await api.act(world.workshop, tag, {"action": "collect"})
    response = await client.post(
        f"/api/v1/devices/{tag}/events", json={"action": "ship"}, headers=world.workshop.headers
    )
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 409 and body["title"] == "Conflit"
    assert body["detail"] == "Action « expédier » impossible : l'appareil est à l'état « collecté »."
    assert body["type"].startswith("https://")


async def test_english_on_request(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    tag = (await api.declare(world.donor, [{"category": "laptop"}]))["devices"][0]["asset_tag"]
    await api.act(world.workshop, tag, {"action": "collect"})
    response = await client.post(
        f"/api/v1/devices/{tag}/events",
        json={"action": "ship"},
        headers={**world.workshop.headers, "Accept-Language": "en-GB,en;q=0.8"},
    )
    assert response.json()["detail"] == "Action 'ship' not allowed: the device is 'collected'."


async def test_malformed_payload_is_400_and_changes_nothing(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    tag = await api.ready_device(world)
    response = await client.post(
        f"/api/v1/devices/{tag}/events",
        json={"action": "recycle", "weight_kg": "lourd"},
        headers=world.workshop.headers,
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Requête invalide")
    assert (await api.device(world.workshop, tag))["state"] == "ready"


async def test_rule_breaking_record_is_422(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    tag = (await api.declare(world.donor, [{"category": "laptop"}]))["devices"][0]["asset_tag"]
    await api.act(world.workshop, tag, {"action": "collect"})
    await api.act(world.workshop, tag, {"action": "receive"})
    bad = {**WIPE_OK, "started_at": "2026-11-20T10:00:00Z", "ended_at": "2026-11-20T09:00:00Z"}
    response = await client.post(f"/api/v1/devices/{tag}/events", json=bad, headers=world.workshop.headers)
    assert response.status_code == 422
    assert response.json()["detail"] == "La fin de l'effacement précède son début."
    history = await client.get(f"/api/v1/devices/{tag}/events", headers=world.workshop.headers)
    assert history.json()["total"] == 4  # declare, assign, collect, receive


async def test_unknown_route_is_a_problem(client: AsyncTestClient[Any]) -> None:
    response = await client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["detail"] == "Ressource introuvable."


async def test_hand_over_with_unknown_departement_is_refused(api: Api, world: World) -> None:
    tag = await api.delivered_device(world)
    body = {"action": "hand_over", "beneficiary": {"category": "student", "age_band": "18_25", "departement": "00"}}
    problem = await api.act(world.association, tag, body, expected=422)
    assert "Département inconnu" in problem["detail"]


async def test_reserve_for_an_organisation_that_is_not_an_association(api: Api, world: World) -> None:
    tag = await api.ready_device(world)
    problem = await api.act(
        world.operator, tag, {"action": "reserve", "association_id": world.donor.organisation_id}, expected=422
    )
    assert "association" in problem["detail"].lower()


async def test_refurbish_twice_is_a_conflict(api: Api, world: World) -> None:
    tag = await api.ready_device(world)
    await api.act(world.workshop, tag, REFURBISH, expected=409)


async def test_validation_detail_is_french_and_says_where(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    tag = await api.ready_device(world)
    response = await client.post(
        f"/api/v1/devices/{tag}/events", json={"action": "recycle", "reason": "x"}, headers=world.workshop.headers
    )
    assert response.status_code == 400
    assert "champ obligatoire manquant" in response.json()["detail"]
