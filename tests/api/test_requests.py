"""Associations ask, the operator decides and allocates."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.fixtures import LABEL_OK, Api, World, make_member


async def _request(client: AsyncTestClient[Any], member: Any, quantity: int, category: str = "laptop") -> Any:
    return await client.post(
        "/api/v1/requests",
        headers=member.headers,
        json={"items": [{"category": category, "quantity": quantity}], "reason": "Accompagnement emploi"},
    )


async def test_only_associations_with_a_valid_label_request(client: AsyncTestClient[Any], world: World) -> None:
    from ordi.organisations.tables import Organisation

    assert (await _request(client, world.workshop, 1)).status_code == 403
    await Organisation.update({Organisation.label_valid_until: None}).where(
        Organisation.id == world.association.organisation_id
    )
    response = await _request(client, world.association, 1)
    assert response.status_code == 403
    assert "label" in response.json()["detail"]


async def test_reject_needs_a_reason(client: AsyncTestClient[Any], world: World) -> None:
    rid = (await _request(client, world.association, 1)).json()["id"]
    refused = await client.post(f"/api/v1/requests/{rid}/reject", json={"reason": ""}, headers=world.operator.headers)
    assert refused.status_code == 422
    ok = await client.post(
        f"/api/v1/requests/{rid}/reject", json={"reason": "Stock épuisé"}, headers=world.operator.headers
    )
    assert ok.json()["status"] == "rejected"
    again = await client.post(f"/api/v1/requests/{rid}/approve", headers=world.operator.headers)
    assert again.status_code == 409


async def test_only_the_operator_approves(client: AsyncTestClient[Any], world: World) -> None:
    rid = (await _request(client, world.association, 1)).json()["id"]
    for member in (world.association, world.workshop, world.committee):
        assert (await client.post(f"/api/v1/requests/{rid}/approve", headers=member.headers)).status_code == 403


async def test_allocation_is_partial_when_stock_is_short(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    tag = await api.ready_device(world)
    rid = (await _request(client, world.association, 3)).json()["id"]
    await client.post(f"/api/v1/requests/{rid}/approve", headers=world.operator.headers)
    result = (await client.post(f"/api/v1/requests/{rid}/allocate", headers=world.operator.headers)).json()
    assert result["reserved"] == [tag]
    assert result["shortfall"] == {"laptop": 2}
    assert result["request"]["status"] == "approved"
    assert result["request"]["items"][0]["allocated"] == 1
    device = await api.device(world.association, tag)
    assert device["state"] == "reserved" and device["association_id"] == world.association.organisation_id


async def test_allocation_prefers_the_associations_region_then_the_oldest(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    # world.workshop is in Normandie (Caen), like the association (Le Havre); other_workshop is in Lyon.
    lyon_tag = await _ready_at(api, world, world.other_workshop)
    normandy_old = await api.ready_device(world)
    normandy_new = await api.ready_device(world)
    rid = (await _request(client, world.association, 3)).json()["id"]
    await client.post(f"/api/v1/requests/{rid}/approve", headers=world.operator.headers)
    result = (await client.post(f"/api/v1/requests/{rid}/allocate", headers=world.operator.headers)).json()
    # Normandie first (oldest ready first), the oldest elsewhere only after.
    assert result["reserved"] == [normandy_old, normandy_new, lyon_tag]


async def _ready_at(api: Api, world: World, workshop: Any) -> str:
    from tests.fixtures import REFURBISH, WIPE_OK

    tag = (await api.declare(world.donor, [{"category": "laptop"}], in_charge=workshop))["devices"][0]["asset_tag"]
    for body in ({"action": "collect"}, {"action": "receive"}, WIPE_OK, REFURBISH):
        await api.act(workshop, tag, body)
    return str(tag)


async def test_association_sees_only_its_requests(client: AsyncTestClient[Any], world: World) -> None:
    await _request(client, world.association, 1)
    assert (await client.get("/api/v1/requests", headers=world.association.headers)).json()["total"] == 1
    assert (await client.get("/api/v1/requests", headers=world.other_association.headers)).json()["total"] == 0
    assert (await client.get("/api/v1/requests", headers=world.operator.headers)).json()["total"] == 1


async def test_new_association_can_request(client: AsyncTestClient[Any], world: World) -> None:
    from ordi.domain.lifecycle import OrgKind

    member = await make_member(OrgKind.ASSOCIATION, "Nouvelle Asso", postcode="97400", label=LABEL_OK)
    assert (await _request(client, member, 2)).status_code == 201


async def test_allocation_refuses_an_association_whose_label_lapsed(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    from ordi.organisations.tables import Organisation

    tag = await api.ready_device(world)
    rid = (await _request(client, world.association, 1)).json()["id"]
    await client.post(f"/api/v1/requests/{rid}/approve", headers=world.operator.headers)
    await Organisation.update({Organisation.label_valid_until: None}).where(
        Organisation.id == world.association.organisation_id
    )
    response = await client.post(f"/api/v1/requests/{rid}/allocate", headers=world.operator.headers)
    assert response.status_code == 422
    assert (await api.device(world.workshop, tag))["state"] == "ready"
