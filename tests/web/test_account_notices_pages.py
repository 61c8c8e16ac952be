""" "Mon compte": the notices a person chooses (read back through the service) and their last
notifications, paged; the form needs its CSRF token; nobody sees another person's notifications."""

from __future__ import annotations

import html
import re
from typing import Any

from litestar.testing import AsyncTestClient

from ordi.db import write_transaction
from ordi.notifications import service as notifications
from ordi.notifications.kinds import OPTIONAL
from ordi.web.account import NOTIFICATIONS_SHOWN
from tests.fixtures import World
from tests.web.helpers import form_token, log_in


async def test_turn_notices_off_then_on(client: AsyncTestClient[Any], world: World) -> None:
    await log_in(client, world.donor)
    token = await form_token(client, "/compte")
    page = await client.get("/compte")
    assert all(f'id="avis-{k}"' in page.text for k in OPTIONAL) and page.text.count("checked") >= len(OPTIONAL)
    kept = ["pickup_scheduled", "certificate_issued"]
    answer = await client.post("/compte/avis", data={"csrf": token, "avis": kept}, follow_redirects=False)
    assert answer.status_code == 303
    chosen = {p.kind: p.enabled for p in (await notifications.preferences(world.donor.actor)).preferences}
    assert chosen == {k: k in kept for k in OPTIONAL}
    shown = await client.get("/compte?avis=1")
    assert 'id="avis-request_approved" name="avis" value="request_approved">' in shown.text
    assert "Vos choix d'avis sont enregistrés" in html.unescape(shown.text)
    refused = await client.post("/compte/avis", data={"avis": list(OPTIONAL)})
    assert refused.status_code == 403
    assert not (await notifications.preferences(world.donor.actor)).preferences[1].enabled
    client.cookies.clear()


async def test_the_last_notifications_paged_and_only_ones_own(client: AsyncTestClient[Any], world: World) -> None:
    async with write_transaction():
        for i in range(NOTIFICATIONS_SHOWN + 2):
            await notifications.notify_person(world.donor.actor.user_id, "shipment_sent", f"k-{i}", count=i + 1)
    await log_in(client, world.donor)
    first = await client.get("/compte")
    assert first.text.count("<li>\n      <p><strong>") == NOTIFICATIONS_SHOWN
    following = re.search(r'href="/compte\?apres=([^"]+)" rel="next"', first.text)
    assert following
    second = await client.get("/compte", params={"apres": following.group(1)})
    assert second.text.count("<li>\n      <p><strong>") == 2
    await log_in(client, world.other_donor)
    assert "Aucune notification" in (await client.get("/compte")).text
    client.cookies.clear()
