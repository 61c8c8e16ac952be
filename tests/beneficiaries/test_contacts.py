"""A warranty contact is read back by its association only, every read and right is logged without
the data, and the contact goes when the warranty ends, the device comes back, or the person asks."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import msgspec
import pytest

from tests.fixtures import HAND_OVER, WIPE_OK, Api, World

NAME = "Jeanne Dupont"
PHONE = "06 12 34 56 78"


async def _handed_over_with_contact(api: Api, world: World) -> str:
    tag = await api.delivered_device(world)
    body = {**HAND_OVER, "warranty_contact": {"full_name": NAME, "phone": PHONE}}
    await api.act(world.association, tag, body)
    return tag


async def _log() -> list[dict[str, Any]]:
    from ordi.beneficiaries.tables import PersonalDataLog

    return list(await PersonalDataLog.select().order_by(PersonalDataLog.id))


def _no_data_in(rows: Any) -> None:
    text = msgspec.json.encode(rows).decode()
    assert "Dupont" not in text and "Jeanne" not in text and "56 78" not in text


async def test_only_the_association_that_recorded_it_reads_it_back_and_each_read_is_logged(
    api: Api, world: World
) -> None:
    tag = await _handed_over_with_contact(api, world)
    url = f"/api/v1/devices/{tag}/warranty-contact"
    read = await api.client.get(url, headers=world.association.headers)
    assert read.status_code == 200, read.text
    contact = read.json()
    assert (contact["full_name"], contact["phone"], contact["asset_tag"]) == (NAME, PHONE, tag)
    for stranger in (world.other_association, world.workshop, world.committee, world.operator, world.donor):
        refused = await api.client.get(url, headers=stranger.headers)
        assert refused.status_code == 404, stranger.email
        assert refused.json()["code"] == "warranty_contact_not_found"
    assert (await api.client.get(url)).status_code == 401
    assert (
        await api.client.get("/api/v1/devices/NOTATAG00/warranty-contact", headers=world.association.headers)
    ).status_code == 404

    (line,) = await _log()  # the refused reads read nothing, and log nothing
    assert line["action"] == "contact_read" and line["actor_user"] == world.association.actor.user_id
    assert line["actor_organisation"] == world.association.organisation_id and line["at"] is not None
    from ordi.devices.tables import Device

    device = await Device.select(Device.id).where(Device.asset_tag == tag).first()
    assert device is not None and line["device"] == device["id"]
    _no_data_in(await _log())
    # Never in the history either.
    history = (await api.client.get(f"/api/v1/devices/{tag}/events", headers=world.operator.headers)).json()
    _no_data_in(history)


async def test_the_contact_goes_when_the_device_comes_back(api: Api, world: World) -> None:
    from ordi.devices.tables import BeneficiaryContact

    tag = await _handed_over_with_contact(api, world)
    await api.act(world.association, tag, {"action": "return", "reason": "Écran cassé"})
    assert await BeneficiaryContact.count() == 0
    (line,) = await _log()
    assert (line["action"], line["reason"], line["records"]) == ("purge", "returned", 1)
    url = f"/api/v1/devices/{tag}/warranty-contact"
    assert (await api.client.get(url, headers=world.association.headers)).status_code == 404
    # Recycled after its return, it has nothing left to purge.
    await api.act(world.workshop, tag, {"action": "receive"})
    await api.act(world.workshop, tag, WIPE_OK)
    await api.act(
        world.workshop,
        tag,
        {"action": "recycle", "reason": "hors service", "weight_kg": 2.1, "channel": "eco_organism"},
    )
    assert len(await _log()) == 1


async def test_the_association_erases_the_contact_it_recorded(api: Api, world: World) -> None:
    from ordi.devices.tables import BeneficiaryContact

    tag = await _handed_over_with_contact(api, world)
    url = f"/api/v1/devices/{tag}/warranty-contact"
    assert (await api.client.delete(url, headers=world.other_association.headers)).status_code == 404
    assert (await api.client.delete(url, headers=world.association.headers)).status_code == 204
    assert await BeneficiaryContact.count() == 0
    assert [line["action"] for line in await _log()] == ["contact_erased"]


async def test_the_purge_comes_with_the_end_of_the_retention_in_force(
    api: Api, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ordi.beneficiaries import service
    from ordi.clock import now
    from ordi.config import get_settings
    from ordi.devices.tables import BeneficiaryContact
    from ordi.privacy import purge_expired

    await _handed_over_with_contact(api, world)
    recorded = now() - timedelta(days=40)
    await BeneficiaryContact.update({BeneficiaryContact.recorded_at: recorded}).where(BeneficiaryContact.id > 0)
    assert (await purge_expired()).contacts == 0  # 730 days by default: 40 days is well within
    # The retention is shortened to 41 days: the contact kept 40 days ago has one more day.
    shorter = dataclasses.replace(get_settings(), beneficiary_contact_retention_days=41)
    monkeypatch.setattr(service, "get_settings", lambda: shorter)
    assert (await purge_expired()).contacts == 0
    # ... then to 30: the contact already kept is purged at once, by the setting now in force.
    short = dataclasses.replace(get_settings(), beneficiary_contact_retention_days=30)
    monkeypatch.setattr(service, "get_settings", lambda: short)
    assert (await purge_expired()).contacts == 1
    assert await BeneficiaryContact.count() == 0
    (line,) = await _log()
    assert (line["action"], line["reason"], line["actor_user"]) == ("purge", "warranty_ended", None)


async def test_the_operator_serves_access_rectification_and_erasure_each_logged_without_data(
    api: Api, world: World
) -> None:
    from ordi.devices.tables import BeneficiaryContact

    tag = await _handed_over_with_contact(api, world)
    await api.client.get(f"/api/v1/devices/{tag}/warranty-contact", headers=world.association.headers)
    client, ops = api.client, world.operator.headers
    asked = {"full_name": "  jeanne   DUPONT ", "asset_tag": tag.lower()}  # as the person writes it

    access = await client.post("/api/v1/privacy/access", json=asked, headers=ops)
    assert access.status_code == 200, access.text
    (held,) = access.json()["contacts"]
    assert (held["full_name"], held["phone"], held["association"]) == (NAME, PHONE, "EPN Le Havre")
    assert held["beneficiary"] == {"category": "job_seeker", "age_band": "26_45", "departement": "76"}
    assert [r["organisation"] for r in held["reads"]] == ["EPN Le Havre"]
    nobody = await client.post(
        "/api/v1/privacy/access", json={"full_name": "Paul Durand", "asset_tag": tag}, headers=ops
    )
    assert nobody.status_code == 200 and nobody.json()["contacts"] == []
    for other in (world.association, world.workshop, world.committee):
        assert (await client.post("/api/v1/privacy/access", json=asked, headers=other.headers)).status_code == 403

    fixed = await client.post(
        "/api/v1/privacy/rectification", json={**asked, "new_full_name": "Jeanne Dupond"}, headers=ops
    )
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["contacts"][0]["full_name"] == "Jeanne Dupond"
    stale = await client.post("/api/v1/privacy/erasure", json=asked, headers=ops)  # the old name is no more
    assert stale.status_code == 404 and stale.json()["code"] == "privacy_subject_not_found"
    nothing = await client.post(
        "/api/v1/privacy/rectification", json={"full_name": "Jeanne Dupond", "asset_tag": tag}, headers=ops
    )
    assert nothing.status_code == 422

    erased = await client.post(
        "/api/v1/privacy/erasure", json={"full_name": "Jeanne Dupond", "asset_tag": tag, "objection": True}, headers=ops
    )
    assert erased.status_code == 200 and erased.json() == {"erased": 1}
    assert await BeneficiaryContact.count() == 0

    lines = await _log()
    assert [(line["action"], line["records"]) for line in lines] == [
        ("contact_read", 1),
        ("access", 1),
        ("access", 0),
        ("rectification", 1),
        ("objection", 1),
    ]
    assert all(line["actor_user"] == world.operator.actor.user_id for line in lines[1:])
    _no_data_in(lines)
    page = await client.get("/api/v1/privacy/log", headers=ops)
    assert page.status_code == 200
    assert [e["action"] for e in page.json()["items"]][:2] == ["objection", "rectification"]
    assert page.json()["items"][0]["asset_tag"] == tag
    _no_data_in(page.json())
    assert (await client.get("/api/v1/privacy/log", headers=world.association.headers)).status_code == 403


async def test_the_migration_dates_the_contacts_kept_before_it_by_their_hand_over(api: Api, world: World) -> None:
    """Contacts written by the previous version had only a planned purge: the migration gives them
    the date of their device's hand-over, from which the retention in force counts."""
    import importlib

    from ordi.devices.tables import BeneficiaryContact, DeviceEvent

    await _handed_over_with_contact(api, world)
    await BeneficiaryContact.update({BeneficiaryContact.recorded_at: None}).where(BeneficiaryContact.id > 0)
    migration = importlib.import_module("migrations.ordi_2026_12_09t13_01_00_000000")
    manager = await migration.forwards()
    for step in manager.raw:
        await step()
    (contact,) = await BeneficiaryContact.select(BeneficiaryContact.recorded_at)
    (hand_over,) = await DeviceEvent.select(DeviceEvent.occurred_at).where(DeviceEvent.action == "hand_over")
    assert contact["recorded_at"] == hand_over["occurred_at"]
