"""`/comite` in a real headless Chromium, at a phone's width (390 × 844) and a laptop's (1280 × 900):
every chart loads, nothing overflows the page sideways (wide tables scroll in their own box), and the
period picker works as a plain form. With ORDI_TEST_SHOTS=<folder>, full-page screenshots are saved
there to be looked at (never in the repository)."""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

from litestar.testing import AsyncTestClient

from tests.api.test_scan_station import browser, live_server, until
from tests.fixtures import Api, World
from tests.stats.bilan_history import build

__all__ = ["browser", "live_server"]  # the station's fixtures: a uvicorn process, a Chromium

SIZES = ((390, 844, True), (1280, 900, False))


def _metrics(driver: Any, width: int, height: int, mobile: bool) -> None:
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
    )


def _shot(driver: Any, name: str, width: int, mobile: bool) -> None:
    folder = os.environ.get("ORDI_TEST_SHOTS")
    if not folder:
        return
    full = int(driver.execute_script("return document.documentElement.scrollHeight"))
    _metrics(driver, width, full, mobile)
    png = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    Path(folder).mkdir(parents=True, exist_ok=True)
    (Path(folder) / name).write_bytes(base64.b64decode(png["data"]))


async def test_the_dashboard_on_a_phone_and_a_laptop(
    live_server: str, browser: Any, client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    await build(client, api, world)
    browser.execute_cdp_cmd("Network.enable", {})
    # The API's bearer token, as the page accepts it until the web session replaces it.
    headers = {**world.committee.headers, "Accept-Language": "fr-FR,fr;q=0.9"}
    browser.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": headers})
    try:
        for width, height, mobile in SIZES:
            _metrics(browser, width, height, mobile)
            browser.get(f"{live_server}/comite")
            until(browser, lambda d: d.execute_script("return document.readyState") == "complete", "la page chargée")
            assert "Tableau de bord du comité" in browser.title
            images = browser.execute_script(
                "return Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.clientWidth]);"
            )
            assert len(images) == 8
            assert all(done and natural > 0 and shown > 0 for done, natural, shown in images), images
            overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth;")
            assert overflow <= 0, f"la page déborde de {overflow} px à {width} px de large"
            widest = browser.execute_script(
                "return Math.max(...Array.from(document.querySelectorAll('img'))"
                ".map(i => i.getBoundingClientRect().right));"
            )
            assert widest <= width
            _shot(browser, f"comite-{width}.png", width, mobile)

        # The picker: a plain GET form (no script on the page), by quarter.
        _metrics(browser, 1280, 900, False)
        browser.get(f"{live_server}/comite")
        browser.execute_script("document.getElementById('grain').value = 'quarter';")
        browser.find_element("css selector", ".cm-picker button[type=submit]").click()
        until(browser, lambda d: "grain=quarter" in d.current_url, "la page par trimestre")
        assert browser.find_element("id", "grain").get_attribute("value") == "quarter"
        assert not browser.execute_script("return document.scripts.length;")
    finally:
        browser.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {}})
