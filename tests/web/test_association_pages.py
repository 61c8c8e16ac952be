"""The association's pages over HTTP: a request sent from the form, a delivered device handed
over (nothing pre-selected: an empty form is refused) then returned with a reason; another
association gets 404."""

from __future__ import annotations

import html
from typing import Any

from litestar.testing import AsyncTestClient

from tests.fixtures import Api, World
from tests.web.helpers import form_token, log_in


async def test_the_association_requests_devices(client: AsyncTestClient[Any], world: World) -> None:
    await log_in(client, world.association)
    token = await form_token(client, "/demandes/nouvelle")
    refused = await client.post("/demandes/nouvelle", data={"csrf": token, "category-0": "laptop", "quantity-0": "3"})
    assert refused.status_code == 422 and 'value="3"' in refused.text  # the reason is required
    sent = await client.post(
        "/demandes/nouvelle",
        data={
            "csrf": token,
            "category-0": "laptop",
            "quantity-0": "3",
            "category-1": "monitor",
            "quantity-1": "1",
            "reason": "Atelier numérique pour demandeurs d'emploi",
        },
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    listed = await client.get("/demandes")
    assert "en attente" in listed.text and "Ordinateur portable : 0/3" in listed.text
    client.cookies.clear()


async def test_hand_over_then_return(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    tag = await api.delivered_device(world)
    await log_in(client, world.association)
    assert tag in (await client.get("/demandes")).text
    path = f"/demandes/appareils/{tag}"
    token = await form_token(client, path)
    shown = await client.get(path)
    assert 'id="hand-over"' in shown.text and " selected" not in shown.text  # nothing pre-selected
    empty = await client.post(
        f"{path}/hand_over", data={"csrf": token, "category": "", "age_band": "", "departement": ""}
    )
    assert empty.status_code == 422
    done = await client.post(
        f"{path}/hand_over",
        data={"csrf": token, "category": "student", "age_band": "18_25", "departement": "76", "key": "k1"},
    )
    assert done.status_code == 200 and "remis au bénéficiaire" in done.text
    assert (await api.device(world.association, tag))["state"] == "handed_over"
    no_reason = await client.post(f"{path}/return", data={"csrf": token, "reason": ""})
    assert no_reason.status_code == 422
    returned = await client.post(f"{path}/return", data={"csrf": token, "reason": "Écran cassé"})
    assert returned.status_code == 200 and "retourné" in html.unescape(returned.text)

    await log_in(client, world.other_association)
    assert (await client.get(path)).status_code == 404
    client.cookies.clear()
