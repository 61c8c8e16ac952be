"""The workshop's pages over HTTP: the queue, claiming, scheduling and collecting a pickup, the
devices in custody, a device's page, label printing as a job; another organisation gets 404."""

from __future__ import annotations

import asyncio
import html
import re
from datetime import date, timedelta
from typing import Any

from litestar.testing import AsyncTestClient

from tests.fixtures import Api, World
from tests.web.helpers import form_token, log_in


async def test_claim_schedule_and_collect_a_pickup(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    donation = await api.declare(world.donor, [{"category": "laptop"}, {"category": "monitor"}], in_charge=None)
    body = {"donation_ids": [donation["id"]], "postcode": "76000", "contact": {"name": "Mme Durand"}}
    created = await client.post("/api/v1/pickups", json=body, headers=world.donor.headers)
    assert created.status_code == 201, created.text
    pickup_id = created.json()["id"]

    await log_in(client, world.workshop)
    queue = await client.get("/atelier")
    assert queue.status_code == 200 and f'data-claim="{pickup_id}"' in queue.text
    token = await form_token(client, "/atelier")
    claimed = await client.post(f"/atelier/enlevements/{pickup_id}/prendre", data={"csrf": token})
    assert claimed.status_code == 200 and "Mme Durand" in claimed.text  # now in charge: the contact
    day = date.today() + timedelta(days=10)
    scheduled = await client.post(
        f"/atelier/enlevements/{pickup_id}/planifier", data={"csrf": token, "date": day.isoformat()}
    )
    assert day.strftime("%d/%m/%Y") in scheduled.text and 'id="collect"' in scheduled.text
    tags = [d["asset_tag"] for d in donation["devices"]]
    assert all(tag in scheduled.text for tag in tags)  # the declared tags, ready to check
    wrong = await client.post(f"/atelier/enlevements/{pickup_id}/collecter", data={"csrf": token, "tags": tags[0]})
    assert wrong.status_code == 422  # who handed it over is required
    collected = await client.post(
        f"/atelier/enlevements/{pickup_id}/collecter",
        data={"csrf": token, "tags": "\n".join(tags), "handed_over_by": "Mme Durand"},
    )
    assert collected.status_code == 200 and "enlevé" in collected.text
    receipt = await client.get(f"/atelier/enlevements/{pickup_id}/bon")
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")
    stock = await client.get("/atelier")
    assert "collecté" in stock.text and "le plus ancien : 0 j" in stock.text
    # another workshop: the pickup is not its business
    await log_in(client, world.other_workshop)
    assert (await client.get(f"/atelier/enlevements/{pickup_id}")).status_code == 404
    client.cookies.clear()


async def test_device_page_and_a_label_sheet(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    tag = await api.ready_device(world)
    await log_in(client, world.workshop)
    listed = await client.get("/atelier/appareils", params={"etat": "ready"})
    assert tag in listed.text
    device = await client.get(f"/atelier/appareils/{tag}")
    text = html.unescape(device.text)
    assert device.status_code == 200 and "Effacer les données" in text and "Reconditionner" in text
    assert 'data-token="ey' in device.text and "/certificats/CE-" in device.text
    label = await client.get(f"/atelier/appareils/{tag}/etiquette")
    assert label.status_code == 200 and label.content.startswith(b"%PDF")

    token = await form_token(client, "/atelier/etiquettes")
    queued = await client.post(
        "/atelier/etiquettes",
        data={"csrf": token, "tags": tag, "format": "avery-l7160", "skip": "3"},
        follow_redirects=False,
    )
    assert queued.status_code == 303 and queued.headers["location"].startswith("/taches/")
    page = await client.get(queued.headers["location"])
    assert "Impression d&#39;étiquettes" in page.text and "<progress" in page.text
    state: dict[str, Any] = {}
    for _ in range(100):
        state = (await client.get(queued.headers["location"] + "/etat")).json()
        if state["status"] in {"succeeded", "failed"}:
            break
        await asyncio.sleep(0.1)
    assert state["status"] == "succeeded", state
    sheet = await client.get(state["result_url"])
    assert sheet.status_code == 200 and sheet.content.startswith(b"%PDF")
    bad = await client.post("/atelier/etiquettes", data={"csrf": token, "tags": tag, "skip": "99"})
    assert bad.status_code == 422 and re.search(r'role="alert"', bad.text)

    for member in (world.other_workshop, world.donor):
        await log_in(client, member)
        assert (await client.get(f"/atelier/appareils/{tag}")).status_code == 404
        assert (await client.get(state["result_url"])).status_code == 404
    client.cookies.clear()
