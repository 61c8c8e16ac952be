"""The operator's pages over HTTP: approve or reject a request, allocate after seeing the devices
proposed, dispatch a pickup, create an organisation, its label and a person; others get 404."""

from __future__ import annotations

import html
from typing import Any

from litestar.testing import AsyncTestClient

from tests.fixtures import Api, World
from tests.web.helpers import form_token, log_in


async def test_approve_then_allocate_after_seeing_the_proposal(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    tag = await api.ready_device(world)
    body = {"items": [{"category": "laptop", "quantity": 1}], "reason": "Cours d'informatique"}
    first = (await client.post("/api/v1/requests", json=body, headers=world.association.headers)).json()["id"]
    second = (await client.post("/api/v1/requests", json=body, headers=world.association.headers)).json()["id"]

    await log_in(client, world.operator)
    token = await form_token(client, "/admin")
    empty = await client.post(f"/admin/demandes/{second}/refuser", data={"csrf": token, "reason": ""})
    assert empty.status_code == 422  # a rejection says why
    rejected = await client.post(f"/admin/demandes/{second}/refuser", data={"csrf": token, "reason": "Doublon"})
    assert rejected.status_code == 200
    approved = await client.post(f"/admin/demandes/{first}/approuver", data={"csrf": token})
    assert approved.status_code == 200 and f'id="allocate-{first}"' in approved.text
    preview = await client.get(f"/admin/demandes/{first}/attribution")
    assert preview.status_code == 200 and tag in preview.text and "1 proposé(s)" in html.unescape(preview.text)
    assert (await api.device(world.workshop, tag))["state"] == "ready"  # nothing reserved yet
    done = await client.post(f"/admin/demandes/{first}/attribution", data={"csrf": token})
    assert done.status_code == 200 and "1 appareil(s) réservé(s)" in done.text and tag in done.text
    assert (await api.device(world.workshop, tag))["state"] == "reserved"
    again = await client.post(f"/admin/demandes/{first}/approuver", data={"csrf": token})
    assert again.status_code == 409  # already decided: said on the page, never a 500
    client.cookies.clear()


async def test_dispatch_a_pickup_and_manage_organisations(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    donation = await api.declare(world.donor, [{"category": "laptop"}], in_charge=None)
    body = {"donation_ids": [donation["id"]], "postcode": "14000", "contact": {"name": "Accueil"}}
    pickup_id = (await client.post("/api/v1/pickups", json=body, headers=world.donor.headers)).json()["id"]

    await log_in(client, world.operator)
    token = await form_token(client, "/admin")
    dashboard = await client.get("/admin")
    assert f"/admin/enlevements/{pickup_id}/confier" in dashboard.text
    assigned = await client.post(
        f"/admin/enlevements/{pickup_id}/confier",
        data={"csrf": token, "workshop_id": str(world.workshop.organisation_id)},
    )
    assert assigned.status_code == 200 and f"/admin/enlevements/{pickup_id}/confier" not in assigned.text

    bad = await client.post("/admin/organisations", data={"csrf": token, "name": "X", "kind": "association"})
    assert bad.status_code == 422
    created = await client.post(
        "/admin/organisations",
        data={"csrf": token, "name": "EPN de Dieppe", "kind": "association", "postcode": "76200", "city": "Dieppe"},
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    path = created.headers["location"]
    labelled = await client.post(
        f"{path}/label",
        data={
            "csrf": token,
            "label_number": "O2-2026-099",
            "label_valid_from": "2026-01-01",
            "label_valid_until": "2027-12-31",
        },
    )
    assert labelled.status_code == 200 and "O2-2026-099" in labelled.text
    person = await client.post(
        f"{path}/personnes",
        data={
            "csrf": token,
            "email": "mediatrice@dieppe.fr",
            "full_name": "Léa",
            "password": "un-mot-de-passe-2026",
            "role": "member",
        },
    )
    assert person.status_code == 200 and "mediatrice@dieppe.fr" in person.text
    listing = await client.get("/admin/organisations", params={"kind": "association"})
    assert "EPN de Dieppe" in listing.text

    for member in (world.donor, world.workshop, world.association):
        await log_in(client, member)
        assert (await client.get("/admin")).status_code == 404
        assert (await client.get(path)).status_code == 404
    client.cookies.clear()
