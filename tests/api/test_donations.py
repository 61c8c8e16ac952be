"""Declaring donations, from JSON and from what French spreadsheet software saves."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.fixtures import World, wait_for

CSV_HEADERS = {"Content-Type": "text/csv"}


def _csv(headers: dict[str, str], member_headers: dict[str, str]) -> dict[str, str]:
    return {**member_headers, **headers}


async def test_json_donation_gives_each_device_a_tag(client: AsyncTestClient[Any], world: World) -> None:
    from ordi.domain import asset_tags

    response = await client.post(
        "/api/v1/donations",
        headers=world.donor.headers,
        json={
            "items": [{"category": "laptop", "serial_number": "abc-1"}, {"category": "monitor", "has_storage": False}]
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["reference"].startswith("DON-")
    tags = [d["asset_tag"] for d in body["devices"]]
    assert len(set(tags)) == 2 and all(asset_tags.is_valid(t) for t in tags)
    assert body["devices"][0]["serial_number"] == "ABC-1"
    assert body["devices"][1]["data_cleared"] is True  # nothing to wipe on a monitor


async def test_only_donors_declare(client: AsyncTestClient[Any], world: World) -> None:
    response = await client.post(
        "/api/v1/donations", headers=world.workshop.headers, json={"items": [{"category": "laptop"}]}
    )
    assert response.status_code == 403


async def test_csv_with_semicolons_bom_and_french_headers(client: AsyncTestClient[Any], world: World) -> None:
    text = (
        "\ufeffCatégorie;Marque;Modèle;N° de série;Stockage;Poids (kg)\r\n"
        "Ordinateur portable;Dell;Latitude 5490;SN1;oui;1,9\r\nÉcran;Dell;P2219H;SN2;non;4\r\n"
    )
    response = await client.post(
        "/api/v1/donations/import", content=text.encode(), headers=_csv(CSV_HEADERS, world.donor.headers)
    )
    assert response.status_code == 201, response.text
    devices = response.json()["devices"]
    assert [d["category"] for d in devices] == ["laptop", "monitor"]
    assert [d["has_storage"] for d in devices] == [True, False]


async def test_csv_with_commas(client: AsyncTestClient[Any], world: World) -> None:
    text = 'category,brand,model,serial_number\nlaptop,HP,ProBook,"X,1"\n'
    response = await client.post(
        "/api/v1/donations/import", content=text.encode(), headers=_csv(CSV_HEADERS, world.donor.headers)
    )
    assert response.status_code == 201, response.text
    assert response.json()["devices"][0]["serial_number"] == "X,1"


async def test_bad_rows_are_reported_by_line_and_column_and_nothing_is_written(
    client: AsyncTestClient[Any], world: World
) -> None:
    from ordi.devices.tables import Device
    from ordi.donations.tables import Donation

    text = "catégorie;modèle;poids\nportable;T480;2\nfrigo;X;1\nportable;T480;lourd\n"
    response = await client.post(
        "/api/v1/donations/import", content=text.encode(), headers=_csv(CSV_HEADERS, world.donor.headers)
    )
    assert response.status_code == 422
    problem = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "rien n'a été enregistré" in problem["detail"]
    assert [(e["line"], e["column"]) for e in problem["errors"]] == [(3, "catégorie"), (4, "poids")]
    assert "frigo" in problem["errors"][0]["message"]
    assert await Device.count() == 0 and await Donation.count() == 0


async def test_duplicate_serials_in_one_file_are_refused(client: AsyncTestClient[Any], world: World) -> None:
    text = "category;serial_number\nlaptop;A1\nlaptop;a1\n"
    response = await client.post(
        "/api/v1/donations/import", content=text.encode(), headers=_csv(CSV_HEADERS, world.donor.headers)
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["line"] == 3


async def test_a_file_neither_utf8_nor_windows_1252_is_refused_clearly(
    client: AsyncTestClient[Any], world: World
) -> None:
    accepted = await client.post(
        "/api/v1/donations/import",
        content="catégorie\nportable\n".encode("cp1252"),
        headers=_csv(CSV_HEADERS, world.donor.headers),
    )
    assert accepted.status_code == 201, accepted.text
    response = await client.post(
        "/api/v1/donations/import",
        content="catégorie\nportable\x81\n".encode("latin-1"),  # 0x81: no character in Windows-1252
        headers=_csv(CSV_HEADERS, world.donor.headers),
    )
    assert response.status_code == 422
    assert "UTF-8" in response.json()["detail"] and "Windows-1252" in response.json()["detail"]


async def test_missing_category_column(client: AsyncTestClient[Any], world: World) -> None:
    response = await client.post(
        "/api/v1/donations/import", content=b"brand;model\nDell;X\n", headers=_csv(CSV_HEADERS, world.donor.headers)
    )
    assert response.status_code == 422
    assert "category" in response.json()["detail"]


async def test_ten_thousand_rows_import_in_one_request(client: AsyncTestClient[Any], world: World) -> None:
    from ordi.devices.tables import Device, DeviceEvent

    rows = "".join(f"portable;Lenovo;T480;SN{i:05d}\n" for i in range(10_000))
    response = await client.post(
        "/api/v1/donations/import",
        content=("categorie;marque;modele;serial\n" + rows).encode(),
        headers=_csv(CSV_HEADERS, world.donor.headers),
    )
    assert response.status_code == 201
    assert response.json()["device_count"] == 10_000
    assert await Device.count() == 10_000
    assert await DeviceEvent.count().where(DeviceEvent.action == "declare") == 10_000


async def test_background_import_reports_progress_and_result(client: AsyncTestClient[Any], world: World) -> None:
    rows = "".join(f"laptop;SN{i}\n" for i in range(300))
    response = await client.post(
        "/api/v1/donations/import?background=true",
        content=("category;serial\n" + rows).encode(),
        headers=_csv(CSV_HEADERS, world.donor.headers),
    )
    assert response.status_code == 202, response.text
    job_id = response.json()["id"]

    async def finished() -> bool:
        job = (await client.get(f"/api/v1/jobs/{job_id}", headers=world.donor.headers)).json()
        return job["status"] in ("succeeded", "failed")

    await wait_for(finished)
    job = (await client.get(f"/api/v1/jobs/{job_id}", headers=world.donor.headers)).json()
    assert job["status"] == "succeeded", job
    assert job["progress"] == {"done": 300, "total": 300}
    assert job["result"]["device_count"] == 300
    other = await client.get(f"/api/v1/jobs/{job_id}", headers=world.other_donor.headers)
    assert other.status_code == 404


async def test_background_import_of_a_bad_file_fails_with_the_reason(
    client: AsyncTestClient[Any], world: World
) -> None:
    response = await client.post(
        "/api/v1/donations/import?background=true",
        content=b"category\nfrigo\n",
        headers=_csv(CSV_HEADERS, world.donor.headers),
    )
    job_id = response.json()["id"]

    async def finished() -> bool:
        job = (await client.get(f"/api/v1/jobs/{job_id}", headers=world.donor.headers)).json()
        return job["status"] in ("succeeded", "failed")

    await wait_for(finished)
    job = (await client.get(f"/api/v1/jobs/{job_id}", headers=world.donor.headers)).json()
    assert job["status"] == "failed"
    assert "Import refusé" in job["error"]
    assert job["result"]["errors"][0]["line"] == 2
