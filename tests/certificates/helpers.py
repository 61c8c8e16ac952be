"""Helpers for the proof-document API tests: a workshop with a SIRET, devices at the wipe bench."""

from __future__ import annotations

import io
from typing import Any

import pypdfium2 as pdfium
import zxingcpp
from pypdf import PdfReader

from tests.fixtures import Api, Member, World

WORKSHOP_SIRET = "73282932000074"


async def give_siret(member: Member, siret: str = WORKSHOP_SIRET) -> None:
    from ordi.organisations.tables import Organisation

    await Organisation.update({Organisation.siret: siret}).where(Organisation.id == member.organisation_id)


async def at_bench(api: Api, world: World, n: int = 1, workshop: Member | None = None, **item: Any) -> list[str]:
    """`n` devices of one donation of `world.donor`, collected and received by the workshop."""
    workshop = workshop or world.workshop
    items = [
        {"category": "laptop", "brand": "Dell", "model": "Latitude 5490", "serial_number": f"SN-{i:04d}", **item}
        for i in range(n)
    ]
    donation = await api.declare(world.donor, items)
    tags = [d["asset_tag"] for d in donation["devices"]]
    for tag in tags:
        await api.act(workshop, tag, {"action": "collect"})
        await api.act(workshop, tag, {"action": "receive"})
    return tags


async def certificates_of(api: Api, member: Member, tag: str) -> list[dict[str, Any]]:
    response = await api.client.get(f"/api/v1/devices/{tag}/certificates", headers=member.headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page (pypdf's extraction)."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def pdf_text(pdf: bytes) -> str:
    return "\n".join(pdf_pages(pdf))


def pdf_qr_codes(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    texts: list[str] = []
    for page in document:
        image = page.render(scale=150 / 72).to_pil()
        texts.extend(c.text for c in zxingcpp.read_barcodes(image))
    return texts
