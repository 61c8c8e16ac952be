"""The donor's upload page takes a workbook's bytes (a zip holds NUL bytes by nature): the guard
that refuses NULs elsewhere lets this page's multipart body through, and the page itself refuses a
NUL in a text file."""

from __future__ import annotations

import io
from typing import Any

from litestar.testing import AsyncTestClient
from openpyxl import Workbook

from tests.fixtures import World
from tests.web.helpers import form_token, log_in

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["Catégorie", "Marque", "Modèle", "Numéro de série"])
    sheet.append(["portable", "Dell", "Latitude 5490", "XL-1"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_an_xlsx_workbook_is_read_by_the_upload_page(client: AsyncTestClient[Any], world: World) -> None:
    await log_in(client, world.donor)
    token = await form_token(client, "/dons/import")
    raw = _workbook()
    assert b"\x00" in raw
    checked = await client.post("/dons/import", data={"csrf": token}, files={"file": ("inv.xlsx", raw, XLSX)})
    assert checked.status_code == 200, checked.text
    assert 'id="confirm"' in checked.text and "1 appareil(s) à déclarer" in checked.text
    client.cookies.clear()


async def test_a_text_file_with_a_nul_is_refused_by_the_upload_page(client: AsyncTestClient[Any], world: World) -> None:
    await log_in(client, world.donor)
    token = await form_token(client, "/dons/import")
    bad = "catégorie;marque\nportable;Dell\x00\n".encode()
    checked = await client.post("/dons/import", data={"csrf": token}, files={"file": ("inv.csv", bad, "text/csv")})
    assert checked.status_code == 422
    assert 'id="confirm"' not in checked.text
    client.cookies.clear()
