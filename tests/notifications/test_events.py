"""Who is told what: each event notifies the people concerned once, in its own transaction."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar.testing import AsyncTestClient

from tests.fixtures import WIPE_OK, Api, World
from tests.notifications.helpers import notifications_of, scheduled_pickup
from tests.notifications.smtp import SmtpServer


async def _request(client: AsyncTestClient[Any], world: World, quantity: int = 1) -> int:
    body = {"items": [{"category": "laptop", "quantity": quantity}], "reason": "Atelier numérique"}
    response = await client.post("/api/v1/requests", json=body, headers=world.association.headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


async def test_a_request_decided_and_allocated_tells_its_association(api: Api, world: World) -> None:
    client = api.client
    await api.ready_device(world)
    approved = await _request(client, world, quantity=2)
    response = await client.post(f"/api/v1/requests/{approved}/approve", headers=world.operator.headers)
    assert response.status_code == 200
    again = await client.post(f"/api/v1/requests/{approved}/approve", headers=world.operator.headers)
    assert again.status_code == 409  # a refused second decision notifies nobody
    allocated = await client.post(f"/api/v1/requests/{approved}/allocate", headers=world.operator.headers)
    assert allocated.status_code == 200 and len(allocated.json()["reserved"]) == 1
    rejected = await _request(client, world)
    await client.post(
        f"/api/v1/requests/{rejected}/reject", json={"reason": "Stock épuisé"}, headers=world.operator.headers
    )

    kinds = [n["kind"] for n in await notifications_of(world.association)]
    assert kinds == ["request_approved", "request_allocated", "request_rejected"]
    assert await notifications_of(world.other_association) == []
    listed = (await client.get("/api/v1/notifications", headers=world.association.headers)).json()
    assert [n["subject"] for n in listed["items"]] == [
        f"Demande n° {rejected} refusée",
        f"Matériel réservé pour la demande n° {approved}",
        f"Demande n° {approved} approuvée",
    ]
    assert listed["items"][0]["body"].endswith("Motif : Stock épuisé")
    assert (
        "1 appareil(s) prêt(s) sont réservés" in listed["items"][1]["body"]
        and "1 restent" in listed["items"][1]["body"]
    )


async def test_shipments_and_certificates_notify_once_a_day_not_once_a_device(api: Api, world: World) -> None:
    donation = await api.declare(world.donor, [{"category": "laptop"}, {"category": "laptop"}])
    tags = [d["asset_tag"] for d in donation["devices"]]
    for tag in tags:
        for body in ({"action": "collect"}, {"action": "receive"}, WIPE_OK):
            await api.act(world.workshop, tag, body)
    (certificates,) = await notifications_of(world.donor)
    assert certificates["kind"] == "certificate_issued"
    assert f"don n° {donation['id']}" in (await _listed(api, world, "donor"))[0]["subject"]

    shipped = await api.delivered_device(world)
    await api.delivered_device(world)
    (shipment,) = [n for n in await notifications_of(world.association) if n["kind"] == "shipment_sent"]
    assert shipped in shipment["params"]
    assert (await _listed(api, world, "association"))[0]["body"].startswith("L'atelier Atelier Caen a expédié")


async def _listed(api: Api, world: World, who: str) -> list[dict[str, Any]]:
    member = getattr(world, who)
    return list((await api.client.get("/api/v1/notifications", headers=member.headers)).json()["items"])


async def test_a_label_about_to_expire_is_announced_once_to_its_organisation(world: World) -> None:
    from ordi.clock import today
    from ordi.notifications import events
    from ordi.organisations.tables import Organisation

    soon = today() + timedelta(days=10)  # the programme's day (Paris), not the machine's
    await Organisation.update({Organisation.label_valid_until: soon}).where(
        Organisation.id == world.workshop.organisation_id
    )
    assert await events.labels_expiring() == 1
    assert await events.labels_expiring() == 0  # the check runs often; the label is announced once
    (row,) = await notifications_of(world.workshop)
    assert row["kind"] == "label_expiring"
    from ordi.notifications.service import decode_params, render

    subject, body = render(row["kind"], decode_params(row["params"]))
    assert subject == f"Le label de Atelier Caen expire le {soon:%d/%m/%Y}" and "dans 10 jour(s)" in body
    english, _ = render(row["kind"], decode_params(row["params"]), "en")
    assert english == f"The label of Atelier Caen expires on {soon:%Y-%m-%d}"
    assert await notifications_of(world.other_workshop) == []


async def test_the_list_is_the_callers_own_newest_first_in_pages_and_in_english_on_request(
    api: Api, world: World
) -> None:
    first = await scheduled_pickup(api, world)
    second = await scheduled_pickup(api, world)
    page = (await api.client.get("/api/v1/notifications?limit=1", headers=world.donor.headers)).json()
    assert page["total"] == 2 and page["next"] is not None
    assert page["items"][0]["params"]["pickup_id"] == second["id"]
    rest = await api.client.get(f"/api/v1/notifications?limit=1&cursor={page['next']}", headers=world.donor.headers)
    assert [n["params"]["pickup_id"] for n in rest.json()["items"]] == [first["id"]]
    english = await api.client.get("/api/v1/notifications", headers={**world.donor.headers, "Accept-Language": "en"})
    assert english.json()["items"][0]["subject"].startswith(f"Pickup no. {second['id']} scheduled on")
    assert english.json()["items"][0]["kind_label"] == "Pickup scheduled"
    for stranger in (world.other_donor, world.workshop, world.operator, world.committee):
        listed = (await api.client.get("/api/v1/notifications", headers=stranger.headers)).json()
        assert listed["items"] == [], stranger.email
    # Another list's cursor, or the cursor of someone else's list, is refused.
    foreign = await api.client.get(f"/api/v1/notifications?cursor={page['next']}", headers=world.other_donor.headers)
    assert foreign.status_code == 422
    assert (await api.client.get("/api/v1/notifications")).status_code == 401


async def test_preferences_are_each_persons_and_only_the_optional_kinds(api: Api, world: World) -> None:
    client = api.client
    shown = (await client.get("/api/v1/notifications/preferences", headers=world.donor.headers)).json()
    assert all(p["enabled"] for p in shown["preferences"])
    assert "password_reset" not in {p["kind"] for p in shown["preferences"]}
    body = {"preferences": [{"kind": "certificate_issued", "enabled": False}]}
    assert (
        await client.put("/api/v1/notifications/preferences", json=body, headers=world.donor.headers)
    ).status_code == 200
    back_on = {"preferences": [{"kind": "certificate_issued", "enabled": True}]}
    await client.put("/api/v1/notifications/preferences", json=body, headers=world.donor.headers)
    others = (await client.get("/api/v1/notifications/preferences", headers=world.other_donor.headers)).json()
    assert all(p["enabled"] for p in others["preferences"])
    again = await client.put("/api/v1/notifications/preferences", json=back_on, headers=world.donor.headers)
    assert {p["kind"]: p["enabled"] for p in again.json()["preferences"]}["certificate_issued"] is True
    for wrong in (
        {"preferences": [{"kind": "password_reset", "enabled": False}]},  # an account's security: always sent
        {"preferences": [{"kind": "nope", "enabled": False}]},
        {"preferences": []},
    ):
        refused = await client.put("/api/v1/notifications/preferences", json=wrong, headers=world.donor.headers)
        assert refused.status_code == 400, wrong
        assert refused.headers["content-type"].startswith("application/problem+json")


async def test_a_password_reset_is_sent_even_to_who_turned_everything_off_and_never_listed(
    api: Api, world: World, smtp: SmtpServer
) -> None:
    from ordi.notifications import delivery
    from ordi.notifications.service import notify_person

    link = "https://ordi.test/reinitialiser/jeton-secret"
    assert await notify_person(world.donor.actor.user_id, "password_reset", "token-1", url=link) == 1
    assert await notify_person(world.donor.actor.user_id, "password_reset", "token-1", url=link) == 0
    (row,) = await notifications_of(world.donor)
    listed = (await api.client.get("/api/v1/notifications", headers=world.donor.headers)).json()
    assert listed["items"] == []  # a one-time link is never shown in a list
    assert await delivery.deliver(row["id"]) == "sent"
    (message,) = smtp.mailbox.to(world.donor.email)
    assert message["Subject"] == "Réinitialiser votre mot de passe Ordi 2.0" and link in message.get_content()
    (after,) = await notifications_of(world.donor)
    assert after["params"] == "{}"  # the link is not kept once sent


async def test_a_reset_link_asked_for_by_email_is_mailed_by_the_outbox(
    api: Api, world: World, smtp: SmtpServer
) -> None:
    """The accounts' reset by e-mail (`ordi.auth.resets`) writes its notification in the link's transaction."""
    from ordi.notifications import delivery

    asked = await api.client.post("/api/v1/auth/password-reset", json={"email": world.donor.email})
    assert asked.status_code == 202, asked.text
    (row,) = await notifications_of(world.donor)
    assert row["kind"] == "password_reset"
    assert await delivery.deliver(row["id"]) == "sent"
    (message,) = smtp.mailbox.to(world.donor.email)
    assert "/connexion/nouveau-mot-de-passe?jeton=" in message.get_content()
    unknown = await api.client.post("/api/v1/auth/password-reset", json={"email": "personne@test.ordi2.fr"})
    assert unknown.status_code == 202
    assert len(await notifications_of(world.donor)) == 1
