"""Spreadsheets as people save them (issue 9): Windows-1252 CSV from French Excel, .xlsx, .ods,
multipart uploads, header aliases, serials kept as text, dry runs and serial numbers in service."""

from __future__ import annotations

import io
import zipfile
from typing import Any
from xml.sax.saxutils import escape

from litestar.testing import AsyncTestClient

from tests.fixtures import World

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
IMPORT = "/api/v1/donations/import"


def excel_csv(rows: list[list[str]]) -> bytes:
    """What French Excel writes as « CSV (séparateur : point-virgule) »: Windows-1252, `;`, CRLF."""
    return "".join(";".join(row) + "\r\n" for row in rows).encode("cp1252")


def xlsx(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ods(rows: list[list[Any]]) -> bytes:
    """An OpenDocument spreadsheet built from its specification (ODF 1.2): mimetype, manifest, content."""

    def cell(value: Any) -> str:
        if isinstance(value, int | float):
            kind = f'office:value-type="float" office:value="{value}"'
            return f"<table:table-cell {kind}><text:p>{value}</text:p></table:table-cell>"
        return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'

    body = "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Dons">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODS}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), ODS, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return out.getvalue()


def headers(world: World, media_type: str) -> dict[str, str]:
    return {**world.donor.headers, "Content-Type": media_type}


async def test_a_windows_1252_file_saved_by_french_excel(client: AsyncTestClient[Any], world: World) -> None:
    raw = excel_csv(
        [
            ["Catégorie", "Fabricant", "Modèle", "N° de série", "Poids (kg)", "Remarque"],
            ["Écran", "Dell", "P2219H", "000123", "4,5", "rayé côté gauche"],
            ["Ordinateur portable", "Lenovo", "ThinkPad T480 – blanc", "PF1ÉABC", "1,9", ""],
        ]
    )
    assert b"\xe9" in raw and b"\r\n" in raw  # é in Windows-1252, CRLF: not UTF-8
    response = await client.post(IMPORT, content=raw, headers=headers(world, "text/csv"))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["format"] == "csv"
    assert body["columns"] == {
        "Catégorie": "category",
        "Fabricant": "brand",
        "Modèle": "model",
        "N° de série": "serial_number",
        "Poids (kg)": "weight_kg",
    }
    assert body["unknown_columns"] == ["Remarque"]
    devices = body["devices"]
    assert [d["category"] for d in devices] == ["monitor", "laptop"]
    assert [d["serial_number"] for d in devices] == ["000123", "PF1ÉABC"]
    assert devices[1]["model"] == "ThinkPad T480 – blanc"


async def test_tab_separated_utf8_with_english_aliases(client: AsyncTestClient[Any], world: World) -> None:
    raw = "\ufeffTYPE\tManufacturer\tS/N\tnuméro  de  série?\nlaptop\tHP\t0042\tx\n".encode()
    response = await client.post(IMPORT, content=raw, headers=headers(world, "text/csv"))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["columns"] == {"TYPE": "category", "Manufacturer": "brand", "S/N": "serial_number"}
    assert body["unknown_columns"] == ["numéro  de  série?"]
    assert body["devices"][0]["serial_number"] == "0042"


async def test_an_xlsx_workbook_keeps_serials_as_text(client: AsyncTestClient[Any], world: World) -> None:
    raw = xlsx(
        [
            ["Numéro de série", "Marque", "Type", "Modèle", "Couleur"],
            ["000123", "Dell", "portable", "Latitude 5490", "noir"],
            [123.0, "Dell", "écran", "P2219H", None],
            [4567, "HP", "PC fixe", 800, None],
        ]
    )
    response = await client.post(IMPORT, content=raw, headers=headers(world, XLSX))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["format"] == "xlsx"
    assert body["unknown_columns"] == ["Couleur"]
    assert [d["serial_number"] for d in body["devices"]] == ["000123", "123", "4567"]
    assert [d["category"] for d in body["devices"]] == ["laptop", "monitor", "desktop"]
    assert body["devices"][2]["model"] == "800"


