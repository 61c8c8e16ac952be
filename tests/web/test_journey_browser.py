"""One device's whole journey through the pages only, in headless Chromium (issue 12's check).

The donor declares it in the form (with a pickup) and imports an `.xlsx`; the operator dispatches
the pickup; the workshop schedules and collects it, receives, wipes it with two media, refurbishes
it and prints its label sheet; the association asks for a laptop; the operator approves and
allocates; the workshop ships; the association confirms the delivery and hands it over; the
committee sees it in its figures. No API call sets anything up: each step is a person's click.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from litestar.testing import AsyncTestClient

from ordi.devices.tables import Device
from ordi.pickups.tables import Pickup
from tests.api.test_scan_station import browser, element, live_server, until, visible
from tests.fixtures import World
from tests.web.test_browser import axe_source, check_page, files, log_in

__all__ = ["axe_source", "browser", "files", "live_server"]  # fixtures, imported for pytest


def _select(driver: Any, css: str, value: str) -> None:
    from selenium.webdriver.support.ui import Select

    Select(element(driver, css)).select_by_value(value)


def _set(driver: Any, css: str, value: str) -> None:
    """A date input's value as ISO, whatever the browser's locale shows."""
    driver.execute_script("arguments[0].value = arguments[1];", element(driver, css), value)


def _act(driver: Any, action: str) -> None:
    until(driver, lambda d: visible(d, f'#actions [data-action="{action}"]'), f"l'action {action}")
    element(driver, f'#actions [data-action="{action}"]').click()


def _saved(driver: Any, state_label: str) -> None:
    until(driver, lambda d: element(d, "#device-state").text == state_label, f"l'état « {state_label} »")


def _xlsx(folder: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Catégorie", "Marque", "Modèle", "Numéro de série"])
    sheet.append(["portable", "Dell", "Latitude 5490", "XL-1"])
    sheet.append(["écran", "Iiyama", "ProLite", "XL-2"])
    path = folder / "inventaire.xlsx"
    book.save(path)
    return path


async def test_a_device_from_the_donor_shelf_to_a_beneficiary_through_the_pages(
    live_server: str, browser: Any, axe_source: str, client: AsyncTestClient[Any], world: World, files: Path
) -> None:
    del client  # started for its worker: on PostgreSQL it runs the server's jobs (tests/api/test_scan_station)
    # the donor: one laptop in the form, with a pickup at the donor's address; then a spreadsheet
    log_in(browser, live_server, world.donor)
    browser.get(f"{live_server}/dons/nouveau")
    _select(browser, "#category-0", "laptop")
    element(browser, "#brand-0").send_keys("Lenovo")
    element(browser, "#serial-0").send_keys("JRN-001")
    element(browser, "#pickup_postcode").send_keys("76000")
    element(browser, "#declare").click()
    until(browser, lambda d: "nouveau=1" in d.current_url, "la page du don")
    element(browser, "#enlevement summary").click()  # the pickup form opens on request
    element(browser, "#p-contact").send_keys("Mme Martin")
    element(browser, "#p-phone").send_keys("02 35 00 00 00")
    element(browser, "#ask-pickup").click()
    until(browser, lambda d: d.find_elements("css selector", "#enlevement .notice"), "l'enlèvement demandé")
    check_page(browser, axe_source, "don-enlevement")
    device = await Device.select(Device.asset_tag).where(Device.serial_number == "JRN-001").first()
    tag = device["asset_tag"]
    pickup = await Pickup.select(Pickup.id).order_by(Pickup.id, ascending=False).first()
    assert pickup is not None

    browser.get(f"{live_server}/dons/import")
    element(browser, "#file").send_keys(str(_xlsx(files)))
    element(browser, "#check").click()
    try:
        until(browser, lambda d: visible(d, "#confirm") or d.find_elements("css selector", ".error"), "le contrôle")
    except AssertionError:
        raise AssertionError(browser.current_url + " " + element(browser, "main").text[:2000]) from None
    assert visible(browser, "#confirm"), element(browser, "main").text
    assert "2 appareil(s) à déclarer" in element(browser, "#import-ok").text
    element(browser, "#confirm").click()
    until(browser, lambda d: "nouveau=1" in d.current_url, "le don importé")
    assert "Latitude 5490" in browser.page_source

    # the operator hands the pickup to the Caen workshop
    log_in(browser, live_server, world.operator)
    _select(browser, f"#workshop-{pickup['id']}", str(world.workshop.organisation_id))
    element(browser, f"#workshop-{pickup['id']}").submit()
    until(browser, lambda d: not d.find_elements("css selector", f"#workshop-{pickup['id']}"), "l'enlèvement confié")

    # the workshop: schedule, collect, then the bench steps on the device's page
    log_in(browser, live_server, world.workshop)
    browser.get(f"{live_server}/atelier/enlevements/{pickup['id']}")
    check_page(browser, axe_source, "atelier-enlevement")
    _set(browser, "#date", date.today().isoformat())
    element(browser, "#schedule").click()
    until(browser, lambda d: visible(d, "#collect"), "l'enlèvement planifié")
    element(browser, "#handed_over_by").send_keys("Mme Martin, accueil")
    assert tag in element(browser, "#tags").get_attribute("value")
    element(browser, "#collect").click()
    until(browser, lambda d: "/bon" in d.page_source, "le bon d'enlèvement")

    browser.get(f"{live_server}/atelier/appareils/{tag}")
    _act(browser, "receive")
    _saved(browser, "réceptionné")
    _act(browser, "wipe")
    until(browser, lambda d: visible(d, "#f-level"), "le formulaire d'effacement")
    assert element(browser, "#f-level").get_attribute("value") == ""  # nothing pre-selected
    _select(browser, "#f-level", "purge")
    element(browser, "#f-tool").send_keys("nwipe")
    element(browser, "#add-medium").click()
    for i, (kind, serial) in enumerate((("ssd", "SSD-JRN-1"), ("hdd", "HDD-JRN-2"))):
        _select(browser, f"#f-m-kind-{i}", kind)
        element(browser, f"#f-m-serial-{i}").send_keys(serial)
        _select(browser, f"#f-m-result-{i}", "erased")
    element(browser, '#action-form button[type="submit"]').click()
    _saved(browser, "effacé")
    _act(browser, "refurbish")
    until(browser, lambda d: visible(d, "#f-labour_minutes"), "le formulaire de reconditionnement")
    assert element(browser, "#f-grade").get_attribute("value") == ""  # a grade is chosen, never assumed
    _select(browser, "#f-grade", "A")
    element(browser, "#f-labour_minutes").send_keys("45")
    element(browser, '#action-form button[type="submit"]').click()
    _saved(browser, "prêt")
    browser.refresh()
    until(browser, lambda d: d.find_elements("css selector", 'a[href^="/certificats/"]'), "le certificat")

    browser.get(f"{live_server}/atelier/etiquettes")
    element(browser, "#tags").send_keys(tag)
    element(browser, "#print").click()
    until(browser, lambda d: "/taches/" in d.current_url, "la page de la tâche")
    until(browser, lambda d: visible(d, "[data-job-link]"), "la planche prête à télécharger")

    # the association asks; the operator approves and allocates
    log_in(browser, live_server, world.association)
    browser.get(f"{live_server}/demandes/nouvelle")
    _select(browser, "#category-0", "laptop")
    element(browser, "#quantity-0").send_keys("1")
    element(browser, "#reason").send_keys("Atelier numérique pour demandeurs d'emploi")
    element(browser, "#send-request").click()
    until(browser, lambda d: "envoyee=1" in d.current_url, "la demande envoyée")

    log_in(browser, live_server, world.operator)
    approve = element(browser, "button[id^=approve-]")
    request_id = approve.get_attribute("id").removeprefix("approve-")
    approve.click()
    until(browser, lambda d: visible(d, f"#allocate-{request_id}"), "la demande approuvée")
    element(browser, f"#allocate-{request_id}").click()
    until(browser, lambda d: visible(d, "#confirm-allocation"), "la proposition")
    assert tag in browser.page_source  # the proposed device is shown before confirming
    element(browser, "#confirm-allocation").click()
    until(browser, lambda d: visible(d, "#allocated"), "l'attribution faite")

    # the workshop ships; the association confirms the delivery and hands it over
    log_in(browser, live_server, world.workshop)
    browser.get(f"{live_server}/atelier/appareils/{tag}")
    _act(browser, "ship")
    _saved(browser, "expédié")

    log_in(browser, live_server, world.association)
    browser.get(f"{live_server}/demandes/appareils/{tag}")
    element(browser, "#deliver").click()
    until(browser, lambda d: visible(d, "#hand-over"), "le formulaire de remise")
    assert element(browser, "#category").get_attribute("value") == ""  # nothing pre-selected
    _select(browser, "#category", "job_seeker")
    _select(browser, "#age_band", "26_45")
    element(browser, "#departement").send_keys("76")
    element(browser, "#hand-over").click()
    until(browser, lambda d: "fait=hand_over" in d.current_url, "la remise enregistrée")
    assert element(browser, "#device-state").text == "remis au bénéficiaire"
    assert (await Device.select(Device.state).where(Device.asset_tag == tag).first())["state"] == "handed_over"

    # the committee sees the hand-over in its figures
    log_in(browser, live_server, world.committee)
    assert browser.current_url.endswith("/comite")
    assert "Atelier Caen" in browser.page_source  # its row in the table by workshop
    check_page(browser, axe_source, "comite-parcours")
