"""Device specs through the API (issue 9, item 7): declared in JSON or in a spreadsheet, confirmed at
refurbishment, asked as a minimum by an association and honoured by allocation; `has_storage`
defaults by category."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.donations.test_spreadsheet_formats import IMPORT, XLSX, excel_csv, headers, xlsx
from tests.fixtures import REFURBISH, WIPE_OK, Api, World

LAPTOP_SPECS = {
    "cpu": "Intel Core i5-8250U",
    "ram_gb": 8,
    "storage_gb": 256,
    "storage_kind": "ssd",
    "screen_inches": 14,
    "year": 2019,
    "os_licence": "windows",
}
NO_SPECS = {
    "cpu": None,
    "ram_gb": None,
    "storage_gb": None,
    "storage_kind": None,
    "screen_inches": None,
    "year": None,
    "os_licence": None,
    "confirmed": False,
}


async def _declare(client: AsyncTestClient[Any], world: World, items: list[dict[str, Any]]) -> Any:
    return await client.post("/api/v1/donations", json={"items": items}, headers=world.donor.headers)


# --------------------------------------------------------------------------- the JSON declaration


async def test_a_donor_declares_specs_and_they_show_on_the_device(api: Api, world: World) -> None:
    donation = await api.declare(
        world.donor,
        [{"category": "laptop", "brand": "Lenovo", "specs": LAPTOP_SPECS}, {"category": "laptop"}],
    )
    first, second = donation["devices"]
    assert first["specs"] == {**LAPTOP_SPECS, "confirmed": False}
    assert second["specs"] == NO_SPECS
    assert (await api.device(world.donor, first["asset_tag"]))["specs"]["ram_gb"] == 8
    listed = await api.client.get(f"/api/v1/devices?donation={donation['id']}", headers=world.workshop.headers)
    assert [d["specs"]["storage_kind"] for d in listed.json()["items"]] == ["ssd", None]


async def test_bad_specs_in_json_are_line_errors_and_nothing_is_written(
    client: AsyncTestClient[Any], world: World
) -> None:
    items = [
        {"category": "laptop", "specs": {"ram_gb": 8}},
        {"category": "laptop", "specs": {"year": 2090}},
        {"category": "laptop", "specs": {"storage_kind": "none", "storage_gb": 128}},
    ]
    response = await _declare(client, world, items)
    assert response.status_code == 422, response.text
    body = response.json()
    assert [(e["line"], e["column"], e["key"]) for e in body["errors"]] == [
        (2, "specs.year", "spec_year"),
        (3, "specs.storage_gb", "spec_storage_none"),
    ]
    assert "année" in body["errors"][0]["message"]
    listed = await client.get("/api/v1/donations", headers=world.donor.headers)
    assert listed.json()["items"] == []


async def test_specs_outside_the_contract_are_400(client: AsyncTestClient[Any], world: World) -> None:
    for bad in ({"ram_gb": 0}, {"ram_gb": 99999}, {"storage_kind": "floppy"}, {"gpu": "RTX"}, {"cpu": "x" * 201}):
        response = await _declare(client, world, [{"category": "laptop", "specs": bad}])
        assert response.status_code == 400, (bad, response.text)
        assert response.json()["detail"]


async def test_has_storage_defaults_by_category_in_json(api: Api, world: World) -> None:
    donation = await api.declare(
        world.donor,
        [
            {"category": "monitor"},
            {"category": "laptop"},
            {"category": "monitor", "has_storage": True},  # a monitor with a disk: the donor says so
            {"category": "laptop", "has_storage": False},  # the disk was taken out
        ],
    )
    devices = donation["devices"]
    assert [d["has_storage"] for d in devices] == [False, True, True, False]
    assert [d["data_cleared"] for d in devices] == [True, False, False, True]
    monitor, laptop = devices[0]["asset_tag"], devices[1]["asset_tag"]
    for tag in (monitor, laptop):
        await api.act(world.workshop, tag, {"action": "collect"})
        await api.act(world.workshop, tag, {"action": "receive"})
    await api.act(world.workshop, monitor, REFURBISH)  # no storage: no wipe needed
    refused = await api.act(world.workshop, laptop, REFURBISH, expected=409)
    assert refused["code"] == "wipe_required"


# --------------------------------------------------------------------------- spreadsheets


SPEC_HEADER = [
    "Catégorie",
    "Marque",
    "N° de série",
    "Processeur",
    "RAM (Go)",
    "Disque (Go)",
    "Type de disque",
    "Écran (pouces)",
    "Année",
    "Licence",
]


async def test_a_windows_1252_csv_with_spec_columns(client: AsyncTestClient[Any], world: World) -> None:
    raw = excel_csv(
        [
            SPEC_HEADER,
            ["Portable", "Dell", "SP-001", "Intel Core i5-8350U", "8 Go", "256", "SSD", "14", "2019", "Windows 10 Pro"],
            ["Écran", "Dell", "SP-002", "", "", "", "", "23,8", "2018", ""],
            ["PC fixe", "HP", "SP-003", "", "4", "1 To", "disque dur", "", "", "aucune"],
        ]
    )
    response = await client.post(IMPORT, content=raw, headers=headers(world, "text/csv"))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["columns"]["RAM (Go)"] == "ram_gb" and body["columns"]["Type de disque"] == "storage_kind"
    assert body["columns"]["Écran (pouces)"] == "screen_inches" and body["columns"]["Licence"] == "os_licence"
    laptop, monitor, desktop = (d["specs"] for d in body["devices"])
    assert laptop == {
        "cpu": "Intel Core i5-8350U",
        "ram_gb": 8,
        "storage_gb": 256,
        "storage_kind": "ssd",
        "screen_inches": 14,
        "year": 2019,
        "os_licence": "windows",
        "confirmed": False,
    }
    assert monitor == {**NO_SPECS, "screen_inches": 23.8, "year": 2018}
    assert (desktop["ram_gb"], desktop["storage_gb"], desktop["storage_kind"], desktop["os_licence"]) == (
        4,
        1000,
        "hdd",
        "none",
    )
    # No storage column: each category's usual answer.
    assert [d["has_storage"] for d in body["devices"]] == [True, False, True]


async def test_an_xlsx_with_english_spec_headers(client: AsyncTestClient[Any], world: World) -> None:
    raw = xlsx(
        [
            ["Type", "S/N", "CPU", "Memory", "Storage (GB)", "SSD", "Screen size", "Year", "OS", "has_storage"],
            ["laptop", "X-001", "AMD Ryzen 5 3500U", 16, 512, "oui", 15.6, 2020, "Ubuntu 22.04", ""],
            ["monitor", "X-002", None, None, None, None, 27, 2021, None, None],
            ["monitor", "X-003", None, None, None, None, None, None, None, "oui"],
        ]
    )
    response = await client.post(IMPORT, content=raw, headers=headers(world, XLSX))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["format"] == "xlsx"
    assert body["columns"]["SSD"] == "storage_kind" and body["columns"]["Memory"] == "ram_gb"
    laptop = body["devices"][0]["specs"]
    assert (laptop["ram_gb"], laptop["storage_gb"], laptop["storage_kind"]) == (16, 512, "ssd")
    assert (laptop["screen_inches"], laptop["year"], laptop["os_licence"]) == (15.6, 2020, "linux")
    assert body["devices"][1]["specs"]["screen_inches"] == 27
    # An empty storage cell takes the category's answer; an explicit one wins.
    assert [d["has_storage"] for d in body["devices"]] == [True, False, True]


async def test_a_bad_ram_value_is_a_line_error_shown_by_the_dry_run(client: AsyncTestClient[Any], world: World) -> None:
    raw = excel_csv(
        [
            ["Catégorie", "N° de série", "Mémoire", "Type de disque", "Année"],
            ["portable", "BAD-1", "beaucoup", "SSD", "2019"],
            ["portable", "BAD-2", "9999", "disquette", "2019"],
            ["portable", "OK-3", "8", "nvme", "3019"],
            ["portable", "OK-4", "8", "nvme", "2019"],
        ]
    )
    dry = await client.post(IMPORT + "?dry_run=true", content=raw, headers=headers(world, "text/csv"))
    assert dry.status_code == 200, dry.text
    body = dry.json()
    assert body["valid"] is False and body["rows"] == 4
    assert [(e["line"], e["column"], e["key"]) for e in body["errors"]] == [
        (2, "Mémoire", "cell_number"),
        (3, "Mémoire", "spec_ram_gb"),
        (3, "Type de disque", "spec_storage_kind"),
        (4, "Année", "spec_year"),
    ]
    assert body["errors"][0]["message"] == "nombre attendu, reçu « beaucoup »"
    assert "« 9999 »" in body["errors"][1]["message"] and "mémoire vive" in body["errors"][1]["message"]
    english = await client.post(
        IMPORT + "?dry_run=true", content=raw, headers={**headers(world, "text/csv"), "Accept-Language": "en"}
    )
    assert english.json()["errors"][1]["message"].startswith("RAM:")

    refused = await client.post(IMPORT, content=raw, headers=headers(world, "text/csv"))
    assert refused.status_code == 422
    assert [e["line"] for e in refused.json()["errors"]] == [2, 3, 3, 4]
    assert (await client.get("/api/v1/donations", headers=world.donor.headers)).json()["items"] == []


# --------------------------------------------------------------------------- refurbishment


async def test_refurbishment_confirms_or_corrects_the_specs(api: Api, world: World) -> None:
    declared = {"cpu": "Intel Core i5", "ram_gb": 4, "storage_gb": 500, "storage_kind": "hdd", "year": 2017}
    donation = await api.declare(world.donor, [{"category": "laptop", "specs": declared}, {"category": "laptop"}])
    corrected_tag, confirmed_tag = (d["asset_tag"] for d in donation["devices"])
    for tag in (corrected_tag, confirmed_tag):
        for body in ({"action": "collect"}, {"action": "receive"}, WIPE_OK):
            await api.act(world.workshop, tag, body)

    given = {"ram_gb": 8, "storage_gb": 256, "storage_kind": "ssd", "os_licence": "linux"}
    result = await api.act(world.workshop, corrected_tag, {**REFURBISH, "specs": given})
    assert result["device"]["specs"] == {
        "cpu": "Intel Core i5",  # kept: the workshop did not correct it
        "ram_gb": 8,
        "storage_gb": 256,
        "storage_kind": "ssd",
        "screen_inches": None,
        "year": 2017,
        "os_licence": "linux",
        "confirmed": True,
    }
    assert result["event"]["payload"]["specs"] == given  # the history keeps what was given
    history = await api.client.get(f"/api/v1/devices/{corrected_tag}/events", headers=world.donor.headers)
    declare_entry = history.json()["items"][0]
    assert declare_entry["action"] == "declare"
    assert history.json()["items"][-1]["payload"]["specs"] == given
    assert (await api.device(world.donor, corrected_tag))["specs"]["confirmed"] is True

    # An empty object confirms what was declared (here nothing); no `specs` leaves them unconfirmed.
    confirmed = await api.act(world.workshop, confirmed_tag, {**REFURBISH, "specs": {}})
    assert confirmed["device"]["specs"] == {**NO_SPECS, "confirmed": True}
    plain = await api.ready_device(world)
    assert (await api.device(world.workshop, plain))["specs"]["confirmed"] is False


async def test_bad_specs_at_refurbishment_change_nothing(api: Api, world: World) -> None:
    donation = await api.declare(world.donor, [{"category": "laptop", "specs": {"ram_gb": 4}}])
    tag = donation["devices"][0]["asset_tag"]
    for body in ({"action": "collect"}, {"action": "receive"}, WIPE_OK):
        await api.act(world.workshop, tag, body)
    refused = await api.act(world.workshop, tag, {**REFURBISH, "specs": {"year": 2099}}, expected=422)
    assert refused["code"] == "spec_year" and "année" in refused["detail"]
    refused = await api.act(world.workshop, tag, {**REFURBISH, "specs": {"ram_gb": "huit"}}, expected=400)
    device = await api.device(world.workshop, tag)
    assert device["state"] == "wiped" and device["specs"]["ram_gb"] == 4 and device["specs"]["confirmed"] is False


# --------------------------------------------------------------------------- requests with minimum specs


async def _ready_with(api: Api, world: World, specs: dict[str, Any] | None, category: str = "laptop") -> str:
    item: dict[str, Any] = {"category": category}
    if specs is not None:
        item["specs"] = specs
    tag = str((await api.declare(world.donor, [item]))["devices"][0]["asset_tag"])
    for body in ({"action": "collect"}, {"action": "receive"}, WIPE_OK, REFURBISH):
        await api.act(world.workshop, tag, body)
    return tag


async def test_allocation_honours_the_minimum_specs(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    small = await _ready_with(api, world, {"ram_gb": 4, "storage_kind": "ssd"})
    unknown = await _ready_with(api, world, None)  # nobody said: meets no minimum
    spinning = await _ready_with(api, world, {"ram_gb": 16, "storage_kind": "hdd"})
    good = await _ready_with(api, world, {"ram_gb": 8, "storage_kind": "nvme"})
    better = await _ready_with(api, world, {"ram_gb": 16, "storage_kind": "ssd"})
    minimum = {"ram_gb": 8, "storage_kind": ["ssd", "nvme"]}
    asked = await client.post(
        "/api/v1/requests",
        headers=world.association.headers,
        json={
            "items": [
                {"category": "laptop", "quantity": 3, "min_specs": minimum},
                {"category": "laptop", "quantity": 1},
            ],
            "reason": "Visioconférences pour la recherche d'emploi",
        },
    )
    assert asked.status_code == 201, asked.text
    request = asked.json()
    assert request["items"][0]["min_specs"] == minimum and request["items"][1]["min_specs"] is None
    rid = request["id"]
    await client.post(f"/api/v1/requests/{rid}/approve", headers=world.operator.headers)
    result = (await client.post(f"/api/v1/requests/{rid}/allocate", headers=world.operator.headers)).json()
    # The first line takes only the devices meeting its minimum (oldest first), one short; the
    # second line, with none, takes the oldest remaining laptop.
    assert result["reserved"] == [good, better, small]
    assert result["shortfall"] == {"laptop": 1}
    assert [i["allocated"] for i in result["request"]["items"]] == [2, 1]
    for tag in (unknown, spinning):
        assert (await api.device(world.workshop, tag))["state"] == "ready"
    shown = await client.get(f"/api/v1/requests/{rid}", headers=world.association.headers)
    assert shown.json()["items"][0]["min_specs"] == minimum


async def test_a_bad_minimum_is_refused(client: AsyncTestClient[Any], world: World) -> None:
    async def ask(min_specs: Any) -> Any:
        return await client.post(
            "/api/v1/requests",
            headers=world.association.headers,
            json={"items": [{"category": "laptop", "quantity": 1, "min_specs": min_specs}], "reason": "Emploi"},
        )

    for bad in ({"ram_gb": 0}, {"storage_kind": []}, {"storage_kind": ["tape"]}, {"cpu": "i7"}):
        assert (await ask(bad)).status_code == 400, bad
    too_new = await ask({"year": 2099})
    assert too_new.status_code == 422 and too_new.json()["code"] == "spec_year"
    assert (await client.get("/api/v1/requests", headers=world.association.headers)).json()["items"] == []


async def test_a_background_import_keeps_the_specs(client: AsyncTestClient[Any], world: World) -> None:
    from tests.fixtures import wait_for

    raw = xlsx(
        [
            ["Type", "RAM (Go)", "Type de disque", "Écran (pouces)"],
            ["portable", 8, "nvme", 13.3],
            ["écran", None, None, 24],
        ]
    )
    response = await client.post(IMPORT + "?background=true", content=raw, headers=headers(world, XLSX))
    assert response.status_code == 202, response.text
    job_id = response.json()["id"]

    async def finished() -> bool:
        job = (await client.get(f"/api/v1/jobs/{job_id}", headers=world.donor.headers)).json()
        return job["status"] in ("succeeded", "failed")

    await wait_for(finished)
    job = (await client.get(f"/api/v1/jobs/{job_id}", headers=world.donor.headers)).json()
    assert job["status"] == "succeeded", job
    listed = await client.get(f"/api/v1/devices?donation={job['result']['donation_id']}", headers=world.donor.headers)
    laptop, monitor = listed.json()["items"]
    assert (laptop["specs"]["ram_gb"], laptop["specs"]["storage_kind"], laptop["specs"]["screen_inches"]) == (
        8,
        "nvme",
        13.3,
    )
    assert (monitor["has_storage"], monitor["specs"]["screen_inches"]) == (False, 24)
