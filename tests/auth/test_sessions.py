"""Accounts: deactivation ends every session at once (on two API instances), logout-all, roles,
organisations, and a manager limited to the people of its own organisation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.fixtures import PASSWORD, Member, World

DONATION = {"items": [{"category": "laptop", "brand": "Lenovo", "model": "T480", "serial_number": "S1"}]}


@pytest.fixture
async def second_api(client: AsyncTestClient[Any]) -> AsyncIterator[AsyncTestClient[Any]]:
    """A second API process, as far as one test process goes: another application instance on the
    same database and Redis (its lifespan is the first one's: pools, worker and sweeper are shared)."""
    from ordi.app import create_app

    yield AsyncTestClient(app=create_app(), base_url="http://ordi.test")


async def _login(client: AsyncTestClient[Any], email: str, password: str = PASSWORD) -> dict[str, str]:
    response = await client.post("/api/v1/auth/token", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def _user_id(member: Member) -> int:
    return member.actor.user_id


async def test_a_deactivated_person_is_refused_on_the_next_request_on_every_instance(
    client: AsyncTestClient[Any], second_api: AsyncTestClient[Any], world: World
) -> None:
    session = await _login(client, world.donor.email)
    # Both instances have seen (and verified) the token.
    assert (await client.post("/api/v1/donations", json=DONATION, headers=session)).status_code == 201
    assert (await second_api.get("/api/v1/donations", headers=session)).status_code == 200
    deactivated = await second_api.patch(
        f"/api/v1/users/{world.donor.actor.user_id}", json={"active": False}, headers=world.operator.headers
    )
    assert deactivated.status_code == 200 and deactivated.json()["active"] is False
    for api in (client, second_api):
        for headers in (session, world.donor.headers):
            refused = await api.post("/api/v1/donations", json=DONATION, headers=headers)
            assert refused.status_code == 401
            assert refused.json()["code"] == "session_ended"
            assert "reconnectez-vous" in refused.json()["detail"]
    login = await client.post("/api/v1/auth/token", json={"email": world.donor.email, "password": PASSWORD})
    assert login.status_code == 401
    # Reactivated: a new login works, the old tokens stay dead.
    reactivated = await client.patch(
        f"/api/v1/users/{world.donor.actor.user_id}", json={"active": True}, headers=world.operator.headers
    )
    assert reactivated.json()["active"] is True
    fresh = await _login(second_api, world.donor.email)
    assert (await client.get("/api/v1/donations", headers=fresh)).status_code == 200
    assert (await client.get("/api/v1/donations", headers=session)).status_code == 401


async def test_a_deactivated_person_loses_their_api_keys_and_background_identity(
    client: AsyncTestClient[Any], world: World
) -> None:
    key = (await client.post("/api/v1/auth/api-keys", json={}, headers=world.workshop.headers)).json()["key"]
    assert (await client.get("/api/v1/devices", headers={"X-API-Key": key})).status_code == 200
    await client.patch(
        f"/api/v1/users/{world.workshop.actor.user_id}", json={"active": False}, headers=world.operator.headers
    )
    assert (await client.get("/api/v1/devices", headers={"X-API-Key": key})).status_code == 401


async def test_logout_all_ends_every_session_of_mine_only(
    client: AsyncTestClient[Any], second_api: AsyncTestClient[Any], world: World
) -> None:
    phone, laptop = await _login(client, world.workshop.email), await _login(second_api, world.workshop.email)
    assert (await client.post("/api/v1/auth/logout-all", headers=phone)).status_code == 204
    for api in (client, second_api):
        assert (await api.get("/api/v1/auth/me", headers=laptop)).status_code == 401
        assert (await api.get("/api/v1/auth/me", headers=phone)).status_code == 401
    assert (await client.get("/api/v1/auth/me", headers=world.other_workshop.headers)).status_code == 200
    again = await _login(client, world.workshop.email)
    assert (await second_api.get("/api/v1/auth/me", headers=again)).status_code == 200


async def test_a_new_role_ends_the_sessions_that_carry_the_old_one(client: AsyncTestClient[Any], world: World) -> None:
    org = world.workshop.organisation_id
    created = await client.post(
        f"/api/v1/organisations/{org}/users",
        json={"email": "tech@atelier.fr", "password": "une phrase de passe longue", "role": "member"},
        headers=world.workshop.headers,
    )
    assert created.status_code == 201, created.text
    tech = await _login(client, "tech@atelier.fr", "une phrase de passe longue")
    assert (await client.post("/api/v1/auth/api-keys", json={}, headers=tech)).status_code == 403
    promoted = await client.patch(
        f"/api/v1/users/{created.json()['id']}", json={"role": "manager"}, headers=world.workshop.headers
    )
    assert promoted.json()["role"] == "manager"
    assert (await client.get("/api/v1/auth/me", headers=tech)).status_code == 401
    tech = await _login(client, "tech@atelier.fr", "une phrase de passe longue")
    assert (await client.post("/api/v1/auth/api-keys", json={}, headers=tech)).status_code == 201


async def test_a_manager_manages_the_people_of_its_own_organisation_only(
    client: AsyncTestClient[Any], world: World
) -> None:
    org = world.workshop.organisation_id
    colleague = await client.post(
        f"/api/v1/organisations/{org}/users",
        json={"email": "benevole@atelier.fr", "password": "une phrase de passe longue", "role": "member"},
        headers=world.workshop.headers,
    )
    colleague_id = colleague.json()["id"]
    stranger_id = world.other_workshop.actor.user_id
    # Another organisation's person: not found, whatever the call.
    for method, url, body in (
        ("GET", f"/api/v1/users/{stranger_id}", None),
        ("PATCH", f"/api/v1/users/{stranger_id}", {"active": False}),
        ("POST", f"/api/v1/users/{stranger_id}/password-reset", None),
    ):
        response = await client.request(method, url, json=body, headers=world.workshop.headers)
        assert response.status_code == 404, (method, url, response.text)
        assert response.json()["detail"] == "Personne introuvable."
    listed = await client.get(
        f"/api/v1/organisations/{world.other_workshop.organisation_id}/users", headers=world.workshop.headers
    )
    assert listed.status_code == 404
    mine = await client.get(f"/api/v1/organisations/{org}/users?limit=1", headers=world.workshop.headers)
    assert mine.status_code == 200 and mine.json()["total"] == 2 and mine.json()["next"]
    # Their own people: yes; a member: their own name only.
    renamed = await client.patch(
        f"/api/v1/users/{colleague_id}", json={"full_name": "Camille B."}, headers=world.workshop.headers
    )
    assert renamed.status_code == 200 and renamed.json()["full_name"] == "Camille B."
    member = await _login(client, "benevole@atelier.fr", "une phrase de passe longue")
    refused = await client.patch(
        f"/api/v1/users/{world.workshop.actor.user_id}", json={"active": False}, headers=member
    )
    assert refused.status_code == 403
    own_name = await client.patch(f"/api/v1/users/{colleague_id}", json={"full_name": "Camille"}, headers=member)
    assert own_name.status_code == 200
    own_role = await client.patch(f"/api/v1/users/{colleague_id}", json={"role": "manager"}, headers=member)
    assert own_role.status_code == 403
    # Nobody locks themselves out.
    myself = await client.patch(
        f"/api/v1/users/{world.workshop.actor.user_id}", json={"active": False}, headers=world.workshop.headers
    )
    assert myself.status_code == 409 and myself.json()["code"] == "own_access_unchanged"
    # The operator manages anyone.
    by_operator = await client.patch(
        f"/api/v1/users/{stranger_id}", json={"full_name": "Lyon"}, headers=world.operator.headers
    )
    assert by_operator.status_code == 200


async def test_a_deactivated_organisation_ends_the_sessions_of_all_its_people(
    client: AsyncTestClient[Any], second_api: AsyncTestClient[Any], world: World
) -> None:
    org = world.association.organisation_id
    session = await _login(client, world.association.email)
    key = (await client.post("/api/v1/auth/api-keys", json={}, headers=world.association.headers)).json()["key"]
    closed = await second_api.patch(
        f"/api/v1/organisations/{org}", json={"active": False}, headers=world.operator.headers
    )
    assert closed.status_code == 200 and closed.json()["active"] is False
    for api in (client, second_api):
        assert (await api.get("/api/v1/requests", headers=session)).status_code == 401
        assert (await api.get("/api/v1/requests", headers=world.association.headers)).status_code == 401
        assert (await api.get("/api/v1/requests", headers={"X-API-Key": key})).status_code == 401
    login = await client.post("/api/v1/auth/token", json={"email": world.association.email, "password": PASSWORD})
    assert login.status_code == 401
    directory = await client.get("/api/v1/directory")
    assert "EPN Le Havre" not in {e["name"] for e in directory.json()["items"]}
    reopened = await client.patch(f"/api/v1/organisations/{org}", json={"active": True}, headers=world.operator.headers)
    assert reopened.json()["active"] is True
    assert (
        await client.get("/api/v1/requests", headers=await _login(client, world.association.email))
    ).status_code == 200


async def test_only_the_operator_edits_organisations(client: AsyncTestClient[Any], world: World) -> None:
    own = await client.patch(
        f"/api/v1/organisations/{world.donor.organisation_id}", json={"name": "Canopé"}, headers=world.donor.headers
    )
    assert own.status_code == 403
    other = await client.patch(
        f"/api/v1/organisations/{world.other_donor.organisation_id}",
        json={"active": False},
        headers=world.donor.headers,
    )
    assert other.status_code == 404
    edited = await client.patch(
        f"/api/v1/organisations/{world.donor.organisation_id}",
        json={"name": "Atelier Canopé 76", "postcode": "14000", "siret": None},
        headers=world.operator.headers,
    )
    assert edited.status_code == 200, edited.text
    assert (edited.json()["name"], edited.json()["departement"], edited.json()["region"]) == (
        "Atelier Canopé 76",
        "14",
        "28",
    )
    bad = await client.patch(
        f"/api/v1/organisations/{world.donor.organisation_id}",
        json={"postcode": "00000"},
        headers=world.operator.headers,
    )
    assert bad.status_code == 422
    mine = await client.patch(
        f"/api/v1/organisations/{world.operator.organisation_id}",
        json={"active": False},
        headers=world.operator.headers,
    )
    assert mine.status_code == 409
