"""The station's pages as HTTP answers: French, everything served locally, strict headers, no personal data."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from ordi import i18n
from ordi.config import QR_DECODER_FILE, QR_DECODER_URL, get_settings
from tests.fixtures import Api, World
from tests.web.helpers import log_in


async def test_scan_page_is_french_and_self_contained(client: AsyncTestClient[Any]) -> None:
    page = await client.get("/scan")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    # a stranger gets the login form of the web application (the session cookie opens the station)
    assert '<html lang="fr">' in page.text and "Se connecter" in page.text and 'action="/connexion"' in page.text
    assert 'name="suivant" value="/scan"' in page.text and 'name="csrf"' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    links = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert links and all(a.startswith(("/", "#")) and not a.startswith("//") for a in links)  # no CDN
    assets = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', page.text)
    assert "/static/station/station.js" in assets and "/static/web/web.css" in assets
    for asset in assets:
        response = await client.get(asset)
        assert response.status_code == 200, asset
    script = await client.get("/static/station/station.js")
    assert "javascript" in script.headers["content-type"]
    assert "Idempotency-Key" in script.text and "/session/jeton" in script.text
    # the token never leaves the page's memory; this tab's storage keeps only the last scans
    assert re.findall(r"sessionStorage\.setItem\((\w+)", script.text) == ["RECENT_KEY"]
    assert "localStorage" not in script.text
    assert "http://" not in script.text and "https://" not in script.text


async def test_public_page_in_any_case_without_personal_data(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    donation = await api.declare(
        world.donor, [{"category": "monitor", "brand": "Iiyama", "model": "ProLite", "serial_number": "SECRET42"}]
    )
    tag = donation["devices"][0]["asset_tag"]
    for path in (f"/d/{tag}", f"/D/{tag.lower()}", f"/d/{tag[:5]}-{tag[5:].lower()}"):
        page = await client.get(path)
        assert page.status_code == 200, path
        text = page.text
        assert "Ordi 2.0" in text and tag in text and "Écran" in text and "Iiyama ProLite" in text
        assert "déclaré" in text and "Dernière étape" in text
        assert "Canope" not in text and "SECRET42" not in text and "@" not in text
        # a stranger runs no script; a logged-in person's page loads the station's (tests/web)
        assert f'data-tag="{tag}"' in text and "/static/station/station.js" not in text
        assert 'id="station-words"' not in text
        assert "default-src 'none'" in page.headers["content-security-policy"]


async def test_unknown_label_page_is_a_french_404(client: AsyncTestClient[Any]) -> None:
    page = await client.get("/d/<script>")
    assert page.status_code == 404
    assert "Étiquette inconnue" in page.text and "<script>" not in page.text.split("<main")[1]


async def test_the_camera_decoder_is_served_from_its_folder_only_when_installed(
    client: AsyncTestClient[Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from ordi.station import controllers
    from ordi.web import pages

    settings = replace(get_settings(), vendor_dir=str(tmp_path))
    monkeypatch.setattr(controllers, "get_settings", lambda: settings)
    monkeypatch.setattr(pages, "get_settings", lambda: settings)
    # not installed: the page does not offer it (its script then says the camera is unavailable)
    assert 'data-decoder=""' in (await client.get("/scan")).text
    assert (await client.get(QR_DECODER_URL)).status_code == 404

    decoder = tmp_path / QR_DECODER_FILE
    decoder.parent.mkdir(parents=True)
    decoder.write_text("window.jsQR = function () { return null; };\n")
    assert f'data-decoder="{QR_DECODER_URL}"' in (await client.get("/scan")).text
    served = await client.get(QR_DECODER_URL)
    assert served.status_code == 200 and served.text == decoder.read_text()
    assert served.headers["content-type"].startswith("text/javascript")
    assert (await client.get("/static/vendor/package.json")).status_code == 404  # that one file, nothing else


def _station_words(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="station-words">(.*?)</script>', html, re.S)
    assert found, "la page doit donner ses mots au script du poste"
    words: dict[str, Any] = json.loads(found.group(1))
    return words


async def test_the_station_takes_its_words_from_the_page_in_its_language(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    script = (await client.get("/static/station/station.js")).text
    assert not re.search(r"[À-ÿ]", script)  # no French word left in the script: they come from ordi.i18n
    tag = await api.ready_device(world)
    await log_in(client, world.workshop)
    for path in ("/scan", f"/d/{tag}", f"/atelier/appareils/{tag}"):
        page = await client.get(path)
        assert page.status_code == 200, path
        assert "script-src 'self'" in page.headers["content-security-policy"]  # a data block runs nothing
        assert _station_words(page.text) == i18n.station_words("fr"), path
    french = _station_words((await client.get("/scan")).text)
    assert french["text"]["save"] == "Enregistrer" and french["labels"]["tool"] == "Outil"
    await client.get("/langue/en", params={"retour": "/scan"})
    english = _station_words((await client.get("/scan")).text)
    assert english == i18n.station_words("en")
    assert english["text"]["save"] == "Save" and english["labels"]["method"] == "Method"
    assert english["methods"]["destroy"] == "Physical destruction of the medium"
