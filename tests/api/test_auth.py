"""Logging in, tokens and scanning-station API keys."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.fixtures import PASSWORD, World


async def test_login_returns_a_bearer_token_that_works(client: AsyncTestClient[Any], world: World) -> None:
    response = await client.post("/api/v1/auth/token", json={"email": world.workshop.email, "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] > 0
    me = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json()["organisation"]["id"] == world.workshop.organisation_id


async def test_wrong_password_is_a_401_problem(client: AsyncTestClient[Any], world: World) -> None:
    response = await client.post("/api/v1/auth/token", json={"email": world.workshop.email, "password": "non"})
    assert response.status_code == 401
    assert response.json()["detail"] == "Adresse e-mail ou mot de passe incorrect."
    unknown = await client.post("/api/v1/auth/token", json={"email": "x@y.fr", "password": "non"})
    assert unknown.json()["detail"] == response.json()["detail"]


async def test_deactivated_user_cannot_log_in(client: AsyncTestClient[Any], world: World) -> None:
    from ordi.organisations.tables import User

    await User.update({User.active: False}).where(User.email == world.workshop.email)
    response = await client.post("/api/v1/auth/token", json={"email": world.workshop.email, "password": PASSWORD})
    assert response.status_code == 401


async def test_requests_without_or_with_forged_tokens_are_refused(client: AsyncTestClient[Any], world: World) -> None:
    assert (await client.get("/api/v1/devices")).status_code == 401
    forged = {"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.AAAA"}
    response = await client.get("/api/v1/devices", headers=forged)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


async def test_expired_token_is_refused(client: AsyncTestClient[Any], world: World) -> None:
    import time

    import jwt

    from ordi.config import get_settings

    expired = jwt.encode(
        {"sub": "1", "org": 1, "kind": "operator", "exp": int(time.time()) - 10},
        get_settings().secret_key,
        algorithm="HS256",
    )
    response = await client.get("/api/v1/devices", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401


async def test_api_key_works_until_revoked(client: AsyncTestClient[Any], world: World) -> None:
    created = await client.post("/api/v1/auth/api-keys", json={"name": "Poste 1"}, headers=world.workshop.headers)
    assert created.status_code == 201
    key = created.json()["key"]
    assert (await client.get("/api/v1/devices", headers={"X-API-Key": key})).status_code == 200
    assert (await client.get("/api/v1/devices", headers={"Authorization": f"Bearer {key}"})).status_code == 200
    listed = await client.get("/api/v1/auth/api-keys", headers=world.workshop.headers)
    assert "key" not in listed.json()["items"][0]  # shown once, stored hashed
    revoked = await client.delete(f"/api/v1/auth/api-keys/{created.json()['id']}", headers=world.workshop.headers)
    assert revoked.status_code == 204
    assert (await client.get("/api/v1/devices", headers={"X-API-Key": key})).status_code == 401


async def test_another_organisation_cannot_revoke_my_key(client: AsyncTestClient[Any], world: World) -> None:
    created = await client.post("/api/v1/auth/api-keys", json={}, headers=world.workshop.headers)
    response = await client.delete(
        f"/api/v1/auth/api-keys/{created.json()['id']}", headers=world.other_workshop.headers
    )
    assert response.status_code == 404


async def test_passwords_are_stored_as_argon2id(world: World) -> None:
    from ordi.organisations.tables import User

    row = await User.select(User.password_hash).where(User.email == world.donor.email).first()
    assert row["password_hash"].startswith("$argon2id$")
    assert PASSWORD not in row["password_hash"]


async def test_a_cached_token_still_expires(world: World, monkeypatch: Any) -> None:
    import time

    import pytest

    from ordi.auth.tokens import read_token
    from ordi.domain.errors import Unauthenticated

    token = world.workshop.headers["Authorization"].removeprefix("Bearer ")
    assert read_token(token).organisation_id == world.workshop.organisation_id  # now cached
    later = time.time() + 10 * 24 * 3600
    monkeypatch.setattr(time, "time", lambda: later)
    with pytest.raises(Unauthenticated):
        read_token(token)


async def test_a_station_key_cannot_manage_people_or_keys(client: AsyncTestClient[Any], world: World) -> None:
    key = (await client.post("/api/v1/auth/api-keys", json={}, headers=world.workshop.headers)).json()["key"]
    station = {"X-API-Key": key}
    assert (await client.post("/api/v1/auth/api-keys", json={}, headers=station)).status_code == 403
    org = world.workshop.organisation_id
    created = await client.post(
        f"/api/v1/organisations/{org}/users",
        headers=station,
        json={"email": "intrus@atelier.fr", "password": "un-mot-de-passe-long"},
    )
    assert created.status_code == 403