async def test_an_ods_workbook(client: AsyncTestClient[Any], world: World) -> None:
    raw = ods([["catégorie", "marque", "n° de série"], ["tablette", "Apple", "000777"], ["imprimante", "HP", 12.0]])
    response = await client.post(IMPORT, content=raw, headers=headers(world, ODS))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["format"] == "ods"
    assert [(d["category"], d["serial_number"]) for d in body["devices"]] == [("tablet", "000777"), ("printer", "12")]


async def test_a_bad_workbook_row_is_reported_by_its_line_and_nothing_is_written(
    client: AsyncTestClient[Any], world: World
) -> None:
    from ordi.devices.tables import Device

    raw = xlsx([["Catégorie", "N° de série"], ["portable", "A1"], ["frigo", "A2"], ["portable", "a1"]])
    response = await client.post(IMPORT, content=raw, headers=headers(world, XLSX))
    assert response.status_code == 422, response.text
    assert [(e["line"], e["column"]) for e in response.json()["errors"]] == [(3, "Catégorie"), (4, "N° de série")]
    assert await Device.count() == 0


async def test_multipart_upload_of_each_format(client: AsyncTestClient[Any], world: World) -> None:
    files = [
        ("dons.csv", excel_csv([["Catégorie", "Marque"], ["Écran", "Iiyama"]]), "text/csv"),
        ("dons.xlsx", xlsx([["Catégorie", "Marque"], ["portable", "Dell"]]), "application/octet-stream"),
        ("dons.ods", ods([["Catégorie", "Marque"], ["tablette", "Apple"]]), ODS),
    ]
    for name, raw, media_type in files:
        response = await client.post(
            IMPORT + "?pickup_postcode=76000",
            files={"file": (name, raw, media_type)},
            headers=world.donor.headers,
        )
        assert response.status_code == 201, (name, response.text)
        assert response.json()["device_count"] == 1
        assert response.json()["pickup_postcode"] == "76000"
    missing = await client.post(IMPORT, files={"other": ("x.csv", b"category\nlaptop\n")}, headers=world.donor.headers)
    assert missing.status_code == 422


async def test_other_media_types_are_refused(client: AsyncTestClient[Any], world: World) -> None:
    response = await client.post(IMPORT, content=b"{}", headers=headers(world, "application/json"))
    assert response.status_code == 415
    broken = await client.post(IMPORT, content=b"PK\x03\x04garbage", headers=headers(world, XLSX))
    assert broken.status_code == 422
    assert "Classeur illisible" in broken.json()["detail"]


