"""The scanning station driven in a real headless Chromium against a real HTTP server.

Chromium and its driver come from Debian (`apt-get install -y chromium chromium-driver`), the
browser is driven with selenium. Without them the test is skipped locally and FAILS in CI
(CI=true): the station is part of what must work.

The browser's camera is Chromium's fake device playing a Motion-JPEG file (`FAKE_CAMERA`) that a
test fills with the frame it wants the camera to see: a real label, drawn by the labels package.
"""

from __future__ import annotations

import asyncio
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ordi.config import get_settings
from tests.certificates.conftest import SAMPLES
from tests.certificates.helpers import at_bench
from tests.fixtures import PASSWORD, Api, World

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("ORDI_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("ORDI_TEST_CHROMEDRIVER", "/usr/bin/chromedriver")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=420,900",  # a phone's width
)
FAKE_CAMERA = Path(tempfile.gettempdir()) / f"ordi-fake-camera-{os.getpid()}.mjpeg"
CAMERA_FLAGS = (
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",  # the camera permission is granted without a prompt
    f"--use-file-for-fake-video-capture={FAKE_CAMERA}",
)
SERVER_FLAGS = ("--no-access-log", "--log-level", "warning")
WAIT = 15.0


def _require(condition: bool, reason: str) -> None:
    if condition:
        return
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:  # as tests/run_backends.py
        pytest.fail(f"{reason} (obligatoire en CI)")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def live_server(schema: None) -> Iterator[str]:
    """uvicorn in a subprocess on the test database: data the fixtures commit is what it serves."""
    port = _free_port()
    # On PostgreSQL the test process's worker consumes the server's jobs from Redis (no second
    # consumer); on SQLite each process has its in-memory broker, so the server runs its own.
    embedded = "1" if os.environ.get("ORDI_TEST_BACKEND", "sqlite") == "sqlite" else "0"
    env = {**os.environ, "ORDI_EMBEDDED_WORKER": embedded}
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "uvicorn", "ordi.app:app", "--host", "127.0.0.1", "--port", str(port), *SERVER_FLAGS],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/scan", timeout=2) as response:  # noqa: S310 - local
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"le serveur de test n'a pas démarré :\n{log.read().decode(errors='replace')}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _require(False, "selenium n'est pas installé (extra dev)")
        raise
    _require(Path(CHROMIUM).exists(), f"Chromium introuvable ({CHROMIUM}) : apt-get install -y chromium")
    _require(
        Path(CHROMEDRIVER).exists(), f"chromedriver introuvable ({CHROMEDRIVER}) : apt-get install -y chromium-driver"
    )
    profile = tempfile.mkdtemp(prefix="ordi-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    show_the_camera(None)
    for flag in (*CHROMIUM_FLAGS, *CAMERA_FLAGS):
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
        FAKE_CAMERA.unlink(missing_ok=True)


def show_the_camera(url: str | None, tag: str = "A") -> None:
    """What the fake camera films from its next start: a label of `tag` whose QR says `url`, or a
    blank frame. Chromium's file capture reads a Motion-JPEG file: JPEG frames one after the other."""
    from PIL import Image

    from labels import LabelContent, get_format, render_png

    frame = Image.new("RGB", (640, 480), "white")
    if url is not None:
        png = render_png(
            LabelContent(url=url, tag=tag, category="Ordinateur portable", model="Dell Latitude 5490"),
            get_format("brother-62x29"),
        )
        label = Image.open(io.BytesIO(png)).convert("RGB")
        label.thumbnail((600, 440))
        frame.paste(label, ((640 - label.width) // 2, (480 - label.height) // 2))
    jpeg = io.BytesIO()
    frame.save(jpeg, "JPEG", quality=90)
    FAKE_CAMERA.write_bytes(jpeg.getvalue() * 2)


def until(driver: Any, predicate: Callable[[Any], Any], what: str) -> Any:
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(driver, WAIT).until(predicate)
    except TimeoutException:
        message = driver.execute_script("var m = document.getElementById('message'); return m && m.textContent;")
        raise AssertionError(f"attendu : {what} (message affiché : {message!r})") from None


def element(driver: Any, css: str) -> Any:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, css)


def visible(driver: Any, css: str) -> bool:
    from selenium.webdriver.common.by import By

    found = driver.find_elements(By.CSS_SELECTOR, css)
    return bool(found) and found[0].is_displayed()


def choose(driver: Any, css: str, value: str) -> None:
    from selenium.webdriver.support.ui import Select

    Select(element(driver, css)).select_by_value(value)


def scan(driver: Any, code: str) -> None:
    """What a USB scanner does: type into whatever has the focus, then Enter."""
    from selenium.webdriver.common.keys import Keys

    focused = driver.switch_to.active_element
    assert focused.get_attribute("id") == "code", "le champ de code doit garder le focus"
    focused.send_keys(code + Keys.ENTER)


def message(driver: Any) -> tuple[str, str]:
    box = element(driver, "#message")
    return box.get_attribute("class") or "", box.text


def succeeded(driver: Any, words: str) -> None:
    until(driver, lambda d: message(d)[0] == "ok" and words in message(d)[1], f"succès « {words} »")
    assert element(driver, "body").get_attribute("data-last-sound") == "success"
    # ready for the next scan at once: empty field, focused, previous device cleared
    assert driver.switch_to.active_element.get_attribute("id") == "code"
    assert element(driver, "#code").get_attribute("value") == ""
    assert not visible(driver, "#device")


def shows_device(driver: Any, tag: str, action: str) -> None:
    until(
        driver,
        lambda d: element(d, "#device-tag").text == tag and visible(d, f'#actions [data-action="{action}"]'),
        f"l'appareil {tag} et l'action {action}",
    )


def log_in(driver: Any, base: str, email: str) -> None:
    """The station's own login form posts to /connexion, which opens the session cookie."""
    driver.get(f"{base}/scan")
    driver.delete_all_cookies()
    driver.get(f"{base}/scan")
    until(driver, lambda d: visible(d, "#login"), "le formulaire de connexion")
    element(driver, "#email").send_keys(email)
    element(driver, "#password").send_keys(PASSWORD)
    element(driver, '#login button[type="submit"]').click()
    until(driver, lambda d: visible(d, "#station"), "le poste de scan")
    until(driver, lambda d: d.switch_to.active_element.get_attribute("id") == "code", "le focus sur le code")


async def test_scan_act_and_scan_the_next_one(live_server: str, browser: Any, api: Api, world: World) -> None:
    donation = await api.declare(
        world.donor, [{"category": "laptop", "brand": "Dell", "model": "Latitude 5490"}, {"category": "desktop"}]
    )
    first, second = (d["asset_tag"] for d in donation["devices"])

    log_in(browser, live_server, world.workshop.email)
    assert "Connexion" not in element(browser, "#message").text

    scan(browser, first)
    shows_device(browser, first, "collect")
    assert element(browser, "#device-category").text == "Ordinateur portable"
    assert element(browser, "#device-model").text == "Dell Latitude 5490"
    assert element(browser, "#device-state").text == "déclaré"
    element(browser, '#actions [data-action="collect"]').click()
    succeeded(browser, f"Collecter — {first} : collecté")

    scan(browser, second.lower())  # typed by hand, in lower case
    shows_device(browser, second, "collect")
    element(browser, '#actions [data-action="collect"]').click()
    succeeded(browser, f"Collecter — {second} : collecté")

    scan(browser, f"HTTPS://ORDI.TEST/D/{first}")  # what a 2D scanner reads from the label
    shows_device(browser, first, "receive")
    element(browser, '#actions [data-action="receive"]').click()
    succeeded(browser, f"Réceptionner — {first}")

    scan(browser, first)
    shows_device(browser, first, "wipe")
    element(browser, '#actions [data-action="wipe"]').click()
    until(browser, lambda d: visible(d, "#action-form #f-m-serial-0"), "le formulaire d'effacement")
    # nothing is pre-selected: without a level, a tool, a kind and a result the form does not leave
    assert element(browser, "#f-level").get_attribute("value") == ""
    assert element(browser, "#f-method").get_attribute("value") == ""
    assert element(browser, "#f-tool").get_attribute("value") == ""
    assert element(browser, "#f-m-result-0").get_attribute("value") == ""
    assert element(browser, 'label[for="f-tool"]').text == "Outil"
    assert element(browser, "#action-form h2").text == f"Effacer les données — {first}"
    element(browser, "#f-m-serial-0").send_keys("SSD-4242")
    element(browser, '#action-form button[type="submit"]').click()
    assert visible(browser, "#f-level") and message(browser)[0] != "ok"
    choose(browser, "#f-level", "purge")
    assert element(browser, "#f-method").get_attribute("value") == "NIST 800-88 Purge"  # the level's method
    element(browser, "#f-tool").send_keys("nwipe")
    choose(browser, "#f-m-kind-0", "ssd")
    element(browser, "#f-m-capacity_gb-0").send_keys("256")
    choose(browser, "#f-m-result-0", "erased")
    element(browser, "#add-medium").click()  # a second medium: the laptop's HDD
    choose(browser, "#f-m-kind-1", "hdd")
    element(browser, "#f-m-serial-1").send_keys("HDD-77")
    choose(browser, "#f-m-result-1", "erased")
    element(browser, '#action-form button[type="submit"]').click()
    succeeded(browser, f"{first} : effacé")
    # the wipe typed in issued its certificate: its link, as after an nwipe log
    until(browser, lambda d: visible(d, "#receipt a"), "le lien du certificat")
    link = element(browser, "#receipt a")
    number = link.text.split()[2]
    assert link.text == f"Certificat d'effacement {number} (PDF)" and number.startswith("CE-")
    assert link.get_attribute("href").endswith(f"/certificats/{number}")

    scan(browser, "ZZZZZZZZZZ")
    until(browser, lambda d: not visible(d, "#receipt"), "le certificat caché au scan suivant")
    until(browser, lambda d: message(d)[0] == "error", "un message d'erreur")
    assert element(browser, "body").get_attribute("data-last-sound") == "error"
    assert "ZZZZZZZZZZ" in message(browser)[1]
    assert browser.switch_to.active_element.get_attribute("id") == "code"

    scan(browser, second)
    shows_device(browser, second, "lose")
    element(browser, '#actions [data-action="lose"]').click()
    until(browser, lambda d: visible(d, "#f-note"), "le formulaire de perte")
    element(browser, '#action-form button[type="submit"]').click()  # the note is required
    assert visible(browser, "#f-note")
    element(browser, "#f-note").send_keys("Tombé du chariot")
    element(browser, '#action-form button[type="submit"]').click()
    succeeded(browser, f"{second} : perdu")

    recent = [li.text for li in browser.find_elements("css selector", "#recent li")]
    assert len(recent) == 5 and f"{second} : perdu" in recent[0] and f"{first} : collecté" in recent[-1]
    browser.refresh()  # the last scans are this tab's (sessionStorage): a reload keeps them
    until(browser, lambda d: visible(d, "#recent-box"), "les derniers scans après rechargement")
    assert [li.text for li in browser.find_elements("css selector", "#recent li")] == recent

    console = [entry["message"] for entry in browser.get_log("browser")]
    assert not [m for m in console if "Content Security Policy" in m or "Uncaught" in m], console

    events = (await api.client.get(f"/api/v1/devices/{first}/events", headers=world.workshop.headers)).json()
    assert [e["action"] for e in events["items"]] == ["declare", "assign", "collect", "receive", "wipe"]
    wipe = events["items"][-1]["payload"]
    medium, second_medium = wipe["media"]
    assert (medium["kind"], medium["serial"], medium["result"]) == ("ssd", "SSD-4242", "erased")
    assert medium["capacity_gb"] == 256
    assert (second_medium["kind"], second_medium["serial"]) == ("hdd", "HDD-77")
    assert wipe["level"] == "purge" and wipe["method"] == "NIST 800-88 Purge" and wipe["tool"] == "nwipe"


async def test_the_station_speaks_english_and_the_method_follows_the_level(
    live_server: str, browser: Any, api: Api, world: World
) -> None:
    (tag,) = await at_bench(api, world)
    log_in(browser, live_server, world.workshop.email)
    scan(browser, tag)  # in French first: the last scans keep its codes
    shows_device(browser, tag, "wipe")
    assert f"{tag} : réceptionné" in element(browser, "#recent li").text
    browser.get(f"{live_server}/langue/en?retour=/scan")  # the language switch: the station in English
    until(browser, lambda d: d.switch_to.active_element.get_attribute("id") == "code", "le poste en anglais")
    assert f"{tag}: received" in element(browser, "#recent li").text  # said again in English
    scan(browser, tag)
    shows_device(browser, tag, "wipe")
    assert element(browser, '#actions [data-action="wipe"]').text == "Wipe…"
    element(browser, '#actions [data-action="wipe"]').click()
    until(browser, lambda d: visible(d, "#f-level"), "le formulaire d'effacement")
    assert element(browser, "#action-form h2").text == f"Wipe — {tag}"
    labels = {
        label.get_attribute("for"): label.text for label in browser.find_elements("css selector", "#action-form label")
    }
    assert labels["f-report"] == "nwipe log (optional)"
    assert (labels["f-level"], labels["f-method"], labels["f-tool"]) == ("Level (NIST SP 800-88)", "Method", "Tool")
    assert (labels["f-m-kind-0"], labels["f-m-result-0"]) == ("Medium kind", "Result")
    assert element(browser, "#action-form legend").text == "Medium 1"
    assert element(browser, "#f-level option").text == "— choose —"
    assert element(browser, '#f-m-kind-0 option[value="hdd"]').text == "Hard disk (HDD)"
    assert element(browser, "#f-tool").get_attribute("placeholder") == "nwipe, Blancco, hdparm…"
    assert element(browser, '#action-form button[type="submit"]').text == "Save"
    assert element(browser, "#add-medium").text == "Add a medium"

    method = element(browser, "#f-method")
    choose(browser, "#f-level", "clear")
    assert method.get_attribute("value") == "NIST 800-88 Clear"
    choose(browser, "#f-level", "destroy")  # still the previous level's method: it follows
    assert method.get_attribute("value") == "Physical destruction of the medium"
    method.clear()
    method.send_keys("ATA Secure Erase")  # typed by the person: never overwritten
    choose(browser, "#f-level", "purge")
    assert method.get_attribute("value") == "ATA Secure Erase"

    element(browser, "#action-form .form-buttons button[type='button']").click()  # Cancel
    assert not visible(browser, "#action-form")
    console = [entry["message"] for entry in browser.get_log("browser")]
    assert not [m for m in console if "Content Security Policy" in m or "Uncaught" in m], console


async def test_an_action_refused_by_the_server_shows_its_reason(
    live_server: str, browser: Any, api: Api, world: World
) -> None:
    tag = await api.ready_device(world)
    log_in(browser, live_server, world.workshop.email)
    scan(browser, tag)
    shows_device(browser, tag, "recycle")
    element(browser, '#actions [data-action="recycle"]').click()
    until(browser, lambda d: visible(d, "#f-weight_kg"), "le formulaire de recyclage")
    element(browser, "#f-reason").send_keys("Carte mère HS")
    element(browser, "#f-weight_kg").send_keys("2.1")
    assert element(browser, "#f-channel").get_attribute("value") == ""  # nothing pre-selected
    choose(browser, "#f-channel", "weee_collector")
    # meanwhile, someone else reports it lost: the station must say why its own attempt fails
    await api.act(world.workshop, tag, {"action": "lose", "note": "volé"})
    element(browser, '#action-form button[type="submit"]').click()
    until(browser, lambda d: message(d)[0] == "error", "le refus du serveur")
    assert "perdu" in message(browser)[1]
    assert element(browser, "body").get_attribute("data-last-sound") == "error"


async def test_the_label_page_offers_the_actions_to_a_logged_in_workshop(
    live_server: str, browser: Any, api: Api, world: World
) -> None:
    tag = await api.ready_device(world)
    # a visitor: the public facts, no buttons
    browser.get(f"{live_server}/scan")
    browser.delete_all_cookies()
    browser.get(f"{live_server}/D/{tag.lower()}")
    until(browser, lambda d: element(d, "#device-state").text == "prêt", "la fiche publique")
    assert tag in browser.page_source and "Ordinateur portable" in browser.page_source
    await asyncio.sleep(0.3)
    assert not visible(browser, "#station")

    # the same phone after logging in on the station: the label opened in a new tab (what a phone
    # camera does) has the session, so the workshop's actions
    log_in(browser, live_server, world.workshop.email)
    browser.switch_to.new_window("tab")
    browser.get(f"{live_server}/d/{tag}")
    until(browser, lambda d: visible(d, '#actions [data-action="recycle"]'), "les actions sur la fiche")
    element(browser, '#actions [data-action="lose"]').click()
    until(browser, lambda d: visible(d, "#f-note"), "le formulaire de perte")
    element(browser, "#f-note").send_keys("Disparu de l'étagère")
    element(browser, '#action-form button[type="submit"]').click()
    until(browser, lambda d: message(d)[0] == "ok", "le succès")
    until(browser, lambda d: element(d, "#device-state").text == "perdu", "l'état mis à jour")
    assert (await api.device(world.workshop, tag))["state"] == "lost"


async def test_the_wipe_is_recorded_from_the_nwipe_log_and_its_certificate_shown(
    live_server: str, browser: Any, api: Api, world: World
) -> None:
    (tag,) = await at_bench(api, world)
    log_in(browser, live_server, world.workshop.email)
    scan(browser, tag)
    shows_device(browser, tag, "wipe")
    element(browser, '#actions [data-action="wipe"]').click()
    until(browser, lambda d: visible(d, "#f-report"), "le champ du journal nwipe")
    assert element(browser, 'label[for="f-report"]').text == "Journal nwipe (facultatif)"
    assert element(browser, "#f-level").get_attribute("value") == ""  # still nothing pre-selected

    # not an nwipe log: the API's problem, in French, and the form stays open to pick another file
    with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as wrong:
        wrong.write("ceci n'est pas un journal\n")
    try:
        element(browser, "#f-report").send_keys(wrong.name)
        element(browser, '#action-form button[type="submit"]').click()  # the typed fields became optional
        until(browser, lambda d: message(d)[0] == "error", "le refus du journal")
    finally:
        os.unlink(wrong.name)
    assert "journal nwipe reconnu" in message(browser)[1] and visible(browser, "#f-report")
    assert "journal nwipe reconnu" in element(browser, "#form-error").text  # beside the buttons too
    assert browser.switch_to.active_element.get_attribute("id") == "f-report"  # the field to fix

    element(browser, "#f-report").send_keys(str(SAMPLES / "nwipe-0.38-dodshort-2drives.log"))
    element(browser, '#action-form button[type="submit"]').click()
    succeeded(browser, f"{tag} : effacé")
    link = element(browser, "#receipt a")
    number = link.text.split()[2]
    assert number.startswith("CE-") and link.get_attribute("href").endswith(f"/certificats/{number}")
    history = (await api.client.get(f"/api/v1/devices/{tag}/events", headers=world.workshop.headers)).json()
    wipe = history["items"][-1]["payload"]
    assert wipe["tool"] == "nwipe" and [m["serial"] for m in wipe["media"]] == ["S3Z2NB0K612345A", "WD-WCC6Y7ABCDEF"]


async def test_the_camera_reads_a_label_with_jsqr_where_the_browser_has_no_barcode_detector(
    live_server: str, browser: Any, api: Api, world: World
) -> None:
    _require(get_settings().qr_decoder_path.is_file(), "jsQR absent : sh ordi/station/ensure_decoder.sh")
    donation = await api.declare(world.donor, [{"category": "laptop", "brand": "Dell", "model": "Latitude 5490"}])
    tag = donation["devices"][0]["asset_tag"]
    show_the_camera(f"HTTPS://ORDI.TEST/D/{tag}", tag)  # the label's QR, as printed
    log_in(browser, live_server, world.workshop.email)
    # Firefox or Safari < 17: no BarcodeDetector, from before the page's own script runs
    added = browser.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": "delete window.BarcodeDetector;"}
    )
    try:
        browser.get(f"{live_server}/scan")
        until(browser, lambda d: visible(d, "#camera"), "le bouton de la caméra")
        assert browser.execute_script("return 'BarcodeDetector' in window") is False
        element(browser, "#camera").click()
        shows_device(browser, tag, "collect")
        assert browser.execute_script("return typeof window.jsQR") == "function"
        assert not visible(browser, "#camera-view")  # the camera stops once it has read a code
        assert element(browser, "#camera").text == "Scanner avec la caméra"
        assert tag in element(browser, "#recent li").text
    finally:
        browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": added["identifier"]})
        show_the_camera(None)
