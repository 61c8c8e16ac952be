"""Organisations: SIRET and location checked, and the public geolocated directory."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.fixtures import World

VALID_SIRET = "73282932000074"


async def test_operator_creates_an_organisation_with_derived_location(
    client: AsyncTestClient[Any], world: World
) -> None:
    response = await client.post(
        "/api/v1/organisations",
        headers=world.operator.headers,
        json={
            "name": "Atelier d'Ajaccio",
            "kind": "refurbisher",
            "postcode": "20000",
            "siret": "732 829 320 00074",
            "label_number": "O2-2026-2A",
            "label_valid_from": "2026-01-01",
            "label_valid_until": "2099-12-31",
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["departement"], body["region"], body["region_name"]) == ("2A", "94", "Corse")
    assert body["siret"] == VALID_SIRET


async def test_invalid_siret_is_refused(client: AsyncTestClient[Any], world: World) -> None:
    response = await client.post(
        "/api/v1/organisations",
        headers=world.operator.headers,
        json={"name": "Mauvais SIRET", "kind": "donor", "postcode": "75001", "siret": "73282932000075"},
    )
    assert response.status_code == 422
    assert "SIRET invalide" in response.json()["detail"]


async def test_only_the_operator_creates_organisations(client: AsyncTestClient[Any], world: World) -> None:
    response = await client.post(
        "/api/v1/organisations",
        headers=world.donor.headers,
        json={"name": "Donateur X", "kind": "donor", "postcode": "75001"},
    )
    assert response.status_code == 403


async def test_directory_lists_valid_labels_only_without_login(client: AsyncTestClient[Any], world: World) -> None:
    response = await client.get("/api/v1/directory")
    assert response.status_code == 200
    names = {e["name"] for e in response.json()["items"]}
    assert {"Atelier Caen", "EPN Le Havre"} <= names
    assert "Atelier Expire" not in names and "Canope Rouen" not in names
    normandie = await client.get("/api/v1/directory?region=28")
    assert {e["region_name"] for e in normandie.json()["items"]} == {"Normandie"}


async def test_manager_adds_a_colleague_who_can_log_in(client: AsyncTestClient[Any], world: World) -> None:
    org = world.workshop.organisation_id
    created = await client.post(
        f"/api/v1/organisations/{org}/users",
        headers=world.workshop.headers,
        json={"email": "tech2@atelier.fr", "password": "un-mot-de-passe-long", "role": "member"},
    )
    assert created.status_code == 201
    token = await client.post(
        "/api/v1/auth/token", json={"email": "tech2@atelier.fr", "password": "un-mot-de-passe-long"}
    )
    assert token.status_code == 200
    other = await client.post(
        f"/api/v1/organisations/{org}/users",
        headers=world.other_workshop.headers,
        json={"email": "intrus@x.fr", "password": "un-mot-de-passe-long"},
    )
    assert other.status_code == 403


async def test_health_reports_database_and_broker(client: AsyncTestClient[Any]) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok" and body["broker"].startswith("ok")


async def test_openapi_is_published(client: AsyncTestClient[Any]) -> None:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/devices/{tag}/events" in response.json()["paths"]
