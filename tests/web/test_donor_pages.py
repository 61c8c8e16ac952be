"""The donor's pages over HTTP: the new-donation form, the spreadsheet's dry run then its
confirmation, a donation's page, the pickup request, the report; another organisation gets 404."""

from __future__ import annotations

import html
import re
from typing import Any

from litestar.testing import AsyncTestClient

from tests.fixtures import Api, World
from tests.web.helpers import form_token, log_in

BAD_CSV = "catégorie;marque;modèle;numéro de série\nportable;Dell;Latitude é;SN-1\nfrigo;Bosch;X;SN-2\n"
GOOD_CSV = BAD_CSV.replace("frigo", "écran")


async def test_the_donor_declares_three_devices_in_the_form(client: AsyncTestClient[Any], world: World) -> None:
    await log_in(client, world.donor)
    token = await form_token(client, "/dons/nouveau")
    form = {"csrf": token, "rows": "3", "pickup_postcode": "76000", "pickup_address": "1 rue du Port"}
    for i, (category, serial) in enumerate((("laptop", "A1"), ("desktop", "B2"), ("monitor", ""))):
        form |= {f"category-{i}": category, f"brand-{i}": "Dell", f"serial-{i}": serial, f"storage-{i}": "1"}
    answer = await client.post("/dons/nouveau", data=form, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    donation = await client.get(answer.headers["location"])
    assert donation.status_code == 200
    assert "3 appareil(s) déclaré(s)" in donation.text and donation.text.count('class="mono"') >= 3
    assert "déclaré : 3" not in donation.text and "3</span> déclaré" in donation.text
    listing = await client.get("/dons")
    assert "déclaré : 3" in listing.text

    # a bad row is said on the form, with the row's number, and nothing is declared
    form["category-1"] = ""
    refused = await client.post("/dons/nouveau", data=form)
    assert refused.status_code == 422 and "Appareil 2" in refused.text and 'value="B2"' in refused.text
    # "add devices" without JavaScript: the same form, longer
    longer = await client.post("/dons/nouveau", data={**form, "more": "1"})
    assert 'name="category-5"' in longer.text and 'value="A1"' in longer.text
    client.cookies.clear()


async def test_a_windows_1252_spreadsheet_with_a_bad_line_then_fixed(
    client: AsyncTestClient[Any], world: World
) -> None:
    await log_in(client, world.donor)
    token = await form_token(client, "/dons/import")
    files = {"file": ("inventaire.csv", BAD_CSV.encode("cp1252"), "text/csv")}
    checked = await client.post("/dons/import", data={"csrf": token}, files=files)
    assert checked.status_code == 422
    text = html.unescape(checked.text)
    assert "Ligne 3" in text and "frigo" in text and "Rien n'a été enregistré" in text
    assert 'id="confirm"' not in checked.text
    files = {"file": ("inventaire.csv", GOOD_CSV.encode("cp1252"), "text/csv")}
    checked = await client.post("/dons/import", data={"csrf": token}, files=files)
    assert checked.status_code == 200 and 'id="confirm"' in checked.text
    assert "numéro de série" in checked.text  # the columns as read
    payload = re.search(r'name="payload" value="([^"]+)"', checked.text)
    assert payload
    confirmed = await client.post(
        "/dons/import",
        data={"csrf": token, "payload": payload.group(1), "media_type": "text/csv", "confirm": "1"},
        follow_redirects=False,
    )
    assert confirmed.status_code == 303, confirmed.text
    donation = await client.get(confirmed.headers["location"])
    assert "Latitude é" in donation.text and "2 appareil(s) déclaré(s)" in donation.text
    client.cookies.clear()


async def test_the_donation_page_asks_a_pickup_and_serves_the_report(
    client: AsyncTestClient[Any], world: World
) -> None:
    await log_in(client, world.donor)
    token = await form_token(client, "/dons/nouveau")
    form = {"csrf": token, "rows": "2", "category-0": "laptop", "category-1": "monitor", "serial-0": "PDF-1"}
    path = (await client.post("/dons/nouveau", data=form, follow_redirects=False)).headers["location"].split("?")[0]
    refused = await client.post(f"{path}/enlevement", data={"csrf": token, "postcode": "76000"})
    assert refused.status_code == 422 and 'role="alert"' in refused.text  # the contact is required
    asked = await client.post(
        f"{path}/enlevement",
        data={
            "csrf": token,
            "postcode": "76000",
            "address": "2 quai",
            "contact_name": "M. Martin",
            "day": "2027-01-12",
        },
        follow_redirects=False,
    )
    assert asked.status_code == 303, asked.text
    shown = await client.get(path)
    assert "Demande d'enlèvement n°" in html.unescape(shown.text) and "demandé" in shown.text
    pdf = await client.get(f"{path}/rapport/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    csv = await client.get(f"{path}/rapport/csv")
    assert csv.status_code == 200 and "PDF-1" in csv.text
    client.cookies.clear()


async def test_another_organisation_gets_a_404_page(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    donation = await api.declare(world.donor, [{"category": "laptop"}])
    path = f"/dons/{donation['id']}"
    for member in (world.other_donor, world.workshop, world.association):
        await log_in(client, member)
        for target in (path, f"{path}/rapport/pdf"):
            answer = await client.get(target)
            assert answer.status_code == 404, (member.email, target)
            assert "n'existe pas, ou vous n'y avez pas accès" in html.unescape(answer.text)
            assert answer.headers["content-type"].startswith("text/html")
    # a post to another's donation: refused the same way
    await log_in(client, world.other_donor)
    token = await form_token(client, "/dons/nouveau")
    answer = await client.post(f"{path}/enlevement", data={"csrf": token, "postcode": "69001", "contact_name": "X"})
    assert answer.status_code == 404
    # a stranger is sent to log in, and back
    client.cookies.clear()
    answer = await client.get(path, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/connexion?suivant=%2Fdons%2F")
