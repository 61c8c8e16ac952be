"""Correct and cancel (issue 9, item 6): the donor's edits before collection, corrections after it.

Nothing is erased: each edit, removal and cancellation is an entry of the device's history; a
correcting entry names the entry it corrects, which stays; the device and the committee's figures
take the corrected values.
"""

from __future__ import annotations

import asyncio
from typing import Any

from litestar.testing import AsyncTestClient

from tests.fixtures import REFURBISH, Api, Member, World

ITEMS = [{"category": "laptop", "brand": "Lenovo", "model": "T480", "serial_number": f"PF-{i}"} for i in range(3)]


async def _history(client: AsyncTestClient[Any], member: Member, tag: str) -> list[dict[str, Any]]:
    response = await client.get(f"/api/v1/devices/{tag}/events", headers=member.headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def _summary(client: AsyncTestClient[Any], world: World) -> dict[str, Any]:
    response = await client.get("/api/v1/stats/summary", headers=world.committee.headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def _refurbished_by_grade(client: AsyncTestClient[Any], world: World) -> dict[str, int]:
    """The committee's refurbishments per grade (the figures grouped by grade)."""
    response = await client.get("/api/v1/stats/summary?group_by=grade", headers=world.committee.headers)
    assert response.status_code == 200, response.text
    groups = response.json()["groups"]
    return {g["key"]: g["stages"]["refurbished"] for g in groups if g["stages"]["refurbished"]}


async def _donation(client: AsyncTestClient[Any], member: Member, donation_id: int) -> dict[str, Any]:
    response = await client.get(f"/api/v1/donations/{donation_id}", headers=member.headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_the_donor_edits_removes_and_cancels_before_collection(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    donation = await api.declare(world.donor, ITEMS)  # dropped off at world.workshop: it is in charge
    tags = [d["asset_tag"] for d in donation["devices"]]
    stock = (await _summary(client, world))["stock"]["by_state"]
    assert stock["declared"] == 3 and stock["withdrawn"] == 0

    # An edit: the fields given change, an entry says from what to what.
    edit = await client.patch(
        f"/api/v1/devices/{tags[0]}", json={"brand": "Dell", "serial_number": " pf-9 "}, headers=world.donor.headers
    )
    assert edit.status_code == 200, edit.text
    body = edit.json()
    assert body["device"]["brand"] == "Dell" and body["device"]["serial_number"] == "PF-9"
    assert body["event"]["action"] == "amend" and body["event"]["from_state"] == body["event"]["to_state"]
    assert body["event"]["payload"]["changes"] == {
        "brand": {"from": "Lenovo", "to": "Dell"},
        "serial_number": {"from": "PF-0", "to": "PF-9"},
    }
    same = await client.patch(f"/api/v1/devices/{tags[0]}", json={"brand": "Dell"}, headers=world.donor.headers)
    assert same.status_code == 200 and same.json()["event"] is None  # nothing changed, nothing written
    # A monitor declared by mistake for a laptop: the laptop will still be wiped.
    await client.patch(f"/api/v1/devices/{tags[2]}", json={"category": "monitor"}, headers=world.donor.headers)

    # Nobody else edits: another donor, the workshop in charge (which sees the device), 404; the operator 403.
    for member, status in ((world.other_donor, 404), (world.workshop, 404), (world.operator, 403)):
        response = await client.patch(f"/api/v1/devices/{tags[1]}", json={"model": "X"}, headers=member.headers)
        assert response.status_code == status, (member.email, response.text)
        deleted = await client.delete(f"/api/v1/devices/{tags[1]}", headers=member.headers)
        assert deleted.status_code == status, (member.email, deleted.text)
        url = f"/api/v1/donations/{donation['id']}"
        for response in (
            await client.patch(url, json={"notes": "x"}, headers=member.headers),
            await client.delete(url, headers=member.headers),
        ):
            assert response.status_code == status, (member.email, response.text)
    assert (await api.device(world.donor, tags[1]))["model"] == "T480"

    # A removal: the device leaves the declared stock, its history stays.
    removed = await client.delete(f"/api/v1/devices/{tags[1]}?reason=Déjà recyclé", headers=world.donor.headers)
    assert removed.status_code == 200, removed.text
    assert removed.json()["device"]["state"] == "withdrawn" and removed.json()["device"]["refurbisher_id"] is None
    assert removed.json()["event"]["payload"] == {"reason": "Déjà recyclé"}
    assert [e["action"] for e in await _history(client, world.donor, tags[1])] == ["declare", "assign", "withdraw"]
    assert (await _donation(client, world.donor, donation["id"]))["state_counts"] == {"declared": 2, "withdrawn": 1}
    stock = (await _summary(client, world))["stock"]["by_state"]
    assert stock["declared"] == 2 and stock["withdrawn"] == 1
    # The workshop no longer sees it (nobody is in charge of it), and cannot collect it.
    assert (await client.get(f"/api/v1/devices/{tags[1]}", headers=world.workshop.headers)).status_code == 404
    again = await client.delete(f"/api/v1/devices/{tags[1]}", headers=world.donor.headers)
    assert again.status_code == 409 and again.json()["code"] == "edit_after_collection"

    # The donation's own fields, then the whole donation cancelled.
    patched = await client.patch(
        f"/api/v1/donations/{donation['id']}", json={"notes": "Quai 3"}, headers=world.donor.headers
    )
    assert patched.status_code == 200 and patched.json()["notes"] == "Quai 3"
    cancelled = await client.delete(
        f"/api/v1/donations/{donation['id']}?reason=Déménagement", headers=world.donor.headers
    )
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["cancelled_at"] is not None
    assert cancelled.json()["state_counts"] == {"withdrawn": 3}
    history = await _history(client, world.donor, tags[0])
    assert [e["action"] for e in history] == ["declare", "assign", "amend", "withdraw"]
    assert history[-1]["payload"] == {"donation_cancelled": True, "reason": "Déménagement"}
    stock = (await _summary(client, world))["stock"]["by_state"]
    assert stock["declared"] == 0 and stock["withdrawn"] == 3
    assert (await _summary(client, world))["stages"]["withdrawn"] == 3
    listed = await client.get("/api/v1/devices?state=withdrawn", headers=world.donor.headers)
    assert sorted(d["asset_tag"] for d in listed.json()["items"]) == sorted(tags)

    # Cancelled: nothing more to edit, nothing to collect.
    for response in (
        await client.delete(f"/api/v1/donations/{donation['id']}", headers=world.donor.headers),
        await client.patch(f"/api/v1/donations/{donation['id']}", json={"notes": "x"}, headers=world.donor.headers),
    ):
        assert response.status_code == 409 and response.json()["code"] == "donation_cancelled"
    edit = await client.patch(f"/api/v1/devices/{tags[0]}", json={"model": "X"}, headers=world.donor.headers)
    assert edit.status_code == 409 and "collecte" in edit.json()["detail"]


async def test_an_edit_to_a_category_with_storage_keeps_the_wipe_mandatory(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    donation = await api.declare(world.donor, [{"category": "monitor", "has_storage": False}], in_charge=None)
    tag = donation["devices"][0]["asset_tag"]
    body = (
        await client.patch(f"/api/v1/devices/{tag}", json={"category": "laptop"}, headers=world.donor.headers)
    ).json()
    assert body["device"]["has_storage"] is True and body["device"]["data_cleared"] is False
    assert body["event"]["payload"]["has_storage"] is True


async def test_an_edit_keeps_the_serial_number_rule_of_a_declaration(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    donation = await api.declare(world.donor, ITEMS[:2], in_charge=None)
    tag = donation["devices"][1]["asset_tag"]
    response = await client.patch(f"/api/v1/devices/{tag}", json={"serial_number": "pf-0"}, headers=world.donor.headers)
    assert response.status_code == 422 and response.json()["code"] == "serial_in_service"
    assert (await api.device(world.donor, tag))["serial_number"] == "PF-1"


async def test_after_collection_the_donor_is_told_who_corrects(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    donation = await api.declare(world.donor, ITEMS[:2])
    tag = donation["devices"][0]["asset_tag"]
    await api.act(world.workshop, tag, {"action": "collect"})
    for response in (
        await client.patch(f"/api/v1/devices/{tag}", json={"model": "T490"}, headers=world.donor.headers),
        await client.delete(f"/api/v1/devices/{tag}", headers=world.donor.headers),
    ):
        assert response.status_code == 409, response.text
        problem = response.json()
        assert problem["code"] == "edit_after_collection"
        assert problem["detail"].startswith("L'appareil n'attend plus sa collecte (état « collecté »)")
        assert "l'atelier qui l'a en charge peut corriger" in problem["detail"]
    for response in (
        await client.delete(f"/api/v1/donations/{donation['id']}", headers=world.donor.headers),
        await client.patch(f"/api/v1/donations/{donation['id']}", json={"notes": "x"}, headers=world.donor.headers),
    ):
        assert response.status_code == 409 and response.json()["code"] == "donation_collected"
    # The other device, still declared, may still be removed.
    other = donation["devices"][1]["asset_tag"]
    assert (await client.delete(f"/api/v1/devices/{other}", headers=world.donor.headers)).status_code == 200


async def _refurbish_event(client: AsyncTestClient[Any], world: World, tag: str) -> dict[str, Any]:
    return next(e for e in await _history(client, world.workshop, tag) if e["action"] == "refurbish")


async def test_a_grade_correction_keeps_the_original_and_the_figures_use_it(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    tag = await api.ready_device(world)
    refurbish = await _refurbish_event(client, world, tag)
    before = await _summary(client, world)
    assert await _refurbished_by_grade(client, world) == {"A": 1}
    assert before["impact"]["insertion_labour_hours"] == 1.5
    url = f"/api/v1/devices/{tag}/corrections"
    body = {"corrects": refurbish["id"], "reason": "Rayure vue au contrôle final", "changes": {"grade": "B"}}

    # Not the other workshop (404), not the donor nor the association (403).
    assert (await client.post(url, json=body, headers=world.other_workshop.headers)).status_code == 404
    for member in (world.donor,):
        response = await client.post(url, json=body, headers=member.headers)
        assert response.status_code == 403 and response.json()["code"] == "only_workshop_corrects"

    response = await client.post(url, json=body, headers=world.workshop.headers)
    assert response.status_code == 201, response.text
    correction = response.json()["event"]
    assert correction["action"] == "correct" and correction["corrects"] == refurbish["id"]
    assert correction["payload"]["changes"] == {"grade": {"from": "A", "to": "B"}}
    assert correction["payload"]["reason"] == "Rayure vue au contrôle final"
    assert response.json()["device"]["grade"] == "B" and response.json()["device"]["state"] == "ready"

    history = await _history(client, world.workshop, tag)
    kept = next(e for e in history if e["id"] == refurbish["id"])
    assert kept == refurbish and kept["payload"]["grade"] == "A"  # the original, untouched
    assert history[-1]["id"] == correction["id"] and history[-1]["corrects"] == refurbish["id"]
    assert (await api.device(world.donor, tag))["grade"] == "B"
    after = await _summary(client, world)
    assert await _refurbished_by_grade(client, world) == {"B": 1}
    assert after["stages"]["refurbished"] == 1  # a correction is not a second refurbishment

    # The same entry again: refused, the last correction is what one corrects.
    again = await client.post(url, json={**body, "changes": {"grade": "C"}}, headers=world.workshop.headers)
    assert again.status_code == 409 and again.json()["code"] == "already_corrected"
    assert str(correction["id"]) in again.json()["detail"]
    chained = {"corrects": correction["id"], "reason": "Minutes relevées", "changes": {"labour_minutes": 30}}
    response = await client.post(url, json=chained, headers=world.operator.headers)
    assert response.status_code == 201, response.text
    assert response.json()["event"]["payload"]["values"] == {"grade": "B", "labour_minutes": 30}
    after = await _summary(client, world)
    assert await _refurbished_by_grade(client, world) == {"B": 1}
    assert after["impact"]["insertion_labour_hours"] == 0.5

    # The donor's report says the corrected grade.
    report = await client.get(
        f"/api/v1/donations/{(await api.device(world.donor, tag))['donation_id']}/report.json",
        headers=world.donor.headers,
    )
    assert report.status_code == 200 and report.json()["devices"][0]["grade"] == "B"


async def test_a_declared_field_corrected_after_collection(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    donation = await api.declare(world.donor, ITEMS[:1])
    tag = donation["devices"][0]["asset_tag"]
    await api.act(world.workshop, tag, {"action": "collect"})
    declare = (await _history(client, world.workshop, tag))[0]
    assert declare["action"] == "declare"
    body = {
        "corrects": declare["id"],
        "reason": "Plaque du fabricant",
        "changes": {"model": "T490", "category": "desktop"},
    }
    response = await client.post(f"/api/v1/devices/{tag}/corrections", json=body, headers=world.workshop.headers)
    assert response.status_code == 201, response.text
    device = response.json()["device"]
    assert (device["model"], device["category"], device["has_storage"]) == ("T490", "desktop", True)
    assert (await _summary(client, world))["stock"]["by_category"] == {"desktop": 1}


async def test_bad_corrections_are_refused_and_nothing_is_written(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    tag = await api.ready_device(world)
    other = await api.ready_device(world)
    history = await _history(client, world.workshop, tag)
    ids = {e["action"]: e["id"] for e in history}
    url = f"/api/v1/devices/{tag}/corrections"
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({"corrects": ids["refurbish"], "reason": "x", "changes": {}}, 422, "edit_nothing"),
        ({"corrects": ids["refurbish"], "reason": "   ", "changes": {"grade": "B"}}, 422, "correction_reason_required"),
        ({"corrects": ids["refurbish"], "reason": "x", "changes": {"model": "Z"}}, 422, "edit_field_not_correctable"),
        ({"corrects": ids["declare"], "reason": "x", "changes": {"grade": "B"}}, 422, "edit_field_not_correctable"),
        ({"corrects": ids["wipe"], "reason": "x", "changes": {"grade": "B"}}, 422, "correction_target_invalid"),
        ({"corrects": ids["refurbish"], "reason": "x", "changes": {"grade": "A"}}, 422, "correction_changes_nothing"),
        ({"corrects": 10**12, "reason": "x", "changes": {"grade": "B"}}, 422, "correction_target_invalid"),
        ({"corrects": ids["refurbish"], "reason": "x", "changes": {"grade": "Z"}}, 400, "validation_failed"),
        ({"corrects": ids["refurbish"], "reason": "x", "changes": {"colour": "red"}}, 400, "validation_failed"),
        ({"corrects": ids["refurbish"], "changes": {"grade": "B"}}, 400, "validation_failed"),
    ]
    other_refurbish = (await _refurbish_event(client, world, other))["id"]
    cases.append(
        ({"corrects": other_refurbish, "reason": "x", "changes": {"grade": "B"}}, 422, "correction_target_invalid")
    )
    for body, status, code in cases:
        response = await client.post(url, json=body, headers=world.workshop.headers)
        assert response.status_code == status, (body, response.text)
        assert response.json()["code"] == code and response.json()["detail"], body
    assert await _history(client, world.workshop, tag) == history
    assert (await api.device(world.workshop, tag))["grade"] == "A"
    # Before collection there is nothing to correct: the donor edits.
    declared = (await api.declare(world.donor, [{"category": "laptop"}]))["devices"][0]["asset_tag"]
    first = (await _history(client, world.workshop, declared))[0]["id"]
    response = await client.post(
        f"/api/v1/devices/{declared}/corrections",
        json={"corrects": first, "reason": "x", "changes": {"model": "Z"}},
        headers=world.workshop.headers,
    )
    assert response.status_code == 409 and response.json()["code"] == "correct_before_collection"
    for body in ({"colour": "red"}, {"category": "fridge"}, {"brand": "x" * 101}):
        response = await client.patch(f"/api/v1/devices/{declared}", json=body, headers=world.donor.headers)
        assert response.status_code == 400, response.text
    response = await client.patch(f"/api/v1/devices/{declared}", json={}, headers=world.donor.headers)
    assert response.status_code == 422 and response.json()["code"] == "edit_nothing"


async def test_two_corrections_of_one_entry_at_once_never_both_succeed(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    tag = await api.ready_device(world)
    refurbish = await _refurbish_event(client, world, tag)
    url = f"/api/v1/devices/{tag}/corrections"
    answers = await asyncio.gather(
        *(
            client.post(
                url,
                json={"corrects": refurbish["id"], "reason": "relu", "changes": {"grade": grade}},
                headers=world.workshop.headers,
            )
            for grade in ("B", "C")
        )
    )
    assert sorted(r.status_code for r in answers) == [201, 409], [r.text for r in answers]
    winner = next(r for r in answers if r.status_code == 201).json()
    assert (await api.device(world.workshop, tag))["grade"] == winner["device"]["grade"]
    assert [e["action"] for e in await _history(client, world.workshop, tag)].count("correct") == 1


async def test_a_correction_sent_twice_with_its_key_is_recorded_once(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    tag = await api.ready_device(world)
    refurbish = await _refurbish_event(client, world, tag)
    body = {"corrects": refurbish["id"], "reason": "relu", "changes": {"grade": "C"}}
    headers = {**world.workshop.headers, "Idempotency-Key": "corr-1"}
    first = await client.post(f"/api/v1/devices/{tag}/corrections", json=body, headers=headers)
    second = await client.post(f"/api/v1/devices/{tag}/corrections", json=body, headers=headers)
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json()["replayed"] is True and second.json()["event"]["id"] == first.json()["event"]["id"]
    other = await client.post(
        f"/api/v1/devices/{tag}/corrections", json={**body, "changes": {"grade": "B"}}, headers=headers
    )
    assert other.status_code == 422 and other.json()["code"] == "idempotency_mismatch"


async def test_a_pending_pickup_collects_nothing_of_a_cancelled_donation(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    kept = await api.declare(world.donor, ITEMS[:1], in_charge=None)
    gone = await api.declare(world.donor, ITEMS[1:3], in_charge=None)
    alone = await api.declare(world.donor, [{"category": "tablet"}], in_charge=None)
    gone_tags = [d["asset_tag"] for d in gone["devices"]]

    async def ask(donation_ids: list[int]) -> int:
        body = {"donation_ids": donation_ids, "postcode": "76000", "contact": {"name": "Accueil"}}
        pickup = await client.post("/api/v1/pickups", json=body, headers=world.donor.headers)
        assert pickup.status_code == 201, pickup.text
        claimed = await client.post(f"/api/v1/pickups/{pickup.json()['id']}/claim", headers=world.workshop.headers)
        assert claimed.status_code == 200, claimed.text
        return int(pickup.json()["id"])

    both, single = await ask([kept["id"], gone["id"]]), await ask([alone["id"]])
    for donation in (gone, alone):
        response = await client.delete(f"/api/v1/donations/{donation['id']}", headers=world.donor.headers)
        assert response.status_code == 200, response.text
    # A pickup of nothing but cancelled donations is cancelled with them (its workshop is told why).
    cancelled = (await client.get(f"/api/v1/pickups/{single}", headers=world.donor.headers)).json()
    assert cancelled["state"] == "cancelled"
    assert cancelled["reason"] == "Le donateur a annulé les dons de cet enlèvement."
    # The other one goes on, without the cancelled donation's devices.
    url = f"/api/v1/pickups/{both}/collect"
    collect: dict[str, Any] = {"handed_over_by": {"name": "Claire", "role": "Accueil"}, "tags": gone_tags}
    response = await client.post(url, json=collect, headers=world.workshop.headers)
    assert response.status_code == 422 and response.json()["errors"][0]["key"] == "tag_not_in_pickup"
    collect["tags"] = [kept["devices"][0]["asset_tag"]]
    response = await client.post(url, json=collect, headers=world.workshop.headers)
    assert response.status_code == 201, response.text
    assert response.json()["missing"] == [] and response.json()["collected"] == 1
    receipt = (await client.get(f"/api/v1/pickups/{both}/receipt.json", headers=world.donor.headers)).json()
    assert receipt["content"]["donations"] == [kept["reference"]]
    assert {(await api.device(world.donor, t))["state"] for t in gone_tags} == {"withdrawn"}
    body = {"donation_ids": [gone["id"]], "postcode": "76000", "contact": {"name": "Accueil"}}
    again = await client.post("/api/v1/pickups", json=body, headers=world.donor.headers)
    assert again.status_code == 409 and again.json()["code"] == "donation_cancelled"


async def test_the_device_row_is_the_fold_of_its_history_with_its_corrections(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    from ordi.devices.tables import Device, DeviceEvent
    from ordi.domain import corrections
    from ordi.domain.lifecycle import Action, EventFacts, State, fold

    declared = {
        "category": "monitor",
        "brand": "Dell",
        "model": "P2419H",
        "serial_number": "CN-1",
        "has_storage": False,
    }
    donation = await api.declare(world.donor, [declared])
    tag = donation["devices"][0]["asset_tag"]
    await client.patch(
        f"/api/v1/devices/{tag}", json={"category": "laptop", "model": "E7470"}, headers=world.donor.headers
    )
    for step in ({"action": "collect"}, {"action": "receive"}):
        await api.act(world.workshop, tag, step)
    from tests.fixtures import WIPE_OK

    await api.act(world.workshop, tag, WIPE_OK)
    await api.act(world.workshop, tag, REFURBISH)
    events = await _history(client, world.workshop, tag)
    ids = {e["action"]: e["id"] for e in events}
    url = f"/api/v1/devices/{tag}/corrections"
    for body in (
        {"corrects": ids["refurbish"], "reason": "relu", "changes": {"grade": "C"}},
        {"corrects": ids["amend"], "reason": "plaque", "changes": {"brand": "HP"}},
    ):
        assert (await client.post(url, json=body, headers=world.workshop.headers)).status_code == 201
    device = await Device.select().where(Device.asset_tag == tag).first()
    rows = (
        await DeviceEvent.select()
        .where(DeviceEvent.device == device["id"])
        .order_by(DeviceEvent.seq)
        .output(load_json=True)
    )
    sheet = corrections.replay(declared, [(r["id"], r["action"], r["payload"] or {}) for r in rows])
    assert (
        sheet
        == {k: device[k] for k in sheet}
        == {
            "category": "laptop",
            "brand": "HP",
            "model": "E7470",
            "serial_number": "CN-1",
            "grade": "C",
        }
    )
    facts = fold(
        device["donor"],
        declared["has_storage"],
        [
            EventFacts(
                Action(r["action"]),
                r["actor_organisation"],
                State(r["to_state"]),
                r["outcome"],
                (r["payload"] or {}).get("association_id"),
                (r["payload"] or {}).get("has_storage"),
                (r["payload"] or {}).get("workshop_id"),
            )
            for r in rows
        ],
    )
    assert (facts.state.value, facts.has_storage, facts.data_cleared) == (
        device["state"],
        device["has_storage"],
        device["data_cleared"],
    )
