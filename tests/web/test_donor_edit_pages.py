"""The donor's corrections before collection, through the pages: specs in the new-donation form,
editing and cancelling a donation, editing and removing one device; each read back through the API.
Destructive actions need their confirmation box; another organisation gets the 404 page."""

from __future__ import annotations

import html
from typing import Any

from litestar.testing import AsyncTestClient

from tests.fixtures import Api, World
from tests.web.helpers import form_token, log_in

NOT_FOUND = "n'existe pas, ou vous n'y avez pas accès"


async def _donation(api: Api, world: World, count: int = 2) -> dict[str, Any]:
    items = [{"category": "laptop", "brand": "Dell", "serial_number": f"ED-{i}"} for i in range(count)]
    return await api.declare(world.donor, items, in_charge=None)


async def test_the_new_donation_form_takes_specs_as_people_write_them(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    await log_in(client, world.donor)
    token = await form_token(client, "/dons/nouveau")
    assert 'name="ram_gb-0"' in (await client.get("/dons/nouveau")).text
    form = {"csrf": token, "rows": "1", "category-0": "laptop", "cpu-0": "Intel Core i5-8250U", "ram_gb-0": "8,5 Go"}
    form |= {"storage_gb-0": "1 To", "storage_kind-0": "ssd", "year-0": "2019", "os_licence-0": "windows"}
    bad = await client.post("/dons/nouveau", data={**form, "ram_gb-0": "huit"})
    assert bad.status_code == 422 and 'value="huit"' in bad.text and "Appareil 1" in html.unescape(bad.text)
    answer = await client.post("/dons/nouveau", data=form, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    donation_id = int(answer.headers["location"].split("/")[2].split("?")[0])
    donation = (await client.get(f"/api/v1/donations/{donation_id}", headers=world.donor.headers)).json()
    specs = donation["devices"][0]["specs"]
    assert specs["cpu"] == "Intel Core i5-8250U" and specs["ram_gb"] == 8.5 and specs["storage_kind"] == "ssd"
    assert specs["year"] == 2019 and specs["os_licence"] == "windows" and specs["storage_gb"] == 1000


async def test_edit_a_donation(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    donation = await _donation(api, world)
    path = f"/dons/{donation['id']}"
    await log_in(client, world.donor)
    shown = await client.get(path)
    assert f'href="{path}/modifier"' in shown.text and f'href="{path}/annuler"' in shown.text
    token = await form_token(client, f"{path}/modifier")
    data = {"csrf": token, "pickup_address": "3 rue Neuve", "pickup_postcode": "76100", "notes": "Portail bleu"}
    answer = await client.post(f"{path}/modifier", data=data, follow_redirects=False)
    assert answer.status_code == 303
    read = (await client.get(f"/api/v1/donations/{donation['id']}", headers=world.donor.headers)).json()
    assert (read["pickup_address"], read["pickup_postcode"], read["notes"]) == ("3 rue Neuve", "76100", "Portail bleu")
    assert "Don modifié" in (await client.get(answer.headers["location"])).text


async def test_cancel_a_donation_needs_its_confirmation(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    donation = await _donation(api, world)
    path = f"/dons/{donation['id']}"
    await log_in(client, world.donor)
    token = await form_token(client, f"{path}/annuler")
    unconfirmed = await client.post(f"{path}/annuler", data={"csrf": token, "reason": "Erreur"})
    assert unconfirmed.status_code == 422 and "Cochez la case" in unconfirmed.text
    read = (await client.get(f"/api/v1/donations/{donation['id']}", headers=world.donor.headers)).json()
    assert read["cancelled_at"] is None
    done = await client.post(f"{path}/annuler", data={"csrf": token, "confirm": "1"}, follow_redirects=False)
    assert done.status_code == 303
    read = (await client.get(f"/api/v1/donations/{donation['id']}", headers=world.donor.headers)).json()
    assert read["cancelled_at"] is not None and read["state_counts"] == {"withdrawn": 2}
    shown = await client.get(path)
    assert "Don annulé" in shown.text and f'href="{path}/annuler"' not in shown.text
    again = await client.post(f"{path}/modifier", data={"csrf": token, "notes": "x"})
    assert again.status_code == 409  # cancelled: said on the form, never a 500


async def test_edit_then_remove_one_device(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    donation = await _donation(api, world)
    tag = donation["devices"][0]["asset_tag"]
    path = f"/dons/{donation['id']}/appareils/{tag}"
    await log_in(client, world.donor)
    assert f'href="{path}"' in (await client.get(f"/dons/{donation['id']}")).text
    token = await form_token(client, path)
    data = {"csrf": token, "category": "desktop", "brand": "HP", "model": "EliteDesk", "serial_number": "NEW-1"}
    assert (await client.post(path, data=data, follow_redirects=False)).status_code == 303
    device = await api.device(world.donor, tag)
    assert (device["category"], device["brand"], device["model"]) == ("desktop", "HP", "EliteDesk")
    unconfirmed = await client.post(f"{path}/retirer", data={"csrf": token})
    assert unconfirmed.status_code == 422 and (await api.device(world.donor, tag))["state"] == "declared"
    removed = await client.post(f"{path}/retirer", data={"csrf": token, "confirm": "1"}, follow_redirects=False)
    assert removed.status_code == 303
    assert (await api.device(world.donor, tag))["state"] == "withdrawn"


async def test_others_get_404_and_posts_need_csrf(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    donation = await _donation(api, world)
    other = await api.declare(world.other_donor, [{"category": "laptop"}], in_charge=None)
    tag, other_tag = donation["devices"][0]["asset_tag"], other["devices"][0]["asset_tag"]
    base = f"/dons/{donation['id']}"
    for member in (world.other_donor, world.workshop, world.operator):
        await log_in(client, member)
        for target in (f"{base}/modifier", f"{base}/annuler", f"{base}/appareils/{tag}"):
            answer = await client.get(target)
            assert answer.status_code == 404 and NOT_FOUND in html.unescape(answer.text), (member.email, target)
    await log_in(client, world.other_donor)
    token = await form_token(client, "/dons/nouveau")
    refused = await client.post(f"{base}/annuler", data={"csrf": token, "confirm": "1"})
    assert refused.status_code == 404
    # a device of another donation under this one's path: 404 too
    await log_in(client, world.donor)
    assert (await client.get(f"{base}/appareils/{other_tag}")).status_code == 404
    for target, data in ((f"{base}/annuler", {"confirm": "1"}), (f"{base}/appareils/{tag}/retirer", {"confirm": "1"})):
        assert (await client.post(target, data=data)).status_code == 403
    assert (await api.device(world.donor, tag))["state"] == "declared"
