"""The web application in a real headless Chromium, through its pages only (as people use it).

Each person logs in at /connexion; the donor declares three devices in the form and uploads a
Windows-1252 CSV with one bad line (sees the error, fixes it, confirms); a form posted without
its CSRF token is refused; another organisation's person gets a 404 page; a deactivated person
is logged out. axe-core (its npm package, installed by tests/ensure_axe.sh into a cache folder)
runs on every page seen and must report no serious or critical violation.

`ORDI_TEST_SCREENSHOTS=/tmp/web-shots` keeps a screenshot of each page at 390×844 and 1280×900.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ordi.organisations.tables import User
from tests.api.test_scan_station import _require, browser, element, live_server, until, visible
from tests.certificates.helpers import at_bench
from tests.fixtures import PASSWORD, Api, Member, World

__all__ = ["browser", "live_server"]  # the station test's fixtures, shared

AXE = (
    Path(os.environ.get("ORDI_AXE_DIR", Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "ordi-axe"))
    / "node_modules/axe-core/axe.min.js"
)
SHOTS = os.environ.get("ORDI_TEST_SCREENSHOTS", "")
SIZES = ((390, 844), (1280, 900))
BAD_LINE_CSV = "catégorie;marque;modèle;numéro de série\nportable;Lenovo;ThinkPad é;PF-1\nfrigo;Bosch;X;PF-2\n"


@pytest.fixture(scope="module")
def axe_source() -> str:
    _require(AXE.exists(), f"axe-core introuvable ({AXE}) : sh tests/ensure_axe.sh")
    return AXE.read_text()


@pytest.fixture
def files() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="ordi-web-") as folder:
        yield Path(folder)


def check_page(driver: Any, axe: str, name: str) -> None:
    """No serious or critical accessibility violation here; a screenshot at both sizes if asked."""
    driver.execute_script(axe)
    result = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(function (r) { done(JSON.stringify(r.violations)); })"
        ".catch(function (e) { done(JSON.stringify([{id: 'axe-error', impact: 'critical', help: String(e)}])); });"
    )
    bad = [v for v in json.loads(result) if v.get("impact") in {"serious", "critical"}]
    described = [(v["id"], v.get("help"), [n.get("target") for n in v.get("nodes", [])][:3]) for v in bad]
    assert not bad, f"{name} : {described}"
    # readable on a 390 px phone: nothing wider than the screen (wide tables scroll in their own box)
    driver.set_window_size(390, 844)
    overflow = driver.execute_script(
        "var w = document.documentElement.clientWidth; return Array.prototype.filter.call("
        "document.querySelectorAll('body *'), function (e) { var r = e.getBoundingClientRect();"
        " return r.right > w + 1 && !e.closest('.table-wrap, nav'); }).slice(0, 3).map(function (e) {"
        " return e.tagName + '#' + e.id + '.' + e.className; });"
    )
    driver.set_window_size(420, 900)
    assert not overflow, f"{name} : plus large que l'écran de 390 px : {overflow}"
    if SHOTS:
        folder = Path(SHOTS)
        folder.mkdir(parents=True, exist_ok=True)
        for width, height in SIZES:
            driver.set_window_size(width, height)
            full = driver.execute_script("return document.documentElement.scrollHeight")
            driver.set_window_size(width, max(height, min(int(full), 6000)))
            driver.save_screenshot(str(folder / f"{name}-{width}.png"))
        driver.set_window_size(420, 900)


def log_in(driver: Any, base: str, member: Member, *, password: str = PASSWORD) -> None:
    driver.get(f"{base}/connexion")
    driver.delete_all_cookies()
    driver.get(f"{base}/connexion")
    element(driver, "#email").send_keys(member.email)
    element(driver, "#password").send_keys(password)
    element(driver, '#login button[type="submit"]').click()
    until(driver, lambda d: "/connexion" not in d.current_url, "la page d'arrivée après connexion")


def test_every_person_logs_in_at_connexion_and_lands_on_their_page(
    live_server: str, browser: Any, axe_source: str, world: World
) -> None:
    browser.get(f"{live_server}/connexion")
    browser.delete_all_cookies()
    browser.get(f"{live_server}/")
    assert "Annuaire des lieux labellisés" in browser.page_source
    check_page(browser, axe_source, "accueil")
    browser.get(f"{live_server}/connexion")
    check_page(browser, axe_source, "connexion")
    landings = {
        "donor": "/dons",
        "workshop": "/atelier",
        "association": "/demandes",
        "operator": "/admin",
        "committee": "/comite",
    }
    for role, path in landings.items():
        member: Member = getattr(world, role)
        log_in(browser, live_server, member)
        landed = browser.current_url.removeprefix(live_server)
        assert landed in {path, "/accueil"}, (role, landed)  # /accueil until that role's pages land
        assert (
            member.email.split("@")[0].replace(".", " ").lower() in browser.page_source.lower() or landed != "/accueil"
        )
        check_page(browser, axe_source, f"arrivee-{role}")
        element(browser, "#logout").click()
        until(browser, lambda d: "/connexion" in d.current_url, "la déconnexion")
        assert "Vous êtes déconnecté" in browser.page_source
    # a wrong password is said on the form, which stays accessible
    log_in_attempt = world.donor
    browser.get(f"{live_server}/connexion")
    element(browser, "#email").send_keys(log_in_attempt.email)
    element(browser, "#password").send_keys("pas-le-bon")
    element(browser, '#login button[type="submit"]').click()
    until(browser, lambda d: visible(d, "#login-error"), "l'erreur de connexion")
    check_page(browser, axe_source, "connexion-erreur")


def test_the_donor_declares_three_devices_then_imports_a_windows_1252_csv(
    live_server: str, browser: Any, axe_source: str, world: World, files: Path
) -> None:
    from selenium.webdriver.support.ui import Select

    log_in(browser, live_server, world.donor)
    assert browser.current_url.endswith("/dons")
    check_page(browser, axe_source, "dons-vide")

    browser.get(f"{live_server}/dons/nouveau")
    check_page(browser, axe_source, "dons-nouveau")
    for i, (category, brand, serial) in enumerate(
        (("laptop", "Lenovo", "LEN-001"), ("desktop", "HP", "HP-002"), ("monitor", "Iiyama", ""))
    ):
        Select(element(browser, f"#category-{i}")).select_by_value(category)
        element(browser, f"#brand-{i}").send_keys(brand)
        element(browser, f"#serial-{i}").send_keys(serial)
    element(browser, "#pickup_postcode").send_keys("76000")
    element(browser, "#declare").click()
    until(browser, lambda d: "/dons/" in d.current_url and "nouveau=1" in d.current_url, "la page du don")
    assert "3 appareil(s) déclaré(s)" in browser.page_source
    assert "LEN-001" in browser.page_source and "HP-002" in browser.page_source
    check_page(browser, axe_source, "don")

    # the inventory, as Excel's "CSV (point-virgule)" saves it: Windows-1252, one bad line
    bad = files / "inventaire.csv"
    bad.write_bytes(BAD_LINE_CSV.encode("cp1252"))
    browser.get(f"{live_server}/dons/import")
    check_page(browser, axe_source, "import")
    element(browser, "#file").send_keys(str(bad))
    element(browser, "#check").click()
    until(browser, lambda d: visible(d, "#line-errors"), "l'erreur de ligne")
    errors = element(browser, "#line-errors").text
    assert "Ligne 3" in errors and "frigo" in errors
    assert not visible(browser, "#confirm")
    check_page(browser, axe_source, "import-erreur")

    fixed = files / "inventaire-corrige.csv"
    fixed.write_bytes(BAD_LINE_CSV.replace("frigo", "écran").encode("cp1252"))
    element(browser, "#file").send_keys(str(fixed))
    element(browser, "#check").click()
    until(browser, lambda d: visible(d, "#confirm"), "le bouton de confirmation")
    assert "2 appareil(s) à déclarer" in element(browser, "#import-ok").text
    assert "numéro de série" in element(browser, "#dry-run").text
    check_page(browser, axe_source, "import-valide")
    element(browser, "#confirm").click()
    until(browser, lambda d: "nouveau=1" in d.current_url, "le don importé")
    assert "ThinkPad é" in browser.page_source and "2 appareil(s) déclaré(s)" in browser.page_source

    browser.get(f"{live_server}/dons")
    assert browser.page_source.count("déclaré : ") == 2
    check_page(browser, axe_source, "dons")


def test_a_form_posted_without_its_csrf_token_is_refused(live_server: str, browser: Any, world: World) -> None:
    browser.get(f"{live_server}/connexion")
    browser.delete_all_cookies()
    browser.get(f"{live_server}/connexion")
    browser.execute_script("document.querySelector('#login input[name=csrf]').remove();")
    element(browser, "#email").send_keys(world.donor.email)
    element(browser, "#password").send_keys(PASSWORD)
    element(browser, '#login button[type="submit"]').click()
    until(browser, lambda d: "Ce formulaire a expiré" in d.page_source, "le refus du formulaire")
    browser.get(f"{live_server}/dons")
    assert "/connexion" in browser.current_url  # no session was opened


async def test_another_organisation_gets_a_404_page(
    live_server: str, browser: Any, axe_source: str, api: Api, world: World
) -> None:
    donation = await api.declare(world.donor, [{"category": "laptop"}])
    for member in (world.other_donor, world.workshop):
        log_in(browser, live_server, member)
        browser.get(f"{live_server}/dons/{donation['id']}")
        until(browser, lambda d: "Erreur 404" in d.page_source, "la page 404")
        assert "n'existe pas, ou vous n'y avez pas accès" in browser.page_source
    check_page(browser, axe_source, "erreur-404")


async def test_a_deactivated_person_is_logged_out(live_server: str, browser: Any, world: World) -> None:
    log_in(browser, live_server, world.donor)
    browser.get(f"{live_server}/dons/nouveau")
    assert visible(browser, "#declare")
    await User.update({User.active: False}).where(User.id == world.donor.actor.user_id)
    browser.get(f"{live_server}/dons/nouveau")
    until(browser, lambda d: "/connexion" in d.current_url, "le retour à la connexion")
    assert "Votre session est terminée" in browser.page_source
    assert not any(c["name"] == "ordi_session" for c in browser.get_cookies())


async def test_the_workshop_association_and_operator_pages(
    live_server: str, browser: Any, axe_source: str, api: Api, world: World
) -> None:
    from selenium.webdriver.support.ui import Select

    ready = await api.ready_device(world)
    delivered = await api.delivered_device(world)
    waiting = await api.declare(world.donor, [{"category": "laptop"}], in_charge=None)
    body = {"donation_ids": [waiting["id"]], "postcode": "14000", "contact": {"name": "Accueil"}}
    assert (await api.client.post("/api/v1/pickups", json=body, headers=world.donor.headers)).status_code == 201

    log_in(browser, live_server, world.workshop)
    assert browser.current_url.endswith("/atelier")
    assert "prêt" in element(browser, "#stock-title").find_element("xpath", "..").text
    check_page(browser, axe_source, "atelier")
    browser.get(f"{live_server}/atelier/appareils?etat=ready")
    check_page(browser, axe_source, "atelier-appareils")
    browser.get(f"{live_server}/atelier/appareils/{ready}")
    until(browser, lambda d: visible(d, '#actions [data-action="recycle"]'), "les actions de l'appareil")
    check_page(browser, axe_source, "atelier-appareil")
    (at_bench_tag,) = await at_bench(api, world)
    browser.get(f"{live_server}/atelier/appareils/{at_bench_tag}")
    until(browser, lambda d: visible(d, '#actions [data-action="wipe"]'), "l'action d'effacement")
    element(browser, '#actions [data-action="wipe"]').click()
    until(browser, lambda d: visible(d, "#add-medium"), "le formulaire d'effacement")
    element(browser, "#add-medium").click()
    check_page(browser, axe_source, "effacement")
    browser.get(f"{live_server}/scan")
    until(browser, lambda d: d.switch_to.active_element.get_attribute("id") == "code", "le poste de scan")
    check_page(browser, axe_source, "scan")
    browser.get(f"{live_server}/d/{ready}")
    until(browser, lambda d: visible(d, '#actions [data-action="recycle"]'), "les actions sur la fiche")
    check_page(browser, axe_source, "fiche-appareil")
    browser.get(f"{live_server}/atelier/etiquettes")
    check_page(browser, axe_source, "etiquettes")
    element(browser, "#tags").send_keys(ready)
    element(browser, "#print").click()
    until(browser, lambda d: "/taches/" in d.current_url, "la page de la tâche")
    assert visible(browser, "progress")
    check_page(browser, axe_source, "tache")

    log_in(browser, live_server, world.association)
    assert browser.current_url.endswith("/demandes")
    browser.get(f"{live_server}/demandes/nouvelle")
    check_page(browser, axe_source, "demande-nouvelle")
    Select(element(browser, "#category-0")).select_by_value("laptop")
    element(browser, "#quantity-0").send_keys("2")
    element(browser, "#reason").send_keys("Ateliers numériques pour demandeurs d'emploi")
    element(browser, "#send-request").click()
    until(browser, lambda d: "envoyee=1" in d.current_url, "la liste des demandes")
    assert "en attente" in browser.page_source
    check_page(browser, axe_source, "demandes")
    browser.get(f"{live_server}/demandes/appareils/{delivered}")
    assert visible(browser, "#hand-over")
    check_page(browser, axe_source, "demande-appareil")

    log_in(browser, live_server, world.operator)
    assert browser.current_url.endswith("/admin")
    check_page(browser, axe_source, "admin")
    button = next(b for b in browser.find_elements("css selector", "button[id^=approve-]"))
    request_id = button.get_attribute("id").removeprefix("approve-")
    button.click()
    until(browser, lambda d: visible(d, f"#allocate-{request_id}"), "la demande approuvée")
    element(browser, f"#allocate-{request_id}").click()
    until(browser, lambda d: visible(d, "#confirm-allocation"), "la proposition d'attribution")
    check_page(browser, axe_source, "admin-attribution")
    browser.get(f"{live_server}/admin/organisations")
    check_page(browser, axe_source, "admin-organisations")
    browser.get(f"{live_server}/admin/organisations/{world.association.organisation_id}")
    check_page(browser, axe_source, "admin-organisation")