async def test_dry_run_reports_everything_and_writes_nothing(client: AsyncTestClient[Any], world: World) -> None:
    from ordi.devices.tables import Device
    from ordi.donations.tables import Donation

    await client.post(
        "/api/v1/donations",
        headers=world.donor.headers,
        json={"items": [{"category": "laptop", "brand": "Dell", "serial_number": "IN-STOCK-1"}]},
    )
    before = await Device.count(), await Donation.count()
    raw = excel_csv(
        [
            ["Catégorie", "Marque", "N° de série", "Commentaire"],
            ["portable", "dell", "in-stock-1", ""],
            ["frigo", "Dell", "X2", ""],
            ["portable", "HP", "X3", ""],
            ["", "", "", ""],
        ]
    )
    response = await client.post(IMPORT + "?dry_run=true", content=raw, headers=headers(world, "text/csv"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["rows"] == 3 and body["valid"] is False and body["error_count"] == 2
    assert body["columns"]["N° de série"] == "serial_number"
    assert body["unknown_columns"] == ["Commentaire"]
    assert [(e["line"], e["column"], e["key"]) for e in body["errors"]] == [
        (2, "N° de série", "cell_serial_in_service"),
        (3, "Catégorie", "cell_category"),
    ]
    assert "IN-STOCK-1" in body["errors"][0]["message"]
    good = await client.post(
        IMPORT + "?dry_run=true", content=excel_csv([["Catégorie"], ["portable"]]), headers=headers(world, "text/csv")
    )
    assert good.status_code == 200 and good.json()["valid"] is True and good.json()["errors"] == []
    assert (await Device.count(), await Donation.count()) == before


async def test_a_serial_in_service_is_a_line_error_unless_a_confirmed_return(
    client: AsyncTestClient[Any], world: World
) -> None:
    from ordi.devices.tables import Device

    first = await client.post(
        "/api/v1/donations",
        headers=world.donor.headers,
        json={"items": [{"category": "laptop", "brand": "Lenovo ", "serial_number": "PF1ABC23"}]},
    )
    assert first.status_code == 201
    count = await Device.count()

    # Another donor, same serial and brand (case and spaces aside): refused, line and column named.
    raw = "Catégorie;Marque;N° de série\nportable;LENOVO;pf1abc23\nportable;Dell;PF1ABC23\n".encode()
    other = await client.post(IMPORT, content=raw, headers={**world.other_donor.headers, "Content-Type": "text/csv"})
    assert other.status_code == 422, other.text
    errors = other.json()["errors"]
    assert [(e["line"], e["column"]) for e in errors] == [(2, "N° de série")]  # a Dell with that serial is another
    assert "PF1ABC23" in errors[0]["message"] and "Lenovo" not in errors[0]["message"]
    assert await Device.count() == count

    # The JSON declaration: the same check, by position in `items`.
    again = await client.post(
        "/api/v1/donations",
        headers=world.donor.headers,
        json={
            "items": [{"category": "monitor"}, {"category": "laptop", "brand": "lenovo", "serial_number": "pf1abc23"}]
        },
    )
    assert again.status_code == 422
    assert [(e["line"], e["column"]) for e in again.json()["errors"]] == [(2, "serial_number")]

    # A confirmed return passes: per row (column `retour`), or per item in JSON (`is_return`).
    back = "Catégorie;Marque;N° de série;Retour\nportable;Lenovo;PF1ABC23;oui\n".encode()
    returned = await client.post(IMPORT, content=back, headers=headers(world, "text/csv"))
    assert returned.status_code == 201, returned.text
    returned_json = await client.post(
        "/api/v1/donations",
        headers=world.donor.headers,
        json={"items": [{"category": "laptop", "brand": "Lenovo", "serial_number": "PF1ABC23", "is_return": True}]},
    )
    assert returned_json.status_code == 201, returned_json.text

    # A recycled or lost device is no longer in service: its serial may come again.
    await Device.update({Device.state: "recycled"}).where(Device.serial_number == "PF1ABC23")
    fresh = await client.post(IMPORT, content=raw, headers={**world.other_donor.headers, "Content-Type": "text/csv"})
    assert fresh.status_code == 201, fresh.text


async def test_background_import_of_a_workbook_reports_its_lines(client: AsyncTestClient[Any], world: World) -> None:
    from tests.fixtures import wait_for

    raw = xlsx([[None], ["Catégorie", "N° de série"], ["portable", "007"], ["frigo", "008"]])
    response = await client.post(IMPORT + "?background=true", content=raw, headers=headers(world, XLSX))
    assert response.status_code == 202, response.text
    job_id = response.json()["id"]

    async def finished() -> bool:
        job = (await client.get(f"/api/v1/jobs/{job_id}", headers=world.donor.headers)).json()
        return job["status"] in ("succeeded", "failed")

    await wait_for(finished)
    job = (await client.get(f"/api/v1/jobs/{job_id}", headers=world.donor.headers)).json()
    assert job["status"] == "failed", job
    assert "4" in str(job), job  # the workbook's line of the bad row


def test_reading_rules() -> None:
    from ordi.donations import spreadsheet

    assert spreadsheet.decode("é".encode("cp1252")) == "é"
    assert spreadsheet.decode("\ufeffé".encode()) == "é"
    for alias in ("N° de série", "numero de serie", "NUMÉRO DE SÉRIE", "S/N", "serial_number", "N°  de   Série"):
        assert spreadsheet._column(alias) == "serial_number", alias
    for alias, target in (("Marque", "brand"), ("FABRICANT", "brand"), ("Modèle", "model"), ("Type", "category")):
        assert spreadsheet._column(alias) == target
    assert spreadsheet._cell_text(123.0) == "123" and spreadsheet._cell_text(1.5) == "1.5"
